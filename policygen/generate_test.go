package policygen

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/aiguard/aiguard/internal/cfnschema"
	"github.com/aiguard/aiguard/orgspec"
)

// parseVariant parses the example spec after replacing old with new in its
// text (each pair once), so tests change one setting of a known-good spec.
func parseVariant(t *testing.T, pairs ...string) *orgspec.Spec {
	t.Helper()
	text := string(orgspec.Example())
	for i := 0; i+1 < len(pairs); i += 2 {
		if !strings.Contains(text, pairs[i]) {
			t.Fatalf("example spec has no %q", pairs[i])
		}
		text = strings.Replace(text, pairs[i], pairs[i+1], 1)
	}
	spec, err := orgspec.Parse("variant.yaml", []byte(text))
	if err != nil {
		t.Fatalf("parse variant: %v", err)
	}
	return spec
}

func TestGenerateDeterministic(t *testing.T) {
	a, b := exampleArtifacts(t), exampleArtifacts(t)
	if len(a) != len(b) {
		t.Fatalf("runs differ in length: %d vs %d", len(a), len(b))
	}
	for i := range a {
		if a[i].Path != b[i].Path || !bytes.Equal(a[i].Body, b[i].Body) {
			t.Errorf("run 2 differs at %s", a[i].Path)
		}
	}
	if !slices.IsSortedFunc(a, func(x, y Artifact) int { return strings.Compare(x.Path, y.Path) }) {
		t.Error("artifacts are not sorted by path")
	}
}

// TestArtifactsWithinLimits checks each artifact's measured size: SCPs are
// minified and counted whole, IAM policies counted without white space,
// and every size is within its limit.
func TestArtifactsWithinLimits(t *testing.T) {
	for _, a := range exampleArtifacts(t) {
		if !json.Valid(a.Body) {
			t.Errorf("%s: invalid JSON", a.Path)
			continue
		}
		switch a.Kind {
		case KindSCP:
			var buf bytes.Buffer
			if err := json.Compact(&buf, a.Body); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), a.Body) {
				t.Errorf("%s: SCP is not minified", a.Path)
			}
			if a.Size != len(a.Body) {
				t.Errorf("%s: size %d, body %d characters", a.Path, a.Size, len(a.Body))
			}
		case KindBoundary, KindExecutionRole:
			if n := nonSpaceLen(a.Body); a.Size != n {
				t.Errorf("%s: size %d, %d non-white-space characters", a.Path, a.Size, n)
			}
		}
		if a.Limit > 0 && a.Size > a.Limit {
			t.Errorf("%s: %d characters, limit %d", a.Path, a.Size, a.Limit)
		}
		t.Logf("%-52s %-14s %5d / %d", a.Path, a.Kind, a.Size, a.Limit)
	}
}

// TestEveryDenyExemptsBreakGlass checks every Deny of every SCP carries
// ArnNotLike aws:PrincipalArn with exactly the break-glass roles, and
// that SCPs never name a Principal.
func TestEveryDenyExemptsBreakGlass(t *testing.T) {
	spec := exampleSpec(t)
	want := spec.BreakGlassPrincipalArns()
	if len(want) != 2 {
		t.Fatalf("example has %d break-glass roles, want 2", len(want))
	}
	n := 0
	for _, a := range exampleArtifacts(t) {
		if a.Kind != KindSCP {
			continue
		}
		var p refPolicy
		if err := json.Unmarshal(a.Body, &p); err != nil {
			t.Fatal(err)
		}
		for _, st := range p.Statement {
			if st.Principal != nil {
				t.Errorf("%s %s: SCP statement names a Principal", a.Path, st.Sid)
			}
			if st.Effect != deny {
				t.Errorf("%s %s: effect %s in an SCP", a.Path, st.Sid, st.Effect)
				continue
			}
			n++
			if got := st.Condition["ArnNotLike"]["aws:PrincipalArn"]; !slices.Equal(got, want) {
				t.Errorf("%s %s: break-glass exemption %v, want %v", a.Path, st.Sid, got, want)
			}
		}
	}
	if n < 50 {
		t.Errorf("only %d deny statements checked", n)
	}
}

