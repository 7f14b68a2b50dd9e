// Package generate implements `aiguard generate`: one organization spec in,
// conformance packs, organization packs, the rule Lambda's stack, the
// member role's StackSet template and DIR/manifest.json out.
package generate

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/aiguard/aiguard/deploy"
	"github.com/aiguard/aiguard/internal/cli/cmdutil"
	"github.com/aiguard/aiguard/internal/english"
	"github.com/aiguard/aiguard/packgen"
	"github.com/aiguard/aiguard/policygen"
	"github.com/aiguard/aiguard/rules"
)

// Options are the inputs of `aiguard generate`.
type Options struct {
	IO       *cmdutil.IO
	Registry *rules.Registry
	// Now decides which exceptions have expired; tests fix it.
	Now func() time.Time

	ConfigFile string
	OutDir     string

	// producers replaces deploy's default producers in tests.
	producers []deploy.Producer
	// Quiet leaves out the warnings (the manifest has them all).
	Quiet bool
}

// NewCmdGenerate returns the generate command; runF replaces the logic in
// tests.
func NewCmdGenerate(io *cmdutil.IO, reg *rules.Registry, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: io, Registry: reg, Now: time.Now}
	cmd := &cobra.Command{
		Use:   "generate [--config FILE] --out DIR",
		Short: "Generate conformance packs, deployment templates and preventive policies from an organization spec",
		Long: `Generate reads an organization spec and writes, under DIR:

  packs/<pack>.yaml               a conformance pack per team, and the organization
                                  baseline (the rules every team runs alike)
  organization-packs/<pack>.yaml  each pack as an organization conformance pack, for
                                  the delegated administrator, where Config can target it
  deploy/rule-lambda.yaml         the rule Lambda's stack for the security tooling account
  deploy/member-role.yaml         the role the Lambda assumes, for a StackSet
  policies/<team>/                the team's SCPs, permission boundary and SageMaker
                                  execution roles, as JSON and CloudFormation, and
                                  tests.json, the attacker's matrix the policies
                                  were checked on (aiguard simulate --check)
  policies/organization/          the AI services opt-out policy and the SCPs
                                  attached at the root (break-glass, aiguard and
                                  detection protection)
  deploy/securityhub-automation-rules.yaml
                                  Security Hub automation rules for the delegated
                                  administrator (catalog severity, rule, team, remediation)
  deploy/cfn-hook-functions.yaml, deploy/cfn-hook/<team>.yaml
                                  the CloudFormation Lambda hook: per-team functions in
                                  the tooling account, registrations for the team accounts
  cfct/                           the same for Customizations for Control Tower
  lza/                            fragments for the Landing Zone Accelerator
  terraform/                      a Terraform module over the same files
  manifest.json                   every file with its kind, target and size, the
                                  packs, the matrix size and each SCP target's
                                  budget, and notes on what needs a manual step

Every template is checked against AWS Config's limits and the CloudFormation
resource schema before anything is written; a pack too large for one
conformance pack is split into numbered parts. The output is the same, byte
for byte, for the same spec.

Without --config, the built-in example is used. FILE may be - for standard
input. DIR must be new, empty, or a previous output of aiguard generate: then
the files its manifest lists are replaced or removed, and nothing else is
touched. Exit status is 0 on success, 1 when the generated policies fail the
attacker's matrix (a request of policies/<team>/tests.json decided otherwise
than its control claims; the error names it, and nothing is written), and 2
for an invalid spec (each problem as file:line:column: message), limits that
cannot be met, or a DIR that holds other files. --quiet leaves the warnings out
(the manifest lists them).`,
		Example: `  # Everything for the organization, from its spec
  aiguard validate --config org.yaml && aiguard generate --config org.yaml --out out/

  # Then check what was written, as a pipeline would
  aiguard lint pack out/packs/*.yaml out/organization-packs/*.yaml`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if opts.OutDir == "" {
				return cmdutil.Usagef("generate: --out DIR is required")
			}
			if runF != nil {
				return runF(opts)
			}
			return runGenerate(opts)
		},
	}
	cmd.Flags().StringVar(&opts.ConfigFile, "config", "", "organization spec (YAML); default: the built-in example")
	cmd.Flags().StringVar(&opts.OutDir, "out", "", "output directory (required)")
	cmd.Flags().BoolVarP(&opts.Quiet, "quiet", "q", false, "print only the summary and errors: no warnings")
	return cmd
}

// maxWarnings bounds the warnings printed; the manifest has them all.
const maxWarnings = 10

func runGenerate(opts *Options) error {
	now := time.Now()
	if opts.Now != nil {
		now = opts.Now()
	}
	name, spec, err := cmdutil.LoadSpec(opts.IO, opts.ConfigFile, opts.Registry, now)
	if err != nil {
		return err
	}
	if !opts.Quiet {
		cmdutil.PrintWarnings(opts.IO, spec)
	}
	out, err := deploy.Generate(spec, deploy.Options{Producers: opts.producers})
	var matrix *policygen.MatrixError
	if errors.As(err, &matrix) {
		// The policies would not do what they claim: nothing is written.
		return &cmdutil.ExitError{Code: cmdutil.ExitFindings, Err: fmt.Errorf("generate: %w", err)}
	}
	if err != nil {
		return cmdutil.Usagef("generate: %v", err)
	}
	if err := deploy.WriteDir(opts.OutDir, out); err != nil {
		return cmdutil.Usagef("generate: %v", err)
	}
	warnings := 0
	for _, n := range out.Notes {
		if n.Level != packgen.Warning {
			continue
		}
		if warnings++; warnings <= maxWarnings && !opts.Quiet {
			fmt.Fprintf(opts.IO.Err, "warning: %s: %s\n", n.Subject, n.Message)
		}
	}
	if warnings > maxWarnings && !opts.Quiet {
		fmt.Fprintf(opts.IO.Err, "warning: %d more in %s\n", warnings-maxWarnings, deploy.ManifestName)
	}
	source := name
	if opts.ConfigFile == "" {
		source += " (built-in example)"
	}
	fmt.Fprintf(opts.IO.Out, "%s: wrote %s to %s: %s", source, deploy.ManifestName, opts.OutDir, out.Summary())
	if warnings > 0 {
		fmt.Fprintf(opts.IO.Out, "; %s in the manifest", english.Count(warnings, "warning"))
	}
	fmt.Fprintln(opts.IO.Out)
	return nil
}
