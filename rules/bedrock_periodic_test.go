package rules

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// fakeAI is a fake of the Bedrock, Comprehend, Rekognition, S3 and
// CloudWatch Logs sources.
type fakeAI struct {
	logging     *InvocationLogging
	models      []CustomModel
	jobs        []CustomizationJob
	agents      []Agent
	pii, ents   []ComprehendJob
	collections []FaceCollection
	buckets     map[string]BucketEncryption
	groups      map[string]*LogGroup
	errs        map[string]error
}

func (f *fakeAI) InvocationLogging(context.Context) (*InvocationLogging, error) {
	return f.logging, f.errs["logging"]
}
func (f *fakeAI) CustomModels(context.Context) ([]CustomModel, error) {
	return f.models, f.errs["models"]
}
func (f *fakeAI) CustomizationJobs(context.Context, time.Time) ([]CustomizationJob, error) {
	return f.jobs, f.errs["jobs"]
}
func (f *fakeAI) Agents(context.Context) ([]Agent, error) { return f.agents, f.errs["agents"] }
func (f *fakeAI) PIIEntitiesJobs(context.Context, time.Time) ([]ComprehendJob, error) {
	return f.pii, f.errs["pii"]
}
func (f *fakeAI) EntitiesJobs(context.Context, time.Time) ([]ComprehendJob, error) {
	return f.ents, f.errs["ents"]
}
func (f *fakeAI) Collections(_ context.Context, region, account string) ([]FaceCollection, error) {
	if region != "us-east-1" || account != "111122223333" {
		return nil, errors.New("wrong scope " + region + " " + account)
	}
	return f.collections, f.errs["collections"]
}
func (f *fakeAI) BucketEncryption(_ context.Context, b string) (BucketEncryption, error) {
	if err := f.errs["bucket"]; err != nil {
		return BucketEncryption{}, err
	}
	enc, ok := f.buckets[b]
	if !ok {
		return BucketEncryption{Bucket: b}, nil
	}
	enc.Bucket, enc.Exists = b, true
	return enc, nil
}
func (f *fakeAI) LogGroup(_ context.Context, name string) (*LogGroup, error) {
	return f.groups[name], f.errs["group"]
}

func (f *fakeAI) sources() Sources {
	return Sources{Bedrock: f, BedrockAgents: f, Comprehend: f, Rekognition: f, S3Buckets: f, LogGroups: f}
}

func runAI(t *testing.T, id string, src Sources, params map[string]string) ([]Evaluation, error) {
	t.Helper()
	return runAccountLevel(t, id, src, params)
}

const cmk = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"

func TestInvocationLoggingRule(t *testing.T) {
	good := map[string]BucketEncryption{"b": {Algorithm: "aws:kms", KMSKey: cmk}}
	for _, tt := range []struct {
		name   string
		f      fakeAI
		params map[string]string
		want   Compliance
		text   string
	}{
		{"off", fakeAI{}, nil, NonCompliant, "not configured"},
		{"empty config", fakeAI{logging: &InvocationLogging{}}, nil, NonCompliant, "not configured"},
		{"off, not required", fakeAI{}, map[string]string{"requireLogging": "false"}, NotApplicable, "requireLogging"},
		{"s3 cmk", fakeAI{logging: &InvocationLogging{S3Bucket: "b"}, buckets: good}, nil, Compliant, "bucket b"},
		{"dsse", fakeAI{logging: &InvocationLogging{S3Bucket: "b"}, buckets: map[string]BucketEncryption{"b": {Algorithm: "aws:kms:dsse", KMSKey: "alias/logs"}}}, nil, Compliant, ""},
		{"alias aws/s3", fakeAI{logging: &InvocationLogging{S3Bucket: "b"}, buckets: map[string]BucketEncryption{"b": {Algorithm: "aws:kms", KMSKey: "arn:aws:kms:us-east-1:111122223333:alias/aws/s3"}}}, nil, NonCompliant, "AWS managed key"},
		{"large data bucket", fakeAI{logging: &InvocationLogging{LogGroup: "g", LargeDataBucket: "big"}, buckets: good,
			groups: map[string]*LogGroup{"g": {Name: "g", KMSKey: cmk}}}, nil, NonCompliant, "bucket big does not exist"},
		{"group gone", fakeAI{logging: &InvocationLogging{LogGroup: "g"}}, nil, NonCompliant, "log group g does not exist"},
		{"group cmk", fakeAI{logging: &InvocationLogging{LogGroup: "g"}, groups: map[string]*LogGroup{"g": {Name: "g", KMSKey: cmk}}}, nil, Compliant, "log group g"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			evals, err := runAI(t, "bedrock-invocation-logging", tt.f.sources(), tt.params)
			if err != nil {
				t.Fatal(err)
			}
			if len(evals) != 1 || evals[0].ResourceID != "111122223333" || evals[0].Compliance != tt.want || !strings.Contains(evals[0].Annotation, tt.text) {
				t.Errorf("evals = %+v, want one %s with %q", evals, tt.want, tt.text)
			}
		})
	}
}

