package iampolicy

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/internal/findings"
)

// pol wraps statements into a policy with Version 2012-10-17.
func pol(stmts ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
}

// st builds a statement from its elements' JSON text.
func st(effect, action, resource string, rest ...string) string {
	s := `{"Effect":"` + effect + `","Action":` + action
	if resource != "" {
		s += `,"Resource":` + resource
	}
	for _, r := range rest {
		s += "," + r
	}
	return s + "}"
}

// deny is a Deny on the actions with Resource "*" and a condition block.
func deny(action, condition string) string {
	if condition == "" {
		return st("Deny", action, `"*"`)
	}
	return st("Deny", action, `"*"`, `"Condition":`+condition)
}

func allow(action, condition string) string {
	if condition == "" {
		return st("Allow", action, `"*"`)
	}
	return st("Allow", action, `"*"`, `"Condition":`+condition)
}

type lintCase struct {
	name string
	typ  Type
	in   string
	want []string // "severity:code", in any order; nil means no findings at all
	// msg, when set, must occur in one finding's message.
	msg string
}

func runLintCases(t *testing.T, cases []lintCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			typ := tt.typ
			if typ == "" {
				typ = TypeSCP
			}
			fs := LintData([]byte(tt.in), typ)
			var got []string
			for _, f := range fs {
				got = append(got, string(f.Severity)+":"+f.Code)
			}
			sort.Strings(got)
			want := append([]string(nil), tt.want...)
			sort.Strings(want)
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("findings %v, want %v\n%s", got, want, findingsText(fs))
			}
			if tt.msg != "" && !strings.Contains(findingsText(fs), tt.msg) {
				t.Errorf("no message contains %q:\n%s", tt.msg, findingsText(fs))
			}
			for _, f := range fs {
				if _, ok := Codes()[f.Code]; !ok {
					t.Errorf("code %s is not in Codes()", f.Code)
				}
			}
		})
	}
}

func findingsText(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "  %s\n", f)
	}
	return b.String()
}

