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

// value reads the JSON value at the current position (after peek). When
// keep is true it returns the value's bytes, valid until the next call; a
// value too large to keep is skipped and reported with errTooLarge.
func (s *splitter) value(keep bool) ([]byte, error) {
	s.mark, s.keep = s.pos, keep
	defer func() { s.keep = false }()
	s.stack = s.stack[:0]
	inString := false
	switch s.buf[s.pos] {
	case '{', '[':
		s.stack = append(s.stack, s.buf[s.pos])
		s.pos++
	case '"':
		inString = true
		s.pos++
	default:
		return s.scalar(keep)
	}
	for len(s.stack) > 0 || inString {
		if s.pos >= s.end && !s.fill() {
			return nil, s.readErr()
		}
		if inString {
			if s.skipString() {
				inString = false
			}
			continue
		}
		switch c := s.buf[s.pos]; c {
		case '"':
			inString = true
		case '{', '[':
			if len(s.stack) >= maxNesting {
				return nil, fmt.Errorf("nested more than %d levels deep at byte %d", maxNesting, s.offset())
			}
			s.stack = append(s.stack, c)
		case '}', ']':
			open := s.stack[len(s.stack)-1]
			if (c == '}') != (open == '{') {
				return nil, fmt.Errorf("mismatched %q at byte %d", c, s.offset())
			}
			s.stack = s.stack[:len(s.stack)-1]
		}
		s.pos++
	}
	if !s.keep {
		if keep {
			return nil, errTooLarge
		}
		return nil, nil
	}
	return s.buf[s.mark:s.pos], nil
}

// skipString advances through string content; it reports true when it has
// passed the closing quote, false when it needs more input.
func (s *splitter) skipString() bool {
	// Most strings in a CI are short keys and values: a plain loop over
	// their first bytes beats two calls to IndexByte.
	for n := min(s.pos+24, s.end); s.pos < n; {
		switch s.buf[s.pos] {
		case '"':
			s.pos++
			return true
		case '\\':
			if s.pos+1 >= s.end {
				n = s.pos // let the general loop below refill
				continue
			}
			s.pos += 2
		default:
			s.pos++
		}
	}
	for s.pos < s.end {
		rest := s.buf[s.pos:s.end]
		q := bytes.IndexByte(rest, '"')
		if q < 0 {
			q = len(rest)
		}
		bs := bytes.IndexByte(rest[:q], '\\')
		if bs < 0 {
			s.pos += q
			if q == len(rest) {
				return false
			}
			s.pos++ // the closing quote
			return true
		}
		// An escape: skip the backslash and the byte it escapes.
		if s.pos+bs+1 >= s.end {
			s.pos += bs
			if !s.fill() {
				// Input ends after the backslash: consume it, so that the
				// caller sees the end of input and reports it.
				s.pos = s.end
				return false
			}
			continue
		}
		s.pos += bs + 2
	}
	return false
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
			err = emit(element{index: i, data: data})
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
			err = emit(element{index: i, data: data})
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
