package iampolicy

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// family is a condition operator family.
type family int

const (
	famString family = iota
	famARN
	famBool
	famNumeric
	famDate
	famIP
	famBinary
	famNull
)

func (f family) String() string {
	return [...]string{"String", "ARN", "Bool", "Numeric", "Date", "IP address", "Binary", "Null"}[f]
}

// baseOperator describes an operator without its set prefix and IfExists.
type baseOperator struct {
	name    string // canonical spelling
	fam     family
	negated bool // true when the key is absent
	equals  bool // a String operator that compares literally (no wildcards)
}

// baseOperators are the condition operators of the IAM policy grammar (an
// array, which costs nothing when the package starts or is read).
var baseOperators = [...]baseOperator{
	{"StringEquals", famString, false, true}, {"StringNotEquals", famString, true, true},
	{"StringEqualsIgnoreCase", famString, false, true}, {"StringNotEqualsIgnoreCase", famString, true, true},
	{"StringLike", famString, false, false}, {"StringNotLike", famString, true, false},
	{"NumericEquals", famNumeric, false, false}, {"NumericNotEquals", famNumeric, true, false},
	{"NumericLessThan", famNumeric, false, false}, {"NumericLessThanEquals", famNumeric, false, false},
	{"NumericGreaterThan", famNumeric, false, false}, {"NumericGreaterThanEquals", famNumeric, false, false},
	{"DateEquals", famDate, false, false}, {"DateNotEquals", famDate, true, false},
	{"DateLessThan", famDate, false, false}, {"DateLessThanEquals", famDate, false, false},
	{"DateGreaterThan", famDate, false, false}, {"DateGreaterThanEquals", famDate, false, false},
	{"Bool", famBool, false, false}, {"BinaryEquals", famBinary, false, false},
	{"IpAddress", famIP, false, false}, {"NotIpAddress", famIP, true, false},
	{"ArnEquals", famARN, false, false}, {"ArnLike", famARN, false, false},
	{"ArnNotEquals", famARN, true, false}, {"ArnNotLike", famARN, true, false},
	{"Null", famNull, false, false},
}

func lookupBase(name string) (baseOperator, bool) {
	for _, op := range baseOperators {
		if strings.EqualFold(op.name, name) {
			return op, true
		}
	}
	return baseOperator{}, false
}

// operator is a parsed condition operator such as
// ForAnyValue:StringNotLikeIfExists.
type operator struct {
	written  string
	set      string // "", "ForAnyValue" or "ForAllValues"
	base     baseOperator
	ifExists bool
	canon    string // the canonical spelling of the whole operator
}

func parseOperator(s string) (operator, bool) {
	op := operator{written: s}
	rest := s
	if p, r, ok := strings.Cut(s, ":"); ok {
		switch {
		case strings.EqualFold(p, "ForAnyValue"):
			op.set = "ForAnyValue"
		case strings.EqualFold(p, "ForAllValues"):
			op.set = "ForAllValues"
		default:
			return op, false
		}
		rest = r
	}
	if len(rest) > len("IfExists") && strings.EqualFold(rest[len(rest)-len("IfExists"):], "IfExists") {
		op.ifExists = true
		rest = rest[:len(rest)-len("IfExists")]
	}
	b, ok := lookupBase(rest)
	if !ok {
		return op, false
	}
	op.base = b
	op.canon = b.name
	if op.ifExists {
		op.canon += "IfExists"
	}
	if op.set != "" {
		op.canon = op.set + ":" + op.canon
	}
	return op, true
}

// trueWhenAbsent reports how the test evaluates when the request lacks the
// key: Null "true", ...IfExists, ForAllValues and negated operators are
// true; every other test is false.
func (op operator) trueWhenAbsent(vals []strVal) bool {
	if op.base.fam == famNull {
		for _, v := range vals {
			if strings.EqualFold(v.s, "true") {
				return true
			}
		}
		return false
	}
	return op.ifExists || op.set == "ForAllValues" || op.set == "" && op.base.negated
}

// sensitiveKeys take no wildcards in values (IAM global condition keys page).
func sensitiveKey(key string) bool {
	switch strings.ToLower(key) {
	case "aws:principalaccount", "aws:principalorgid", "aws:resourceaccount", "aws:resourceorgid",
		"aws:sourceaccount", "aws:sourceorgid", "aws:sourcevpc", "aws:sourcevpce", "aws:vpceaccount", "aws:vpceorgid":
		return true
	}
	return false
}