func TestLintGrammar(t *testing.T) {
	runLintCases(t, []lintCase{
		{name: "clean SCP, statement object",
			in: `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"sagemaker:CreateTrainingJob","Resource":"*"}}`},
		{name: "invalid JSON", in: `{"Version":"2012-10-17",`, want: []string{"error:policy-json"}, msg: "line"},
		{name: "trailing comma read past", in: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["sagemaker:NoSuch",],"Resource":"*"}]}`,
			want: []string{"error:policy-json", "error:policy-action-unknown"}},
		{name: "not an object", in: `[]`, want: []string{"error:policy-json"}, msg: "is an array"},
		{name: "byte-order mark read past", in: "\xef\xbb\xbf" + pol(deny(`"s3:GetObject"`, "")),
			want: []string{"error:policy-json"}, msg: "byte-order mark"},
		{name: "Statement twice", in: `{"Version":"2012-10-17","Statement":[],"Statement":[` + deny(`"s3:NoSuch"`, "") + `]}`,
			want: []string{"error:policy-json-duplicate-key", "error:policy-action-unknown"}},
		{name: "SCP without Version", in: `{"Statement":[` + deny(`"s3:GetObject"`, "") + `]}`,
			want: []string{"error:policy-version"}},
		{name: "identity without Version", typ: TypeIdentity, in: `{"Statement":[` + deny(`"s3:GetObject"`, "") + `]}`,
			want: []string{"warning:policy-version"}},
		{name: "old Version", in: `{"Version":"2008-10-17","Statement":[` + deny(`"s3:GetObject"`, "") + `]}`,
			want: []string{"warning:policy-version"}},
		{name: "bad Version", in: `{"Version":"2012-10-18","Statement":[` + deny(`"s3:GetObject"`, "") + `]}`,
			want: []string{"error:policy-version"}},
		{name: "Version not a string", in: `{"Version":2012,"Statement":[` + deny(`"s3:GetObject"`, "") + `]}`,
			want: []string{"error:policy-structure"}},
		{name: "no Statement", in: `{"Version":"2012-10-17"}`, want: []string{"error:policy-statement-missing"}},
		{name: "empty Statement", in: `{"Version":"2012-10-17","Statement":[]}`, want: []string{"error:policy-statement-missing"}},
		{name: "Statement a string", in: `{"Version":"2012-10-17","Statement":"x"}`, want: []string{"error:policy-structure"}},
		{name: "statement a number", in: pol(`1`, deny(`"s3:GetObject"`, "")), want: []string{"error:policy-structure"}},
		{name: "empty statement", in: pol(`{}`), want: []string{"error:policy-statement-empty"}},
		{name: "no Effect", in: pol(`{"Action":"s3:GetObject","Resource":"*"}`), want: []string{"error:policy-element-missing"}},
		{name: "Effect in lower case", in: pol(st("deny", `"s3:GetObject"`, `"*"`)), want: []string{"error:policy-effect"},
			msg: `write "Deny"`},
		{name: "Effect unknown", in: pol(st("Block", `"s3:GetObject"`, `"*"`)), want: []string{"error:policy-effect"}},
		{name: "Effect a number", in: pol(`{"Effect":1,"Action":"s3:GetObject","Resource":"*"}`),
			want: []string{"error:policy-structure"}},
		{name: "Action and NotAction", in: pol(st("Deny", `"s3:GetObject"`, `"*"`, `"NotAction":"s3:PutObject"`)),
			want: []string{"error:policy-element-conflict"}},
		{name: "no Action", in: pol(`{"Effect":"Deny","Resource":"*"}`), want: []string{"error:policy-element-missing"}},
		{name: "no Resource in an SCP", in: pol(st("Deny", `"s3:GetObject"`, "")), want: []string{"warning:policy-element-missing"}},
		{name: "no Resource in an identity policy", typ: TypeIdentity, in: pol(st("Allow", `"s3:GetObject"`, "")),
			want: []string{"error:policy-element-missing"}},
		{name: "Resource and NotResource", in: pol(st("Deny", `"s3:GetObject"`, `"*"`, `"NotResource":"*"`)),
			want: []string{"error:policy-element-conflict"}},
		{name: "empty Action", in: pol(st("Deny", `[]`, `"*"`)), want: []string{"error:policy-empty-value"}},
		{name: "Action a number", in: pol(st("Deny", `5`, `"*"`)), want: []string{"error:policy-structure"}},
		{name: "Action with a number", in: pol(st("Deny", `["s3:GetObject",5]`, `"*"`)), want: []string{"error:policy-structure"}},
		{name: "empty resource", in: pol(st("Deny", `"s3:GetObject"`, `""`)), want: []string{"error:policy-empty-value"}},
		{name: "unknown element", in: pol(st("Deny", `"s3:GetObject"`, `"*"`, `"Principle":"*"`)),
			want: []string{"error:policy-element-unknown"}},
		{name: "unknown top-level element", in: `{"Version":"2012-10-17","Comment":"x","Statement":[` + deny(`"s3:GetObject"`, "") + `]}`,
			want: []string{"error:policy-element-unknown"}},
		{name: "element in another case", in: pol(`{"effect":"Deny","Action":"s3:GetObject","Resource":"*"}`),
			want: []string{"warning:policy-element-case"}},
		{name: "duplicate key", in: pol(deny(`"s3:GetObject"`, `{"StringEquals":{"aws:RequestedRegion":"us-east-1"},"StringEquals":{"aws:PrincipalAccount":"111122223333"}}`)),
			want: []string{"error:policy-json-duplicate-key"}},
		{name: "duplicate Sid", in: pol(`{"Sid":"A","Effect":"Deny","Action":"s3:GetObject","Resource":"*"}`,
			`{"Sid":"A","Effect":"Deny","Action":"s3:PutObject","Resource":"*"}`), want: []string{"error:policy-sid-duplicate"}},
		{name: "Sid with a dash in an identity policy", typ: TypeIdentity,
			in: pol(`{"Sid":"a-b","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`), want: []string{"error:policy-sid-invalid"}},
		{name: "Sid with a dash in an SCP", in: pol(`{"Sid":"a-b","Effect":"Deny","Action":"s3:GetObject","Resource":"*"}`),
			want: []string{"warning:policy-sid-invalid"}},
		{name: "empty Condition", in: pol(deny(`"s3:GetObject"`, `{}`)), want: []string{"warning:policy-condition-empty"}},
		{name: "empty operator block", in: pol(deny(`"s3:GetObject"`, `{"StringEquals":{}}`)), want: []string{"warning:policy-condition-empty"}},
		{name: "empty value list", in: pol(deny(`"s3:GetObject"`, `{"StringEquals":{"aws:RequestedRegion":[]}}`)),
			want: []string{"warning:policy-condition-empty"}},
		{name: "condition value an object", in: pol(deny(`"s3:GetObject"`, `{"StringEquals":{"aws:RequestedRegion":{"a":1}}}`)),
			want: []string{"error:policy-structure"}},
		{name: "Condition a list", in: pol(deny(`"s3:GetObject"`, `[]`)), want: []string{"error:policy-structure"}},
	})
}