func TestAIRuleSourceErrors(t *testing.T) {
	boom := errors.New("AccessDeniedException")
	cut := &Incomplete{Skipped: []string{"x"}, Cause: context.DeadlineExceeded}
	for _, tt := range []struct {
		rule   string
		f      fakeAI
		src    func(*fakeAI) Sources
		params map[string]string
		inc    bool // an *Incomplete comes back, with the evaluations made
		text   string
	}{
		{rule: "bedrock-invocation-logging", f: fakeAI{errs: map[string]error{"logging": boom}}, text: "invocation logging"},
		{rule: "bedrock-invocation-logging", f: fakeAI{logging: &InvocationLogging{S3Bucket: "b"}, errs: map[string]error{"bucket": boom}}, text: "bucket b"},
		{rule: "bedrock-invocation-logging", f: fakeAI{logging: &InvocationLogging{S3Bucket: "b"}},
			src: func(f *fakeAI) Sources { return Sources{Bedrock: f} }, text: "no S3 source"},
		{rule: "bedrock-custom-model-cmk", f: fakeAI{errs: map[string]error{"jobs": boom}}, text: "customization jobs"},
		{rule: "bedrock-custom-model-cmk", f: fakeAI{models: []CustomModel{{Name: "m", ARN: "arn:m", KMSKey: cmk}}, errs: map[string]error{"models": cut}}, inc: true},
		{rule: "bedrock-agent-guardrail", f: fakeAI{}, src: func(*fakeAI) Sources { return Sources{} }, text: "no Bedrock agents source"},
		{rule: "bedrock-agent-guardrail", f: fakeAI{agents: []Agent{{ID: "a", ARN: "arn:a"}}, errs: map[string]error{"agents": cut}}, inc: true},
		{rule: "comprehend-job-encrypted", f: fakeAI{errs: map[string]error{"pii": boom}}, text: "pII entities"},
		{rule: "comprehend-job-encrypted", f: fakeAI{pii: []ComprehendJob{{ID: "p", ARN: "arn:p", Submitted: periodicNow, PII: true}},
			errs: map[string]error{"ents": cut}}, inc: true},
		{rule: "rekognition-collection-approved-use-case", f: fakeAI{errs: map[string]error{"collections": boom}}, text: "collections"},
		{rule: "rekognition-collection-approved-use-case", f: fakeAI{collections: []FaceCollection{{ID: "c", ARN: "arn:c"}}, errs: map[string]error{"collections": cut}}, inc: true},
	} {
		src := tt.f.sources()
		if tt.src != nil {
			src = tt.src(&tt.f)
		}
		evals, err := runAI(t, tt.rule, src, tt.params)
		inc, hard := AsIncomplete(err)
		switch {
		case tt.inc && (inc == nil || hard != nil || len(evals) != 1):
			t.Errorf("%s: %d evaluations, err %v, want one and an *Incomplete", tt.rule, len(evals), err)
		case !tt.inc && (hard == nil || !strings.Contains(strings.ToLower(hard.Error()), strings.ToLower(tt.text)) || len(evals) != 0):
			t.Errorf("%s: err %v, want a failure naming %q", tt.rule, err, tt.text)
		}
	}
}

