package orgspec

import (
	"fmt"
	"maps"
	"net"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/aiguard/aiguard/awsid"
	"github.com/aiguard/aiguard/rules"
)

// check validates one string value (or each item of a list) and describes
// the value for error messages and the JSON Schema. The spec's struct tags
// name checks by their key in checks.
type check struct {
	// want describes a valid value: "a 12-digit AWS account ID".
	want string
	// pattern, when set, must match the whole value. It is written in the
	// syntax shared by Go's regexp and ECMA-262, as the schema uses it too.
	pattern string
	re      *rules.Regexp
	// enum, when set, lists the valid values.
	enum []string
	// format is the JSON Schema format annotation ("date").
	format string
	// maxLen bounds the length in characters (0: the pattern decides).
	maxLen int
	// numbers accepts a YAML number, read as written (a guardrail version 3).
	numbers bool
	// dates accepts a YAML timestamp, read as written (2027-01-31).
	dates bool
	// more runs after pattern and enum; it returns what is wrong, or "".
	more func(s string) string
	// hint, when it returns text, replaces want in the message for a value
	// the pattern rejects: it explains the common mistakes.
	hint func(s string) string
}

const (
	accountPattern = `^` + awsid.AccountIDPattern + `$`
	arnPartition   = `(` + awsid.PartitionPattern + `)`
	regionField    = awsid.RegionPattern
	bucketPattern  = `^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`
	kmsKeyARN      = `^arn:` + arnPartition + `:kms:` + regionField + `:` + awsid.AccountIDPattern + `:key/(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$`
	roleNameChars  = `[A-Za-z0-9+=,.@_-]{1,64}`
	rolePathChars  = `(/[A-Za-z0-9+=,.@_-]+)*/`
	modelIDPattern = `[a-z0-9-]+\.[a-z0-9*][a-z0-9.:*-]*`
	geoPrefix      = `[a-z]{2,6}(-[a-z]{2,4})?`
	bedrockRegion  = `(` + regionField + `|\*)`
)

