package lint

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/aiguard/aiguard/internal/cli/clitest"
	"github.com/aiguard/aiguard/internal/cli/cmdutil"
	"github.com/aiguard/aiguard/internal/inputfile/fifotest"
	"github.com/aiguard/aiguard/internal/testenv/golden"
	"github.com/aiguard/aiguard/internal/testenv/refdata"
	"github.com/aiguard/aiguard/sarif/sariftest"
)

// run executes `aiguard lint pack` through cobra, from the module root so
// that file names in the output are stable, and prints the returned error
// as cmd/aiguard would.
func run(t *testing.T, stdin string, args ...string) clitest.Result {
	t.Helper()
	t.Chdir(refdata.ModuleRoot(t))
	return clitest.Run(t, stdin, func(streams *cmdutil.IO) *cobra.Command { return NewCmdLint(streams) },
		append([]string{"pack"}, args...)...)
}

// compareGolden compares got with the golden file testdata/<kind>/golden/<name>,
// or rewrites it with -update.
func compareGolden(t *testing.T, kind, name, got string) {
	t.Helper()
	golden.Compare(t, filepath.Join(refdata.ModuleRoot(t), "testdata", kind, "golden", name), []byte(got))
}

var goldenFiles = []string{
	"testdata/packs/good/custom-lambda.yaml",
	"testdata/packs/bad/pack-lambda-triggers.yaml",
	"testdata/packs/bad/pack-parameter-unused.yaml",
	"testdata/packs/bad/pack-schema.yaml",
}

func TestGolden(t *testing.T) {
	for _, format := range []string{"table", "json", "sarif"} {
		t.Run(format, func(t *testing.T) {
			r := run(t, "", append([]string{"--format", format}, goldenFiles...)...)
			if r.Code != cmdutil.ExitFindings || r.Stderr != "" {
				t.Errorf("exit %d, stderr %q; want 1 and nothing", r.Code, r.Stderr)
			}
			if format == "sarif" {
				if err := sariftest.Validate([]byte(r.Stdout)); err != nil {
					t.Error(err)
				}
			}
			compareGolden(t, "packs", "lint-pack."+format, r.Stdout)
		})
	}
}

func TestJSONKeys(t *testing.T) {
	r := run(t, "", append([]string{"--format", "json"}, goldenFiles...)...)
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

// checkJSONKeys checks one element of --format json: exactly the seven
// keys, line and column numbers.
func checkJSONKeys(t *testing.T, f map[string]any) {
	t.Helper()
	if len(f) != 7 || f["file"] == nil || f["severity"] == nil || f["code"] == nil || f["message"] == nil || f["location"] == nil {
		t.Errorf("finding %v: want exactly file, line, column, severity, code, message, location", f)
	}
	for _, k := range []string{"line", "column"} {
		if _, ok := f[k].(float64); !ok {
			t.Errorf("finding %v: %s is not a number", f, k)
		}
	}
}

// exitCase is a command line of `aiguard lint` and what it must leave.
type exitCase struct {
	name       string
	stdin      string
	args       []string
	code       int
	stdout     string // exact, when set; "-" for empty
	stderrPart string
}

// checkExitCases runs each case through run and checks its exit code,
// stdout and stderr.
func checkExitCases(t *testing.T, run func(t *testing.T, stdin string, args ...string) clitest.Result, tests []exitCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, tt.stdin, tt.args...)
			if r.Code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", r.Code, tt.code, r.Stdout, r.Stderr)
			}
			if tt.stdout == "-" && r.Stdout != "" || tt.stdout != "" && tt.stdout != "-" && r.Stdout != tt.stdout {
				t.Errorf("stdout = %q, want %q", r.Stdout, tt.stdout)
			}
			if !strings.Contains(r.Stderr, tt.stderrPart) {
				t.Errorf("stderr = %q, want it to contain %q", r.Stderr, tt.stderrPart)
			}
		})
	}
}

