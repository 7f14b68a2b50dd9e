package policygen

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/iameval"
	"github.com/aiguard/aiguard/iampolicy"
	"github.com/aiguard/aiguard/orgspec"
)

// TestCounterpartListsFromFacts pins the action lists the counterparts
// derive from the IAM facts table: a refresh of the facts that changes one
// shows up here, to be reviewed against the rule it serves.
func TestCounterpartListsFromFacts(t *testing.T) {
	l := mustLists(t)
	tests := []struct {
		name string
		got  []string
		want []string
	}{
		{"notebook IMDS", l.notebookImds, []string{"sagemaker:CreateNotebookInstance", "sagemaker:UpdateNotebookInstance"}},
		{"AgentCore subnets", l.agentCoreNetwork, []string{"bedrock-agentcore:CreateAgentRuntime", "bedrock-agentcore:CreateBrowser",
			"bedrock-agentcore:CreateCodeInterpreter", "bedrock-agentcore:UpdateAgentRuntime"}},
		{"AgentCore memory key", l.agentCoreMemoryKey, []string{"bedrock-agentcore:CreateMemory"}},
		{"Comprehend model key", l.comprehendModelKey, []string{"comprehend:CreateDocumentClassifier",
			"comprehend:CreateEntityRecognizer", "comprehend:CreateFlywheel", "comprehend:ImportModel"}},
		{"Comprehend volume key", l.comprehendVolumeKey, []string{"comprehend:CreateDocumentClassifier",
			"comprehend:CreateEntityRecognizer", "comprehend:CreateFlywheel"}},
		{"policy attachments", l.policyAttach, []string{"iam:AttachGroupPolicy", "iam:AttachRolePolicy", "iam:AttachUserPolicy"}},
		{"API key creation", l.apiKeyCreate, []string{"iam:CreateServiceSpecificCredential"}},
		{"bearer tokens", l.bearerToken, []string{"bedrock:CallWithBearerToken"}},
		{"server certificates", l.serverCertUpload, []string{"iam:UploadServerCertificate"}},
		{"tag removal", l.tagRemoval, []string{"sagemaker:DeleteTags"}},
		{"extension registry", l.typeRegistryChanges, []string{"cloudformation:DeactivateType", "cloudformation:DeregisterType",
			"cloudformation:SetTypeConfiguration", "cloudformation:SetTypeDefaultVersion"}},
	}
	for _, tc := range tests {
		if !slices.Equal(tc.got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	for _, a := range []string{"cloudformation:DeleteStack", "cloudformation:UpdateStack", "cloudformation:CreateChangeSet",
		"cloudformation:ExecuteChangeSet", "cloudformation:SetStackPolicy", "cloudformation:ExecuteStackRefactor"} {
		if !slices.Contains(l.stackWrites, a) {
			t.Errorf("stack writes lack %s: %v", a, l.stackWrites)
		}
	}
	for _, a := range l.stackWrites {
		if strings.Contains(a, ":Describe") || strings.Contains(a, ":List") || strings.Contains(a, ":Get") {
			t.Errorf("stack writes hold the read action %s", a)
		}
	}
}

// teamWithRules builds the policy builder of a team of the example
// organization whose rules are set as given.
func teamWithRules(t *testing.T, s orgspec.Settings, rs orgspec.RuleSettings) *teamPolicy {
	t.Helper()
	spec := exampleSpec(t)
	team := &orgspec.Team{Name: "unit", Accounts: []string{"999999999999"}, Settings: s, Rules: rs}
	return newTeamPolicy(spec, team, mustLists(t))
}

func off() orgspec.RuleSetting {
	f := false
	return orgspec.RuleSetting{Enabled: &f}
}

func params(kv ...string) orgspec.RuleSetting {
	p := map[string]orgspec.ParamValue{}
	for i := 0; i+1 < len(kv); i += 2 {
		p[kv[i]] = orgspec.ParamValue(kv[i+1])
	}
	return orgspec.RuleSetting{Parameters: p}
}

// counterpartStatements returns every counterpart statement of the team,
// room aside.
func counterpartStatements(t *teamPolicy) []iampolicy.Statement {
	var out []iampolicy.Statement
	for _, c := range counterparts {
		out = append(out, c.statements(t)...)
	}
	return out
}

// TestCounterpartsFollowTheRules: each counterpart follows its rule's
// effective setting for the team, and denies nothing the rule passes.
func TestCounterpartsFollowTheRules(t *testing.T) {
	all := []string{"ProtectHook", "BedrockApiKeys", "BedrockLongTermKeys", "MantleLongTermKeys", "IamNoFullAccess", "AgentCoreVpc",
		"SmNotebookImds", "SmNotebookImdsUpdate", "AgentCoreMemoryKey", "ComprehendModelKey", "ComprehendVolumeKey", "SmTagTeam", "SmTagKeep"}
	tests := []struct {
		name     string
		settings orgspec.Settings
		rules    orgspec.RuleSettings
		want     []string          // the Sids, in table order
		contains map[string]string // Sid -> a fragment of its JSON
		lacks    map[string]string // Sid -> a fragment its JSON must not hold
	}{
		{name: "defaults", want: all,
			contains: map[string]string{
				"BedrockApiKeys":       `"StringEquals":{"iam:ServiceSpecificCredentialServiceName":"bedrock.amazonaws.com"}`,
				"BedrockLongTermKeys":  `"bedrock:BearerTokenType":"LONG_TERM"`,
				"IamNoFullAccess":      `"arn:aws:iam::aws:policy*/AmazonBedrockFullAccess","arn:aws:iam::aws:policy*/AmazonSageMakerFullAccess"`,
				"AgentCoreVpc":         `"Action":["bedrock-agentcore:CreateAgentRuntime","bedrock-agentcore:CreateBrowser","bedrock-agentcore:UpdateAgentRuntime"]`,
				"SmNotebookImds":       `"StringNotEquals":{"sagemaker:MinimumInstanceMetadataServiceVersion":"2"}`,
				"SmNotebookImdsUpdate": `"StringEquals":{"sagemaker:MinimumInstanceMetadataServiceVersion":"1"}`,
				"SmTagTeam":            `"Null":{"aws:RequestTag/aiguard-team":"true"}`,
			},
			lacks: map[string]string{"AgentCoreVpc": "CodeInterpreter", "IamNoFullAccess": "NotResource",
				"SmTagTeam": "sagemaker:CreateTrainingJob"}},
		{name: "API keys with a maximum age",
			settings: orgspec.Settings{Bedrock: &orgspec.Bedrock{APIKeyMaxAgeDays: 30}},
			want:     without(all, "BedrockLongTermKeys", "MantleLongTermKeys"),
			contains: map[string]string{"BedrockApiKeys": `"NumericGreaterThanIfExists":{"iam:ServiceSpecificCredentialAgeDays":"30"}`}},
		{name: "code interpreters in VPC mode only",
			rules:    orgspec.RuleSettings{ruleCodeInterpreter: params("allowedNetworkModes", "VPC")},
			want:     all,
			contains: map[string]string{"AgentCoreVpc": "bedrock-agentcore:CreateCodeInterpreter"}},
		{name: "AgentCore runtime rule off, browser on",
			rules:    orgspec.RuleSettings{ruleRuntimeNetwork: off()},
			want:     all,
			contains: map[string]string{"AgentCoreVpc": `"Action":"bedrock-agentcore:CreateBrowser"`}},
		{name: "AgentCore network rules off",
			rules: orgspec.RuleSettings{ruleRuntimeNetwork: off(), ruleBrowserNetwork: off(),
				ruleCodeInterpreter: params("allowedNetworkModes", "VPC")},
			want:     all,
			contains: map[string]string{"AgentCoreVpc": `"Action":"bedrock-agentcore:CreateCodeInterpreter"`}},
		{name: "full access allowed to named principals",
			rules: orgspec.RuleSettings{ruleFullAccess: params("allowedPrincipals",
				"MLPlatformAdmin,arn:aws:iam::999999999999:user/ml-ops", "policyNames", "AmazonSageMakerFullAccess")},
			want:     all,
			contains: map[string]string{"IamNoFullAccess": `"NotResource":["arn:aws:iam::*:*/MLPlatformAdmin","arn:aws:iam::999999999999:user/ml-ops"]`},
			lacks:    map[string]string{"IamNoFullAccess": "Bedrock"}},
		{name: "every front judged: no IAM server certificates",
			rules: orgspec.RuleSettings{ruleEndpointCert: params("requireMlTag", "false")},
			want:  slices.Insert(slices.Clone(all), 6, "IamNoServerCerts")},
		{name: "required tag keys",
			rules:    orgspec.RuleSettings{ruleTagged: params("requiredTagKeys", "cost-center,AIGUARD-TEAM")},
			want:     slices.Insert(slices.Clone(all), len(all)-1, "SmTag1"),
			contains: map[string]string{"SmTag1": `"Null":{"aws:RequestTag/cost-center":"true"}`}},
		{name: "rules off",
			rules: orgspec.RuleSettings{ruleAPIKeys: off(), ruleFullAccess: off(), ruleRuntimeNetwork: off(),
				ruleBrowserNetwork: off(), ruleNotebookImds: off(), ruleMemoryKey: off(), ruleComprehendKeys: off(), ruleTagged: off()},
			want: []string{"ProtectHook"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tp := teamWithRules(t, tc.settings, tc.rules)
			sts := counterpartStatements(tp)
			if got := sids(sts); !slices.Equal(got, tc.want) {
				t.Fatalf("Sids %v, want %v", got, tc.want)
			}
			by := bySid(sts)
			for sid, frag := range tc.contains {
				if s := jsonOf(t, by[sid]); !strings.Contains(s, frag) {
					t.Errorf("%s: %s lacks %s", sid, s, frag)
				}
			}
			for sid, frag := range tc.lacks {
				if s := jsonOf(t, by[sid]); strings.Contains(s, frag) {
					t.Errorf("%s: %s holds %s", sid, s, frag)
				}
			}
		})
	}
}

// TestNoHookNoHookProtection: a team that runs no change-triggered rule
// gets no CloudFormation hook, and so no deny on the extension registry.
func TestNoHookNoHookProtection(t *testing.T) {
	rs := orgspec.RuleSettings{}
	for _, r := range exampleSpec(t).Registry().All() {
		rs[r.ID] = off()
	}
	if sts := counterpartStatements(teamWithRules(t, orgspec.Settings{}, rs)); len(sts) != 0 {
		t.Errorf("a team without rules: %v", sids(sts))
	}
}

// TestCounterpartsToRootWhenFull fills a team's SCPs with long lists: the
// counterparts that do not fit its SCPs go to the root whole, scoped to
// the team's accounts, nothing is left out, and the matrix asks the root
// statements for them.
func TestCounterpartsToRootWhenFull(t *testing.T) {
	spec := exampleSpec(t)
	team := spec.Teams[0]
	for i := range 12 {
		team.Network.SubnetIDs = append(team.Network.SubnetIDs, fmt.Sprintf("subnet-0a1b2c3d4e5f7%04d", i))
	}
	out, err := Build(spec)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Omitted) > 0 {
		t.Errorf("left out although the root has room: %+v", out.Omitted)
	}
	var moved []string
	var rootSids []string
	for _, p := range out.AtRoot {
		if p.Team != team.Name {
			continue
		}
		moved = append(moved, p.Counterpart)
		for _, sid := range p.Statements {
			if !strings.HasSuffix(sid, "Acct") {
				t.Errorf("%s: %s is not scoped to the team's accounts", p.Counterpart, sid)
			}
		}
		if len(p.Statements) == 0 || len(p.Policies) == 0 {
			t.Errorf("placement without statements or policies: %+v", p)
		}
		rootSids = append(rootSids, p.Statements...)
	}
	if len(moved) <= 3 {
		t.Fatalf("twelve more subnets moved only %v to the root", moved)
	}
	if slices.Contains(moved, HookCounterpart) {
		t.Errorf("the hook's protection, the first counterpart, moved: %v", moved)
	}
	asked := map[string]bool{}
	for _, c := range mustMatrix(t, spec) {
		if c.Team == team.Name && c.Expect == "deny" {
			asked[c.ExpectSid] = true
		}
	}
	for _, sid := range rootSids {
		if !asked[sid] {
			t.Errorf("the matrix of %s asks nothing of %s", team.Name, sid)
		}
	}
	for _, b := range out.Budgets {
		if b.Attached > b.MaxAttached || b.Characters > b.MaxCharacters {
			t.Errorf("%s: %d SCPs of %d, %d characters", b.Target, b.Attached, b.MaxAttached, b.Characters)
		}
	}
}

// counterpartControls are the matrix controls of the counterparts; with
// the hook's stack and role rows of aiguard-protection and
// tooling-protection, they are what the policies generated before them
// (testdata/before-counterparts) let a team administrator do.
var counterpartControls = []string{"hook-protection", "bedrock-api-keys", "ml-full-access", "agentcore-network",
	"endpoint-certificates", "notebook-imdsv2", "agentcore-memory-kms", "comprehend-model-kms", "sagemaker-tags"}

// TestCounterpartsCloseGaps proves each counterpart from the attacker's
// seat: every request its matrix denies was allowed by the example's
// policies before the counterparts (root and team SCPs), and is denied
// now by the statement the matrix names.
func TestCounterpartsCloseGaps(t *testing.T) {
	spec := exampleSpec(t)
	cases, err := Matrix(spec)
	if err != nil {
		t.Fatal(err)
	}
	now, err := CompilePolicies(exampleArtifacts(t))
	if err != nil {
		t.Fatal(err)
	}
	before := beforePolicies(t, "before-counterparts")
	ev, err := iameval.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	closed := map[string]int{}
	for _, c := range cases {
		hookRow := strings.Contains(c.ID, "hook-") || strings.HasSuffix(c.ID, "/rule-lambda-stack")
		if c.Expect != "deny" || !slices.Contains(counterpartControls, c.Control) && !hookRow {
			continue
		}
		levels := [][]*iameval.Compiled{append([]*iameval.Compiled{iameval.FullAWSAccess()}, before["organization"]...)}
		if c.Team != "" {
			levels = append(levels, append([]*iameval.Compiled{iameval.FullAWSAccess()}, before[c.Team]...))
		}
		old := iameval.Set{SCPs: levels, Identity: []*iameval.Compiled{iameval.AdministratorAccess()}}
		r := c.Request()
		// Before, the hook's execution role had no path: CloudFormation
		// named it after the stack, outside aiguard's prefix.
		r.Resource = strings.Replace(r.Resource, ":role"+HookRolePath, ":role/", 1)
		d, err := ev.Decide(r, old)
		if err != nil {
			t.Fatal(err)
		}
		if d.Denied() {
			t.Errorf("%s (%s): the policies before already denied it (%s): not a gap", c.ID, c.Description, d.DeniedBy())
			continue
		}
		set, err := now.Set(c.Team, c.Boundary)
		if err != nil {
			t.Fatal(err)
		}
		if d, err = ev.Decide(c.Request(), set); err != nil || c.Mismatch(d) != "" {
			t.Errorf("%s: now %s, want deny by %s (%v)", c.ID, d.DeniedBy(), c.ExpectSid, err)
		}
		closed[c.Control]++
	}
	for _, control := range []string{"hook-protection", "bedrock-api-keys", "ml-full-access", "agentcore-network",
		"notebook-imdsv2", "agentcore-memory-kms", "comprehend-model-kms", "sagemaker-tags", "aiguard-protection",
		"tooling-protection"} {
		if closed[control] == 0 {
			t.Errorf("%s: no gap closed in the example", control)
		}
	}
	t.Logf("gaps closed by control: %v", closed)
}
