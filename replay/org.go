package replay

import (
	"maps"
	"strings"

	"github.com/aiguard/aiguard/iameval"
	"github.com/aiguard/aiguard/orgspec"
	"github.com/aiguard/aiguard/policygen"
)

// Org is an organization spec's generated policies, compiled for the
// evaluator: what aiguard simulate decides requests and replays CloudTrail
// records against before the policies are attached.
type Org struct {
	spec *orgspec.Spec
	pol  *policygen.Policies
	eval *iameval.Evaluator
}

// NewOrg generates the spec's policies in memory and compiles them; eval
// decides against them.
func NewOrg(spec *orgspec.Spec, eval *iameval.Evaluator) (*Org, error) {
	arts, err := policygen.Generate(spec)
	if err != nil {
		return nil, err
	}
	pol, err := policygen.CompilePolicies(arts)
	if err != nil {
		return nil, err
	}
	return &Org{spec: spec, pol: pol, eval: eval}, nil
}

// Decide decides a request against its team's policies (the root's SCPs
// only without a team; the team's boundary when the request asks). A
// team's request gets the condition keys the spec implies for its
// principal that it does not set (the organization path, which the team
// statements placed at the root test).
func (o *Org) Decide(c iameval.Case) (iameval.Decision, error) {
	r := c.Request()
	if c.Team != "" {
		if implied := o.implied(c.Team, c.Principal); len(implied) > 0 {
			// The context is the case's: add to a copy.
			ctx := make(map[string][]string, len(r.Context)+len(implied))
			maps.Copy(ctx, r.Context)
			addImplied(ctx, implied)
			r.Context = ctx
		}
	}
	set, err := o.pol.Set(c.Team, c.Boundary)
	if err != nil {
		return iameval.Decision{}, err
	}
	return o.eval.Decide(r, set)
}

// Replayer returns a Replayer of records against the policies: a record's
// team is the one the spec gives its account, or accounts' (account ID to
// team, for accounts the spec reaches only through an organizational unit).
func (o *Org) Replayer(accounts map[string]string) *Replayer {
	teams := map[string]string{}
	for _, t := range o.spec.Teams {
		for _, a := range t.Accounts {
			teams[a] = t.Name
		}
	}
	maps.Copy(teams, accounts)
	return &Replayer{Eval: o.eval, Management: o.spec.Organization.ManagementAccount,
		TeamOf:  func(a string) (string, bool) { t, ok := teams[a]; return t, ok },
		SetFor:  func(team string) (iameval.Set, error) { return o.pol.Set(team, false) },
		Implied: o.implied}
}

// implied returns the condition keys the spec implies for a principal (an
// ARN or an account ID) of the team.
func (o *Org) implied(team, principal string) map[string][]string {
	return policygen.ImpliedContext(o.spec, team, principal)
}

// addImplied adds to ctx the implied keys it does not set (keys compared
// without regard to case, as IAM does).
func addImplied(ctx, implied map[string][]string) {
	for k, v := range implied {
		set := false
		for have := range ctx {
			if strings.EqualFold(have, k) {
				set = true
				break
			}
		}
		if !set {
			ctx[k] = v
		}
	}
}
