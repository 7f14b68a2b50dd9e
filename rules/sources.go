package rules

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Sources are the service APIs periodic rules read, as small interfaces
// over plain data. Package sources satisfies them with AWS SDK clients
// (paginated listings, bounded concurrency, retries, the invocation's
// deadline); tests satisfy them with fakes or with local endpoints. A nil
// field means the runtime offers no such source: a rule that needs it fails
// with an error naming it.
//
// A later service adds a field here, an interface and its data types in
// this file, and an implementation in package sources; the rules stay
// free of the SDK.
type Sources struct {
	SageMakerJobs      SageMakerJobs
	SageMakerInference SageMakerInference
	SageMakerStudio    SageMakerStudio
	IAM                IAMRoles
	// Bedrock, Comprehend, Rekognition and what invocation logging writes
	// to (sources_bedrock.go).
	Bedrock       Bedrock
	BedrockAgents BedrockAgents
	Comprehend    Comprehend
	Rekognition   Rekognition
	S3Buckets     S3Buckets
	LogGroups     LogGroups
	// Account-level controls (sources_account.go).
	CloudTrail  CloudTrailTrails
	GuardDuty   GuardDutyDetectors
	CostAnomaly CostAnomalyDetection
	// The second wave of AI rules (sources_breadth.go).
	SageMakerGovernance SageMakerGovernance
	ComprehendModels    ComprehendModels
	BedrockGuardrails   BedrockGuardrails
	IAMCredentials      IAMCredentials
	VPCEndpoints        VPCEndpoints
	MLFronts            MLFronts
	Certificates        Certificates
}

// Contract of every source method:
//
//   - A listing returns every resource, across all pages, each described in
//     full; a resource that disappears between the listing and its
//     description is left out (it no longer exists).
//   - When the context ends before the method is done (the Lambda deadline),
//     it returns what it described completely together with an *Incomplete
//     error saying what it had to leave out. Any other error means the
//     result is unusable.

// SageMakerJobs lists SageMaker jobs created at or after since.
type SageMakerJobs interface {
	TrainingJobs(ctx context.Context, since time.Time) ([]TrainingJob, error)
	ProcessingJobs(ctx context.Context, since time.Time) ([]ProcessingJob, error)
	TransformJobs(ctx context.Context, since time.Time) ([]TransformJob, error)
}

// SageMakerInference lists what serves inference: endpoints and models.
type SageMakerInference interface {
	// InServiceEndpoints returns the endpoints in status InService, each with
	// its endpoint configuration and the models its variants name.
	InServiceEndpoints(ctx context.Context) ([]Endpoint, error)
	Models(ctx context.Context) ([]Model, error)
}

// SageMakerStudio lists the interactive development resources: notebook
// instances, Studio domains and user profiles.
type SageMakerStudio interface {
	NotebookInstances(ctx context.Context) ([]NotebookInstance, error)
	Domains(ctx context.Context) ([]Domain, error)
	UserProfiles(ctx context.Context) ([]UserProfile, error)
}

// IAMRoles reads IAM roles with their policies.
type IAMRoles interface {
	// Roles returns the roles named by the ARNs, with their attached and
	// inline policies when withPolicies. Roles that do not exist are left
	// out.
	Roles(ctx context.Context, arns []string, withPolicies bool) ([]Role, error)
}

// TrainingJob is what the rules need of DescribeTrainingJob.
type TrainingJob struct {
	Name, ARN string
	Created   time.Time
	Status    string
	// VpcSubnets and VpcSecurityGroups are VpcConfig's; both are empty when
	// the job has no VpcConfig.
	VpcSubnets               []string
	VpcSecurityGroups        []string
	NetworkIsolation         bool
	InterContainerEncryption bool
	// InstanceTypes are ResourceConfig.InstanceType and the types of its
	// instance groups.
	InstanceTypes []string
	VolumeKMSKey  string // ResourceConfig.VolumeKmsKeyId
	OutputKMSKey  string // OutputDataConfig.KmsKeyId
	RoleARN       string
}

// ProcessingJob is what the rules need of DescribeProcessingJob.
type ProcessingJob struct {
	Name, ARN string
	Created   time.Time
	Status    string
	// VpcSubnets and VpcSecurityGroups are NetworkConfig.VpcConfig's.
	VpcSubnets               []string
	VpcSecurityGroups        []string
	NetworkIsolation         bool // NetworkConfig.EnableNetworkIsolation
	InterContainerEncryption bool // NetworkConfig.EnableInterContainerTrafficEncryption
	InstanceTypes            []string
	VolumeKMSKey             string // ProcessingResources.ClusterConfig.VolumeKmsKeyId
	// HasOutputConfig reports whether the job has a ProcessingOutputConfig;
	// OutputKMSKey is its KmsKeyId.
	HasOutputConfig bool
	OutputKMSKey    string
	RoleARN         string
}

// TransformJob is what the rules need of DescribeTransformJob.
type TransformJob struct {
	Name, ARN     string
	Created       time.Time
	Status        string
	ModelName     string
	InstanceTypes []string
	VolumeKMSKey  string // TransformResources.VolumeKmsKeyId
	OutputKMSKey  string // TransformOutput.KmsKeyId
}

