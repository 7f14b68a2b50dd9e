package iampolicy

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// A small JSON reader of our own rather than encoding/json: the linter needs
// the byte offset of every value (to print lines), every key of an object in
// order including duplicates (JSON parsers keep only one of them, so a
// duplicate silently drops a condition), and a tolerant mode that reads
// past the mistake AWS's own documentation makes most often, a trailing
// comma, so that the rest of the policy can still be checked.

// SyntaxError is a JSON syntax error in a policy document.
type SyntaxError struct {
	Offset int // byte offset of the error
	Line   int // 1-based
	Column int // 1-based, in bytes
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at line %d, column %d: %s", e.Line, e.Column, e.Msg)
}

// maxDepth bounds nesting: an IAM policy nests at most five levels, and an
// unbounded recursion on "[[[[..." would exhaust the stack.
const maxDepth = 64

type kind int

const (
	kindNull kind = iota
	kindBool
	kindNumber
	kindString
	kindArray
	kindObject
)

func (k kind) String() string {
	switch k {
	case kindBool:
		return "a boolean"
	case kindNumber:
		return "a number"
	case kindString:
		return "a string"
	case kindArray:
		return "an array"
	case kindObject:
		return "an object"
	}
	return "null"
}

// node is one JSON value.
type node struct {
	kind    kind
	text    string // string value; number text; "true"/"false"
	off     int    // byte offset of the value's first character
	members []member
	elems   []*node
}

// member is one key of an object, in document order.
type member struct {
	name string
	off  int // offset of the key
	val  *node
}

// get returns the first member named exactly name.
func (n *node) get(name string) *member {
	for i := range n.members {
		if n.members[i].name == name {
			return &n.members[i]
		}
	}
	return nil
}

// scalarText returns the text of a string, number or boolean.
func (n *node) scalarText() (string, bool) {
	switch n.kind {
	case kindString, kindNumber, kindBool:
		return n.text, true
	}
	return "", false
}

// jsonProblem is a syntax mistake the tolerant reader read past.
type jsonProblem struct {
	off int
	msg string
}

type jsonReader struct {
	data     []byte
	pos      int
	tolerant bool
	problems []jsonProblem
	// skip holds the offsets of characters (trailing commas, a byte-order
	// mark) the tolerant reader dropped: the repaired text leaves them out.
	skip []int
}

// parseJSON reads one JSON value filling the whole input. In tolerant mode
// a trailing comma before ] or } and a leading byte-order mark are recorded
// as problems and skipped; every other mistake is a *SyntaxError.
func parseJSON(data []byte, tolerant bool) (*node, []jsonProblem, []int, error) {
	r := &jsonReader{data: data, tolerant: tolerant}
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		if !tolerant {
			return nil, nil, nil, r.errAt(0, "the document starts with a byte-order mark; remove it")
		}
		r.problems = append(r.problems, jsonProblem{0, "the document starts with a byte-order mark; remove it"})
		r.skip = append(r.skip, 0, 1, 2)
		r.pos = 3
	}
	r.space()
	if r.pos >= len(data) {
		return nil, nil, nil, r.errAt(r.pos, "the document is empty")
	}
	n, err := r.value(0)
	if err != nil {
		return nil, nil, nil, err
	}
	r.space()
	if r.pos < len(data) {
		return nil, nil, nil, r.errAt(r.pos, "unexpected "+r.describe(r.pos)+" after the end of the document")
	}
	return n, r.problems, r.skip, nil
}

func (r *jsonReader) errAt(off int, msg string) *SyntaxError {
	line, col := lineCol(r.data, off)
	return &SyntaxError{Offset: off, Line: line, Column: col, Msg: msg}
}

// lineCol converts a byte offset to a 1-based line and column.
func lineCol(data []byte, off int) (int, int) {
	if off > len(data) {
		off = len(data)
	}
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := off + 1
	if i := bytes.LastIndexByte(data[:off], '\n'); i >= 0 {
		col = off - i
	}
	return line, col
}

func (r *jsonReader) describe(off int) string {
	if off >= len(r.data) {
		return "end of input"
	}
	c, _ := utf8.DecodeRune(r.data[off:])
	if c == utf8.RuneError {
		return fmt.Sprintf("byte 0x%02x", r.data[off])
	}
	return strconv.QuoteRune(c)
}

func (r *jsonReader) space() {
	for r.pos < len(r.data) {
		switch r.data[r.pos] {
		case ' ', '\t', '\n', '\r':
			r.pos++
		default:
			return
		}
	}
}

