package rules

func sagemakerDomainRules() []*Rule {
	return nil
}
