package deploy

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aiguard/aiguard/configitem"
	"github.com/aiguard/aiguard/conformance"
	"github.com/aiguard/aiguard/orgspec"
	"github.com/aiguard/aiguard/packgen"
	"github.com/aiguard/aiguard/rules"
)

// syntheticRegistry returns n change-triggered rules, managed ones (an
// unmapped managed rule without parameters) or custom ones with a subnet
// parameter, to build packs larger than the catalog's.
func syntheticRegistry(t testing.TB, n int, managed bool) *rules.Registry {
	t.Helper()
	list := make([]*rules.Rule, n)
	for i := range list {
		r := &rules.Rule{
			ID:            fmt.Sprintf("synthetic-check-%03d", i),
			Title:         fmt.Sprintf("Synthetic check %d", i),
			Description:   "A rule that exists to fill packs.",
			ResourceTypes: []string{"AWS::SageMaker::NotebookInstance"},
			Trigger:       rules.ChangeTriggered,
			Control:       "test",
			Severity:      rules.SeverityLow,
			Remediation:   "None.",
			Check:         func(*configitem.Item, rules.Params) rules.Verdict { return rules.Pass() },
		}
		if managed {
			r.ManagedRule = fmt.Sprintf("SYNTHETIC_MANAGED_%03d", i)
		} else {
			r.Params = []rules.Param{{Name: "allowedSubnetIds", Type: rules.CSV, Description: "Subnets."}}
		}
		list[i] = r
	}
	reg, err := rules.NewRegistry(list...)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

const soloSpec = `apiVersion: aiguard.dev/v1
organization:
  name: example-corp
  id: o-exampleorg1
  managementAccount: "111111111111"
  securityToolingAccount: "222222222222"
  regions: [us-east-1]
  conformancePackBucket: awsconfigconforms-example-corp
  breakGlassRoles: [BreakGlass]
teams:
  - name: solo
    accounts: ["333333333333"]
    dataClassification: internal
    network:
      subnetIds: [%s]
`

func TestSplit(t *testing.T) {
	var subnets []string
	for i := range 12 {
		subnets = append(subnets, fmt.Sprintf("subnet-%017x", i))
	}
	tests := []struct {
		name    string
		rules   int
		managed bool
		reason  string
		parts   []int // rules per part
	}{
		{"by count", 140, true, "140 rules, more than the 130", []int{130, 10}},
		{"by bytes", 120, false, "-byte template, more than the 51200 bytes", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg := syntheticRegistry(t, tt.rules, tt.managed)
			spec := parseSpec(t, reg, "solo.yaml", fmt.Appendf(nil, soloSpec, strings.Join(subnets, ", ")))
			out := generate(t, spec)
			checkArtifacts(t, out)
			packs := out.Plan.Packs
			if len(packs) < 2 {
				t.Fatalf("%d pack(s), want a split", len(packs))
			}
			seen := map[string]bool{}
			for i, pk := range packs {
				if want := fmt.Sprintf("aiguard-solo-part%d", i+1); pk.Name != want || pk.Part != i+1 || pk.Parts != len(packs) {
					t.Errorf("pack %d is %s, part %d of %d; want %s", i, pk.Name, pk.Part, pk.Parts, want)
				}
				if !strings.Contains(pk.SplitReason, tt.reason) {
					t.Errorf("%s: split reason %q lacks %q", pk.Name, pk.SplitReason, tt.reason)
				}
				if tt.parts != nil && len(pk.Rules) != tt.parts[i] {
					t.Errorf("%s: %d rules, want %d", pk.Name, len(pk.Rules), tt.parts[i])
				}
				if !tt.managed && len(pk.Body) < conformance.MaxTemplateBytes*3/4 && i < len(packs)-1 {
					t.Errorf("%s: only %d bytes; parts should fill up", pk.Name, len(pk.Body))
				}
				for _, r := range pk.Rules {
					if seen[r.Rule.ID] {
						t.Errorf("rule %s in two parts", r.Rule.ID)
					}
					seen[r.Rule.ID] = true
				}
				if !hasNote(out, "pack "+pk.Name, "split into") {
					t.Errorf("no split note for %s", pk.Name)
				}
			}
			if len(seen) != tt.rules {
				t.Errorf("%d rules in the parts, want %d", len(seen), tt.rules)
			}
			m := out.Manifest()
			if m.Packs[0].Parts != len(packs) || m.Packs[0].SplitReason == "" {
				t.Errorf("manifest does not say the pack is split: %+v", m.Packs[0])
			}
			// A part that fills a TemplateBody no longer fits inline in its
			// organization pack's template: that one reads it from S3.
			if !tt.managed {
				first := OrganizationPackPath(packs[0].Name)
				for _, a := range out.Artifacts {
					if a.Path == first && !bytes.Contains(a.Data, []byte("TemplateS3Uri:")) {
						t.Errorf("%s inlines a %d-byte pack", first, len(packs[0].Body))
					}
				}
				if !hasNote(out, "pack "+packs[0].Name, "too large to inline") {
					t.Errorf("no note on uploading %s to S3", packs[0].Name)
				}
			}
		})
	}
}

