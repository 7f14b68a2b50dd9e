package policygen

import (
	"slices"
	"strings"

	"github.com/aiguard/aiguard/iameval"
)

// The attacker's matrix of the team statements placed at the root
// (rootscope.go). A team's own rows ask for them as for any counterpart:
// its insecure requests must be denied, now by the root statement that
// holds the team's (rootCase maps the Sid), its compliant ones allowed.
// Then the scopes are proven both ways:
//
//   - in scope: a team that names accounts and OUs has two root
//     statements; its rows come from one of its accounts, so the first
//     denied and the first allowed request of the control are asked again
//     from an account under its first OU (otherKinds);
//   - out of scope, with the root's SCPs alone (the organization's
//     tests.json): the first request each root statement denies, made from
//     another team's account (one without that counterpart at the root)
//     and from an account of no team, is allowed (rootScopeCases).

// matrix returns the attacker's matrix of the layout: the organization's
// requests, then each team's in spec order, then the root scope's.
func (lay *layout) matrix() []iameval.Case {
	var out []iameval.Case
	if m := newMatrix(lay.spec, lay.l, nil); m.account != "" {
		out = append(out, m.run(orgControls)...)
	}
	for _, tp := range lay.teams {
		// A team whose only accounts are the management or the tooling
		// account has no request the team's SCPs decide alone.
		if m := newMatrix(lay.spec, lay.l, tp); m.account != "" {
			out = append(out, m.run(teamControls)...)
			out = append(out, m.otherKinds()...)
		}
	}
	return append(out, lay.rootScopeCases(out)...)
}

// kindOf is the scope kind that covers a principal of the team: accounts
// when the team names the principal's account, else its OUs.
func (m *matrix) kindOf(principal string) string {
	if slices.Contains(m.t.team.Accounts, accountOf(principal)) {
		return ScopeAccounts
	}
	return ScopeOUs
}

// rootCase makes a request of a counterpart placed at the root expect the
// root statement that covers its principal, and keeps the first requests
// the scope proofs repeat.
func (m *matrix) rootCase(c *iameval.Case, sid string) {
	if m.t == nil {
		return
	}
	if c.Expect == "allow" && c.Principal == m.admin && !c.Boundary {
		if m.firstAllow == nil {
			m.firstAllow = map[string]iameval.Case{}
		}
		if _, seen := m.firstAllow[c.Control]; !seen {
			m.firstAllow[c.Control] = *c
		}
	}
	root := m.t.rooted[sid]
	if sid == "" || root[m.kindOf(c.Principal)] == "" {
		return
	}
	c.ExpectSid = root[m.kindOf(c.Principal)]
	if c.Expect != "deny" || c.Principal != m.admin {
		return
	}
	if m.firstDeny == nil {
		m.firstDeny = map[string]iameval.Case{}
	}
	if _, seen := m.firstDeny[sid]; !seen {
		m.firstDeny[sid] = *c
	}
}

// otherKinds asks the first denied and allowed requests of each
// counterpart the team has at the root again from a principal the team's
// other root statement covers: an account under its first OU when the
// rows came from an account it names, and the other way round.
func (m *matrix) otherKinds() []iameval.Case {
	var out []iameval.Case
	kind := m.kindOf(m.admin)
	asked := map[string]bool{}
	for _, s := range m.t.atRoot {
		root, deny := m.t.rooted[s.Sid], m.firstDeny[s.Sid]
		for _, k := range []string{ScopeAccounts, ScopeOUs} {
			if k == kind || root[k] == "" || deny.ID == "" {
				continue
			}
			account, from := placeholderAccount, "an account under the team's OU"
			if k == ScopeAccounts {
				account, from = m.namedAccount(), "an account the team names"
				if account == "" {
					continue
				}
			}
			c := m.moved(deny, account, m.orgPathOf(account))
			c.ID += "-from-" + strings.ToLower(scopeSuffix(k))
			c.ExpectSid, c.Description = root[k], deny.Description+" (from "+from+")"
			out = append(out, c)
			if a, ok := m.firstAllow[deny.Control]; ok && !asked[deny.Control+k] {
				asked[deny.Control+k] = true
				c := m.moved(a, account, m.orgPathOf(account))
				c.ID += "-from-" + strings.ToLower(scopeSuffix(k))
				c.Description = a.Description + " (from " + from + ")"
				out = append(out, c)
			}
		}
	}
	return out
}

// namedAccount is an account the team names that SCPs apply to, or "".
func (m *matrix) namedAccount() string {
	for _, a := range m.t.team.Accounts {
		if a != m.spec.Organization.ManagementAccount {
			return a
		}
	}
	return ""
}