func TestLintPolicyTypes(t *testing.T) {
	rcpOK := `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-abc123"}}}`
	runLintCases(t, []lintCase{
		{name: "Principal in an SCP", in: pol(st("Deny", `"s3:GetObject"`, `"*"`, `"Principal":"*"`)),
			want: []string{"error:policy-principal-not-allowed"}, msg: "aws:PrincipalArn"},
		{name: "NotPrincipal in a boundary", typ: TypeBoundary,
			in:   pol(st("Deny", `"s3:GetObject"`, `"*"`, `"NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"}`)),
			want: []string{"error:policy-principal-not-allowed"}},
		{name: "Principal in an identity policy", typ: TypeIdentity,
			in:   pol(st("Allow", `"s3:GetObject"`, `"*"`, `"Principal":{"AWS":"*"}`)),
			want: []string{"error:policy-principal-not-allowed"}},
		{name: "Principal and NotPrincipal", typ: TypeRCP,
			in:   pol(st("Deny", `"s3:GetObject"`, `"*"`, `"Principal":"*"`, `"NotPrincipal":"*"`)),
			want: []string{"error:policy-element-conflict", "error:policy-rcp-notprincipal"}},
		{name: "SCP Allow with NotAction and a condition (legal since 2025-09)",
			in: pol(st("Allow", `"*"`, `"*"`), `{"Effect":"Allow","NotAction":"iam:*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}}`)},
		{name: "clean RCP", typ: TypeRCP, in: pol(rcpOK)},
		{name: "RCP Allow", typ: TypeRCP, in: pol(`{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}`),
			want: []string{"error:policy-rcp-effect"}},
		{name: "RCP without Principal", typ: TypeRCP, in: pol(deny(`"s3:GetObject"`, "")), want: []string{"error:policy-rcp-principal"}},
		{name: "RCP with AWS star", typ: TypeRCP, in: pol(`{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"s3:*","Resource":"*"}`),
			want: []string{"warning:policy-rcp-principal"}},
		{name: "RCP with an account principal", typ: TypeRCP,
			in:   pol(`{"Effect":"Deny","Principal":{"AWS":"111122223333"},"Action":"s3:*","Resource":"*"}`),
			want: []string{"error:policy-rcp-principal"}},
		{name: "RCP NotAction", typ: TypeRCP, in: pol(`{"Effect":"Deny","Principal":"*","NotAction":"s3:GetObject","Resource":"*"}`),
			want: []string{"error:policy-rcp-notaction"}},
		{name: "RCP star action", typ: TypeRCP, in: pol(`{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}`),
			want: []string{"error:policy-rcp-action-all"}},
		{name: "RCP on SageMaker", typ: TypeRCP,
			in:   pol(`{"Effect":"Deny","Principal":"*","Action":["sagemaker:CreateTrainingJob","comprehend:DetectPiiEntities"],"Resource":"*"}`),
			want: []string{"error:policy-rcp-service"}, msg: "RCPs do not apply to sagemaker"},
		{name: "RCP without Version", typ: TypeRCP, in: `{"Statement":[` + rcpOK + `]}`, want: []string{"error:policy-version"}},
	})
}

func TestLintActions(t *testing.T) {
	runLintCases(t, []lintCase{
		{name: "typo in a prefix", in: pol(deny(`"sagemkaer:CreateModel"`, "")), want: []string{"error:policy-service-unknown"},
			msg: `did you mean "sagemaker"?`},
		{name: "unknown prefix", in: pol(deny(`"foobarbaz:DoThing"`, "")), want: []string{"warning:policy-service-unknown"}},
		{name: "unknown action with a suggestion", in: pol(deny(`"sagemaker:CreateTrainingJobs"`, "")),
			want: []string{"error:policy-action-unknown"}, msg: "did you mean sagemaker:CreateTrainingJob?"},
		{name: "no bedrock:Converse", in: pol(deny(`"bedrock:Converse"`, "")), want: []string{"error:policy-action-unknown"}},
		{name: "pattern matching nothing", in: pol(deny(`"sagemaker:Crate*"`, "")), want: []string{"error:policy-action-unknown"},
			msg: "matches no sagemaker action"},
		{name: "NotAction is checked too", in: pol(`{"Effect":"Deny","NotAction":"iam:CreateRoles","Resource":"*"}`),
			want: []string{"error:policy-action-unknown"}},
		{name: "not canonical case in an SCP", in: pol(deny(`"SageMaker:createtrainingjob"`, "")),
			want: []string{"warning:policy-action-case"}, msg: "sagemaker:CreateTrainingJob"},
		{name: "any case in an identity policy", typ: TypeIdentity, in: pol(allow(`"sagemaker:createtrainingjob"`, ""))},
		{name: "partly known service", in: pol(deny(`["lambda:CreateFunction","lambda:NoSuchThing"]`, "")),
			want: []string{"info:policy-not-in-table"}, msg: "lambda:NoSuchThing"},
		{name: "service not in the table", in: pol(deny(`"glue:CreateJob"`, "")), want: []string{"info:policy-not-in-table"},
			msg: "does not cover glue"},
		{name: "not an action", in: pol(deny(`["sagemaker CreateModel","s3:","*:*x"]`, "")),
			want: []string{"error:policy-action-syntax", "error:policy-action-syntax", "info:policy-scp-action-wildcard"}},
		{name: "wildcard before the end in an SCP", in: pol(deny(`"sagemaker:*TrainingJob"`, "")),
			want: []string{"info:policy-scp-action-wildcard"}},
		{name: "wildcards everywhere", in: pol(deny(`["*","s3:*","sagemaker:Create*","sagemaker:Describe?odel"]`, "")),
			want: []string{"info:policy-scp-action-wildcard"}},
		{name: "wildcards anywhere in an identity policy", typ: TypeIdentity, in: pol(allow(`["sagemaker:Describe?odel","sagemaker:*Model"]`, ""))},
	})
}

