package rules

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aiguard/aiguard/configitem"
)

// policyDoc is a parsed IAM policy document: an identity, bucket or key
// policy. It keeps what the rules reason about and normalises the forms
// that IAM accepts for the same thing (a Statement object or array, a
// string or an array of strings, element names in any case).
type policyDoc struct {
	Statements []policyStatement
}

// policyStatement is one statement of a policy document.
type policyStatement struct {
	Index int // position in the document, from 0
	Sid   string
	Allow bool // Effect Allow; false means Deny

	// Principal is the Principal element, or the NotPrincipal element when
	// NotPrincipal is true.
	Principal    principalSet
	NotPrincipal bool

	// Actions are the Action patterns, or the NotAction patterns when
	// NotAction is true.
	Actions   []string
	NotAction bool

	// Resources are the Resource patterns, or the NotResource patterns when
	// NotResource is true. A statement with neither covers no resource.
	Resources   []string
	NotResource bool

	Conditions []policyCondition
}

// principalSet is a Principal (or NotPrincipal) element.
type principalSet struct {
	Present bool
	// Any is true for "*" and for a "*" under any principal type, such as
	// {"AWS": "*"}: both mean every principal.
	Any bool
	// ByType holds the principals by type (AWS, Service, Federated,
	// CanonicalUser), as written.
	ByType map[string][]string
}

// policyCondition is one key test of a Condition block:
// "ForAnyValue:StringLikeIfExists": {"aws:PrincipalArn": [...]} gives
// Operator "stringlike", Set "foranyvalue", IfExists true.
type policyCondition struct {
	Written  string // the operator as written
	Operator string // the base operator in lower case: "stringequals", "bool"
	IfExists bool
	Set      string // "", "foranyvalue" or "forallvalues"
	Key      string // the condition key in lower case (keys are case-insensitive)
	Values   []string
}

// errNoStatement reports a document without a Statement element.
var errNoStatement = errors.New("the policy has no Statement")

// parsePolicy parses a policy document held by v: a JSON object, or a string
// holding one (Config records bucket and key policies as JSON strings).
func parsePolicy(v configitem.Value) (*policyDoc, error) {
	if _, ok := v.Raw().(string); ok {
		// Decoded once per item and cached: bucket and key policies arrive as
		// JSON strings, and several rules read the same one.
		decoded, err := v.JSON()
		if err != nil {
			return nil, fmt.Errorf("the policy is not valid JSON: %w", err)
		}
		v = decoded
	}
	if _, ok := v.Raw().(map[string]any); !ok {
		return nil, fmt.Errorf("the policy is %s, not a JSON object", jsonKind(v.Raw()))
	}
	st := v.Field("Statement")
	if !st.Exists() || st.IsNull() {
		return nil, errNoStatement
	}
	var out policyDoc
	for i, sv := range st.List() {
		s, err := parseStatement(i, sv)
		if err != nil {
			return nil, err
		}
		out.Statements = append(out.Statements, s)
	}
	return &out, nil
}

func parseStatement(i int, v configitem.Value) (policyStatement, error) {
	s := policyStatement{Index: i}
	if _, ok := v.Raw().(map[string]any); !ok {
		return s, fmt.Errorf("statement %d is %s, not an object", i+1, jsonKind(v.Raw()))
	}
	s.Sid = v.Field("Sid").Str()
	switch effect := v.Field("Effect").Str(); {
	case strings.EqualFold(effect, "Allow"):
		s.Allow = true
	case strings.EqualFold(effect, "Deny"):
	default:
		return s, fmt.Errorf("%s: Effect %q is neither Allow nor Deny", s.label(), effect)
	}

	var err error
	if s.Actions, s.NotAction, err = pickList(v, "Action", "NotAction"); err != nil {
		return s, fmt.Errorf("%s: %w", s.label(), err)
	}
	if s.Resources, s.NotResource, err = pickList(v, "Resource", "NotResource"); err != nil {
		return s, fmt.Errorf("%s: %w", s.label(), err)
	}
	p, np := v.Field("Principal"), v.Field("NotPrincipal")
	if np.Exists() && !p.Exists() {
		p, s.NotPrincipal = np, true
	}
	if s.Principal, err = parsePrincipal(p); err != nil {
		return s, fmt.Errorf("%s: %w", s.label(), err)
	}
	if s.Conditions, err = parseConditions(v.Field("Condition")); err != nil {
		return s, fmt.Errorf("%s: %w", s.label(), err)
	}
	return s, nil
}

// pickList reads the element name, or else its Not form, as a list of
// strings.
func pickList(v configitem.Value, name, notName string) ([]string, bool, error) {
	if f := v.Field(name); f.Exists() {
		list, err := stringList(f, name)
		return list, false, err
	}
	if f := v.Field(notName); f.Exists() {
		list, err := stringList(f, notName)
		return list, true, err
	}
	return nil, false, nil
}

// stringList reads a string or an array of strings. Booleans and numbers
// count as their text, since policy authors write both false and "false".
func stringList(v configitem.Value, name string) ([]string, error) {
	var out []string
	for _, e := range v.List() {
		switch e.Raw().(type) {
		case map[string]any, []any:
			return nil, fmt.Errorf("%s holds %s, want strings", name, jsonKind(e.Raw()))
		}
		if s, ok := e.String(); ok {
			out = append(out, s)
		}
	}
	return out, nil
}

