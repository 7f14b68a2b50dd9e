package simulate

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/aiguard/aiguard/internal/cli/clitest"
	"github.com/aiguard/aiguard/internal/cli/cmdutil"
	"github.com/aiguard/aiguard/orgspec"
	"github.com/aiguard/aiguard/policygen"
	"github.com/aiguard/aiguard/rules"
)

func run(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	r := clitest.Run(t, stdin, func(streams *cmdutil.IO) *cobra.Command {
		return NewCmdSimulate(streams, rules.Catalog(), nil)
	}, args...)
	return r.Stdout, r.Stderr, r.Code
}

func write(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// requests are three requests against the built-in example.
const requests = `[
 {"id": "root-on", "team": "research", "principal": "arn:aws:sts::555555555555:assumed-role/Dev/x",
  "action": "sagemaker:CreateNotebookInstance", "resource": "arn:aws:sagemaker:us-east-1:555555555555:notebook-instance/nb",
  "context": {"aws:RequestedRegion": "us-east-1", "sagemaker:RootAccess": "Enabled", "sagemaker:DirectInternetAccess": "Disabled",
   "sagemaker:VpcSubnets": ["subnet-0b1b2c3d4e5f60011"], "sagemaker:VpcSecurityGroupIds": "sg-0b1b2c3d4e5f60021",
   "sagemaker:InstanceTypes": "ml.t3.medium", "sagemaker:MinimumInstanceMetadataServiceVersion": "2",
   "aws:RequestTag/aiguard-team": "research", "aws:TagKeys": "aiguard-team",
   "sagemaker:VolumeKmsKey": "arn:aws:kms:us-west-2:555555555555:key/2b3c4d5e-2222-4b3c-9d4e-222222222222"}},
 {"id": "labels", "team": "retail-vision", "principal": "arn:aws:sts::666666666666:assumed-role/Dev/x",
  "action": "rekognition:DetectLabels", "resource": "*", "context": {"aws:RequestedRegion": "us-west-2"}},
 {"id": "bounded-ec2", "team": "research", "boundary": true, "principal": "arn:aws:sts::555555555555:assumed-role/app/x",
  "action": "ec2:RunInstances", "resource": "*", "context": {"aws:RequestedRegion": "us-east-1"}}
]`

func TestSimulateJSON(t *testing.T) {
	stdout, stderr, code := run(t, requests, "--requests", "-", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got []map[string]string
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("output: %v\n%s", err, stdout)
	}
	want := []map[string]string{
		{"id": "root-on", "decision": "deny", "deniedBy": "policies/research/scp-4.json#SmNotebookNoRoot"},
		{"id": "labels", "decision": "allow", "deniedBy": ""},
		{"id": "bounded-ec2", "decision": "deny", "deniedBy": "implicit:boundary"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i := range want {
		for k, v := range want[i] {
			if got[i][k] != v {
				t.Errorf("%s %s: %q, want %q", want[i]["id"], k, got[i][k], v)
			}
		}
		if len(got[i]) != 3 {
			t.Errorf("keys %v, want exactly id, decision, deniedBy", got[i])
		}
	}
}

// TestSimulateImpliedOrgPath: the example's research team has its
// Comprehend key counterpart at the root, scoped to its OU's organization
// path. A request of the team that leaves aws:PrincipalOrgPaths out gets
// the path the spec implies and is denied there; one that sets another
// path, or has no team, is not.
func TestSimulateImpliedOrgPath(t *testing.T) {
	const recognizer = `"principal": "arn:aws:sts::555555555555:assumed-role/Dev/x", "action": "comprehend:CreateEntityRecognizer",
  "resource": "arn:aws:comprehend:us-east-1:555555555555:entity-recognizer/x"`
	reqs := `[
 {"id": "implied", "team": "research", ` + recognizer + `, "context": {"aws:RequestedRegion": "us-east-1"}},
 {"id": "given", "team": "research", ` + recognizer + `,
  "context": {"aws:RequestedRegion": "us-east-1", "AWS:PrincipalOrgPaths": "o-exampleorg1/r-ab12/ou-ex12-other/"}},
 {"id": "no-team", ` + recognizer + `, "context": {"aws:RequestedRegion": "us-east-1"}}
]`
	stdout, stderr, code := run(t, reqs, "--requests", "-", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got []map[string]string
	if err := json.Unmarshal([]byte(stdout), &got); err != nil || len(got) != 3 {
		t.Fatalf("output: %v\n%s", err, stdout)
	}
	if got[0]["decision"] != "deny" || !strings.HasSuffix(got[0]["deniedBy"], "#ComprehendModelKeyOu") {
		t.Errorf("implied path: %v, want deny by ComprehendModelKeyOu", got[0])
	}
	for _, g := range got[1:] {
		if g["decision"] != "allow" {
			t.Errorf("%s: %v, want allow", g["id"], g)
		}
	}
}

// TestSimulateMatrix re-runs the attacker's matrix generate writes, as a
// user who edits a policy would: --check passes, and a changed expectation
// fails with exit 1.
func TestSimulateMatrix(t *testing.T) {
	spec, err := orgspec.Options{Now: time.Now()}.Parse(orgspec.ExampleName, orgspec.Example())
	if err != nil {
		t.Fatal(err)
	}
	arts, err := policygen.Generate(spec)
	if err != nil {
		t.Fatal(err)
	}
	var tests []byte
	for _, a := range arts {
		if a.Path == "policies/payments-risk/tests.json" {
			tests = a.Body
		}
	}
	if tests == nil {
		t.Fatal("no tests.json for payments-risk")
	}
	file := write(t, "tests.json", string(tests))
	if _, stderr, code := run(t, "", "--requests", file, "--check"); code != 0 {
		t.Fatalf("--check on the matrix: exit %d: %s", code, stderr)
	}
	broken := strings.Replace(string(tests), `"expect": "deny"`, `"expect": "allow"`, 1)
	stdout, stderr, code := run(t, "", "--requests", write(t, "broken.json", broken), "--check")
	if code != 1 || !strings.Contains(stderr, "1 of") || !strings.Contains(stdout, "UNEXPECTED") {
		t.Errorf("a wrong expectation: exit %d\n%s\n%s", code, stdout, stderr)
	}
}

func TestSimulatePolicies(t *testing.T) {
	scp := write(t, "scp.json", `{"Version":"2012-10-17","Statement":[{"Sid":"NoRoot","Effect":"Deny",
		"Action":"sagemaker:CreateNotebookInstance","Resource":"*","Condition":{"StringNotEquals":{"sagemaker:RootAccess":"Disabled"}}}]}`)
	allowList := write(t, "allow.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"rekognition:*","Resource":"*"}]}`)
	boundary := write(t, "boundary.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sagemaker:*","Resource":"*"}]}`)
	tests := []struct {
		name string
		args []string
		want []string // decision per request
	}{
		{"deny list", []string{"--policy", scp}, []string{"deny", "allow", "allow"}},
		{"allow list", []string{"--policy", allowList, "--full-aws-access=false"}, []string{"deny", "allow", "deny"}},
		{"boundary", []string{"--policy", "scp:" + scp, "--policy", "boundary:" + boundary}, []string{"deny", "deny", "deny"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, code := run(t, requests, append([]string{"--requests", "-", "--format", "json"}, tc.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			var got []jsonResult
			if err := json.Unmarshal([]byte(stdout), &got); err != nil {
				t.Fatal(err)
			}
			for i, w := range tc.want {
				if got[i].Decision != w {
					t.Errorf("%s: %s (%s), want %s", got[i].ID, got[i].Decision, got[i].DeniedBy, w)
				}
			}
		})
	}
}

func TestSimulateBadInput(t *testing.T) {
	ok := write(t, "ok.json", `[{"id":"a","action":"s3:GetObject","resource":"*"}]`)
	scp := write(t, "scp.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}`)
	tests := []struct {
		name  string
		stdin string
		args  []string
		want  string
	}{
		{"no requests", "", nil, "give --requests FILE or --cloudtrail"},
		{"unreadable", "", []string{"--requests", "/nonexistent/requests.json"}, "no such file"},
		{"not JSON", "{", []string{"--requests", "-"}, "requests:"},
		{"unknown field", `[{"id":"a","action":"s3:GetObject","resource":"*","contxt":{}}]`, []string{"--requests", "-"}, "contxt"},
		{"null", "null", []string{"--requests", "-"}, "got null"},
		{"extra bracket", `[{"id":"a","action":"s3:GetObject","resource":"*"}]]`, []string{"--requests", "-"}, "text after the JSON array"},
		{"trailing text", `[{"id":"a","action":"s3:GetObject","resource":"*"}]}x`, []string{"--requests", "-"}, "text after the JSON array"},
		{"duplicate id", `[{"id":"a","action":"s3:GetObject","resource":"*"},{"id":"a","action":"s3:GetObject","resource":"*"}]`,
			[]string{"--requests", "-"}, "used by an earlier request"},
		{"no action", `[{"id":"a","resource":"*"}]`, []string{"--requests", "-"}, "no action"},
		{"wildcard action", `[{"id":"a","action":"s3:Get*","resource":"*"}]`, []string{"--requests", "-"}, "without wildcards"},
		{"bad expect", `[{"id":"a","action":"s3:GetObject","resource":"*","expect":"maybe"}]`, []string{"--requests", "-"}, "want allow or deny"},
		{"context not strings", `[{"id":"a","action":"s3:GetObject","resource":"*","context":{"k:v":1}}]`, []string{"--requests", "-"},
			"a string or an array of strings"},
		{"unknown team", `[{"id":"a","team":"nope","action":"s3:GetObject","resource":"*"}]`, []string{"--requests", "-"}, `team "nope"`},
		{"bad format", "", []string{"--requests", ok, "--format", "xml"}, "--format"},
		{"bad policy type", "", []string{"--requests", ok, "--policy", "scpx:" + scp}, "policy type"},
		{"two boundaries", "", []string{"--requests", ok, "--policy", "boundary:" + scp, "--policy", "boundary:" + scp}, "at most one"},
		{"config and policy", "", []string{"--requests", ok, "--policy", scp, "--config", "x.yaml"}, "not both"},
		{"bad policy", "", []string{"--requests", ok, "--policy", write(t, "bad.json", "[1]")}, "--policy"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, code := run(t, tc.stdin, tc.args...)
			if code != 2 || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, tc.want)
			}
			if n := strings.Count(strings.TrimSpace(stderr), "\n"); n > 0 {
				t.Errorf("want a one-line error, got %q", stderr)
			}
		})
	}
}

func TestSimulateOutputFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "report.json")
	if _, stderr, code := run(t, requests, "--requests", "-", "--format", "json", "--output", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil || !strings.Contains(string(data), `"root-on"`) {
		t.Errorf("report %s: %v", data, err)
	}
}
