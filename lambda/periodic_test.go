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
)

// notified is the notificationCreationTime of the scheduled fixtures.
var notified = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

const (
	account     = "111122223333"
	smARN       = "arn:aws:sagemaker:us-east-1:111122223333:"
	configRule  = "aiguard-periodic"
	resultToken = "scheduled-result-token"
)

// periodicHarness is a harness serving the whole catalog, with the
// scheduled fixture's result token bound to configRule in localaws.
func periodicHarness(t *testing.T, o harnessOptions) *harness {
	t.Helper()
	hs := newHarness(t, o)
	hs.h.Rules = rules.Catalog()
	hs.srv.BindResultToken(resultToken, configRule)
	return hs
}

// scheduled returns the scheduled fixture for ruleID with params.
func scheduled(t *testing.T, ruleID string, params map[string]string) []byte {
	t.Helper()
	return mutate(t, event(t, "lambda:scheduled-fleet.json"), func(env, _ map[string]any, p map[string]string) {
		clear(p)
		p["ruleId"] = ruleID
		for k, v := range params {
			p[k] = v
		}
		env["configRuleName"] = configRule
	})
}

func addDoc(t *testing.T, srv *localaws.Server, kind, fixture string, set map[string]any) {
	t.Helper()
	if err := srv.AddSageMakerDoc(kind, fixtureDoc(t, fixture, set)); err != nil {
		t.Fatal(err)
	}
}

// addJob registers a training job from a fixture, named name, created at.
func addJob(t *testing.T, srv *localaws.Server, fixture, name string, at time.Time, set map[string]any) {
	t.Helper()
	all := map[string]any{
		"TrainingJobName": name,
		"TrainingJobArn":  smARN + "training-job/" + name,
		"CreationTime":    json.Number(fmt.Sprint(at.Unix())),
	}
	if err := srv.AddSageMakerDoc(localaws.SageMakerTrainingJob, fixtureDoc(t, "sagemaker/DescribeTrainingJob."+fixture, all).Apply(set)); err != nil {
		t.Fatal(err)
	}
}

// stored returns localaws's stored results of configRule, by resource ID.
func stored(hs *harness) map[string]localaws.EvaluationResult {
	out := map[string]localaws.EvaluationResult{}
	for _, r := range hs.srv.EvaluationResults(configRule) {
		out[r.ComplianceResourceID] = r
	}
	return out
}

