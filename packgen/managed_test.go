package packgen

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/awsid"
	"github.com/aiguard/aiguard/rules"
)

func TestChooseManaged(t *testing.T) {
	catalog := rules.Catalog()
	rule := func(id string) *rules.Rule {
		r, ok := catalog.Get(id)
		if !ok {
			t.Fatalf("no rule %s in the catalog", id)
		}
		return r
	}
	keyARN := "arn:aws:kms:us-east-1:111111111111:key/1a2b3c4d-1111-4a2b-8c3d-111111111111"
	tests := []struct {
		name    string
		rule    string
		params  map[string]string
		managed string
		want    map[string]string
		reason  string // fragment, when kept
	}{
		{"no managed rule", "sagemaker-domain-vpc-only", nil, "", nil, ""},
		{"no parameters", "sagemaker-notebook-root-access-disabled", nil, "SAGEMAKER_NOTEBOOK_INSTANCE_ROOT_ACCESS_CHECK", map[string]string{}, ""},
		{"stricter than the managed rule", "sagemaker-notebook-in-vpc", map[string]string{"allowedSubnetIds": "subnet-0a1b2c3d,subnet-0a1b2c3e"},
			"", nil, ""},
		{"key ARNs", "sagemaker-notebook-cmk-encrypted", map[string]string{"kmsKeyArns": keyARN},
			"SAGEMAKER_NOTEBOOK_INSTANCE_KMS_KEY_CONFIGURED", map[string]string{"kmsKeyArns": keyARN}, ""},
		{"a key ID", "sagemaker-notebook-cmk-encrypted", map[string]string{"kmsKeyArns": keyARN + ",1a2b3c4d-1111-4a2b-8c3d-111111111111"},
			"", nil, "key ARNs only"},
		{"an alias", "sagemaker-notebook-cmk-encrypted", map[string]string{"kmsKeyArns": "alias/ml"}, "", nil, "key ARNs only"},
		{"default instance count", "sagemaker-endpoint-config-multi-instance", nil, "SAGEMAKER_ENDPOINT_CONFIG_PROD_INSTANCE_COUNT", map[string]string{}, ""},
		{"instance count 2 set", "sagemaker-endpoint-config-multi-instance", map[string]string{"minInstanceCount": "2"},
			"SAGEMAKER_ENDPOINT_CONFIG_PROD_INSTANCE_COUNT", map[string]string{}, ""},
		{"instance count 3", "sagemaker-endpoint-config-multi-instance", map[string]string{"minInstanceCount": "3"},
			"", nil, "minInstanceCount is 3"},
		{"platform default passed", "sagemaker-notebook-platform-supported", nil, "SAGEMAKER_NOTEBOOK_INSTANCE_PLATFORM_VERSION",
			map[string]string{"supportedPlatformIdentifierVersions": "notebook-al2023-v1"}, ""},
		{"platforms set", "sagemaker-notebook-platform-supported", map[string]string{"supportedPlatformIdentifiers": "notebook-al2-v3,notebook-al2023-v1"},
			"SAGEMAKER_NOTEBOOK_INSTANCE_PLATFORM_VERSION", map[string]string{"supportedPlatformIdentifierVersions": "notebook-al2-v3,notebook-al2023-v1"}, ""},
		{"sandbox allowed", "bedrock-agentcore-code-interpreter-sandboxed", nil, "", nil, "also fails SANDBOX"},
		{"vpc only", "bedrock-agentcore-code-interpreter-sandboxed", map[string]string{"allowedNetworkModes": "VPC"},
			"BEDROCKAGENTCORE_CODEINTERPRETER_NETWORKMODE_CHECK", map[string]string{}, ""},
		{"agentcore no parameters", "bedrock-agentcore-memory-cmk", nil, "BEDROCK_AGENTCORE_MEMORY_ENCRYPTION_ENABLED", map[string]string{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := chooseManaged(rule(tt.rule), tt.params)
			if c.identifier != tt.managed {
				t.Fatalf("identifier = %q, want %q (reason %q)", c.identifier, tt.managed, c.reason)
			}
			if tt.managed != "" && fmt.Sprint(c.params) != fmt.Sprint(tt.want) {
				t.Errorf("params = %v, want %v", c.params, tt.want)
			}
			if !strings.Contains(c.reason, tt.reason) {
				t.Errorf("reason = %q, want it to contain %q", c.reason, tt.reason)
			}
		})
	}
}

