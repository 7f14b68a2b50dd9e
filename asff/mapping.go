package asff

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
	"unicode/utf8"
)

// resourceTypes maps Config resource types to the ASFF resource types that
// exist for them; every other type is "Other".
var resourceTypes = map[string]string{
	"AWS::S3::Bucket":                  "AwsS3Bucket",
	"AWS::KMS::Key":                    "AwsKmsKey",
	"AWS::SageMaker::NotebookInstance": "AwsSageMakerNotebookInstance",
	"AWS::IAM::Role":                   "AwsIamRole",
	"AWS::Lambda::Function":            "AwsLambdaFunction",
	"AWS::EC2::SecurityGroup":          "AwsEc2SecurityGroup",
	"AWS::EC2::VPC":                    "AwsEc2Vpc",
	"AWS::EC2::Subnet":                 "AwsEc2Subnet",
	"AWS::CloudTrail::Trail":           "AwsCloudTrailTrail",
}

// TypeOther is the ASFF resource type for anything without its own.
const TypeOther = "Other"

// ResourceType returns the ASFF resource type for a Config resource type.
func ResourceType(configType string) string {
	if t, ok := resourceTypes[configType]; ok {
		return t
	}
	return TypeOther
}

// partitions are the values Resource.Partition accepts; a resource in any
// other partition leaves it out.
var partitions = map[string]bool{"aws": true, "aws-cn": true, "aws-us-gov": true}

// ResourcePartition returns p when Resource.Partition accepts it, else "".
func ResourcePartition(p string) string {
	if partitions[p] {
		return p
	}
	return ""
}

// Status maps an AWS Config compliance type (COMPLIANT, NON_COMPLIANT,
// NOT_APPLICABLE) onto a control finding's compliance status, record state
// and severity label, as Security Hub treats its own control findings: a
// failure keeps the rule's severity; a pass is INFORMATIONAL; a result that
// does not apply is NOT_AVAILABLE, INFORMATIONAL and archived.
func Status(complianceType, severity string) (status, record, label string) {
	switch complianceType {
	case "NON_COMPLIANT":
		return StatusFailed, RecordActive, severity
	case "COMPLIANT":
		return StatusPassed, RecordActive, SeverityInformational
	}
	return StatusNotAvailable, RecordArchived, SeverityInformational
}

// Timestamp formats t as Security Hub stores it: UTC, milliseconds.
func Timestamp(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// DefaultProductARN is the product ARN of findings an account imports for
// itself (a custom integration): BatchImportFindings must then be called
// from that account.
func DefaultProductARN(partition, region, account string) string {
	return "arn:" + partition + ":securityhub:" + region + ":" + account + ":product/" + account + "/default"
}

// FindingID is a stable Id for the finding of one generator (a rule or a
// detection) on one subject: the same inputs give the same Id, so Security
// Hub updates the finding in place on the next import.
func FindingID(generator string, subject ...string) string {
	h := sha256.New()
	for _, s := range subject {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return "aiguard/" + generator + "/" + hex.EncodeToString(h.Sum(nil))
}

// Clip shortens s to at most n characters, ending with an ellipsis when cut.
func Clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i, count := 0, 0
	for j := range s {
		if count == n-1 {
			i = j
			break
		}
		count++
	}
	return s[:i] + "…"
}
