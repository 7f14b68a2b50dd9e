package localaws_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	cfgtypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sagemaker"
	smtypes "github.com/aws/aws-sdk-go-v2/service/sagemaker/types"

	"github.com/aiguard/aiguard/internal/testenv/localaws"
)

// fastRetry retries throttling like the SDK's standard retryer, with a
// short fixed pause.
func fastRetry() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = 4
		o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return time.Millisecond, nil })
	})
}

// client makes a service's client that reaches srv in region with the
// function's credentials, retrying with retryer (the SDK's default when
// nil).
func client[C, O any](srv *localaws.Server, retryer aws.Retryer, newFromConfig func(aws.Config, ...func(*O)) C) C {
	cfg := aws.Config{Region: region, BaseEndpoint: aws.String(srv.URL), Credentials: credentials.NewStaticCredentialsProvider(baseKey, baseSecret, "")}
	if retryer != nil {
		cfg.Retryer = func() aws.Retryer { return retryer }
	}
	return newFromConfig(cfg)
}

func fixture(t *testing.T, name string) localaws.Doc {
	t.Helper()
	d, err := localaws.Fixture(name)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// addTrainingJobs registers n copies of the hardened training job fixture,
// created a minute apart going back from newest.
func addTrainingJobs(t *testing.T, srv *localaws.Server, n int, newest time.Time) {
	t.Helper()
	for i := range n {
		name := fmt.Sprintf("job-%05d", i)
		d := fixture(t, "sagemaker/DescribeTrainingJob.hardened").
			Set("TrainingJobName", name).
			Set("TrainingJobArn", "arn:aws:sagemaker:us-east-1:111122223333:training-job/"+name).
			Set("CreationTime", json.Number(fmt.Sprint(newest.Add(-time.Duration(i)*time.Minute).Unix())))
		if err := srv.AddSageMakerDoc(localaws.SageMakerTrainingJob, d); err != nil {
			t.Fatal(err)
		}
	}
}

func TestSageMakerListPagesAndDescribes(t *testing.T) {
	srv := start(t, localaws.Options{})
	newest := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	addTrainingJobs(t, srv, 250, newest)
	sm := client(srv, aws.NopRetryer{}, sagemaker.NewFromConfig)
	ctx := context.Background()

	// 200 jobs are newer than 200 minutes before the newest; pages of 100,
	// then 100 and nothing more.
	after := newest.Add(-200*time.Minute + time.Second)
	p := sagemaker.NewListTrainingJobsPaginator(sm, &sagemaker.ListTrainingJobsInput{
		CreationTimeAfter: aws.Time(after), MaxResults: aws.Int32(100), SortBy: smtypes.SortByCreationTime, SortOrder: smtypes.SortOrderDescending,
	})
	var names []string
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range page.TrainingJobSummaries {
			if s.CreationTime == nil || !s.CreationTime.After(after) || s.TrainingJobArn == nil || s.TrainingJobStatus != smtypes.TrainingJobStatusCompleted {
				t.Fatalf("summary %+v", s)
			}
			names = append(names, aws.ToString(s.TrainingJobName))
		}
	}
	if len(names) != 200 || names[0] != "job-00000" || names[199] != "job-00199" {
		t.Errorf("listed %d jobs (%v … %v), want 200 newest first", len(names), names[:1], names[len(names)-1:])
	}
	calls := srv.CallsTo("ListTrainingJobs")
	if len(calls) != 2 || calls[0].Request.Returned != 100 || calls[1].Request.Returned != 100 || calls[1].Request.Body["NextToken"] == nil {
		t.Errorf("ListTrainingJobs calls: %d, want 2 pages of 100, the second with NextToken", len(calls))
	}
	for _, c := range calls {
		if s := c.Signer; s.Service != "sagemaker" || !s.Verified || c.Service != localaws.ServiceSageMaker {
			t.Errorf("signed by %+v for %s", s, c.Service)
		}
	}

	out, err := sm.DescribeTrainingJob(ctx, &sagemaker.DescribeTrainingJobInput{TrainingJobName: aws.String("job-00007")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.TrainingJobName) != "job-00007" || !aws.ToBool(out.EnableNetworkIsolation) || !aws.ToBool(out.EnableInterContainerTrafficEncryption) ||
		out.VpcConfig == nil || len(out.VpcConfig.Subnets) != 2 || out.ResourceConfig == nil || out.ResourceConfig.InstanceType != "ml.m5.2xlarge" ||
		aws.ToString(out.ResourceConfig.VolumeKmsKeyId) == "" || aws.ToString(out.OutputDataConfig.KmsKeyId) == "" ||
		!aws.ToTime(out.CreationTime).Equal(newest.Add(-7*time.Minute)) {
		t.Errorf("DescribeTrainingJob = %+v", out)
	}
}

func TestSageMakerEveryKind(t *testing.T) {
	srv := start(t, localaws.Options{})
	for kind, name := range map[string]string{
		localaws.SageMakerProcessingJob:    "sagemaker/DescribeProcessingJob.hardened",
		localaws.SageMakerTransformJob:     "sagemaker/DescribeTransformJob.open",
		localaws.SageMakerEndpoint:         "sagemaker/DescribeEndpoint.inservice",
		localaws.SageMakerEndpointConfig:   "sagemaker/DescribeEndpointConfig.encrypted",
		localaws.SageMakerModel:            "sagemaker/DescribeModel.isolated",
		localaws.SageMakerNotebookInstance: "sagemaker/DescribeNotebookInstance",
		localaws.SageMakerDomain:           "sagemaker/DescribeDomain",
		localaws.SageMakerUserProfile:      "sagemaker/DescribeUserProfile",
	} {
		if err := srv.AddSageMakerDoc(kind, fixture(t, name)); err != nil {
			t.Fatal(err)
		}
	}
	out := fixture(t, "sagemaker/DescribeEndpoint.inservice").Set("EndpointName", "retired").Set("EndpointStatus", "OutOfService")
	if err := srv.AddSageMakerDoc(localaws.SageMakerEndpoint, out); err != nil {
		t.Fatal(err)
	}
	sm := client(srv, aws.NopRetryer{}, sagemaker.NewFromConfig)
	ctx := context.Background()

	eps, err := sm.ListEndpoints(ctx, &sagemaker.ListEndpointsInput{StatusEquals: smtypes.EndpointStatusInService})
	if err != nil || len(eps.Endpoints) != 1 || aws.ToString(eps.Endpoints[0].EndpointName) != "fraud-scoring" {
		t.Fatalf("ListEndpoints InService = %+v, %v", eps, err)
	}
	ec, err := sm.DescribeEndpointConfig(ctx, &sagemaker.DescribeEndpointConfigInput{EndpointConfigName: aws.String("fraud-scoring-2026-11-01")})
	if err != nil || aws.ToString(ec.KmsKeyId) == "" || len(ec.ProductionVariants) != 1 || aws.ToString(ec.ProductionVariants[0].ModelName) != "fraud-xgb" ||
		!aws.ToBool(ec.DataCaptureConfig.EnableCapture) {
		t.Errorf("DescribeEndpointConfig = %+v, %v", ec, err)
	}
	pj, err := sm.DescribeProcessingJob(ctx, &sagemaker.DescribeProcessingJobInput{ProcessingJobName: aws.String("fraud-features-2026-11-20")})
	if err != nil || !aws.ToBool(pj.NetworkConfig.EnableNetworkIsolation) || aws.ToString(pj.ProcessingResources.ClusterConfig.VolumeKmsKeyId) == "" {
		t.Errorf("DescribeProcessingJob = %+v, %v", pj, err)
	}
	up, err := sm.DescribeUserProfile(ctx, &sagemaker.DescribeUserProfileInput{DomainId: aws.String("d-abcdefghij12"), UserProfileName: aws.String("alice")})
	if err != nil || aws.ToString(up.UserSettings.ExecutionRole) == "" {
		t.Errorf("DescribeUserProfile = %+v, %v", up, err)
	}
	ups, err := sm.ListUserProfiles(ctx, &sagemaker.ListUserProfilesInput{DomainIdEquals: aws.String("d-abcdefghij12")})
	if err != nil || len(ups.UserProfiles) != 1 {
		t.Errorf("ListUserProfiles = %+v, %v", ups, err)
	}
	doms, err := sm.ListDomains(ctx, &sagemaker.ListDomainsInput{})
	if err != nil || len(doms.Domains) != 1 || aws.ToString(doms.Domains[0].DomainId) != "d-abcdefghij12" {
		t.Errorf("ListDomains = %+v, %v", doms, err)
	}

	// Missing resources answer as SageMaker does, which differs by operation.
	srv.RemoveSageMaker(localaws.SageMakerModel, "fraud-xgb")
	for _, tt := range []struct {
		call     func() error
		code, in string
	}{
		{func() error {
			_, err := sm.DescribeModel(ctx, &sagemaker.DescribeModelInput{ModelName: aws.String("fraud-xgb")})
			return err
		}, "ValidationException", "Could not find model"},
		{func() error {
			_, err := sm.DescribeTrainingJob(ctx, &sagemaker.DescribeTrainingJobInput{TrainingJobName: aws.String("nope")})
			return err
		}, "ValidationException", "Requested resource not found"},
		{func() error {
			_, err := sm.DescribeProcessingJob(ctx, &sagemaker.DescribeProcessingJobInput{ProcessingJobName: aws.String("nope")})
			return err
		}, "ResourceNotFound", ""},
		{func() error {
			_, err := sm.DescribeNotebookInstance(ctx, &sagemaker.DescribeNotebookInstanceInput{NotebookInstanceName: aws.String("nope")})
			return err
		}, "ValidationException", "RecordNotFound"},
		{func() error {
			_, err := sm.ListTrainingJobs(ctx, &sagemaker.ListTrainingJobsInput{MaxResults: aws.Int32(101)})
			return err
		}, "ValidationException", "less than or equal to 100"},
		{func() error {
			_, err := sm.ListModels(ctx, &sagemaker.ListModelsInput{NextToken: aws.String("forged")})
			return err
		}, "ValidationException", "nextToken"},
	} {
		err := tt.call()
		if errorCode(err) != tt.code || !strings.Contains(fmt.Sprint(err), tt.in) {
			t.Errorf("err = %v, want %s containing %q", err, tt.code, tt.in)
		}
	}
	var nf *smtypes.ResourceNotFound
	_, err = sm.DescribeDomain(ctx, &sagemaker.DescribeDomainInput{DomainId: aws.String("d-none")})
	if !errors.As(err, &nf) {
		t.Errorf("DescribeDomain of a missing domain: %v, want the SDK's ResourceNotFound", err)
	}
}

func TestSageMakerThrottlingAndLatency(t *testing.T) {
	srv := start(t, localaws.Options{Latency: 30 * time.Millisecond})
	addTrainingJobs(t, srv, 1, time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC))
	srv.Throttle("DescribeTrainingJob", 2)
	sm := client(srv, fastRetry(), sagemaker.NewFromConfig)
	begin := time.Now()
	if _, err := sm.DescribeTrainingJob(context.Background(), &sagemaker.DescribeTrainingJobInput{TrainingJobName: aws.String("job-00000")}); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(begin); took < 90*time.Millisecond {
		t.Errorf("three calls took %v, want at least 3 × the 30ms latency", took)
	}
	var codes []string
	for _, c := range srv.CallsTo("DescribeTrainingJob") {
		codes = append(codes, c.ErrorCode)
	}
	if want := []string{"ThrottlingException", "ThrottlingException", ""}; !slices.Equal(codes, want) {
		t.Errorf("codes = %q, want %q", codes, want)
	}

	// A client that gives up while the server waits gets no answer.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := sm.ListTrainingJobs(ctx, &sagemaker.ListTrainingJobsInput{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the deadline", err)
	}
}

