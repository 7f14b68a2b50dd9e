package iampolicy

import (
	"fmt"
	"sort"
)

// Severity of a finding.
type Severity string

// Severities, from worst. They are spelled as conformance.Severity so that
// the CLI prints pack and policy findings alike.
const (
	SeverityError   Severity = "error"   // the policy is rejected, or does not do what it says
	SeverityWarning Severity = "warning" // likely a mistake, or a construct that may not behave as meant
	SeverityInfo    Severity = "info"    // worth knowing; nothing to fix
)

// Finding is one problem Lint found in a policy. It has the shape of
// conformance.Finding.
type Finding struct {
	Severity Severity `json:"severity"`
	// Code is stable, e.g. policy-action-unknown; Codes lists them.
	Code string `json:"code"`
	// Message says what is wrong and what to change.
	Message string `json:"message"`
	// Location is the statement's Sid; "statement N" (1-based) when it has
	// none, and "statement N, Sid S" when another statement shares it;
	// empty for the document as a whole.
	Location string `json:"location"`
	// Line is the 1-based line in the document; 0 when unknown (a
	// document built in Go rather than read).
	Line int `json:"line,omitempty"`
}

func (f Finding) String() string {
	s := fmt.Sprintf("%s: %s: %s", f.Severity, f.Code, f.Message)
	switch {
	case f.Location != "" && f.Line > 0:
		s += fmt.Sprintf(" (%s, line %d)", f.Location, f.Line)
	case f.Location != "":
		s += fmt.Sprintf(" (%s)", f.Location)
	case f.Line > 0:
		s += fmt.Sprintf(" (line %d)", f.Line)
	}
	return s
}

// HasErrors reports whether any finding is an error.
func HasErrors(fs []Finding) bool {
	for _, f := range fs {
		if f.Severity == SeverityError {
			return true
		}
	}
	return false
}

// sortFindings orders findings by line; findings on one line (or without
// lines, for a document built in Go) keep the order the checks found them
// in, which is statement order.
func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].Line < fs[j].Line })
}
