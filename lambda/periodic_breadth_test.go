package lambda

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aiguard/aiguard/internal/testenv/localaws"
	"github.com/aiguard/aiguard/rules"
)

// The second wave's periodic rules through the handler, the SDK clients
// and localaws, each service in its protocol.

func addNetwork(t *testing.T, srv *localaws.Server, kind string, doc map[string]any) {
	t.Helper()
	if err := srv.AddNetwork(kind, localaws.Doc(doc)); err != nil {
		t.Fatal(err)
	}
}

func TestPeriodicFlowDefinitionsAndLifecycleSecrets(t *testing.T) {
	hs := periodicHarness(t, harnessOptions{})
	addDoc(t, hs.srv, localaws.SageMakerFlowDefinition, "sagemaker/DescribeFlowDefinition.encrypted", nil)
	addDoc(t, hs.srv, localaws.SageMakerFlowDefinition, "sagemaker/DescribeFlowDefinition.encrypted", map[string]any{
		"FlowDefinitionName": "open-review", "FlowDefinitionArn": smARN + "flow-definition/open-review", "OutputConfig.KmsKeyId": nil})
	hs.srv.Throttle("ListFlowDefinitions", 1)
	got := invokeRule(t, hs, "sagemaker-flow-definition-cmk", nil)
	checkResult(t, got, smARN+"flow-definition/fraud-review", "COMPLIANT", "Flow definition fraud-review")
	checkResult(t, got, smARN+"flow-definition/open-review", "NON_COMPLIANT", "no customer managed OutputConfig.KmsKeyId")

	secret := base64.StdEncoding.EncodeToString([]byte("export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n"))
	addDoc(t, hs.srv, localaws.SageMakerLifecycleConfig, "sagemaker/DescribeNotebookInstanceLifecycleConfig.clean", nil)
	addDoc(t, hs.srv, localaws.SageMakerLifecycleConfig, "sagemaker/DescribeNotebookInstanceLifecycleConfig.clean", map[string]any{
		"NotebookInstanceLifecycleConfigName": "leaky", "NotebookInstanceLifecycleConfigArn": smARN + "notebook-instance-lifecycle-config/leaky",
		"OnStart": []any{map[string]any{"Content": secret}}})
	got = invokeRule(t, hs, "sagemaker-notebook-lifecycle-no-secrets", nil)
	checkResult(t, got, smARN+"notebook-instance-lifecycle-config/fraud-ml-hardening", "COMPLIANT", "no credentials")
	checkResult(t, got, smARN+"notebook-instance-lifecycle-config/leaky", "NON_COMPLIANT", "OnStart holds an AWS access key ID")
	if strings.Contains(hs.logs.String(), "AKIA") {
		t.Error("the logs carry the secret")
	}
}

func TestPeriodicEndpointMonitored(t *testing.T) {
	hs := periodicHarness(t, harnessOptions{})
	addEndpointStack(t, hs.srv, "fraud-scorer")
	addEndpointStack(t, hs.srv, "churn-scorer")
	addDoc(t, hs.srv, localaws.SageMakerMonitoringSchedule, "sagemaker/DescribeMonitoringSchedule.scheduled", nil)
	got := invokeRule(t, hs, "sagemaker-endpoint-monitored", nil)
	checkResult(t, got, smARN+"endpoint/fraud-scorer", "COMPLIANT", "monitored by fraud-scorer-data-quality")
	checkResult(t, got, smARN+"endpoint/churn-scorer", "NON_COMPLIANT", "no monitoring schedule")
}

// addEndpointStack registers an InService endpoint with its configuration
// and model, all named name.
func addEndpointStack(t *testing.T, srv *localaws.Server, name string) {
	t.Helper()
	addDoc(t, srv, localaws.SageMakerModel, "sagemaker/DescribeModel.isolated", map[string]any{
		"ModelName": name, "ModelArn": smARN + "model/" + name})
	d, err := localaws.Fixture("sagemaker/DescribeEndpointConfig.encrypted")
	if err != nil {
		t.Fatal(err)
	}
	d.Set("EndpointConfigName", name).Set("EndpointConfigArn", smARN+"endpoint-config/"+name)
	if vs, ok := d["ProductionVariants"].([]any); ok {
		for _, v := range vs {
			if m, ok := v.(map[string]any); ok {
				m["ModelName"] = name
			}
		}
	}
	if err := srv.AddSageMakerDoc(localaws.SageMakerEndpointConfig, d); err != nil {
		t.Fatal(err)
	}
	addDoc(t, srv, localaws.SageMakerEndpoint, "sagemaker/DescribeEndpoint.inservice", map[string]any{
		"EndpointName": name, "EndpointArn": smARN + "endpoint/" + name, "EndpointConfigName": name})
}

