package packgen

import (
	"fmt"
	"strings"

	"github.com/aiguard/aiguard/awsid"
	"github.com/aiguard/aiguard/rules"
)

// managedRule says how to parameterise an AWS managed rule that the
// catalog names as doing the same check as one of aiguard's rules
// (Rule.ManagedRule).
type managedRule struct {
	identifier string
	// params maps each parameter of aiguard's rule to the managed rule.
	params []paramMapping
}

// paramMapping carries one of aiguard's rule parameters over to a managed
// rule.
type paramMapping struct {
	ours string
	// theirs is the managed rule's parameter; empty when it has none and
	// behaves as if ours were fixed.
	theirs string
	// fixed is the value of ours the managed rule's behaviour amounts to
	// when theirs is empty; the managed rule is used only when the team's
	// effective value is that.
	fixed string
	// accept reports whether a value of ours means the same to the managed
	// rule; nil accepts every value.
	accept func(v string) bool
	// why says, for a value not accepted, what the managed rule cannot do.
	why string
	// always passes the effective value (the catalog default when the
	// team sets none), for a managed rule whose parameter is required.
	always bool
}

// managedRules is the mapping table, from the managed rules' pages in the
// AWS Config Developer Guide
// (https://docs.aws.amazon.com/config/latest/developerguide/<rule-name>.html).
// A managed rule that is not here is used only for an aiguard rule without
// parameters; otherwise the pack keeps aiguard's rule.
//
//	aiguard rule                             managed rule                                     parameters
//	sagemaker-notebook-cmk-encrypted         SAGEMAKER_NOTEBOOK_INSTANCE_KMS_KEY_CONFIGURED   kmsKeyArns -> kmsKeyArns (key ARNs only)
//	sagemaker-endpoint-config-multi-instance SAGEMAKER_ENDPOINT_CONFIG_PROD_INSTANCE_COUNT    minInstanceCount must be 2 (the rule checks > 1)
//	bedrock-data-source-cmk-encrypted        BEDROCK_DATA_SOURCE_ENCRYPTION_ENABLED           none
//	sagemaker-model-network-isolation        SAGEMAKER_MODEL_ISOLATION_ENABLED                none
//	sagemaker-notebook-no-direct-internet    SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET_ACCESS     none
//	sagemaker-notebook-root-access-disabled  SAGEMAKER_NOTEBOOK_INSTANCE_ROOT_ACCESS_CHECK    none
//	sagemaker-notebook-platform-supported    SAGEMAKER_NOTEBOOK_INSTANCE_PLATFORM_VERSION     supportedPlatformIdentifiers -> supportedPlatformIdentifierVersions (required: always passed)
//	bedrock-agentcore-code-interpreter-sandboxed BEDROCKAGENTCORE_CODEINTERPRETER_NETWORKMODE_CHECK allowedNetworkModes must be VPC (the rule also fails SANDBOX)
//	the other AgentCore rules                 BEDROCKAGENTCORE_* / BEDROCK_AGENTCORE_*          none
var managedRules = []managedRule{
	{identifier: "SAGEMAKER_NOTEBOOK_INSTANCE_PLATFORM_VERSION", params: []paramMapping{
		{ours: "supportedPlatformIdentifiers", theirs: "supportedPlatformIdentifierVersions", always: true},
	}},
	{identifier: "BEDROCKAGENTCORE_CODEINTERPRETER_NETWORKMODE_CHECK", params: []paramMapping{
		{ours: "allowedNetworkModes", fixed: "VPC", why: "the managed rule also fails SANDBOX"},
	}},
	{identifier: "SAGEMAKER_NOTEBOOK_INSTANCE_KMS_KEY_CONFIGURED", params: []paramMapping{
		{ours: "kmsKeyArns", theirs: "kmsKeyArns", accept: allKeyARNs,
			why: "the managed rule takes key ARNs only, and this list has key IDs or aliases"},
	}},
	{identifier: "SAGEMAKER_ENDPOINT_CONFIG_PROD_INSTANCE_COUNT", params: []paramMapping{
		{ours: "minInstanceCount", fixed: "2",
			why: "the managed rule only checks for more than one instance"},
	}},
	{identifier: "BEDROCK_DATA_SOURCE_ENCRYPTION_ENABLED"},
	{identifier: "SAGEMAKER_MODEL_ISOLATION_ENABLED"},
	{identifier: "SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET_ACCESS"},
	{identifier: "SAGEMAKER_NOTEBOOK_INSTANCE_ROOT_ACCESS_CHECK"},
}

