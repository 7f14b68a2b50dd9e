package rules

import (
	"fmt"
	"strings"
	"time"
)

// ExemptParam is the reserved rule parameter through which an organization
// exempts resources from a rule: a comma-separated list of resource IDs (as
// Config reports them in complianceResourceId), each optionally followed by
// @YYYY-MM-DD, the last day (UTC) the exemption applies. AWS Config has no
// per-resource exemption of its own; the generator writes this parameter
// from the organization spec's exceptions.
const ExemptParam = "exemptResourceIds"

// Exemptions are parsed exemptResourceIds: resource ID to the instant the
// exemption ends (zero: it does not end).
type Exemptions map[string]time.Time

// FormatExemption writes one exemptResourceIds entry.
func FormatExemption(resourceID, lastDay string) string {
	if lastDay == "" {
		return resourceID
	}
	return resourceID + "@" + lastDay
}

// ParseExemptions parses an exemptResourceIds value.
func ParseExemptions(s string) (Exemptions, error) {
	out := Exemptions{}
	for _, entry := range splitCSV(s) {
		id, until := entry, time.Time{}
		if i := strings.LastIndexByte(entry, '@'); i > 0 && len(entry)-i-1 == len(time.DateOnly) {
			day, err := time.Parse(time.DateOnly, entry[i+1:])
			if err != nil {
				return nil, fmt.Errorf("parameter %s: entry %q: the date after @ is not YYYY-MM-DD", ExemptParam, entry)
			}
			id, until = entry[:i], day.AddDate(0, 0, 1)
		}
		out[id] = until
	}
	return out, nil
}

// Apply turns a NON_COMPLIANT evaluation of an exempted resource into
// NOT_APPLICABLE, saying so and keeping what the check found; everything
// else, and an exemption that ended before now, is left alone.
func (x Exemptions) Apply(ev Evaluation, now time.Time) Evaluation {
	until, ok := x[ev.ResourceID]
	if !ok || ev.Compliance != NonCompliant || (!until.IsZero() && !now.Before(until)) {
		return ev
	}
	note := "Exempted by the organization spec"
	if !until.IsZero() {
		note += " until " + until.AddDate(0, 0, -1).Format(time.DateOnly)
	}
	ev.Compliance = NotApplicable
	ev.Annotation = Annotation(note + ". Found: " + ev.Annotation)
	return ev
}

// ApplyExemptions applies the exemptResourceIds parameter, if params hold
// one, to every evaluation.
func ApplyExemptions(evals []Evaluation, params map[string]string, now time.Time) error {
	s := params[ExemptParam]
	if s == "" {
		return nil
	}
	x, err := ParseExemptions(s)
	if err != nil {
		return err
	}
	for i := range evals {
		evals[i] = x.Apply(evals[i], now)
	}
	return nil
}
