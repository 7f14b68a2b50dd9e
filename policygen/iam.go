package policygen

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aiguard/aiguard/iampolicy"
)

// MaxRoleInlineChars bounds the inline policies of one IAM role, white
// space not counted.
const MaxRoleInlineChars = 10240

// aiServices are the services a team's boundary lets its principals use.
var aiServices = []string{"bedrock:*", "comprehend:*", "rekognition:*", "sagemaker:*"}

// supportActions are what SageMaker jobs, endpoints and notebooks need
// besides their data: pulling images, writing logs and metrics, and the
// network interfaces of VPC mode. Images may live in AWS's own accounts,
// so the ECR actions cannot be scoped to the team's repositories.
var (
	ecrPull = []string{
		"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetAuthorizationToken",
		"ecr:GetDownloadUrlForLayer",
	}
	logWrite = []string{
		"logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents",
	}
	ec2Describe = []string{
		"ec2:DescribeDhcpOptions", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSecurityGroups",
		"ec2:DescribeSubnets", "ec2:DescribeVpcs",
	}
	ec2Interfaces = []string{
		"ec2:CreateNetworkInterface", "ec2:CreateNetworkInterfacePermission", "ec2:DeleteNetworkInterface",
		"ec2:DeleteNetworkInterfacePermission",
	}
)

// s3Location is a parsed s3://bucket/prefix.
type s3Location struct {
	bucket, prefix string
}

func parseS3(uri string) (s3Location, bool) {
	rest, ok := strings.CutPrefix(uri, "s3://")
	if !ok {
		return s3Location{}, false
	}
	bucket, prefix, _ := strings.Cut(rest, "/")
	if bucket == "" {
		return s3Location{}, false
	}
	return s3Location{bucket: bucket, prefix: prefix}, true
}

func (t *teamPolicy) locations(uris ...string) []s3Location {
	var out []s3Location
	for _, u := range uris {
		if l, ok := parseS3(u); ok {
			out = append(out, l)
		}
	}
	return out
}

func (t *teamPolicy) bucketArn(bucket string) string { return t.arn("s3", "", "", bucket) }

// objectArns are the object ARNs under each location.
func (t *teamPolicy) objectArns(locs []s3Location) []string {
	var out []string
	for _, l := range locs {
		out = append(out, t.bucketArn(l.bucket)+"/"+l.prefix+"*")
	}
	return out
}

// listStatements allow listing each bucket, only under the locations'
// prefixes (one statement per bucket so a prefix of one bucket does not
// open the same prefix in another).
func (t *teamPolicy) listStatements(sid string, locs []s3Location) []iampolicy.Statement {
	prefixes := map[string][]string{}
	var buckets []string
	for _, l := range locs {
		if _, seen := prefixes[l.bucket]; !seen {
			buckets = append(buckets, l.bucket)
		}
		prefixes[l.bucket] = append(prefixes[l.bucket], l.prefix)
	}
	slices.Sort(buckets)
	var out []iampolicy.Statement
	for i, b := range buckets {
		st := iampolicy.Statement{
			Sid: fmt.Sprintf("%s%d", sid, i+1), Effect: allow, Action: []string{"s3:ListBucket"},
			Resource: []string{t.bucketArn(b)},
		}
		if !slices.Contains(prefixes[b], "") { // the whole bucket needs no condition
			st.Condition = iampolicy.Condition{}.With("StringLike", "s3:prefix", suffixAll("*", prefixes[b])...)
		}
		out = append(out, st)
	}
	return out
}

// teamBuckets are every bucket named in the team's storage.
func (t *teamPolicy) teamBuckets() []string {
	st := t.team.Storage
	if st == nil {
		return nil
	}
	var out []string
	for _, l := range t.locations(slices.Concat(st.TrainingData, st.ModelArtifacts, st.Workspace, []string{st.Output})...) {
		out = append(out, l.bucket)
	}
	return sorted(out...)
}

// boundaryStatements are the team's permission boundary: the AI services,
// what SageMaker workloads need around them, the team's buckets and keys,
// passing the team's execution roles, and creating or changing roles and
// users only with this boundary; then the denies: the boundary cannot be
// edited or removed, other teams' resources are out of reach, and the
// SCPs' conditions that fit hold here too (without the break-glass
// exemption: break-glass roles do not carry a team boundary).
//
// All of the SCPs' conditions do not fit: with SageMaker's long action
// lists they take about three times the 6,144 characters of a managed
// policy. The boundary repeats, in this order and as far as they fit,
// SageMaker's notebook and domain settings and the Bedrock, Comprehend and
// Rekognition conditions; the rest stays in the SCPs, which apply to every
// principal of the team's accounts, boundary or not. The boundary's own
// statements always fit or the generator fails.
func (t *teamPolicy) boundaryStatements() []iampolicy.Statement {
	core := t.boundaryCore()
	var sm []iampolicy.Statement
	for _, st := range t.sagemakerStatements() {
		if boundarySageMaker[st.Sid] {
			sm = append(sm, st)
		}
	}
	size := func(sts []iampolicy.Statement) int {
		n, err := (&iampolicy.Document{Version: iampolicy.CurrentVersion, Statement: sts}).Size(iampolicy.TypeBoundary)
		if err != nil {
			return MaxManagedPolicyChars + 1
		}
		return n
	}
	out := core
	for _, st := range slices.Concat(sm, t.bedrockStatements(), t.comprehendStatements(), t.rekognitionStatements()) {
		if next := append(slices.Clone(out), st); size(next) <= MaxManagedPolicyChars {
			out = next
		}
	}
	return out
}

