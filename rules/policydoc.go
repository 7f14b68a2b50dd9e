package rules

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aiguard/aiguard/configitem"
	"github.com/aiguard/aiguard/iampolicy"
)

// ciPolicy is an IAM policy document found in a configuration item (a key
// policy, bucket policy, trust policy or endpoint policy), read into
// iampolicy's model, with each statement's condition key tests as the
// rules test them, worked out once while reading: the rules' hot path
// tests them again and again.
type ciPolicy struct {
	iampolicy.Document
	// tests[i] are statement i's key tests, in iampolicy's order
	// (Condition.Tests: by operator, then key, as written).
	tests [][]keyTest
}

// errNoStatement reports a document without a Statement element.
var errNoStatement = errors.New("the policy has no Statement")

// parsePolicy reads a policy document held by v: a JSON object, or a string
// holding one (Config records bucket and key policies as JSON strings). It
// reads leniently, as Config records policies: a Statement object or array,
// a string or an array of strings, element names in any case, booleans and
// numbers as their text.
//
// Of the model's fields it fills, in each statement: Sid; Effect, "Allow"
// or "Deny" whatever the case written (any other Effect is an error);
// Action, or else NotAction, never both; Resource, or else NotResource;
// Principal, or else NotPrincipal, where a string or a list of strings is
// read as AWS principals (so "*" gives {"AWS": ["*"]}) and null as an empty
// element; and Condition. A present element is never nil.
func parsePolicy(v configitem.Value) (*ciPolicy, error) {
	if _, ok := v.Text(); ok {
		// Decoded once per item and cached: bucket and key policies arrive as
		// JSON strings, and several rules read the same one.
		decoded, err := v.JSON()
		if err != nil {
			return nil, fmt.Errorf("the policy is not valid JSON: %w", err)
		}
		v = decoded
	}
	if !v.IsObject() {
		return nil, fmt.Errorf("the policy is %s, not a JSON object", jsonKind(v.Raw()))
	}
	st := v.Field("Statement")
	if !st.Exists() || st.IsNull() {
		return nil, errNoStatement
	}
	list := st.List()
	out := &ciPolicy{
		Document: iampolicy.Document{Statement: make([]iampolicy.Statement, len(list))},
		tests:    make([][]keyTest, len(list)),
	}
	for i, sv := range list {
		if err := parseStatement(i, sv, &out.Statement[i], &out.tests[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func parseStatement(i int, v configitem.Value, s *iampolicy.Statement, tests *[]keyTest) error {
	if !v.IsObject() {
		return fmt.Errorf("statement %d is %s, not an object", i+1, jsonKind(v.Raw()))
	}
	s.Sid = v.Field("Sid").Str()
	switch effect := v.Field("Effect").Str(); {
	case strings.EqualFold(effect, "Allow"):
		s.Effect = "Allow"
	case strings.EqualFold(effect, "Deny"):
		s.Effect = "Deny"
	default:
		return fmt.Errorf("%s: Effect %q is neither Allow nor Deny", label(i, s), effect)
	}

	var err error
	if s.Action, s.NotAction, err = pickList(v, "Action", "NotAction"); err != nil {
		return fmt.Errorf("%s: %w", label(i, s), err)
	}
	if s.Resource, s.NotResource, err = pickList(v, "Resource", "NotResource"); err != nil {
		return fmt.Errorf("%s: %w", label(i, s), err)
	}
	p, target := v.Field("Principal"), &s.Principal
	if !p.Exists() {
		p, target = v.Field("NotPrincipal"), &s.NotPrincipal
	}
	if *target, err = parsePrincipal(p); err != nil {
		return fmt.Errorf("%s: %w", label(i, s), err)
	}
	if s.Condition, *tests, err = parseConditions(v.Field("Condition")); err != nil {
		return fmt.Errorf("%s: %w", label(i, s), err)
	}
	return nil
}

// pickList reads the element name, or else its Not form, as a list of
// strings: the first result holds the element, the second the Not form.
func pickList(v configitem.Value, name, notName string) (list, notList []string, err error) {
	if f := v.Field(name); f.Exists() {
		list, err = stringList(f, name)
		return list, nil, err
	}
	if f := v.Field(notName); f.Exists() {
		notList, err = stringList(f, notName)
		return nil, notList, err
	}
	return nil, nil, nil
}

// stringList reads a string or an array of strings, never nil. Booleans and
// numbers count as their text, since policy authors write both false and
// "false".
func stringList(v configitem.Value, name string) ([]string, error) {
	out := make([]string, 0, max(v.Len(), 1))
	for e := range v.Elements() {
		if e.IsObject() || e.IsList() {
			return nil, fmt.Errorf("%s holds %s, want strings", name, jsonKind(e.Raw()))
		}
		if s, ok := e.String(); ok {
			out = append(out, s)
		}
	}
	return out, nil
}

// parsePrincipal reads a Principal or NotPrincipal element; nil when it is
// absent.
func parsePrincipal(v configitem.Value) (*iampolicy.Principal, error) {
	if !v.Exists() {
		return nil, nil
	}
	p := &iampolicy.Principal{}
	if v.IsNull() {
		return p, nil
	}
	p.ByType = map[string][]string{}
	switch {
	case v.IsObject():
		// In order, so that the error, when there are several, is always
		// the same one.
		var buf [8]member
		for _, m := range sortedMembers(v, buf[:0]) {
			values, err := stringList(m.v, "Principal."+m.key)
			if err != nil {
				return nil, err
			}
			p.ByType[m.key] = append(p.ByType[m.key], values...)
		}
	default:
		// "*", or (not valid IAM, but seen in hand-written policies) a bare
		// ARN or a list of them: read as AWS principals.
		values, err := stringList(v, "Principal")
		if err != nil {
			return nil, err
		}
		p.ByType["AWS"] = values
	}
	return p, nil
}

// parseConditions reads a Condition element into the model and into key
// tests, in iampolicy's order.
func parseConditions(v configitem.Value) (iampolicy.Condition, []keyTest, error) {
	if !v.Exists() || v.IsNull() {
		return nil, nil, nil
	}
	if !v.IsObject() {
		return nil, nil, fmt.Errorf("the Condition element is %s, not an object", jsonKind(v.Raw()))
	}
	var opsBuf, keysBuf [8]member
	ops := sortedMembers(v, opsBuf[:0])
	out := make(iampolicy.Condition, len(ops))
	var tests []keyTest
	for _, o := range ops {
		written := o.key
		if !o.v.IsObject() {
			return nil, nil, fmt.Errorf("the Condition operator %s holds %s, not an object", written, jsonKind(o.v.Raw()))
		}
		op, _ := iampolicy.ParseOperator(strings.TrimSpace(written))
		keys := sortedMembers(o.v, keysBuf[:0])
		byKey := make(map[string][]string, len(keys))
		for _, k := range keys {
			values, err := stringList(k.v, "Condition "+written+" "+k.key)
			if err != nil {
				return nil, nil, err
			}
			byKey[k.key] = values
			tests = append(tests, keyTest{op: op, key: lowerKey(strings.TrimSpace(k.key)), values: values})
		}
		out[written] = byKey
	}
	return out, tests, nil
}

// member is a key of an object and its value.
type member struct {
	key string
	v   configitem.Value
}

// sortedMembers appends the members of the object v to buf, sorted by key.
// Policies' objects are small: with a buffer on the caller's stack,
// sorting them allocates nothing.
func sortedMembers(v configitem.Value, buf []member) []member {
	for k, x := range v.Members() {
		buf = append(buf, member{k, x})
	}
	slices.SortFunc(buf, func(a, b member) int { return strings.Compare(a.key, b.key) })
	return buf
}

// label names statement i of a document in annotations.
func label(i int, s *iampolicy.Statement) string {
	if s.Sid != "" {
		return fmt.Sprintf("statement %q", s.Sid)
	}
	return fmt.Sprintf("statement %d", i+1)
}

// allows reports whether the statement is an Allow (parsePolicy spells
// Effect "Allow" or "Deny").
func allows(s *iampolicy.Statement) bool { return s.Effect == "Allow" }

// everyone reports whether a principal element names every principal:
// "*" under any principal type, such as {"AWS": "*"}.
func everyone(p *iampolicy.Principal) bool {
	if p == nil {
		return false
	}
	if p.All {
		return true
	}
	for _, values := range p.ByType {
		for _, v := range values {
			if strings.TrimSpace(v) == "*" {
				return true
			}
		}
	}
	return false
}

// principals returns the principals by type of the statement's Principal
// element, or of its NotPrincipal element (not is true) when it has no
// Principal.
func principals(s *iampolicy.Statement) (byType map[string][]string, not bool) {
	p, not := s.PrincipalElement()
	if p == nil {
		return nil, not
	}
	return p.ByType, not
}

// appliesToEveryone reports whether the statement's principal is everyone:
// Principal "*" or {"AWS": "*"}. An Allow with NotPrincipal also reaches
// everyone but the listed principals, so it counts too; a Deny with
// NotPrincipal spares someone, so it does not.
func appliesToEveryone(s *iampolicy.Statement) bool {
	p, not := s.PrincipalElement()
	if not {
		return allows(s)
	}
	return everyone(p)
}

// coversAction reports whether the statement applies to the action
// (actions match case-insensitively, with * and ? wildcards).
func coversAction(s *iampolicy.Statement, action string) bool {
	patterns, not := s.ActionElement()
	matched := false
	for _, a := range patterns {
		if iampolicy.MatchWildcard(strings.TrimSpace(a), action, true) {
			matched = true
			break
		}
	}
	return matched != not
}

// coversResource reports whether the statement applies to the resource ARN
// (ARNs match case-sensitively, with * and ? wildcards).
func coversResource(s *iampolicy.Statement, arn string) bool {
	patterns, not := s.ResourceElement()
	if len(patterns) == 0 && !not {
		return false
	}
	matched := false
	for _, r := range patterns {
		if iampolicy.MatchWildcard(strings.TrimSpace(r), arn, false) {
			matched = true
			break
		}
	}
	return matched != not
}

// coversEveryResourceUnder reports whether the statement applies to every
// resource whose ARN is prefix followed by one or more characters, such as
// every object of a bucket ("arn:aws:s3:::bucket/").
func coversEveryResourceUnder(s *iampolicy.Statement, prefix string) bool {
	patterns, not := s.ResourceElement()
	if not {
		for _, r := range patterns {
			if wildcardMatchesSomeUnder(strings.TrimSpace(r), prefix) {
				return false
			}
		}
		return true
	}
	for _, r := range patterns {
		if wildcardCoversAllUnder(strings.TrimSpace(r), prefix) {
			return true
		}
	}
	return false
}

// keyTest is a key test of a statement's Condition element as the rules
// read it: the operator parsed (zero when IAM has no such operator), the key
// in lower case (condition keys are case-insensitive) and the values.
type keyTest struct {
	op     iampolicy.Operator
	key    string
	values []string
}

// everyTest reports whether f holds for every test (true when there are
// none).
func everyTest(tests []keyTest, f func(keyTest) bool) bool {
	for _, c := range tests {
		if !f(c) {
			return false
		}
	}
	return true
}

// lowerKey returns a condition key in lower case. The keys the rules look
// at come back as constants, so that lower-casing them allocates nothing.
func lowerKey(key string) string {
	var buf [64]byte
	if len(key) > len(buf) {
		return strings.ToLower(key)
	}
	b, upper := buf[:len(key)], false
	for i := range len(key) {
		c := key[i]
		switch {
		case c >= 0x80:
			return strings.ToLower(key)
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
			upper = true
		}
		b[i] = c
	}
	if !upper {
		return key
	}
	for _, known := range callerConditionKeys {
		if string(b) == known.key {
			return known.key
		}
	}
	for _, known := range testedKeys {
		if string(b) == known {
			return known
		}
	}
	return string(b)
}

// testedKeys are the condition keys the rules look at besides
// callerConditionKeys, in lower case.
var testedKeys = [...]string{"aws:sourcearn", "aws:securetransport", "s3:tlsversion"}

// statesAfter returns the positions in pattern (as runes) that matching
// prefix case-sensitively can reach, as a set indexed by position. A
// position at a '*' means the star may go on absorbing characters;
// len(pattern) means the pattern is used up.
func statesAfter(pattern []rune, prefix string) []bool {
	cur := make([]bool, len(pattern)+1)
	next := make([]bool, len(pattern)+1)
	// closure adds the positions after each reachable star (a star may
	// match nothing); one forward pass suffices since stars only skip ahead.
	closure := func(set []bool) bool {
		live := false
		for p := range set {
			if set[p] && p < len(pattern) && pattern[p] == '*' {
				set[p+1] = true
			}
			live = live || set[p]
		}
		return live
	}
	cur[0] = true
	if !closure(cur) {
		return cur
	}
	for _, c := range prefix {
		clear(next)
		for p, on := range cur[:len(pattern)] {
			if !on {
				continue
			}
			switch pattern[p] {
			case '*':
				next[p] = true
			case '?':
				next[p+1] = true
			default:
				if pattern[p] == c {
					next[p+1] = true
				}
			}
		}
		cur, next = next, cur
		if !closure(cur) {
			break
		}
	}
	return cur
}

// wildcardCoversAllUnder reports whether pattern matches prefix+s for every
// non-empty s: after the prefix, what is left of the pattern is stars and at
// most one '?' (which a non-empty rest always fills).
func wildcardCoversAllUnder(pattern, prefix string) bool {
	if !strings.ContainsRune(pattern, '*') {
		return false // without a star the pattern matches strings of one length
	}
	// Fast paths for the usual forms: a literal start that disagrees with
	// the prefix, or the prefix followed by stars only ("arn:aws:s3:::b/*").
	lit := pattern[:strings.IndexAny(pattern, "*?")]
	if !strings.HasPrefix(prefix, lit) {
		return false
	}
	if lit == prefix && strings.Trim(pattern[len(lit):], "*") == "" {
		return true
	}
	pat := []rune(pattern)
	for p, on := range statesAfter(pat, prefix) {
		if !on {
			continue
		}
		stars, marks := 0, 0
		for _, c := range pat[p:] {
			switch c {
			case '*':
				stars++
			case '?':
				marks++
			}
		}
		if stars > 0 && stars+marks == len(pat)-p && marks <= 1 {
			return true
		}
	}
	return false
}

// wildcardMatchesSomeUnder reports whether pattern matches prefix+s for
// some non-empty s: matching the prefix leaves some pattern to match s.
func wildcardMatchesSomeUnder(pattern, prefix string) bool {
	i := strings.IndexAny(pattern, "*?")
	if i < 0 {
		return len(pattern) > len(prefix) && strings.HasPrefix(pattern, prefix)
	}
	if lit := pattern[:i]; !strings.HasPrefix(prefix, lit) && !strings.HasPrefix(lit, prefix) {
		return false
	}
	pat := []rune(pattern)
	states := statesAfter(pat, prefix)
	for p := range pat {
		if states[p] {
			return true
		}
	}
	return false
}

// jsonKind names the JSON type of a decoded value, for error messages.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case float64, json.Number:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("a %T", v)
}
