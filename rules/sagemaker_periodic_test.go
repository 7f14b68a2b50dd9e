package rules

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// fakeSources serves fixed data through every source interface, and the
// error of each method when one is set.
type fakeSources struct {
	training    []TrainingJob
	processing  []ProcessingJob
	transform   []TransformJob
	endpoints   []Endpoint
	models      []Model
	notebooks   []NotebookInstance
	domains     []Domain
	profiles    []UserProfile
	roles       []Role
	errs        map[string]error
	since       time.Time // the last since asked for
	askedRoles  []string
	askedPolicy bool
}

func (f *fakeSources) TrainingJobs(_ context.Context, since time.Time) ([]TrainingJob, error) {
	f.since = since
	return f.training, f.errs["training"]
}

func (f *fakeSources) ProcessingJobs(_ context.Context, since time.Time) ([]ProcessingJob, error) {
	f.since = since
	return f.processing, f.errs["processing"]
}

func (f *fakeSources) TransformJobs(_ context.Context, since time.Time) ([]TransformJob, error) {
	f.since = since
	return f.transform, f.errs["transform"]
}

func (f *fakeSources) InServiceEndpoints(context.Context) ([]Endpoint, error) {
	return f.endpoints, f.errs["endpoints"]
}

func (f *fakeSources) Models(context.Context) ([]Model, error) { return f.models, f.errs["models"] }

func (f *fakeSources) NotebookInstances(context.Context) ([]NotebookInstance, error) {
	return f.notebooks, f.errs["notebooks"]
}

func (f *fakeSources) Domains(context.Context) ([]Domain, error) { return f.domains, f.errs["domains"] }

func (f *fakeSources) UserProfiles(context.Context) ([]UserProfile, error) {
	return f.profiles, f.errs["profiles"]
}

func (f *fakeSources) Roles(_ context.Context, arns []string, withPolicies bool) ([]Role, error) {
	f.askedRoles, f.askedPolicy = arns, withPolicies
	var out []Role
	for _, r := range f.roles {
		for _, a := range arns {
			if roleKey(a) == roleKey(r.ARN) { // IAM finds a role by name
				out = append(out, r)
				break
			}
		}
	}
	return out, f.errs["roles"]
}

func (f *fakeSources) env() Env {
	return Env{
		AccountID: "111122223333",
		Region:    "us-east-1",
		Time:      periodicNow,
		Sources:   Sources{SageMakerJobs: f, SageMakerInference: f, SageMakerStudio: f, IAM: f},
	}
}

var periodicNow = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

const acct = "arn:aws:sagemaker:us-east-1:111122223333:"

func hardenedTrainingJob(name string) TrainingJob {
	return TrainingJob{
		Name: name, ARN: acct + "training-job/" + name, Created: periodicNow.Add(-time.Hour), Status: "Completed",
		VpcSubnets: []string{"subnet-1"}, VpcSecurityGroups: []string{"sg-1"},
		NetworkIsolation: true, InterContainerEncryption: true, InstanceTypes: []string{"ml.m5.xlarge"},
		VolumeKMSKey: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
		OutputKMSKey: "alias/ml-output", RoleARN: "arn:aws:iam::111122223333:role/train",
	}
}

func runRule(t *testing.T, id string, f *fakeSources, params map[string]string) ([]Evaluation, error) {
	t.Helper()
	return runPeriodic(t, id, f.env(), params)
}

// wantEval is one expected evaluation: the annotation must contain every
// string of contains.
type wantEval struct {
	id         string
	compliance Compliance
	contains   []string
}

func checkEvals(t *testing.T, got []Evaluation, want []wantEval) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d evaluations, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.ResourceID != w.id || g.Compliance != w.compliance {
			t.Errorf("evaluation %d = %s %s (%q), want %s %s", i, g.ResourceID, g.Compliance, g.Annotation, w.id, w.compliance)
		}
		for _, c := range w.contains {
			if !strings.Contains(g.Annotation, c) {
				t.Errorf("evaluation %d annotation %q lacks %q", i, g.Annotation, c)
			}
		}
	}
}

