package iameval

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aiguard/aiguard/iampolicy"
)

// Compiled is a policy ready to evaluate requests.
type Compiled struct {
	// Name is how decisions cite the policy: a file name, or a built-in
	// policy's name (FullAWSAccess).
	Name  string
	Type  iampolicy.Type
	stmts []cstmt
}

// cstmt is a compiled statement.
type cstmt struct {
	label       string // the Sid, or "statement N"
	allow       bool
	notAction   bool
	actions     []string // lower case
	notResource bool
	resources   []tmpl // nil: no Resource element
	principal   *iampolicy.Principal
	notPrinc    bool
	conds       []ccond
}

// Compile prepares a policy document of type t for evaluation under the
// given name. It fails on what AWS would reject outright and the evaluator
// cannot read: an unknown condition operator, an Effect other than Allow
// or Deny, a statement without Action or NotAction.
func Compile(name string, t iampolicy.Type, doc *iampolicy.Document) (*Compiled, error) {
	if doc == nil {
		return nil, errors.New("no policy document")
	}
	vars := doc.Version == iampolicy.CurrentVersion
	out := &Compiled{Name: name, Type: t}
	for i, s := range doc.Statement {
		label := s.Sid
		if label == "" {
			label = fmt.Sprintf("statement %d", i+1)
		}
		cs := cstmt{label: label}
		switch s.Effect {
		case "Allow":
			cs.allow = true
		case "Deny":
		default:
			return nil, fmt.Errorf("%s: Effect %q: want Allow or Deny", label, s.Effect)
		}
		actions, not := s.ActionElement()
		if actions == nil {
			return nil, fmt.Errorf("%s: no Action or NotAction", label)
		}
		cs.notAction, cs.actions = not, lowerAll(actions)
		res := s.Resource
		if s.NotResource != nil {
			cs.notResource, res = true, s.NotResource
		}
		if res != nil {
			cs.resources = make([]tmpl, 0, len(res))
			for _, r := range res {
				cs.resources = append(cs.resources, newTmpl(r, vars))
			}
		}
		cs.principal, cs.notPrinc = s.PrincipalElement()
		// In iampolicy's order, so that evaluation (and the first failing
		// test) does not depend on map order.
		for _, t := range s.Condition.Tests() {
			cd, err := compileCond(t.Operator, t.Key, t.Values, vars)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", label, err)
			}
			cs.conds = append(cs.conds, cd)
		}
		out.stmts = append(out.stmts, cs)
	}
	return out, nil
}

func lowerAll(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = strings.ToLower(s)
	}
	return out
}

// ParseAndCompile reads a policy document's JSON text and compiles it.
func ParseAndCompile(name string, t iampolicy.Type, data []byte) (*Compiled, error) {
	doc, err := iampolicy.Parse(data)
	if err != nil {
		return nil, err
	}
	return Compile(name, t, doc)
}

// allowAll returns a built-in policy that allows every action.
func allowAll(name string, t iampolicy.Type) *Compiled {
	return &Compiled{Name: name, Type: t, stmts: []cstmt{{label: "statement 1", allow: true,
		actions: []string{"*"}, resources: []tmpl{{text: "*"}}}}}
}

// FullAWSAccess is AWS's managed SCP that allows everything, attached to
// every root, OU and account by default.
func FullAWSAccess() *Compiled { return allowAll("FullAWSAccess", iampolicy.TypeSCP) }

// AdministratorAccess is an identity policy that allows everything, the
// permissions of an account administrator.
func AdministratorAccess() *Compiled { return allowAll("AdministratorAccess", iampolicy.TypeIdentity) }

// applies evaluates whether the statement applies to the request.
func (s *cstmt) applies(c *reqCtx, principal string) tri {
	matched := false
	for _, a := range s.actions {
		if a == "*" || glob(a, nil, c.action) {
			matched = true
			break
		}
	}
	if matched == s.notAction {
		return no
	}
	r := yes
	if s.principal != nil {
		p := truth(principalMatches(s.principal, principal, c))
		if s.notPrinc {
			p = not(p)
		}
		if r = p; r == no {
			return no
		}
	}
	if s.resources != nil {
		m := s.resourceMatch(c)
		if s.notResource {
			m = not(m)
		}
		if r = and(r, m); r == no || r == void {
			return no
		}
	}
	for i := range s.conds {
		if r = and(r, s.conds[i].eval(c)); r == no || r == void {
			return no
		}
	}
	return r
}

