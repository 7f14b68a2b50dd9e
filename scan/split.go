package scan

// Stage 3, split: find the boundaries of the items in a stream without
// decoding them; the workers decode, in parallel. The reader goroutine does
// this and decompression, nothing else.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aiguard/aiguard/configitem"
)

// maxItem is the largest CI the splitter hands on. configitem.Decode refuses
// anything above MaxSize; a select-resource-config result is a JSON string,
// whose escaping can add a little more.
const maxItem = configitem.MaxSize + configitem.MaxSize/4

// maxNesting bounds the nesting the splitter follows, as the decoder
// bounds it (jsonfast.MaxDepth): without it, "[[[[..." would grow the
// bracket stack with the input.
const maxNesting = 10000

// errTooLarge marks a value the splitter skipped because of its size.
var errTooLarge = fmt.Errorf("larger than the %d-byte limit for a configuration item", configitem.MaxSize)

// splitter finds the boundaries of JSON values (or lines) in a stream
// without decoding them: the workers decode, in parallel. It matches
// brackets and strings, which is all it needs to know where a value ends;
// a value that is malformed inside is left for the decoder to report.
type splitter struct {
	r    io.Reader
	buf  []byte
	pos  int   // next byte to look at
	end  int   // bytes of buf that hold data
	mark int   // first byte to keep when refilling (the value being read)
	keep bool  // whether the value being read is kept (else it is skipped)
	base int64 // stream offset of buf[0]
	eof  bool
	rerr error
	// stack holds the open brackets of the value being read.
	stack []byte
	// wantType asks value to note where a top-level object's resourceType
	// is: typStart and typEnd, relative to mark, bound its string value
	// (typStart is -1 when there is none, or it is not a plain string).
	// keyStart is where the last string at the object's top level began.
	wantType                   bool
	typStart, typEnd, keyStart int
}

func newSplitter(r io.Reader) *splitter {
	return &splitter{r: r, buf: make([]byte, 256<<10)}
}

// offset is the stream offset of the next byte.
func (s *splitter) offset() int64 { return s.base + int64(s.pos) }