func TestLintConditionKeys(t *testing.T) {
	runLintCases(t, []lintCase{
		{name: "case-insensitive key", in: pol(deny(`"bedrock:CallWithBearerToken"`, `{"StringEquals":{"bedrock:bearerTokenType":"LONG_TERM"}}`))},
		{name: "tag templates and global keys",
			in: pol(deny(`"sagemaker:CreateTrainingJob"`, `{"StringNotEqualsIfExists":{"aws:PrincipalTag/dp:exclude":"true"},`+
				`"StringEquals":{"aws:RequestTag/team":"a"},"ArnNotLike":{"aws:PrincipalARN":"arn:aws:iam::*:role/BreakGlass"}}`))},
		{name: "unknown service key", in: pol(deny(`"sagemaker:CreateMonitoringSchedule"`, `{"Null":{"sagemaker:ModelMonitorJobDefinitionName":"true"}}`)),
			want: []string{"error:policy-condition-key-unknown"}, msg: "Null is always true"},
		{name: "unknown global key with a suggestion", in: pol(deny(`"s3:GetObject"`, `{"StringEquals":{"aws:RequestedRegions":"us-east-1"}}`)),
			want: []string{"error:policy-condition-key-unknown"}, msg: "did you mean aws:RequestedRegion?"},
		{name: "aws:ARN", in: pol(deny(`"s3:GetObject"`, `{"ArnLike":{"aws:ARN":"arn:aws:iam::*:role/x"}}`)),
			want: []string{"error:policy-condition-key-unknown"}, msg: "aws:PrincipalArn"},
		{name: "key without a prefix", in: pol(deny(`"s3:GetObject"`, `{"StringEquals":{"Region":"us-east-1"}}`)),
			want: []string{"error:policy-condition-key-unknown"}},
		{name: "key of a partly known service", in: pol(deny(`"lambda:CreateFunction"`, `{"StringEquals":{"lambda:Runtime":"python3.13"}}`)),
			want: []string{"info:policy-not-in-table"}, msg: "condition key lambda:Runtime"},
		{name: "key of an uncovered service", in: pol(deny(`"sagemaker:CreateModel"`, `{"Null":{"glue:VpcIds":"true"}}`)),
			want: []string{"info:policy-not-in-table"}},
		{name: "key of an unknown service", in: pol(deny(`"sagemaker:CreateModel"`, `{"Null":{"sagemkaer:VpcSubnets":"true"}}`)),
			want: []string{"error:policy-service-unknown"}},
		{name: "cross-service global key", in: pol(deny(`"s3:GetObject"`, `{"ArnNotLike":{"ec2:SourceInstanceArn":"arn:aws:ec2:*:*:instance/*"}}`))},
	})
}

