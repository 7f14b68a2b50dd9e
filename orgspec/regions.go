package orgspec

import (
	"strings"

	"github.com/aiguard/aiguard/awsid"
)

// partitionOf returns the partition of a Region this release knows ("" for
// any other). A Region outside the list is an error rather than a warning
// (checkRegion): a typo such as us-east-3 is well-formed and would
// otherwise deploy nothing.
func partitionOf(region string) string {
	if !awsid.IsKnownRegion(region) {
		return ""
	}
	return awsid.PartitionOfRegion(region)
}

// checkRegion explains what is wrong with a Region name ("" when it is fine).
func checkRegion(s string) string {
	if awsid.IsKnownRegion(s) {
		return ""
	}
	if lower := strings.ToLower(s); lower != s && awsid.IsKnownRegion(lower) {
		return "a Region name in lower case (" + lower + ")"
	}
	hint := ""
	if best := suggest(s, awsid.KnownRegions()); best != "" {
		hint = " (did you mean " + best + "?)"
	}
	if !awsid.IsRegion(s) {
		return "an AWS Region such as us-east-1" + hint
	}
	return "an AWS Region aiguard knows" + hint + "; a Region launched after this release needs a newer aiguard"
}
