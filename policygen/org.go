package policygen

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/aiguard/aiguard/conformance"
	"github.com/aiguard/aiguard/iampolicy"
	"github.com/aiguard/aiguard/orgspec"
)

// lambdaChanges change, disable or delete a Lambda function or who may
// invoke it.
// eventRuleChanges switch off or redirect an EventBridge rule: those of
// aiguard's detections forwarder send every account's CloudTrail events to
// the detections bus.
var eventRuleChanges = []string{
	"events:DeleteRule", "events:DisableRule", "events:PutRule", "events:PutTargets", "events:RemoveTargets",
	"events:TagResource", "events:UntagResource",
}

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

// detectionChanges stop, blind or remove the detective controls aiguard
// relies on: the Config recorder, the resource types it records, and the
// delivery channel (no configuration items, no evaluations), evaluation results, the aggregation
// authorization that lets the aggregator account collect an account's
// data, aggregators, CloudTrail trails and their event selectors (the ML
// data events) and event data stores, the GuardDuty detector and its
// link to the administrator account, and Security Hub, its link to the
// administrator account and its import of findings (aiguard's reach the
// delegated administrator through the Config integration).
var detectionChanges = []string{
	"cloudtrail:DeleteEventDataStore", "cloudtrail:DeleteTrail", "cloudtrail:PutEventSelectors",
	"cloudtrail:PutInsightSelectors", "cloudtrail:StopEventDataStoreIngestion", "cloudtrail:StopLogging",
	"cloudtrail:UpdateEventDataStore", "cloudtrail:UpdateTrail",
	"config:AssociateResourceTypes", "config:DeleteAggregationAuthorization", "config:DeleteConfigurationAggregator",
	"config:DeleteConfigurationRecorder", "config:DeleteDeliveryChannel", "config:DeleteEvaluationResults",
	"config:DeleteRetentionConfiguration", "config:DeleteServiceLinkedConfigurationRecorder",
	"config:PutConfigurationAggregator", "config:PutConfigurationRecorder", "config:PutDeliveryChannel",
	"config:DisassociateResourceTypes", "config:PutRetentionConfiguration", "config:StopConfigurationRecorder",
	"guardduty:DeleteDetector", "guardduty:DeletePublishingDestination",
	"guardduty:DisassociateFromAdministratorAccount", "guardduty:DisassociateFromMasterAccount",
	"guardduty:UpdateDetector", "guardduty:UpdatePublishingDestination",
	"securityhub:DisableImportFindingsForProduct", "securityhub:DisableSecurityHub", "securityhub:DisableSecurityHubV2",
	"securityhub:DisassociateFromAdministratorAccount", "securityhub:DisassociateFromMasterAccount",
}

