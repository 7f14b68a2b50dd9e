// Package scan implements `aiguard scan`: the rule catalog over a whole
// estate offline (Config snapshots and exports, NDJSON, CloudFormation
// templates), with reports for people, pipelines and Security Hub.
package scan

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/aiguard/aiguard/configevent"
	"github.com/aiguard/aiguard/internal/cli/cmdutil"
	"github.com/aiguard/aiguard/rules"
	"github.com/aiguard/aiguard/scan"
)

// ExitSkipped is the exit code of a scan that skipped unreadable items (and
// found nothing at or above --fail-on, whose exit code 1 takes precedence:
// it is the stronger statement, and stderr reports the skipped items in
// either case).
const ExitSkipped = 3

// progressThreshold is the input size (on disk) from which a terminal gets a
// progress bar: smaller inputs are scanned in a second or two.
const progressThreshold = 16 << 20

// maxStderrProblems bounds the skipped items reported one per line.
const maxStderrProblems = 100

// Options are the inputs of `aiguard scan`.
type Options struct {
	IO       *cmdutil.IO
	Registry *rules.Registry

	Inputs    []string
	Format    string
	FailOn    string
	RuleIDs   []string
	Params    string
	AccountID string
	Region    string

	// Now is the scan's clock (template resources' timestamps); tests fix it.
	Now func() time.Time
	// IsTerminal reports whether the error stream is a terminal.
	IsTerminal func(io.Writer) bool
}

// NewCmdScan returns the scan command; runF replaces the logic in tests.
func NewCmdScan(io *cmdutil.IO, reg *rules.Registry, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: io, Registry: reg}
	cmd := &cobra.Command{
		Use:   "scan INPUT...",
		Short: "Evaluate the rules over Config snapshots, exports and CloudFormation templates offline",
		Long: `Scan runs every rule over a whole estate offline. Each INPUT is a file, a
directory (every file under it), or - for standard input; gzip is detected
and read anywhere. Inputs are recognised by their content:

  - AWS Config snapshot and history files (configurationItems), and
    get-resource-config-history output;
  - aws configservice batch-get-resource-config (baseConfigurationItems) and
    select-resource-config (Results) output, and their aggregate variants;
  - NDJSON with one configuration item per line, a JSON array of items, or a
    single (pretty-printed) item;
  - CloudFormation templates (JSON or YAML): each resource of a type a rule
    covers is checked before deployment. Intrinsic functions are not
    resolved; a verdict that depends on one says so, and a failure that
    depends on one is reported NOT_APPLICABLE rather than guessed.

Periodic rules call service APIs and are skipped offline, with a note.

--format table (default) prints compliance per rule and the non-compliant
resources; json prints the evaluations with the keys of aiguard evaluate;
asff prints Security Hub findings, one BatchImportFindings request body
({"Findings": [...]}, at most 100 findings of one account and Region) per
line; markdown and html print a report for people (html: one
self-contained file with charts).

Exit status: 0 when the scan completed; 1 when a non-compliant finding is at
or above --fail-on; 2 for usage errors and inputs that cannot be opened or
recognised; 3 when items were skipped as unreadable (each is reported on
stderr with its position) and nothing reached --fail-on.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			opts.Inputs = args
			if runF != nil {
				return runF(opts)
			}
			return runScan(opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Format, "format", "table", "output format: table, json, asff, markdown or html")
	f.StringVar(&opts.FailOn, "fail-on", "", "exit 1 when a non-compliant finding has this severity or higher: informational, low, medium, high or critical")
	f.StringArrayVar(&opts.RuleIDs, "rule", nil, "rule ID to run (repeatable; default: every rule)")
	f.StringVar(&opts.Params, "params", "", `rule parameters as a JSON object, e.g. '{"mlTagKey":"ml"}'; each rule takes those it declares`)
	f.StringVar(&opts.AccountID, "account-id", "", "account ID for resources that carry none (template resources); required by --format asff for templates")
	f.StringVar(&opts.Region, "region", "", "Region for resources that carry none (template resources); required by --format asff for templates")
	return cmd
}

var (
	accountPattern = regexp.MustCompile(`^\d{12}$`)
	regionPattern  = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d+$`)
)

var formats = []string{"table", "json", "asff", "markdown", "html"}

