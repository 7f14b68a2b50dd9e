package iampolicy

import (
	"errors"
	"fmt"
	"github.com/aiguard/aiguard/internal/jsonpos"
	"strings"
)

// Linter checks policy documents against a table of IAM facts.
type Linter struct {
	// Table supplies the IAM facts; nil uses DefaultTable. Tests of
	// generated policies pass LoadReference's table to cross-check against
	// the full Service Authorization Reference.
	Table *Table
	// MaxChars replaces the size quota of the policy type (Type.MaxSize)
	// when positive: for an SCP quota raised above 5,120 characters, or
	// the generator's configured scpMaxChars.
	MaxChars int
}

// Lint checks a policy document as a policy of type t with the built-in
// table. See Codes for the checks.
func Lint(doc *Document, t Type) []Finding { return (&Linter{}).Lint(doc, t) }

// LintData reads and checks a policy document given as JSON text: invalid
// JSON is an error finding (policy-json), and after a trailing comma the
// rest of the document is still checked.
func LintData(data []byte, t Type) []Finding { return (&Linter{}).LintData(data, t) }

// LintData is the package function LintData with l's table and quota.
func (l *Linter) LintData(data []byte, t Type) []Finding {
	if t == TypeOptOut {
		return l.lintOptOut(data)
	}
	d, err := parse(data, true)
	if err != nil {
		var se *SyntaxError
		if errors.As(err, &se) {
			return []Finding{{Severity: SeverityError, Code: "policy-json", Line: se.Line, Column: se.Column,
				Message: "the policy is not valid JSON: " + se.Msg}}
		}
		return []Finding{{Severity: SeverityError, Code: "policy-json", Message: err.Error()}}
	}
	return l.Lint(d, t)
}

// Lint checks a document as a policy of type t.
func (l *Linter) Lint(doc *Document, t Type) []Finding {
	if _, err := ParseType(string(t)); err != nil {
		return []Finding{{Severity: SeverityError, Code: "policy-type", Message: err.Error()}}
	}
	if doc == nil {
		return []Finding{{Severity: SeverityError, Code: "policy-statement-missing", Message: "no policy document"}}
	}
	table := l.Table
	if table == nil {
		var err error
		if table, err = DefaultTable(); err != nil {
			return []Finding{{Severity: SeverityError, Code: "policy-internal", Message: err.Error()}}
		}
	}
	d, err := doc.current()
	if err != nil {
		return []Finding{{Severity: SeverityError, Code: "policy-json",
			Message: fmt.Sprintf("the document does not write as a policy: %v", err)}}
	}
	c := &checker{d: d, t: t, tab: table, maxChars: l.MaxChars}
	c.run()
	sortFindings(c.out)
	return c.out
}

type checker struct {
	d        *Document
	t        Type
	tab      *Table
	maxChars int
	out      []Finding
	hints    int // "did you mean" searches so far
}

// maxHints bounds the "did you mean" searches of one document, so that a
// huge policy of misspellings stays fast.
const maxHints = 50

func (c *checker) spendHint() bool {
	c.hints++
	return c.hints <= maxHints
}

func (c *checker) add(sev Severity, code, loc string, off int, format string, args ...any) {
	c.out = append(c.out, c.d.finding(sev, code, loc, off, format, args...))
}

func (c *checker) run() {
	c.out = append(c.out, c.d.problems...)
	c.version()
	c.sids()
	for _, s := range c.d.stmts {
		c.statement(s)
	}
	c.size()
}

