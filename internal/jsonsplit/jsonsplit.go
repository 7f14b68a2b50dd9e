// Package jsonsplit finds the boundaries of JSON values in a stream without
// decoding them: the elements of the arrays under chosen keys of a
// top-level object (a Config snapshot's configurationItems, a CloudTrail
// log file's Records), the elements of a top-level array, a sequence of
// values (NDJSON or concatenated), or the lines of a file. It matches
// brackets and strings, which is all it needs to know where a value ends; a
// value that is malformed inside is left for the decoder to report.
//
// On the way it notes where the string values of chosen top-level members
// of each object are (Watch): a reader can tell a record it has no use for
// by them (a resourceType no rule covers, an event no detection reads)
// without copying or decoding it.
//
// Readers run a splitter on the goroutine that decompresses, so it looks at
// strings eight bytes at a time and allocates nothing per value. Memory is
// bounded by the largest value kept: a larger one is read through, and its
// element carries the splitter's too-large error instead of its bytes.
package jsonsplit

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"strings"
)

// MaxDepth bounds the nesting the splitter follows, as decoders bound it
// (encoding/json's limit): without it, "[[[[..." would grow the bracket
// stack with the input.
const MaxDepth = 10000

// MaxWatch is how many top-level members a splitter can watch.
const MaxWatch = 4

// Splitter reads values from a stream. The zero value is not usable: make
// one with New.
type Splitter struct {
	r        io.Reader
	buf      []byte
	pos      int   // next byte to look at
	end      int   // bytes of buf holding data
	mark     int   // first byte of the value being kept
	keep     bool  // whether the value being read is kept
	base     int64 // stream offset of buf[0]
	lpos     int   // newlines are counted up to buf[lpos]
	lines    int   // newlines before buf[lpos]
	eof      bool
	rerr     error
	stack    []byte
	maxValue int
	tooLarge error

	watch  []string // the watched keys
	fold   bool     // whether they also match in any case
	lens   uint64   // bit n set when a watched key is n bytes long (n < 64)
	fields Fields   // of the last value read
}

// New returns a splitter reading r that keeps values of up to maxValue
// bytes; an element of a larger one carries tooLarge.
func New(r io.Reader, maxValue int, tooLarge error) *Splitter {
	size := min(256<<10, maxValue)
	return &Splitter{r: r, buf: make([]byte, size), maxValue: maxValue, tooLarge: tooLarge}
}

// Watch makes the splitter note, in each element's Fields, where the string
// values of the top-level members keys (at most MaxWatch) of an object are.
// With fold, a key also matches in any case, as decoders that match struct
// fields do.
func (s *Splitter) Watch(fold bool, keys ...string) {
	if len(keys) > MaxWatch {
		keys = keys[:MaxWatch]
	}
	s.watch, s.fold, s.lens = keys, fold, 0
	for _, k := range keys {
		if len(k) < 64 {
			s.lens |= 1 << len(k)
		} else {
			s.lens = ^uint64(0) // a long key: compare every key
		}
	}
}

// Fields are the spans, from the start of an element's data, of the watched
// members' string contents (escapes not decoded), in the order Watch was
// given them. A zero span is a member the value does not have (or not as a
// string, or that the splitter could not see whole); a member given twice
// is marked unknown ({-1, -1}), for the decoder to judge.
type Fields [MaxWatch][2]int

// Get returns the content of watched member i in data, the element's data,
// and false when it is not known or is empty.
func (f *Fields) Get(data []byte, i int) ([]byte, bool) {
	span := f[i]
	if span[1] <= span[0] || span[0] < 0 || span[1] > len(data) {
		return nil, false
	}
	return data[span[0]:span[1]], true
}

// Element is one value found by the splitter, with where it was.
type Element struct {
	// Index is its position in its array or stream, from 0; for Lines, its
	// 1-based line number.
	Index  int
	Line   int   // 1-based line of its first byte
	Offset int64 // stream offset of its first byte
	// Data are its bytes, valid until the splitter reads on.
	Data []byte
	// Err is the splitter's too-large error when the value was read through
	// rather than kept.
	Err    error
	Fields Fields
}

// Position returns the line and stream offset of the next byte, where a
// break in the input is reported.
func (s *Splitter) Position() (line int, offset int64) {
	return s.line(min(s.pos, s.end)), s.offset(s.pos)
}

// offset is the stream offset of buf[i].
func (s *Splitter) offset(i int) int64 { return s.base + int64(i) }

// line is the 1-based line number of buf[i]; i never goes back.
func (s *Splitter) line(i int) int {
	if i > s.lpos {
		s.lines += bytes.Count(s.buf[s.lpos:i], []byte{'\n'})
		s.lpos = i
	}
	return s.lines + 1
}

