package scan

// The pipeline: a reader goroutine opens, detects and splits each input (or
// reads a template or plan whole) into chunks of records; workers decode
// and evaluate them; the collector hands the results to the sink in input
// order. Data flows one way through the stages, each in its own file:
// open.go, detect.go, split.go, decode.go, evaluate.go, and the sinks.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aiguard/aiguard/configitem"
	"github.com/aiguard/aiguard/conformance"
	"github.com/aiguard/aiguard/internal/cfnjudge"
	"github.com/aiguard/aiguard/internal/jsonfast"
	"github.com/aiguard/aiguard/internal/jsonsplit"
	"github.com/aiguard/aiguard/orgspec"
	"github.com/aiguard/aiguard/rules"
)

// gcPercent is the garbage collector's target during a scan.
const gcPercent = 200

// Options control a scan.
type Options struct {
	// Registry is the catalog; nil means rules.Catalog().
	Registry *rules.Registry
	// Rules limits the scan to these rules; nil means every rule.
	Rules []*rules.Rule
	// Params are rule parameters by name; each rule takes those it
	// declares, and the reserved ones (exemptResourceIds); defaults fill
	// in the rest. Not used with Spec.
	Params map[string]string
	// Spec is the organization spec (--config): each CI is judged with the
	// rules, parameters and exceptions of the team that owns its account,
	// template and planned resources with those of Team.
	Spec *orgspec.Spec
	// Team names the team whose rules judge template and planned
	// resources (and CIs of accounts no team claims); "" uses the team
	// that claims AccountID, else the spec's defaults.
	Team string
	// SkipRules are rule IDs whose failures are reported suppressed.
	SkipRules []string
	// TemplateParams override the Default of template parameters
	// (--parameter Key=Value).
	TemplateParams map[string]string
	// AccountID and Region stand in for CIs that carry none: template
	// resources, and exports that leave them out.
	AccountID string
	Region    string
	// Now is the ordering timestamp of template resources, which have no
	// capture time, and the day suppressions and exemptions are judged on;
	// zero means time.Now().
	Now time.Time
	// Workers is the number of goroutines that decode and evaluate; 0 means
	// GOMAXPROCS.
	Workers int
	// MaxListed bounds the non-compliant findings the Summary keeps per rule
	// (the counts are always complete); 0 means 1000.
	MaxListed int
	// Progress, when set, receives the bytes read and the items scanned so
	// far.
	Progress *Counters
}

// Counters are updated while a scan runs, for a progress display.
type Counters struct {
	Bytes atomic.Int64 // input bytes read, as on disk (compressed)
	Items atomic.Int64 // items handed to the rules
}

// Sink receives the results of a scan in input order. A Result and what it
// holds (its slices) are reused once Result returns: a sink copies what it
// keeps.
type Sink interface {
	Result(r *Result) error
}

// Preparer is implemented by sinks with per-result work that does not
// depend on order (encoding, typically). Prepare runs on the workers,
// concurrently, before Result sees the same result.
type Preparer interface {
	Prepare(r *Result)
}

// chunk is a batch of records that travels from the reader to a worker and
// on to the collector: batching keeps channel traffic low.
type chunk struct {
	seq  int
	recs []record
	buf  []byte
	out  []Result
	// evals and details back the results' slices, which the sink may not
	// keep (Sink): pooled with the chunk, they cost no allocation per item.
	evals   []rules.Evaluation
	details []Detail
	// dec decodes the chunk's items, which are dropped together once
	// judged: they share its allocations.
	dec configitem.Decoder
	// work counts the records a worker has something to do for: not the
	// uncovered items, which are many in a real snapshot and cost nothing.
	work int
}

// A chunk goes on when it holds chunkItems records to work on, chunkBytes
// of items, or chunkRecords records in all.
const (
	chunkItems   = 256
	chunkBytes   = 1 << 20
	chunkRecords = 4096
)

// record is one item in a chunk: its bytes (buf[off:off+n]), a resource
// prepared whole, or a problem.
type record struct {
	pos     Position
	input   int
	off, n  int
	quoted  bool
	unit    *cfnjudge.Unit
	problem *Problem
	// uncovered is the type of an item no rule of the scan covers, as the
	// splitter saw it: the item is counted, and its bytes never copied.
	uncovered string
}

