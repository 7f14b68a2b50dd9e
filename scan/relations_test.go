package scan

import (
	"os"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/rules"
)

// TestTemplateRelated judges the AI resources of a template through the
// resources they reference: every verdict names the resource that decided,
// points at its property when it has one, and a reference the template
// cannot follow is NOT_APPLICABLE with the reason, never a failure.
func TestTemplateRelated(t *testing.T) {
	data, err := os.ReadFile(fixture("related-template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	_, results := scanBytes(t, "related-template.yaml", data, Options{AccountID: "111122223333", Region: "us-east-1"})
	for _, tc := range []struct {
		rule, resource string
		want           rules.Compliance
		annotation     string
		property       string // where the verdict points, when a property decided
	}{
		{"sagemaker-endpoint-config-cmk-encrypted", "FraudEndpoint", rules.NonCompliant, "Its endpoint config FraudConfig: KmsKeyId is not set", ""},
		{"sagemaker-model-network-isolation", "FraudEndpoint", rules.NonCompliant, "Serves model FraudModel: EnableNetworkIsolation is false",
			"FraudModel.Properties.EnableNetworkIsolation"},
		{"sagemaker-model-in-vpc", "FraudEndpoint", rules.NonCompliant, "Serves model FraudModel: VpcConfig is not set", ""},
		// The model's image is a parameter without a default: the registry
		// verdict depends on it, and says so.
		{"sagemaker-model-private-registry", "FraudEndpoint", rules.NotApplicable, "FraudModel.Properties.PrimaryContainer.Image (!Ref ImageUri)",
			"FraudModel.Properties.PrimaryContainer.Image"},
		// Literal names; a key that a condition no default decides.
		{"sagemaker-endpoint-config-cmk-encrypted", "ScoringEndpoint", rules.NotApplicable, "Depends on condition WithDataKey", ""},
		{"sagemaker-model-network-isolation", "ScoringEndpoint", rules.Compliant, "Judged by the models it serves: ScoringModel", ""},
		{"sagemaker-model-in-vpc", "SharedEndpoint", rules.NotApplicable, "its endpoint config shared-config is not in the input", ""},
		{"sagemaker-endpoint-config-cmk-encrypted", "SharedEndpoint", rules.NotApplicable, "no EndpointConfig of this input has that name", ""},
		{"sagemaker-domain-vpc-only", "Alice", rules.NonCompliant, "neither the profile (UserSettings.SecurityGroups) nor the domain", ""},
		{"sagemaker-domain-vpc-only", "Bob", rules.Compliant, "Judged by its domain Studio", ""},
		{"sagemaker-domain-cmk-encrypted", "Bob", rules.NonCompliant, "Its domain Studio: KmsKeyId is not set", ""},
		{"sagemaker-domain-vpc-only", "SharedSpace", rules.NotApplicable, "!ImportValue studio-domain-id is not in the input (an import from another stack)", ""},
		{"bedrock-data-source-cmk-encrypted", "FraudDocs", rules.NonCompliant,
			"vector store collection FraudVectors: security policy FraudVectorsEncryption gives it an AWS owned key", ""},
		{"bedrock-agentcore-gateway-authorizer", "LookupTarget", rules.Compliant, "Judged by its gateway Tools", ""},
		{"bedrock-agentcore-gateway-cmk", "LookupTarget", rules.NonCompliant, "Its gateway Tools: KmsKeyArn is not set", ""},
		{"ml-endpoint-tls-policy", "ScoringHTTPS", rules.NonCompliant, "In ML scope through its load balancer ScoringALB's ml-data tag",
			"Properties.SslPolicy"},
	} {
		e, d := verdict(t, results, tc.rule, tc.resource)
		if e.Compliance != tc.want || !strings.Contains(e.Annotation, tc.annotation) {
			t.Errorf("%s on %s: %s %q, want %s with %q", tc.rule, tc.resource, e.Compliance, e.Annotation, tc.want, tc.annotation)
		}
		if tc.property != "" && d.Where.Property != tc.property {
			t.Errorf("%s on %s points at %q (line %d), want %q", tc.rule, tc.resource, d.Where.Property, d.Where.Line, tc.property)
		}
	}
}

// TestRelatedWithoutTheReference: the CloudFormation hook sees one
// resource: what it references is not there, and it is not judged.
func TestRelatedWithoutTheReference(t *testing.T) {
	data := []byte(`Resources:
  Profile:
    Type: AWS::SageMaker::UserProfile
    Properties:
      DomainId: !GetAtt Studio.DomainId
      UserProfileName: alice
`)
	_, results := scanBytes(t, "profile.yaml", data, Options{})
	e, _ := verdict(t, results, "sagemaker-domain-vpc-only", "Profile")
	if e.Compliance != rules.NotApplicable || !strings.Contains(e.Annotation, "!GetAtt Studio.DomainId is not in the input") {
		t.Errorf("%s %q", e.Compliance, e.Annotation)
	}
}