// ManagedRuleParams returns the mapping table: for each managed rule
// identifier, aiguard's parameter names and the managed rule's ("" when the
// managed rule has no such parameter), for documentation and tests.
func ManagedRuleParams() map[string][][2]string {
	out := make(map[string][][2]string, len(managedRules))
	for _, m := range managedRules {
		pairs := make([][2]string, 0, len(m.params))
		for _, p := range m.params {
			pairs = append(pairs, [2]string{p.ours, p.theirs})
		}
		out[m.identifier] = pairs
	}
	return out
}

// allKeyARNs reports whether every item of a CSV value is a KMS key ARN
// (not a key ID, alias name or alias ARN).
func allKeyARNs(v string) bool {
	for _, item := range strings.Split(v, ",") {
		a, err := awsid.ParseARN(strings.TrimSpace(item))
		if err != nil || a.Service != "kms" || a.Region == "" || !awsid.IsAccountID(a.AccountID) {
			return false
		}
		id, ok := strings.CutPrefix(a.Resource, "key/")
		if !ok || id == "" || strings.IndexFunc(id, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-')
		}) >= 0 {
			return false
		}
	}
	return true
}

// managedChoice is the outcome of choosing between aiguard's rule and the
// AWS managed rule.
type managedChoice struct {
	// identifier is the managed rule to use; empty to keep aiguard's.
	identifier string
	// params are the managed rule's input parameters.
	params map[string]string
	// reason says why aiguard's rule is kept although the catalog names a
	// managed rule; empty otherwise.
	reason string
}

// chooseManaged decides whether a team's rule runs as the AWS managed rule
// the catalog names: only when every parameter the team sets can be given
// to the managed rule with the same meaning. params are the team's
// effective parameters (EffectiveRule.Params: values the spec sets, without
// catalog defaults).
func chooseManaged(r *rules.Rule, params map[string]string) managedChoice {
	if r.ManagedRule == "" {
		return managedChoice{}
	}
	var m *managedRule
	for i := range managedRules {
		if managedRules[i].identifier == r.ManagedRule {
			m = &managedRules[i]
			break
		}
	}
	if m == nil {
		if len(r.Params) == 0 {
			return managedChoice{identifier: r.ManagedRule}
		}
		return managedChoice{reason: fmt.Sprintf("aiguard has no mapping of its parameters onto the managed rule %s", r.ManagedRule)}
	}
	out := map[string]string{}
	for _, d := range r.Params {
		v, set := params[d.Name]
		var mp *paramMapping
		for i := range m.params {
			if m.params[i].ours == d.Name {
				mp = &m.params[i]
			}
		}
		effective := v
		if !set || v == "" {
			effective = d.Default
		}
		switch {
		case mp == nil:
			if set && v != "" {
				return managedChoice{reason: fmt.Sprintf("parameter %s has no counterpart in the managed rule %s", d.Name, r.ManagedRule)}
			}
		case mp.theirs == "":
			if effective != mp.fixed {
				return managedChoice{reason: fmt.Sprintf("%s is %s and %s", d.Name, effective, mp.why)}
			}
		case mp.always:
			out[mp.theirs] = effective
		case !set || v == "":
			// Unset: both rules accept any value.
		case mp.accept != nil && !mp.accept(v):
			return managedChoice{reason: fmt.Sprintf("%s: %s", d.Name, mp.why)}
		default:
			out[mp.theirs] = v
		}
	}
	return managedChoice{identifier: m.identifier, params: out}
}
