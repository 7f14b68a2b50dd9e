package cloudtrail

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"unsafe"

	"github.com/aiguard/aiguard/internal/inputfile"
	"github.com/aiguard/aiguard/internal/jsonsplit"
)

// Format is the shape of an input, as detected from its content.
type Format string

// The formats a Reader reads.
const (
	// FormatLogFile is a log file as CloudTrail delivers it to S3:
	// {"Records": [...]}.
	FormatLogFile Format = "cloudtrail-log-file"
	// FormatLookupEvents is `aws cloudtrail lookup-events` output: each of
	// {"Events": [...]} holds its record as a JSON string, CloudTrailEvent.
	FormatLookupEvents Format = "lookup-events"
	// FormatLake is CloudTrail Lake query results
	// (`aws cloudtrail get-query-results`): {"QueryResultRows": [...]}.
	FormatLake Format = "lake-query-results"
	// FormatArray is a JSON array of records (or of lookup-events entries,
	// EventBridge events, or records as JSON strings).
	FormatArray Format = "json-array"
	// FormatStream is a sequence of records: NDJSON, one a line, or
	// concatenated (pretty-printed) objects; EventBridge events too.
	FormatStream Format = "json-stream"
	// FormatEmpty is an input with nothing in it.
	FormatEmpty Format = "empty"
)

// ErrUnrecognized reports an input that holds no CloudTrail records.
var ErrUnrecognized = errors.New("not CloudTrail records")

// ErrDigest reports a CloudTrail digest file, which lists the log files
// of an hour for integrity validation and holds no records.
var ErrDigest = fmt.Errorf("%w: a CloudTrail digest file (log file integrity validation)", ErrUnrecognized)

// sniffSize is how much of an input format detection reads.
const sniffSize = 64 << 10

// Problem is a record the reader skipped, or the point where an input
// broke, with where it was.
type Problem struct {
	File string
	// Index is the record's position in its array or stream, from 0; -1
	// when the whole rest of the input was lost.
	Index int
	Line  int
	// Offset is the byte offset in the (decompressed) input.
	Offset int64
	Err    error
}

func (p *Problem) Error() string {
	where := fmt.Sprintf("%s:%d", p.File, p.Line)
	if p.Index >= 0 {
		where += fmt.Sprintf(" (record %d)", p.Index+1)
	}
	return where + ": " + p.Err.Error()
}

func (p *Problem) Unwrap() error { return p.Err }

// MaxProblems bounds the problems a Reader keeps; Skipped counts them all.
const MaxProblems = 1000

// Reader streams the records of one input. Decompression and finding the
// records' boundaries run on a goroutine of their own, so they overlap with
// the caller's decoding; memory is bounded by a few buffers of records,
// whatever the input's size.
type Reader struct {
	// Name is the path given, or "-" for standard input.
	Name   string
	Format Format
	// Gzip reports whether the input is gzip-compressed.
	Gzip bool
	// Size is the size of the input on disk (compressed), -1 when unknown.
	Size int64

	// Filter, when set before the first Next, selects records by event
	// source, name and error code ("" for a call that succeeded): a record
	// it rejects is not returned. The records of log files and NDJSON are
	// judged from the splitter's scan, without being decoded (nor checked,
	// so a malformed rejected record is not counted as skipped); hunting
	// uses it to decode only what detections read.
	Filter func(eventSource, eventName, errorCode string) bool

	// Borrow, when set before the first Next, makes Next return records
	// that share memory with the reader's buffers: a record and its
	// strings are valid only until the next call to Next or Close. It
	// saves a copy of every record, for a caller that keeps nothing of a
	// record or copies what it keeps (strings.Clone); hunting sets it.
	Borrow bool

	lent   *Record // the record lent out, when Borrow is set
	in     *inputfile.Stream
	closed bool

	start    sync.Once
	batches  chan *batch
	free     chan *batch
	stop     chan struct{}
	cur      *batch
	next     int
	broken   *Problem
	done     bool
	last     Position
	records  int
	filtered int
	skipped  int
	problems []*Problem
}

