package deploy

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/aiguard/aiguard/conformance"
	"github.com/aiguard/aiguard/internal/hookconfig"
	"github.com/aiguard/aiguard/orgspec"
	"github.com/aiguard/aiguard/packgen"
	"github.com/aiguard/aiguard/policygen"
	"github.com/aiguard/aiguard/rules"
)

// Kinds and paths of the CloudFormation Lambda hook.
const (
	KindHookFunctions = "cfn-hook-functions"
	KindHook          = "cfn-hook"
	HookFunctionsPath = "deploy/cfn-hook-functions.yaml"
	hookDir           = "deploy/cfn-hook/"
	// hookFunctionPrefix names each team's hook function; it starts with
	// aiguard- so that the organization's SCPs protect it.
	hookFunctionPrefix = "aiguard-cfn-hook-"
	// hookTimeout stays under the 30 seconds CloudFormation waits for a
	// Lambda hook.
	hookTimeout = 25
	// maxHookTargets is the most target names a Lambda hook filters on.
	maxHookTargets = 50
	// InvocationsEnv restricts a function to one kind of invocation: the
	// hook functions answer hook requests only.
	InvocationsEnv = "AIGUARD_INVOCATIONS"
)

// HookPath returns the path of a team's hook registration template.
func HookPath(team string) string { return hookDir + team + ".yaml" }

// HookFunctionName returns the name of a team's hook function.
func HookFunctionName(team string) string { return hookFunctionPrefix + team }

// hookTeam is one team's hook: the rules it runs and the types they cover.
type hookTeam struct {
	team   *orgspec.Team
	config hookconfig.Config
	types  []string
}

// produceHook writes the CloudFormation Lambda hook: in the security
// tooling account, one function per team (the rule Lambda's code, answering
// hook requests only, with the team's rules and parameters in its
// environment and a role that may only write logs); in the team's accounts,
// the hook registration (AWS::CloudFormation::LambdaHook) with its
// execution role, for the resource types the team's change-triggered rules
// cover, before they are created or updated, in the spec's failure mode.
func produceHook(p *Plan) (Result, error) {
	var teams []hookTeam
	var res Result
	for _, tp := range p.Teams {
		ht, err := p.hookTeam(tp.Team)
		if err != nil {
			return Result{}, err
		}
		if len(ht.types) == 0 {
			res.Notes = append(res.Notes, Note{Level: packgen.Info, Subject: "team " + tp.Team.Name,
				Message: "the team runs no change-triggered rule on a CloudFormation resource type, so it gets no CloudFormation hook"})
			continue
		}
		teams = append(teams, ht)
	}
	if len(teams) == 0 {
		return res, nil
	}
	fns, err := p.hookFunctionsTemplate(teams)
	if err != nil {
		return Result{}, err
	}
	data, err := fns.MarshalChecked(p.Schema, HookFunctionsPath)
	if err != nil {
		return Result{}, err
	}
	d := p.Deployment
	res.Artifacts = append(res.Artifacts, Artifact{Path: HookFunctionsPath, Kind: KindHookFunctions, Data: data,
		Target: Target{Scope: ScopeAccount, Accounts: []string{d.ToolingAccount}, Regions: slices.Clone(d.Regions)}})
	for _, ht := range teams {
		data, err := p.hookTemplate(ht).MarshalChecked(p.Schema, HookPath(ht.team.Name))
		if err != nil {
			return Result{}, err
		}
		res.Artifacts = append(res.Artifacts, Artifact{Path: HookPath(ht.team.Name), Kind: KindHook, Data: data,
			Target: Target{Scope: ScopeTeam, Team: ht.team.Name, Accounts: sorted(ht.team.Accounts),
				OrganizationalUnits: sorted(ht.team.OrganizationalUnits), Regions: slices.Clone(d.Regions)}})
	}
	res.Notes = append(res.Notes,
		Note{Level: packgen.Info, Subject: HookFunctionsPath, Message: fmt.Sprintf("deploy in the security tooling account %s "+
			"in each Region, %s first (its stack creates the functions' role), with the same CodeS3Bucket and CodeS3Key as "+
			"%s: one function per team answers the team's CloudFormation hook", d.ToolingAccount, d.PrimaryRegion(), LambdaPath)},
		Note{Level: packgen.Info, Subject: hookDir, Message: fmt.Sprintf("deploy %s<team>.yaml, after %s, with a StackSet named "+
			"%s-<team> (the organization's SCPs protect stacks named aiguard-) to the "+
			"team's accounts and OUs in each Region: CloudFormation then asks the team's hook function about every AI "+
			"resource before creating or updating it, and %s (organization.hook.failureMode) a non-compliant one",
			hookDir, HookFunctionsPath, stackSetName(hookDir), map[string]string{orgspec.HookWarn: "warns about", orgspec.HookFail: "stops"}[p.hookFailureMode()])},
	)
	return res, nil
}

