package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/internal/testenv/localaws"
)

const (
	bedrockAgentARN = "arn:aws:bedrock:us-east-1:111122223333:agent/"
	loggingKey      = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
)

// addAgents registers n Bedrock agents, every fourth without a guardrail.
func addAgents(tb testing.TB, srv *localaws.Server, n int) {
	tb.Helper()
	for i := range n {
		d, err := localaws.Fixture("bedrockagent/GetAgent.guarded")
		if err != nil {
			tb.Fatal(err)
		}
		a := localaws.Doc(d["agent"].(map[string]any))
		id := fmt.Sprintf("AG%08d", i)
		a.Set("agentId", id).Set("agentName", "agent-"+id).Set("agentArn", bedrockAgentARN+id)
		if i%4 == 0 {
			a.Delete("guardrailConfiguration")
		}
		if err := srv.AddBedrock(localaws.BedrockAgent, a); err != nil {
			tb.Fatal(err)
		}
	}
}

// TestEmulatorPeriodicBedrockAgents runs bedrock-agent-guardrail through
// the real bootstrap (fleetRun): Bedrock Agent's restJson1 listing.
func TestEmulatorPeriodicBedrockAgents(t *testing.T) {
	fleetRun{
		rule: "bedrock-agent-guardrail", add: addAgents, n: 130, failEvery: 4, idFormat: bedrockAgentARN + "AG%d",
		listOp: "ListAgents", describeOp: "GetAgent", pageToken: "nextToken",
		remove: func(srv *localaws.Server) { srv.RemoveBedrock(localaws.BedrockAgent, "AG00000007") },
		goneID: bedrockAgentARN + "AG00000007",
	}.run(t)
}

// TestEmulatorPeriodicBedrockInvocationLogging runs the account-level
// bedrock-invocation-logging rule through bootstrap: Bedrock (restJson1),
// S3 (restXml) and CloudWatch Logs (awsJson1_1) reached through
// AWS_ENDPOINT_URL, every request signed and verified.
func TestEmulatorPeriodicBedrockInvocationLogging(t *testing.T) {
	requireBinaries(t)
	srv := startLocalAWS(t, localaws.Options{})
	srv.BindResultToken(periodicToken, periodicRule)
	lc := localaws.Doc{}
	lc.Set("s3Config.bucketName", "bedrock-logs").Set("cloudWatchConfig.logGroupName", "/aws/bedrock/invocations").
		Set("cloudWatchConfig.roleArn", "arn:aws:iam::111122223333:role/BedrockLogging")
	srv.SetBedrockLogging(lc)
	srv.AddS3Bucket("bedrock-logs", "aws:kms", loggingKey)
	group, err := localaws.Fixture("logs/LogGroup.encrypted")
	if err != nil {
		t.Fatal(err)
	}
	group.Delete("kmsKeyId")
	if err := srv.AddLogGroup(group); err != nil {
		t.Fatal(err)
	}
	srv.Throttle("GetBucketEncryption", 1)
	emu := startEmulator(t, bin.bootstrap, emulatorEnv(srv.URL, "us-east-1"))
	ev := withParams(t, fixture(t, "e2e:scheduled-fleet.json"), map[string]string{"ruleId": "bedrock-invocation-logging"})

	emu.invoke(t, ev).mustSucceed(t, emu)
	results := srv.EvaluationResults(periodicRule)
	if len(results) != 1 {
		t.Fatalf("stored %d results, want 1", len(results))
	}
	r := results[0]
	if r.ComplianceResourceType != "AWS::::Account" || r.ComplianceResourceID != "111122223333" || r.ComplianceType != "NON_COMPLIANT" ||
		r.Annotation == nil || !strings.Contains(*r.Annotation, "log group /aws/bedrock/invocations has no KMS key") {
		t.Errorf("result %+v (annotation %v)", r, r.Annotation)
	}
	for _, op := range []string{"GetModelInvocationLoggingConfiguration", "GetBucketEncryption", "DescribeLogGroups"} {
		calls := srv.CallsTo(op)
		if len(calls) == 0 || calls[len(calls)-1].Failed() {
			t.Errorf("%s: %v", op, operations(srv))
		}
	}
	for _, c := range srv.Calls() {
		if s := c.Signer; s.AccessKeyID != baseKey || !s.Verified {
			t.Errorf("%s signed by %+v", c.Operation, s)
		}
	}
}
