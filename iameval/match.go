package iameval

import (
	"strings"
	"unicode/utf8"

	"github.com/aiguard/aiguard/iampolicy"
)

// tmpl is a policy string that may hold policy variables: a Resource
// element entry or a String or ARN condition value.
type tmpl struct {
	text  string  // the string without variables (parts is nil)
	parts []tpart // the string split at its variables
}

// tpart is literal text or one variable.
type tpart struct {
	lit    string
	key    string // lower-case context key; "" for literal text
	def    string // default value, when hasDef
	hasDef bool
	esc    bool // ${*}, ${?} or ${$}: lit is the character, never a wildcard
}

// newTmpl reads s; variables are recognised only when vars is set (policy
// language version 2012-10-17).
func newTmpl(s string, vars bool) tmpl {
	if !vars || !strings.Contains(s, "${") {
		return tmpl{text: s}
	}
	var parts []tpart
	rest := s
	for {
		before, inner, after, found := iampolicy.CutVariable(rest)
		if !found {
			break
		}
		if before != "" {
			parts = append(parts, tpart{lit: before})
		}
		parts = append(parts, varPart(inner))
		rest = after
	}
	if rest != "" {
		parts = append(parts, tpart{lit: rest})
	}
	return tmpl{text: s, parts: parts}
}

// varPart reads the inside of ${...}: a key, a key with a default
// (${aws:username, 'anonymous'}), or one of the escapes ${*} ${?} ${$}.
func varPart(inner string) tpart {
	switch inner {
	case "*", "?", "$":
		return tpart{lit: inner, esc: true}
	}
	key, def, hasDef := strings.Cut(inner, ",")
	p := tpart{key: strings.ToLower(strings.TrimSpace(key))}
	if hasDef {
		d := strings.TrimSpace(def)
		if len(d) >= 2 && d[0] == '\'' && d[len(d)-1] == '\'' {
			p.def, p.hasDef = d[1:len(d)-1], true
		}
	}
	if p.key == "" {
		return tpart{lit: "${" + inner + "}"}
	}
	return p
}

// expand substitutes the variables. It returns the text, a mask marking
// the bytes that came from variables (which are never wildcards; nil when
// none did), and the state: present when every variable has a value,
// absent when one has none (AWS then treats the statement as invalid),
// unknown when one is unknown.
func (t tmpl) expand(c *reqCtx) (string, []bool, state) {
	if t.parts == nil {
		return t.text, nil, present
	}
	var b strings.Builder
	var mask []bool
	st := present
	addLit := func(s string, literal bool) {
		b.WriteString(s)
		for range len(s) {
			mask = append(mask, literal)
		}
	}
	for _, p := range t.parts {
		switch {
		case p.esc:
			addLit(p.lit, true)
		case p.key == "":
			addLit(p.lit, false)
		default:
			s, v := c.lookup(p.key)
			switch {
			case s == present && len(v) == 1:
				addLit(v[0], true)
			case s == unknown:
				st = unknown
			case p.hasDef:
				// Absent, or multivalued (which cannot be a variable).
				addLit(p.def, true)
			default:
				return "", nil, absent
			}
		}
	}
	return b.String(), mask, st
}

// glob matches s against a pattern with * (any run, also empty) and ?
// (one character); bytes marked in lit are literal even when they are * or
// ?. It works iteratively, so no input can make it slow.
func glob(p string, lit []bool, s string) bool {
	wild := func(i int) bool { return lit == nil || !lit[i] }
	pi, si, star, mark := 0, 0, -1, 0
	for si < len(s) {
		if pi < len(p) {
			switch c := p[pi]; {
			case c == '*' && wild(pi):
				star, mark = pi, si
				pi++
				continue
			case c == '?' && wild(pi):
				_, n := utf8.DecodeRuneInString(s[si:])
				pi++
				si += n
				continue
			case c == s[si]:
				pi++
				si++
				continue
			}
		}
		if star < 0 {
			return false
		}
		_, n := utf8.DecodeRuneInString(s[mark:])
		mark += n
		si, pi = mark, star+1
	}
	for pi < len(p) && p[pi] == '*' && wild(pi) {
		pi++
	}
	return pi == len(p)
}

// arnMatch matches an ARN against a pattern the way ArnLike and the
// Resource element do: each of the six colon-separated fields on its own,
// case-sensitively, with wildcards; the sixth field (the resource) holds
// the rest of the ARN, colons included. A pattern without colons ("*")
// matches the whole ARN; one with fewer than six fields matches nothing.
func arnMatch(p string, lit []bool, v string) bool {
	pf := splitFields(p)
	switch {
	case len(pf) == 1:
		return glob(p, lit, v)
	case len(pf) < 6:
		return false
	}
	vf := splitFields(v)
	if len(vf) < 6 {
		return false
	}
	for i := range 6 {
		var m []bool
		if lit != nil {
			m = lit[pf[i][0]:pf[i][1]]
		}
		if !glob(p[pf[i][0]:pf[i][1]], m, v[vf[i][0]:vf[i][1]]) {
			return false
		}
	}
	return true
}

// splitFields returns the byte ranges of up to six colon-separated fields.
func splitFields(s string) [][2]int {
	out := make([][2]int, 0, 6)
	start := 0
	for i := 0; i < len(s) && len(out) < 5; i++ {
		if s[i] == ':' {
			out = append(out, [2]int{start, i})
			start = i + 1
		}
	}
	return append(out, [2]int{start, len(s)})
}
