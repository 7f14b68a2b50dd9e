package rules

func kmsRules() []*Rule {
	return nil
}
