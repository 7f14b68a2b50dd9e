package localaws_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/configservice/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"

	"github.com/aiguard/aiguard/internal/testenv/localaws"
)

const (
	baseKey    = "AKIAIOSFODNN7EXAMPLE"
	baseSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	region     = "us-east-1"
)

var t0 = time.Date(2026, 11, 20, 10, 15, 30, 123e6, time.UTC)

func start(t *testing.T, opts localaws.Options) *localaws.Server {
	t.Helper()
	if opts.Credentials == nil {
		opts.Credentials = map[string]string{baseKey: baseSecret}
	}
	srv, err := localaws.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// noRetry makes the client give up after one attempt, so a test sees the
// error the server answered with.
func noRetry(o *configservice.Options) { o.Retryer = aws.NopRetryer{} }

// noValidation removes the SDK's client-side check of required members, so
// that a test can show the server enforcing them too.
func noValidation(o *configservice.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		_, err := s.Initialize.Remove("OperationInputValidation")
		return err
	})
}

func configClient(srv *localaws.Server, key, secret, token string, optFns ...func(*configservice.Options)) *configservice.Client {
	return configservice.New(configservice.Options{
		Region:       region,
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider(key, secret, token),
	}, optFns...)
}

func stsClient(srv *localaws.Server, region string, optFns ...func(*sts.Options)) *sts.Client {
	return sts.New(sts.Options{
		Region:       region,
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider(baseKey, baseSecret, ""),
		Retryer:      aws.NopRetryer{},
	}, optFns...)
}

func eval(id string, compliance types.ComplianceType, annotation *string) types.Evaluation {
	return types.Evaluation{
		ComplianceResourceType: aws.String("AWS::SageMaker::NotebookInstance"),
		ComplianceResourceId:   aws.String(id),
		ComplianceType:         compliance,
		Annotation:             annotation,
		OrderingTimestamp:      aws.Time(t0),
	}
}

func evals(n int) []types.Evaluation {
	out := make([]types.Evaluation, n)
	for i := range out {
		out[i] = eval(fmt.Sprintf("nb-%03d", i), types.ComplianceTypeCompliant, nil)
	}
	return out
}

func errorCode(err error) string {
	if apiErr, ok := errors.AsType[smithy.APIError](err); ok {
		return apiErr.ErrorCode()
	}
	return ""
}

func TestPutEvaluationsRecordsWhatArrived(t *testing.T) {
	srv := start(t, localaws.Options{})
	client := configClient(srv, baseKey, baseSecret, "")
	in := &configservice.PutEvaluationsInput{
		ResultToken: aws.String("token-1"),
		Evaluations: []types.Evaluation{
			eval("nb-1", types.ComplianceTypeNonCompliant, aws.String("DirectInternetAccess is Enabled.")),
			eval("nb-2", types.ComplianceTypeCompliant, nil),
		},
	}
	out, err := client.PutEvaluations(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.FailedEvaluations) != 0 {
		t.Errorf("FailedEvaluations = %v, want none", out.FailedEvaluations)
	}
	calls := srv.Calls()
	if len(calls) != 1 {
		t.Fatalf("got %d calls, want 1", len(calls))
	}
	c := calls[0]
	if c.Service != localaws.ServiceConfig || c.Operation != localaws.OpPutEvaluations || c.Status != 200 || c.Failed() {
		t.Errorf("call = %s %s status %d error %q", c.Service, c.Operation, c.Status, c.ErrorCode)
	}
	wantSigner := localaws.Signer{AccessKeyID: baseKey, Date: c.Signer.Date, Region: region, Service: "config", Verified: true}
	if c.Signer != wantSigner || len(c.Signer.Date) != 8 {
		t.Errorf("signer = %+v, want %+v", c.Signer, wantSigner)
	}
	p := c.PutEvaluations
	if p == nil || aws.ToString(p.ResultToken) != "token-1" || p.TestMode {
		t.Fatalf("PutEvaluations = %+v", p)
	}
	got := srv.Evaluations()
	if len(got) != 2 {
		t.Fatalf("stored %d evaluations, want 2", len(got))
	}
	want := []localaws.Evaluation{
		{ComplianceResourceType: "AWS::SageMaker::NotebookInstance", ComplianceResourceID: "nb-1", ComplianceType: "NON_COMPLIANT",
			Annotation: aws.String("DirectInternetAccess is Enabled."), OrderingTimestamp: t0},
		{ComplianceResourceType: "AWS::SageMaker::NotebookInstance", ComplianceResourceID: "nb-2", ComplianceType: "COMPLIANT", OrderingTimestamp: t0},
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.ComplianceResourceType != w.ComplianceResourceType || g.ComplianceResourceID != w.ComplianceResourceID ||
			g.ComplianceType != w.ComplianceType || !g.OrderingTimestamp.Equal(w.OrderingTimestamp) ||
			aws.ToString(g.Annotation) != aws.ToString(w.Annotation) || (g.Annotation == nil) != (w.Annotation == nil) {
			t.Errorf("evaluation %d = %+v, want %+v", i, g, w)
		}
	}
}

