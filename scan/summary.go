package scan

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/aiguard/aiguard/rules"
)

// maxProblems bounds the problems a Summary lists (all are counted).
const maxProblems = 1000

// Summary is what a scan found, for the reports and the exit code.
type Summary struct {
	Inputs []InputSummary
	// CIs is the number of items (CIs, template and planned resources)
	// read.
	CIs int
	// Evaluated counts the items some rule of the scan judged.
	Evaluated int
	// Uncovered counts items of types no rule in the scan covers.
	Uncovered int
	// Skipped counts items skipped as corrupt, plus one for each input
	// whose remainder was lost.
	Skipped int
	// Problems lists the first skipped items, in input order.
	Problems []Problem
	// Rules holds a count per change-triggered rule of the scan, by ID.
	Rules []RuleCount
	// Accounts holds a count per account, sorted.
	Accounts []AccountCount
	// NonCompliant lists the non-compliant findings that are not
	// suppressed, most severe first, at most Options.MaxListed per rule;
	// Omitted counts the rest per rule.
	NonCompliant []Finding
	Omitted      map[string]int
	// Suppressed lists the suppressed findings (exempted, skipped in a
	// template's metadata or with --skip-rule), at most Options.MaxListed.
	Suppressed []Finding
	// Notes are things a reader should know: rules that could not run,
	// template resources no rule covers, inputs left out.
	Notes []string
	// Worst is the highest severity among the non-compliant findings that
	// are not suppressed, or "".
	Worst rules.Severity
}

// NonCompliantAt counts the non-compliant findings that are not
// suppressed, listed or omitted, whose rule's severity fails reports:
// what decides a scan's exit status (--fail-on).
func (s *Summary) NonCompliantAt(fails func(rules.Severity) bool) int {
	n := 0
	for _, f := range s.NonCompliant {
		if fails(f.Rule.Severity) {
			n++
		}
	}
	for _, r := range s.Rules {
		if fails(r.Rule.Severity) {
			n += s.Omitted[r.Rule.ID]
		}
	}
	return n
}

// InputSummary describes one input.
type InputSummary struct {
	Name    string
	Kind    Kind
	Gzip    bool
	CIs     int
	Skipped int
}

// Counts are evaluations by compliance; a suppressed evaluation counts as
// Suppressed only.
type Counts struct {
	Compliant, NonCompliant, NotApplicable, Suppressed int
}

// Total is the number of evaluations.
func (c Counts) Total() int { return c.Compliant + c.NonCompliant + c.NotApplicable + c.Suppressed }

func (c *Counts) add(comp rules.Compliance, suppressed bool) {
	switch {
	case suppressed:
		c.Suppressed++
	case comp == rules.Compliant:
		c.Compliant++
	case comp == rules.NonCompliant:
		c.NonCompliant++
	default:
		c.NotApplicable++
	}
}

// RuleCount is the evaluations of one rule.
type RuleCount struct {
	Rule *rules.Rule
	Counts
}

// AccountCount is the evaluations in one account ("" for resources with no
// account, such as template resources scanned without --account-id).
type AccountCount struct {
	AccountID string
	Counts
}

// Finding is one non-compliant evaluation.
type Finding struct {
	Rule       *rules.Rule
	Resource   Identity
	Annotation string
	// Pos is where the resource, or the property that decided, is.
	Pos        Position
	Suppressed *Suppression
}

// SeverityRank orders severities: higher is more severe, 0 for unknown.
func SeverityRank(s rules.Severity) int {
	switch s {
	case rules.SeverityInformational:
		return 1
	case rules.SeverityLow:
		return 2
	case rules.SeverityMedium:
		return 3
	case rules.SeverityHigh:
		return 4
	case rules.SeverityCritical:
		return 5
	}
	return 0
}

// tally builds the Summary as results arrive (on the collector goroutine).
type tally struct {
	s        Summary
	rules    map[string]*RuleCount
	accounts map[string]*AccountCount
	listed   map[string]int
	max      int
	reg      *rules.Registry

	mu       sync.Mutex
	tplNotes []string // notes from templates and plans, added by the reader
}

