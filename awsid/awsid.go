// Package awsid is aiguard's one home for the facts about AWS identifiers:
// partitions, Regions, account IDs, IAM role names and ARNs. Every other
// package checks and builds these through it, so that the spec, the
// Lambda, the CLI and the local AWS endpoints of the tests agree on what
// an identifier is.
//
// The partitions and Regions are those of the endpoint rules that the AWS
// SDKs ship (aws-sdk-go-v2 internal/endpoints/awsrulesfn/partitions.json);
// TestPartitionsMatchSDK compares the two whenever the SDK module is in the
// module cache, so that an SDK upgrade bringing a Region fails the test
// until the Region is added here. The tables are constants: nothing is
// computed when the package is initialised (the Lambda's cold start pays
// for every package-level table).
package awsid

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// The partitions. An ARN's second field names one (arn:PARTITION:...).
const (
	AWS      = "aws"
	AWSCN    = "aws-cn"
	AWSUSGov = "aws-us-gov"
	AWSISO   = "aws-iso"
	AWSISOB  = "aws-iso-b"
	AWSISOE  = "aws-iso-e"
	AWSISOF  = "aws-iso-f"
	AWSEUSC  = "aws-eusc"
)

// partition is one partition: its ID, its DNS suffix (the value of
// CloudFormation's AWS::URLSuffix) and the form of its Region names, as the
// SDK's regionRegex gives it: geo[-sub]-direction-number, where geo and sub
// are fixed and the direction is any word.
type partition struct {
	id, dnsSuffix string
	// geos are the first fields of its Region names; sub is the second
	// field, "" when the names have none (us-east-1 against us-gov-west-1).
	geos []string
	sub  string
}

// partitions are ordered as the SDK lists them; the Region patterns do not
// overlap.
var partitions = [...]partition{
	{id: AWS, dnsSuffix: "amazonaws.com", geos: []string{"us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx"}},
	{id: AWSCN, dnsSuffix: "amazonaws.com.cn", geos: []string{"cn"}},
	{id: AWSEUSC, dnsSuffix: "amazonaws.eu", geos: []string{"eusc"}, sub: "de"},
	{id: AWSISO, dnsSuffix: "c2s.ic.gov", geos: []string{"us"}, sub: "iso"},
	{id: AWSISOB, dnsSuffix: "sc2s.sgov.gov", geos: []string{"us"}, sub: "isob"},
	{id: AWSISOE, dnsSuffix: "cloud.adc-e.uk", geos: []string{"eu"}, sub: "isoe"},
	{id: AWSISOF, dnsSuffix: "csp.hci.ic.gov", geos: []string{"us"}, sub: "isof"},
	{id: AWSUSGov, dnsSuffix: "amazonaws.com", geos: []string{"us"}, sub: "gov"},
}

// PartitionPattern is a regular expression (an alternation, without
// anchors or group) matching exactly the partition IDs; for patterns built
// from parts, such as those of the spec's JSON schema.
const PartitionPattern = `aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc`

// Partitions returns the IDs of the partitions.
func Partitions() []string {
	out := make([]string, len(partitions))
	for i, p := range partitions {
		out[i] = p.id
	}
	return out
}

// IsPartition reports whether s is the ID of a partition.
func IsPartition(s string) bool {
	for _, p := range partitions {
		if p.id == s {
			return true
		}
	}
	return false
}

// DNSSuffix returns the DNS suffix of a partition's endpoints
// (amazonaws.com for aws), "" for an unknown partition.
func DNSSuffix(partitionID string) string {
	for _, p := range partitions {
		if p.id == partitionID {
			return p.dnsSuffix
		}
	}
	return ""
}

// knownRegions lists every Region of every partition, sorted by name (the
// SDK's list less its "*-global" pseudo-Regions).
var knownRegions = [...]struct{ name, partition string }{
	{"af-south-1", AWS},
	{"ap-east-1", AWS},
	{"ap-east-2", AWS},
	{"ap-northeast-1", AWS},
	{"ap-northeast-2", AWS},
	{"ap-northeast-3", AWS},
	{"ap-south-1", AWS},
	{"ap-south-2", AWS},
	{"ap-southeast-1", AWS},
	{"ap-southeast-2", AWS},
	{"ap-southeast-3", AWS},
	{"ap-southeast-4", AWS},
	{"ap-southeast-5", AWS},
	{"ap-southeast-6", AWS},
	{"ap-southeast-7", AWS},
	{"ca-central-1", AWS},
	{"ca-west-1", AWS},
	{"cn-north-1", AWSCN},
	{"cn-northwest-1", AWSCN},
	{"eu-central-1", AWS},
	{"eu-central-2", AWS},
	{"eu-isoe-west-1", AWSISOE},
	{"eu-north-1", AWS},
	{"eu-south-1", AWS},
	{"eu-south-2", AWS},
	{"eu-west-1", AWS},
	{"eu-west-2", AWS},
	{"eu-west-3", AWS},
	{"eusc-de-east-1", AWSEUSC},
	{"il-central-1", AWS},
	{"me-central-1", AWS},
	{"me-south-1", AWS},
	{"me-west-1", AWS},
	{"mx-central-1", AWS},
	{"sa-east-1", AWS},
	{"sa-west-1", AWS},
	{"us-east-1", AWS},
	{"us-east-2", AWS},
	{"us-gov-east-1", AWSUSGov},
	{"us-gov-west-1", AWSUSGov},
	{"us-iso-east-1", AWSISO},
	{"us-iso-west-1", AWSISO},
	{"us-isob-east-1", AWSISOB},
	{"us-isob-west-1", AWSISOB},
	{"us-isof-east-1", AWSISOF},
	{"us-isof-south-1", AWSISOF},
	{"us-west-1", AWS},
	{"us-west-2", AWS},
}

