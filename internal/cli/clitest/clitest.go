// Package clitest runs a cobra command in a test as cmd/aiguard runs it:
// over in-memory streams, with the returned error printed on one stderr line
// and turned into the process exit code.
package clitest

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/aiguard/aiguard/internal/cli/cmdutil"
)

// Result is what a command line left: its two streams and its exit code.
type Result struct {
	Stdout, Stderr string
	Code           int
}

// Run builds a command with newCmd over streams that read stdin, executes it
// with args and collects what it wrote. Clock and terminal hooks stay with
// each package's newCmd.
func Run(t testing.TB, stdin string, newCmd func(*cmdutil.IO) *cobra.Command, args ...string) Result {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := newCmd(&cmdutil.IO{In: strings.NewReader(stdin), Out: &out, Err: &errOut})
	// Not nil: cobra would read nil as "no args set" and take the test
	// binary's own (such as -update).
	cmd.SetArgs(append([]string{}, args...))
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.Execute()
	// As cmd/aiguard's run: one line unless the error is a bare exit code
	// (the command has already said what it had to).
	if ee, ok := err.(*cmdutil.ExitError); err != nil && err.Error() != "" && (!ok || ee.Err != nil) {
		fmt.Fprintln(&errOut, "aiguard:", err.Error())
	}
	return Result{Stdout: out.String(), Stderr: errOut.String(), Code: cmdutil.Code(err)}
}

// problemLine is how a command prints a problem of a spec it read.
var problemLine = regexp.MustCompile(`^\S+:[0-9]+:[0-9]+: \S`)

// ProblemLines fails unless stderr is want lines, each a problem of a spec
// as file:line:column: message.
func ProblemLines(t testing.TB, stderr string, want int) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	if len(lines) != want {
		t.Errorf("%d lines on stderr, want %d:\n%s", len(lines), want, stderr)
	}
	for _, l := range lines {
		if !IsProblemLine(l) {
			t.Errorf("stderr line %q is not file:line:column: message", l)
		}
	}
}

// IsProblemLine reports whether l is file:line:column: message.
func IsProblemLine(l string) bool { return problemLine.MatchString(l) }
