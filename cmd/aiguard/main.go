// Command aiguard is the command-line interface: detect (rules, evaluate,
// scan), prevent and deploy (validate, generate, lint, simulate) and hunt
// (detections, hunt). The commands live in internal/cli.
package main

import (
	"fmt"
	"os"

	"github.com/aiguard/aiguard/internal/cli/cmdutil"
	"github.com/aiguard/aiguard/internal/cli/root"
)

func main() { os.Exit(run(os.Args[1:], cmdutil.System())) }

// run executes one command line and returns the process exit code; errors
// are printed on one line to the error stream.
func run(args []string, streams *cmdutil.IO) int {
	cmd := root.NewCmdRoot(streams)
	cmd.SetArgs(args)
	if err := cmd.Execute(); err != nil {
		if msg := err.Error(); msg != "" && !isSilent(err) {
			fmt.Fprintln(streams.Err, "aiguard:", msg)
		}
		return cmdutil.Code(err)
	}
	return cmdutil.ExitOK
}

// isSilent reports whether err is a bare exit code with nothing to print
// (the command has already said what it had to).
func isSilent(err error) bool {
	ee, ok := err.(*cmdutil.ExitError)
	return ok && ee.Err == nil
}