// fill reads more input, keeping the value being read when it is kept, and
// reports false when no more input can be had.
func (s *Splitter) fill() bool {
	if s.eof {
		return false
	}
	from := s.pos
	if s.keep {
		from = s.mark
	}
	if from > 0 {
		s.line(from)
		s.lpos -= from
		copy(s.buf, s.buf[from:s.end])
		s.base += int64(from)
		s.pos -= from
		s.end -= from
		s.mark -= from
	}
	if s.end == len(s.buf) {
		if len(s.buf) >= s.maxValue {
			if !s.keep {
				// Nothing could be let go: a run of escapes longer than
				// the buffer, which no real input holds.
				s.eof, s.rerr = true, errors.New("no progress possible (a run of escapes longer than the buffer)")
				return false
			}
			s.keep = false // only a kept value fills the buffer: give it up
			return s.fill()
		}
		grown := make([]byte, min(2*len(s.buf), s.maxValue))
		copy(grown, s.buf[:s.end])
		s.buf = grown
	}
	for {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			s.eof = true
			if !errors.Is(err, io.EOF) {
				s.rerr = err
			}
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
}

// broken explains why the input ended early.
func (s *Splitter) broken() error {
	if s.rerr != nil {
		return fmt.Errorf("read error at byte %d: %w", s.offset(s.pos), s.rerr)
	}
	return fmt.Errorf("unexpected end of input at byte %d (a truncated file?)", s.offset(s.pos))
}

// peek skips white space and returns the next byte, or false at the end.
func (s *Splitter) peek() (byte, bool) {
	for {
		for s.pos < s.end {
			switch c := s.buf[s.pos]; c {
			case ' ', '\t', '\r', '\n':
				s.pos++
			default:
				return c, true
			}
		}
		if !s.fill() {
			return 0, false
		}
	}
}

// structural marks the bytes that open or close a value outside strings.
var structural = [256]bool{'"': true, '{': true, '}': true, '[': true, ']': true, ',': true}

// value reads the JSON value at the current position (after peek). With
// keep it returns the value's bytes, valid until the next call; a value too
// large to keep is read through and reported with the too-large error. Of
// a kept object, it notes where the values of its watched members are.
func (s *Splitter) value(keep bool) ([]byte, error) {
	s.mark, s.keep = s.pos, keep
	defer func() { s.keep = false }()
	s.stack = s.stack[:0]
	s.fields = Fields{}
	switch s.buf[s.pos] {
	case '{', '[', '"':
	default:
		return s.scalar(keep)
	}
	inString := false
	top := false // the string being read is a key or a value of the top-level object
	expectKey := false
	pending := 0 // i+1 when the next top-level value is that of watched key i
	start := 0   // where the top-level string's content starts, from mark
	watching := len(s.watch) > 0
	ended := func() {
		if !top || !s.keep || !watching {
			return
		}
		end := s.pos - 1 - s.mark
		switch {
		case expectKey:
			expectKey = false
			pending = s.watched(s.buf[s.mark+start : s.mark+end])
		case pending > 0:
			f := &s.fields[pending-1]
			if *f != [2]int{} {
				*f = [2]int{-1, -1} // given twice: the decoder decides
			} else {
				*f = [2]int{start, end}
			}
			pending = 0
		}
	}
	for {
		if inString && s.skipString() {
			inString = false
			ended()
			if len(s.stack) == 0 {
				return s.done(keep)
			}
		}
		for !inString && s.pos < s.end {
			c := s.buf[s.pos]
			if !structural[c] {
				s.pos++
				continue
			}
			s.pos++
			switch c {
			case '"':
				top = len(s.stack) == 1 && s.stack[0] == '{'
				start = s.pos - s.mark
				// skipString's common case inline: a string without
				// escapes that ends in the buffer.
				if i := quoteOrEscape(s.buf[:s.end], s.pos); i < s.end && s.buf[i] == '"' {
					s.pos = i + 1
				} else if s.pos = i; !s.skipString() {
					inString = true
					continue
				}
				ended()
			case ',':
				if len(s.stack) == 1 {
					expectKey, pending = s.stack[0] == '{', 0
				}
				continue
			case '{', '[':
				if len(s.stack) >= MaxDepth {
					return nil, fmt.Errorf("invalid JSON at byte %d: nested more than %d levels deep", s.offset(s.pos-1), MaxDepth)
				}
				s.stack = append(s.stack, c)
				expectKey = len(s.stack) == 1 && c == '{'
			default: // '}', ']'
				if len(s.stack) == 0 || (c == '}') != (s.stack[len(s.stack)-1] == '{') {
					return nil, fmt.Errorf("invalid JSON at byte %d: mismatched %q", s.offset(s.pos-1), c)
				}
				s.stack = s.stack[:len(s.stack)-1]
				if len(s.stack) == 1 {
					pending = 0 // a member's object or array value ended
				}
			}
			if len(s.stack) == 0 {
				return s.done(keep)
			}
		}
		if !s.fill() {
			return nil, s.broken()
		}
	}
}

// watched returns i+1 when key, a raw key, is watched key i, else 0.
func (s *Splitter) watched(key []byte) int {
	// Most keys are not watched, and their length alone says so.
	if n := len(key); n < 64 && s.lens&(1<<n) == 0 {
		return 0
	}
	for i, w := range s.watch {
		if string(key) == w {
			return i + 1
		}
	}
	if s.fold {
		for i, w := range s.watch {
			if len(key) == len(w) && strings.EqualFold(string(key), w) {
				return i + 1
			}
		}
	}
	return 0
}

func (s *Splitter) done(keep bool) ([]byte, error) {
	switch {
	case s.keep:
		return s.buf[s.mark:s.pos], nil
	case keep:
		return nil, s.tooLarge
	}
	return nil, nil
}

// skipString advances through string content from pos. It reports true
// when it has passed the closing quote, and false when the buffer ends
// first, leaving pos where scanning resumes after a refill: at a backslash
// that ends the buffer, so that an escape split between reads is seen
// whole.
func (s *Splitter) skipString() bool {
	buf := s.buf[:s.end]
	i := s.pos
	for {
		i = quoteOrEscape(buf, i)
		switch {
		case i >= len(buf):
			s.pos = len(buf)
			return false
		case buf[i] == '"':
			s.pos = i + 1
			return true
		case i+1 >= len(buf): // a backslash, its escaped byte not read yet
			s.pos = i
			return false
		}
		i += 2
	}
}

// Words of eight equal bytes, for quoteOrEscape.
const (
	lows       = 0x0101010101010101
	highs      = 0x8080808080808080
	quotes     = '"' * lows
	backslashs = '\\' * lows
)

// quoteOrEscape returns the index of the first '"' or '\\' in buf from i,
// or len(buf). It looks at eight bytes at a time: most strings are too
// short for bytes.IndexByte to pay for its call.
func quoteOrEscape(buf []byte, i int) int {
	for ; i+8 <= len(buf); i += 8 {
		w := binary.LittleEndian.Uint64(buf[i:])
		// A byte of q or b is zero where w has a quote or a backslash;
		// the lowest set bit of (x-lows)&^x&highs is at the first zero
		// byte of x (higher bits may be spurious, never lower ones).
		q, b := w^quotes, w^backslashs
		if m := ((q - lows) &^ q & highs) | ((b - lows) &^ b & highs); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	for ; i < len(buf); i++ {
		if c := buf[i]; c == '"' || c == '\\' {
			return i
		}
	}
	return i
}

// scalar reads a number, true, false or null (or anything else up to a
// delimiter: the decoder says what is wrong with it).
func (s *Splitter) scalar(keep bool) ([]byte, error) {
	switch c := s.buf[s.pos]; c {
	case ',', '}', ']', ':':
		return nil, fmt.Errorf("invalid JSON at byte %d: want a value, got %q", s.offset(s.pos), c)
	}
	for {
		for s.pos < s.end {
			switch s.buf[s.pos] {
			case ',', '}', ']', ' ', '\t', '\r', '\n', '{', '[', '"':
				return s.done(keep)
			}
			s.pos++
		}
		if !s.fill() {
			if s.rerr != nil {
				return nil, s.broken()
			}
			return s.done(keep)
		}
	}
}

// expect consumes the byte c after optional white space.
func (s *Splitter) expect(c byte, what string) error {
	got, ok := s.peek()
	if !ok {
		return s.broken()
	}
	if got != c {
		return fmt.Errorf("invalid JSON at byte %d: want %s, got %q", s.offset(s.pos), what, got)
	}
	s.pos++
	return nil
}

// at records where the value starting at pos is.
func (s *Splitter) at(index int) Element {
	return Element{Index: index, Line: s.line(s.pos), Offset: s.offset(s.pos)}
}

// ObjectArrays walks the top-level object and calls emit for every element
// of the arrays under a key that want accepts (with the key); every other
// value is skipped. An error is a break in the structure: the rest of the
// input is lost.
func (s *Splitter) ObjectArrays(want func(key string) bool, emit func(key string, el Element) error) error {
	if err := s.expect('{', "'{'"); err != nil {
		return err
	}
	for first := true; ; first = false {
		c, ok := s.peek()
		if !ok {
			return s.broken()
		}
		if c == '}' {
			s.pos++
			return s.Trailing()
		}
		if !first {
			if c != ',' {
				return fmt.Errorf("invalid JSON at byte %d: want ',' or '}', got %q", s.offset(s.pos), c)
			}
			s.pos++
			if c, ok = s.peek(); !ok {
				return s.broken()
			}
		}
		if c != '"' {
			return fmt.Errorf("invalid JSON at byte %d: want a key", s.offset(s.pos))
		}
		raw, err := s.value(true)
		if err != nil {
			return err
		}
		key := UnquoteKey(raw)
		if err := s.expect(':', "':'"); err != nil {
			return err
		}
		if c, ok = s.peek(); !ok {
			return s.broken()
		}
		if want(key) && c == '[' {
			if err := s.Array(func(el Element) error { return emit(key, el) }); err != nil {
				return err
			}
			continue
		}
		if _, err := s.value(false); err != nil {
			return err
		}
	}
}

// Array calls emit for each element of the array at the current position.
func (s *Splitter) Array(emit func(Element) error) error {
	if err := s.expect('[', "'['"); err != nil {
		return err
	}
	for i := 0; ; i++ {
		c, ok := s.peek()
		if !ok {
			return s.broken()
		}
		if c == ']' {
			s.pos++
			return nil
		}
		if i > 0 {
			if c != ',' {
				return fmt.Errorf("invalid JSON at byte %d after element %d: want ',' or ']', got %q", s.offset(s.pos), i-1, c)
			}
			s.pos++
			if _, ok = s.peek(); !ok {
				return s.broken()
			}
		}
		if err := s.emitValue(i, emit); err != nil {
			return err
		}
	}
}

// Stream calls emit for each top-level value of a sequence of JSON values
// (one a line, or concatenated). A line that starts with anything but an
// object, an array or a string (a stray line of text) is one element, for
// the decoder to describe.
func (s *Splitter) Stream(emit func(Element) error) error {
	for i := 0; ; i++ {
		c, ok := s.peek()
		if !ok {
			if s.rerr != nil {
				return s.broken()
			}
			return nil
		}
		if c != '{' && c != '"' && c != '[' {
			if err := emit(s.restOfLine(i)); err != nil {
				return err
			}
			continue
		}
		if err := s.emitValue(i, emit); err != nil {
			return err
		}
	}
}

// restOfLine reads up to the end of the line as an element.
func (s *Splitter) restOfLine(i int) Element {
	el := s.at(i)
	s.mark, s.keep = s.pos, true
	defer func() { s.keep = false }()
	s.toNewline()
	if s.keep {
		el.Data = bytes.TrimSpace(s.buf[s.mark:s.pos])
	} else {
		el.Err = s.tooLarge
	}
	return el
}

// toNewline advances to the next newline (or the end of input).
func (s *Splitter) toNewline() {
	for {
		if j := bytes.IndexByte(s.buf[s.pos:s.end], '\n'); j >= 0 {
			s.pos += j
			return
		}
		s.pos = s.end
		if !s.fill() {
			return
		}
	}
}

func (s *Splitter) emitValue(i int, emit func(Element) error) error {
	el := s.at(i)
	data, err := s.value(true)
	switch {
	case err != nil && errors.Is(err, s.tooLarge):
		el.Err = err
	case err != nil:
		return err
	default:
		el.Data, el.Fields = data, s.fields
	}
	return emit(el)
}

// Lines calls emit for each line that is not blank, trimmed; the element's
// Index is its 1-based line number. A line too long to keep is an element
// with the too-large error.
func (s *Splitter) Lines(emit func(Element) error) error {
	for line := 1; ; line++ {
		if s.pos >= s.end && !s.fill() {
			if s.rerr != nil {
				return s.broken()
			}
			return nil
		}
		el := Element{Index: line, Line: line, Offset: s.offset(s.pos)}
		s.mark, s.keep = s.pos, true
		s.toNewline()
		kept := s.keep
		s.keep = false
		if !kept {
			el.Err = s.tooLarge
		} else {
			el.Data = bytes.TrimSpace(s.buf[s.mark:s.pos])
		}
		if s.pos < s.end {
			s.pos++ // the newline
		}
		if s.rerr != nil && s.pos >= s.end {
			return s.broken()
		}
		if el.Err == nil && len(el.Data) == 0 {
			continue
		}
		if err := emit(el); err != nil {
			return err
		}
	}
}

// Trailing checks that nothing but white space follows the top-level value.
func (s *Splitter) Trailing() error {
	if _, ok := s.peek(); ok {
		return fmt.Errorf("unexpected data after the top-level value at byte %d", s.offset(s.pos))
	}
	if s.rerr != nil {
		return s.broken()
	}
	return nil
}

// UnquoteKey returns the text of a JSON string as written (with its
// quotes), escapes decoded; a malformed one is returned as it stands.
func UnquoteKey(q []byte) string {
	if len(q) < 2 {
		return string(q)
	}
	s := q[1 : len(q)-1]
	if bytes.IndexByte(s, '\\') < 0 {
		return string(s)
	}
	var out string
	if err := json.Unmarshal(q, &out); err != nil {
		return string(s)
	}
	return out
}