func (c *checker) version() {
	d := c.d
	m := d.tree.Get("Version")
	off := d.tree.Off
	if m != nil {
		off = m.Val.Off
	}
	orgs := c.t == TypeSCP || c.t == TypeRCP
	switch {
	case m == nil && orgs:
		c.add(SeverityError, "policy-version", "", off,
			"the %s has no Version; every %s needs \"Version\": \"2012-10-17\"", c.t.label(), c.t.label())
	case m == nil:
		c.add(SeverityWarning, "policy-version", "", off,
			"the policy has no Version, so IAM reads it as 2008-10-17, where policy variables such as "+
				"${aws:username} are not expanded; add \"Version\": \"2012-10-17\"")
	case m.Val.Kind != jsonpos.String:
		// reported as policy-structure
	case d.Version == "2012-10-17":
	case d.Version == "2008-10-17":
		c.add(SeverityWarning, "policy-version", "", off,
			"Version 2008-10-17 is the old policy language, without policy variables; write \"2012-10-17\"")
	default:
		c.add(SeverityError, "policy-version", "", off,
			"Version %q is not a policy language version; write \"2012-10-17\"", d.Version)
	}
}

// alnumOr reports whether every byte of s is an ASCII letter or digit or
// one of extra: the character classes of Sids and action names, checked
// without compiling a regular expression when the package starts.
func alnumOr(s, extra string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(extra, c) >= 0) {
			return false
		}
	}
	return true
}

func (c *checker) sids() {
	seen := map[string]bool{}
	for _, s := range c.d.stmts {
		if s.sid == nil {
			continue
		}
		sid := s.sid.s
		if sid != "" && seen[sid] {
			c.add(SeverityError, "policy-sid-duplicate", s.label(), s.sid.off,
				"Sid %q is used by an earlier statement too; Sids must be unique within a policy: rename one", sid)
		}
		seen[sid] = true
		if !alnumOr(sid, "") {
			sev := SeverityError
			if c.t == TypeSCP || c.t == TypeRCP {
				sev = SeverityWarning
			}
			c.add(sev, "policy-sid-invalid", s.label(), s.sid.off,
				"Sid %q holds characters other than A-Z, a-z and 0-9, which IAM rejects; remove them", sid)
		}
	}
}

// stmtInfo is what the statement checks learn about a statement.
type stmtInfo struct {
	*stmt
	allow, deny bool
	// matched are the actions of the table's complete services that the
	// Action element names (nil for NotAction); unresolved is set when it
	// also names actions the table cannot list ("*", other services).
	matched    []*Action
	unresolved bool
	// uncovered (service prefixes the table lacks) and partial (actions and
	// keys missing from services it covers in part) collect, for one info
	// finding, what could not be checked.
	uncovered, partial []string
	firstNIT           int
}

func (c *checker) statement(s *stmt) {
	si := &stmtInfo{stmt: s, firstNIT: -1}
	loc := s.label()
	if len(s.node.Members) == 0 {
		c.add(SeverityError, "policy-statement-empty", loc, s.off,
			"the statement is empty; give it Effect, Action and Resource, or remove it")
		return
	}
	c.effect(si)
	c.elementsPresent(si)
	c.principals(si)
	c.actions(si, s.action, false)
	c.actions(si, s.notAction, true)
	c.resources(si, s.resource)
	c.resources(si, s.notResource)
	c.conditions(si)
	c.passRole(si)
	c.notInTable(si)
}

// notInTable reports, once per statement, what the table could not check.
func (c *checker) notInTable(si *stmtInfo) {
	var parts []string
	if len(si.uncovered) > 0 {
		parts = append(parts, fmt.Sprintf("aiguard's IAM table does not cover %s", strings.Join(dedupe(si.uncovered), ", ")))
	}
	var partial []string
	for _, p := range dedupe(si.partial) {
		prefix, _, _ := strings.Cut(strings.TrimPrefix(p, "condition key "), ":")
		if !containsFold(si.uncovered, prefix) {
			partial = append(partial, p)
		}
	}
	if len(partial) > 0 {
		parts = append(parts, fmt.Sprintf("its partial lists of some services lack %s", strings.Join(partial, ", ")))
	}
	if len(parts) == 0 {
		return
	}
	c.add(SeverityInfo, "policy-not-in-table", si.label(), si.firstNIT,
		"not checked: %s; check these against the AWS Service Authorization Reference", strings.Join(parts, "; "))
}

