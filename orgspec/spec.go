package orgspec

import (
	"slices"
	"time"

	"github.com/aiguard/aiguard/awsid"
	"github.com/aiguard/aiguard/rules"
)

// APIVersion is the apiVersion this release reads.
const APIVersion = "aiguard.dev/v1"

// DefaultMemberRoleName is the role the rule Lambda assumes in member
// accounts when the spec names none.
const DefaultMemberRoleName = "aiguard-config-rules-member"

// Data classifications, from the least to the most sensitive.
const (
	Public       = "public"
	Internal     = "internal"
	Confidential = "confidential"
	Restricted   = "restricted"
)

// Classifications lists the data classifications in order of sensitivity.
func Classifications() []string { return []string{Public, Internal, Confidential, Restricted} }

// The struct tags below are the single definition of the spec: the decoder
// reads them to validate a file and the schema generator to write the JSON
// Schema. yaml names the key; doc describes it; check names a value check
// from checks.go (for a list, of each item); spec holds options:
// required, unique (list items), minItems=N, min=N and max=N (numbers),
// default=V, and enum=a|b (numbers).

// Spec is an organization spec: the organization, the defaults every team
// inherits, and the teams. Parse fills Teams with their effective settings
// (see Team).
type Spec struct {
	APIVersion   string       `yaml:"apiVersion" check:"apiVersion" spec:"required" doc:"Version of the spec format. This release reads aiguard.dev/v1."`
	Organization Organization `yaml:"organization" spec:"required" doc:"The AWS organization: its accounts, Regions and where the rule Lambda runs."`
	Defaults     Defaults     `yaml:"defaults" doc:"Settings and rule choices every team inherits unless it sets its own."`
	Teams        []*Team      `yaml:"teams" spec:"required,minItems=1" doc:"The teams or projects, each with the accounts and organizational units it owns and its AI posture."`
	Detections   Detections   `yaml:"detections" doc:"Detections of suspicious ML activity in CloudTrail (aiguard detections list): thresholds, working hours, allowed networks, and where alerts go."`

	file     string
	registry *rules.Registry
	warnings Errors
	pos      positions
	now      time.Time
}

// Organization describes the AWS organization as a whole.
type Organization struct {
	Name                   string      `yaml:"name" check:"orgName" spec:"required" doc:"Short name of the organization, used in stack and resource names."`
	ID                     string      `yaml:"id" check:"orgID" spec:"required" doc:"AWS Organizations ID (o-...). Scopes the rule Lambda's permissions and the SCP conditions to the organization."`
	ManagementAccount      string      `yaml:"managementAccount" check:"account" spec:"required" doc:"The management account ID. SCPs never apply to it."`
	SecurityToolingAccount string      `yaml:"securityToolingAccount" check:"account" spec:"required" doc:"The security tooling (delegated administrator) account where the rule Lambda runs."`
	Regions                []string    `yaml:"regions" check:"region" spec:"required,minItems=1,unique" doc:"The Regions where conformance packs and the rule Lambda are deployed; all in one partition."`
	ConformancePackBucket  string      `yaml:"conformancePackBucket" check:"packBucket" doc:"S3 bucket where Config delivers conformance-pack templates and results. Organization packs require a name starting with awsconfigconforms."`
	BreakGlassRoles        []string    `yaml:"breakGlassRoles" check:"role" spec:"required,minItems=1,unique" doc:"IAM roles exempt from every aiguard deny: role ARNs (the account may be *) or role names, which match the role in every account."`
	MemberRoleName         string      `yaml:"memberRoleName" check:"roleName" spec:"default=aiguard-config-rules-member" doc:"Name of the role the rule Lambda assumes in each member account."`
	Lambda                 Lambda      `yaml:"lambda" doc:"Settings of the rule Lambda function."`
	TagKeys                TagKeys     `yaml:"tagKeys" doc:"Tag keys aiguard's rules and policies read on principals and resources."`
	Limits                 Limits      `yaml:"limits" doc:"Limits the policy generator packs SCPs into."`
	Hook                   Hook        `yaml:"hook" doc:"The CloudFormation Lambda hook that evaluates AI resources before CloudFormation creates or updates them."`
	LandingZone            LandingZone `yaml:"landingZone" doc:"How the landing zone (Customizations for Control Tower, Landing Zone Accelerator) names the organizational units and accounts the teams own."`
}

