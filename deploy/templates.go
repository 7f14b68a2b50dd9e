package deploy

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"

	"github.com/aiguard/aiguard/conformance"
	"github.com/aiguard/aiguard/packgen"
)

// maxTrustPolicy is IAM's default quota on a role trust policy, in
// characters.
const maxTrustPolicy = 2048

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
func LambdaTemplate(d packgen.Deployment) (conformance.Template, error) {
	if len(d.InvokingAccounts) > packgen.MaxInvokingAccounts {
		return nil, fmt.Errorf("%d accounts invoke the rule Lambda, more than the %d per-account permissions "+
			"that fit its 20 KB resource policy", len(d.InvokingAccounts), packgen.MaxInvokingAccounts)
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
			d.ToolingAccount, d.PrimaryRegion()),
		"Parameters": codeParameters(),
		"Conditions": sharedConditions(d),
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
func MemberRoleTemplate(d packgen.Deployment, ruleActions []string) (conformance.Template, error) {
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
func sharedConditions(d packgen.Deployment) map[string]any {
	return map[string]any{
		"CreateSharedResources": map[string]any{"Fn::Equals": []any{conformance.Ref("AWS::Region"), d.PrimaryRegion()}},
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
