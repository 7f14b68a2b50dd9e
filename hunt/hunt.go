// Package hunt runs the detection catalog over CloudTrail files offline:
// the engine behind `aiguard hunt`.
//
// Inputs are read one after another with package cloudtrail (streaming,
// bounded memory); a record is decoded only as far as its event source and
// name unless a detection looks at that event. Matched events ("hits") go
// through a reorder buffer that releases them in event-time order once no
// earlier event can still arrive (a watermark MaxDelay behind the latest
// event time seen), so that windows are counted in event-time order across
// file boundaries. Log files named as CloudTrail names them
// (ACCOUNT_CloudTrail_REGION_YYYYMMDDTHHMMZ_...) are read in the order of
// that time, whatever directory they sit in; a hit that arrives later than
// MaxDelay is still counted, and the result says how many did.
//
// Single-event detections turn each hit into a finding; hits of the same
// detection, account, Region and principal less than MergeGap apart share
// one finding. Rate detections count hits per principal (or account) in a
// sliding window and report a finding when Threshold hits fall within
// Window; the finding grows while hits keep coming within Window of the
// last one.
package hunt

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"runtime/debug"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aiguard/aiguard/awsid"
	"github.com/aiguard/aiguard/cloudtrail"
	"github.com/aiguard/aiguard/detections"
)

// MergeGap is how far apart two hits of a single-event detection by the
// same principal may be and still share a finding.
const MergeGap = time.Hour

// gcPercent is the garbage collector's target during a hunt.
const gcPercent = 800

// DefaultMaxDelay is how far behind the latest event time an event may
// arrive and still be put in order: CloudTrail delivers a log file within
// minutes of its events, and files are read in delivery order.
const DefaultMaxDelay = time.Hour

// Options configure a hunt.
type Options struct {
	Registry *detections.Registry
	// Config enables and tunes the detections (nil: the catalog defaults).
	Config *detections.Config
	// IDs restricts the hunt to these detections.
	IDs []string
	// MaxDelay is the reorder horizon (DefaultMaxDelay when zero).
	MaxDelay time.Duration
	// Progress, when set, is updated as the hunt reads.
	Progress *Progress
	// Stdin is read for the input "-".
	Stdin io.Reader
}

// Progress counts what a hunt has read so far; a progress display reads it
// from another goroutine.
type Progress struct {
	Bytes   atomic.Int64 // of the inputs, as on disk
	Records atomic.Int64
}

// Result is what a hunt found and read.
type Result struct {
	// Findings are sorted by detection, account, principal and first event.
	Findings []*detections.Finding
	// Files is the number of inputs read.
	Files int
	// Records is the number of records read; Matched of them were looked at
	// by a detection (the rest were passed over by event source and name).
	Records, Matched int64
	// Skipped counts the records skipped as malformed and the inputs that
	// broke before their end; Problems describes the first of them.
	Skipped  int
	Problems []*cloudtrail.Problem
	// Late counts hits that arrived more than MaxDelay out of order.
	Late int
	// Active lists the detections that ran; NotRun those that could not,
	// with why.
	Active []*detections.Detection
	NotRun []detections.SkippedDetection
	// Notes are inputs passed over (found in a directory but not
	// CloudTrail), inputs that held no records, and other things a reader
	// of the results should know.
	Notes []string
}

// Run hunts through the inputs. An input that cannot be opened or is not
// CloudTrail is an error (one found by walking a directory is a note
// instead); one in CloudTrail's format that holds no records is a note;
// malformed records and broken inputs are counted in the Result, never
// fatal.
func Run(ctx context.Context, inputs []cloudtrail.Input, opts Options) (*Result, error) {
	// A hunt decodes and drops a record per event, while what it keeps is
	// small (windows, findings): a higher GC target than the default saves
	// a fifth of the CPU for a few tens of megabytes.
	defer debug.SetGCPercent(debug.SetGCPercent(gcPercent))
	m, err := detections.NewMatcher(opts.Registry, opts.Config, opts.IDs...)
	if err != nil {
		return nil, fmt.Errorf("detections configuration: %w", err)
	}
	e := newEngine(m, opts)
	res := &Result{Active: m.Active(), NotRun: m.Skipped}
	for _, in := range orderInputs(inputs) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := e.readInput(in, res); err != nil {
			return nil, err
		}
	}
	e.flush()
	res.Findings = e.findings()
	res.Late = e.late
	return res, nil
}