// Lambda holds the settings of the rule Lambda.
type Lambda struct {
	MemorySize          int    `yaml:"memorySize" spec:"default=256,min=128,max=10240" doc:"Memory in MB."`
	Timeout             int    `yaml:"timeout" spec:"default=300,min=10,max=900" doc:"Timeout in seconds. Periodic rules stop before it and report what they evaluated."`
	ReservedConcurrency int    `yaml:"reservedConcurrency" spec:"min=1,max=10000" doc:"Reserved concurrent executions; unset for none (the account's unreserved pool)."`
	Tracing             string `yaml:"tracing" check:"tracing" spec:"default=PassThrough" doc:"X-Ray tracing mode."`
	LogRetentionDays    int    `yaml:"logRetentionDays" spec:"default=90,enum=1|3|5|7|14|30|60|90|120|150|180|365|400|545|731|1096|1827|2192|2557|2922|3288|3653" doc:"Retention of the function's CloudWatch log group, in days (a value CloudWatch Logs accepts)."`
}

// TagKeys names the tags that carry aiguard's decisions.
type TagKeys struct {
	Team               string `yaml:"team" check:"tagKey" spec:"default=aiguard-team" doc:"Tag naming the team that owns a resource or principal."`
	DataClassification string `yaml:"dataClassification" check:"tagKey" spec:"default=data-classification" doc:"Principal tag holding the data classification that Comprehend access is decided on."`
	ApprovedUseCase    string `yaml:"approvedUseCase" check:"tagKey" spec:"default=ai-approved-use-case" doc:"Tag holding the approved Rekognition use case of a principal or face collection."`
	MLData             string `yaml:"mlData" check:"tagKey" spec:"default=ml-data" doc:"Tag marking S3 buckets and KMS keys that hold ML data."`
}

// Limits bounds the generated service control policies.
type Limits struct {
	SCPMaxChars     int `yaml:"scpMaxChars" spec:"default=5120,min=1000,max=5120" doc:"Largest SCP, in characters of minified JSON (AWS allows 5,120)."`
	SCPMaxPerTarget int `yaml:"scpMaxPerTarget" spec:"default=5,min=2,max=5" doc:"Most SCPs attached to one root, OU or account, FullAWSAccess included (AWS allows 5)."`
}

// Settings are the posture settings a team has and defaults provides. A
// setting the team leaves unset comes from defaults: a nil list inherits,
// an empty list ([]) does not. Blocks merge key by key.
type Settings struct {
	DataClassification string       `yaml:"dataClassification" check:"classification" doc:"Most sensitive data the team handles."`
	Network            *Network     `yaml:"network" doc:"The VPC resources the team's SageMaker resources must use."`
	KMSKeyArns         []string     `yaml:"kmsKeyArns" check:"kmsKeyArn" spec:"unique" doc:"Customer managed KMS keys the team encrypts with (key ARNs)."`
	Storage            *Storage     `yaml:"storage" doc:"The team's S3 locations, for execution roles and bucket rules."`
	Bedrock            *Bedrock     `yaml:"bedrock" doc:"Bedrock models, inference profiles and guardrail."`
	SageMaker          *SageMaker   `yaml:"sagemaker" doc:"SageMaker instance types and lifecycle configurations."`
	Rekognition        *Rekognition `yaml:"rekognition" doc:"Rekognition facial-analysis use cases."`
	Comprehend         *Comprehend  `yaml:"comprehend" doc:"Which data classifications may use Comprehend's sensitive detections."`
	CostAnomaly        *CostAnomaly `yaml:"costAnomaly" doc:"Cost Anomaly Detection for the team's AI spend."`
	TLS                *TLS         `yaml:"tls" doc:"Certificates of what fronts the team's ML endpoints (load balancers, API Gateway, CloudFront)."`
}

// Network lists the VPC resources SageMaker resources must run in.
type Network struct {
	VPCIDs           []string `yaml:"vpcIds" check:"vpcID" spec:"unique" doc:"VPCs of the team."`
	SubnetIDs        []string `yaml:"subnetIds" check:"subnetID" spec:"unique" doc:"Private subnets SageMaker notebooks, domains, jobs and models may use."`
	SecurityGroupIDs []string `yaml:"securityGroupIds" check:"securityGroupID" spec:"unique" doc:"Security groups SageMaker resources may use."`
}

// Storage lists the team's S3 locations (s3://bucket/prefix).
type Storage struct {
	TrainingData   []string `yaml:"trainingData" check:"s3URI" spec:"unique" doc:"Prefixes training and processing jobs read."`
	ModelArtifacts []string `yaml:"modelArtifacts" check:"s3URI" spec:"unique" doc:"Prefixes holding model artifacts, read by inference."`
	Output         string   `yaml:"output" check:"s3URI" doc:"Prefix jobs write their output to."`
	Workspace      []string `yaml:"workspace" check:"s3URI" spec:"unique" doc:"Prefixes notebooks read and write."`
}