// moved returns the case made by the administrator of another account,
// with that account's organization path; resources of the case's account
// become the other account's.
func (m *matrix) moved(c iameval.Case, account, path string) iameval.Case {
	from := accountOf(c.Principal)
	c.Principal = m.adminIn(account)
	c.Resource = strings.Replace(c.Resource, ":"+from+":", ":"+account+":", 1)
	c.Context = with(c.Context, keyPrincipalOrgPaths, nil)
	if path != "" {
		c.Context[keyPrincipalOrgPaths] = []string{path}
	}
	return c
}

// outsideAccounts are candidates for an account no team names.
var outsideAccounts = []string{"999999999999", "999999999998", "999999999997"}

// rootScopeCases prove that no root statement reaches beyond its teams:
// for each, the first request of the matrix it denies, made from another
// team's account and from an account of no team, and decided by the
// root's SCPs alone, is allowed, or denied by the other team's own
// statement (otherTeam).
func (lay *layout) rootScopeCases(cases []iameval.Case) []iameval.Case {
	if len(lay.root.groups) == 0 {
		return nil
	}
	m := newMatrix(lay.spec, lay.l, nil)
	m.control = "root-scope"
	o := lay.spec.Organization
	named := []string{o.ManagementAccount, o.SecurityToolingAccount}
	for _, tp := range lay.teams {
		named = append(named, tp.team.Accounts...)
	}
	outside := ""
	for _, a := range outsideAccounts {
		if !slices.Contains(named, a) {
			outside = a
			break
		}
	}
	for _, g := range lay.root.groups {
		// The first team of the group's (by name) proves it.
		i := -1
		for _, team := range g.teams {
			if i = slices.IndexFunc(cases, func(c iameval.Case) bool {
				return c.Team == team && c.Expect == "deny" && c.ExpectSid == g.sid
			}); i >= 0 {
				break
			}
		}
		if i < 0 {
			continue
		}
		c := cases[i]
		if other, sid := lay.otherTeam(g); other != nil {
			acct := teamAccount(lay.spec, other.team)
			r := m.moved(c, acct, PrincipalOrgPath(lay.spec, other.team, acct))
			desc := "team " + other.team.Name + "'s administrator: " + c.Description + "; " + g.sid + " covers " +
				strings.Join(g.teams, ", ") + " only"
			rq := req{principal: r.Principal, action: r.Action, resource: r.Resource, ctx: r.Context}
			if sid == "" {
				m.add(g.sid+"-"+other.team.Name, "allow", "", desc, rq)
			} else {
				m.deny(g.sid+"-"+other.team.Name, sid, desc+", so the team's own "+sid+" decides", rq)
			}
		}
		if outside != "" {
			r := m.moved(c, outside, PrincipalOrgPath(lay.spec, nil, outside))
			m.add(g.sid+"-outside", "allow", "",
				"an account of no team: "+c.Description+"; "+g.sid+" covers "+strings.Join(g.teams, ", ")+" only",
				req{principal: r.Principal, action: r.Action, resource: r.Resource, ctx: r.Context})
		}
	}
	return m.cases
}

// otherTeam returns a team outside the group, the first by name, and the
// Sid that must decide its administrator's request at the root alone: ""
// (allowed) for a team no root statement of the group's counterpart
// covers; else, for a team covered, its own statement, the same as the group's but for
// its scope, when it is the first of the counterpart's statements covering
// the team and comes after the group's in the root's SCPs (the evaluator
// names the first Deny that applies, so it would name the group's, were it
// to reach the team). Nil when no team can show it.
func (lay *layout) otherTeam(g *rootGroup) (*teamPolicy, string) {
	pos := lay.root.positions()
	var fallback *teamPolicy
	var fallbackSid string
	for _, tp := range lay.byName() {
		acct := teamAccount(lay.spec, tp.team)
		if slices.Contains(g.teams, tp.team.Name) || ownsRoot(tp.team) || acct == "" {
			continue
		}
		kind := ScopeOUs
		if slices.Contains(tp.team.Accounts, acct) {
			kind = ScopeAccounts
		}
		var first *rootGroup
		covered := false
		for _, h := range lay.root.groups {
			if h.counterpart != g.counterpart || !slices.Contains(h.teams, tp.team.Name) {
				continue
			}
			covered = true
			if h.kind == kind && (first == nil || pos[h.sid] < pos[first.sid]) {
				first = h
			}
		}
		switch {
		case !covered:
			return tp, ""
		case fallback == nil && first != nil && pos[first.sid] > pos[g.sid] && first.orig.Sid == g.orig.Sid && sameStatement(first, g):
			fallback, fallbackSid = tp, first.sid
		}
	}
	return fallback, fallbackSid
}

// sameStatement reports whether two groups hold the same team statement,
// whatever their scopes.
func sameStatement(a, b *rootGroup) bool {
	_, x, _ := strings.Cut(a.key, "\x00")
	_, y, _ := strings.Cut(b.key, "\x00")
	return x == y
}