// boundaryCore are the statements only the boundary holds.
func (t *teamPolicy) boundaryCore() []iampolicy.Statement {
	sts := []iampolicy.Statement{
		{Sid: "AIServices", Effect: allow, Action: sorted(aiServices...), Resource: []string{"*"}},
		{Sid: "WorkloadSupport", Effect: allow, Action: sorted(boundarySupport...), Resource: []string{"*"}},
	}
	if buckets := t.teamBuckets(); len(buckets) > 0 {
		var res []string
		for _, b := range buckets {
			res = append(res, t.bucketArn(b), t.bucketArn(b)+"/*")
		}
		sts = append(sts, iampolicy.Statement{
			Sid: "TeamBuckets", Effect: allow,
			Action: sorted("s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetBucketLocation", "s3:GetObject",
				"s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:PutObject"),
			Resource: sorted(res...),
		})
	}
	sts = append(sts, t.keyStatements("TeamKeys", "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt",
		"kms:GenerateDataKey*", "kms:ReEncrypt*")...)
	boundary := t.boundaryArn()
	sts = append(sts,
		iampolicy.Statement{
			Sid: "PassTeamRoles", Effect: allow, Action: []string{"iam:PassRole"},
			Resource:  []string{t.teamRoles()},
			Condition: iampolicy.Condition{}.With("StringEquals", keyPassedToService, passRoleServices...),
		},
		// Every IAM action that presents iam:PermissionsBoundary acts on a
		// role or user that has (or will have) this boundary.
		iampolicy.Statement{
			Sid: "PrincipalsWithBoundary", Effect: allow, Action: sorted(t.l.withBoundaryKey...),
			Resource: []string{"*"}, Condition: iampolicy.Condition{}.With("ArnLike", keyPermissionsBoundary, boundary),
		},
		iampolicy.Statement{Sid: "NoBoundaryEdits", Effect: deny, Action: compressWrites(t.l.iam, t.l.policyWrites), Resource: []string{boundary}},
		denyAll("NoBoundaryRemoval", t.l.boundaryRemoval, nil),
		// Null false: an untagged resource, or an action without resource
		// tags, is not another team's.
		denyAll("NoOtherTeams", aiServices, iampolicy.Condition{}.
			With("Null", "aws:ResourceTag/"+t.tags.Team, "false").
			With("StringNotEquals", "aws:ResourceTag/"+t.tags.Team, t.team.Name)),
	)
	return sts
}

// boundarySageMaker are the SageMaker SCP statements the boundary repeats.
var boundarySageMaker = map[string]bool{
	"SmNotebookNoInternet": true, "SmNotebookNoRoot": true, "SmNotebookNoRootUpdate": true,
	"SmDomainVpcOnly": true, "SmDomainVpcOnlyUpdate": true,
}

// boundarySupport are the other services' actions the boundary allows:
// those the execution roles need (images, logs, metrics, VPC network
// interfaces) and what the console needs to pick roles and buckets.
var boundarySupport = slices.Concat(ecrPull, []string{
	"cloudwatch:PutMetricData", "ec2:CreateNetworkInterface*", "ec2:DeleteNetworkInterface*", "ec2:Describe*",
	"iam:GetRole", "iam:ListRoles", "logs:CreateLog*", "logs:DescribeLogStreams", "logs:PutLogEvents",
	"s3:ListAllMyBuckets",
})

// keyStatements allow actions on the team's KMS keys, plus grants for AWS
// resources (SageMaker volumes), or nothing when it has no keys.
func (t *teamPolicy) keyStatements(sid string, actions ...string) []iampolicy.Statement {
	keys := t.team.KMSKeyArns
	if len(keys) == 0 {
		return nil
	}
	return []iampolicy.Statement{
		{Sid: sid, Effect: allow, Action: sorted(actions...), Resource: sorted(keys...)},
		{
			Sid: sid + "Grants", Effect: allow, Action: []string{"kms:CreateGrant"}, Resource: sorted(keys...),
			Condition: iampolicy.Condition{}.With("Bool", "kms:GrantIsForAWSResource", "true"),
		},
	}
}

