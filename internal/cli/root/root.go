// Package root assembles the aiguard command tree.
package root

import (
	"github.com/spf13/cobra"

	"github.com/aiguard/aiguard/detections"
	"github.com/aiguard/aiguard/internal/cli/cmdutil"
	detectionscmd "github.com/aiguard/aiguard/internal/cli/detections"
	"github.com/aiguard/aiguard/internal/cli/evaluate"
	"github.com/aiguard/aiguard/internal/cli/generate"
	"github.com/aiguard/aiguard/internal/cli/hunt"
	"github.com/aiguard/aiguard/internal/cli/lint"
	rulescmd "github.com/aiguard/aiguard/internal/cli/rules"
	"github.com/aiguard/aiguard/internal/cli/scan"
	"github.com/aiguard/aiguard/internal/cli/schema"
	"github.com/aiguard/aiguard/internal/cli/simulate"
	"github.com/aiguard/aiguard/internal/cli/validate"
	"github.com/aiguard/aiguard/internal/cli/version"
	"github.com/aiguard/aiguard/rules"
)

// NewCmdRoot returns the aiguard command with every subcommand.
func NewCmdRoot(io *cmdutil.IO) *cobra.Command {
	reg := rules.Catalog()
	cmd := &cobra.Command{
		Use:   "aiguard",
		Short: "Keep an AWS organization's AI/ML estate inside its security baseline",
		Long: `aiguard keeps an AWS organization's AI/ML estate secure from one organization spec:
it detects (AWS Config custom rules, offline with evaluate and scan), prevents (SCPs,
permission boundaries, execution roles), deploys (conformance packs, the rule Lambda,
member roles: generate) and hunts (CloudTrail detections: hunt).`,
		Example: `  aiguard rules list --service sagemaker
  aiguard scan --format sarif --output aiguard.sarif templates/
  aiguard generate --config org.yaml --out out/`,
		Version:       version.String(),
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	cmd.SetVersionTemplate("aiguard {{.Version}}\n")
	cmd.SetOut(io.Out)
	cmd.SetErr(io.Err)
	cmd.SetIn(io.In)
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return cmdutil.Usage(err) })
	cmd.AddCommand(
		version.NewCmdVersion(io),
		rulescmd.NewCmdRules(io, reg),
		evaluate.NewCmdEvaluate(io, reg, nil),
		generate.NewCmdGenerate(io, reg, nil),
		validate.NewCmdValidate(io, reg, nil),
		schema.NewCmdSchema(io, reg, nil),
		lint.NewCmdLint(io),
		scan.NewCmdScan(io, reg, nil),
		simulate.NewCmdSimulate(io, reg, nil),
		detectionscmd.NewCmdDetections(io, detections.Catalog()),
		hunt.NewCmdHunt(io, detections.Catalog(), nil),
	)
	return cmd
}
