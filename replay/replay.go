package replay

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/aiguard/aiguard/cloudtrail"
	"github.com/aiguard/aiguard/iameval"
)

// Replayer decides records against the policies of the team that owns
// each record's account, and keeps the calls that would be denied.
type Replayer struct {
	Eval *iameval.Evaluator
	// TeamOf returns the team that owns an account.
	TeamOf func(account string) (team string, ok bool)
	// SetFor returns the policies that decide a team's requests.
	SetFor func(team string) (iameval.Set, error)
	// Implied, when set, returns condition keys the spec knows for the
	// principals of a team's account that CloudTrail does not record (the
	// account's organization path); a request gets those it does not set.
	Implied func(team, account string) map[string][]string
	// Management is the management account, which SCPs do not affect.
	Management string

	report  Report
	groups  map[groupKey]*Call
	sets    map[string]iameval.Set
	implied map[[2]string]map[string][]string
}

// Call is the calls of one principal to one action that the policies
// would deny (or may deny), decided by the same statement.
type Call struct {
	Team      string `json:"team"`
	Principal string `json:"principal"`
	Action    string `json:"action"`
	// Decision is "deny", or "may deny" when it depends on keys the
	// records do not show, UnknownKeys.
	Decision    string    `json:"decision"`
	DeniedBy    string    `json:"deniedBy"`
	UnknownKeys []string  `json:"unknownKeys,omitempty"`
	Count       int       `json:"count"`
	FirstSeen   time.Time `json:"firstSeen"`
	LastSeen    time.Time `json:"lastSeen"`
	// EventIDs are the first few records' eventID.
	EventIDs []string `json:"eventIds"`
}

// maxEventIDs bounds the event IDs a Call keeps.
const maxEventIDs = 5

type groupKey struct {
	team, principal, action, decision, deniedBy, unknown string
}

// Report sums up a replay.
type Report struct {
	// Records counts the records given; Replayed those decided.
	Records  int `json:"records"`
	Replayed int `json:"replayed"`
	Allowed  int `json:"allowed"`
	Denied   int `json:"denied"`
	MayDeny  int `json:"mayDeny"`
	// Skipped counts the records not replayed, by reason.
	Skipped map[string]int `json:"skipped"`
	// Calls are the calls that would be denied, certain denials first,
	// then by count.
	Calls []Call `json:"calls"`
}

// Add decides one record.
func (rp *Replayer) Add(r *cloudtrail.Record) {
	rp.report.Records++
	skip := func(reason string) {
		if rp.report.Skipped == nil {
			rp.report.Skipped = map[string]int{}
		}
		rp.report.Skipped[reason]++
	}
	account := r.Account()
	if account != "" && account == rp.Management {
		skip(SkipManagement)
		return
	}
	team, ok := rp.TeamOf(account)
	if !ok {
		skip(SkipNotTeam)
		return
	}
	req, why := Request(r)
	if why != "" {
		skip(why)
		return
	}
	addImplied(req.Context, rp.impliedKeys(team, account))
	set, err := rp.set(team)
	if err != nil {
		skip(err.Error())
		return
	}
	d, err := rp.Eval.Decide(req, set)
	if err != nil {
		skip("not a request: " + err.Error())
		return
	}
	rp.report.Replayed++
	if !d.Denied() {
		rp.report.Allowed++
		return
	}
	decision := Verdict(d)
	if d.Uncertain {
		rp.report.MayDeny++
	} else {
		rp.report.Denied++
	}
	k := groupKey{team, r.Principal(), req.Action, decision, d.DeniedBy(), strings.Join(d.Unknown, ",")}
	if rp.groups == nil {
		rp.groups = map[groupKey]*Call{}
	}
	c := rp.groups[k]
	if c == nil {
		c = &Call{Team: team, Principal: strings.Clone(k.principal), Action: req.Action, Decision: decision,
			DeniedBy: d.DeniedBy(), UnknownKeys: d.Unknown, FirstSeen: r.EventTime, LastSeen: r.EventTime}
		rp.groups[k] = c
	}
	c.Count++
	if r.EventTime.Before(c.FirstSeen) {
		c.FirstSeen = r.EventTime
	}
	if r.EventTime.After(c.LastSeen) {
		c.LastSeen = r.EventTime
	}
	if len(c.EventIDs) < maxEventIDs && r.EventID != "" {
		c.EventIDs = append(c.EventIDs, strings.Clone(r.EventID))
	}
}

// Verdict names a decision as the reports do: "allow", "deny", or "may
// deny" when it depends on keys the request leaves unknown.
func Verdict(d iameval.Decision) string {
	switch {
	case !d.Denied():
		return "allow"
	case d.Uncertain:
		return "may deny"
	}
	return "deny"
}

func (rp *Replayer) set(team string) (iameval.Set, error) {
	if s, ok := rp.sets[team]; ok {
		return s, nil
	}
	s, err := rp.SetFor(team)
	if err != nil {
		return s, err
	}
	if rp.sets == nil {
		rp.sets = map[string]iameval.Set{}
	}
	rp.sets[team] = s
	return s, nil
}

// impliedKeys returns Implied's keys of a team's account, asked once.
func (rp *Replayer) impliedKeys(team, account string) map[string][]string {
	if rp.Implied == nil {
		return nil
	}
	k := [2]string{team, account}
	v, ok := rp.implied[k]
	if !ok {
		v = rp.Implied(team, account)
		if rp.implied == nil {
			rp.implied = map[[2]string]map[string][]string{}
		}
		rp.implied[k] = v
	}
	return v
}

// Report returns the replay's report.
func (rp *Replayer) Report() Report {
	out := rp.report
	if out.Skipped == nil {
		out.Skipped = map[string]int{}
	}
	out.Calls = []Call{}
	for _, c := range rp.groups {
		out.Calls = append(out.Calls, *c)
	}
	slices.SortFunc(out.Calls, func(a, b Call) int {
		return cmp.Or(cmp.Compare(a.Decision, b.Decision), cmp.Compare(b.Count, a.Count), cmp.Compare(a.Team, b.Team),
			cmp.Compare(a.Principal, b.Principal), cmp.Compare(a.Action, b.Action), cmp.Compare(a.DeniedBy, b.DeniedBy),
			cmp.Compare(strings.Join(a.UnknownKeys, ","), strings.Join(b.UnknownKeys, ",")))
	})
	return out
}