func TestLintKeySupport(t *testing.T) {
	runLintCases(t, []lintCase{
		{name: "Null true deny on an action without the key",
			in:   pol(deny(`["sagemaker:CreateTrainingJob","sagemaker:CreateTransformJob","sagemaker:CreateEndpoint"]`, `{"Null":{"sagemaker:VpcSubnets":"true"}}`)),
			want: []string{"error:policy-deny-always-matches"}, msg: "2 of the statement's 3 actions do not support sagemaker:VpcSubnets (sagemaker:CreateTransformJob, sagemaker:CreateEndpoint)"},
		{name: "Null true deny on the supporting actions only",
			in: pol(deny(`["sagemaker:CreateTrainingJob","sagemaker:CreateProcessingJob"]`, `{"Null":{"sagemaker:VpcSubnets":"true"}}`))},
		{name: "IfExists in a deny is true when absent",
			in:   pol(deny(`"sagemaker:CreateEndpoint"`, `{"ArnNotLikeIfExists":{"sagemaker:VolumeKmsKey":"arn:aws:kms:*:*:key/*"}}`)),
			want: []string{"error:policy-deny-always-matches"}},
		{name: "negated operator in a deny is true when absent",
			in:   pol(deny(`"bedrock:CreateModelInvocationJob"`, `{"ArnNotLike":{"bedrock:InferenceProfileArn":"arn:aws:bedrock:*:*:inference-profile/eu.*"}}`)),
			want: []string{"error:policy-deny-always-matches"}, msg: "none of the statement's actions supports"},
		{name: "ForAllValues in a deny is true when absent",
			in:   pol(deny(`"sagemaker:CreateEndpoint"`, `{"ForAllValues:StringEquals":{"sagemaker:InstanceTypes":"ml.m5.large"}}`)),
			want: []string{"error:policy-deny-always-matches"}},
		{name: "a negated test guarded by Null false on the same key",
			in: pol(deny(`["sagemaker:CreateTrainingJob","sagemaker:CreateTransformJob"]`,
				`{"Null":{"sagemaker:VpcSubnets":"false"},"ForAnyValue:StringNotEquals":{"sagemaker:VpcSubnets":"subnet-0a1b2c3d"}}`))},
		{name: "a Null false guard on no supporting action",
			in:   pol(deny(`"sagemaker:CreateTransformJob"`, `{"Null":{"sagemaker:VpcSubnets":"false"}}`)),
			want: []string{"warning:policy-condition-key-unsupported"}, msg: "never applies"},
		{name: "a deny that never applies",
			in:   pol(deny(`["sagemaker:CreateTrainingJob","sagemaker:CreateTransformJob"]`, `{"Bool":{"sagemaker:NetworkIsolation":"false"}}`)),
			want: []string{"warning:policy-condition-key-unsupported"}, msg: "never applies"},
		{name: "an allow that grants without the test", typ: TypeIdentity,
			in:   pol(allow(`"sagemaker:CreateTransformJob"`, `{"StringNotEquals":{"sagemaker:RootAccess":"Enabled"}}`)),
			want: []string{"warning:policy-condition-key-unsupported"}, msg: "grants them without"},
		{name: "an allow that never grants", typ: TypeIdentity,
			in:   pol(allow(`"sagemaker:CreateTransformJob"`, `{"StringEquals":{"sagemaker:RootAccess":"Disabled"}}`)),
			want: []string{"warning:policy-condition-key-unsupported"}, msg: "never grants"},
		{name: "resource tag on an action without resources",
			in:   pol(deny(`"sagemaker:ListModels"`, `{"StringEquals":{"aws:ResourceTag/team":"a"}}`)),
			want: []string{"warning:policy-condition-key-unsupported"}},
		{name: "resource tag from the resource type", in: pol(deny(`"sagemaker:DeleteModel"`, `{"StringNotEquals":{"aws:ResourceTag/team":"a"}}`))},
		{name: "service key across services",
			in:   pol(deny(`"sagemaker:CreateTrainingJob"`, `{"StringNotEquals":{"kms:ViaService":"sagemaker.us-east-1.amazonaws.com"}}`)),
			want: []string{"error:policy-deny-always-matches"}},
		{name: "other services' actions are outside the count",
			in:   pol(deny(`["sagemaker:CreateEndpoint","glue:CreateJob"]`, `{"Null":{"sagemaker:VpcSubnets":"true"}}`)),
			want: []string{"error:policy-deny-always-matches", "info:policy-not-in-table"}, msg: "none of the statement's known actions"},
		{name: "NotAction is not checked for support",
			in: pol(`{"Effect":"Deny","NotAction":"sagemaker:CreateTrainingJob","Resource":"*","Condition":{"Null":{"sagemaker:VpcSubnets":"true"}}}`)},
		{name: "wildcard actions expand",
			in:   pol(deny(`"bedrock:InvokeModel*"`, `{"StringNotEquals":{"bedrock:GuardrailIdentifier":"arn:aws:bedrock:us-east-1:111122223333:guardrail/abc:1"}}`)),
			want: []string{"info:policy-condition-operator-type"}},
	})
}