func TestTrainingJobHardened(t *testing.T) {
	bare := TrainingJob{Name: "bare", ARN: acct + "training-job/bare", Created: periodicNow.Add(-time.Hour),
		InstanceTypes: []string{"ml.m5.xlarge"}}
	local := bare
	local.Name, local.ARN, local.InstanceTypes = "local", acct+"training-job/local", []string{"ml.m5.xlarge", "ml.p4d.24xlarge"}
	noIsolation := hardenedTrainingJob("open")
	noIsolation.NetworkIsolation = false
	old := hardenedTrainingJob("old")
	old.Created = periodicNow.Add(-49 * time.Hour)
	longName := bare
	longName.Name = strings.Repeat("j", 63)
	longName.ARN = acct + "training-job/" + longName.Name

	tests := []struct {
		name   string
		jobs   []TrainingJob
		params map[string]string
		want   []wantEval
	}{
		{"hardened", []TrainingJob{hardenedTrainingJob("good")}, nil,
			[]wantEval{{acct + "training-job/good", Compliant, []string{"Training job good:"}}}},
		{"every condition fails", []TrainingJob{bare}, nil, []wantEval{{acct + "training-job/bare", NonCompliant, []string{
			"Training job bare:", "no VpcConfig", "EnableNetworkIsolation false", "EnableInterContainerTrafficEncryption false",
			"no VolumeKmsKeyId", "no OutputDataConfig.KmsKeyId"}}}},
		{"local NVMe storage needs no volume key", []TrainingJob{local}, nil, []wantEval{{acct + "training-job/local", NonCompliant, nil}}},
		{"isolation off", []TrainingJob{noIsolation}, nil,
			[]wantEval{{acct + "training-job/open", NonCompliant, []string{"EnableNetworkIsolation false"}}}},
		{"isolation not required", []TrainingJob{noIsolation}, map[string]string{"requireNetworkIsolation": "false"},
			[]wantEval{{acct + "training-job/open", Compliant, nil}}},
		{"outside the window", []TrainingJob{old}, nil, nil},
		{"longer window", []TrainingJob{old}, map[string]string{"lookbackHours": "72"},
			[]wantEval{{acct + "training-job/old", Compliant, nil}}},
		{"listed twice", []TrainingJob{hardenedTrainingJob("twice"), hardenedTrainingJob("twice")}, nil,
			[]wantEval{{acct + "training-job/twice", Compliant, nil}}},
		{"long name keeps every condition", []TrainingJob{longName}, nil, []wantEval{{longName.ARN, NonCompliant, []string{
			longName.Name, "no VpcConfig", "EnableNetworkIsolation false", "EnableInterContainerTrafficEncryption false",
			"no VolumeKmsKeyId", "no OutputDataConfig.KmsKeyId"}}}},
		{"no jobs", nil, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeSources{training: tt.jobs}
			evals, err := runRule(t, "sagemaker-training-job-hardened", f, tt.params)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range evals {
				if e.ResourceType != TypeAccount {
					t.Errorf("type %s, want %s", e.ResourceType, TypeAccount)
				}
			}
			checkEvals(t, evals, tt.want)
		})
	}
	f := &fakeSources{}
	if _, err := runRule(t, "sagemaker-training-job-hardened", f, map[string]string{"lookbackHours": "24"}); err != nil {
		t.Fatal(err)
	}
	if want := periodicNow.Add(-24 * time.Hour); !f.since.Equal(want) {
		t.Errorf("asked for jobs since %v, want %v", f.since, want)
	}
}

func TestPeriodicSourceErrors(t *testing.T) {
	denied := errors.New("AccessDeniedException: not authorized to perform sagemaker:ListTrainingJobs")
	incomplete := &Incomplete{Skipped: []string{"training job late"}, Cause: context.DeadlineExceeded}

	f := &fakeSources{training: []TrainingJob{hardenedTrainingJob("early")}, errs: map[string]error{"training": incomplete}}
	evals, err := runRule(t, "sagemaker-training-job-hardened", f, nil)
	inc, other := AsIncomplete(err)
	if other != nil || inc == nil || len(inc.Skipped) != 1 || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the source's Incomplete", err)
	}
	checkEvals(t, evals, []wantEval{{acct + "training-job/early", Compliant, nil}})

	f = &fakeSources{errs: map[string]error{"training": denied}}
	if _, err := runRule(t, "sagemaker-training-job-hardened", f, nil); !errors.Is(err, denied) || !strings.Contains(err.Error(), "training jobs") {
		t.Errorf("err = %v, want the source's error in context", err)
	}

	for _, r := range Catalog().All() {
		if r.Trigger != Periodic || !strings.HasPrefix(r.ID, "sagemaker-") {
			continue
		}
		_, err := r.Run(context.Background(), Env{Time: periodicNow}, r.DefaultParams())
		if err == nil || !strings.Contains(err.Error(), "provides no") {
			t.Errorf("%s without sources: err = %v", r.ID, err)
		}
	}
}

