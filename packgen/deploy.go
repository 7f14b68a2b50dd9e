package packgen

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"

	"github.com/aiguard/aiguard/conformance"
	"github.com/aiguard/aiguard/orgspec"
)

// DefaultFunctionName is the name of the rule Lambda in every Region.
const DefaultFunctionName = "aiguard-config-rules"

// Deployment describes the rule Lambda and the member role.
type Deployment struct {
	// FunctionName is the rule Lambda's name; its role is FunctionName-role.
	FunctionName string
	// MemberRoleName is the role the Lambda assumes in every member account.
	MemberRoleName string
	// ToolingAccount runs the Lambda; the member role trusts only the
	// Lambda's role in this account.
	ToolingAccount string
	// OrganizationID scopes the Lambda's sts:AssumeRole to roles in the
	// organization (aws:ResourceOrgID).
	OrganizationID string
	// Regions are where the Lambda stack is deployed, one stack per Region
	// (Config invokes only a function in the rule's own Region). The first
	// is the primary Region, where the stack also creates the function's
	// IAM role, which is global.
	Regions             []string
	MemorySize          int
	TimeoutSeconds      int
	ReservedConcurrency int // 0: no reservation
	// Tracing is the X-Ray mode: Active or PassThrough.
	Tracing          string
	LogRetentionDays int
	// InvokingAccounts are the accounts whose Config may invoke the Lambda,
	// one permission each; nil lets Config in any account invoke it (see
	// LambdaTemplate).
	InvokingAccounts []string
}

// MaxInvokingAccounts bounds the per-account Lambda permissions: a
// function's resource-based policy is limited to 20 KB, and each
// statement takes about 300 bytes.
const MaxInvokingAccounts = 60

// maxTrustPolicy is IAM's default quota on a role trust policy, in
// characters.
const maxTrustPolicy = 2048

// DeploymentFor returns the deployment the spec describes: the
// organization's tooling account, Regions, member role and Lambda settings,
// with the defaults of the spec format for settings a spec built in code
// leaves zero. InvokingAccounts is left nil; the plan sets it.
func DeploymentFor(spec *orgspec.Spec) Deployment {
	o := spec.Organization
	d := Deployment{
		FunctionName:        DefaultFunctionName,
		MemberRoleName:      o.MemberRoleName,
		ToolingAccount:      o.SecurityToolingAccount,
		OrganizationID:      o.ID,
		Regions:             slices.Clone(o.Regions),
		MemorySize:          o.Lambda.MemorySize,
		TimeoutSeconds:      o.Lambda.Timeout,
		ReservedConcurrency: o.Lambda.ReservedConcurrency,
		Tracing:             o.Lambda.Tracing,
		LogRetentionDays:    o.Lambda.LogRetentionDays,
	}
	if d.MemberRoleName == "" {
		d.MemberRoleName = orgspec.DefaultMemberRoleName
	}
	if d.MemorySize == 0 {
		d.MemorySize = 256
	}
	if d.TimeoutSeconds == 0 {
		d.TimeoutSeconds = 300
	}
	if d.Tracing == "" {
		d.Tracing = "PassThrough"
	}
	if d.LogRetentionDays == 0 {
		d.LogRetentionDays = 90
	}
	return d
}

// RoleName returns the name of the Lambda's own role.
func (d Deployment) RoleName() string { return d.FunctionName + "-role" }

// FunctionArn returns the function's ARN as an Fn::Sub string, in the
// Region and partition of the stack it is used in.
func (d Deployment) FunctionArn() string {
	return fmt.Sprintf("arn:${AWS::Partition}:lambda:${AWS::Region}:%s:function:%s", d.ToolingAccount, d.FunctionName)
}

// primaryRegion returns the Region whose stack creates the function's role.
func (d Deployment) primaryRegion() string {
	if len(d.Regions) == 0 {
		return "us-east-1"
	}
	return d.Regions[0]
}

