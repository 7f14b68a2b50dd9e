package cmdutil

import (
	"errors"
	"fmt"
	"time"

	"github.com/aiguard/aiguard/internal/inputfile"
	"github.com/aiguard/aiguard/orgspec"
	"github.com/aiguard/aiguard/rules"
)

// ReadConfig returns the spec named by --config: a file, standard input
// for -, or the built-in example when the flag is empty. A name that is
// not a regular file (a FIFO, a device) is refused rather than read for
// ever.
func ReadConfig(streams *IO, file string) (name string, data []byte, err error) {
	switch file {
	case "":
		return orgspec.ExampleName, orgspec.Example(), nil
	case inputfile.Stdin:
		name = "<stdin>"
	default:
		name = file
	}
	// One byte past the limit lets Parse report the file as too large.
	data, err = inputfile.ReadAll(file, streams.In, orgspec.MaxSize+1)
	var tl *inputfile.TooLargeError
	if errors.As(err, &tl) {
		return name, data, nil
	}
	if err != nil {
		return "", nil, Usagef("--config: %v", err)
	}
	return name, data, nil
}

// LoadSpec reads and parses the spec --config names (see ReadConfig), as
// every command that takes --config does: each problem is printed to
// stderr as file:line:column: message and the error then exits with
// ExitUsage. Warnings do not fail; the caller prints them (PrintWarnings)
// unless asked to be quiet. name is the spec's file name.
func LoadSpec(streams *IO, file string, reg *rules.Registry, now time.Time) (name string, spec *orgspec.Spec, err error) {
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
		return "", nil, &ExitError{Code: ExitUsage}
	}
	if err != nil {
		return "", nil, Usage(err)
	}
	return name, spec, nil
}

// PrintWarnings prints the spec's warnings to stderr, one a line as
// file:line:column: warning: message.
func PrintWarnings(streams *IO, spec *orgspec.Spec) {
	for _, w := range spec.Warnings() {
		fmt.Fprintf(streams.Err, "%s:%d:%d: warning: %s\n", w.File, w.Line, w.Column, w.Message)
	}
}