// checks are the value checks the spec's struct tags refer to.
var checks = map[string]*check{
	"apiVersion": {want: "aiguard.dev/v1", enum: []string{APIVersion}},
	"orgName": {
		want:    "a lower-case kebab-case name of at most 32 characters (example-corp)",
		pattern: `^[a-z][a-z0-9]*(-[a-z0-9]+)*$`, maxLen: 32,
	},
	"teamName": {
		want:    "a lower-case kebab-case name of at most 28 characters (fraud-detection); it is part of pack, rule and role names",
		pattern: `^[a-z][a-z0-9]*(-[a-z0-9]+)*$`, maxLen: 28,
		more: func(s string) string {
			switch s {
			case "org", "organization", "baseline", "defaults", "default", "all", "aiguard":
				return "a name other than " + s + ", which aiguard uses for its own packs and policies"
			}
			return ""
		},
	},
	"orgID": {want: "an AWS Organizations ID (o- and 10 to 32 lower-case letters or digits)", pattern: `^o-[a-z0-9]{10,32}$`},
	"account": {
		want:    `a 12-digit AWS account ID in quotes ("111111111111")`,
		pattern: accountPattern,
	},
	"region": {
		want:    "an AWS Region such as us-east-1",
		pattern: `^` + regionField + `$`,
		hint:    checkRegion,
		more:    checkRegion,
	},
	"packBucket": {
		want:    "an S3 bucket name starting with awsconfigconforms (Config requires the prefix for organization conformance packs)",
		pattern: `^awsconfigconforms[a-z0-9.-]{0,46}$`,
		more:    checkBucketName,
	},
	"role": {
		want: "an IAM role ARN (arn:aws:iam::111111111111:role/NAME; the account may be *) or a role name",
		pattern: `^(arn:` + arnPartition + `:iam::(` + awsid.AccountIDPattern + `|\*):role` + rolePathChars + roleNameChars +
			`|` + roleNameChars + `)$`,
	},
	"roleName":       {want: "an IAM role name (letters, digits and +=,.@_-, at most 64 characters)", pattern: `^` + roleNameChars + `$`},
	"tracing":        {want: "Active or PassThrough", enum: []string{"Active", "PassThrough"}},
	"studioAuthMode": {want: "SSO or IAM", enum: []string{"SSO", "IAM"}},
	"privateCA": {
		want:    "an AWS Private CA ARN (arn:aws:acm-pca:REGION:ACCOUNT:certificate-authority/ID)",
		pattern: `^arn:` + arnPartition + `:acm-pca:` + regionField + `:` + awsid.AccountIDPattern + `:certificate-authority/[0-9a-f-]{36}$`,
	},
	"tagKey": {
		want:    "a tag key (letters, digits, spaces and _.:/=+-@, at most 128 characters, not starting with aws:)",
		pattern: `^[A-Za-z0-9 _.:/=+@-]{1,128}$`,
		more: func(s string) string {
			if strings.HasPrefix(strings.ToLower(s), "aws:") {
				return "a tag key that does not start with aws: (reserved by AWS)"
			}
			return ""
		},
	},
	"classification": {
		want: "a data classification: public, internal, confidential or restricted",
		enum: Classifications(),
	},
	"kmsKeyArn": {
		want:    "a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/KEY-ID)",
		pattern: kmsKeyARN,
		hint: func(s string) string {
			const want = "a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/KEY-ID)"
			switch {
			case strings.Contains(s, ":alias/") || strings.HasPrefix(s, "alias/"):
				return want + "; an alias is not accepted: IAM conditions and the rules compare key ARNs, so give the key ARN the alias points to"
			case !strings.HasPrefix(s, "arn:"):
				return want + "; give the full key ARN, not a key ID"
			}
			return ""
		},
	},
	"vpcID":           {want: "a VPC ID (vpc-0123abcd)", pattern: `^vpc-([0-9a-f]{8}|[0-9a-f]{17})$`},
	"subnetID":        {want: "a subnet ID (subnet-0123abcd)", pattern: `^subnet-([0-9a-f]{8}|[0-9a-f]{17})$`},
	"securityGroupID": {want: "a security group ID (sg-0123abcd)", pattern: `^sg-([0-9a-f]{8}|[0-9a-f]{17})$`},
	"s3URI": {
		want:    "an S3 location s3://BUCKET/PREFIX",
		pattern: `^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?$`,
		maxLen:  1024,
		more: func(s string) string {
			bucket, _, _ := strings.Cut(strings.TrimPrefix(s, "s3://"), "/")
			if msg := checkBucketName(bucket); msg != "" {
				return msg
			}
			if strings.ContainsAny(s, "*?") {
				return "an S3 location without wildcards (give the prefix itself)"
			}
			return ""
		},
	},
	"bedrockModel": {
		want: "a Bedrock model ID (anthropic.claude-3-5-haiku-20241022-v1:0; a trailing * allowed) or a model ARN",
		pattern: `^(` + modelIDPattern + `|arn:` + arnPartition + `:bedrock:` + bedrockRegion +
			`:(` + awsid.AccountIDPattern + `)?:(foundation-model|custom-model|provisioned-model|imported-model)/[A-Za-z0-9.:/*-]+)$`,
		maxLen: 2048,
		more:   checkWildcard,
	},
	"inferenceProfile": {
		want: "an inference profile ID (us.anthropic.claude-3-5-haiku-20241022-v1:0) or an inference profile ARN",
		pattern: `^(` + geoPrefix + `\.` + modelIDPattern + `|arn:` + arnPartition + `:bedrock:` + bedrockRegion +
			`:` + awsid.AccountIDPattern + `:(inference-profile|application-inference-profile)/[A-Za-z0-9.:*-]+)$`,
		maxLen: 2048,
		more:   checkWildcard,
	},
	"guardrailID": {
		want:    "a guardrail ID (lower-case letters and digits) or a guardrail ARN",
		pattern: `^([a-z0-9]+|arn:` + arnPartition + `:bedrock:` + regionField + `:` + awsid.AccountIDPattern + `:guardrail/[a-z0-9]+)$`,
		maxLen:  2048,
	},
	"guardrailVersion": {want: "a guardrail version number or DRAFT", pattern: `^(DRAFT|[1-9][0-9]{0,7})$`, numbers: true},
	"instanceType": {
		want:    "a SageMaker instance type (ml.m5.xlarge; * allowed for the family or the size)",
		pattern: `^ml\.([a-z0-9-]+|\*)\.([a-z0-9]+|\*)$`,
	},
	"sagemakerJob":    {want: "a SageMaker job action name such as CreateCompilationJob (or CreateInferenceExperiment, UpdateInferenceExperiment)", pattern: `^(Create[A-Za-z0-9]+Job|(Create|Update)InferenceExperiment)$`},
	"lifecycleConfig": {want: "a lifecycle configuration name (letters, digits and hyphens, at most 63 characters)", pattern: `^[A-Za-z0-9](-*[A-Za-z0-9]){0,62}$`},
	"useCase":         {want: "a use case in lower-case kebab-case (identity-verification), at most 64 characters", pattern: `^[a-z0-9]+(-[a-z0-9]+)*$`, maxLen: 64},
	"ouID": {
		want:    "an organizational unit ID (ou-ab12-cdefgh34) or a root ID (r-ab12)",
		pattern: `^(ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}|r-[0-9a-z]{4,32})$`,
	},
	"ruleID":          {want: "a rule ID from `aiguard rules list`"},
	"hookFailureMode": {want: "WARN or FAIL", enum: []string{HookWarn, HookFail}},
	"ouPath": {
		want:    "OU names from the root down, separated by / (Workloads/Research), without : or surrounding spaces",
		pattern: `^[^/:\s]([^/:]*[^/:\s])?(/[^/:\s]([^/:]*[^/:\s])?)*$`, maxLen: 1024, more: checkText,
	},
	"accountName": {
		want:    "an account name (printable ASCII, at most 50 characters)",
		pattern: `^[ -~]{1,50}$`,
	},
	"resourceID": {
		want:   "a resource ID as Config reports it (1 to 768 characters, no commas)",
		maxLen: 768,
		more: func(s string) string {
			if strings.TrimSpace(s) == "" || strings.ContainsAny(s, ",\n\r\t") {
				return "a resource ID as Config reports it (no commas, tabs or line breaks)"
			}
			return ""
		},
	},
	"reason": {
		want:   "a reason of 10 to 1024 characters that a reviewer can judge",
		maxLen: 1024,
		more: func(s string) string {
			if utf8.RuneCountInString(strings.TrimSpace(s)) < 10 {
				return "a reason of at least 10 characters that a reviewer can judge"
			}
			return ""
		},
	},
	"description": {want: "text of at most 256 characters without control characters", maxLen: 256, more: checkText},
	"date": {
		want:    "a date YYYY-MM-DD",
		pattern: `^[0-9]{4}-[0-9]{2}-[0-9]{2}$`,
		format:  "date",
		dates:   true,
		more: func(s string) string {
			if _, err := time.Parse(time.DateOnly, s); err != nil {
				return "a calendar date YYYY-MM-DD"
			}
			return ""
		},
	},
}