func parsePrincipal(v configitem.Value) (principalSet, error) {
	ps := principalSet{Present: v.Exists() && !v.IsNull()}
	if !ps.Present {
		return ps, nil
	}
	add := func(typ string, values []string) {
		if ps.ByType == nil {
			ps.ByType = map[string][]string{}
		}
		for _, val := range values {
			if strings.TrimSpace(val) == "*" {
				ps.Any = true
			}
			ps.ByType[typ] = append(ps.ByType[typ], val)
		}
	}
	switch raw := v.Raw().(type) {
	case map[string]any:
		for typ, x := range raw {
			values, err := stringList(configitem.ValueOf(x), "Principal."+typ)
			if err != nil {
				return ps, err
			}
			add(typ, values)
		}
	default:
		// "*", or (not valid IAM, but seen in hand-written policies) a bare
		// ARN or a list of them: read as AWS principals.
		values, err := stringList(v, "Principal")
		if err != nil {
			return ps, err
		}
		add("AWS", values)
	}
	return ps, nil
}

func parseConditions(v configitem.Value) ([]policyCondition, error) {
	if !v.Exists() || v.IsNull() {
		return nil, nil
	}
	ops, ok := v.Raw().(map[string]any)
	if !ok {
		return nil, fmt.Errorf("the Condition element is %s, not an object", jsonKind(v.Raw()))
	}
	var out []policyCondition
	for _, written := range sortedKeys(ops) {
		keys, ok := ops[written].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("the Condition operator %s holds %s, not an object", written, jsonKind(ops[written]))
		}
		base, set, ifExists := splitOperator(written)
		for _, key := range sortedKeys(keys) {
			values, err := stringList(configitem.ValueOf(keys[key]), "Condition "+written+" "+key)
			if err != nil {
				return nil, err
			}
			out = append(out, policyCondition{
				Written:  written,
				Operator: base,
				IfExists: ifExists,
				Set:      set,
				Key:      strings.ToLower(strings.TrimSpace(key)),
				Values:   values,
			})
		}
	}
	return out, nil
}

// splitOperator splits "ForAnyValue:StringLikeIfExists" into "stringlike",
// "foranyvalue" and true.
func splitOperator(op string) (base, set string, ifExists bool) {
	base = strings.ToLower(strings.TrimSpace(op))
	if q, rest, ok := strings.Cut(base, ":"); ok && (q == "foranyvalue" || q == "forallvalues") {
		set, base = q, rest
	}
	if b, ok := strings.CutSuffix(base, "ifexists"); ok && b != "" {
		base, ifExists = b, true
	}
	return base, set, ifExists
}

// label names the statement in annotations.
func (s *policyStatement) label() string {
	if s.Sid != "" {
		return fmt.Sprintf("statement %q", s.Sid)
	}
	return fmt.Sprintf("statement %d", s.Index+1)
}

// appliesToEveryone reports whether the statement's principal is everyone:
// Principal "*" or {"AWS": "*"}. An Allow with NotPrincipal also reaches
// everyone but the listed principals, so it counts too; a Deny with
// NotPrincipal spares someone, so it does not.
func (s *policyStatement) appliesToEveryone() bool {
	if s.NotPrincipal {
		return s.Allow
	}
	return s.Principal.Any
}

// coversAction reports whether the statement applies to the action
// (actions match case-insensitively, with * and ? wildcards).
func (s *policyStatement) coversAction(action string) bool {
	matched := false
	for _, a := range s.Actions {
		if wildcardMatch(strings.TrimSpace(a), action, true) {
			matched = true
			break
		}
	}
	return matched != s.NotAction
}

// coversResource reports whether the statement applies to the resource ARN
// (ARNs match case-sensitively, with * and ? wildcards).
func (s *policyStatement) coversResource(arn string) bool {
	if len(s.Resources) == 0 && !s.NotResource {
		return false
	}
	matched := false
	for _, r := range s.Resources {
		if wildcardMatch(strings.TrimSpace(r), arn, false) {
			matched = true
			break
		}
	}
	return matched != s.NotResource
}

// coversEveryResourceUnder reports whether the statement applies to every
// resource whose ARN is prefix followed by one or more characters, such as
// every object of a bucket ("arn:aws:s3:::bucket/").
func (s *policyStatement) coversEveryResourceUnder(prefix string) bool {
	if s.NotResource {
		for _, r := range s.Resources {
			if wildcardMatchesSomeUnder(strings.TrimSpace(r), prefix) {
				return false
			}
		}
		return true
	}
	for _, r := range s.Resources {
		if wildcardCoversAllUnder(strings.TrimSpace(r), prefix) {
			return true
		}
	}
	return false
}

// wildcardMatch matches s against an IAM pattern in which * stands for any
// run of characters and ? for one character; fold makes letters match in
// any case. ASCII input, the usual case, is matched without allocating.
func wildcardMatch(pattern, s string, fold bool) bool {
	if isASCII(pattern) && isASCII(s) {
		return globMatch([]byte(pattern), []byte(s), fold)
	}
	if fold {
		pattern, s = strings.ToLower(pattern), strings.ToLower(s)
	}
	return globMatch([]rune(pattern), []rune(s), false)
}

// globMatch is the backtracking matcher behind wildcardMatch; fold lowers
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

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
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
