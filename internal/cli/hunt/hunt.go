// Package hunt implements `aiguard hunt`: the detection catalog over
// CloudTrail files offline, with reports for people, pipelines, Security
// Hub and code scanning.
package hunt

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/aiguard/aiguard/cloudtrail"
	"github.com/aiguard/aiguard/deploy"
	"github.com/aiguard/aiguard/detections"
	"github.com/aiguard/aiguard/hunt"
	"github.com/aiguard/aiguard/internal/cli/cmdutil"
	"github.com/aiguard/aiguard/rules"
)

// progressThreshold is the input size from which a terminal gets progress.
const progressThreshold = 16 << 20

// maxStderrProblems bounds the skipped records reported one per line.
const maxStderrProblems = 100

// Options are the inputs of `aiguard hunt`.
type Options struct {
	IO       *cmdutil.IO
	Registry *detections.Registry
	Out      cmdutil.OutputFlags

	Inputs     []string
	ConfigFile string
	Detections []string
	FailOn     string
	MaxDelay   time.Duration
	AllowEmpty bool

	// Now is the report's clock (ASFF timestamps); tests fix it.
	Now func() time.Time
	// IsTerminal reports whether a stream is a terminal.
	IsTerminal func(io.Writer) bool
}

var formats = []string{cmdutil.FormatTable, cmdutil.FormatJSON, cmdutil.FormatASFF, cmdutil.FormatSARIF, cmdutil.FormatMarkdown}

