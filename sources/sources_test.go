package sources

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/smithy-go"

	"github.com/aiguard/aiguard/awsclient"
	"github.com/aiguard/aiguard/rules"
)

// testClients are clients of us-east-1 with fixed credentials; For makes
// clients but no call, so no endpoint is needed.
func testClients(t *testing.T) *awsclient.Clients {
	t.Helper()
	c, err := awsclient.New(context.Background(), config.WithRegion("us-east-1"),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("AKIAIOSFODNN7EXAMPLE", "secret", "")),
		config.WithSharedConfigFiles([]string{}), config.WithSharedCredentialsFiles([]string{}))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestSourcesOfEveryService: without Services every source is provided,
// each service of Services() provides some, and only the clients of the
// services asked for are made.
func TestSourcesOfEveryService(t *testing.T) {
	all := For(testClients(t), "", "", Options{})
	v := reflect.ValueOf(all)
	for i := range v.NumField() {
		if v.Field(i).IsNil() {
			t.Errorf("no %s source without Services", v.Type().Field(i).Name)
		}
	}
	// The ML fronts source (ml-endpoint-certificate) reads three services,
	// and is given only when all three are.
	fronts := []string{"elasticloadbalancing", "apigateway", "cloudfront"}
	for _, svc := range Services() {
		if slices.Contains(fronts, svc) {
			continue
		}
		if s := For(testClients(t), "", "", Options{Services: []string{svc}}); s == (rules.Sources{}) {
			t.Errorf("service %s provides no source", svc)
		}
	}
	if s := For(testClients(t), "", "", Options{Services: fronts}); s.MLFronts == nil {
		t.Errorf("Services %v: no ML fronts source", fronts)
	}
	c := testClients(t)
	only := For(c, "", "", Options{Services: []string{"guardduty", "config"}})
	if only.GuardDuty == nil || only.CloudTrail != nil || only.SageMakerJobs != nil || only.S3Buckets != nil {
		t.Errorf("Services [guardduty config]: %+v, want the GuardDuty source alone", only)
	}
	if got := c.Made("", ""); !slices.Equal(got, []string{"guardduty"}) {
		t.Errorf("clients made for [guardduty config]: %v, want [guardduty]", got)
	}
}

// TestNewLeavesMissingAPIsNil: New sets the sources of the APIs it is
// given, and the ML fronts source only with all four of its APIs.
func TestNewLeavesMissingAPIsNil(t *testing.T) {
	if s := New(APIs{}, Options{}); s != (rules.Sources{}) {
		t.Errorf("New without APIs = %+v, want no source", s)
	}
	full := For(testClients(t), "", "", Options{})
	s := New(APIs{ELB: full.MLFronts.(*frontSource).elb}, Options{})
	if s.MLFronts != nil {
		t.Error("an ML fronts source without API Gateway and CloudFront")
	}
}

// TestDomainARN: an API Gateway custom domain without an ARN in its
// listing gets the one of its Region's partition.
func TestDomainARN(t *testing.T) {
	for region, want := range map[string]string{
		"us-east-1":      "arn:aws:apigateway:us-east-1::/domainnames/api.example.com",
		"cn-north-1":     "arn:aws-cn:apigateway:cn-north-1::/domainnames/api.example.com",
		"us-gov-west-1":  "arn:aws-us-gov:apigateway:us-gov-west-1::/domainnames/api.example.com",
		"eusc-de-east-1": "arn:aws-eusc:apigateway:eusc-de-east-1::/domainnames/api.example.com",
	} {
		if got := (&frontSource{region: region}).domain(aws.String("api.example.com"), nil, nil).ARN; got != want {
			t.Errorf("%s: ARN %s, want %s", region, got, want)
		}
	}
	listed := "arn:aws:apigateway:us-east-1::/domainnames/listed"
	if got := (&frontSource{region: "us-east-1"}).domain(aws.String("listed"), &listed, nil).ARN; got != listed {
		t.Errorf("listed ARN replaced by %s", got)
	}
}

