package packgen

import (
	"fmt"
	"maps"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/aiguard/aiguard/conformance"
	"github.com/aiguard/aiguard/internal/cfnschema"
	"github.com/aiguard/aiguard/orgspec"
	"github.com/aiguard/aiguard/rules"
)

// LambdaArnParam is the pack template parameter that carries the rule
// Lambda's ARN; custom rules use it as their SourceIdentifier.
const LambdaArnParam = "RuleLambdaArn"

// DefaultFrequency is the MaximumExecutionFrequency of periodic custom
// rules: the catalog does not set one per rule (yet), and 24 hours is
// Config's own default.
const DefaultFrequency = "TwentyFour_Hours"

// Plan is what Generate decided before writing anything: the deployment,
// and every pack with its rules, names and template.
type Plan struct {
	Spec       *orgspec.Spec
	Deployment Deployment
	// Packs are the baseline's parts, then each team's, teams by name.
	Packs []*Pack
	// Teams lists every team by name with its packs (none when the
	// baseline holds all its rules or it runs no rule).
	Teams []*TeamPlan
	// Notes say what the plan could not express and what to do about it.
	Notes []Note

	// Schema checks every template built from the plan.
	Schema *cfnschema.Validator
}

// TeamPlan is one team's share of the plan.
type TeamPlan struct {
	Team  *orgspec.Team
	Packs []*Pack
	// Enabled counts the rules the team runs, baseline included.
	Enabled int
}

// Pack is one conformance pack, or one part of a split pack.
type Pack struct {
	// Name is the conformance pack name, unique in the organization and
	// valid for an organization conformance pack.
	Name string
	// Team is nil for the organization baseline.
	Team *orgspec.Team
	// Part and Parts number the parts of a split pack (1 of 1 when whole);
	// SplitReason says which limit split it.
	Part, Parts int
	SplitReason string
	Rules       []*PackRule
	Template    conformance.Template
	// Body is the template as written (the TemplateBody).
	Body []byte
}

// Custom counts the pack's CUSTOM_LAMBDA rules.
func (p *Pack) Custom() int {
	n := 0
	for _, r := range p.Rules {
		if r.Managed == "" {
			n++
		}
	}
	return n
}

// PackRule is one Config rule of a pack.
type PackRule struct {
	Rule      *rules.Rule
	Name      string // ConfigRuleName
	LogicalID string
	// Managed is the AWS managed rule identifier when the pack uses it
	// instead of aiguard's rule; empty for a custom Lambda rule.
	Managed string
	// KeptReason says why aiguard's rule is used although the catalog
	// names a managed rule.
	KeptReason string
	// InputParameters are the rule's input parameters: for a custom rule,
	// ruleId, ExecutionRoleName and the team's parameters; for a managed
	// rule, the team's parameters under the managed rule's names.
	InputParameters map[string]string
	// Exceptions are the team's active exceptions to the rule (none in the
	// baseline, whose rules belong to every team).
	Exceptions []orgspec.Exception
}

// group is the rules of one pack before it is split.
type group struct {
	team  *orgspec.Team // nil: baseline
	rules []*PackRule
}

// NewPlan decides the packs for a spec and builds their templates, each
// checked with conformance's Lint and the CloudFormation schema (schema nil:
// cfnschema.Default). It fails on a spec whose limits cannot be met, such as
// a rule whose InputParameters exceed 1,024 characters.
func NewPlan(spec *orgspec.Spec, schema *cfnschema.Validator) (*Plan, error) {
	if schema == nil {
		var err error
		if schema, err = cfnschema.Default(); err != nil {
			return nil, err
		}
	}
	p := &Plan{Spec: spec, Deployment: DeploymentFor(spec), Schema: schema}
	teams := slices.Clone(spec.Teams)
	sort.SliceStable(teams, func(i, j int) bool { return teams[i].Name < teams[j].Name })

	effective := make([][]orgspec.EffectiveRule, len(teams))
	for i, t := range teams {
		set, err := spec.EffectiveRules(t)
		if err != nil {
			return nil, fmt.Errorf("team %s: %w", t.Name, err)
		}
		effective[i] = set
	}
	groups := p.group(teams, effective)
	if err := p.nameRules(groups); err != nil {
		return nil, err
	}
	for _, g := range groups {
		if err := checkInputParameters(g, p.Deployment.MemberRoleName); err != nil {
			return nil, err
		}
	}
	if err := p.buildPacks(groups); err != nil {
		return nil, err
	}
	if err := p.namePacks(); err != nil {
		return nil, err
	}
	if err := p.lintPacks(); err != nil {
		return nil, err
	}
	p.Deployment.InvokingAccounts = p.invokingAccounts()
	return p, nil
}

