// Package packgen turns an organization spec into the artifacts that deploy
// and enforce aiguard: conformance packs, the rule Lambda's stack for the
// security tooling account, and the member-account role it assumes.
package packgen

import (
	"fmt"
	"slices"
	"sort"
)

// Deployment describes the rule Lambda and the member role.
type Deployment struct {
	// FunctionName is the rule Lambda's name; its role is FunctionName-role.
	FunctionName string
	// MemberRoleName is the role the Lambda assumes in every member account.
	MemberRoleName string
	// ToolingAccount runs the Lambda; the member role trusts only the
	// Lambda's role in this account.
	ToolingAccount string
	MemorySize     int
	TimeoutSeconds int
	// ReservedConcurrency caps concurrent executions (0: no reservation).
	ReservedConcurrency int
	Tracing             bool
	LogRetentionDays    int
	// InvokingAccounts are the accounts whose Config may invoke the Lambda.
	InvokingAccounts []string
}

// MaxInvokingAccounts bounds the per-account Lambda permissions: a
// function's resource-based policy is limited to 20 KB, and each
// statement takes about 300 bytes.
const MaxInvokingAccounts = 60

// Template is a CloudFormation template as nested maps; encoding/json
// writes its keys sorted, so the output is deterministic.
type Template map[string]any

func ref(name string) map[string]any { return map[string]any{"Ref": name} }

func sub(s string) map[string]any { return map[string]any{"Fn::Sub": s} }

func getAtt(resource, attr string) map[string]any {
	return map[string]any{"Fn::GetAtt": []any{resource, attr}}
}

// RoleName returns the name of the Lambda's own role.
func (d Deployment) RoleName() string { return d.FunctionName + "-role" }

// LambdaTemplate is the stack for the security tooling account: the rule
// Lambda, its log group, its role, and one invoke permission per account.
func LambdaTemplate(d Deployment) (Template, error) {
	if len(d.InvokingAccounts) > MaxInvokingAccounts {
		return nil, fmt.Errorf("%d accounts invoke the rule Lambda, more than the %d per-account permissions "+
			"that fit its 20 KB resource policy; split the organization across several tooling stacks",
			len(d.InvokingAccounts), MaxInvokingAccounts)
	}
	fn := map[string]any{
		"FunctionName":  d.FunctionName,
		"Description":   "aiguard AWS Config custom rules (one function serves every rule)",
		"Runtime":       "provided.al2023",
		"Architectures": []any{"arm64"},
		"Handler":       "bootstrap",
		"Code":          map[string]any{"S3Bucket": ref("CodeS3Bucket"), "S3Key": ref("CodeS3Key")},
		"MemorySize":    d.MemorySize,
		"Timeout":       d.TimeoutSeconds,
		"Role":          getAtt("FunctionRole", "Arn"),
		"LoggingConfig": map[string]any{"LogGroup": ref("LogGroup"), "LogFormat": "JSON"},
	}
	if d.ReservedConcurrency > 0 {
		fn["ReservedConcurrentExecutions"] = d.ReservedConcurrency
	}
	if d.Tracing {
		fn["TracingConfig"] = map[string]any{"Mode": "Active"}
	}
	statements := []any{
		map[string]any{
			"Sid":      "WriteLogs",
			"Effect":   "Allow",
			"Action":   []any{"logs:CreateLogStream", "logs:PutLogEvents"},
			"Resource": getAtt("LogGroup", "Arn"),
		},
		map[string]any{
			"Sid":      "ReportEvaluations",
			"Effect":   "Allow",
			"Action":   []any{"config:GetResourceConfigHistory", "config:PutEvaluations"},
			"Resource": "*",
		},
		map[string]any{
			"Sid":      "AssumeMemberRole",
			"Effect":   "Allow",
			"Action":   "sts:AssumeRole",
			"Resource": sub("arn:${AWS::Partition}:iam::*:role/" + d.MemberRoleName),
		},
	}
	if d.Tracing {
		statements = append(statements, map[string]any{
			"Sid":      "Tracing",
			"Effect":   "Allow",
			"Action":   []any{"xray:PutTelemetryRecords", "xray:PutTraceSegments"},
			"Resource": "*",
		})
	}
	resources := map[string]any{
		"LogGroup": map[string]any{
			"Type":           "AWS::Logs::LogGroup",
			"DeletionPolicy": "Retain",
			"Properties": map[string]any{
				"LogGroupName":    "/aws/lambda/" + d.FunctionName,
				"RetentionInDays": d.LogRetentionDays,
			},
		},
		"FunctionRole": map[string]any{
			"Type": "AWS::IAM::Role",
			"Properties": map[string]any{
				"RoleName":                 d.RoleName(),
				"Description":              "Runs the aiguard Config rule Lambda",
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
	accounts := slices.Clone(d.InvokingAccounts)
	sort.Strings(accounts)
	for _, acct := range slices.Compact(accounts) {
		resources["InvokeFromConfig"+acct] = map[string]any{
			"Type": "AWS::Lambda::Permission",
			"Properties": map[string]any{
				"FunctionName":  getAtt("Function", "Arn"),
				"Action":        "lambda:InvokeFunction",
				"Principal":     "config.amazonaws.com",
				"SourceAccount": acct,
			},
		}
	}
	return Template{
		"AWSTemplateFormatVersion": "2010-09-09",
		"Description":              "aiguard: the Config rule Lambda for the security tooling account",
		"Parameters": map[string]any{
			"CodeS3Bucket": map[string]any{"Type": "String", "Description": "Bucket holding aiguard-lambda-linux-arm64.zip (from make build)"},
			"CodeS3Key":    map[string]any{"Type": "String", "Default": "aiguard-lambda-linux-arm64.zip", "Description": "Key of the Lambda zip"},
		},
		"Resources": resources,
		"Outputs": map[string]any{
			"FunctionArn": map[string]any{"Value": getAtt("Function", "Arn"), "Description": "Pass as the Lambda ARN parameter of the conformance packs"},
			"RoleArn":     map[string]any{"Value": getAtt("FunctionRole", "Arn")},
		},
	}, nil
}

// MemberRoleTemplate is the StackSet template for every member account: the
// role the Lambda assumes, trusting only the Lambda's role, allowed exactly
// the read-only actions the enabled rules declare plus what every rule
// needs to report.
func MemberRoleTemplate(d Deployment, ruleActions []string) Template {
	actions := append([]string{"config:GetResourceConfigHistory", "config:PutEvaluations"}, ruleActions...)
	sort.Strings(actions)
	actions = slices.Compact(actions)
	list := make([]any, len(actions))
	for i, a := range actions {
		list[i] = a
	}
	lambdaRole := fmt.Sprintf("arn:${AWS::Partition}:iam::%s:role/%s", d.ToolingAccount, d.RoleName())
	return Template{
		"AWSTemplateFormatVersion": "2010-09-09",
		"Description":              "aiguard: the role the Config rule Lambda assumes in this member account",
		"Resources": map[string]any{
			"MemberRole": map[string]any{
				"Type": "AWS::IAM::Role",
				"Properties": map[string]any{
					"RoleName":    d.MemberRoleName,
					"Description": "Assumed by the aiguard Config rule Lambda to read AI resources and report evaluations",
					"AssumeRolePolicyDocument": map[string]any{
						"Version": "2012-10-17",
						"Statement": []any{map[string]any{
							"Effect":    "Allow",
							"Principal": map[string]any{"AWS": sub(lambdaRole)},
							"Action":    "sts:AssumeRole",
						}},
					},
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
			"MemberRoleArn": map[string]any{"Value": getAtt("MemberRole", "Arn")},
		},
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
