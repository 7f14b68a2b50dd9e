package scan

// Regression tests for the readers (every hostile input of issue 11 is
// reproduced here) and for how template resources are judged.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/configitem"
	"github.com/aiguard/aiguard/internal/testenv/rulecases"
	"github.com/aiguard/aiguard/orgspec"
	"github.com/aiguard/aiguard/rules"
)

// scanBytes scans data given as one input file named name.
func scanBytes(t *testing.T, name string, data []byte, opts Options) (*Summary, []Result) {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	srcs, _, err := Prepare([]Input{{Path: path}}, nil)
	if err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	if opts.Now.IsZero() {
		opts.Now = testNow
	}
	var sink collectSink
	sum, err := Run(context.Background(), srcs, opts, &sink)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return sum, sink.results
}

// collectSink keeps every result, copying what the scan reuses (Sink).
type collectSink struct{ results []Result }

func (c *collectSink) Result(r *Result) error {
	kept := *r
	kept.Evaluations, kept.Details = slices.Clone(r.Evaluations), slices.Clone(r.Details)
	c.results = append(c.results, kept)
	return nil
}

// verdict finds the evaluation of a rule on a resource.
func verdict(t *testing.T, results []Result, ruleID, resource string) (rules.Evaluation, Detail) {
	t.Helper()
	for _, r := range results {
		for i, e := range r.Evaluations {
			if e.RuleID == ruleID && e.ResourceID == resource {
				return e, r.Details[i]
			}
		}
	}
	t.Fatalf("no evaluation of %s on %s", ruleID, resource)
	return rules.Evaluation{}, Detail{}
}

func TestHostileInputsDoNotPanic(t *testing.T) {
	digits := append([]byte("["), bytes.Repeat([]byte("7"), 9<<20)...)
	for _, tc := range []struct {
		name string
		data []byte
		want string // a problem containing this
	}{
		{"trailing scalar after the array", []byte(`{"configurationItems":[],"x":12`), "unexpected end of input"},
		{"a number too large to keep", digits, "larger than"},
		{"deep nesting", append([]byte(`{"configurationItems":[`), bytes.Repeat([]byte("["), 20000)...), "nested more than"},
		{"truncated inside a string", []byte(`{"configurationItems":[{"resourceType":"AWS::S3::Bucket","resourceId":"b`), "unexpected end of input"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sum, _ := scanBytes(t, "in.json", tc.data, Options{})
			if sum.Skipped == 0 || !strings.Contains(sum.Problems[0].Error(), tc.want) {
				t.Errorf("problems %v, want one containing %q", sum.Problems, tc.want)
			}
		})
	}
}

// TestTruncatedAtEveryByte cuts a real snapshot at every byte: the scan
// keeps the items before the cut and reports where it broke, never
// panics.
func TestTruncatedAtEveryByte(t *testing.T) {
	data, err := io.ReadAll(gunzipped(t, fixture("snapshot.json.gz")))
	if err != nil {
		t.Fatal(err)
	}
	// Every 7th byte: every kind of place a cut can fall (inside a key, a
	// string, an escape, a number, between items) comes up many times.
	step := 7
	if testing.Short() {
		step = 97
	}
	reg := rules.Catalog()
	for cut := 1; cut < len(data); cut += step {
		srcs, _, err := Prepare([]Input{{Path: "-"}}, bytes.NewReader(data[:cut]))
		if err != nil {
			continue // too little to recognise
		}
		sum, err := Run(context.Background(), srcs, Options{Registry: reg, Now: testNow, Workers: 1}, discardSink{})
		if err != nil {
			t.Fatalf("cut at %d: %v", cut, err)
		}
		if sum.Skipped == 0 {
			t.Fatalf("cut at %d of %d: no problem reported", cut, len(data))
		}
	}
}

