package lint

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/internal/cli/cmdutil"
	"github.com/aiguard/aiguard/internal/testenv/refdata"
)

// runPolicy executes `aiguard lint policy` through cobra from the module
// root, printing the returned error as cmd/aiguard would.
func runPolicyCmd(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	t.Chdir(refdata.ModuleRoot(t))
	var out, errOut bytes.Buffer
	streams := &cmdutil.IO{In: strings.NewReader(stdin), Out: &out, Err: &errOut}
	cmd := NewCmdLint(streams)
	cmd.SetArgs(append([]string{"policy"}, args...))
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.Execute()
	if ee, ok := err.(*cmdutil.ExitError); err != nil && (!ok || ee.Err != nil) {
		errOut.WriteString("aiguard: " + err.Error() + "\n")
	}
	return result{stdout: out.String(), stderr: errOut.String(), code: cmdutil.Code(err)}
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
				if r.code != wantCode || r.stderr != "" {
					t.Errorf("--type %s: exit %d, stderr %q; want %d and nothing", g.typ, r.code, r.stderr, wantCode)
				}
				all.WriteString("# --type " + g.typ + "\n" + r.stdout)
			}
			compareGolden(t, "policies", "lint-policy."+format, all.String())
		})
	}
}

func TestPolicyJSONKeys(t *testing.T) {
	r := runPolicyCmd(t, "", "--type", "scp", "--format", "json", "testdata/policies/bad/scp-problems.json")
	var got []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
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
	tests := []struct {
		name       string
		stdin      string
		args       []string
		code       int
		stdout     string // exact, when set; "-" for empty
		stderrPart string
	}{
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
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runPolicyCmd(t, tt.stdin, tt.args...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, tt.code, r.stdout, r.stderr)
			}
			if tt.stdout == "-" && r.stdout != "" || tt.stdout != "" && tt.stdout != "-" && r.stdout != tt.stdout {
				t.Errorf("stdout = %q, want %q", r.stdout, tt.stdout)
			}
			if !strings.Contains(r.stderr, tt.stderrPart) {
				t.Errorf("stderr = %q, want it to contain %q", r.stderr, tt.stderrPart)
			}
		})
	}
}

func TestPolicyTooLarge(t *testing.T) {
	big := strings.Repeat(" ", maxPolicyInput+1)
	r := runPolicyCmd(t, big, "--type", "scp", "-")
	if r.code != cmdutil.ExitUsage || !strings.Contains(r.stderr, "at most 10,240 characters") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
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
		if (r.code == cmdutil.ExitFindings) != wantErr || r.stderr != "" {
			t.Errorf("%s: exit %d, want errors %v\n%s%s", name, r.code, wantErr, r.stdout, r.stderr)
		}
	}
}
