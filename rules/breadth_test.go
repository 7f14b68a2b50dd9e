package rules

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/configitem"
)

// breadthCase is one item judged by one of the rules of the catalog's
// second wave (sagemaker_breadth.go, iam_ml.go, bedrock_agentcore.go,
// ml_network.go).
type breadthCase struct {
	name   string
	rule   string
	typ    string
	config string // the configuration object
	tags   map[string]string
	// template makes the item look like a CloudFormation resource (no ARN).
	template bool
	params   map[string]string
	want     Compliance
	contains string
}

// breadthItem builds the item in the event shape and, with configuration
// as a JSON string, in the API shape.
func breadthItem(t *testing.T, c breadthCase, apiShape bool) *configitem.Item {
	t.Helper()
	ci := map[string]any{
		"configurationItemCaptureTime": "2026-11-20T10:15:30.123Z",
		"configurationItemStatus":      "OK",
		"resourceType":                 c.typ,
		"resourceId":                   "res-1",
		"resourceName":                 "res-1",
		"awsRegion":                    "us-east-1",
		"tags":                         c.tags,
	}
	account, arnKey := "awsAccountId", "ARN"
	if apiShape {
		account, arnKey = "accountId", "arn"
		ci["configuration"] = c.config
	} else {
		ci["configuration"] = json.RawMessage(c.config)
	}
	ci[account] = "111122223333"
	if !c.template {
		ci[arnKey] = "arn:aws:service:us-east-1:111122223333:thing/res-1"
	}
	data, err := json.Marshal(ci)
	if err != nil {
		t.Fatal(err)
	}
	return ruleTestItem(t, string(data))
}

func runBreadthCases(t *testing.T, cases []breadthCase) {
	t.Helper()
	reg := Catalog()
	for _, c := range cases {
		t.Run(c.rule+"/"+c.name, func(t *testing.T) {
			r, ok := reg.Get(c.rule)
			if !ok {
				t.Fatalf("no rule %s", c.rule)
			}
			p, err := r.ParseParams(c.params)
			if err != nil {
				t.Fatal(err)
			}
			ev := r.Evaluate(breadthItem(t, c, false), p)
			if ev.Compliance != c.want || !strings.Contains(ev.Annotation, c.contains) {
				t.Errorf("%s %q, want %s containing %q", ev.Compliance, ev.Annotation, c.want, c.contains)
			}
			if api := r.Evaluate(breadthItem(t, c, true), p); api != ev {
				t.Errorf("API shape judged differently:\n event %+v\n   api %+v", ev, api)
			}
		})
	}
}