func init() {
	maps.Copy(checks, detectionChecks) // the detections section's checks (detections.go)
	// Each pattern compiles when first used, not at start-up, which every
	// program linking this package would pay for (2 ms, 17,000
	// allocations). TestCheckPatternsCompile compiles them all.
	for _, c := range checks {
		if c.pattern != "" {
			c.re = &rules.Regexp{Expr: c.pattern}
		}
	}
}

// validate returns what is wrong with s ("" when s is valid).
func (c *check) validate(s string) string {
	if c.maxLen > 0 && utf8.RuneCountInString(s) > c.maxLen {
		return fmt.Sprintf("%s (it has %d characters)", c.want, utf8.RuneCountInString(s))
	}
	if len(c.enum) > 0 {
		for _, e := range c.enum {
			if s == e {
				return ""
			}
		}
		if len(c.enum) == 1 {
			return c.want
		}
		return c.want + didYouMean(s, c.enum)
	}
	if c.re != nil && !c.re.MatchString(s) {
		if c.hint != nil {
			if h := c.hint(s); h != "" {
				return h
			}
		}
		return c.want
	}
	if c.more != nil {
		return c.more(s)
	}
	return ""
}

// checkBucketName applies the S3 bucket naming rules that a pattern cannot.
func checkBucketName(name string) string {
	switch {
	case len(name) < 3 || len(name) > 63:
		return "an S3 bucket name of 3 to 63 characters"
	case strings.Contains(name, ".."):
		return "an S3 bucket name without two adjacent periods"
	case net.ParseIP(name) != nil:
		return "an S3 bucket name that is not an IP address"
	case strings.HasPrefix(name, "xn--"), strings.HasPrefix(name, "sthree-"),
		strings.HasSuffix(name, "-s3alias"), strings.HasSuffix(name, "--ol-s3"), strings.HasSuffix(name, "--x-s3"):
		return "an S3 bucket name without a prefix or suffix S3 reserves (xn--, sthree-, -s3alias, --ol-s3, --x-s3)"
	}
	return ""
}

// checkWildcard allows * only at the end of a model or profile name, where
// it reads as a prefix match in IAM conditions.
func checkWildcard(s string) string {
	name := s
	if isARN(s) {
		if i := strings.Index(s, "/"); i >= 0 {
			name = s[i+1:]
		}
	}
	if i := strings.Index(name, "*"); i >= 0 && i != len(name)-1 {
		return "a name with * only at its end (anthropic.claude-*)"
	}
	return ""
}

// checkText rejects control characters in free text.
func checkText(s string) string {
	for _, r := range s {
		if unicode.IsControl(r) {
			return "text of at most 256 characters without control characters"
		}
	}
	return ""
}

// isARN reports whether s looks like an ARN.
func isARN(s string) bool { return strings.HasPrefix(s, "arn:") }

// arnPartitionOf returns the partition field of an ARN ("" otherwise).
func arnPartitionOf(s string) string {
	a, _ := awsid.SplitARN(s)
	return a.Partition
}

// arnRegionOf returns the Region field of an ARN ("" otherwise).
func arnRegionOf(s string) string {
	a, _ := awsid.SplitARN(s)
	return a.Region
}