// tagKey reports whether a global key is one of the tag keys that the
// Service Authorization Reference lists per action.
func tagKey(key string) bool {
	k := strings.ToLower(key)
	return strings.HasPrefix(k, "aws:requesttag/") || strings.HasPrefix(k, "aws:resourcetag/") || k == "aws:tagkeys"
}

func (c *checker) conditions(si *stmtInfo) {
	for _, cd := range si.conds {
		c.condition(si, cd)
	}
}

func (c *checker) condition(si *stmtInfo, cd cond) {
	loc := si.label()
	op, ok := parseOperator(cd.op)
	if !ok {
		c.add(SeverityError, "policy-condition-operator-unknown", loc, cd.opOff,
			"%q is not a condition operator; use one of the String, Numeric, Date, Bool, BinaryEquals, IpAddress, Arn "+
				"or Null operators, optionally with a ForAnyValue:/ForAllValues: prefix and an IfExists suffix", cd.op)
		return
	}
	if op.canon != cd.op {
		c.add(SeverityWarning, "policy-condition-operator-case", loc, cd.opOff,
			"write the operator %q as %q, the spelling of the IAM documentation", cd.op, op.canon)
	}
	if op.base.fam == famNull && op.ifExists {
		c.add(SeverityError, "policy-condition-null-ifexists", loc, cd.opOff,
			"%s: Null already tests whether the key exists and takes no IfExists; write Null", cd.op)
	}
	if op.base.fam == famNull && op.set != "" {
		c.add(SeverityWarning, "policy-condition-set-operator", loc, cd.opOff,
			"%s: Null tests whether the key exists; a set prefix means nothing with it: write Null", cd.op)
	}
	c.values(si, cd, op)
	if !strings.Contains(cd.key, ":") {
		c.add(SeverityError, "policy-condition-key-unknown", loc, cd.keyOff,
			"%q is not a condition key: keys are written service:Name (e.g. sagemaker:VpcSubnets) or aws:Name", cd.key)
		return
	}
	k := c.tab.LookupKey(cd.key)
	if k == nil {
		c.unknownKey(si, cd, op)
		return
	}
	c.keyType(si, cd, op, k)
	c.keySupport(si, cd, op)
}

func (c *checker) unknownKey(si *stmtInfo, cd cond, op operator) {
	loc := si.label()
	prefix, _, _ := strings.Cut(cd.key, ":")
	always := ""
	if si.deny && op.trueWhenAbsent(cd.vals) {
		always = fmt.Sprintf(": no request carries it, so %s is always true and this Deny applies whenever its other "+
			"conditions hold", cd.op)
	}
	if strings.EqualFold(prefix, "aws") {
		if strings.EqualFold(cd.key, "aws:ARN") {
			c.add(SeverityError, "policy-condition-key-unknown", loc, cd.keyOff,
				"aws:ARN is not a supported condition key: use aws:PrincipalArn for the caller or aws:SourceArn for the "+
					"resource a service acts for%s", always)
			return
		}
		c.add(SeverityError, "policy-condition-key-unknown", loc, cd.keyOff,
			"%q is not an AWS global condition key%s%s", cd.key, always, c.keyHint(cd.key, c.tab.global))
		return
	}
	svc := c.tab.Service(prefix)
	switch {
	case svc != nil && svc.Complete:
		asOf := ""
		if svc.AsOf != "" {
			asOf = " (AWS Service Authorization Reference as of " + svc.AsOf + ")"
		}
		c.add(SeverityError, "policy-condition-key-unknown", loc, cd.keyOff,
			"%q is not a %s condition key%s%s%s", cd.key, svc.Prefix, asOf, always, c.keyHint(cd.key, svc.keys))
	case svc != nil:
		si.notePartial("condition key "+cd.key, cd.keyOff)
	case c.tab.KnownPrefix(prefix):
		si.noteUncovered(prefix, cd.keyOff)
	default:
		c.unknownPrefix(loc, cd.keyOff, prefix, fmt.Sprintf("condition key %q", cd.key))
	}
}

func (c *checker) keyHint(key string, keys []*Key) string {
	if !c.spendHint() {
		return "; fix or remove it"
	}
	var names []string
	for _, k := range keys {
		if !k.template {
			names = append(names, k.Name)
		}
	}
	if best := closest(key, names, 3); best != "" {
		return fmt.Sprintf("; did you mean %s?", best)
	}
	return "; fix or remove it"
}

