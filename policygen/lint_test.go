package policygen

import (
	"testing"

	"github.com/aiguard/aiguard/iampolicy"
)

// TestGeneratedPoliciesPassLint runs the same linter as `aiguard lint
// policy` over every policy generated for the example: none may have an
// error or a warning.
func TestGeneratedPoliciesPassLint(t *testing.T) {
	arts := exampleArtifacts(t)
	types := map[Kind]iampolicy.Type{
		KindSCP:           iampolicy.TypeSCP,
		KindBoundary:      iampolicy.TypeBoundary,
		KindExecutionRole: iampolicy.TypeIdentity,
	}
	linted := 0
	for _, a := range arts {
		typ, ok := types[a.Kind]
		if !ok {
			continue
		}
		linted++
		for _, f := range iampolicy.LintData(a.Body, typ) {
			if f.Severity != iampolicy.SeverityInfo {
				t.Errorf("%s: %s: %s: %s (%s)", a.Path, f.Severity, f.Code, f.Message, f.Location)
			}
		}
	}
	if linted == 0 {
		t.Fatal("no policy linted")
	}
}