func TestBlankLinesBeforeContent(t *testing.T) {
	blank := bytes.Repeat([]byte("\n"), 1<<20+10)
	ci := `{"resourceType":"AWS::SageMaker::NotebookInstance","resourceId":"nb","configurationItemStatus":"OK",` +
		`"configuration":{"DirectInternetAccess":"Enabled"}}`
	sum, results := scanBytes(t, "items.ndjson", append(append(blank, ci...), '\n'), Options{})
	if sum.CIs != 1 || sum.Evaluated != 1 {
		t.Fatalf("NDJSON after %d blank lines: %d items, %d evaluated", len(blank), sum.CIs, sum.Evaluated)
	}
	if got := results[0].Pos.Line; got != len(blank)+1 {
		t.Errorf("the item is at line %d, want %d", got, len(blank)+1)
	}
	tpl := "Resources:\n  Nb:\n    Type: AWS::SageMaker::NotebookInstance\n    Properties:\n      DirectInternetAccess: Enabled\n"
	sum, results = scanBytes(t, "t.yaml", append(append([]byte{}, blank...), tpl...), Options{})
	if sum.Evaluated != 1 {
		t.Fatalf("template after blank lines: %d evaluated", sum.Evaluated)
	}
	_, d := verdict(t, results, "sagemaker-notebook-no-direct-internet", "Nb")
	if d.Where.Line != len(blank)+5 {
		t.Errorf("DirectInternetAccess at line %d, want %d", d.Where.Line, len(blank)+5)
	}
	sum, _ = scanBytes(t, "empty.json", blank, Options{})
	if sum.CIs != 0 || sum.Inputs[0].Kind != KindEmpty {
		t.Errorf("only blank lines: %+v", sum.Inputs[0])
	}
}

func TestDuplicateKeyItemIsMalformed(t *testing.T) {
	ci := `{"resourceType":"AWS::SageMaker::NotebookInstance","resourceId":"nb","configurationItemStatus":"OK",` +
		`"configuration":{"DirectInternetAccess":"Disabled","DirectInternetAccess":"Enabled"}}` + "\n"
	sum, _ := scanBytes(t, "dup.ndjson", []byte(ci), Options{})
	if sum.Skipped != 1 || !strings.Contains(sum.Problems[0].Error(), `duplicate key "DirectInternetAccess"`) {
		t.Errorf("problems %v", sum.Problems)
	}
}

func TestRefusesFIFO(t *testing.T) {
	if _, err := Open("/dev/zero", nil); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("Open(/dev/zero) = %v", err)
	}
}

func TestTemplateSyntaxErrors(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		line       int
		want       string
	}{
		{"trailing-comma.json", "{\n  \"Resources\": {\n    \"B\": {\"Type\": \"AWS::S3::Bucket\"},\n  }\n}\n", 3, "trailing comma"},
		{"indent.yaml", "Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: a\n" +
			"  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: b\n" +
			"  C:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: c\n     Tags: []\n", 14, "YAML"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sum, _ := scanBytes(t, tc.name, []byte(tc.body), Options{})
			if sum.Skipped != 1 || sum.Problems[0].Pos.Line != tc.line || !strings.Contains(sum.Problems[0].Error(), tc.want) {
				t.Errorf("problems %v, want one at line %d containing %q", sum.Problems, tc.line, tc.want)
			}
		})
	}
}

// judgeTemplate scans a YAML template and returns its results.
func judgeTemplate(t *testing.T, body string, opts Options) []Result {
	t.Helper()
	sum, results := scanBytes(t, "t.yaml", []byte(body), opts)
	if sum.Skipped > 0 {
		t.Fatalf("problems: %v", sum.Problems)
	}
	return results
}

