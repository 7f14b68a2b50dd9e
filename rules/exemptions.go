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

// exemptions are parsed exemptResourceIds: resource ID to the instant the
// exemption ends (zero: it does not end).
type exemptions map[string]time.Time

// FormatExemption writes one exemptResourceIds entry.
func FormatExemption(resourceID, lastDay string) string {
	if lastDay == "" {
		return resourceID
	}
	return resourceID + "@" + lastDay
}

// parseExemptions parses an exemptResourceIds value.
func parseExemptions(s string) (exemptions, error) {
	out := exemptions{}
	for _, entry := range splitCSV(s) {
		id, until := entry, time.Time{}
		if i := strings.LastIndexByte(entry, '@'); i > 0 && len(entry)-i-1 == len(time.DateOnly) {
			day, err := time.Parse(time.DateOnly, entry[i+1:])
			if err != nil {
				return nil, fmt.Errorf("entry %q: the date after @ is not YYYY-MM-DD", entry)
			}
			id, until = entry[:i], day.AddDate(0, 0, 1)
		}
		out[id] = until
	}
	return out, nil
}

// exemptApply marks an exempted evaluation NOT_APPLICABLE, saying until when and
// keeping what the check found.
func exemptApply(ev Evaluation, until time.Time) Evaluation {
	note := "Exempted by the organization spec"
	if !until.IsZero() {
		note += " until " + until.AddDate(0, 0, -1).Format(time.DateOnly)
	}
	ev.Compliance = NotApplicable
	ev.Annotation = Annotation(note + ". Found: " + ev.Annotation)
	return ev
}
