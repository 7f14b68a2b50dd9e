package rules

import "slices"

// configRecordedTypes are the resource types of change-triggered rules that
// AWS Config records, from its list of supported resource types
// (https://docs.aws.amazon.com/config/latest/developerguide/resource-config-reference.html):
// the SageMaker, Bedrock and Bedrock AgentCore types it records and the
// supporting types the rules read. A change-triggered rule's other types
// (Bedrock agents, API Gateway custom domain names; the keys of Comprehend
// models and the scripts of lifecycle configurations, which Config does not
// record) are judged only where
// their configuration is at hand without Config: CloudFormation templates
// (aiguard scan, the CloudFormation hook) and items given to aiguard
// evaluate. A conformance pack scopes a rule to the recorded types only, as
// Config may refuse a type it does not record.
var configRecordedTypes = []string{
	"AWS::ApiGateway::RestApi",
	"AWS::Bedrock::DataSource", "AWS::Bedrock::Guardrail", "AWS::Bedrock::KnowledgeBase", "AWS::Bedrock::Prompt",
	"AWS::BedrockAgentCore::BrowserCustom", "AWS::BedrockAgentCore::CodeInterpreterCustom",
	"AWS::BedrockAgentCore::Gateway", "AWS::BedrockAgentCore::Memory", "AWS::BedrockAgentCore::Runtime",
	"AWS::CloudFront::Distribution",
	"AWS::EC2::VPCEndpoint",
	"AWS::ElasticLoadBalancingV2::Listener",
	"AWS::IAM::Group", "AWS::IAM::Role", "AWS::IAM::User",
	"AWS::KMS::Key",
	"AWS::S3::Bucket",
	"AWS::SageMaker::AppImageConfig", "AWS::SageMaker::DataQualityJobDefinition", "AWS::SageMaker::Domain",
	"AWS::SageMaker::EndpointConfig", "AWS::SageMaker::FeatureGroup", "AWS::SageMaker::Image",
	"AWS::SageMaker::InferenceExperiment", "AWS::SageMaker::Model", "AWS::SageMaker::ModelBiasJobDefinition",
	"AWS::SageMaker::ModelExplainabilityJobDefinition", "AWS::SageMaker::ModelQualityJobDefinition",
	"AWS::SageMaker::MonitoringSchedule", "AWS::SageMaker::NotebookInstance",
}

// ConfigRecords reports whether AWS Config records resources of the type,
// as far as the catalog needs to know.
func ConfigRecords(resourceType string) bool {
	return slices.Contains(configRecordedTypes, resourceType)
}

// RecordedTypes returns the rule's resource types that Config records, in
// the rule's order: what a conformance pack scopes a change-triggered rule
// to. A rule none of whose types Config records cannot run in a pack.
func (r *Rule) RecordedTypes() []string {
	var out []string
	for _, t := range r.ResourceTypes {
		if ConfigRecords(t) {
			out = append(out, t)
		}
	}
	return out
}
