package iampolicy

import (
	"sort"

	"github.com/aiguard/aiguard/internal/findings"
)

// Severity and Finding are the shared shape of checker findings, as
// conformance reports them too, so the CLI prints pack and policy findings
// alike. A Finding's Location is the statement's Sid; "statement N"
// (1-based) when it has none, and "statement N, Sid S" when another
// statement shares it; empty for the document as a whole. Its Line is 0
// for a document built in Go rather than read.
type (
	Severity = findings.Severity
	Finding  = findings.Finding
)

// Severities, from worst.
const (
	SeverityError   = findings.Error   // the policy is rejected, or does not do what it says
	SeverityWarning = findings.Warning // likely a mistake, or a construct that may not behave as meant
	SeverityInfo    = findings.Info    // worth knowing; nothing to fix
)

// sortFindings orders findings by line; findings on one line (or without
// lines, for a document built in Go) keep the order the checks found them
// in, which is statement order.
func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].Line < fs[j].Line })
}
