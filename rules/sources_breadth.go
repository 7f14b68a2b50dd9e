package rules

import (
	"context"
	"time"
)

// The sources of the second wave of periodic AI rules: SageMaker's
// human-review flows, lifecycle scripts and monitoring schedules,
// Comprehend's custom models, Bedrock guardrails, IAM's service-specific
// credentials, the VPC endpoints of VPCs, and what fronts ML endpoints
// (load balancers, API Gateway custom domains, CloudFront) with their ACM
// certificates. Their methods follow the contract of every source
// (sources.go).

// SageMakerGovernance lists the SageMaker resources that govern how models
// are reviewed, set up and watched.
type SageMakerGovernance interface {
	FlowDefinitions(ctx context.Context) ([]FlowDefinition, error)
	// NotebookLifecycleConfigs returns the notebook instance lifecycle
	// configurations with their scripts.
	NotebookLifecycleConfigs(ctx context.Context) ([]LifecycleConfig, error)
	MonitoringSchedules(ctx context.Context) ([]MonitoringSchedule, error)
}

// ComprehendModels lists Comprehend's custom models.
type ComprehendModels interface {
	EntityRecognizers(ctx context.Context) ([]ComprehendModel, error)
	DocumentClassifiers(ctx context.Context) ([]ComprehendModel, error)
}

// BedrockGuardrails lists the Region's guardrails (their working drafts)
// with their policies.
type BedrockGuardrails interface {
	Guardrails(ctx context.Context) ([]Guardrail, error)
}

// IAMCredentials lists IAM service-specific credentials.
type IAMCredentials interface {
	// ServiceCredentials returns every user's credentials for the service
	// (bedrock.amazonaws.com), each with its user's ID and ARN.
	ServiceCredentials(ctx context.Context, service string) ([]ServiceCredential, error)
}

// VPCEndpoints reads the Region's VPCs and their endpoints.
type VPCEndpoints interface {
	// VPCs returns those of ids that exist in the Region.
	VPCs(ctx context.Context, ids []string) ([]string, error)
	// Endpoints returns the VPC endpoints of the VPCs.
	Endpoints(ctx context.Context, vpcIDs []string) ([]VPCEndpointInfo, error)
}

// MLFronts lists what can front an ML endpoint with TLS: load balancer
// listeners, API Gateway custom domain names and CloudFront distributions,
// each with its tags and certificates.
type MLFronts interface {
	Listeners(ctx context.Context) ([]Listener, error)
	APIDomains(ctx context.Context) ([]APIDomain, error)
	Distributions(ctx context.Context) ([]Distribution, error)
}

// Certificates reads ACM certificates.
type Certificates interface {
	// Certificate describes one certificate; nil when it does not exist.
	Certificate(ctx context.Context, arn string) (*Certificate, error)
}

// FlowDefinition is what the rules need of DescribeFlowDefinition.
type FlowDefinition struct {
	Name, ARN, Status string
	OutputKMSKey      string // OutputConfig.KmsKeyId
}

// LifecycleConfig is a notebook instance lifecycle configuration.
type LifecycleConfig struct {
	Name, ARN string
	Scripts   []LifecycleScript
}

// LifecycleScript is one OnCreate or OnStart script, base64-encoded as the
// API returns it.
type LifecycleScript struct {
	Hook    string // OnCreate or OnStart
	Content string
}

// MonitoringSchedule is a ListMonitoringSchedules summary.
type MonitoringSchedule struct {
	Name, ARN    string
	Status       string // MonitoringScheduleStatus
	EndpointName string
	Type         string // MonitoringType
}

// ComprehendModel is a custom entity recognizer or document classifier.
type ComprehendModel struct {
	ARN, Status  string
	ModelKMSKey  string // ModelKmsKeyId
	VolumeKMSKey string // VolumeKmsKeyId
	Classifier   bool
}

// Guardrail is a guardrail's draft with its policies (GetGuardrail).
type Guardrail struct {
	ID, ARN, Name, Version, Status string
	ContentFilters                 []GuardrailContentFilter
	PIIEntities                    []GuardrailPIIEntity
	GroundingFilters               []GuardrailGroundingFilter
}

// GuardrailContentFilter is a content policy filter.
type GuardrailContentFilter struct {
	Type, InputStrength, OutputStrength string
	InputAction, OutputAction           string
	// InputEnabled and OutputEnabled are nil when the API leaves them out.
	InputEnabled, OutputEnabled *bool
}

// GuardrailPIIEntity is a sensitive information policy's PII entity.
type GuardrailPIIEntity struct {
	Type, Action, InputAction, OutputAction string
	InputEnabled, OutputEnabled             *bool
}

// GuardrailGroundingFilter is a contextual grounding filter.
type GuardrailGroundingFilter struct {
	Type, Action string
	Threshold    float64
	Enabled      *bool
}

// ServiceCredential is a service-specific credential with its user.
type ServiceCredential struct {
	ID, UserName      string
	UserID, UserARN   string
	Status            string // Active, Inactive or Expired
	Created           time.Time
	Expires           *time.Time // nil: never
	ServiceName, Name string
}

// VPCEndpointInfo is what the rules need of a DescribeVpcEndpoints entry.
type VPCEndpointInfo struct {
	ID, VPCID, ServiceName string
	Type                   string // Interface, Gateway, ...
	State                  string
	PrivateDNS             bool
}

// Listener is a load balancer listener that terminates TLS.
type Listener struct {
	ARN, LoadBalancerARN, LoadBalancerName string
	Protocol                               string
	// Tags are the load balancer's and the listener's own.
	Tags map[string]string
	// Certificates are the listener's certificate ARNs (ACM or IAM).
	Certificates []string
}

// APIDomain is an API Gateway custom domain name (REST or HTTP/WebSocket).
type APIDomain struct {
	Name, ARN    string
	Tags         map[string]string
	Certificates []string
}

// Distribution is a CloudFront distribution's viewer certificate.
type Distribution struct {
	ID, ARN, DomainName string
	Tags                map[string]string
	ACMCertificate      string
	IAMCertificateID    string
	DefaultCertificate  bool
}

// Certificate is what the rules need of ACM's DescribeCertificate.
type Certificate struct {
	ARN      string
	Type     string // AMAZON_ISSUED, IMPORTED or PRIVATE
	Status   string
	CAARN    string // CertificateAuthorityArn of a private certificate
	NotAfter time.Time
}
