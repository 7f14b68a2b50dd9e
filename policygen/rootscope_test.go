package policygen

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/orgspec"
)

func TestTeamScopes(t *testing.T) {
	tests := []struct {
		name  string
		org   string
		team  orgspec.Team
		want  []scope
		empty bool
	}{
		{name: "accounts", org: "o-a1b2c3d4e5", team: orgspec.Team{Accounts: []string{"444444444444", "333333333333"}},
			want: []scope{{ScopeAccounts, []string{"333333333333", "444444444444"}}}},
		{name: "organizational units", org: "o-a1b2c3d4e5", team: orgspec.Team{OrganizationalUnits: []string{"ou-ab12-22222222", "ou-ab12-11111111"}},
			want: []scope{{ScopeOUs, []string{"o-a1b2c3d4e5/*/ou-ab12-11111111/*", "o-a1b2c3d4e5/*/ou-ab12-22222222/*"}}}},
		{name: "both: two scopes", org: "o-a1b2c3d4e5",
			team: orgspec.Team{Accounts: []string{"333333333333"}, OrganizationalUnits: []string{"ou-ab12-11111111"}},
			want: []scope{{ScopeAccounts, []string{"333333333333"}}, {ScopeOUs, []string{"o-a1b2c3d4e5/*/ou-ab12-11111111/*"}}}},
		{name: "the root: its SCPs already share the root", org: "o-a1b2c3d4e5",
			team: orgspec.Team{Accounts: []string{"333333333333"}, OrganizationalUnits: []string{"r-ab12"}}, empty: true},
		{name: "OUs without an organization ID to anchor them", team: orgspec.Team{OrganizationalUnits: []string{"ou-ab12-11111111"}}, empty: true},
		{name: "accounts need no organization ID", team: orgspec.Team{Accounts: []string{"333333333333"}},
			want: []scope{{ScopeAccounts, []string{"333333333333"}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spec := &orgspec.Spec{Organization: orgspec.Organization{ID: tc.org}}
			got := teamScopes(spec, &tc.team)
			if tc.empty {
				if got != nil {
					t.Errorf("got %v, want no scope", got)
				}
				return
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i].kind != tc.want[i].kind || !slices.Equal(got[i].values, tc.want[i].values) {
					t.Errorf("scope %d: got %v, want %v", i, got[i], tc.want[i])
				}
			}
		})
	}
}

