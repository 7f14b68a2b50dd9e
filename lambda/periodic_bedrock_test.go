package lambda

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aiguard/aiguard/internal/testenv/localaws"
	"github.com/aiguard/aiguard/rules"
	"github.com/aiguard/aiguard/sources"
)

const (
	bedrockARN = "arn:aws:bedrock:us-east-1:111122223333:"
	testKey    = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
)

func fixtureDoc(t *testing.T, name string, set map[string]any) localaws.Doc {
	t.Helper()
	d, err := localaws.Fixture(name)
	if err != nil {
		t.Fatal(err)
	}
	return d.Apply(set)
}

func addCustomModel(t *testing.T, srv *localaws.Server, name string, set map[string]any) {
	t.Helper()
	all := map[string]any{"modelName": name, "modelArn": bedrockARN + "custom-model/" + name}
	if err := srv.AddBedrock(localaws.BedrockCustomModel, fixtureDoc(t, "bedrock/GetCustomModel.encrypted", all).Apply(set)); err != nil {
		t.Fatal(err)
	}
}

func addCustomizationJob(t *testing.T, srv *localaws.Server, name string, at time.Time, set map[string]any) {
	t.Helper()
	all := map[string]any{"jobName": name, "jobArn": bedrockARN + "model-customization-job/" + name, "creationTime": at.Format(time.RFC3339)}
	if err := srv.AddBedrock(localaws.BedrockCustomizationJob, fixtureDoc(t, "bedrock/GetModelCustomizationJob.hardened", all).Apply(set)); err != nil {
		t.Fatal(err)
	}
}

func addAgent(t *testing.T, srv *localaws.Server, id string, set map[string]any) {
	t.Helper()
	all := map[string]any{"agentId": id, "agentName": "agent-" + strings.ToLower(id), "agentArn": bedrockARN + "agent/" + id}
	d := fixtureDoc(t, "bedrockagent/GetAgent.guarded", nil)
	agent := localaws.Doc(d["agent"].(map[string]any)).Apply(all).Apply(set)
	if err := srv.AddBedrock(localaws.BedrockAgent, agent); err != nil {
		t.Fatal(err)
	}
}

func addComprehendJob(t *testing.T, srv *localaws.Server, kind, id string, at time.Time, set map[string]any) {
	t.Helper()
	fixture, arnKind := "comprehend/EntitiesDetectionJobProperties.hardened", "entities-detection-job/"
	if kind == localaws.ComprehendPiiEntitiesJob {
		fixture, arnKind = "comprehend/PiiEntitiesDetectionJobProperties.encrypted", "pii-entities-detection-job/"
	}
	all := map[string]any{"JobId": id, "JobName": "job-" + id, "JobArn": "arn:aws:comprehend:us-east-1:111122223333:" + arnKind + id,
		"SubmitTime": json.Number(fmt.Sprint(at.Unix()))}
	if err := srv.AddComprehendJob(kind, fixtureDoc(t, fixture, all).Apply(set)); err != nil {
		t.Fatal(err)
	}
}

// setLogging configures invocation logging to bucket and log group (either
// "" for none) and registers both with the given encryption.
func setLogging(t *testing.T, srv *localaws.Server, bucket, algorithm, key, group, groupKey string) {
	t.Helper()
	lc := localaws.Doc{}
	if bucket != "" {
		lc.Set("s3Config.bucketName", bucket).Set("s3Config.keyPrefix", "invocations/")
		srv.AddS3Bucket(bucket, algorithm, key)
	}
	if group != "" {
		lc.Set("cloudWatchConfig.logGroupName", group).Set("cloudWatchConfig.roleArn", "arn:aws:iam::111122223333:role/BedrockLogging")
		g := fixtureDoc(t, "logs/LogGroup.encrypted", map[string]any{"logGroupName": group, "kmsKeyId": groupKey})
		if groupKey == "" {
			g.Delete("kmsKeyId")
		}
		if err := srv.AddLogGroup(g); err != nil {
			t.Fatal(err)
		}
	}
	lc.Set("textDataDeliveryEnabled", true)
	srv.SetBedrockLogging(lc)
}

