package rules

import (
	"encoding/base64"
	"testing"
)

// TestTemplateCounterpartRules covers what the fixtures do not: the shapes
// a script takes in templates and plans, scripts not known before
// deployment, and a collection's tag given in the template or left to the
// stack.
func TestTemplateCounterpartRules(t *testing.T) {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	const leak = "export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n"
	key := "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	approved := map[string]string{"approvedUseCases": "access-control"}
	runBreadthCases(t, []breadthCase{
		{"plan string", "sagemaker-lifecycle-script-no-secrets", typeNotebookLifecycleConfig, `{"OnStart":"` + b64(leak) + `"}`, nil, true, nil, NonCompliant, "OnStart holds an AWS access key ID"},
		{"one hook object", "sagemaker-lifecycle-script-no-secrets", typeNotebookLifecycleConfig, `{"OnCreate":{"Content":"` + b64(leak) + `"}}`, nil, true, nil, NonCompliant, "OnCreate holds"},
		{"plain text", "sagemaker-lifecycle-script-no-secrets", typeNotebookLifecycleConfig, `{"OnStart":[{"Content":"#!/bin/bash\n` + `export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE"}]}`, nil, true, nil, NonCompliant, "an AWS access key ID"},
		{"unknown script", "sagemaker-lifecycle-script-no-secrets", typeNotebookLifecycleConfig, `{"OnStart":[{"Content":{"Fn::Base64":{"Ref":"Script"}}}]}`, nil, true, nil, NotApplicable, "not known before deployment"},
		{"second hook leaks", "sagemaker-lifecycle-script-no-secrets", typeNotebookLifecycleConfig, `{"OnCreate":[{"Content":"` + b64("echo ok") + `"}],"OnStart":[{"Content":"` + b64("echo ok") + `"},{"Content":"` + b64(leak) + `"}]}`, nil, true, nil, NonCompliant, "OnStart holds"},
		{"classifier volume key only", "comprehend-model-cmk-configured", typeComprehendClassifier, `{"VolumeKmsKeyId":"` + key + `"}`, nil, true, nil, NonCompliant, "ModelKmsKeyId is not set"},
		{"flywheel without security config", "comprehend-model-cmk-configured", typeComprehendFlywheel, `{"FlywheelName":"f"}`, nil, true, nil, NonCompliant, "DataSecurityConfig.ModelKmsKeyId is not set"},
		{"approved in template", "rekognition-collection-use-case-configured", typeRekognitionCollection, `{"CollectionId":"c","Tags":[{"Key":"ai-approved-use-case","Value":"access-control"}]}`, nil, true, approved, Compliant, ""},
		{"tag left to the stack", "rekognition-collection-use-case-configured", typeRekognitionCollection, `{"CollectionId":"c"}`, nil, true, approved, NotApplicable, "stack's tags"},
		{"untagged recorded", "rekognition-collection-use-case-configured", typeRekognitionCollection, `{"CollectionId":"c"}`, nil, false, approved, NonCompliant, "no ai-approved-use-case tag"},
		{"nothing approved", "rekognition-collection-use-case-configured", typeRekognitionCollection, `{"CollectionId":"c"}`, nil, true, nil, NonCompliant, "no use case of facial recognition is approved"},
	})
}