// keyType checks the operator against the key's type.
func (c *checker) keyType(si *stmtInfo, cd cond, op operator, k *Key) {
	loc := si.label()
	fam := op.base.fam
	if fam != famNull {
		if sev, msg := typeMismatch(k, fam, cd.key); msg != "" {
			c.add(sev, "policy-condition-operator-type", loc, cd.opOff, "%s on %s: %s", cd.op, cd.key, msg)
		}
	}
	multi := k.Type.Multivalued()
	switch {
	case op.set != "" && !multi && fam != famNull:
		msg := "IAM warns that set operators on single-valued keys can make a policy overly permissive: drop the prefix"
		if op.set == "ForAllValues" {
			msg = "ForAllValues is also true when the request lacks the key, which can make the policy overly " +
				"permissive: drop the prefix"
		}
		c.add(SeverityWarning, "policy-condition-set-operator", loc, cd.opOff,
			"%s: %s is single-valued; %s", cd.op, cd.key, msg)
	case op.set == "" && multi && fam != famNull:
		c.add(SeverityWarning, "policy-condition-multivalued", loc, cd.opOff,
			"%s: %s is multivalued (%s), and IAM requires a set operator for multivalued keys; use ForAnyValue:%s "+
				"(some value matches) or ForAllValues:%s (every value matches; pair it with Null \"false\")",
			cd.op, cd.key, k.Type, op.canon, op.canon)
	}
	if op.set == "ForAllValues" && si.allow && !op.ifExists && !hasNullFalse(si, cd.key) {
		c.add(SeverityWarning, "policy-condition-forallvalues-allow", loc, cd.opOff,
			"%s in an Allow is also true when the request lacks %s, so the Allow then grants without the test; "+
				"add \"Null\": {%q: \"false\"} to the statement", cd.op, cd.key, cd.key)
	}
	if sensitiveKey(cd.key) {
		for _, v := range cd.vals {
			if strings.ContainsAny(replaceVariables(v.s, ""), "*?") {
				c.add(SeverityWarning, "policy-condition-sensitive-wildcard", loc, v.off,
					"%s is a sensitive key that takes no wildcards: %q matches only literally; list exact values", cd.key, v.s)
				break
			}
		}
	}
}

// typeMismatch returns the severity and message when an operator family
// does not fit the key's type, or "" when it fits.
func typeMismatch(k *Key, fam family, key string) (Severity, string) {
	kt := k.Type.Scalar()
	want := map[KeyType]string{KeyString: "String operators (StringEquals, StringLike, ...)",
		KeyARN: "ArnEquals/ArnLike/ArnNotEquals/ArnNotLike", KeyBool: "Bool", KeyNumeric: "Numeric operators",
		KeyDate: "Date operators", KeyIPAddress: "IpAddress/NotIpAddress", KeyBinary: "BinaryEquals"}[kt]
	ok := map[KeyType]family{KeyString: famString, KeyARN: famARN, KeyBool: famBool, KeyNumeric: famNumeric,
		KeyDate: famDate, KeyIPAddress: famIP, KeyBinary: famBinary}[kt]
	switch {
	case fam == ok:
		return "", ""
	case kt == KeyDate && fam == famNumeric && strings.EqualFold(key, "aws:EpochTime"):
		return "", "" // AWS documents Numeric operators for epoch seconds
	case kt == KeyARN && fam == famString:
		return SeverityInfo, "the key is an ARN; String operators work on it, but ArnLike/ArnNotLike compare ARNs field by field: prefer them"
	case fam == famString:
		return SeverityWarning, fmt.Sprintf("the key is of type %s, compared here as a string; use %s", k.Type, want)
	case kt == KeyString && fam == famBool:
		return SeverityError, fmt.Sprintf("the key is a String (values such as \"Enabled\"/\"Disabled\", not true/false), so "+
			"Bool never matches it; use %s", want)
	}
	return SeverityError, fmt.Sprintf("the key is of type %s and %s operators never match it; use %s", k.Type, fam, want)
}

