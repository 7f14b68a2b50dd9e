// Package jsonpos reads JSON keeping the byte offset of every value and
// every key of an object in order, duplicates included: what a linter
// needs to point at a line and column and to report a duplicate key,
// which JSON decoders drop silently. A tolerant mode reads past the
// mistake documentation makes most often, a trailing comma (and a leading
// byte-order mark), recording it, so that the rest of a document can still
// be checked. The IAM policy linter and the conformance pack linter (and
// through it the template readers) share it.
package jsonpos

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// SyntaxError is a JSON syntax error.
type SyntaxError struct {
	Offset int // byte offset of the error
	Line   int // 1-based
	Column int // 1-based, in characters
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at line %d, column %d: %s", e.Line, e.Column, e.Msg)
}

// DefaultMaxDepth bounds nesting when Options.MaxDepth is zero: deep
// enough for any policy or template, and an unbounded recursion on
// "[[[[..." would exhaust the stack.
const DefaultMaxDepth = 200

// Kind is the kind of a JSON value.
type Kind int

// The kinds of JSON value.
const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
)

func (k Kind) String() string {
	switch k {
	case Bool:
		return "a boolean"
	case Number:
		return "a number"
	case String:
		return "a string"
	case Array:
		return "an array"
	case Object:
		return "an object"
	}
	return "null"
}

// Node is one JSON value.
type Node struct {
	Kind Kind
	// Text is a string's value, a number as written, or "true"/"false".
	Text string
	// Off is the byte offset of the value's first character.
	Off     int
	Members []Member // an object's keys, in document order, duplicates included
	Elems   []*Node  // an array's elements
}

// Member is one key of an object.
type Member struct {
	Name string
	Off  int // offset of the key
	Val  *Node
}

// Get returns the first member named exactly name, or nil.
func (n *Node) Get(name string) *Member {
	for i := range n.Members {
		if n.Members[i].Name == name {
			return &n.Members[i]
		}
	}
	return nil
}

// ScalarText returns the text of a string, number or boolean.
func (n *Node) ScalarText() (string, bool) {
	switch n.Kind {
	case String, Number, Bool:
		return n.Text, true
	}
	return "", false
}

// Problem is a syntax mistake the tolerant reader read past.
type Problem struct {
	Off int
	Msg string
}

// Options control Parse.
type Options struct {
	// Tolerant reads past a trailing comma before ] or } and a leading
	// byte-order mark, recording each as a Problem.
	Tolerant bool
	// MaxDepth bounds nesting; 0 means DefaultMaxDepth.
	MaxDepth int
}

// Result is a parsed document.
type Result struct {
	Root *Node
	// Problems are the mistakes the tolerant reader read past.
	Problems []Problem
	// Skip holds the offsets of the characters the tolerant reader
	// dropped; Without(data, Skip) is the repaired text.
	Skip []int
}

type jsonReader struct {
	data     []byte
	pos      int
	tolerant bool
	maxDepth int
	problems []Problem
	skip     []int
}

// Parse reads one JSON value filling the whole input. Every mistake it does
// not tolerate is a *SyntaxError.
func Parse(data []byte, opts Options) (*Result, error) {
	r := &jsonReader{data: data, tolerant: opts.Tolerant, maxDepth: opts.MaxDepth}
	if r.maxDepth <= 0 {
		r.maxDepth = DefaultMaxDepth
	}
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		if !r.tolerant {
			return nil, r.errAt(0, "the document starts with a byte-order mark; remove it")
		}
		r.problems = append(r.problems, Problem{0, "the document starts with a byte-order mark; remove it"})
		r.skip = append(r.skip, 0, 1, 2)
		r.pos = 3
	}
	r.space()
	if r.pos >= len(data) {
		return nil, r.errAt(r.pos, "the document is empty")
	}
	n, err := r.value(0)
	if err != nil {
		return nil, err
	}
	r.space()
	if r.pos < len(data) {
		return nil, r.errAt(r.pos, "unexpected "+r.describe(r.pos)+" after the end of the document")
	}
	return &Result{Root: n, Problems: r.problems, Skip: r.skip}, nil
}

