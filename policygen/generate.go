package policygen

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aiguard/aiguard/iampolicy"
	"github.com/aiguard/aiguard/orgspec"
)

// Kind says what an artifact is.
type Kind string

// Artifact kinds.
const (
	KindSCP           Kind = "scp"            // a service control policy (minified JSON)
	KindBoundary      Kind = "boundary"       // a team's permission boundary (IAM managed policy)
	KindExecutionRole Kind = "execution-role" // the identity policy of a SageMaker execution role
	KindOptOut        Kind = "opt-out"        // the organization's AI services opt-out policy
	KindCFNTemplate   Kind = "cfn-template"   // a CloudFormation template deploying the above
	KindTests         Kind = "policy-tests"   // the attacker's matrix as a requests file for aiguard simulate
)

// Limits AWS applies to the generated policies.
const (
	// DefaultSCPMaxChars and DefaultSCPMaxPerTarget apply when the spec sets
	// no limits (a Spec built in code).
	DefaultSCPMaxChars     = 5120
	DefaultSCPMaxPerTarget = 5
	// MaxManagedPolicyChars bounds an IAM managed policy, white space not
	// counted: the boundary and the execution-role policies.
	MaxManagedPolicyChars = 6144
	// MaxOptOutChars bounds an AI services opt-out policy.
	MaxOptOutChars = 2500
)

// Artifact is one generated file.
type Artifact struct {
	// Path is relative and slash-separated, e.g. policies/research/scp-1.json.
	Path string
	Kind Kind
	// Team is the team the artifact belongs to; empty for the organization's.
	Team string
	// Target says where the artifact applies: a team name, "organization",
	// or the security tooling account.
	Target string
	// TargetIDs are the roots, OUs and accounts an Organizations policy is
	// attached to, sorted; empty for IAM policies and templates.
	TargetIDs []string
	// Size is what counts against Limit: every character for SCPs and the
	// opt-out policy, non-white-space characters for IAM policies.
	Size int
	// Limit is the largest allowed Size; 0 when none applies.
	Limit int
	Body  []byte
}

// Output is what Build makes.
type Output struct {
	// Artifacts are sorted by Path.
	Artifacts []Artifact
	// Cases is the number of requests of the attacker's matrix, all
	// decided as the controls claim.
	Cases int
	// Budgets are the SCP budgets of the targets.
	Budgets []Budget
	// Omitted are the preventive counterparts left out for lack of room,
	// in the teams' SCPs and in the root's, in spec order.
	Omitted []Omission
	// AtRoot are the preventive counterparts the teams' SCPs had no room
	// for, placed in the root's SCPs scoped to the teams' principals, by
	// team name.
	AtRoot []Placement
}

// Generate returns Build's artifacts.
func Generate(spec *orgspec.Spec) ([]Artifact, error) {
	out, err := Build(spec)
	if err != nil {
		return nil, err
	}
	return out.Artifacts, nil
}

// Build writes every preventive policy of the spec: per team the SCPs,
// the permission boundary and the SageMaker execution roles, each as JSON
// and as a CloudFormation template, and the attacker's matrix as
// tests.json; for the organization the AI services opt-out policy and the
// SCPs attached at the root. It decides the matrix against the policies
// and fails with a *MatrixError when a request is decided otherwise than
// its control claims. The output is byte-identical for the same spec. The
// error lists every team whose policies do not fit the limits.
func Build(spec *orgspec.Spec) (*Output, error) {
	if spec == nil {
		return nil, errors.New("policygen: no spec")
	}
	l, err := derivedLists()
	if err != nil {
		return nil, fmt.Errorf("policygen: %w", err)
	}
	lay := newLayout(spec, l)
	errs := lay.errs
	var arts []Artifact
	var omitted []Omission
	for _, tp := range lay.teams {
		ta, err := tp.artifacts(len(lay.root.docs))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		arts = append(arts, ta...)
		omitted = append(omitted, tp.omitted...)
	}
	if lay.orgErr != nil {
		errs = append(errs, lay.orgErr)
	}
	oa, err := organizationArtifacts(spec, lay.root, lay.maxChars, len(lay.placed) > 0)
	if err != nil {
		errs = append(errs, err)
	}
	arts = append(arts, oa...)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	cases := lay.matrix()
	if err := CheckMatrix(cases, arts); err != nil {
		return nil, fmt.Errorf("policygen: %w", err)
	}
	semantic, err := ProbePolicies(arts)
	if err != nil {
		return nil, fmt.Errorf("policygen: %w", err)
	}
	if len(semantic) > 0 {
		return nil, fmt.Errorf("policygen: %w", &MatrixError{Cases: len(cases), Semantic: semantic})
	}
	tests, err := testArtifacts(cases)
	if err != nil {
		return nil, err
	}
	arts = append(arts, tests...)
	slices.SortFunc(arts, func(a, b Artifact) int { return cmp.Compare(a.Path, b.Path) })
	return &Output{Artifacts: arts, Cases: len(cases), Budgets: Budgets(spec, arts), Omitted: omitted, AtRoot: lay.placed}, nil
}

