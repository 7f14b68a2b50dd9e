package validate

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/aiguard/aiguard/internal/cli/clitest"
	"github.com/aiguard/aiguard/internal/cli/cmdutil"
	"github.com/aiguard/aiguard/rules"
)

var specs = filepath.Join("..", "..", "..", "testdata", "specs")

func run(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	r := clitest.Run(t, stdin, func(streams *cmdutil.IO) *cobra.Command {
		return NewCmdValidate(streams, rules.Catalog(), nil)
	}, args...)
	return r.Stdout, r.Stderr, r.Code
}

func TestValidate(t *testing.T) {
	minimal, err := os.ReadFile(filepath.Join(specs, "minimal.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		stdin     string
		args      []string
		code      int
		stdout    *regexp.Regexp
		stderr    []string // fragments
		errLines  int      // lines on stderr, each file:line:column: message (0: not checked)
		warnLines bool
	}{
		{
			name: "built-in example", code: 0,
			stdout: regexp.MustCompile(`^example\.yaml \(built-in example\): OK: 3 teams, 3 accounts, 2 organizational units, ` +
				`[0-9]+ of [0-9]+ team rules enabled \([0-9]+ catalog rules\), 1 active exception\n$`),
		},
		{
			name: "file", args: []string{"--config", filepath.Join(specs, "minimal.yaml")}, code: 0,
			stdout: regexp.MustCompile(`minimal\.yaml: OK: 1 team, 1 account, 0 organizational units, [0-9]+ of [0-9]+ team rules enabled`),
		},
		{
			name: "stdin", stdin: string(minimal), args: []string{"--config", "-"}, code: 0,
			stdout: regexp.MustCompile(`^<stdin>: OK: 1 team`),
		},
		{
			name: "broken", args: []string{"--config", filepath.Join(specs, "account-ids.yaml")}, code: cmdutil.ExitUsage,
			stdout: regexp.MustCompile(`^$`), errLines: 6,
			stderr: []string{"account-ids.yaml:6:22: organization.managementAccount: got the number 111111111111; quote account IDs"},
		},
		{
			name: "syntax error", args: []string{"--config", filepath.Join(specs, "syntax-error.yaml")}, code: cmdutil.ExitUsage,
			stdout: regexp.MustCompile(`^$`), errLines: 1, stderr: []string{"syntax-error.yaml:4:12: YAML syntax error"},
		},
		{
			name: "warnings", args: []string{"--config", filepath.Join(specs, "warnings.yaml")}, code: 0,
			stdout:    regexp.MustCompile(`warnings\.yaml: OK: 2 teams, .*, [0-9]+ warnings\n$`),
			stderr:    []string{"warnings.yaml:29:18: warning: teams[0].exceptions[0].expires: the exception"},
			warnLines: true,
		},
		{
			// Exceptions keep the rule aiguard's, so its InputParameters
			// cannot fit: generate would refuse, and validate says so.
			name: "long exceptions", args: []string{"--config", filepath.Join(specs, "input-parameters.yaml")},
			code: cmdutil.ExitUsage, stdout: regexp.MustCompile(`^$`), errLines: 1,
			stderr: []string{"input-parameters.yaml:16:5: teams[0]: rule sagemaker-notebook-root-access-disabled would get InputParameters of"},
		},
		{
			name: "limits only the generator checks", args: []string{"--config", filepath.Join(specs, "..", "validate", "tight-limits.yaml")},
			code: cmdutil.ExitUsage, stdout: regexp.MustCompile(`^$`),
			stderr: []string{"tight-limits.yaml: aiguard generate would refuse this spec: policies: policygen: team payments-risk: statement"},
		},
		{
			name: "missing file", args: []string{"--config", filepath.Join(specs, "no-such.yaml")}, code: cmdutil.ExitUsage,
			stderr: []string{"aiguard: --config: open", "no such file"},
		},
		{name: "unexpected argument", args: []string{"spec.yaml"}, code: cmdutil.ExitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := run(t, tt.stdin, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, stdout, stderr)
			}
			if tt.stdout != nil && !tt.stdout.MatchString(stdout) {
				t.Errorf("stdout %q does not match %s", stdout, tt.stdout)
			}
			for _, frag := range tt.stderr {
				if !strings.Contains(stderr, frag) {
					t.Errorf("stderr lacks %q:\n%s", frag, stderr)
				}
			}
			if tt.errLines > 0 {
				clitest.ProblemLines(t, stderr, tt.errLines)
			}
			if tt.warnLines {
				for _, l := range strings.Split(strings.TrimSuffix(stderr, "\n"), "\n") {
					if !strings.Contains(l, ": warning: ") || !clitest.IsProblemLine(l) {
						t.Errorf("warning line %q is not file:line:column: warning: message", l)
					}
				}
			}
		})
	}
}

