package orgspec

import (
	"regexp"
	"slices"
	"strings"
)

// knownRegions maps every AWS Region aiguard accepts to its partition, the
// middle of every ARN in that Region (arn:PARTITION:...).
//
// Keeping it current: the list is the Region list of the partitions file
// that the AWS SDK for Go ships (aws-sdk-go-v2
// internal/endpoints/awsrulesfn/partitions.json, the "regions" of each
// partition, less the "*-global" pseudo-Regions). TestKnownRegionsMatchSDK
// compares the two whenever the SDK module is in the module cache, so an SDK
// upgrade that brings a new Region fails that test until the Region is added
// here. A Region outside the list is an error rather than a warning: a typo
// such as us-east-3 is well-formed and would otherwise deploy nothing.
var knownRegions = map[string]string{
	"af-south-1":     "aws",
	"ap-east-1":      "aws",
	"ap-east-2":      "aws",
	"ap-northeast-1": "aws",
	"ap-northeast-2": "aws",
	"ap-northeast-3": "aws",
	"ap-south-1":     "aws",
	"ap-south-2":     "aws",
	"ap-southeast-1": "aws",
	"ap-southeast-2": "aws",
	"ap-southeast-3": "aws",
	"ap-southeast-4": "aws",
	"ap-southeast-5": "aws",
	"ap-southeast-6": "aws",
	"ap-southeast-7": "aws",
	"ca-central-1":   "aws",
	"ca-west-1":      "aws",
	"eu-central-1":   "aws",
	"eu-central-2":   "aws",
	"eu-north-1":     "aws",
	"eu-south-1":     "aws",
	"eu-south-2":     "aws",
	"eu-west-1":      "aws",
	"eu-west-2":      "aws",
	"eu-west-3":      "aws",
	"il-central-1":   "aws",
	"me-central-1":   "aws",
	"me-south-1":     "aws",
	"me-west-1":      "aws",
	"mx-central-1":   "aws",
	"sa-east-1":      "aws",
	"sa-west-1":      "aws",
	"us-east-1":      "aws",
	"us-east-2":      "aws",
	"us-west-1":      "aws",
	"us-west-2":      "aws",

	"cn-north-1":     "aws-cn",
	"cn-northwest-1": "aws-cn",

	"eusc-de-east-1": "aws-eusc",

	"us-iso-east-1": "aws-iso",
	"us-iso-west-1": "aws-iso",

	"us-isob-east-1": "aws-iso-b",
	"us-isob-west-1": "aws-iso-b",

	"eu-isoe-west-1": "aws-iso-e",

	"us-isof-east-1":  "aws-iso-f",
	"us-isof-south-1": "aws-iso-f",

	"us-gov-east-1": "aws-us-gov",
	"us-gov-west-1": "aws-us-gov",
}

// regionShape is the form of every Region name (geo, optional sub-partition,
// direction, number), checked before the list so that the message can say
// whether the value is malformed or merely unknown.
var regionShape = regexp.MustCompile(`^[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}$`)

// partitionPattern matches the partition field of an ARN.
const partitionPattern = `aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc`

// partitionOf returns the partition of a known Region ("" when unknown).
func partitionOf(region string) string { return knownRegions[region] }

// regionNames returns the known Regions, sorted.
func regionNames() []string {
	names := make([]string, 0, len(knownRegions))
	for r := range knownRegions {
		names = append(names, r)
	}
	slices.Sort(names)
	return names
}

// checkRegion explains what is wrong with a Region name ("" when it is fine).
func checkRegion(s string) string {
	if _, ok := knownRegions[s]; ok {
		return ""
	}
	if lower := strings.ToLower(s); lower != s {
		if _, ok := knownRegions[lower]; ok {
			return "a Region name in lower case (" + lower + ")"
		}
	}
	hint := ""
	if best := suggest(s, regionNames()); best != "" {
		hint = " (did you mean " + best + "?)"
	}
	if !regionShape.MatchString(s) {
		return "an AWS Region such as us-east-1" + hint
	}
	return "an AWS Region aiguard knows" + hint + "; a Region launched after this release needs a newer aiguard"
}
