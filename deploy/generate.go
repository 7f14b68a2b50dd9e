package deploy

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/aiguard/aiguard/internal/cfnschema"
	"github.com/aiguard/aiguard/internal/english"
	"github.com/aiguard/aiguard/orgspec"
	"github.com/aiguard/aiguard/packgen"
)

// Plan is packgen's plan of the packs, which every producer reads; the
// producers' own methods on it live here, with the producers.
type Plan struct{ *packgen.Plan }

// Note is a plan's or a producer's note: what it could not express and
// what to do about it.
type Note = packgen.Note

// Artifact kinds, as the manifest names them.
const (
	KindConformancePack             = "conformance-pack"
	KindOrganizationConformancePack = "organization-conformance-pack"
	KindLambdaStack                 = "lambda-stack"
	KindMemberRoleStackSet          = "member-role-stackset"
)

// Target scopes.
const (
	ScopeOrganization = "organization"
	ScopeTeam         = "team"
	ScopeAccount      = "account"
)

// Target says what an artifact governs or where it is deployed.
type Target struct {
	// Scope is organization, team or account.
	Scope               string   `json:"scope"`
	Team                string   `json:"team,omitempty"`
	Accounts            []string `json:"accounts,omitempty"`
	OrganizationalUnits []string `json:"organizationalUnits,omitempty"`
	Regions             []string `json:"regions,omitempty"`
}

// Artifact is one generated file.
type Artifact struct {
	// Path is relative to the output directory, with forward slashes.
	Path   string
	Kind   string
	Target Target
	Data   []byte
}

// Result is what a Producer makes.
type Result struct {
	Artifacts []Artifact
	Notes     []Note
	// Policies summarises the preventive policies, from their producer.
	Policies *ManifestPolicies
}

// Producer makes one family of artifacts from the plan. Generate runs the
// producers in order; their artifacts must not share a path.
type Producer struct {
	Name    string
	Produce func(*Plan) (Result, error)
	// Derive, set instead of Produce, makes artifacts from those of the
	// producers before it (the landing-zone layouts of the same files).
	Derive func(*Plan, []Artifact) (Result, error)
}

// DefaultProducers returns the producers Generate runs when Options sets
// none: the conformance packs (plain and organization), the deployment
// templates, and the preventive policies (SCPs, permission boundaries,
// execution roles, the AI services opt-out policy).
func DefaultProducers() []Producer {
	return []Producer{
		{Name: "conformance packs", Produce: producePacks},
		{Name: "deployment", Produce: produceDeployment},
		{Name: "policies", Produce: producePolicies},
		{Name: "security hub", Produce: produceSecurityHub},
		{Name: "cloudformation hook", Produce: produceHook},
		{Name: "detections", Produce: produceDetections},
		{Name: "customizations for control tower", Derive: deriveCfCT},
		{Name: "landing zone accelerator", Derive: deriveLZA},
		{Name: "terraform", Derive: deriveTerraform},
	}
}

// Options control Generate.
type Options struct {
	// Producers make the artifacts; nil runs DefaultProducers.
	Producers []Producer
	// Schema validates every template against the CloudFormation resource
	// schema; nil uses cfnschema.Default.
	Schema *cfnschema.Validator
}

// Output is everything Generate made.
type Output struct {
	Plan *Plan
	// Artifacts are sorted by path; the manifest is not among them.
	Artifacts []Artifact
	// Notes are the plan's notes, then each producer's, in order.
	Notes []Note
	// Policies summarises the preventive policies (nil without them).
	Policies *ManifestPolicies
}

// ManifestName is the manifest's file name in the output directory.
const ManifestName = "manifest.json"

// Generate plans the packs for a valid spec and runs the producers. It
// checks every template it makes (conformance Lint, CloudFormation schema)
// and fails, writing nothing, when a limit cannot be met.
func Generate(spec *orgspec.Spec, opts Options) (*Output, error) {
	schema := opts.Schema
	if schema == nil {
		var err error
		if schema, err = cfnschema.Default(); err != nil {
			return nil, err
		}
	}
	pp, err := packgen.NewPlan(spec, schema)
	if err != nil {
		return nil, err
	}
	plan := &Plan{pp}
	producers := opts.Producers
	if producers == nil {
		producers = DefaultProducers()
	}
	out := &Output{Plan: plan, Notes: slices.Clone(plan.Notes)}
	seen := map[string]string{ManifestName: "the manifest"}
	for _, pr := range producers {
		var res Result
		var err error
		if pr.Derive != nil {
			res, err = pr.Derive(plan, slices.Clone(out.Artifacts))
		} else {
			res, err = pr.Produce(plan)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", pr.Name, err)
		}
		for _, a := range res.Artifacts {
			if err := checkPath(a.Path); err != nil {
				return nil, fmt.Errorf("%s: %w", pr.Name, err)
			}
			if by, dup := seen[a.Path]; dup {
				return nil, fmt.Errorf("%s: %s is also written by %s", pr.Name, a.Path, by)
			}
			seen[a.Path] = pr.Name
			out.Artifacts = append(out.Artifacts, a)
		}
		out.Notes = append(out.Notes, res.Notes...)
		if res.Policies != nil {
			out.Policies = res.Policies
		}
	}
	sort.Slice(out.Artifacts, func(i, j int) bool { return out.Artifacts[i].Path < out.Artifacts[j].Path })
	return out, nil
}