// Bedrock says which models the team may invoke and how.
type Bedrock struct {
	AllowedModels     []string   `yaml:"allowedModels" check:"bedrockModel" spec:"unique" doc:"Foundation or custom models the team may invoke: model IDs (a trailing * allowed) or model ARNs. Unset or empty: none."`
	InferenceProfiles []string   `yaml:"inferenceProfiles" check:"inferenceProfile" spec:"unique" doc:"Inference profiles the team may invoke: cross-Region profile IDs (us., eu., apac., global. ...) or profile ARNs. A profile's model must be among allowedModels."`
	Guardrail         *Guardrail `yaml:"guardrail" doc:"Guardrail every invocation must apply."`
	APIKeyMaxAgeDays  int        `yaml:"apiKeyMaxAgeDays" spec:"min=1,max=36600" doc:"Days an active long-term Bedrock API key may last from its creation. Unset: no active long-term key is allowed."`
}

// Guardrail identifies one guardrail version.
type Guardrail struct {
	ID      string `yaml:"id" check:"guardrailID" spec:"required" doc:"Guardrail ID or ARN."`
	Version string `yaml:"version" check:"guardrailVersion" spec:"required" doc:"Guardrail version number, or DRAFT."`
}

// SageMaker constrains the team's SageMaker resources.
type SageMaker struct {
	InstanceTypes    []string `yaml:"instanceTypes" check:"instanceType" spec:"unique" doc:"Instance types notebooks, jobs and endpoints may use (ml.m5.xlarge; * allowed in the family or size). Unset or empty: any."`
	LifecycleConfigs []string `yaml:"lifecycleConfigs" check:"lifecycleConfig" spec:"unique" doc:"Notebook lifecycle configurations notebooks may use."`
	StudioAuthMode   string   `yaml:"studioAuthMode" check:"studioAuthMode" doc:"Authentication mode Studio domains must use: SSO (IAM Identity Center) or IAM. Unset: not checked."`
	ImageRegistries  []string `yaml:"imageRegistryAccounts" check:"account" spec:"unique" doc:"Accounts whose ECR registries model images may come from. Unset: any ECR registry."`
	UncontrolledJobs []string `yaml:"uncontrolledJobs" check:"sagemakerJob" spec:"unique" doc:"SageMaker jobs that launch compute but offer SCPs no condition key to check (network, instance types, KMS keys), such as CreateCompilationJob, CreateOptimizationJob, CreateEdgePackagingJob and CreateInferenceRecommendationsJob, and inference experiments (CreateInferenceExperiment, UpdateInferenceExperiment, whose shadow variants run on any instance type): the SCPs deny them unless they are listed here."`
}

// TLS says which certificates may front the team's ML endpoints.
type TLS struct {
	AllowedCertificateAuthorities []string `yaml:"allowedCertificateAuthorities" check:"privateCA" spec:"unique" doc:"AWS Private CA authorities (ARNs) private certificates must come from. Unset: any."`
	MinDaysToExpiry               int      `yaml:"minDaysToExpiry" spec:"min=1,max=365" doc:"Days a certificate must still be valid for (default 30)."`
}

// Rekognition lists approved facial-analysis use cases.
type Rekognition struct {
	ApprovedUseCases []string `yaml:"approvedUseCases" check:"useCase" spec:"unique" doc:"Approved use cases for face detection, search and collections (kebab-case tag values). Empty: no facial recognition."`
}

// Comprehend says which principals may run sensitive detections, by the
// data classification tagged on the principal.
type Comprehend struct {
	PIIDetection    []string `yaml:"piiDetection" check:"classification" spec:"unique" doc:"Data classifications whose principals may run PII detection. Empty: none."`
	EntityDetection []string `yaml:"entityDetection" check:"classification" spec:"unique" doc:"Data classifications whose principals may run entity detection. Empty: none."`
}

// CostAnomaly sets the team's Cost Anomaly Detection threshold.
type CostAnomaly struct {
	MonthlyThresholdUSD float64 `yaml:"monthlyThresholdUsd" spec:"required,min=1,max=10000000" doc:"Anomaly amount in USD above which subscribers are alerted."`
}

// Defaults holds what every team inherits.
type Defaults struct {
	Settings `yaml:",inline"`
	Rules    RuleSettings `yaml:"rules" doc:"Rule choices for every team, by rule ID. Every catalog rule is on unless turned off."`
}

