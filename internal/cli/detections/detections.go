// Package detections implements `aiguard detections list`: the catalog
// of detections as a table, JSON, or the Markdown page published as
// docs/detections.md.
package detections

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/aiguard/aiguard/detections"
	"github.com/aiguard/aiguard/internal/cli/cmdutil"
)

// Options are the inputs of `aiguard detections list`.
type Options struct {
	IO       *cmdutil.IO
	Registry *detections.Registry
	Out      cmdutil.OutputFlags
}

// NewCmdDetections returns the `detections` command group.
func NewCmdDetections(io *cmdutil.IO, reg *detections.Registry) *cobra.Command {
	cmd := &cobra.Command{Use: "detections", Short: "Inspect the catalog of detections of suspicious ML activity",
		Example: `  aiguard detections list`}
	cmd.AddCommand(NewCmdList(io, reg, nil))
	return cmd
}

// NewCmdList returns `detections list`; runF replaces the logic in tests.
func NewCmdList(io *cmdutil.IO, reg *detections.Registry, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: io, Registry: reg}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List every detection with what it matches, its rate, severity and technique",
		Example: `  # The catalog for people
  aiguard detections list

  # As JSON for a script, or as the Markdown of docs/detections.md
  aiguard detections list --format json
  aiguard detections list --format markdown > docs/detections.md`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runList(opts)
		},
	}
	cmdutil.AddOutputFlags(cmd, &opts.Out, cmdutil.FormatTable, cmdutil.FormatTable, cmdutil.FormatJSON, cmdutil.FormatMarkdown)
	return cmd
}

func runList(opts *Options) error {
	if err := opts.Out.CheckFormat(); err != nil {
		return err
	}
	out, err := opts.Out.OpenOutput(opts.IO)
	if err != nil {
		return err
	}
	list := opts.Registry.All()
	switch opts.Out.Format {
	case cmdutil.FormatTable:
		err = writeTable(out, list)
	case cmdutil.FormatJSON:
		err = writeJSON(out, list)
	case cmdutil.FormatMarkdown:
		err = WriteMarkdown(out, list)
	}
	if cerr := out.Close(err != nil); err == nil {
		err = cerr
	}
	if err != nil {
		return cmdutil.Usagef("write output: %v", err)
	}
	return nil
}

// doc is the JSON form of a detection.
type doc struct {
	ID          string        `json:"id"`
	Title       string        `json:"title"`
	Description string        `json:"description"`
	Control     string        `json:"control"`
	Severity    string        `json:"severity"`
	Technique   string        `json:"technique"`
	Types       []string      `json:"findingTypes"`
	Selectors   []selectorDoc `json:"selectors"`
	Rate        *rateDoc      `json:"rate,omitempty"`
	Condition   string        `json:"condition,omitempty"`
	Deployed    string        `json:"deployedAs"`
	Trail       string        `json:"trailEvents"`
	Remediation string        `json:"remediation"`
}

type selectorDoc struct {
	EventSources []string `json:"eventSources"`
	EventNames   []string `json:"eventNames"`
	Conditions   []string `json:"conditions"`
}

type rateDoc struct {
	Threshold int    `json:"threshold"`
	Window    string `json:"window"`
	Per       string `json:"per"`
}

func toDoc(d *detections.Detection) doc {
	out := doc{
		ID: d.ID, Title: d.Title, Description: d.Description, Control: d.Control, Severity: string(d.Severity),
		Technique: d.Technique.ID + " " + d.Technique.Name, Types: d.Types, Condition: d.CheckText,
		Deployed: deployedAs(d), Trail: d.Trail, Remediation: d.Remediation,
	}
	for _, s := range d.Selectors {
		sd := selectorDoc{EventSources: s.Sources, EventNames: s.Names, Conditions: []string{}}
		if sd.EventNames == nil {
			sd.EventNames = []string{}
		}
		for _, c := range s.Conditions {
			sd.Conditions = append(sd.Conditions, conditionText(c))
		}
		out.Selectors = append(out.Selectors, sd)
	}
	if r := d.Rate; r != nil {
		out.Rate = &rateDoc{Threshold: r.Threshold, Window: detections.FormatDuration(r.Window), Per: r.By}
	}
	return out
}

// deployedAs says how aiguard generate deploys the detection.
func deployedAs(d *detections.Detection) string {
	if !d.SingleEvent() {
		return "a CloudWatch Logs metric filter, Contributor Insights rules (per principal or account) and an alarm on the organization trail's log group; " +
			"the alarm alerts SNS, and the rule Lambda imports an ASFF finding into Security Hub when it fires"
	}
	s := "an EventBridge rule on the detections bus; the rule Lambda judges each event, imports an ASFF finding into Security Hub and publishes an alert to SNS"
	if d.PerTeam {
		s = "one EventBridge rule per team on the detections bus, narrowed to the team's buckets; the rule Lambda judges each event, imports an ASFF finding into Security Hub and publishes an alert to SNS"
	}
	return s
}

