// Package scan implements `aiguard scan`: the rule catalog over a whole
// estate offline (Config snapshots and exports, NDJSON, CloudFormation
// templates, Terraform plans), with reports for people, pipelines (SARIF,
// JUnit, JSON) and Security Hub.
package scan

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/aiguard/aiguard/awsid"
	"github.com/aiguard/aiguard/configevent"
	"github.com/aiguard/aiguard/internal/cli/cmdutil"
	"github.com/aiguard/aiguard/internal/cli/version"
	"github.com/aiguard/aiguard/orgspec"
	"github.com/aiguard/aiguard/rules"
	"github.com/aiguard/aiguard/scan"
)

// progressThreshold is the input size (on disk) from which a terminal gets a
// progress bar: smaller inputs are scanned in a second or two.
const progressThreshold = 16 << 20

// maxStderrProblems bounds the skipped items reported one per line.
const maxStderrProblems = 100

// tableListed bounds the findings the table lists per rule: a person reads
// a few of each, and a pipeline that wants them all asks for json, sarif
// or junit. Listing a whole organization's findings (tens of thousands of
// rows, tens of megabytes) took a third of a large scan's time.
const tableListed = 25

// Options are the inputs of `aiguard scan`.
type Options struct {
	IO       *cmdutil.IO
	Registry *rules.Registry
	cmdutil.OutputFlags

	Inputs     []string
	FailOn     string
	AllowEmpty bool
	RuleIDs    []string
	SkipRules  []string
	Params     string
	Config     string
	Team       string
	Parameters []string
	AccountID  string
	Region     string

	// Now is the scan's clock (template resources' timestamps, expiry of
	// exceptions and suppressions); tests fix it.
	Now func() time.Time
	// IsTerminal reports whether a stream is a terminal.
	IsTerminal func(io.Writer) bool
	// Getenv reads the environment (NO_COLOR); tests replace it.
	Getenv func(string) string
	// Version is aiguard's version, for the SARIF driver.
	Version string
	// WorkDir is the directory SARIF artifact URIs are relative to; ""
	// means the working directory.
	WorkDir string
}

var formats = []string{cmdutil.FormatTable, cmdutil.FormatJSON, cmdutil.FormatSARIF, cmdutil.FormatJUnit,
	cmdutil.FormatASFF, cmdutil.FormatMarkdown, cmdutil.FormatHTML}

