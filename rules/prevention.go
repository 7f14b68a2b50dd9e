package rules

// preventedBy is the closing sentence of the description of a rule whose
// violations the SCPs aiguard generates also deny before the fact.
func preventedBy(what string) string { return "T" + prevention(what) }

// preventedWhen is preventedBy for a rule whose parameters decide it.
func preventedWhen(when, what string) string { return "With " + when + ", t" + prevention(what) }

func prevention(what string) string {
	return "he team's SCPs (aiguard generate) deny " + what + " before it happens, where they have room " +
		"(docs/policies.md)."
}