func TestUnresolvedValuesThatDoNotDecide(t *testing.T) {
	res := judgeTemplate(t, `
Parameters:
  Subnet: {Type: AWS::EC2::Subnet::Id}
Resources:
  Model:
    Type: AWS::SageMaker::Model
    Properties:
      ExecutionRoleArn: arn:aws:iam::111122223333:role/r
  Config:
    Type: AWS::SageMaker::EndpointConfig
    Properties:
      ProductionVariants:
        - VariantName: !GetAtt Model.ModelName
          ModelName: !GetAtt Model.ModelName
          InstanceType: ml.m5.large
          InitialInstanceCount: 2
  Notebook:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
      RoleArn: arn:aws:iam::111122223333:role/r
      SubnetId: !Ref Subnet
      DirectInternetAccess: Disabled
`, Options{})
	for _, tc := range []struct{ rule, resource, annotation string }{
		{"sagemaker-endpoint-config-cmk-encrypted", "Config", "KmsKeyId is not set"},
		{"sagemaker-notebook-in-vpc", "Notebook", "no security group"},
	} {
		ev, _ := verdict(t, res, tc.rule, tc.resource)
		if ev.Compliance != rules.NonCompliant || !strings.Contains(ev.Annotation, tc.annotation) {
			t.Errorf("%s on %s: %s %q; the failing facts are literal, want NON_COMPLIANT", tc.rule, tc.resource, ev.Compliance, ev.Annotation)
		}
	}
	// A value that does decide: with allowed subnets, the unresolved
	// SubnetId could be one of them.
	res = judgeTemplate(t, `
Parameters:
  Subnet: {Type: AWS::EC2::Subnet::Id}
Resources:
  Notebook:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      SubnetId: !Ref Subnet
      SecurityGroupIds: [sg-0123456789abcdef0]
      DirectInternetAccess: !Ref Access
`, Options{Params: map[string]string{"allowedSubnetIds": "subnet-0123456789abcdef0"}})
	if ev, d := verdict(t, res, "sagemaker-notebook-in-vpc", "Notebook"); ev.Compliance == rules.NonCompliant {
		t.Errorf("in-vpc with an unresolved subnet and allowedSubnetIds: %s %q (%s)", ev.Compliance, ev.Annotation, d.Where.Property)
	}
	if ev, _ := verdict(t, res, "sagemaker-notebook-no-direct-internet", "Notebook"); ev.Compliance != rules.NotApplicable ||
		!strings.Contains(ev.Annotation, "Properties.DirectInternetAccess (!Ref Access)") {
		t.Errorf("no-direct-internet with DirectInternetAccess unresolved: %s %q", ev.Compliance, ev.Annotation)
	}
}

func TestConditionsAndDefaults(t *testing.T) {
	res := judgeTemplate(t, `
Parameters:
  KeyArn: {Type: String, Default: ""}
  Env: {Type: String, AllowedValues: [dev, prod]}
  Isolate: {Type: String, Default: "true"}
Conditions:
  HasKey: !Not [!Equals [!Ref KeyArn, ""]]
  Prod: !Equals [!Ref Env, prod]
  Always: !Equals [a, a]
Mappings:
  Sizes:
    default: {count: "2"}
Resources:
  Domain:
    Type: AWS::SageMaker::Domain
    Properties:
      DomainName: d
      AuthMode: IAM
      VpcId: vpc-1
      SubnetIds: [subnet-1]
      AppNetworkAccessType: VpcOnly
      KmsKeyId: !If [HasKey, !Ref KeyArn, !Ref AWS::NoValue]
  Model:
    Type: AWS::SageMaker::Model
    Properties: !If
      - Prod
      - ExecutionRoleArn: arn:aws:iam::111122223333:role/r
        EnableNetworkIsolation: true
        VpcConfig: {Subnets: [subnet-1], SecurityGroupIds: [sg-1]}
      - ExecutionRoleArn: arn:aws:iam::111122223333:role/r
        EnableNetworkIsolation: false
        VpcConfig: {Subnets: [subnet-1], SecurityGroupIds: [sg-1]}
  Config:
    Type: AWS::SageMaker::EndpointConfig
    Properties:
      KmsKeyId: !If [Always, arn:aws:kms:us-east-1:111122223333:key/k, !Ref AWS::NoValue]
      ProductionVariants:
        - VariantName: all
          ModelName: m
          InstanceType: !Select [1, [ml.t2.medium, ml.m5.large]]
          InitialInstanceCount: !FindInMap [Sizes, default, count]
  Isolated:
    Type: AWS::SageMaker::Model
    Properties:
      ExecutionRoleArn: arn:aws:iam::111122223333:role/r
      EnableNetworkIsolation: !Ref Isolate
      VpcConfig: {Subnets: [subnet-1], SecurityGroupIds: [sg-1]}
`, Options{})
	ev, _ := verdict(t, res, "sagemaker-domain-cmk-encrypted", "Domain")
	if ev.Compliance != rules.NonCompliant || !strings.Contains(ev.Annotation, `parameter KeyArn at its default ""`) {
		t.Errorf("KmsKeyId !If on a default: %s %q, want NON_COMPLIANT judged at the default", ev.Compliance, ev.Annotation)
	}
	ev, _ = verdict(t, res, "sagemaker-model-network-isolation", "Model")
	if ev.Compliance != rules.NotApplicable || !strings.Contains(ev.Annotation, "Depends on condition Prod") {
		t.Errorf("Properties !If on an unknown condition: %s %q", ev.Compliance, ev.Annotation)
	}
	if ev, _ := verdict(t, res, "sagemaker-model-in-vpc", "Model"); ev.Compliance != rules.Compliant {
		t.Errorf("both branches in a VPC: %s %q", ev.Compliance, ev.Annotation)
	}
	for _, id := range []string{"sagemaker-endpoint-config-cmk-encrypted", "sagemaker-endpoint-config-multi-instance"} {
		if ev, _ := verdict(t, res, id, "Config"); ev.Compliance != rules.Compliant {
			t.Errorf("%s with constant intrinsics: %s %q", id, ev.Compliance, ev.Annotation)
		}
	}
	if ev, _ := verdict(t, res, "sagemaker-model-network-isolation", "Isolated"); ev.Compliance != rules.Compliant ||
		!strings.Contains(ev.Annotation, `parameter Isolate at its default "true"`) {
		t.Errorf("a default: %s %q", ev.Compliance, ev.Annotation)
	}
	// --parameter overrides the default, with no note.
	res = judgeTemplate(t, `
Parameters:
  Isolate: {Type: String, Default: "true"}
Resources:
  Isolated:
    Type: AWS::SageMaker::Model
    Properties:
      ExecutionRoleArn: arn:aws:iam::111122223333:role/r
      EnableNetworkIsolation: !Ref Isolate
`, Options{TemplateParams: map[string]string{"Isolate": "false"}})
	if ev, _ := verdict(t, res, "sagemaker-model-network-isolation", "Isolated"); ev.Compliance != rules.NonCompliant ||
		strings.Contains(ev.Annotation, "default") {
		t.Errorf("--parameter Isolate=false: %s %q", ev.Compliance, ev.Annotation)
	}
}

