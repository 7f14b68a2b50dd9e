package rules

func sagemakerNotebookHardeningRules() []*Rule {
	return nil
}