// Team is a team or project. After Parse, its Settings are effective:
// each setting the team leaves unset holds the value from defaults. Rules
// holds only the team's own choices; EffectiveRules merges them.
type Team struct {
	Name                string   `yaml:"name" check:"teamName" spec:"required" doc:"Team name, used in conformance pack, rule, role and policy names: lower-case kebab-case, at most 28 characters."`
	Description         string   `yaml:"description" check:"description" doc:"What the team does (free text, at most 256 characters)."`
	Accounts            []string `yaml:"accounts" check:"account" spec:"unique" doc:"Account IDs the team owns (quoted strings)."`
	OrganizationalUnits []string `yaml:"organizationalUnits" check:"ouID" spec:"unique" doc:"Organizational units (ou-...) or the root (r-...) the team owns."`
	Settings            `yaml:",inline"`
	Rules               RuleSettings    `yaml:"rules" doc:"The team's rule choices, by rule ID; they override defaults."`
	Exceptions          []Exception     `yaml:"exceptions" doc:"Resources exempted from a rule, each with a reason and an expiry date."`
	Detections          *TeamDetections `yaml:"detections" doc:"The team's own detection settings: working hours, who else may read its data, detections turned on or off."`
}

// RuleSettings are rule choices keyed by rule ID.
type RuleSettings map[string]RuleSetting

// RuleSetting turns a rule on or off and sets its parameters. In YAML it
// is either a boolean (the rule on or off) or a mapping with enabled and
// parameters.
type RuleSetting struct {
	// Enabled is nil when the setting leaves it to defaults.
	Enabled    *bool                 `yaml:"enabled" doc:"Whether the rule runs."`
	Parameters map[string]ParamValue `yaml:"parameters" doc:"Rule parameters by name. A list is passed to the rule comma-separated."`
}

// ParamValue is a rule parameter as Config passes it: a string. A YAML
// list becomes its items joined by commas; numbers and booleans keep their
// text.
type ParamValue string

// Exception exempts resources from one rule until a date.
type Exception struct {
	Rule       string   `yaml:"rule" check:"ruleID" spec:"required" doc:"Rule ID the exception applies to."`
	Resources  []string `yaml:"resources" check:"resourceID" spec:"required,minItems=1,unique" doc:"Resource IDs as Config reports them (complianceResourceId)."`
	Reason     string   `yaml:"reason" check:"reason" spec:"required" doc:"Why the exception is acceptable."`
	Expires    string   `yaml:"expires" check:"date" spec:"required" doc:"Last day (YYYY-MM-DD, UTC) the exception applies. An expired exception is ignored, with a warning."`
	ApprovedBy string   `yaml:"approvedBy" check:"description" doc:"Who approved the exception."`
}

// Expiry returns the instant the exception stops applying: the start of
// the day after Expires, in UTC (zero when Expires is malformed).
func (e Exception) Expiry() time.Time {
	d, err := time.Parse(time.DateOnly, e.Expires)
	if err != nil {
		return time.Time{}
	}
	return d.AddDate(0, 0, 1)
}

// Active reports whether the exception still applies at now.
func (e Exception) Active(now time.Time) bool { return now.Before(e.Expiry()) }

// File returns the name the spec was parsed under.
func (s *Spec) File() string { return s.file }

// Warnings returns the problems that do not make the spec invalid, such as
// expired exceptions, sorted by position.
func (s *Spec) Warnings() Errors { return s.warnings }

// Registry returns the rule catalog the spec was validated against.
func (s *Spec) Registry() *rules.Registry {
	if s.registry != nil {
		return s.registry
	}
	return rules.Catalog() // a Spec built in code, not parsed
}

// Team returns the team with the given name.
func (s *Spec) Team(name string) (*Team, bool) {
	for _, t := range s.Teams {
		if t.Name == name {
			return t, true
		}
	}
	return nil, false
}

// Accounts returns every account a team names, sorted and without
// duplicates. Accounts reached only through an OU are not listed.
func (s *Spec) Accounts() []string {
	var out []string
	for _, t := range s.Teams {
		out = append(out, t.Accounts...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// OrganizationalUnits returns every OU or root a team names, sorted.
func (s *Spec) OrganizationalUnits() []string {
	var out []string
	for _, t := range s.Teams {
		out = append(out, t.OrganizationalUnits...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Partition returns the partition of the organization's Regions (aws,
// aws-cn, aws-us-gov...), the one every ARN the generator writes uses.
func (s *Spec) Partition() string {
	for _, r := range s.Organization.Regions {
		if p := partitionOf(r); p != "" {
			return p
		}
	}
	return "aws"
}

// BreakGlassPrincipalArns returns the break-glass roles as ARN patterns for
// an aws:PrincipalArn condition: ARNs as given, names as
// arn:PARTITION:iam::*:role/NAME.
func (s *Spec) BreakGlassPrincipalArns() []string {
	out := make([]string, 0, len(s.Organization.BreakGlassRoles))
	for _, r := range s.Organization.BreakGlassRoles {
		if !isARN(r) {
			r = awsid.RoleARN(s.Partition(), "*", r)
		}
		out = append(out, r)
	}
	slices.Sort(out)
	return out
}