func TestMLScopeByReference(t *testing.T) {
	res := judgeTemplate(t, `
Resources:
  Artifacts:
    Type: AWS::S3::Bucket
  Unrelated:
    Type: AWS::S3::Bucket
  Key:
    Type: AWS::KMS::Key
  Model:
    Type: AWS::SageMaker::Model
    Properties:
      ExecutionRoleArn: arn:aws:iam::111122223333:role/r
      PrimaryContainer:
        Image: i
        ModelDataUrl: !Sub "s3://${Artifacts}/model.tar.gz"
  Notebook:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      KmsKeyId: !GetAtt Key.Arn
`, Options{})
	ev, _ := verdict(t, res, "s3-ml-bucket-access-logging", "Artifacts")
	if ev.Compliance != rules.NonCompliant ||
		!strings.Contains(ev.Annotation, "In ML scope: used by AWS::SageMaker::Model Model (PrimaryContainer.ModelDataUrl)") {
		t.Errorf("bucket a model reads: %s %q", ev.Compliance, ev.Annotation)
	}
	if ev, _ := verdict(t, res, "s3-ml-bucket-access-logging", "Unrelated"); ev.Compliance != rules.NotApplicable {
		t.Errorf("a bucket no AI resource uses: %s %q", ev.Compliance, ev.Annotation)
	}
	if ev, _ := verdict(t, res, "kms-ml-key-policy-restricted", "Key"); ev.Compliance == rules.NotApplicable {
		t.Errorf("a key a notebook encrypts with: %s %q", ev.Compliance, ev.Annotation)
	}
}

// suppressedLab is a notebook whose metadata suppresses three rules: one
// with a reason, one without (ignored), one expired (ignored).
const suppressedLab = `
Resources:
  Lab:
    Type: AWS::SageMaker::NotebookInstance
    Metadata:
      aiguard:
        skip:
          - rule: sagemaker-notebook-no-direct-internet
            reason: isolated lab account, approved in SEC-123
            expires: "2027-01-31"
          - rule: sagemaker-notebook-root-access-disabled
            expires: "2027-01-31"
          - rule: sagemaker-notebook-lifecycle-config
            reason: old
            expires: "2020-01-01"
    Properties:
      DirectInternetAccess: Enabled
      RootAccess: Enabled
`

