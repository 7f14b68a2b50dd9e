package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aiguard/aiguard/internal/testenv/localaws"
)

// TestEmulatorPeriodicEndpointCertificates runs ml-endpoint-certificate
// through the real bootstrap: Elastic Load Balancing (awsQuery), API
// Gateway (restJson1), CloudFront (restXml, signed for us-east-1) and ACM
// (awsJson1_1) reached through AWS_ENDPOINT_URL, each client made on first
// use, every request signed and verified; then ml-vpc-endpoints-present on
// EC2 (ec2Query) in the same container.
func TestEmulatorPeriodicEndpointCertificates(t *testing.T) {
	requireBinaries(t)
	srv := startLocalAWS(t, localaws.Options{})
	srv.BindResultToken(periodicToken, periodicRule)
	const lb = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/ml-alb/50dc6c495c0c9188"
	cert := "arn:aws:acm:us-east-1:111122223333:certificate/11111111-1111-1111-1111-111111111111"
	add := func(kind string, doc map[string]any) {
		t.Helper()
		if err := srv.AddNetwork(kind, localaws.Doc(doc)); err != nil {
			t.Fatal(err)
		}
	}
	add(localaws.ELBLoadBalancer, map[string]any{"LoadBalancerArn": lb, "LoadBalancerName": "ml-alb", "Tags": map[string]any{"ml-data": "true"}})
	for i := range 30 {
		add(localaws.ELBListener, map[string]any{"ListenerArn": fmt.Sprintf("%s/l%02d", lb, i), "LoadBalancerArn": lb, "Protocol": "HTTPS",
			"Port": 8000 + i, "Certificates": []any{cert}})
	}
	add(localaws.APIGatewayDomain, map[string]any{"domainName": "api.ml.example.com", "certificateArn": "arn:aws:iam::111122223333:server-certificate/old",
		"tags": map[string]any{"ml-data": "true"}})
	add(localaws.CloudFrontDist, map[string]any{"Id": "E1", "ARN": "arn:aws:cloudfront::111122223333:distribution/E1", "DomainName": "d1.cloudfront.net",
		"ViewerCertificate": map[string]any{"ACMCertificateArn": cert}, "Tags": map[string]any{"ml-data": "true"}})
	add(localaws.ACMCertificate, map[string]any{"CertificateArn": cert, "Type": "AMAZON_ISSUED", "Status": "ISSUED",
		"NotAfter": json.Number(fmt.Sprint(notified.Add(300 * 24 * time.Hour).Unix()))})
	srv.Throttle("DescribeListeners", 1)
	emu := startEmulator(t, bin.bootstrap, emulatorEnv(srv.URL, "us-east-1"))

	ev := withParams(t, fixture(t, "e2e:scheduled-fleet.json"), map[string]string{"ruleId": "ml-endpoint-certificate"})
	emu.invoke(t, ev).mustSucceed(t, emu)
	results := srv.EvaluationResults(periodicRule)
	compliant, failed := 0, 0
	for _, r := range results {
		switch {
		case r.ComplianceType == "COMPLIANT":
			compliant++
		case r.ComplianceType == "NON_COMPLIANT" && strings.Contains(*r.Annotation, "IAM server certificate old"):
			failed++
		default:
			t.Errorf("unexpected result %+v %s", r, *r.Annotation)
		}
	}
	if compliant != 31 || failed != 1 {
		t.Errorf("%d compliant (want 30 listeners and the distribution), %d failed (want the API domain): %v", compliant, failed, operations(srv))
	}
	if n := len(srv.CallsTo("DescribeCertificate")); n != 1 {
		t.Errorf("%d DescribeCertificate calls, want 1 (one certificate, described once)", n)
	}
	for _, c := range srv.Calls() {
		if s := c.Signer; s.AccessKeyID != baseKey || !s.Verified {
			t.Errorf("%s signed by %+v", c.Operation, s)
		}
		if c.Service == localaws.ServiceCloudFront && c.Signer.Region != "us-east-1" {
			t.Errorf("%s signed for %s", c.Operation, c.Signer.Region)
		}
	}

	srv.Reset()
	add(localaws.EC2Vpc, map[string]any{"vpcId": "vpc-0a1b2c3d"})
	add(localaws.EC2VpcEndpoint, map[string]any{"vpcEndpointId": "vpce-1", "vpcId": "vpc-0a1b2c3d", "serviceName": "com.amazonaws.us-east-1.bedrock-runtime",
		"vpcEndpointType": "Interface", "state": "available", "privateDnsEnabled": true})
	ev = withParams(t, fixture(t, "e2e:scheduled-fleet.json"), map[string]string{"ruleId": "ml-vpc-endpoints-present", "vpcIds": "vpc-0a1b2c3d"})
	emu.invoke(t, ev).mustSucceed(t, emu)
	var vpc *localaws.EvaluationResult
	for _, r := range srv.EvaluationResults(periodicRule) {
		if r.ComplianceResourceType == "AWS::EC2::VPC" {
			vpc = &r
		}
	}
	if vpc == nil || vpc.ComplianceType != "NON_COMPLIANT" || !strings.Contains(*vpc.Annotation, "sagemaker.api, sagemaker.runtime") {
		t.Errorf("VPC result %+v, want NON_COMPLIANT naming the missing SageMaker endpoints", vpc)
	}
}
