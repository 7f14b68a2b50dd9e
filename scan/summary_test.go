package scan

import (
	"testing"

	"github.com/aiguard/aiguard/rules"
)

// TestNonCompliantAt: the findings listed and those omitted count alike,
// by their rule's severity.
func TestNonCompliantAt(t *testing.T) {
	high := &rules.Rule{ID: "high", Severity: rules.SeverityHigh}
	low := &rules.Rule{ID: "low", Severity: rules.SeverityLow}
	sum := &Summary{
		NonCompliant: []Finding{{Rule: high}, {Rule: high}, {Rule: low}},
		Rules:        []RuleCount{{Rule: high}, {Rule: low}},
		Omitted:      map[string]int{"high": 5, "low": 7},
	}
	atLeast := func(min rules.Severity) func(rules.Severity) bool {
		return func(s rules.Severity) bool { return SeverityRank(s) >= SeverityRank(min) }
	}
	for _, tc := range []struct {
		name  string
		fails func(rules.Severity) bool
		want  int
	}{
		{"none", func(rules.Severity) bool { return false }, 0},
		{"critical", atLeast(rules.SeverityCritical), 0},
		{"high", atLeast(rules.SeverityHigh), 2 + 5},
		{"low", atLeast(rules.SeverityLow), 3 + 5 + 7},
	} {
		if got := sum.NonCompliantAt(tc.fails); got != tc.want {
			t.Errorf("%s: NonCompliantAt = %d, want %d", tc.name, got, tc.want)
		}
	}
	if got := (&Summary{}).NonCompliantAt(atLeast(rules.SeverityLow)); got != 0 {
		t.Errorf("empty summary: %d", got)
	}
}