// NewCmdHunt returns the hunt command; runF replaces the logic in tests.
func NewCmdHunt(io *cmdutil.IO, reg *detections.Registry, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: io, Registry: reg}
	cmd := &cobra.Command{
		Use:   "hunt FILE...",
		Short: "Run the detections of suspicious ML activity over CloudTrail files",
		Long: `Hunt runs aiguard's detections (aiguard detections list) over CloudTrail
records offline. Each FILE is a file, a directory (every file under it;
digest files are left out), or - for standard input; gzip is detected
anywhere. Records are recognised by content:

  - log files as a trail delivers them to S3 ({"Records": [...]});
  - aws cloudtrail lookup-events output;
  - CloudTrail Lake query results (aws cloudtrail get-query-results): select
    the nested columns as JSON, as in
` + indent(cloudtrail.LakeQuery, "      ") + `
  - NDJSON (one record a line), concatenated records, JSON arrays of
    records, and EventBridge events that carry a record.

Windows are counted in event-time order across files: log files named as
CloudTrail names them are read in the order of their time, and matched
events are reordered within --max-delay.

--config gives the organization spec: which detections run and their
thresholds (detections section), the teams with their accounts, data
locations, execution roles and working hours, and the networks presigned
URLs may come from. Without it, the detections that need none of that run
with their defaults.

--format table (default) lists the findings for people; json prints an
array of findings (detectionId, severity, accountId, awsRegion, principal,
firstSeen, lastSeen, eventCount, eventIds, ...); asff prints Security Hub
BatchImportFindings request bodies, one per line (at most 100 findings of
one account and Region each); sarif a SARIF 2.1.0 log; markdown a report.

Exit status: 0 when nothing was found at or above --fail-on; 1 when
something was; 2 for usage errors, inputs that cannot be read, and a hunt
that read no CloudTrail record (each input that held none is named on
stderr) unless --allow-empty; 3 when records were skipped as malformed
(each is reported on stderr with its position) and nothing reached
--fail-on.`,
		Example: `  # A month of the organization trail, with the teams' working hours and networks from the spec
  aiguard hunt --config org.yaml trail/AWSLogs/o-exampleorg1/

  # Only high severity and above fails a pipeline; SARIF for code scanning
  aiguard hunt --config org.yaml --fail-on high --format sarif --output hunt.sarif trail/

  # Recent management events straight from the API
  aws cloudtrail lookup-events --max-results 1000 > events.json && aiguard hunt events.json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			opts.Inputs = args
			if runF != nil {
				return runF(opts)
			}
			return runHunt(opts)
		},
	}
	cmdutil.AddOutputFlags(cmd, &opts.Out, cmdutil.FormatTable, formats...)
	f := cmd.Flags()
	f.StringVar(&opts.ConfigFile, "config", "", "organization spec (YAML) that configures the detections")
	f.StringArrayVar(&opts.Detections, "detection", nil, "detection ID to run (repeatable; default: every enabled detection)")
	f.StringVar(&opts.FailOn, "fail-on", "low", "exit 1 when a finding has this severity or higher: informational, low, medium, high, critical or none")
	f.DurationVar(&opts.MaxDelay, "max-delay", hunt.DefaultMaxDelay, "how far out of event-time order a record may come and still be counted in order")
	f.BoolVar(&opts.AllowEmpty, "allow-empty", false, "exit 0 rather than 2 when the inputs hold no CloudTrail record (a quiet window)")
	return cmd
}

func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}

func runHunt(opts *Options) error {
	if err := opts.Out.CheckFormat(); err != nil {
		return err
	}
	failOn, err := cmdutil.ParseFailOn(opts.FailOn, cmdutil.RuleSeverities)
	if err != nil {
		return err
	}
	if opts.MaxDelay <= 0 {
		return cmdutil.Usagef("--max-delay: got %s, want a positive duration such as 1h", opts.MaxDelay)
	}
	for _, id := range opts.Detections {
		if _, ok := opts.Registry.Get(id); !ok {
			return cmdutil.Usagef("--detection: unknown detection %q; `aiguard detections list` shows the catalog", id)
		}
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	cfg := &detections.Config{}
	if opts.ConfigFile != "" {
		_, spec, err := cmdutil.LoadSpec(opts.IO, opts.ConfigFile, rules.Catalog(), now())
		if err != nil {
			return err
		}
		if !opts.Out.Quiet {
			cmdutil.PrintWarnings(opts.IO, spec)
		}
		if cfg, err = deploy.DetectionConfig(spec); err != nil {
			return cmdutil.Usage(err)
		}
	}
	inputs, err := cloudtrail.Expand(opts.Inputs)
	if err != nil {
		return cmdutil.Usage(err)
	}
	if len(inputs) == 0 {
		return cmdutil.Usagef("no input files found in %s", strings.Join(opts.Inputs, ", "))
	}
	isTerm := opts.IsTerminal
	if isTerm == nil {
		isTerm = cmdutil.IsTerminal
	}

	counts := &hunt.Progress{}
	var total int64
	for _, in := range inputs {
		if fi, err := os.Stat(in.Path); err == nil && in.Path != "-" {
			total += fi.Size()
		}
	}
	if !opts.Out.Quiet && isTerm(opts.IO.Err) && total >= progressThreshold {
		stop := cmdutil.NewStatusLine(opts.IO.Err).Start(progress(counts, total))
		defer stop()
	}
	res, err := hunt.Run(context.Background(), inputs, hunt.Options{
		Registry: opts.Registry, Config: cfg, IDs: opts.Detections, MaxDelay: opts.MaxDelay,
		Progress: counts, Stdin: opts.IO.In,
	})
	if err != nil {
		return cmdutil.Usage(err)
	}

	out, err := opts.Out.OpenOutput(opts.IO, opts.Inputs...)
	if err != nil {
		return err
	}
	switch opts.Out.Format {
	case cmdutil.FormatTable:
		err = writeTable(out, cmdutil.NewPalette(out, os.Getenv), res)
	case cmdutil.FormatJSON:
		err = hunt.WriteJSON(out, res)
	case cmdutil.FormatASFF:
		err = hunt.WriteASFF(out, res, opts.Registry, now())
	case cmdutil.FormatSARIF:
		wd, _ := os.Getwd()
		err = hunt.WriteSARIF(out, res, opts.Registry, now(), wd)
	case cmdutil.FormatMarkdown:
		err = hunt.WriteMarkdown(out, res, opts.Registry)
	}
	if cerr := out.Close(err != nil); err == nil {
		err = cerr
	}
	if err != nil {
		return cmdutil.Usagef("write output: %v", err)
	}

	for _, s := range res.NotRun {
		opts.Out.Notef(opts.IO, "detection %s did not run: it %s", s.ID, s.Reason)
	}
	for _, n := range res.Notes {
		opts.Out.Notef(opts.IO, "%s", n)
	}
	if res.Late > 0 {
		opts.Out.Notef(opts.IO, "%d matched events came more than %s out of event-time order; windows around them may be inexact (raise --max-delay)",
			res.Late, detections.FormatDuration(opts.MaxDelay))
	}
	for i, p := range res.Problems {
		if i == maxStderrProblems {
			fmt.Fprintf(opts.IO.Err, "aiguard: ... and %d more skipped records\n", res.Skipped-i)
			break
		}
		fmt.Fprintf(opts.IO.Err, "aiguard: skipped %v\n", p)
	}
	if opts.Out.Format != cmdutil.FormatTable && opts.Out.Format != cmdutil.FormatMarkdown {
		opts.Out.Notef(opts.IO, "%s", res.Summary())
	}
	return exitStatus(res, failOn, opts.AllowEmpty)
}

// exitStatus turns the result into the command's exit code.
func exitStatus(res *hunt.Result, failOn cmdutil.Threshold, allowEmpty bool) error {
	if res.Records == 0 && res.Skipped == 0 && !allowEmpty {
		// As a scan that evaluated nothing: a pipeline handed the wrong
		// file must not pass as if the trail were clean.
		return cmdutil.Usagef("the hunt read no CloudTrail records (pass --allow-empty when that is expected)")
	}
	n := 0
	for _, f := range res.Findings {
		if failOn.Trips(f.Severity) {
			n++
		}
	}
	return cmdutil.Outcome(cmdutil.Count{N: n, One: "finding", Many: "findings"}, failOn,
		cmdutil.Count{N: res.Skipped, One: "record", Many: "records"})
}

// progress renders the progress line of a hunt.
func progress(p *hunt.Progress, total int64) func(time.Duration) string {
	return func(time.Duration) string {
		return fmt.Sprintf("hunting: %3d%% of %s, %d records", p.Bytes.Load()*100/max(total, 1), sizeText(total), p.Records.Load())
	}
}

func sizeText(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d KiB", n>>10)
}

// writeTable lists the findings for people.
func writeTable(w io.Writer, p cmdutil.Palette, res *hunt.Result) error {
	if len(res.Findings) == 0 {
		_, err := fmt.Fprintf(w, "No findings. %s.\n", res.Summary())
		return err
	}
	t := cmdutil.Table{Header: []string{"SEVERITY", "DETECTION", "ACCOUNT", "REGION", "PRINCIPAL", "FIRST SEEN (UTC)", "EVENTS", "WHAT"}, MaxWidth: 200}
	for _, f := range res.Findings {
		t.Add(
			cmdutil.Cell{Text: f.Severity, Paint: p.Severity},
			cmdutil.Cell{Text: f.DetectionID},
			cmdutil.Cell{Text: f.AccountID},
			cmdutil.Cell{Text: f.AWSRegion},
			cmdutil.Cell{Text: orDash(f.Principal)},
			cmdutil.Cell{Text: f.FirstSeen.UTC().Format("2006-01-02 15:04:05")},
			cmdutil.Cell{Text: fmt.Sprint(f.EventCount)},
			cmdutil.Cell{Text: f.Reason},
		)
	}
	if err := t.Write(w, p); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\n%s.\n", res.Summary())
	return err
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
