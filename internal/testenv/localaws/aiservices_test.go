package localaws_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrock"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagent"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/comprehend"
	ctypes "github.com/aws/aws-sdk-go-v2/service/comprehend/types"
	"github.com/aws/aws-sdk-go-v2/service/rekognition"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/aiguard/aiguard/internal/testenv/localaws"
)

// aiClients are real SDK clients of the services in aiservices.go,
// pointed at srv.
type aiClients struct {
	bedrock     *bedrock.Client
	agent       *bedrockagent.Client
	comprehend  *comprehend.Client
	rekognition *rekognition.Client
	logs        *cloudwatchlogs.Client
	s3          *s3.Client
}

func newAIClients(srv *localaws.Server, retryer aws.Retryer) aiClients {
	return aiClients{
		bedrock:     client(srv, retryer, bedrock.NewFromConfig),
		agent:       client(srv, retryer, bedrockagent.NewFromConfig),
		comprehend:  client(srv, retryer, comprehend.NewFromConfig),
		rekognition: client(srv, retryer, rekognition.NewFromConfig),
		logs:        client(srv, retryer, cloudwatchlogs.NewFromConfig),
		s3:          client(srv, retryer, s3.NewFromConfig),
	}
}

// fixtureKeys collects every member name of a JSON document, at any depth;
// maps (tags, hyperParameters) are the caller's to exclude.
func fixtureKeys(v any, skip map[string]bool, out map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, child := range x {
			out[k] = true
			if !skip[k] {
				fixtureKeys(child, skip, out)
			}
		}
	case []any:
		for _, child := range x {
			fixtureKeys(child, skip, out)
		}
	}
}

// TestAIFixturesUseAPIMemberNames checks that every member name of the
// Bedrock, Bedrock Agent, Comprehend and CloudWatch Logs fixtures is one the
// SDK's deserializers read (a `case "name":` of deserializers.go, or a
// member of schemas/schemas.go): these SDK versions ship no response
// snapshots, and a misspelt member would be dropped silently by the real
// client. The log group fixture is also checked against the CloudWatch Logs
// response snapshot, which that client has.
func TestAIFixturesUseAPIMemberNames(t *testing.T) {
	for fixtureDir, module := range map[string]string{
		"bedrock":      "github.com/aws/aws-sdk-go-v2/service/bedrock",
		"bedrockagent": "github.com/aws/aws-sdk-go-v2/service/bedrockagent",
		"comprehend":   "github.com/aws/aws-sdk-go-v2/service/comprehend",
		"logs":         "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs",
	} {
		// Older clients deserialize in deserializers.go, schema-based ones
		// declare members in schemas/schemas.go.
		dir := moduleDir(t, module)
		files, _ := filepath.Glob(filepath.Join(dir, "deserializers*.go"))
		files = append(files, filepath.Join(dir, "schemas", "schemas.go"))
		var src []byte
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				continue
			}
			src = append(src, data...)
		}
		if len(src) == 0 {
			t.Fatalf("no deserializers in %s", module)
		}
		known := map[string]bool{}
		for _, m := range regexp.MustCompile(`(?:case |AddMember\()"([A-Za-z0-9_]+)"`).FindAllSubmatch(src, -1) {
			known[string(m[1])] = true
		}
		names, err := localaws.FixtureNames(fixtureDir)
		if err != nil || len(names) == 0 {
			t.Fatalf("fixtures %s: %v", fixtureDir, err)
		}
		for _, name := range names {
			var doc any
			if err := json.Unmarshal(fixture(t, name).JSON(), &doc); err != nil {
				t.Fatal(err)
			}
			keys := map[string]bool{}
			fixtureKeys(doc, map[string]bool{"hyperParameters": true}, keys)
			var wrong []string
			for k := range keys {
				if !known[k] {
					wrong = append(wrong, k)
				}
			}
			sort.Strings(wrong)
			for _, k := range wrong {
				t.Errorf("%s: member %s is not read by the %s SDK", name, k, fixtureDir)
			}
		}
	}
}

func TestLogGroupFixtureMatchesSnapshot(t *testing.T) {
	dir := moduleDir(t, "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs")
	doc := map[string]any{"logGroups": []any{map[string]any(fixture(t, "logs/LogGroup.encrypted"))}}
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	checkJSONAgainstSnapshot(t, "logs/LogGroup.encrypted", data, snapshotBody(t, dir, "DescribeLogGroups"))
}