// TestSCPsPerTarget counts, for each root, OU and account, the SCPs
// attached to it plus FullAWSAccess against scpMaxPerTarget.
func TestSCPsPerTarget(t *testing.T) {
	spec := exampleSpec(t)
	count := map[string]int{}
	for _, a := range exampleArtifacts(t) {
		if a.Kind == KindSCP {
			for _, id := range a.TargetIDs {
				count[id]++
			}
		}
	}
	for _, team := range spec.Teams {
		for _, id := range slices.Concat(team.Accounts, team.OrganizationalUnits) {
			if count[id] == 0 {
				t.Errorf("team %s: no SCP attached to %s", team.Name, id)
			}
		}
	}
	for id, n := range count {
		if n+1 > spec.Organization.Limits.SCPMaxPerTarget {
			t.Errorf("%s: %d SCPs plus FullAWSAccess, more than %d", id, n, spec.Organization.Limits.SCPMaxPerTarget)
		}
	}
}

// TestTemplatesMatchPolicies checks each CloudFormation template against
// the resource schemas, and that the policies it deploys are exactly the
// JSON files beside it.
func TestTemplatesMatchPolicies(t *testing.T) {
	v, err := cfnschema.New("AWS::Organizations::Policy", "AWS::IAM::Role", "AWS::IAM::ManagedPolicy")
	if err != nil {
		t.Fatal(err)
	}
	arts := exampleArtifacts(t)
	byPath := map[string]Artifact{}
	for _, a := range arts {
		byPath[a.Path] = a
	}
	for _, a := range arts {
		if a.Kind != KindCFNTemplate {
			continue
		}
		violations, err := v.ValidateJSON(a.Body)
		if err != nil {
			t.Fatalf("%s: %v", a.Path, err)
		}
		for _, vi := range violations {
			t.Errorf("%s: %s %s: %s", a.Path, vi.Resource, vi.Pointer, vi.Message)
		}
		var tmpl struct {
			Resources map[string]struct {
				Type       string
				Properties map[string]json.RawMessage
			}
		}
		if err := json.Unmarshal(a.Body, &tmpl); err != nil {
			t.Fatal(err)
		}
		dir := a.Path[:strings.LastIndex(a.Path, "/")+1]
		for id, r := range tmpl.Resources {
			var file string
			var raw json.RawMessage
			switch {
			case r.Type == "AWS::IAM::ManagedPolicy":
				file, raw = dir+"boundary.json", r.Properties["PolicyDocument"]
			case r.Type == "AWS::IAM::Role":
				var policies []struct{ PolicyDocument json.RawMessage }
				if err := json.Unmarshal(r.Properties["Policies"], &policies); err != nil || len(policies) != 1 {
					t.Fatalf("%s %s: policies %v", a.Path, id, err)
				}
				file = dir + "execution-role-" + strings.ToLower(strings.TrimSuffix(id, "Role")) + ".json"
				raw = policies[0].PolicyDocument
				if !bytes.Contains(r.Properties["PermissionsBoundary"], []byte(`"Ref":"Boundary"`)) &&
					!bytes.Contains(r.Properties["PermissionsBoundary"], []byte(`"Ref": "Boundary"`)) {
					t.Errorf("%s %s: role without the team boundary", a.Path, id)
				}
			case id == "AiServicesOptOut":
				file, raw = dir+"ai-services-opt-out.json", r.Properties["Content"]
			case strings.HasPrefix(id, "Scp"):
				file, raw = dir+"scp-"+strings.TrimPrefix(id, "Scp")+".json", r.Properties["Content"]
			default:
				t.Errorf("%s: unexpected resource %s", a.Path, id)
				continue
			}
			f, ok := byPath[file]
			if !ok {
				t.Errorf("%s %s: no artifact %s", a.Path, id, file)
				continue
			}
			if !sameJSON(t, raw, f.Body) {
				t.Errorf("%s %s: content differs from %s", a.Path, id, file)
			}
		}
	}
}

