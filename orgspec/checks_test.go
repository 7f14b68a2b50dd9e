package orgspec

import (
	"regexp"
	"strings"
	"testing"
)

// TestChecks runs every value check on values it must accept and values it
// must reject, with a fragment of the expected message.
func TestChecks(t *testing.T) {
	tests := []struct {
		check string
		good  []string
		bad   map[string]string // value → fragment of the message
	}{
		{"apiVersion", []string{"aiguard.dev/v1"}, map[string]string{"aiguard.dev/v2": "aiguard.dev/v1", "v1": "aiguard.dev/v1"}},
		{"orgName", []string{"example-corp", "a", "acme2"}, map[string]string{
			"Example": "kebab-case", "-x": "kebab-case", "x--y": "kebab-case", strings.Repeat("a", 33): "33 characters",
		}},
		{"teamName", []string{"research", "fraud-detection-2", strings.Repeat("a", 28)}, map[string]string{
			"Research": "kebab-case", "team_a": "kebab-case", strings.Repeat("a", 29): "29 characters",
			"baseline": "aiguard uses", "org": "aiguard uses", "2fast": "kebab-case",
		}},
		{"orgID", []string{"o-exampleorg1", "o-a1b2c3d4e5"}, map[string]string{"o-123": "Organizations ID", "ou-ab12-cdefgh34": "Organizations ID"}},
		{"account", []string{"111111111111", "012345678901"}, map[string]string{
			"11111111111": "12-digit", "1111111111111": "12-digit", "11111111111a": "12-digit", " 111111111111": "12-digit",
		}},
		{"region", []string{"us-east-1", "eu-central-2", "cn-north-1", "us-gov-west-1", "eusc-de-east-1", "us-isob-east-1"}, map[string]string{
			"us-east-3":  "did you mean us-east-1?",
			"US-EAST-1":  "lower case (us-east-1)",
			"useast1":    "such as us-east-1",
			"eu-west":    "such as us-east-1",
			"xx-north-9": "aiguard knows",
		}},
		{"packBucket", []string{"awsconfigconforms-example", "awsconfigconforms"}, map[string]string{
			"config-bucket":               "awsconfigconforms",
			"awsconfigconforms..x":        "two adjacent periods",
			"awsconfigconforms-x-s3alias": "reserves",
			"AWSConfigConforms-x":         "awsconfigconforms",
		}},
		{"role", []string{
			"BreakGlass", "OrganizationAccountAccessRole", "arn:aws:iam::111111111111:role/BreakGlass",
			"arn:aws:iam::*:role/BreakGlass", "arn:aws:iam::111111111111:role/ops/BreakGlass", "arn:aws-cn:iam::111111111111:role/x",
		}, map[string]string{
			"arn:aws:iam::111111111111:user/admin": "role ARN", "Break Glass": "role ARN", "arn:aws:iam::1111:role/x": "role ARN",
			strings.Repeat("r", 65): "role ARN",
		}},
		{"roleName", []string{"aiguard-config-rules-member", "a+b=c,d.e@f_g"}, map[string]string{
			"aiguard member": "role name", "arn:aws:iam::111111111111:role/x": "role name", strings.Repeat("r", 65): "role name",
		}},
		{"tagKey", []string{"data-classification", "team", "cost center", "a:b/c=d+e@f"}, map[string]string{
			"aws:team": "aws:", "AWS:x": "aws:", "": "tag key", "a,b": "tag key",
		}},
		{"studioAuthMode", []string{"SSO", "IAM"}, map[string]string{"sso": "SSO or IAM", "OIDC": "SSO or IAM"}},
		{"privateCA", []string{"arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/11111111-2222-3333-4444-555555555555"},
			map[string]string{"arn:aws:acm:us-east-1:111111111111:certificate/x": "Private CA ARN", "my-ca": "Private CA ARN"}},
		{"classification", []string{"public", "internal", "confidential", "restricted"}, map[string]string{
			"secret": "data classification", "Internal": "did you mean internal?", "confidental": "did you mean confidential?",
		}},
		{"kmsKeyArn", []string{
			"arn:aws:kms:us-east-1:111111111111:key/1a2b3c4d-1111-4a2b-8c3d-111111111111",
			"arn:aws:kms:us-west-2:111111111111:key/mrk-1a2b3c4d5e6f40008a9b0c1d2e3f4a5b",
			"arn:aws-us-gov:kms:us-gov-west-1:111111111111:key/1a2b3c4d-1111-4a2b-8c3d-111111111111",
		}, map[string]string{
			"arn:aws:kms:us-east-1:111111111111:alias/ml": "alias is not accepted",
			"alias/ml":                             "alias is not accepted",
			"1a2b3c4d-1111-4a2b-8c3d-111111111111": "not a key ID",
			"arn:aws:kms:us-east-1:111111111111:key/1A2B3C4D-1111-4A2B-8C3D-111111111111": "KMS key ARN",
			"arn:aws:kms:us-east-1::key/1a2b3c4d-1111-4a2b-8c3d-111111111111":             "KMS key ARN",
		}},
		{"vpcID", []string{"vpc-0123abcd", "vpc-0a1b2c3d4e5f60001"}, map[string]string{"vpc-123": "VPC ID", "vpc-0A1B2C3D": "VPC ID"}},
		{"subnetID", []string{"subnet-0123abcd", "subnet-0a1b2c3d4e5f60011"}, map[string]string{"subnet-0a1b2c3d4e5f6": "subnet ID", "sn-0123abcd": "subnet ID"}},
		{"securityGroupID", []string{"sg-0123abcd", "sg-0a1b2c3d4e5f60021"}, map[string]string{"sg-nothex1": "security group", "sg-0123abcde": "security group"}},
		{"s3URI", []string{"s3://bucket-a", "s3://bucket-a/", "s3://bucket.a/prefix/x"}, map[string]string{
			"s3://Bucket/x": "S3 location", "https://b.s3.amazonaws.com/x": "S3 location", "s3://b/x": "S3 location",
			"s3://192.168.1.1/x": "IP address", "s3://bucket-a/*.csv": "wildcards", "s3://xn--bucket/x": "reserves",
		}},
		{"bedrockModel", []string{
			"anthropic.claude-3-5-haiku-20241022-v1:0", "amazon.titan-embed-text-v2:0", "anthropic.claude-*", "amazon.nova-pro-v1:0:300k",
			"arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0",
			"arn:aws:bedrock:*::foundation-model/anthropic.*",
			"arn:aws:bedrock:us-east-1:111111111111:custom-model/amazon.titan-text-express-v1:0:8k/abc123",
			"arn:aws:bedrock:us-east-1:111111111111:provisioned-model/abc123",
		}, map[string]string{
			"claude": "model ID", "Anthropic.Claude": "model ID", "anthropic.*-haiku": "only at its end",
			"arn:aws:s3:::bucket": "model ID", "arn:aws:bedrock:us-east-1::guardrail/x": "model ID",
		}},
		{"inferenceProfile", []string{
			"us.anthropic.claude-3-5-haiku-20241022-v1:0", "global.anthropic.claude-sonnet-4-20250514-v1:0", "apac.amazon.nova-lite-v1:0",
			"us-gov.anthropic.claude-3-haiku-20240307-v1:0",
			"arn:aws:bedrock:us-east-1:111111111111:inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0",
			"arn:aws:bedrock:us-east-1:111111111111:application-inference-profile/a1b2c3d4e5f6",
		}, map[string]string{
			"anthropic.claude-3-5-haiku-20241022-v1:0": "inference profile", "us.": "inference profile",
			"arn:aws:bedrock:us-east-1::inference-profile/us.x.y": "inference profile", "us.anthropic.*-haiku": "only at its end",
		}},
		{"guardrailID", []string{"abcd1234efgh", "arn:aws:bedrock:us-east-1:111111111111:guardrail/abcd1234efgh"}, map[string]string{
			"ABCD": "guardrail ID", "arn:aws:bedrock:us-east-1:111111111111:guardrails/abcd": "guardrail ID", "gr-1": "guardrail ID",
		}},
		{"guardrailVersion", []string{"1", "12", "DRAFT"}, map[string]string{"0": "version", "v1": "version", "draft": "version", "1.0": "version"}},
		{"instanceType", []string{"ml.m5.xlarge", "ml.g5.12xlarge", "ml.p4d.24xlarge", "ml.trn1n.32xlarge", "ml.m5.*", "ml.*.xlarge"}, map[string]string{
			"m5.xlarge": "instance type", "ml.m5.XLARGE": "instance type", "ml.m5": "instance type", "ml.m5.x.large": "instance type",
		}},
		{"lifecycleConfig", []string{"payments-hardening", "a", "A1-b2"}, map[string]string{"-bad": "lifecycle", "bad_name": "lifecycle"}},
		{"sagemakerJob", []string{"CreateCompilationJob", "CreateInferenceRecommendationsJob"}, map[string]string{
			"sagemaker:CreateCompilationJob": "job action", "CreateCompilation": "job action", "createCompilationJob": "job action"}},
		{"useCase", []string{"identity-verification", "kyc"}, map[string]string{"Identity Verification": "kebab-case", "kyc_": "kebab-case"}},
		{"ouID", []string{"ou-ab12-cdefgh34", "r-ab12", "ou-ex12-research"}, map[string]string{
			"ou-ab12": "organizational unit", "OU-AB12-CDEFGH34": "organizational unit", "o-exampleorg1": "organizational unit", "r-a": "organizational unit",
		}},
		{"hookFailureMode", []string{"WARN", "FAIL"}, map[string]string{"warn": "WARN or FAIL", "IGNORE": "WARN or FAIL"}},
		{"ouPath", []string{"Research", "Workloads/Research", "Sandbox/Development/Application 1", "Root"}, map[string]string{
			"/Research": "separated by /", "Workloads/": "separated by /", "Workloads//Research": "separated by /",
			"Workloads:Research": "without :", " Research": "surrounding spaces", "Research\t": "separated by /",
		}},
		{"accountName", []string{"payments-risk-prod", "Log Archive"}, map[string]string{
			strings.Repeat("a", 51): "at most 50", "caf\u00e9": "printable ASCII", "": "account name",
		}},
		{"resourceID", []string{"nb-1", "arn:aws:sagemaker:us-east-1:111111111111:notebook-instance/x", "my notebook"}, map[string]string{
			"a,b": "no commas", "   ": "no commas", "a\nb": "no commas", strings.Repeat("x", 769): "769 characters",
		}},
		{"reason", []string{"Needs root for the driver build."}, map[string]string{"short": "at least 10", "          x": "at least 10"}},
		{"description", []string{"", "Fraud models (PCI)."}, map[string]string{"bell\a": "control characters", strings.Repeat("d", 257): "257 characters"}},
		{"date", []string{"2027-01-31", "2028-02-29"}, map[string]string{"2027-02-30": "calendar date", "31/01/2027": "YYYY-MM-DD", "2027-1-31": "YYYY-MM-DD"}},
		{"tracing", []string{"Active", "PassThrough"}, map[string]string{"On": "Active or PassThrough", "active": "did you mean Active?"}},
		// The detections section.
		{"logGroupName", []string{"aws-cloudtrail-logs-o-exampleorg1", "/aws/cloudtrail/org#1"}, map[string]string{"a b": "log group name", "": "log group name"}},
		{"eventBusName", []string{"aiguard-detections", "org.bus_1"}, map[string]string{"default": "custom event bus", "a/b": "event bus name"}},
		{"snsTopicArn", []string{"arn:aws:sns:us-east-1:222222222222:security-alerts", "arn:aws-us-gov:sns:us-gov-west-1:222222222222:a.fifo"}, map[string]string{
			"security-alerts": "SNS topic ARN", "arn:aws:sqs:us-east-1:222222222222:q": "SNS topic ARN",
		}},
		{"email", []string{"secops@example.com", "a.b+alerts@sub.example.org"}, map[string]string{"secops": "email address", "a@b": "email address", "a b@c.d": "email address"}},
		{"clock", []string{"00:00", "08:30", "23:59", "24:00"}, map[string]string{"8:30": "HH:MM", "24:30": "HH:MM", "12:60": "HH:MM", "noon": "HH:MM"}},
		{"weekday", []string{"mon", "sun"}, map[string]string{"Monday": "mon, tue", "mo": "mon, tue"}},
		{"timeZone", []string{"UTC", "Europe/Berlin", "America/New_York"}, map[string]string{"Mars/Olympus": "unknown", "CET+1 x": "IANA"}},
		{"cidr", []string{"10.0.0.0/8", "203.0.113.0/24", "2001:db8::/32", "198.51.100.7/32"}, map[string]string{
			"10.0.0.1/8": "without host bits (10.0.0.0/8)", "10.0.0.0": "CIDR", "10.0.0.0/33": "CIDR", "vpc-1": "CIDR",
		}},
		{"vpceID", []string{"vpce-0a1b2c3d4e5f60099", "vpce-0123abcd"}, map[string]string{"vpc-0123abcd": "VPC endpoint ID", "vpce-XYZ": "VPC endpoint ID"}},
		{"rateKey", []string{"principal", "account"}, map[string]string{"user": "principal or account"}},
		{"window", []string{"1m", "10m", "1h", "1h30m", "24h"}, map[string]string{"30s": "whole minutes", "25h": "24h", "0m": "1m", "10": "whole minutes", "": "whole minutes"}},
	}
	covered := map[string]bool{"ruleID": true} // the decoder checks rule IDs against the registry
	for _, tt := range tests {
		covered[tt.check] = true
		c := checks[tt.check]
		if c == nil {
			t.Fatalf("no check %q", tt.check)
		}
		for _, v := range tt.good {
			if msg := c.validate(v); msg != "" {
				t.Errorf("%s(%q) = %q, want valid", tt.check, v, msg)
			}
		}
		for v, frag := range tt.bad {
			msg := c.validate(v)
			if msg == "" {
				t.Errorf("%s(%q) valid, want an error containing %q", tt.check, v, frag)
			} else if !strings.Contains(msg, frag) {
				t.Errorf("%s(%q) = %q, want it to contain %q", tt.check, v, msg, frag)
			}
		}
	}
	for name := range checks {
		if !covered[name] {
			t.Errorf("check %q has no test cases", name)
		}
	}
}

