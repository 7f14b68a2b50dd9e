package deploy

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aiguard/aiguard/conformance"
	"github.com/aiguard/aiguard/internal/cfnschema"
	"github.com/aiguard/aiguard/orgspec"
	"github.com/aiguard/aiguard/packgen"
	"github.com/aiguard/aiguard/policygen"
	"github.com/aiguard/aiguard/rules"
)

// testNow fixes the clock that decides which exceptions are active.
var testNow = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

func parseSpec(t testing.TB, reg *rules.Registry, name string, data []byte) *orgspec.Spec {
	t.Helper()
	spec, err := orgspec.Options{Registry: reg, Now: testNow}.Parse(name, data)
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return spec
}

func exampleSpec(t testing.TB) *orgspec.Spec {
	return parseSpec(t, nil, orgspec.ExampleName, orgspec.Example())
}

func generate(t testing.TB, spec *orgspec.Spec) *Output {
	t.Helper()
	out, err := Generate(spec, Options{})
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	return out
}

// checkArtifacts applies the checks every generated file must pass: packs
// lint without any finding, and every template, the organization packs'
// inline TemplateBody included, matches the CloudFormation schema.
func checkArtifacts(t *testing.T, out *Output) {
	t.Helper()
	schema, err := cfnschema.Default()
	if err != nil {
		t.Fatal(err)
	}
	lint := func(name string, body []byte) {
		fs, err := (&conformance.Linter{Schema: schema}).Lint(body)
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
		for _, f := range fs {
			t.Errorf("%s: %s", name, f)
		}
		if len(body) > conformance.MaxTemplateBytes {
			t.Errorf("%s: %d bytes, more than a TemplateBody takes", name, len(body))
		}
	}
	for _, a := range out.Artifacts {
		switch policygen.Kind(a.Kind) {
		case policygen.KindSCP, policygen.KindBoundary, policygen.KindExecutionRole, policygen.KindOptOut, policygen.KindTests:
			continue // policy documents and request files, not templates: policygen's tests check them
		}
		if !parsesAsTemplate(a.Data) {
			continue // landing-zone manifests, configuration and policy copies: their own tests check them
		}
		tmpl, err := conformance.Parse(a.Data)
		if err != nil {
			t.Errorf("%s: %v", a.Path, err)
			continue
		}
		for _, v := range schema.Validate(tmpl.Document().JSON()) {
			t.Errorf("%s: schema: %s %s", a.Path, v.Pointer, v.Message)
		}
		switch a.Kind {
		case KindConformancePack:
			lint(a.Path, a.Data)
		case KindOrganizationConformancePack:
			body, ok := tmpl.Document().Path("Resources", orgPackLogicalID, "Properties", "TemplateBody").Scalar()
			if !ok {
				if tmpl.Document().Path("Resources", orgPackLogicalID, "Properties", "TemplateS3Uri") == nil {
					t.Errorf("%s: neither TemplateBody nor TemplateS3Uri", a.Path)
				}
				continue
			}
			lint(a.Path+" TemplateBody", []byte(body))
		}
	}
}

func TestGenerateExample(t *testing.T) {
	out := generate(t, exampleSpec(t))
	checkArtifacts(t, out)

	byPath := map[string]Artifact{}
	for _, a := range out.Artifacts {
		byPath[a.Path] = a
	}
	for _, want := range []string{
		"packs/aiguard-baseline.yaml", "packs/aiguard-payments-risk.yaml", "packs/aiguard-research.yaml",
		"packs/aiguard-retail-vision.yaml", "organization-packs/aiguard-baseline.yaml",
		"organization-packs/aiguard-payments-risk.yaml", LambdaPath, MemberRolePath,
	} {
		if _, ok := byPath[want]; !ok {
			t.Errorf("missing %s", want)
		}
	}
	// Teams owning OUs get no organization pack, but a note.
	for _, team := range []string{"research", "retail-vision"} {
		if _, ok := byPath[OrganizationPackPath("aiguard-"+team)]; ok {
			t.Errorf("team %s owns an OU but got an organization pack", team)
		}
		if !hasNote(out, "pack aiguard-"+team, "StackSet") {
			t.Errorf("no StackSet note for team %s", team)
		}
	}
	if !hasNote(out, "team research", "sagemaker-notebook-root-access-disabled (research-gpu-driver-build)") {
		t.Error("no note on research's exception")
	}

	org := string(byPath[OrganizationPackPath("aiguard-payments-risk")].Data)
	for _, want := range []string{`- "111111111111"`, `- "222222222222"`, `- "666666666666"`,
		"DeliveryS3Bucket: awsconfigconforms-example-corp", "arn:${AWS::Partition}:lambda:${AWS::Region}:222222222222:function:aiguard-config-rules"} {
		if !strings.Contains(org, want) {
			t.Errorf("payments-risk organization pack lacks %q", want)
		}
	}
	if strings.Contains(org, `- "333333333333"`) {
		t.Error("payments-risk organization pack excludes the team's own account")
	}
	if base := string(byPath[OrganizationPackPath(packgen.BaselineName)].Data); strings.Contains(base, "ExcludedAccounts") {
		t.Error("the baseline excludes accounts")
	}

	s := out.Summary()
	if s.Teams != 3 || s.Packs != 4 || s.Rules != s.CustomRules+s.ManagedRules || s.ManagedRules == 0 || s.CustomRules == 0 {
		t.Errorf("summary = %+v", s)
	}
}