// checkPath accepts a clean relative slash path inside the output
// directory.
func checkPath(p string) error {
	if p == "" || path.IsAbs(p) || path.Clean(p) != p || p == "." || strings.HasPrefix(p, "../") || p == ".." ||
		strings.Contains(p, `\`) {
		return fmt.Errorf("artifact path %q is not a clean relative path", p)
	}
	return nil
}

// Summary counts what was generated.
type Summary struct {
	Teams int `json:"teams"`
	// Packs counts conformance packs, each part of a split pack as one.
	Packs        int `json:"packs"`
	Rules        int `json:"rules"`
	CustomRules  int `json:"customRules"`
	ManagedRules int `json:"managedRules"`
	Files        int `json:"files"`
}

// Summary counts the teams, packs and rules (custom and managed) of the
// output.
func (o *Output) Summary() Summary {
	s := Summary{Teams: len(o.Plan.Teams), Packs: len(o.Plan.Packs), Files: len(o.Artifacts) + 1}
	for _, pk := range o.Plan.Packs {
		s.Rules += len(pk.Rules)
		c := pk.Custom()
		s.CustomRules += c
		s.ManagedRules += len(pk.Rules) - c
	}
	return s
}

// String is the one-line human summary `aiguard generate` ends with.
func (s Summary) String() string {
	return fmt.Sprintf("%s, %s, %s (%d custom, %d managed), %s",
		english.Count(s.Teams, "team"), english.Count(s.Packs, "conformance pack"), english.Count(s.Rules, "rule"),
		s.CustomRules, s.ManagedRules, english.Count(s.Files, "file"))
}

// ManifestVersion is the version of the manifest format.
const ManifestVersion = 1

// Manifest is DIR/manifest.json.
type Manifest struct {
	// Generator is always "aiguard"; WriteDir recognises its own output by
	// it.
	Generator       string               `json:"generator"`
	ManifestVersion int                  `json:"manifestVersion"`
	Organization    ManifestOrganization `json:"organization"`
	Summary         Summary              `json:"summary"`
	Packs           []ManifestPack       `json:"packs"`
	// Files lists every file but the manifest, sorted by path.
	Files []ManifestFile `json:"files"`
	Notes []Note         `json:"notes"`
	// Policies are the attacker's matrix size and the SCP budgets.
	Policies *ManifestPolicies `json:"policies,omitempty"`
}

// ManifestOrganization identifies the organization the output is for.
type ManifestOrganization struct {
	Name    string   `json:"name"`
	ID      string   `json:"id"`
	Regions []string `json:"regions"`
}

// ManifestPack describes one conformance pack.
type ManifestPack struct {
	Name string `json:"name"`
	// Team is empty for the organization baseline.
	Team         string   `json:"team,omitempty"`
	Part         int      `json:"part"`
	Parts        int      `json:"parts"`
	SplitReason  string   `json:"splitReason,omitempty"`
	Rules        int      `json:"rules"`
	CustomRules  int      `json:"customRules"`
	ManagedRules int      `json:"managedRules"`
	Bytes        int      `json:"bytes"`
	RuleNames    []string `json:"ruleNames"`
}

// ManifestFile is one generated file.
type ManifestFile struct {
	Path   string `json:"path"`
	Kind   string `json:"kind"`
	Target Target `json:"target"`
	Bytes  int    `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// Manifest returns the manifest of the output.
func (o *Output) Manifest() Manifest {
	spec := o.Plan.Spec
	m := Manifest{
		Generator:       "aiguard",
		ManifestVersion: ManifestVersion,
		Organization: ManifestOrganization{
			Name: spec.Organization.Name, ID: spec.Organization.ID,
			Regions: slices.Clone(spec.Organization.Regions),
		},
		Summary:  o.Summary(),
		Packs:    []ManifestPack{},
		Files:    make([]ManifestFile, 0, len(o.Artifacts)),
		Notes:    slices.Clone(o.Notes),
		Policies: o.Policies,
	}
	if m.Notes == nil {
		m.Notes = []Note{}
	}
	for _, pk := range o.Plan.Packs {
		mp := ManifestPack{Name: pk.Name, Part: pk.Part, Parts: pk.Parts, SplitReason: pk.SplitReason,
			Rules: len(pk.Rules), CustomRules: pk.Custom(), ManagedRules: len(pk.Rules) - pk.Custom(), Bytes: len(pk.Body)}
		if pk.Team != nil {
			mp.Team = pk.Team.Name
		}
		for _, r := range pk.Rules {
			mp.RuleNames = append(mp.RuleNames, r.Name)
		}
		m.Packs = append(m.Packs, mp)
	}
	for _, a := range o.Artifacts {
		sum := sha256.Sum256(a.Data)
		m.Files = append(m.Files, ManifestFile{Path: a.Path, Kind: a.Kind, Target: a.Target, Bytes: len(a.Data),
			SHA256: hex.EncodeToString(sum[:])})
	}
	return m
}

// ManifestJSON returns the manifest as indented JSON with a final newline.
func (o *Output) ManifestJSON() ([]byte, error) {
	b, err := json.MarshalIndent(o.Manifest(), "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode manifest: %w", err)
	}
	return append(b, '\n'), nil
}
