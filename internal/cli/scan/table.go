package scan

import (
	"fmt"
	"io"

	"github.com/aiguard/aiguard/internal/cli/cmdutil"
	"github.com/aiguard/aiguard/scan"
)

// writeTable writes the default report: compliance per rule (the rules
// with something to report), the findings with where they are, the
// suppressed findings, then the overview and notes (not with --quiet).
func writeTable(w io.Writer, s *scan.Summary, p cmdutil.Palette, quiet bool) error {
	rulesTable := &cmdutil.Table{Header: []string{"RULE", "SEVERITY", "COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE", "SUPPRESSED"}}
	for _, r := range s.Rules {
		if r.Total() == 0 {
			continue
		}
		rulesTable.Add(cmdutil.Cell{Text: r.Rule.ID}, cmdutil.Cell{Text: string(r.Rule.Severity), Paint: p.Severity},
			cmdutil.Cell{Text: fmt.Sprint(r.Compliant)}, count(r.NonCompliant, p), cmdutil.Cell{Text: fmt.Sprint(r.NotApplicable)},
			cmdutil.Cell{Text: fmt.Sprint(r.Suppressed)})
	}
	if rulesTable.Len() > 0 {
		if err := rulesTable.Write(w, p); err != nil {
			return err
		}
		fmt.Fprintln(w)
	}
	if len(s.NonCompliant) == 0 {
		fmt.Fprintln(w, "No non-compliant resources.")
	} else {
		fmt.Fprintln(w, p.Bold("NON-COMPLIANT RESOURCES"))
		t := findingsTable(s.NonCompliant, p, false)
		if err := t.Write(w, p); err != nil {
			return err
		}
		for _, r := range s.Rules {
			if n := s.Omitted[r.Rule.ID]; n > 0 {
				fmt.Fprintf(w, "... and %d more non-compliant for %s (--format json lists every evaluation)\n", n, r.Rule.ID)
			}
		}
	}
	if len(s.Suppressed) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, p.Bold("SUPPRESSED"))
		if err := findingsTable(s.Suppressed, p, true).Write(w, p); err != nil {
			return err
		}
		total := 0
		for _, r := range s.Rules {
			total += r.Suppressed
		}
		if n := total - len(s.Suppressed); n > 0 {
			fmt.Fprintf(w, "... and %d more suppressed (--format json lists every evaluation)\n", n)
		}
	}
	if quiet {
		return nil
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, scan.Overview(s))
	for _, n := range s.Notes {
		fmt.Fprintln(w, "Note:", n)
	}
	return nil
}

func count(n int, p cmdutil.Palette) cmdutil.Cell {
	c := cmdutil.Cell{Text: fmt.Sprint(n)}
	if n > 0 {
		c.Paint = p.Bad
	}
	return c
}

// findingsTable lists findings: severity, rule, resource, where it is (and
// the account when the findings have one), and the annotation or the
// suppression's reason.
func findingsTable(fs []scan.Finding, p cmdutil.Palette, suppressed bool) *cmdutil.Table {
	accounts := false
	for _, f := range fs {
		if f.Resource.AccountID != "" && !f.Resource.Template {
			accounts = true
		}
	}
	header := []string{"SEVERITY", "RULE", "RESOURCE", "WHERE"}
	if accounts {
		header = append(header, "ACCOUNT", "REGION")
	}
	last := "ANNOTATION"
	if suppressed {
		last = "SUPPRESSED BY"
	}
	t := &cmdutil.Table{Header: append(header, last), MaxWidth: cmdutil.TableWidth}
	for _, f := range fs {
		row := []cmdutil.Cell{{Text: string(f.Rule.Severity), Paint: p.Severity}, {Text: f.Rule.ID},
			{Text: scan.ResourceLabel(f.Resource)}, {Text: where(f.Pos)}}
		if accounts {
			row = append(row, cmdutil.Cell{Text: f.Resource.AccountID}, cmdutil.Cell{Text: f.Resource.Region})
		}
		text := f.Annotation
		if suppressed && f.Suppressed != nil {
			text = f.Suppressed.Kind + ": " + f.Suppressed.Reason
			if f.Suppressed.Expires != "" {
				text += " (until " + f.Suppressed.Expires + ")"
			}
		}
		t.Add(append(row, cmdutil.Cell{Text: text})...)
	}
	return t
}

// where is a position as an editor takes it: file:line:column, or the
// file and the item's place.
func where(p scan.Position) string {
	switch {
	case p.Line > 0 && p.Column > 0:
		return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
	case p.Line > 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	case p.Array != "" && p.Index >= 0:
		return fmt.Sprintf("%s %s[%d]", p.File, p.Array, p.Index)
	case p.Index >= 0:
		return fmt.Sprintf("%s [%d]", p.File, p.Index)
	}
	return p.File
}