func TestLintOperators(t *testing.T) {
	nb := `"sagemaker:CreateNotebookInstance"`
	tj := `"sagemaker:CreateTrainingJob"`
	runLintCases(t, []lintCase{
		{name: "Bool on a String key", in: pol(deny(nb, `{"Bool":{"sagemaker:DirectInternetAccess":"true"}}`)),
			want: []string{"error:policy-condition-operator-type"}, msg: "Enabled"},
		{name: "String operator on a Bool key", in: pol(deny(tj, `{"StringEquals":{"sagemaker:NetworkIsolation":"false"}}`)),
			want: []string{"warning:policy-condition-operator-type"}},
		{name: "String operator on an ARN key", in: pol(deny(tj, `{"StringNotLike":{"sagemaker:VolumeKmsKey":"arn:aws:kms:*:*:key/*"}}`)),
			want: []string{"info:policy-condition-operator-type"}},
		{name: "Numeric on a String key", in: pol(deny(tj, `{"NumericLessThan":{"sagemaker:FileSystemType":"3"}}`)),
			want: []string{"error:policy-condition-operator-type"}},
		{name: "ARN operator on a String key", in: pol(deny(`"s3:GetObject"`, `{"ArnLike":{"aws:RequestedRegion":"arn:aws:ec2:*"}}`)),
			want: []string{"error:policy-condition-operator-type"}},
		{name: "fitting operators", in: pol(deny(tj, `{"NumericGreaterThan":{"sagemaker:MaxRuntimeInSeconds":"86400"},`+
			`"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:db8::/32"]},"DateGreaterThan":{"aws:CurrentTime":"2026-01-31T00:00:00Z"},`+
			`"NumericLessThan":{"aws:EpochTime":"1800000000"},"Bool":{"aws:SecureTransport":false}}`))},
		{name: "unknown operator", in: pol(deny(tj, `{"StringEqual":{"aws:RequestedRegion":"us-east-1"}}`)),
			want: []string{"error:policy-condition-operator-unknown"}},
		{name: "unknown set prefix", in: pol(deny(tj, `{"ForSomeValues:StringEquals":{"aws:TagKeys":"a"}}`)),
			want: []string{"error:policy-condition-operator-unknown"}},
		{name: "operator in another case", in: pol(deny(tj, `{"stringEquals":{"aws:RequestedRegion":"us-east-1"}}`)),
			want: []string{"warning:policy-condition-operator-case"}},
		{name: "NullIfExists", in: pol(deny(tj, `{"NullIfExists":{"sagemaker:VpcSubnets":"true"}}`)),
			want: []string{"error:policy-condition-null-ifexists"}},
		{name: "set operator on a single-valued key", in: pol(deny(tj, `{"ForAnyValue:StringEquals":{"aws:RequestedRegion":"us-east-1"}}`)),
			want: []string{"warning:policy-condition-set-operator"}},
		{name: "multivalued key without a set operator", in: pol(deny(tj, `{"StringNotLike":{"sagemaker:InstanceTypes":"ml.m5.*"}}`)),
			want: []string{"warning:policy-condition-multivalued"}},
		{name: "Null on a multivalued key needs no set operator", in: pol(deny(tj, `{"Null":{"sagemaker:InstanceTypes":"true"}}`))},
		{name: "ForAllValues in an allow without Null false", typ: TypeIdentity,
			in:   pol(allow(tj, `{"ForAllValues:StringEquals":{"sagemaker:InstanceTypes":"ml.m5.large"}}`)),
			want: []string{"warning:policy-condition-forallvalues-allow"}},
		{name: "ForAllValues in an allow with Null false", typ: TypeIdentity,
			in: pol(allow(tj, `{"ForAllValues:StringEquals":{"sagemaker:InstanceTypes":"ml.m5.large"},"Null":{"sagemaker:InstanceTypes":"false"}}`))},
	})
}