// Run scans the inputs and delivers a result per item (and per problem) to
// sink, in input order. It returns the summary; the error is for what stops
// the scan as a whole (invalid parameters, a failing sink), not for corrupt
// input, which the summary reports.
func Run(ctx context.Context, srcs []*Source, opts Options, sink Sink) (*Summary, error) {
	// A scan decodes and drops an item's tree for every item, while what it
	// keeps is bounded (the chunks in flight, the findings listed): twice
	// the default garbage collector target saves a tenth of the CPU for
	// half as much memory again (BENCHMARKS.md). GOGC, when set, wins.
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(gcPercent))
	}
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
	if opts.Spec != nil {
		var notes []string
		rs.refs, notes = collectMLRefs(srcs)
		sum.addNotes(notes)
	}
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
				// The items this chunk's decoder decoded last time are
				// long gone: only strings of them reached the results.
				c.dec.Release()
				if cap(c.out) >= len(c.recs) {
					c.out = c.out[:len(c.recs)]
				} else {
					c.out = make([]Result, len(c.recs))
				}
				for i := range c.recs {
					processSafely(rs, &opts, c, &c.recs[i], &c.out[i])
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
			c.release()
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

// processSafely judges a record, turning a panic (a bug that an input
// found) into a problem of that item rather than the end of the process.
func processSafely(rs *ruleSet, opts *Options, c *chunk, rec *record, out *Result) {
	defer func() {
		if v := recover(); v != nil {
			*out = Result{Pos: rec.pos, Input: rec.input,
				Problem: &Problem{Pos: rec.pos, Err: fmt.Errorf("internal error while judging the item (please report it): %v", v)}}
		}
	}()
	rs.process(opts, c, rec, out)
}

// chunkPool recycles chunks: their buffers are the bulk of a scan's
// memory, and their records and results its most frequent allocations.
var chunkPool = sync.Pool{New: func() any {
	return &chunk{buf: make([]byte, 0, chunkBytes+64<<10), recs: make([]record, 0, chunkItems)}
}}

// release returns a chunk the collector is done with to the pool, holding
// nothing of the results it carried.
func (c *chunk) release() {
	clear(c.recs)
	clear(c.out)
	clear(c.evals)
	clear(c.details)
	c.recs, c.out, c.buf, c.work = c.recs[:0], c.out[:0], c.buf[:0], 0
	c.evals, c.details = c.evals[:0], c.details[:0]
	chunkPool.Put(c)
}

// slots returns room for the n evaluations of one result and their
// details. A result keeps its slices when the slabs grow (they then move,
// not it), so earlier results stay intact.
func (c *chunk) slots(n int) ([]rules.Evaluation, []Detail) {
	if len(c.evals)+n > cap(c.evals) {
		size := max(2*cap(c.evals), 4*chunkItems, n)
		c.evals, c.details = make([]rules.Evaluation, 0, size), make([]Detail, 0, size)
	}
	i := len(c.evals)
	c.evals, c.details = c.evals[:i+n], c.details[:i+n]
	return c.evals[i : i+n : i+n], c.details[i : i+n : i+n]
}

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
	// types interns the resource types of uncovered items.
	types map[string]string
}

// intern returns typ as a string, one allocation per distinct type.
func (p *producer) intern(typ []byte) string {
	if t, ok := p.types[string(typ)]; ok {
		return t
	}
	if p.types == nil || len(p.types) > 10000 {
		p.types = map[string]string{} // a hostile input's endless types stay bounded
	}
	t := string(typ)
	p.types[t] = t
	return t
}