func addCustomModels(t *testing.T, srv *localaws.Server, n int) {
	t.Helper()
	for i := range n {
		d := fixture(t, "bedrock/GetCustomModel.encrypted")
		d.Set("modelName", fmt.Sprintf("model-%02d", i)).
			Set("modelArn", fmt.Sprintf("arn:aws:bedrock:us-east-1:111122223333:custom-model/m%02d", i)).
			Set("creationTime", t0.Add(-time.Duration(i)*time.Hour).Format(time.RFC3339))
		if err := srv.AddBedrock(localaws.BedrockCustomModel, d); err != nil {
			t.Fatal(err)
		}
	}
}

func TestBedrockRestJSON(t *testing.T) {
	srv := start(t, localaws.Options{})
	c := newAIClients(srv, fastRetry())
	ctx := context.Background()
	addCustomModels(t, srv, 5)
	srv.Throttle("ListCustomModels", 1)

	p := bedrock.NewListCustomModelsPaginator(c.bedrock, &bedrock.ListCustomModelsInput{MaxResults: aws.Int32(2)})
	var arns []string
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range out.ModelSummaries {
			arns = append(arns, aws.ToString(m.ModelArn))
		}
	}
	if len(arns) != 5 || !strings.HasSuffix(arns[0], "/m00") {
		t.Fatalf("listed %v, want 5 newest first", arns)
	}
	calls := srv.CallsTo("ListCustomModels")
	// Pages are told apart by nextToken: a request resent after a lost
	// answer is the same page.
	pages := map[string]bool{}
	for _, c := range calls {
		if !c.Failed() {
			pages[c.Request.Query["nextToken"]] = true
			if c.Request.Query["maxResults"] != "2" {
				t.Errorf("query = %v", c.Request.Query)
			}
		}
	}
	if calls[0].ErrorCode != "ThrottlingException" || calls[0].Status != 429 || len(pages) != 3 {
		t.Errorf("ListCustomModels calls = %+v, want a throttled call then 3 pages", calls)
	}
	if s := calls[1].Signer; !s.Verified || s.Service != "bedrock" {
		t.Errorf("signer %+v", s)
	}

	got, err := c.bedrock.GetCustomModel(ctx, &bedrock.GetCustomModelInput{ModelIdentifier: aws.String(arns[1])})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(got.ModelKmsKeyArn) == "" || aws.ToString(got.ModelName) != "model-01" || got.CreationTime == nil {
		t.Errorf("GetCustomModel = %+v", got)
	}
	// By name too, as the API allows.
	if _, err := c.bedrock.GetCustomModel(ctx, &bedrock.GetCustomModelInput{ModelIdentifier: aws.String("model-02")}); err != nil {
		t.Errorf("GetCustomModel by name: %v", err)
	}
	_, err = c.bedrock.GetCustomModel(ctx, &bedrock.GetCustomModelInput{ModelIdentifier: aws.String("arn:aws:bedrock:us-east-1:111122223333:custom-model/gone")})
	if errorCode(err) != "ResourceNotFoundException" {
		t.Errorf("missing model: %v", err)
	}

	// Customization jobs: creationTimeAfter filters.
	for i, created := range []time.Time{t0.Add(-time.Hour), t0.Add(-100 * time.Hour)} {
		d := fixture(t, "bedrock/GetModelCustomizationJob.hardened")
		d.Set("jobName", fmt.Sprintf("job-%d", i)).Set("jobArn", fmt.Sprintf("arn:aws:bedrock:us-east-1:111122223333:model-customization-job/j%d", i)).
			Set("creationTime", created.Format(time.RFC3339))
		if err := srv.AddBedrock(localaws.BedrockCustomizationJob, d); err != nil {
			t.Fatal(err)
		}
	}
	jobs, err := c.bedrock.ListModelCustomizationJobs(ctx, &bedrock.ListModelCustomizationJobsInput{CreationTimeAfter: aws.Time(t0.Add(-48 * time.Hour))})
	if err != nil || len(jobs.ModelCustomizationJobSummaries) != 1 {
		t.Fatalf("ListModelCustomizationJobs = %+v, %v", jobs, err)
	}
	job, err := c.bedrock.GetModelCustomizationJob(ctx, &bedrock.GetModelCustomizationJobInput{JobIdentifier: jobs.ModelCustomizationJobSummaries[0].JobArn})
	if err != nil || job.VpcConfig == nil || len(job.VpcConfig.SubnetIds) != 1 || aws.ToString(job.OutputModelKmsKeyArn) == "" {
		t.Errorf("GetModelCustomizationJob = %+v, %v", job, err)
	}

	// Invocation logging: none, then the fixture.
	lc, err := c.bedrock.GetModelInvocationLoggingConfiguration(ctx, &bedrock.GetModelInvocationLoggingConfigurationInput{})
	if err != nil || lc.LoggingConfig != nil {
		t.Errorf("no logging: %+v, %v", lc, err)
	}
	lf := fixture(t, "bedrock/GetModelInvocationLoggingConfiguration")
	srv.SetBedrockLogging(localaws.Doc(lf["loggingConfig"].(map[string]any)))
	lc, err = c.bedrock.GetModelInvocationLoggingConfiguration(ctx, &bedrock.GetModelInvocationLoggingConfigurationInput{})
	if err != nil || lc.LoggingConfig == nil || aws.ToString(lc.LoggingConfig.S3Config.BucketName) != "bedrock-invocation-logs" ||
		aws.ToString(lc.LoggingConfig.CloudWatchConfig.LogGroupName) != "/aws/bedrock/invocations" {
		t.Errorf("logging: %+v, %v", lc, err)
	}
}