func TestSageMakerBreadthRules(t *testing.T) {
	const nb, model, domain = typeNotebookInstance, typeModel, typeDomain
	ecr := "111122223333.dkr.ecr.us-east-1.amazonaws.com/fraud:1"
	key := "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	runBreadthCases(t, []breadthCase{
		{"v2", "sagemaker-notebook-imdsv2", nb, `{"InstanceMetadataServiceConfiguration":{"MinimumInstanceMetadataServiceVersion":"2"}}`, nil, false, nil, Compliant, ""},
		{"v1", "sagemaker-notebook-imdsv2", nb, `{"InstanceMetadataServiceConfiguration":{"MinimumInstanceMetadataServiceVersion":"1"}}`, nil, false, nil, NonCompliant, "is 1"},
		{"number 2", "sagemaker-notebook-imdsv2", nb, `{"InstanceMetadataServiceConfiguration":{"MinimumInstanceMetadataServiceVersion":2}}`, nil, false, nil, Compliant, ""},
		{"absent in a CI", "sagemaker-notebook-imdsv2", nb, `{"RootAccess":"Disabled"}`, nil, false, nil, NotApplicable, "may not record"},
		{"absent in a template", "sagemaker-notebook-imdsv2", nb, `{"RootAccess":"Disabled"}`, nil, true, nil, NonCompliant, "allows IMDSv1"},
		{"odd", "sagemaker-notebook-imdsv2", nb, `{"InstanceMetadataServiceConfiguration":{"MinimumInstanceMetadataServiceVersion":["2"]}}`, nil, false, nil, NonCompliant, "not 2"},

		{"al2023", "sagemaker-notebook-platform-supported", nb, `{"PlatformIdentifier":"notebook-al2023-v1"}`, nil, false, nil, Compliant, ""},
		{"al2", "sagemaker-notebook-platform-supported", nb, `{"PlatformIdentifier":"notebook-al2-v2"}`, nil, false, nil, NonCompliant, "notebook-al2-v2"},
		{"al2 allowed", "sagemaker-notebook-platform-supported", nb, `{"PlatformIdentifier":"notebook-al2-v3"}`, nil, false,
			map[string]string{"supportedPlatformIdentifiers": "notebook-al2-v3,notebook-al2023-v1"}, Compliant, ""},
		{"absent", "sagemaker-notebook-platform-supported", nb, `{"RootAccess":"Disabled"}`, nil, true, nil, NotApplicable, "PlatformIdentifier"},

		{"ecr", "sagemaker-model-private-registry", model, `{"PrimaryContainer":{"Image":"` + ecr + `"}}`, nil, false, nil, Compliant, ""},
		{"vpc registry", "sagemaker-model-private-registry", model, `{"PrimaryContainer":{"Image":"registry.corp:5000/m:1","ImageConfig":{"RepositoryAccessMode":"Vpc"}}}`, nil, false, nil, Compliant, ""},
		{"docker hub", "sagemaker-model-private-registry", model, `{"PrimaryContainer":{"Image":"docker.io/library/python:3"}}`, nil, false, nil, NonCompliant, "docker.io"},
		{"public ecr", "sagemaker-model-private-registry", model, `{"Containers":[{"Image":"` + ecr + `"},{"Image":"public.ecr.aws/x/y:1"}]}`, nil, false, nil, NonCompliant, "Containers[1]"},
		{"other account", "sagemaker-model-private-registry", model, `{"PrimaryContainer":{"Image":"` + ecr + `"}}`, nil, false,
			map[string]string{"allowedImageAccounts": "444455556666"}, NonCompliant, "account 111122223333"},
		{"requires vpc mode", "sagemaker-model-private-registry", model, `{"PrimaryContainer":{"Image":"` + ecr + `"}}`, nil, false,
			map[string]string{"requireVpcRegistry": "true"}, NonCompliant, "RepositoryAccessMode"},
		{"model package", "sagemaker-model-private-registry", model, `{"PrimaryContainer":{"ModelPackageName":"arn:aws:sagemaker:us-east-1:111122223333:model-package/p/1"}}`, nil, false, nil, NotApplicable, "model packages"},

		{"both keys", "sagemaker-inference-experiment-cmk", typeInferenceExperiment, `{"KmsKey":"` + key + `","DataStorageConfig":{"Destination":"s3://b/p","KmsKey":"` + key + `"}}`, nil, false, nil, Compliant, ""},
		{"no capture", "sagemaker-inference-experiment-cmk", typeInferenceExperiment, `{"KmsKey":"` + key + `"}`, nil, false, nil, Compliant, ""},
		{"no instance key", "sagemaker-inference-experiment-cmk", typeInferenceExperiment, `{"DataStorageConfig":{"Destination":"s3://b/p","KmsKey":"` + key + `"}}`, nil, false, nil, NonCompliant, "KmsKey is not set"},
		{"aws managed capture key", "sagemaker-inference-experiment-cmk", typeInferenceExperiment, `{"KmsKey":"` + key + `","DataStorageConfig":{"KmsKey":"alias/aws/s3"}}`, nil, false, nil, NonCompliant, "AWS managed"},

		{"team tag", "sagemaker-resource-tagged", domain, `{"DomainName":"d"}`, map[string]string{"aiguard-team": "fraud"}, false, nil, Compliant, ""},
		{"team tag in configuration", "sagemaker-resource-tagged", model, `{"Tags":[{"Key":"aiguard-team","Value":"fraud"}]}`, nil, true, nil, Compliant, ""},
		{"untagged", "sagemaker-resource-tagged", typeSageMakerImage, `{"ImageName":"i"}`, nil, false, nil, NonCompliant, "aiguard-team"},
		{"untagged in a template", "sagemaker-resource-tagged", typeSageMakerImage, `{"ImageName":"i"}`, nil, true, nil, NotApplicable, "stack's tags"},
		{"empty team value", "sagemaker-resource-tagged", model, `{"ModelName":"m"}`, map[string]string{"aiguard-team": " "}, false, nil, NonCompliant, "needs a value"},
		{"required keys", "sagemaker-resource-tagged", model, `{"ModelName":"m"}`, map[string]string{"aiguard-team": "fraud"}, false,
			map[string]string{"requiredTagKeys": "cost-center"}, NonCompliant, "cost-center"},

		{"sso", "sagemaker-domain-sso-auth", domain, `{"AuthMode":"SSO"}`, nil, false, map[string]string{"requiredAuthMode": "SSO"}, Compliant, ""},
		{"iam", "sagemaker-domain-sso-auth", domain, `{"AuthMode":"IAM"}`, nil, false, map[string]string{"requiredAuthMode": "SSO"}, NonCompliant, "want SSO"},
		{"not asked", "sagemaker-domain-sso-auth", domain, `{"AuthMode":"IAM"}`, nil, false, nil, NotApplicable, "requiredAuthMode"},
	})
}

