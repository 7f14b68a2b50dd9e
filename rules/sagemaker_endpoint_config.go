package rules

func sagemakerEndpointConfigRules() []*Rule {
	return nil
}