// invokeRule runs ruleID through the handler and returns the stored
// results by resource ID.
func invokeRule(t *testing.T, hs *harness, ruleID string, params map[string]string) map[string]localaws.EvaluationResult {
	t.Helper()
	if err := hs.h.Invoke(context.Background(), scheduled(t, ruleID, params)); err != nil {
		t.Fatalf("%s: %v\n%s", ruleID, err, hs.logs)
	}
	return stored(hs)
}

func checkResult(t *testing.T, got map[string]localaws.EvaluationResult, id, want, annotation string) {
	t.Helper()
	r, ok := got[id]
	if !ok {
		t.Errorf("no result for %s; have %v", id, keys(got))
		return
	}
	if r.ComplianceType != want || r.ComplianceResourceType != rules.TypeAccount || !r.OrderingTimestamp.Equal(notified) ||
		!strings.Contains(deref(r.Annotation), annotation) {
		t.Errorf("%s: %s %q, want %s with %q", id, r.ComplianceType, deref(r.Annotation), want, annotation)
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestPeriodicInvocationLogging(t *testing.T) {
	const group = "/aws/bedrock/invocations"
	for _, tt := range []struct {
		name               string
		setup              func(*localaws.Server)
		params             map[string]string
		want, annotation   string
		s3Calls, logsCalls int
	}{
		{"not configured", func(*localaws.Server) {}, nil, "NON_COMPLIANT", "not configured", 0, 0},
		{"not configured, not required", func(*localaws.Server) {}, map[string]string{"requireLogging": "false"}, "NOT_APPLICABLE", "requireLogging is false", 0, 0},
		{"bucket and group with CMKs", func(s *localaws.Server) { setLogging(t, s, "logs-cmk", "aws:kms", testKey, group, testKey) },
			nil, "COMPLIANT", "customer managed KMS keys", 1, 1},
		{"bucket SSE-S3", func(s *localaws.Server) { setLogging(t, s, "logs-s3", "AES256", "", "", "") },
			nil, "NON_COMPLIANT", "bucket logs-s3 is default-encrypted with AES256", 1, 0},
		{"bucket AWS managed key", func(s *localaws.Server) { setLogging(t, s, "logs-aws", "aws:kms", "", "", "") },
			nil, "NON_COMPLIANT", "AWS managed key", 1, 0},
		{"bucket aws/s3 alias", func(s *localaws.Server) { setLogging(t, s, "logs-alias", "aws:kms", "alias/aws/s3", "", "") },
			nil, "NON_COMPLIANT", "AWS managed key", 1, 0},
		{"bucket gone", func(s *localaws.Server) {
			setLogging(t, s, "logs-gone", "aws:kms", testKey, "", "")
			s.RemoveS3Bucket("logs-gone")
		},
			nil, "NON_COMPLIANT", "bucket logs-gone does not exist", 1, 0},
		{"no default encryption", func(s *localaws.Server) { setLogging(t, s, "logs-none", "", "", "", "") },
			nil, "NON_COMPLIANT", "has no default encryption", 1, 0},
		{"group without key", func(s *localaws.Server) { setLogging(t, s, "", "", "", group, "") },
			nil, "NON_COMPLIANT", "log group " + group + " has no KMS key", 0, 1},
		{"CMK not required", func(s *localaws.Server) { setLogging(t, s, "logs-s3", "AES256", "", group, "") },
			map[string]string{"requireCmk": "false"}, "COMPLIANT", "logging to bucket logs-s3 and log group", 0, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			hs := periodicHarness(t, harnessOptions{})
			tt.setup(hs.srv)
			// Throttling of each call is retried.
			hs.srv.Throttle("GetModelInvocationLoggingConfiguration", 1)
			hs.srv.Throttle("GetBucketEncryption", 1)
			hs.srv.Throttle("DescribeLogGroups", 1)
			got := invokeRule(t, hs, "bedrock-invocation-logging", tt.params)
			if len(got) != 1 {
				t.Fatalf("results %v, want one for the account", keys(got))
			}
			checkResult(t, got, account, tt.want, tt.annotation)
			if a := deref(got[account].Annotation); !strings.HasPrefix(a, "Bedrock model invocation logging in us-east-1: ") {
				t.Errorf("annotation %q does not name the setting", a)
			}
			ok := func(op string) int {
				n := 0
				for _, c := range hs.srv.CallsTo(op) {
					if !c.Failed() || c.ErrorCode == "NoSuchBucket" || c.ErrorCode == "ServerSideEncryptionConfigurationNotFoundError" {
						n++
					}
				}
				return n
			}
			if ok("GetBucketEncryption") != tt.s3Calls || ok("DescribeLogGroups") != tt.logsCalls {
				t.Errorf("%d GetBucketEncryption and %d DescribeLogGroups answered, want %d and %d",
					ok("GetBucketEncryption"), ok("DescribeLogGroups"), tt.s3Calls, tt.logsCalls)
			}
		})
	}
}

func TestPeriodicCustomModels(t *testing.T) {
	hs := periodicHarness(t, harnessOptions{})
	for i := range 130 {
		addCustomModel(t, hs.srv, fmt.Sprintf("model-%03d", i), map[string]any{
			"creationTime": notified.Add(-time.Duration(i) * time.Hour).Format(time.RFC3339)})
	}
	addCustomModel(t, hs.srv, "plain", map[string]any{"modelKmsKeyArn": nil})
	addCustomizationJob(t, hs.srv, "good", notified.Add(-time.Hour), nil)
	addCustomizationJob(t, hs.srv, "open", notified.Add(-2*time.Hour), map[string]any{"vpcConfig": nil, "outputModelKmsKeyArn": nil})
	addCustomizationJob(t, hs.srv, "novpc", notified.Add(-3*time.Hour), map[string]any{"vpcConfig": nil})
	addCustomizationJob(t, hs.srv, "old", notified.Add(-100*time.Hour), map[string]any{"vpcConfig": nil})
	hs.srv.Throttle("ListCustomModels", 2)
	hs.srv.Throttle("GetCustomModel", 3)
	hs.srv.Throttle("GetModelCustomizationJob", 1)

	got := invokeRule(t, hs, "bedrock-custom-model-cmk", nil)
	if len(got) != 134 {
		t.Fatalf("stored %d results, want 131 models and 3 jobs (the old job is outside the window)", len(got))
	}
	checkResult(t, got, bedrockARN+"custom-model/model-007", "COMPLIANT", "Custom model model-007: encrypted")
	checkResult(t, got, bedrockARN+"custom-model/plain", "NON_COMPLIANT", "no modelKmsKeyArn")
	checkResult(t, got, bedrockARN+"model-customization-job/good", "COMPLIANT", "Customization job good:")
	checkResult(t, got, bedrockARN+"model-customization-job/open", "NON_COMPLIANT", "no outputModelKmsKeyArn; no vpcConfig")
	checkResult(t, got, bedrockARN+"model-customization-job/novpc", "NON_COMPLIANT", "no vpcConfig")

	pages := map[string]bool{}
	for _, c := range hs.srv.CallsTo("ListCustomModels") {
		if !c.Failed() {
			pages[c.Request.Query["nextToken"]] = true
			if c.Request.Query["maxResults"] != "100" {
				t.Errorf("ListCustomModels query %v", c.Request.Query)
			}
		}
	}
	if len(pages) != 2 {
		t.Errorf("%d ListCustomModels pages, want 2", len(pages))
	}
	jobs := hs.srv.CallsTo("ListModelCustomizationJobs")
	if q := jobs[0].Request.Query; q["creationTimeAfter"] != notified.Add(-48*time.Hour-time.Second).Format(time.RFC3339) || q["sortOrder"] != "Descending" {
		t.Errorf("ListModelCustomizationJobs query %v", q)
	}

	// Without requireVpc, the job with a key but no VPC passes.
	hs.srv.Reset()
	got = invokeRule(t, hs, "bedrock-custom-model-cmk", map[string]string{"requireVpc": "false"})
	checkResult(t, got, bedrockARN+"model-customization-job/novpc", "COMPLIANT", "")
}

func TestPeriodicAgents(t *testing.T) {
	hs := periodicHarness(t, harnessOptions{})
	for i := range 120 {
		addAgent(t, hs.srv, fmt.Sprintf("A%09d", i), nil)
	}
	addAgent(t, hs.srv, "NOGUARD", map[string]any{"guardrailConfiguration": nil, "customerEncryptionKeyArn": nil, "idleSessionTTLInSeconds": 7200})
	addAgent(t, hs.srv, "LONGTTL", map[string]any{"idleSessionTTLInSeconds": 3601})
	hs.srv.Throttle("ListAgents", 1)
	hs.srv.Throttle("GetAgent", 2)
	for _, tt := range []struct {
		params               map[string]string
		id, want, annotation string
	}{
		{nil, "A000000005", "COMPLIANT", "Agent agent-a000000005: guardrail gr-abc123def456"},
		{nil, "NOGUARD", "NON_COMPLIANT", "no guardrail; no customerEncryptionKeyArn; idleSessionTTLInSeconds 7200 exceeds 3600"},
		{nil, "LONGTTL", "NON_COMPLIANT", "idleSessionTTLInSeconds 3601 exceeds 3600"},
		{map[string]string{"requireCmk": "false", "maxIdleSessionTtlSeconds": "7200"}, "NOGUARD", "NON_COMPLIANT", "Agent agent-noguard: no guardrail."},
		{map[string]string{"maxIdleSessionTtlSeconds": "7200"}, "LONGTTL", "COMPLIANT", ""},
	} {
		got := invokeRule(t, hs, "bedrock-agent-guardrail", tt.params)
		if len(got) != 122 {
			t.Fatalf("stored %d results, want 122", len(got))
		}
		checkResult(t, got, bedrockARN+"agent/"+tt.id, tt.want, tt.annotation)
	}
	if b := hs.srv.CallsTo("ListAgents")[1].Request.Body; b["maxResults"] != json.Number("100") {
		t.Errorf("ListAgents body %v", b)
	}
}

func TestPeriodicComprehendJobs(t *testing.T) {
	hs := periodicHarness(t, harnessOptions{})
	for i := range 105 {
		addComprehendJob(t, hs.srv, localaws.ComprehendEntitiesJob, fmt.Sprintf("e%03d", i), notified.Add(-time.Duration(i)*time.Minute), nil)
	}
	addComprehendJob(t, hs.srv, localaws.ComprehendEntitiesJob, "open", notified.Add(-time.Hour), map[string]any{
		"VolumeKmsKeyId": nil, "VpcConfig": nil, "OutputDataConfig.KmsKeyId": nil})
	addComprehendJob(t, hs.srv, localaws.ComprehendEntitiesJob, "old", notified.Add(-72*time.Hour), map[string]any{"VpcConfig": nil})
	addComprehendJob(t, hs.srv, localaws.ComprehendPiiEntitiesJob, "pii", notified.Add(-time.Hour), nil)
	addComprehendJob(t, hs.srv, localaws.ComprehendPiiEntitiesJob, "piiplain", notified.Add(-time.Hour), map[string]any{"OutputDataConfig.KmsKeyId": nil})
	hs.srv.Throttle("ListEntitiesDetectionJobs", 2)
	hs.srv.Throttle("ListPiiEntitiesDetectionJobs", 1)

	got := invokeRule(t, hs, "comprehend-job-encrypted", nil)
	if len(got) != 108 {
		t.Fatalf("stored %d results, want 108 (the old job is outside the window)", len(got))
	}
	const arn = "arn:aws:comprehend:us-east-1:111122223333:"
	checkResult(t, got, arn+"entities-detection-job/e004", "COMPLIANT", "Entities detection job job-e004:")
	checkResult(t, got, arn+"entities-detection-job/open", "NON_COMPLIANT", "no VolumeKmsKeyId; no OutputDataConfig.KmsKeyId; no VpcConfig")
	checkResult(t, got, arn+"pii-entities-detection-job/pii", "COMPLIANT", "PII entities detection job job-pii: output KMS key set")
	checkResult(t, got, arn+"pii-entities-detection-job/piiplain", "NON_COMPLIANT", "no OutputDataConfig.KmsKeyId.")
	// Distinct pages: under load (-race, -cpu 1) the SDK's retryer now and
	// then asks for a page again that the server had answered (its retry
	// log shows one attempt more than the throttling explains), which costs
	// a call, not a result.
	pages := map[any]bool{}
	for _, c := range hs.srv.CallsTo("ListEntitiesDetectionJobs") {
		if c.Failed() {
			continue
		}
		pages[c.Request.Body["NextToken"]] = true
		f, _ := c.Request.Body["Filter"].(map[string]any)
		if f["SubmitTimeAfter"] == nil || c.Request.Body["MaxResults"] != json.Number("100") {
			t.Errorf("ListEntitiesDetectionJobs body %v", c.Request.Body)
		}
	}
	if len(pages) != 2 {
		t.Errorf("%d ListEntitiesDetectionJobs pages, want 2", len(pages))
	}
}

func TestPeriodicCollections(t *testing.T) {
	hs := periodicHarness(t, harnessOptions{})
	const key = "ai-approved-use-case"
	for i := range 110 {
		hs.srv.AddRekognitionCollection(fmt.Sprintf("c%03d", i), map[string]string{key: "Badge-Entry"})
	}
	hs.srv.AddRekognitionCollection("untagged", map[string]string{"team": "security"})
	hs.srv.AddRekognitionCollection("marketing", map[string]string{key: "marketing"})
	hs.srv.AddRekognitionCollection("custom", map[string]string{"use": "badge-entry"})
	hs.srv.Throttle("ListCollections", 1)
	hs.srv.Throttle("ListTagsForResource", 3)
	const arn = "arn:aws:rekognition:us-east-1:111122223333:collection/"
	for _, tt := range []struct {
		params               map[string]string
		id, want, annotation string
	}{
		{map[string]string{"approvedUseCases": "badge-entry,fraud"}, "c005", "COMPLIANT", "Face collection c005: ai-approved-use-case is Badge-Entry"},
		{map[string]string{"approvedUseCases": "badge-entry"}, "untagged", "NON_COMPLIANT", "no ai-approved-use-case tag"},
		{map[string]string{"approvedUseCases": "badge-entry"}, "marketing", "NON_COMPLIANT", `"marketing", not an approved use case`},
		{nil, "c005", "NON_COMPLIANT", "no use case of facial recognition is approved"},
		{map[string]string{"approvedUseCases": "badge-entry", "approvedUseCaseTagKey": "use"}, "custom", "COMPLIANT", "use is badge-entry"},
	} {
		got := invokeRule(t, hs, "rekognition-collection-approved-use-case", tt.params)
		if len(got) != 113 {
			t.Fatalf("stored %d results, want 113", len(got))
		}
		checkResult(t, got, arn+tt.id, tt.want, tt.annotation)
	}
	var pages int
	for _, c := range hs.srv.CallsTo("ListCollections") {
		if !c.Failed() && c.Request.Body["NextToken"] != nil {
			pages++
		}
	}
	if pages == 0 {
		t.Error("ListCollections never asked for a second page")
	}

	// A collection deleted since is reconciled to NOT_APPLICABLE.
	hs.srv.RemoveRekognitionCollection("c001")
	got := invokeRule(t, hs, "rekognition-collection-approved-use-case", map[string]string{"approvedUseCases": "badge-entry"})
	if r := got[arn+"c001"]; r.ComplianceType != "NOT_APPLICABLE" {
		t.Errorf("deleted collection: %+v", r)
	}
}

// TestCollectionsOfEveryPartition: the collection ARNs the source builds
// (ListCollections returns IDs only) carry the partition of the Region,
// which localaws checks as Rekognition does.
func TestCollectionsOfEveryPartition(t *testing.T) {
	for region, want := range map[string]string{
		"us-east-1":      "arn:aws:rekognition:us-east-1:",
		"us-iso-east-1":  "arn:aws-iso:rekognition:us-iso-east-1:",
		"us-isob-east-1": "arn:aws-iso-b:rekognition:us-isob-east-1:",
		"eu-isoe-west-1": "arn:aws-iso-e:rekognition:eu-isoe-west-1:",
		"eusc-de-east-1": "arn:aws-eusc:rekognition:eusc-de-east-1:",
		"us-gov-west-1":  "arn:aws-us-gov:rekognition:us-gov-west-1:",
		"cn-north-1":     "arn:aws-cn:rekognition:cn-north-1:",
	} {
		hs := periodicHarness(t, harnessOptions{region: region})
		hs.srv.AddRekognitionCollection("faces", map[string]string{"use": "badge-entry"})
		src, err := hs.clients.Sources(context.Background(), "", "", sources.Options{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := src.Rekognition.Collections(context.Background(), region, account)
		if err != nil || len(got) != 1 || got[0].ARN != want+account+":collection/faces" || got[0].Tags["use"] != "badge-entry" {
			t.Errorf("%s: collections = %+v, %v; want %s...", region, got, err, want)
		}
	}
}

// TestAISourcesStopAtDeadline gives each listing source a deadline that
// expires mid-run: it returns what it described with an *rules.Incomplete
// naming the rest, promptly.
func TestAISourcesStopAtDeadline(t *testing.T) {
	hs := periodicHarness(t, harnessOptions{local: localaws.Options{Latency: 10 * time.Millisecond}})
	for i := range 60 {
		addCustomModel(t, hs.srv, fmt.Sprintf("m%02d", i), nil)
		addAgent(t, hs.srv, fmt.Sprintf("A%09d", i), nil)
		hs.srv.AddRekognitionCollection(fmt.Sprintf("c%02d", i), nil)
	}
	src, err := hs.clients.Sources(context.Background(), "", "", sources.Options{Concurrency: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		run  func(ctx context.Context) (int, error)
	}{
		{"custom model", func(ctx context.Context) (int, error) { l, err := src.Bedrock.CustomModels(ctx); return len(l), err }},
		{"agent", func(ctx context.Context) (int, error) { l, err := src.BedrockAgents.Agents(ctx); return len(l), err }},
		{"face collection", func(ctx context.Context) (int, error) {
			l, err := src.Rekognition.Collections(ctx, "us-east-1", account)
			return len(l), err
		}},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 250*time.Millisecond)
		begin := time.Now()
		n, err := tt.run(ctx)
		took := time.Since(begin)
		cancel()
		inc, hard := rules.AsIncomplete(err)
		if hard != nil || inc == nil {
			t.Errorf("%s: err = %v, want *rules.Incomplete", tt.name, err)
			continue
		}
		if n == 0 || n+len(inc.Skipped) != 60 || !strings.HasPrefix(inc.Skipped[0], tt.name+" ") {
			t.Errorf("%s: %d described, skipped %d (%v...), want 60 in all", tt.name, n, len(inc.Skipped), inc.Skipped[:min(1, len(inc.Skipped))])
		}
		if took > time.Second {
			t.Errorf("%s: took %v after a 250ms deadline", tt.name, took)
		}
	}

	// An already expired deadline: nothing is listed, nothing is lost.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	jobs, err := src.Comprehend.EntitiesJobs(ctx, notified.Add(-time.Hour))
	if inc, hard := rules.AsIncomplete(err); hard != nil || inc == nil || !inc.Truncated || len(jobs) != 0 {
		t.Errorf("expired: %d jobs, err %v, want a truncated *rules.Incomplete", len(jobs), err)
	}
}

// TestPeriodicAgentsDeadlineMidRun runs bedrock-agent-guardrail through the
// handler with too little time: it puts what it evaluated and does not
// reconcile.
func TestPeriodicAgentsDeadlineMidRun(t *testing.T) {
	hs := periodicHarness(t, harnessOptions{local: localaws.Options{Latency: 20 * time.Millisecond}})
	hs.h.Reserve = 1500 * time.Millisecond
	for i := range 200 {
		addAgent(t, hs.srv, fmt.Sprintf("A%09d", i), nil)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Second)
	defer cancel()
	if err := hs.h.Invoke(ctx, scheduled(t, "bedrock-agent-guardrail", map[string]string{"describeConcurrency": "1"})); err != nil {
		t.Fatalf("err = %v\n%s", err, hs.logs)
	}
	n := len(hs.srv.Evaluations())
	if n == 0 || n >= 200 {
		t.Fatalf("delivered %d evaluations, want some but not all 200", n)
	}
	if c := len(hs.srv.CallsTo(localaws.OpGetComplianceDetailsByConfigRule)); c != 0 {
		t.Errorf("an incomplete run reconciled")
	}
}