func TestSuppressions(t *testing.T) {
	res := judgeTemplate(t, suppressedLab, Options{SkipRules: []string{"sagemaker-notebook-in-vpc"}, Params: map[string]string{rules.ExemptParam: "Lab@2027-06-30"}})
	for _, tc := range []struct {
		rule, kind string
		compliance rules.Compliance
	}{
		{"sagemaker-notebook-no-direct-internet", SuppressedExemption, rules.NotApplicable}, // the exemption comes first
		{"sagemaker-notebook-in-vpc", SuppressedExemption, rules.NotApplicable},
	} {
		ev, d := verdict(t, res, tc.rule, "Lab")
		if ev.Compliance != tc.compliance || d.Suppressed == nil || d.Suppressed.Kind != tc.kind {
			t.Errorf("%s: %s, suppression %+v", tc.rule, ev.Compliance, d.Suppressed)
		}
	}
	res = judgeTemplate(t, suppressedLab, Options{SkipRules: []string{"sagemaker-notebook-in-vpc"}})
	for _, tc := range []struct {
		rule, kind string
	}{
		{"sagemaker-notebook-no-direct-internet", SuppressedMetadata},
		{"sagemaker-notebook-in-vpc", SuppressedSkipRule},
		{"sagemaker-notebook-root-access-disabled", ""}, // no reason: ignored
		{"sagemaker-notebook-lifecycle-config", ""},     // expired: ignored
	} {
		ev, d := verdict(t, res, tc.rule, "Lab")
		if ev.Compliance != rules.NonCompliant {
			t.Errorf("%s: %s; suppressed findings keep their verdict", tc.rule, ev.Compliance)
		}
		kind := ""
		if d.Suppressed != nil {
			kind = d.Suppressed.Kind
		}
		if kind != tc.kind {
			t.Errorf("%s: suppression %q, want %q", tc.rule, kind, tc.kind)
		}
	}
}

func TestTemplateIdentityInASFF(t *testing.T) {
	res := judgeTemplate(t, `
Resources:
  Named:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: ml-named-bucket
      Tags: [{Key: ml-data, Value: "true"}]
  Unnamed:
    Type: AWS::S3::Bucket
    Properties:
      Tags: [{Key: ml-data, Value: "true"}]
`, Options{AccountID: "111122223333", Region: "eu-west-1"})
	seen := map[string]bool{}
	for _, r := range res {
		seen[r.Resource.ID] = true
		switch r.Resource.ID {
		case "Named":
			if r.Resource.ARN != "arn:aws:s3:::ml-named-bucket" {
				t.Errorf("a fixed name gives the ARN: %q", r.Resource.ARN)
			}
		case "Unnamed":
			if r.Resource.ARN != "" {
				t.Errorf("no ARN may be invented from a logical ID: %q", r.Resource.ARN)
			}
		}
	}
	// Without both, the checks above would pass on nothing.
	if !seen["Named"] || !seen["Unnamed"] {
		t.Errorf("results for %v, want both Named and Unnamed", seen)
	}
}

