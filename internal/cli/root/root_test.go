package root

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/aiguard/aiguard/internal/cli/clitest"
	"github.com/aiguard/aiguard/internal/cli/cmdutil"
	"github.com/aiguard/aiguard/internal/testenv/refdata"
)

// execute runs a command line through the whole cobra tree.
func execute(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	r := clitest.Run(t, stdin, NewCmdRoot, args...)
	return r.Stdout, r.Stderr, r.Code
}

func TestEvaluateFlagWiring(t *testing.T) {
	ci, err := os.ReadFile(filepath.Join(refdata.ModuleRoot(t), "testdata", "ci", "notebook-event-shape.json"))
	if err != nil {
		t.Fatal(err)
	}
	out, stderr, code := execute(t, string(ci), "evaluate", "--ci", "-",
		"--rule", "sagemaker-notebook-in-vpc", "--rule=sagemaker-notebook-root-access-disabled",
		"--params", `{"allowedSubnetIds":"subnet-0b1c2d3e4f5a60718"}`, "--format", "table")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "RULE") ||
		!strings.Contains(lines[1], "sagemaker-notebook-in-vpc") || !strings.Contains(lines[1], "NON_COMPLIANT") ||
		!strings.Contains(lines[2], "sagemaker-notebook-root-access-disabled") || !strings.Contains(lines[2], "COMPLIANT") {
		t.Errorf("table:\n%s", out)
	}

	// --format defaults to json.
	out, stderr, code = execute(t, string(ci), "evaluate", "--ci", "-", "--rule", "sagemaker-notebook-in-vpc")
	var evals []map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &evals) != nil || len(evals) != 1 {
		t.Errorf("default format: exit %d, output %q, stderr %q", code, out, stderr)
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"evaluate", "--bogus"}, "unknown flag: --bogus"},
		{"flag without value", []string{"evaluate", "--ci"}, "flag needs an argument"},
		{"positional argument", []string{"evaluate", "file.json"}, "unknown command"},
		{"unknown command", []string{"evaluat"}, "unknown command"},
		{"no input", []string{"evaluate"}, "give exactly one of"},
		{"rules list bad format", []string{"rules", "list", "--format", "xml"}, `--format: got "xml"`},
		{"version with an argument", []string{"version", "now"}, "unknown command"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, stderr, code := execute(t, "", tt.args...)
			if code != cmdutil.ExitUsage {
				t.Errorf("exit %d, want %d (stderr %q)", code, cmdutil.ExitUsage, stderr)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr %q does not contain %q", stderr, tt.want)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
		})
	}
}

func TestSubcommands(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"rules", "list"}, {"rules", "list", "--format", "json"}, {"--help"}, {"evaluate", "--help"}} {
		out, stderr, code := execute(t, "", args...)
		if code != 0 || out == "" {
			t.Errorf("%v: exit %d, stdout %d bytes, stderr %q", args, code, len(out), stderr)
		}
	}
	out, _, _ := execute(t, "", "version")
	if !strings.HasPrefix(out, "aiguard ") {
		t.Errorf("version: %q", out)
	}
}

// TestEveryCommandHasExamples walks the command tree: every command a user
// runs shows examples in its --help.
func TestEveryCommandHasExamples(t *testing.T) {
	root := NewCmdRoot(&cmdutil.IO{In: strings.NewReader(""), Out: &bytes.Buffer{}, Err: &bytes.Buffer{}})
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Name() == "help" || c.Name() == "completion" || c.Hidden {
			return
		}
		if c.Example == "" {
			t.Errorf("%q has no Example", c.CommandPath())
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

func TestVersionFlag(t *testing.T) {
	out, stderr, code := execute(t, "", "--version")
	if code != 0 || !strings.HasPrefix(out, "aiguard ") || stderr != "" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	same, _, _ := execute(t, "", "version")
	if same != out {
		t.Errorf("--version %q, version %q", out, same)
	}
}

// TestFormatVocabulary checks that the commands that report share the
// --format names, --output and --quiet.
func TestFormatVocabulary(t *testing.T) {
	root := NewCmdRoot(&cmdutil.IO{In: strings.NewReader(""), Out: &bytes.Buffer{}, Err: &bytes.Buffer{}})
	for _, path := range [][]string{{"evaluate"}, {"scan"}, {"lint", "pack"}, {"lint", "policy"}, {"validate"}, {"rules", "list"}} {
		c, _, err := root.Find(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, flag := range []string{"format", "output", "quiet"} {
			if c.Flags().Lookup(flag) == nil {
				t.Errorf("%s has no --%s", c.CommandPath(), flag)
			}
		}
		if f := c.Flags().Lookup("format"); f != nil && !strings.Contains(f.Usage, "table") {
			t.Errorf("%s --format: %q does not offer table", c.CommandPath(), f.Usage)
		}
	}
}
