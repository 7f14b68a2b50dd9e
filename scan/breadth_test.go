package scan

import (
	"testing"

	"github.com/aiguard/aiguard/rules"
)

// TestTemplateAITypes scans a template with the AI types the second wave
// of rules judges from CloudFormation: Bedrock agents (which Config does not
// record), AgentCore, an IAM role (ManagedPolicyArns mapped onto Config's
// attachedManagedPolicies), a listener, an API Gateway domain and a VPC
// endpoint whose policy the template leaves to the full-access default.
func TestTemplateAITypes(t *testing.T) {
	out, _ := scanFiles(t, Options{AccountID: "111122223333", Region: "us-east-1"}, "ai-template.yaml")
	checkVerdicts(t, out, []verdictCase{
		{"bedrock-agent-guardrail-configured", "Agent", rules.Compliant, ""},
		{"bedrock-agent-cmk", "Agent", rules.NonCompliant, "CustomerEncryptionKeyArn is not set"},
		{"ml-execution-role-trust-restricted", "AgentRole", rules.Compliant, ""},
		{"ml-full-access-policy-unattached", "AgentRole", rules.NonCompliant, "AmazonBedrockFullAccess"},
		{"bedrock-agentcore-runtime-private-network", "Runtime", rules.NonCompliant, "PUBLIC"},
		{"bedrock-agentcore-gateway-authorizer", "Gateway", rules.Compliant, ""},
		{"bedrock-agentcore-gateway-cmk", "Gateway", rules.NonCompliant, "KmsKeyArn"},
		{"ml-endpoint-tls-policy", "Listener", rules.NotApplicable, "no ml-data tag"},
		{"ml-endpoint-tls-policy", "ScoringDomain", rules.Compliant, ""},
		{"ml-vpc-endpoint-policy-restricted", "RuntimeEndpoint", rules.NonCompliant, "full-access default"},
	})
}

// TestTemplateCounterparts scans the types whose settings AWS Config does
// not record, which periodic rules read live and these rules judge before
// deployment: a literal script's secret fails, one whose only unknown is a
// parameter substituted into it passes, and keys given by reference count.
func TestTemplateCounterparts(t *testing.T) {
	out, _ := scanFiles(t, Options{AccountID: "111122223333", Region: "us-east-1"}, "template-counterparts.yaml")
	checkVerdicts(t, out, []verdictCase{
		{"comprehend-model-cmk-configured", "Classifier", rules.NonCompliant, "ModelKmsKeyId is not set; VolumeKmsKeyId is not set"},
		{"comprehend-model-cmk-configured", "GoodClassifier", rules.Compliant, ""},
		{"sagemaker-lifecycle-script-no-secrets", "Lifecycle", rules.NonCompliant, "OnStart holds an AWS access key ID"},
		{"sagemaker-lifecycle-script-no-secrets", "Lifecycle2", rules.Compliant, ""},
		// No approved use case: facial recognition is not approved at all.
		{"rekognition-collection-use-case-configured", "Badges", rules.NonCompliant, "no use case of facial recognition is approved"},
	})
	out, _ = scanFiles(t, Options{AccountID: "111122223333", Region: "us-east-1",
		Params: map[string]string{"approvedUseCases": "identity-verification"}}, "template-counterparts.yaml")
	checkVerdicts(t, out, []verdictCase{
		{"rekognition-collection-use-case-configured", "Faces", rules.NonCompliant, `"customer-tracking", not an approved use case`},
		// The stack's tags may still name the use case.
		{"rekognition-collection-use-case-configured", "Badges", rules.NotApplicable, "stack's tags"},
	})
}
