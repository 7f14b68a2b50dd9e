package deploy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/aiguard/aiguard/conformance"
	"github.com/aiguard/aiguard/packgen"
	"github.com/aiguard/aiguard/policygen"
	"github.com/aiguard/aiguard/rules"
)

// Landing Zone Accelerator (LZA) output.
const (
	KindLZAConfig = "lza-config"
	KindLZAFile   = "lza-file"
	lzaDir        = "lza/"
	// LZAOrganizationPath, LZASecurityPath and LZACustomizationsPath are
	// the fragments to merge into the Accelerator's configuration files of
	// the same names.
	LZAOrganizationPath   = lzaDir + "organization-config.yaml"
	LZASecurityPath       = lzaDir + "security-config.yaml"
	LZACustomizationsPath = lzaDir + "customizations-config.yaml"
	// lzaLambdaZip is where the fragments expect the rule Lambda's code in
	// the configuration repository: the Accelerator builds each custom
	// rule's function from it, for x86_64 (the Accelerator sets no
	// architecture).
	lzaLambdaZip = "aiguard/aiguard-lambda-linux-amd64.zip"
)

// lzaTargets are an LZA deploymentTargets.
type lzaTargets struct {
	OrganizationalUnits []string `yaml:"organizationalUnits,omitempty" json:"organizationalUnits,omitempty"`
	Accounts            []string `yaml:"accounts,omitempty" json:"accounts,omitempty"`
}

