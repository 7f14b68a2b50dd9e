// Package lint implements `aiguard lint`: the checks the generator applies
// to its own output, usable on anyone's conformance packs (`lint pack`) and
// IAM policies (`lint policy`).
package lint

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/aiguard/aiguard/conformance"
	"github.com/aiguard/aiguard/internal/cfnschema"
	"github.com/aiguard/aiguard/internal/cli/cmdutil"
	"github.com/aiguard/aiguard/internal/cli/version"
)

// maxInput bounds what is read from one file: well above the 300 KB a
// conformance pack template may have in S3, so that an oversized template
// still gets its size finding, but not unbounded.
const maxInput = 4 << 20

// NewCmdLint returns the `lint` command group.
func NewCmdLint(io *cmdutil.IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "lint",
		Short: "Check conformance packs and IAM policies the way aiguard checks its own output",
		Example: `  aiguard lint pack out/packs/*.yaml
  aiguard lint policy --type scp out/scps/*.json
  aiguard lint policy --type opt-out out/ai-opt-out.json`,
	}
	cmd.AddCommand(NewCmdPack(io, nil))
	cmd.AddCommand(NewCmdPolicy(io, nil))
	return cmd
}

// PackOptions are the inputs of `aiguard lint pack`.
type PackOptions struct {
	IO    *cmdutil.IO
	Files []string
	ReportFlags
	// Schema returns the CloudFormation schema validator; nil uses
	// cfnschema.Default.
	Schema func() (*cfnschema.Validator, error)
}

// NewCmdPack returns `lint pack`; runF replaces the logic in tests.
func NewCmdPack(io *cmdutil.IO, runF func(*PackOptions) error) *cobra.Command {
	opts := &PackOptions{IO: io, ReportFlags: ReportFlags{Version: version.String()}}
	cmd := &cobra.Command{
		Use:   "pack FILE...",
		Short: "Check conformance pack templates",
		Long: `Lint pack checks AWS Config conformance pack templates (YAML or JSON; FILE may
be - for standard input) the way aiguard checks the packs it generates:
only AWS::Config::ConfigRule and AWS::Config::RemediationConfiguration
resources; TemplateBody at most 51,200 bytes; at most 130 rules and 60
parameters; rule names, descriptions, InputParameters, sources, triggers,
scopes and Guard policies within AWS Config's limits; no intrinsic functions
where Config does not resolve them; defined and used parameters, conditions
and references (with a did-you-mean for a misspelt one); and every resource
against the CloudFormation resource schema.

A template that deploys a pack (an AWS::Config::ConformancePack or
AWS::Config::OrganizationConformancePack with its TemplateBody inline, as
aiguard's organization-packs/*.yaml are) is checked through the pack it
embeds, at the pack's lines in the file, and its
ConformancePackInputParameters against the pack's parameters.

` + reportHelp,
		Example: `  # Check a pack before deploying it
  aiguard lint pack out/packs/aiguard-baseline.yaml

  # Every generated pack, organization packs included, as SARIF for code scanning
  aiguard lint pack --format sarif -o lint.sarif out/packs/*.yaml out/organization-packs/*.yaml

  # Fail on warnings too
  aiguard lint pack --fail-on warning pack.yaml`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cmdutil.Usagef("lint pack: give at least one template FILE (or - for standard input)")
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error {
			opts.Files = args
			if runF != nil {
				return runF(opts)
			}
			return runPack(opts)
		},
	}
	addReportFlags(cmd, &opts.ReportFlags)
	return cmd
}

func runPack(opts *PackOptions) error {
	if err := opts.CheckFormat(); err != nil {
		return err
	}
	schema := opts.Schema
	if schema == nil {
		schema = cfnschema.Default
	}
	v, err := schema()
	if err != nil {
		return fmt.Errorf("load the CloudFormation schema: %w", err)
	}
	linter := &conformance.Linter{Schema: v}
	return lintFiles(opts.IO, &opts.ReportFlags, opts.Files, packInput, linter.Lint)
}

var packInput = input{command: "lint pack", what: "template", max: maxInput,
	tooBig: "a conformance pack template is at most 300 KB", codes: conformance.Codes}
