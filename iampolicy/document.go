package iampolicy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/aiguard/aiguard/internal/jsonpos"
	"strings"
)

// Document is an IAM policy document: an SCP, an RCP, a permissions
// boundary or an identity policy.
//
// A Document read by Parse remembers its text, so that Lint reports lines
// and Minified keeps the author's spelling; once its fields are changed in
// Go, both work on the JSON that MarshalJSON writes instead. A Document
// built in Go is linted as that JSON.
type Document struct {
	Version string
	// ID is the optional Id element.
	ID string
	// Statement holds the statements; a Statement written as a single
	// object reads as one element.
	Statement []Statement

	orig     []byte        // the JSON read; offsets refer to it
	text     []byte        // orig without the trailing commas the tolerant reader skipped
	snapshot []byte        // MarshalJSON of the fields as read, to notice changes
	tree     *jsonpos.Node // the parsed text
	stmts    []*stmt       // the statements as read, with offsets
	problems []Finding
	lines    *jsonpos.Lines // offsets where lines start, built on first use
	// noLines marks a document read from MarshalJSON's output rather than
	// from an author's text: its lines mean nothing to the author.
	noLines bool
}

// Statement is one statement of a policy. Element values that IAM accepts
// as a string or an array of strings read as a slice either way.
type Statement struct {
	Sid          string
	Effect       string
	Principal    *Principal
	NotPrincipal *Principal
	Action       []string
	NotAction    []string
	Resource     []string
	NotResource  []string
	Condition    Condition
}

// Condition is a Condition element: operator (as written, e.g.
// "ForAnyValue:StringLike") to condition key to values. JSON booleans and
// numbers read as their text.
type Condition map[string]map[string][]string

// Principal is a Principal or NotPrincipal element: "*" (All), or
// principals by type (AWS, Service, Federated, CanonicalUser).
type Principal struct {
	All    bool
	ByType map[string][]string
}

// Parse reads a policy document. It fails only when data is not JSON or not
// a JSON object; every other problem (a missing Effect, an Action that is
// a number, a duplicate key, an unknown element) is left for Lint to
// report, and the elements it can read are in the Document. A JSON error
// is a *SyntaxError.
func Parse(data []byte) (*Document, error) {
	return parse(data, false)
}

// parse reads a document; in tolerant mode trailing commas and a leading
// byte-order mark become error findings instead of failing the read.
func parse(data []byte, tolerant bool) (*Document, error) {
	res, err := jsonpos.Parse(data, jsonpos.Options{Tolerant: tolerant, MaxDepth: maxDepth})
	if err != nil {
		return nil, err
	}
	root, problems, skip := res.Root, res.Problems, res.Skip
	if root.Kind != jsonpos.Object {
		line, col := jsonpos.NewLines(data).Pos(root.Off)
		return nil, &SyntaxError{Offset: root.Off, Line: line, Column: col,
			Msg: fmt.Sprintf("the policy is %s; a policy document is a JSON object with Version and Statement", root.Kind)}
	}
	d := &Document{orig: data, text: data, tree: root}
	for _, p := range problems {
		d.problems = append(d.problems, d.finding(SeverityError, "policy-json", "", p.Off, "%s", p.Msg))
	}
	if len(skip) > 0 {
		// Offsets of the tree stay those of the original text; the repaired
		// text only serves Minified and the size check.
		d.text = jsonpos.Without(data, skip)
	}
	d.build()
	snap, err := d.marshal()
	if err != nil {
		return nil, fmt.Errorf("read the policy: %w", err)
	}
	d.snapshot = snap
	return d, nil
}

// posAt returns the line and column of a byte offset of the text as read
// (0, 0 when unknown).
func (d *Document) posAt(off int) (line, col int) {
	if d.tree == nil || d.noLines || off < 0 {
		return 0, 0
	}
	if d.lines == nil {
		d.lines = jsonpos.NewLines(d.orig)
	}
	return d.lines.Pos(off)
}

func (d *Document) finding(sev Severity, code, loc string, off int, format string, args ...any) Finding {
	line, col := d.posAt(off)
	return Finding{Severity: sev, Code: code, Message: fmt.Sprintf(format, args...), Location: loc, Line: line, Column: col}
}

// changed reports whether the exported fields no longer match the text
// the document was read from.
func (d *Document) changed() bool {
	if d.tree == nil {
		return true
	}
	now, err := d.marshal()
	return err != nil || !bytes.Equal(now, d.snapshot)
}