// KnownRegions returns the names of the Regions this release knows, sorted.
func KnownRegions() []string {
	out := make([]string, len(knownRegions))
	for i, r := range knownRegions {
		out[i] = r.name
	}
	return out
}

// IsKnownRegion reports whether region is a Region this release knows. A
// Region launched later is well-formed (IsRegion) and has a partition
// (PartitionOfRegion), but is not known.
func IsKnownRegion(region string) bool {
	_, ok := slices.BinarySearchFunc(knownRegions[:], region, func(r struct{ name, partition string }, name string) int {
		return strings.Compare(r.name, name)
	})
	return ok
}

// RegionPattern is a regular expression (without anchors) matching the
// form of every Region name: a geography of two to four letters, an
// optional sub-partition, a direction and a number (us-east-1,
// us-gov-west-1, eu-isoe-west-1, eusc-de-east-1). IsRegion checks the same.
const RegionPattern = `[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}`

// IsRegion reports whether s has the form of a Region name (RegionPattern).
// It does not allocate: rules call it on every ARN they parse.
func IsRegion(s string) bool {
	for words := 0; ; words++ {
		f, rest, more := strings.Cut(s, "-")
		if !more { // the number
			return words >= 2 && len(f) >= 1 && len(f) <= 2 && allIn(f, '0', '9')
		}
		if f == "" || !allIn(f, 'a', 'z') || words == 0 && (len(f) < 2 || len(f) > 4) {
			return false
		}
		s = rest
	}
}

// PartitionOfRegion returns the partition of a Region: the one that lists
// it, or else the one whose Region names it fits, as the SDK's endpoint
// rules decide (a Region launched after this release still has its
// partition). It returns "" for a name that fits no partition, where the
// SDK would fall back to aws and fail later with a DNS error.
func PartitionOfRegion(region string) string {
	if i, ok := slices.BinarySearchFunc(knownRegions[:], region, func(r struct{ name, partition string }, name string) int {
		return strings.Compare(r.name, name)
	}); ok {
		return knownRegions[i].partition
	}
	if !IsRegion(region) {
		return ""
	}
	fields := strings.Split(region, "-")
	for _, p := range partitions {
		want := 3 // geo, direction, number
		if p.sub != "" {
			want = 4
		}
		if len(fields) != want || !slices.Contains(p.geos, fields[0]) || (p.sub != "" && fields[1] != p.sub) {
			continue
		}
		return p.id
	}
	return ""
}

// EndpointPartition returns the partition whose endpoints serve region,
// and in whose ARNs its resources are named: PartitionOfRegion, or aws for
// a name that fits no partition, as the SDK's endpoint rules fall back to
// it.
func EndpointPartition(region string) string {
	if p := PartitionOfRegion(region); p != "" {
		return p
	}
	return AWS
}

// AccountIDPattern is a regular expression (without anchors) matching an
// AWS account ID; IsAccountID checks the same.
const AccountIDPattern = `[0-9]{12}`

// IsAccountID reports whether s is an AWS account ID: 12 digits.
func IsAccountID(s string) bool { return len(s) == 12 && allIn(s, '0', '9') }

// IsRoleName reports whether s is an IAM role name, optionally after a
// path without its leading slash (team/aiguard-member): the name is 1 to 64
// of the letters, digits and +=,.@_- that IAM allows, and so is each
// element of the path.
func IsRoleName(s string) bool {
	elems := strings.Split(s, "/")
	name := elems[len(elems)-1]
	if len(name) > 64 {
		return false
	}
	for _, e := range elems {
		if e == "" || strings.IndexFunc(e, func(r rune) bool { return !isIAMNameRune(r) }) >= 0 {
			return false
		}
	}
	return true
}

func isIAMNameRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("+=,.@_-", r)
}