func TestPutEvaluationsTestMode(t *testing.T) {
	srv := start(t, localaws.Options{ResultTokens: []string{"real-token"}})
	client := configClient(srv, baseKey, baseSecret, "", noRetry)
	// TestMode accepts any token and stores nothing.
	if _, err := client.PutEvaluations(context.Background(), &configservice.PutEvaluationsInput{
		ResultToken: aws.String("TESTMODE"), TestMode: true, Evaluations: evals(3),
	}); err != nil {
		t.Fatal(err)
	}
	if c := srv.Calls(); len(c) != 1 || !c[0].PutEvaluations.TestMode || len(c[0].PutEvaluations.Evaluations) != 3 {
		t.Fatalf("calls = %+v", c)
	}
	if got := srv.Evaluations(); len(got) != 0 {
		t.Errorf("TestMode stored %d evaluations", len(got))
	}
	// Outside TestMode, the token must be one Config issued.
	_, err := client.PutEvaluations(context.Background(), &configservice.PutEvaluationsInput{ResultToken: aws.String("TESTMODE"), Evaluations: evals(1)})
	if _, ok := errors.AsType[*types.InvalidResultTokenException](err); !ok {
		t.Errorf("unknown token: err = %v, want InvalidResultTokenException", err)
	}
}

func TestPutEvaluationsConstraints(t *testing.T) {
	long := func(r string, n int) *string { return aws.String(strings.Repeat(r, n)) }
	with := func(f func(*types.Evaluation)) []types.Evaluation {
		e := eval("nb-1", types.ComplianceTypeCompliant, nil)
		f(&e)
		return []types.Evaluation{e}
	}
	tests := []struct {
		name     string
		in       configservice.PutEvaluationsInput
		wantCode string // "" for success
		wantMsg  string
	}{
		{name: "100 evaluations", in: configservice.PutEvaluationsInput{Evaluations: evals(100)}},
		{name: "101 evaluations", in: configservice.PutEvaluationsInput{Evaluations: evals(101)},
			wantCode: "ValidationException", wantMsg: "at 'evaluations' failed to satisfy constraint: Member must have length less than or equal to 100"},
		{name: "no evaluations", in: configservice.PutEvaluationsInput{Evaluations: []types.Evaluation{}}},
		{name: "evaluations absent", in: configservice.PutEvaluationsInput{}},
		{name: "null result token", in: configservice.PutEvaluationsInput{Evaluations: evals(1)},
			wantCode: "ValidationException", wantMsg: "Value null at 'resultToken' failed to satisfy constraint: Member must not be null"},
		{name: "empty result token", in: configservice.PutEvaluationsInput{ResultToken: aws.String(""), Evaluations: evals(1)},
			wantCode: "InvalidResultTokenException"},
		{name: "empty result token in TestMode", in: configservice.PutEvaluationsInput{ResultToken: aws.String(""), TestMode: true, Evaluations: evals(1)}},
		{name: "empty annotation", in: configservice.PutEvaluationsInput{Evaluations: with(func(e *types.Evaluation) { e.Annotation = aws.String("") })},
			wantCode: "ValidationException", wantMsg: "at 'evaluations.1.member.annotation' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{name: "annotation of 256 two-byte characters", in: configservice.PutEvaluationsInput{Evaluations: with(func(e *types.Evaluation) { e.Annotation = long("é", 256) })}},
		{name: "annotation of 257 characters", in: configservice.PutEvaluationsInput{Evaluations: with(func(e *types.Evaluation) { e.Annotation = long("é", 257) })},
			wantCode: "ValidationException", wantMsg: "Member must have length less than or equal to 256"},
		{name: "empty resource ID", in: configservice.PutEvaluationsInput{Evaluations: with(func(e *types.Evaluation) { e.ComplianceResourceId = aws.String("") })},
			wantCode: "ValidationException", wantMsg: "Value '' at 'evaluations.1.member.complianceResourceId' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{name: "resource ID of 768", in: configservice.PutEvaluationsInput{Evaluations: with(func(e *types.Evaluation) { e.ComplianceResourceId = long("x", 768) })}},
		{name: "resource ID of 769", in: configservice.PutEvaluationsInput{Evaluations: with(func(e *types.Evaluation) { e.ComplianceResourceId = long("x", 769) })},
			wantCode: "ValidationException", wantMsg: "complianceResourceId' failed to satisfy constraint: Member must have length less than or equal to 768"},
		{name: "resource type of 257", in: configservice.PutEvaluationsInput{Evaluations: with(func(e *types.Evaluation) { e.ComplianceResourceType = long("x", 257) })},
			wantCode: "ValidationException", wantMsg: "complianceResourceType' failed to satisfy constraint: Member must have length less than or equal to 256"},
		{name: "null resource type", in: configservice.PutEvaluationsInput{Evaluations: with(func(e *types.Evaluation) { e.ComplianceResourceType = nil })},
			wantCode: "ValidationException", wantMsg: "Value null at 'evaluations.1.member.complianceResourceType' failed to satisfy constraint: Member must not be null"},
		{name: "null ordering timestamp", in: configservice.PutEvaluationsInput{Evaluations: with(func(e *types.Evaluation) { e.OrderingTimestamp = nil })},
			wantCode: "ValidationException", wantMsg: "Value null at 'evaluations.1.member.orderingTimestamp'"},
		{name: "INSUFFICIENT_DATA", in: configservice.PutEvaluationsInput{Evaluations: with(func(e *types.Evaluation) { e.ComplianceType = types.ComplianceTypeInsufficientData })},
			wantCode: "InvalidParameterValueException", wantMsg: "INSUFFICIENT_DATA"},
		{name: "unknown compliance type", in: configservice.PutEvaluationsInput{Evaluations: with(func(e *types.Evaluation) { e.ComplianceType = "MOSTLY_FINE" })},
			wantCode: "ValidationException", wantMsg: "Value 'MOSTLY_FINE' at 'evaluations.1.member.complianceType' failed to satisfy constraint: Member must satisfy enum value set"},
		{name: "null compliance type", in: configservice.PutEvaluationsInput{Evaluations: with(func(e *types.Evaluation) { e.ComplianceType = "" })},
			wantCode: "ValidationException", wantMsg: "Value null at 'evaluations.1.member.complianceType'"},
		{name: "two violations", in: configservice.PutEvaluationsInput{Evaluations: with(func(e *types.Evaluation) {
			e.ComplianceResourceId = aws.String("")
			e.Annotation = aws.String("")
		})}, wantCode: "ValidationException", wantMsg: "2 validation errors detected: "},
	}
	srv := start(t, localaws.Options{})
	client := configClient(srv, baseKey, baseSecret, "", noRetry, noValidation)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.Reset()
			in := tt.in
			if in.ResultToken == nil && tt.name != "null result token" {
				in.ResultToken = aws.String("token")
			}
			_, err := client.PutEvaluations(context.Background(), &in)
			if tt.wantCode == "" {
				if err != nil {
					t.Fatalf("err = %v, want success", err)
				}
				if got, want := len(srv.Evaluations()), len(in.Evaluations); !in.TestMode && got != want {
					t.Errorf("stored %d evaluations, want %d", got, want)
				}
				return
			}
			if got := errorCode(err); got != tt.wantCode {
				t.Fatalf("error code = %q (%v), want %s", got, err, tt.wantCode)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error = %v\nwant it to contain %q", err, tt.wantMsg)
			}
			if got := srv.Evaluations(); len(got) != 0 {
				t.Errorf("a rejected call stored %d evaluations", len(got))
			}
			c := srv.Calls()
			if len(c) != 1 || c[0].ErrorCode != tt.wantCode || c[0].Status != 400 {
				t.Errorf("recorded %+v", c)
			}
		})
	}
}

