package awsid

import "strings"

// PartitionFormPattern is a regular expression (without anchors) matching
// the form of a partition ID that ParseARN accepts: aws, or aws- followed
// by lower-case letters, digits and hyphens, so that a partition launched
// after this release still matches. PartitionPattern matches the known
// partitions only. IsPartitionForm checks the same.
const PartitionFormPattern = `aws(-[a-z0-9-]+)?`

// IsPartitionForm reports whether s has the form of a partition ID
// (PartitionFormPattern), known or not.
func IsPartitionForm(s string) bool { return isPartitionName(s) }

// CutPartition cuts "arn:" and the partition field off an ARN or the start
// of one, so that ARNs and ARN prefixes (CloudTrail's resources.ARN
// selectors) of any partition compare: "arn:aws:s3:::b/" gives "s3:::b/",
// and "arn:aws", a prefix of every ARN of the partition, gives "". It
// reports false, and returns s, when s does not start with "arn:".
func CutPartition(s string) (rest string, ok bool) {
	rest, ok = strings.CutPrefix(s, "arn:")
	if !ok {
		return s, false
	}
	_, rest, _ = strings.Cut(rest, ":")
	return rest, true
}

// IsDNSSuffix reports whether s is the DNS suffix of a partition's
// endpoints (amazonaws.com, amazonaws.com.cn, ...; see DNSSuffix).
func IsDNSSuffix(s string) bool {
	for _, p := range partitions {
		if p.dnsSuffix == s {
			return true
		}
	}
	return false
}