// NewCmdScan returns the scan command; runF replaces the logic in tests.
func NewCmdScan(io *cmdutil.IO, reg *rules.Registry, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: io, Registry: reg, Version: version.String()}
	cmd := &cobra.Command{
		Use:   "scan INPUT...",
		Short: "Evaluate the rules over Config snapshots, exports, CloudFormation templates and Terraform plans offline",
		Long: `Scan runs every rule over a whole estate offline. Each INPUT is a file, a
directory (every file under it), or - for standard input; gzip is detected
and read anywhere. Inputs are recognised by their content:

  - AWS Config snapshot and history files (configurationItems), and
    get-resource-config-history output;
  - aws configservice batch-get-resource-config (baseConfigurationItems) and
    select-resource-config (Results) output, and their aggregate variants;
  - NDJSON with one configuration item per line, a JSON array of items, or a
    single (pretty-printed) item;
  - CloudFormation templates (JSON or YAML), checked before deployment;
  - Terraform plans as ` + "`terraform show -json PLAN`" + ` prints them.

Templates and plans: intrinsic functions whose value is known are
computed (pseudo parameters, parameter defaults and --parameter values,
Fn::FindInMap, Fn::Select, Fn::If on a known condition, Fn::Sub, Fn::Join);
a resource whose properties depend on unknown conditions is judged under
each. A failure is reported whenever the failing facts are literal; one
that depends on a value known only after deployment (or after apply) is
NOT_APPLICABLE with the reason, and a pass that depends on one says so.
S3 buckets and KMS keys that AI resources use are judged as ML data.

Suppressions: a template resource's Metadata.aiguard.skip lists
{rule, reason, expires}; --skip-rule suppresses a rule everywhere; the
exemptResourceIds parameter (--params, or the spec's exceptions with
--config) exempts resources as the deployed rules do. Suppressed findings
are reported as suppressed and do not fail the scan.

--config SPEC judges each configuration item with the rules, parameters
and exceptions of the team that owns its account, and templates and plans
with those of --team (or of the team owning --account-id), as the packs
deployed from the spec would.

--format table (default) prints compliance per rule and the findings
(at most 25 per rule, and 25 suppressed; json, sarif, junit and asff list
every one);
json prints every evaluation with the keys of aiguard evaluate plus
severity, accountId, awsRegion, file, line and column; sarif prints a
SARIF 2.1.0 log for GitHub code scanning; junit prints JUnit XML (a test
case per rule and resource); asff prints Security Hub findings, one
BatchImportFindings request body per line; markdown and html print a
report for people.

Exit status: 0 when nothing fails; 1 when a finding that is not suppressed
is at or above --fail-on (default low; none never fails); 2 for usage
errors, inputs that cannot be opened or recognised, and a scan that
evaluated nothing (no item of a type the rules cover) unless
--allow-empty; 3 when items were skipped as unreadable (each reported on
stderr with its position) and nothing reached --fail-on.`,
		Example: `  # A pipeline step: fail on findings of medium severity or worse, upload SARIF
  aiguard scan --format sarif --output aiguard.sarif --fail-on medium templates/

  # Judge templates as the team's deployed packs will
  aiguard scan --config org.yaml --team forecasting stack.yaml

  # A Terraform plan
  terraform show -json plan.out > plan.json && aiguard scan plan.json

  # Last night's Config snapshot of the organization, as JUnit for the CI's test view
  aiguard scan --config org.yaml --format junit -o results.xml snapshots/`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			opts.Inputs = args
			if runF != nil {
				return runF(opts)
			}
			return runScan(opts)
		},
	}
	cmdutil.AddOutputFlags(cmd, &opts.OutputFlags, cmdutil.FormatTable, formats...)
	f := cmd.Flags()
	f.StringVar(&opts.FailOn, "fail-on", "low", "exit 1 when a finding that is not suppressed has this severity or higher: informational, low, medium, high, critical or none")
	f.BoolVar(&opts.AllowEmpty, "allow-empty", false, "exit 0 when no input item is of a type the rules cover (default: exit 2)")
	f.StringArrayVar(&opts.RuleIDs, "rule", nil, "rule ID to run (repeatable; default: every rule)")
	f.StringArrayVar(&opts.SkipRules, "skip-rule", nil, "rule ID whose findings are reported as suppressed (repeatable)")
	f.StringVar(&opts.Params, "params", "", `rule parameters as a JSON object, e.g. '{"mlTagKey":"ml"}'; each rule takes those it declares`)
	f.StringVar(&opts.Config, "config", "", "organization spec: judge each item with its team's rules, parameters and exceptions")
	f.StringVar(&opts.Team, "team", "", "with --config, the team whose rules judge templates and plans")
	f.StringArrayVar(&opts.Parameters, "parameter", nil, "template parameter value, Key=Value (repeatable); overrides the parameter's Default")
	f.StringVar(&opts.AccountID, "account-id", "", "account ID for resources that carry none (templates, plans); required by --format asff for them")
	f.StringVar(&opts.Region, "region", "", "Region for resources that carry none (templates, plans); required by --format asff for them")
	return cmd
}

