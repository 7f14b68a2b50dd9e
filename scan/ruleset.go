package scan

import (
	"fmt"
	"slices"
	"sort"

	"github.com/aiguard/aiguard/internal/cfnjudge"
	"github.com/aiguard/aiguard/orgspec"
	"github.com/aiguard/aiguard/rules"
)

// ruleSet is what the workers need to judge an item.
type ruleSet struct {
	// all are the change-triggered rules of the scan, by ID: the rows of
	// the summary.
	all []*rules.Rule
	// periodic are the periodic rules named with --rule, which cannot run
	// offline.
	periodic []*rules.Rule
	// covered are the types some profile judges; an item of another type
	// is counted without being decoded.
	covered map[string]bool
	// base judges items without --config; with it, template and planned
	// resources (the team of --team or --account-id, else the spec's
	// defaults) and CIs of accounts no team claims.
	base *cfnjudge.Profile
	// byAccount gives the profile of each account a team claims.
	byAccount map[string]*cfnjudge.Profile
	spec      bool
	// refs are the buckets and keys AI resources use, with the spec.
	refs *mlRefs
	// judge says where template and planned resources are judged.
	judge *cfnjudge.Options
}

func newRuleSet(opts *Options) (*ruleSet, error) {
	rs := &ruleSet{covered: map[string]bool{}, byAccount: map[string]*cfnjudge.Profile{}, spec: opts.Spec != nil,
		judge: &cfnjudge.Options{Registry: opts.Registry, TemplateParams: opts.TemplateParams,
			AccountID: opts.AccountID, Region: opts.Region, Now: opts.Now}}
	selected := func(r *rules.Rule) bool { return opts.Rules == nil || slices.Contains(opts.Rules, r) }
	for _, r := range opts.Registry.All() {
		switch {
		case !selected(r):
		case r.Check == nil:
			if opts.Rules != nil {
				rs.periodic = append(rs.periodic, r)
			}
		default:
			rs.all = append(rs.all, r)
		}
	}
	if opts.Spec == nil {
		p, err := rs.profile("", opts, func(r *rules.Rule) (map[string]string, map[string]string, bool) {
			return r.OwnParams(opts.Params), nil, true
		})
		if err != nil {
			return nil, err
		}
		rs.base = p
		return rs, nil
	}
	teams := map[string]*cfnjudge.Profile{}
	for _, t := range opts.Spec.Teams {
		p, err := rs.teamProfile(opts, t)
		if err != nil {
			return nil, err
		}
		teams[t.Name] = p
		for _, a := range t.Accounts {
			rs.byAccount[a] = p
		}
	}
	switch {
	case opts.Team != "":
		p, ok := teams[opts.Team]
		if !ok {
			names := make([]string, 0, len(teams))
			for n := range teams {
				names = append(names, n)
			}
			sort.Strings(names)
			return nil, fmt.Errorf("team %q is not in the organization spec (its teams: %v)", opts.Team, names)
		}
		rs.base = p
	case rs.byAccount[opts.AccountID] != nil:
		rs.base = rs.byAccount[opts.AccountID]
	default:
		p, err := rs.teamProfile(opts, &orgspec.Team{Name: defaultsTeam, Settings: opts.Spec.Defaults.Settings})
		if err != nil {
			return nil, err
		}
		rs.base = p
	}
	return rs, nil
}

// defaultsTeam names the profile of the spec's defaults, which judges what
// no team claims.
const defaultsTeam = "(defaults)"

// teamProfile configures the rules as they run for a team: only those it
// enables, with its parameters and active exceptions.
func (rs *ruleSet) teamProfile(opts *Options, t *orgspec.Team) (*cfnjudge.Profile, error) {
	set, err := opts.Spec.EffectiveRules(t)
	if err != nil {
		return nil, err
	}
	byID := map[string]orgspec.EffectiveRule{}
	for _, er := range set {
		byID[er.Rule.ID] = er
	}
	return rs.profile(t.Name, opts, func(r *rules.Rule) (map[string]string, map[string]string, bool) {
		er, ok := byID[r.ID]
		if !ok || !er.Enabled {
			return nil, nil, false
		}
		reasons := map[string]string{}
		for _, e := range er.Exceptions {
			for _, id := range e.Resources {
				reasons[id] = e.Reason
			}
		}
		return er.RuleParameters(), reasons, true
	})
}

// profile configures every rule of the scan with the parameters params
// gives it; a rule params leaves out does not run.
func (rs *ruleSet) profile(team string, opts *Options,
	params func(*rules.Rule) (raw, reasons map[string]string, run bool)) (*cfnjudge.Profile, error) {
	p, err := cfnjudge.NewProfile(team, rs.all, opts.SkipRules, params)
	if err != nil {
		return nil, err
	}
	for t := range p.ByType {
		rs.covered[t] = true
	}
	return p, nil
}

// forAccount returns the profile that judges a CI of the account.
func (rs *ruleSet) forAccount(account string) *cfnjudge.Profile {
	if p := rs.byAccount[account]; p != nil {
		return p
	}
	return rs.base
}