func (e *engine) readInput(in cloudtrail.Input, res *Result) error {
	r, err := cloudtrail.Open(in.Path, e.opts.Stdin)
	if err != nil {
		if in.Found && errors.Is(err, cloudtrail.ErrUnrecognized) {
			res.Notes = append(res.Notes, fmt.Sprintf("%v; passed over", err))
			return nil
		}
		return err
	}
	defer r.Close()
	res.Files++
	r.Filter = e.m.Wants
	r.Borrow = true // record clones what it keeps
	var lastBytes int64
	for {
		rec, err := r.Next()
		if p := e.opts.Progress; p != nil {
			b := r.BytesRead()
			p.Bytes.Add(b - lastBytes)
			lastBytes = b
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			break // a break in the input: counted as skipped by the reader
		}
		e.record(rec, r.Position())
	}
	n := int64(r.Records() + r.Filtered())
	res.Records += n
	res.Matched += int64(r.Records())
	if p := e.opts.Progress; p != nil {
		p.Records.Add(n)
	}
	res.Skipped += r.Skipped()
	if n == 0 && r.Skipped() == 0 {
		// Most likely the wrong file (or an export of a quiet window): say
		// which, as the totals alone do not.
		name := in.Path
		if name == "-" {
			name = "standard input"
		}
		res.Notes = append(res.Notes, name+" held no CloudTrail records")
	}
	for _, p := range r.Problems() {
		if len(res.Problems) < cloudtrail.MaxProblems {
			res.Problems = append(res.Problems, p)
		}
	}
	return nil
}

// logFileTime matches the time in a CloudTrail log file's name:
// 111122223333_CloudTrail_us-east-1_20240520T1015Z_abcd.json.gz.
var logFileTime = regexp.MustCompile(`_CloudTrail_` + awsid.RegionPattern + `_(?P<time>[0-9]{8}T[0-9]{4}Z)_`)

// orderInputs puts log files named as CloudTrail names them in the order
// of their delivery time (a trail's S3 layout lists them account by
// account and Region by Region); other inputs keep their place relative to
// each other, after the log files.
func orderInputs(in []cloudtrail.Input) []cloudtrail.Input {
	type keyed struct {
		in  cloudtrail.Input
		key string
		i   int
	}
	var timed, other []keyed
	for i, x := range in {
		if m := logFileTime.FindStringSubmatch(x.Path); m != nil {
			timed = append(timed, keyed{x, m[logFileTime.SubexpIndex("time")], i})
		} else {
			other = append(other, keyed{x, "", i})
		}
	}
	sort.SliceStable(timed, func(a, b int) bool { return timed[a].key < timed[b].key })
	out := make([]cloudtrail.Input, 0, len(in))
	for _, k := range append(timed, other...) {
		out = append(out, k.in)
	}
	return out
}

// hit is a matched event waiting in the reorder buffer: what the windows
// and findings need, copied out of the record.
type hit struct {
	t         time.Time
	id        string
	seq       uint64 // arrival order, the last tie-breaker
	det       *detections.Detection
	name      string
	account   string
	region    string
	principal string
	team      string
	reason    string
	pos       cloudtrail.Position
}

type hitHeap []*hit

func (h hitHeap) Len() int { return len(h) }
func (h hitHeap) Less(i, j int) bool {
	a, b := h[i], h[j]
	if !a.t.Equal(b.t) {
		return a.t.Before(b.t)
	}
	if a.id != b.id {
		return a.id < b.id
	}
	if a.det.ID != b.det.ID {
		return a.det.ID < b.det.ID
	}
	return a.seq < b.seq
}
func (h hitHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *hitHeap) Push(x any)   { *h = append(*h, x.(*hit)) }
func (h *hitHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return x
}

type engine struct {
	m        *detections.Matcher
	cfg      *detections.Config
	opts     Options
	maxDelay time.Duration
	pending  hitHeap
	latest   time.Time // the latest event time seen
	released time.Time // the time of the last hit released
	seq      uint64
	late     int

	groups map[groupKey]*detections.Finding // open findings of single-event detections
	rates  map[groupKey]*rateState
	done   []*detections.Finding
	sweep  int
}

type groupKey struct {
	det                        string
	account, region, principal string
}

func newEngine(m *detections.Matcher, opts Options) *engine {
	d := opts.MaxDelay
	if d <= 0 {
		d = DefaultMaxDelay
	}
	return &engine{
		m: m, cfg: m.Config(), opts: opts, maxDelay: d,
		groups: map[groupKey]*detections.Finding{}, rates: map[groupKey]*rateState{},
	}
}

// record matches one record and queues its hits. The reader lends the
// record (cloudtrail.Reader.Borrow): what a hit keeps of it is cloned.
func (e *engine) record(r *cloudtrail.Record, pos cloudtrail.Position) {
	for _, h := range e.m.Match(r) {
		e.seq++
		x := &hit{
			t: r.EventTime, id: strings.Clone(r.EventID), seq: e.seq, det: h.Detection,
			name: strings.Clone(r.EventName), account: strings.Clone(r.Account()), region: strings.Clone(r.AWSRegion),
			principal: strings.Clone(r.Principal()), team: strings.Clone(h.Team), reason: strings.Clone(h.Reason), pos: pos,
		}
		if !e.released.IsZero() && x.t.Before(e.released) {
			e.late++
		}
		heap.Push(&e.pending, x)
	}
	if r.EventTime.After(e.latest) {
		e.latest = r.EventTime
	}
	watermark := e.latest.Add(-e.maxDelay)
	for len(e.pending) > 0 && !e.pending[0].t.After(watermark) {
		e.release(heap.Pop(&e.pending).(*hit))
	}
}