func TestThrottleIsRetriedBySDK(t *testing.T) {
	srv := start(t, localaws.Options{})
	srv.Throttle(localaws.OpPutEvaluations, 2)
	fast := func(o *configservice.Options) {
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
			so.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return time.Millisecond, nil })
		})
	}
	client := configClient(srv, baseKey, baseSecret, "", fast)
	if _, err := client.PutEvaluations(context.Background(), &configservice.PutEvaluationsInput{ResultToken: aws.String("t"), Evaluations: evals(1)}); err != nil {
		t.Fatalf("err = %v, want success after two throttled attempts", err)
	}
	calls := srv.Calls()
	var codes []string
	for _, c := range calls {
		codes = append(codes, c.ErrorCode)
	}
	if got, want := strings.Join(codes, ","), "ThrottlingException,ThrottlingException,"; got != want {
		t.Errorf("error codes of calls = %q, want %q", got, want)
	}

	// Without retries the caller sees the throttling error.
	srv.Reset()
	srv.Throttle(localaws.OpPutEvaluations, 1)
	_, err := configClient(srv, baseKey, baseSecret, "", noRetry).PutEvaluations(context.Background(),
		&configservice.PutEvaluationsInput{ResultToken: aws.String("t"), Evaluations: evals(1)})
	if errorCode(err) != "ThrottlingException" || !retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err).Bool() {
		t.Errorf("err = %v, want a ThrottlingException the SDK treats as throttling", err)
	}
}