// deriveLZA lays the generated files out for the Landing Zone Accelerator:
// the SCP files and the organization-config.yaml fragment attaching them
// (OUs by path, accounts by name); the security-config.yaml fragment with
// every pack's rules as a Config rule set (the Accelerator deploys rules,
// not conformance packs: custom rules run the rule Lambda's code as one
// function per rule and account, with a role policy file per rule); and
// the customizations-config.yaml fragment deploying what the Accelerator
// has no setting for (the AI services opt-out policy, the teams'
// boundaries and roles, the hook, the Security Hub automation rules) as
// the CloudFormation templates generate writes.
func deriveLZA(p *Plan, arts []Artifact) (Result, error) {
	var res Result
	note := func(level, subject, format string, args ...any) {
		res.Notes = append(res.Notes, Note{Level: level, Subject: subject, Message: fmt.Sprintf(format, args...)})
	}
	files := map[string][]byte{}
	missing := map[string]bool{}
	targets := func(t Target) (lzaTargets, bool) {
		ous, accounts, miss := p.lzTargets(t, "/")
		for _, m := range miss {
			missing["OU "+m] = true
		}
		var names []string
		for _, a := range accounts {
			n, ok := p.Spec.AccountName(a)
			if !ok {
				missing["account "+a] = true
				continue
			}
			names = append(names, n)
		}
		return lzaTargets{OrganizationalUnits: ous, Accounts: names}, len(ous)+len(names) > 0
	}
	d := p.Deployment
	o := p.Spec.Organization

	// organization-config.yaml: SCPs.
	var scps []map[string]any
	for _, a := range arts {
		if a.Kind != string(policygen.KindSCP) {
			continue
		}
		t := a.Target
		if t.Scope == ScopeTeam {
			t = p.teamTarget(t.Team)
		}
		tg, ok := targets(t)
		if t.Scope == ScopeOrganization {
			tg, ok = lzaTargets{OrganizationalUnits: []string{"Root"}}, true // the organization's SCPs: at the root
		}
		if !ok {
			note(packgen.Warning, LZAOrganizationPath, "%s is left out: the Accelerator names its targets, and the spec names none of them", a.Path)
			continue
		}
		rel := "service-control-policies/aiguard/" + strings.TrimPrefix(a.Path, "policies/")
		files[rel] = a.Data
		scps = append(scps, map[string]any{
			"name": scpName(a), "description": "aiguard: " + a.Path,
			"policy": rel, "type": "customerManaged", "strategy": "deny-list", "deploymentTargets": tg,
		})
	}

	// security-config.yaml: the packs' rules.
	var ruleSets []map[string]any
	for _, pk := range p.Packs {
		tg := lzaTargets{OrganizationalUnits: []string{"Root"}} // the baseline: every account
		if pk.Team == nil {
		} else if g, ok := targets(p.teamTarget(pk.Team.Name)); ok {
			tg = g
		} else {
			note(packgen.Warning, LZASecurityPath, "the rules of pack %s are left out: the spec names none of team %s's OUs or accounts",
				pk.Name, pk.Team.Name)
			continue
		}
		var list []map[string]any
		for _, r := range pk.Rules {
			rule := map[string]any{"name": r.Name, "description": packgen.Description(r.Rule)}
			if r.Managed != "" {
				rule["identifier"] = r.Managed
				if len(r.InputParameters) > 0 {
					rule["inputParameters"] = r.InputParameters
				}
				list = append(list, rule)
				continue
			}
			params := packgen.CustomInputParameters(r, "")
			delete(params, "ExecutionRoleName") // the function runs in the account it evaluates
			policy, err := lzaRulePolicy(r.Rule)
			if err != nil {
				return Result{}, err
			}
			policyFile := "aiguard/config-rule-policies/" + r.Rule.ID + ".json"
			files[policyFile] = policy
			custom := map[string]any{
				"lambda": map[string]any{"sourceFilePath": lzaLambdaZip, "handler": "bootstrap", "runtime": "provided.al2023",
					"rolePolicyFile": policyFile, "timeout": d.TimeoutSeconds},
				"maximumExecutionFrequency": packgen.DefaultFrequency,
			}
			if r.Rule.Trigger == rules.Periodic {
				// No scope: a lookup type the Accelerator does not know
				// leaves the rule without one, as a periodic rule is.
				custom["periodic"], custom["configurationChanges"] = true, false
				custom["triggeringResources"] = map[string]any{"lookupType": "None", "lookupKey": "none", "lookupValue": []string{"none"}}
			} else {
				custom["periodic"], custom["configurationChanges"] = false, true
				custom["triggeringResources"] = map[string]any{"lookupType": "ResourceTypes", "lookupKey": "ResourceTypes",
					"lookupValue": r.Rule.ResourceTypes}
			}
			rule["type"] = "Custom"
			rule["inputParameters"] = params
			rule["customRule"] = custom
			list = append(list, rule)
		}
		ruleSets = append(ruleSets, map[string]any{"deploymentTargets": tg, "rules": list})
	}

	// customizations-config.yaml: templates for what the Accelerator has
	// no setting for.
	var stacks, stackSets []map[string]any
	regions := slices.Clone(d.Regions)
	primary := []string{d.PrimaryRegion()}
	for _, a := range arts {
		if !isTemplate(a) {
			continue
		}
		rel := "aiguard/templates/" + a.Path
		switch {
		case a.Path == "policies/organization/organization.cfn.json":
			// The opt-out policy has no Accelerator setting; this template
			// also has the tooling SCP, which organization-config attaches,
			// so the opt-out policy gets a template of its own.
			optOut, err := p.optOutTemplate(arts)
			if err != nil {
				return Result{}, err
			}
			rel = "aiguard/templates/ai-services-opt-out.yaml"
			files[rel] = optOut
			mgmt, ok := targets(Target{Accounts: []string{o.ManagementAccount}})
			if !ok {
				note(packgen.Warning, LZACustomizationsPath, "the AI services opt-out policy is left out: name the management account "+
					"%s in organization.landingZone.accounts", o.ManagementAccount)
				continue
			}
			stacks = append(stacks, map[string]any{"name": "aiguard-ai-services-opt-out", "template": rel, "runOrder": 1,
				"terminationProtection": true, "deploymentTargets": mgmt, "regions": primary,
				"parameters": []map[string]string{{"name": "RootId", "value": "r-REPLACE"}}})
		case a.Kind == KindHookFunctions || a.Kind == KindSecurityHubRules:
			tg, ok := targets(Target{Accounts: []string{d.ToolingAccount}})
			if !ok {
				note(packgen.Warning, LZACustomizationsPath, "%s is left out: name the security tooling account %s in "+
					"organization.landingZone.accounts", a.Path, d.ToolingAccount)
				continue
			}
			files[rel] = a.Data
			rs := regions
			if a.Kind == KindSecurityHubRules {
				rs = primary
			}
			st := map[string]any{"name": stackSetName(a.Path), "template": rel, "deploymentTargets": tg, "regions": rs,
				"capabilities": []string{"CAPABILITY_NAMED_IAM"}}
			if a.Kind == KindHookFunctions {
				st["parameters"] = []map[string]string{{"name": "CodeS3Bucket", "value": CodeBucketName(d.ToolingAccount, "REGION")}}
				note(packgen.Info, LZACustomizationsPath, "%s takes the Lambda code from a bucket per Region; the Accelerator passes one "+
					"value to every Region, so deploy it once per Region with the Region's bucket (%s)", a.Path,
					CodeBucketName(d.ToolingAccount, "<region>"))
			}
			stackSets = append(stackSets, st)
		case a.Kind == string(policygen.KindCFNTemplate) && strings.HasSuffix(a.Path, "/iam.cfn.json"), a.Kind == KindHook:
			tg, ok := targets(p.teamTarget(a.Target.Team))
			if !ok {
				continue
			}
			files[rel] = a.Data
			rs := primary
			if a.Kind == KindHook {
				rs = regions
			}
			stackSets = append(stackSets, map[string]any{"name": stackSetName(a.Path), "template": rel, "deploymentTargets": tg,
				"regions": rs, "capabilities": []string{"CAPABILITY_NAMED_IAM"}})
		}
	}
	if len(missing) > 0 {
		var list []string
		for m := range missing {
			list = append(list, m)
		}
		slices.Sort(list)
		note(packgen.Warning, LZAOrganizationPath, "the Accelerator names OUs by path and accounts by name, which organization.landingZone "+
			"does not give for %s: the fragments leave them out of every target", strings.Join(list, ", "))
	}
	note(packgen.Info, lzaDir, "merge the fragments into the Accelerator's configuration files of the same names, and copy the files "+
		"under lza/ beside them; copy dist/aiguard-lambda-linux-amd64.zip (make build) to %s: the Accelerator builds one x86_64 "+
		"function per custom rule and account from it. The Accelerator deploys rules, not conformance packs, so the packs' "+
		"rules are listed as rule sets; it has no AI services opt-out policy, so that policy is a customization", lzaLambdaZip)

	org, err := lzaYAML("organization-config.yaml: merge serviceControlPolicies into yours", map[string]any{"serviceControlPolicies": scps})
	if err != nil {
		return Result{}, err
	}
	sec, err := lzaYAML("security-config.yaml: merge awsConfig.ruleSets into yours (keep your own awsConfig settings)",
		map[string]any{"awsConfig": map[string]any{"enableConfigurationRecorder": true, "ruleSets": ruleSets}})
	if err != nil {
		return Result{}, err
	}
	cust, err := lzaYAML("customizations-config.yaml: merge customizations into yours",
		map[string]any{"customizations": map[string]any{"cloudFormationStacks": stacks, "cloudFormationStackSets": stackSets}})
	if err != nil {
		return Result{}, err
	}
	mgmt := Target{Scope: ScopeAccount, Accounts: []string{o.ManagementAccount}, Regions: primary}
	res.Artifacts = append(res.Artifacts,
		Artifact{Path: LZAOrganizationPath, Kind: KindLZAConfig, Data: org, Target: mgmt},
		Artifact{Path: LZASecurityPath, Kind: KindLZAConfig, Data: sec, Target: mgmt},
		Artifact{Path: LZACustomizationsPath, Kind: KindLZAConfig, Data: cust, Target: mgmt},
	)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		res.Artifacts = append(res.Artifacts, Artifact{Path: lzaDir + n, Kind: KindLZAFile, Data: files[n], Target: mgmt})
	}
	return res, nil
}