func TestPrincipalOrgPath(t *testing.T) {
	spec := exampleSpec(t)
	research, _ := spec.Team("research")
	retail, _ := spec.Team("retail-vision")
	payments, _ := spec.Team("payments-risk")
	tests := []struct {
		name    string
		spec    *orgspec.Spec
		team    *orgspec.Team
		account string
		want    string
	}{
		{"an account the team names", spec, payments, "333333333333", "o-exampleorg1/r-ab12/"},
		{"an account under the team's OU", spec, research, placeholderAccount, "o-exampleorg1/r-ab12/ou-ex12-research/"},
		{"a team with both: an account it names", spec, retail, "666666666666", "o-exampleorg1/r-ab12/"},
		{"a team with both: another account", spec, retail, placeholderAccount, "o-exampleorg1/r-ab12/ou-ex12-retailvis/"},
		{"no team", spec, nil, "999999999999", "o-exampleorg1/r-ab12/"},
		{"the root a team owns", parseVariant(t, "organizationalUnits: [ou-ex12-research]", "organizationalUnits: [r-ex12]"),
			payments, "333333333333", "o-exampleorg1/r-ex12/"},
		{"no organization ID", &orgspec.Spec{Teams: []*orgspec.Team{nil, research}}, research, placeholderAccount, ""},
	}
	for _, tc := range tests {
		if got := PrincipalOrgPath(tc.spec, tc.team, tc.account); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
	if got := ImpliedContext(spec, "research", "arn:aws:sts::123456789012:assumed-role/Dev/x"); !slices.Equal(got[keyPrincipalOrgPaths],
		[]string{"o-exampleorg1/r-ab12/ou-ex12-research/"}) {
		t.Errorf("ImpliedContext(research) = %v", got)
	}
	if got := ImpliedContext(spec, "nobody", "123456789012"); got != nil {
		t.Errorf("ImpliedContext(nobody) = %v", got)
	}
}

// TestExampleNothingLeftOut: the example's counterparts that its teams'
// SCPs have no room for all go to the root, scoped, merged where the
// teams' statements are the same, and every target stays within AWS's
// limits.
func TestExampleNothingLeftOut(t *testing.T) {
	out, err := Build(exampleSpec(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Omitted) > 0 {
		t.Errorf("left out: %+v", out.Omitted)
	}
	got := map[string][]string{}
	for _, p := range out.AtRoot {
		got[p.Team] = append(got[p.Team], p.Counterpart)
	}
	want := map[string][]string{
		"payments-risk": {ruleNotebookImds, ruleMemoryKey, ruleComprehendKeys, ruleTagged},
		"research":      {ruleMemoryKey, ruleComprehendKeys, ruleTagged},
		"retail-vision": {ruleComprehendKeys, ruleTagged},
	}
	for team, w := range want {
		if !slices.Equal(got[team], w) {
			t.Errorf("%s at the root: %v, want %v", team, got[team], w)
		}
	}
	for _, b := range out.Budgets {
		if b.Attached > b.MaxAttached || b.Characters > b.MaxCharacters {
			t.Errorf("%s: %d SCPs of %d, %d characters of %d", b.Target, b.Attached, b.MaxAttached, b.Characters, b.MaxCharacters)
		}
		for _, p := range b.Policies {
			if p.Characters > p.MaxCharacters {
				t.Errorf("%s: %d characters", p.Path, p.Characters)
			}
		}
	}
	// The tag statements of the three teams are the same: one root
	// statement per kind of scope, with the union of the scopes.
	root := rootDocs(t, out.Artifacts)
	for sid, want := range map[string]string{
		"SmTagTeamAcct":        `"StringEquals":{"aws:PrincipalAccount":["333333333333","444444444444","666666666666"]}`,
		"SmTagTeamOu":          `"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":["o-exampleorg1/*/ou-ex12-research/*","o-exampleorg1/*/ou-ex12-retailvis/*"]}`,
		"ComprehendModelKeyOu": `"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":["o-exampleorg1/*/ou-ex12-research/*","o-exampleorg1/*/ou-ex12-retailvis/*"]}`,
		"AgentCoreMemoryKeyOu": `"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-exampleorg1/*/ou-ex12-research/*"}`,
		"SmNotebookImdsAcct":   `"StringEquals":{"aws:PrincipalAccount":["333333333333","444444444444"]}`,
		"SmNotebookImdsUpdateAcct": `"StringEquals":{"aws:PrincipalAccount":["333333333333","444444444444"],` +
			`"sagemaker:MinimumInstanceMetadataServiceVersion":"1"}`,
	} {
		s, ok := root[sid]
		if !ok {
			t.Errorf("no root statement %s", sid)
			continue
		}
		if !strings.Contains(s, want) {
			t.Errorf("%s: %s lacks %s", sid, s, want)
		}
		if !strings.Contains(s, `"ArnNotLike":{"aws:PrincipalArn":["arn:aws:iam::*:role/OrganizationAccountAccessRole","arn:aws:iam::*:role/aiguard-break-glass"]}`) {
			t.Errorf("%s lost the break-glass exemption: %s", sid, s)
		}
	}
}

// rootDocs returns the root's statements by Sid, as JSON.
func rootDocs(t *testing.T, arts []Artifact) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, a := range arts {
		if a.Kind != KindSCP || a.Team != "" {
			continue
		}
		var doc struct{ Statement []json.RawMessage }
		if err := json.Unmarshal(a.Body, &doc); err != nil {
			t.Fatalf("%s: %v", a.Path, err)
		}
		for _, raw := range doc.Statement {
			var s struct{ Sid string }
			if err := json.Unmarshal(raw, &s); err != nil {
				t.Fatalf("%s: %v", a.Path, err)
			}
			out[s.Sid] = string(raw)
		}
	}
	return out
}

// TestRootStatementIsTheTeamsScoped: a root statement is the team's
// statement, Sid aside, with one condition more: the scope, ANDed with
// the statement's own conditions.
func TestRootStatementIsTheTeamsScoped(t *testing.T) {
	lay := newLayout(exampleSpec(t), mustLists(t))
	if len(lay.root.groups) == 0 {
		t.Fatal("no team statement at the root")
	}
	for _, g := range lay.root.groups {
		got := g.statement()
		op, key := scopeCondition(g.kind)
		if !slices.Equal(got.Condition[op][key], g.values) {
			t.Errorf("%s: scope %v, want %v", g.sid, got.Condition[op][key], g.values)
		}
		delete(got.Condition[op], key)
		if len(got.Condition[op]) == 0 {
			delete(got.Condition, op)
		}
		got.Sid = g.orig.Sid
		if a, b := jsonOf(t, got), jsonOf(t, g.orig); a != b {
			t.Errorf("%s: less its scope %s, want the team's %s", g.sid, a, b)
		}
		if g.orig.Condition[op][key] != nil {
			t.Errorf("%s: the team's statement tests %s %s itself", g.sid, op, key)
		}
	}
}

// TestRootVariants: teams whose statements differ (another team tag key)
// get root statements of their own, numbered, each with its own scope.
func TestRootVariants(t *testing.T) {
	spec := exampleSpec(t)
	spec.Teams[2].Rules = orgspec.RuleSettings{ruleTagged: params("teamTagKey", "owner")}
	out, err := Build(spec)
	if err != nil {
		t.Fatal(err)
	}
	root := rootDocs(t, out.Artifacts)
	for sid, want := range map[string]string{
		"SmTagTeamAcct":  `"aws:PrincipalAccount":["333333333333","444444444444"]`,
		"SmTagTeamAcct2": `"aws:PrincipalAccount":"666666666666"`,
		"SmTagTeamOu":    `"aws:PrincipalOrgPaths":"o-exampleorg1/*/ou-ex12-research/*"`,
		"SmTagTeamOu2":   `"aws:PrincipalOrgPaths":"o-exampleorg1/*/ou-ex12-retailvis/*"`,
	} {
		if !strings.Contains(root[sid], want) {
			t.Errorf("%s: %q lacks %s", sid, root[sid], want)
		}
	}
	if !strings.Contains(root["SmTagTeamAcct2"], "aws:RequestTag/owner") || strings.Contains(root["SmTagTeamAcct"], "aws:RequestTag/owner") {
		t.Errorf("the variants hold the wrong tag keys: %s / %s", root["SmTagTeamAcct"], root["SmTagTeamAcct2"])
	}
}

// TestRootFullLeavesOut: when the root has no room either, counterparts
// are placed by priority while they fit, whole, and the rest are left out.
func TestRootFullLeavesOut(t *testing.T) {
	spec := exampleSpec(t)
	lay := newLayout(spec, mustLists(t))
	for _, tp := range lay.teams {
		tp.plan(len(lay.root.docs)) // back to the teams' own plan
	}
	base := &rootPlan{base: lay.root.base, docs: lay.root.docs[:1]}
	if len(lay.root.docs) < 2 {
		t.Fatalf("the example's root holds %d SCPs", len(lay.root.docs))
	}
	// Room for the organization's SCP alone: only what fits next to its
	// statements.
	placed := placeAtRoot(spec, base, lay.teams, lay.maxChars, 1)
	if len(base.docs) != 1 {
		t.Fatalf("%d root SCPs in the room of one", len(base.docs))
	}
	// IMDSv2 (two statements) comes first by priority but does not fit
	// next to the organization's statements; the memory key, next, does.
	if len(placed) == 0 || placed[0].Team != "payments-risk" || placed[0].Counterpart != ruleMemoryKey {
		t.Fatalf("placed %+v, want payments-risk's AgentCore memory key counterpart first", placed)
	}
	var omitted []string
	for _, tp := range lay.teams {
		for _, o := range tp.omitted {
			omitted = append(omitted, tp.team.Name+"/"+o.Counterpart)
		}
		for _, lo := range tp.left {
			at := slices.ContainsFunc(placed, func(p Placement) bool { return p.Team == tp.team.Name && p.Counterpart == lo.name })
			out := slices.ContainsFunc(tp.omitted, func(o Omission) bool { return o.Counterpart == lo.name })
			if at == out {
				t.Errorf("%s/%s: at the root %v, left out %v", tp.team.Name, lo.name, at, out)
			}
			for _, s := range lo.statements {
				if at && len(tp.rooted[s.Sid]) != len(teamScopes(spec, tp.team)) {
					t.Errorf("%s/%s: %s placed under %v only", tp.team.Name, lo.name, s.Sid, tp.rooted[s.Sid])
				}
			}
		}
	}
	if !slices.Contains(omitted, "research/"+ruleTagged) || !slices.Contains(omitted, "payments-risk/"+ruleNotebookImds) {
		t.Errorf("left out %v, want the tag and IMDSv2 counterparts among them", omitted)
	}
}

// TestMatrixCatchesWrongScopes edits the root's SCPs as a careless hand
// would: a scope widened to the whole organization lets the statement
// deny other teams' and outside accounts' requests, a scope narrowed lets
// an account of the team go free; the matrix fails both.
func TestMatrixCatchesWrongScopes(t *testing.T) {
	spec := exampleSpec(t)
	cases := mustMatrix(t, spec)
	tests := []struct {
		name, old, new string
		wantFailed     []string
	}{
		{"widened", `"o-exampleorg1/*/ou-ex12-research/*"}`, `"o-exampleorg1/*"}`,
			[]string{"organization/root-scope/AgentCoreMemoryKeyOu-retail-vision", "organization/root-scope/AgentCoreMemoryKeyOu-outside"}},
		{"narrowed", `"aws:PrincipalAccount":["333333333333","444444444444"]`, `"aws:PrincipalAccount":["444444444444"]`,
			[]string{"payments-risk/notebook-imdsv2/imdsv1"}},
		{"accounts dropped", `,"StringEquals":{"aws:PrincipalAccount":["333333333333","444444444444","666666666666"]}`, ``,
			[]string{"organization/root-scope/SmTagKeepAcct-outside", "research/sagemaker-tags/remove-team-tag"}},
		{"dropped", `,"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":["o-exampleorg1/*/ou-ex12-research/*","o-exampleorg1/*/ou-ex12-retailvis/*"]}`, ``,
			[]string{"organization/root-scope/ComprehendModelKeyOu-outside"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			arts := exampleArtifacts(t)
			edited := false
			for i, a := range arts {
				if a.Kind == KindSCP && a.Team == "" && bytes.Contains(a.Body, []byte(tc.old)) {
					arts[i].Body = bytes.Replace(a.Body, []byte(tc.old), []byte(tc.new), 1)
					edited = true
					break
				}
			}
			if !edited {
				t.Fatalf("no root SCP holds %s", tc.old)
			}
			err := CheckMatrix(cases, arts)
			var merr *MatrixError
			if !errors.As(err, &merr) {
				t.Fatalf("CheckMatrix: %v, want a matrix failure", err)
			}
			var failed []string
			for _, f := range merr.Failures {
				failed = append(failed, f.Case.ID)
			}
			for _, id := range tc.wantFailed {
				if !slices.Contains(failed, id) {
					t.Errorf("%s did not fail; failed: %v", id, failed)
				}
			}
		})
	}
}

// TestRootScopeProven: every root statement is asked for by the matrix
// (denied from a team it covers), and every one is shown not to reach an
// account of no team; a team with accounts and OUs is asked from both.
func TestRootScopeProven(t *testing.T) {
	spec := exampleSpec(t)
	lay := newLayout(spec, mustLists(t))
	cases := lay.matrix()
	for _, g := range lay.root.groups {
		denied, outside := false, false
		for _, c := range cases {
			denied = denied || c.Expect == "deny" && c.ExpectSid == g.sid && c.Team != ""
			outside = outside || c.ID == "organization/root-scope/"+g.sid+"-outside" && c.Expect == "allow" && c.Team == ""
		}
		if !denied || !outside {
			t.Errorf("%s: denied %v, shown not to reach outside %v", g.sid, denied, outside)
		}
	}
	ids := map[string]bool{}
	for _, c := range cases {
		if ids[c.ID] {
			t.Errorf("duplicate case %s", c.ID)
		}
		ids[c.ID] = true
	}
	for _, id := range []string{"retail-vision/sagemaker-tags/model-untagged", "retail-vision/sagemaker-tags/model-untagged-from-ou",
		"organization/root-scope/SmNotebookImdsAcct-research", "organization/root-scope/AgentCoreMemoryKeyOu-retail-vision"} {
		if !ids[id] {
			t.Errorf("no case %s", id)
		}
	}
}
