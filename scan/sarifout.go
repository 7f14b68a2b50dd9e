package scan

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/aiguard/aiguard/rules"
	"github.com/aiguard/aiguard/sarif"
)

// RulesDocURL is where each rule is documented (docs/rules.md, an anchor
// per rule ID).
const RulesDocURL = "https://github.com/aiguard/aiguard/blob/main/docs/rules.md"

// SARIFWriter writes the findings of a scan as a SARIF 2.1.0 log for GitHub
// code scanning and other CI systems: one reportingDescriptor per rule of
// the scan, one result per failure (suppressed failures included, with
// their suppression, exempted ones too), located at the file, line and
// column of the template resource or property, or at the file and the
// item's place in a snapshot. Artifact URIs are relative to BaseDir
// (normally the working directory, the repository root in a pipeline).
type SARIFWriter struct {
	w     *sarif.Writer
	base  string
	index map[string]int
	rules []*rules.Rule
}

// NewSARIFWriter starts a log. list are the rules of the scan, base the
// directory artifact URIs are relative to.
func NewSARIFWriter(w io.Writer, list []*rules.Rule, base, version string) (*SARIFWriter, error) {
	s := &SARIFWriter{base: base, index: map[string]int{}, rules: list}
	driver := sarif.Driver{Name: "aiguard", Version: version, InformationURI: "https://github.com/aiguard/aiguard"}
	for i, r := range list {
		s.index[r.ID] = i
		driver.Rules = append(driver.Rules, RuleDescriptor(r))
	}
	sw, err := sarif.NewWriter(w, sarif.Tool{Driver: driver}, nil)
	if err != nil {
		return nil, err
	}
	s.w = sw
	return s, nil
}

// RuleDescriptor describes a rule for SARIF.
func RuleDescriptor(r *rules.Rule) sarif.ReportingDescriptor {
	service := ""
	for _, t := range r.ResourceTypes {
		if parts := strings.Split(t, "::"); len(parts) == 3 && parts[1] != "" {
			service = strings.ToLower(parts[1])
			break
		}
	}
	tags := []string{"security", "aws"}
	if service != "" {
		tags = append(tags, service)
	}
	return sarif.ReportingDescriptor{
		ID:               r.ID,
		Name:             pascal(r.ID),
		ShortDescription: &sarif.Message{Text: r.Title},
		FullDescription:  &sarif.Message{Text: r.Description},
		Help: &sarif.Message{
			Text:     r.Remediation,
			Markdown: fmt.Sprintf("%s\n\n**Remediation:** %s\n\nSeverity: %s. Resource types: %s.", r.Description, r.Remediation, r.Severity, strings.Join(r.ResourceTypes, ", ")),
		},
		HelpURI:              RulesDocURL + "#" + r.ID,
		DefaultConfiguration: &sarif.ReportingConfiguration{Level: sarif.Level(string(r.Severity))},
		Properties: &sarif.PropertyBag{Tags: tags, SecuritySeverity: sarif.SecuritySeverity(string(r.Severity)),
			Precision: "high", Extra: map[string]string{"aiguard/severity": string(r.Severity), "aiguard/control": r.Control}},
	}
}

// pascal turns a rule ID into a readable name: s3-ml-bucket -> S3MlBucket.
func pascal(id string) string {
	var b strings.Builder
	for _, p := range strings.Split(id, "-") {
		if p != "" {
			b.WriteString(strings.ToUpper(p[:1]) + p[1:])
		}
	}
	return b.String()
}

// Prepare encodes the result's SARIF results.
func (s *SARIFWriter) Prepare(r *Result) {
	var b []byte
	for i := range r.Evaluations {
		res, ok := s.result(r, i)
		if !ok {
			continue
		}
		enc, err := sarif.Encode(res)
		if err != nil {
			continue
		}
		b = append(b, enc...)
		b = append(b, 0)
	}
	r.Encoded = b
}