// resourceMatch reports whether an entry of the Resource (or NotResource)
// element matches the request's resource.
func (s *cstmt) resourceMatch(c *reqCtx) tri {
	r := no
	for _, t := range s.resources {
		if t.parts == nil && t.text == "*" {
			return yes
		}
		if c.resourceUnknown {
			c.note("(the resource)")
			r = maybe
			continue
		}
		text, lit, st := t.expand(c)
		switch st {
		case absent:
			return void
		case unknown:
			r = maybe
			continue
		}
		if arnMatch(text, lit, c.resource) {
			return yes
		}
	}
	return r
}

// principalMatches reads a Principal element (resource control policies
// have Principal "*"): "*", an account ID or its root ARN (every principal
// of the account), or a principal ARN.
func principalMatches(p *iampolicy.Principal, principal string, c *reqCtx) bool {
	if p.All {
		return true
	}
	arn := principal
	if v := c.keys["aws:principalarn"]; len(v) == 1 {
		arn = v[0]
	}
	var account string
	if v := c.keys["aws:principalaccount"]; len(v) == 1 {
		account = v[0]
	}
	for typ, list := range p.ByType {
		for _, v := range list {
			switch {
			case v == "*" && typ == "AWS":
				return true
			case typ == "AWS" && account != "" && (v == account || strings.HasSuffix(v, ":"+account+":root")):
				return true
			case v == principal || v == arn:
				return true
			}
		}
	}
	return false
}

// Effect is the outcome of a decision.
type Effect int

// Effects.
const (
	Allow        Effect = iota
	ExplicitDeny        // a Deny statement applies
	ImplicitDeny        // a layer that must allow has no Allow that applies
)

func (e Effect) String() string {
	return [...]string{"allow", "explicit deny", "implicit deny"}[e]
}

// Decision is the answer to a request.
type Decision struct {
	Effect Effect
	// Uncertain is set when the decision depends on keys the request
	// leaves unknown: Effect is then ExplicitDeny or ImplicitDeny and
	// means "may deny", Policy and Sid naming the statement that would.
	Uncertain bool
	// Layer is the policy type that decided (for an implicit deny, the
	// layer without an Allow).
	Layer iampolicy.Type
	// Policy and Sid name the Deny statement that decided an explicit
	// deny (Sid is "statement N" for a statement without one).
	Policy, Sid string
	// Unknown lists the unknown keys the evaluation tested, sorted.
	Unknown []string
	// Notes say what about the request does not look like a real one:
	// keys its action never presents, an action the facts table does not
	// know.
	Notes []string
}

// Denied reports whether the request is (or, when uncertain, may be)
// denied.
func (d Decision) Denied() bool { return d.Effect != Allow }

// DeniedBy names what denied the request: FILE#Sid for an explicit deny,
// implicit:LAYER for an implicit one, "" for an allow.
func (d Decision) DeniedBy() string {
	switch d.Effect {
	case ExplicitDeny:
		return d.Policy + "#" + d.Sid
	case ImplicitDeny:
		return "implicit:" + string(d.Layer)
	}
	return ""
}

// Set is the policies that apply to a principal's requests.
type Set struct {
	// SCPs are the SCP levels that apply, from the root to the account:
	// the request must be allowed at each. Add FullAWSAccess to a level
	// for deny-list SCPs, as AWS attaches it by default. Nil: no SCPs
	// apply (the management account).
	SCPs [][]*Compiled
	// RCPs are resource control policies; AWS's RCPFullAWSAccess allows at
	// every level, so only their Deny statements count.
	RCPs []*Compiled
	// Boundary is the principal's permissions boundary; nil for none.
	Boundary *Compiled
	// Identity are the principal's identity policies; at least one must
	// allow.
	Identity []*Compiled
}

// Evaluator decides requests with a table of IAM facts.
type Evaluator struct {
	table *iampolicy.Table
}

