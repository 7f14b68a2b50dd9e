package policygen

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aiguard/aiguard/iameval"
	"github.com/aiguard/aiguard/orgspec"
)

// variedSpec writes a spec of n teams whose postures vary the way real
// ones do: accounts or OUs, networks, keys, instance types with and
// without local storage, lifecycle configurations, Bedrock models,
// profiles and guardrails, approved face-analysis use cases, Comprehend
// classifications and uncontrolled jobs.
func variedSpec(n int) []byte {
	var b strings.Builder
	b.WriteString(`apiVersion: aiguard.dev/v1
organization:
  name: varied-corp
  id: o-variedcorp01
  managementAccount: "100000000000"
  securityToolingAccount: "100000000001"
  regions: [eu-west-1, eu-central-1]
  conformancePackBucket: awsconfigconforms-varied-corp
  breakGlassRoles: [BreakGlass, "arn:aws:iam::*:role/platform/Deployer"]
defaults:
  dataClassification: confidential
teams:
`)
	instanceTypes := []string{"[ml.m5.xlarge, ml.c5.2xlarge]", "[ml.g5.*, ml.m5.*]", "[ml.p4d.24xlarge]", ""}
	models := []string{"[anthropic.claude-*]", "[amazon.titan-embed-text-v2:0, amazon.nova-lite-v1:0]", "[meta.llama3-*, mistral.*]", "[]"}
	for i := range n {
		acct := fmt.Sprintf("%012d", 300000000000+i)
		fmt.Fprintf(&b, "  - name: team-%02d\n", i)
		if i%4 == 3 {
			fmt.Fprintf(&b, "    organizationalUnits: [ou-vc01-team%04d]\n", i)
		} else {
			fmt.Fprintf(&b, "    accounts: [\"%s\"]\n", acct)
		}
		if i%2 == 0 {
			fmt.Fprintf(&b, "    network:\n      subnetIds: [subnet-%017x]\n      securityGroupIds: [sg-%017x]\n", i+1, i+1)
		}
		if i%3 != 2 {
			fmt.Fprintf(&b, "    kmsKeyArns: [arn:aws:kms:eu-west-1:%s:key/%08x-1111-4a2b-8c3d-%012x]\n", acct, i, i)
		}
		fmt.Fprintf(&b, "    storage:\n      trainingData: [s3://team-%02d-data/]\n      output: s3://team-%02d-out/jobs/\n", i, i)
		b.WriteString("    sagemaker:\n")
		it := instanceTypes[i%len(instanceTypes)]
		if it == "" {
			it = "[]"
		}
		fmt.Fprintf(&b, "      instanceTypes: %s\n", it)
		if i%5 == 0 {
			fmt.Fprintf(&b, "      lifecycleConfigs: [team-%02d-hardening]\n", i)
		}
		if i%7 == 0 {
			b.WriteString("      uncontrolledJobs: [CreateCompilationJob]\n")
		}
		fmt.Fprintf(&b, "    bedrock:\n      allowedModels: %s\n", models[i%len(models)])
		if i%4 == 0 {
			b.WriteString("      inferenceProfiles: [eu.anthropic.claude-3-5-sonnet-20240620-v1:0]\n")
		}
		if i%3 == 0 {
			fmt.Fprintf(&b, "      guardrail: {id: gr%010d, version: \"%d\"}\n", i, 1+i%4)
		}
		if i%4 == 1 {
			fmt.Fprintf(&b, "      apiKeyMaxAgeDays: %d\n", 7+i)
		}
		if i%6 == 0 {
			b.WriteString("    rekognition:\n      approvedUseCases: [identity-verification]\n")
		}
		if i%2 == 1 {
			b.WriteString("    comprehend:\n      piiDetection: [restricted]\n      entityDetection: [confidential, restricted]\n")
		}
		b.WriteString(variedRules(i))
	}
	return []byte(b.String())
}

// variedRules varies the rules whose settings decide the preventive
// counterparts: parameters the keys can express, and rules turned off.
func variedRules(i int) string {
	var rs []string
	if i%6 == 2 {
		rs = append(rs, "ml-endpoint-certificate: {parameters: {requireMlTag: false}}")
	}
	if i%6 == 3 {
		rs = append(rs, "bedrock-agentcore-code-interpreter-sandboxed: {parameters: {allowedNetworkModes: [VPC]}}")
	}
	if i%7 == 4 {
		rs = append(rs, "ml-full-access-policy-unattached: {parameters: {allowedPrincipals: [MLPlatformAdmin]}}")
	}
	if i%8 == 5 {
		rs = append(rs, "sagemaker-resource-tagged: {parameters: {requiredTagKeys: [cost-center]}}")
	}
	if i%9 == 6 {
		rs = append(rs, "sagemaker-notebook-imdsv2: false", "bedrock-agentcore-runtime-private-network: false",
			"bedrock-api-key-restricted: false")
	}
	if len(rs) == 0 {
		return ""
	}
	return "    rules:\n      " + strings.Join(rs, "\n      ") + "\n"
}

// TestFiftyTeamsMatrix generates the policies of 50 varied teams: every
// request of the attacker's matrix is decided as its control claims (Build
// fails otherwise), and the semantic lint passes.
func TestFiftyTeamsMatrix(t *testing.T) {
	spec, err := orgspec.Parse("varied.yaml", variedSpec(50))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	out, err := Build(spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("50 teams: %d matrix requests, %d artifacts, built and checked in %v", out.Cases, len(out.Artifacts), time.Since(start))
	if out.Cases < 50*100 {
		t.Errorf("only %d requests", out.Cases)
	}
	for _, b := range out.Budgets {
		if b.Attached > b.MaxAttached || b.Characters > b.MaxCharacters {
			t.Errorf("%s: %d SCPs of %d, %d characters of %d", b.Target, b.Attached, b.MaxAttached, b.Characters, b.MaxCharacters)
		}
	}
	// Every counterpart is proven on some team, in each of its forms.
	asked := map[string]bool{}
	for _, c := range mustMatrix(t, spec) {
		if c.Expect == "deny" {
			asked[c.ExpectSid] = true
		}
	}
	for _, sid := range []string{"ProtectHook", "BedrockApiKeys", "BedrockLongTermKeys", "IamNoFullAccess", "AgentCoreVpc",
		"IamNoServerCerts", "SmNotebookImds", "SmNotebookImdsUpdate", "AgentCoreMemoryKey", "ComprehendModelKey",
		"ComprehendVolumeKey", "SmTagTeam", "SmTag1", "SmTagKeep"} {
		if !asked[sid] {
			t.Errorf("no team's matrix denies by %s", sid)
		}
	}
	// What the teams' SCPs cannot hold goes to the root: nothing is left
	// out.
	if len(out.Omitted) > 0 {
		t.Errorf("%d counterparts left out: %+v", len(out.Omitted), out.Omitted)
	}
	for _, b := range out.Budgets {
		if b.Target == RootTarget {
			t.Logf("root: %d of %d SCPs, %d of %d characters; %d counterparts of teams placed there",
				b.Attached, b.MaxAttached, b.Characters, b.MaxCharacters, len(out.AtRoot))
		}
	}
}

func mustMatrix(t *testing.T, spec *orgspec.Spec) []iameval.Case {
	t.Helper()
	cases, err := Matrix(spec)
	if err != nil {
		t.Fatal(err)
	}
	return cases
}