// Endpoint is an endpoint with what is behind it.
type Endpoint struct {
	Name, ARN  string
	Created    time.Time
	Status     string
	ConfigName string
	// Config is nil when the endpoint configuration no longer exists (an
	// endpoint keeps running after its configuration is deleted).
	Config *EndpointConfig
	// Models are the models the configuration's variants name, as found;
	// MissingModels names those that no longer exist.
	Models        []Model
	MissingModels []string
}

// EndpointConfig is what the rules need of DescribeEndpointConfig; its
// fields carry the API's names, which are also those Config records.
type EndpointConfig struct {
	Name, ARN string
	KMSKey    string // KmsKeyId
	Variants  []EndpointVariant
	// DataCapture is nil when the configuration has no DataCaptureConfig.
	DataCapture *DataCapture
}

// EndpointVariant is one production (or shadow) variant.
type EndpointVariant struct {
	Name         string
	ModelName    string // "" for variants that serve inference components
	InstanceType string
	// Serverless reports a ServerlessConfig.
	Serverless           bool
	InitialInstanceCount int
	Shadow               bool
}

// DataCapture is an endpoint configuration's DataCaptureConfig.
type DataCapture struct {
	// EnableCapture is nil when the API leaves it out.
	EnableCapture             *bool
	KMSKey                    string
	InitialSamplingPercentage int
}

// Model is what the rules need of DescribeModel.
type Model struct {
	Name, ARN         string
	Created           time.Time
	NetworkIsolation  bool
	VpcSubnets        []string
	VpcSecurityGroups []string
	RoleARN           string // ExecutionRoleArn
}

// NotebookInstance is what the rules need of DescribeNotebookInstance.
type NotebookInstance struct {
	Name, ARN string
	RoleARN   string
}

// Domain is what the rules need of DescribeDomain.
type Domain struct {
	ID, Name, ARN string
	// ExecutionRoles are DefaultUserSettings.ExecutionRole and
	// DefaultSpaceSettings.ExecutionRole, where set.
	ExecutionRoles []string
}

// UserProfile is what the rules need of DescribeUserProfile.
type UserProfile struct {
	DomainID, Name, ARN string
	RoleARN             string // UserSettings.ExecutionRole
}

// Role is an IAM role with its policies.
type Role struct {
	Name, ARN string
	// ID is the role's unique ID (AROA...), Config's resource ID for
	// AWS::IAM::Role.
	ID               string
	AttachedPolicies []AttachedPolicy
	InlinePolicies   []InlinePolicy
}

// AttachedPolicy is a managed policy attached to a role.
type AttachedPolicy struct {
	Name, ARN string
	// Document is the default version's policy document (JSON) of a
	// customer managed policy; "" for AWS managed policies, which are known
	// by name.
	Document string
}

// InlinePolicy is a role's inline policy; Document is JSON.
type InlinePolicy struct {
	Name, Document string
}

// Incomplete reports that a source, or a periodic rule, stopped before it
// had looked at everything, because its context ended (the Lambda
// deadline). What was returned with it is sound; the runtime reports it,
// logs what was skipped, and does not treat resources it did not see as
// gone.
type Incomplete struct {
	// Skipped names the resources listed but not evaluated.
	Skipped []string
	// Truncated reports that a listing stopped early, so that more resources
	// went unevaluated than Skipped names.
	Truncated bool
	// Cause is why: usually the context's error.
	Cause error
}

func (e *Incomplete) Error() string {
	var b strings.Builder
	b.WriteString("stopped before the end")
	if e.Cause != nil {
		b.WriteString(" (" + e.Cause.Error() + ")")
	}
	fmt.Fprintf(&b, ": %d resources not evaluated", len(e.Skipped))
	if e.Truncated {
		b.WriteString(", and a listing was cut short")
	}
	return b.String()
}

func (e *Incomplete) Unwrap() error { return e.Cause }

// AsIncomplete splits a source's error: it returns the *Incomplete it
// holds, or err itself as a real failure. Both are nil for a nil err.
func AsIncomplete(err error) (*Incomplete, error) {
	if err == nil {
		return nil, nil
	}
	if inc, ok := errors.AsType[*Incomplete](err); ok {
		return inc, nil
	}
	return nil, err
}

// merge adds o's skipped resources to e; either may be nil.
func (e *Incomplete) merge(o *Incomplete) *Incomplete {
	switch {
	case o == nil:
		return e
	case e == nil:
		c := *o
		c.Skipped = append([]string(nil), o.Skipped...)
		return &c
	}
	e.Skipped = append(e.Skipped, o.Skipped...)
	e.Truncated = e.Truncated || o.Truncated
	if e.Cause == nil {
		e.Cause = o.Cause
	}
	return e
}

// err returns e as an error, nil when e is nil (never a typed nil).
func (e *Incomplete) err() error {
	if e == nil {
		return nil
	}
	return e
}

// errNoSource reports a source the runtime did not provide.
func errNoSource(name string) error {
	return fmt.Errorf("the runtime provides no %s source", name)
}