// current returns the document to check and measure: d itself when its
// text is current, else d's JSON read back.
func (d *Document) current() (*Document, error) {
	if !d.changed() {
		return d, nil
	}
	data, err := d.marshal()
	if err != nil {
		return nil, err
	}
	cur, err := parse(data, false)
	if err != nil {
		return nil, err
	}
	cur.noLines = true
	for i := range cur.problems {
		cur.problems[i].Line = 0
	}
	return cur, nil
}

// Minified returns the document as compact JSON: the text read with the
// whitespace between tokens removed (strings, escapes and key order kept),
// or MarshalJSON's output for a document built or changed in Go. This is
// the form to upload as an SCP or RCP, whose quota counts every character.
func (d *Document) Minified() ([]byte, error) {
	if !d.changed() {
		var b bytes.Buffer
		if err := json.Compact(&b, d.text); err == nil {
			return b.Bytes(), nil
		}
	}
	return d.marshal()
}

// Size returns the number of characters of the document that count against
// the quota of policy type t (Type.MaxSize): every character of the
// minified JSON for SCPs and RCPs, the non-whitespace characters for
// boundaries and identity policies.
func (d *Document) Size(t Type) (int, error) {
	m, err := d.Minified()
	if err != nil {
		return 0, err
	}
	return charCount(m, t), nil
}

// MarshalJSON writes the document as compact JSON: Version, Id and
// Statement (always an array) in that order, each statement as
// Statement.MarshalJSON writes it. It does not escape <, > and & (the
// quota counts the escapes); json.Marshal of a Document does, so prefer
// Minified to produce the text to upload.
func (d *Document) MarshalJSON() ([]byte, error) { return d.marshal() }