// Open opens the named file ("-" for stdin) and detects its format. The
// caller must Close the reader.
func Open(name string, stdin io.Reader) (*Reader, error) {
	in, err := inputfile.OpenStream(name, stdin, sniffSize)
	if err != nil {
		return nil, err
	}
	return newReader(in)
}

// NewReader detects the format of the input f and returns a reader of its
// records; Close closes f.
func NewReader(name string, f io.ReadCloser) (*Reader, error) {
	in, err := inputfile.NewStream(name, f, -1, sniffSize)
	if err != nil {
		f.Close()
		return nil, err
	}
	return newReader(in)
}

func newReader(in *inputfile.Stream) (*Reader, error) {
	r := &Reader{Name: in.Name, Size: in.Size, Gzip: in.Gzip, in: in}
	head, err := in.R.Peek(sniffSize)
	if err != nil && len(head) == 0 && !errors.Is(err, io.EOF) {
		in.Close()
		return nil, fmt.Errorf("%s: read: %w", in.Name, err)
	}
	// A read error after some data (a truncated download) is left for
	// the reading, which reports where the input broke.
	if r.Format, err = detect(head); err != nil {
		in.Close()
		return nil, fmt.Errorf("%s: %w", in.Name, err)
	}
	return r, nil
}

// BytesRead is how many bytes of the input (compressed, as on disk) have
// been read so far; a progress display may call it from another goroutine.
func (r *Reader) BytesRead() int64 { return r.in.BytesRead() }

// Records is the number of records returned so far.
func (r *Reader) Records() int { return r.records }

// Filtered is the number of records the Filter rejected.
func (r *Reader) Filtered() int { return r.filtered }

// Skipped is the number of records skipped as malformed, plus one when the
// input broke before its end (the rest of it, uncounted, is lost).
func (r *Reader) Skipped() int { return r.skipped }

// Problems returns the first MaxProblems of the skipped records and breaks.
func (r *Reader) Problems() []*Problem { return r.problems }

// Position is where a record is in its input.
type Position struct {
	File string
	// Index is the record's place in its array or stream, from 0.
	Index int
	// Line is the 1-based line of the record's first byte (in the
	// decompressed input).
	Line   int
	Offset int64
}

// Position returns where the record Next returned last is.
func (r *Reader) Position() Position { return r.last }

// Close releases the input and stops the reading goroutine.
func (r *Reader) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	if r.stop != nil {
		close(r.stop)
		for range r.batches { // let the goroutine finish
		}
	}
	return r.in.Close()
}

// Next returns the next record, or io.EOF after the last. Malformed records
// are skipped (see Skipped and Problems), never returned as errors. When the
// input breaks (a truncated file, a corrupt gzip stream) Next returns the
// records before the break, then a *Problem saying where it broke; the
// reader is then done.
func (r *Reader) Next() (*Record, error) {
	if r.closed {
		return nil, errors.New("cloudtrail: Next on a closed reader")
	}
	r.start.Do(r.launch)
	for {
		if r.cur == nil || r.next == len(r.cur.els) {
			if r.cur != nil {
				r.free <- r.cur
				r.cur = nil
			}
			if r.done {
				return nil, io.EOF
			}
			b, ok := <-r.batches
			if !ok {
				r.done = true
				if r.broken != nil {
					r.skipped++
					if len(r.problems) < MaxProblems {
						r.problems = append(r.problems, r.broken)
					}
					return nil, r.broken
				}
				return nil, io.EOF
			}
			r.cur, r.next = b, 0
			continue
		}
		el := &r.cur.els[r.next]
		r.next++
		if el.err != nil {
			r.problem(el, el.err)
			continue
		}
		rec, err := r.decode(el, r.cur.data[el.start:el.end])
		switch {
		case err == errFiltered:
			r.filtered++
		case err != nil:
			r.problem(el, err)
		default:
			r.records++
			r.last = Position{File: r.Name, Index: el.index, Line: el.line, Offset: el.off}
			return rec, nil
		}
	}
}

func (r *Reader) problem(el *batchElement, err error) {
	r.skipped++
	if len(r.problems) < MaxProblems {
		r.problems = append(r.problems, &Problem{File: r.Name, Index: el.index, Line: el.line, Offset: el.off, Err: err})
	}
}