func TestIAMMLRules(t *testing.T) {
	trust := func(stmt string) string {
		doc := `{"Version":"2012-10-17","Statement":[` + stmt + `]}`
		b, _ := json.Marshal(map[string]any{"roleName": "ml-exec", "path": "/", "assumeRolePolicyDocument": url.QueryEscape(doc)})
		return string(b)
	}
	sm := `{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole"`
	cond := `,"Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}`
	runBreadthCases(t, []breadthCase{
		{"scoped", "ml-execution-role-trust-restricted", TypeIAMRole, trust(sm + cond), nil, false, nil, Compliant, ""},
		{"source arn", "ml-execution-role-trust-restricted", TypeIAMRole, trust(sm + `,"Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:sagemaker:us-east-1:111122223333:*"}}}`), nil, false, nil, Compliant, ""},
		{"no condition", "ml-execution-role-trust-restricted", TypeIAMRole, trust(sm + `}`), nil, false, nil, NonCompliant, "no aws:SourceAccount"},
		{"no condition allowed", "ml-execution-role-trust-restricted", TypeIAMRole, trust(sm + `}`), nil, false, map[string]string{"requireSourceConditions": "false"}, Compliant, ""},
		{"other account source", "ml-execution-role-trust-restricted", TypeIAMRole, trust(sm + `,"Condition":{"StringEquals":{"aws:SourceAccount":"444455556666"}}}`), nil, false, nil, NonCompliant, "another account"},
		{"also ec2", "ml-execution-role-trust-restricted", TypeIAMRole, trust(`{"Effect":"Allow","Principal":{"Service":["sagemaker.amazonaws.com","ec2.amazonaws.com"]},"Action":"sts:AssumeRole"` + cond), nil, false, nil, NonCompliant, "ec2.amazonaws.com"},
		{"outside account", "ml-execution-role-trust-restricted", TypeIAMRole, trust(sm + cond + `,{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole"}`), nil, false, nil, NonCompliant, "of another account"},
		{"wildcard", "ml-execution-role-trust-restricted", TypeIAMRole, trust(sm + cond + `,{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}`), nil, false, nil, NonCompliant, "every principal"},
		{"star action", "ml-execution-role-trust-restricted", TypeIAMRole, trust(`{"Effect":"Allow","Principal":{"Service":"bedrock.amazonaws.com"},"Action":"*"` + cond), nil, false, nil, NonCompliant, "every STS action"},
		{"not ml", "ml-execution-role-trust-restricted", TypeIAMRole, trust(`{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}`), nil, false, nil, NotApplicable, "No ML service"},
		{"object document", "ml-execution-role-trust-restricted", TypeIAMRole, `{"roleName":"r","assumeRolePolicyDocument":{"Statement":[` + sm + cond + `]}}`, nil, false, nil, Compliant, ""},

		{"none", "ml-full-access-policy-unattached", TypeIAMRole, `{"roleName":"r","attachedManagedPolicies":[{"policyName":"ReadOnlyAccess","policyArn":"arn:aws:iam::aws:policy/ReadOnlyAccess"}]}`, nil, false, nil, Compliant, ""},
		{"sagemaker full", "ml-full-access-policy-unattached", typeIAMUser, `{"userName":"alice","attachedManagedPolicies":[{"policyName":"AmazonSageMakerFullAccess","policyArn":"arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"}]}`, nil, false, nil, NonCompliant, "User alice holds AmazonSageMakerFullAccess"},
		{"customer policy same name", "ml-full-access-policy-unattached", typeIAMGroup, `{"groupName":"g","attachedManagedPolicies":[{"policyName":"AmazonBedrockFullAccess","policyArn":"arn:aws:iam::111122223333:policy/AmazonBedrockFullAccess"}]}`, nil, false, nil, Compliant, ""},
		{"allowed", "ml-full-access-policy-unattached", TypeIAMRole, `{"roleName":"platform-admin","attachedManagedPolicies":[{"policyName":"AmazonBedrockFullAccess","policyArn":"arn:aws-cn:iam::aws:policy/AmazonBedrockFullAccess"}]}`, nil, false,
			map[string]string{"allowedPrincipals": "platform-admin"}, NotApplicable, "allowedPrincipals"},
		{"service-linked", "ml-full-access-policy-unattached", TypeIAMRole, `{"roleName":"AWSServiceRoleForX","path":"/aws-service-role/x.amazonaws.com/","attachedManagedPolicies":[{"policyArn":"arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"}]}`, nil, false, nil, NotApplicable, "service-linked"},
	})
}

