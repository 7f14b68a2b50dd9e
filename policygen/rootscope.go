package policygen

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aiguard/aiguard/awsid"
	"github.com/aiguard/aiguard/iampolicy"
	"github.com/aiguard/aiguard/orgspec"
)

// Team statements at the root. A team's targets (its OUs and accounts)
// hold at most four aiguard SCPs; the root has room the organization's own
// statements leave free. A preventive counterpart that the team's SCPs
// cannot hold is placed in the root's SCPs instead, in a statement scoped
// to exactly the team's principals, so that it decides what it would have
// decided attached to the team's targets:
//
//   - accounts the team names: StringEquals on aws:PrincipalAccount, the
//     account of the caller (always in the request context), as an SCP
//     attached to the account applies to the account's principals;
//   - organizational units: ForAnyValue:StringLike on
//     aws:PrincipalOrgPaths, the multivalued organization path of the
//     caller's account (o-ORG/r-ROOT/ou-PARENT/.../), with
//     ORG-ID/*/OU-ID/*, which matches the OU's accounts and those of its
//     child OUs wherever the OU sits, as an SCP attached to the OU applies
//     to them.
//
// Conditions in one statement are ANDed, so a team that names both gets
// two statements. The scope is ANDed with the statement's own conditions,
// break-glass exemption included, and a statement that already tests the
// scope's key under the scope's operator is never scoped (the values would
// merge into one test). Statements identical across teams (the same
// counterpart under the same rule settings) share one root statement per
// kind of scope, its values the union of the teams'.
//
// Priority: the counterparts in the table's order (the gap each closes
// most harmful first), each for the teams in the order of their names
// (not the spec's, so that the output does not depend on it); a team's
// counterpart goes whole (every statement, every scope) or not at all. It
// stays left out (Output.Omitted) only when the root has no room either.
// A team that owns the root gets none: its own SCPs are already attached
// there and share the root's room.

// Scope kinds of a root statement, and the suffix its Sid gets.
const (
	ScopeAccounts = "accounts"            // aws:PrincipalAccount
	ScopeOUs      = "organizationalUnits" // aws:PrincipalOrgPaths
)

// Keys and operators of the scopes.
const (
	keyPrincipalOrgPaths = "aws:PrincipalOrgPaths"
	opScopeAccounts      = "StringEquals"
	opScopeOUs           = "ForAnyValue:StringLike"
)

// scope is the principals of a team a root statement applies to.
type scope struct {
	kind   string
	values []string
}

// scopeSuffix is the Sid suffix of a scope kind.
func scopeSuffix(kind string) string {
	if kind == ScopeAccounts {
		return "Acct"
	}
	return "Ou"
}

// scopeCondition returns the operator and key that scope a statement.
func scopeCondition(kind string) (op, key string) {
	if kind == ScopeAccounts {
		return opScopeAccounts, keyPrincipalAccount
	}
	return opScopeOUs, keyPrincipalOrgPaths
}

// teamScopes are the scopes of the team's principals: its accounts, its
// OUs; nil when the team cannot be scoped (it owns the root, or names OUs
// while the spec gives no organization ID to anchor their paths).
func teamScopes(spec *orgspec.Spec, team *orgspec.Team) []scope {
	var out []scope
	if len(team.Accounts) > 0 {
		out = append(out, scope{ScopeAccounts, sorted(team.Accounts...)})
	}
	if len(team.OrganizationalUnits) > 0 {
		org := spec.Organization.ID
		if org == "" || ownsRoot(team) {
			return nil
		}
		var paths []string
		for _, ou := range team.OrganizationalUnits {
			paths = append(paths, org+"/*/"+ou+"/*")
		}
		out = append(out, scope{ScopeOUs, sorted(paths...)})
	}
	return out
}

// ownsRoot reports whether the team names the organization's root among
// its organizational units.
func ownsRoot(team *orgspec.Team) bool {
	return slices.ContainsFunc(team.OrganizationalUnits, func(id string) bool { return strings.HasPrefix(id, "r-") })
}

// placeholderRoot stands for the organization's root ID in the paths the
// matrix gives its principals when no team names the root (AWS's
// documentation example).
const placeholderRoot = "r-ab12"

