package policygen

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/iampolicy"
	"github.com/aiguard/aiguard/orgspec"
)

// teamOf builds the policy builder of a team with the given settings in
// the example organization.
func teamOf(t *testing.T, s orgspec.Settings) *teamPolicy {
	t.Helper()
	return newTeamPolicy(exampleSpec(t), &orgspec.Team{Name: "unit", Accounts: []string{"999999999999"}, Settings: s}, mustLists(t))
}

// bySid indexes statements by Sid.
func bySid(sts []iampolicy.Statement) map[string]iampolicy.Statement {
	m := map[string]iampolicy.Statement{}
	for _, s := range sts {
		m[s.Sid] = s
	}
	return m
}

func sids(sts []iampolicy.Statement) []string {
	var out []string
	for _, s := range sts {
		out = append(out, s.Sid)
	}
	return out
}

// jsonOf writes v as compact JSON without HTML escaping, as IAM counts
// the characters of a policy.
func jsonOf(t *testing.T, v any) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func TestStatementMarshal(t *testing.T) {
	tests := []struct {
		in   []string
		want string
	}{
		{[]string{"a"}, `{"Effect":"Deny","Action":"a"}`},
		{[]string{"a", "b"}, `{"Effect":"Deny","Action":["a","b"]}`},
		{[]string{"<&>"}, `{"Effect":"Deny","Action":"<&>"}`}, // no HTML escaping: IAM counts characters
	}
	for _, tc := range tests {
		if got := jsonOf(t, iampolicy.Statement{Effect: deny, Action: tc.in}); got != tc.want {
			t.Errorf("%v: got %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestSageMakerStatements(t *testing.T) {
	keys := []string{"arn:aws:kms:us-east-1:999999999999:key/1a2b3c4d-1111-4a2b-8c3d-111111111111"}
	tests := []struct {
		name     string
		settings orgspec.Settings
		want     []string // Sids, in order
		check    func(t *testing.T, m map[string]iampolicy.Statement)
	}{
		{
			name: "nothing set: VPC, settings and keys required, any instance type",
			want: []string{"SmRequireVpc", "SmNetworkIsolation", "SmTrafficEncryption", "SmScheduleVpc", "SmScheduleIsolation",
				"SmScheduleTrafficEncryption", "SmVolumeKeyEbs", "SmVolumeKey", "SmOutputKey", "SmNotebookNoInternet",
				"SmNotebookNoRoot", "SmNotebookNoRootUpdate", "SmDomainVpcOnly", "SmDomainVpcOnlyUpdate", "SmUncontrolledJobs"},
			check: func(t *testing.T, m map[string]iampolicy.Statement) {
				// Without team keys, any key is accepted but one is required.
				if got := jsonOf(t, m["SmOutputKey"].Condition); got != `{"Null":{"sagemaker:OutputKmsKey":"true"}}` {
					t.Errorf("SmOutputKey condition %s", got)
				}
				// Any instance type may have local storage: the exemption stays.
				if got := m["SmVolumeKeyEbs"].Condition["ForAnyValue:StringNotLike"]["sagemaker:InstanceTypes"]; !slices.Contains(got, "ml.*d.*") {
					t.Errorf("SmVolumeKeyEbs exemption %v", got)
				}
			},
		},
		{
			name: "network, keys and EBS-only instance types",
			settings: orgspec.Settings{
				Network:    &orgspec.Network{SubnetIDs: []string{"subnet-0b", "subnet-0a"}, SecurityGroupIDs: []string{"sg-0a"}},
				KMSKeyArns: keys,
				SageMaker: &orgspec.SageMaker{InstanceTypes: []string{"ml.m5.xlarge", "ml.t3.medium"},
					LifecycleConfigs: []string{"hardening"},
					UncontrolledJobs: []string{"CreateAIBenchmarkJob", "CreateAIRecommendationJob", "CreateCompilationJob",
						"CreateEdgePackagingJob", "CreateInferenceRecommendationsJob", "CreateOptimizationJob",
						"CreateInferenceExperiment", "UpdateInferenceExperiment"}},
			},
			want: []string{"SmRequireVpc", "SmSubnets", "SmSecurityGroups", "SmNetworkIsolation", "SmTrafficEncryption",
				"SmScheduleVpc", "SmScheduleIsolation", "SmScheduleTrafficEncryption",
				"SmVolumeKey", "SmOutputKey", "SmVolumeKeyIfSet", "SmOutputKeyIfSet", "SmNotebookNoInternet", "SmNotebookNoRoot",
				"SmNotebookNoRootUpdate", "SmDomainVpcOnly", "SmDomainVpcOnlyUpdate", "SmLifecycleRequired",
				"SmLifecycleApproved", "SmLifecycleProtect", "SmInstanceTypes"},
			check: func(t *testing.T, m map[string]iampolicy.Statement) {
				if got := jsonOf(t, m["SmSubnets"].Condition); got != `{"ForAnyValue:StringNotEquals":{"sagemaker:VpcSubnets":["subnet-0a","subnet-0b"]}}` {
					t.Errorf("SmSubnets condition %s", got)
				}
				// No local storage possible: compute actions require a key too.
				if a := m["SmVolumeKey"].Action; !slices.Contains(a, "sagemaker:CreateTrainingJob") || !slices.Contains(a, "sagemaker:CreateDomain") {
					t.Errorf("SmVolumeKey actions %v", a)
				}
				if got := jsonOf(t, m["SmVolumeKey"].Condition); !strings.Contains(got, `"ArnNotLike":{"sagemaker:VolumeKmsKey":"arn:aws:kms:`) {
					t.Errorf("SmVolumeKey condition %s", got)
				}
				if got := jsonOf(t, m["SmVolumeKeyIfSet"].Condition); !strings.Contains(got, `"Null":{"sagemaker:VolumeKmsKey":"false"}`) {
					t.Errorf("labeling jobs without a key must stay allowed: %s", got)
				}
				if got := m["SmInstanceTypes"].Condition["ForAnyValue:StringNotLike"]["sagemaker:InstanceTypes"]; !slices.Equal(got, []string{"ml.m5.xlarge", "ml.t3.medium", "system"}) {
					t.Errorf("SmInstanceTypes values %v", got)
				}
				if got := jsonOf(t, m["SmLifecycleApproved"].Condition); got != `{"ForAnyValue:ArnNotLike":{"sagemaker:NotebookInstanceLifecycleConfigArns":"arn:aws:sagemaker:*:*:notebook-instance-lifecycle-config/hardening"}}` {
					t.Errorf("SmLifecycleApproved condition %s", got)
				}
				if got := jsonOf(t, m["SmLifecycleProtect"].Action); got != `["sagemaker:CreateNotebookInstanceLifecycleConfig","sagemaker:DeleteNotebookInstanceLifecycleConfig","sagemaker:UpdateNotebookInstanceLifecycleConfig"]` {
					t.Errorf("SmLifecycleProtect actions %s", got)
				}
				if got := jsonOf(t, m["SmScheduleVpc"].Condition); got != `{"Null":{"sagemaker:InstanceTypes":"false","sagemaker:VpcSubnets":"true"}}` {
					t.Errorf("SmScheduleVpc condition %s", got)
				}
			},
		},
		{
			name: "GPU instance types with local storage",
			settings: orgspec.Settings{
				KMSKeyArns: keys,
				SageMaker:  &orgspec.SageMaker{InstanceTypes: []string{"ml.m5.*", "ml.g5.*"}},
			},
			want: []string{"SmRequireVpc", "SmNetworkIsolation", "SmTrafficEncryption", "SmScheduleVpc", "SmScheduleIsolation",
				"SmScheduleTrafficEncryption", "SmVolumeKeyEbs", "SmVolumeKey", "SmOutputKey", "SmVolumeKeyIfSet", "SmOutputKeyIfSet",
				"SmNotebookNoInternet", "SmNotebookNoRoot", "SmNotebookNoRootUpdate", "SmDomainVpcOnly", "SmDomainVpcOnlyUpdate",
				"SmInstanceTypes", "SmUncontrolledJobs"},
			check: func(t *testing.T, m map[string]iampolicy.Statement) {
				if !slices.Equal(m["SmVolumeKey"].Action, sorted(mustLists(t).volumeKmsOther...)) {
					t.Errorf("SmVolumeKey actions %v, want only %v", m["SmVolumeKey"].Action, mustLists(t).volumeKmsOther)
				}
				if !slices.Equal(m["SmVolumeKeyEbs"].Action, sorted(mustLists(t).volumeKmsCompute...)) {
					t.Errorf("SmVolumeKeyEbs actions %v", m["SmVolumeKeyEbs"].Action)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sts := teamOf(t, tc.settings).sagemakerStatements()
			if got := sids(sts); !slices.Equal(got, tc.want) {
				t.Errorf("statements %v\nwant %v", got, tc.want)
			}
			for _, s := range sts {
				switch s.Sid {
				case "SmUncontrolledJobs", "SmLifecycleProtect": // unconditional; the second on the approved configurations
				default:
					if s.Effect != deny || !slices.Equal(s.Resource, []string{"*"}) || len(s.Condition) == 0 {
						t.Errorf("%s: want a conditional Deny on *: %s", s.Sid, jsonOf(t, s))
					}
				}
			}
			if tc.check != nil {
				tc.check(t, bySid(sts))
			}
		})
	}
}

func TestMayHaveLocalStorage(t *testing.T) {
	tests := map[string]bool{
		"ml.m5.xlarge": false, "ml.t3.medium": false, "ml.c5.4xlarge": false, "ml.p3.2xlarge": false,
		"ml.m5d.large": true, "ml.g4dn.xlarge": true, "ml.p4d.24xlarge": true, "ml.p4de.24xlarge": true,
		"ml.g5.*": true, "ml.p5.48xlarge": true, "ml.trn1.32xlarge": true, "ml.*.xlarge": true, "odd": true,
	}
	for it, want := range tests {
		if got := mayHaveLocalStorage(it); got != want {
			t.Errorf("mayHaveLocalStorage(%s) = %v, want %v", it, got, want)
		}
	}
}

func TestBedrockStatements(t *testing.T) {
	tests := []struct {
		name    string
		bedrock *orgspec.Bedrock
		want    map[string]string // Sid -> substring of its JSON; "" = absent
	}{
		{
			name: "no bedrock block: only own custom models, async and tools escape the deny",
			want: map[string]string{
				"BedrockModels":    `"NotResource":["arn:aws:bedrock:*:*:async-invoke/*","arn:aws:bedrock:*:*:custom-model/*","arn:aws:bedrock:*:*:model-invocation-job/*","arn:aws:bedrock::*:system-tool/*"]`,
				"BedrockGuardrail": "",
			},
		},
		{
			name: "models, profiles and a guardrail ARN",
			bedrock: &orgspec.Bedrock{
				AllowedModels: []string{"anthropic.claude-*", "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0",
					"arn:aws:bedrock:us-east-1:999999999999:provisioned-model/abc123"},
				InferenceProfiles: []string{"global.anthropic.claude-sonnet-4-20250514-v1:0",
					"arn:aws:bedrock:us-east-1:999999999999:application-inference-profile/app1"},
				Guardrail: &orgspec.Guardrail{ID: "arn:aws:bedrock:us-east-1:999999999999:guardrail/gr1", Version: "2"},
			},
			want: map[string]string{
				// Region dropped from the foundation-model ARN; global profile
				// gets the Region-less model ARN; other ARNs kept as given.
				"BedrockModels": `"NotResource":["arn:aws:bedrock:*:*:async-invoke/*","arn:aws:bedrock:*:*:custom-model/*",` +
					`"arn:aws:bedrock:*:*:inference-profile/global.anthropic.claude-sonnet-4-20250514-v1:0",` +
					`"arn:aws:bedrock:*:*:model-invocation-job/*",` +
					`"arn:aws:bedrock:*::foundation-model/amazon.nova-pro-v1:0","arn:aws:bedrock:*::foundation-model/anthropic.claude-*",` +
					`"arn:aws:bedrock::*:system-tool/*",` +
					`"arn:aws:bedrock:::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0",` +
					`"arn:aws:bedrock:us-east-1:999999999999:application-inference-profile/app1",` +
					`"arn:aws:bedrock:us-east-1:999999999999:provisioned-model/abc123"]`,
				"BedrockGuardrail": `"Resource":"*","Condition":{"ArnNotEquals":{"bedrock:GuardrailIdentifier":"arn:aws:bedrock:us-east-1:999999999999:guardrail/gr1:2"}}`,
			},
		},
		{
			name: "guardrail ID in DRAFT spares embedding models",
			bedrock: &orgspec.Bedrock{
				AllowedModels: []string{"amazon.titan-embed-text-v2:0", "amazon.nova-lite-v1:0"},
				Guardrail:     &orgspec.Guardrail{ID: "gr1", Version: "DRAFT"},
			},
			want: map[string]string{
				"BedrockGuardrail": `"NotResource":"arn:aws:bedrock:*::foundation-model/amazon.titan-embed-text-v2:0","Condition":{"ArnNotLike":{"bedrock:GuardrailIdentifier":"arn:aws:bedrock:*:*:guardrail/gr1"}}`,
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := bySid(teamOf(t, orgspec.Settings{Bedrock: tc.bedrock}).bedrockStatements())
			for sid, want := range tc.want {
				st, ok := m[sid]
				switch {
				case want == "" && ok:
					t.Errorf("%s present: %s", sid, jsonOf(t, st))
				case want != "" && !ok:
					t.Errorf("%s missing", sid)
				case want != "" && !strings.Contains(jsonOf(t, st), want):
					t.Errorf("%s:\n%s\ndoes not contain\n%s", sid, jsonOf(t, st), want)
				}
			}
			if st := m["BedrockModels"]; len(st.Resource) != 0 || !slices.Contains(st.Action, "bedrock:InvokeModel") ||
				!slices.Contains(st.Action, "bedrock:CreateModelCustomizationJob") || !slices.Contains(st.Action, "bedrock:CreateModelInvocationJob") {
				t.Errorf("BedrockModels: %s", jsonOf(t, st))
			}
		})
	}
}

func TestComprehendAndRekognitionStatements(t *testing.T) {
	tests := []struct {
		name     string
		settings orgspec.Settings
		want     string // JSON of the statements' Sids and conditions
	}{
		{
			name: "no settings: everything denied",
			want: `[["ComprehendSensitive",null],["RekognitionFaces",null]]`,
		},
		{
			name: "same classifications merge; approved use cases",
			settings: orgspec.Settings{
				Comprehend:  &orgspec.Comprehend{PIIDetection: []string{"restricted"}, EntityDetection: []string{"restricted"}},
				Rekognition: &orgspec.Rekognition{ApprovedUseCases: []string{"kyc", "access-control"}},
			},
			want: `[["ComprehendSensitive",{"StringNotEquals":{"aws:PrincipalTag/data-classification":"restricted"}}],` +
				`["RekognitionFaces",{"StringNotEquals":{"aws:PrincipalTag/ai-approved-use-case":["access-control","kyc"]}}]]`,
		},
		{
			name: "different classifications; PII for no one",
			settings: orgspec.Settings{
				Comprehend:  &orgspec.Comprehend{PIIDetection: []string{}, EntityDetection: []string{"internal", "confidential"}},
				Rekognition: &orgspec.Rekognition{ApprovedUseCases: []string{}},
			},
			want: `[["ComprehendPii",null],["ComprehendEntities",{"StringNotEquals":{"aws:PrincipalTag/data-classification":["confidential","internal"]}}],` +
				`["RekognitionFaces",null]]`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tp := teamOf(t, tc.settings)
			var got [][2]any
			for _, s := range slices.Concat(tp.comprehendStatements(), tp.rekognitionStatements()) {
				got = append(got, [2]any{s.Sid, s.Condition})
			}
			if g := jsonOf(t, got); g != tc.want {
				t.Errorf("got  %s\nwant %s", g, tc.want)
			}
		})
	}
}

func TestRegionStatements(t *testing.T) {
	sts := teamOf(t, orgspec.Settings{}).regionStatements()
	m := bySid(sts)
	all := m["Regions"]
	if !slices.Contains(all.NotAction, "bedrock:InvokeModel") || slices.Contains(all.NotAction, "bedrock:CreateModelInvocationJob") {
		t.Errorf("Regions must spare invocation only (handled apart): %v", all.NotAction)
	}
	if got := jsonOf(t, all.Condition); got != `{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","us-west-2"]}}` {
		t.Errorf("Regions condition %s", got)
	}
	cris := jsonOf(t, m["RegionsBedrockCris"].Condition)
	for _, want := range []string{
		`"arn:aws:bedrock:us-east-1:*:inference-profile/*"`, `"arn:aws:bedrock:us-west-2:*:application-inference-profile/*"`,
		`"StringNotEquals":{"aws:RequestedRegion":["us-east-1","us-west-2"]}`,
	} {
		if !strings.Contains(cris, want) {
			t.Errorf("RegionsBedrockCris condition %s lacks %s", cris, want)
		}
	}
}

func TestOrganizationStatements(t *testing.T) {
	spec := parseVariant(t, "memberRoleName: aiguard-config-rules-member", "memberRoleName: acme-config-member")
	m := bySid(organizationStatements(spec, mustLists(t)))
	got := jsonOf(t, m["ProtectAiguard"].Resource)
	for _, want := range []string{`"arn:aws:config:*:*:conformance-pack/*aiguard-*"`, `"arn:aws:iam::*:policy/aiguard-*"`,
		`"arn:aws:iam::*:role/acme-config-member"`, `"arn:aws:iam::*:role/aiguard-*"`,
		`"arn:aws:lambda:*:222222222222:function:aiguard-*"`} {
		if !strings.Contains(got, want) {
			t.Errorf("ProtectAiguard resources %s lack %s", got, want)
		}
	}
	if a := m["ProtectAiguard"].Action; slices.Contains(a, "iam:PassRole") || slices.Contains(a, "iam:Pass*") {
		t.Errorf("ProtectAiguard denies passing the execution roles: %v", a)
	}
	if got := jsonOf(t, m["ProtectBreakGlass"].Resource); got != `["arn:aws:iam::*:role/OrganizationAccountAccessRole","arn:aws:iam::*:role/aiguard-break-glass"]` {
		t.Errorf("ProtectBreakGlass resources %s", got)
	}
	if got := jsonOf(t, iampolicy.Condition{"ArnLike": m["KeepAiguardBoundary"].Condition["ArnLike"]}); got != `{"ArnLike":{"iam:PermissionsBoundary":"arn:aws:iam::*:policy/aiguard-*"}}` {
		t.Errorf("KeepAiguardBoundary condition %s", got)
	}
	if got := jsonOf(t, iampolicy.Condition{"StringNotEquals": m["ProtectDetection"].Condition["StringNotEquals"]}); got != `{"StringNotEquals":{"aws:PrincipalAccount":"222222222222"}}` {
		t.Errorf("ProtectDetection spares the tooling account: %s", got)
	}
}

func TestExemptBreakGlass(t *testing.T) {
	st := denyAll("X", []string{"s:A"}, iampolicy.Condition{}.With("ArnNotLike", "k:Arn", "arn:x"))
	got := exemptBreakGlass(st, []string{"arn:aws:iam::*:role/b", "arn:aws:iam::*:role/a"})
	if j := jsonOf(t, got.Condition); j != `{"ArnNotLike":{"aws:PrincipalArn":["arn:aws:iam::*:role/a","arn:aws:iam::*:role/b"],"k:Arn":"arn:x"}}` {
		t.Errorf("condition %s", j)
	}
	if j := jsonOf(t, st.Condition); strings.Contains(j, "PrincipalArn") {
		t.Errorf("exemptBreakGlass changed its input: %s", j)
	}
	allowSt := iampolicy.Statement{Effect: allow, Action: []string{"s:A"}}
	if got := exemptBreakGlass(allowSt, []string{"arn:r"}); got.Condition != nil {
		t.Errorf("Allow got a condition: %s", jsonOf(t, got))
	}
}

func TestBoundaryStatements(t *testing.T) {
	spec := exampleSpec(t)
	tp := newTeamPolicy(spec, spec.Teams[0], mustLists(t))
	sts := tp.boundaryStatements()
	m := bySid(sts)
	for _, sid := range []string{"AIServices", "WorkloadSupport", "TeamBuckets", "TeamKeys", "TeamKeysGrants", "PassTeamRoles",
		"PrincipalsWithBoundary", "NoBoundaryEdits", "NoBoundaryRemoval", "NoOtherTeams"} {
		if _, ok := m[sid]; !ok {
			t.Errorf("boundary lacks %s", sid)
		}
	}
	// The SCPs' conditions the boundary repeats as far as they fit: one
	// left out must be in the team's SCPs, which bind every principal.
	scps := bySid(tp.scpStatements())
	repeated := 0
	for _, sid := range []string{"SmNotebookNoRoot", "BedrockModels", "BedrockGuardrail", "ComprehendSensitive", "RekognitionFaces"} {
		if _, ok := m[sid]; ok {
			repeated++
		} else if _, ok := scps[sid]; !ok {
			t.Errorf("%s is neither in the boundary nor in the team's SCPs", sid)
		}
	}
	if repeated < 4 {
		t.Errorf("the boundary repeats %d of the SCPs' conditions, want at least 4", repeated)
	}
	for _, s := range sts {
		if s.Principal != nil {
			t.Errorf("%s names a Principal", s.Sid)
		}
		if s.Condition["ArnNotLike"]["aws:PrincipalArn"] != nil {
			t.Errorf("%s: break-glass exemption in a boundary", s.Sid)
		}
	}
	if got := jsonOf(t, m["PrincipalsWithBoundary"].Condition); got != `{"ArnLike":{"iam:PermissionsBoundary":"arn:aws:iam::*:policy/aiguard-payments-risk-boundary"}}` {
		t.Errorf("PrincipalsWithBoundary condition %s", got)
	}
	if got := jsonOf(t, m["TeamBuckets"].Resource); !strings.Contains(got, `"arn:aws:s3:::example-payments-risk-models/*"`) {
		t.Errorf("TeamBuckets resources %s", got)
	}
	if got := jsonOf(t, m["NoOtherTeams"].Condition); got != `{"Null":{"aws:ResourceTag/aiguard-team":"false"},"StringNotEquals":{"aws:ResourceTag/aiguard-team":"payments-risk"}}` {
		t.Errorf("NoOtherTeams condition %s", got)
	}
}

func TestExecutionRoles(t *testing.T) {
	tests := []struct {
		name    string
		storage *orgspec.Storage
		want    []string
	}{
		{"no storage", nil, nil},
		{"training needs an output", &orgspec.Storage{TrainingData: []string{"s3://a/x/"}}, nil},
		{"all", &orgspec.Storage{
			TrainingData: []string{"s3://a/x/", "s3://b"}, Output: "s3://c/out/",
			ModelArtifacts: []string{"s3://c/models/"}, Workspace: []string{"s3://d/ws/"},
		}, []string{roleTraining, roleInference, roleNotebook}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, r := range teamOf(t, orgspec.Settings{Storage: tc.storage}).executionRoles() {
				got = append(got, r.kind)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("roles %v, want %v", got, tc.want)
			}
		})
	}
	roles := teamOf(t, orgspec.Settings{Storage: &orgspec.Storage{
		TrainingData: []string{"s3://a/x/", "s3://a/y/", "s3://b"}, Output: "s3://c/out/",
	}}).executionRoles()
	train := jsonOf(t, roles[0].policy)
	for _, want := range []string{
		`{"Sid":"ReadTrainingData","Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::a/x/*","arn:aws:s3:::a/y/*","arn:aws:s3:::b/*"]}`,
		`{"Sid":"ListTrainingData1","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::a","Condition":{"StringLike":{"s3:prefix":["x/*","y/*"]}}}`,
		`{"Sid":"ListTrainingData2","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"}`,
		`{"Sid":"WriteOutput","Effect":"Allow","Action":["s3:AbortMultipartUpload","s3:PutObject"],"Resource":"arn:aws:s3:::c/out/*"}`,
	} {
		if !strings.Contains(train, want) {
			t.Errorf("training policy lacks %s\n%s", want, train)
		}
	}
	if strings.Contains(train, "kms:") {
		t.Errorf("no team keys, yet KMS statements: %s", train)
	}
}

func TestOptOutPolicy(t *testing.T) {
	got := jsonOf(t, OptOutPolicy())
	want := `{"services":{"@@operators_allowed_for_child_policies":["@@none"],"default":{"@@operators_allowed_for_child_policies":["@@none"],` +
		`"opt_out_policy":{"@@assign":"optOut","@@operators_allowed_for_child_policies":["@@none"]}}}}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestWithoutCovered(t *testing.T) {
	got := withoutCovered([]string{"iam:DeletePolicy", "iam:Delete*", "iam:CreatePolicyVersion", "iam:Put*", "iam:PutRolePolicy", "iam:Delete*"})
	if want := ([]string{"iam:CreatePolicyVersion", "iam:Delete*", "iam:Put*"}); !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func mustLists(t testing.TB) *lists {
	t.Helper()
	l, err := derivedLists()
	if err != nil {
		t.Fatal(err)
	}
	return l
}
