// Package jsonfast decodes JSON into the generic values that encoding/json
// produces for an any (map[string]any, []any, string, float64, bool and nil),
// several times faster and with far fewer allocations.
//
// It decodes from a string, and the strings it returns share that string's
// memory wherever the JSON text needs no unescaping: one copy of the input
// serves every key and string value. Objects and arrays are sized exactly
// once, from a scratch stack, instead of growing.
//
// The result matches encoding/json's, with one difference: a number beyond
// float64's range (1e400), which encoding/json refuses, is returned as a
// json.Number holding the number as written, so that one such number does
// not make the whole document unreadable. Like encoding/json, invalid UTF-8
// and unpaired surrogates in strings become U+FFFD, duplicate keys keep the
// last value, and nesting is limited to [MaxDepth] levels.
//
// Besides [Unmarshal], a [Decoder] walks a document whose shape the caller
// knows, decoding the parts it wants and skipping (while checking) the rest,
// so that a document is read once whatever its structure.
//
// For a caller that reads many documents and looks keys up itself
// (configitem), a Decoder can return objects as an [Object], a list of
// members rather than a map ([UnmarshalCompact], Decoder.Compact), share the
// slabs its values live in between documents (ShareSlabs), and reuse them
// once a batch of documents is done with (Recycle).
package jsonfast