// PrincipalOrgPath returns the aws:PrincipalOrgPaths value of a
// principal in an account of the team, as far as the spec tells: under the
// team's first organizational unit when the team does not name the account
// itself, else directly under the root (the spec does not say where the
// accounts it names sit, and they are the team's, not another team's OU's).
// The root is the one a team names, or a placeholder. It returns "" when
// the spec gives no organization ID.
func PrincipalOrgPath(spec *orgspec.Spec, team *orgspec.Team, account string) string {
	org := spec.Organization.ID
	if org == "" {
		return ""
	}
	root := placeholderRoot
	for _, t := range spec.Teams {
		if t == nil {
			continue // a Spec built in code may hold nil teams
		}
		if i := slices.IndexFunc(t.OrganizationalUnits, func(id string) bool { return strings.HasPrefix(id, "r-") }); i >= 0 {
			root = t.OrganizationalUnits[i]
			break
		}
	}
	path := org + "/" + root + "/"
	if team != nil && !slices.Contains(team.Accounts, account) {
		for _, ou := range team.OrganizationalUnits {
			if !strings.HasPrefix(ou, "r-") {
				return path + ou + "/"
			}
		}
	}
	return path
}

// ImpliedContext returns the condition keys the spec implies for a
// principal of the team (an ARN, or an account ID) that a request, or a
// CloudTrail record, does not carry: aws:PrincipalOrgPaths
// (PrincipalOrgPath), which the team statements placed at the root test.
// Nil when the spec gives no organization ID or has no such team.
func ImpliedContext(spec *orgspec.Spec, team, principal string) map[string][]string {
	i := slices.IndexFunc(spec.Teams, func(t *orgspec.Team) bool { return t != nil && t.Name == team })
	if i < 0 {
		return nil
	}
	p := PrincipalOrgPath(spec, spec.Teams[i], accountOf(principal))
	if p == "" {
		return nil
	}
	return map[string][]string{keyPrincipalOrgPaths: {p}}
}

// accountOf returns the account of a principal: an ARN's account field,
// or the principal itself when it is an account ID.
func accountOf(principal string) string {
	if a, ok := awsid.SplitARN(principal); ok {
		return a.AccountID
	}
	return principal
}

// Placement is a team's preventive counterpart that the team's SCPs have
// no room for, placed in the root's SCPs, scoped to the team's principals.
type Placement struct {
	Team        string `json:"team"`
	Counterpart string `json:"counterpart"`
	// Statements are the Sids of the root statements that hold it: the
	// team's Sid with Acct (scoped by aws:PrincipalAccount) or Ou (by
	// aws:PrincipalOrgPaths), and a number when teams' statements differ.
	Statements []string `json:"statements"`
	// Policies are the root's SCPs that hold them.
	Policies []string `json:"policies"`
}

// rootGroup is one scoped statement at the root: a team statement and the
// union of the scopes of the teams that share it.
type rootGroup struct {
	key         string // the kind and the team statement's JSON
	sid         string // its Sid at the root
	orig        iampolicy.Statement
	kind        string
	values      []string
	teams       []string
	counterpart string
}

// statement is the group's root statement: the team statement under the
// root Sid, scoped.
func (g *rootGroup) statement() iampolicy.Statement {
	s := g.orig
	s.Sid = g.sid
	op, key := scopeCondition(g.kind)
	s.Condition = s.Condition.Clone().With(op, key, g.values...)
	return s
}

// scopable reports whether a statement can take the scope's test: it
// does not test the key under the same operator already.
func scopable(s iampolicy.Statement, kind string) bool {
	op, key := scopeCondition(kind)
	for k := range s.Condition[op] {
		if strings.EqualFold(k, key) {
			return false
		}
	}
	return true
}

// rootPlan is what the root's SCPs hold: the organization's statements,
// then the scoped team statements.
type rootPlan struct {
	base   []iampolicy.Statement
	groups []*rootGroup
	docs   []packedDoc
}

func (p *rootPlan) statements() []iampolicy.Statement {
	out := slices.Clone(p.base)
	for _, g := range p.groups {
		out = append(out, g.statement())
	}
	return out
}