func TestFailNextAndFailEvaluations(t *testing.T) {
	srv := start(t, localaws.Options{})
	client := configClient(srv, baseKey, baseSecret, "", noRetry)
	ctx := context.Background()
	in := &configservice.PutEvaluationsInput{ResultToken: aws.String("t"), Evaluations: evals(3)}

	srv.FailEvaluations(1, "nb-001")
	out, err := client.PutEvaluations(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.FailedEvaluations) != 1 || aws.ToString(out.FailedEvaluations[0].ComplianceResourceId) != "nb-001" ||
		!aws.ToTime(out.FailedEvaluations[0].OrderingTimestamp).Equal(t0) {
		t.Fatalf("FailedEvaluations = %+v, want nb-001 only, as sent", out.FailedEvaluations)
	}
	if got := srv.Evaluations(); len(got) != 2 {
		t.Errorf("stored %d evaluations, want 2", len(got))
	}
	// The fault is used up: the next call succeeds in full.
	if out, err = client.PutEvaluations(ctx, in); err != nil || len(out.FailedEvaluations) != 0 {
		t.Fatalf("second call: %v, %d failed", err, len(out.FailedEvaluations))
	}
	srv.FailEvaluations(1) // every evaluation
	if out, err = client.PutEvaluations(ctx, in); err != nil || len(out.FailedEvaluations) != 3 {
		t.Fatalf("third call: %v, %d failed, want 3", err, len(out.FailedEvaluations))
	}

	srv.FailNext(localaws.OpPutEvaluations, 1, localaws.APIError{Status: 500, Code: "InternalFailure", Message: "boom"})
	_, err = client.PutEvaluations(ctx, in)
	if errorCode(err) != "InternalFailure" {
		t.Errorf("err = %v, want InternalFailure", err)
	}
	if _, err = client.PutEvaluations(ctx, in); err != nil {
		t.Errorf("after the fault: %v", err)
	}
}