import (
	"encoding/json"
	"math/bits"
	"strconv"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxDepth is the deepest nesting of objects and arrays accepted, the same
// bound as encoding/json's.
const MaxDepth = 10000

// SyntaxError describes malformed JSON. Its messages follow encoding/json's
// ("unexpected end of JSON input", "invalid character 'x' looking for
// beginning of value").
type SyntaxError struct {
	msg    string
	Offset int64 // the error occurred after reading Offset bytes
}

func (e *SyntaxError) Error() string { return e.msg }

// DuplicateKeyError reports an object with a repeated key, which a Decoder
// with UniqueKeys refuses.
type DuplicateKeyError struct {
	Key string
}

func (e *DuplicateKeyError) Error() string { return "duplicate key " + strconv.Quote(e.Key) }

// duplicateKey names the first key of members that repeats.
func duplicateKey(members []Member) error {
	seen := make(map[string]bool, len(members))
	for _, e := range members {
		if seen[e.Key] {
			return &DuplicateKeyError{Key: e.Key}
		}
		seen[e.Key] = true
	}
	return &DuplicateKeyError{}
}

// Unmarshal decodes one JSON value, with optional surrounding white space,
// from data. It copies data once; the result does not refer to data.
func Unmarshal(data []byte) (any, error) {
	return UnmarshalString(string(data))
}

// UnmarshalString decodes one JSON value from s. Strings in the result may
// share s's memory, so a small string taken from the result keeps s alive.
func UnmarshalString(s string) (any, error) { return unmarshal(s, false, false) }

// UnmarshalCompact is UnmarshalString with objects decoded as [Object]
// (see Decoder.Compact), refusing a repeated key when unique is set.
func UnmarshalCompact(s string, unique bool) (any, error) { return unmarshal(s, unique, true) }

func unmarshal(s string, unique, compact bool) (any, error) {
	d := decoders.Get().(*Decoder)
	defer func() {
		d.Reset("")
		d.UniqueKeys, d.Compact = false, false
		decoders.Put(d)
	}()
	d.Reset(s)
	d.UniqueKeys, d.Compact = unique, compact
	v, err := d.Value()
	if err != nil {
		return nil, err
	}
	if err := d.End(); err != nil {
		return nil, err
	}
	return v, nil
}

// decoders keeps Decoders, and so their scratch space, between calls of
// UnmarshalString.
var decoders = sync.Pool{New: func() any { return new(Decoder) }}

// Valid reports whether s is one valid JSON value with optional surrounding
// white space.
func Valid(s string) bool {
	var d Decoder
	d.Reset(s)
	return d.Skip() == nil && d.End() == nil
}

// A Decoder reads JSON values from a string one after another. Its methods
// skip white space before a value. The zero Decoder reads an empty string.
type Decoder struct {
	// UniqueKeys makes Value refuse an object with a repeated key (a
	// *DuplicateKeyError) instead of keeping the last value. Object's
	// callers see every key and check for themselves.
	UniqueKeys bool
	// Compact makes Value return objects as [Object] rather than
	// map[string]any: cheaper to build, and to look a key up in for the
	// few keys most objects have.
	Compact bool
	// ShareSlabs makes Reset keep the slabs that values are boxed in (see
	// box.go), so that the documents a Decoder reads in turn share them:
	// far fewer allocations for many small documents, but a value of one
	// document keeps those of the others in its slab alive. For a batch of
	// documents that are dropped together.
	ShareSlabs bool

	s     string
	i     int
	depth int

	// Scratch stacks: the members and elements of the objects and arrays
	// being decoded, shared by every level so that each container is
	// allocated once at its exact size.
	members  []Member
	elements []any
	buf      []byte              // unescaping
	seen     map[string]struct{} // the keys of a large Compact object
	pool     *slabPool           // with ShareSlabs, once Recycle was called
	boxes    boxes               // where values are boxed into interfaces
}

// NewDecoder returns a Decoder reading s from its start.
func NewDecoder(s string) *Decoder { return &Decoder{s: s} }

// Reset makes d read s from its start, keeping its scratch space (which
// holds no values between calls: every container clears what it used).
func (d *Decoder) Reset(s string) {
	d.s, d.i, d.depth = s, 0, 0
	d.members, d.elements = d.members[:0], d.elements[:0]
	if !d.ShareSlabs || d.boxes.full() {
		d.boxes = newBoxes(len(s), d.ShareSlabs, d.pool) // a new document's values share nothing with the last one's
	}
	// Let an unusually large document's scratch space go rather than keep
	// it for every later one.
	if cap(d.members) > maxScratch {
		d.members = nil
	}
	if cap(d.elements) > maxScratch {
		d.elements = nil
	}
	if cap(d.buf) > maxScratch*16 {
		d.buf = nil
	}
}

// Recycle lets a Decoder with ShareSlabs reuse the memory of the values it
// decoded since it last recycled: the caller promises that none of them is
// used any more (a batch's, say, once the batch is judged). The first call
// starts keeping the slabs handed out; a Decoder that recycles keeps them
// until it next does, so it must do so every batch.
func (d *Decoder) Recycle() {
	if !d.ShareSlabs {
		return
	}
	if d.pool == nil {
		d.pool = new(slabPool)
	} else {
		d.pool.recycle()
	}
	d.boxes = newBoxes(len(d.s), true, d.pool)
}

// maxScratch bounds the scratch entries a Decoder keeps between documents.
const maxScratch = 4096

// Offset returns the number of bytes read so far.
func (d *Decoder) Offset() int { return d.i }

// Peek skips white space and returns the first byte of the next value, or
// 0 at the end of the input.
func (d *Decoder) Peek() byte {
	d.skipSpace()
	if d.i >= len(d.s) {
		return 0
	}
	return d.s[d.i]
}

// End checks that only white space is left.
func (d *Decoder) End() error {
	d.skipSpace()
	if d.i < len(d.s) {
		return d.errAt(d.i, "invalid character "+quoteChar(d.s[d.i])+" after top-level value")
	}
	return nil
}

func (d *Decoder) skipSpace() {
	s, i := d.s, d.i // locals: the loop keeps them in registers
	for i < len(s) && s[i] <= ' ' && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r') {
		i++
	}
	d.i = i
}