// noteUncovered records a service prefix the table does not cover.
func (si *stmtInfo) noteUncovered(prefix string, off int) {
	si.uncovered = append(si.uncovered, strings.ToLower(prefix))
	si.noteOff(off)
}

// notePartial records an action or key missing from a partial service.
func (si *stmtInfo) notePartial(what string, off int) {
	si.partial = append(si.partial, what)
	si.noteOff(off)
}

func (si *stmtInfo) noteOff(off int) {
	if si.firstNIT < 0 {
		si.firstNIT = off
	}
}

func (c *checker) effect(si *stmtInfo) {
	loc := si.label()
	e := si.effect
	switch {
	case e == nil:
		if c.statementHas(si, "Effect") {
			return // not a string: reported as policy-structure
		}
		c.add(SeverityError, "policy-element-missing", loc, si.off,
			"the statement has no Effect; add \"Effect\": \"Deny\" or \"Effect\": \"Allow\"")
	case e.s == "Allow":
		si.allow = true
	case e.s == "Deny":
		si.deny = true
	case strings.EqualFold(e.s, "Allow"), strings.EqualFold(e.s, "Deny"):
		want := "Allow"
		si.allow = true
		if strings.EqualFold(e.s, "Deny") {
			want, si.allow, si.deny = "Deny", false, true
		}
		c.add(SeverityError, "policy-effect", loc, e.off,
			"Effect %q: the value is case-sensitive; write %q", e.s, want)
	default:
		c.add(SeverityError, "policy-effect", loc, e.off, "Effect %q: write \"Allow\" or \"Deny\"", e.s)
	}
	if c.t == TypeRCP && si.allow {
		c.add(SeverityError, "policy-rcp-effect", loc, e.off,
			"an RCP statement must be a Deny: only AWS's RCPFullAWSAccess may Allow; rewrite it as a Deny")
	}
}

// statementHas reports whether the statement's object has a member for an
// element (any spelling), even one of the wrong JSON type.
func (c *checker) statementHas(si *stmtInfo, name string) bool {
	for _, m := range si.node.Members {
		if strings.EqualFold(m.Name, name) {
			return true
		}
	}
	return false
}

func (c *checker) elementsPresent(si *stmtInfo) {
	loc := si.label()
	switch {
	case si.action != nil && si.notAction != nil:
		c.add(SeverityError, "policy-element-conflict", loc, si.notAction.keyOff,
			"the statement has both Action and NotAction; keep one")
	case si.action == nil && si.notAction == nil:
		c.add(SeverityError, "policy-element-missing", loc, si.off,
			"the statement has no Action (or NotAction); name the actions it covers, e.g. \"Action\": \"sagemaker:CreateTrainingJob\"")
	}
	switch {
	case si.resource != nil && si.notResource != nil:
		c.add(SeverityError, "policy-element-conflict", loc, si.notResource.keyOff,
			"the statement has both Resource and NotResource; keep one")
	case si.resource == nil && si.notResource == nil && c.t == TypeSCP:
		c.add(SeverityWarning, "policy-element-missing", loc, si.off,
			"the statement has no Resource; write \"Resource\": \"*\" (or the ARNs it covers) as every AWS SCP example does")
	case si.resource == nil && si.notResource == nil:
		c.add(SeverityError, "policy-element-missing", loc, si.off,
			"the statement has no Resource (or NotResource); every statement of %s needs one: write \"Resource\": \"*\" "+
				"or the ARNs it covers", c.t.withArticle())
	}
	for _, l := range []struct {
		name string
		list *strList
	}{{"Action", si.action}, {"NotAction", si.notAction}, {"Resource", si.resource}, {"NotResource", si.notResource}} {
		if l.list != nil && !l.list.bad && len(l.list.vals) == 0 {
			c.add(SeverityError, "policy-empty-value", loc, l.list.keyOff,
				"%s is an empty array; IAM rejects it: name at least one value or remove the element", l.name)
		}
	}
	if si.condition != nil && si.condition.Val.Kind == jsonpos.Object && len(si.condition.Val.Members) == 0 {
		c.add(SeverityWarning, "policy-condition-empty", loc, si.condition.Off,
			"Condition is empty; remove it")
	}
}

