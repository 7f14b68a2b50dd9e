package validate

import (
	"errors"
	"fmt"
	"time"

	"github.com/aiguard/aiguard/internal/cli/cmdutil"
	"github.com/aiguard/aiguard/orgspec"
	"github.com/aiguard/aiguard/rules"
)

// LoadSpec reads and parses the spec named by --config (see ReadConfig),
// as every command that takes --config does: each problem is printed to
// stderr as file:line:column: message and the error then exits with
// ExitUsage; warnings are printed and do not fail. name is the spec's
// file name.
func LoadSpec(streams *cmdutil.IO, reg *rules.Registry, file string, now time.Time) (name string, spec *orgspec.Spec, err error) {
	name, data, err := ReadConfig(streams, file)
	if err != nil {
		return "", nil, err
	}
	spec, err = orgspec.Options{Registry: reg, Now: now}.Parse(name, data)
	var errs orgspec.Errors
	if errors.As(err, &errs) {
		for _, e := range errs {
			fmt.Fprintln(streams.Err, e)
		}
		return "", nil, &cmdutil.ExitError{Code: cmdutil.ExitUsage}
	}
	if err != nil {
		return "", nil, cmdutil.Usage(err)
	}
	for _, w := range spec.Warnings() {
		fmt.Fprintf(streams.Err, "%s:%d:%d: warning: %s\n", w.File, w.Line, w.Column, w.Message)
	}
	return name, spec, nil
}