func TestGetResourceConfigHistory(t *testing.T) {
	srv := start(t, localaws.Options{})
	const typ, id = "AWS::SageMaker::NotebookInstance", "huge-notebook"
	for i, cfg := range []string{`{"DirectInternetAccess":"Enabled"}`, `{"DirectInternetAccess":"Disabled"}`, `{"DirectInternetAccess":"Enabled","RootAccess":"Disabled"}`} {
		srv.AddConfigurationItem(localaws.ConfigurationItem{
			Version: "1.3", AccountID: "111122223333", ResourceType: typ, ResourceID: id, ResourceName: id,
			ARN:                        "arn:aws:sagemaker:us-east-1:111122223333:notebook-instance/" + id,
			CaptureTime:                t0.Add(time.Duration(i) * time.Hour),
			StateID:                    fmt.Sprint(i + 1),
			Configuration:              cfg,
			Tags:                       map[string]string{"team": "fraud-ml"},
			Relationships:              []localaws.Relationship{{ResourceType: "AWS::EC2::Subnet", ResourceID: "subnet-1", RelationshipName: "Is contained in Subnet"}},
			SupplementaryConfiguration: map[string]string{"Tags": `[{"key":"team","value":"fraud-ml"}]`},
		})
	}
	client := configClient(srv, baseKey, baseSecret, "", noRetry)
	ctx := context.Background()

	// The latest item at or before laterTime, as the oversized path asks.
	out, err := client.GetResourceConfigHistory(ctx, &configservice.GetResourceConfigHistoryInput{
		ResourceType: typ, ResourceId: aws.String(id), LaterTime: aws.Time(t0.Add(time.Hour)), Limit: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.ConfigurationItems) != 1 {
		t.Fatalf("got %d items, want 1", len(out.ConfigurationItems))
	}
	ci := out.ConfigurationItems[0]
	if got := aws.ToString(ci.Configuration); got != `{"DirectInternetAccess":"Disabled"}` {
		t.Errorf("configuration = %s", got)
	}
	if !aws.ToTime(ci.ConfigurationItemCaptureTime).Equal(t0.Add(time.Hour)) || ci.ConfigurationItemStatus != types.ConfigurationItemStatusOk ||
		aws.ToString(ci.AccountId) != "111122223333" || ci.Tags["team"] != "fraud-ml" || len(ci.Relationships) != 1 ||
		ci.SupplementaryConfiguration["Tags"] == "" || aws.ToString(ci.ConfigurationStateId) != "2" {
		t.Errorf("item = %+v", ci)
	}
	if out.NextToken == nil {
		t.Error("NextToken is nil, but an older item remains")
	}
	rec := srv.CallsTo(localaws.OpGetResourceConfigHistory)[0].GetResourceConfigHistory
	if rec.ResourceType != typ || rec.ResourceID != id || rec.Limit != 1 || rec.LaterTime == nil || !rec.LaterTime.Equal(t0.Add(time.Hour)) || rec.Returned != 1 {
		t.Errorf("recorded %+v", rec)
	}

	// Paging, oldest first.
	var states []string
	in := &configservice.GetResourceConfigHistoryInput{ResourceType: typ, ResourceId: aws.String(id), Limit: 2, ChronologicalOrder: types.ChronologicalOrderForward}
	for page := 0; page < 5; page++ {
		out, err := client.GetResourceConfigHistory(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		for _, ci := range out.ConfigurationItems {
			states = append(states, aws.ToString(ci.ConfigurationStateId))
		}
		if out.NextToken == nil {
			break
		}
		in.NextToken = out.NextToken
	}
	if got := strings.Join(states, ","); got != "1,2,3" {
		t.Errorf("paged forward: state IDs %s, want 1,2,3", got)
	}

	errTests := []struct {
		name     string
		in       configservice.GetResourceConfigHistoryInput
		wantCode string
	}{
		{"unknown resource", configservice.GetResourceConfigHistoryInput{ResourceType: typ, ResourceId: aws.String("nope")}, "ResourceNotDiscoveredException"},
		{"limit over 100", configservice.GetResourceConfigHistoryInput{ResourceType: typ, ResourceId: aws.String(id), Limit: 101}, "ValidationException"},
		{"empty resource ID", configservice.GetResourceConfigHistoryInput{ResourceType: typ, ResourceId: aws.String("")}, "ValidationException"},
		{"earlier after later", configservice.GetResourceConfigHistoryInput{ResourceType: typ, ResourceId: aws.String(id),
			EarlierTime: aws.Time(t0.Add(time.Hour)), LaterTime: aws.Time(t0)}, "InvalidTimeRangeException"},
		{"bad next token", configservice.GetResourceConfigHistoryInput{ResourceType: typ, ResourceId: aws.String(id), NextToken: aws.String("x")}, "InvalidNextTokenException"},
	}
	for _, tt := range errTests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := client.GetResourceConfigHistory(ctx, &tt.in)
			if got := errorCode(err); got != tt.wantCode {
				t.Errorf("err = %v, want %s", err, tt.wantCode)
			}
		})
	}
	_, err = client.GetResourceConfigHistory(ctx, &configservice.GetResourceConfigHistoryInput{ResourceType: typ, ResourceId: aws.String("nope")})
	if _, ok := errors.AsType[*types.ResourceNotDiscoveredException](err); !ok || !strings.Contains(err.Error(), "Resource nope of resourceType:AWS::SageMaker::NotebookInstance is unknown or has not been discovered") {
		t.Errorf("err = %v, want the SDK's typed ResourceNotDiscoveredException with AWS's message", err)
	}
}