// fill reads more input, keeping the bytes of the value being read (from
// mark) when it is kept. It reports false when no more input can be had.
func (s *splitter) fill() bool {
	if s.eof {
		return false
	}
	from := s.pos
	if s.keep {
		from = s.mark
	}
	if from > 0 {
		copy(s.buf, s.buf[from:s.end])
		s.base += int64(from)
		s.pos -= from
		s.end -= from
		s.mark -= from
	}
	if s.end == len(s.buf) {
		if len(s.buf) >= maxItem {
			// Only a kept value can fill the buffer: stop keeping it.
			s.keep = false
			return s.fill()
		}
		grown := make([]byte, min(2*len(s.buf), maxItem))
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

// readErr explains why input ended early.
func (s *splitter) readErr() error {
	if s.rerr != nil {
		return fmt.Errorf("read at byte %d: %w", s.offset(), s.rerr)
	}
	return fmt.Errorf("unexpected end of input at byte %d", s.offset())
}

// peek skips whitespace and returns the next byte, or false at the end.
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

// Byte classes of the splitter's scanning loops: outside strings only
// quotes and brackets matter, inside them only quotes and backslashes.
var (
	structural [256]bool // " { } [ ]
	stringStop [256]bool // " \
)

func init() {
	for _, c := range []byte(`"{}[]`) {
		structural[c] = true
	}
	stringStop['"'], stringStop['\\'] = true, true
}

// value reads the JSON value at the current position (after peek). When
// keep is true it returns the value's bytes, valid until the next call; a
// value too large to keep is skipped and reported with errTooLarge.
func (s *splitter) value(keep bool) ([]byte, error) {
	s.mark, s.keep = s.pos, keep
	s.stack = s.stack[:0]
	s.typStart = -1
	inString := false
	switch s.buf[s.pos] {
	case '{', '[':
		s.stack = append(s.stack, s.buf[s.pos])
		s.pos++
	case '"':
		inString = true
		s.pos++
	default:
		data, err := s.scalar(keep)
		s.keep = false
		return data, err
	}
	for len(s.stack) > 0 || inString {
		// The loops below look at a byte at a time through a table, in a
		// slice of the buffer that fill may move: every pass starts from
		// s.pos again. The string loop and the structure loop each handle
		// their own end of buffer: merged, the two measured 15 % slower.
		rest := s.buf[s.pos:s.end]
		i := 0
		if inString {
			for i < len(rest) && !stringStop[rest[i]] {
				i++
			}
			s.pos += i
			if i == len(rest) {
				if !s.fill() {
					s.keep = false
					return nil, s.readErr()
				}
				continue
			}
			if rest[i] == '"' {
				if s.wantType && s.typStart < 0 && len(s.stack) == 1 && s.stack[0] == '{' {
					s.noteType()
				}
				s.pos++
				inString = false
				continue
			}
			// A backslash: skip it and the byte it escapes.
			if i+1 >= len(rest) {
				if !s.fill() {
					// Input ends after the backslash: consume it, so that
					// the end of input is reported.
					s.pos = s.end
					s.keep = false
					return nil, s.readErr()
				}
				continue
			}
			s.pos += 2
			continue
		}
		for i < len(rest) && !structural[rest[i]] {
			i++
		}
		s.pos += i
		if i == len(rest) {
			if !s.fill() {
				s.keep = false
				return nil, s.readErr()
			}
			continue
		}
		switch c := rest[i]; c {
		case '"':
			inString = true
			s.keyStart = s.pos + 1 - s.mark
		case '{', '[':
			if len(s.stack) >= maxNesting {
				s.keep = false
				return nil, fmt.Errorf("nested more than %d levels deep at byte %d", maxNesting, s.offset())
			}
			s.stack = append(s.stack, c)
		default: // '}', ']'
			open := s.stack[len(s.stack)-1]
			if (c == '}') != (open == '{') {
				s.keep = false
				return nil, fmt.Errorf("mismatched %q at byte %d", c, s.offset())
			}
			s.stack = s.stack[:len(s.stack)-1]
		}
		s.pos++
	}
	kept := s.keep
	s.keep = false
	if !kept {
		if keep {
			return nil, errTooLarge
		}
		return nil, nil
	}
	return s.buf[s.mark:s.pos], nil
}

// noteType looks at the string that ends at s.pos, at the top level of
// the object being read: when it is the key resourceType and its value, a
// string without escapes, is in the buffer, typStart and typEnd bound the
// value. It reads ahead without consuming: the scanning loop reads those
// bytes as usual. Keys match as the decoder matches them (exactly, then in
// any case).
func (s *splitter) noteType() {
	if !s.keep {
		return // the buffer no longer holds the value from mark
	}
	key := s.buf[s.mark+s.keyStart : s.pos]
	if len(key) != len("resourceType") || !isTypeKey(key) {
		return
	}
	i := skipSpace(s.buf[:s.end], s.pos+1)
	if i >= s.end || s.buf[i] != ':' {
		return
	}
	if i = skipSpace(s.buf[:s.end], i+1); i >= s.end || s.buf[i] != '"' {
		return
	}
	q := bytes.IndexByte(s.buf[i+1:s.end], '"')
	if q < 0 || bytes.IndexByte(s.buf[i+1:i+1+q], '\\') >= 0 {
		return
	}
	s.typStart, s.typEnd = i+1-s.mark, i+1+q-s.mark
}

// element makes the element of a value value just returned.
func (s *splitter) element(index int, data []byte) element {
	el := element{index: index, data: data}
	if s.typStart >= 0 && s.typEnd <= len(data) {
		el.typ = data[s.typStart:s.typEnd]
	}
	return el
}

// scalar reads a number, true, false or null (or anything else up to a
// delimiter: the decoder says what is wrong with it). When keep is true it
// returns the bytes, valid until the next call; a value too large to keep
// is skipped and reported with errTooLarge.
func (s *splitter) scalar(keep bool) ([]byte, error) {
	switch s.buf[s.pos] {
	case ',', '}', ']', ':':
		return nil, fmt.Errorf("invalid JSON at byte %d: want a value, got %q", s.offset(), s.buf[s.pos])
	}
	done := func() ([]byte, error) {
		switch {
		case !keep:
			return nil, nil
		case !s.keep: // it outgrew the buffer
			return nil, errTooLarge
		}
		return s.buf[s.mark:s.pos], nil
	}
	for {
		for s.pos < s.end {
			switch s.buf[s.pos] {
			case ',', '}', ']', ' ', '\t', '\r', '\n':
				return done()
			}
			s.pos++
		}
		if !s.fill() {
			if s.rerr != nil {
				return nil, s.readErr()
			}
			return done()
		}
	}
}

// expect consumes the byte c after optional whitespace.
func (s *splitter) expect(c byte, what string) error {
	got, ok := s.peek()
	if !ok {
		return s.readErr()
	}
	if got != c {
		return fmt.Errorf("invalid JSON at byte %d: want %s, got %q", s.offset(), what, got)
	}
	s.pos++
	return nil
}

// element is one value found by the splitter: a CI's bytes, or the reason
// it was skipped.
type element struct {
	index int
	data  []byte
	err   error
	// typ is the object's resourceType, when the splitter saw it (wantType);
	// nil otherwise. Valid as long as data.
	typ []byte
}

// objectArrays walks the top-level object and calls emit for every element
// of the arrays whose key wantKey accepts; every other value is skipped.
// An error is a break in the structure: the rest of the input is lost.
func (s *splitter) objectArrays(wantKey func(string) bool, emit func(key string, el element) error) error {
	if err := s.expect('{', "'{'"); err != nil {
		return err
	}
	for first := true; ; first = false {
		c, ok := s.peek()
		if !ok {
			return s.readErr()
		}
		if c == '}' {
			s.pos++
			return s.trailing()
		}
		if !first {
			if c != ',' {
				return fmt.Errorf("invalid JSON at byte %d: want ',' or '}', got %q", s.offset(), c)
			}
			s.pos++
			if c, ok = s.peek(); !ok {
				return s.readErr()
			}
		}
		if c != '"' {
			return fmt.Errorf("invalid JSON at byte %d: want a key", s.offset())
		}
		raw, err := s.value(true)
		if err != nil {
			return err
		}
		key := unquoteKey(raw)
		if err := s.expect(':', "':'"); err != nil {
			return err
		}
		c, ok = s.peek()
		if !ok {
			return s.readErr()
		}
		if wantKey(key) && c == '[' {
			if err := s.array(func(el element) error { return emit(key, el) }); err != nil {
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
			return s.readErr()
		}
		if c == ']' {
			s.pos++
			return nil
		}
		if i > 0 {
			if c != ',' {
				return fmt.Errorf("invalid JSON at byte %d after element %d: want ',' or ']', got %q", s.offset(), i-1, c)
			}
			s.pos++
			if _, ok = s.peek(); !ok {
				return s.readErr()
			}
		}
		data, err := s.value(true)
		switch {
		case errors.Is(err, errTooLarge):
			err = emit(element{index: i, err: err})
		case err != nil:
			return err
		default:
			err = emit(s.element(i, data))
		}
		if err != nil {
			return err
		}
	}
}

// stream calls emit for each top-level value of a concatenated JSON stream.
func (s *splitter) stream(emit func(element) error) error {
	for i := 0; ; i++ {
		if _, ok := s.peek(); !ok {
			if s.rerr != nil {
				return s.readErr()
			}
			return nil
		}
		data, err := s.value(true)
		switch {
		case errors.Is(err, errTooLarge):
			err = emit(element{index: i, err: err})
		case err != nil:
			return err
		default:
			err = emit(s.element(i, data))
		}
		if err != nil {
			return err
		}
	}
}

// trailing checks that nothing but whitespace follows the top-level value.
func (s *splitter) trailing() error {
	if _, ok := s.peek(); ok {
		return fmt.Errorf("unexpected data after the top-level value at byte %d", s.offset())
	}
	if s.rerr != nil {
		return s.readErr()
	}
	return nil
}

// lines calls emit for each non-blank line; element.index is the 1-based
// line number.
func (s *splitter) lines(emit func(element) error) error {
	for line := 1; ; line++ {
		if s.pos >= s.end && !s.fill() {
			if s.rerr != nil {
				return s.readErr()
			}
			return nil
		}
		s.mark, s.keep = s.pos, true
		for {
			if i := bytes.IndexByte(s.buf[s.pos:s.end], '\n'); i >= 0 {
				s.pos += i
				break
			}
			s.pos = s.end
			if !s.fill() {
				break
			}
		}
		kept := s.keep
		s.keep = false
		var el element
		el.index = line
		if !kept {
			el.err = errTooLarge
		} else {
			el.data = bytes.TrimSpace(s.buf[s.mark:s.pos])
		}
		if s.pos < s.end {
			s.pos++ // the newline
		}
		if s.rerr != nil && s.pos >= s.end {
			return s.readErr()
		}
		if el.err == nil && len(el.data) == 0 {
			continue
		}
		if err := emit(el); err != nil {
			return err
		}
	}
}

// containerKey reports whether key names the array of CIs in an input of
// the given kind (keys match in any case, as the AWS CLI and SDKs differ).
func containerKey(kind Kind) func(string) bool {
	var want []string
	switch kind {
	case KindConfigItems:
		want = []string{"configurationItems"}
	case KindBatchGet:
		want = []string{"baseConfigurationItems"}
	case KindSelect:
		want = []string{"Results"}
	}
	return func(key string) bool {
		for _, w := range want {
			if strings.EqualFold(key, w) {
				return true
			}
		}
		return false
	}
}