func hasNote(out *Output, subject, fragment string) bool {
	for _, n := range out.Notes {
		if n.Subject == subject && strings.Contains(n.Message, fragment) {
			return true
		}
	}
	return false
}

// findRule returns the rule of a pack by rule ID.
func findRule(out *Output, pack, ruleID string) *packgen.PackRule {
	for _, pk := range out.Plan.Packs {
		if pk.Name != pack {
			continue
		}
		for _, r := range pk.Rules {
			if r.Rule.ID == ruleID {
				return r
			}
		}
	}
	return nil
}

func TestExampleDecisions(t *testing.T) {
	out := generate(t, exampleSpec(t))
	tests := []struct {
		pack, rule string
		managed    string // "" for custom
		params     map[string]string
	}{
		// Same for every team, so in the baseline.
		{"aiguard-baseline", "sagemaker-notebook-no-direct-internet", "SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET_ACCESS", map[string]string{}},
		{"aiguard-baseline", "sagemaker-endpoint-config-multi-instance", "SAGEMAKER_ENDPOINT_CONFIG_PROD_INSTANCE_COUNT", map[string]string{}},
		{"aiguard-baseline", "bedrock-guardrail-strength", "", map[string]string{}},
		// Stricter than its managed near-equivalent: aiguard's, with the team's subnets.
		{"aiguard-payments-risk", "sagemaker-notebook-in-vpc", "",
			map[string]string{"allowedSubnetIds": "subnet-0a1b2c3d4e5f60011,subnet-0a1b2c3d4e5f60012"}},
		// Key ARNs only: the managed rule takes them.
		{"aiguard-research", "sagemaker-notebook-cmk-encrypted", "SAGEMAKER_NOTEBOOK_INSTANCE_KMS_KEY_CONFIGURED",
			map[string]string{"kmsKeyArns": "arn:aws:kms:us-west-2:555555555555:key/2b3c4d5e-2222-4b3c-9d4e-222222222222"}},
		// No managed rule: aiguard's, with the team's parameters.
		{"aiguard-retail-vision", "sagemaker-domain-cmk-encrypted", "",
			map[string]string{"kmsKeyArns": "arn:aws:kms:us-east-1:666666666666:key/3c4d5e6f-3333-4c4d-8e5f-333333333333"}},
	}
	for _, tt := range tests {
		t.Run(tt.pack+"/"+tt.rule, func(t *testing.T) {
			r := findRule(out, tt.pack, tt.rule)
			if r == nil {
				t.Fatalf("rule %s not in pack %s", tt.rule, tt.pack)
			}
			if r.Managed != tt.managed {
				t.Errorf("Managed = %q, want %q (kept: %s)", r.Managed, tt.managed, r.KeptReason)
			}
			if fmt.Sprint(r.InputParameters) != fmt.Sprint(tt.params) {
				t.Errorf("InputParameters = %v, want %v", r.InputParameters, tt.params)
			}
		})
	}
	// An exception keeps the rule in the team's pack, as aiguard's rule, with
	// the exempted resources as a parameter the Lambda reads.
	r := findRule(out, "aiguard-research", "sagemaker-notebook-root-access-disabled")
	if r == nil || r.Managed != "" {
		t.Fatalf("research's exempted root-access rule: %+v, want aiguard's rule in the team pack", r)
	}
	if got := packgen.CustomInputParameters(r, "m")[rules.ExemptParam]; got != "research-gpu-driver-build@2030-06-30" {
		t.Errorf("%s = %q, want the exempted notebook with its last day", rules.ExemptParam, got)
	}
	// A rule runs once per team: in the baseline or in the team's pack.
	for _, tp := range out.Plan.Teams {
		seen := map[string]string{}
		var packs []*packgen.Pack
		for _, pk := range out.Plan.Packs {
			if pk.Team == nil || pk.Team == tp.Team {
				packs = append(packs, pk)
			}
		}
		n := 0
		for _, pk := range packs {
			for _, r := range pk.Rules {
				if other, dup := seen[r.Rule.ID]; dup {
					t.Errorf("team %s runs %s in %s and %s", tp.Team.Name, r.Rule.ID, other, pk.Name)
				}
				seen[r.Rule.ID] = pk.Name
				n++
			}
		}
		if n != tp.Enabled {
			t.Errorf("team %s: %d rules in its packs, %d enabled", tp.Team.Name, n, tp.Enabled)
		}
	}
}

