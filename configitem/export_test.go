package configitem

// Tree returns what a Value holds, uncopied, for tests that check what is
// shared.
func Tree(v Value) any { return v.v }
