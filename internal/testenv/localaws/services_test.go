package localaws

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestServiceTable checks the routing table's invariants: every entry is
// reachable by exactly one of X-Amz-Target or path routing, and operation
// names are unique, since faults and recorded calls are keyed by them.
func TestServiceTable(t *testing.T) {
	owner := map[string]string{}
	for _, sv := range services {
		if sv.signingName == "" || len(sv.ops) == 0 || sv.throttle.Code == "" {
			t.Errorf("%q: want a signing name, operations and a throttling error", sv.signingName)
		}
		query := sv.protocol == awsQuery || sv.protocol == ec2Query
		switch {
		case (sv.protocol == awsQuery) != (sv.version != ""):
			t.Errorf("%s: an awsQuery service, and only one, names the API version of its forms", sv.signingName)
		case query && (sv.targetPrefix != "" || sv.route != nil):
			t.Errorf("%s: a query service is routed by its form's Action, with neither a target prefix nor a route", sv.signingName)
		case !query && ((sv.protocol == awsJSON11) != (sv.targetPrefix != "") || (sv.protocol == awsJSON11) == (sv.route != nil)):
			t.Errorf("%s: an awsJson1_1 service needs a target prefix, a rest one a route", sv.signingName)
		}
		for op, h := range sv.ops {
			if h == nil {
				t.Errorf("%s %s: no handler", sv.signingName, op)
			}
			if prev, ok := owner[op]; ok {
				t.Errorf("operation %s served by both %s and %s", op, prev, sv.signingName)
			}
			owner[op] = sv.signingName
		}
	}
}

func TestServiceFor(t *testing.T) {
	const auth = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-east-1/%s/aws4_request, SignedHeaders=host;x-amz-date, Signature=00"
	tests := []struct {
		target, scope, form string
		want                string // "" when no table entry serves it
	}{
		{target: "Comprehend_20171127.ListEntitiesDetectionJobs", scope: "comprehend", want: ServiceComprehend},
		{target: "CloudTrail_20131101.DescribeTrails", scope: "cloudtrail", want: ServiceCloudTrail},
		{target: "AWSInsightsIndexService.GetAnomalyMonitors", scope: "ce", want: ServiceCostExplorer},
		{target: "StarlingDoveService.PutEvaluations", scope: "config", want: ServiceConfig},
		{target: "SageMaker.ListModels", scope: "sagemaker", want: ServiceSageMaker},
		{target: "Unknown_20250101.Op", scope: "unknown"},
		{scope: "bedrock", want: ServiceBedrock},
		{scope: "guardduty", want: ServiceGuardDuty},
		{scope: "s3", want: ServiceS3},
		{target: "CertificateManager.DescribeCertificate", scope: "acm", want: ServiceACM},
		{scope: "ec2", want: ServiceEC2},
		{scope: "elasticloadbalancing", want: ServiceELB},
		{scope: "apigateway", want: ServiceAPIGateway},
		{scope: "cloudfront", want: ServiceCloudFront},
		{scope: "sts", want: ServiceSTS},
		{scope: "iam", want: ServiceIAM},
		{scope: "comprehend"}, // an awsJson1_1 service needs its X-Amz-Target
		// An unsigned awsQuery form, by the API version it names.
		{form: "Action=AssumeRole&Version=2011-06-15", want: ServiceSTS},
		{form: "Action=GetRole&Version=2010-05-08", want: ServiceIAM},
		{form: "Action=DescribeLoadBalancers&Version=2015-12-01", want: ServiceELB},
		{form: "Action=AssumeRole&Version=2001-01-01"},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(http.MethodPost, "/", nil)
		if tt.target != "" {
			r.Header.Set("X-Amz-Target", tt.target)
		}
		if tt.scope != "" {
			r.Header.Set("Authorization", fmt.Sprintf(auth, tt.scope))
		}
		if tt.form != "" {
			r.Header.Set("Content-Type", formContentType)
		}
		sv, ok := serviceFor(r, []byte(tt.form))
		got := ""
		if ok {
			got = sv.signingName
		}
		if got != tt.want {
			t.Errorf("target %q scope %q form %q: served by %q, want %q", tt.target, tt.scope, tt.form, got, tt.want)
		}
	}
}

func TestThrottleError(t *testing.T) {
	tests := []struct {
		op     string
		status int
		code   string
	}{
		{"ListCustomModels", http.StatusTooManyRequests, "ThrottlingException"},
		{"ListEntitiesDetectionJobs", 0, "TooManyRequestsException"},
		{"ListCollections", 0, "ThrottlingException"},
		{"DescribeLogGroups", 0, "ThrottlingException"},
		{"GetBucketTagging", http.StatusServiceUnavailable, "SlowDown"},
		{"DescribeTrails", 0, "ThrottlingException"},
		{"GetAnomalyMonitors", 0, "ThrottlingException"},
		{"ListDetectors", http.StatusTooManyRequests, "TooManyRequestsException"},
		{OpAssumeRole, 0, "Throttling"},
		{OpGetRole, 0, "Throttling"},
		{OpPutEvaluations, 0, "ThrottlingException"},
		{"DescribeTrainingJob", 0, "ThrottlingException"},
	}
	for _, tt := range tests {
		if got := throttleError(tt.op); got.Status != tt.status || got.Code != tt.code {
			t.Errorf("throttleError(%s) = %d %s, want %d %s", tt.op, got.Status, got.Code, tt.status, tt.code)
		}
	}
}
