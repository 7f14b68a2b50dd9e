package cmdutil

import (
	"errors"
	"fmt"
	"strings"
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

// LoadSpec reads and parses the spec --config names, for a command that
// judges with it (scan, simulate): an invalid spec is a usage error that
// lists its first problems.
func LoadSpec(streams *IO, file string, reg *rules.Registry, now time.Time) (*orgspec.Spec, error) {
	name, data, err := ReadConfig(streams, file)
	if err != nil {
		return nil, err
	}
	spec, err := orgspec.Options{Registry: reg, Now: now}.Parse(name, data)
	var errs orgspec.Errors
	if errors.As(err, &errs) {
		lines := make([]string, 0, 3)
		for i, e := range errs {
			if i == 3 {
				lines = append(lines, fmt.Sprintf("and %d more (aiguard validate --config %s lists them)", len(errs)-3, file))
				break
			}
			lines = append(lines, e.Error())
		}
		return nil, Usagef("--config: the organization spec is invalid: %s", strings.Join(lines, "; "))
	}
	if err != nil {
		return nil, Usagef("--config: %v", err)
	}
	return spec, nil
}
