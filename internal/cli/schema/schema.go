// Package schema implements `aiguard schema`: the JSON Schema of the
// organization spec, for editors that validate and complete YAML.
package schema

import (
	"github.com/spf13/cobra"

	"github.com/aiguard/aiguard/internal/cli/cmdutil"
	"github.com/aiguard/aiguard/orgspec"
	"github.com/aiguard/aiguard/rules"
)

// Options are the inputs of `aiguard schema`.
type Options struct {
	IO       *cmdutil.IO
	Registry *rules.Registry
}

// NewCmdSchema returns the schema command; runF replaces the logic in tests.
func NewCmdSchema(io *cmdutil.IO, reg *rules.Registry, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: io, Registry: reg}
	cmd := &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of the organization spec",
		Long: `Schema prints the JSON Schema (draft 2020-12) of the organization spec, generated
from the definitions ` + "`aiguard validate`" + ` uses, with every rule ID and its parameters
from the catalog. Save it and point your editor at it, for example with a first
line "# yaml-language-server: $schema=aiguard-spec.schema.json" in the spec.
The schema checks each value; ` + "`aiguard validate`" + ` also checks values against each
other (duplicate teams, an account claimed twice, expired exceptions).`,
		Example: `  aiguard schema > aiguard-spec.schema.json`,
		Args:    cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runSchema(opts)
		},
	}
	return cmd
}

func runSchema(opts *Options) error {
	data, err := orgspec.Schema(opts.Registry)
	if err != nil {
		return err
	}
	_, err = opts.IO.Out.Write(data)
	return err
}
