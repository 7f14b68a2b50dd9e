package rules

func bedrockRules() []*Rule {
	return nil
}