// Value decodes the next value into an any, as encoding/json does.
func (d *Decoder) Value() (any, error) {
	d.skipSpace()
	if d.i >= len(d.s) {
		return nil, d.eof()
	}
	switch c := d.s[d.i]; c {
	case '{':
		return d.object()
	case '[':
		return d.array()
	case '"':
		s, err := d.StringValue()
		if err != nil {
			return nil, err
		}
		return d.boxes.str(s), nil
	case 't', 'f', 'n':
		return d.literal()
	default:
		if c == '-' || (c >= '0' && c <= '9') {
			return d.number()
		}
		return nil, d.errAt(d.i, "invalid character "+quoteChar(c)+" looking for beginning of value")
	}
}

func (d *Decoder) object() (any, error) {
	base := len(d.members)
	err := d.Object(func(key string) error {
		v, err := d.Value()
		if err != nil {
			return err
		}
		d.members = append(d.members, Member{key, v})
		return nil
	})
	if err != nil {
		clear(d.members[base:])
		d.members = d.members[:base]
		return nil, err
	}
	members := d.members[base:]
	if d.Compact {
		obj, err := d.compact(members)
		clear(members)
		d.members = d.members[:base]
		return obj, err
	}
	m := make(map[string]any, len(members))
	for _, e := range members {
		m[e.Key] = e.Value
	}
	if d.UniqueKeys && len(m) != len(members) {
		err := duplicateKey(members)
		clear(members)
		d.members = d.members[:base]
		return nil, err
	}
	clear(members) // let the collector free what the scratch held
	d.members = d.members[:base]
	return m, nil
}

func (d *Decoder) array() (any, error) {
	base := len(d.elements)
	err := d.Array(func() error {
		v, err := d.Value()
		if err != nil {
			return err
		}
		d.elements = append(d.elements, v)
		return nil
	})
	if err != nil {
		clear(d.elements[base:])
		d.elements = d.elements[:base]
		return nil, err
	}
	elems := d.elements[base:]
	out := d.boxes.elements(elems)
	clear(elems)
	d.elements = d.elements[:base]
	return d.boxes.list(out), nil
}

// enter counts one more level of nesting at the '{' or '[' at d.i.
func (d *Decoder) enter() error {
	if d.depth >= MaxDepth {
		return d.errAt(d.i, "invalid character "+quoteChar(d.s[d.i])+" exceeded max depth")
	}
	d.depth++
	return nil
}

// Object reads an object, calling member for each key with d positioned at
// the key's value. member must read or skip exactly that value. An error
// from member stops the reading and is returned as is.
func (d *Decoder) Object(member func(key string) error) error {
	d.skipSpace()
	if d.i >= len(d.s) {
		return d.eof()
	}
	if d.s[d.i] != '{' {
		return d.errAt(d.i, "invalid character "+quoteChar(d.s[d.i])+" looking for beginning of object")
	}
	if err := d.enter(); err != nil {
		return err
	}
	err := d.readMembers(member)
	d.depth--
	return err
}

func (d *Decoder) readMembers(member func(key string) error) error {
	d.i++
	d.skipSpace()
	if d.i < len(d.s) && d.s[d.i] == '}' {
		d.i++
		return nil
	}
	for {
		d.skipSpace()
		if d.i >= len(d.s) {
			return d.eof()
		}
		if d.s[d.i] != '"' {
			return d.errAt(d.i, "invalid character "+quoteChar(d.s[d.i])+" looking for beginning of object key string")
		}
		key, err := d.StringValue()
		if err != nil {
			return err
		}
		d.skipSpace()
		if d.i >= len(d.s) {
			return d.eof()
		}
		if d.s[d.i] != ':' {
			return d.errAt(d.i, "invalid character "+quoteChar(d.s[d.i])+" after object key")
		}
		d.i++
		if err := member(key); err != nil {
			return err
		}
		d.skipSpace()
		if d.i >= len(d.s) {
			return d.eof()
		}
		switch d.s[d.i] {
		case ',':
			d.i++
		case '}':
			d.i++
			return nil
		default:
			return d.errAt(d.i, "invalid character "+quoteChar(d.s[d.i])+" after object key:value pair")
		}
	}
}

