package rules

import (
	"fmt"
	"strings"
	"testing"
)

// guardrailConfig builds a guardrail configuration from content filters
// (JSON objects), PII entities (JSON objects) and an optional contextual
// grounding filter list.
func guardrailConfig(filters, pii []string, grounding string) string {
	var b strings.Builder
	b.WriteString(`{"Name":"support-bot","GuardrailId":"abc123def456","Status":"READY","KmsKeyArn":"` + testKeyArn + `"`)
	if filters != nil {
		b.WriteString(`,"ContentPolicyConfig":{"FiltersConfig":[` + strings.Join(filters, ",") + `]}`)
	}
	if pii != nil {
		b.WriteString(`,"SensitiveInformationPolicyConfig":{"PiiEntitiesConfig":[` + strings.Join(pii, ",") + `]}`)
	}
	if grounding != "" {
		b.WriteString(`,"ContextualGroundingPolicyConfig":{"FiltersConfig":` + grounding + `}`)
	}
	b.WriteString(`}`)
	return b.String()
}

func filterJSON(typ, in, out string) string {
	return fmt.Sprintf(`{"Type":%q,"InputStrength":%q,"OutputStrength":%q}`, typ, in, out)
}

// strongFilters is a content policy that meets the defaults.
func strongFilters(replace ...string) []string {
	fs := map[string]string{
		"PROMPT_ATTACK": filterJSON("PROMPT_ATTACK", "HIGH", "NONE"),
		"HATE":          filterJSON("HATE", "MEDIUM", "MEDIUM"),
		"INSULTS":       filterJSON("INSULTS", "MEDIUM", "HIGH"),
		"SEXUAL":        filterJSON("SEXUAL", "HIGH", "HIGH"),
		"VIOLENCE":      filterJSON("VIOLENCE", "MEDIUM", "MEDIUM"),
		"MISCONDUCT":    filterJSON("MISCONDUCT", "MEDIUM", "MEDIUM"),
	}
	// replace holds pairs: type, then its JSON ("" drops the filter).
	for i := 0; i+1 < len(replace); i += 2 {
		if replace[i+1] == "" {
			delete(fs, replace[i])
		} else {
			fs[replace[i]] = replace[i+1]
		}
	}
	var out []string
	for _, typ := range []string{"PROMPT_ATTACK", "HATE", "INSULTS", "SEXUAL", "VIOLENCE", "MISCONDUCT"} {
		if f, ok := fs[typ]; ok {
			out = append(out, f)
		}
	}
	return out
}

var (
	piiBlock     = []string{`{"Type":"EMAIL","Action":"ANONYMIZE"},{"Type":"US_SOCIAL_SECURITY_NUMBER","Action":"BLOCK"}`}
	groundingOn  = `[{"Type":"GROUNDING","Threshold":0.75},{"Type":"RELEVANCE","Threshold":0.5,"Action":"BLOCK","Enabled":true}]`
	groundingOff = `[{"Type":"GROUNDING","Threshold":0.75,"Enabled":false},{"Type":"RELEVANCE","Threshold":0.5,"Action":"NONE"}]`
)

