package rules

func sagemakerMonitoringRules() []*Rule {
	return nil
}
