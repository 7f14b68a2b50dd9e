// Package validate implements `aiguard validate`: the organization spec
// checked the way the generator reads it, every problem reported at once as
// file:line:column: message.
package validate

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/aiguard/aiguard/deploy"
	"github.com/aiguard/aiguard/internal/cli/cmdutil"
	"github.com/aiguard/aiguard/internal/english"
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
	cmdutil.OutputFlags
}

var formats = []string{cmdutil.FormatTable, cmdutil.FormatJSON}

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
input.

--format table (default) prints the problems on standard error and a
summary of a valid spec on standard output; json prints one object with
the keys file, valid, problems (each with file, line, column, severity and
message; warnings included) and summary (teams, accounts,
organizationalUnits, enabledTeamRules, teamRules, catalogRules,
activeExceptions, warnings; absent for an invalid spec).

Exit status is 0 for a valid spec (warnings, such as an expired exception,
do not change it) and 2 for an invalid or unreadable one.`,
		Example: `  # Check the spec before generating from it
  aiguard validate --config org.yaml

  # In a pipeline, as JSON for a script
  aiguard validate --config org.yaml --format json | jq '.problems[] | select(.severity == "error")'`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runValidate(opts)
		},
	}
	cmd.Flags().StringVar(&opts.ConfigFile, "config", "", "organization spec (YAML); default: the built-in example")
	cmdutil.AddOutputFlags(cmd, &opts.OutputFlags, cmdutil.FormatTable, formats...)
	return cmd
}

// report is the --format json output.
type report struct {
	File     string    `json:"file"`
	Valid    bool      `json:"valid"`
	Problems []problem `json:"problems"`
	Summary  *summary  `json:"summary,omitempty"`
}

type problem struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
}

func problems(errs orgspec.Errors, severity string) []problem {
	out := make([]problem, len(errs))
	for i, e := range errs {
		out[i] = problem{File: e.File, Line: e.Line, Column: e.Column, Severity: severity, Message: e.Message}
	}
	return out
}

func runValidate(opts *Options) error {
	if err := opts.CheckFormat(formats...); err != nil {
		return err
	}
	name, data, err := cmdutil.ReadConfig(opts.IO, opts.ConfigFile)
	if err != nil {
		return err
	}
	now := time.Now()
	if opts.Now != nil {
		now = opts.Now()
	}
	rep := report{File: name, Problems: []problem{}}
	spec, err := orgspec.Options{Registry: opts.Registry, Now: now}.Parse(name, data)
	var errs orgspec.Errors
	switch {
	case errors.As(err, &errs):
		rep.Problems = problems(errs, "error")
	case err != nil:
		return cmdutil.Usage(err)
	default:
		rep.Problems = problems(spec.Warnings(), "warning")
		// What only the generator checks (policy sizes, template limits,
		// the attacker's matrix) is checked by generating, in memory, so
		// that validate passes exactly the specs generate accepts.
		if _, err := deploy.Generate(spec, deploy.Options{}); err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				rep.Problems = append(rep.Problems, problem{File: name, Severity: "error",
					Message: "aiguard generate would refuse this spec: " + line})
			}
			break
		}
		rep.Valid = true
		if rep.Summary, err = summarize(spec); err != nil {
			return cmdutil.Usage(err)
		}
	}
	if opts.Format == cmdutil.FormatJSON {
		if err := opts.WriteReport(opts.IO, func(out *cmdutil.Output) error { return cmdutil.WriteJSON(out, rep) }); err != nil {
			return err
		}
	} else if err := writeText(opts, rep, opts.ConfigFile == ""); err != nil {
		return err
	}
	if !rep.Valid {
		return &cmdutil.ExitError{Code: cmdutil.ExitUsage}
	}
	return nil
}

// writeText prints the problems on standard error, one a line as
// file:line:column: message (warnings not with --quiet), and a valid
// spec's summary as the report.
func writeText(opts *Options, rep report, builtIn bool) error {
	for _, p := range rep.Problems {
		if p.Severity == "warning" {
			if !opts.Quiet {
				fmt.Fprintf(opts.IO.Err, "%s:%d:%d: warning: %s\n", p.File, p.Line, p.Column, p.Message)
			}
			continue
		}
		if p.Line == 0 { // a problem of the spec as a whole
			fmt.Fprintf(opts.IO.Err, "%s: %s\n", p.File, p.Message)
			continue
		}
		fmt.Fprintf(opts.IO.Err, "%s:%d:%d: %s\n", p.File, p.Line, p.Column, p.Message)
	}
	if !rep.Valid {
		return nil
	}
	source := rep.File
	if builtIn {
		source += " (built-in example)"
	}
	return opts.WriteReport(opts.IO, func(out *cmdutil.Output) error {
		_, err := fmt.Fprintf(out, "%s: OK: %s\n", source, rep.Summary)
		return err
	})
}

// summary counts what a valid spec holds.
type summary struct {
	Teams               int `json:"teams"`
	Accounts            int `json:"accounts"`
	OrganizationalUnits int `json:"organizationalUnits"`
	EnabledTeamRules    int `json:"enabledTeamRules"`
	TeamRules           int `json:"teamRules"`
	CatalogRules        int `json:"catalogRules"`
	ActiveExceptions    int `json:"activeExceptions"`
	Warnings            int `json:"warnings"`
}

// summarize counts what a valid spec holds.
func summarize(spec *orgspec.Spec) (*summary, error) {
	s := &summary{Teams: len(spec.Teams), Accounts: len(spec.Accounts()),
		OrganizationalUnits: len(spec.OrganizationalUnits()), CatalogRules: len(spec.Registry().All()),
		Warnings: len(spec.Warnings())}
	for _, t := range spec.Teams {
		set, err := spec.EffectiveRules(t)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", spec.File(), err)
		}
		for _, r := range set {
			s.TeamRules++
			if r.Enabled {
				s.EnabledTeamRules++
				s.ActiveExceptions += len(r.Exceptions)
			}
		}
	}
	return s, nil
}

// String describes the spec in one line.
func (s *summary) String() string {
	line := fmt.Sprintf("%s, %s, %s, %d of %d team rules enabled (%s), %s",
		english.Count(s.Teams, "team"), english.Count(s.Accounts, "account"),
		english.Count(s.OrganizationalUnits, "organizational unit"),
		s.EnabledTeamRules, s.TeamRules,
		english.Count(s.CatalogRules, "catalog rule"), english.Count(s.ActiveExceptions, "active exception"))
	if s.Warnings > 0 {
		line += ", " + english.Count(s.Warnings, "warning")
	}
	return line
}