func TestPeriodicComprehendModels(t *testing.T) {
	hs := periodicHarness(t, harnessOptions{})
	const arn = "arn:aws:comprehend:us-east-1:111122223333:"
	for i, keys := range []bool{true, false, true} {
		doc := map[string]any{"EntityRecognizerArn": fmt.Sprintf("%sentity-recognizer/er%d", arn, i), "Status": "TRAINED"}
		if keys {
			doc["ModelKmsKeyId"], doc["VolumeKmsKeyId"] = testKey, testKey
		}
		if err := hs.srv.AddComprehendModel(localaws.ComprehendEntityRecognizer, doc); err != nil {
			t.Fatal(err)
		}
	}
	if err := hs.srv.AddComprehendModel(localaws.ComprehendDocumentClassifier, map[string]any{
		"DocumentClassifierArn": arn + "document-classifier/dc1", "Status": "TRAINED", "ModelKmsKeyId": testKey}); err != nil {
		t.Fatal(err)
	}
	hs.srv.Throttle("ListEntityRecognizers", 1)
	got := invokeRule(t, hs, "comprehend-model-cmk", nil)
	checkResult(t, got, arn+"entity-recognizer/er0", "COMPLIANT", "Entity recognizer er0")
	checkResult(t, got, arn+"entity-recognizer/er1", "NON_COMPLIANT", "no customer managed ModelKmsKeyId")
	checkResult(t, got, arn+"document-classifier/dc1", "NON_COMPLIANT", "VolumeKmsKeyId")
}

func TestPeriodicGuardrailConfigured(t *testing.T) {
	hs := periodicHarness(t, harnessOptions{})
	filter := func(typ, strength string) map[string]any {
		return map[string]any{"type": typ, "inputStrength": strength, "outputStrength": strength, "inputEnabled": true}
	}
	strong := map[string]any{"guardrailId": "gr1strong", "guardrailArn": bedrockARN + "guardrail/gr1strong", "name": "strong",
		"version": "DRAFT", "status": "READY", "createdAt": "2026-11-01T00:00:00Z", "updatedAt": "2026-11-01T00:00:00Z",
		"blockedInputMessaging": "no", "blockedOutputsMessaging": "no",
		"contentPolicy": map[string]any{"filters": []any{
			map[string]any{"type": "PROMPT_ATTACK", "inputStrength": "HIGH", "outputStrength": "NONE"},
			filter("HATE", "HIGH"), filter("INSULTS", "HIGH"), filter("SEXUAL", "HIGH"), filter("VIOLENCE", "HIGH"), filter("MISCONDUCT", "MEDIUM")}},
		"sensitiveInformationPolicy": map[string]any{"piiEntities": []any{map[string]any{"type": "EMAIL", "action": "ANONYMIZE"}}}}
	weak := map[string]any{"guardrailId": "gr2weak", "guardrailArn": bedrockARN + "guardrail/gr2weak", "name": "weak",
		"version": "DRAFT", "status": "READY", "createdAt": "2026-11-01T00:00:00Z", "updatedAt": "2026-11-01T00:00:00Z",
		"blockedInputMessaging": "no", "blockedOutputsMessaging": "no"}
	if err := hs.srv.AddGuardrail(localaws.Doc(weak)); err != nil {
		t.Fatal(err)
	}
	got := invokeRule(t, hs, "bedrock-guardrail-configured", nil)
	checkResult(t, got, account, "NON_COMPLIANT", "none of the 1 guardrails")
	if err := hs.srv.AddGuardrail(localaws.Doc(strong)); err != nil {
		t.Fatal(err)
	}
	hs.srv.Throttle("GetGuardrail", 1)
	got = invokeRule(t, hs, "bedrock-guardrail-configured", nil)
	checkResult(t, got, account, "COMPLIANT", "guardrail strong meets")
}

