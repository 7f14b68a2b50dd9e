package rules

import (
	"strings"
	"testing"
)

// hardeningCase is one configuration judged by one rule; the SageMaker
// notebook-hardening, domain, endpoint-config and model tests share it.
type hardeningCase struct {
	name   string
	config string // the configuration object; "" for none
	params map[string]string
	want   Compliance
	// contains are substrings the annotation must hold; absent are ones it must not.
	contains, absent []string
}

// runHardeningCases judges each case with rule ruleID of group, on a CI of
// resourceType in the event shape and again in the API shape, and a deleted
// one. It does not hold the Check's annotations to MaxAnnotation uncut:
// some of these rules' run longer, and Evaluate cuts them.
func runHardeningCases(t *testing.T, group []*Rule, resourceType, ruleID string, cases []hardeningCase) {
	t.Helper()
	ml := make([]mlRuleCase, len(cases))
	for i, c := range cases {
		ml[i] = mlRuleCase{name: c.name, resourceType: resourceType, config: c.config, params: c.params, want: c.want,
			contains: c.contains, absent: c.absent}
	}
	r := groupRule(t, group, ruleID)
	runRuleCases(t, r, ml, false)
	// A deleted resource is never judged.
	t.Run("deleted", func(t *testing.T) {
		ev := r.Evaluate(ruleTestItem(t, ruleTestCI("ResourceDeleted", resourceType, "")), r.DefaultParams())
		if ev.Compliance != NotApplicable {
			t.Errorf("deleted resource: %s, want NOT_APPLICABLE", ev.Compliance)
		}
	})
}

const hardeningKeyARN = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"

func TestNotebookCMKEncrypted(t *testing.T) {
	allowARN := map[string]string{"kmsKeyArns": hardeningKeyARN}
	runHardeningCases(t, sagemakerNotebookHardeningRules(), typeNotebookInstance, "sagemaker-notebook-cmk-encrypted", []hardeningCase{
		{name: "key ARN", config: `{"KmsKeyId":"` + hardeningKeyARN + `"}`, want: Compliant},
		{name: "camelCase", config: `{"kmsKeyId":"` + hardeningKeyARN + `"}`, want: Compliant},
		{name: "alias without list", config: `{"KmsKeyId":"alias/ml"}`, want: Compliant},
		{name: "key ID in list by ARN", config: `{"KmsKeyId":"1234abcd-12ab-34cd-56ef-1234567890ab"}`, params: allowARN, want: Compliant},
		{name: "alias ARN in list by name", config: `{"KmsKeyId":"arn:aws:kms:us-east-1:111122223333:alias/ml"}`,
			params: map[string]string{"kmsKeyArns": "alias/ml"}, want: Compliant},
		{name: "no key", config: `{"NotebookInstanceName":"fraud-analysis"}`, want: NonCompliant,
			contains: []string{"KmsKeyId is not set", "customer managed"}},
		{name: "no configuration", want: NotApplicable, contains: []string{"carries no configuration"}},
		{name: "null key", config: `{"KmsKeyId":null}`, want: NonCompliant, contains: []string{"KmsKeyId is not set"}},
		{name: "blank key", config: `{"KmsKeyId":"  "}`, want: NonCompliant, contains: []string{"KmsKeyId is not set"}},
		{name: "key as list", config: `{"KmsKeyId":["` + hardeningKeyARN + `"]}`, want: NonCompliant,
			contains: []string{"KmsKeyId is not a string"}},
		{name: "key as true", config: `{"KmsKeyId":true}`, want: NonCompliant, contains: []string{"KmsKeyId is not a string"}},
		{name: "other key", config: `{"KmsKeyId":"arn:aws:kms:us-east-1:111122223333:key/0987dcba-09ba-87dc-65fe-0987654321ba"}`,
			params: allowARN, want: NonCompliant, contains: []string{"is not in kmsKeyArns", "one of the keys in kmsKeyArns"},
			absent: []string{"alias"}},
		{name: "alias not resolved", config: `{"KmsKeyId":"alias/ml"}`, params: allowARN, want: NonCompliant,
			contains: []string{"KmsKeyId alias/ml is not in kmsKeyArns", "does not resolve aliases"}},
	})
}

func TestNotebookLifecycleConfig(t *testing.T) {
	allow := map[string]string{"allowedLifecycleConfigs": "fraud-ml-hardening, arn:aws:sagemaker:us-east-1:111122223333:notebook-instance-lifecycle-config/base-hardening"}
	runHardeningCases(t, sagemakerNotebookHardeningRules(), typeNotebookInstance, "sagemaker-notebook-lifecycle-config", []hardeningCase{
		{name: "set", config: `{"LifecycleConfigName":"fraud-ml-hardening"}`, want: Compliant},
		{name: "camelCase", config: `{"lifecycleConfigName":"fraud-ml-hardening"}`, want: Compliant},
		{name: "allowed by name", config: `{"LifecycleConfigName":"fraud-ml-hardening"}`, params: allow, want: Compliant},
		{name: "allowed by name, other case", config: `{"LifecycleConfigName":"Fraud-ML-Hardening"}`, params: allow, want: Compliant},
		{name: "allowed by ARN", config: `{"LifecycleConfigName":"base-hardening"}`, params: allow, want: Compliant},
		{name: "absent", config: `{"NotebookInstanceName":"fraud-analysis"}`, want: NonCompliant,
			contains: []string{"LifecycleConfigName is not set", "set LifecycleConfigName"}},
		{name: "null", config: `{"LifecycleConfigName":null}`, want: NonCompliant, contains: []string{"is not set"}},
		{name: "empty", config: `{"LifecycleConfigName":""}`, want: NonCompliant, contains: []string{"is not set"}},
		{name: "list", config: `{"LifecycleConfigName":["fraud-ml-hardening"]}`, want: NonCompliant, contains: []string{"is not a string"}},
		{name: "not allowed", config: `{"LifecycleConfigName":"install-everything"}`, params: allow, want: NonCompliant,
			contains: []string{"install-everything is not in allowedLifecycleConfigs", "allowed: fraud-ml-hardening"}},
	})
}

func TestNotebookLifecycleConfigParam(t *testing.T) {
	r := groupRule(t, sagemakerNotebookHardeningRules(), "sagemaker-notebook-lifecycle-config")
	for _, v := range []string{"a", "fraud-ml-hardening", "x--y", strings.Repeat("a", 63),
		"arn:aws:sagemaker:us-east-1:111122223333:notebook-instance-lifecycle-config/base"} {
		if _, err := r.ParseParams(map[string]string{"allowedLifecycleConfigs": v}); err != nil {
			t.Errorf("%q: %v", v, err)
		}
	}
	for _, v := range []string{"-a", "a-", "a_b", strings.Repeat("a", 64), "arn:aws:sagemaker:us-east-1:111122223333:notebook-instance/x"} {
		if _, err := r.ParseParams(map[string]string{"allowedLifecycleConfigs": v}); err == nil {
			t.Errorf("%q: no error", v)
		}
	}
}