// placeAtRoot adds to the root's plan p (the organization's statements,
// packed) the counterparts the teams' SCPs left out, while they fit in
// room policies of maxChars, in priority order (see above), and records on
// each team what went where: rooted (team Sid -> scope kind -> root Sid),
// atRoot, and omitted (what stays out).
func placeAtRoot(spec *orgspec.Spec, p *rootPlan, teams []*teamPolicy, maxChars, room int) []Placement {
	placed := map[*teamPolicy]map[string]bool{} // team -> counterparts placed
	for _, c := range counterparts {
		for _, t := range teams {
			lo := t.leftOut(c.name)
			if lo == nil {
				continue
			}
			scopes := teamScopes(spec, t.team)
			if len(scopes) == 0 {
				continue
			}
			trial, ok := p.with(t, lo, scopes)
			if !ok {
				continue
			}
			d, err := packAfter(trial.statements(), len(trial.base), maxChars)
			if err != nil || len(d) > room {
				continue
			}
			trial.docs = d
			*p = *trial
			if placed[t] == nil {
				placed[t] = map[string]bool{}
			}
			placed[t][c.name] = true
		}
	}
	// What each team's statements became, now that the groups are final.
	var out []Placement
	for _, t := range teams {
		t.omitted, t.atRoot, t.rooted = nil, nil, map[string]map[string]string{}
		for _, lo := range t.left {
			if !placed[t][lo.name] {
				t.omitted = append(t.omitted, lo.omission)
				continue
			}
			pl := Placement{Team: t.team.Name, Counterpart: lo.name}
			t.atRoot = append(t.atRoot, lo.statements...)
			for _, s := range lo.statements {
				for _, g := range p.groups {
					if g.orig.Sid != s.Sid || !slices.Contains(g.teams, t.team.Name) {
						continue
					}
					if t.rooted[s.Sid] == nil {
						t.rooted[s.Sid] = map[string]string{}
					}
					t.rooted[s.Sid][g.kind] = g.sid
					pl.Statements = append(pl.Statements, g.sid)
					pl.Policies = append(pl.Policies, p.policyOf(g.sid))
				}
			}
			pl.Policies = sorted(pl.Policies...)
			out = append(out, pl)
		}
	}
	return out
}

// with returns a copy of the plan with the team's left-out counterpart
// added under each scope, merged into the groups of identical statements;
// false when a statement cannot be scoped.
func (p *rootPlan) with(t *teamPolicy, lo *leftOut, scopes []scope) (*rootPlan, bool) {
	trial := &rootPlan{base: p.base, docs: p.docs}
	for _, g := range p.groups {
		cp := *g
		cp.values, cp.teams = slices.Clone(g.values), slices.Clone(g.teams)
		trial.groups = append(trial.groups, &cp)
	}
	for _, s := range lo.statements {
		body, err := s.MarshalJSON()
		if err != nil {
			return nil, false
		}
		for _, sc := range scopes {
			if !scopable(s, sc.kind) {
				return nil, false
			}
			key := sc.kind + "\x00" + string(body)
			i := slices.IndexFunc(trial.groups, func(g *rootGroup) bool { return g.key == key })
			if i < 0 {
				variants := 0
				for _, g := range trial.groups {
					if g.orig.Sid == s.Sid && g.kind == sc.kind {
						variants++
					}
				}
				sid := s.Sid + scopeSuffix(sc.kind)
				if variants > 0 {
					sid += fmt.Sprint(variants + 1)
				}
				trial.groups = append(trial.groups, &rootGroup{key: key, sid: sid, orig: s, kind: sc.kind, counterpart: lo.name})
				i = len(trial.groups) - 1
			}
			g := trial.groups[i]
			g.values = sorted(append(g.values, sc.values...)...)
			g.teams = append(g.teams, t.team.Name)
		}
	}
	return trial, true
}

// positions returns the place of each statement in the root's SCPs, in
// the order the evaluator reads them (file by file), by Sid.
func (p *rootPlan) positions() map[string]int {
	out := map[string]int{}
	for _, d := range p.docs {
		for _, s := range d.doc.Statement {
			out[s.Sid] = len(out)
		}
	}
	return out
}

// policyOf returns the file of the root SCP that holds a statement.
func (p *rootPlan) policyOf(sid string) string {
	for i, d := range p.docs {
		if slices.ContainsFunc(d.doc.Statement, func(s iampolicy.Statement) bool { return s.Sid == sid }) {
			return organizationSCPPath(i + 1)
		}
	}
	return ""
}

// organizationSCPPath is the file of the organization's nth SCP (from 1).
func organizationSCPPath(n int) string { return fmt.Sprintf("policies/organization/scp-%d.json", n) }