// TestTerraformPlan reads a plan written in the format `terraform show
// -json` prints: every mapped resource judged as a template resource is,
// the split S3 resources folded into their bucket, values known only after
// apply handled as unresolved values, and buckets AI resources use in ML
// scope.
func TestTerraformPlan(t *testing.T) {
	out, sum := scanFiles(t, Options{}, "plan.json")
	if sum.Skipped > 0 || sum.Inputs[0].Kind != KindPlan {
		t.Fatalf("plan.json: %+v, problems %v", sum.Inputs[0], sum.Problems)
	}
	checkVerdicts(t, out, []verdictCase{
		{"sagemaker-notebook-no-direct-internet", "aws_sagemaker_notebook_instance.nb", rules.NonCompliant, "DirectInternetAccess is Enabled"},
		{"sagemaker-notebook-in-vpc", "aws_sagemaker_notebook_instance.nb", rules.NonCompliant, "no security group"},
		// kms_key_id is known after apply: any key passes.
		{"sagemaker-notebook-cmk-encrypted", "aws_sagemaker_notebook_instance.nb", rules.Compliant, ""},
		{"sagemaker-model-network-isolation", "aws_sagemaker_model.m", rules.Compliant, ""},
		{"sagemaker-endpoint-config-data-capture", "aws_sagemaker_endpoint_configuration.ec", rules.NonCompliant, "DataCaptureConfig is not set"},
		// From the split resources.
		{"s3-ml-bucket-cmk-encrypted", "aws_s3_bucket.training", rules.Compliant, ""},
		{"s3-ml-bucket-public-access-blocked", "aws_s3_bucket.training", rules.Compliant, ""},
		{"s3-ml-bucket-access-logging", "aws_s3_bucket.training", rules.Compliant, ""},
		{"s3-ml-bucket-tls-enforced", "aws_s3_bucket.training", rules.NotApplicable, "known after apply: aws_s3_bucket_policy.training.policy"},
		// No tag, but a model reads from it.
		{"s3-ml-bucket-cmk-encrypted", "aws_s3_bucket.artifacts", rules.NonCompliant, "used by aws_sagemaker_model.m (primary_container[0].model_data_url)"},
		{"kms-ml-key-policy-restricted", "aws_kms_key.ml", rules.Compliant, ""},
		{"bedrock-guardrail-cmk-encrypted", "aws_bedrock_guardrail.g", rules.NonCompliant, "KmsKeyArn is not set"},
		// Through the endpoint config its configuration references (its
		// name is known only after apply), and the model that config names.
		{"sagemaker-endpoint-config-cmk-encrypted", "aws_sagemaker_endpoint.ep", rules.NonCompliant,
			"Its endpoint config aws_sagemaker_endpoint_configuration.ec: KmsKeyId is not set"},
		{"sagemaker-model-network-isolation", "aws_sagemaker_endpoint.ep", rules.Compliant, "aws_sagemaker_model.m"},
		// Types Config does not record with these settings: judged before deployment only.
		{"comprehend-model-cmk-configured", "aws_comprehend_document_classifier.claims", rules.NonCompliant, "ModelKmsKeyId is not set"},
		{"sagemaker-lifecycle-script-no-secrets", "aws_sagemaker_notebook_instance_lifecycle_configuration.lc", rules.NonCompliant,
			"OnStart holds an AWS secret access key"},
		{"sagemaker-lifecycle-script-no-secrets", "aws_sagemaker_studio_lifecycle_config.s", rules.Compliant, ""},
		{"rekognition-collection-use-case-configured", "aws_rekognition_collection.faces", rules.NonCompliant,
			"no use case of facial recognition is approved"},
	})
	notes := strings.Join(sum.Notes, "\n")
	if !strings.Contains(notes, "1 AWS resource the plan deletes not judged") {
		t.Errorf("notes %q", notes)
	}
	if _, _, err := readPlan("x.json", []byte(`{"format_version":"9.0","resource_changes":[]}`), &ruleSet{}); err == nil {
		t.Error("an unsupported plan format version was accepted")
	}
}

// TestSnapshotMLScopeWithSpec: with the organization spec, buckets and
// keys the snapshot's AI resources use are judged as ML data.
func TestSnapshotMLScopeWithSpec(t *testing.T) {
	spec, err := orgspec.Options{Registry: rules.Catalog(), Now: testNow}.Parse(orgspec.ExampleName, orgspec.Example())
	if err != nil {
		t.Fatal(err)
	}
	lines := []string{
		`{"resourceType":"AWS::SageMaker::Model","resourceId":"m","awsAccountId":"333333333333","configurationItemStatus":"OK",` +
			`"configuration":{"PrimaryContainer":{"ModelDataUrl":"s3://plain-bucket/model.tar.gz"},"VpcConfig":{"Subnets":["subnet-0a1b2c3d4e5f60011"]}}}`,
		`{"resourceType":"AWS::S3::Bucket","resourceId":"plain-bucket","resourceName":"plain-bucket","awsAccountId":"333333333333",` +
			`"configurationItemStatus":"OK","configuration":{"name":"plain-bucket"},` +
			`"supplementaryConfiguration":{"ServerSideEncryptionConfiguration":{"rules":[]}}}`,
		`{"resourceType":"AWS::S3::Bucket","resourceId":"other-bucket","resourceName":"other-bucket","awsAccountId":"333333333333",` +
			`"configurationItemStatus":"OK","configuration":{"name":"other-bucket"},` +
			`"supplementaryConfiguration":{"ServerSideEncryptionConfiguration":{"rules":[]}}}`,
	}
	data := []byte(strings.Join(lines, "\n") + "\n")
	_, res := scanBytes(t, "snap.ndjson", data, Options{Spec: spec})
	if ev, _ := verdict(t, res, "s3-ml-bucket-cmk-encrypted", "plain-bucket"); ev.Compliance != rules.NonCompliant ||
		!strings.Contains(ev.Annotation, "used by AWS::SageMaker::Model m (PrimaryContainer.ModelDataUrl)") {
		t.Errorf("a bucket the model reads from: %s %q", ev.Compliance, ev.Annotation)
	}
	if ev, _ := verdict(t, res, "s3-ml-bucket-cmk-encrypted", "other-bucket"); ev.Compliance != rules.NotApplicable {
		t.Errorf("a bucket nothing uses: %s %q", ev.Compliance, ev.Annotation)
	}
	// Without the spec, a snapshot is judged as the deployed rules judge
	// it: by tag alone.
	_, res = scanBytes(t, "snap.ndjson", data, Options{})
	if ev, _ := verdict(t, res, "s3-ml-bucket-cmk-encrypted", "plain-bucket"); ev.Compliance != rules.NotApplicable {
		t.Errorf("without --config: %s %q", ev.Compliance, ev.Annotation)
	}
}