func TestBedrockAgentRestJSON(t *testing.T) {
	srv := start(t, localaws.Options{})
	c := newAIClients(srv, fastRetry())
	ctx := context.Background()
	for i := range 3 {
		d := fixture(t, "bedrockagent/GetAgent.guarded")
		a := localaws.Doc(d["agent"].(map[string]any))
		a.Set("agentId", fmt.Sprintf("AGENT%05d", i)).Set("agentName", fmt.Sprintf("agent-%d", i)).
			Set("agentArn", fmt.Sprintf("arn:aws:bedrock:us-east-1:111122223333:agent/AGENT%05d", i))
		if err := srv.AddBedrock(localaws.BedrockAgent, a); err != nil {
			t.Fatal(err)
		}
	}
	p := bedrockagent.NewListAgentsPaginator(c.agent, &bedrockagent.ListAgentsInput{MaxResults: aws.Int32(2)})
	var ids []string
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range out.AgentSummaries {
			ids = append(ids, aws.ToString(a.AgentId))
		}
	}
	if len(ids) != 3 {
		t.Fatalf("agents %v", ids)
	}
	if b := srv.CallsTo("ListAgents")[1].Request.Body; b["nextToken"] == nil {
		t.Errorf("second ListAgents body %v has no nextToken", b)
	}
	got, err := c.agent.GetAgent(ctx, &bedrockagent.GetAgentInput{AgentId: aws.String(ids[0])})
	if err != nil || got.Agent == nil || aws.ToInt32(got.Agent.IdleSessionTTLInSeconds) != 600 ||
		aws.ToString(got.Agent.GuardrailConfiguration.GuardrailIdentifier) != "gr-abc123def456" {
		t.Fatalf("GetAgent = %+v, %v", got, err)
	}
	if _, err := c.agent.GetAgent(ctx, &bedrockagent.GetAgentInput{AgentId: aws.String("NOSUCHAGNT")}); errorCode(err) != "ResourceNotFoundException" {
		t.Errorf("missing agent: %v", err)
	}
}