func (r *jsonReader) errAt(off int, msg string) *SyntaxError {
	line, col := NewLines(r.data).Pos(off)
	return &SyntaxError{Offset: off, Line: line, Column: col, Msg: msg}
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

func (r *jsonReader) value(depth int) (*Node, error) {
	if depth > r.maxDepth {
		return nil, r.errAt(r.pos, fmt.Sprintf("nested more than %d levels deep", r.maxDepth))
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
		return &Node{Kind: String, Text: s, Off: start}, nil
	case c == '-' || c >= '0' && c <= '9':
		return r.number()
	case c == 't' || c == 'f' || c == 'n':
		for _, lit := range []string{"true", "false", "null"} {
			if bytes.HasPrefix(r.data[r.pos:], []byte(lit)) {
				r.pos += len(lit)
				if lit == "null" {
					return &Node{Kind: Null, Off: start}, nil
				}
				return &Node{Kind: Bool, Text: lit, Off: start}, nil
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
	r.problems = append(r.problems, Problem{commaOff, msg})
	r.skip = append(r.skip, commaOff)
	return nil
}

func (r *jsonReader) object(depth int) (*Node, error) {
	n := &Node{Kind: Object, Off: r.pos}
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
		n.Members = append(n.Members, Member{Name: key, Off: keyOff, Val: v})
		if done, err := r.after('}'); err != nil {
			return nil, err
		} else if done {
			return n, nil
		}
	}
}

func (r *jsonReader) array(depth int) (*Node, error) {
	n := &Node{Kind: Array, Off: r.pos}
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
		n.Elems = append(n.Elems, v)
		if done, err := r.after(']'); err != nil {
			return nil, err
		} else if done {
			return n, nil
		}
	}
}

// after reads what follows a member or an element: the closing bracket
// (done), or a comma (a trailing comma before the bracket is reported, or
// tolerated when the reader is).
func (r *jsonReader) after(closing byte) (done bool, err error) {
	r.space()
	if r.pos >= len(r.data) {
		return false, r.errAt(r.pos, fmt.Sprintf("unexpected end of input; want ',' or '%c'", closing))
	}
	switch r.data[r.pos] {
	case closing:
		r.pos++
		return true, nil
	case ',':
		comma := r.pos
		r.pos++
		r.space()
		if r.pos < len(r.data) && r.data[r.pos] == closing {
			if err := r.trailingComma(comma, closing); err != nil {
				return false, err
			}
			r.pos++
			return true, nil
		}
		return false, nil
	}
	return false, r.errAt(r.pos, "unexpected "+r.describe(r.pos)+fmt.Sprintf("; want ',' or '%c' (a comma may be missing)", closing))
}

func (r *jsonReader) number() (*Node, error) {
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
	return &Node{Kind: Number, Text: string(d[start:r.pos]), Off: start}, nil
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

// Without returns data without the bytes at the given offsets.
func Without(data []byte, skip []int) []byte {
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

// Lines converts byte offsets of a text into 1-based lines and columns
// (columns count characters, not bytes).
type Lines struct {
	data   []byte
	starts []int
}

// NewLines indexes the line starts of data.
func NewLines(data []byte) *Lines {
	l := &Lines{data: data, starts: []int{0}}
	for i, c := range data {
		if c == '\n' {
			l.starts = append(l.starts, i+1)
		}
	}
	return l
}

// Pos returns the line and column of a byte offset.
func (l *Lines) Pos(off int) (line, col int) {
	off = max(0, min(off, len(l.data)))
	line = sort.SearchInts(l.starts, off+1)
	start := l.starts[line-1]
	return line, 1 + utf8.RuneCount(l.data[start:off])
}
