// Package findings is the shape of what aiguard's checkers report — the
// conformance-pack linter and the IAM policy linter alike — so that the CLI
// prints every finding the same way (`file:line:column: severity: code:
// message (location)`, JSON with the keys file, line, column, severity,
// code, message and location, or SARIF).
package findings

import "fmt"

// Severity of a finding.
type Severity string

// Severities, from worst.
const (
	Error   Severity = "error"   // the artifact is rejected, or does not do what it says
	Warning Severity = "warning" // likely a mistake, or a limit that may be exceeded
	Info    Severity = "info"    // worth knowing; nothing to fix
)

// Finding is one problem a checker found.
type Finding struct {
	Severity Severity `json:"severity"`
	// Code is stable, e.g. pack-template-size or policy-action-unknown.
	Code string `json:"code"`
	// Message says what is wrong and what to change.
	Message string `json:"message"`
	// Location names the part: a template resource's logical ID, a
	// statement's Sid or index; empty for the document as a whole.
	Location string `json:"location"`
	// Line and Column are 1-based; 0 when unknown. Columns count
	// characters.
	Line   int `json:"line,omitempty"`
	Column int `json:"column,omitempty"`
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
		if f.Severity == Error {
			return true
		}
	}
	return false
}