// errFiltered marks a record the Filter rejected.
var errFiltered = errors.New("filtered")

func (r *Reader) decode(el *batchElement, b []byte) (*Record, error) {
	judged := false
	if r.Filter != nil && r.Format != FormatLake && len(b) > 0 {
		// Most records of a trail are of no interest to the filter: tell
		// them by their source and name without copying or decoding them.
		if src, name, code, ok := el.fieldsOf(b); ok {
			if !r.Filter(src, name, code) {
				return nil, errFiltered
			}
			judged = true
		}
	}
	var (
		s   string
		rec *Record
	)
	if !r.Borrow || len(b) == 0 {
		s = string(b)
	} else {
		// Decoding errors are formatted when they are found: a problem
		// outlives a borrowed record's buffer.
		s = unsafe.String(&b[0], len(b))
		if r.lent == nil {
			r.lent = new(Record)
		}
		rec = r.lent
		*rec = Record{}
	}
	var err error
	if r.Format == FormatLake {
		rec, err = decodeLakeRow(s)
	} else {
		if rec == nil {
			rec = new(Record)
		}
		err = decodeText(s, rec, 0)
	}
	if err != nil {
		return nil, err
	}
	if r.Filter != nil && !judged && !r.Filter(rec.EventSource, rec.EventName, rec.ErrorCode) {
		return nil, errFiltered
	}
	return rec, nil
}

// batch is a run of elements handed from the reading goroutine to Next.
type batch struct {
	data []byte
	els  []batchElement
}

type batchElement struct {
	index, line int
	off         int64
	start, end  int
	err         error
	fields      jsonsplit.Fields
}

// The members of a record the splitter notes, in this order (Watch).
const (
	fieldSource = iota
	fieldName
	fieldErrorCode
)

// fieldsOf returns the record's eventSource, eventName and errorCode
// ("" when it has none) as the splitter found them, as views of b that must
// not be kept; ok is false when the first two are unknown or any is
// escaped or given twice (the decoder then decides).
func (el *batchElement) fieldsOf(b []byte) (source, name, errorCode string, ok bool) {
	view := func(i int) (string, bool) {
		v, ok := el.fields.Get(b, i)
		if !ok || bytes.IndexByte(v, '\\') >= 0 {
			return "", false
		}
		return unsafe.String(&v[0], len(v)), true
	}
	source, ok1 := view(fieldSource)
	name, ok2 := view(fieldName)
	if !ok1 || !ok2 {
		return "", "", "", false
	}
	if el.fields[fieldErrorCode] != [2]int{} { // present: it must be readable
		var ok3 bool
		if errorCode, ok3 = view(fieldErrorCode); !ok3 {
			return "", "", "", false
		}
	}
	return source, name, errorCode, true
}

const (
	batchBytes = 256 << 10
	batchCount = 512
)

// launch starts the goroutine that decompresses and splits the input.
func (r *Reader) launch() {
	r.batches = make(chan *batch, 2)
	r.free = make(chan *batch, 4)
	r.stop = make(chan struct{})
	for range 3 {
		r.free <- &batch{data: make([]byte, 0, batchBytes), els: make([]batchElement, 0, batchCount)}
	}
	go r.split()
}

var errStopped = errors.New("stopped")

