package scan

import (
	"fmt"
	"io"
	"strings"

	"github.com/aiguard/aiguard/internal/english"
	"github.com/aiguard/aiguard/internal/textsafe"
)

// The human reports list at most this many skipped items; stderr and the
// counts have the rest.
const reportProblems = 50

// ResourceLabel names a resource for people: its type and ID.
func ResourceLabel(r Identity) string {
	return r.Type + " " + r.ID
}

// Overview is the one-paragraph account of what was scanned.
func Overview(s *Summary) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Scanned %d %s from %d %s", s.CIs, english.Plural(s.CIs, "item", "items"),
		len(s.Inputs), english.Plural(len(s.Inputs), "input", "inputs"))
	evals, nc, sup := 0, 0, 0
	for _, r := range s.Rules {
		evals += r.Total()
		nc += r.NonCompliant
		sup += r.Suppressed
	}
	fmt.Fprintf(&b, " with %d %s: %d %s, %d non-compliant", len(s.Rules), english.Plural(len(s.Rules), "rule", "rules"),
		evals, english.Plural(evals, "evaluation", "evaluations"), nc)
	if sup > 0 {
		fmt.Fprintf(&b, ", %d suppressed", sup)
	}
	b.WriteString(".")
	if s.Uncovered > 0 {
		fmt.Fprintf(&b, " %d %s of types no rule covers.", s.Uncovered, english.Plural(s.Uncovered, "item is", "items are"))
	}
	if s.Skipped > 0 {
		fmt.Fprintf(&b, " %d %s skipped as unreadable.", s.Skipped, english.Plural(s.Skipped, "item was", "items were"))
	}
	return b.String()
}

// WriteMarkdown writes the report as GitHub-flavoured Markdown.
func WriteMarkdown(w io.Writer, s *Summary) error {
	var b strings.Builder
	b.WriteString("# aiguard scan report\n\n")
	b.WriteString(Overview(s) + "\n\n")
	b.WriteString("## Compliance by rule\n\n")
	b.WriteString("| Rule | Severity | Compliant | Non-compliant | Not applicable | Suppressed |\n|---|---|--:|--:|--:|--:|\n")
	for _, r := range s.Rules {
		if r.Total() == 0 {
			continue // nothing to report
		}
		fmt.Fprintf(&b, "| `%s` | %s | %d | %d | %d | %d |\n", r.Rule.ID, r.Rule.Severity, r.Compliant, r.NonCompliant,
			r.NotApplicable, r.Suppressed)
	}
	b.WriteString("\n## Compliance by account\n\n")
	if len(s.Accounts) == 0 {
		b.WriteString("No evaluations.\n")
	} else {
		b.WriteString("| Account | Compliant | Non-compliant | Not applicable |\n|---|--:|--:|--:|\n")
		for _, a := range s.Accounts {
			fmt.Fprintf(&b, "| %s | %d | %d | %d |\n", textsafe.MarkdownCell(accountLabel(a.AccountID)), a.Compliant, a.NonCompliant, a.NotApplicable)
		}
	}
	b.WriteString("\n## Non-compliant resources\n\n")
	if len(s.NonCompliant) == 0 {
		b.WriteString("None.\n")
	} else {
		b.WriteString("| Severity | Rule | Account | Region | Resource | Annotation |\n|---|---|---|---|---|---|\n")
		for _, f := range s.NonCompliant {
			fmt.Fprintf(&b, "| %s | `%s` | %s | %s | %s | %s |\n", f.Rule.Severity, f.Rule.ID, textsafe.MarkdownCell(dash(f.Resource.AccountID)),
				textsafe.MarkdownCell(dash(f.Resource.Region)), textsafe.MarkdownCell(ResourceLabel(f.Resource)), textsafe.MarkdownCell(f.Annotation))
		}
		for _, r := range s.Rules {
			if n := s.Omitted[r.Rule.ID]; n > 0 {
				fmt.Fprintf(&b, "\n… and %d more non-compliant for `%s` (`--format json` lists every evaluation).\n", n, r.Rule.ID)
			}
		}
	}
	if len(s.Suppressed) > 0 {
		b.WriteString("\n## Suppressed findings\n\n| Rule | Resource | Where | Suppressed by | Reason | Until |\n|---|---|---|---|---|---|\n")
		for _, f := range s.Suppressed {
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s |\n", f.Rule.ID, textsafe.MarkdownCell(ResourceLabel(f.Resource)), textsafe.MarkdownCell(f.Pos.String()),
				f.Suppressed.Kind, textsafe.MarkdownCell(f.Suppressed.Reason), dash(f.Suppressed.Expires))
		}
	}
	if len(s.Problems) > 0 {
		b.WriteString("\n## Skipped items\n\n")
		for i, p := range s.Problems {
			if i == reportProblems {
				fmt.Fprintf(&b, "- … and %d more\n", s.Skipped-reportProblems)
				break
			}
			fmt.Fprintf(&b, "- %s\n", textsafe.MarkdownCell(p.Error()))
		}
	}
	if len(s.Notes) > 0 {
		b.WriteString("\n## Notes\n\n")
		for _, n := range s.Notes {
			fmt.Fprintf(&b, "- %s\n", textsafe.MarkdownCell(n))
		}
	}
	b.WriteString("\n## Inputs\n\n| Input | Kind | Items | Skipped |\n|---|---|--:|--:|\n")
	for _, in := range s.Inputs {
		kind := string(in.Kind)
		if in.Gzip {
			kind += " (gzip)"
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %d |\n", textsafe.MarkdownCell(in.Name), kind, in.CIs, in.Skipped)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func accountLabel(id string) string {
	if id == "" {
		return "(no account)"
	}
	return id
}
