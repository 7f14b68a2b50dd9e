// Package validate implements `aiguard validate`: the organization spec
// checked the way the generator reads it, every problem reported at once as
// file:line:column: message.
package validate

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/aiguard/aiguard/internal/cli/cmdutil"
	"github.com/aiguard/aiguard/orgspec"
	"github.com/aiguard/aiguard/packgen"
	"github.com/aiguard/aiguard/rules"
)

// Options are the inputs of `aiguard validate`.
type Options struct {
	IO       *cmdutil.IO
	Registry *rules.Registry
	// Now decides which exceptions have expired; tests fix it.
	Now func() time.Time

	ConfigFile string
}

// NewCmdValidate returns the validate command; runF replaces the logic in tests.
func NewCmdValidate(io *cmdutil.IO, reg *rules.Registry, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: io, Registry: reg, Now: time.Now}
	cmd := &cobra.Command{
		Use:   "validate [--config FILE]",
		Short: "Check an organization spec",
		Long: `Validate checks an organization spec as the generator reads it: YAML syntax,
unknown keys, value types, account IDs, ARNs, Regions, OU IDs, rule IDs and
rule parameters, duplicate teams and accounts claimed twice, and every limit
the generator enforces (rule InputParameters, policy and template sizes), by
generating in memory: a spec validate accepts, generate accepts. Every problem
is printed on its own line as file:line:column: message.

Without --config, the built-in example is checked. FILE may be - for standard
input. Exit status is 0 for a valid spec (warnings, such as an expired
exception, do not change it) and 2 for an invalid or unreadable one.`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runValidate(opts)
		},
	}
	cmd.Flags().StringVar(&opts.ConfigFile, "config", "", "organization spec (YAML); default: the built-in example")
	return cmd
}

func runValidate(opts *Options) error {
	now := time.Now()
	if opts.Now != nil {
		now = opts.Now()
	}
	name, spec, err := LoadSpec(opts.IO, opts.Registry, opts.ConfigFile, now)
	if err != nil {
		return err
	}
	// What only the generator checks (policy sizes, template limits) is
	// checked by generating, in memory, so that validate passes exactly the
	// specs generate accepts.
	if _, err := packgen.Generate(spec, packgen.Options{}); err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintf(opts.IO.Err, "%s: aiguard generate would refuse this spec: %s\n", name, line)
		}
		return &cmdutil.ExitError{Code: cmdutil.ExitUsage}
	}
	summary, err := summarize(spec)
	if err != nil {
		return cmdutil.Usage(err)
	}
	source := name
	if opts.ConfigFile == "" {
		source += " (built-in example)"
	}
	fmt.Fprintf(opts.IO.Out, "%s: OK: %s\n", source, summary)
	return nil
}

// summarize describes a valid spec in one line.
func summarize(spec *orgspec.Spec) (string, error) {
	enabled, total, exceptions := 0, 0, 0
	for _, t := range spec.Teams {
		set, err := spec.EffectiveRules(t)
		if err != nil {
			return "", fmt.Errorf("%s: %w", spec.File(), err)
		}
		for _, r := range set {
			total++
			if r.Enabled {
				enabled++
				exceptions += len(r.Exceptions)
			}
		}
	}
	s := fmt.Sprintf("%s, %s, %s, %s of %d team rules enabled (%s), %s",
		plural(len(spec.Teams), "team"),
		plural(len(spec.Accounts()), "account"),
		plural(len(spec.OrganizationalUnits()), "organizational unit"),
		fmt.Sprint(enabled), total,
		plural(len(spec.Registry().All()), "catalog rule"),
		plural(exceptions, "active exception"))
	if n := len(spec.Warnings()); n > 0 {
		s += ", " + plural(n, "warning")
	}
	return s, nil
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// ReadConfig returns the spec named by --config: a file, standard input
// for -, or the built-in example when the flag is empty. Other commands
// that take --config (generate) read it the same way.
func ReadConfig(streams *cmdutil.IO, file string) (name string, data []byte, err error) {
	var r io.Reader
	switch file {
	case "":
		return orgspec.ExampleName, orgspec.Example(), nil
	case "-":
		name, r = "<stdin>", streams.In
	default:
		f, err := os.Open(file)
		if err != nil {
			return "", nil, cmdutil.Usagef("--config: %v", err)
		}
		defer f.Close()
		name, r = file, f
	}
	// One byte past the limit lets Parse report the file as too large.
	data, err = io.ReadAll(io.LimitReader(r, orgspec.MaxSize+1))
	if err != nil {
		return "", nil, cmdutil.Usagef("read %s: %v", name, err)
	}
	return name, data, nil
}
