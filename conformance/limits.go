package conformance

import (
	"fmt"
	"regexp"
	"unicode/utf8"
)

// Limits of AWS Config on conformance packs and the rules in them: field
// lengths and counts from the Config API model (PutConfigRule,
// PutConformancePack, PutOrganizationConformancePack in the AWS Config API
// Reference), quotas from "Service Limits" in the AWS Config Developer Guide
// (https://docs.aws.amazon.com/config/latest/developerguide/configlimits.html).
// Lengths are in characters unless the name says bytes.
const (
	MaxTemplateBytes      = 51200  // PutConformancePack TemplateBody
	MaxTemplateS3Bytes    = 300000 // a template uploaded to S3 (TemplateS3Uri): "max size: 300 KB"
	MaxRules              = 130    // AWS::Config::ConfigRule resources per pack (and per organization pack)
	MaxParameters         = 60     // ConformancePackInputParameters, one per template parameter
	MaxPackName           = 256    // ConformancePackName
	MaxOrgPackName        = 128    // OrganizationConformancePackName
	MaxRuleName           = 128    // ConfigRuleName
	MaxDescription        = 256    // ConfigRule Description
	MaxInputParameters    = 1024   // ConfigRule InputParameters, as a JSON string
	MaxSourceIdentifier   = 256    // Source.SourceIdentifier
	MaxSourceDetails      = 25     // Source.SourceDetails
	MaxScopeResourceTypes = 100    // Scope.ComplianceResourceTypes
	MaxScopeTagKey        = 128    // Scope.TagKey
	MaxScopeTagValue      = 256    // Scope.TagValue
	MaxScopeResourceID    = 768    // Scope.ComplianceResourceId
	MaxPolicyText         = 10000  // CustomPolicyDetails.PolicyText (Guard)
	MaxParameterValue     = 4096   // a ConformancePackInputParameters value
)

// Source owners.
const (
	OwnerAWS          = "AWS"
	OwnerCustomLambda = "CUSTOM_LAMBDA"
	OwnerCustomPolicy = "CUSTOM_POLICY"
)

// Source detail values.
const (
	EventSourceConfig = "aws.config"

	MessageChange            = "ConfigurationItemChangeNotification"
	MessageOversizedChange   = "OversizedConfigurationItemChangeNotification"
	MessageScheduled         = "ScheduledNotification"
	MessageSnapshotDelivered = "ConfigurationSnapshotDeliveryCompleted"

	// GuardRuntime is the only PolicyRuntime of CUSTOM_POLICY rules.
	GuardRuntime = "guard-2.x.x"
)

// Frequencies returns the values of MaximumExecutionFrequency, shortest first.
func Frequencies() []string {
	return []string{"One_Hour", "Three_Hours", "Six_Hours", "Twelve_Hours", "TwentyFour_Hours"}
}

// MessageTypes returns the values of SourceDetail.MessageType.
func MessageTypes() []string {
	return []string{MessageChange, MessageOversizedChange, MessageScheduled, MessageSnapshotDelivered}
}

var packNamePattern = regexp.MustCompile(`^[a-zA-Z][-a-zA-Z0-9]*$`)

// CheckPackName reports whether name is a valid conformance pack name: it
// matches [a-zA-Z][-a-zA-Z0-9]* and has at most 256 characters, or 128 for
// an organization conformance pack (org set).
func CheckPackName(name string, org bool) error {
	limit, what := MaxPackName, "conformance pack"
	if org {
		limit, what = MaxOrgPackName, "organization conformance pack"
	}
	if name == "" {
		return fmt.Errorf("%s name is empty", what)
	}
	if n := utf8.RuneCountInString(name); n > limit {
		return fmt.Errorf("%s name %q has %d characters; the limit is %d", what, name, n, limit)
	}
	if !packNamePattern.MatchString(name) {
		return fmt.Errorf("%s name %q must start with a letter and contain only letters, digits and hyphens", what, name)
	}
	return nil
}

// MaxTemplateBodyBytes is the largest template CloudFormation takes inline,
// as the TemplateBody of CreateStack, UpdateStack or CreateStackSet
// ("Template body size in a request" in the CloudFormation quotas,
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html);
// a larger one must be uploaded to S3 and passed by URL.
const MaxTemplateBodyBytes = 51200
