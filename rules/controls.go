package rules

// The controls of the security baseline (the seed document), as rules cite
// them in Rule.Control: section, then control.
const (
	ControlVPCOnly            = "SageMaker Security Hardening / VPC-Only Mode"
	ControlExecutionRoles     = "SageMaker Security Hardening / Execution Role Scoping"
	ControlNetworkIsolation   = "SageMaker Security Hardening / Network Isolation"
	ControlNotebookSecurity   = "SageMaker Security Hardening / Notebook Security"
	ControlIAMSageMaker       = "IAM for AWS AI Services / SageMaker"
	ControlIAMBedrock         = "IAM for AWS AI Services / Bedrock"
	ControlIAMComprehend      = "IAM for AWS AI Services / Comprehend"
	ControlIAMRekognition     = "IAM for AWS AI Services / Rekognition"
	ControlS3Encryption       = "Encryption for AWS AI / S3 bucket encryption"
	ControlEBSEncryption      = "Encryption for AWS AI / EBS volume encryption"
	ControlInterContainer     = "Encryption for AWS AI / Inter-container encryption"
	ControlEndpointEncryption = "Encryption for AWS AI / Endpoint encryption"
	ControlBedrockEncryption  = "Encryption for AWS AI / Bedrock data encryption"
	ControlAPICallLogging     = "CloudTrail for ML Operations / API Call Logging"
	ControlDataAccessLogging  = "CloudTrail for ML Operations / Data Access Logging"
	ControlCostAnomaly        = "Cost Anomaly Detection"
	ControlGuardDuty          = "GuardDuty Integration"
	// ControlEndpointAvailability goes beyond the baseline: an endpoint on one
	// instance is a single point of failure for the models behind it.
	ControlEndpointAvailability = "Beyond the baseline / Endpoint availability"
	// ControlBedrockGuardrails goes beyond the baseline's IAM table: the
	// guardrail is what restricts what a permitted model may be asked and say.
	ControlBedrockGuardrails = "Beyond the baseline / Bedrock guardrails"
)

// baselineControls lists every control above, for the catalog's tests.
func baselineControls() []string {
	return []string{
		ControlVPCOnly, ControlExecutionRoles, ControlNetworkIsolation, ControlNotebookSecurity,
		ControlIAMSageMaker, ControlIAMBedrock, ControlIAMComprehend, ControlIAMRekognition,
		ControlS3Encryption, ControlEBSEncryption, ControlInterContainer, ControlEndpointEncryption,
		ControlBedrockEncryption, ControlAPICallLogging, ControlDataAccessLogging, ControlCostAnomaly,
		ControlGuardDuty, ControlEndpointAvailability, ControlBedrockGuardrails,
	}
}