func (r *jsonReader) value(depth int) (*node, error) {
	if depth > maxDepth {
		return nil, r.errAt(r.pos, fmt.Sprintf("nested more than %d levels deep", maxDepth))
	}
	if r.pos >= len(r.data) {
		return nil, r.errAt(r.pos, "unexpected end of input; a value is missing")
	}
	start := r.pos
	switch c := r.data[r.pos]; {
	case c == '{':
		return r.object(depth)
	case c == '[':
		return r.array(depth)
	case c == '"':
		s, err := r.str()
		if err != nil {
			return nil, err
		}
		return &node{kind: kindString, text: s, off: start}, nil
	case c == '-' || c >= '0' && c <= '9':
		return r.number()
	case c == 't' || c == 'f' || c == 'n':
		for _, lit := range []string{"true", "false", "null"} {
			if bytes.HasPrefix(r.data[r.pos:], []byte(lit)) {
				r.pos += len(lit)
				if lit == "null" {
					return &node{kind: kindNull, off: start}, nil
				}
				return &node{kind: kindBool, text: lit, off: start}, nil
			}
		}
	}
	return nil, r.errAt(r.pos, "unexpected "+r.describe(r.pos)+"; want a value")
}

// trailingComma handles a comma just read that is followed by the closing
// delimiter: an error, or in tolerant mode a recorded problem.
func (r *jsonReader) trailingComma(commaOff int, closing byte) error {
	msg := fmt.Sprintf("trailing comma before %q; JSON allows none: remove it", closing)
	if !r.tolerant {
		return r.errAt(commaOff, msg)
	}
	r.problems = append(r.problems, jsonProblem{commaOff, msg})
	r.skip = append(r.skip, commaOff)
	return nil
}

func (r *jsonReader) object(depth int) (*node, error) {
	n := &node{kind: kindObject, off: r.pos}
	r.pos++ // {
	r.space()
	if r.pos < len(r.data) && r.data[r.pos] == '}' {
		r.pos++
		return n, nil
	}
	for {
		r.space()
		if r.pos >= len(r.data) || r.data[r.pos] != '"' {
			return nil, r.errAt(r.pos, "unexpected "+r.describe(r.pos)+"; want a quoted key")
		}
		keyOff := r.pos
		key, err := r.str()
		if err != nil {
			return nil, err
		}
		r.space()
		if r.pos >= len(r.data) || r.data[r.pos] != ':' {
			return nil, r.errAt(r.pos, "unexpected "+r.describe(r.pos)+fmt.Sprintf("; want ':' after the key %q", key))
		}
		r.pos++
		r.space()
		v, err := r.value(depth + 1)
		if err != nil {
			return nil, err
		}
		n.members = append(n.members, member{name: key, off: keyOff, val: v})
		r.space()
		if r.pos >= len(r.data) {
			return nil, r.errAt(r.pos, "unexpected end of input; want ',' or '}'")
		}
		switch r.data[r.pos] {
		case '}':
			r.pos++
			return n, nil
		case ',':
			comma := r.pos
			r.pos++
			r.space()
			if r.pos < len(r.data) && r.data[r.pos] == '}' {
				if err := r.trailingComma(comma, '}'); err != nil {
					return nil, err
				}
				r.pos++
				return n, nil
			}
		default:
			return nil, r.errAt(r.pos, "unexpected "+r.describe(r.pos)+"; want ',' or '}' (a comma may be missing)")
		}
	}
}

func (r *jsonReader) array(depth int) (*node, error) {
	n := &node{kind: kindArray, off: r.pos}
	r.pos++ // [
	r.space()
	if r.pos < len(r.data) && r.data[r.pos] == ']' {
		r.pos++
		return n, nil
	}
	for {
		r.space()
		v, err := r.value(depth + 1)
		if err != nil {
			return nil, err
		}
		n.elems = append(n.elems, v)
		r.space()
		if r.pos >= len(r.data) {
			return nil, r.errAt(r.pos, "unexpected end of input; want ',' or ']'")
		}
		switch r.data[r.pos] {
		case ']':
			r.pos++
			return n, nil
		case ',':
			comma := r.pos
			r.pos++
			r.space()
			if r.pos < len(r.data) && r.data[r.pos] == ']' {
				if err := r.trailingComma(comma, ']'); err != nil {
					return nil, err
				}
				r.pos++
				return n, nil
			}
		default:
			return nil, r.errAt(r.pos, "unexpected "+r.describe(r.pos)+"; want ',' or ']' (a comma may be missing)")
		}
	}
}