// LambdaTemplate is the stack for the security tooling account, deployed
// once per Region (a function serves only Config rules of its own Region):
// the rule Lambda, its log group and its invoke permissions in every
// Region, and in the primary Region its role, which is global and shared by
// the functions of the other Regions (deploy the primary Region first).
//
// With InvokingAccounts, Config may invoke the function from those accounts
// only (SourceAccount). Without, from any account: a Lambda permission for
// a service principal can be scoped to listed accounts or resources only,
// not to an organization. The function can nevertheless act only in the
// organization, as its role may assume the member role only in the
// organization's accounts (aws:ResourceOrgID).
func LambdaTemplate(d Deployment) (conformance.Template, error) {
	if len(d.InvokingAccounts) > MaxInvokingAccounts {
		return nil, fmt.Errorf("%d accounts invoke the rule Lambda, more than the %d per-account permissions "+
			"that fit its 20 KB resource policy", len(d.InvokingAccounts), MaxInvokingAccounts)
	}
	fn := map[string]any{
		"FunctionName":  d.FunctionName,
		"Description":   "aiguard AWS Config custom rules (one function serves every rule)",
		"Runtime":       "provided.al2023",
		"Architectures": []any{"arm64"},
		"Handler":       "bootstrap",
		"Code":          map[string]any{"S3Bucket": conformance.Ref("CodeS3Bucket"), "S3Key": conformance.Ref("CodeS3Key")},
		"MemorySize":    d.MemorySize,
		"Timeout":       d.TimeoutSeconds,
		"Role": map[string]any{"Fn::If": []any{
			"CreateSharedResources",
			conformance.GetAtt("FunctionRole", "Arn"),
			conformance.Sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/" + d.RoleName()),
		}},
		"LoggingConfig": map[string]any{"LogGroup": conformance.Ref("LogGroup"), "LogFormat": "JSON"},
		"TracingConfig": map[string]any{"Mode": d.Tracing},
	}
	if d.ReservedConcurrency > 0 {
		fn["ReservedConcurrentExecutions"] = d.ReservedConcurrency
	}
	assume := map[string]any{
		"Sid":      "AssumeMemberRole",
		"Effect":   "Allow",
		"Action":   "sts:AssumeRole",
		"Resource": conformance.Sub("arn:${AWS::Partition}:iam::*:role/" + d.MemberRoleName),
	}
	if d.OrganizationID != "" {
		assume["Condition"] = map[string]any{"StringEquals": map[string]any{"aws:ResourceOrgID": d.OrganizationID}}
	}
	statements := []any{
		map[string]any{
			"Sid":    "WriteLogs",
			"Effect": "Allow",
			"Action": []any{"logs:CreateLogStream", "logs:PutLogEvents"},
			// The role serves the function of every Region.
			"Resource": conformance.Sub("arn:${AWS::Partition}:logs:*:${AWS::AccountId}:log-group:/aws/lambda/" + d.FunctionName + ":*"),
		},
		map[string]any{
			"Sid":      "ReportEvaluations",
			"Effect":   "Allow",
			"Action":   []any{"config:GetResourceConfigHistory", "config:PutEvaluations"},
			"Resource": "*",
		},
		assume,
	}
	if d.Tracing == "Active" {
		statements = append(statements, map[string]any{
			"Sid":      "Tracing",
			"Effect":   "Allow",
			"Action":   []any{"xray:PutTelemetryRecords", "xray:PutTraceSegments"},
			"Resource": "*",
		})
	}
	resources := map[string]any{
		"LogGroup": map[string]any{
			"Type":                "AWS::Logs::LogGroup",
			"DeletionPolicy":      "Retain",
			"UpdateReplacePolicy": "Retain",
			"Properties": map[string]any{
				"LogGroupName":    "/aws/lambda/" + d.FunctionName,
				"RetentionInDays": d.LogRetentionDays,
			},
		},
		"FunctionRole": map[string]any{
			"Type":      "AWS::IAM::Role",
			"Condition": "CreateSharedResources",
			"Properties": map[string]any{
				"RoleName":                 d.RoleName(),
				"Description":              "Runs the aiguard Config rule Lambda in every Region",
				"AssumeRolePolicyDocument": trustService("lambda.amazonaws.com"),
				"Policies": []any{map[string]any{
					"PolicyName":     "aiguard-config-rules",
					"PolicyDocument": map[string]any{"Version": "2012-10-17", "Statement": statements},
				}},
			},
		},
		"Function": map[string]any{
			"Type":       "AWS::Lambda::Function",
			"Properties": fn,
		},
	}
	permission := func(account string) map[string]any {
		props := map[string]any{
			"FunctionName": conformance.Ref("Function"),
			"Action":       "lambda:InvokeFunction",
			"Principal":    "config.amazonaws.com",
		}
		if account != "" {
			props["SourceAccount"] = account
		}
		return map[string]any{"Type": "AWS::Lambda::Permission", "Properties": props}
	}
	if d.InvokingAccounts == nil {
		resources["InvokeFromConfig"] = permission("")
	}
	accounts := slices.Clone(d.InvokingAccounts)
	sort.Strings(accounts)
	for _, acct := range slices.Compact(accounts) {
		resources["InvokeFromConfig"+acct] = permission(acct)
	}
	return conformance.Template{
		"AWSTemplateFormatVersion": "2010-09-09",
		"Description": fmt.Sprintf("aiguard: the Config rule Lambda for the security tooling account %s; "+
			"deploy in each Region (%s first, where the stack creates the function's role)",
			d.ToolingAccount, d.primaryRegion()),
		"Parameters": codeParameters(),
		"Conditions": d.sharedConditions(),
		"Resources":  resources,
		"Outputs": map[string]any{
			"FunctionArn": map[string]any{"Value": conformance.GetAtt("Function", "Arn"),
				"Description": "The rule Lambda of this Region, the RuleLambdaArn parameter of the conformance packs"},
		},
	}, nil
}