func TestExitCodes(t *testing.T) {
	tests := []exitCase{
		{name: "clean pack", args: []string{"testdata/packs/good/guard.yaml"}, code: 0, stdout: "-"},
		{name: "clean pack json", args: []string{"--format", "json", "testdata/packs/good/guard.yaml"}, code: 0, stdout: "[]\n"},
		{name: "warnings only", args: []string{"testdata/packs/bad/pack-parameter-unused.yaml"}, code: 0},
		{name: "fail on warning", args: []string{"--fail-on", "warning", "testdata/packs/bad/pack-parameter-unused.yaml"}, code: 1},
		{name: "fail on none", args: []string{"--fail-on", "none", "testdata/packs/bad/pack-resource-type.yaml"}, code: 0},
		{name: "bad fail-on", args: []string{"--fail-on", "high", "testdata/packs/good/guard.yaml"}, code: 2, stderrPart: "want info, warning, error or none"},
		{name: "text is table", args: []string{"--format", "text", "testdata/packs/good/guard.yaml"}, code: 0, stdout: "-"},
		{name: "errors", args: []string{"testdata/packs/bad/pack-resource-type.yaml"}, code: 1},
		{name: "stdin", stdin: "Resources:\n  B:\n    Type: AWS::S3::Bucket\n", args: []string{"-"}, code: 1},
		{name: "missing file", args: []string{"testdata/packs/good/guard.yaml", "nope.yaml"}, code: 2,
			stderrPart: "aiguard: nope.yaml: no such file or directory"},
		{name: "missing file sarif", args: []string{"--format", "sarif", "nope.yaml"}, code: 2,
			stderrPart: "aiguard: nope.yaml: no such file or directory"},
		{name: "directory", args: []string{"testdata/packs"}, code: 2, stderrPart: "is a directory"},
		{name: "syntax error", args: []string{"testdata/packs/unreadable/duplicate-key.yaml"}, code: 2,
			stderrPart: `duplicate-key.yaml: line 4, column 3: duplicate key "A"`},
		{name: "unreadable beats findings", args: []string{"testdata/packs/bad/pack-resource-type.yaml", "nope.yaml"}, code: 2},
		{name: "bad format", args: []string{"--format", "xml", "x.yaml"}, code: 2, stderrPart: "--format"},
		{name: "no files", args: nil, code: 2, stderrPart: "at least one template"},
		{name: "stdin twice", args: []string{"-", "-"}, code: 2, stderrPart: "more than once"},
	}
	checkExitCases(t, run, tests)
}

// TestReferencePacks runs the command over AWS's sample packs: they pass.
func TestReferencePacks(t *testing.T) {
	dir := refdata.Path(t, "conformance-packs")
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	more, _ := filepath.Glob(filepath.Join(dir, "*", "*.yaml"))
	files = append(files, more...)
	if len(files) == 0 {
		t.Skip("no packs")
	}
	r := run(t, "", files...)
	if r.Code != 0 || r.Stdout != "" || r.Stderr != "" {
		t.Errorf("exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
}

// TestFIFORefused checks a named pipe is refused, not read (it would hang
// until something wrote to it).
func TestFIFORefused(t *testing.T) {
	fifotest.Refused(t, "pipe.yaml", func(fifo string) clitest.Result { return run(t, "", fifo) }, func(r clitest.Result) {
		if r.Code != cmdutil.ExitUsage || !strings.Contains(r.Stderr, "not a regular file (a FIFO)") {
			t.Errorf("exit %d, stderr %q", r.Code, r.Stderr)
		}
	})
}

// TestOutputFile checks --output writes the report to a file and nothing
// to standard output, and --quiet changes nothing in the report.
func TestOutputFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "lint.json")
	r := run(t, "", "--format", "json", "--quiet", "-o", out, "testdata/packs/bad/pack-resource-type.yaml")
	if r.Code != cmdutil.ExitFindings || r.Stdout != "" || r.Stderr != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(data, &got); err != nil || len(got) == 0 {
		t.Fatalf("report %s: %v", data, err)
	}
	if got[0]["code"] != "pack-resource-type" {
		t.Errorf("first finding %v", got[0])
	}
}

// TestEscapesControlCharacters checks what comes from the file (a logical
// ID with ESC and BEL) cannot drive the terminal.
func TestEscapesControlCharacters(t *testing.T) {
	r := run(t, "Resources:\n  \"Evil\\e]0;pwned\\a\":\n    Type: AWS::S3::Bucket\n", "-")
	if r.Code != cmdutil.ExitFindings || strings.ContainsAny(r.Stdout, "\x1b\x07") {
		t.Errorf("exit %d, stdout %q", r.Code, r.Stdout)
	}
}