func TestSuggest(t *testing.T) {
	tests := []struct {
		in         string
		candidates []string
		want       string
	}{
		{"acounts", []string{"accounts", "organizationalUnits"}, "accounts"},
		{"subnetIDs", []string{"subnetIds", "vpcIds"}, "subnetIds"},
		{"frobnicate", []string{"accounts", "name"}, ""},
		{"", []string{"a"}, "a"},
		{strings.Repeat("x", 1000), []string{"x"}, ""},
	}
	for _, tt := range tests {
		if got := suggest(tt.in, tt.candidates); got != tt.want {
			t.Errorf("suggest(%q) = %q, want %q", shorten(tt.in), got, tt.want)
		}
	}
}

func TestModelAllowed(t *testing.T) {
	allowed := []string{"anthropic.claude-*", "amazon.titan-embed-text-v2:0", "arn:aws:bedrock:*::foundation-model/meta.llama3-*"}
	tests := map[string]bool{
		"anthropic.claude-3-5-haiku-20241022-v1:0": true,
		"amazon.titan-embed-text-v2:0":             true,
		"amazon.titan-embed-text-v1":               false,
		"meta.llama3-1-70b-instruct-v1:0":          true,
		"mistral.mistral-large-2402-v1:0":          false,
	}
	for model, want := range tests {
		if got := modelAllowed(model, allowed); got != want {
			t.Errorf("modelAllowed(%q) = %v, want %v", model, got, want)
		}
	}
	if m, ok := profileModel("us.anthropic.claude-3-5-haiku-20241022-v1:0"); !ok || m != "anthropic.claude-3-5-haiku-20241022-v1:0" {
		t.Errorf("profileModel = %q, %v", m, ok)
	}
	if _, ok := profileModel("arn:aws:bedrock:us-east-1:111111111111:application-inference-profile/x"); ok {
		t.Error("profileModel resolved an application profile ARN")
	}
}

// TestCheckPatternsCompile compiles every check's pattern, which the
// package otherwise does only when a spec first needs it.
func TestCheckPatternsCompile(t *testing.T) {
	for name, c := range checks {
		if c.pattern == "" {
			continue
		}
		if _, err := regexp.Compile(c.pattern); err != nil {
			t.Errorf("check %s: %v", name, err)
		}
		if c.re == nil {
			t.Errorf("check %s: no matcher for its pattern", name)
			continue
		}
		c.re.MatchString("") // compiles it as a spec would
	}
}
