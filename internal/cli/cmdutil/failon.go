package cmdutil

import (
	"strings"
)

// Levels are severities from the lowest; --fail-on names one of them, or
// none.
type Levels struct {
	names   []string
	aliases map[string]string
}

// RuleSeverities are the severities of rules and detections (Security
// Hub's labels).
var RuleSeverities = Levels{
	names:   []string{"informational", "low", "medium", "high", "critical"},
	aliases: map[string]string{"info": "informational"},
}

// FindingSeverities are the severities of linter findings.
var FindingSeverities = Levels{
	names:   []string{"info", "warning", "error"},
	aliases: map[string]string{"informational": "info", "warn": "warning"},
}

// Rank returns the level's place, 1 for the lowest; 0 for an unknown one.
// Case does not matter.
func (l Levels) Rank(level string) int {
	s := strings.ToLower(strings.TrimSpace(level))
	if a, ok := l.aliases[s]; ok {
		s = a
	}
	for i, n := range l.names {
		if n == s {
			return i + 1
		}
	}
	return 0
}

// Threshold is a parsed --fail-on.
type Threshold struct {
	rank   int // 0: never fail
	name   string
	levels Levels
}

// ParseFailOn reads --fail-on: a level in any case, or none.
func ParseFailOn(value string, levels Levels) (Threshold, error) {
	v := strings.ToLower(strings.TrimSpace(value))
	if v == "none" {
		return Threshold{levels: levels}, nil
	}
	r := levels.Rank(v)
	if r == 0 {
		return Threshold{}, Usagef("--fail-on: got %q, want %s or none", value, strings.Join(levels.names, ", "))
	}
	return Threshold{rank: r, name: levels.names[r-1], levels: levels}, nil
}

// Trips reports whether a finding of the level fails the command.
func (t Threshold) Trips(level string) bool {
	return t.rank > 0 && t.levels.Rank(level) >= t.rank
}

// None reports whether nothing fails the command.
func (t Threshold) None() bool { return t.rank == 0 }

func (t Threshold) String() string {
	if t.rank == 0 {
		return "none"
	}
	return t.name
}