// Execution role kinds.
const (
	roleTraining  = "training"
	roleInference = "inference"
	roleNotebook  = "notebook"
)

// roleName is the name of one of the team's SageMaker execution roles.
func (t *teamPolicy) roleName(kind string) string {
	return ExecutionRoleName(t.team.Name, kind)
}

// executionRole is one generated SageMaker execution role.
type executionRole struct {
	kind   string
	policy *iampolicy.Document
}

// executionRoles are the team's SageMaker execution roles, each given only
// what its workload needs. A role whose data locations the spec does not
// name is not generated: training needs trainingData and output,
// inference modelArtifacts, notebooks workspace.
func (t *teamPolicy) executionRoles() []executionRole {
	st := t.team.Storage
	if st == nil {
		return nil
	}
	var out []executionRole
	if train, outLoc := t.locations(st.TrainingData...), t.locations(st.Output); len(train) > 0 && len(outLoc) > 0 {
		sts := []iampolicy.Statement{{
			Sid: "ReadTrainingData", Effect: allow, Action: []string{"s3:GetObject"}, Resource: sorted(t.objectArns(train)...),
		}}
		sts = append(sts, t.listStatements("ListTrainingData", train)...)
		sts = append(sts, iampolicy.Statement{
			Sid: "WriteOutput", Effect: allow, Action: sorted("s3:AbortMultipartUpload", "s3:PutObject"),
			Resource: sorted(t.objectArns(outLoc)...),
		})
		sts = append(sts, t.keyStatements("UseTeamKeys", "kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey")...)
		sts = append(sts, t.workloadStatements(true)...)
		out = append(out, executionRole{roleTraining, &iampolicy.Document{Version: iampolicy.CurrentVersion, Statement: sts}})
	}
	if models := t.locations(st.ModelArtifacts...); len(models) > 0 {
		sts := []iampolicy.Statement{{
			Sid: "ReadModelArtifacts", Effect: allow, Action: []string{"s3:GetObject"}, Resource: sorted(t.objectArns(models)...),
		}}
		sts = append(sts, t.keyStatements("UseTeamKeys", "kms:Decrypt", "kms:DescribeKey")...)
		sts = append(sts, t.workloadStatements(true)...)
		out = append(out, executionRole{roleInference, &iampolicy.Document{Version: iampolicy.CurrentVersion, Statement: sts}})
	}
	if ws := t.locations(st.Workspace...); len(ws) > 0 {
		sts := []iampolicy.Statement{{
			Sid: "UseWorkspace", Effect: allow,
			Action:   sorted("s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject", "s3:PutObject"),
			Resource: sorted(t.objectArns(ws)...),
		}}
		sts = append(sts, t.listStatements("ListWorkspace", ws)...)
		sts = append(sts, t.keyStatements("UseTeamKeys", "kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey")...)
		sts = append(sts, t.workloadStatements(false)...)
		out = append(out, executionRole{roleNotebook, &iampolicy.Document{Version: iampolicy.CurrentVersion, Statement: sts}})
	}
	return out
}

// workloadStatements are the logs and metrics every role writes, and for
// jobs and endpoints the container images and the VPC network interfaces
// (created only in the team's subnets and security groups when it names
// them).
func (t *teamPolicy) workloadStatements(containers bool) []iampolicy.Statement {
	sts := []iampolicy.Statement{
		{
			Sid: "WriteLogs", Effect: allow, Action: sorted(logWrite...),
			Resource: []string{t.arn("logs", "*", "*", "log-group:/aws/sagemaker/*")},
		},
		{
			Sid: "PutMetrics", Effect: allow, Action: []string{"cloudwatch:PutMetricData"}, Resource: []string{"*"},
			Condition: iampolicy.Condition{}.With("StringLike", "cloudwatch:namespace", "/aws/sagemaker/*"),
		},
	}
	if !containers {
		return sts
	}
	sts = append(sts,
		iampolicy.Statement{Sid: "PullImages", Effect: allow, Action: sorted(ecrPull...), Resource: []string{"*"}},
		iampolicy.Statement{Sid: "DescribeNetwork", Effect: allow, Action: sorted(ec2Describe...), Resource: []string{"*"}},
	)
	eni := iampolicy.Statement{Sid: "ManageNetworkInterfaces", Effect: allow, Action: sorted(ec2Interfaces...), Resource: []string{"*"}}
	if n := t.team.Network; n != nil && len(n.SubnetIDs) > 0 && len(n.SecurityGroupIDs) > 0 {
		res := []string{t.arn("ec2", "*", "*", "network-interface/*")}
		for _, s := range n.SubnetIDs {
			res = append(res, t.arn("ec2", "*", "*", "subnet/"+s))
		}
		for _, g := range n.SecurityGroupIDs {
			res = append(res, t.arn("ec2", "*", "*", "security-group/"+g))
		}
		eni.Resource = sorted(res...)
	}
	return append(sts, eni)
}