// TestUncoveredItemsSkippedUnread checks the reader's shortcut: an item of
// a type no rule covers is counted from the type the splitter saw, never
// decoded (so what is wrong inside it does not matter), while a covered
// item beside it is judged, and a malformed covered one reported.
func TestUncoveredItemsSkippedUnread(t *testing.T) {
	snapshot := `{"configurationItems":[` +
		`{"resourceType":"AWS::EC2::Volume","resourceId":"vol-1","configuration":{"size":1,"size":2}},` +
		`{"ResourceType" : "AWS::Lambda::Function","resourceId":"r"},` +
		`{"resourceType":"AWS::SageMaker::NotebookInstance","resourceId":"nb","awsRegion":"us-east-1","accountId":"111122223333",` +
		`"configurationItemStatus":"OK","configuration":{"RootAccess":"Enabled"}},` +
		`{"resourceType":"AWS::SageMaker::NotebookInstance","resourceId":"dup","configuration":{"RootAccess":"Enabled","RootAccess":"Disabled"}}` +
		`]}`
	sum, results := scanBytes(t, "snapshot.json", []byte(snapshot), Options{})
	if sum.CIs != 3 || sum.Uncovered != 2 || sum.Evaluated != 1 || sum.Skipped != 1 {
		t.Fatalf("CIs %d, uncovered %d, evaluated %d, skipped %d; want 3, 2, 1, 1", sum.CIs, sum.Uncovered, sum.Evaluated, sum.Skipped)
	}
	if results[0].Resource.Type != "AWS::EC2::Volume" || results[1].Resource.Type != "AWS::Lambda::Function" {
		t.Errorf("uncovered results: %+v, %+v", results[0].Resource, results[1].Resource)
	}
	if ev, _ := verdict(t, results, "sagemaker-notebook-root-access-disabled", "nb"); ev.Compliance != rules.NonCompliant {
		t.Errorf("nb: %v", ev.Compliance)
	}
	if p := results[3].Problem; p == nil || !strings.Contains(p.Error(), "RootAccess") {
		t.Errorf("duplicate key: %v", p)
	}
}

// TestResultsOutliveTheBuffer: items are decoded in place from a chunk's
// buffer, which the next chunk reuses; a result that a sink keeps must not
// change when that happens, even when a rule's annotation is a string of
// the item's configuration as it is.
func TestResultsOutliveTheBuffer(t *testing.T) {
	reg, err := rules.NewRegistry(&rules.Rule{ID: "echo", Title: "Echo", ResourceTypes: []string{"AWS::SageMaker::Model"},
		Trigger: rules.ChangeTriggered, Severity: rules.SeverityLow, Control: rules.ControlVPCOnly, Remediation: "-",
		Check: func(item *configitem.Item, _ rules.Params) rules.Verdict {
			return rules.Verdict{Compliance: rules.NonCompliant, Annotation: item.Config().Field("Note").Str()}
		}})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	const n = 5000 // many chunks, so that buffers are reused
	for i := range n {
		fmt.Fprintf(&b, `{"resourceType":"AWS::SageMaker::Model","resourceId":"m-%d","configurationItemStatus":"OK",`+
			`"configuration":{"Note":"note for model %d"}}`+"\n", i, i)
	}
	path := filepath.Join(t.TempDir(), "items.ndjson")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var annotations []string // the strings themselves, not copies
	scanFileWith(t, path, reg, nil, sinkFunc(func(r *Result) error {
		for _, ev := range r.Evaluations {
			annotations = append(annotations, ev.Annotation)
		}
		return nil
	}))
	if len(annotations) != n {
		t.Fatalf("%d evaluations, want %d", len(annotations), n)
	}
	for i, a := range annotations {
		if want := fmt.Sprintf("note for model %d", i); a != want {
			t.Fatalf("evaluation %d: annotation %q, want %q (the buffer it was read from was reused)", i, a, want)
		}
	}
}