func (c *checker) principals(si *stmtInfo) {
	loc := si.label()
	if si.principal != nil && si.notPrincipal != nil {
		c.add(SeverityError, "policy-element-conflict", loc, si.principalOff,
			"the statement has both Principal and NotPrincipal; keep one")
	}
	switch c.t {
	case TypeSCP, TypeBoundary, TypeIdentity:
		if si.principal != nil || si.notPrincipal != nil {
			name := "Principal"
			if si.principal == nil {
				name = "NotPrincipal"
			}
			how := "the policy applies to the principals it is attached to"
			if c.t == TypeSCP {
				how = "to exempt or target principals, test aws:PrincipalArn in a Condition (ArnNotLike for break-glass roles)"
			}
			c.add(SeverityError, "policy-principal-not-allowed", loc, si.principalOff,
				"%s cannot have %s: %s; remove it", c.t.withArticle(), name, how)
		}
	case TypeRCP:
		if si.notPrincipal != nil {
			c.add(SeverityError, "policy-rcp-notprincipal", loc, si.principalOff,
				"RCPs do not support NotPrincipal; use \"Principal\": \"*\" and exempt principals with a Condition on aws:PrincipalArn")
		}
		switch p := si.principal; {
		case p == nil && si.notPrincipal == nil:
			c.add(SeverityError, "policy-rcp-principal", loc, si.off,
				"an RCP statement needs \"Principal\": \"*\"; add it")
		case p == nil:
		case p.Kind == jsonpos.String && p.Text == "*":
		case p.Kind == jsonpos.Object && len(p.Members) == 1 && p.Members[0].Name == "AWS" &&
			p.Members[0].Val.Kind == jsonpos.String && p.Members[0].Val.Text == "*":
			c.add(SeverityWarning, "policy-rcp-principal", loc, si.principalOff,
				"the RCP syntax allows only \"Principal\": \"*\"; write that instead of {\"AWS\": \"*\"}")
		default:
			c.add(SeverityError, "policy-rcp-principal", loc, si.principalOff,
				"an RCP's Principal must be \"*\"; narrow the principals with a Condition (aws:PrincipalArn, aws:PrincipalOrgID) instead")
		}
	}
}

// actions checks an Action or NotAction element.
func (c *checker) actions(si *stmtInfo, l *strList, not bool) {
	if l == nil || l.bad && len(l.vals) == 0 {
		return
	}
	loc := si.label()
	elem := "Action"
	if not {
		elem = "NotAction"
		if c.t == TypeRCP {
			c.add(SeverityError, "policy-rcp-notaction", loc, l.keyOff,
				"RCPs do not support NotAction; list the actions to deny in Action")
		}
	}
	seen := map[string]bool{}
	for _, v := range l.vals {
		if seen[strings.ToLower(v.s)] {
			continue
		}
		seen[strings.ToLower(v.s)] = true
		c.action(si, v, elem, not)
	}
}