// group sorts the teams' enabled rules into the baseline (first, when any
// rule qualifies) and the teams' own packs, and adds a TeamPlan per team.
func (p *Plan) group(teams []*orgspec.Team, effective [][]orgspec.EffectiveRule) []group {
	effective = p.packRules(effective)
	shared := baselineRules(effective)
	inBaseline := make(map[int]bool, len(shared))
	var groups []group
	if len(shared) > 0 {
		g := group{}
		for _, j := range shared {
			inBaseline[j] = true
			g.rules = append(g.rules, newPackRule(effective[0][j], ""))
		}
		groups = append(groups, g)
	}
	for i, t := range teams {
		tp := &TeamPlan{Team: t}
		p.Teams = append(p.Teams, tp)
		g := group{team: t}
		for j, er := range effective[i] {
			if !er.Enabled {
				continue
			}
			tp.Enabled++
			if len(er.Exceptions) > 0 {
				p.note(Info, "team "+t.Name, exceptionsNote(er))
			}
			if !inBaseline[j] {
				g.rules = append(g.rules, newPackRule(er, t.Name))
			}
		}
		switch {
		case len(g.rules) > 0:
			groups = append(groups, g)
		case tp.Enabled > 0:
			p.note(Info, "team "+t.Name, "every rule the team runs is in the organization baseline; it has no pack of its own")
		default:
			p.note(Warning, "team "+t.Name, "the team turns every rule off; no aiguard rule runs in its accounts")
		}
	}
	return groups
}

// lintPacks applies conformance's Lint, with the CloudFormation schema, to
// every pack as written.
func (p *Plan) lintPacks() error {
	linter := &conformance.Linter{}
	if p.Schema != nil { // a nil *Validator would make a non-nil Schema
		linter.Schema = p.Schema
	}
	return parallel(len(p.Packs), func(i int) error { return lintPack(linter, p.Packs[i]) })
}