// organizationStatements are the statements the same for every account,
// attached once at the root: whatever exempts a principal from aiguard's
// denies (the break-glass roles) cannot be created, re-trusted, given
// policies or tagged by anyone else; aiguard's own roles, boundary
// policies, packs and rule Lambda cannot be changed; a principal cannot
// lose an aiguard boundary; and the detective controls cannot be stopped
// or blinded, except from the security tooling account, where they are
// administered. Every statement exempts the break-glass roles.
func organizationStatements(spec *orgspec.Spec, l *lists) []iampolicy.Statement {
	p, tooling := spec.Partition(), spec.Organization.SecurityToolingAccount
	iam := l.iam
	breakGlass := spec.BreakGlassPrincipalArns()
	member := cmp.Or(spec.Organization.MemberRoleName, orgspec.DefaultMemberRoleName)
	aiguardRes := []string{
		arnIn(p, "iam", "", "*", "role/"+NamePrefix+"*"),
		arnIn(p, "iam", "", "*", "policy/"+NamePrefix+"*"),
		arnIn(p, "iam", "", "*", "role/"+member),
		// Organization packs appear in member accounts under a prefixed name.
		arnIn(p, "config", "*", "*", "conformance-pack/*"+NamePrefix+"*"),
		// aiguard's stacks: the hook's, the teams' roles and boundary, the
		// packs' (awsconfigconforms-aiguard-...), the rule Lambda's, whether
		// deployed as stacks or StackSet instances (StackSet-NAME-ID).
		arnIn(p, "cloudformation", "*", "*", "stack/*"+NamePrefix+"*"),
		// The detections forwarder's rules (on the default bus) and the
		// detections bus's (rule/BUS/NAME).
		arnIn(p, "events", "*", "*", "rule/"+NamePrefix+"*"),
	}
	aiguardActions := slices.Concat(compressWrites(iam, without(slices.Concat(l.roleWrites, l.policyWrites), "iam:PassRole")),
		configPackChanges, l.stackWrites, eventRuleChanges)
	if tooling != "" && tooling != spec.Organization.ManagementAccount {
		aiguardRes = append(aiguardRes,
			arnIn(p, "lambda", "*", tooling, "function:"+NamePrefix+"*"),
			arnIn(p, "config", "*", tooling, "organization-conformance-pack/*"+NamePrefix+"*"))
		aiguardActions = slices.Concat(aiguardActions, lambdaChanges, configOrgPackChanges)
	}
	sts := []iampolicy.Statement{
		// One statement per purpose: each action applies to its own
		// service's resources only, so the union of actions and resources
		// means the same as one statement per service.
		{Sid: "ProtectBreakGlass", Effect: deny, Action: compressWrites(iam, l.roleWrites), Resource: sorted(breakGlass...)},
		{Sid: "ProtectAiguard", Effect: deny, Action: withoutCovered(aiguardActions), Resource: sorted(aiguardRes...)},
		// iam:PermissionsBoundary is the boundary the principal has.
		denyAll("KeepAiguardBoundary", l.boundaryRemoval,
			iampolicy.Condition{}.With("ArnLike", keyPermissionsBoundary, arnIn(p, "iam", "", "*", "policy/"+NamePrefix+"*"))),
	}
	detection := denyAll("ProtectDetection", detectionChanges, nil)
	if tooling != "" {
		detection.Condition = iampolicy.Condition{}.With("StringNotEquals", keyPrincipalAccount, tooling)
	}
	// An account that leaves the organization leaves every SCP behind.
	sts = append(sts, detection, denyAll("StayInOrganization", []string{"organizations:LeaveOrganization"}, nil))
	for i := range sts {
		sts[i] = exemptBreakGlass(sts[i], breakGlass)
	}
	return sts
}

// RootTarget stands for the organization's root in Artifact.TargetIDs
// and budgets: the template attaches the organization's SCPs to the root
// ID given as its RootId parameter.
const RootTarget = "root"

// organizationArtifacts are the opt-out policy, the root's SCPs (the
// organization's statements and the team statements placed there, scoped
// says whether there are any) and the template deploying them from the
// management account.
func organizationArtifacts(spec *orgspec.Spec, root *rootPlan, maxChars int, scoped bool) ([]Artifact, error) {
	const dir = "policies/organization/"
	optOut := OptOutPolicy()
	body, err := conformance.MarshalIndentedJSON(optOut)
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
	rootRef := []any{map[string]any{"Ref": "RootId"}}
	resources := map[string]any{
		"AiServicesOptOut": orgPolicyResource(NamePrefix+"ai-services-opt-out",
			"aiguard: every AI service opts out of using the organization's content; child policies cannot override",
			"AISERVICES_OPT_OUT_POLICY", optOut, rootRef),
	}
	what := "aiguard: break-glass, aiguard and detection protection for every account"
	if scoped {
		what += ", and team statements scoped to the team's accounts and OUs"
	}
	for i, d := range root.docs {
		arts = append(arts, Artifact{
			Path: organizationSCPPath(i + 1), Kind: KindSCP, Target: "organization",
			TargetIDs: []string{RootTarget}, Size: d.size, Limit: maxChars, Body: d.body,
		})
		resources[fmt.Sprintf("Scp%d", i+1)] = orgPolicyResource(OrganizationSCPName(i+1),
			fmt.Sprintf("%s (%d of %d)", what, i+1, len(root.docs)), "SERVICE_CONTROL_POLICY", d.doc, rootRef)
	}
	params := map[string]any{
		"RootId": map[string]any{
			"Type":           "String",
			"Description":    "ID of the organization's root (r-...), which the opt-out policy and the organization's SCPs are attached to",
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

// templateBody writes a CloudFormation template as conformance writes a
// JSON template body: indented, or compact when the indented text would be
// too large to pass inline.
func templateBody(description string, params, resources map[string]any) ([]byte, error) {
	tmpl := conformance.Template{
		"AWSTemplateFormatVersion": conformance.FormatVersion2010,
		"Description":              description,
		"Resources":                resources,
	}
	if len(params) > 0 {
		tmpl["Parameters"] = params
	}
	return tmpl.MarshalJSONBody()
}