func (r *jsonReader) number() (*node, error) {
	start := r.pos
	d := r.data
	if r.pos < len(d) && d[r.pos] == '-' {
		r.pos++
	}
	digits := func() int {
		n := 0
		for r.pos < len(d) && d[r.pos] >= '0' && d[r.pos] <= '9' {
			r.pos++
			n++
		}
		return n
	}
	intStart := r.pos
	if digits() == 0 {
		return nil, r.errAt(r.pos, "invalid number: digits missing")
	}
	if d[intStart] == '0' && r.pos-intStart > 1 {
		return nil, r.errAt(intStart, "invalid number: leading zero")
	}
	if r.pos < len(d) && d[r.pos] == '.' {
		r.pos++
		if digits() == 0 {
			return nil, r.errAt(r.pos, "invalid number: digits missing after '.'")
		}
	}
	if r.pos < len(d) && (d[r.pos] == 'e' || d[r.pos] == 'E') {
		r.pos++
		if r.pos < len(d) && (d[r.pos] == '+' || d[r.pos] == '-') {
			r.pos++
		}
		if digits() == 0 {
			return nil, r.errAt(r.pos, "invalid number: exponent digits missing")
		}
	}
	return &node{kind: kindNumber, text: string(d[start:r.pos]), off: start}, nil
}

// str reads a quoted string at r.pos.
func (r *jsonReader) str() (string, error) {
	start := r.pos
	r.pos++ // "
	var b strings.Builder
	d := r.data
	for {
		if r.pos >= len(d) {
			return "", r.errAt(start, "unterminated string")
		}
		c := d[r.pos]
		switch {
		case c == '"':
			r.pos++
			return b.String(), nil
		case c == '\\':
			if err := r.escape(&b); err != nil {
				return "", err
			}
		case c < 0x20:
			return "", r.errAt(r.pos, "control character in a string; escape it")
		case c < utf8.RuneSelf:
			b.WriteByte(c)
			r.pos++
		default:
			ru, size := utf8.DecodeRune(d[r.pos:])
			if ru == utf8.RuneError && size == 1 {
				return "", r.errAt(r.pos, "invalid UTF-8 in a string")
			}
			b.WriteRune(ru)
			r.pos += size
		}
	}
}

func (r *jsonReader) escape(b *strings.Builder) error {
	d := r.data
	if r.pos+1 >= len(d) {
		return r.errAt(r.pos, "unterminated escape")
	}
	c := d[r.pos+1]
	if v, ok := simpleEscape(c); ok {
		b.WriteByte(v)
		r.pos += 2
		return nil
	}
	if c != 'u' {
		return r.errAt(r.pos, "invalid escape "+strconv.Quote("\\"+string(rune(c))))
	}
	ru, err := r.hex4(r.pos + 2)
	if err != nil {
		return err
	}
	r.pos += 6
	if utf16.IsSurrogate(ru) {
		if r.pos+1 < len(d) && d[r.pos] == '\\' && d[r.pos+1] == 'u' {
			if lo, err := r.hex4(r.pos + 2); err == nil {
				if dec := utf16.DecodeRune(ru, lo); dec != utf8.RuneError {
					r.pos += 6
					b.WriteRune(dec)
					return nil
				}
			}
		}
		ru = utf8.RuneError // a lone surrogate, as encoding/json reads it
	}
	b.WriteRune(ru)
	return nil
}

func simpleEscape(c byte) (byte, bool) {
	switch c {
	case '"', '\\', '/':
		return c, true
	case 'b':
		return '\b', true
	case 'f':
		return '\f', true
	case 'n':
		return '\n', true
	case 'r':
		return '\r', true
	case 't':
		return '\t', true
	}
	return 0, false
}

func (r *jsonReader) hex4(off int) (rune, error) {
	if off+4 > len(r.data) {
		return 0, r.errAt(off, "incomplete \\u escape")
	}
	v, err := strconv.ParseUint(string(r.data[off:off+4]), 16, 32)
	if err != nil {
		return 0, r.errAt(off, "invalid \\u escape")
	}
	return rune(v), nil
}

// without returns data without the bytes at the given offsets.
func without(data []byte, skip []int) []byte {
	if len(skip) == 0 {
		return data
	}
	drop := make(map[int]bool, len(skip))
	for _, o := range skip {
		drop[o] = true
	}
	out := make([]byte, 0, len(data))
	for i, c := range data {
		if !drop[i] {
			out = append(out, c)
		}
	}
	return out
}