func runScan(opts *Options) error {
	if !slices.Contains(formats, opts.Format) {
		return cmdutil.Usagef("--format: got %q, want one of %s", opts.Format, strings.Join(formats, ", "))
	}
	failOn, err := parseFailOn(opts.FailOn)
	if err != nil {
		return err
	}
	if opts.AccountID != "" && !accountPattern.MatchString(opts.AccountID) {
		return cmdutil.Usagef("--account-id: got %q, want 12 digits", opts.AccountID)
	}
	if opts.Region != "" && !regionPattern.MatchString(opts.Region) {
		return cmdutil.Usagef("--region: got %q, want a Region name such as us-east-1", opts.Region)
	}
	selected, err := cmdutil.SelectRules(opts.Registry, opts.RuleIDs)
	sort.Slice(selected, func(i, j int) bool { return selected[i].ID < selected[j].ID })
	if err != nil {
		return err
	}
	var params map[string]string
	if opts.Params != "" {
		if params, err = configevent.ParseParams(json.RawMessage(opts.Params)); err != nil {
			return cmdutil.Usagef("--params: %v", err)
		}
		list := selected
		if list == nil {
			list = opts.Registry.All()
		}
		if err := checkDeclared(params, list); err != nil {
			return err
		}
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
	if opts.Format == "asff" && (opts.AccountID == "" || opts.Region == "") {
		for _, s := range srcs {
			if s.Kind == scan.KindTemplate {
				return cmdutil.Usagef("%s: a template carries no account or Region, which ASFF findings need; "+
					"pass --account-id and --region", s.Name)
			}
		}
	}

	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	start := now()
	isTerm := opts.IsTerminal
	if isTerm == nil {
		isTerm = isTerminal
	}
	stderr := &stderrLog{w: opts.IO.Err}
	var counters *scan.Counters
	var total int64
	for _, s := range srcs {
		if s.Size > 0 {
			total += s.Size
		}
	}
	if wantProgress(isTerm(opts.IO.Err), total) {
		counters = &scan.Counters{}
		stop := stderr.startProgress(counters, total)
		defer stop()
	}

	var sink scan.Sink = discard{}
	var closer func() error
	switch opts.Format {
	case "json":
		jw := scan.NewJSONWriter(opts.IO.Out)
		sink, closer = jw, jw.Close
	case "asff":
		aw := scan.NewASFFWriter(opts.IO.Out, opts.Registry, start)
		sink, closer = aw, aw.Close
	}
	reporter := &problemSink{Sink: sink, log: stderr}
	scanOpts := scan.Options{
		Registry:  opts.Registry,
		Rules:     selected,
		Params:    params,
		AccountID: opts.AccountID,
		Region:    opts.Region,
		Now:       start,
		Progress:  counters,
	}
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
		if err := closer(); err != nil {
			return cmdutil.Usagef("write output: %v", err)
		}
	}
	switch opts.Format {
	case "table":
		err = scan.WriteTable(opts.IO.Out, sum)
	case "markdown":
		err = scan.WriteMarkdown(opts.IO.Out, sum)
	case "html":
		err = scan.WriteHTML(opts.IO.Out, sum)
	default:
		// Machine formats keep stdout clean; what a person should know goes
		// to stderr.
		for _, n := range sum.Notes {
			stderr.printf("aiguard: note: %s\n", n)
		}
	}
	if err != nil {
		return cmdutil.Usagef("write output: %v", err)
	}
	if hidden := sum.Skipped - reporter.reported; hidden > 0 {
		stderr.printf("aiguard: ... and %d more skipped items\n", hidden)
	}
	return exitStatus(sum, failOn)
}

// exitStatus turns the summary into the command's exit code.
func exitStatus(sum *scan.Summary, failOn rules.Severity) error {
	var msgs []string
	code := cmdutil.ExitOK
	if failOn != "" && sum.Worst != "" && scan.SeverityRank(sum.Worst) >= scan.SeverityRank(failOn) {
		n := 0
		for _, f := range sum.NonCompliant {
			if scan.SeverityRank(f.Rule.Severity) >= scan.SeverityRank(failOn) {
				n++
			}
		}
		for _, r := range sum.Rules {
			if scan.SeverityRank(r.Rule.Severity) >= scan.SeverityRank(failOn) {
				n += sum.Omitted[r.Rule.ID]
			}
		}
		msgs = append(msgs, fmt.Sprintf("%d non-compliant %s at or above %s (--fail-on)", n, plural(n, "finding", "findings"), failOn))
		code = cmdutil.ExitFindings
	}
	if sum.Skipped > 0 {
		msgs = append(msgs, fmt.Sprintf("%d %s skipped as unreadable", sum.Skipped, plural(sum.Skipped, "item", "items")))
		if code == cmdutil.ExitOK {
			code = ExitSkipped
		}
	}
	if code == cmdutil.ExitOK {
		return nil
	}
	return &cmdutil.ExitError{Code: code, Err: errors.New(strings.Join(msgs, "; "))}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// parseFailOn reads --fail-on: a severity label in any case, or "" / none.
func parseFailOn(s string) (rules.Severity, error) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "", "NONE":
		return "", nil
	case "INFORMATIONAL", "INFO":
		return rules.SeverityInformational, nil
	case "LOW":
		return rules.SeverityLow, nil
	case "MEDIUM":
		return rules.SeverityMedium, nil
	case "HIGH":
		return rules.SeverityHigh, nil
	case "CRITICAL":
		return rules.SeverityCritical, nil
	}
	return "", cmdutil.Usagef("--fail-on: got %q, want informational, low, medium, high or critical", s)
}

// checkDeclared rejects --params names no selected rule declares, which are
// almost always typos.
func checkDeclared(raw map[string]string, list []*rules.Rule) error {
	names := make([]string, 0, len(raw))
	for k := range raw {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if rules.IsReserved(k) {
			continue
		}
		declared := slices.ContainsFunc(list, func(r *rules.Rule) bool { _, ok := r.Param(k); return ok })
		if !declared {
			return cmdutil.Usagef("--params: %s is not a parameter of any rule in this scan", k)
		}
	}
	return nil
}

// wantProgress decides whether to draw a progress bar: only for a person
// at a terminal, and only when the scan takes long enough to need one.
func wantProgress(terminal bool, inputBytes int64) bool {
	return terminal && inputBytes >= progressThreshold
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

type discard struct{}

func (discard) Result(*scan.Result) error { return nil }

// problemSink reports skipped items on stderr as they come, in order, and
// passes every result on.
type problemSink struct {
	scan.Sink
	log      *stderrLog
	reported int
}

func (p *problemSink) Result(r *scan.Result) error {
	if r.Problem != nil {
		if p.reported < maxStderrProblems {
			p.reported++
			p.log.printf("aiguard: %v\n", r.Problem)
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