func hasNullFalse(si *stmtInfo, key string) bool {
	for _, cd := range si.conds {
		if strings.EqualFold(cd.op, "Null") && strings.EqualFold(cd.key, key) {
			for _, v := range cd.vals {
				if strings.EqualFold(v.s, "false") {
					return true
				}
			}
		}
	}
	return false
}

// values checks that condition values parse for the operator.
func (c *checker) values(si *stmtInfo, cd cond, op operator) {
	loc := si.label()
	for _, v := range cd.vals {
		c.variables(si, v)
		if strings.Contains(v.s, "${") {
			continue // resolved at request time
		}
		bad, sev := "", SeverityWarning
		switch op.base.fam {
		case famNull:
			if !isBool(v.s) {
				bad, sev = "Null takes \"true\" (the key is absent) or \"false\" (present)", SeverityError
			}
		case famBool:
			if !isBool(v.s) {
				bad = "Bool takes \"true\" or \"false\""
			}
		case famNumeric:
			if _, err := strconv.ParseFloat(v.s, 64); err != nil {
				bad = "Numeric operators take numbers"
			}
		case famDate:
			if !isDate(v.s) {
				bad = "Date operators take ISO 8601 dates (2026-01-31T00:00:00Z) or epoch seconds"
			}
		case famIP:
			if !isIP(v.s) {
				bad = "IpAddress/NotIpAddress take IPv4 or IPv6 addresses or CIDR ranges (203.0.113.0/24)"
			}
		case famARN:
			if v.s != "*" && !strings.HasPrefix(strings.ToLower(v.s), "arn:") {
				bad = "ARN operators take ARNs (arn:partition:service:region:account:resource, wildcards allowed)"
			}
		case famString:
			if op.base.equals && strings.ContainsAny(v.s, "*?") && !(v.s == "*" && literalStar(cd.key)) {
				c.add(SeverityWarning, "policy-condition-wildcard", loc, v.off,
					"%s compares %q literally: * and ? are wildcards only in StringLike/StringNotLike; use those if "+
						"a pattern is meant", cd.op, v.s)
			}
		}
		if bad != "" {
			c.add(sev, "policy-condition-value", loc, v.off, "%s %s: %q is not a valid value; %s", cd.op, cd.key, v.s, bad)
		}
	}
}

// literalStar reports the condition keys whose value "*" is a literal
// value with a meaning of its own, compared as such on purpose:
// lambda:Principal "*" is the principal of a public function policy
// (AddPermission with Principal "*").
func literalStar(key string) bool { return strings.EqualFold(key, "lambda:Principal") }

func isBool(s string) bool { return strings.EqualFold(s, "true") || strings.EqualFold(s, "false") }

func isDate(s string) bool {
	if _, err := strconv.ParseInt(s, 10, 64); err == nil {
		return true
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04Z07:00",
		"2006-01-02T15:04:05", "2006-01-02"} {
		if _, err := time.Parse(layout, s); err == nil {
			return true
		}
	}
	return false
}

func isIP(s string) bool {
	if _, err := netip.ParsePrefix(s); err == nil {
		return true
	}
	_, err := netip.ParseAddr(s)
	return err == nil
}