// iamArtifacts are the boundary, the execution-role policies and the
// CloudFormation template that creates them in each team account.
func (t *teamPolicy) iamArtifacts() ([]Artifact, error) {
	boundary := &iampolicy.Document{Version: iampolicy.CurrentVersion, Statement: t.boundaryStatements()}
	body, err := boundary.Indented()
	if err != nil {
		return nil, fmt.Errorf("policygen: team %s: boundary: %w", t.team.Name, err)
	}
	size, err := boundary.Size(iampolicy.TypeBoundary)
	if err != nil {
		return nil, fmt.Errorf("policygen: team %s: boundary: %w", t.team.Name, err)
	}
	if size > MaxManagedPolicyChars {
		return nil, fmt.Errorf("policygen: team %s: the permission boundary takes %d characters (white space "+
			"not counted), more than the %d of an IAM managed policy; shorten the team's lists (models, "+
			"profiles, instance types, subnets, keys, buckets)", t.team.Name, size, MaxManagedPolicyChars)
	}
	arts := []Artifact{{
		Path: t.dir() + "boundary.json", Kind: KindBoundary, Team: t.team.Name, Target: t.team.Name,
		Size: size, Limit: MaxManagedPolicyChars, Body: body,
	}}
	resources := map[string]any{
		"Boundary": map[string]any{
			"Type": "AWS::IAM::ManagedPolicy",
			"Properties": map[string]any{
				"ManagedPolicyName": BoundaryName(t.team.Name),
				"Description":       "aiguard permission boundary of team " + t.team.Name,
				"PolicyDocument":    boundary,
			},
		},
	}
	for _, r := range t.executionRoles() {
		body, err := r.policy.Indented()
		if err != nil {
			return nil, fmt.Errorf("policygen: team %s: %s role: %w", t.team.Name, r.kind, err)
		}
		size, err := r.policy.Size(iampolicy.TypeIdentity)
		if err != nil {
			return nil, fmt.Errorf("policygen: team %s: %s role: %w", t.team.Name, r.kind, err)
		}
		if size > MaxRoleInlineChars {
			return nil, fmt.Errorf("policygen: team %s: the %s role's policy takes %d characters, more than the "+
				"%d of a role's inline policies", t.team.Name, r.kind, size, MaxRoleInlineChars)
		}
		arts = append(arts, Artifact{
			Path: t.dir() + "execution-role-" + r.kind + ".json", Kind: KindExecutionRole, Team: t.team.Name,
			Target: t.team.Name, Size: size, Limit: MaxRoleInlineChars, Body: body,
		})
		name := t.roleName(r.kind)
		resources[logicalID(r.kind)+"Role"] = map[string]any{
			"Type": "AWS::IAM::Role",
			"Properties": map[string]any{
				"RoleName":                 name,
				"Description":              fmt.Sprintf("aiguard SageMaker %s execution role of team %s", r.kind, t.team.Name),
				"AssumeRolePolicyDocument": trustSageMaker(),
				"PermissionsBoundary":      map[string]any{"Ref": "Boundary"},
				"Policies":                 []any{map[string]any{"PolicyName": name, "PolicyDocument": r.policy}},
				"Tags":                     []any{map[string]any{"Key": t.tags.Team, "Value": t.team.Name}},
			},
		}
	}
	tmpl, err := templateBody(fmt.Sprintf("aiguard: permission boundary and SageMaker execution roles of team %s "+
		"(deploy in each of its accounts)", t.team.Name), nil, resources)
	if err != nil {
		return nil, fmt.Errorf("policygen: team %s: %w", t.team.Name, err)
	}
	return append(arts, Artifact{
		Path: t.dir() + "iam.cfn.json", Kind: KindCFNTemplate, Team: t.team.Name, Target: t.team.Name,
		Size: len(tmpl), Body: tmpl,
	}), nil
}

// trustSageMaker lets SageMaker assume an execution role.
func trustSageMaker() *iampolicy.Document {
	return &iampolicy.Document{Version: iampolicy.CurrentVersion, Statement: []iampolicy.Statement{{
		Effect: allow, Principal: &iampolicy.Principal{ByType: map[string][]string{"Service": {"sagemaker.amazonaws.com"}}},
		Action: []string{"sts:AssumeRole"},
	}}}
}

// logicalID turns a kind into a CloudFormation logical ID part (Training).
func logicalID(kind string) string {
	if kind == "" {
		return ""
	}
	return strings.ToUpper(kind[:1]) + kind[1:]
}