// Array reads an array, calling element with d positioned at each element.
// element must read or skip exactly that element.
func (d *Decoder) Array(element func() error) error {
	d.skipSpace()
	if d.i >= len(d.s) {
		return d.eof()
	}
	if d.s[d.i] != '[' {
		return d.errAt(d.i, "invalid character "+quoteChar(d.s[d.i])+" looking for beginning of array")
	}
	if err := d.enter(); err != nil {
		return err
	}
	err := d.readElements(element)
	d.depth--
	return err
}

func (d *Decoder) readElements(element func() error) error {
	d.i++
	d.skipSpace()
	if d.i < len(d.s) && d.s[d.i] == ']' {
		d.i++
		return nil
	}
	for {
		if err := element(); err != nil {
			return err
		}
		d.skipSpace()
		if d.i >= len(d.s) {
			return d.eof()
		}
		switch d.s[d.i] {
		case ',':
			d.i++
		case ']':
			d.i++
			return nil
		default:
			return d.errAt(d.i, "invalid character "+quoteChar(d.s[d.i])+" after array element")
		}
	}
}

// Skip reads the next value without decoding it, checking its syntax. It
// allocates nothing.
func (d *Decoder) Skip() error {
	d.skipSpace()
	if d.i >= len(d.s) {
		return d.eof()
	}
	switch c := d.s[d.i]; c {
	case '{':
		return d.Object(func(string) error { return d.Skip() })
	case '[':
		return d.Array(d.Skip)
	case '"':
		return d.skipString()
	case 't', 'f', 'n':
		_, err := d.literal()
		return err
	default:
		if c == '-' || (c >= '0' && c <= '9') {
			_, err := d.scanNumber()
			return err
		}
		return d.errAt(d.i, "invalid character "+quoteChar(c)+" looking for beginning of value")
	}
}

// Null reads null if it comes next and reports whether it did.
func (d *Decoder) Null() bool {
	d.skipSpace()
	if len(d.s)-d.i >= 4 && d.s[d.i:d.i+4] == "null" {
		d.i += 4
		return true
	}
	return false
}

func (d *Decoder) literal() (any, error) {
	for _, lit := range [...]struct {
		text string
		v    any
	}{{"true", true}, {"false", false}, {"null", nil}} {
		if d.s[d.i] != lit.text[0] {
			continue
		}
		for j := 1; j < len(lit.text); j++ {
			if d.i+j >= len(d.s) || d.s[d.i+j] != lit.text[j] {
				return nil, d.badChar(d.i+j, "in literal "+lit.text+" (expecting "+quoteChar(lit.text[j])+")")
			}
		}
		d.i += len(lit.text)
		return lit.v, nil
	}
	return nil, d.errAt(d.i, "invalid character "+quoteChar(d.s[d.i])+" looking for beginning of value")
}

// Number reads a number and returns its text as written.
func (d *Decoder) Number() (string, error) {
	d.skipSpace()
	if d.i >= len(d.s) {
		return "", d.eof()
	}
	return d.scanNumber()
}

// number decodes a number as a float64, or as a json.Number when it is
// beyond float64's range.
func (d *Decoder) number() (any, error) {
	start := d.i
	text, err := d.scanNumber()
	if err != nil {
		return nil, err
	}
	// Integers of up to 15 digits are exact in a float64: convert them
	// directly rather than through strconv.
	if n := len(text); n <= 15 {
		neg := text[0] == '-'
		j := 0
		if neg {
			j = 1
		}
		var u uint64
		for ; j < n; j++ {
			c := text[j]
			if c < '0' || c > '9' {
				break
			}
			u = u*10 + uint64(c-'0')
		}
		if j == n {
			f := float64(u)
			if neg {
				f = -f
			}
			return d.boxes.float(f), nil
		}
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		// The syntax is checked, so the only error left is a value beyond
		// float64's range.
		return json.Number(d.s[start:d.i]), nil
	}
	return d.boxes.float(f), nil
}