// keySupport checks the key against the actions the statement names: a
// key an action does not list is never in its requests.
func (c *checker) keySupport(si *stmtInfo, cd cond, op operator) {
	if si.action == nil || len(si.matched) == 0 {
		return // NotAction, or nothing the table knows whole
	}
	if c.tab.GlobalKey(cd.key) != nil && !tagKey(cd.key) {
		return // global keys are not listed per action
	}
	var lacking []string
	seen := map[string]bool{}
	for _, a := range si.matched {
		if !seen[a.FullName()] && !a.Supports(cd.key) {
			lacking = append(lacking, a.FullName())
		}
		seen[a.FullName()] = true
	}
	if len(lacking) == 0 {
		return
	}
	loc := si.label()
	names := listNames(lacking, 6)
	test := fmt.Sprintf("%s %s", cd.op, cd.key)
	all := len(lacking) == len(seen)
	verb := "do not support"
	if len(lacking) == 1 {
		verb = "does not support"
	}
	of := "the statement's"
	if si.unresolved {
		of = "the statement's known" // other actions are outside the table
	}
	which := fmt.Sprintf("%d of %s %d actions %s %s (%s)", len(lacking), of, len(seen), verb, cd.key, names)
	if all {
		which = fmt.Sprintf("none of %s actions supports %s (%s)", of, cd.key, names)
	}
	absentTrue := op.trueWhenAbsent(cd.vals)
	switch {
	case op.base.fam == famNull && !absentTrue && !all:
		// Null "false" is itself the presence guard: meant to limit the
		// statement to the actions whose requests carry the key.
		return
	case c.presenceGuarded(si, cd):
		// Another test of the same key in this statement is false without
		// the key (Null "false", StringEquals...): conditions are ANDed, so
		// the statement deliberately applies only where the key exists.
		return
	case si.deny && absentTrue:
		c.add(SeverityError, "policy-deny-always-matches", loc, cd.keyOff,
			"%s: their requests never carry the key, so %s is always true for them and this Deny blocks them "+
				"whenever its other conditions hold; name only actions that support the key, and move the others "+
				"to a statement without this test", which, test)
	case si.deny:
		c.add(SeverityWarning, "policy-condition-key-unsupported", loc, cd.keyOff,
			"%s: their requests never carry the key, so %s is never true for them and this Deny never applies to them; "+
				"drop them or test a key they support", which, test)
	case absentTrue:
		c.add(SeverityWarning, "policy-condition-key-unsupported", loc, cd.keyOff,
			"%s: their requests never carry the key, so %s is always true for them and this Allow grants them "+
				"without the restriction; move them to a statement without this test", which, test)
	default:
		c.add(SeverityWarning, "policy-condition-key-unsupported", loc, cd.keyOff,
			"%s: their requests never carry the key, so %s is never true for them and this Allow never grants them; "+
				"drop them or test a key they support", which, test)
	}
}

// presenceGuarded reports whether the statement holds, besides cd, a test
// of the same key that is false when the request lacks the key.
func (c *checker) presenceGuarded(si *stmtInfo, cd cond) bool {
	for _, other := range si.conds {
		if other.op == cd.op || !strings.EqualFold(other.key, cd.key) {
			continue
		}
		if op, ok := parseOperator(other.op); ok && !op.trueWhenAbsent(other.vals) {
			return true
		}
	}
	return false
}

// listNames joins up to max names, then says how many more.
func listNames(names []string, max int) string {
	if len(names) <= max {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:max], ", "), len(names)-max)
}

// CutVariable finds the first ${...} policy variable of s: the text
// before it, what stands between the braces and the text after it; found
// is false when s has none (an unclosed ${ is text).
func CutVariable(s string) (before, name, after string, found bool) {
	i := strings.Index(s, "${")
	if i < 0 {
		return s, "", "", false
	}
	j := strings.IndexByte(s[i:], '}')
	if j < 0 {
		return s, "", "", false
	}
	return s[:i], s[i+2 : i+j], s[i+j+1:], true
}

// replaceVariables replaces the ${...} policy variables of s with with:
// "" to leave them out, "*" to match them against anything.
func replaceVariables(s, with string) string {
	var b strings.Builder
	for {
		before, _, after, found := CutVariable(s)
		b.WriteString(before)
		if !found {
			return b.String()
		}
		b.WriteString(with)
		s = after
	}
}

// variables checks the ${...} policy variables of a Resource or condition
// value: IAM substitutes only request context keys and ${*}, ${?}, ${$};
// anything else is most likely a template placeholder left unreplaced.
func (c *checker) variables(si *stmtInfo, v strVal) {
	s := v.s
	for {
		_, name, after, found := CutVariable(s)
		if !found {
			return
		}
		s = after
		switch name {
		case "*", "?", "$":
			continue
		}
		if c.tab.LookupKey(name) != nil {
			if c.d.Version != "2012-10-17" {
				c.add(SeverityWarning, "policy-version", si.label(), v.off,
					"the policy variable ${%s} is expanded only with \"Version\": \"2012-10-17\"; set it", name)
			}
			continue
		}
		if p, _, ok := strings.Cut(name, ":"); ok {
			if svc := c.tab.Service(p); svc == nil && !strings.EqualFold(p, "aws") || svc != nil && !svc.Complete {
				continue // a key of a service the table does not cover whole
			}
		}
		c.add(SeverityWarning, "policy-variable-unknown", si.label(), v.off,
			"${%s} is not a policy variable (IAM substitutes only condition keys such as ${aws:PrincipalAccount}, "+
				"and ${*}, ${?}, ${$}); it looks like a placeholder left unreplaced: write the value", name)
	}
}