// Result writes the prepared results.
func (s *SARIFWriter) Result(r *Result) error {
	for len(r.Encoded) > 0 {
		i := bytes.IndexByte(r.Encoded, 0)
		if i < 0 {
			break
		}
		if err := s.w.Write(r.Encoded[:i]); err != nil {
			return err
		}
		r.Encoded = r.Encoded[i+1:]
	}
	return nil
}

// result builds the SARIF result of one evaluation, if it is a failure.
func (s *SARIFWriter) result(r *Result, i int) (*sarif.Result, bool) {
	ev := r.Evaluations[i]
	var d Detail
	if i < len(r.Details) {
		d = r.Details[i]
	}
	failed := ev.Compliance == rules.NonCompliant || (d.Suppressed != nil && d.Suppressed.Kind == SuppressedExemption)
	idx, known := s.index[ev.RuleID]
	if !failed || !known {
		return nil, false
	}
	sev := string(s.rules[idx].Severity)
	msg := ev.Annotation
	if msg == "" {
		msg = ev.RuleID + " fails on " + ResourceLabel(r.Resource)
	}
	res := &sarif.Result{
		RuleID: ev.RuleID, RuleIndex: idx, Kind: "fail", Level: sarif.Level(sev),
		Message:             sarif.Message{Text: ResourceLabel(r.Resource) + ": " + msg},
		PartialFingerprints: map[string]string{"aiguardFinding/v1": FindingID(ev.RuleID, r.Resource)},
		Locations:           []sarif.Location{s.location(r, d.Where)},
	}
	if sp := d.Suppressed; sp != nil {
		kind := sarif.SuppressionExternal
		if sp.InSource() {
			kind = sarif.SuppressionInSource
		}
		just := sp.Kind + ": " + sp.Reason
		if sp.Expires != "" {
			just += " (until " + sp.Expires + ")"
		}
		res.Suppressions = []sarif.Suppression{{Kind: kind, Status: "accepted", Justification: just}}
	}
	return res, true
}

// location is the file and region of a result, with the resource as its
// logical location.
func (s *SARIFWriter) location(r *Result, where Position) sarif.Location {
	loc := sarif.Location{}
	logical := sarif.LogicalLocation{Name: r.Resource.ID, Kind: "resource",
		FullyQualifiedName: r.Resource.Type + "/" + r.Resource.ID}
	if where.Array != "" && where.Index >= 0 {
		logical.FullyQualifiedName = fmt.Sprintf("%s[%d]/%s", where.Array, where.Index, logical.FullyQualifiedName)
	}
	loc.LogicalLocations = []sarif.LogicalLocation{logical}
	if where.File == "" || where.File == "-" {
		return loc
	}
	art, err := sarif.ArtifactURI(filepath.Clean(where.File), s.base)
	if err != nil {
		return loc
	}
	pl := &sarif.PhysicalLocation{ArtifactLocation: art}
	if where.Line > 0 {
		pl.Region = &sarif.Region{StartLine: where.Line, StartColumn: where.Column}
	}
	loc.PhysicalLocation = pl
	return loc
}

// Close ends the log, with the items the scan skipped as notifications.
func (s *SARIFWriter) Close(sum *Summary) error {
	inv := &sarif.Invocation{ExecutionSuccessful: true}
	if sum != nil {
		for _, p := range sum.Problems {
			n := sarif.Notification{Level: sarif.LevelWarning, Message: sarif.Message{Text: p.Error()}}
			if p.Pos.File != "" && p.Pos.File != "-" {
				if art, err := sarif.ArtifactURI(p.Pos.File, s.base); err == nil {
					pl := &sarif.PhysicalLocation{ArtifactLocation: art}
					if p.Pos.Line > 0 {
						pl.Region = &sarif.Region{StartLine: p.Pos.Line, StartColumn: p.Pos.Column}
					}
					n.Locations = []sarif.Location{{PhysicalLocation: pl}}
				}
			}
			inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, n)
		}
	}
	return s.w.Close(inv)
}
