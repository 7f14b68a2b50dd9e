package iampolicy

import (
	"slices"
	"strings"
)

// ActionElement returns the patterns of the statement's Action element, or
// those of its NotAction element (not is true) when it has no Action: the
// actions the statement applies to, or those it applies to all but. A
// statement with neither gives nil and false.
func (s *Statement) ActionElement() (patterns []string, not bool) {
	if s.Action == nil && s.NotAction != nil {
		return s.NotAction, true
	}
	return s.Action, false
}

// ResourceElement returns the patterns of the statement's Resource element,
// or those of its NotResource element (not is true) when it has no
// Resource. A statement with neither gives nil and false: it covers no
// resource.
func (s *Statement) ResourceElement() (patterns []string, not bool) {
	if s.Resource == nil && s.NotResource != nil {
		return s.NotResource, true
	}
	return s.Resource, false
}

// PrincipalElement returns the statement's Principal element, or its
// NotPrincipal element (not is true) when it has no Principal; nil for
// an identity policy's statement, which has neither.
func (s *Statement) PrincipalElement() (p *Principal, not bool) {
	if s.Principal == nil && s.NotPrincipal != nil {
		return s.NotPrincipal, true
	}
	return s.Principal, false
}

// ConditionTest is one key test of a Condition element:
// "ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": [...]} gives the
// operator and the key as written, and the values.
type ConditionTest struct {
	Operator string
	Key      string
	Values   []string
}

// Tests returns the element's key tests sorted by operator, then by key
// (as written, byte order), so that whoever walks them (the evaluator, the
// rules) meets them in the same order whatever the map's.
func (c Condition) Tests() []ConditionTest {
	if len(c) == 0 {
		return nil
	}
	n := 0
	ops := make([]string, 0, len(c))
	for op, keys := range c {
		ops = append(ops, op)
		n += len(keys)
	}
	slices.Sort(ops)
	out := make([]ConditionTest, 0, n)
	keys := make([]string, 0, n)
	for _, op := range ops {
		keys = keys[:0]
		for k := range c[op] {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			out = append(out, ConditionTest{Operator: op, Key: k, Values: c[op][k]})
		}
	}
	return out
}

// MatchWildcard matches s against a policy pattern in which * stands for
// any run of characters (the empty one included) and ? for one character,
// as IAM matches actions and resources; fold makes letters match in any
// case (actions), otherwise the match is exact (ARNs). It backtracks at
// most once per star, so no input makes it slow, and ASCII input, the
// usual case, is matched without allocating.
func MatchWildcard(pattern, s string, fold bool) bool {
	if isASCII(pattern) && isASCII(s) {
		return globMatch([]byte(pattern), []byte(s), fold)
	}
	if fold {
		pattern, s = strings.ToLower(pattern), strings.ToLower(s)
	}
	return globMatch([]rune(pattern), []rune(s), false)
}

// globMatch is the backtracking matcher behind MatchWildcard; fold lowers
// ASCII letters.
func globMatch[T byte | rune](pat, str []T, fold bool) bool {
	lower := func(c T) T {
		if fold && c >= 'A' && c <= 'Z' {
			return c + 'a' - 'A'
		}
		return c
	}
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(str) {
		switch {
		case p < len(pat) && (pat[p] == '?' || lower(pat[p]) == lower(str[i])):
			p++
			i++
		case p < len(pat) && pat[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pat) && pat[p] == '*' {
		p++
	}
	return p == len(pat)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