func TestGuardrailStrength(t *testing.T) {
	g := typeBedrockGuardrail
	grounding := map[string]string{"requireGrounding": "true"}
	cases := []mlRuleCase{
		{name: "meets defaults", resourceType: g, config: guardrailConfig(strongFilters(), piiBlock, ""), want: Compliant},
		{name: "lower-case strengths", resourceType: g,
			config: guardrailConfig(strongFilters("PROMPT_ATTACK", filterJSON("prompt_attack", "high", "none")), piiBlock, ""),
			want:   Compliant},
		{name: "camelCase", resourceType: g,
			config: `{"contentPolicyConfig":{"filtersConfig":[` + strings.Join(strongFilters(), ",") + `]},` +
				`"sensitiveInformationPolicyConfig":{"piiEntitiesConfig":[{"type":"EMAIL","action":"BLOCK"}]}}`,
			want: Compliant},
		{name: "no prompt attack filter", resourceType: g,
			config: guardrailConfig(strongFilters("PROMPT_ATTACK", ""), piiBlock, ""), want: NonCompliant,
			contains: []string{"no PROMPT_ATTACK filter (want input HIGH)"}},
		{name: "prompt attack too weak", resourceType: g,
			config: guardrailConfig(strongFilters("PROMPT_ATTACK", filterJSON("PROMPT_ATTACK", "MEDIUM", "NONE")), piiBlock, ""),
			want:   NonCompliant, contains: []string{"PROMPT_ATTACK input MEDIUM, want HIGH", "Update the guardrail."}},
		{name: "prompt attack disabled", resourceType: g,
			config: guardrailConfig(strongFilters("PROMPT_ATTACK",
				`{"Type":"PROMPT_ATTACK","InputStrength":"HIGH","OutputStrength":"NONE","InputEnabled":false}`), piiBlock, ""),
			want: NonCompliant, contains: []string{"PROMPT_ATTACK input off"}},
		{name: "prompt attack detect only", resourceType: g,
			config: guardrailConfig(strongFilters("PROMPT_ATTACK",
				`{"Type":"PROMPT_ATTACK","InputStrength":"HIGH","OutputStrength":"NONE","InputAction":"NONE"}`), piiBlock, ""),
			want: NonCompliant, contains: []string{"PROMPT_ATTACK input detect"}},
		{name: "prompt attack explicitly enabled and blocking", resourceType: g,
			config: guardrailConfig(strongFilters("PROMPT_ATTACK",
				`{"Type":"PROMPT_ATTACK","InputStrength":"HIGH","OutputStrength":"NONE","InputEnabled":"true","InputAction":"BLOCK"}`), piiBlock, ""),
			want: Compliant},
		{name: "prompt attack medium allowed by parameter", resourceType: g,
			params: map[string]string{"promptAttackStrength": "medium"},
			config: guardrailConfig(strongFilters("PROMPT_ATTACK", filterJSON("PROMPT_ATTACK", "MEDIUM", "NONE")), piiBlock, ""),
			want:   Compliant},
		{name: "prompt attack not required", resourceType: g, params: map[string]string{"promptAttackStrength": "NONE"},
			config: guardrailConfig(strongFilters("PROMPT_ATTACK", ""), piiBlock, ""), want: Compliant},
		{name: "hate input too weak", resourceType: g,
			config: guardrailConfig(strongFilters("HATE", filterJSON("HATE", "LOW", "MEDIUM")), piiBlock, ""),
			want:   NonCompliant, contains: []string{"harm filters below MEDIUM (in/out): HATE LOW/MEDIUM"}},
		{name: "violence output off", resourceType: g,
			config: guardrailConfig(strongFilters("VIOLENCE",
				`{"Type":"VIOLENCE","InputStrength":"HIGH","OutputStrength":"HIGH","OutputEnabled":false}`), piiBlock, ""),
			want: NonCompliant, contains: []string{"VIOLENCE HIGH/off"}},
		{name: "missing categories grouped", resourceType: g,
			config: guardrailConfig(strongFilters("SEXUAL", "", "MISCONDUCT", ""), piiBlock, ""),
			want:   NonCompliant, contains: []string{"SEXUAL/MISCONDUCT missing"}},
		{name: "same shortfall grouped", resourceType: g,
			config: guardrailConfig(strongFilters("HATE", filterJSON("HATE", "LOW", "LOW"), "INSULTS", filterJSON("INSULTS", "LOW", "LOW")), piiBlock, ""),
			want:   NonCompliant, contains: []string{"HATE/INSULTS LOW/LOW"}},
		{name: "unknown strength", resourceType: g,
			config: guardrailConfig(strongFilters("HATE", filterJSON("HATE", "EXTREME", "MEDIUM")), piiBlock, ""),
			want:   NonCompliant, contains: []string{`HATE "EXTREME"/MEDIUM`}},
		{name: "strength unset", resourceType: g,
			config: guardrailConfig(strongFilters("HATE", `{"Type":"HATE"}`), piiBlock, ""),
			want:   NonCompliant, contains: []string{"HATE unset/unset"}},
		{name: "duplicate filter keeps the strongest", resourceType: g,
			config: guardrailConfig(append(strongFilters(), filterJSON("HATE", "LOW", "LOW")), piiBlock, ""), want: Compliant},
		{name: "content high required", resourceType: g, params: map[string]string{"contentFilterStrength": "HIGH"},
			config: guardrailConfig(strongFilters(), piiBlock, ""), want: NonCompliant,
			contains: []string{"harm filters below HIGH (in/out): HATE/VIOLENCE/MISCONDUCT MEDIUM/MEDIUM, INSULTS MEDIUM/HIGH"}},
		{name: "content not required", resourceType: g, params: map[string]string{"contentFilterStrength": "NONE"},
			config: guardrailConfig([]string{filterJSON("PROMPT_ATTACK", "HIGH", "NONE")}, piiBlock, ""), want: Compliant},
		{name: "no PII policy", resourceType: g, config: guardrailConfig(strongFilters(), nil, ""), want: NonCompliant,
			contains: []string{"no BLOCK/ANONYMIZE PII entity"}},
		{name: "PII detect only", resourceType: g,
			config: guardrailConfig(strongFilters(), []string{`{"Type":"EMAIL","Action":"NONE"}`}, ""), want: NonCompliant,
			contains: []string{"no BLOCK/ANONYMIZE PII entity"}},
		{name: "PII blocked on input only", resourceType: g,
			config: guardrailConfig(strongFilters(), []string{`{"Type":"EMAIL","Action":"NONE","InputAction":"BLOCK"}`}, ""),
			want:   Compliant},
		{name: "PII blocking but disabled both ways", resourceType: g,
			config: guardrailConfig(strongFilters(),
				[]string{`{"Type":"EMAIL","Action":"BLOCK","InputEnabled":false,"OutputEnabled":false}`}, ""),
			want: NonCompliant, contains: []string{"no BLOCK/ANONYMIZE PII entity"}},
		{name: "PII not required", resourceType: g, params: map[string]string{"requirePiiFilter": "false"},
			config: guardrailConfig(strongFilters(), nil, ""), want: Compliant},
		{name: "grounding required and present", resourceType: g, params: grounding,
			config: guardrailConfig(strongFilters(), piiBlock, groundingOn), want: Compliant},
		{name: "grounding required and absent", resourceType: g, params: grounding,
			config: guardrailConfig(strongFilters(), piiBlock, ""), want: NonCompliant,
			contains: []string{"no active grounding filter"}},
		{name: "grounding disabled or detect only", resourceType: g, params: grounding,
			config: guardrailConfig(strongFilters(), piiBlock, groundingOff), want: NonCompliant,
			contains: []string{"grounding"}},
		{name: "grounding threshold zero", resourceType: g, params: grounding,
			config: guardrailConfig(strongFilters(), piiBlock, `[{"Type":"GROUNDING","Threshold":0}]`), want: NonCompliant},
		{name: "grounding threshold as string", resourceType: g, params: grounding,
			config: guardrailConfig(strongFilters(), piiBlock, `[{"Type":"GROUNDING","Threshold":"0.8"}]`), want: Compliant},
		{name: "grounding not required by default", resourceType: g,
			config: guardrailConfig(strongFilters(), piiBlock, ""), want: Compliant},
		{name: "every shortfall at once", resourceType: g,
			params: map[string]string{"requireGrounding": "true", "contentFilterStrength": "HIGH"},
			config: guardrailConfig([]string{
				`{"Type":"PROMPT_ATTACK","InputStrength":"MEDIUM","OutputStrength":"NONE"}`,
				filterJSON("HATE", "MEDIUM", "LOW"),
				filterJSON("INSULTS", "LOW", "MEDIUM"),
				`{"Type":"SEXUAL","InputStrength":"HIGH","OutputStrength":"HIGH","InputAction":"NONE"}`,
				`{"Type":"VIOLENCE","InputStrength":"MEDIUM","OutputStrength":"HIGH","OutputEnabled":false}`,
				filterJSON("MISCONDUCT", "NONE", "MEDIUM"),
			}, []string{`{"Type":"EMAIL","Action":"NONE"}`}, groundingOff),
			want: NonCompliant,
			contains: []string{"PROMPT_ATTACK input MEDIUM", "HATE MEDIUM/LOW", "INSULTS LOW/MEDIUM", "SEXUAL detect/HIGH",
				"VIOLENCE MEDIUM/off", "MISCONDUCT NONE/MEDIUM", "PII entity", "grounding filter"}},
		{name: "no policies at all", resourceType: g, params: grounding, config: `{"Name":"empty-guardrail"}`,
			want:     NonCompliant,
			contains: []string{"no PROMPT_ATTACK filter", "HATE/INSULTS/SEXUAL/VIOLENCE/MISCONDUCT missing", "PII entity", "grounding filter"}},
		{name: "content policy is a string", resourceType: g, config: `{"Name":"x","ContentPolicyConfig":"strict"}`,
			want: NonCompliant, contains: []string{"no PROMPT_ATTACK filter"}},
		{name: "filters as embedded JSON", resourceType: g,
			config: `{"ContentPolicyConfig":"{\"FiltersConfig\":[` + strings.ReplaceAll(strings.Join(strongFilters(), ","), `"`, `\"`) + `]}",` +
				`"SensitiveInformationPolicyConfig":{"PiiEntitiesConfig":{"Type":"EMAIL","Action":"BLOCK"}}}`,
			want: Compliant},
		{name: "filter entries of the wrong type", resourceType: g,
			config: guardrailConfig(append([]string{`"HATE"`, `null`, `[1]`}, strongFilters()...), piiBlock, ""), want: Compliant},
		{name: "empty configuration", resourceType: g, config: `{}`, want: NotApplicable},
		{name: "deleted", resourceType: g, status: "ResourceDeleted", want: NotApplicable},
		{name: "other type", resourceType: typeBedrockPrompt, config: `{}`, want: NotApplicable},
	}
	runMLRuleCases(t, bedrockRules(), "bedrock-guardrail-strength", cases)
}