func TestPeriodicBedrockAPIKeys(t *testing.T) {
	hs := periodicHarness(t, harnessOptions{})
	created := notified.Add(-48 * time.Hour)
	soon := created.Add(20 * 24 * time.Hour)
	hs.srv.AddIAMUser(localaws.IAMUser{UserName: "alice", UserID: "AIDAALICE00000000001", ARN: "arn:aws:iam::111122223333:user/alice",
		Credentials: []localaws.IAMServiceCredential{{ID: "ACCAALICE00000000001", ServiceName: "bedrock.amazonaws.com", Status: "Active", Created: created}}})
	hs.srv.AddIAMUser(localaws.IAMUser{UserName: "bob", UserID: "AIDABOB0000000000001", ARN: "arn:aws:iam::111122223333:user/bob",
		Credentials: []localaws.IAMServiceCredential{{ID: "ACCABOB0000000000001", ServiceName: "bedrock.amazonaws.com", Status: "Active", Created: created, Expires: &soon},
			{ID: "ACCABOB0000000000002", ServiceName: "codecommit.amazonaws.com", Status: "Active", Created: created}}})
	got := invokeRule(t, hs, "bedrock-api-key-restricted", map[string]string{"maxApiKeyAgeDays": "30"})
	for id, want := range map[string]string{"AIDAALICE00000000001": "NON_COMPLIANT", "AIDABOB0000000000001": "COMPLIANT"} {
		r, ok := got[id]
		if !ok || r.ComplianceType != want || r.ComplianceResourceType != rules.TypeIAMUser {
			t.Errorf("%s: %+v, want %s on AWS::IAM::User", id, r, want)
		}
	}
	if calls := hs.srv.CallsTo("ListServiceSpecificCredentials"); len(calls) == 0 || calls[0].Request.Query["AllUsers"] != "true" ||
		calls[0].Request.Query["ServiceName"] != "bedrock.amazonaws.com" {
		t.Errorf("ListServiceSpecificCredentials calls %+v", calls)
	}
}

func TestPeriodicVPCEndpointsPresent(t *testing.T) {
	hs := periodicHarness(t, harnessOptions{})
	for _, v := range []string{"vpc-0a1b2c3d", "vpc-0b1b2c3d"} {
		addNetwork(t, hs.srv, localaws.EC2Vpc, map[string]any{"vpcId": v})
	}
	for i, svc := range []string{"sagemaker.api", "sagemaker.runtime", "bedrock-runtime"} {
		addNetwork(t, hs.srv, localaws.EC2VpcEndpoint, map[string]any{"vpcEndpointId": fmt.Sprintf("vpce-0a%d", i), "vpcId": "vpc-0a1b2c3d",
			"serviceName": "com.amazonaws.us-east-1." + svc, "vpcEndpointType": "Interface", "state": "available", "privateDnsEnabled": true})
	}
	addNetwork(t, hs.srv, localaws.EC2VpcEndpoint, map[string]any{"vpcEndpointId": "vpce-0b0", "vpcId": "vpc-0b1b2c3d",
		"serviceName": "com.amazonaws.us-east-1.bedrock-runtime", "vpcEndpointType": "Interface", "state": "available", "privateDnsEnabled": false})
	hs.srv.Throttle("DescribeVpcEndpoints", 1)
	got := invokeRule(t, hs, "ml-vpc-endpoints-present", map[string]string{"vpcIds": "vpc-0a1b2c3d,vpc-0b1b2c3d,vpc-0c1b2c3d"})
	if r := got["vpc-0a1b2c3d"]; r.ComplianceType != "COMPLIANT" || r.ComplianceResourceType != rules.TypeVPC {
		t.Errorf("vpc-0a1b2c3d: %+v", r)
	}
	if r := got["vpc-0b1b2c3d"]; r.ComplianceType != "NON_COMPLIANT" || !strings.Contains(deref(r.Annotation), "sagemaker.api, sagemaker.runtime, bedrock-runtime") {
		t.Errorf("vpc-0b1b2c3d: %+v %s", r, deref(r.Annotation))
	}
	if _, ok := got["vpc-0c1b2c3d"]; ok || len(got) != 2 {
		t.Errorf("results %v, want the two VPCs of the Region", keys(got))
	}
	if c := hs.srv.CallsTo("DescribeVpcEndpoints"); len(c) < 2 || c[0].ErrorCode != "RequestLimitExceeded" || c[1].Request.Query["Filter.1.Name"] != "vpc-id" {
		t.Errorf("DescribeVpcEndpoints calls %+v", c)
	}
}

