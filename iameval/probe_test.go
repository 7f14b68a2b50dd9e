package iameval

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/iampolicy"
	"github.com/aiguard/aiguard/internal/testenv/refdata"
)

func TestProbe(t *testing.T) {
	e := evaluator(t)
	const bg = `"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/break-glass"}`
	nb := `"sagemaker:CreateNotebookInstance"`
	tests := []struct {
		name       string
		policy     string
		companions []string
		want       []string // codes, in order; none for a sound policy
		message    string   // a fragment of the first finding
	}{
		{
			// A public SageMaker SCP does exactly this: it means "root access
			// must be disabled" but denies the notebooks that disable it.
			name:    "root access tested the wrong way round",
			policy:  deny(nb, `"*"`, `{"StringNotEquals":{"sagemaker:RootAccess":"Enabled"}}`),
			want:    []string{CodeBlocksSecure, CodeAllowsInsecure},
			message: `sagemaker:CreateNotebookInstance with sagemaker:RootAccess "Disabled" is denied`,
		},
		{
			name:   "root access tested right",
			policy: deny(nb, `"*"`, `{"StringNotEquals":{"sagemaker:RootAccess":"Disabled"},`+bg+`}`),
		},
		{
			// Another public one: Bool without IfExists or a Null companion
			// is skipped by leaving the field out.
			name:    "traffic encryption without IfExists",
			policy:  deny(`"sagemaker:CreateTrainingJob"`, `"*"`, `{"Bool":{"sagemaker:InterContainerTrafficEncryption":"false"}}`),
			want:    []string{CodeSkippable},
			message: "leaving sagemaker:InterContainerTrafficEncryption out: sagemaker:CreateTrainingJob without it is allowed",
		},
		{
			name:   "traffic encryption with IfExists",
			policy: deny(`"sagemaker:CreateTrainingJob"`, `"*"`, `{"BoolIfExists":{"sagemaker:InterContainerTrafficEncryption":"false"}}`),
		},
		{
			name:   "subnet list alone is skipped without a VPC",
			policy: deny(`"sagemaker:CreateTrainingJob"`, `"*"`, `{"ForAnyValue:StringNotEquals":{"sagemaker:VpcSubnets":["subnet-0aa"]}}`),
			want:   []string{CodeSkippable},
		},
		{
			name: "subnet list with a Null test in another SCP",
			policy: deny(`"sagemaker:CreateTrainingJob"`, `"*"`,
				`{"ForAnyValue:StringNotEquals":{"sagemaker:VpcSubnets":["subnet-0aa"]}}`),
			companions: []string{deny(`"sagemaker:CreateTrainingJob"`, `"*"`, `{"Null":{"sagemaker:VpcSubnets":"true"}}`)},
		},
		{
			name:   "Null alone: any subnet is secure",
			policy: deny(`"sagemaker:CreateTrainingJob"`, `"*"`, `{"Null":{"sagemaker:VpcSubnets":"true"}}`),
		},
		{
			name: "domain lockdown with ANDed conditions",
			policy: deny(`"sagemaker:CreateDomain"`, `"*"`, `{"StringNotEquals":{"sagemaker:AppNetworkAccessType":"VpcOnly"},`+
				`"Null":{"sagemaker:VpcSubnets":"true"}}`),
			want: []string{CodeAllowsInsecure, CodeSkippable},
		},
		{
			name:   "guardrail required",
			policy: deny(`["bedrock:InvokeModel","bedrock:InvokeModelWithResponseStream"]`, `"*"`, `{"ArnNotEquals":{"bedrock:GuardrailIdentifier":"arn:aws:bedrock:us-east-1:111122223333:guardrail/gr:2"}}`),
		},
		{
			name:   "a bad guardrail denied, none required",
			policy: deny(`"bedrock:InvokeModel"`, `"*"`, `{"ArnEquals":{"bedrock:GuardrailIdentifier":"arn:aws:bedrock:us-east-1:111122223333:guardrail/weak:1"}}`),
			want:   []string{CodeSkippable},
		},
		{
			name: "Regions",
			policy: `{"Version":"2012-10-17","Statement":[{"Sid":"R","Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"*",` +
				`"Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1"]}}}]}`,
		},
		{
			name:   "boundary required on CreateRole",
			policy: deny(`["iam:CreateRole","iam:DeleteRolePermissionsBoundary"]`, `"*"`, `{"ArnNotLike":{"iam:PermissionsBoundary":"arn:aws:iam::*:policy/team-boundary"}}`),
		},
		{
			name:   "boundary: only one bad policy denied",
			policy: deny(`"iam:CreateRole"`, `"*"`, `{"ArnEquals":{"iam:PermissionsBoundary":"arn:aws:iam::111122223333:policy/admin"}}`),
			want:   []string{CodeSkippable},
		},
		{
			name:   "a principal tag decides: not probed",
			policy: deny(nb, `"*"`, `{"StringEquals":{"aws:PrincipalTag/team":"red","sagemaker:RootAccess":"Enabled"}}`),
		},
		{
			name: "an exemption tag: probed",
			policy: deny(nb, `"*"`, `{"StringNotEqualsIfExists":{"aws:PrincipalTag/exclude":"true"},`+
				`"StringEquals":{"sagemaker:RootAccess":"Enabled"}}`),
			want: []string{CodeSkippable},
		},
		{
			name: "Allow statements of an identity policy are not probed",
			policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sagemaker:CreateNotebookInstance","Resource":"*",` +
				`"Condition":{"StringEquals":{"sagemaker:RootAccess":"Enabled"}}}]}`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var comps []*iampolicy.Document
			for _, c := range tc.companions {
				d, err := iampolicy.Parse([]byte(c))
				if err != nil {
					t.Fatal(err)
				}
				comps = append(comps, d)
			}
			fs := e.ProbeData([]byte(tc.policy), iampolicy.TypeSCP, comps...)
			var got []string
			for _, f := range fs {
				got = append(got, f.Code)
				if f.Severity != iampolicy.SeverityError || f.Location == "" {
					t.Errorf("finding %+v: want an error at a statement", f)
				}
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("codes %v, want %v\n%v", got, tc.want, fs)
			}
			if tc.message != "" && (len(fs) == 0 || !strings.Contains(fs[0].Message, tc.message)) {
				t.Errorf("message %v lacks %q", fs, tc.message)
			}
		})
	}
}

