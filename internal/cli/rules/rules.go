// Package rules implements `aiguard rules list`, the rule catalog as a
// table, JSON, or the Markdown page published as docs/rules.md.
package rules

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/aiguard/aiguard/internal/cli/cmdutil"
	"github.com/aiguard/aiguard/rules"
)

// Options are the inputs of `aiguard rules list`.
type Options struct {
	IO       *cmdutil.IO
	Registry *rules.Registry
	cmdutil.OutputFlags
	Filter
	// Getenv reads the environment (NO_COLOR); nil is os.Getenv.
	Getenv func(string) string
}

var formats = []string{cmdutil.FormatTable, cmdutil.FormatJSON, cmdutil.FormatMarkdown}

// NewCmdRules returns the `rules` command group.
func NewCmdRules(io *cmdutil.IO, reg *rules.Registry) *cobra.Command {
	cmd := &cobra.Command{Use: "rules", Short: "Inspect the rule catalog",
		Example: `  aiguard rules list --service sagemaker`}
	cmd.AddCommand(NewCmdList(io, reg, nil))
	return cmd
}

// NewCmdList returns `rules list`; runF replaces the logic in tests.
func NewCmdList(io *cmdutil.IO, reg *rules.Registry, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: io, Registry: reg}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List every rule with its resource types, trigger, parameters and mappings",
		Long: `List prints the rule catalog. --format table (default) prints each rule's ID,
trigger, severity and resource types, within 120 columns; json prints every
field (parameters, Security Hub controls, the AWS managed rule, the fields
and IAM actions a rule reads, remediation); markdown prints the catalog
page, docs/rules.md.

The filters narrow the list, and combine: --service keeps the rules of a
service (by the resource types and IAM actions they read, e.g. sagemaker,
bedrock, s3); --resource-type the rules that judge a CloudFormation/Config
type (case-insensitive; * matches any part, as in AWS::SageMaker::*);
--trigger change or periodic; --severity the rules of that severity or
higher (informational, low, medium, high, critical).`,
		Example: `  # The SageMaker rules
  aiguard rules list --service sagemaker

  # What judges an S3 bucket, with every detail
  aiguard rules list --resource-type AWS::S3::Bucket --format json

  # The periodic rules of high severity or worse
  aiguard rules list --trigger periodic --severity high`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runList(opts)
		},
	}
	cmdutil.AddOutputFlags(cmd, &opts.OutputFlags, cmdutil.FormatTable, formats...)
	f := cmd.Flags()
	f.StringVar(&opts.Service, "service", "", "only rules of this service, e.g. sagemaker, bedrock, s3")
	f.StringVar(&opts.ResourceType, "resource-type", "", "only rules that judge this resource type, e.g. AWS::SageMaker::*")
	f.StringVar(&opts.Trigger, "trigger", "", "only rules with this trigger: change or periodic")
	f.StringVar(&opts.Severity, "severity", "", "only rules of this severity or higher: informational, low, medium, high, critical")
	return cmd
}

func runList(opts *Options) error {
	if err := opts.CheckFormat(formats...); err != nil {
		return err
	}
	list, err := opts.Filter.Apply(opts.Registry.All())
	if err != nil {
		return err
	}
	if len(list) == 0 {
		opts.Notef(opts.IO, "no rule matches the filters%s", opts.Filter.hint(opts.Registry.All()))
	}
	return opts.WriteReport(opts.IO, func(out *cmdutil.Output) error {
		switch opts.Format {
		case cmdutil.FormatJSON:
			return writeJSON(out, list)
		case cmdutil.FormatMarkdown:
			return WriteMarkdown(out, list)
		}
		return writeTable(out, list, cmdutil.NewPalette(out.Writer, opts.Getenv))
	})
}

// ruleDoc is the JSON form of a rule.
type ruleDoc struct {
	ID            string     `json:"id"`
	Title         string     `json:"title"`
	Description   string     `json:"description"`
	ResourceTypes []string   `json:"resourceTypes"`
	Trigger       string     `json:"trigger"`
	Severity      string     `json:"severity"`
	Control       string     `json:"control"`
	SecurityHub   []string   `json:"securityHubControls"`
	ManagedRule   string     `json:"managedRule,omitempty"`
	Parameters    []paramDoc `json:"parameters"`
	Fields        []string   `json:"fields"`
	Actions       []string   `json:"iamActions"`
	Remediation   string     `json:"remediation"`
}

type paramDoc struct {
	Name        string   `json:"name"`
	Type        string   `json:"type"`
	Default     string   `json:"default,omitempty"`
	Values      []string `json:"values,omitempty"`
	Description string   `json:"description"`
}