type sinkFunc func(r *Result) error

func (f sinkFunc) Result(r *Result) error { return f(r) }

// TestScanMatchesFreshDecode: a scan decodes items in place, into slabs
// recycled from the chunk's last batch, with one decoder per chunk; every
// verdict must be what the rule gives the item decoded on its own. The
// items are the rule fixtures' CIs, as written and in the API shape
// (configuration and supplementary values held in strings), enough of them
// that every chunk and its decoder are used several times.
func TestScanMatchesFreshDecode(t *testing.T) {
	var lines [][]byte
	for round := range 6 {
		// Rounds 2 and 5 escape every character json.Marshal may: the
		// strings of those items are unquoted copies, not views of the
		// buffer.
		for i, fx := range rulecases.Load(t) {
			var ci map[string]any
			if err := json.Unmarshal(fx.CI, &ci); err != nil {
				t.Fatal(err)
			}
			ci["resourceId"] = fmt.Sprintf("%v-%d-%d", ci["resourceId"], round, i)
			if round%2 == 1 { // the API shape
				if cfg, ok := ci["configuration"].(map[string]any); ok {
					data, _ := json.Marshal(cfg)
					ci["configuration"] = string(data)
				}
				if supp, ok := ci["supplementaryConfiguration"].(map[string]any); ok {
					out := map[string]any{}
					for k, v := range supp {
						if _, isString := v.(string); !isString {
							data, _ := json.Marshal(v)
							v = string(data)
						}
						out[k] = v
					}
					ci["supplementaryConfiguration"] = out
				}
			}
			data, err := json.Marshal(ci)
			if err != nil {
				t.Fatal(err)
			}
			if round%3 == 2 {
				data = bytes.ReplaceAll(data, []byte("o"), []byte(`\u006f`)) // in no literal
			}
			lines = append(lines, data)
		}
	}
	reg := rules.Catalog()
	_, results := scanBytes(t, "items.ndjson", append(bytes.Join(lines, []byte("\n")), '\n'), Options{Registry: reg, Workers: 2})
	if len(results) != len(lines) {
		t.Fatalf("%d results, want %d", len(results), len(lines))
	}
	for i, r := range results {
		item, err := configitem.Decode(lines[i])
		if err != nil {
			t.Fatalf("item %d: %v", i, err)
		}
		if r.Problem != nil {
			t.Errorf("item %d: %v", i, r.Problem)
			continue
		}
		if r.Resource.ID != item.ResourceID || r.Resource.Type != item.ResourceType || r.Resource.ARN != item.ARN {
			t.Errorf("item %d: resource %+v, want %s %s", i, r.Resource, item.ResourceType, item.ResourceID)
		}
		var want []rules.Evaluation
		for _, rule := range reg.All() {
			if rule.Check == nil || !rule.Covers(item.ResourceType) {
				continue
			}
			c, err := rule.Configure(rule.OwnParams(nil))
			if err != nil {
				t.Fatal(err)
			}
			ev, _ := c.EvaluateChange(item, false, testNow)
			want = append(want, ev)
		}
		got := slices.Clone(r.Evaluations)
		slices.SortFunc(got, func(a, b rules.Evaluation) int { return strings.Compare(a.RuleID, b.RuleID) })
		slices.SortFunc(want, func(a, b rules.Evaluation) int { return strings.Compare(a.RuleID, b.RuleID) })
		if !reflect.DeepEqual(got, want) {
			t.Errorf("item %d (%s %s): the scan gives\n%+v\nwant\n%+v", i, item.ResourceType, item.ResourceID, got, want)
		}
	}
}
