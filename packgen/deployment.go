package packgen

import (
	"fmt"
	"slices"

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

// PrimaryRegion returns the Region whose stack creates the function's role.
func (d Deployment) PrimaryRegion() string {
	if len(d.Regions) == 0 {
		return "us-east-1"
	}
	return d.Regions[0]
}
