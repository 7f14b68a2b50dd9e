package iampolicy

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/internal/testenv/refdata"
)

// exampleVerdicts is what the linter must say (errors and warnings;
// infos are free) about each public example policy of the reference data's
// scp-examples folder (AWS's and other public example SCPs), with the
// folder README's "notes" verdict for comparison. A new example fails the test until it is added
// here.
var exampleVerdicts = map[string][]string{
	// README: valid (needs case-insensitive keys: bedrock:bearerTokenType).
	"bedrock-deny-long-term-api-keys.scp.json": nil,
	// README: bedrock-mantle:Model applies to 2 of the 35 bedrock-mantle
	// actions, an "unsupported action for condition key" warning: the
	// linter says the same (a StringLike Deny never applies to the 33).
	"bedrock-deny-models-except-approved.scp.json": {"warning:policy-condition-key-unsupported"},
	// README: valid. StringEquals on the ARN-typed GuardrailIdentifier is
	// only an info (ArnLike preferred).
	"bedrock-enforce-guardrail.identity-policy.aws-docs.json": nil,
	// README: valid. The difference: the sample keeps the placeholder
	// "<my-corporate-cidr>" in NotIpAddressIfExists aws:SourceIp, which is
	// not an IP range, so as written the test cannot work: a warning.
	"data-perimeter-network-perimeter-vpceorgid.scp.json": {"warning:policy-condition-value"},
	// README: valid for the SageMaker statements; the other services are
	// outside aiguard's table (infos only).
	"data-perimeter-restrict-nonvpc-deployment.scp.json": nil,
	// README: valid.
	"iam-delegated-admin-boundary.aws-docs.json": nil,
	// README: valid (StringNotLike on aws:PrincipalARN is an info).
	"orgs-deny-iam-role-changes-except-admin-role.scp.aws-docs.json": nil,
	// README: bedrock:InferenceProfileArn is not defined for
	// CreateModelInvocationJob, so ArnNotLike is true and batch jobs outside
	// the approved Regions are always denied: the linter makes that an error
	// (a negated test on a key the action lacks in a Deny). It also warns
	// that "${Account}" in aws:PrincipalARN is a placeholder, not a policy
	// variable.
	"region-deny-with-bedrock-cris-exception.scp.json": {"error:policy-deny-always-matches", "warning:policy-variable-unknown"},
	// README: invalid as published: the trailing comma and the unknown key
	// sagemaker:ModelMonitorJobDefinitionName. The linter reads past the
	// comma and reports both.
	"sagemaker-model-monitor-scp.aws-docs.original.txt": {"error:policy-condition-key-unknown", "error:policy-json"},
	// README: valid (identity Allow form).
	"sagemaker-notebook-lockdown.identity-policy.aws-docs.json": nil,
	// README: valid.
	"sagemaker-studio-limit-notebook-instance-types.scp.json": nil,
	// README: valid (weaker than the data-perimeter version, which is not
	// a lint matter).
	"sagemaker-studio-lockdown-domain-vpconly.scp.json": nil,
}

// typeFromName guesses the policy type from a file name.
func typeFromName(name string) Type {
	switch {
	case strings.Contains(name, "identity"):
		return TypeIdentity
	case strings.Contains(name, "boundary"):
		return TypeBoundary
	case strings.Contains(name, "rcp"):
		return TypeRCP
	}
	return TypeSCP
}

func TestReferenceExamples(t *testing.T) {
	dir := refdata.Path(t, "scp-examples")
	files, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, f := range files {
		name := filepath.Base(f)
		if strings.HasPrefix(name, "LICENSE") || strings.HasSuffix(name, ".md") {
			continue
		}
		seen++
		t.Run(name, func(t *testing.T) {
			want, ok := exampleVerdicts[name]
			if !ok {
				t.Fatalf("no verdict for %s: add it to exampleVerdicts", name)
			}
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			fs := LintData(data, typeFromName(name))
			var got []string
			for _, f := range fs {
				if f.Severity != SeverityInfo {
					got = append(got, string(f.Severity)+":"+f.Code)
				}
			}
			sort.Strings(got)
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("got %v, want %v\n%s", got, want, findingsText(fs))
			}
		})
	}
	if seen != len(exampleVerdicts) {
		t.Errorf("%d examples found, %d verdicts", seen, len(exampleVerdicts))
	}
}

// TestModelMonitorExampleMessages pins what the published model-monitor SCP
// is told: the comma's line and the unknown key.
func TestModelMonitorExampleMessages(t *testing.T) {
	data, err := os.ReadFile(refdata.Path(t, "scp-examples", "sagemaker-model-monitor-scp.aws-docs.original.txt"))
	if err != nil {
		t.Fatal(err)
	}
	text := findingsText(LintData(data, TypeSCP))
	for _, want := range []string{"trailing comma", "(line 40)", "sagemaker:ModelMonitorJobDefinitionName",
		"not a sagemaker condition key"} {
		if !strings.Contains(text, want) {
			t.Errorf("findings lack %q:\n%s", want, text)
		}
	}
}

// TestReferenceTableLintsAlike lints the examples with the table read
// straight from the reference: the built-in table must give the same
// findings (it is the same facts, compacted).
func TestReferenceTableLintsAlike(t *testing.T) {
	ref, err := LoadReference(refdata.Path(t, "iam"))
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(refdata.Path(t, "scp-examples"), "*.json"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		typ := typeFromName(filepath.Base(f))
		builtin := findingsText(LintData(data, typ))
		// The reference lacks the hand-kept partial services, so compare
		// errors and warnings only.
		var a, b []string
		for _, x := range LintData(data, typ) {
			if x.Severity != SeverityInfo {
				a = append(a, x.String())
			}
		}
		for _, x := range (&Linter{Table: ref}).LintData(data, typ) {
			if x.Severity != SeverityInfo {
				b = append(b, x.String())
			}
		}
		if strings.Join(a, "\n") != strings.Join(b, "\n") {
			t.Errorf("%s: built-in and reference tables disagree:\nbuilt-in:\n%s\nreference:\n%s", filepath.Base(f),
				builtin, strings.Join(b, "\n"))
		}
	}
}
