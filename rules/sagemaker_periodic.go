package rules

func sagemakerPeriodicRules() []*Rule {
	return nil
}
