package scan

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// The human reports list at most this many skipped items; stderr and the
// counts have the rest.
const reportProblems = 50

// resourceLabel names a resource for people: its type and ID.
func resourceLabel(r Identity) string {
	return r.Type + " " + r.ID
}

// overview is the one-paragraph account of what was scanned.
func overview(s *Summary) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Scanned %d configuration %s from %d %s", s.CIs, plural(s.CIs, "item", "items"),
		len(s.Inputs), plural(len(s.Inputs), "input", "inputs"))
	evals, nc := 0, 0
	for _, r := range s.Rules {
		evals += r.Total()
		nc += r.NonCompliant
	}
	fmt.Fprintf(&b, " with %d %s: %d %s, %d non-compliant.", len(s.Rules), plural(len(s.Rules), "rule", "rules"),
		evals, plural(evals, "evaluation", "evaluations"), nc)
	if s.Uncovered > 0 {
		fmt.Fprintf(&b, " %d %s of types no rule covers.", s.Uncovered, plural(s.Uncovered, "item is", "items are"))
	}
	if s.Skipped > 0 {
		fmt.Fprintf(&b, " %d %s skipped as unreadable.", s.Skipped, plural(s.Skipped, "item was", "items were"))
	}
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// WriteTable writes the default report: compliance per rule, then the
// non-compliant resources with their annotations, then notes.
func WriteTable(w io.Writer, s *Summary) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RULE\tSEVERITY\tCOMPLIANT\tNON_COMPLIANT\tNOT_APPLICABLE")
	for _, r := range s.Rules {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\n", r.Rule.ID, r.Rule.Severity, r.Compliant, r.NonCompliant, r.NotApplicable)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	if len(s.NonCompliant) == 0 {
		fmt.Fprintln(w, "No non-compliant resources.")
	} else {
		fmt.Fprintln(w, "NON-COMPLIANT RESOURCES")
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "SEVERITY\tRULE\tACCOUNT\tREGION\tRESOURCE\tANNOTATION")
		for _, f := range s.NonCompliant {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", f.Rule.Severity, f.Rule.ID, dash(f.Resource.AccountID),
				dash(f.Resource.Region), cell(resourceLabel(f.Resource)), dash(cell(f.Annotation)))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		for _, r := range s.Rules {
			if n := s.Omitted[r.Rule.ID]; n > 0 {
				fmt.Fprintf(w, "... and %d more non-compliant for %s (--format json lists every evaluation)\n", n, r.Rule.ID)
			}
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, overview(s))
	for _, n := range s.Notes {
		fmt.Fprintln(w, "Note:", n)
	}
	_, err := fmt.Fprintf(w, "")
	return err
}

// cell keeps a table cell on one line.
func cell(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// WriteMarkdown writes the report as GitHub-flavoured Markdown.
func WriteMarkdown(w io.Writer, s *Summary) error {
	var b strings.Builder
	b.WriteString("# aiguard scan report\n\n")
	b.WriteString(overview(s) + "\n\n")
	b.WriteString("## Compliance by rule\n\n")
	b.WriteString("| Rule | Severity | Compliant | Non-compliant | Not applicable |\n|---|---|--:|--:|--:|\n")
	for _, r := range s.Rules {
		fmt.Fprintf(&b, "| `%s` | %s | %d | %d | %d |\n", r.Rule.ID, r.Rule.Severity, r.Compliant, r.NonCompliant, r.NotApplicable)
	}
	b.WriteString("\n## Compliance by account\n\n")
	if len(s.Accounts) == 0 {
		b.WriteString("No evaluations.\n")
	} else {
		b.WriteString("| Account | Compliant | Non-compliant | Not applicable |\n|---|--:|--:|--:|\n")
		for _, a := range s.Accounts {
			fmt.Fprintf(&b, "| %s | %d | %d | %d |\n", mdCell(accountLabel(a.AccountID)), a.Compliant, a.NonCompliant, a.NotApplicable)
		}
	}
	b.WriteString("\n## Non-compliant resources\n\n")
	if len(s.NonCompliant) == 0 {
		b.WriteString("None.\n")
	} else {
		b.WriteString("| Severity | Rule | Account | Region | Resource | Annotation |\n|---|---|---|---|---|---|\n")
		for _, f := range s.NonCompliant {
			fmt.Fprintf(&b, "| %s | `%s` | %s | %s | %s | %s |\n", f.Rule.Severity, f.Rule.ID, mdCell(dash(f.Resource.AccountID)),
				mdCell(dash(f.Resource.Region)), mdCell(resourceLabel(f.Resource)), mdCell(f.Annotation))
		}
		for _, r := range s.Rules {
			if n := s.Omitted[r.Rule.ID]; n > 0 {
				fmt.Fprintf(&b, "\n… and %d more non-compliant for `%s` (`--format json` lists every evaluation).\n", n, r.Rule.ID)
			}
		}
	}
	if len(s.Problems) > 0 {
		b.WriteString("\n## Skipped items\n\n")
		for i, p := range s.Problems {
			if i == reportProblems {
				fmt.Fprintf(&b, "- … and %d more\n", s.Skipped-reportProblems)
				break
			}
			fmt.Fprintf(&b, "- %s\n", mdCell(p.Error()))
		}
	}
	if len(s.Notes) > 0 {
		b.WriteString("\n## Notes\n\n")
		for _, n := range s.Notes {
			fmt.Fprintf(&b, "- %s\n", mdCell(n))
		}
	}
	b.WriteString("\n## Inputs\n\n| Input | Kind | Items | Skipped |\n|---|---|--:|--:|\n")
	for _, in := range s.Inputs {
		kind := string(in.Kind)
		if in.Gzip {
			kind += " (gzip)"
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %d |\n", mdCell(in.Name), kind, in.CIs, in.Skipped)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mdCell escapes text for a Markdown table cell: one line, no column
// breaks, no HTML.
func mdCell(s string) string {
	s = cell(s)
	r := strings.NewReplacer(`\`, `\\`, "|", `\|`, "<", "&lt;", ">", "&gt;", "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`)
	return r.Replace(s)
}

func accountLabel(id string) string {
	if id == "" {
		return "(no account)"
	}
	return id
}
