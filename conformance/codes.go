package conformance

// Codes returns every finding code Lint can report, with what it checks.
// Codes are stable: scripts and suppressions may rely on them.
func Codes() map[string]string {
	return map[string]string{
		"pack-condition-undefined":        "a resource, Fn::If or condition names a condition that is not defined",
		"pack-condition-unused":           "a condition nothing uses",
		"pack-custom-policy":              "CUSTOM_POLICY (Guard) rules: PolicyRuntime guard-2.x.x, PolicyText of 1 to 10,000 characters, change triggers only; CustomPolicyDetails only on them",
		"pack-evaluation-mode":            "EvaluationModes Mode is DETECTIVE or PROACTIVE",
		"pack-execution-frequency":        "MaximumExecutionFrequency is One_Hour, Three_Hours, Six_Hours, Twelve_Hours or TwentyFour_Hours, where it applies",
		"pack-input-parameters-size":      "InputParameters as JSON is at most 1,024 characters (a warning when estimated through intrinsics)",
		"pack-intrinsic-invalid":          "an intrinsic function with arguments of the wrong shape",
		"pack-intrinsic-unknown":          "a Fn:: key that is not an intrinsic function",
		"pack-lambda-triggers":            "CUSTOM_LAMBDA rules have triggers, and both change notifications when change-triggered",
		"pack-parameter-count":            "at most 60 template parameters",
		"pack-parameter-unused":           "a parameter nothing uses",
		"pack-ref-undefined":              "Ref, Fn::GetAtt, Fn::Sub or DependsOn names something the template does not define",
		"pack-remediation-duplicate":      "at most one remediation per rule",
		"pack-remediation-role-intrinsic": "the remediation's AutomationAssumeRole is a literal ARN",
		"pack-remediation-rule":           "the remediation targets a rule of the pack",
		"pack-remediation-rule-intrinsic": "the remediation's ConfigRuleName is a literal",
		"pack-resource-type":              "only AWS::Config::ConfigRule and AWS::Config::RemediationConfiguration resources",
		"pack-rule-count":                 "at most 130 Config rules",
		"pack-rule-description-length":    "Description is at most 256 characters",
		"pack-rule-name-duplicate":        "rule names are unique",
		"pack-rule-name-intrinsic":        "ConfigRuleName is a literal",
		"pack-rule-name-length":           "ConfigRuleName has 1 to 128 characters",
		"pack-rule-name-missing":          "ConfigRuleName is set",
		"pack-schema":                     "the resource matches the CloudFormation resource schema",
		"pack-scope-field-length":         "Scope TagKey (1-128), TagValue (1-256) and ComplianceResourceId (1-768)",
		"pack-scope-resource-id":          "Scope.ComplianceResourceId goes with exactly one resource type",
		"pack-scope-types-count":          "Scope.ComplianceResourceTypes has at most 100 types",
		"pack-source-detail":              "SourceDetails EventSource is aws.config and MessageType a Config message type",
		"pack-source-detail-frequency":    "MaximumExecutionFrequency in a source detail only with ScheduledNotification",
		"pack-source-details-count":       "at most 25 source details",
		"pack-source-identifier":          "SourceIdentifier has 1 to 256 characters, is present for AWS and CUSTOM_LAMBDA rules, and is a Lambda ARN for CUSTOM_LAMBDA",
		"pack-source-owner":               "Source is present and Owner is AWS, CUSTOM_LAMBDA or CUSTOM_POLICY",
		"pack-structure":                  "the template has a Resources mapping of alphanumeric logical IDs to resources with a Type",
		"pack-template-size":              "the template is at most 51,200 bytes (TemplateBody), and at most 300 KB in any case",
	}
}