// TestManagedTableCoversCatalog checks that every managed rule the catalog
// names is in the mapping table, or needs no mapping (its rule has no
// parameters), and that the table maps only parameters the rule declares.
func TestManagedTableCoversCatalog(t *testing.T) {
	table := ManagedRuleParams()
	for _, r := range rules.Catalog().All() {
		if r.ManagedRule == "" {
			continue
		}
		pairs, ok := table[r.ManagedRule]
		if !ok {
			if len(r.Params) > 0 {
				t.Errorf("rule %s names %s, which the table lacks; the rule has parameters, so packs keep aiguard's rule", r.ID, r.ManagedRule)
			}
			continue
		}
		for _, pr := range pairs {
			if _, declared := r.Param(pr[0]); !declared {
				t.Errorf("table maps %s for %s, which rule %s does not declare", pr[0], r.ManagedRule, r.ID)
			}
		}
		for _, d := range r.Params {
			found := false
			for _, pr := range pairs {
				found = found || pr[0] == d.Name
			}
			if !found {
				t.Errorf("rule %s parameter %s is not in the table for %s", r.ID, d.Name, r.ManagedRule)
			}
		}
	}
}

// TestLambdaArnPattern checks the packs' AllowedPattern of RuleLambdaArn
// against awsid: a function ARN of every partition and known Region
// matches, and what is not a function ARN does not.
func TestLambdaArnPattern(t *testing.T) {
	re := regexp.MustCompile(lambdaArnPattern)
	for _, region := range awsid.KnownRegions() {
		arn := awsid.ARN{Partition: awsid.PartitionOfRegion(region), Service: "lambda", Region: region,
			AccountID: "111122223333", Resource: "function:aiguard-config-rules"}.String()
		if !re.MatchString(arn) || !re.MatchString(arn+":live") {
			t.Errorf("%s does not match the RuleLambdaArn pattern", arn)
		}
	}
	for _, bad := range []string{
		"arn:aws:lambda:us-east-1:11112222333:function:f", "arn:aws:s3:us-east-1:111122223333:function:f",
		"arn:aws:lambda:us-east-1:111122223333:layer:f", "aiguard-config-rules",
	} {
		if re.MatchString(bad) {
			t.Errorf("%s matches the RuleLambdaArn pattern", bad)
		}
	}
}

func TestAllKeyARNs(t *testing.T) {
	for v, want := range map[string]bool{
		"arn:aws:kms:us-east-1:111122223333:key/1a2b3c4d-1111-4a2b-8c3d-111111111111":                      true,
		"arn:aws-cn:kms:cn-north-1:111122223333:key/mrk-1a2b, arn:aws:kms:eu-west-1:111122223333:key/1a2b": true,
		"arn:aws:kms:us-east-1:111122223333:alias/ml":                                                      false,
		"1a2b3c4d-1111-4a2b-8c3d-111111111111":                                                             false,
		"arn:aws:kms::111122223333:key/1a2b":                                                               false,
		"arn:aws:kms:us-east-1:aws:key/1a2b":                                                               false,
		"arn:aws:kms:us-east-1:111122223333:key/1a2b_x":                                                    false,
		"arn:aws:kms:us-east-1:111122223333:key/1a2b,":                                                     false,
	} {
		if got := allKeyARNs(v); got != want {
			t.Errorf("allKeyARNs(%q) = %v, want %v", v, got, want)
		}
	}
}