// teamPolicy builds one team's policies.
type teamPolicy struct {
	spec       *orgspec.Spec
	team       *orgspec.Team
	l          *lists
	partition  string
	breakGlass []string
	tags       orgspec.TagKeys
	maxChars   int
	maxPer     int
	// rules are the team's effective rules by ID, which the counterparts
	// follow.
	rules map[string]orgspec.EffectiveRule
	// chosen are the counterpart statements that fit the team's SCPs, left
	// the counterparts that did not (planCounterparts); of these, atRoot
	// are the statements placed in the root's SCPs, rooted their Sids
	// there (team Sid -> scope kind -> root Sid), and omitted the
	// counterparts left out of both (placeAtRoot).
	chosen  []iampolicy.Statement
	left    []leftOut
	atRoot  []iampolicy.Statement
	rooted  map[string]map[string]string
	omitted []Omission
}

func newTeamPolicy(spec *orgspec.Spec, team *orgspec.Team, l *lists) *teamPolicy {
	lim := spec.Organization.Limits
	t := &teamPolicy{
		spec:       spec,
		team:       team,
		l:          l,
		partition:  spec.Partition(),
		breakGlass: spec.BreakGlassPrincipalArns(),
		tags:       tagKeys(spec.Organization.TagKeys),
		maxChars:   cmp.Or(lim.SCPMaxChars, DefaultSCPMaxChars),
		maxPer:     cmp.Or(lim.SCPMaxPerTarget, DefaultSCPMaxPerTarget),
		rules:      map[string]orgspec.EffectiveRule{},
	}
	// A parameter a rule rejects (reported by Parse and validate) leaves
	// the rule's default, which is what the rule would run with.
	ers, _ := spec.EffectiveRules(team)
	for _, er := range ers {
		t.rules[er.Rule.ID] = er
	}
	return t
}

// tagKeys fills in the defaults of tag keys a Spec built in code may lack.
func tagKeys(k orgspec.TagKeys) orgspec.TagKeys {
	k.Team = cmp.Or(k.Team, "aiguard-team")
	k.DataClassification = cmp.Or(k.DataClassification, "data-classification")
	k.ApprovedUseCase = cmp.Or(k.ApprovedUseCase, "ai-approved-use-case")
	k.MLData = cmp.Or(k.MLData, "ml-data")
	return k
}

// arn builds an ARN in the organization's partition.
func (t *teamPolicy) arn(service, region, account, resource string) string {
	return arnIn(t.partition, service, region, account, resource)
}

func arnIn(partition, service, region, account, resource string) string {
	return strings.Join([]string{"arn", partition, service, region, account, resource}, ":")
}

// BoundaryName is the name of a team's permission boundary policy.
func BoundaryName(team string) string { return NamePrefix + team + "-boundary" }

// boundaryArn matches the team's boundary policy in any of its accounts.
func (t *teamPolicy) boundaryArn() string {
	return t.arn("iam", "", "*", "policy/"+BoundaryName(t.team.Name))
}

// targets are the OUs, roots and accounts the team's SCPs attach to.
func (t *teamPolicy) targets() []string {
	return sorted(slices.Concat(t.team.OrganizationalUnits, t.team.Accounts)...)
}

// scpStatements are all the team's SCP statements: its posture and the
// counterparts that fit (planned), each exempting the break-glass roles.
func (t *teamPolicy) scpStatements() []iampolicy.Statement {
	return slices.Concat(t.postureStatements(), t.chosen)
}

// postureStatements are the team's posture statements, each exempting the
// break-glass roles.
func (t *teamPolicy) postureStatements() []iampolicy.Statement {
	sts := slices.Concat(
		t.sagemakerStatements(),
		t.bedrockStatements(),
		t.mantleStatements(),
		t.comprehendStatements(),
		t.rekognitionStatements(),
		t.regionStatements(),
		t.iamStatements(),
	)
	for i := range sts {
		sts[i] = exemptBreakGlass(sts[i], t.breakGlass)
	}
	return sts
}