// TestCustomRuleShape checks a custom rule's resource as Config needs it.
func TestCustomRuleShape(t *testing.T) {
	out := generate(t, exampleSpec(t))
	for _, pk := range out.Plan.Packs {
		written, err := conformance.Parse(pk.Body)
		if err != nil {
			t.Fatalf("%s: %v", pk.Name, err)
		}
		for _, res := range written.ConfigRules() {
			p := res.Properties
			owner, _ := p.Path("Source", "Owner").Scalar()
			name, _ := p.Get("ConfigRuleName").Scalar()
			if owner != conformance.OwnerCustomLambda {
				if p.Get("Scope") != nil || p.Path("Source", "SourceDetails") != nil {
					t.Errorf("%s: a managed rule with Scope or SourceDetails", name)
				}
				continue
			}
			if id, _ := p.Path("InputParameters", "ruleId").Scalar(); id == "" {
				t.Errorf("%s: no ruleId", name)
			}
			if role, _ := p.Path("InputParameters", "ExecutionRoleName").Scalar(); role != "aiguard-config-rules-member" {
				t.Errorf("%s: ExecutionRoleName = %q", name, role)
			}
			if ref, _ := p.Path("Source", "SourceIdentifier", "Ref").Scalar(); ref != packgen.LambdaArnParam {
				t.Errorf("%s: SourceIdentifier is not Ref %s", name, packgen.LambdaArnParam)
			}
		}
	}
}

func TestDeterministic(t *testing.T) {
	a, b := generate(t, exampleSpec(t)), generate(t, exampleSpec(t))
	if len(a.Artifacts) != len(b.Artifacts) {
		t.Fatalf("%d artifacts, then %d", len(a.Artifacts), len(b.Artifacts))
	}
	for i := range a.Artifacts {
		if a.Artifacts[i].Path != b.Artifacts[i].Path || !bytes.Equal(a.Artifacts[i].Data, b.Artifacts[i].Data) {
			t.Errorf("%s differs between runs", a.Artifacts[i].Path)
		}
	}
	ma, err := a.ManifestJSON()
	if err != nil {
		t.Fatal(err)
	}
	mb, _ := b.ManifestJSON()
	if !bytes.Equal(ma, mb) {
		t.Error("manifest differs between runs")
	}
}

// TestTeamOrderIrrelevant reorders the teams of the example: the output
// must not change.
func TestTeamOrderIrrelevant(t *testing.T) {
	spec := exampleSpec(t)
	a := generate(t, spec)
	spec.Teams[0], spec.Teams[2] = spec.Teams[2], spec.Teams[0]
	b := generate(t, spec)
	for i := range a.Artifacts {
		if !bytes.Equal(a.Artifacts[i].Data, b.Artifacts[i].Data) {
			t.Errorf("%s depends on the order of the teams", a.Artifacts[i].Path)
		}
	}
}

// testOrganization starts the small specs of these tests: an organization
// of one Region, before its defaults and teams.
const testOrganization = `apiVersion: aiguard.dev/v1
organization:
  name: example-corp
  id: o-exampleorg1
  managementAccount: "111111111111"
  securityToolingAccount: "222222222222"
  regions: [us-east-1]
  breakGlassRoles: [BreakGlass]
`