func newTally(srcs []*Source, rs *ruleSet, opts *Options) *tally {
	t := &tally{
		rules:    map[string]*RuleCount{},
		accounts: map[string]*AccountCount{},
		listed:   map[string]int{},
		max:      opts.MaxListed,
		reg:      opts.Registry,
	}
	t.s.Omitted = map[string]int{}
	for _, src := range srcs {
		t.s.Inputs = append(t.s.Inputs, InputSummary{Name: src.Name, Kind: src.Kind, Gzip: src.Gzip})
	}
	for _, r := range rs.all {
		t.s.Rules = append(t.s.Rules, RuleCount{Rule: r})
	}
	for i := range t.s.Rules {
		t.rules[t.s.Rules[i].Rule.ID] = &t.s.Rules[i]
	}
	if len(rs.periodic) > 0 {
		// Only periodic rules named with --rule are listed: a scan of
		// every rule need not say each time what it cannot do offline.
		ids := make([]string, len(rs.periodic))
		for i, r := range rs.periodic {
			ids[i] = r.ID
		}
		t.s.Notes = append(t.s.Notes, fmt.Sprintf("periodic rules call service APIs and cannot run offline; skipped: %s",
			strings.Join(ids, ", ")))
	}
	return t
}

// addNotes records a reader's notes; it runs on the reader goroutine.
func (t *tally) addNotes(notes []string) {
	t.mu.Lock()
	t.tplNotes = append(t.tplNotes, notes...)
	t.mu.Unlock()
}

func (t *tally) add(r *Result) {
	in := &t.s.Inputs[r.Input]
	if r.Problem != nil {
		t.s.Skipped++
		in.Skipped++
		if len(t.s.Problems) < maxProblems {
			t.s.Problems = append(t.s.Problems, *r.Problem)
		}
		return
	}
	t.s.CIs++
	in.CIs++
	if len(r.Evaluations) == 0 {
		t.s.Uncovered++
		return
	}
	t.s.Evaluated++
	acct := t.accounts[r.Resource.AccountID]
	if acct == nil {
		acct = &AccountCount{AccountID: r.Resource.AccountID}
		t.accounts[r.Resource.AccountID] = acct
	}
	for i, ev := range r.Evaluations {
		rc := t.rules[ev.RuleID]
		if rc == nil {
			continue
		}
		d := r.Details[i]
		rc.add(ev.Compliance, d.Suppressed != nil)
		acct.add(ev.Compliance, d.Suppressed != nil)
		if d.Suppressed != nil {
			if len(t.s.Suppressed) < t.max {
				t.s.Suppressed = append(t.s.Suppressed, Finding{Rule: rc.Rule, Resource: r.Resource,
					Annotation: ev.Annotation, Pos: d.Where, Suppressed: d.Suppressed})
			}
			continue
		}
		if ev.Compliance != rules.NonCompliant {
			continue
		}
		if SeverityRank(rc.Rule.Severity) > SeverityRank(t.s.Worst) {
			t.s.Worst = rc.Rule.Severity
		}
		if t.listed[ev.RuleID] >= t.max {
			t.s.Omitted[ev.RuleID]++
			continue
		}
		t.listed[ev.RuleID]++
		t.s.NonCompliant = append(t.s.NonCompliant, Finding{Rule: rc.Rule, Resource: r.Resource, Annotation: ev.Annotation, Pos: d.Where})
	}
}

func (t *tally) summary() *Summary {
	t.mu.Lock()
	t.s.Notes = append(t.s.Notes, t.tplNotes...)
	t.mu.Unlock()
	for _, a := range t.accounts {
		t.s.Accounts = append(t.s.Accounts, *a)
	}
	sort.Slice(t.s.Accounts, func(i, j int) bool { return t.s.Accounts[i].AccountID < t.s.Accounts[j].AccountID })
	sort.SliceStable(t.s.NonCompliant, func(i, j int) bool {
		a, b := t.s.NonCompliant[i], t.s.NonCompliant[j]
		if ra, rb := SeverityRank(a.Rule.Severity), SeverityRank(b.Rule.Severity); ra != rb {
			return ra > rb
		}
		if a.Rule.ID != b.Rule.ID {
			return a.Rule.ID < b.Rule.ID
		}
		if a.Resource.AccountID != b.Resource.AccountID {
			return a.Resource.AccountID < b.Resource.AccountID
		}
		if a.Resource.Region != b.Resource.Region {
			return a.Resource.Region < b.Resource.Region
		}
		if a.Resource.Type != b.Resource.Type {
			return a.Resource.Type < b.Resource.Type
		}
		return a.Resource.ID < b.Resource.ID
	})
	return &t.s
}