func TestLintValues(t *testing.T) {
	tj := `"sagemaker:CreateTrainingJob"`
	runLintCases(t, []lintCase{
		{name: "Null not boolean", in: pol(deny(tj, `{"Null":{"sagemaker:VpcSubnets":"yes"}}`)), want: []string{"error:policy-condition-value"}},
		{name: "Bool not boolean", in: pol(deny(tj, `{"Bool":{"aws:SecureTransport":"no"}}`)), want: []string{"warning:policy-condition-value"}},
		{name: "not a number", in: pol(deny(tj, `{"NumericLessThan":{"sagemaker:MaxRuntimeInSeconds":"a day"}}`)),
			want: []string{"warning:policy-condition-value"}},
		{name: "not an IP", in: pol(deny(tj, `{"NotIpAddress":{"aws:SourceIp":"<corporate-cidr>"}}`)), want: []string{"warning:policy-condition-value"}},
		{name: "not a date", in: pol(deny(tj, `{"DateLessThan":{"aws:CurrentTime":"tomorrow"}}`)), want: []string{"warning:policy-condition-value"}},
		{name: "not an ARN", in: pol(deny(tj, `{"ArnNotLike":{"aws:PrincipalArn":"role/admin"}}`)), want: []string{"warning:policy-condition-value"}},
		{name: "wildcard with StringEquals", in: pol(deny(tj, `{"StringEquals":{"aws:RequestedRegion":"eu-*"}}`)),
			want: []string{"warning:policy-condition-wildcard"}},
		{name: "wildcard in a sensitive key", in: pol(deny(tj, `{"StringNotLike":{"aws:PrincipalOrgID":"o-*"}}`)),
			want: []string{"warning:policy-condition-sensitive-wildcard"}},
		{name: "policy variable", in: pol(deny(`"s3:PutObject"`, `{"StringNotEquals":{"aws:ResourceTag/owner":"${aws:username}"}}`))},
		{name: "unreplaced placeholder", in: pol(deny(`"s3:PutObject"`, `{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::${ACCOUNT_ID}:role/x"}}`)),
			want: []string{"warning:policy-variable-unknown"}, msg: "${ACCOUNT_ID}"},
		{name: "variable without Version", typ: TypeIdentity,
			in:   `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}]}`,
			want: []string{"warning:policy-version", "warning:policy-version"}},
	})
}

func TestLintResources(t *testing.T) {
	res := func(arns string) string { return pol(st("Deny", `"*"`, arns)) }
	runLintCases(t, []lintCase{
		{name: "good ARNs", in: res(`["arn:aws:s3:::bucket/*","arn:aws:s3:::bucket","arn:aws:iam::123456789012:role/x",` +
			`"arn:aws:iam::aws:policy/ReadOnlyAccess","arn:aws:bedrock:::foundation-model/anthropic.claude",` +
			`"arn:aws:bedrock:*::foundation-model/*","arn:aws:bedrock:us-east-1:123456789012:inference-profile/eu.x",` +
			`"arn:*:sagemaker:*:*:*","arn:aws:sagemaker:us-east-1:123456789012:training-job/*","arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/*",` +
			`"arn:aws:iam::*:role/${aws:PrincipalTag/team}-*","arn:aws:glue:us-east-1:123456789012:job/x"]`)},
		{name: "not an ARN", in: res(`"my-bucket"`), want: []string{"error:policy-resource-arn"}},
		{name: "fields missing", in: res(`"arn:aws:s3"`), want: []string{"error:policy-resource-arn"}, msg: "3 of the 6"},
		{name: "bad partition", in: res(`"arn:amazon:s3:::b"`), want: []string{"error:policy-resource-arn"}},
		{name: "bad Region", in: res(`"arn:aws:sagemaker:useast1:123456789012:model/x"`), want: []string{"error:policy-resource-arn"}},
		{name: "bad account", in: res(`"arn:aws:sagemaker:us-east-1:12345:model/x"`), want: []string{"error:policy-resource-arn"}},
		{name: "IAM with a Region", in: res(`"arn:aws:iam:us-east-1:123456789012:role/x"`), want: []string{"error:policy-resource-arn"},
			msg: "iam ARNs have no Region"},
		{name: "SageMaker without a Region", in: res(`"arn:aws:sagemaker::123456789012:training-job/x"`),
			want: []string{"error:policy-resource-arn"}, msg: "every sagemaker ARN has a Region"},
		{name: "unknown resource type", in: res(`"arn:aws:sagemaker:us-east-1:123456789012:trainingjob/x"`),
			want: []string{"error:policy-resource-arn"}, msg: "fits no sagemaker resource type"},
		{name: "foundation model with an account", in: res(`"arn:aws:bedrock:us-east-1:123456789012:foundation-model/x"`),
			want: []string{"error:policy-resource-arn"}},
		{name: "unknown variable in a resource", in: res(`"arn:aws:s3:::${BUCKET}/*"`), want: []string{"warning:policy-variable-unknown"}},
	})
}

func TestLintPassRole(t *testing.T) {
	runLintCases(t, []lintCase{
		{name: "PassRole on every role", typ: TypeIdentity, in: pol(allow(`"iam:PassRole"`, "")),
			want: []string{"warning:policy-passrole-wildcard"}},
		{name: "PassRole through iam:*", typ: TypeBoundary, in: pol(allow(`"iam:*"`, "")),
			want: []string{"warning:policy-passrole-wildcard"}},
		{name: "PassRole with PassedToService", typ: TypeIdentity,
			in: pol(allow(`"iam:PassRole"`, `{"StringEquals":{"iam:PassedToService":"sagemaker.amazonaws.com"}}`))},
		{name: "PassRole on named roles", typ: TypeIdentity, in: pol(st("Allow", `"iam:PassRole"`, `"arn:aws:iam::123456789012:role/exec"`))},
	})
}

