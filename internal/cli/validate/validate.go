// Package validate implements `aiguard validate`: the organization spec
// checked the way the generator reads it, every problem reported at once as
// file:line:column: message.
package validate

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/aiguard/aiguard/internal/cli/cmdutil"
	"github.com/aiguard/aiguard/orgspec"
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
rule parameters, duplicate teams and accounts claimed twice. Every problem is
printed on its own line as file:line:column: message.

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
	name, data, err := cmdutil.ReadConfig(opts.IO, opts.ConfigFile)
	if err != nil {
		return err
	}
	now := time.Now()
	if opts.Now != nil {
		now = opts.Now()
	}
	spec, err := orgspec.Options{Registry: opts.Registry, Now: now}.Parse(name, data)
	var errs orgspec.Errors
	if errors.As(err, &errs) {
		for _, e := range errs {
			fmt.Fprintln(opts.IO.Err, e)
		}
		return &cmdutil.ExitError{Code: cmdutil.ExitUsage}
	}
	if err != nil {
		return cmdutil.Usage(err)
	}
	for _, w := range spec.Warnings() {
		fmt.Fprintf(opts.IO.Err, "%s:%d:%d: warning: %s\n", w.File, w.Line, w.Column, w.Message)
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
