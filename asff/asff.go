// Package asff is the AWS Security Finding Format (ASFF): the finding model
// that Security Hub's BatchImportFindings takes, the mappings from aiguard's
// vocabulary onto it, and a check of a finding against what the API
// requires and limits (Validate), so that a writer finds out before Security
// Hub rejects a batch.
//
// Field names, order, requirements and limits follow the AwsSecurityFinding
// and BatchImportFindings API reference
// (https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_AwsSecurityFinding.html)
// and the ASFF required attributes
// (https://docs.aws.amazon.com/securityhub/latest/userguide/asff-required-attributes.html).
package asff

// Limits of BatchImportFindings and of the finding attributes.
const (
	// BatchSize is the most findings one BatchImportFindings call takes.
	BatchSize = 100
	// SchemaVersion is the only schema version Security Hub accepts.
	SchemaVersion = "2018-10-08"
	// MaxFindingBytes: BatchImportFindings rejects a finding of 240 KB or more.
	MaxFindingBytes = 240 * 1024

	MaxID            = 512
	MaxGeneratorID   = 512
	MaxTitle         = 256
	MaxDescription   = 1024
	MaxRemediation   = 512
	MaxTypes         = 50
	MaxResources     = 32
	MaxProductFields = 50 // key-value pairs
	MaxFieldKey      = 128
	MaxFieldValue    = 2048
	MaxOtherDetails  = 50 // Resources[].Details.Other key-value pairs
	MaxOtherValue    = 1024
	MaxRequirements  = 32 // Compliance.RelatedRequirements
)

// TypeConfigCheck is the finding type of a configuration check against
// security best practices, which every Config-rule finding is.
const TypeConfigCheck = "Software and Configuration Checks/AWS Security Best Practices"

// Severity labels.
const (
	SeverityInformational = "INFORMATIONAL"
	SeverityLow           = "LOW"
	SeverityMedium        = "MEDIUM"
	SeverityHigh          = "HIGH"
	SeverityCritical      = "CRITICAL"
)

// Compliance statuses and record states.
const (
	StatusPassed       = "PASSED"
	StatusWarning      = "WARNING"
	StatusFailed       = "FAILED"
	StatusNotAvailable = "NOT_AVAILABLE"

	RecordActive   = "ACTIVE"
	RecordArchived = "ARCHIVED"
)

// Finding is one ASFF finding, with the attributes in the order the API
// reference lists the required ones first. Optional attributes are left out
// when empty.
type Finding struct {
	SchemaVersion         string                 `json:"SchemaVersion"`
	ID                    string                 `json:"Id"`
	ProductArn            string                 `json:"ProductArn"`
	ProductName           string                 `json:"ProductName,omitempty"`
	CompanyName           string                 `json:"CompanyName,omitempty"`
	Region                string                 `json:"Region,omitempty"`
	GeneratorID           string                 `json:"GeneratorId"`
	AwsAccountID          string                 `json:"AwsAccountId"`
	Types                 []string               `json:"Types,omitempty"`
	FirstObservedAt       string                 `json:"FirstObservedAt,omitempty"`
	LastObservedAt        string                 `json:"LastObservedAt,omitempty"`
	CreatedAt             string                 `json:"CreatedAt"`
	UpdatedAt             string                 `json:"UpdatedAt"`
	Severity              *Severity              `json:"Severity,omitempty"`
	Title                 string                 `json:"Title"`
	Description           string                 `json:"Description"`
	Remediation           *Remediation           `json:"Remediation,omitempty"`
	SourceURL             string                 `json:"SourceUrl,omitempty"`
	ProductFields         map[string]string      `json:"ProductFields,omitempty"`
	Resources             []Resource             `json:"Resources"`
	Compliance            *Compliance            `json:"Compliance,omitempty"`
	RecordState           string                 `json:"RecordState,omitempty"`
	FindingProviderFields *FindingProviderFields `json:"FindingProviderFields,omitempty"`
}

// Severity is a finding's severity: Label is what Security Hub sorts by,
// Original the provider's own value.
type Severity struct {
	Label    string `json:"Label"`
	Original string `json:"Original,omitempty"`
}

// Remediation says how to fix what the finding reports.
type Remediation struct {
	Recommendation Recommendation `json:"Recommendation"`
}

// Recommendation is remediation text and an optional link.
type Recommendation struct {
	Text string `json:"Text,omitempty"`
	URL  string `json:"Url,omitempty"`
}

// Resource is a resource a finding is about.
type Resource struct {
	Type      string            `json:"Type"`
	ID        string            `json:"Id"`
	Partition string            `json:"Partition,omitempty"`
	Region    string            `json:"Region,omitempty"`
	Details   *Details          `json:"Details,omitempty"`
	Tags      map[string]string `json:"Tags,omitempty"`
}

// Details holds resource details; aiguard uses only Other, which takes any
// type.
type Details struct {
	Other map[string]string `json:"Other,omitempty"`
}

// Compliance is the result of a control check.
type Compliance struct {
	Status              string   `json:"Status,omitempty"`
	RelatedRequirements []string `json:"RelatedRequirements,omitempty"`
}

// FindingProviderFields are the provider's own values of attributes that
// customers may update (Severity, Types).
type FindingProviderFields struct {
	Severity *Severity `json:"Severity,omitempty"`
	Types    []string  `json:"Types,omitempty"`
}