// TestProbeReferenceExamples probes the public example policies of the
// reference data's scp-examples folder (skipped when absent) and checks
// what the notes say of them.
func TestProbeReferenceExamples(t *testing.T) {
	dir := refdata.Path(t, "scp-examples")
	want := map[string][]string{
		// The conditions are ANDed: a public domain with subnets passes, and
		// so does one that leaves the access type out (default public).
		"sagemaker-studio-lockdown-domain-vpconly.scp.json": {CodeAllowsInsecure, CodeSkippable},
		// StringEquals "Enabled": leaving DirectInternetAccess out (default
		// Enabled) is allowed.
		"data-perimeter-restrict-nonvpc-deployment.scp.json":      {CodeSkippable},
		"sagemaker-studio-limit-notebook-instance-types.scp.json": nil,
		// The break-glass ARN holds the template placeholder ${Account}: a
		// variable without a value makes the statement invalid, so the
		// Region deny never applies.
		"region-deny-with-bedrock-cris-exception.scp.json": {CodeAllowsInsecure},
		"bedrock-deny-models-except-approved.scp.json":     nil,
	}
	e := evaluator(t)
	for file, codes := range want {
		data, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		var got []string
		for _, f := range e.ProbeData(data, iampolicy.TypeSCP) {
			got = append(got, f.Code)
			t.Logf("%s: %s: %s: %s", file, f.Location, f.Code, f.Message)
		}
		if strings.Join(got, ",") != strings.Join(codes, ",") {
			t.Errorf("%s: codes %v, want %v", file, got, codes)
		}
	}
}
