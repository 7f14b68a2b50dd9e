package rules

func s3Rules() []*Rule {
	return nil
}
