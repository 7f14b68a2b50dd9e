// Command aiguard is the command-line interface: the rule catalog, offline
// evaluation, and (as they land) generation, validation, linting and scans.
package main

import (
	"fmt"
	"os"

	"github.com/aiguard/aiguard/internal/cli/cmdutil"
	"github.com/aiguard/aiguard/internal/cli/root"
)

func main() { os.Exit(run(os.Args[1:])) }

func run(args []string) int {
	streams := cmdutil.System()
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

func isSilent(err error) bool {
	ee, ok := err.(*cmdutil.ExitError)
	return ok && ee.Err == nil
}