// teamsSpec returns a spec of n teams, each with its own account, subnets,
// security group, KMS key and buckets, and a few choices that differ.
func teamsSpec(n int) []byte {
	var b strings.Builder
	b.WriteString(`apiVersion: aiguard.dev/v1
organization:
  name: big-corp
  id: o-bigcorp00001
  managementAccount: "100000000000"
  securityToolingAccount: "100000000001"
  regions: [us-east-1, eu-west-1]
  conformancePackBucket: awsconfigconforms-big-corp
  breakGlassRoles: [BreakGlass]
  landingZone:
    accounts:
      - {id: "100000000000", name: Management}
      - {id: "100000000001", name: Audit}
`)
	for i := range n {
		fmt.Fprintf(&b, "      - {id: \"%012d\", name: team-%04d-workload}\n", 200000000000+i, i)
	}
	b.WriteString(`defaults:
  dataClassification: internal
  sagemaker:
    instanceTypes: [ml.t3.medium, ml.m5.large]
teams:
`)
	for i := range n {
		acct := fmt.Sprintf("%012d", 200000000000+i)
		fmt.Fprintf(&b, `  - name: team-%04d
    accounts: ["%s"]
    network:
      subnetIds: [subnet-%017x, subnet-%017x]
      securityGroupIds: [sg-%017x]
    kmsKeyArns: [arn:aws:kms:us-east-1:%s:key/%08x-1111-4a2b-8c3d-%012x]
    storage:
      trainingData: [s3://team-%04d-training/]
      modelArtifacts: [s3://team-%04d-models/]
`, i, acct, 2*i, 2*i+1, i, acct, i, i, i, i)
		if i%3 == 0 {
			fmt.Fprintf(&b, "    rules:\n      sagemaker-endpoint-config-multi-instance: {parameters: {minInstanceCount: 3}}\n")
		}
	}
	return []byte(b.String())
}

func TestThousandTeams(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000-team spec: skipped in -short mode")
	}
	data := teamsSpec(1000)
	start := time.Now()
	spec := parseSpec(t, nil, "teams.yaml", data)
	parsed := time.Since(start)
	out := generate(t, spec)
	generated := time.Since(start)
	if err := WriteDir(t.TempDir(), out); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d-byte spec: parse %v, generate %v, write %v: %d files", len(data), parsed, generated-parsed,
		time.Since(start)-generated, len(out.Artifacts)+1)

	if got := len(out.Plan.Teams); got != 1000 {
		t.Errorf("%d teams", got)
	}
	if out.Plan.Packs[0].Name != packgen.BaselineName {
		t.Errorf("first pack %s, want the baseline", out.Plan.Packs[0].Name)
	}
	if got := len(out.Plan.Packs); got != 1001 {
		t.Errorf("%d packs, want 1,001 (the baseline and one per team)", got)
	}
	// 1,001 other accounts: more than an organization pack may exclude.
	if !hasNote(out, "pack aiguard-team-0000", "more than the 1000 Config allows") {
		t.Error("no note on the excluded-accounts limit")
	}
	if out.Plan.Deployment.InvokingAccounts != nil {
		t.Error("Lambda permissions scoped to 1,002 accounts")
	}
	// Rule names are unique across the organization.
	names := map[string]string{}
	for _, pk := range out.Plan.Packs {
		for _, r := range pk.Rules {
			if other, dup := names[r.Name]; dup {
				t.Fatalf("rule name %s in %s and %s", r.Name, other, pk.Name)
			}
			names[r.Name] = pk.Name
		}
	}
	// A sample of the packs lint clean (all of them take a while).
	schemaCheck := &Output{Plan: out.Plan}
	for i, a := range out.Artifacts {
		if i%97 == 0 || a.Kind != KindConformancePack {
			schemaCheck.Artifacts = append(schemaCheck.Artifacts, a)
		}
	}
	checkArtifacts(t, schemaCheck)
}

func BenchmarkGenerate(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		spec := parseSpec(b, nil, "teams.yaml", teamsSpec(n))
		b.Run(fmt.Sprintf("teams=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Generate(spec, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkParseSpec measures the part of `aiguard generate` before the
// generator, for comparison.
func BenchmarkParseSpec(b *testing.B) {
	data := teamsSpec(1000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := (orgspec.Options{Now: testNow}).Parse("teams.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
}