func TestBedrockAgentCoreRules(t *testing.T) {
	key := "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	runBreadthCases(t, []breadthCase{
		{"cmk", "bedrock-agent-cmk", typeBedrockAgent, `{"CustomerEncryptionKeyArn":"` + key + `"}`, nil, true, nil, Compliant, ""},
		{"no cmk", "bedrock-agent-cmk", typeBedrockAgent, `{"AgentName":"a"}`, nil, true, nil, NonCompliant, "CustomerEncryptionKeyArn is not set"},
		{"guardrail", "bedrock-agent-guardrail-configured", typeBedrockAgent, `{"GuardrailConfiguration":{"GuardrailIdentifier":"gr1abc","GuardrailVersion":"1"}}`, nil, true, nil, Compliant, ""},
		{"team guardrail by arn", "bedrock-agent-guardrail-configured", typeBedrockAgent, `{"GuardrailConfiguration":{"GuardrailIdentifier":"arn:aws:bedrock:us-east-1:111122223333:guardrail/gr1abc"}}`, nil, true,
			map[string]string{"guardrailId": "gr1abc"}, Compliant, ""},
		{"other guardrail", "bedrock-agent-guardrail-configured", typeBedrockAgent, `{"GuardrailConfiguration":{"GuardrailIdentifier":"gr2"}}`, nil, true,
			map[string]string{"guardrailId": "gr1abc"}, NonCompliant, "not gr1abc"},
		{"none", "bedrock-agent-guardrail-configured", typeBedrockAgent, `{"AgentName":"a"}`, nil, true, nil, NonCompliant, "no GuardrailConfiguration"},

		{"vpc", "bedrock-agentcore-runtime-private-network", typeAgentCoreRuntime, `{"NetworkConfiguration":{"NetworkMode":"VPC"}}`, nil, false, nil, Compliant, ""},
		{"public", "bedrock-agentcore-runtime-private-network", typeAgentCoreRuntime, `{"NetworkConfiguration":{"NetworkMode":"PUBLIC"}}`, nil, false, nil, NonCompliant, "PUBLIC"},
		{"unrecorded", "bedrock-agentcore-runtime-private-network", typeAgentCoreRuntime, `{"AgentRuntimeName":"r"}`, nil, false, nil, NotApplicable, "NetworkMode"},
		{"jwt", "bedrock-agentcore-gateway-authorizer", typeAgentCoreGateway, `{"AuthorizerType":"CUSTOM_JWT"}`, nil, false, nil, Compliant, ""},
		{"none", "bedrock-agentcore-gateway-authorizer", typeAgentCoreGateway, `{"AuthorizerType":"NONE"}`, nil, false, nil, NonCompliant, "NONE"},
		{"gateway cmk", "bedrock-agentcore-gateway-cmk", typeAgentCoreGateway, `{"KmsKeyArn":"` + key + `"}`, nil, false, nil, Compliant, ""},
		{"gateway no cmk", "bedrock-agentcore-gateway-cmk", typeAgentCoreGateway, `{"Name":"g"}`, nil, false, nil, NonCompliant, "KmsKeyArn"},
		{"sandbox", "bedrock-agentcore-code-interpreter-sandboxed", typeAgentCoreCodeInterp, `{"NetworkConfiguration":{"NetworkMode":"SANDBOX"}}`, nil, false, nil, Compliant, ""},
		{"sandbox not allowed", "bedrock-agentcore-code-interpreter-sandboxed", typeAgentCoreCodeInterp, `{"NetworkConfiguration":{"NetworkMode":"SANDBOX"}}`, nil, false,
			map[string]string{"allowedNetworkModes": "VPC"}, NonCompliant, "SANDBOX"},
		{"public interpreter", "bedrock-agentcore-code-interpreter-sandboxed", typeAgentCoreCodeInterp, `{"NetworkConfiguration":{"NetworkMode":"PUBLIC"}}`, nil, false, nil, NonCompliant, "PUBLIC"},
		{"browser vpc", "bedrock-agentcore-browser-private-network", typeAgentCoreBrowser, `{"NetworkConfiguration":{"NetworkMode":"VPC"}}`, nil, false, nil, Compliant, ""},
		{"browser public", "bedrock-agentcore-browser-private-network", typeAgentCoreBrowser, `{"NetworkConfiguration":{"NetworkMode":"PUBLIC"}}`, nil, false, nil, NonCompliant, "PUBLIC"},
		{"recording", "bedrock-agentcore-browser-recording", typeAgentCoreBrowser, `{"RecordingConfig":{"Enabled":true,"S3Location":{"Bucket":"rec"}}}`, nil, false, nil, Compliant, ""},
		{"no recording", "bedrock-agentcore-browser-recording", typeAgentCoreBrowser, `{"Name":"b"}`, nil, false, nil, NonCompliant, "recording is off"},
		{"memory cmk", "bedrock-agentcore-memory-cmk", typeAgentCoreMemory, `{"EncryptionKeyArn":"` + key + `"}`, nil, false, nil, Compliant, ""},
		{"memory no cmk", "bedrock-agentcore-memory-cmk", typeAgentCoreMemory, `{"Name":"m"}`, nil, false, nil, NonCompliant, "EncryptionKeyArn"},
		{"short expiry", "bedrock-agentcore-memory-event-expiry", typeAgentCoreMemory, `{"EventExpiryDuration":7}`, nil, false, nil, Compliant, ""},
		{"long expiry", "bedrock-agentcore-memory-event-expiry", typeAgentCoreMemory, `{"EventExpiryDuration":365}`, nil, false, nil, NonCompliant, "365 days"},
	})
}