func TestCloudFrontRegion(t *testing.T) {
	for region, want := range map[string]string{"us-west-2": "us-east-1", "cn-north-1": "cn-northwest-1"} {
		if got := cloudFrontRegion(region); got != want {
			t.Errorf("cloudFrontRegion(%s) = %s, want %s", region, got, want)
		}
	}
}

func TestDescribeAllBoundsConcurrency(t *testing.T) {
	items := make([]int, 50)
	for i := range items {
		items[i] = i
	}
	var inFlight, peak atomic.Int32
	var mu sync.Mutex
	got, inc, err := describeAll(context.Background(), 3, items, func(i int) string { return fmt.Sprint(i) },
		func(_ context.Context, i int) (int, error) {
			n := inFlight.Add(1)
			mu.Lock()
			if n > peak.Load() {
				peak.Store(n)
			}
			mu.Unlock()
			time.Sleep(time.Millisecond)
			inFlight.Add(-1)
			if i%10 == 0 {
				return 0, &smithy.GenericAPIError{Code: "ValidationException", Message: fmt.Sprintf("Could not find model %d.", i)}
			}
			return i * 2, nil
		})
	if err != nil || inc != nil {
		t.Fatalf("err = %v, inc = %v", err, inc)
	}
	if p := peak.Load(); p > 3 || p < 2 {
		t.Errorf("peak concurrency %d, want at most 3 (and some)", p)
	}
	if len(got) != 45 || got[0] != 2 || got[44] != 98 {
		t.Errorf("results %v: want the 45 found, in order", got)
	}

	boom := errors.New("AccessDenied")
	_, _, err = describeAll(context.Background(), 2, items, func(i int) string { return fmt.Sprint(i) },
		func(_ context.Context, i int) (int, error) {
			if i == 7 {
				return 0, boom
			}
			return i, nil
		})
	if !errors.Is(err, boom) {
		t.Errorf("err = %v, want the failure", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	got, inc, err = describeAll(ctx, 1, items, func(i int) string { return fmt.Sprint("item ", i) },
		func(ctx context.Context, i int) (int, error) {
			if i == 20 {
				cancel()
				return 0, ctx.Err()
			}
			return i, nil
		})
	if err != nil || inc == nil || len(got) != 20 || len(inc.Skipped) != 30 || inc.Skipped[0] != "item 20" {
		t.Errorf("cancelled: %d results, inc %+v, err %v", len(got), inc, err)
	}
}

func TestIsGone(t *testing.T) {
	for _, tt := range []struct {
		err  error
		gone bool
	}{
		{&smithy.GenericAPIError{Code: "ResourceNotFound"}, true},
		{&smithy.GenericAPIError{Code: "NoSuchEntity", Message: "The role with name x cannot be found."}, true},
		{&smithy.GenericAPIError{Code: "ValidationException", Message: "Requested resource not found."}, true},
		{&smithy.GenericAPIError{Code: "ValidationException", Message: `Could not find endpoint "arn:aws:sagemaker:us-east-1:1:endpoint/x".`}, true},
		{&smithy.GenericAPIError{Code: "ValidationException", Message: "RecordNotFound"}, true},
		{&smithy.GenericAPIError{Code: "ValidationException", Message: "1 validation error detected"}, false},
		{&smithy.GenericAPIError{Code: "AccessDeniedException", Message: "not found in policy"}, false},
		{fmt.Errorf("wrapped: %w", &smithy.GenericAPIError{Code: "ResourceNotFound"}), true},
		{errors.New("not found"), false},
		{nil, false},
	} {
		if got := isGone(tt.err); got != tt.gone {
			t.Errorf("isGone(%v) = %v", tt.err, got)
		}
	}
}

func TestPolicyDocument(t *testing.T) {
	doc := `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::a+b/*"}]}`
	for in, want := range map[string]string{
		"%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3A%2A%22%2C%22Resource%22%3A%22arn%3Aaws%3As3%3A%3A%3Aa%2Bb%2F%2A%22%7D%5D%7D": doc,
		doc:           doc, // already decoded
		"%7B%22a%22+": "%7B%22a%22+",
	} {
		if got := policyDocument(in); got != want {
			t.Errorf("policyDocument(%q) = %q, want %q", in, got, want)
		}
	}
}