func TestComprehendRekognitionLogsS3(t *testing.T) {
	srv := start(t, localaws.Options{})
	c := newAIClients(srv, fastRetry())
	ctx := context.Background()
	for i := range 3 {
		d := fixture(t, "comprehend/EntitiesDetectionJobProperties.hardened")
		d.Set("JobId", fmt.Sprintf("job%d", i)).Set("SubmitTime", json.Number(fmt.Sprint(t0.Add(-time.Duration(i*30)*time.Hour).Unix())))
		if err := srv.AddComprehendJob(localaws.ComprehendEntitiesJob, d); err != nil {
			t.Fatal(err)
		}
	}
	srv.Throttle("ListEntitiesDetectionJobs", 1)
	p := comprehend.NewListEntitiesDetectionJobsPaginator(c.comprehend, &comprehend.ListEntitiesDetectionJobsInput{
		Filter: &ctypes.EntitiesDetectionJobFilter{SubmitTimeAfter: aws.Time(t0.Add(-48 * time.Hour))}, MaxResults: aws.Int32(1)})
	var jobs []ctypes.EntitiesDetectionJobProperties
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		jobs = append(jobs, out.EntitiesDetectionJobPropertiesList...)
	}
	if len(jobs) != 2 || jobs[0].VpcConfig == nil || aws.ToString(jobs[0].VolumeKmsKeyId) == "" || aws.ToString(jobs[0].OutputDataConfig.KmsKeyId) == "" {
		t.Fatalf("jobs = %+v", jobs)
	}
	if calls := srv.CallsTo("ListEntitiesDetectionJobs"); calls[0].ErrorCode != "TooManyRequestsException" {
		t.Errorf("first call %+v, want throttled", calls[0])
	}

	srv.AddRekognitionCollection("faces-a", map[string]string{"ai-approved-use-case": "badge-entry"})
	srv.AddRekognitionCollection("faces-b", nil)
	cols, err := c.rekognition.ListCollections(ctx, &rekognition.ListCollectionsInput{MaxResults: aws.Int32(1)})
	if err != nil || len(cols.CollectionIds) != 1 || cols.NextToken == nil {
		t.Fatalf("ListCollections = %+v, %v", cols, err)
	}
	tags, err := c.rekognition.ListTagsForResource(ctx, &rekognition.ListTagsForResourceInput{ResourceArn: aws.String("arn:aws:rekognition:us-east-1:111122223333:collection/faces-a")})
	if err != nil || tags.Tags["ai-approved-use-case"] != "badge-entry" {
		t.Errorf("tags = %+v, %v", tags, err)
	}
	_, err = c.rekognition.ListTagsForResource(ctx, &rekognition.ListTagsForResourceInput{ResourceArn: aws.String("arn:aws:rekognition:us-east-1:111122223333:collection/gone")})
	if errorCode(err) != "ResourceNotFoundException" {
		t.Errorf("missing collection: %v", err)
	}
	// The ARN must name the collection where it lives: this Region and its
	// partition.
	for _, arn := range []string{
		"arn:aws:rekognition:us-west-2:111122223333:collection/faces-a",
		"arn:aws-cn:rekognition:us-east-1:111122223333:collection/faces-a",
		"arn:aws:s3:us-east-1:111122223333:collection/faces-a",
		"arn:aws:rekognition:us-east-1:111122223333:project/faces-a",
		"faces-a",
	} {
		_, err = c.rekognition.ListTagsForResource(ctx, &rekognition.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
		if errorCode(err) != "InvalidParameterException" {
			t.Errorf("ListTagsForResource %s: %v, want InvalidParameterException", arn, err)
		}
	}

	for i := range 3 {
		d := fixture(t, "logs/LogGroup.encrypted")
		d.Set("logGroupName", fmt.Sprintf("/aws/bedrock/invocations%d", i))
		if err := srv.AddLogGroup(d); err != nil {
			t.Fatal(err)
		}
	}
	groups, err := c.logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/bedrock/invocations"), Limit: aws.Int32(2)})
	if err != nil || len(groups.LogGroups) != 2 || groups.NextToken == nil || aws.ToString(groups.LogGroups[0].KmsKeyId) == "" {
		t.Fatalf("DescribeLogGroups = %+v, %v", groups, err)
	}

	srv.AddS3Bucket("logs-cmk", "aws:kms", "arn:aws:kms:us-east-1:111122223333:key/k")
	srv.AddS3Bucket("logs-none", "", "")
	srv.Throttle("GetBucketEncryption", 1)
	enc, err := c.s3.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String("logs-cmk")})
	if err != nil {
		t.Fatal(err)
	}
	def := enc.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault
	if string(def.SSEAlgorithm) != "aws:kms" || aws.ToString(def.KMSMasterKeyID) != "arn:aws:kms:us-east-1:111122223333:key/k" {
		t.Errorf("encryption = %+v", def)
	}
	calls := srv.CallsTo("GetBucketEncryption")
	if len(calls) != 2 || calls[0].ErrorCode != "SlowDown" || !calls[1].Signer.Verified || calls[1].Request.Path["Bucket"] != "logs-cmk" {
		t.Errorf("GetBucketEncryption calls = %+v", calls)
	}
	for bucket, code := range map[string]string{"logs-none": "ServerSideEncryptionConfigurationNotFoundError", "no-such": "NoSuchBucket"} {
		if _, err := c.s3.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(bucket)}); errorCode(err) != code {
			t.Errorf("%s: err = %v, want %s", bucket, err, code)
		}
	}
}
