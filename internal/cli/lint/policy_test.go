package lint

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/aiguard/aiguard/internal/cli/clitest"
	"github.com/aiguard/aiguard/internal/cli/cmdutil"
	"github.com/aiguard/aiguard/internal/testenv/refdata"
)

// runPolicy executes `aiguard lint policy` through cobra from the module
// root, printing the returned error as cmd/aiguard would.
func runPolicyCmd(t *testing.T, stdin string, args ...string) clitest.Result {
	t.Helper()
	t.Chdir(refdata.ModuleRoot(t))
	return clitest.Run(t, stdin, func(streams *cmdutil.IO) *cobra.Command { return NewCmdLint(streams) },
		append([]string{"policy"}, args...)...)
}

// policyGolden are the fixtures of the golden output, by policy type.
var policyGolden = []struct {
	typ   string
	files []string
}{
	{"scp", []string{"testdata/policies/good/scp-ai-guardrails.json", "testdata/policies/bad/scp-problems.json"}},
	{"rcp", []string{"testdata/policies/good/rcp-org-only.json", "testdata/policies/bad/rcp-sagemaker.json"}},
	{"boundary", []string{"testdata/policies/good/boundary-team.json"}},
	{"identity", []string{"testdata/policies/bad/identity-trailing-comma.json", "testdata/policies/bad/not-json.json"}},
}

func TestPolicyGolden(t *testing.T) {
	for _, format := range []string{"table", "json"} {
		t.Run(format, func(t *testing.T) {
			var all strings.Builder
			for _, g := range policyGolden {
				r := runPolicyCmd(t, "", append([]string{"--type", g.typ, "--format", format}, g.files...)...)
				wantCode := cmdutil.ExitFindings
				if g.typ == "boundary" {
					wantCode = cmdutil.ExitOK
				}
				if r.Code != wantCode || r.Stderr != "" {
					t.Errorf("--type %s: exit %d, stderr %q; want %d and nothing", g.typ, r.Code, r.Stderr, wantCode)
				}
				all.WriteString("# --type " + g.typ + "\n" + r.Stdout)
			}
			compareGolden(t, "policies", "lint-policy."+format, all.String())
		})
	}
}

func TestPolicyJSONKeys(t *testing.T) {
	r := runPolicyCmd(t, "", "--type", "scp", "--format", "json", "testdata/policies/bad/scp-problems.json")
	var got []map[string]any
	if err := json.Unmarshal([]byte(r.Stdout), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 {
		t.Fatal("no findings")
	}
	for _, f := range got {
		checkJSONKeys(t, f)
	}
}

func TestPolicyExitCodes(t *testing.T) {
	good := "testdata/policies/good/scp-ai-guardrails.json"
	tests := []exitCase{
		{name: "clean", args: []string{"--type", "scp", good}, code: 0, stdout: "-"},
		{name: "clean json", args: []string{"--type", "scp", "--format", "json", good}, code: 0, stdout: "[]\n"},
		{name: "type in upper case", args: []string{"--type", "SCP", good}, code: 0, stdout: "-"},
		{name: "errors", args: []string{"--type", "rcp", "testdata/policies/bad/rcp-sagemaker.json"}, code: 1},
		{name: "as another type", args: []string{"--type", "rcp", good}, code: 1},
		{name: "invalid JSON is a finding", args: []string{"--type", "scp", "testdata/policies/bad/not-json.json"}, code: 1},
		{name: "stdin", stdin: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"bedrock:Converse","Resource":"*"}]}`,
			args: []string{"--type", "scp", "-"}, code: 1},
		{name: "max chars", stdin: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:GetObject","Resource":"*"}]}`,
			args: []string{"--type", "scp", "--max-chars", "50", "-"}, code: 1},
		{name: "negative max chars", args: []string{"--type", "scp", "--max-chars", "-1", good}, code: 2, stderrPart: "--max-chars"},
		{name: "missing file", args: []string{"--type", "scp", good, "nope.json"}, code: 2,
			stderrPart: "aiguard: nope.json: no such file or directory"},
		{name: "directory", args: []string{"--type", "scp", "testdata/policies"}, code: 2, stderrPart: "is a directory; give policy files"},
		{name: "no type", args: []string{good}, code: 2, stderrPart: "give --type"},
		{name: "bad type", args: []string{"--type", "resource", good}, code: 2, stderrPart: "want scp, rcp, boundary, identity or opt-out"},
		{name: "bad format", args: []string{"--type", "scp", "--format", "xml", good}, code: 2, stderrPart: "--format"},
		{name: "no files", args: []string{"--type", "scp"}, code: 2, stderrPart: "at least one policy FILE"},
		{name: "stdin twice", args: []string{"--type", "scp", "-", "-"}, code: 2, stderrPart: "more than once"},
	}
	checkExitCases(t, runPolicyCmd, tests)
}

func TestPolicyTooLarge(t *testing.T) {
	big := strings.Repeat(" ", maxPolicyInput+1)
	r := runPolicyCmd(t, big, "--type", "scp", "-")
	if r.Code != cmdutil.ExitUsage || !strings.Contains(r.Stderr, "at most 10,240 characters") {
		t.Errorf("exit %d, stderr %q", r.Code, r.Stderr)
	}
}

// TestPolicyReferenceExamples runs the command over AWS's example policies:
// the published model-monitor SCP (invalid JSON, unknown key) and the
// region-deny SCP (its Bedrock batch jobs are always denied) have errors,
// and so, by the semantic checks, have the data-perimeter SCP (a notebook
// that leaves DirectInternetAccess out gets internet access) and the Studio
// lockdown SCP (its ANDed conditions let a public domain through);
// iampolicy's and iameval's reference tests detail every verdict.
func TestPolicyReferenceExamples(t *testing.T) {
	dir := refdata.Path(t, "scp-examples")
	files, _ := filepath.Glob(filepath.Join(dir, "*.scp*"))
	if len(files) == 0 {
		t.Skip("no examples")
	}
	for _, f := range files {
		r := runPolicyCmd(t, "", "--type", "scp", f)
		name := filepath.Base(f)
		wantErr := name == "sagemaker-model-monitor-scp.aws-docs.original.txt" ||
			name == "region-deny-with-bedrock-cris-exception.scp.json" ||
			name == "data-perimeter-restrict-nonvpc-deployment.scp.json" ||
			name == "sagemaker-studio-lockdown-domain-vpconly.scp.json"
		if (r.Code == cmdutil.ExitFindings) != wantErr || r.Stderr != "" {
			t.Errorf("%s: exit %d, want errors %v\n%s%s", name, r.Code, wantErr, r.Stdout, r.Stderr)
		}
	}
}