// exemptBreakGlass adds the break-glass exception to a Deny: ArnNotLike on
// aws:PrincipalArn, the role ARN of any session (never the session ARN).
func exemptBreakGlass(s iampolicy.Statement, roles []string) iampolicy.Statement {
	if s.Effect != deny || len(roles) == 0 {
		return s
	}
	s.Condition = s.Condition.Clone().With("ArnNotLike", keyPrincipalArn, roles...)
	return s
}

// artifacts are the team's planned files (newLayout): SCPs and their
// template, the boundary, the execution roles and their template.
// orgSCPs is the number of SCPs at the root.
func (t *teamPolicy) artifacts(orgSCPs int) ([]Artifact, error) {
	scps, err := t.scpArtifacts(orgSCPs)
	if err != nil {
		return nil, err
	}
	iam, err := t.iamArtifacts()
	if err != nil {
		return nil, err
	}
	return append(scps, iam...), nil
}

// dir is the folder of the team's files.
func (t *teamPolicy) dir() string { return "policies/" + t.team.Name + "/" }

// scpArtifacts packs the team's SCP statements into policies and writes
// them with their CloudFormation template. orgSCPs is the number of the
// organization's SCPs, which share the root's room when the team owns it.
func (t *teamPolicy) scpArtifacts(orgSCPs int) ([]Artifact, error) {
	docs, err := pack(t.scpStatements(), t.maxChars)
	if err != nil {
		return nil, fmt.Errorf("policygen: team %s: %w", t.team.Name, err)
	}
	if extra := t.extraSCPsOnTargets(orgSCPs); len(docs)+1+extra > t.maxPer {
		total := 0
		for _, d := range docs {
			total += d.size
		}
		return nil, fmt.Errorf("policygen: team %s: its SCP statements take %d characters and need %d policies "+
			"of at most %d characters, but scpMaxPerTarget %d leaves room for %d next to FullAWSAccess%s; "+
			"shorten the team's lists (models, profiles, instance types, subnets, keys) or raise the limits",
			t.team.Name, total, len(docs), t.maxChars, t.maxPer, t.maxPer-1-extra, extraNote(extra))
	}
	targets := t.targets()
	var arts []Artifact
	resources := map[string]any{}
	for i, d := range docs {
		name := fmt.Sprintf("%s%s-scp-%d", NamePrefix, t.team.Name, i+1)
		arts = append(arts, Artifact{
			Path: fmt.Sprintf("%sscp-%d.json", t.dir(), i+1), Kind: KindSCP, Team: t.team.Name,
			Target: t.team.Name, TargetIDs: targets, Size: d.size, Limit: t.maxChars, Body: d.body,
		})
		resources[fmt.Sprintf("Scp%d", i+1)] = orgPolicyResource(name,
			fmt.Sprintf("aiguard preventive controls for team %s (%d of %d)", t.team.Name, i+1, len(docs)),
			"SERVICE_CONTROL_POLICY", d.doc, targets)
	}
	tmpl, err := templateBody(fmt.Sprintf("aiguard: service control policies of team %s", t.team.Name), nil, resources)
	if err != nil {
		return nil, fmt.Errorf("policygen: team %s: %w", t.team.Name, err)
	}
	arts = append(arts, Artifact{
		Path: t.dir() + "scps.cfn.json", Kind: KindCFNTemplate, Team: t.team.Name, Target: t.team.Name,
		TargetIDs: targets, Size: len(tmpl), Body: tmpl,
	})
	return arts, nil
}

// plan chooses the counterparts that fit next to the team's posture in
// the SCPs its targets have room for (see counterparts.go).
func (t *teamPolicy) plan(orgSCPs int) {
	t.planCounterparts(t.postureStatements(), t.maxPer-1-t.extraSCPsOnTargets(orgSCPs))
}

// extraSCPsOnTargets counts other aiguard SCPs attached to the team's
// targets: the organization's, when the team owns the root.
func (t *teamPolicy) extraSCPsOnTargets(orgSCPs int) int {
	for _, id := range t.team.OrganizationalUnits {
		if strings.HasPrefix(id, "r-") {
			return orgSCPs
		}
	}
	return 0
}

func extraNote(extra int) string {
	if extra == 0 {
		return ""
	}
	return fmt.Sprintf(" and the organization's %d SCPs at the root the team owns", extra)
}