func TestAssumeRoleIssuesCredentialsPerRole(t *testing.T) {
	roleA := "arn:aws:iam::111122223333:role/aiguard-member"
	roleB := "arn:aws:iam::444455556666:role/team/aiguard-member"
	srv := start(t, localaws.Options{AssumableRoles: []string{roleA, roleB}})
	client := stsClient(srv, region)
	ctx := context.Background()

	assume := func(role string) *sts.AssumeRoleOutput {
		t.Helper()
		out, err := client.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("aiguard-config-rule"), DurationSeconds: aws.Int32(900)})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	a, b := assume(roleA), assume(roleB)
	keyA, keyB := aws.ToString(a.Credentials.AccessKeyId), aws.ToString(b.Credentials.AccessKeyId)
	if !strings.HasPrefix(keyA, "ASIA") || len(keyA) != 20 || keyA == keyB {
		t.Fatalf("access keys %q and %q: want distinct ASIA keys", keyA, keyB)
	}
	if d := time.Until(aws.ToTime(a.Credentials.Expiration)); d < 14*time.Minute || d > 15*time.Minute {
		t.Errorf("expiration in %v, want 15 minutes", d)
	}
	if got, want := aws.ToString(b.AssumedRoleUser.Arn), "arn:aws:sts::444455556666:assumed-role/aiguard-member/aiguard-config-rule"; got != want {
		t.Errorf("assumed role ARN = %s, want %s", got, want)
	}
	rec := srv.CallsTo(localaws.OpAssumeRole)
	if len(rec) != 2 || rec[0].AssumeRole.RoleARN != roleA || rec[0].AssumeRole.DurationSeconds != 900 ||
		rec[0].AssumeRole.AccessKeyID != keyA || rec[0].Signer.AccessKeyID != baseKey || rec[0].Signer.Service != "sts" || !rec[0].Signer.Verified {
		t.Errorf("recorded %+v", rec)
	}

	// Config calls made with the issued credentials are attributed to the role.
	cfg := configClient(srv, keyA, aws.ToString(a.Credentials.SecretAccessKey), aws.ToString(a.Credentials.SessionToken), noRetry)
	if _, err := cfg.PutEvaluations(ctx, &configservice.PutEvaluationsInput{ResultToken: aws.String("t"), Evaluations: evals(1)}); err != nil {
		t.Fatal(err)
	}
	put := srv.CallsTo(localaws.OpPutEvaluations)[0]
	if put.Signer.AccessKeyID != keyA || put.Signer.Role != roleA || !put.Signer.Verified || put.Signer.SessionToken != aws.ToString(a.Credentials.SessionToken) {
		t.Errorf("signer = %+v, want role %s", put.Signer, roleA)
	}

	// The issued key with a wrong secret or session token is refused.
	bad := []struct {
		name, secret, token, wantCode string
	}{
		{"wrong secret", "not-the-secret", aws.ToString(a.Credentials.SessionToken), "InvalidSignatureException"},
		{"wrong session token", aws.ToString(a.Credentials.SecretAccessKey), "forged", "UnrecognizedClientException"},
		{"no session token", aws.ToString(a.Credentials.SecretAccessKey), "", "UnrecognizedClientException"},
	}
	for _, tt := range bad {
		_, err := configClient(srv, keyA, tt.secret, tt.token, noRetry).PutEvaluations(ctx, &configservice.PutEvaluationsInput{ResultToken: aws.String("t"), Evaluations: evals(1)})
		if got := errorCode(err); got != tt.wantCode {
			t.Errorf("%s: err = %v, want %s", tt.name, err, tt.wantCode)
		}
	}
}