// flush releases every pending hit and closes the open findings.
func (e *engine) flush() {
	for len(e.pending) > 0 {
		e.release(heap.Pop(&e.pending).(*hit))
	}
	for _, f := range e.groups {
		e.done = append(e.done, f)
	}
	for _, s := range e.rates {
		if s.open != nil {
			e.done = append(e.done, s.open)
		}
	}
	e.groups, e.rates = nil, nil
}

// release feeds one hit, in event-time order, to its detection's state.
func (e *engine) release(h *hit) {
	if h.t.After(e.released) {
		e.released = h.t
	}
	if h.det.SingleEvent() {
		k := groupKey{h.det.ID, h.account, h.region, h.principal}
		if f := e.groups[k]; f != nil {
			if h.t.Sub(f.LastSeen) <= MergeGap {
				f.AddEvent(h.id, h.name, h.t)
				return
			}
			e.done = append(e.done, f)
		}
		e.groups[k] = e.newFinding(h)
	} else {
		e.rate(h)
	}
	if e.sweep++; e.sweep >= 4096 {
		e.sweep = 0
		e.closeIdle()
	}
}

func (e *engine) newFinding(h *hit) *detections.Finding {
	d := h.det
	f := &detections.Finding{
		DetectionID: d.ID, Title: d.Title, Severity: string(d.Severity), AccountID: h.account, AWSRegion: h.region,
		Principal: h.principal, FirstSeen: h.t, LastSeen: h.t, Team: h.team, Technique: d.Technique.ID, Reason: h.reason,
		Source: h.pos,
	}
	f.AddEvent(h.id, h.name, h.t)
	return f
}

// rateState is the sliding window of one key of a rate detection: the
// latest Threshold hits (a ring), and the finding a burst opened.
type rateState struct {
	ring []*hit
	next int // where the next hit goes once the ring is full
	open *detections.Finding
	last time.Time
}

func (e *engine) rate(h *hit) {
	s := e.cfg.Setting(h.det)
	window := time.Duration(s.Window)
	k := groupKey{det: h.det.ID, account: h.account, principal: h.principal}
	if s.By == detections.KeyAccount {
		k.principal = ""
	}
	st := e.rates[k]
	if st == nil {
		st = &rateState{}
		e.rates[k] = st
	}
	st.last = h.t
	if st.open != nil {
		if h.t.Sub(st.open.LastSeen) <= window {
			st.open.AddEvent(h.id, h.name, h.t)
			st.push(h, s.Threshold)
			return
		}
		e.done = append(e.done, st.open)
		st.open = nil
	}
	st.push(h, s.Threshold)
	if len(st.ring) < s.Threshold {
		return
	}
	oldest := st.ring[st.next%len(st.ring)]
	if h.t.Sub(oldest.t) > window {
		return
	}
	// A burst: the ring holds Threshold hits within the window.
	burst := make([]*hit, 0, len(st.ring))
	burst = append(burst, st.ring[st.next%len(st.ring):]...)
	burst = append(burst, st.ring[:st.next%len(st.ring)]...)
	f := e.newFinding(burst[0])
	for _, b := range burst[1:] {
		f.AddEvent(b.id, b.name, b.t)
	}
	if s.By == detections.KeyAccount {
		f.Principal = ""
	}
	who := h.principal
	if s.By == detections.KeyAccount {
		who = "account " + h.account
	}
	f.Reason = fmt.Sprintf("%d %s by %s within %s (threshold %d in %s)", f.EventCount, strings.Join(f.EventNames, "/"),
		who, detections.FormatDuration(f.LastSeen.Sub(f.FirstSeen)), s.Threshold, detections.FormatDuration(window))
	st.open = f
}

// push adds a hit to the ring of the latest threshold hits.
func (st *rateState) push(h *hit, threshold int) {
	if len(st.ring) < threshold {
		st.ring = append(st.ring, h)
		st.next = len(st.ring) % threshold
		return
	}
	st.ring[st.next] = h
	st.next = (st.next + 1) % threshold
}

// closeIdle closes findings and drops window state that no later hit can
// extend, to bound memory by the principals active in the last window.
func (e *engine) closeIdle() {
	now := e.released
	for k, f := range e.groups {
		if now.Sub(f.LastSeen) > MergeGap {
			e.done = append(e.done, f)
			delete(e.groups, k)
		}
	}
	for k, st := range e.rates {
		d, _ := e.opts.Registry.Get(k.det)
		if d == nil || now.Sub(st.last) > time.Duration(e.cfg.Setting(d).Window) {
			if st.open != nil {
				e.done = append(e.done, st.open)
			}
			delete(e.rates, k)
		}
	}
}

// findings returns the findings in a stable order.
func (e *engine) findings() []*detections.Finding {
	out := e.done
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		switch {
		case a.DetectionID != b.DetectionID:
			return a.DetectionID < b.DetectionID
		case a.AccountID != b.AccountID:
			return a.AccountID < b.AccountID
		case a.Principal != b.Principal:
			return a.Principal < b.Principal
		case !a.FirstSeen.Equal(b.FirstSeen):
			return a.FirstSeen.Before(b.FirstSeen)
		}
		return a.AWSRegion < b.AWSRegion
	})
	return out
}