// hookFailureMode is the spec's failure mode, WARN when unset.
func (p *Plan) hookFailureMode() string {
	if m := p.Spec.Organization.Hook.FailureMode; m != "" {
		return m
	}
	return orgspec.HookWarn
}

// hookTeam collects the team's enabled change-triggered rules with their
// parameters and exemptions, and the CloudFormation types they cover.
func (p *Plan) hookTeam(t *orgspec.Team) (hookTeam, error) {
	set, err := p.Spec.EffectiveRules(t)
	if err != nil {
		return hookTeam{}, fmt.Errorf("team %s: %w", t.Name, err)
	}
	ht := hookTeam{team: t, config: hookconfig.Config{Team: t.Name, Rules: map[string]map[string]string{}}}
	types := map[string]bool{}
	for _, er := range set {
		if !er.InHook() {
			continue
		}
		// Change-triggered rules judge Config resource types, which are
		// CloudFormation's (the cfn-lint gate test checks each target).
		for _, typ := range er.Rule.ResourceTypes {
			types[typ] = true
		}
		params := map[string]string{}
		for k, v := range er.Params {
			params[k] = v
		}
		if ex := orgspec.ExemptResourceIDs(er.Exceptions); ex != "" {
			params[rules.ExemptParam] = ex
		}
		ht.config.Rules[er.Rule.ID] = params
	}
	for typ := range types {
		ht.types = append(ht.types, typ)
	}
	sort.Strings(ht.types)
	return ht, nil
}

// hookTargets returns the target names of a hook: the types, or, past the
// hook's limit, a wildcard per service (AWS::SageMaker::*).
func hookTargets(types []string) []any {
	names := types
	if len(types) > maxHookTargets {
		seen := map[string]bool{}
		names = nil
		for _, t := range types {
			if i := strings.LastIndex(t, "::"); i > 0 && !seen[t[:i]] {
				seen[t[:i]] = true
				names = append(names, t[:i]+"::*")
			}
		}
	}
	out := make([]any, len(names))
	for i, n := range names {
		out[i] = n
	}
	return out
}

// hookFunctionsTemplate is the stack of the hook functions in the tooling
// account.
func (p *Plan) hookFunctionsTemplate(teams []hookTeam) (conformance.Template, error) {
	d := p.Deployment
	roleName := hookFunctionPrefix + "role"
	resources := map[string]any{
		"HookFunctionRole": map[string]any{
			"Type":      "AWS::IAM::Role",
			"Condition": "CreateSharedResources",
			"Properties": map[string]any{
				"RoleName":                 roleName,
				"Description":              "Runs aiguard's CloudFormation hook functions: they only evaluate what CloudFormation sends, and write logs",
				"AssumeRolePolicyDocument": trustService("lambda.amazonaws.com"),
				"Policies": []any{map[string]any{
					"PolicyName": "aiguard-cfn-hook-logs",
					"PolicyDocument": map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
						"Sid":      "WriteLogs",
						"Effect":   "Allow",
						"Action":   []any{"logs:CreateLogStream", "logs:PutLogEvents"},
						"Resource": conformance.Sub("arn:${AWS::Partition}:logs:*:${AWS::AccountId}:log-group:/aws/lambda/" + hookFunctionPrefix + "*:*"),
					}}},
				}},
			},
		},
	}
	for _, ht := range teams {
		env, err := hookconfig.Encode(ht.config)
		if err != nil {
			return nil, err
		}
		name := HookFunctionName(ht.team.Name)
		if n := len(hookconfig.EnvVar) + len(env) + len(InvocationsEnv) + len("hook"); n > hookconfig.MaxEnvironment {
			return nil, fmt.Errorf("team %s: the hook function's rules take %d bytes of environment, more than the %d Lambda allows; "+
				"shorten the team's lists (keys, subnets, models) or its exceptions", ht.team.Name, n, hookconfig.MaxEnvironment)
		}
		id := packgen.LogicalID(ht.team.Name)
		resources["HookLogGroup"+id] = map[string]any{
			"Type":                "AWS::Logs::LogGroup",
			"DeletionPolicy":      "Retain",
			"UpdateReplacePolicy": "Retain",
			"Properties": map[string]any{
				"LogGroupName":    "/aws/lambda/" + name,
				"RetentionInDays": d.LogRetentionDays,
			},
		}
		resources["HookFunction"+id] = map[string]any{
			"Type": "AWS::Lambda::Function",
			"Properties": map[string]any{
				"FunctionName":  name,
				"Description":   "aiguard CloudFormation hook of team " + ht.team.Name,
				"Runtime":       "provided.al2023",
				"Architectures": []any{"arm64"},
				"Handler":       "bootstrap",
				"Code":          map[string]any{"S3Bucket": conformance.Ref("CodeS3Bucket"), "S3Key": conformance.Ref("CodeS3Key")},
				"MemorySize":    256,
				"Timeout":       hookTimeout,
				"Role": map[string]any{"Fn::If": []any{
					"CreateSharedResources",
					conformance.GetAtt("HookFunctionRole", "Arn"),
					conformance.Sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/" + roleName),
				}},
				"Environment":   map[string]any{"Variables": map[string]any{hookconfig.EnvVar: env, InvocationsEnv: "hook"}},
				"LoggingConfig": map[string]any{"LogGroup": conformance.Ref("HookLogGroup" + id), "LogFormat": "JSON"},
				"TracingConfig": map[string]any{"Mode": d.Tracing},
			},
		}
		// The hook's execution role in each team account invokes the
		// function: the accounts by ID when the team names only accounts,
		// else the organization's principals.
		if len(ht.team.OrganizationalUnits) == 0 {
			for _, acct := range sorted(ht.team.Accounts) {
				resources["HookInvoke"+id+acct] = map[string]any{"Type": "AWS::Lambda::Permission", "Properties": map[string]any{
					"FunctionName": conformance.Ref("HookFunction" + id), "Action": "lambda:InvokeFunction", "Principal": acct,
				}}
			}
		} else {
			resources["HookInvoke"+id] = map[string]any{"Type": "AWS::Lambda::Permission", "Properties": map[string]any{
				"FunctionName": conformance.Ref("HookFunction" + id), "Action": "lambda:InvokeFunction", "Principal": "*",
				"PrincipalOrgID": d.OrganizationID,
			}}
		}
	}
	return conformance.Template{
		"AWSTemplateFormatVersion": "2010-09-09",
		"Description": fmt.Sprintf("aiguard: the CloudFormation hook functions, one per team, for the security tooling "+
			"account %s; deploy in each Region (%s first, where the stack creates the functions' role)", d.ToolingAccount, d.PrimaryRegion()),
		"Parameters": codeParameters(),
		"Conditions": sharedConditions(d),
		"Resources":  resources,
	}, nil
}

