package rules

import "context"

// The account-level sources: CloudTrail trails, GuardDuty detectors and
// Cost Anomaly Detection. Their methods follow the contract of every
// source (sources.go).

// CloudTrailTrails reads the trails that apply to the Region.
type CloudTrailTrails interface {
	// Trails returns the trails DescribeTrails names for the Region (its own
	// trails and the multi-Region and organization trails of other Regions
	// and accounts that apply to it), each with its status and event
	// selectors. A trail deleted meanwhile is left out.
	Trails(ctx context.Context) ([]Trail, error)
}

// GuardDutyDetectors reads the GuardDuty detectors of the Region.
type GuardDutyDetectors interface {
	Detectors(ctx context.Context) ([]Detector, error)
}

// CostAnomalyDetection reads the Cost Anomaly Detection setup of the
// account; the service is global.
type CostAnomalyDetection interface {
	AnomalyMonitors(ctx context.Context) ([]AnomalyMonitor, error)
	AnomalySubscriptions(ctx context.Context) ([]AnomalySubscription, error)
}

// Trail is what the rules need of a trail: DescribeTrails' Trail,
// GetTrailStatus' IsLogging and GetEventSelectors' selectors.
type Trail struct {
	Name, ARN, HomeRegion string
	MultiRegion           bool // IsMultiRegionTrail
	Organization          bool // IsOrganizationTrail
	LogFileValidation     bool // LogFileValidationEnabled
	KMSKey                string
	Logging               bool // GetTrailStatus IsLogging
	// EventSelectors and AdvancedEventSelectors are GetEventSelectors';
	// a trail has one kind or the other.
	EventSelectors         []EventSelector
	AdvancedEventSelectors []AdvancedEventSelector
}

// EventSelector is a basic event selector.
type EventSelector struct {
	ReadWriteType                 string // ReadOnly, WriteOnly or All
	IncludeManagementEvents       bool
	ExcludeManagementEventSources []string
	DataResources                 []DataResource
}

// DataResource selects data events of one resource type.
type DataResource struct {
	Type   string
	Values []string
}

// AdvancedEventSelector is an advanced event selector: its field
// selectors all apply.
type AdvancedEventSelector struct {
	Name           string
	FieldSelectors []FieldSelector
}

// FieldSelector is a condition on one field of an event.
type FieldSelector struct {
	Field                                 string
	Equals, StartsWith, EndsWith          []string
	NotEquals, NotStartsWith, NotEndsWith []string
}

// Detector is what the rules need of GetDetector.
type Detector struct {
	ID     string
	Status string // ENABLED or DISABLED
	// S3Logs is DataSources.S3Logs.Status ("" when absent).
	S3Logs   string
	Features []DetectorFeature
}

// DetectorFeature is one of a detector's Features.
type DetectorFeature struct {
	Name, Status string
}

// AnomalyMonitor is a Cost Anomaly Detection monitor.
type AnomalyMonitor struct {
	ARN, Name string
	Type      string // DIMENSIONAL or CUSTOM
	Dimension string // MonitorDimension of a DIMENSIONAL monitor
	// Specification is a CUSTOM monitor's MonitorSpecification.
	Specification *CostExpression
}

// CostExpression is Cost Explorer's Expression, as far as the rules read
// it.
type CostExpression struct {
	And, Or    []CostExpression
	Not        *CostExpression
	Dimensions *CostDimension
	// Other reports Tags or CostCategories conditions, which the rules do
	// not interpret.
	Other bool
}

// CostDimension is an Expression's Dimensions.
type CostDimension struct {
	Key          string
	Values       []string
	MatchOptions []string
}

// AnomalySubscription is a Cost Anomaly Detection alert subscription.
type AnomalySubscription struct {
	ARN, Name   string
	MonitorARNs []string
	Subscribers []AnomalySubscriber
	// Threshold is the legacy absolute threshold (nil when absent);
	// ThresholdExpression supersedes it when present.
	Threshold           *float64
	ThresholdExpression *CostExpression
}

// AnomalySubscriber is a subscription's subscriber.
type AnomalySubscriber struct {
	Type, Address, Status string
}

// S3BucketLister is implemented by an S3Buckets source that can also list
// the account's buckets with their tags. cloudtrail-ml-api-logging needs
// one when mlTagKey is set; it is a separate interface so that sources
// (and fakes) that only read bucket encryption need not implement it.
type S3BucketLister interface {
	// Buckets lists the account's general purpose buckets in region (every
	// Region when region is ""), each with its tags (ListBuckets, then
	// GetBucketTagging per bucket). A bucket without tags has none; a
	// bucket deleted meanwhile is left out.
	Buckets(ctx context.Context, region string) ([]Bucket, error)
}

// Bucket is a bucket of ListBuckets with GetBucketTagging's tag set.
type Bucket struct {
	Name   string
	Region string // BucketRegion; "" when S3 did not say
	Tags   map[string]string
}
