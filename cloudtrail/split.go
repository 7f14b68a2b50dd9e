package cloudtrail

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
)

// maxElement is the largest element the splitter keeps: a record, or a
// lookup-events entry holding one as an escaped string.
const maxElement = 2 * MaxRecordSize

// errTooLarge marks an element the splitter skipped because of its size.
var errTooLarge = fmt.Errorf("larger than the %d-byte limit for a record", MaxRecordSize)

// splitter finds the boundaries of JSON values in a stream without decoding
// them. It matches brackets and strings, which is all it needs to know
// where a value ends; a value that is malformed inside is left for the
// decoder to report.
type splitter struct {
	r      io.Reader
	buf    []byte
	pos    int   // next byte to look at
	end    int   // bytes of buf holding data
	mark   int   // first byte of the value being kept
	keep   bool  // whether the value being read is kept
	base   int64 // stream offset of buf[0]
	lpos   int   // newlines are counted up to buf[lpos]
	lines  int   // newlines before buf[lpos]
	eof    bool
	rerr   error
	stack  []byte
	fields fields // of the last value read
}

func newSplitter(r io.Reader) *splitter {
	return &splitter{r: r, buf: make([]byte, 256<<10)}
}

// offset is the stream offset of buf[i].
func (s *splitter) offset(i int) int64 { return s.base + int64(i) }

// line is the 1-based line number of buf[i]; i never goes back.
func (s *splitter) line(i int) int {
	if i > s.lpos {
		s.lines += bytes.Count(s.buf[s.lpos:i], []byte{'\n'})
		s.lpos = i
	}
	return s.lines + 1
}