// conditionText describes a condition: errorCode absent, requestParameters.enable = false.
func conditionText(c detections.Condition) string {
	values := strings.Join(c.Values, ", ")
	if c.Param != "" {
		values = "the spec's " + c.Param
	}
	switch c.Op {
	case detections.OpAbsent:
		return c.Field + " absent"
	case detections.OpEquals:
		return c.Field + " is " + values
	case detections.OpPrefix:
		return c.Field + " starts with " + values
	case detections.OpWildcard:
		return c.Field + " matches " + values
	case detections.OpAnythingBut:
		return c.Field + " is present and not " + values
	}
	return c.Field
}

func writeJSON(w io.Writer, list []*detections.Detection) error {
	docs := make([]doc, len(list))
	for i, d := range list {
		docs[i] = toDoc(d)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(docs)
}

func writeTable(w io.Writer, list []*detections.Detection) error {
	t := cmdutil.Table{Header: []string{"ID", "SEVERITY", "TECHNIQUE", "FIRES ON"}}
	for _, d := range list {
		t.Add(cmdutil.Plain(d.ID, string(d.Severity), d.Technique.ID, firesOn(d))...)
	}
	return t.Write(w, cmdutil.Palette{})
}

// firesOn is a one-line summary of when the detection fires.
func firesOn(d *detections.Detection) string {
	if r := d.Rate; r != nil {
		return fmt.Sprintf("%d events per %s within %s", r.Threshold, r.By, detections.FormatDuration(r.Window))
	}
	if d.Check != nil {
		return "every matching event that passes its condition"
	}
	return "every matching event"
}

// WriteMarkdown writes the catalog page (docs/detections.md).
func WriteMarkdown(w io.Writer, list []*detections.Detection) error {
	var b strings.Builder
	b.WriteString("# aiguard detection catalog\n\n")
	b.WriteString("Generated by `aiguard detections list --format markdown`; do not edit by hand.\n\n")
	b.WriteString("Each detection runs offline with `aiguard hunt` over CloudTrail files, and is deployed by `aiguard generate` " +
		"in the security tooling account (`deploy/detections.yaml`, with `deploy/detections-forwarder.yaml` in every account). " +
		"The spec's `detections` section turns detections on or off, tunes the rates, and gives working hours, allowed networks " +
		"and where alerts go.\n\n")
	b.WriteString("| Detection | Severity | Fires on | MITRE ATT&CK |\n|---|---|---|---|\n")
	for _, d := range list {
		fmt.Fprintf(&b, "| [`%s`](#%s) | %s | %s | %s %s |\n", d.ID, d.ID, d.Severity, cell(firesOn(d)), d.Technique.ID, cell(d.Technique.Name))
	}
	for _, d := range list {
		fmt.Fprintf(&b, "\n## %s\n\n%s. %s\n\n", d.ID, d.Title, d.Description)
		fmt.Fprintf(&b, "- **Severity:** %s\n", d.Severity)
		fmt.Fprintf(&b, "- **MITRE ATT&CK:** %s %s\n", d.Technique.ID, d.Technique.Name)
		fmt.Fprintf(&b, "- **Baseline control:** %s\n", d.Control)
		fmt.Fprintf(&b, "- **Security Hub finding types:** %s\n", strings.Join(d.Types, ", "))
		for _, s := range d.Selectors {
			sd := selectorDocOf(s)
			fmt.Fprintf(&b, "- **Matches:** %s", codeList(sd.EventSources))
			if len(sd.EventNames) > 0 {
				fmt.Fprintf(&b, " %s", codeList(sd.EventNames))
			} else {
				b.WriteString(" (any event)")
			}
			if len(sd.Conditions) > 0 {
				fmt.Fprintf(&b, ", where %s", strings.Join(sd.Conditions, " and "))
			}
			b.WriteString("\n")
		}
		if d.CheckText != "" {
			fmt.Fprintf(&b, "- **Condition:** %s\n", d.CheckText)
		}
		if r := d.Rate; r != nil {
			fmt.Fprintf(&b, "- **Rate:** %d events per %s within %s (spec: `detections.rules.%s.threshold`, `window`, `by`)\n",
				r.Threshold, r.By, detections.FormatDuration(r.Window), d.ID)
		}
		fmt.Fprintf(&b, "- **Deployed as:** %s\n", deployedAs(d))
		fmt.Fprintf(&b, "- **CloudTrail events needed:** %s\n", d.Trail)
		fmt.Fprintf(&b, "\n**What to do:** %s\n", d.Remediation)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func selectorDocOf(s detections.Selector) selectorDoc {
	sd := selectorDoc{EventSources: s.Sources, EventNames: s.Names}
	for _, c := range s.Conditions {
		sd.Conditions = append(sd.Conditions, "`"+conditionText(c)+"`")
	}
	return sd
}

func cell(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "|", `\|`)), " ")
}

func codeList(items []string) string {
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = "`" + s + "`"
	}
	return strings.Join(out, ", ")
}