func (c *checker) action(si *stmtInfo, v strVal, elem string, not bool) {
	loc := si.label()
	// Anything but an action of a complete service leaves the statement's
	// actions only partly known; the branch that resolves it resets this.
	unresolvedBefore := si.unresolved
	si.unresolved = si.unresolved || !not
	if v.s == "*" {
		if c.t == TypeRCP && !not {
			c.add(SeverityError, "policy-rcp-action-all", loc, v.off,
				"an RCP cannot deny \"*\": name service actions, e.g. \"s3:*\", of services RCPs support")
		}
		return
	}
	prefix, name, ok := strings.Cut(v.s, ":")
	if !ok || prefix == "" || name == "" || !alnumOr(prefix, "*?-") || !alnumOr(name, "_.*?-") {
		c.add(SeverityError, "policy-action-syntax", loc, v.off,
			"%s %q is not an action: write service:ActionName (e.g. sagemaker:CreateTrainingJob), "+
				"with * or ? wildcards if needed, or \"*\"", elem, v.s)
		return
	}
	if c.t == TypeSCP && (strings.ContainsAny(prefix, "*?") || strings.ContainsAny(strings.TrimRight(name, "*"), "*?")) {
		c.add(SeverityInfo, "policy-scp-action-wildcard", loc, v.off,
			"%s %q has a wildcard before its end: SCPs accept that since 2025-09, but older tools and Access Analyzer's "+
				"check list may still reject it; aiguard writes trailing wildcards only", elem, v.s)
	}
	if strings.ContainsAny(prefix, "*?") {
		return // a wildcard service: nothing to look up
	}
	if c.t == TypeRCP && !c.tab.RCPSupports(prefix) && !not {
		c.add(SeverityError, "policy-rcp-service", loc, v.off,
			"RCPs do not apply to %s (%s): AWS Organizations supports RCPs for only some services; "+
				"enforce it with an SCP, a permissions boundary or an identity policy instead", prefix, v.s)
	}
	svc := c.tab.Service(prefix)
	if svc == nil {
		if c.tab.KnownPrefix(prefix) {
			si.noteUncovered(prefix, v.off)
		} else {
			c.unknownPrefix(loc, v.off, prefix, fmt.Sprintf("%s %q", elem, v.s))
		}
		return
	}
	matches, _ := c.tab.MatchActions(v.s)
	if len(matches) == 0 {
		if !svc.Complete {
			si.notePartial(v.s, v.off)
			return
		}
		c.unknownAction(loc, v, svc, elem)
		return
	}
	if (c.t == TypeSCP || c.t == TypeRCP) && !strings.ContainsAny(name, "*?") {
		if a := matches[0]; name != a.Name || prefix != svc.Prefix {
			c.add(SeverityWarning, "policy-action-case", loc, v.off,
				"write %s as %s: AWS Organizations documents action names in %ss as case-sensitive",
				v.s, a.FullName(), c.t.label())
		}
	}
	if !not && svc.Complete {
		si.matched = append(si.matched, matches...)
		si.unresolved = unresolvedBefore
	}
}

func (c *checker) unknownAction(loc string, v strVal, svc *Service, elem string) {
	_, name, _ := strings.Cut(v.s, ":")
	asOf := ""
	if svc.AsOf != "" {
		asOf = " (AWS Service Authorization Reference as of " + svc.AsOf + ")"
	}
	if strings.ContainsAny(name, "*?") {
		c.add(SeverityError, "policy-action-unknown", loc, v.off,
			"%s %q matches no %s action%s; fix the pattern", elem, v.s, svc.Prefix, asOf)
		return
	}
	hint := "; fix the name"
	if c.spendHint() {
		var names []string
		for _, a := range svc.sorted {
			names = append(names, a.Name)
		}
		if best := closest(name, names, 3); best != "" {
			hint = fmt.Sprintf("; did you mean %s:%s?", svc.Prefix, best)
		}
	}
	c.add(SeverityError, "policy-action-unknown", loc, v.off,
		"%s %q is not a %s action%s%s", elem, v.s, svc.Prefix, asOf, hint)
}

// unknownPrefix reports a service prefix that is neither in the table nor
// in the list of AWS service prefixes: an error when it is one or two
// typos from a known prefix, else a warning (the list may lag AWS).
func (c *checker) unknownPrefix(loc string, off int, prefix, what string) {
	lower := strings.ToLower(prefix)
	maxDist := 0
	switch {
	case len(lower) >= 6:
		maxDist = 2
	case len(lower) >= 4:
		maxDist = 1
	}
	// Always searched, hint budget or not: the result decides the severity.
	if best := closest(lower, c.tab.knownPrefixes(), maxDist); maxDist > 0 && best != "" {
		c.add(SeverityError, "policy-service-unknown", loc, off,
			"%s: %q is not an AWS service prefix; did you mean %q?", what, prefix, best)
		return
	}
	c.add(SeverityWarning, "policy-service-unknown", loc, off,
		"%s: %q is not a service prefix aiguard knows; check the spelling (aiguard's list may lag new AWS services)", what, prefix)
}