func TestMLNetworkRules(t *testing.T) {
	ml := map[string]string{"ml-data": "true"}
	open := `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`
	org := `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sagemaker:InvokeEndpoint","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abcdefghij"}}}]}`
	vpce := func(service string, dns bool, policy string) string {
		b, _ := json.Marshal(map[string]any{"serviceName": "com.amazonaws.us-east-1." + service, "vpcEndpointType": "Interface",
			"privateDnsEnabled": dns, "policyDocument": policy})
		return string(b)
	}
	runBreadthCases(t, []breadthCase{
		{"tls13", "ml-endpoint-tls-policy", typeELBListener, `{"Protocol":"HTTPS","SslPolicy":"ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"}`, ml, false, nil, Compliant, ""},
		{"2016-08", "ml-endpoint-tls-policy", typeELBListener, `{"Protocol":"HTTPS","SslPolicy":"ELBSecurityPolicy-2016-08"}`, ml, false, nil, NonCompliant, "below 1.2"},
		{"tls13-1-0", "ml-endpoint-tls-policy", typeELBListener, `{"Protocol":"TLS","SslPolicy":"ELBSecurityPolicy-TLS13-1-0-2021-06"}`, ml, false, nil, NonCompliant, "below 1.2"},
		{"no policy", "ml-endpoint-tls-policy", typeELBListener, `{"Protocol":"HTTPS"}`, ml, true, nil, NonCompliant, "ELBSecurityPolicy-2016-08"},
		{"http redirect", "ml-endpoint-tls-policy", typeELBListener, `{"Protocol":"HTTP","DefaultActions":[{"Type":"redirect","RedirectConfig":{"Protocol":"HTTPS"}}]}`, ml, false, nil, NotApplicable, "redirects"},
		{"http", "ml-endpoint-tls-policy", typeELBListener, `{"Protocol":"HTTP","DefaultActions":[{"Type":"forward"}]}`, ml, false, nil, NonCompliant, "without redirecting"},
		{"untagged", "ml-endpoint-tls-policy", typeELBListener, `{"Protocol":"HTTPS","SslPolicy":"ELBSecurityPolicy-2016-08"}`, nil, false, nil, NotApplicable, "ml-data"},
		{"untagged all", "ml-endpoint-tls-policy", typeELBListener, `{"Protocol":"HTTPS","SslPolicy":"ELBSecurityPolicy-2016-08"}`, nil, false, map[string]string{"requireMlTag": "false"}, NonCompliant, ""},
		{"domain tls12", "ml-endpoint-tls-policy", typeAPIGatewayDomain, `{"SecurityPolicy":"TLS_1_2","Tags":[{"Key":"ml-data","Value":"yes"}]}`, nil, true, nil, Compliant, ""},
		{"domain tls13", "ml-endpoint-tls-policy", typeAPIGatewayDomain, `{"SecurityPolicy":"SecurityPolicy_TLS13_1_3_2025_09"}`, ml, true, nil, Compliant, ""},
		{"domain tls10", "ml-endpoint-tls-policy", typeAPIGatewayDomain, `{"SecurityPolicy":"TLS_1_0"}`, ml, true, nil, NonCompliant, "TLS_1_0"},
		{"domain unset", "ml-endpoint-tls-policy", typeAPIGatewayDomain, `{"DomainName":"api.example.com"}`, ml, true, nil, NonCompliant, "no SecurityPolicy"},
		{"v2 domain", "ml-endpoint-tls-policy", typeAPIGatewayV2Dom, `{"DomainNameConfigurations":[{"SecurityPolicy":"TLS_1_0"}],"Tags":{"ml-data":"1"}}`, nil, true, nil, NonCompliant, "TLS_1_0"},
		{"rest api unset", "ml-endpoint-tls-policy", typeAPIGatewayRestAPI, `{"name":"api"}`, ml, false, nil, NotApplicable, "SecurityPolicy"},
		{"cloudfront", "ml-endpoint-tls-policy", typeCloudFront, `{"distributionConfig":{"viewerCertificate":{"acmCertificateArn":"arn:aws:acm:us-east-1:111122223333:certificate/x","minimumProtocolVersion":"TLSv1.2_2021"}}}`, ml, false, nil, Compliant, ""},
		{"cloudfront default cert", "ml-endpoint-tls-policy", typeCloudFront, `{"distributionConfig":{"viewerCertificate":{"cloudFrontDefaultCertificate":true,"minimumProtocolVersion":"TLSv1"}}}`, ml, false, nil, NonCompliant, "default CloudFront certificate"},
		{"cloudfront template", "ml-endpoint-tls-policy", typeCloudFront, `{"DistributionConfig":{"ViewerCertificate":{"AcmCertificateArn":"x","MinimumProtocolVersion":"TLSv1.1_2016"}}}`, ml, true, nil, NonCompliant, "TLSv1.1_2016"},

		{"restricted", "ml-vpc-endpoint-policy-restricted", typeVPCEndpoint, vpce("sagemaker.runtime", true, org), nil, false, nil, Compliant, ""},
		{"open", "ml-vpc-endpoint-policy-restricted", typeVPCEndpoint, vpce("bedrock-runtime", true, open), nil, false, nil, NonCompliant, "every principal"},
		{"no dns", "ml-vpc-endpoint-policy-restricted", typeVPCEndpoint, vpce("sagemaker.api", false, org), nil, false, nil, NonCompliant, "private DNS is off"},
		{"no policy", "ml-vpc-endpoint-policy-restricted", typeVPCEndpoint, `{"serviceName":"com.amazonaws.us-east-1.bedrock-agent-runtime","vpcEndpointType":"Interface","privateDnsEnabled":true}`, nil, false, nil, NonCompliant, "full-access default"},
		{"other service", "ml-vpc-endpoint-policy-restricted", typeVPCEndpoint, vpce("s3", false, open), nil, false, nil, NotApplicable, "Not an endpoint"},
		{"extra service", "ml-vpc-endpoint-policy-restricted", typeVPCEndpoint, vpce("bedrock-agent", true, open), nil, false,
			map[string]string{"extraServiceNames": "bedrock-agent"}, NonCompliant, "bedrock-agent"},
	})
}