func toDoc(r *rules.Rule) ruleDoc {
	d := ruleDoc{
		ID: r.ID, Title: r.Title, Description: r.Description,
		ResourceTypes: r.ResourceTypes, Trigger: string(r.Trigger), Severity: string(r.Severity),
		Control: r.Control, SecurityHub: nonNil(r.SecurityHub), ManagedRule: r.ManagedRule,
		Parameters: []paramDoc{}, Fields: nonNil(r.Fields), Actions: nonNil(r.Actions), Remediation: r.Remediation,
	}
	for _, p := range r.Params {
		d.Parameters = append(d.Parameters, paramDoc{
			Name: p.Name, Type: string(p.Type), Default: p.Default, Values: p.Values, Description: p.Description,
		})
	}
	return d
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func writeJSON(w io.Writer, list []*rules.Rule) error {
	docs := make([]ruleDoc, len(list))
	for i, r := range list {
		docs[i] = toDoc(r)
	}
	return cmdutil.WriteJSON(w, docs)
}

// writeTable prints a rule a row, the resource types wrapped to keep
// within cmdutil.TableWidth columns; the other fields are in --format json.
func writeTable(w io.Writer, list []*rules.Rule, p cmdutil.Palette) error {
	if len(list) == 0 {
		return nil
	}
	t := &cmdutil.Table{Header: []string{"ID", "TRIGGER", "SEVERITY", "RESOURCE TYPES"}, MaxWidth: cmdutil.TableWidth}
	for _, r := range list {
		t.Add(cmdutil.Cell{Text: r.ID}, cmdutil.Cell{Text: string(r.Trigger)},
			cmdutil.Cell{Text: string(r.Severity), Paint: p.Severity}, cmdutil.Cell{Text: strings.Join(r.ResourceTypes, ", ")})
	}
	return t.Write(w, p)
}

// WriteMarkdown writes the catalog page (docs/rules.md).
func WriteMarkdown(w io.Writer, list []*rules.Rule) error {
	var b strings.Builder
	b.WriteString("# aiguard rule catalog\n\n")
	b.WriteString("Generated by `aiguard rules list --format markdown`; do not edit by hand.\n\n")
	b.WriteString("| Rule | Trigger | Severity | Resource types | Security Hub | AWS managed rule |\n")
	b.WriteString("|---|---|---|---|---|---|\n")
	for _, r := range list {
		fmt.Fprintf(&b, "| [`%s`](#%s) | %s | %s | %s | %s | %s |\n", r.ID, r.ID, r.Trigger, r.Severity,
			codeList(r.ResourceTypes), orDash(strings.Join(r.SecurityHub, ", ")), orDash(code(r.ManagedRule)))
	}
	for _, r := range list {
		fmt.Fprintf(&b, "\n## %s\n\n%s. %s\n\n", r.ID, r.Title, r.Description)
		fmt.Fprintf(&b, "- **Resource types:** %s\n", codeList(r.ResourceTypes))
		fmt.Fprintf(&b, "- **Trigger:** %s\n", r.Trigger)
		fmt.Fprintf(&b, "- **Severity:** %s\n", r.Severity)
		fmt.Fprintf(&b, "- **Baseline control:** %s\n", r.Control)
		fmt.Fprintf(&b, "- **Security Hub:** %s\n", orDash(strings.Join(r.SecurityHub, ", ")))
		fmt.Fprintf(&b, "- **AWS managed rule:** %s\n", orDash(code(r.ManagedRule)))
		if len(r.Fields) > 0 {
			fmt.Fprintf(&b, "- **Reads:** %s\n", codeList(r.Fields))
		}
		if len(r.Actions) > 0 {
			fmt.Fprintf(&b, "- **IAM actions:** %s\n", codeList(r.Actions))
		}
		if len(r.Params) > 0 {
			b.WriteString("\n| Parameter | Type | Default | Description |\n|---|---|---|---|\n")
			for _, p := range r.Params {
				typ := paramType(p)
				fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", p.Name, cell(typ), orDash(code(p.Default)), cell(p.Description))
			}
		}
		fmt.Fprintf(&b, "\n**Remediation:** %s\n", r.Remediation)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// paramType describes a parameter's type and the values it accepts.
func paramType(p rules.Param) string {
	typ := string(p.Type)
	switch {
	case len(p.Values) > 0:
		typ += " (" + strings.Join(p.Values, ", ") + ")"
	case p.Type == rules.Int && p.Min <= p.Max && (p.Min != 0 || p.Max != 0):
		typ += fmt.Sprintf(" (%d to %d)", p.Min, p.Max)
	}
	if p.PatternHelp != "" {
		typ += ": " + p.PatternHelp
	}
	return typ
}

// cell makes text safe inside a Markdown table cell: a '|' would end the
// cell and a newline the row.
func cell(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "|", `\|`)), " ")
}

func code(s string) string {
	if s == "" {
		return ""
	}
	return "`" + s + "`"
}

func codeList(items []string) string {
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = code(s)
	}
	return strings.Join(out, ", ")
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
