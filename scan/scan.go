package scan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aiguard/aiguard/configitem"
	"github.com/aiguard/aiguard/rules"
)

// Options control a scan.
type Options struct {
	// Registry is the catalog; nil means rules.Catalog().
	Registry *rules.Registry
	// Rules limits the scan to these rules; nil means every rule.
	Rules []*rules.Rule
	// Params are rule parameters by name; each rule takes those it declares,
	// and defaults fill in the rest.
	Params map[string]string
	// AccountID and Region stand in for CIs that carry none: template
	// resources, and exports that leave them out.
	AccountID string
	Region    string
	// Now is the ordering timestamp of template resources, which have no
	// capture time; zero means time.Now().
	Now time.Time
	// Workers is the number of goroutines that decode and evaluate; 0 means
	// GOMAXPROCS.
	Workers int
	// MaxListed bounds the non-compliant findings the Summary keeps per rule
	// (the counts are always complete); 0 means 1000.
	MaxListed int
	// Progress, when set, receives the bytes read and the CIs scanned so far.
	Progress *Counters
}

// Counters are updated while a scan runs, for a progress display.
type Counters struct {
	Bytes atomic.Int64 // input bytes read, as on disk (compressed)
	Items atomic.Int64 // CIs and template resources handed to the rules
}

// Sink receives the results of a scan in input order.
type Sink interface {
	Result(r *Result) error
}

// Preparer is implemented by sinks with per-result work that does not
// depend on order (encoding, typically). Prepare runs on the workers,
// concurrently, before Result sees the same result.
type Preparer interface {
	Prepare(r *Result)
}

// Result is what the scan found for one CI.
type Result struct {
	Pos Position
	// Input is the index of the input in the scan's list.
	Input    int
	Resource Identity
	// Evaluations holds one evaluation per rule covering the resource type,
	// in rule ID order; none when no rule covers it.
	Evaluations []rules.Evaluation
	// Problem is set when the item was skipped; nothing else is then.
	Problem *Problem
	// Encoded is for a Preparer's use.
	Encoded []byte
}

// Identity identifies the resource a CI describes.
type Identity struct {
	AccountID string
	Region    string
	Partition string
	ARN       string
	Type      string
	ID        string
	Name      string
	// Template is true for a resource read from a CloudFormation template.
	Template bool
}

// boundRule is a rule with its parameters parsed.
type boundRule struct {
	rule   *rules.Rule
	params rules.Params
}

// ruleSet is what the workers need to judge an item.
type ruleSet struct {
	byType   map[string][]boundRule
	all      []*rules.Rule
	periodic []*rules.Rule
}

func newRuleSet(opts *Options) (*ruleSet, error) {
	list := opts.Rules
	if list == nil {
		list = opts.Registry.All()
	}
	rs := &ruleSet{byType: map[string][]boundRule{}}
	for _, r := range list {
		if r.Check == nil {
			rs.periodic = append(rs.periodic, r)
			continue
		}
		raw := map[string]string{}
		for k, v := range opts.Params {
			if _, ok := r.Param(k); ok {
				raw[k] = v
			}
		}
		p, err := r.ParseParams(raw)
		if err != nil {
			return nil, err
		}
		rs.all = append(rs.all, r)
		for _, t := range r.ResourceTypes {
			rs.byType[t] = append(rs.byType[t], boundRule{rule: r, params: p})
		}
	}
	return rs, nil
}

// Prepare opens and recognises every input, so that a missing or
// unrecognised file is reported before any output is written. Files are
// closed again and reopened in turn by Run; standard input stays open.
// Optional inputs (from a directory walk) that are not recognised are left
// out, each with a note.
func Prepare(inputs []Input, stdin io.Reader) (srcs []*Source, notes []string, err error) {
	for _, in := range inputs {
		src, err := Open(in.Path, stdin)
		if err != nil {
			if in.Optional && errors.Is(err, ErrUnrecognized) {
				notes = append(notes, fmt.Sprintf("%s: not a recognised input; skipped", in.Path))
				continue
			}
			for _, s := range srcs {
				s.Close()
			}
			return nil, nil, err
		}
		if in.Path != "-" {
			src.Close()
		}
		srcs = append(srcs, src)
	}
	return srcs, notes, nil
}