// closest returns the candidate nearest to s (case-insensitive) within
// maxDist edits, or "".
func closest(s string, candidates []string, maxDist int) string {
	best, bestD := "", maxDist+1
	ls := strings.ToLower(s)
	for _, cand := range candidates {
		if d := editDistance(ls, strings.ToLower(cand), bestD); d < bestD {
			best, bestD = cand, d
		}
	}
	return best
}

// editDistance is the optimal-string-alignment distance (insertions,
// deletions, substitutions and adjacent transpositions), cut off above
// limit.
func editDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > limit || -d > limit {
		return limit + 1
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		// Distances never fall from one row to the row after next; two
		// rows above the limit settle it.
		if rowMin > limit && i > 1 && minOf(prev) > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

func minOf(xs []int) int {
	m := xs[0]
	for _, x := range xs[1:] {
		m = min(m, x)
	}
	return m
}

func (c *checker) passRole(si *stmtInfo) {
	if !si.allow || c.t == TypeSCP || c.t == TypeRCP || si.action == nil {
		return
	}
	names := false
	for _, v := range si.action.vals {
		if p, n, ok := strings.Cut(v.s, ":"); ok && strings.EqualFold(p, "iam") && MatchWildcard(n, "passrole", true) {
			names = true
		}
	}
	if !names {
		return
	}
	wide := si.notResource != nil
	if si.resource != nil {
		for _, v := range si.resource.vals {
			if v.s == "*" {
				wide = true
			}
		}
	}
	for _, cd := range si.conds {
		if strings.EqualFold(cd.key, "iam:PassedToService") {
			return
		}
	}
	if wide {
		c.add(SeverityWarning, "policy-passrole-wildcard", si.label(), si.action.keyOff,
			"the statement allows iam:PassRole on every role: name the role ARNs and add a Condition on "+
				"iam:PassedToService (e.g. sagemaker.amazonaws.com)")
	}
}

func (c *checker) size() {
	d := c.d
	m, err := d.Minified()
	if err != nil {
		c.add(SeverityError, "policy-size", "", -1, "cannot measure the policy: %v", err)
		return
	}
	n := charCount(m, c.t)
	limit := c.t.MaxSize()
	if c.maxChars > 0 {
		limit = c.maxChars
	}
	how := "minified; every character counts"
	if !c.t.countsWhitespace() {
		how = "whitespace not counted"
	}
	switch {
	case n > limit:
		c.add(SeverityError, "policy-size", "", -1,
			"the %s has %d characters (%s); the quota is %d: split it into several policies or shorten it",
			c.t.label(), n, how, limit)
		return
	case c.t == TypeIdentity && c.maxChars == 0 && n > MaxManagedPolicyChars:
		c.add(SeverityWarning, "policy-size", "", -1,
			"the identity policy has %d characters (whitespace not counted): above the %d of a managed policy; "+
				"it fits only inline in a role (%d for all of the role's inline policies together)",
			n, MaxManagedPolicyChars, MaxRoleInlineChars)
	}
	if c.t.countsWhitespace() && d.tree != nil {
		if raw := charCount([]byte(strings.TrimSpace(string(d.text))), c.t); raw > limit {
			c.add(SeverityWarning, "policy-size", "", -1,
				"as written the %s has %d characters, above the quota of %d; minified it has %d: upload the minified JSON "+
					"(the SDK, CLI, CloudFormation and Terraform store the text exactly as sent)", c.t.label(), raw, limit, n)
		}
	}
}