func TestAssumeRoleConstraints(t *testing.T) {
	allowed := "arn:aws:iam::111122223333:role/aiguard-member"
	cnRole := "arn:aws-cn:iam::111122223333:role/aiguard-member"
	srv := start(t, localaws.Options{AssumableRoles: []string{allowed, cnRole}})
	tests := []struct {
		name     string
		region   string
		in       sts.AssumeRoleInput
		wantCode string
		wantMsg  string
	}{
		{name: "allowed", in: sts.AssumeRoleInput{RoleArn: aws.String(allowed), RoleSessionName: aws.String("s1")}},
		{name: "aws-cn role from a China Region", region: "cn-north-1", in: sts.AssumeRoleInput{RoleArn: aws.String(cnRole), RoleSessionName: aws.String("s1")}},
		{name: "aws-cn role from us-east-1", in: sts.AssumeRoleInput{RoleArn: aws.String(cnRole), RoleSessionName: aws.String("s1")},
			wantCode: "AccessDenied"},
		{name: "not in the allow-list", in: sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::999988887777:role/other"), RoleSessionName: aws.String("s1")},
			wantCode: "AccessDenied", wantMsg: "is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::999988887777:role/other"},
		{name: "duration too short", in: sts.AssumeRoleInput{RoleArn: aws.String(allowed), RoleSessionName: aws.String("s1"), DurationSeconds: aws.Int32(899)},
			wantCode: "ValidationError", wantMsg: "Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"},
		{name: "duration too long", in: sts.AssumeRoleInput{RoleArn: aws.String(allowed), RoleSessionName: aws.String("s1"), DurationSeconds: aws.Int32(43201)},
			wantCode: "ValidationError", wantMsg: "less than or equal to 43200"},
		{name: "duration above the role's maximum", in: sts.AssumeRoleInput{RoleArn: aws.String(allowed), RoleSessionName: aws.String("s1"), DurationSeconds: aws.Int32(7200)},
			wantCode: "ValidationError", wantMsg: "MaxSessionDuration"},
		{name: "session name too short", in: sts.AssumeRoleInput{RoleArn: aws.String(allowed), RoleSessionName: aws.String("s")},
			wantCode: "ValidationError", wantMsg: "at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2"},
		{name: "session name with a space", in: sts.AssumeRoleInput{RoleArn: aws.String(allowed), RoleSessionName: aws.String("my session")},
			wantCode: "ValidationError", wantMsg: "regular expression pattern"},
		{name: "role ARN too short", in: sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::1:role"), RoleSessionName: aws.String("s1")},
			wantCode: "ValidationError", wantMsg: "at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20"},
		{name: "not a role ARN", in: sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::111122223333:user/alice"), RoleSessionName: aws.String("s1")},
			wantCode: "ValidationError", wantMsg: "not a valid role ARN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.region
			if r == "" {
				r = region
			}
			out, err := stsClient(srv, r).AssumeRole(context.Background(), &tt.in)
			if tt.wantCode == "" {
				if err != nil || !strings.HasPrefix(aws.ToString(out.Credentials.AccessKeyId), "ASIA") {
					t.Fatalf("err = %v, want credentials", err)
				}
				return
			}
			if got := errorCode(err); got != tt.wantCode {
				t.Fatalf("error code = %q (%v), want %s", got, err, tt.wantCode)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error = %v\nwant it to contain %q", err, tt.wantMsg)
			}
		})
	}

	srv.Throttle(localaws.OpAssumeRole, 1)
	_, err := stsClient(srv, region).AssumeRole(context.Background(), &sts.AssumeRoleInput{RoleArn: aws.String(allowed), RoleSessionName: aws.String("s1")})
	if errorCode(err) != "Throttling" {
		t.Errorf("throttled AssumeRole: err = %v, want Throttling", err)
	}
}