// scanNumber checks the syntax of the number at d.i and returns its text.
func (d *Decoder) scanNumber() (string, error) {
	s, i := d.s, d.i
	start := i
	if s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		for i++; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		}
	default:
		return "", d.badChar(i, "in numeric literal")
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			return "", d.badChar(i, "after decimal point in numeric literal")
		}
		for i++; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			return "", d.badChar(i, "in exponent of numeric literal")
		}
		for i++; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		}
	}
	d.i = i
	return s[start:i], nil
}

// plain marks the bytes that a string can hold as they are: not the quote,
// not the backslash, not control characters, and ASCII only (other bytes
// need a UTF-8 check).
var plain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// special8 marks the bytes of the word x (see word8) that are a quote, a
// backslash, a control character or not ASCII, testing all eight at once:
// (v - 0x01…01) &^ v has a high bit set where v has a zero byte (and, with
// 0x20…20, a byte below 0x20), and a byte at or above 0x80 has its own
// high bit set. A borrow may mark a byte above a marked one too, never
// below: the lowest mark is exact.
//
// It takes a word rather than the bytes so that both inline: called once
// per eight bytes of every string, a call cost more than the test.
func special8(x uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	control := (x - ones*0x20) &^ x
	q := x ^ (ones * '"')
	quote := (q - ones) &^ q
	bs := x ^ (ones * '\\')
	backslash := (bs - ones) &^ bs
	return (control | quote | backslash | x) & highs
}

// plainRun returns the index of the first byte of s from i that needs a
// look (a quote, a backslash, a control character or a byte of a
// multi-byte character), or len(s).
func plainRun(s string, i int) int {
	for ; i+8 <= len(s); i += 8 {
		if m := special8(word8(s, i)); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	for i < len(s) && plain[s[i]] {
		i++
	}
	return i
}

// word8 returns the eight bytes of s from i as a little-endian word (one
// load: the compiler merges the eight).
func word8(s string, i int) uint64 {
	b := s[i : i+8]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

// StringValue reads a string and returns its value. A string without escapes
// and with valid UTF-8 is returned as a slice of the input, without copying.
func (d *Decoder) StringValue() (string, error) {
	d.skipSpace()
	if d.i >= len(d.s) {
		return "", d.eof()
	}
	if d.s[d.i] != '"' {
		return "", d.errAt(d.i, "invalid character "+quoteChar(d.s[d.i])+" looking for beginning of string")
	}
	s := d.s
	start := d.i + 1
	i := plainRun(s, start)
	for i < len(s) {
		c := s[i]
		if plain[c] {
			i++
			continue
		}
		if c == '"' {
			d.i = i + 1
			return s[start:i], nil
		}
		if c >= utf8.RuneSelf {
			if r, size := utf8.DecodeRuneInString(s[i:]); r != utf8.RuneError || size != 1 {
				i = plainRun(s, i+size)
				continue
			}
		}
		break // an escape, a control character or invalid UTF-8
	}
	return d.unquote(start, i)
}

// unquote finishes a string from i, where the first byte that needs
// rewriting is; start is the position after the opening quote.
func (d *Decoder) unquote(start, i int) (string, error) {
	s := d.s
	b := append(d.buf[:0], s[start:i]...)
	for {
		if i >= len(s) {
			d.buf = b
			return "", d.eof()
		}
		c := s[i]
		switch {
		case c == '"':
			d.i = i + 1
			d.buf = b
			return string(b), nil
		case c == '\\':
			if i+1 >= len(s) {
				d.buf = b
				return "", d.badChar(i+1, "in string escape code")
			}
			switch e := s[i+1]; e {
			case '"', '\\', '/':
				b = append(b, e)
				i += 2
			case 'b':
				b = append(b, '\b')
				i += 2
			case 'f':
				b = append(b, '\f')
				i += 2
			case 'n':
				b = append(b, '\n')
				i += 2
			case 'r':
				b = append(b, '\r')
				i += 2
			case 't':
				b = append(b, '\t')
				i += 2
			case 'u':
				r, err := d.hex4(i + 2)
				if err != nil {
					d.buf = b
					return "", err
				}
				i += 6
				if utf16.IsSurrogate(r) {
					// As encoding/json: a valid pair makes one rune, and
					// anything else U+FFFD, leaving what follows unread.
					r2 := rune(-1)
					if i+1 < len(s) && s[i] == '\\' && s[i+1] == 'u' {
						if x, err := d.hex4(i + 2); err == nil {
							r2 = x
						}
					}
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						b = utf8.AppendRune(b, dec)
						i += 6
						continue
					}
					r = utf8.RuneError
				}
				b = utf8.AppendRune(b, r)
			default:
				d.buf = b
				return "", d.errAt(i+1, "invalid character "+quoteChar(e)+" in string escape code")
			}
		case c < 0x20:
			d.buf = b
			return "", d.errAt(i, "invalid character "+quoteChar(c)+" in string literal")
		case c < utf8.RuneSelf:
			// A run of bytes that need no rewriting, copied at once: a
			// document held in a string has an escaped quote every few
			// words, and plain text between them.
			j := plainRun(s, i+1)
			b = append(b, s[i:j]...)
			i = j
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b = utf8.AppendRune(b, utf8.RuneError)
			} else {
				b = append(b, s[i:i+size]...)
			}
			i += size
		}
	}
}

