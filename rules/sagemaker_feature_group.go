package rules

func sagemakerFeatureGroupRules() []*Rule {
	return nil
}