// New returns an evaluator using the table; nil uses iampolicy's built-in
// table.
func New(t *iampolicy.Table) (*Evaluator, error) {
	if t == nil {
		var err error
		if t, err = iampolicy.DefaultTable(); err != nil {
			return nil, err
		}
	}
	return &Evaluator{table: t}, nil
}

// action returns the facts of an action, or nil when the table does not
// know it.
func (e *Evaluator) action(name string) *iampolicy.Action {
	if e == nil || e.table == nil {
		return nil
	}
	acts, _ := e.table.MatchActions(name)
	if len(acts) == 1 {
		return acts[0]
	}
	return nil
}

// Decide evaluates the request against the policies. The error is for a
// request that cannot be evaluated (no action, a wildcard action, no
// resource).
func (e *Evaluator) Decide(r Request, set Set) (Decision, error) {
	c, err := e.prepare(r)
	if err != nil {
		return Decision{}, err
	}
	d := e.decide(c, r.Principal, set)
	d.Notes = e.notes(r, c.act)
	for k := range c.used {
		d.Unknown = append(d.Unknown, k)
	}
	slices.Sort(d.Unknown)
	return d, nil
}

type layerPolicies struct {
	layer     iampolicy.Type
	policies  []*Compiled
	mustAllow bool
}

func (e *Evaluator) decide(c *reqCtx, principal string, set Set) Decision {
	var layers []layerPolicies
	for _, level := range set.SCPs {
		layers = append(layers, layerPolicies{iampolicy.TypeSCP, level, true})
	}
	if len(set.RCPs) > 0 {
		layers = append(layers, layerPolicies{iampolicy.TypeRCP, set.RCPs, false})
	}
	if set.Boundary != nil {
		layers = append(layers, layerPolicies{iampolicy.TypeBoundary, []*Compiled{set.Boundary}, true})
	}
	layers = append(layers, layerPolicies{iampolicy.TypeIdentity, set.Identity, true})

	var maybeDeny *Decision
	implicit, maybeImplicit := -1, -1
	for li, l := range layers {
		allowed := no
		for _, p := range l.policies {
			for i := range p.stmts {
				s := &p.stmts[i]
				t := s.applies(c, principal)
				if t == no {
					continue
				}
				switch {
				case !s.allow && t == yes:
					return Decision{Effect: ExplicitDeny, Layer: p.Type, Policy: p.Name, Sid: s.label}
				case !s.allow && maybeDeny == nil:
					maybeDeny = &Decision{Effect: ExplicitDeny, Uncertain: true, Layer: p.Type, Policy: p.Name, Sid: s.label}
				case s.allow:
					allowed = or(allowed, t)
				}
			}
		}
		switch {
		case !l.mustAllow:
		case allowed == no && implicit < 0:
			implicit = li
		case allowed == maybe && maybeImplicit < 0:
			maybeImplicit = li
		}
	}
	switch {
	case implicit >= 0:
		return Decision{Effect: ImplicitDeny, Layer: layers[implicit].layer}
	case maybeDeny != nil:
		return *maybeDeny
	case maybeImplicit >= 0:
		return Decision{Effect: ImplicitDeny, Uncertain: true, Layer: layers[maybeImplicit].layer}
	}
	return Decision{Effect: Allow}
}

// notes says what in the request a real request would not hold; a is the
// action's facts (nil when the table does not know it).
func (e *Evaluator) notes(r Request, a *iampolicy.Action) []string {
	if e == nil || e.table == nil {
		return nil
	}
	prefix, _, _ := strings.Cut(r.Action, ":")
	svc := e.table.Service(prefix)
	if svc == nil || !svc.Complete {
		return nil
	}
	if a == nil {
		asOf := ""
		if svc.AsOf != "" {
			asOf = " as of " + svc.AsOf
		}
		return []string{fmt.Sprintf("%s is not an action of %s in the AWS Service Authorization Reference%s", r.Action, svc.Prefix, asOf)}
	}
	var out []string
	keys := make([]string, 0, len(r.Context))
	for k := range r.Context {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if len(r.Context[k]) > 0 && perActionKey(strings.ToLower(k)) && !a.Supports(k) {
			out = append(out, fmt.Sprintf("%s never presents %s (AWS Service Authorization Reference): a real request "+
				"would not carry it", a.FullName(), k))
		}
	}
	return out
}