// reopen opens a prepared file again for reading.
func (s *Source) reopen(shared *atomic.Int64) error {
	if !s.closed {
		s.raw.shared = shared
		return nil
	}
	f, err := os.Open(s.Name)
	if err != nil {
		return err
	}
	fresh, err := newSource(s.Name, f, s.Size)
	if err != nil {
		f.Close()
		return err
	}
	if fresh.Kind != s.Kind {
		fresh.Close()
		return fmt.Errorf("%s: changed while scanning (was %s, now %s)", s.Name, s.Kind, fresh.Kind)
	}
	fresh.raw.shared = shared
	*s = *fresh
	return nil
}

// chunk is a batch of records that travels from the reader to a worker and
// on to the collector: batching keeps channel traffic low.
type chunk struct {
	seq  int
	recs []record
	buf  []byte
	out  []Result
}

const (
	chunkItems = 256
	chunkBytes = 1 << 20
)

// record is one item in a chunk: its bytes (buf[off:off+n]), a decoded
// template resource, or a problem.
type record struct {
	pos        Position
	input      int
	off, n     int
	quoted     bool
	item       *configitem.Item
	unresolved []unresolvedField
	problem    *Problem
}

// Run scans the inputs and delivers a result per CI (and per problem) to
// sink, in input order. It returns the summary; the error is for what stops
// the scan as a whole (invalid parameters, a failing sink), not for corrupt
// input, which the summary reports.
func Run(ctx context.Context, srcs []*Source, opts Options, sink Sink) (*Summary, error) {
	if opts.Registry == nil {
		opts.Registry = rules.Catalog()
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.MaxListed <= 0 {
		opts.MaxListed = 1000
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	rs, err := newRuleSet(&opts)
	if err != nil {
		return nil, err
	}
	sum := newTally(srcs, rs, &opts)
	prep, _ := sink.(Preparer)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan *chunk, workers)
	done := make(chan *chunk, workers)
	// tokens bound the chunks between the reader and the collector, and so
	// the memory a scan uses, whatever the size of its input.
	tokens := make(chan struct{}, 3*workers+2)

	p := &producer{ctx: ctx, jobs: jobs, tokens: tokens, rs: rs, opts: &opts, tally: sum}
	go func() {
		defer close(jobs)
		for i, src := range srcs {
			if !p.source(i, src) {
				return
			}
		}
		p.flush()
	}()

	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range jobs {
				c.out = make([]Result, len(c.recs))
				for i := range c.recs {
					rs.process(&opts, c, &c.recs[i], &c.out[i])
					if prep != nil && c.out[i].Problem == nil {
						prep.Prepare(&c.out[i])
					}
				}
				done <- c
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()

	pending := map[int]*chunk{}
	next := 0
	var sinkErr error
	for c := range done {
		pending[c.seq] = c
		for {
			c, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			for i := range c.out {
				r := &c.out[i]
				sum.add(r)
				if sinkErr == nil {
					if sinkErr = sink.Result(r); sinkErr != nil {
						cancel()
					}
				}
			}
			if opts.Progress != nil {
				opts.Progress.Items.Add(int64(len(c.out)))
			}
			buf := c.buf[:0]
			chunkPool.Put(&buf)
			<-tokens
		}
	}
	for _, src := range srcs {
		src.Close()
	}
	if sinkErr != nil {
		return nil, sinkErr
	}
	if err := ctx.Err(); err != nil && !errors.Is(err, context.Canceled) {
		return nil, err
	}
	return sum.summary(), nil
}

// chunkPool recycles chunk buffers, which are the bulk of a scan's memory.
var chunkPool = sync.Pool{New: func() any { b := make([]byte, 0, chunkBytes+64<<10); return &b }}

// producer reads the inputs and fills chunks.
type producer struct {
	ctx    context.Context
	jobs   chan<- *chunk
	tokens chan struct{}
	rs     *ruleSet
	opts   *Options
	tally  *tally
	cur    *chunk
	seq    int
}

// add appends a record (and its bytes) to the current chunk, sending the
// chunk on when it is full. It reports false when the scan was cancelled.
func (p *producer) add(rec record, data []byte) bool {
	if p.cur == nil {
		p.cur = &chunk{seq: p.seq, buf: *chunkPool.Get().(*[]byte)}
		p.seq++
	}
	c := p.cur
	if data != nil {
		rec.off, rec.n = len(c.buf), len(data)
		c.buf = append(c.buf, data...)
	}
	c.recs = append(c.recs, rec)
	if len(c.recs) >= chunkItems || len(c.buf) >= chunkBytes {
		return p.flush()
	}
	return true
}

func (p *producer) flush() bool {
	if p.cur == nil {
		return true
	}
	c := p.cur
	p.cur = nil
	select {
	case p.tokens <- struct{}{}:
	case <-p.ctx.Done():
		return false
	}
	select {
	case p.jobs <- c:
		return true
	case <-p.ctx.Done():
		return false
	}
}

func (p *producer) problem(input int, pos Position, err error, rest bool) bool {
	return p.add(record{pos: pos, input: input, problem: &Problem{Pos: pos, Err: err, Rest: rest}}, nil)
}

// source reads one input; it reports false when the scan was cancelled.
func (p *producer) source(input int, src *Source) bool {
	var shared *atomic.Int64
	if p.opts.Progress != nil {
		shared = &p.opts.Progress.Bytes
	}
	if err := src.reopen(shared); err != nil {
		return p.problem(input, Position{File: src.Name, Index: -1}, err, true)
	}
	defer src.Close()
	switch src.Kind {
	case KindEmpty:
		return true
	case KindTemplate:
		return p.template(input, src)
	}
	sp := newSplitter(src.r)
	alive := true
	// where is the position after the last element, where a break in the
	// input is reported.
	where := Position{File: src.Name, Index: -1}
	emitter := func(array string) func(el element) error {
		return func(el element) error {
			pos := Position{File: src.Name, Array: array, Index: el.index}
			where = Position{File: src.Name, Array: array, Index: el.index + 1}
			if src.Kind == KindNDJSON {
				pos = Position{File: src.Name, Line: el.index, Index: -1}
				where = Position{File: src.Name, Line: el.index + 1, Index: -1}
			}
			rec := record{pos: pos, input: input}
			switch {
			case el.err != nil:
				alive = p.problem(input, pos, el.err, false)
			case len(el.data) == 0:
				alive = p.problem(input, pos, errors.New("empty value"), false)
			case el.data[0] == '{':
				alive = p.add(rec, el.data)
			case el.data[0] == '"' && src.Kind != KindNDJSON:
				rec.quoted = true
				alive = p.add(rec, el.data)
			default:
				alive = p.problem(input, pos, fmt.Errorf("want a configuration item (a JSON object), got %s",
					describeJSON(el.data)), false)
			}
			if !alive {
				return context.Canceled
			}
			return nil
		}
	}
	var err error
	switch src.Kind {
	case KindConfigItems, KindBatchGet, KindSelect:
		want := containerKey(src.Kind)
		err = sp.objectArrays(want, func(key string, el element) error { return emitter(key)(el) })
	case KindArray:
		err = sp.array(emitter(""))
		if err == nil {
			err = sp.trailing()
		}
	case KindNDJSON:
		err = sp.lines(emitter(""))
	case KindStream:
		err = sp.stream(emitter(""))
	}
	if !alive || errors.Is(err, context.Canceled) {
		return false
	}
	if err != nil {
		return p.problem(input, where, err, true)
	}
	return true
}

// describeJSON names the kind of a JSON value for messages.
func describeJSON(b []byte) string {
	if len(b) == 0 {
		return "nothing"
	}
	switch b[0] {
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return "a number"
	}
	return "text that is not JSON"
}

// template converts a template's resources into records.
func (p *producer) template(input int, src *Source) bool {
	data, err := io.ReadAll(io.LimitReader(src.r, maxTemplateSize+1))
	if err != nil {
		return p.problem(input, Position{File: src.Name, Index: -1}, fmt.Errorf("read: %w", err), true)
	}
	if len(data) > maxTemplateSize {
		return p.problem(input, Position{File: src.Name, Index: -1},
			fmt.Errorf("template is larger than %d bytes", maxTemplateSize), true)
	}
	tpl, err := parseTemplate(src.Name, data, p.rs, p.opts)
	if err != nil {
		return p.problem(input, Position{File: src.Name, Index: -1}, err, true)
	}
	p.tally.templateNotes(tpl.notes)
	for _, res := range tpl.resources {
		pos := Position{File: src.Name, Index: -1, Resource: res.logicalID}
		if res.err != nil {
			if !p.problem(input, pos, res.err, false) {
				return false
			}
			continue
		}
		if !p.add(record{pos: pos, input: input, item: res.item, unresolved: res.unresolved}, nil) {
			return false
		}
	}
	return true
}