func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y bytes.Buffer
	if err := json.Compact(&x, a); err != nil {
		t.Fatal(err)
	}
	if err := json.Compact(&y, b); err != nil {
		t.Fatal(err)
	}
	return bytes.Equal(x.Bytes(), y.Bytes())
}

// TestGenerateTooBig checks that a spec whose policies cannot fit the
// limits fails with a message naming the team, the sizes and the limit.
func TestGenerateTooBig(t *testing.T) {
	var manyModels strings.Builder
	manyModels.WriteString("allowedModels:\n")
	for i := 0; i < 80; i++ {
		manyModels.WriteString("        - amazon.titan-text-premier-experimental-model-number-" + string(rune('a'+i%26)) + string(rune('a'+i/26)) + "-v1:0\n")
	}
	tests := []struct {
		name  string
		pairs []string
		want  []string
	}{
		{
			name:  "too few SCPs per target",
			pairs: []string{"  tagKeys:\n", "  limits:\n    scpMaxPerTarget: 2\n  tagKeys:\n"},
			want:  []string{"team payments-risk", "need 4 policies of at most 5120 characters", "scpMaxPerTarget 2 leaves room for 1", "team research", "team retail-vision"},
		},
		{
			name:  "statement larger than an SCP",
			pairs: []string{"  tagKeys:\n", "  limits:\n    scpMaxChars: 1000\n  tagKeys:\n"},
			want:  []string{"organization SCPs: statement", "alone takes", "at most 1000 characters (scpMaxChars)"},
		},
		{
			name:  "one SCP short per target",
			pairs: []string{"  tagKeys:\n", "  limits:\n    scpMaxPerTarget: 4\n  tagKeys:\n"},
			want:  []string{"team research: its SCP statements take", "scpMaxPerTarget 4 leaves room for 3 next to FullAWSAccess"},
		},
		{
			// A NotResource allow-list cannot be split: two statements would
			// each deny the other's models.
			name:  "too many models for one statement",
			pairs: []string{"allowedModels:\n        - amazon.titan-embed-text-v2:0\n", manyModels.String()},
			want:  []string{"team research: statement BedrockModels alone takes", "more than the 5081 left by an SCP of at most 5120"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			arts, err := Generate(parseVariant(t, tc.pairs...))
			if err == nil {
				t.Fatalf("Generate succeeded with %d artifacts, want an error", len(arts))
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

// TestGenerateBoundaryTooBig checks the boundary's own size error.
func TestGenerateBoundaryTooBig(t *testing.T) {
	spec := exampleSpec(t)
	team := spec.Teams[2]
	for i := 0; i < 60; i++ {
		team.Storage.TrainingData = append(team.Storage.TrainingData,
			"s3://example-retail-vision-bucket-number-"+string(rune('a'+i%26))+string(rune('a'+i/26))+"/x/")
	}
	_, err := Generate(spec)
	if err == nil || !strings.Contains(err.Error(), "team retail-vision: the permission boundary takes") ||
		!strings.Contains(err.Error(), "more than the 6144") {
		t.Fatalf("error %v, want the boundary size error", err)
	}
}

// TestRootOwnerSharesTheRoot checks that the organization's SCPs count
// against a team that owns the root.
func TestRootOwnerSharesTheRoot(t *testing.T) {
	spec := parseVariant(t, "organizationalUnits: [ou-ex12-research]", "organizationalUnits: [r-ex12]")
	_, err := Generate(spec)
	if err == nil || !strings.Contains(err.Error(), "team research") ||
		!strings.Contains(err.Error(), "and the organization's 1 SCPs at the root the team owns") {
		t.Fatalf("error %v, want research over the limit because of the organization's SCPs", err)
	}
	if strings.Contains(err.Error(), "team payments-risk") {
		t.Errorf("payments-risk does not own the root: %v", err)
	}
}

// TestGenerateMinimalSpecs runs specs with blocks left out (as a Spec built
// in code may have them) and odd inputs: no panic, and sensible output.
func TestGenerateMinimalSpecs(t *testing.T) {
	if _, err := Generate(nil); err == nil {
		t.Error("Generate(nil) succeeded")
	}
	spec := &orgspec.Spec{
		Organization: orgspec.Organization{
			ID: "o-exampleorg1", ManagementAccount: "111111111111", SecurityToolingAccount: "111111111111",
			Regions: []string{"eu-west-1"}, BreakGlassRoles: []string{"Admin"},
		},
		Teams: []*orgspec.Team{nil, {Name: "bare"}, {Name: "odd", Settings: orgspec.Settings{
			Storage: &orgspec.Storage{TrainingData: []string{"not-a-uri", "s3://"}, Output: "s3://b"},
			Bedrock: &orgspec.Bedrock{Guardrail: &orgspec.Guardrail{}},
		}}},
	}
	arts, err := Generate(spec)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	var paths []string
	for _, a := range arts {
		paths = append(paths, a.Path)
		if a.Kind == KindSCP && !bytes.Contains(a.Body, []byte("arn:aws:iam::*:role/Admin")) {
			t.Errorf("%s: break-glass role missing", a.Path)
		}
	}
	for _, p := range []string{"policies/bare/scp-1.json", "policies/bare/boundary.json", "policies/odd/iam.cfn.json"} {
		if !slices.Contains(paths, p) {
			t.Errorf("no %s in %v", p, paths)
		}
	}
	for _, p := range paths {
		if strings.Contains(p, "execution-role") || p == "policies/organization/tests.json" {
			// no valid storage; the tooling account is the management account, which SCPs never affect
			t.Errorf("unexpected artifact %s", p)
		}
	}
}

// FuzzGenerate feeds specs that orgspec accepts to Generate: it must not
// panic, and what it returns must keep the limits it reports.
func FuzzGenerate(f *testing.F) {
	f.Add(orgspec.Example())
	f.Add([]byte(strings.Replace(string(orgspec.Example()), "  tagKeys:\n", "  limits:\n    scpMaxChars: 1000\n  tagKeys:\n", 1)))
	f.Fuzz(func(t *testing.T, data []byte) {
		spec, err := orgspec.Parse("fuzz.yaml", data)
		if err != nil {
			return
		}
		arts, err := Generate(spec)
		var merr *MatrixError
		if errors.As(err, &merr) {
			// A spec orgspec accepts must give policies that keep their claims.
			t.Fatalf("the policies of a valid spec fail their own checks: %v", err)
		}
		if err != nil {
			if !strings.HasPrefix(err.Error(), "policygen: ") {
				t.Errorf("error without context: %v", err)
			}
			return
		}
		for _, a := range arts {
			if a.Limit > 0 && a.Size > a.Limit {
				t.Errorf("%s: %d characters, limit %d", a.Path, a.Size, a.Limit)
			}
		}
	})
}

// TestMatrixAccounts: the matrix asks from an account the team's SCPs
// decide: not the management account, and from the tooling account only
// what is not administered there.
func TestMatrixAccounts(t *testing.T) {
	tests := []struct {
		name, accounts string
		want           string // the account of the team's requests; "" for none
	}{
		{"an ordinary account", `accounts: ["333333333333", "444444444444"]`, "333333333333"},
		{"the management account first", `accounts: ["111111111111", "444444444444"]`, "444444444444"},
		{"only the tooling account", `accounts: ["222222222222"]`, "222222222222"},
		{"only the management account", `accounts: ["111111111111"]`, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spec := parseVariant(t, `accounts: ["333333333333", "444444444444"]`, tc.accounts)
			cases, err := Matrix(spec)
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			for _, c := range cases {
				if c.Team == "payments-risk" {
					f := strings.SplitN(c.Principal, ":", 6)
					got = f[4]
					if c.Control == "detection-protection" && got == "222222222222" {
						t.Errorf("%s asked from the tooling account", c.ID)
					}
				}
			}
			if got != tc.want {
				t.Errorf("requests from %q, want %q", got, tc.want)
			}
			if _, err := Generate(spec); err != nil {
				t.Errorf("Generate: %v", err)
			}
		})
	}
}

// nonSpaceLen counts the characters IAM counts against the quota of a
// managed or inline policy: all but white space.
func nonSpaceLen(b []byte) int {
	n := 0
	for _, r := range string(b) {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}
