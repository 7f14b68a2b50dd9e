package generate

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/aiguard/aiguard/deploy"
	"github.com/aiguard/aiguard/iameval"
	"github.com/aiguard/aiguard/internal/cli/clitest"
	"github.com/aiguard/aiguard/internal/cli/cmdutil"
	"github.com/aiguard/aiguard/internal/testenv/golden"
	"github.com/aiguard/aiguard/policygen"
	"github.com/aiguard/aiguard/rules"
)

var (
	goldenDir = filepath.Join("..", "..", "..", "testdata", "golden", "generate")
	specs     = filepath.Join("..", "..", "..", "testdata", "specs")
	// testNow fixes which exceptions are active.
	testNow = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
)

func run(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	r := clitest.Run(t, stdin, func(streams *cmdutil.IO) *cobra.Command {
		return NewCmdGenerate(streams, rules.Catalog(), func(o *Options) error {
			o.Now = func() time.Time { return testNow }
			return runGenerate(o)
		})
	}, args...)
	return r.Stdout, r.Stderr, r.Code
}

// TestGolden runs `aiguard generate` on the built-in example and compares
// the whole output, and what the command prints, with the golden files
// (go test ./internal/cli/generate -update rewrites them).
func TestGolden(t *testing.T) {
	dir := t.TempDir()
	stdout, stderr, code := run(t, "", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	got := golden.ReadTree(t, dir)
	got["stdout.txt"] = []byte(strings.ReplaceAll(stdout, dir, "OUT"))
	got["stderr.txt"] = []byte(strings.ReplaceAll(stderr, dir, "OUT"))
	golden.CompareDir(t, filepath.Join(goldenDir, "example"), got)
}

// TestByteIdentical generates the example twice, into fresh directories
// and over a previous output, and from a file: the bytes do not change.
func TestByteIdentical(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	if _, stderr, code := run(t, "", "--out", a); code != 0 {
		t.Fatal(stderr)
	}
	example, err := os.ReadFile(filepath.Join("..", "..", "..", "orgspec", "example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := run(t, string(example), "--config", "-", "--out", b); code != 0 {
		t.Fatal(stderr)
	}
	if _, stderr, code := run(t, string(example), "--config", "-", "--out", b); code != 0 {
		t.Fatalf("rerun over the previous output: %s", stderr)
	}
	ta, tb := golden.ReadTree(t, a), golden.ReadTree(t, b)
	if len(ta) != len(tb) {
		t.Fatalf("%d files, then %d", len(ta), len(tb))
	}
	for name, data := range ta {
		if !bytes.Equal(data, tb[name]) {
			t.Errorf("%s differs between runs", name)
		}
	}
}

func TestErrors(t *testing.T) {
	foreign := t.TempDir()
	if err := os.WriteFile(filepath.Join(foreign, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	var keys strings.Builder
	for i := range 14 {
		fmt.Fprintf(&keys, "      - arn:aws:kms:us-east-1:333333333333:key/1a2b3c4d-1111-4a2b-8c3d-%012d\n", i)
	}
	tooLong := `apiVersion: aiguard.dev/v1
organization:
  name: example-corp
  id: o-exampleorg1
  managementAccount: "111111111111"
  securityToolingAccount: "222222222222"
  regions: [us-east-1]
  breakGlassRoles: [BreakGlass]
teams:
  - name: keyring
    accounts: ["333333333333"]
    dataClassification: internal
    kmsKeyArns:
` + keys.String()
	tests := []struct {
		name     string
		stdin    string
		args     []string
		stderr   []string // fragments
		errLines int      // lines on stderr, each file:line:column: message
	}{
		{name: "no --out", args: nil, stderr: []string{"--out DIR is required"}},
		{name: "invalid spec", args: []string{"--config", filepath.Join(specs, "account-ids.yaml"), "--out", t.TempDir()},
			stderr: []string{"account-ids.yaml:6:22: organization.managementAccount"}, errLines: 6},
		{name: "unreadable spec", args: []string{"--config", filepath.Join(specs, "absent.yaml"), "--out", t.TempDir()},
			stderr: []string{"--config: open"}},
		{name: "limit not met", stdin: tooLong, args: []string{"--config", "-", "--out", t.TempDir()},
			stderr: []string{"<stdin>:10:5: teams[0]: rule sagemaker-domain-cmk-encrypted would get InputParameters of", "Config accepts 1024"}},
		{name: "foreign directory", args: []string{"--out", foreign},
			stderr: []string{"is not empty and has no manifest.json: not an aiguard output directory"}},
		{name: "stray argument", args: []string{"--out", t.TempDir(), "extra"}, stderr: []string{"unknown command"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := run(t, tt.stdin, tt.args...)
			if code != cmdutil.ExitUsage {
				t.Errorf("exit %d, want %d", code, cmdutil.ExitUsage)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
			for _, f := range tt.stderr {
				if !strings.Contains(stderr, f) {
					t.Errorf("stderr lacks %q:\n%s", f, stderr)
				}
			}
			if tt.errLines > 0 {
				clitest.ProblemLines(t, stderr, tt.errLines)
			}
		})
	}
	if data, _ := os.ReadFile(filepath.Join(foreign, "notes.txt")); string(data) != "mine" {
		t.Error("the foreign directory was changed")
	}
}

// TestMatrixFailureExitsOne: when the generated policies fail the
// attacker's matrix, generate writes nothing, names the failing request
// and exits 1.
func TestMatrixFailureExitsOne(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	r := clitest.Run(t, "", func(streams *cmdutil.IO) *cobra.Command {
		return NewCmdGenerate(streams, rules.Catalog(), func(o *Options) error {
			o.producers = []deploy.Producer{{Name: "policies", Produce: func(*deploy.Plan) (deploy.Result, error) {
				return deploy.Result{}, fmt.Errorf("policygen: %w", &policygen.MatrixError{Cases: 10, Failures: []policygen.MatrixFailure{{
					Case:    iameval.Case{ID: "research/notebook-root/root-enabled", Description: "a notebook with root access"},
					Problem: "want deny, got allow"}}})
			}}}
			return runGenerate(o)
		})
	}, "--out", dir)
	if r.Code != 1 || !strings.Contains(r.Stderr, "research/notebook-root/root-enabled") ||
		!strings.Contains(r.Stderr, "want deny, got allow") {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("%s was written: %v", dir, err)
	}
}
