package conformance

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/internal/testenv/golden"
)

// examplePack is a pack as the generator builds it: custom Lambda rules
// (change-triggered and periodic), a managed rule, a Guard rule, an optional
// parameter.
func examplePack() Template {
	lambda := Ref("RuleLambdaArn")
	return Template{
		"AWSTemplateFormatVersion": FormatVersion2010,
		"Description":              "aiguard - team ml-platform",
		"Parameters": map[string]any{
			"RuleLambdaArn":        map[string]any{"Type": "String", "Description": "ARN of the aiguard rule Lambda"},
			"ExecutionRoleName":    map[string]any{"Type": "String", "Default": "aiguard-member-evaluation"},
			"AllowedInstanceTypes": map[string]any{"Type": "String", "Default": ""},
		},
		"Conditions": map[string]any{
			"HasAllowedInstanceTypes": Not(Equals(Str(""), Ref("AllowedInstanceTypes"))),
		},
		"Resources": map[string]any{
			"SagemakerNotebookInVpc": ConfigRule{
				Name:        "aiguard-sagemaker-notebook-in-vpc",
				Description: "SageMaker notebook instances run in a VPC.",
				InputParameters: map[string]any{
					"ruleId":               "sagemaker-notebook-in-vpc",
					"ExecutionRoleName":    Ref("ExecutionRoleName"),
					"allowedInstanceTypes": If("HasAllowedInstanceTypes", Ref("AllowedInstanceTypes"), NoValue()),
					"strict":               "true",
					"threshold":            "1.5",
				},
				Scope:  &Scope{ComplianceResourceTypes: []string{"AWS::SageMaker::NotebookInstance"}},
				Source: Source{Owner: OwnerCustomLambda, Identifier: lambda, Details: ChangeTriggers()},
			}.Resource(),
			"BedrockInvocationLogging": ConfigRule{
				Name:            "aiguard-bedrock-invocation-logging",
				InputParameters: map[string]any{"ruleId": "bedrock-invocation-logging", "ExecutionRoleName": Ref("ExecutionRoleName")},
				Source: Source{Owner: OwnerCustomLambda, Identifier: lambda,
					Details: []SourceDetail{PeriodicTrigger("TwentyFour_Hours")}},
			}.Resource(),
			"SagemakerNotebookNoDirectInternetAccess": ConfigRule{
				Name:   "sagemaker-notebook-no-direct-internet-access",
				Scope:  &Scope{ComplianceResourceTypes: []string{"AWS::SageMaker::NotebookInstance"}},
				Source: Source{Owner: OwnerAWS, Identifier: "SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET_ACCESS"},
			}.Resource(),
			"EndpointDataCapture": ConfigRule{
				Name: "aiguard-endpoint-data-capture",
				Source: Source{Owner: OwnerCustomPolicy, Details: ChangeTriggers(), CustomPolicyDetails: &CustomPolicyDetails{
					PolicyRuntime: GuardRuntime, EnableDebugLogDelivery: true,
					PolicyText: "rule check {\n  configuration.DataCaptureConfig.EnableCapture == true\n}\n",
				}},
				Scope: &Scope{ComplianceResourceTypes: []string{"AWS::SageMaker::EndpointConfig"}},
			}.Resource(),
		},
	}
}

func TestBuiltPackGolden(t *testing.T) {
	tmpl := examplePack()
	out, err := tmpl.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	golden.Compare(t, filepath.Join(packsDir, "golden", "built-pack.yaml"), out)
	fs, err := lint(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		t.Errorf("generated pack: unexpected finding %s", f)
	}
	again, err := examplePack().Marshal()
	if err != nil || !bytes.Equal(out, again) {
		t.Errorf("Marshal is not deterministic (err %v)", err)
	}
}

// rulesPack builds a valid pack with n managed rules and p parameters.
func rulesPack(n, p int) Template {
	params, resources := map[string]any{}, map[string]any{}
	for i := range p {
		params[fmt.Sprintf("Param%02d", i)] = map[string]any{"Type": "String", "Default": "v"}
	}
	for i := range n {
		r := ConfigRule{
			Name:   fmt.Sprintf("rule-%03d", i),
			Source: Source{Owner: OwnerAWS, Identifier: "REQUIRED_TAGS"},
		}
		if i < p {
			r.InputParameters = map[string]any{"tag1Key": Ref(fmt.Sprintf("Param%02d", i))}
		}
		resources[fmt.Sprintf("Rule%03d", i)] = r.Resource()
	}
	t := Template{"Resources": resources}
	if p > 0 {
		t["Parameters"] = params
	}
	return t
}

func TestLimitsAtTheBoundary(t *testing.T) {
	lintTemplate := func(t *testing.T, tmpl Template, pad int) []Finding {
		t.Helper()
		out, err := tmpl.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if pad > 0 {
			if pad < len(out)+2 {
				t.Fatalf("template is already %d bytes", len(out))
			}
			out = append(out, '#')
			out = append(out, bytes.Repeat([]byte("x"), pad-len(out)-1)...)
			out = append(out, '\n')
		}
		fs, err := lint(out)
		if err != nil {
			t.Fatal(err)
		}
		return fs
	}
	guard := func(n int) Template {
		return Template{"Resources": map[string]any{"Guard": ConfigRule{Name: "guard", Source: Source{
			Owner: OwnerCustomPolicy, Details: ChangeTriggers(),
			CustomPolicyDetails: &CustomPolicyDetails{PolicyRuntime: GuardRuntime, PolicyText: strings.Repeat("#", n)},
		}}.Resource()}}
	}
	name := func(n int) Template {
		return Template{"Resources": map[string]any{"R": ConfigRule{Name: strings.Repeat("n", n),
			Source: Source{Owner: OwnerAWS, Identifier: "REQUIRED_TAGS"}}.Resource()}}
	}
	tests := []struct {
		name string
		tmpl Template
		pad  int // pad the template with a comment to this many bytes
		want []string
	}{
		{"130 rules", rulesPack(MaxRules, 0), 0, []string{}},
		{"131 rules", rulesPack(MaxRules+1, 0), 0, []string{"error:pack-rule-count"}},
		{"60 parameters", rulesPack(60, MaxParameters), 0, []string{}},
		{"61 parameters", rulesPack(61, MaxParameters+1), 0, []string{"error:pack-parameter-count"}},
		{"51,200 bytes", rulesPack(3, 0), MaxTemplateBytes, []string{}},
		{"51,201 bytes", rulesPack(3, 0), MaxTemplateBytes + 1, []string{"error:pack-template-size"}},
		{"300 KB", rulesPack(3, 0), MaxTemplateS3Bytes + 1, []string{"error:pack-template-size"}},
		{"policy 10,000", guard(MaxPolicyText), 0, []string{}},
		{"policy 10,001", guard(MaxPolicyText + 1), 0, []string{"error:pack-custom-policy"}},
		{"name 128", name(MaxRuleName), 0, []string{}},
		{"name 129", name(MaxRuleName + 1), 0, []string{"error:pack-rule-name-length"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := lintTemplate(t, tt.tmpl, tt.pad)
			if got := codes(fs); !slicesEqual(got, tt.want) {
				t.Errorf("codes = %v, want %v\n%s", got, tt.want, describe(fs))
			}
		})
	}
}

func slicesEqual(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