func runScan(opts *Options) error {
	if err := opts.CheckFormat(); err != nil {
		return err
	}
	failOn, err := cmdutil.ParseFailOn(opts.FailOn, cmdutil.RuleSeverities)
	if err != nil {
		return err
	}
	if opts.AccountID != "" && !awsid.IsAccountID(opts.AccountID) {
		return cmdutil.Usagef("--account-id: got %q, want 12 digits", opts.AccountID)
	}
	if opts.Region != "" && awsid.PartitionOfRegion(opts.Region) == "" {
		return cmdutil.Usagef("--region: got %q, want a Region name such as us-east-1", opts.Region)
	}
	selected, err := cmdutil.SelectRules(opts.Registry, opts.RuleIDs)
	if err != nil {
		return err
	}
	sort.Slice(selected, func(i, j int) bool { return selected[i].ID < selected[j].ID })
	if _, err := cmdutil.SelectRules(opts.Registry, opts.SkipRules); err != nil {
		return cmdutil.Usagef("--skip-rule: %v", err)
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	start := now()
	var params map[string]string
	if opts.Params != "" {
		if opts.Config != "" {
			return cmdutil.Usagef("--params and --config: give one; the spec sets the parameters of each team")
		}
		if params, err = configevent.ParseParams(json.RawMessage(opts.Params)); err != nil {
			return cmdutil.Usagef("--params: %v", err)
		}
		list := selected
		if list == nil {
			list = opts.Registry.All()
		}
		if err := cmdutil.CheckParamsDeclared(params, list, "in this scan"); err != nil {
			return err
		}
	}
	var spec *orgspec.Spec
	if opts.Config != "" {
		if _, spec, err = cmdutil.LoadSpec(opts.IO, opts.Config, opts.Registry, start); err != nil {
			return err
		}
	} else if opts.Team != "" {
		return cmdutil.Usagef("--team needs --config: the team's rules come from the organization spec")
	}
	tplParams, err := parseParameters(opts.Parameters)
	if err != nil {
		return err
	}

	inputs, err := scan.Expand(opts.Inputs)
	if err != nil {
		return cmdutil.Usage(err)
	}
	if len(inputs) == 0 {
		return cmdutil.Usagef("no input files found in %s", strings.Join(opts.Inputs, ", "))
	}
	srcs, notes, err := scan.Prepare(inputs, opts.IO.In)
	if err != nil {
		return cmdutil.Usage(err)
	}
	if opts.Format == cmdutil.FormatASFF && (opts.AccountID == "" || opts.Region == "") {
		for _, s := range srcs {
			if s.Kind == scan.KindTemplate || s.Kind == scan.KindPlan {
				return cmdutil.Usagef("%s: a template or plan carries no account or Region, which ASFF findings need; "+
					"pass --account-id and --region", s.Name)
			}
		}
	}

	isTerm := opts.IsTerminal
	if isTerm == nil {
		isTerm = cmdutil.IsTerminal
	}
	stderr := cmdutil.NewStatusLine(opts.IO.Err)
	var counters *scan.Counters
	var total int64
	for _, s := range srcs {
		if s.Size > 0 {
			total += s.Size
		}
	}
	if !opts.Quiet && wantProgress(isTerm(opts.IO.Err), total) {
		counters = &scan.Counters{}
		stop := stderr.Start(progress(counters, total))
		defer stop()
	}

	paths := make([]string, len(inputs))
	for i, in := range inputs {
		paths[i] = in.Path
	}
	out, err := opts.OpenOutput(opts.IO, paths...)
	if err != nil {
		return err
	}
	failed := true
	defer func() { out.Close(failed) }()

	scanOpts := scan.Options{
		Registry:       opts.Registry,
		Rules:          selected,
		Params:         params,
		Spec:           spec,
		Team:           opts.Team,
		SkipRules:      opts.SkipRules,
		TemplateParams: tplParams,
		AccountID:      opts.AccountID,
		Region:         opts.Region,
		Now:            start,
		Progress:       counters,
	}
	if opts.Format == cmdutil.FormatTable {
		scanOpts.MaxListed = tableListed
	}
	ruleList := scanRules(opts.Registry, selected)
	var sink scan.Sink = discard{}
	var closer func(*scan.Summary) error
	switch opts.Format {
	case cmdutil.FormatJSON:
		jw := scan.NewJSONWriter(out, opts.Registry)
		sink, closer = jw, func(*scan.Summary) error { return jw.Close() }
	case cmdutil.FormatASFF:
		aw := scan.NewASFFWriter(out, opts.Registry, start)
		sink, closer = aw, func(*scan.Summary) error { return aw.Close() }
	case cmdutil.FormatSARIF:
		base := opts.WorkDir
		if base == "" {
			base, _ = os.Getwd()
		}
		sw, err := scan.NewSARIFWriter(out, ruleList, base, opts.Version)
		if err != nil {
			return err
		}
		sink, closer = sw, sw.Close
	case cmdutil.FormatJUnit:
		jw := scan.NewJUnitWriter(out, ruleList)
		sink, closer = jw, func(*scan.Summary) error { return jw.Close() }
	}
	reporter := &problemSink{Sink: sink, log: stderr}
	var sinkToUse scan.Sink = reporter
	if p, ok := sink.(scan.Preparer); ok {
		sinkToUse = preparingSink{problemSink: reporter, p: p}
	}
	sum, err := scan.Run(context.Background(), srcs, scanOpts, sinkToUse)
	if err != nil {
		// Invalid parameters, or an output that cannot be written (ASFF
		// for a resource without an account).
		return cmdutil.Usage(err)
	}
	sum.Notes = append(notes, sum.Notes...)
	if closer != nil {
		if err := closer(sum); err != nil {
			return cmdutil.Usagef("write output: %v", err)
		}
	}
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	palette := cmdutil.Palette{}
	if out.Terminal() && isTerm(opts.IO.Out) {
		palette = cmdutil.NewPalette(opts.IO.Out, getenv)
	}
	switch opts.Format {
	case cmdutil.FormatTable:
		err = writeTable(out, sum, palette, opts.Quiet)
	case cmdutil.FormatMarkdown:
		err = scan.WriteMarkdown(out, sum)
	case cmdutil.FormatHTML:
		err = scan.WriteHTML(out, sum)
	default:
		// Machine formats keep the report clean; what a person should
		// know goes to stderr.
		if !opts.Quiet {
			for _, n := range sum.Notes {
				stderr.Printf("aiguard: note: %s\n", n)
			}
		}
	}
	if err != nil {
		return cmdutil.Usagef("write output: %v", err)
	}
	failed = false
	if err := out.Close(false); err != nil {
		return cmdutil.Usagef("write output: %v", err)
	}
	if hidden := sum.Skipped - reporter.reported; hidden > 0 {
		stderr.Printf("aiguard: ... and %d more skipped items\n", hidden)
	}
	return exitStatus(sum, failOn, opts.AllowEmpty)
}

// scanRules are the change-triggered rules of the scan, in ID order: the
// rules of a SARIF log and of JUnit suites.
func scanRules(reg *rules.Registry, selected []*rules.Rule) []*rules.Rule {
	var out []*rules.Rule
	for _, r := range reg.All() {
		if r.Check != nil && (selected == nil || slices.Contains(selected, r)) {
			out = append(out, r)
		}
	}
	return out
}

// parseParameters reads --parameter Key=Value.
func parseParameters(list []string) (map[string]string, error) {
	if len(list) == 0 {
		return nil, nil
	}
	out := map[string]string{}
	for _, kv := range list {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, cmdutil.Usagef("--parameter: got %q, want Key=Value", kv)
		}
		out[strings.TrimSpace(k)] = v
	}
	return out, nil
}

