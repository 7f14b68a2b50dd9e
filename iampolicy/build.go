package iampolicy

import "slices"

// With adds values to the operator's key, keeping the key's values sorted
// and without duplicates (a generated policy lists them in one order, so
// that its text is the same on every run), and returns the condition: a
// new one when c is nil, so that builders can chain calls.
func (c Condition) With(op, key string, values ...string) Condition {
	if c == nil {
		c = Condition{}
	}
	if c[op] == nil {
		c[op] = map[string][]string{}
	}
	vals := slices.Concat(c[op][key], values)
	slices.Sort(vals)
	c[op][key] = slices.Compact(vals)
	return c
}

// Clone returns a copy of c that With can change without changing c; nil
// for nil.
func (c Condition) Clone() Condition {
	if c == nil {
		return nil
	}
	out := make(Condition, len(c))
	for op, keys := range c {
		m := make(map[string][]string, len(keys))
		for k, v := range keys {
			m[k] = slices.Clone(v)
		}
		out[op] = m
	}
	return out
}