func TestPeriodicEndpointCertificates(t *testing.T) {
	hs := periodicHarness(t, harnessOptions{})
	const lbARN = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/ml-alb/50dc6c495c0c9188"
	acmOK := "arn:aws:acm:us-east-1:111122223333:certificate/11111111-1111-1111-1111-111111111111"
	acmSoon := "arn:aws:acm:us-east-1:111122223333:certificate/22222222-2222-2222-2222-222222222222"
	addNetwork(t, hs.srv, localaws.ELBLoadBalancer, map[string]any{"LoadBalancerArn": lbARN, "LoadBalancerName": "ml-alb",
		"Tags": map[string]any{"ml-data": "true"}})
	addNetwork(t, hs.srv, localaws.ELBListener, map[string]any{"ListenerArn": lbARN + "/l1", "LoadBalancerArn": lbARN, "Protocol": "HTTPS",
		"Port": 443, "SslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06", "Certificates": []any{acmOK}})
	addNetwork(t, hs.srv, localaws.ELBListener, map[string]any{"ListenerArn": lbARN + "/l2", "LoadBalancerArn": lbARN, "Protocol": "HTTPS",
		"Port": 8443, "Certificates": []any{"arn:aws:iam::111122223333:server-certificate/legacy"}})
	addNetwork(t, hs.srv, localaws.ELBListener, map[string]any{"ListenerArn": lbARN + "/l3", "LoadBalancerArn": lbARN, "Protocol": "HTTP", "Port": 80})
	addNetwork(t, hs.srv, localaws.APIGatewayDomain, map[string]any{"domainName": "api.ml.example.com",
		"domainNameArn": "arn:aws:apigateway:us-east-1::/domainnames/api.ml.example.com", "regionalCertificateArn": acmSoon,
		"securityPolicy": "TLS_1_2", "tags": map[string]any{"ml-data": "yes"}})
	addNetwork(t, hs.srv, localaws.APIGatewayV2Domain, map[string]any{"domainName": "chat.example.com",
		"domainNameConfigurations": []any{map[string]any{"certificateArn": acmOK, "securityPolicy": "TLS_1_2"}}})
	addNetwork(t, hs.srv, localaws.CloudFrontDist, map[string]any{"Id": "E2QWRUHAPOMQZL", "ARN": "arn:aws:cloudfront::111122223333:distribution/E2QWRUHAPOMQZL",
		"DomainName": "d111111abcdef8.cloudfront.net", "ViewerCertificate": map[string]any{"CloudFrontDefaultCertificate": true},
		"Tags": map[string]any{"ml-data": "true"}})
	for arn, days := range map[string]int{acmOK: 200, acmSoon: 10} {
		addNetwork(t, hs.srv, localaws.ACMCertificate, map[string]any{"CertificateArn": arn, "Type": "AMAZON_ISSUED", "Status": "ISSUED",
			"NotAfter": json.Number(fmt.Sprint(notified.Add(time.Duration(days) * 24 * time.Hour).Unix()))})
	}
	hs.srv.Throttle("DescribeListeners", 1)
	hs.srv.Throttle("ListDistributions", 1)
	hs.srv.Throttle("GetDomainNames", 1)
	hs.srv.Throttle("DescribeCertificate", 1)
	got := invokeRule(t, hs, "ml-endpoint-certificate", nil)
	checkResult(t, got, lbARN+"/l1", "COMPLIANT", "ACM certificates")
	checkResult(t, got, lbARN+"/l2", "NON_COMPLIANT", "IAM server certificate legacy")
	checkResult(t, got, "arn:aws:apigateway:us-east-1::/domainnames/api.ml.example.com", "NON_COMPLIANT", "within 30 days")
	checkResult(t, got, "arn:aws:cloudfront::111122223333:distribution/E2QWRUHAPOMQZL", "NON_COMPLIANT", "default certificate")
	if len(got) != 4 {
		t.Errorf("results %v, want the four ML fronts (the HTTP listener and the untagged domain left out)", keys(got))
	}
	for _, c := range hs.srv.Calls() {
		if c.Service == localaws.ServiceCloudFront && c.Signer.Region != "us-east-1" {
			t.Errorf("CloudFront call signed for %s", c.Signer.Region)
		}
	}
	got = invokeRule(t, hs, "ml-endpoint-certificate", map[string]string{"requireMlTag": "false"})
	checkResult(t, got, "arn:aws:apigateway:us-east-1::/domainnames/chat.example.com", "COMPLIANT", "ACM certificates")
}