// exitStatus turns the summary into the command's exit code.
func exitStatus(sum *scan.Summary, failOn cmdutil.Threshold, allowEmpty bool) error {
	if sum.Evaluated == 0 && sum.Skipped == 0 && !allowEmpty {
		return cmdutil.Usagef("the scan evaluated nothing: no input item is of a type the rules of the scan cover " +
			"(pass --allow-empty when that is expected)")
	}
	n := sum.NonCompliantAt(func(s rules.Severity) bool { return failOn.Trips(string(s)) })
	return cmdutil.Outcome(cmdutil.Count{N: n, One: "non-compliant finding", Many: "non-compliant findings"}, failOn,
		cmdutil.Count{N: sum.Skipped, One: "item", Many: "items"})
}

// wantProgress decides whether to draw a progress bar: only for a person
// at a terminal, and only when the scan takes long enough to need one.
func wantProgress(terminal bool, inputBytes int64) bool {
	return terminal && inputBytes >= progressThreshold
}

type discard struct{}

func (discard) Result(*scan.Result) error { return nil }

// problemSink reports skipped items on stderr as they come, in order, and
// passes every result on.
type problemSink struct {
	scan.Sink
	log      *cmdutil.StatusLine
	reported int
}

func (p *problemSink) Result(r *scan.Result) error {
	if r.Problem != nil {
		if p.reported < maxStderrProblems {
			p.reported++
			p.log.Printf("aiguard: %v\n", r.Problem)
		}
		return nil
	}
	return p.Sink.Result(r)
}

// preparingSink keeps the inner sink's Prepare visible through the wrapper.
type preparingSink struct {
	*problemSink
	p scan.Preparer
}

func (s preparingSink) Prepare(r *scan.Result) { s.p.Prepare(r) }