// add appends a record (and its bytes) to the current chunk, sending the
// chunk on when it is full. It reports false when the scan was cancelled.
func (p *producer) add(rec record, data []byte) bool {
	if p.cur == nil {
		p.cur = chunkPool.Get().(*chunk)
		p.cur.seq = p.seq
		p.seq++
	}
	c := p.cur
	if data != nil {
		rec.off, rec.n = len(c.buf), len(data)
		c.buf = append(c.buf, data...)
	}
	c.recs = append(c.recs, rec)
	if rec.uncovered == "" {
		c.work++
	}
	if c.work >= chunkItems || len(c.buf) >= chunkBytes || len(c.recs) >= chunkRecords {
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
	case KindTemplate, KindPlan:
		return p.whole(input, src)
	}
	alive := true
	// where is the position after the last element, where a break in the
	// input is reported.
	where := Position{File: src.Name, Index: -1}
	err := split(newSplitter(src.r), src.Kind, func(array string, el jsonsplit.Element) error {
		pos := Position{File: src.Name, Array: array, Index: el.Index}
		where = Position{File: src.Name, Array: array, Index: el.Index + 1}
		if src.Kind == KindNDJSON {
			line := el.Index + src.lead.lines
			pos = Position{File: src.Name, Line: line, Index: -1}
			where = Position{File: src.Name, Line: line + 1, Index: -1}
		}
		rec := record{pos: pos, input: input}
		switch typ := itemType(&el); {
		case el.Err != nil:
			alive = p.problem(input, pos, el.Err, false)
		case len(el.Data) == 0:
			alive = p.problem(input, pos, errors.New("empty value"), false)
		case typ != nil && !p.rs.covered[string(typ)]:
			rec.uncovered = p.intern(typ)
			alive = p.add(rec, nil)
		case el.Data[0] == '{':
			alive = p.add(rec, el.Data)
		case el.Data[0] == '"' && src.Kind != KindNDJSON:
			rec.quoted = true
			alive = p.add(rec, el.Data)
		default:
			alive = p.problem(input, pos, fmt.Errorf("want a configuration item (a JSON object), got %s",
				jsonfast.Describe(el.Data)), false)
		}
		if !alive {
			return context.Canceled
		}
		return nil
	})
	if !alive || errors.Is(err, context.Canceled) {
		return false
	}
	if err != nil {
		return p.problem(input, where, err, true)
	}
	return true
}

// maxWholeSize bounds an input read whole. CloudFormation accepts 1 MB
// from S3; tools that synthesise templates (CDK, SAM) may produce more
// before packaging, and a Terraform plan of a large configuration runs to
// tens of megabytes, so the bound is generous.
const maxWholeSize = 256 << 20

// whole reads a template or a plan and hands on its resources.
func (p *producer) whole(input int, src *Source) (alive bool) {
	head := Position{File: src.Name, Index: -1}
	defer func() {
		// A bug an input found must not end the process: the input is
		// reported as a problem and the scan goes on.
		if v := recover(); v != nil {
			alive = p.problem(input, head, fmt.Errorf("internal error while reading it (please report it): %v", v), true)
		}
	}()
	data, err := io.ReadAll(io.LimitReader(src.r, maxWholeSize+1))
	if err != nil {
		return p.problem(input, head, fmt.Errorf("read: %w", err), true)
	}
	if len(data) > maxWholeSize {
		return p.problem(input, head, fmt.Errorf("larger than %d bytes", maxWholeSize), true)
	}
	var units []cfnjudge.UnitRecord
	var notes []string
	if src.Kind == KindTemplate {
		units, notes, err = cfnjudge.ReadTemplate(src.Name, append([]byte(src.lead.text()), data...),
			cfnjudge.Coverage{Covered: p.rs.covered, Periodic: p.rs.periodic}, p.rs.judge)
	} else {
		units, notes, err = readPlan(src.Name, data, p.rs)
	}
	if err != nil {
		var se *conformance.SyntaxError
		if errors.As(err, &se) {
			head.Line, head.Column = se.Line, se.Column
			err = fmt.Errorf("parse template: %s", se.Msg)
		}
		return p.problem(input, head, err, true)
	}
	p.tally.addNotes(notes)
	for _, u := range units {
		rec := record{pos: u.Pos, input: input, unit: u.Unit}
		if u.Err != nil {
			rec = record{pos: u.Pos, input: input, problem: &Problem{Pos: u.Pos, Err: u.Err}}
		}
		if !p.add(rec, nil) {
			return false
		}
	}
	return true
}