// hookTemplate registers a team's hook in one of its accounts and Regions.
func (p *Plan) hookTemplate(ht hookTeam) conformance.Template {
	d := p.Deployment
	fn := fmt.Sprintf("arn:${AWS::Partition}:lambda:${AWS::Region}:%s:function:%s", d.ToolingAccount, HookFunctionName(ht.team.Name))
	return conformance.Template{
		"AWSTemplateFormatVersion": "2010-09-09",
		"Description": fmt.Sprintf("aiguard: the CloudFormation Lambda hook of team %s; deploy with a StackSet to the "+
			"team's accounts in each Region, after %s", ht.team.Name, HookFunctionsPath),
		"Resources": map[string]any{
			"HookExecutionRole": map[string]any{
				"Type": "AWS::IAM::Role",
				"Properties": map[string]any{
					// Under aiguard's prefix, so that the organization's SCPs
					// keep the team from editing or re-trusting it; unnamed,
					// so that each Region's stack has its own.
					"Path":        policygen.HookRolePath,
					"Description": "Lets CloudFormation hooks in this account invoke aiguard's hook function of team " + ht.team.Name,
					"AssumeRolePolicyDocument": map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
						"Effect":    "Allow",
						"Principal": map[string]any{"Service": "hooks.cloudformation.amazonaws.com"},
						"Action":    "sts:AssumeRole",
						"Condition": map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": conformance.Ref("AWS::AccountId")}},
					}}},
					"Policies": []any{map[string]any{
						"PolicyName": "aiguard-cfn-hook-invoke",
						"PolicyDocument": map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
							"Sid": "InvokeHookFunction", "Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": conformance.Sub(fn),
						}}},
					}},
				},
			},
			"Hook": map[string]any{
				"Type": "AWS::CloudFormation::LambdaHook",
				"Properties": map[string]any{
					"Alias":            "Aiguard::Hook::" + strings.ReplaceAll(packgen.LogicalID(ht.team.Name), "-", ""),
					"LambdaFunction":   conformance.Sub(fn),
					"ExecutionRole":    conformance.GetAtt("HookExecutionRole", "Arn"),
					"FailureMode":      p.hookFailureMode(),
					"HookStatus":       "ENABLED",
					"TargetOperations": []any{"RESOURCE"},
					"TargetFilters": map[string]any{
						"Actions":          []any{"CREATE", "UPDATE"},
						"InvocationPoints": []any{"PRE_PROVISION"},
						"TargetNames":      hookTargets(ht.types),
					},
				},
			},
		},
	}
}