func TestIAMRolesAndPolicies(t *testing.T) {
	srv := start(t, localaws.Options{})
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::ml-data/*","Condition":{"StringEquals":{"aws:ResourceTag/team":"fraud ml"}}}]}`
	srv.AddIAMRole(localaws.IAMRole{
		RoleName: "ml-training", RoleID: "AROAEXAMPLETRAINING1", Path: "/service-role/", AccountID: "111122223333",
		AttachedPolicies: []localaws.IAMAttachedPolicy{
			{PolicyName: "AmazonSageMakerFullAccess", PolicyARN: "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"},
			{PolicyName: "ml-data", PolicyARN: "arn:aws:iam::111122223333:policy/ml-data"},
			{PolicyName: "ml-logs", PolicyARN: "arn:aws:iam::111122223333:policy/ml-logs"},
		},
		InlinePolicies: map[string]string{"read-data": doc, "write-logs": doc},
	})
	srv.AddIAMPolicy(localaws.IAMPolicy{ARN: "arn:aws:iam::111122223333:policy/ml-data", Name: "ml-data", PolicyID: "ANPAEXAMPLE", DefaultVersionID: "v3", Document: doc})
	srv.Throttle(localaws.OpGetRole, 1)
	ic := client(srv, fastRetry(), iam.NewFromConfig)
	ctx := context.Background()

	role, err := ic.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("ML-Training")})
	if err != nil {
		t.Fatal(err)
	}
	if r := role.Role; aws.ToString(r.RoleId) != "AROAEXAMPLETRAINING1" || aws.ToString(r.Arn) != "arn:aws:iam::111122223333:role/service-role/ml-training" {
		t.Errorf("GetRole = %+v", r)
	}
	if c := srv.CallsTo(localaws.OpGetRole); len(c) != 2 || c[0].ErrorCode != "Throttling" || c[1].Signer.Service != "iam" || c[1].Service != localaws.ServiceIAM {
		t.Errorf("GetRole calls = %+v", c)
	}

	p := iam.NewListAttachedRolePoliciesPaginator(ic, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("ml-training"), MaxItems: aws.Int32(2)})
	var attached []string
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range page.AttachedPolicies {
			attached = append(attached, aws.ToString(a.PolicyName))
		}
	}
	if len(attached) != 3 || len(srv.CallsTo(localaws.OpListAttachedRolePolicies)) != 2 {
		t.Errorf("attached = %v over %d pages", attached, len(srv.CallsTo(localaws.OpListAttachedRolePolicies)))
	}
	inline, err := ic.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("ml-training"), MaxItems: aws.Int32(1)})
	if err != nil || len(inline.PolicyNames) != 1 || !inline.IsTruncated || aws.ToString(inline.Marker) == "" {
		t.Errorf("ListRolePolicies = %+v, %v", inline, err)
	}
	rp, err := ic.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("ml-training"), PolicyName: aws.String("read-data")})
	if err != nil {
		t.Fatal(err)
	}
	// IAM sends documents URL-encoded (RFC 3986), and the SDK does not decode them.
	enc := aws.ToString(rp.PolicyDocument)
	if strings.ContainsAny(enc, "{ \"") || !strings.HasPrefix(enc, "%7B%22Version%22%3A") {
		t.Errorf("document sent as %q, want it URL-encoded", enc)
	}
	if dec, err := url.PathUnescape(enc); err != nil || dec != doc {
		t.Errorf("decoded %q, %v; want %q", dec, err, doc)
	}
	pol, err := ic.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::111122223333:policy/ml-data")})
	if err != nil || aws.ToString(pol.Policy.DefaultVersionId) != "v3" {
		t.Fatalf("GetPolicy = %+v, %v", pol, err)
	}
	ver, err := ic.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: pol.Policy.Arn, VersionId: pol.Policy.DefaultVersionId})
	if err != nil || !ver.PolicyVersion.IsDefaultVersion {
		t.Fatalf("GetPolicyVersion = %+v, %v", ver, err)
	}
	if dec, _ := url.PathUnescape(aws.ToString(ver.PolicyVersion.Document)); dec != doc {
		t.Errorf("policy version document %q", dec)
	}

	for _, call := range []func() error{
		func() error { _, err := ic.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("gone")}); return err },
		func() error {
			_, err := ic.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("ml-training"), PolicyName: aws.String("gone")})
			return err
		},
		func() error {
			_, err := ic.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::111122223333:policy/ml-logs")})
			return err
		},
	} {
		if err := call(); errorCode(err) != "NoSuchEntity" {
			t.Errorf("err = %v, want NoSuchEntity", err)
		}
	}
}

func TestComplianceDetailsByConfigRule(t *testing.T) {
	srv := start(t, localaws.Options{})
	srv.BindResultToken("token-1", "aiguard-training")
	cfg := configClient(srv, baseKey, baseSecret, "", noRetry)
	ctx := context.Background()
	put := func(at time.Time, verdicts map[string]cfgtypes.ComplianceType) {
		var list []cfgtypes.Evaluation
		for id, c := range verdicts {
			list = append(list, cfgtypes.Evaluation{ComplianceResourceType: aws.String("AWS::::Account"), ComplianceResourceId: aws.String(id),
				ComplianceType: c, OrderingTimestamp: aws.Time(at)})
		}
		if _, err := cfg.PutEvaluations(ctx, &configservice.PutEvaluationsInput{ResultToken: aws.String("token-1"), Evaluations: list}); err != nil {
			t.Fatal(err)
		}
	}
	put(t0, map[string]cfgtypes.ComplianceType{"a": cfgtypes.ComplianceTypeCompliant, "b": cfgtypes.ComplianceTypeNonCompliant,
		"c": cfgtypes.ComplianceTypeCompliant, "d": cfgtypes.ComplianceTypeNonCompliant, "e": cfgtypes.ComplianceTypeCompliant})
	put(t0.Add(time.Hour), map[string]cfgtypes.ComplianceType{"e": cfgtypes.ComplianceTypeNotApplicable})
	put(t0.Add(-time.Hour), map[string]cfgtypes.ComplianceType{"a": cfgtypes.ComplianceTypeNotApplicable}) // older: ignored
	// TestMode and unbound tokens store nothing.
	_, _ = cfg.PutEvaluations(ctx, &configservice.PutEvaluationsInput{ResultToken: aws.String("token-1"), TestMode: true, Evaluations: []cfgtypes.Evaluation{
		{ComplianceResourceType: aws.String("AWS::::Account"), ComplianceResourceId: aws.String("f"), ComplianceType: cfgtypes.ComplianceTypeCompliant, OrderingTimestamp: aws.Time(t0)}}})

	p := configservice.NewGetComplianceDetailsByConfigRulePaginator(cfg, &configservice.GetComplianceDetailsByConfigRuleInput{
		ConfigRuleName:  aws.String("aiguard-training"),
		ComplianceTypes: []cfgtypes.ComplianceType{cfgtypes.ComplianceTypeCompliant, cfgtypes.ComplianceTypeNonCompliant},
		Limit:           2,
	})
	var got []string
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.EvaluationResults {
			q := r.EvaluationResultIdentifier.EvaluationResultQualifier
			got = append(got, aws.ToString(q.ResourceId)+"="+string(r.ComplianceType))
			if aws.ToString(q.ConfigRuleName) != "aiguard-training" || aws.ToString(q.ResourceType) != "AWS::::Account" {
				t.Errorf("qualifier %+v", q)
			}
		}
	}
	if want := "a=COMPLIANT b=NON_COMPLIANT c=COMPLIANT d=NON_COMPLIANT"; strings.Join(got, " ") != want {
		t.Errorf("results = %v, want %s", got, want)
	}
	if n := len(srv.CallsTo(localaws.OpGetComplianceDetailsByConfigRule)); n != 2 {
		t.Errorf("%d pages, want 2", n)
	}

	for _, tt := range []struct {
		in   *configservice.GetComplianceDetailsByConfigRuleInput
		code string
	}{
		{&configservice.GetComplianceDetailsByConfigRuleInput{ConfigRuleName: aws.String("no-such-rule")}, "NoSuchConfigRuleException"},
		{&configservice.GetComplianceDetailsByConfigRuleInput{ConfigRuleName: aws.String("aiguard-training"), NextToken: aws.String("forged")}, "InvalidNextTokenException"},
		{&configservice.GetComplianceDetailsByConfigRuleInput{ConfigRuleName: aws.String("aiguard-training"), Limit: 101}, "ValidationException"},
		{&configservice.GetComplianceDetailsByConfigRuleInput{ConfigRuleName: aws.String("aiguard-training"),
			ComplianceTypes: []cfgtypes.ComplianceType{cfgtypes.ComplianceTypeInsufficientData}}, "InvalidParameterValueException"},
	} {
		if _, err := cfg.GetComplianceDetailsByConfigRule(ctx, tt.in); errorCode(err) != tt.code {
			t.Errorf("%+v: err = %v, want %s", tt.in, err, tt.code)
		}
	}
	if r := srv.EvaluationResults("aiguard-training"); len(r) != 5 || r[4].ComplianceType != "NOT_APPLICABLE" {
		t.Errorf("stored results = %+v", r)
	}
}

// moduleDir finds a module's directory in the module cache, or skips.
func moduleDir(t *testing.T, module string) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", module).Output()
	dir := strings.TrimSpace(string(out))
	if err != nil || dir == "" {
		t.Skipf("cannot locate %s in the module cache: %v", module, err)
	}
	return dir
}

// snapshotBody reads the body of an SDK response snapshot.
func snapshotBody(t *testing.T, dir, op string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "response_snapshot", op+".response.snap"))
	if err != nil {
		t.Fatalf("no SDK snapshot for %s: %v", op, err)
	}
	_, body, ok := bytes.Cut(data, []byte("\n\n"))
	if !ok {
		t.Fatalf("snapshot %s has no body", op)
	}
	return body
}

// jsonPaths collects the member paths of a JSON document; arrays add no
// path element. In a snapshot, an object with a "key0" member is a map:
// any key goes there ("*").
func jsonPaths(v any, prefix string, out map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		if _, isMap := x["key0"]; isMap && prefix != "" {
			out[prefix+".*"] = true
			return
		}
		for k, child := range x {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			out[p] = true
			jsonPaths(child, p, out)
		}
	case []any:
		for _, child := range x {
			jsonPaths(child, prefix, out)
		}
	}
}

// checkJSONAgainstSnapshot fails for every member path of doc that the
// SDK's snapshot of op lacks.
func checkJSONAgainstSnapshot(t *testing.T, what string, doc []byte, snapshot []byte) {
	t.Helper()
	var d, s any
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if err := json.Unmarshal(snapshot, &s); err != nil {
		t.Fatalf("snapshot for %s: %v", what, err)
	}
	have, want := map[string]bool{}, map[string]bool{}
	jsonPaths(d, "", have)
	jsonPaths(s, "", want)
	var wrong []string
	for p := range have {
		if want[p] {
			continue
		}
		// A map member of the snapshot accepts any key below it.
		parent, _, _ := strings.Cut(p, ".")
		if i := strings.LastIndex(p, "."); i >= 0 && want[p[:i]+".*"] {
			continue
		}
		if want[parent+".*"] {
			continue
		}
		wrong = append(wrong, p)
	}
	sort.Strings(wrong)
	for _, p := range wrong {
		t.Errorf("%s: member %s is not in the API (SDK response snapshot)", what, p)
	}
}

// TestFixturesMatchSDKSnapshots checks the member names of every response
// the server sends, fixtures and generated ones, against the response
// snapshots the SDK generates from the service model, which list every
// member of each response.
func TestFixturesMatchSDKSnapshots(t *testing.T) {
	smDir := moduleDir(t, "github.com/aws/aws-sdk-go-v2/service/sagemaker")
	names, err := localaws.FixtureNames("sagemaker")
	if err != nil {
		t.Fatal(err)
	}
	if len(names) < 10 {
		t.Fatalf("%d SageMaker fixtures", len(names))
	}
	srv := start(t, localaws.Options{})
	for _, name := range names {
		op, _, _ := strings.Cut(strings.TrimPrefix(name, "sagemaker/"), ".")
		d := fixture(t, name)
		checkJSONAgainstSnapshot(t, name, d.JSON(), snapshotBody(t, smDir, op))
		kind := strings.TrimPrefix(op, "Describe")
		if err := srv.AddSageMakerDoc(kind, d); err != nil {
			t.Fatal(err)
		}
	}
	// The List responses the server builds from them.
	for _, op := range []string{"ListTrainingJobs", "ListProcessingJobs", "ListTransformJobs", "ListEndpoints", "ListModels",
		"ListNotebookInstances", "ListDomains", "ListUserProfiles"} {
		body := rawCall(t, srv, "SageMaker."+op, `{"MaxResults":1}`, "sagemaker")
		checkJSONAgainstSnapshot(t, op, body, snapshotBody(t, smDir, op))
		if !bytes.Contains(body, []byte(`"NextToken"`)) && op == "ListTrainingJobs" {
			t.Errorf("%s with MaxResults 1 over 2 jobs has no NextToken: %s", op, body)
		}
	}

	// GetComplianceDetailsByConfigRule.
	cfgDir := moduleDir(t, "github.com/aws/aws-sdk-go-v2/service/configservice")
	srv.AddEvaluationResult("r", localaws.Evaluation{ComplianceResourceType: "AWS::::Account", ComplianceResourceID: "x",
		ComplianceType: "COMPLIANT", Annotation: aws.String("ok"), OrderingTimestamp: t0})
	srv.BindResultToken("tok", "r")
	srv.AddEvaluationResult("r", localaws.Evaluation{ComplianceResourceType: "AWS::::Account", ComplianceResourceID: "y",
		ComplianceType: "COMPLIANT", OrderingTimestamp: t0})
	body := rawCall(t, srv, "StarlingDoveService.GetComplianceDetailsByConfigRule", `{"ConfigRuleName":"r","Limit":1}`, "config")
	checkJSONAgainstSnapshot(t, "GetComplianceDetailsByConfigRule", body, snapshotBody(t, cfgDir, "GetComplianceDetailsByConfigRule"))

	// IAM's XML.
	iamDir := moduleDir(t, "github.com/aws/aws-sdk-go-v2/service/iam")
	srv.AddIAMRole(localaws.IAMRole{RoleName: "r", RoleID: "AROAR", AccountID: "111122223333",
		AttachedPolicies: []localaws.IAMAttachedPolicy{{PolicyName: "p", PolicyARN: "arn:aws:iam::111122223333:policy/p"}, {PolicyName: "q", PolicyARN: "arn:aws:iam::111122223333:policy/q"}},
		InlinePolicies:   map[string]string{"i": "{}", "j": "{}"}})
	srv.AddIAMPolicy(localaws.IAMPolicy{ARN: "arn:aws:iam::111122223333:policy/p", Name: "p", PolicyID: "ANPAP", Document: "{}"})
	for op, form := range map[string]string{
		"GetRole":                  "RoleName=r",
		"ListAttachedRolePolicies": "RoleName=r&MaxItems=1",
		"ListRolePolicies":         "RoleName=r&MaxItems=1",
		"GetRolePolicy":            "RoleName=r&PolicyName=i",
		"GetPolicy":                "PolicyArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Apolicy%2Fp",
		"GetPolicyVersion":         "PolicyArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Apolicy%2Fp&VersionId=v1",
	} {
		body := rawQuery(t, srv, "Action="+op+"&Version=2010-05-08&"+form)
		have, want := xmlPaths(t, body), xmlPaths(t, snapshotBody(t, iamDir, op))
		for p := range have {
			if !want[p] && !strings.Contains(p, "ResponseMetadata") {
				t.Errorf("%s: element %s is not in the API (SDK response snapshot)", op, p)
			}
		}
	}
}

// rawCall sends a signed awsJson1_1 request and returns the response body.
func rawCall(t *testing.T, srv *localaws.Server, target, body, service string) []byte {
	t.Helper()
	return signedPost(t, srv, service, "application/x-amz-json-1.1", map[string]string{"X-Amz-Target": target}, body)
}

// rawQuery sends a signed IAM awsQuery request and returns the response body.
func rawQuery(t *testing.T, srv *localaws.Server, form string) []byte {
	t.Helper()
	return signedPost(t, srv, "iam", "application/x-www-form-urlencoded", nil, form)
}

// xmlPaths collects the element paths of an XML document below its root,
// with list members as "member".
func xmlPaths(t *testing.T, doc []byte) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var stack []string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("XML: %v\n%s", err, doc)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			stack = append(stack, el.Name.Local)
			if len(stack) > 1 {
				out[strings.Join(stack[1:], "/")] = true
			}
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		}
	}
}

// signedPost sends a request signed with SigV4 for service, as an SDK
// client would, and returns the body of a 200 answer.
func signedPost(t *testing.T, srv *localaws.Server, service, contentType string, header map[string]string, body string) []byte {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: baseKey, SecretAccessKey: baseSecret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), service, region, time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: %d %s", service, body, resp.StatusCode, data)
	}
	return data
}

func TestThrottleEvery(t *testing.T) {
	srv := start(t, localaws.Options{})
	srv.AddIAMRole(localaws.IAMRole{RoleName: "r", RoleID: "AROAR", AccountID: "111122223333"})
	srv.ThrottleEvery(localaws.OpGetRole, 3)
	ic := client(srv, aws.NopRetryer{}, iam.NewFromConfig)
	var codes []string
	for range 7 {
		_, err := ic.GetRole(context.Background(), &iam.GetRoleInput{RoleName: aws.String("r")})
		codes = append(codes, errorCode(err))
	}
	srv.ThrottleEvery(localaws.OpGetRole, 0)
	_, err := ic.GetRole(context.Background(), &iam.GetRoleInput{RoleName: aws.String("r")})
	codes = append(codes, errorCode(err))
	if got := strings.Join(codes, ","); got != ",,Throttling,,,Throttling,," {
		t.Errorf("codes = %s, want every third call throttled until cleared", got)
	}
}