// bigPolicy returns a policy of n statements with long Sids, pretty-printed
// when indent is set.
func bigPolicy(n int, indent bool) string {
	var stmts []string
	for i := 0; i < n; i++ {
		stmts = append(stmts, fmt.Sprintf(`{"Sid":"S%050d","Effect":"Deny","Action":"sagemaker:CreateTrainingJob","Resource":"*"}`, i))
	}
	s := pol(stmts...)
	if indent {
		s = strings.ReplaceAll(s, ",", ",\n            ")
	}
	return s
}

func TestLintSize(t *testing.T) {
	// One statement is 131 characters minified, with its comma.
	runLintCases(t, []lintCase{
		{name: "SCP under the quota", in: bigPolicy(38, false)},
		{name: "SCP over the quota", in: bigPolicy(50, false), want: []string{"error:policy-size"}, msg: "quota is 5120"},
		{name: "SCP over only as written", in: bigPolicy(38, true), want: []string{"warning:policy-size"}, msg: "upload the minified JSON"},
		{name: "RCP over the quota", typ: TypeRCP, in: strings.NewReplacer(`"Effect":"Deny"`, `"Effect":"Deny","Principal":"*"`,
			"sagemaker:CreateTrainingJob", "s3:GetObject").Replace(bigPolicy(50, false)),
			want: []string{"error:policy-size"}},
		{name: "boundary over the quota", typ: TypeBoundary, in: bigPolicy(60, true), want: []string{"error:policy-size"},
			msg: "whitespace not counted"},
		{name: "identity above a managed policy", typ: TypeIdentity, in: bigPolicy(60, true), want: []string{"warning:policy-size"}},
		{name: "identity over the inline quota", typ: TypeIdentity, in: bigPolicy(100, false), want: []string{"error:policy-size"}},
	})
	l := &Linter{MaxChars: 10240}
	if fs := l.LintData([]byte(bigPolicy(50, false)), TypeSCP); len(fs) != 0 {
		t.Errorf("with MaxChars 10240: %v", fs)
	}
}

func TestLintNilAndBadType(t *testing.T) {
	if fs := Lint(nil, TypeSCP); len(fs) != 1 || fs[0].Severity != SeverityError {
		t.Errorf("Lint(nil) = %v", fs)
	}
	d, _ := Parse([]byte(pol(deny(`"s3:GetObject"`, ""))))
	if fs := Lint(d, "resource"); len(fs) != 1 || fs[0].Code != "policy-type" {
		t.Errorf("Lint with a bad type = %v", fs)
	}
	if fs := Lint(&Document{}, TypeSCP); !findings.HasErrors(fs) {
		t.Errorf("Lint(empty Document) = %v; want errors", fs)
	}
}

func TestFindingString(t *testing.T) {
	tests := []struct {
		f    Finding
		want string
	}{
		{Finding{Severity: SeverityError, Code: "c", Message: "m", Location: "S", Line: 3}, "error: c: m (S, line 3)"},
		{Finding{Severity: SeverityWarning, Code: "c", Message: "m", Location: "S"}, "warning: c: m (S)"},
		{Finding{Severity: SeverityInfo, Code: "c", Message: "m", Line: 2}, "info: c: m (line 2)"},
		{Finding{Severity: SeverityInfo, Code: "c", Message: "m"}, "info: c: m"},
	}
	for _, tt := range tests {
		if got := tt.f.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func TestLocationAndLines(t *testing.T) {
	in := "{\"Version\":\"2012-10-17\",\"Statement\":[\n" +
		"{\"Effect\":\"Deny\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"},\n" +
		"{\"Sid\":\"Named\",\"Effect\":\"Deny\",\n\"Action\":\"s3:NoSuch\",\"Resource\":\"*\"},\n" +
		"{\"Effect\":\"Deny\",\"Action\":\"s3:NoSuch2\",\"Resource\":\"*\"}]}"
	fs := LintData([]byte(in), TypeSCP)
	if len(fs) != 2 || fs[0].Location != "Named" || fs[0].Line != 4 || fs[1].Location != "statement 3" || fs[1].Line != 5 {
		t.Errorf("locations:\n%s", findingsText(fs))
	}
}