// ARN is an Amazon Resource Name:
// arn:partition:service:region:account-id:resource. Region and AccountID
// are empty for the services that leave them out (IAM has no Region, S3
// buckets have neither); AccountID is "aws" for AWS managed IAM policies.
type ARN struct {
	Partition, Service, Region, AccountID, Resource string
}

// String returns the ARN's text.
func (a ARN) String() string {
	return "arn:" + a.Partition + ":" + a.Service + ":" + a.Region + ":" + a.AccountID + ":" + a.Resource
}

// ErrNotARN is the error of ParseARN for text that does not start with
// "arn:".
var ErrNotARN = errors.New("not an ARN: want arn:partition:service:region:account-id:resource")

// SplitARN splits text of the form arn:partition:service:region:account-id:resource
// into its fields without checking them, for ARN patterns (a policy's
// Resource, an aws:PrincipalArn value) whose fields may hold wildcards. The
// resource keeps any colons it holds. It reports false when s does not
// start with "arn:" or has fewer than six fields.
func SplitARN(s string) (ARN, bool) {
	rest, ok := strings.CutPrefix(s, "arn:")
	if !ok {
		return ARN{}, false
	}
	var f [4]string
	for i := range f {
		var found bool
		if f[i], rest, found = strings.Cut(rest, ":"); !found {
			return ARN{}, false
		}
	}
	return ARN{Partition: f[0], Service: f[1], Region: f[2], AccountID: f[3], Resource: rest}, true
}

// ParseARN parses an ARN. It checks the form of each field, not that the
// resource exists: the partition is aws or aws- and lower-case letters,
// digits and hyphens (so that a partition launched later still parses;
// IsPartition tells a known one), the service is lower-case letters, digits
// and hyphens, the Region is empty or well-formed, the account is empty,
// 12 digits or "aws", and the resource is not empty.
func ParseARN(s string) (ARN, error) {
	if !strings.HasPrefix(s, "arn:") {
		return ARN{}, ErrNotARN
	}
	a, ok := SplitARN(s)
	if !ok {
		return ARN{}, fmt.Errorf("%q has %d of the 6 fields of an ARN (arn:partition:service:region:account-id:resource)", clip(s), strings.Count(s, ":")+1)
	}
	switch {
	case !isPartitionName(a.Partition):
		return ARN{}, fmt.Errorf("%q: partition %q is not aws or aws- followed by lower-case letters, digits and hyphens", clip(s), clip(a.Partition))
	case a.Service == "" || !isLowerDashes(a.Service):
		return ARN{}, fmt.Errorf("%q: service %q is not lower-case letters, digits and hyphens", clip(s), clip(a.Service))
	case a.Region != "" && !IsRegion(a.Region):
		return ARN{}, fmt.Errorf("%q: %q is not a Region", clip(s), clip(a.Region))
	case a.AccountID != "" && a.AccountID != "aws" && !IsAccountID(a.AccountID):
		return ARN{}, fmt.Errorf("%q: account %q is not 12 digits", clip(s), clip(a.AccountID))
	case a.Resource == "":
		return ARN{}, fmt.Errorf("%q: the resource is empty", clip(s))
	}
	return a, nil
}

// PartitionOfARN returns the partition field of an ARN that parses.
func PartitionOfARN(s string) (string, bool) {
	a, err := ParseARN(s)
	if err != nil {
		return "", false
	}
	return a.Partition, true
}

// RoleARN builds the ARN of an IAM role from its name, optionally with a
// path (team/aiguard-member).
func RoleARN(partition, accountID, nameWithPath string) string {
	return ARN{Partition: partition, Service: "iam", AccountID: accountID, Resource: "role/" + nameWithPath}.String()
}

// RoleName returns the name of the IAM role an ARN names, less its path
// (arn:aws:iam::111122223333:role/team/reader gives reader): the text after
// the last slash, or s itself when it has none.
func RoleName(s string) string {
	return s[strings.LastIndexByte(s, '/')+1:]
}

// IsAWSManagedPolicy reports whether s is the ARN of an AWS managed IAM
// policy (arn:PARTITION:iam::aws:policy/...).
func IsAWSManagedPolicy(s string) bool {
	a, err := ParseARN(s)
	return err == nil && a.Service == "iam" && a.Region == "" && a.AccountID == "aws" && strings.HasPrefix(a.Resource, "policy/")
}

func isPartitionName(s string) bool {
	rest, ok := strings.CutPrefix(s, "aws")
	return ok && (rest == "" || (rest[0] == '-' && len(rest) > 1 && isLowerDashes(rest[1:])))
}

func isLowerDashes(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' }) < 0
}

// allIn reports whether every byte of s lies in [lo, hi].
func allIn(s string, lo, hi byte) bool {
	for i := range len(s) {
		if s[i] < lo || s[i] > hi {
			return false
		}
	}
	return true
}

// clip shortens input quoted in an error message to 80 bytes.
func clip(s string) string {
	const n = 80
	if len(s) > n {
		s = s[:n] + "…"
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}