// parallel calls f(0) ... f(n-1) on all CPUs and returns the error of the
// lowest i that failed, so the error does not depend on scheduling.
func parallel(n int, f func(i int) error) error {
	errs := make([]error, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(n, runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				errs[i] = f(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func lintPack(linter *conformance.Linter, pk *Pack) error {
	fs, err := linter.Lint(pk.Body)
	if err != nil {
		return fmt.Errorf("pack %s: %w", pk.Name, err)
	}
	for _, f := range fs {
		if f.Severity == conformance.SeverityError {
			return fmt.Errorf("pack %s fails its own checks: %s", pk.Name, f)
		}
	}
	return nil
}

// baselineRules returns the indexes (into each team's EffectiveRules, which
// all list the catalog in the same order) of the rules for the baseline:
// those every team runs with the same parameters. It takes at least two
// teams: the baseline runs in every account of the organization, and one
// team's choices are not the organization's.
func baselineRules(effective [][]orgspec.EffectiveRule) []int {
	if len(effective) < 2 {
		return nil
	}
	var out []int
	for j, first := range effective[0] {
		same := first.Enabled
		for _, set := range effective[1:] {
			if !same {
				break
			}
			er := set[j]
			// A team's exceptions keep the rule in the team's own pack.
			same = er.Enabled && er.Rule.ID == first.Rule.ID && maps.Equal(er.Params, first.Params) &&
				len(er.Exceptions) == 0 && len(first.Exceptions) == 0
		}
		if same {
			out = append(out, j)
		}
	}
	return out
}

// newPackRule decides how one effective rule runs: as the AWS managed rule
// when the catalog names one and the parameters can be expressed for it,
// else as aiguard's custom Lambda rule. team is "" for the baseline.
func newPackRule(er orgspec.EffectiveRule, team string) *PackRule {
	r := &PackRule{
		Rule:       er.Rule,
		Name:       RuleName(team, er.Rule.ID),
		LogicalID:  LogicalID(er.Rule.ID),
		Exceptions: er.Exceptions,
	}
	c := chooseManaged(er.Rule, er.Params)
	if len(er.Exceptions) > 0 && c.identifier != "" {
		c = managedChoice{reason: "the team exempts resources from it (" + rules.ExemptParam + "), which only aiguard's rule reads"}
	}
	if c.identifier != "" {
		r.Managed = c.identifier
		r.InputParameters = c.params
		return r
	}
	r.KeptReason = c.reason
	r.InputParameters = maps.Clone(er.Params)
	if r.InputParameters == nil {
		r.InputParameters = map[string]string{}
	}
	return r
}

// exceptionsNote says how a rule's exceptions take effect.
func exceptionsNote(er orgspec.EffectiveRule) string {
	var ids []string
	for _, e := range er.Exceptions {
		ids = append(ids, e.Resources...)
	}
	return fmt.Sprintf("the exception to %s (%s) is in the team's pack as the %s parameter: AWS Config has no "+
		"per-resource exemption, so the rule Lambda reports these resources NOT_APPLICABLE, with what it found, "+
		"until the exception expires; the rule therefore runs as aiguard's rule, not an AWS managed rule",
		er.Rule.ID, strings.Join(ids, ", "), rules.ExemptParam)
}

// nameRules makes the rule names unique across the organization.
func (p *Plan) nameRules(groups []group) error {
	var items []named
	for _, g := range groups {
		owner := "the baseline"
		if g.team != nil {
			owner = "team " + g.team.Name
		}
		for _, r := range g.rules {
			items = append(items, named{identity: "rule " + r.Rule.ID + " of " + owner, name: &r.Name})
		}
		ids := make([]named, 0, len(g.rules))
		for _, r := range g.rules {
			ids = append(ids, named{identity: r.Rule.ID, name: &r.LogicalID})
		}
		if err := uniqueNames(ids, 255, ""); err != nil {
			return err
		}
	}
	return uniqueNames(items, conformance.MaxRuleName, "-")
}

// checkInputParameters fails when a rule's InputParameters exceed what
// Config accepts, naming the team, the rule and its longest parameters.
func checkInputParameters(g group, memberRole string) error {
	for _, r := range g.rules {
		params := r.InputParameters
		if r.Managed == "" {
			params = CustomInputParameters(r, memberRole)
		}
		n := orgspec.InputParametersLen(params)
		if n <= conformance.MaxInputParameters {
			continue
		}
		owner := "the organization baseline"
		if g.team != nil {
			owner = "team " + g.team.Name
		}
		names := slices.Collect(maps.Keys(r.InputParameters))
		sort.Slice(names, func(i, j int) bool {
			a, b := len(r.InputParameters[names[i]]), len(r.InputParameters[names[j]])
			return a > b || a == b && names[i] < names[j]
		})
		var parts []string
		for _, name := range names {
			parts = append(parts, fmt.Sprintf("%s (%d characters)", name, utf8.RuneCountInString(r.InputParameters[name])))
		}
		return fmt.Errorf("%s: rule %s: its InputParameters would be %d characters as JSON; AWS Config accepts at most %d: "+
			"shorten %s", owner, r.Rule.ID, n, conformance.MaxInputParameters, strings.Join(parts, ", "))
	}
	return nil
}

// customInputParameters returns a custom rule's input parameters: ruleId,
// ExecutionRoleName, the team's parameters and its exemptions.
func CustomInputParameters(r *PackRule, memberRole string) map[string]string {
	return orgspec.CustomInputParameters(r.Rule.ID, memberRole, r.InputParameters, r.Exceptions)
}

// invokingAccounts returns the accounts whose Config may invoke the rule
// Lambda, or nil for any account (LambdaTemplate) when the spec does not
// name them all: a team owns an OU, the baseline reaches every account, or
// there are more than a Lambda policy holds.
func (p *Plan) invokingAccounts() []string {
	s := p.Spec
	custom := false
	baselineCustom := false
	for _, pk := range p.Packs {
		if pk.Custom() > 0 {
			custom = true
			if pk.Team == nil {
				baselineCustom = true
			}
		}
	}
	if !custom {
		return []string{}
	}
	accounts := append(s.Accounts(), s.Organization.ManagementAccount, s.Organization.SecurityToolingAccount)
	slices.Sort(accounts)
	accounts = slices.Compact(accounts)
	var why string
	switch {
	case len(s.OrganizationalUnits()) > 0:
		why = "teams own organizational units (" + strings.Join(s.OrganizationalUnits(), ", ") + "), whose accounts the spec does not list"
	case baselineCustom:
		why = "the baseline pack runs in every account of the organization, including accounts the spec does not name"
	case len(accounts) > MaxInvokingAccounts:
		why = fmt.Sprintf("the spec names %d accounts, more than the %d per-account permissions a Lambda resource policy holds", len(accounts), MaxInvokingAccounts)
	default:
		return accounts
	}
	p.note(Warning, "deploy/rule-lambda.yaml", "Config in any account may invoke the rule Lambda, because "+why+
		": a Lambda permission for config.amazonaws.com can be scoped to listed accounts, not to an organization. "+
		"The function can still act only inside the organization: its role may assume the member role only in "+
		"accounts of "+s.Organization.ID+" (aws:ResourceOrgID), and reserved concurrency caps what an outside "+
		"caller could cost. To scope the permission, list every account in the spec's teams, and keep every "+
		"baseline rule managed or move it to the teams.")
	return nil
}

// Note levels.
const (
	Info    = "info"
	Warning = "warning"
)

// Note is something the generated artifacts cannot express, or a step
// the user must take.
type Note struct {
	Level string `json:"level"`
	// Subject is what the note is about: a team, a pack, a file or the
	// organization.
	Subject string `json:"subject"`
	Message string `json:"message"`
}

func (p *Plan) note(level, subject, message string) {
	p.Notes = append(p.Notes, Note{Level: level, Subject: subject, Message: message})
}