func TestGuardrailStrengthParams(t *testing.T) {
	r := groupRule(t, bedrockRules(), "bedrock-guardrail-strength")
	p := r.DefaultParams()
	for name, want := range map[string]string{"promptAttackStrength": "HIGH", "contentFilterStrength": "MEDIUM"} {
		if got := p.String(name); got != want {
			t.Errorf("default %s = %q, want %q", name, got, want)
		}
	}
	if !p.Bool("requirePiiFilter") || p.Bool("requireGrounding") {
		t.Errorf("defaults: requirePiiFilter=%v requireGrounding=%v, want true false", p.Bool("requirePiiFilter"), p.Bool("requireGrounding"))
	}
	for _, bad := range []map[string]string{
		{"promptAttackStrength": "EXTREME"},
		{"contentFilterStrength": "2"},
		{"requirePiiFilter": "sometimes"},
		{"strength": "HIGH"},
	} {
		if _, err := r.ParseParams(bad); err == nil {
			t.Errorf("ParseParams(%v) accepted", bad)
		}
	}
	// A caller that skips ParseParams still gets the defaults.
	item := ruleTestItem(t, ruleTestCI("OK", typeBedrockGuardrail, guardrailConfig(strongFilters(), nil, "")))
	if v := checkGuardrailStrength(item, Params{}); v.Compliance != NonCompliant || !strings.Contains(v.Annotation, "PII") {
		t.Errorf("zero Params: %+v, want the default PII requirement", v)
	}
}

