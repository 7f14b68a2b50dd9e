package orgspec

import (
	"fmt"
	"strings"
	"testing"
)

// largeSpec returns a spec of n teams in the example's style, each with
// its own accounts, network, keys, storage and Bedrock settings.
func largeSpec(n int) []byte {
	var b strings.Builder
	ex := string(Example())
	b.WriteString(ex[:strings.Index(ex, "\nteams:")])
	b.WriteString("\nteams:\n")
	for i := range n {
		fmt.Fprintf(&b, `  - name: team-%04d
    accounts: ["%012d", "%012d"]
    organizationalUnits: [ou-ex12-team%04d]
    dataClassification: confidential
    network:
      subnetIds: [subnet-%08x, subnet-%08x]
      securityGroupIds: [sg-%08x]
    kmsKeyArns: [arn:aws:kms:us-east-1:%012d:key/1a2b3c4d-1111-4a2b-8c3d-%012d]
    storage:
      trainingData: [s3://team-%04d-training/data/]
      output: s3://team-%04d-models/out/
    bedrock:
      allowedModels: [anthropic.claude-*]
      inferenceProfiles: [us.anthropic.claude-3-5-haiku-20241022-v1:0]
      guardrail: {id: abcd1234efgh, version: "3"}
    rules:
      sagemaker-notebook-root-access-disabled: {enabled: true}
    exceptions:
      - {rule: sagemaker-notebook-in-vpc, resources: [nb-%d], reason: Migration to the shared VPC pending., expires: 2030-01-31}
`, i, 300000000000+2*i, 300000000001+2*i, i, 2*i, 2*i+1, i, 300000000000+2*i, i, i, i, i)
	}
	return []byte(b.String())
}

// BenchmarkParse1000Teams parses and validates a 1,000-team spec (about
// 1 MB), effective rule sets included.
func BenchmarkParse1000Teams(b *testing.B) {
	data := largeSpec(1000)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := (Options{Now: testNow}).Parse("large.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
}

func TestLargeSpec(t *testing.T) {
	spec, err := Options{Now: testNow}.Parse("large.yaml", largeSpec(50))
	if err != nil {
		t.Fatal(err)
	}
	if len(spec.Teams) != 50 || len(spec.Accounts()) != 100 {
		t.Errorf("%d teams, %d accounts", len(spec.Teams), len(spec.Accounts()))
	}
}