// hex4 decodes the four hex digits of a \u escape at i.
func (d *Decoder) hex4(i int) (rune, error) {
	var r rune
	for j := i; j < i+4; j++ {
		if j >= len(d.s) {
			return 0, d.badChar(j, "in \\u hexadecimal character escape")
		}
		c := d.s[j]
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, d.errAt(j, "invalid character "+quoteChar(d.s[j])+" in \\u hexadecimal character escape")
		}
		r = r<<4 | rune(c)
	}
	return r, nil
}

// skipString checks a string's syntax without building its value.
func (d *Decoder) skipString() error {
	s := d.s
	for i := d.i + 1; i < len(s); {
		c := s[i]
		switch {
		case plain[c] || c >= utf8.RuneSelf:
			i++
		case c == '"':
			d.i = i + 1
			return nil
		case c == '\\':
			if i+1 >= len(s) {
				return d.badChar(i+1, "in string escape code")
			}
			switch s[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if _, err := d.hex4(i + 2); err != nil {
					return err
				}
				i += 6
			default:
				return d.errAt(i+1, "invalid character "+quoteChar(s[i+1])+" in string escape code")
			}
		default:
			return d.errAt(i, "invalid character "+quoteChar(c)+" in string literal")
		}
	}
	return d.eof()
}

func (d *Decoder) eof() error {
	return &SyntaxError{msg: "unexpected end of JSON input", Offset: int64(len(d.s))}
}

// badChar reports an unexpected byte at i; the end of the input counts as
// a space, as in encoding/json ("invalid character ' ' in numeric literal").
func (d *Decoder) badChar(i int, context string) error {
	c := byte(' ')
	if i < len(d.s) {
		c = d.s[i]
	}
	return &SyntaxError{msg: "invalid character " + quoteChar(c) + " " + context, Offset: int64(i)}
}

func (d *Decoder) errAt(i int, msg string) error {
	return &SyntaxError{msg: msg, Offset: int64(i)}
}

// quoteChar formats c as encoding/json does in its syntax errors.
func quoteChar(c byte) string {
	if c == '\'' {
		return `'\''`
	}
	if c == '"' {
		return `'"'`
	}
	s := strconv.Quote(string(rune(c)))
	return "'" + s[1:len(s)-1] + "'"
}

// TypeName names the kind of JSON value that starts with c, as
// encoding/json's type errors do: "object", "array", "string", "number",
// "bool" or "null".
func TypeName(c byte) string {
	switch c {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "bool"
	case 'n':
		return "null"
	}
	return "number"
}
