package policygen

import (
	"cmp"
	"fmt"

	"github.com/aiguard/aiguard/orgspec"
)

// lambdaChanges change, disable or delete a Lambda function or who may
// invoke it.
var lambdaChanges = []string{
	"lambda:AddPermission", "lambda:DeleteAlias", "lambda:DeleteFunction", "lambda:DeleteFunctionConcurrency",
	"lambda:DeleteFunctionEventInvokeConfig", "lambda:PutFunctionConcurrency",
	"lambda:PutFunctionEventInvokeConfig", "lambda:RemovePermission", "lambda:UpdateAlias",
	"lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "lambda:UpdateFunctionEventInvokeConfig",
}

// configOrgPackChanges change or delete an organization conformance pack.
var configOrgPackChanges = []string{
	"config:DeleteOrganizationConformancePack", "config:PutOrganizationConformancePack",
}

// OptOutPolicy is the AI services opt-out policy: every AI service in
// every account opts out of using content to improve AWS services, and
// child policies may not change it (@@none at each level, the form
// Prowler's organizations_opt_out_ai_services_policy check expects).
func OptOutPolicy() map[string]any {
	none := []string{"@@none"}
	return map[string]any{
		"services": map[string]any{
			"@@operators_allowed_for_child_policies": none,
			"default": map[string]any{
				"@@operators_allowed_for_child_policies": none,
				"opt_out_policy": map[string]any{
					"@@operators_allowed_for_child_policies": none,
					"@@assign":                               "optOut",
				},
			},
		},
	}
}

// toolingStatements protect the rule Lambda, its role and the
// organization conformance packs in the security tooling account.
func toolingStatements(spec *orgspec.Spec) []Statement {
	p, acct := spec.Partition(), spec.Organization.SecurityToolingAccount
	sts := []Statement{
		{
			Sid: "ProtectAiguardLambda", Effect: deny, Action: sorted(lambdaChanges...),
			Resource: Strings{arnIn(p, "lambda", "*", acct, "function:"+NamePrefix+"*")},
		},
		{
			Sid: "ProtectAiguardLambdaRole", Effect: deny, Action: sorted(iamRoleChanges...),
			Resource: Strings{arnIn(p, "iam", "", acct, "role/"+NamePrefix+"*")},
		},
		{
			Sid: "ProtectAiguardConformancePacks", Effect: deny,
			Action: sorted(append(configOrgPackChanges, configPackChanges...)...),
			Resource: sorted(
				arnIn(p, "config", "*", acct, "conformance-pack/*"+NamePrefix+"*"),
				arnIn(p, "config", "*", acct, "organization-conformance-pack/*"+NamePrefix+"*")),
		},
	}
	roles := spec.BreakGlassPrincipalArns()
	for i := range sts {
		sts[i] = exemptBreakGlass(sts[i], roles)
	}
	return sts
}

// organizationArtifacts are the opt-out policy, the tooling account's SCP
// (unless the tooling account is the management account, which SCPs never
// affect) and the template deploying both from the management account.
func organizationArtifacts(spec *orgspec.Spec) ([]Artifact, error) {
	const dir = "policies/organization/"
	optOut := OptOutPolicy()
	body, err := indent(optOut)
	if err != nil {
		return nil, fmt.Errorf("policygen: opt-out policy: %w", err)
	}
	// Organizations counts every character of what is sent; CloudFormation
	// sends the Content object, the CLI the file as written.
	size := len(body)
	if size > MaxOptOutChars {
		return nil, fmt.Errorf("policygen: the AI services opt-out policy takes %d characters, more than %d", size, MaxOptOutChars)
	}
	arts := []Artifact{{
		Path: dir + "ai-services-opt-out.json", Kind: KindOptOut, Target: "organization", Size: size,
		Limit: MaxOptOutChars, Body: body,
	}}
	resources := map[string]any{
		"AiServicesOptOut": orgPolicyResource(NamePrefix+"ai-services-opt-out",
			"aiguard: every AI service opts out of using the organization's content; child policies cannot override",
			"AISERVICES_OPT_OUT_POLICY", optOut, []any{map[string]any{"Ref": "RootId"}}),
	}
	tooling := spec.Organization.SecurityToolingAccount
	if tooling != "" && tooling != spec.Organization.ManagementAccount {
		doc := Document{Version: PolicyVersion, Statement: toolingStatements(spec)}
		body, err := doc.Minified()
		if err != nil {
			return nil, fmt.Errorf("policygen: tooling SCP: %w", err)
		}
		maxChars := cmp.Or(spec.Organization.Limits.SCPMaxChars, DefaultSCPMaxChars)
		if len(body) > maxChars {
			return nil, fmt.Errorf("policygen: the tooling account's protection SCP takes %d characters, more than "+
				"scpMaxChars %d; shorten the break-glass role list", len(body), maxChars)
		}
		arts = append(arts, Artifact{
			Path: dir + "scp-protect-tooling.json", Kind: KindSCP, Target: tooling, TargetIDs: []string{tooling},
			Size: len(body), Limit: maxChars, Body: body,
		})
		resources["ToolingProtection"] = orgPolicyResource(ToolingSCPName,
			"aiguard: only break-glass roles may change the rule Lambda, its role and aiguard's organization packs",
			"SERVICE_CONTROL_POLICY", doc, []string{tooling})
	}
	params := map[string]any{
		"RootId": map[string]any{
			"Type":           "String",
			"Description":    "ID of the organization's root (r-...), which the opt-out policy is attached to",
			"AllowedPattern": "^r-[0-9a-z]{4,32}$",
		},
	}
	tmpl, err := templateBody("aiguard: organization policies (deploy in the management account)", params, resources)
	if err != nil {
		return nil, fmt.Errorf("policygen: organization template: %w", err)
	}
	return append(arts, Artifact{
		Path: dir + "organization.cfn.json", Kind: KindCFNTemplate, Target: "organization", Size: len(tmpl), Body: tmpl,
	}), nil
}

// orgPolicyResource is an AWS::Organizations::Policy. Content is a JSON
// object rather than a string so that CloudFormation can detect drift.
func orgPolicyResource(name, description, policyType string, content any, targets any) map[string]any {
	props := map[string]any{
		"Name":        name,
		"Description": description,
		"Type":        policyType,
		"Content":     content,
	}
	switch tg := targets.(type) {
	case []string:
		if len(tg) > 0 {
			props["TargetIds"] = tg
		}
	case []any:
		props["TargetIds"] = tg
	}
	return map[string]any{"Type": "AWS::Organizations::Policy", "Properties": props}
}

// MaxTemplateBodyBytes is the largest template CloudFormation takes inline
// (--template-body); larger ones must be uploaded to S3 first.
const MaxTemplateBodyBytes = 51200

// templateBody writes a CloudFormation template as indented JSON, or as
// compact JSON when the indented text would be too large to pass inline.
// Map keys are sorted by encoding/json, so the text is deterministic.
func templateBody(description string, params, resources map[string]any) ([]byte, error) {
	tmpl := map[string]any{
		"AWSTemplateFormatVersion": "2010-09-09",
		"Description":              description,
		"Resources":                resources,
	}
	if len(params) > 0 {
		tmpl["Parameters"] = params
	}
	body, err := indent(tmpl)
	if err != nil || len(body) <= MaxTemplateBodyBytes {
		return body, err
	}
	compact, err := marshal(tmpl)
	if err != nil {
		return nil, fmt.Errorf("encode template: %w", err)
	}
	return append(compact, '\n'), nil
}
