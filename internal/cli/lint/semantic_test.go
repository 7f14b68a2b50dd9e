package lint

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/internal/cli/cmdutil"
	"github.com/aiguard/aiguard/orgspec"
	"github.com/aiguard/aiguard/policygen"
)

// TestPolicySemantic: the semantic checks report the two mistakes of public
// SageMaker SCPs, with the request that shows each, and pass every policy
// aiguard generates (each team's SCPs linted together with the root's).
func TestPolicySemantic(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"Version":"2012-10-17","Statement":[
		{"Sid":"NoRoot","Effect":"Deny","Action":"sagemaker:CreateNotebookInstance","Resource":"*",
		 "Condition":{"StringNotEquals":{"sagemaker:RootAccess":"Enabled"}}},
		{"Sid":"Encrypt","Effect":"Deny","Action":"sagemaker:CreateTrainingJob","Resource":"*",
		 "Condition":{"Bool":{"sagemaker:InterContainerTrafficEncryption":"false"}}}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runPolicyCmd(t, "", "--type", "scp", bad)
	for _, want := range []string{
		`error: policy-semantic-blocks-secure: it denies the secure value: sagemaker:CreateNotebookInstance with sagemaker:RootAccess "Disabled" is denied`,
		`error: policy-semantic-allows-insecure: the policy lets the insecure value through: sagemaker:CreateNotebookInstance with sagemaker:RootAccess "Enabled" is allowed`,
		`error: policy-semantic-skippable: a caller skips it by leaving sagemaker:InterContainerTrafficEncryption out`,
	} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.Stdout)
		}
	}
	if r.Code != cmdutil.ExitFindings {
		t.Errorf("exit %d, want 1", r.Code)
	}
	// SARIF names every code a finding can have, the semantic ones too.
	sr := runPolicyCmd(t, "", "--type", "scp", "--format", "sarif", bad)
	if sr.Code != cmdutil.ExitFindings || !strings.Contains(sr.Stdout, `"ruleId": "policy-semantic-blocks-secure"`) {
		t.Errorf("SARIF: exit %d, stderr %q", sr.Code, sr.Stderr)
	}

	spec, err := orgspec.Parse(orgspec.ExampleName, orgspec.Example())
	if err != nil {
		t.Fatal(err)
	}
	arts, err := policygen.Generate(spec)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]string{} // type and team -> files
	for _, a := range arts {
		var key string
		switch a.Kind {
		case policygen.KindSCP:
			key = "scp " + a.Team
		case policygen.KindBoundary:
			key = "boundary " + a.Team
		default:
			continue
		}
		p := filepath.Join(dir, strings.ReplaceAll(a.Path, "/", "_"))
		if err := os.WriteFile(p, a.Body, 0o644); err != nil {
			t.Fatal(err)
		}
		files[key] = append(files[key], p)
	}
	for key, fs := range files {
		typ, team, _ := strings.Cut(key, " ")
		if typ == "scp" && team != "" {
			fs = append(fs, files["scp "]...) // the root's SCPs apply too
		}
		r := runPolicyCmd(t, "", append([]string{"--type", typ}, fs...)...)
		if r.Code != 0 || strings.Contains(r.Stdout, "error:") || strings.Contains(r.Stdout, "warning:") {
			t.Errorf("%s: exit %d\n%s%s", key, r.Code, r.Stdout, r.Stderr)
		}
	}
}