// MemberRoleTemplate is the StackSet template for every member account: the
// role the Lambda assumes, trusting only the Lambda's role, allowed exactly
// the read-only actions the enabled custom rules declare plus what every
// custom rule needs to report (config:PutEvaluations) and to read an
// oversized configuration item (config:GetResourceConfigHistory).
func MemberRoleTemplate(d Deployment, ruleActions []string) (conformance.Template, error) {
	actions := append([]string{"config:GetResourceConfigHistory", "config:PutEvaluations"}, ruleActions...)
	sort.Strings(actions)
	actions = slices.Compact(actions)
	list := make([]any, len(actions))
	for i, a := range actions {
		list[i] = a
	}
	lambdaRole := fmt.Sprintf("arn:${AWS::Partition}:iam::%s:role/%s", d.ToolingAccount, d.RoleName())
	trust := map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Effect":    "Allow",
			"Principal": map[string]any{"AWS": conformance.Sub(lambdaRole)},
			"Action":    "sts:AssumeRole",
		}},
	}
	if b, _ := json.Marshal(trust); len(b) > maxTrustPolicy {
		return nil, fmt.Errorf("the member role's trust policy would have %d characters; IAM allows %d by default", len(b), maxTrustPolicy)
	}
	return conformance.Template{
		"AWSTemplateFormatVersion": "2010-09-09",
		"Description":              "aiguard: the role the Config rule Lambda assumes in this member account",
		"Resources": map[string]any{
			"MemberRole": map[string]any{
				"Type": "AWS::IAM::Role",
				"Properties": map[string]any{
					"RoleName":                 d.MemberRoleName,
					"Description":              "Assumed by the aiguard Config rule Lambda to read AI resources and report evaluations",
					"AssumeRolePolicyDocument": trust,
					"Policies": []any{map[string]any{
						"PolicyName": "aiguard-config-rules-read",
						"PolicyDocument": map[string]any{
							"Version": "2012-10-17",
							"Statement": []any{map[string]any{
								"Sid":      "EvaluateAndReport",
								"Effect":   "Allow",
								"Action":   list,
								"Resource": "*",
							}},
						},
					}},
				},
			},
		},
		"Outputs": map[string]any{
			"MemberRoleArn": map[string]any{"Value": conformance.GetAtt("MemberRole", "Arn")},
		},
	}, nil
}

// codeParameters are the parameters of a stack that runs the Lambda code:
// the bucket in the stack's Region holding the zip, and its key.
func codeParameters() map[string]any {
	return map[string]any{
		"CodeS3Bucket": map[string]any{"Type": "String",
			"Description": "Bucket in this Region holding the Lambda zip (dist/aiguard-lambda-linux-arm64.zip from make build)"},
		"CodeS3Key": map[string]any{"Type": "String", "Default": "aiguard-lambda-linux-arm64.zip",
			"Description": "Key of the Lambda zip in CodeS3Bucket"},
	}
}

// sharedConditions say where a per-Region stack creates the global
// resources (IAM roles): in the primary Region.
func (d Deployment) sharedConditions() map[string]any {
	return map[string]any{
		"CreateSharedResources": map[string]any{"Fn::Equals": []any{conformance.Ref("AWS::Region"), d.primaryRegion()}},
	}
}

func trustService(service string) map[string]any {
	return map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Effect":    "Allow",
			"Principal": map[string]any{"Service": service},
			"Action":    "sts:AssumeRole",
		}},
	}
}
