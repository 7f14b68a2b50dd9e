package replay

import (
	"slices"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/iameval"
	"github.com/aiguard/aiguard/orgspec"
	"github.com/aiguard/aiguard/policygen"
)

// exampleOrg is the built-in example's policies.
func exampleOrg(t testing.TB) (*orgspec.Spec, *Org) {
	t.Helper()
	spec, err := orgspec.Parse(orgspec.ExampleName, orgspec.Example())
	if err != nil {
		t.Fatal(err)
	}
	ev, err := iameval.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	org, err := NewOrg(spec, ev)
	if err != nil {
		t.Fatal(err)
	}
	return spec, org
}

// TestOrgDecideMatrix: every request of the attacker's matrices generate
// writes is decided as it expects, as aiguard simulate --check decides it.
func TestOrgDecideMatrix(t *testing.T) {
	spec, org := exampleOrg(t)
	arts, err := policygen.Generate(spec)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, a := range arts {
		if a.Kind != policygen.KindTests {
			continue
		}
		cases, err := iameval.ReadCases(strings.NewReader(string(a.Body)))
		if err != nil {
			t.Fatalf("%s: %v", a.Path, err)
		}
		for _, c := range cases {
			n++
			d, err := org.Decide(c)
			if err != nil {
				t.Errorf("%s: %s: %v", a.Path, c.ID, err)
			} else if m := c.Mismatch(d); m != "" {
				t.Errorf("%s: %s: %s", a.Path, c.ID, m)
			}
		}
	}
	if n == 0 {
		t.Fatal("the example's generated policies have no tests")
	}
}

// TestOrgDecideImplied: the example places research's AgentCore memory key
// counterpart at the root, scoped to research's organization path. A
// research request without the path gets the one the spec implies, so that
// statement denies it; one that sets the key (in any case) keeps its own;
// the case's context is left as it was.
func TestOrgDecideImplied(t *testing.T) {
	_, org := exampleOrg(t)
	base := iameval.Case{ID: "m", Team: "research", Principal: "arn:aws:sts::555555555555:assumed-role/Dev/s",
		Action: "bedrock-agentcore:CreateMemory", Resource: "arn:aws:bedrock-agentcore:us-east-1:555555555555:memory/*",
		Context: iameval.Values{"aws:RequestedRegion": {"us-east-1"}}}
	decide := func(c iameval.Case) string {
		t.Helper()
		d, err := org.Decide(c)
		if err != nil {
			t.Fatal(err)
		}
		return d.DeniedBy()
	}
	if got := decide(base); !strings.HasSuffix(got, "#AgentCoreMemoryKeyOu") {
		t.Errorf("without the path: denied by %q, want research's statement at the root", got)
	}
	if len(base.Context) != 1 {
		t.Errorf("Decide changed the case's context: %v", base.Context)
	}
	set := base
	set.Context = iameval.Values{"aws:RequestedRegion": {"us-east-1"}, "AWS:principalorgpaths": {"o-exampleorg1/r-ab12/"}}
	if got := decide(set); strings.HasSuffix(got, "#AgentCoreMemoryKeyOu") {
		t.Errorf("with the root's path: denied by %q, want not research's statement at the root", got)
	}
}

// TestOrgDecideTeams: a request without a team meets the root's SCPs only;
// a team the spec does not have, or a boundary outside the teams, is an
// error.
func TestOrgDecideTeams(t *testing.T) {
	_, org := exampleOrg(t)
	c := iameval.Case{ID: "r", Principal: "arn:aws:sts::222222222222:assumed-role/Admin/s", Action: "s3:GetObject",
		Resource: "arn:aws:s3:::bucket/key", Context: iameval.Values{"aws:RequestedRegion": {"us-east-1"}}}
	if d, err := org.Decide(c); err != nil || d.Denied() {
		t.Errorf("no team: %v %v, want allowed by the root's SCPs", d.DeniedBy(), err)
	}
	for _, tc := range []struct {
		team     string
		boundary bool
		want     string
	}{
		{"nobody", false, `team "nobody" has no generated policies`},
		{"", true, "a principal outside the teams has no aiguard boundary"},
	} {
		c := c
		c.Team, c.Boundary = tc.team, tc.boundary
		if _, err := org.Decide(c); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("team %q boundary %v: err %v, want %q", tc.team, tc.boundary, err, tc.want)
		}
	}
}

// TestOrgReplayerTeams: a record's team is the one the spec names its
// account for, or the one given for an account the spec reaches only
// through an OU; the management account and other accounts are skipped.
func TestOrgReplayerTeams(t *testing.T) {
	spec, org := exampleOrg(t)
	rp := org.Replayer(map[string]string{"555555555555": "research"})
	for account, want := range map[string]string{"444444444444": "payments-risk", "555555555555": "research",
		"666666666666": "retail-vision", "777777777777": "", spec.Organization.ManagementAccount: ""} {
		if got, _ := rp.TeamOf(account); got != want {
			t.Errorf("TeamOf(%s) = %q, want %q", account, got, want)
		}
	}
	if rp.Management != spec.Organization.ManagementAccount || rp.Implied == nil {
		t.Errorf("replayer %+v: want the management account and the implied keys", rp)
	}
	if _, err := rp.SetFor("research"); err != nil {
		t.Error(err)
	}
}

// TestAddImplied: keys compare without regard to case, as IAM's do.
func TestAddImplied(t *testing.T) {
	implied := map[string][]string{"aws:PrincipalOrgPaths": {"o-1/r-1/"}}
	for _, tc := range []struct {
		name string
		ctx  map[string][]string
		want []string
	}{
		{"absent", map[string][]string{"aws:RequestedRegion": {"us-east-1"}}, []string{"o-1/r-1/"}},
		{"set", map[string][]string{"aws:PrincipalOrgPaths": {"o-1/r-1/ou-2/"}}, []string{"o-1/r-1/ou-2/"}},
		{"set in another case", map[string][]string{"AWS:principalorgpaths": {"o-1/r-1/ou-2/"}}, nil},
	} {
		addImplied(tc.ctx, implied)
		if got := tc.ctx["aws:PrincipalOrgPaths"]; !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	ctx := map[string][]string{}
	addImplied(ctx, nil)
	if len(ctx) != 0 {
		t.Errorf("nothing implied: %v", ctx)
	}
}

func TestVerdict(t *testing.T) {
	for _, tc := range []struct {
		d    iameval.Decision
		want string
	}{
		{iameval.Decision{Effect: iameval.Allow}, "allow"},
		{iameval.Decision{Effect: iameval.ExplicitDeny}, "deny"},
		{iameval.Decision{Effect: iameval.ImplicitDeny}, "deny"},
		{iameval.Decision{Effect: iameval.ExplicitDeny, Uncertain: true}, "may deny"},
		{iameval.Decision{Effect: iameval.ImplicitDeny, Uncertain: true}, "may deny"},
	} {
		if got := Verdict(tc.d); got != tc.want {
			t.Errorf("Verdict(%v, uncertain %v) = %q, want %q", tc.d.Effect, tc.d.Uncertain, got, tc.want)
		}
	}
}