// Indented returns Minified's text indented by two spaces and ending in a
// newline: for files people read, and for the policies whose quota does
// not count whitespace (permissions boundaries, identity policies).
func (d *Document) Indented() ([]byte, error) {
	m, err := d.Minified()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.Grow(len(m) * 2)
	if err := json.Indent(&b, m, "", "  "); err != nil {
		return nil, fmt.Errorf("indent the policy: %w", err)
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// MarshalJSON writes the statement as compact JSON: its elements in the
// order of the IAM grammar, empty ones left out, one-element lists as a
// plain string, and condition operators and keys sorted, without escaping
// <, > and &. Its length is what the statement adds to a minified policy.
func (s Statement) MarshalJSON() ([]byte, error) { return marshalNoEscape(s.json()) }

// MarshalJSON writes the element with operators and keys sorted and a key
// of one value as a plain string; a nil Condition is null.
func (c Condition) MarshalJSON() ([]byte, error) { return marshalNoEscape(c.json()) }

type docJSON struct {
	Version   string          `json:"Version,omitempty"`
	ID        string          `json:"Id,omitempty"`
	Statement []statementJSON `json:"Statement"`
}

type statementJSON struct {
	Sid          string     `json:"Sid,omitempty"`
	Effect       string     `json:"Effect"`
	Principal    *Principal `json:"Principal,omitempty"`
	NotPrincipal *Principal `json:"NotPrincipal,omitempty"`
	Action       oneOrMany  `json:"Action,omitempty"`
	NotAction    oneOrMany  `json:"NotAction,omitempty"`
	Resource     oneOrMany  `json:"Resource,omitempty"`
	NotResource  oneOrMany  `json:"NotResource,omitempty"`
	Condition    condJSON   `json:"Condition,omitempty"`
}

type condJSON map[string]map[string]oneOrMany

func (s *Statement) json() statementJSON {
	return statementJSON{Sid: s.Sid, Effect: s.Effect, Principal: s.Principal, NotPrincipal: s.NotPrincipal,
		Action: s.Action, NotAction: s.NotAction, Resource: s.Resource, NotResource: s.NotResource,
		Condition: s.Condition.json()}
}

// json returns the element's JSON shape (nil for nil).
func (c Condition) json() condJSON {
	if c == nil {
		return nil
	}
	out := make(condJSON, len(c))
	for op, keys := range c {
		m := make(map[string]oneOrMany, len(keys))
		for k, v := range keys {
			m[k] = v
		}
		out[op] = m
	}
	return out
}

// oneOrMany writes one value as a string and several as an array.
type oneOrMany []string

func (l oneOrMany) MarshalJSON() ([]byte, error) {
	switch len(l) {
	case 0:
		return []byte("[]"), nil // not null, which IAM rejects
	case 1:
		return marshalNoEscape(l[0])
	}
	return marshalNoEscape([]string(l))
}

// MarshalJSON writes "*" for All, else the principals by type.
func (p *Principal) MarshalJSON() ([]byte, error) {
	if p.All {
		return []byte(`"*"`), nil
	}
	m := make(map[string]oneOrMany, len(p.ByType))
	for k, v := range p.ByType {
		m[k] = v
	}
	return marshalNoEscape(m)
}

func (d *Document) marshal() ([]byte, error) {
	out := docJSON{Version: d.Version, ID: d.ID, Statement: make([]statementJSON, len(d.Statement))}
	for i := range d.Statement {
		out.Statement[i] = d.Statement[i].json()
	}
	return marshalNoEscape(out)
}

func marshalNoEscape(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// Element names of the IAM policy grammar.
var (
	topElements       = []string{"Version", "Id", "Statement"}
	statementElements = []string{"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction",
		"Resource", "NotResource", "Condition"}
)

// stmt is a statement as read, with the offsets the checks report.
type stmt struct {
	index int
	off   int
	node  *jsonpos.Node // the statement's JSON object
	sid   *strVal
	// effect is nil when absent.
	effect                  *strVal
	principal, notPrincipal *jsonpos.Node
	principalOff            int // offset of the Principal or NotPrincipal key
	action, notAction       *strList
	resource, notResource   *strList
	condition               *jsonpos.Member
	conds                   []cond
	sharedSid               bool // another statement has the same Sid
}

// label is the statement's Location in findings: its Sid, or its position
// when it has none or shares its Sid with another statement.
func (s *stmt) label() string {
	switch {
	case s.sid != nil && s.sid.s != "" && s.sharedSid:
		return fmt.Sprintf("statement %d, Sid %s", s.index+1, s.sid.s)
	case s.sid != nil && s.sid.s != "":
		return s.sid.s
	}
	return fmt.Sprintf("statement %d", s.index+1)
}

type strVal struct {
	s   string
	off int
}

// strList is an element that holds a string or an array of strings.
type strList struct {
	keyOff int
	vals   []strVal
	bad    bool // not a string or array of strings: reported already
}

// cond is one key test of a Condition block.
type cond struct {
	op     string
	opOff  int
	key    string
	keyOff int
	vals   []strVal
	bad    bool // values of the wrong JSON type: reported already
}

// build reads the tree into the exported fields and d.stmts, recording
// structure problems.
func (d *Document) build() {
	root := d.tree
	d.duplicateKeys(root, "")
	elems := d.elements(root, topElements, "")
	if m := elems["Version"]; m != nil {
		if v, ok := d.stringValue(m, ""); ok {
			d.Version = v.s
		}
	}
	if m := elems["Id"]; m != nil {
		if v, ok := d.stringValue(m, ""); ok {
			d.ID = v.s
		}
	}
	m := elems["Statement"]
	if m == nil {
		d.problem(SeverityError, "policy-statement-missing", "", root.Off,
			"the policy has no Statement; add \"Statement\": [ ... ] with at least one statement")
		return
	}
	var list []*jsonpos.Node
	switch m.Val.Kind {
	case jsonpos.Object:
		list = []*jsonpos.Node{m.Val}
	case jsonpos.Array:
		list = m.Val.Elems
		if len(list) == 0 {
			d.problem(SeverityError, "policy-statement-missing", "", m.Val.Off,
				"Statement is an empty array; a policy needs at least one statement")
		}
	default:
		d.problem(SeverityError, "policy-structure", "", m.Val.Off,
			"Statement is %s; write an object or an array of objects", m.Val.Kind)
		return
	}
	sids := map[string]int{}
	for _, n := range list {
		if m := n.Get("Sid"); n.Kind == jsonpos.Object && m != nil && m.Val.Kind == jsonpos.String && m.Val.Text != "" {
			sids[m.Val.Text]++
		}
	}
	for i, n := range list {
		s := &stmt{index: i, off: n.Off}
		if m := n.Get("Sid"); n.Kind == jsonpos.Object && m != nil && m.Val.Kind == jsonpos.String {
			s.sharedSid = sids[m.Val.Text] > 1
		}
		if n.Kind != jsonpos.Object {
			d.problem(SeverityError, "policy-structure", s.label(), n.Off,
				"the statement is %s; each statement is an object with Effect, Action and Resource", n.Kind)
			continue
		}
		s.node = n
		d.stmts = append(d.stmts, s)
		d.Statement = append(d.Statement, d.statement(s, n))
	}
}

func (d *Document) problem(sev Severity, code, loc string, off int, format string, args ...any) {
	d.problems = append(d.problems, d.finding(sev, code, loc, off, format, args...))
}

// duplicateKeys reports keys that occur twice in one object, anywhere.
func (d *Document) duplicateKeys(n *jsonpos.Node, loc string) {
	switch n.Kind {
	case jsonpos.Object:
		seen := map[string]bool{}
		for _, m := range n.Members {
			if seen[m.Name] {
				d.problem(SeverityError, "policy-json-duplicate-key", loc, m.Off,
					"the key %q occurs twice in one object; JSON readers keep only one of them (aiguard reads the last), "+
						"so the other is silently lost: merge them", m.Name)
			}
			seen[m.Name] = true
			d.duplicateKeys(m.Val, loc)
		}
	case jsonpos.Array:
		for _, e := range n.Elems {
			d.duplicateKeys(e, loc)
		}
	}
}

// elements maps the grammar's element names to the members of n that hold
// them (the last one when a key repeats), reporting unknown elements and
// names spelled in another case.
func (d *Document) elements(n *jsonpos.Node, names []string, loc string) map[string]*jsonpos.Member {
	out := map[string]*jsonpos.Member{}
	for i := range n.Members {
		m := &n.Members[i]
		name := ""
		for _, want := range names {
			if m.Name == want {
				name = want
				break
			}
		}
		if name == "" {
			for _, want := range names {
				if strings.EqualFold(m.Name, want) {
					name = want
					d.problem(SeverityWarning, "policy-element-case", loc, m.Off,
						"element %q: the IAM policy grammar spells it %q; write it that way", m.Name, want)
					break
				}
			}
		}
		if name == "" {
			where := "a policy"
			if loc != "" {
				where = "a statement"
			}
			d.problem(SeverityError, "policy-element-unknown", loc, m.Off,
				"%q is not an element of %s (allowed: %s); remove it or fix its name", m.Name, where, strings.Join(names, ", "))
			continue
		}
		out[name] = m
	}
	return out
}

func (d *Document) stringValue(m *jsonpos.Member, loc string) (strVal, bool) {
	if m.Val.Kind != jsonpos.String {
		d.problem(SeverityError, "policy-structure", loc, m.Val.Off, "%s is %s; write a string", m.Name, m.Val.Kind)
		return strVal{}, false
	}
	return strVal{m.Val.Text, m.Val.Off}, true
}

func (d *Document) statement(s *stmt, n *jsonpos.Node) Statement {
	var out Statement
	// The Sid comes first: it names the statement in every other finding.
	if m := n.Get("Sid"); m != nil && m.Val.Kind == jsonpos.String {
		s.sid = &strVal{m.Val.Text, m.Val.Off}
	}
	loc := s.label()
	elems := d.elements(n, statementElements, loc)
	if m := elems["Sid"]; m != nil {
		if v, ok := d.stringValue(m, loc); ok {
			s.sid = &v
			out.Sid = v.s
		}
	}
	if m := elems["Effect"]; m != nil {
		if v, ok := d.stringValue(m, loc); ok {
			s.effect = &v
			out.Effect = v.s
		}
	}
	for _, e := range []struct {
		name string
		list **strList
		out  *[]string
	}{
		{"Action", &s.action, &out.Action}, {"NotAction", &s.notAction, &out.NotAction},
		{"Resource", &s.resource, &out.Resource}, {"NotResource", &s.notResource, &out.NotResource},
	} {
		if m := elems[e.name]; m != nil {
			l := d.stringList(m, loc)
			*e.list = l
			for _, v := range l.vals {
				*e.out = append(*e.out, v.s)
			}
			if *e.out == nil && !l.bad {
				*e.out = []string{}
			}
		}
	}
	if m := elems["Principal"]; m != nil {
		s.principal, s.principalOff = m.Val, m.Off
		out.Principal = d.principal(m, loc)
	}
	if m := elems["NotPrincipal"]; m != nil {
		s.notPrincipal = m.Val
		if s.principal == nil {
			s.principalOff = m.Off
		}
		out.NotPrincipal = d.principal(m, loc)
	}
	if m := elems["Condition"]; m != nil {
		s.condition = m
		out.Condition = d.conditions(s, m, loc)
	}
	return out
}

// stringList reads a string or an array of strings.
func (d *Document) stringList(m *jsonpos.Member, loc string) *strList {
	l := &strList{keyOff: m.Off}
	switch m.Val.Kind {
	case jsonpos.String:
		l.vals = []strVal{{m.Val.Text, m.Val.Off}}
	case jsonpos.Array:
		for _, e := range m.Val.Elems {
			if e.Kind != jsonpos.String {
				d.problem(SeverityError, "policy-structure", loc, e.Off,
					"%s holds %s; every element must be a string", m.Name, e.Kind)
				l.bad = true
				continue
			}
			l.vals = append(l.vals, strVal{e.Text, e.Off})
		}
	default:
		d.problem(SeverityError, "policy-structure", loc, m.Val.Off,
			"%s is %s; write a string or an array of strings", m.Name, m.Val.Kind)
		l.bad = true
	}
	return l
}

func (d *Document) principal(m *jsonpos.Member, loc string) *Principal {
	switch m.Val.Kind {
	case jsonpos.String:
		if m.Val.Text == "*" {
			return &Principal{All: true}
		}
		d.problem(SeverityError, "policy-structure", loc, m.Val.Off,
			"%s is the string %q; only \"*\" may be written as a string, otherwise write {\"AWS\": [...]} "+
				"(or Service, Federated, CanonicalUser)", m.Name, m.Val.Text)
		return &Principal{ByType: map[string][]string{}}
	case jsonpos.Object:
		p := &Principal{ByType: map[string][]string{}}
		for i := range m.Val.Members {
			pm := &m.Val.Members[i]
			l := d.stringList(&jsonpos.Member{Name: m.Name + "." + pm.Name, Off: pm.Off, Val: pm.Val}, loc)
			for _, v := range l.vals {
				p.ByType[pm.Name] = append(p.ByType[pm.Name], v.s)
			}
		}
		return p
	}
	d.problem(SeverityError, "policy-structure", loc, m.Val.Off,
		"%s is %s; write \"*\" or an object of principals by type", m.Name, m.Val.Kind)
	return &Principal{ByType: map[string][]string{}}
}

// conditions reads a Condition block: operator -> key -> value(s).
func (d *Document) conditions(s *stmt, m *jsonpos.Member, loc string) Condition {
	if m.Val.Kind != jsonpos.Object {
		d.problem(SeverityError, "policy-structure", loc, m.Val.Off,
			"Condition is %s; write an object of condition operators", m.Val.Kind)
		return nil
	}
	out := Condition{}
	for i := range m.Val.Members {
		opm := &m.Val.Members[i]
		if opm.Val.Kind != jsonpos.Object {
			d.problem(SeverityError, "policy-structure", loc, opm.Val.Off,
				"condition operator %s holds %s; write an object of condition keys and values", opm.Name, opm.Val.Kind)
			continue
		}
		if len(opm.Val.Members) == 0 {
			d.problem(SeverityWarning, "policy-condition-empty", loc, opm.Off,
				"condition operator %s tests no key; remove it", opm.Name)
		}
		keys := map[string][]string{}
		for j := range opm.Val.Members {
			km := &opm.Val.Members[j]
			c := cond{op: opm.Name, opOff: opm.Off, key: km.Name, keyOff: km.Off}
			var elems []*jsonpos.Node
			if km.Val.Kind == jsonpos.Array {
				elems = km.Val.Elems
				if len(elems) == 0 {
					d.problem(SeverityWarning, "policy-condition-empty", loc, km.Off,
						"%s %s has an empty list of values; it matches no request: give values or remove the test", opm.Name, km.Name)
				}
			} else {
				elems = []*jsonpos.Node{km.Val}
			}
			for _, e := range elems {
				t, ok := e.ScalarText()
				if !ok {
					d.problem(SeverityError, "policy-structure", loc, e.Off,
						"%s %s holds %s; condition values are strings, numbers or booleans", opm.Name, km.Name, e.Kind)
					c.bad = true
					continue
				}
				c.vals = append(c.vals, strVal{t, e.Off})
			}
			vals := []string{}
			for _, v := range c.vals {
				vals = append(vals, v.s)
			}
			keys[km.Name] = vals
			s.conds = append(s.conds, c)
		}
		out[opm.Name] = keys
	}
	return out
}

// SyntaxError is a JSON syntax error in a policy document.
type SyntaxError = jsonpos.SyntaxError

// maxDepth bounds nesting: an IAM policy nests at most five levels.
const maxDepth = 64