func TestIncompleteError(t *testing.T) {
	var nilInc *Incomplete
	if nilInc.err() != nil {
		t.Error("a nil *Incomplete gave a non-nil error")
	}
	a := &Incomplete{Skipped: []string{"a"}}
	m := nilInc.merge(a)
	m.Skipped = append(m.Skipped, "b")
	if len(a.Skipped) != 1 {
		t.Error("merge into nil shares the Skipped slice")
	}
	m = m.merge(&Incomplete{Truncated: true, Cause: context.DeadlineExceeded})
	if !m.Truncated || !errors.Is(m, context.DeadlineExceeded) ||
		m.Error() != "stopped before the end (context deadline exceeded): 2 resources not evaluated, and a listing was cut short" {
		t.Errorf("merged = %+v: %v", m, m)
	}
	if inc, err := AsIncomplete(fmt.Errorf("wrapped: %w", m)); inc != m || err != nil {
		t.Errorf("AsIncomplete(wrapped) = %v, %v", inc, err)
	}
	if inc, err := AsIncomplete(nil); inc != nil || err != nil {
		t.Errorf("AsIncomplete(nil) = %v, %v", inc, err)
	}
}

func TestProcessingJobHardened(t *testing.T) {
	good := ProcessingJob{Name: "good", ARN: acct + "processing-job/good", Created: periodicNow.Add(-time.Hour),
		VpcSubnets: []string{"subnet-1"}, NetworkIsolation: true, InterContainerEncryption: true,
		InstanceTypes: []string{"ml.m5.xlarge"}, VolumeKMSKey: "alias/ml", HasOutputConfig: true, OutputKMSKey: "alias/ml"}
	noOutputs := good
	noOutputs.Name, noOutputs.ARN, noOutputs.HasOutputConfig, noOutputs.OutputKMSKey = "no-outputs", acct+"processing-job/no-outputs", false, ""
	bare := ProcessingJob{Name: "bare", ARN: acct + "processing-job/bare", Created: periodicNow.Add(-time.Hour),
		InstanceTypes: []string{"ml.t3.medium"}, HasOutputConfig: true}
	nvme := bare
	nvme.Name, nvme.ARN, nvme.InstanceTypes = "nvme", acct+"processing-job/nvme", []string{"ml.g5.xlarge"}

	f := &fakeSources{processing: []ProcessingJob{good, noOutputs, bare, nvme}}
	evals, err := runRule(t, "sagemaker-processing-job-hardened", f, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkEvals(t, evals, []wantEval{
		{good.ARN, Compliant, []string{"Processing job good:"}},
		{noOutputs.ARN, Compliant, nil},
		{bare.ARN, NonCompliant, []string{"no NetworkConfig.VpcConfig", "EnableNetworkIsolation false",
			"EnableInterContainerTrafficEncryption false", "no ClusterConfig.VolumeKmsKeyId", "no ProcessingOutputConfig.KmsKeyId"}},
		{nvme.ARN, NonCompliant, nil},
	})
	if strings.Contains(evals[3].Annotation, "VolumeKmsKeyId") {
		t.Errorf("local NVMe storage asked for a volume key: %s", evals[3].Annotation)
	}
}

func TestTransformJobEncrypted(t *testing.T) {
	good := TransformJob{Name: "good", ARN: acct + "transform-job/good", Created: periodicNow.Add(-time.Hour),
		InstanceTypes: []string{"ml.m5.large"}, VolumeKMSKey: "k", OutputKMSKey: "k"}
	bare := TransformJob{Name: "bare", ARN: acct + "transform-job/bare", Created: periodicNow.Add(-time.Hour),
		InstanceTypes: []string{"ml.m5.large"}}
	f := &fakeSources{transform: []TransformJob{good, bare}}
	evals, err := runRule(t, "sagemaker-transform-job-encrypted", f, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkEvals(t, evals, []wantEval{
		{good.ARN, Compliant, []string{"Transform job good:"}},
		{bare.ARN, NonCompliant, []string{"no TransformOutput.KmsKeyId", "no TransformResources.VolumeKmsKeyId"}},
	})
}

func TestEndpointHardened(t *testing.T) {
	isolated := Model{Name: "isolated", ARN: acct + "model/isolated", NetworkIsolation: true, VpcSubnets: []string{"subnet-1"}}
	open := Model{Name: "open", ARN: acct + "model/open"}
	encrypted := func(name string, variants ...EndpointVariant) *EndpointConfig {
		return &EndpointConfig{Name: name, ARN: acct + "endpoint-config/" + name, KMSKey: "alias/ml", Variants: variants}
	}
	instance := func(model string) EndpointVariant {
		return EndpointVariant{Name: "v-" + model, ModelName: model, InstanceType: "ml.m5.large", InitialInstanceCount: 2}
	}
	endpoint := func(name string, cfg *EndpointConfig, models ...Model) Endpoint {
		return Endpoint{Name: name, ARN: acct + "endpoint/" + name, Status: "InService", ConfigName: "cfg-" + name, Config: cfg, Models: models}
	}
	unencrypted := encrypted("plain", instance("isolated"))
	unencrypted.KMSKey = ""
	off := false
	captured := encrypted("captured", instance("isolated"))
	captured.DataCapture = &DataCapture{EnableCapture: &off}
	capturedOn := encrypted("captured-on", instance("isolated"))
	capturedOn.DataCapture = &DataCapture{InitialSamplingPercentage: 100}
	missingModel := endpoint("missing-model", encrypted("c", instance("gone")))
	missingModel.MissingModels = []string{"gone"}
	shadow := encrypted("shadow", instance("isolated"), EndpointVariant{Name: "s", ModelName: "open", InstanceType: "ml.m5.large", Shadow: true})

	tests := []struct {
		name     string
		endpoint Endpoint
		params   map[string]string
		want     wantEval
	}{
		{"hardened", endpoint("good", encrypted("good", instance("isolated")), isolated), nil,
			wantEval{acct + "endpoint/good", Compliant, []string{"Endpoint good:"}}},
		{"open model", endpoint("open", encrypted("open", instance("open")), open), nil,
			wantEval{acct + "endpoint/open", NonCompliant, []string{"model open without network isolation and without VpcConfig"}}},
		{"no config key", endpoint("plain", unencrypted, isolated), nil,
			wantEval{acct + "endpoint/plain", NonCompliant, []string{"endpoint config plain", "KmsKeyId is not set"}}},
		{"key outside kmsKeyArns", endpoint("good", encrypted("good", instance("isolated")), isolated),
			map[string]string{"kmsKeyArns": "alias/other"},
			wantEval{acct + "endpoint/good", NonCompliant, []string{"is not in kmsKeyArns"}}},
		{"capture off needs no capture key", endpoint("captured", captured, isolated), nil,
			wantEval{acct + "endpoint/captured", Compliant, nil}},
		{"capture on without key", endpoint("captured-on", capturedOn, isolated), nil,
			wantEval{acct + "endpoint/captured-on", NonCompliant, []string{"DataCaptureConfig.KmsKeyId"}}},
		{"config deleted", endpoint("orphan", nil), nil,
			wantEval{acct + "endpoint/orphan", NonCompliant, []string{"endpoint config cfg-orphan no longer exists"}}},
		{"model deleted", missingModel, nil,
			wantEval{acct + "endpoint/missing-model", NonCompliant, []string{"model gone no longer exists"}}},
		{"shadow variant's model is judged", endpoint("shadow", shadow, isolated, open), nil,
			wantEval{acct + "endpoint/shadow", NonCompliant, []string{"model open"}}},
		{"serverless only", endpoint("serverless", encrypted("serverless", EndpointVariant{Name: "v", ModelName: "open", Serverless: true}), open), nil,
			wantEval{acct + "endpoint/serverless", NotApplicable, []string{"serverless"}}},
		{"local NVMe storage and no capture", endpoint("nvme", &EndpointConfig{Name: "nvme", Variants: []EndpointVariant{
			{Name: "v", ModelName: "isolated", InstanceType: "ml.g5.xlarge", InitialInstanceCount: 1}}}, isolated), nil,
			wantEval{acct + "endpoint/nvme", Compliant, nil}},
		{"inference components only", endpoint("ic", encrypted("ic", EndpointVariant{Name: "v", InstanceType: "ml.g5.12xlarge"})), nil,
			wantEval{acct + "endpoint/ic", Compliant, nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeSources{endpoints: []Endpoint{tt.endpoint}}
			evals, err := runRule(t, "sagemaker-endpoint-hardened", f, tt.params)
			if err != nil {
				t.Fatal(err)
			}
			checkEvals(t, evals, []wantEval{tt.want})
		})
	}
}

func TestExecutionRoleScoping(t *testing.T) {
	const iam = "arn:aws:iam::111122223333:role/"
	role := func(name string) Role {
		return Role{Name: name, ARN: iam + name, ID: "AROA" + strings.ToUpper(name)}
	}
	shared, train, notebook := role("shared"), role("train"), role("notebook")
	pathy := role("pathy")
	pathy.ARN = iam + "service-role/pathy"
	full := role("full")
	full.AttachedPolicies = []AttachedPolicy{{Name: "AmazonSageMakerFullAccess", ARN: "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"}}
	star := role("star")
	star.InlinePolicies = []InlinePolicy{{Name: "everything", Document: `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`}}
	custom := role("custom")
	custom.AttachedPolicies = []AttachedPolicy{
		{Name: "AdministratorAccess", ARN: "arn:aws:iam::111122223333:policy/AdministratorAccess", Document: `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`},
		{Name: "ops", ARN: "arn:aws:iam::111122223333:policy/ops", Document: `{"Statement":[{"Effect":"Allow","Action":["s3:*","*:*"],"Resource":["*"]}]}`},
	}
	scoped := role("scoped")
	scoped.InlinePolicies = []InlinePolicy{
		{Name: "deny-all", Document: `{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}`},
		{Name: "not-action", Document: `{"Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}`},
		{Name: "broken", Document: `{"Statement":`},
	}
	base := func() *fakeSources {
		return &fakeSources{
			notebooks: []NotebookInstance{{Name: "nb", RoleARN: shared.ARN}, {Name: "nb2", RoleARN: notebook.ARN}},
			training: []TrainingJob{
				{Name: "t1", Created: periodicNow.Add(-time.Hour), RoleARN: shared.ARN},
				{Name: "t2", Created: periodicNow.Add(-time.Hour), RoleARN: train.ARN},
				{Name: "t3", Created: periodicNow.Add(-time.Hour), RoleARN: strings.ToUpper(train.ARN[:20]) + train.ARN[20:]},
				{Name: "t-old", Created: periodicNow.Add(-100 * time.Hour), RoleARN: notebook.ARN},
			},
			models: []Model{{Name: "m1", RoleARN: shared.ARN}, {Name: "m2", RoleARN: full.ARN}, {Name: "m3", RoleARN: star.ARN},
				{Name: "m4", RoleARN: pathy.ARN}},
			processing: []ProcessingJob{{Name: "p1", Created: periodicNow.Add(-time.Hour), RoleARN: custom.ARN}, {Name: "p2", Created: periodicNow.Add(-time.Hour), RoleARN: scoped.ARN},
				// The same role named with and without its path is one role.
				{Name: "p3", Created: periodicNow.Add(-time.Hour), RoleARN: iam + "pathy"}},
			domains:  []Domain{{ID: "d-1", Name: "studio", ExecutionRoles: []string{notebook.ARN, "arn:aws:iam::999988887777:role/elsewhere"}}},
			profiles: []UserProfile{{DomainID: "d-1", Name: "alice", RoleARN: notebook.ARN}},
			roles:    []Role{shared, train, notebook, full, star, custom, scoped, pathy},
		}
	}

	f := base()
	evals, err := runRule(t, "sagemaker-execution-role-scoping", f, nil)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]Evaluation{}
	for _, e := range evals {
		if e.ResourceType != TypeIAMRole {
			t.Errorf("type %s", e.ResourceType)
		}
		byID[e.ResourceID] = e
	}
	want := map[string]wantEval{
		"AROASHARED":   {"AROASHARED", NonCompliant, []string{"Role shared", "notebook (notebook instance nb)", "training (training job t1)", "inference (model m1)"}},
		"AROATRAIN":    {"AROATRAIN", Compliant, []string{"used by training only"}},
		"AROANOTEBOOK": {"AROANOTEBOOK", Compliant, []string{"used by notebook only"}},
		"AROAFULL":     {"AROAFULL", NonCompliant, []string{"AmazonSageMakerFullAccess attached"}},
		"AROASTAR":     {"AROASTAR", NonCompliant, []string{"inline policy everything allows * on *"}},
		"AROACUSTOM":   {"AROACUSTOM", NonCompliant, []string{"policy ops allows * on *"}},
		"AROASCOPED":   {"AROASCOPED", Compliant, nil},
		"AROAPATHY":    {"AROAPATHY", NonCompliant, []string{"processing (processing job p3), inference (model m4)"}},
	}
	if len(byID) != len(want) {
		t.Errorf("%d roles evaluated, want %d: %+v", len(byID), len(want), evals)
	}
	for id, w := range want {
		checkEvals(t, []Evaluation{byID[id]}, []wantEval{w})
	}
	if strings.Contains(byID["AROACUSTOM"].Annotation, "AdministratorAccess") {
		t.Errorf("a customer managed policy named AdministratorAccess counted as AWS's: %s", byID["AROACUSTOM"].Annotation)
	}
	for _, a := range f.askedRoles {
		if strings.Contains(a, "999988887777") {
			t.Errorf("asked IAM for a role of another account: %s", a)
		}
	}
	if !f.askedPolicy {
		t.Error("policies not asked for with checkRolePolicies on")
	}

	// Without the policy check, only sharing counts.
	f = base()
	evals, err = runRule(t, "sagemaker-execution-role-scoping", f, map[string]string{"checkRolePolicies": "false"})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evals {
		if (e.Compliance == NonCompliant) != (e.ResourceID == "AROASHARED" || e.ResourceID == "AROAPATHY") {
			t.Errorf("without the policy check: %s %s %q", e.ResourceID, e.Compliance, e.Annotation)
		}
	}
	if f.askedPolicy {
		t.Error("policies asked for with checkRolePolicies off")
	}

	// A listing cut short: only certain findings are reported.
	f = base()
	f.errs = map[string]error{"processing": &Incomplete{Truncated: true, Cause: context.DeadlineExceeded}}
	evals, err = runRule(t, "sagemaker-execution-role-scoping", f, nil)
	inc, other := AsIncomplete(err)
	if other != nil || inc == nil || !inc.Truncated {
		t.Fatalf("err = %v, want Incomplete", err)
	}
	for _, e := range evals {
		if e.Compliance != NonCompliant {
			t.Errorf("incomplete run reported %s %s", e.ResourceID, e.Compliance)
		}
	}
	if len(evals) != 5 || len(inc.Skipped) != 3 {
		t.Errorf("%d evaluations and %d skipped (%v), want 5 and 3", len(evals), len(inc.Skipped), inc.Skipped)
	}

	// A role that no longer exists is not reported; an IAM failure is an error.
	f = base()
	f.roles = f.roles[1:]
	evals, _ = runRule(t, "sagemaker-execution-role-scoping", f, nil)
	for _, e := range evals {
		if e.ResourceID == "AROASHARED" {
			t.Error("a deleted role was reported")
		}
	}
	f = base()
	f.errs = map[string]error{"roles": errors.New("AccessDenied")}
	if _, err := runRule(t, "sagemaker-execution-role-scoping", f, nil); err == nil || !strings.Contains(err.Error(), "IAM roles") {
		t.Errorf("err = %v", err)
	}
}
