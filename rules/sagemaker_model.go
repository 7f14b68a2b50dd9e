package rules

func sagemakerModelRules() []*Rule {
	return nil
}