func TestPeriodicTrainingJobs(t *testing.T) {
	hs := periodicHarness(t, harnessOptions{})
	addJob(t, hs.srv, "hardened", "good", notified.Add(-2*time.Hour), nil)
	addJob(t, hs.srv, "open", "open", notified.Add(-3*time.Hour), nil)
	addJob(t, hs.srv, "hardened", "old", notified.Add(-72*time.Hour), map[string]any{"EnableNetworkIsolation": false})
	addJob(t, hs.srv, "hardened", "nvme", notified.Add(-time.Hour), map[string]any{
		"ResourceConfig.InstanceType": "ml.p4d.24xlarge", "ResourceConfig.VolumeKmsKeyId": nil})

	if err := hs.h.Invoke(context.Background(), scheduled(t, "sagemaker-training-job-hardened", nil)); err != nil {
		t.Fatal(err)
	}
	got := stored(hs)
	if len(got) != 3 {
		t.Fatalf("stored %d results, want 3 (the old job is outside the window): %+v", len(got), got)
	}
	for name, want := range map[string]string{"good": "COMPLIANT", "open": "NON_COMPLIANT", "nvme": "COMPLIANT"} {
		r := got[smARN+"training-job/"+name]
		if r.ComplianceType != want || r.ComplianceResourceType != rules.TypeAccount || !r.OrderingTimestamp.Equal(notified) ||
			r.Annotation == nil || !strings.HasPrefix(*r.Annotation, "Training job "+name+":") {
			t.Errorf("%s: %+v (annotation %v), want %s on AWS::::Account", name, r, deref(r.Annotation), want)
		}
	}
	if a := deref(got[smARN+"training-job/open"].Annotation); !strings.Contains(a, "no VpcConfig; EnableNetworkIsolation false; "+
		"EnableInterContainerTrafficEncryption false; no VolumeKmsKeyId; no OutputDataConfig.KmsKeyId") {
		t.Errorf("annotation %q does not name every failing condition", a)
	}

	list := hs.srv.CallsTo("ListTrainingJobs")
	if len(list) != 1 {
		t.Fatalf("%d ListTrainingJobs calls", len(list))
	}
	req := list[0].Request.Body
	after, _ := req["CreationTimeAfter"].(json.Number).Float64()
	if want := notified.Add(-48*time.Hour - time.Second); int64(after) != want.Unix() || req["MaxResults"] != json.Number("100") {
		t.Errorf("ListTrainingJobs request %v, want CreationTimeAfter %v and MaxResults 100", req, want)
	}
	if n := len(hs.srv.CallsTo("DescribeTrainingJob")); n != 3 {
		t.Errorf("%d DescribeTrainingJob calls, want 3", n)
	}
	if n := len(hs.srv.CallsTo(localaws.OpGetComplianceDetailsByConfigRule)); n != 1 {
		t.Errorf("%d reconciliation calls, want 1", n)
	}
	for _, c := range hs.srv.Calls() {
		if !c.Signer.Verified || c.Signer.AccessKeyID != baseKey || c.Failed() {
			t.Errorf("%s %s: signer %+v error %s", c.Service, c.Operation, c.Signer, c.ErrorCode)
		}
	}
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

func TestPeriodicReconcilesGoneResources(t *testing.T) {
	hs := periodicHarness(t, harnessOptions{})
	for i := range 5 {
		addJob(t, hs.srv, "hardened", fmt.Sprintf("job-%d", i), notified.Add(-time.Duration(i+1)*time.Hour), nil)
	}
	// A result of another resource type, and one already NOT_APPLICABLE,
	// stay as they are.
	hs.srv.AddEvaluationResult(configRule, localaws.Evaluation{ComplianceResourceType: "AWS::SageMaker::Model", ComplianceResourceID: "m",
		ComplianceType: "COMPLIANT", OrderingTimestamp: notified.Add(-time.Hour)})
	hs.srv.AddEvaluationResult(configRule, localaws.Evaluation{ComplianceResourceType: rules.TypeAccount, ComplianceResourceID: smARN + "training-job/ancient",
		ComplianceType: "NOT_APPLICABLE", OrderingTimestamp: notified.Add(-time.Hour)})
	ev := scheduled(t, "sagemaker-training-job-hardened", nil)
	if err := hs.h.Invoke(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	// Two jobs go away; the next run marks them NOT_APPLICABLE.
	hs.srv.RemoveSageMaker(localaws.SageMakerTrainingJob, "job-1")
	hs.srv.RemoveSageMaker(localaws.SageMakerTrainingJob, "job-3")
	hs.srv.Reset()
	ev = mutate(t, ev, func(_, inv map[string]any, _ map[string]string) {
		inv["notificationCreationTime"] = notified.Add(time.Hour).Format(time.RFC3339)
	})
	if err := hs.h.Invoke(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	got := stored(hs)
	for i := range 5 {
		want := "COMPLIANT"
		if i == 1 || i == 3 {
			want = "NOT_APPLICABLE"
		}
		r := got[fmt.Sprintf("%straining-job/job-%d", smARN, i)]
		if r.ComplianceType != want || !r.OrderingTimestamp.Equal(notified.Add(time.Hour)) {
			t.Errorf("job-%d: %s at %v, want %s at the second run", i, r.ComplianceType, r.OrderingTimestamp, want)
		}
	}
	if got["m"].ComplianceType != "COMPLIANT" || !got[smARN+"training-job/ancient"].OrderingTimestamp.Equal(notified.Add(-time.Hour)) {
		t.Errorf("results outside the reconciliation changed: %+v", got)
	}
	var line map[string]any
	for _, l := range hs.logLines(t) {
		if l["msg"] == "reconciled" {
			line = l
		}
	}
	if line == nil || line["gone"] != 2.0 || line["evaluated"] != 3.0 {
		t.Errorf("reconciliation log line = %v", line)
	}
}

func TestPeriodicReconciliationFailureKeepsEvaluations(t *testing.T) {
	hs := periodicHarness(t, harnessOptions{})
	addJob(t, hs.srv, "hardened", "good", notified.Add(-time.Hour), nil)
	hs.srv.FailNext(localaws.OpGetComplianceDetailsByConfigRule, 1, localaws.APIError{Code: "AccessDeniedException", Message: "not authorized"})
	if err := hs.h.Invoke(context.Background(), scheduled(t, "sagemaker-training-job-hardened", nil)); err != nil {
		t.Fatal(err)
	}
	if n := len(hs.srv.Evaluations()); n != 1 {
		t.Errorf("%d evaluations delivered, want 1", n)
	}
	if !strings.Contains(hs.logs.String(), `"msg":"reconciliation skipped"`) || !strings.Contains(hs.logs.String(), "AccessDeniedException") {
		t.Errorf("no warning about the skipped reconciliation:\n%s", hs.logs)
	}
}

func TestPeriodicPagesAndThrottling(t *testing.T) {
	hs := periodicHarness(t, harnessOptions{})
	for i := range 250 {
		addJob(t, hs.srv, "hardened", fmt.Sprintf("job-%03d", i), notified.Add(-time.Duration(i)*time.Minute), nil)
	}
	hs.srv.Throttle("ListTrainingJobs", 2)
	hs.srv.Throttle("DescribeTrainingJob", 5)
	hs.srv.Throttle(localaws.OpGetComplianceDetailsByConfigRule, 1)
	if err := hs.h.Invoke(context.Background(), scheduled(t, "sagemaker-training-job-hardened", map[string]string{"describeConcurrency": "8"})); err != nil {
		t.Fatal(err)
	}
	if n := len(stored(hs)); n != 250 {
		t.Errorf("stored %d results, want 250", n)
	}
	// Pages are told apart by their NextToken: a request the transport
	// resends after a lost answer is the same page.
	pages, throttled := map[string]bool{}, 0
	for _, c := range hs.srv.CallsTo("ListTrainingJobs") {
		if c.Failed() {
			throttled++
		} else {
			pages[fmt.Sprint(c.Request.Body["NextToken"])] = true
		}
	}
	if len(pages) != 3 || throttled != 2 {
		t.Errorf("ListTrainingJobs: %d pages and %d throttled, want 3 and 2", len(pages), throttled)
	}
	if n := len(hs.srv.CallsTo("DescribeTrainingJob")); n < 255 {
		t.Errorf("%d DescribeTrainingJob calls, want 250 + 5 throttled", n)
	}
	if got := fmt.Sprint(hs.batchSizes()); got != "[100 100 50]" {
		t.Errorf("batches %s", got)
	}
}

func TestPeriodicDeadlineMidRun(t *testing.T) {
	hs := periodicHarness(t, harnessOptions{local: localaws.Options{Latency: 20 * time.Millisecond}})
	hs.h.Reserve = 1500 * time.Millisecond
	for i := range 400 {
		addJob(t, hs.srv, "hardened", fmt.Sprintf("job-%03d", i), notified.Add(-time.Duration(i)*time.Minute), nil)
	}
	// 400 describes, 2 at a time, at 20ms each take 4s at least; the
	// invocation has 4s, of which the run gets 2.5s. The generous reserve
	// keeps the test steady on a loaded machine.
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Second)
	defer cancel()
	begin := time.Now()
	err := hs.h.Invoke(ctx, scheduled(t, "sagemaker-training-job-hardened", map[string]string{"describeConcurrency": "2"}))
	took := time.Since(begin)
	if err != nil {
		t.Fatalf("err = %v after %v\n%s", err, took, hs.logs)
	}
	if deadline, _ := ctx.Deadline(); time.Now().After(deadline) {
		t.Errorf("returned after the deadline (%v)", took)
	}
	evaluated := len(hs.srv.Evaluations())
	if evaluated == 0 || evaluated >= 400 {
		t.Fatalf("delivered %d evaluations, want some but not all", evaluated)
	}
	if n := len(hs.srv.CallsTo(localaws.OpGetComplianceDetailsByConfigRule)); n != 0 {
		t.Errorf("an incomplete run reconciled (%d calls): unseen jobs are not gone", n)
	}
	var line map[string]any
	for _, l := range hs.logLines(t) {
		if l["msg"] == "periodic run incomplete" {
			line = l
		}
	}
	if line == nil || line["level"] != "WARN" || line["evaluated"] != float64(evaluated) || line["skipped"] != float64(400-evaluated) ||
		line["reconciled"] != false || !strings.Contains(fmt.Sprint(line["cause"]), "deadline") ||
		strings.Count(fmt.Sprint(line["skippedNames"]), "training job ") != maxLoggedSkipped {
		t.Errorf("incomplete-run log line = %v (delivered %d)", line, evaluated)
	}
}

func TestPeriodicEndpoints(t *testing.T) {
	hs := periodicHarness(t, harnessOptions{})
	srv := hs.srv
	addDoc(t, srv, localaws.SageMakerEndpoint, "sagemaker/DescribeEndpoint.inservice", nil)
	addDoc(t, srv, localaws.SageMakerEndpointConfig, "sagemaker/DescribeEndpointConfig.encrypted", nil)
	addDoc(t, srv, localaws.SageMakerModel, "sagemaker/DescribeModel.isolated", nil)
	// A second endpoint on a config without a key whose model is open, and
	// a third whose config was deleted; an endpoint out of service is not judged.
	addDoc(t, srv, localaws.SageMakerEndpoint, "sagemaker/DescribeEndpoint.inservice", map[string]any{
		"EndpointName": "open", "EndpointArn": smARN + "endpoint/open", "EndpointConfigName": "open-config"})
	addDoc(t, srv, localaws.SageMakerEndpointConfig, "sagemaker/DescribeEndpointConfig.encrypted", map[string]any{
		"EndpointConfigName": "open-config", "KmsKeyId": nil, "DataCaptureConfig": nil,
		"ProductionVariants": []any{map[string]any{"VariantName": "AllTraffic", "ModelName": "open-model", "InstanceType": "ml.m5.large", "InitialInstanceCount": 1}}})
	addDoc(t, srv, localaws.SageMakerModel, "sagemaker/DescribeModel.isolated", map[string]any{
		"ModelName": "open-model", "ModelArn": smARN + "model/open-model", "EnableNetworkIsolation": false, "VpcConfig": nil})
	addDoc(t, srv, localaws.SageMakerEndpoint, "sagemaker/DescribeEndpoint.inservice", map[string]any{
		"EndpointName": "orphan", "EndpointArn": smARN + "endpoint/orphan", "EndpointConfigName": "deleted-config"})
	addDoc(t, srv, localaws.SageMakerEndpoint, "sagemaker/DescribeEndpoint.inservice", map[string]any{
		"EndpointName": "stopped", "EndpointArn": smARN + "endpoint/stopped", "EndpointStatus": "Failed"})

	if err := hs.h.Invoke(context.Background(), scheduled(t, "sagemaker-endpoint-hardened", nil)); err != nil {
		t.Fatal(err)
	}
	got := stored(hs)
	for name, want := range map[string][]string{
		"fraud-scoring": {"COMPLIANT", "Endpoint fraud-scoring:"},
		"open":          {"NON_COMPLIANT", "model open-model without network isolation and without VpcConfig", "KmsKeyId is not set"},
		"orphan":        {"NON_COMPLIANT", "endpoint config deleted-config no longer exists"},
	} {
		r, ok := got[smARN+"endpoint/"+name]
		if !ok || r.ComplianceType != want[0] {
			t.Errorf("%s: %+v, want %s", name, r, want[0])
			continue
		}
		for _, s := range want[1:] {
			if !strings.Contains(deref(r.Annotation), s) {
				t.Errorf("%s: annotation %q lacks %q", name, deref(r.Annotation), s)
			}
		}
	}
	if len(got) != 3 {
		t.Errorf("%d results, want 3: %v", len(got), got)
	}
	// One DescribeEndpointConfig per config; fraud-scoring's model once.
	if n := len(hs.srv.CallsTo("DescribeEndpointConfig")); n != 3 {
		t.Errorf("%d DescribeEndpointConfig calls, want 3", n)
	}
	if n := len(hs.srv.CallsTo("DescribeModel")); n != 2 {
		t.Errorf("%d DescribeModel calls, want 2", n)
	}
}

func TestPeriodicExecutionRoles(t *testing.T) {
	hs := periodicHarness(t, harnessOptions{})
	srv := hs.srv
	// The fixtures: the notebook and the domain use ml-notebook; the user
	// profile and the training job use ml-training (shared); the model uses
	// ml-inference; the processing job ml-processing.
	addDoc(t, srv, localaws.SageMakerNotebookInstance, "sagemaker/DescribeNotebookInstance", nil)
	addDoc(t, srv, localaws.SageMakerDomain, "sagemaker/DescribeDomain", nil)
	addDoc(t, srv, localaws.SageMakerUserProfile, "sagemaker/DescribeUserProfile", nil)
	addDoc(t, srv, localaws.SageMakerModel, "sagemaker/DescribeModel.isolated", nil)
	addDoc(t, srv, localaws.SageMakerProcessingJob, "sagemaker/DescribeProcessingJob.hardened", map[string]any{
		"CreationTime": json.Number(fmt.Sprint(notified.Add(-time.Hour).Unix()))})
	addJob(t, srv, "hardened", "train", notified.Add(-time.Hour), nil)
	// A model whose role is in another account is not looked up.
	addDoc(t, srv, localaws.SageMakerModel, "sagemaker/DescribeModel.isolated", map[string]any{
		"ModelName": "foreign", "ExecutionRoleArn": "arn:aws:iam::999988887777:role/elsewhere"})

	star := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	scoped := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"arn:aws:s3:::ml-data-111122223333/*"}]}`
	shared := localaws.IAMAttachedPolicy{PolicyName: "ml-shared", PolicyARN: "arn:aws:iam::111122223333:policy/ml-shared"}
	srv.AddIAMPolicy(localaws.IAMPolicy{ARN: shared.PolicyARN, Name: "ml-shared", PolicyID: "ANPASHARED", Document: scoped})
	for _, r := range []localaws.IAMRole{
		{RoleName: "ml-notebook", RoleID: "AROANOTEBOOK", Path: "/service-role/", AttachedPolicies: []localaws.IAMAttachedPolicy{shared}},
		{RoleName: "ml-training", RoleID: "AROATRAINING", Path: "/service-role/", AttachedPolicies: []localaws.IAMAttachedPolicy{shared}},
		{RoleName: "ml-inference", RoleID: "AROAINFERENCE", Path: "/service-role/", AttachedPolicies: []localaws.IAMAttachedPolicy{shared,
			{PolicyName: "AmazonSageMakerFullAccess", PolicyARN: "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"}}},
		{RoleName: "ml-processing", RoleID: "AROAPROCESSING", Path: "/service-role/", InlinePolicies: map[string]string{"ok": scoped, "everything": star}},
	} {
		r.AccountID = account
		srv.AddIAMRole(r)
	}

	if err := hs.h.Invoke(context.Background(), scheduled(t, "sagemaker-execution-role-scoping", nil)); err != nil {
		t.Fatal(err)
	}
	got := stored(hs)
	for id, want := range map[string][]string{
		"AROANOTEBOOK":   {"COMPLIANT", "used by notebook only"},
		"AROATRAINING":   {"NON_COMPLIANT", "shared by notebook (user profile alice), training (training job train)"},
		"AROAINFERENCE":  {"NON_COMPLIANT", "AmazonSageMakerFullAccess attached"},
		"AROAPROCESSING": {"NON_COMPLIANT", "inline policy everything allows * on *"},
	} {
		r, ok := got[id]
		if !ok || r.ComplianceType != want[0] || r.ComplianceResourceType != rules.TypeIAMRole || !strings.Contains(deref(r.Annotation), want[1]) {
			t.Errorf("%s: %+v (%s), want %s with %q", id, r, deref(r.Annotation), want[0], want[1])
		}
	}
	if len(got) != 4 {
		t.Errorf("%d results, want 4", len(got))
	}
	if n := len(srv.CallsTo(localaws.OpGetPolicy)); n != 1 {
		t.Errorf("%d GetPolicy calls for one shared customer managed policy, want 1", n)
	}
	for _, c := range srv.CallsTo(localaws.OpGetRole) {
		if c.Request != nil && strings.Contains(fmt.Sprint(c.Request.Query), "elsewhere") {
			t.Error("looked up a role of another account")
		}
	}
}

func TestPeriodicCrossAccount(t *testing.T) {
	hs := periodicHarness(t, harnessOptions{local: allowRoles(memberRole)})
	addJob(t, hs.srv, "hardened", "good", notified.Add(-time.Hour), nil)
	ev := scheduled(t, "sagemaker-training-job-hardened", map[string]string{"ExecutionRoleName": "aiguard-member"})
	ev = mutate(t, ev, func(env, inv map[string]any, _ map[string]string) {
		env["accountId"] = "444455556666"
		inv["awsAccountId"] = "444455556666"
	})
	for range 2 { // the same container serves both
		if err := hs.h.Invoke(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
	}
	assumed := hs.srv.CallsTo(localaws.OpAssumeRole)
	if len(assumed) != 1 {
		t.Fatalf("%d AssumeRole calls, want 1", len(assumed))
	}
	for _, c := range hs.srv.Calls() {
		if c.Operation == localaws.OpAssumeRole {
			continue
		}
		if s := c.Signer; s.Role != memberRole || !s.Verified {
			t.Errorf("%s %s signed by %+v, want the member role", c.Service, c.Operation, s)
		}
	}
	if n := len(hs.srv.CallsTo("ListTrainingJobs")); n != 2 {
		t.Errorf("%d listings, want one per invocation", n)
	}
}

func TestPeriodicWithoutSources(t *testing.T) {
	hs := periodicHarness(t, harnessOptions{})
	hs.h.Clients = configOnly{hs.clients}
	err := hs.h.Invoke(context.Background(), scheduled(t, "sagemaker-training-job-hardened", nil))
	if err == nil || !strings.Contains(err.Error(), "provides no SageMaker jobs source") {
		t.Errorf("err = %v", err)
	}
}

// configOnly hides the SourceClients side of SDKClients.
type configOnly struct{ c *SDKClients }

func (o configOnly) Config(ctx context.Context, roleARN, region string) (ConfigAPI, error) {
	return o.c.Config(ctx, roleARN, region)
}

// TestPeriodicSustainedThrottling throttles every tenth Describe call of a
// run, a steady rate above the account's limit rather than a burst: the
// SDK's retries absorb it and every job is evaluated.
func TestPeriodicSustainedThrottling(t *testing.T) {
	hs := periodicHarness(t, harnessOptions{})
	for i := range 300 {
		addJob(t, hs.srv, "hardened", fmt.Sprintf("job-%03d", i), notified.Add(-time.Duration(i)*time.Minute), nil)
	}
	hs.srv.ThrottleEvery("DescribeTrainingJob", 10)
	if err := hs.h.Invoke(context.Background(), scheduled(t, "sagemaker-training-job-hardened", map[string]string{"describeConcurrency": "8"})); err != nil {
		t.Fatal(err)
	}
	if n := len(stored(hs)); n != 300 {
		t.Errorf("stored %d results, want 300", n)
	}
	throttled := 0
	for _, c := range hs.srv.CallsTo("DescribeTrainingJob") {
		if c.ErrorCode == "ThrottlingException" {
			throttled++
		}
	}
	if throttled < 30 {
		t.Errorf("%d throttled calls, want at least 30", throttled)
	}
}