// TestExpiredExceptionIsAWarning runs the example at a time after its
// exception expired: still valid (exit 0), with a warning.
func TestExpiredExceptionIsAWarning(t *testing.T) {
	var out, errOut bytes.Buffer
	opts := &Options{
		IO:       &cmdutil.IO{In: strings.NewReader(""), Out: &out, Err: &errOut},
		Registry: rules.Catalog(),
		Now:      func() time.Time { return time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC) },
	}
	opts.Format = cmdutil.FormatTable
	if err := runValidate(opts); err != nil {
		t.Fatalf("runValidate: %v", err)
	}
	if !strings.Contains(errOut.String(), "warning: teams[1].exceptions[0].expires: the exception to sagemaker-notebook-root-access-disabled expired on 2030-06-30") {
		t.Errorf("stderr: %s", errOut.String())
	}
	if !strings.Contains(out.String(), "0 active exceptions, 1 warning") {
		t.Errorf("stdout: %s", out.String())
	}

	// The same as JSON: valid, the warning among the problems.
	out.Reset()
	errOut.Reset()
	opts.Format = cmdutil.FormatJSON
	if err := runValidate(opts); err != nil {
		t.Fatalf("runValidate: %v", err)
	}
	var rep struct {
		Valid    bool
		Problems []struct {
			Line     int
			Severity string
		}
		Summary struct{ Warnings, Teams int }
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil || errOut.Len() != 0 {
		t.Fatalf("json: %v, stderr %q", err, errOut.String())
	}
	if !rep.Valid || len(rep.Problems) != 1 || rep.Problems[0].Severity != "warning" || rep.Problems[0].Line == 0 ||
		rep.Summary.Warnings != 1 || rep.Summary.Teams != 3 {
		t.Errorf("json: %s", out.String())
	}
}

// TestJSONInvalid checks an invalid spec as JSON: every problem on
// standard output, exit 2, and nothing on standard error.
func TestJSONInvalid(t *testing.T) {
	stdout, stderr, code := run(t, "teams: 3\n", "--config", "-", "--format", "json")
	var rep struct {
		File     string
		Valid    bool
		Problems []struct {
			Line     int
			Severity string
			Message  string
		}
		Summary *struct{}
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("%v: %s", err, stdout)
	}
	if code != cmdutil.ExitUsage || stderr != "" || rep.Valid || rep.File != "<stdin>" || len(rep.Problems) == 0 ||
		rep.Problems[0].Severity != "error" || rep.Summary != nil {
		t.Errorf("exit %d, stderr %q, report %s", code, stderr, stdout)
	}
}

// TestQuietAndOutput checks --quiet drops warnings and --output takes the
// report.
func TestQuietAndOutput(t *testing.T) {
	file := filepath.Join(t.TempDir(), "report.txt")
	stdout, stderr, code := run(t, "", "--quiet", "--output", file)
	data, err := os.ReadFile(file)
	if code != 0 || stdout != "" || stderr != "" || err != nil || !strings.Contains(string(data), ": OK: ") {
		t.Errorf("exit %d, stdout %q, stderr %q, file %q (%v)", code, stdout, stderr, data, err)
	}
}

// TestFlags checks the wiring of NewCmdValidate without running it.
func TestFlags(t *testing.T) {
	var got *Options
	cmd := NewCmdValidate(&cmdutil.IO{}, rules.Catalog(), func(o *Options) error { got = o; return nil })
	cmd.SetArgs([]string{"--config", "org.yaml"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got == nil || got.ConfigFile != "org.yaml" || got.Registry == nil || got.Now == nil {
		t.Errorf("options = %+v", got)
	}
}