func TestAuthentication(t *testing.T) {
	srv := start(t, localaws.Options{})
	ctx := context.Background()
	in := &configservice.PutEvaluationsInput{ResultToken: aws.String("t"), Evaluations: evals(1)}
	tests := []struct {
		name     string
		client   *configservice.Client
		wantCode string
	}{
		{"unsigned", configservice.New(configservice.Options{Region: region, BaseEndpoint: aws.String(srv.URL), Credentials: aws.AnonymousCredentials{}, Retryer: aws.NopRetryer{}}),
			"MissingAuthenticationTokenException"},
		{"wrong secret", configClient(srv, baseKey, "wrong", "", noRetry), "InvalidSignatureException"},
		{"unknown key", configClient(srv, "AKIAUNKNOWNKEY000000", baseSecret, "", noRetry), "UnrecognizedClientException"},
		{"unknown temporary key", configClient(srv, "ASIAUNKNOWNKEY000000", baseSecret, "token", noRetry), "UnrecognizedClientException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.Reset()
			_, err := tt.client.PutEvaluations(ctx, in)
			if got := errorCode(err); got != tt.wantCode {
				t.Fatalf("err = %v, want %s", err, tt.wantCode)
			}
			if c := srv.Calls(); len(c) != 1 || c[0].ErrorCode != tt.wantCode || c[0].PutEvaluations != nil {
				t.Errorf("recorded %+v, want the refused call without its input", c)
			}
		})
	}

	// STS refuses in its own words.
	bad := sts.New(sts.Options{Region: region, BaseEndpoint: aws.String(srv.URL), Credentials: credentials.NewStaticCredentialsProvider(baseKey, "wrong", ""), Retryer: aws.NopRetryer{}})
	_, err := bad.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::111122223333:role/r"), RoleSessionName: aws.String("s1")})
	if errorCode(err) != "SignatureDoesNotMatch" {
		t.Errorf("STS with a wrong secret: err = %v, want SignatureDoesNotMatch", err)
	}

	// Without registered credentials, unknown keys pass unverified.
	open, err := localaws.Start(localaws.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer open.Close()
	if _, err := configClient(open, "AKIAANYTHING", "anything", "", noRetry).PutEvaluations(ctx, in); err != nil {
		t.Fatal(err)
	}
	if s := open.Calls()[0].Signer; s.AccessKeyID != "AKIAANYTHING" || s.Verified {
		t.Errorf("signer = %+v, want the unverified key", s)
	}
}

// TestWireShapes checks the raw protocol responses the SDK clients decode.
func TestWireShapes(t *testing.T) {
	srv := start(t, localaws.Options{})
	post := func(header map[string]string, body string) (int, http.Header, string) {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header, string(data)
	}
	status, h, body := post(map[string]string{"X-Amz-Target": "StarlingDoveService.PutEvaluations", "Content-Type": "application/x-amz-json-1.1"}, `{}`)
	if status != 400 || h.Get("Content-Type") != "application/x-amz-json-1.1" || body != `{"__type":"MissingAuthenticationTokenException","message":"Missing Authentication Token"}` {
		t.Errorf("unsigned JSON request: %d %s %s", status, h.Get("Content-Type"), body)
	}
	status, _, body = post(map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, "Action=AssumeRole&Version=2011-06-15")
	if status != 403 || !strings.HasPrefix(body, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>MissingAuthenticationToken</Code>`) {
		t.Errorf("unsigned query request: %d %s", status, body)
	}
	status, _, _ = post(map[string]string{"Content-Type": "text/plain"}, "hello")
	if status != 404 {
		t.Errorf("neither protocol: status %d, want 404", status)
	}
	// A Config request signed for another service is refused.
	status, _, body = post(map[string]string{
		"X-Amz-Target": "StarlingDoveService.PutEvaluations", "Content-Type": "application/x-amz-json-1.1",
		"X-Amz-Date":    time.Now().UTC().Format("20060102T150405Z"),
		"Authorization": "AWS4-HMAC-SHA256 Credential=" + baseKey + "/" + time.Now().UTC().Format("20060102") + "/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=00",
	}, `{}`)
	if status != 400 || !strings.Contains(body, `"__type":"InvalidSignatureException"`) || !strings.Contains(body, "Credential should be scoped to correct service: 'config'.") {
		t.Errorf("wrong service scope: %d %s", status, body)
	}
}

func TestConcurrentUse(t *testing.T) {
	srv := start(t, localaws.Options{})
	client := configClient(srv, baseKey, baseSecret, "", noRetry)
	srv.FailEvaluations(5)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Go(func() {
			_, err := client.PutEvaluations(context.Background(), &configservice.PutEvaluationsInput{ResultToken: aws.String("t"), Evaluations: evals(2)})
			errs <- err
			_ = srv.Calls()
			_ = srv.Evaluations()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if got := len(srv.Calls()); got != 20 {
		t.Errorf("recorded %d calls, want 20", got)
	}
	if got := len(srv.Evaluations()); got != 30 {
		t.Errorf("stored %d evaluations, want 30 (5 of 20 calls failed in full)", got)
	}
}
