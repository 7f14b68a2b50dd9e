package hunt

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/aiguard/aiguard/asff"
	"github.com/aiguard/aiguard/detections"
	"github.com/aiguard/aiguard/internal/english"
	"github.com/aiguard/aiguard/sarif"
)

// Summary is the one-line account of a hunt: what it found in what it read.
func (r *Result) Summary() string {
	return fmt.Sprintf("%s in %s from %s (%d looked at by a detection); %d skipped",
		english.Count(len(r.Findings), "finding"), english.Count(int(r.Records), "record"),
		english.Count(r.Files, "file"), r.Matched, r.Skipped)
}

// WriteJSON writes the findings as a JSON array (empty, not null, when
// there are none).
func WriteJSON(w io.Writer, r *Result) error {
	findings := r.Findings
	if findings == nil {
		findings = []*detections.Finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(findings)
}

// WriteASFF writes the findings as BatchImportFindings request bodies, one
// a line, each at most asff.BatchSize findings of one account and Region
// (a finding is imported from its own account). Every finding is checked
// against what the API accepts before anything is written. now is the
// import time.
func WriteASFF(w io.Writer, r *Result, reg *detections.Registry, now time.Time) error {
	// The batches of an account and Region are written together, in
	// account and Region order: sort, and write each one's last batch
	// before the next begins.
	findings := slices.Clone(r.Findings)
	slices.SortStableFunc(findings, func(a, b *detections.Finding) int {
		return cmp.Or(cmp.Compare(a.AccountID, b.AccountID), cmp.Compare(a.AWSRegion, b.AWSRegion))
	})
	ids := make([]string, len(findings))
	encoded := make([][]byte, len(findings))
	for i, f := range findings {
		d, ok := reg.Get(f.DetectionID)
		if !ok {
			return fmt.Errorf("finding of unknown detection %s", f.DetectionID)
		}
		a := f.ASFF(d, detections.ASFFOptions{Now: now})
		if err := asff.Validate(a); err != nil {
			return fmt.Errorf("finding %s: %w", a.ID, err)
		}
		enc, err := json.Marshal(a)
		if err != nil {
			return err
		}
		ids[i], encoded[i] = a.ID, enc
	}
	bw := asff.NewBatchWriter(w)
	for i, f := range findings {
		if i > 0 && (f.AccountID != findings[i-1].AccountID || f.AWSRegion != findings[i-1].AWSRegion) {
			if err := bw.Flush(); err != nil {
				return err
			}
		}
		if err := bw.Add(f.AccountID, f.AWSRegion, ids[i], encoded[i]); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// WriteSARIF writes a SARIF 2.1.0 log: one rule per detection of the
// catalog, one result per finding, located at the first event's file and
// line when it came from a file (relative to base, the working
// directory), and at the principal and account. now is the time of the
// findings' ASFF Ids, which fingerprint the results.
func WriteSARIF(w io.Writer, r *Result, reg *detections.Registry, now time.Time, base string) error {
	tool := sarif.Tool{Driver: sarif.Driver{Name: "aiguard", InformationURI: "https://github.com/aiguard/aiguard"}}
	index := map[string]int{}
	for i, d := range reg.All() {
		index[d.ID] = i
		sev := string(d.Severity)
		tool.Driver.Rules = append(tool.Driver.Rules, sarif.ReportingDescriptor{
			ID:                   d.ID,
			Name:                 d.ID,
			ShortDescription:     &sarif.Message{Text: d.Title},
			FullDescription:      &sarif.Message{Text: d.Description},
			Help:                 &sarif.Message{Text: d.Remediation},
			DefaultConfiguration: &sarif.ReportingConfiguration{Level: sarif.Level(sev)},
			Properties: &sarif.PropertyBag{
				Tags:             []string{"security", "cloudtrail", d.Technique.ID},
				SecuritySeverity: sarif.SecuritySeverity(sev),
			},
		})
	}
	sw, err := sarif.NewWriter(w, tool, nil)
	if err != nil {
		return err
	}
	for _, f := range r.Findings {
		d, _ := reg.Get(f.DetectionID)
		res := &sarif.Result{
			RuleID:    f.DetectionID,
			RuleIndex: index[f.DetectionID],
			Level:     sarif.Level(f.Severity),
			Message:   sarif.Message{Text: f.Reason},
			PartialFingerprints: map[string]string{
				"aiguardFinding/v1": f.ASFF(d, detections.ASFFOptions{Now: now}).ID,
			},
			Properties: &sarif.PropertyBag{Extra: map[string]string{
				"aiguard/accountId": f.AccountID, "aiguard/awsRegion": f.AWSRegion, "aiguard/principal": f.Principal,
				"aiguard/firstSeen": f.FirstSeen.UTC().Format(time.RFC3339), "aiguard/lastSeen": f.LastSeen.UTC().Format(time.RFC3339),
				"aiguard/eventCount": fmt.Sprint(f.EventCount),
			}},
		}
		loc := sarif.Location{LogicalLocations: []sarif.LogicalLocation{{FullyQualifiedName: "AWS::::Account:" + f.AccountID, Kind: "account"}}}
		if f.Principal != "" {
			loc.LogicalLocations = append(loc.LogicalLocations, sarif.LogicalLocation{FullyQualifiedName: f.Principal, Kind: "principal"})
		}
		if src := f.Source; src.File != "" && src.File != "-" {
			art, err := sarif.ArtifactURI(src.File, base)
			if err == nil {
				loc.PhysicalLocation = &sarif.PhysicalLocation{ArtifactLocation: art, Region: &sarif.Region{StartLine: max(src.Line, 1)}}
			}
		}
		res.Locations = []sarif.Location{loc}
		if err := sw.Result(res); err != nil {
			return err
		}
	}
	var notes []sarif.Notification
	for _, s := range r.NotRun {
		notes = append(notes, sarif.Notification{Level: sarif.LevelNote, Message: sarif.Message{Text: "detection " + s.ID + " did not run: it " + s.Reason}})
	}
	for _, p := range r.Problems {
		notes = append(notes, sarif.Notification{Level: sarif.LevelWarning, Message: sarif.Message{Text: "skipped " + p.Error()}})
	}
	return sw.Close(&sarif.Invocation{ExecutionSuccessful: true, ToolExecutionNotifications: notes})
}

// WriteMarkdown writes the report as GitHub-flavoured Markdown: the
// summary, the findings, what to do about each detection that fired, and
// the detections that did not run.
func WriteMarkdown(w io.Writer, r *Result, reg *detections.Registry) error {
	var b strings.Builder
	b.WriteString("# aiguard hunt\n\n")
	fmt.Fprintf(&b, "%s.\n\n", r.Summary())
	if len(r.Findings) > 0 {
		b.WriteString("| Severity | Detection | Account | Region | Principal | First seen (UTC) | Last seen (UTC) | Events | What |\n")
		b.WriteString("|---|---|---|---|---|---|---|---|---|\n")
		for _, f := range r.Findings {
			fmt.Fprintf(&b, "| %s | `%s` | %s | %s | %s | %s | %s | %d | %s |\n", f.Severity, f.DetectionID, f.AccountID, f.AWSRegion,
				mdCell(dash(f.Principal)), f.FirstSeen.UTC().Format("2006-01-02 15:04:05"), f.LastSeen.UTC().Format("2006-01-02 15:04:05"),
				f.EventCount, mdCell(f.Reason))
		}
		b.WriteString("\n## What to do\n\n")
		var seen []string
		for _, f := range r.Findings {
			if slices.Contains(seen, f.DetectionID) {
				continue
			}
			seen = append(seen, f.DetectionID)
			if d, ok := reg.Get(f.DetectionID); ok {
				fmt.Fprintf(&b, "- **%s** (`%s`, %s %s): %s\n", d.Title, d.ID, d.Technique.ID, d.Technique.Name, d.Remediation)
			}
		}
	}
	if len(r.NotRun) > 0 {
		b.WriteString("\n## Detections that did not run\n\n")
		for _, s := range r.NotRun {
			fmt.Fprintf(&b, "- `%s`: it %s\n", s.ID, s.Reason)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// dash stands in for an empty value in a report's column.
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// mdCell makes text safe inside a Markdown table cell.
func mdCell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	s = strings.ReplaceAll(s, "\n", " ")
	return s
}