func (r *Reader) split() {
	defer close(r.batches)
	defer func() {
		// The goroutine must never take the process down: a bug in the
		// splitter becomes a broken input.
		if p := recover(); p != nil {
			r.broken = &Problem{File: r.Name, Index: -1, Err: fmt.Errorf("internal error: %v", p)}
		}
	}()
	var cur *batch
	get := func() bool {
		select {
		case cur = <-r.free:
			cur.data, cur.els = cur.data[:0], cur.els[:0]
			return true
		case <-r.stop:
			return false
		}
	}
	send := func() bool {
		select {
		case r.batches <- cur:
			cur = nil
			return true
		case <-r.stop:
			return false
		}
	}
	if !get() {
		return
	}
	emit := func(el jsonsplit.Element) error {
		if len(cur.els) == cap(cur.els) || (len(cur.data)+len(el.Data) > cap(cur.data) && len(cur.els) > 0) {
			if !send() || !get() {
				return errStopped
			}
		}
		be := batchElement{index: el.Index, line: el.Line, off: el.Offset, err: el.Err, fields: el.Fields}
		be.start = len(cur.data)
		cur.data = append(cur.data, el.Data...)
		be.end = len(cur.data)
		cur.els = append(cur.els, be)
		return nil
	}
	sp := newSplitter(r.in.R)
	inArray := func(key string) error {
		return sp.ObjectArrays(keyIs(key), func(_ string, el jsonsplit.Element) error { return emit(el) })
	}
	var err error
	switch r.Format {
	case FormatLogFile:
		err = inArray("Records")
	case FormatLookupEvents:
		err = inArray("Events")
	case FormatLake:
		err = inArray("QueryResultRows")
	case FormatArray:
		if err = sp.Array(emit); err == nil {
			err = sp.Trailing()
		}
	case FormatStream:
		err = sp.Stream(emit)
	}
	if errors.Is(err, errStopped) {
		return
	}
	if err != nil {
		line, off := sp.Position()
		r.broken = &Problem{File: r.Name, Index: -1, Line: line, Offset: off,
			Err: fmt.Errorf("%w; the rest of the input is skipped", err)}
	}
	if len(cur.els) > 0 {
		send()
	}
}

func keyIs(want string) func(string) bool {
	return func(k string) bool { return strings.EqualFold(k, want) }
}

// detect recognises the format of an input from its first bytes.
func detect(head []byte) (Format, error) {
	b := bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	b = bytes.TrimLeft(b, " \t\r\n")
	if len(b) == 0 {
		return FormatEmpty, nil
	}
	switch b[0] {
	case '[':
		return FormatArray, nil
	case '{':
		return detectObject(b)
	}
	return "", fmt.Errorf("%w: not JSON; want a CloudTrail log file, lookup-events or CloudTrail Lake output, or records one a line", ErrUnrecognized)
}

// detectObject decides from the top-level keys of the first object.
func detectObject(b []byte) (Format, error) {
	keys := topLevelKeys(b)
	has := func(k string) bool {
		for _, key := range keys {
			if strings.EqualFold(key, k) {
				return true
			}
		}
		return false
	}
	switch {
	case has("Records"):
		return FormatLogFile, nil
	case has("Events"):
		return FormatLookupEvents, nil
	case has("QueryResultRows"):
		return FormatLake, nil
	case has("digestStartTime") || has("logFiles"):
		return "", ErrDigest
	case has("eventName") || has("eventSource") || has("eventTime") || has("eventID") || has("CloudTrailEvent") ||
		(has("detail-type") && has("detail")):
		return FormatStream, nil
	case has("configurationItems") || has("invokingEvent") || has("Resources"):
		return "", fmt.Errorf("%w: this looks like AWS Config or CloudFormation input (aiguard scan and evaluate read those)", ErrUnrecognized)
	}
	if len(keys) == 0 {
		return "", fmt.Errorf("%w: a JSON object without keys", ErrUnrecognized)
	}
	return "", fmt.Errorf("%w: a JSON object with none of the keys Records (a CloudTrail log file), Events "+
		"(lookup-events), QueryResultRows (CloudTrail Lake) or eventName (a record)", ErrUnrecognized)
}

// topLevelKeys lists the keys of the object b starts with, as far as b
// goes.
func topLevelKeys(b []byte) []string {
	keys, _, _ := jsonsplit.TopLevelKeys(b)
	return keys
}

// maxElement is the largest element the splitter keeps: a record, or a
// lookup-events entry holding one as an escaped string.
const maxElement = 2 * MaxRecordSize

// errTooLarge marks an element the splitter skipped because of its size.
var errTooLarge = fmt.Errorf("larger than the %d-byte limit for a record", MaxRecordSize)

// newSplitter returns the splitter of an input, noting each record's
// eventSource, eventName and errorCode as written.
func newSplitter(r io.Reader) *jsonsplit.Splitter {
	sp := jsonsplit.New(r, maxElement, errTooLarge)
	sp.Watch(false, "eventSource", "eventName", "errorCode")
	return sp
}