func TestCustomModelRule(t *testing.T) {
	f := fakeAI{
		models: []CustomModel{{Name: "good", ARN: "arn:good", KMSKey: cmk}, {Name: "plain", ARN: "arn:plain"},
			{Name: "good", ARN: "arn:good", KMSKey: cmk}, {Name: "noarn"}},
		jobs: []CustomizationJob{
			{Name: "ok", ARN: "arn:ok", Created: periodicNow.Add(-time.Hour), OutputKMSKey: cmk, VpcSubnets: []string{"s"}},
			{Name: "novpc", ARN: "arn:novpc", Created: periodicNow.Add(-time.Hour), OutputKMSKey: cmk},
			{Name: "awskey", ARN: "arn:awskey", Created: periodicNow.Add(-time.Hour), OutputKMSKey: "alias/aws/bedrock", VpcSubnets: []string{"s"}},
			{Name: "old", ARN: "arn:old", Created: periodicNow.Add(-49 * time.Hour)},
		},
	}
	evals, err := runAI(t, "bedrock-custom-model-cmk", f.sources(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range evals {
		got = append(got, e.ResourceID+"="+string(e.Compliance))
	}
	if want := "arn:good=COMPLIANT arn:plain=NON_COMPLIANT arn:ok=COMPLIANT arn:novpc=NON_COMPLIANT arn:awskey=NON_COMPLIANT"; strings.Join(got, " ") != want {
		t.Errorf("got %s, want %s", strings.Join(got, " "), want)
	}
	evals, _ = runAI(t, "bedrock-custom-model-cmk", f.sources(), map[string]string{"requireVpc": "false", "lookbackHours": "72"})
	if len(evals) != 6 || evals[3].Compliance != Compliant {
		t.Errorf("requireVpc false, 72h: %+v", evals)
	}
}

func TestAgentRule(t *testing.T) {
	for _, tt := range []struct {
		a      Agent
		params map[string]string
		want   Compliance
		text   string
	}{
		{Agent{Name: "a", GuardrailID: "gr", KMSKey: cmk, IdleSessionTTL: 3600}, nil, Compliant, "Agent a: guardrail gr"},
		{Agent{ID: "ID1", GuardrailID: "gr", KMSKey: cmk, IdleSessionTTL: 3601}, nil, NonCompliant, "Agent ID1: idleSessionTTLInSeconds 3601 exceeds 3600"},
		{Agent{Name: "a", KMSKey: cmk, IdleSessionTTL: 60}, nil, NonCompliant, "no guardrail"},
		{Agent{Name: "a", GuardrailID: " ", IdleSessionTTL: 60}, nil, NonCompliant, "no guardrail; no customerEncryptionKeyArn"},
		{Agent{Name: "a", GuardrailID: "gr", IdleSessionTTL: 60}, map[string]string{"requireCmk": "false"}, Compliant, ""},
	} {
		tt.a.ARN = "arn:agent"
		f := fakeAI{agents: []Agent{tt.a}}
		evals, err := runAI(t, "bedrock-agent-guardrail", f.sources(), tt.params)
		if err != nil || len(evals) != 1 || evals[0].Compliance != tt.want || !strings.Contains(evals[0].Annotation, tt.text) {
			t.Errorf("%+v: %+v %v, want %s with %q", tt.a, evals, err, tt.want, tt.text)
		}
	}
}

func TestComprehendRule(t *testing.T) {
	now := periodicNow.Add(-time.Hour)
	f := fakeAI{
		ents: []ComprehendJob{
			{ID: "1", ARN: "arn:e1", Submitted: now, VolumeKMSKey: "k", OutputKMSKey: "k", VpcSubnets: []string{"s"}},
			{ID: "2", Name: "open", ARN: "arn:e2", Submitted: now},
			{ID: "3", ARN: "arn:e3", Submitted: periodicNow.Add(-100 * time.Hour)},
		},
		pii: []ComprehendJob{
			{ID: "4", ARN: "arn:p1", Submitted: now, OutputKMSKey: "k", PII: true},
			{ID: "5", ARN: "arn:p2", Submitted: now, PII: true},
		},
	}
	evals, err := runAI(t, "comprehend-job-encrypted", f.sources(), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		id   string
		c    Compliance
		text string
	}{
		{"arn:p1", Compliant, "PII entities detection job 4: output KMS key set"},
		{"arn:p2", NonCompliant, "no OutputDataConfig.KmsKeyId."},
		{"arn:e1", Compliant, "Entities detection job 1:"},
		{"arn:e2", NonCompliant, "Entities detection job open: no VolumeKmsKeyId; no OutputDataConfig.KmsKeyId; no VpcConfig."},
	}
	if len(evals) != len(want) {
		t.Fatalf("evals = %+v", evals)
	}
	for i, w := range want {
		if e := evals[i]; e.ResourceID != w.id || e.Compliance != w.c || !strings.Contains(e.Annotation, w.text) {
			t.Errorf("eval %d = %+v, want %s %s %q", i, e, w.id, w.c, w.text)
		}
	}
}

func TestCollectionRule(t *testing.T) {
	for _, tt := range []struct {
		tags   map[string]string
		params map[string]string
		want   Compliance
		text   string
	}{
		{map[string]string{"ai-approved-use-case": "badge"}, map[string]string{"approvedUseCases": "badge, fraud"}, Compliant, "an approved use case"},
		{map[string]string{"ai-approved-use-case": " FRAUD "}, map[string]string{"approvedUseCases": "badge,fraud"}, Compliant, ""},
		{map[string]string{"ai-approved-use-case": "ads"}, map[string]string{"approvedUseCases": "badge"}, NonCompliant, `"ads", not an approved use case (badge)`},
		{nil, map[string]string{"approvedUseCases": "badge"}, NonCompliant, "no ai-approved-use-case tag"},
		{map[string]string{"ai-approved-use-case": "badge"}, nil, NonCompliant, "approvedUseCases is empty"},
		{map[string]string{"purpose": "badge"}, map[string]string{"approvedUseCases": "badge", "approvedUseCaseTagKey": "purpose"}, Compliant, "purpose is badge"},
	} {
		f := fakeAI{collections: []FaceCollection{{ID: "faces", ARN: "arn:faces", Tags: tt.tags}}}
		evals, err := runAI(t, "rekognition-collection-approved-use-case", f.sources(), tt.params)
		if err != nil || len(evals) != 1 || evals[0].Compliance != tt.want || !strings.Contains(evals[0].Annotation, tt.text) ||
			!strings.HasPrefix(evals[0].Annotation, "Face collection faces: ") {
			t.Errorf("%v %v: %+v %v, want %s with %q", tt.tags, tt.params, evals, err, tt.want, tt.text)
		}
	}
}

func TestIsCustomerManagedKey(t *testing.T) {
	for key, want := range map[string]bool{
		"": false, " ": false, cmk: true, "1234abcd-12ab-34cd-56ef-1234567890ab": true, "alias/logs": true,
		"alias/aws/s3": false, "arn:aws:kms:us-east-1:111122223333:alias/aws/bedrock": false,
		"arn:aws:kms:us-east-1:111122223333:alias/awsome": true,
	} {
		if got := isCustomerManagedKey(key); got != want {
			t.Errorf("isCustomerManagedKey(%q) = %v, want %v", key, got, want)
		}
	}
}