func TestBedrockCMK(t *testing.T) {
	g, ds, pr := typeBedrockGuardrail, typeBedrockDataSource, typeBedrockPrompt
	runMLRuleCases(t, bedrockRules(), "bedrock-guardrail-cmk-encrypted", []mlRuleCase{
		{name: "key", resourceType: g, config: `{"Name":"support-bot","KmsKeyArn":"` + testKeyArn + `"}`, want: Compliant},
		{name: "camelCase", resourceType: g, config: `{"name":"support-bot","kmsKeyArn":"` + testKeyArn + `"}`, want: Compliant},
		{name: "no key", resourceType: g, config: `{"Name":"support-bot"}`, want: NonCompliant,
			contains: []string{"Guardrail: KmsKeyArn is not set", "Update the guardrail"}},
		{name: "empty key", resourceType: g, config: `{"Name":"support-bot","KmsKeyArn":""}`, want: NonCompliant,
			contains: []string{"KmsKeyArn is empty"}},
		{name: "null key", resourceType: g, config: `{"Name":"support-bot","KmsKeyArn":null}`, want: NonCompliant},
		{name: "AWS managed alias", resourceType: g, config: `{"Name":"support-bot","KmsKeyArn":"alias/aws/bedrock"}`,
			want: NonCompliant, contains: []string{"is AWS managed (alias/aws/bedrock)"}},
		{name: "key is an object", resourceType: g, config: `{"Name":"support-bot","KmsKeyArn":{"Arn":"x"}}`,
			want: NonCompliant, contains: []string{"is an object, not a KMS key"}},
		{name: "empty configuration", resourceType: g, config: `{}`, want: NotApplicable},
		{name: "deleted", resourceType: g, status: "ResourceDeleted", want: NotApplicable},
		{name: "other type", resourceType: pr, config: `{"Name":"p"}`, want: NotApplicable},
	})
	runMLRuleCases(t, bedrockRules(), "bedrock-data-source-cmk-encrypted", []mlRuleCase{
		{name: "key", resourceType: ds,
			config: `{"Name":"hr-docs","ServerSideEncryptionConfiguration":{"KmsKeyArn":"` + testKeyArn + `"}}`, want: Compliant},
		{name: "camelCase", resourceType: ds,
			config: `{"name":"hr-docs","serverSideEncryptionConfiguration":{"kmsKeyArn":"` + testKeyArn + `"}}`, want: Compliant},
		{name: "block list of one", resourceType: ds,
			config: `{"Name":"hr-docs","ServerSideEncryptionConfiguration":[{"KmsKeyArn":"` + testKeyArn + `"}]}`, want: Compliant},
		{name: "no block", resourceType: ds, config: `{"Name":"hr-docs","DataDeletionPolicy":"RETAIN"}`, want: NonCompliant,
			contains: []string{"Data source: ServerSideEncryptionConfiguration.KmsKeyArn is not set"}},
		{name: "empty block", resourceType: ds, config: `{"Name":"hr-docs","ServerSideEncryptionConfiguration":{}}`,
			want: NonCompliant},
		{name: "null block", resourceType: ds, config: `{"Name":"hr-docs","ServerSideEncryptionConfiguration":null}`,
			want: NonCompliant},
		{name: "block is a string", resourceType: ds, config: `{"Name":"hr-docs","ServerSideEncryptionConfiguration":"KMS"}`,
			want: NonCompliant},
		{name: "deleted", resourceType: ds, status: "ResourceDeleted", want: NotApplicable},
	})
	runMLRuleCases(t, bedrockRules(), "bedrock-prompt-cmk-encrypted", []mlRuleCase{
		{name: "key", resourceType: pr, config: `{"Name":"triage","CustomerEncryptionKeyArn":"` + testKeyArn + `"}`, want: Compliant},
		{name: "camelCase", resourceType: pr, config: `{"name":"triage","customerEncryptionKeyArn":"` + testKeyArn + `"}`, want: Compliant},
		{name: "no key", resourceType: pr, config: `{"Name":"triage"}`, want: NonCompliant,
			contains: []string{"Prompt: CustomerEncryptionKeyArn is not set"}},
		{name: "key is true", resourceType: pr, config: `{"Name":"triage","CustomerEncryptionKeyArn":true}`, want: NonCompliant,
			contains: []string{"is true, not a KMS key"}},
		{name: "no configuration", resourceType: pr, want: NotApplicable},
	})
}