// fill reads more input, keeping the value being read when it is kept, and
// reports false when no more input can be had.
func (s *splitter) fill() bool {
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
		if len(s.buf) >= maxElement {
			if !s.keep {
				// Nothing could be let go: a run of backslashes longer
				// than the buffer, which no CloudTrail file holds.
				s.eof, s.rerr = true, errors.New("no progress possible (a run of escapes longer than the buffer)")
				return false
			}
			s.keep = false // only a kept value fills the buffer: give it up
			return s.fill()
		}
		grown := make([]byte, min(2*len(s.buf), maxElement))
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
func (s *splitter) broken() error {
	if s.rerr != nil {
		return fmt.Errorf("read error at byte %d: %w", s.offset(s.pos), s.rerr)
	}
	return fmt.Errorf("unexpected end of input at byte %d (a truncated file?)", s.offset(s.pos))
}

// peek skips white space and returns the next byte, or false at the end.
func (s *splitter) peek() (byte, bool) {
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
// large to keep is read through and reported with errTooLarge. Of a kept
// object, it notes where the values of its top-level eventSource and
// eventName strings are (fields), so that a record can be filtered by them
// without being decoded.
func (s *splitter) value(keep bool) ([]byte, error) {
	s.mark, s.keep = s.pos, keep
	defer func() { s.keep = false }()
	s.stack = s.stack[:0]
	s.fields = fields{}
	switch s.buf[s.pos] {
	case '{', '[', '"':
	default:
		return s.scalar(keep)
	}
	inString := false
	top := false // the string being read is a key or a value of the top-level object
	expectKey := false
	pending := 0 // 1, 2 or 3 when the next top-level value is that of eventSource, eventName or errorCode
	start := 0   // where the top-level string's content starts, from mark
	ended := func() {
		if !top || !s.keep {
			return
		}
		end := s.pos - 1 - s.mark
		switch {
		case expectKey:
			expectKey = false
			switch string(s.buf[s.mark+start : s.mark+end]) {
			case "eventSource":
				pending = 1
			case "eventName":
				pending = 2
			case "errorCode":
				pending = 3
			}
		case pending == 1:
			s.fields.src = [2]int{start, end}
			pending = 0
		case pending == 2:
			s.fields.name = [2]int{start, end}
			pending = 0
		case pending == 3:
			s.fields.code = [2]int{start, end}
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
				s.stack = append(s.stack, c)
				expectKey = len(s.stack) == 1 && c == '{'
			default: // '}', ']'
				if len(s.stack) == 0 || (c == '}') != (s.stack[len(s.stack)-1] == '{') {
					return nil, fmt.Errorf("invalid JSON at byte %d: unexpected %q", s.offset(s.pos-1), c)
				}
				s.stack = s.stack[:len(s.stack)-1]
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

// fields are the spans, from a value's start, of its top-level eventSource,
// eventName and errorCode string contents; a zero span is unknown (for
// errorCode, absent: the whole value was scanned).
type fields struct{ src, name, code [2]int }

func (s *splitter) done(keep bool) ([]byte, error) {
	switch {
	case s.keep:
		return s.buf[s.mark:s.pos], nil
	case keep:
		return nil, errTooLarge
	}
	return nil, nil
}

// skipString advances through string content from pos. It reports true
// when it has passed the closing quote, and false when the buffer ends
// first, leaving pos where scanning resumes after a refill: at a
// backslash that ends the buffer, so that an escape split between reads is
// seen whole.
func (s *splitter) skipString() bool {
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
// or len(buf). It looks at eight bytes at a time: most strings of a record
// are too short for bytes.IndexByte to pay for its call.
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

// scalar reads a number, true, false or null.
func (s *splitter) scalar(keep bool) ([]byte, error) {
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
func (s *splitter) expect(c byte, what string) error {
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

// element is one value found by the splitter, with where it was.
type element struct {
	index  int   // position in its array or stream, from 0
	line   int   // 1-based line of its first byte
	off    int64 // stream offset of its first byte
	data   []byte
	err    error // errTooLarge: the value was read through, not kept
	fields fields
}

// at records where the value starting at pos is.
func (s *splitter) at(index int) element {
	return element{index: index, line: s.line(s.pos), off: s.offset(s.pos)}
}

// container walks the top-level object and calls emit for every element
// of the array under a key that want accepts; other values are skipped. An
// error is a break in the structure: the rest of the input is lost.
func (s *splitter) container(want func(string) bool, emit func(element) error) error {
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
			return s.trailing()
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
		rawKey, err := s.value(true)
		if err != nil {
			return err
		}
		key := string(bytes.Trim(rawKey, `"`))
		if err := s.expect(':', "':'"); err != nil {
			return err
		}
		if c, ok = s.peek(); !ok {
			return s.broken()
		}
		if want(key) && c == '[' {
			if err := s.array(emit); err != nil {
				return err
			}
			continue
		}
		if _, err := s.value(false); err != nil {
			return err
		}
	}
}

// array calls emit for each element of the array at the current position.
func (s *splitter) array(emit func(element) error) error {
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

// stream calls emit for each top-level value of a sequence of JSON values
// (one a line, or concatenated).
func (s *splitter) stream(emit func(element) error) error {
	for i := 0; ; i++ {
		c, ok := s.peek()
		if !ok {
			if s.rerr != nil {
				return s.broken()
			}
			return nil
		}
		if c != '{' && c != '"' && c != '[' {
			// Not a record: a stray line of text. The rest of the line is
			// one bad element, for the decoder to describe.
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
func (s *splitter) restOfLine(i int) element {
	el := s.at(i)
	s.mark, s.keep = s.pos, true
	defer func() { s.keep = false }()
	for {
		if j := bytes.IndexByte(s.buf[s.pos:s.end], '\n'); j >= 0 {
			s.pos += j
			break
		}
		s.pos = s.end
		if !s.fill() {
			break
		}
	}
	if s.keep {
		el.data = bytes.TrimSpace(s.buf[s.mark:s.pos])
	} else {
		el.err = errTooLarge
	}
	return el
}

func (s *splitter) emitValue(i int, emit func(element) error) error {
	el := s.at(i)
	data, err := s.value(true)
	switch {
	case errors.Is(err, errTooLarge):
		el.err = err
	case err != nil:
		return err
	default:
		el.data, el.fields = data, s.fields
	}
	return emit(el)
}

// trailing checks that nothing but white space follows the top-level value.
func (s *splitter) trailing() error {
	if _, ok := s.peek(); ok {
		return fmt.Errorf("unexpected data after the top-level value at byte %d", s.offset(s.pos))
	}
	if s.rerr != nil {
		return s.broken()
	}
	return nil
}