// lzaYAML writes a fragment with a header saying how to use it.
func lzaYAML(header string, v any) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("# aiguard: Landing Zone Accelerator " + header + ".\n# Generated by aiguard generate; edit the organization spec, not this file.\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode the Landing Zone Accelerator fragment: %w", err)
	}
	return buf.Bytes(), nil
}

// lzaRulePolicy is the role policy of a custom rule's function in the
// Accelerator: report evaluations, read oversized items, and the read-only
// actions the rule declares.
func lzaRulePolicy(r *rules.Rule) ([]byte, error) {
	actions := append([]string{"config:GetResourceConfigHistory", "config:PutEvaluations"}, r.Actions...)
	slices.Sort(actions)
	doc := map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
		"Sid": "EvaluateAndReport", "Effect": "Allow", "Action": slices.Compact(actions), "Resource": "*",
	}}}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("rule %s: role policy: %w", r.ID, err)
	}
	return append(b, '\n'), nil
}

// optOutTemplate deploys the AI services opt-out policy alone, from the
// policy generate writes.
func (p *Plan) optOutTemplate(arts []Artifact) ([]byte, error) {
	var content any
	for _, a := range arts {
		if a.Kind == string(policygen.KindOptOut) {
			if err := json.Unmarshal(a.Data, &content); err != nil {
				return nil, fmt.Errorf("%s: %w", a.Path, err)
			}
		}
	}
	if content == nil {
		return nil, fmt.Errorf("no AI services opt-out policy to deploy")
	}
	t := conformance.Template{
		"AWSTemplateFormatVersion": "2010-09-09",
		"Description":              "aiguard: the AI services opt-out policy, attached to the organization's root; deploy in the management account",
		"Parameters": map[string]any{"RootId": map[string]any{"Type": "String", "AllowedPattern": "^r-[0-9a-z]{4,32}$",
			"Description": "ID of the organization's root (r-...)"}},
		"Resources": map[string]any{"AiServicesOptOut": map[string]any{
			"Type": "AWS::Organizations::Policy",
			"Properties": map[string]any{
				"Name": policygen.NamePrefix + "ai-services-opt-out", "Type": "AISERVICES_OPT_OUT_POLICY",
				"Description": "aiguard: every AI service opts out of using the organization's content; child policies cannot override",
				"Content":     jsonValue(content), "TargetIds": []any{conformance.Ref("RootId")},
			},
		}},
	}
	return t.MarshalChecked(p.Schema, "AI services opt-out template")
}

// jsonValue turns decoded JSON into the values a Template holds.
func jsonValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = jsonValue(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonValue(e)
		}
		return out
	case float64:
		return int(x)
	}
	return v
}
