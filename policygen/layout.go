package policygen

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/aiguard/aiguard/orgspec"
)

// layout is where every SCP statement of a spec goes: the organization's
// statements at the root; each team's posture, and the counterparts that
// fit, in the team's SCPs; the counterparts that do not, at the root,
// scoped to the team's principals, while the root has room (rootscope.go).
// Build writes it and the attacker's matrix asks what it holds.
type layout struct {
	spec             *orgspec.Spec
	l                *lists
	maxChars, maxPer int
	// teams are the teams' planned policies, in spec order.
	teams  []*teamPolicy
	root   *rootPlan
	placed []Placement
	// errs are the spec's problems the layout found: an organization
	// whose SCPs need more policies than the root takes, a team's
	// settings; orgErr an organization statement too large for any SCP.
	errs   []error
	orgErr error
}

func newLayout(spec *orgspec.Spec, l *lists) *layout {
	lim := spec.Organization.Limits
	lay := &layout{spec: spec, l: l, maxChars: cmp.Or(lim.SCPMaxChars, DefaultSCPMaxChars),
		maxPer: cmp.Or(lim.SCPMaxPerTarget, DefaultSCPMaxPerTarget)}
	base := organizationStatements(spec, l)
	baseDocs, err := pack(base, lay.maxChars)
	if err != nil {
		lay.orgErr = fmt.Errorf("policygen: organization SCPs: %w", err)
	}
	if len(baseDocs)+1 > lay.maxPer {
		lay.errs = append(lay.errs, fmt.Errorf("policygen: the organization's SCPs need %d policies at the root, but scpMaxPerTarget %d "+
			"leaves room for %d next to FullAWSAccess; shorten the break-glass role list or raise the limits",
			len(baseDocs), lay.maxPer, lay.maxPer-1))
	}
	// The root's room: what FullAWSAccess and the SCPs of a team that
	// owns the root leave.
	room := lay.maxPer - 1
	for _, team := range spec.Teams {
		if team == nil {
			continue
		}
		tp := newTeamPolicy(spec, team, l)
		if err := tp.checkUncontrolled(); err != nil {
			lay.errs = append(lay.errs, fmt.Errorf("policygen: team %s: %w", team.Name, err))
			continue
		}
		tp.plan(len(baseDocs))
		if ownsRoot(team) {
			if docs, err := pack(tp.scpStatements(), lay.maxChars); err == nil {
				room -= len(docs)
			}
		}
		lay.teams = append(lay.teams, tp)
	}
	lay.root = &rootPlan{base: base, docs: baseDocs}
	if err == nil {
		lay.placed = placeAtRoot(spec, lay.root, lay.byName(), lay.maxChars, room)
	}
	return lay
}

// byName returns the teams sorted by name: where the order of teams
// decides something (which goes to the root first, which team proves a
// scope), the name decides it, so that the output does not depend on the
// order of the spec.
func (lay *layout) byName() []*teamPolicy {
	return slices.SortedFunc(slices.Values(lay.teams), func(a, b *teamPolicy) int { return cmp.Compare(a.team.Name, b.team.Name) })
}