func TestInputParametersTooLong(t *testing.T) {
	var keys, lines []string
	for i := range 14 {
		keys = append(keys, fmt.Sprintf("arn:aws:kms:us-east-1:333333333333:key/1a2b3c4d-1111-4a2b-8c3d-%012d", i))
		lines = append(lines, "      - "+keys[i])
	}
	head := testOrganization + `teams:
  - name: keyring
    accounts: ["333333333333"]
    dataClassification: internal
    kmsKeyArns:
`
	// validate (Parse) refuses what Generate would refuse, with the team's
	// position.
	_, err := orgspec.Options{Now: testNow}.Parse("long.yaml", []byte(head+strings.Join(lines, "\n")+"\n"))
	if err == nil || !strings.Contains(err.Error(), "long.yaml:10:5: teams[0]: rule sagemaker-domain-cmk-encrypted") {
		t.Errorf("Parse: err = %v, want the InputParameters error at the team", err)
	}
	// A spec built in code skips validation; Generate still refuses it.
	spec := parseSpec(t, nil, "long.yaml", []byte(head+lines[0]+"\n"))
	spec.Teams[0].KMSKeyArns = keys
	_, err = Generate(spec, Options{})
	if err == nil {
		t.Fatal("Generate accepted InputParameters above 1,024 characters")
	}
	for _, want := range []string{"team keyring", "rule sagemaker-domain-cmk-encrypted", "1024", "kmsKeyArns ("} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

func TestSingleTeamHasNoBaseline(t *testing.T) {
	spec := parseSpec(t, nil, "one.yaml", []byte(testOrganization+`teams:
  - name: research
    accounts: ["333333333333"]
    dataClassification: internal
`))
	out := generate(t, spec)
	checkArtifacts(t, out)
	if len(out.Plan.Packs) != 1 || out.Plan.Packs[0].Name != "aiguard-research" {
		t.Fatalf("packs = %v, want only aiguard-research", packNames(out))
	}
	// Every account is known and no baseline runs everywhere: Config may
	// invoke the Lambda from the named accounts only.
	want := []string{"111111111111", "222222222222", "333333333333"}
	if got := out.Plan.Deployment.InvokingAccounts; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("InvokingAccounts = %v, want %v", got, want)
	}
}

func packNames(out *Output) []string {
	var names []string
	for _, pk := range out.Plan.Packs {
		names = append(names, pk.Name)
	}
	return names
}

func TestProducerSeam(t *testing.T) {
	extra := Producer{Name: "policies", Produce: func(p *Plan) (Result, error) {
		return Result{
			Artifacts: []Artifact{{Path: "policies/scp-" + p.Spec.Organization.Name + ".json", Kind: "scp",
				Target: Target{Scope: ScopeOrganization}, Data: []byte("{}\n")}},
			Notes: []Note{{Level: packgen.Info, Subject: "policies", Message: "plugged in"}},
		}, nil
	}}
	out, err := Generate(exampleSpec(t), Options{Producers: append(DefaultProducers(), extra)})
	if err != nil {
		t.Fatal(err)
	}
	m := out.Manifest()
	found := false
	for _, f := range m.Files {
		found = found || f.Path == "policies/scp-example-corp.json" && f.Kind == "scp"
	}
	if !found || !hasNote(out, "policies", "plugged in") {
		t.Error("the extra producer's artifact or note is missing from the manifest")
	}

	for _, bad := range []string{"../escape.json", "/abs.json", "packs/aiguard-baseline.yaml", ManifestName, "a//b"} {
		p := Producer{Name: "bad", Produce: func(*Plan) (Result, error) {
			return Result{Artifacts: []Artifact{{Path: bad, Data: []byte("x")}}}, nil
		}}
		if _, err := Generate(exampleSpec(t), Options{Producers: append(DefaultProducers(), p)}); err == nil {
			t.Errorf("path %q accepted", bad)
		}
	}
}

func TestIdenticalTeams(t *testing.T) {
	spec := parseSpec(t, nil, "twins.yaml", []byte(testOrganization+`defaults:
  dataClassification: internal
teams:
  - name: alpha
    accounts: ["333333333333"]
  - name: beta
    accounts: ["444444444444"]
`))
	out := generate(t, spec)
	checkArtifacts(t, out)
	if len(out.Plan.Packs) != 1 || out.Plan.Packs[0].Name != packgen.BaselineName {
		t.Fatalf("packs = %v, want only the baseline", packNames(out))
	}
	for _, team := range []string{"alpha", "beta"} {
		if !hasNote(out, "team "+team, "no pack of its own") {
			t.Errorf("no note that team %s has no pack", team)
		}
	}
	// The baseline runs everywhere, so Config anywhere may invoke the Lambda.
	if out.Plan.Deployment.InvokingAccounts != nil || !hasNote(out, LambdaPath, "baseline pack runs in every account") {
		t.Errorf("InvokingAccounts = %v, want nil with a note", out.Plan.Deployment.InvokingAccounts)
	}
}

// TestTemplateKinds checks that the kinds isTemplate knows without reading
// the data say what the data is, for every file of the example's output.
func TestTemplateKinds(t *testing.T) {
	for _, a := range generate(t, exampleSpec(t)).Artifacts {
		if got, want := isTemplate(a), parsesAsTemplate(a.Data); got != want {
			t.Errorf("%s (kind %s): isTemplate = %v, but the data says %v", a.Path, a.Kind, got, want)
		}
	}
}
