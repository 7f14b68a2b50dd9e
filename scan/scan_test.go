package scan

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aiguard/aiguard/internal/testenv/golden"
	"github.com/aiguard/aiguard/rules"
)

var testNow = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func fixture(name string) string { return filepath.Join("..", "testdata", "scan", name) }

func TestDetect(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     Kind
		err      string
	}{
		{"snapshot", `{"fileVersion":"1.0","configSnapshotId":"x","configurationItems":[]}`, KindConfigItems, ""},
		{"history pretty", "{\n \"fileVersion\": \"1.0\",\n \"configurationItems\": [\n", KindConfigItems, ""},
		{"config history API", `{"ConfigurationItems":[],"NextToken":"x"}`, KindConfigItems, ""},
		{"batch get", `{"baseConfigurationItems":[],"unprocessedResourceKeys":[]}`, KindBatchGet, ""},
		{"aggregate batch get", `{"BaseConfigurationItems":[]}`, KindBatchGet, ""},
		{"select", `{"QueryInfo":{"SelectFields":[]},"Results":["{}"]}`, KindSelect, ""},
		{"array", ` [ {"resourceType":"x"} ]`, KindArray, ""},
		{"ndjson", "{\"resourceType\":\"AWS::S3::Bucket\",\"resourceId\":\"b\"}\n{\"resourceType\":\"x\"}\n", KindNDJSON, ""},
		{"one-line CI", `{"resourceType":"AWS::S3::Bucket","resourceId":"b"}`, KindNDJSON, ""},
		{"pretty CI", "{\n  \"resourceType\": \"AWS::S3::Bucket\",\n  \"resourceId\": \"b\"\n}\n", KindStream, ""},
		{"BOM", "\xef\xbb\xbf{\"configurationItems\":[]}", KindConfigItems, ""},
		{"json template", `{"AWSTemplateFormatVersion":"2010-09-09","Resources":{}}`, KindTemplate, ""},
		{"yaml template", "Description: x\nResources:\n  B:\n    Type: AWS::S3::Bucket\n", KindTemplate, ""},
		{"empty", "  \n", KindEmpty, ""},
		{"lambda event", `{"invokingEvent":"{}","ruleParameters":"{}"}`, "", "aiguard evaluate --event"},
		{"other json", `{"foo":1}`, "", "none of the keys"},
		{"text", "hello world\n", "", "not JSON"},
		{"broken json", `{"a" 1}`, "", "want ':'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := detect([]byte(tc.in))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || !errors.Is(err, ErrUnrecognized) {
					t.Fatalf("detect = %v, %v; want an ErrUnrecognized containing %q", got, err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("detect = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func TestAppendJSONString(t *testing.T) {
	for _, s := range []string{
		"", "plain", `quote " backslash \ slash /`, "tab\tnl\ncr\rbs\bff\f", "\x00\x01\x1f\x7f",
		"<html> & 'x'", "é 日本 🙂", "line\u2028para\u2029", "bad \xff utf8 \xc3", "\u00ff",
	} {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		got := string(appendJSONString(nil, s)) + "\n"
		if got != want.String() {
			t.Errorf("appendJSONString(%q) = %s, encoding/json gives %s", s, got, want.String())
		}
	}
}

// scanFiles runs a scan of fixtures into a JSON writer.
func scanFiles(t *testing.T, opts Options, names ...string) (string, *Summary) {
	t.Helper()
	var inputs []Input
	for _, n := range names {
		inputs = append(inputs, Input{Path: fixture(n)})
	}
	srcs, _, err := Prepare(inputs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if opts.Now.IsZero() {
		opts.Now = testNow
	}
	var out bytes.Buffer
	jw := NewJSONWriter(&out, rules.Catalog())
	sum, err := Run(context.Background(), srcs, opts, jw)
	if err != nil {
		t.Fatal(err)
	}
	if err := jw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.String(), sum
}

// jsonResult is one element of the JSON output.
type jsonResult struct {
	rules.Evaluation
	Severity    string       `json:"severity"`
	AccountID   string       `json:"accountId"`
	Region      string       `json:"awsRegion"`
	File        string       `json:"file"`
	Line        *int         `json:"line"`
	Column      *int         `json:"column"`
	Index       *int         `json:"index,omitempty"`
	Property    string       `json:"property,omitempty"`
	Suppression *Suppression `json:"suppression,omitempty"`
}

func TestJSONMatchesEncodingJSON(t *testing.T) {
	out, _ := scanFiles(t, Options{}, "snapshot.json.gz", "template.yaml", "items.ndjson")
	var evals []jsonResult
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&evals); err != nil {
		t.Fatalf("output is not a JSON array of results: %v", err)
	}
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(evals); err != nil {
		t.Fatal(err)
	}
	if out != want.String() {
		t.Errorf("the streamed JSON differs from encoding/json's\n%s", golden.FirstDifference(want.String(), out))
	}
	lines, indexes := 0, 0
	for _, e := range evals {
		if e.Severity == "" || e.File == "" {
			t.Errorf("%s on %s: severity %q, file %q", e.RuleID, e.ResourceID, e.Severity, e.File)
		}
		if e.Line != nil {
			lines++
		}
		if e.Index != nil {
			indexes++
		}
	}
	if lines == 0 || indexes == 0 {
		t.Errorf("%d results with a line, %d with an index: want both kinds", lines, indexes)
	}
}

// TestDeterministic checks that the output does not depend on the number
// of workers or on chunk boundaries.
func TestDeterministic(t *testing.T) {
	all := []string{"snapshot.json.gz", "items.ndjson", "select.json", "batch-get.json", "history.json",
		"item.json", "array.json.gz", "template.yaml", "template.json", "truncated.json.gz"}
	first, _ := scanFiles(t, Options{Workers: 1}, all...)
	for _, w := range []int{2, 3, 8} {
		got, _ := scanFiles(t, Options{Workers: w}, all...)
		if got != first {
			t.Errorf("output with %d workers differs from the output with 1", w)
		}
	}
}

func TestProblemsKeepPosition(t *testing.T) {
	_, sum := scanFiles(t, Options{}, "items.ndjson", "truncated.json.gz")
	var got []string
	for _, p := range sum.Problems {
		got = append(got, p.Error())
	}
	want := []string{
		"items.ndjson:3: configuration item: ",
		"items.ndjson:4: configuration item: configuration: want an object or a JSON-encoded string",
		"truncated.json.gz: configurationItems[4]: read error at byte ",
	}
	if len(got) != len(want) || sum.Skipped != len(want) {
		t.Fatalf("problems = %q (skipped %d), want %d", got, sum.Skipped, len(want))
	}
	for i := range want {
		if !strings.Contains(got[i], want[i]) {
			t.Errorf("problem %d = %q, want it to contain %q", i, got[i], want[i])
		}
	}
	if !sum.Problems[2].Rest || !strings.HasSuffix(got[2], "the rest of the input is skipped") {
		t.Errorf("the truncated file's problem should say the rest is skipped: %q", got[2])
	}
	if in := sum.Inputs[1]; in.CIs != 4 || !in.Gzip {
		t.Errorf("truncated.json.gz: %d CIs read (gzip %v), want the 4 before the break", in.CIs, in.Gzip)
	}
}

// evaluation finds the evaluation of a rule on a resource in JSON output.
func evaluation(t *testing.T, out, ruleID, resourceID string) rules.Evaluation {
	t.Helper()
	var evals []rules.Evaluation
	if err := json.Unmarshal([]byte(out), &evals); err != nil {
		t.Fatal(err)
	}
	for _, e := range evals {
		if e.RuleID == ruleID && e.ResourceID == resourceID {
			return e
		}
	}
	t.Fatalf("no evaluation of %s on %s", ruleID, resourceID)
	return rules.Evaluation{}
}

// verdictCase is what a test expects of one rule on one resource: the
// compliance, and a fragment of the annotation.
type verdictCase struct {
	rule, resource string
	want           rules.Compliance
	annotation     string
}

// checkVerdicts checks the evaluations of a scan's JSON output.
func checkVerdicts(t *testing.T, out string, cases []verdictCase) {
	t.Helper()
	for _, tc := range cases {
		e := evaluation(t, out, tc.rule, tc.resource)
		if e.Compliance != tc.want || !strings.Contains(e.Annotation, tc.annotation) {
			t.Errorf("%s on %s: %s %q, want %s with %q", tc.rule, tc.resource, e.Compliance, e.Annotation, tc.want, tc.annotation)
		}
	}
}

func TestTemplate(t *testing.T) {
	out, _ := scanFiles(t, Options{AccountID: "111122223333", Region: "us-east-1"}, "template.yaml")
	for _, tc := range []struct {
		rule, resource string
		want           rules.Compliance
		annotation     string
	}{
		// Every setting mapped onto the legacy CI shape, with the bucket
		// policy's self-references resolved.
		{"s3-ml-bucket-tls-enforced", "TrainingBucket", rules.Compliant, ""},
		{"s3-ml-bucket-public-access-blocked", "TrainingBucket", rules.Compliant, ""}, // S3's default
		// A key of the template is customer managed, and any destination
		// bucket turns logging on: whatever they resolve to, the verdict
		// holds, with no caveat.
		{"s3-ml-bucket-cmk-encrypted", "TrainingBucket", rules.Compliant, ""},
		{"s3-ml-bucket-access-logging", "TrainingBucket", rules.Compliant, ""},
		{"s3-ml-bucket-cmk-encrypted", "FeaturesBucket", rules.NonCompliant, "SSE-S3 (AES256)"},
		{"s3-ml-bucket-public-access-blocked", "FeaturesBucket", rules.NonCompliant, "BlockPublicPolicy, RestrictPublicBuckets"},
		{"s3-ml-bucket-tls-enforced", "FeaturesBucket", rules.NonCompliant, "no bucket policy"},
		{"s3-ml-bucket-access-logging", "LogBucket", rules.NotApplicable, "Not an ML bucket"},
		{"kms-ml-key-policy-restricted", "TrainingKey", rules.Compliant, ""},
		{"kms-ml-key-policy-restricted", "OpenKey", rules.NonCompliant, "AnyoneMayDecrypt"},
		// A parameter with a default is judged at its default, saying so.
		{"sagemaker-notebook-no-direct-internet", "Notebook", rules.Compliant, `Judged with parameter InternetAccess at its default "Disabled"`},
		{"sagemaker-notebook-root-access-disabled", "Notebook", rules.Compliant, ""},
		{"sagemaker-notebook-lifecycle-config", "Notebook", rules.NonCompliant, "LifecycleConfigName is not set"},
		{"sagemaker-domain-cmk-encrypted", "Domain", rules.NonCompliant, "KmsKeyId is not set"},
		// The role SageMaker assumes trusts it without pinning the source account.
		{"ml-execution-role-trust-restricted", "NotebookRole", rules.NonCompliant, "no aws:SourceAccount or aws:SourceArn"},
		{"ml-full-access-policy-unattached", "NotebookRole", rules.Compliant, ""},
	} {
		e := evaluation(t, out, tc.rule, tc.resource)
		if e.Compliance != tc.want || !strings.Contains(e.Annotation, tc.annotation) {
			t.Errorf("%s on %s: %s %q, want %s with %q", tc.rule, tc.resource, e.Compliance, e.Annotation, tc.want, tc.annotation)
		}
		if e.ResourceType == "" || !e.OrderingTimestamp.Equal(testNow) {
			t.Errorf("%s on %s: type %q, timestamp %v", tc.rule, tc.resource, e.ResourceType, e.OrderingTimestamp)
		}
	}
	// A VPC is judged only by a periodic rule (ml-vpc-endpoints-present),
	// which calls the EC2 API: when that rule is asked for, the notes say so.
	vpc := "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\n"
	reg := rules.Catalog()
	periodic, _ := reg.Get("ml-vpc-endpoints-present")
	if sum, _ := scanBytes(t, "vpc.yaml", []byte(vpc), Options{Registry: reg, Rules: []*rules.Rule{periodic}}); !strings.Contains(strings.Join(sum.Notes, "\n"), "periodic rules") {
		t.Errorf("notes should say the periodic rules were skipped: %q", sum.Notes)
	}
}

func TestTemplateErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ name, body, want string }{
		{"syntax.yaml", "Resources:\n  A: [\n", "parse template"},
		{"no-resources.json", `{"AWSTemplateFormatVersion":"2010-09-09"}`, "no Resources"},
		{"bad-resource.yaml", "Resources:\n  A: 5\n  B:\n    Properties: {}\n", "resource A"},
		{"laughs.yaml", "Resources:\n  R:\n    Type: AWS::SageMaker::Model\n    Properties:\n" +
			"      a: &a [x, x, x, x, x, x, x, x, x, x]\n      b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n" +
			"      c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n      d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n" +
			"      e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n      f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n" +
			"      g: [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n", "more than"},
	} {
		path := filepath.Join(dir, tc.name)
		if err := os.WriteFile(path, []byte(tc.body), 0o644); err != nil {
			t.Fatal(err)
		}
		srcs, _, err := Prepare([]Input{{Path: path}}, nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		sum, err := Run(context.Background(), srcs, Options{Now: testNow}, discardSink{})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Skipped == 0 || !strings.Contains(sum.Problems[0].Error(), tc.want) {
			t.Errorf("%s: problems %v, want one containing %q", tc.name, sum.Problems, tc.want)
		}
	}
}

func TestSelectTagsList(t *testing.T) {
	out, sum := scanFiles(t, Options{}, "select.json")
	if sum.Skipped != 0 || sum.CIs != 2 {
		t.Fatalf("select.json: %d CIs, %d skipped: %v", sum.CIs, sum.Skipped, sum.Problems)
	}
	// The bucket is in scope only through its ml-data tag, which the query
	// returned as a key/value list.
	if e := evaluation(t, out, "s3-ml-bucket-cmk-encrypted", "ml-training-data-111122223333"); e.Compliance == rules.NotApplicable {
		t.Errorf("the bucket's tags were lost: %s %q", e.Compliance, e.Annotation)
	}
}

func TestStdinGzip(t *testing.T) {
	data, err := os.ReadFile(fixture("snapshot.json.gz"))
	if err != nil {
		t.Fatal(err)
	}
	srcs, _, err := Prepare([]Input{{Path: "-"}}, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := Run(context.Background(), srcs, Options{}, discardSink{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.CIs != 9 || !sum.Inputs[0].Gzip || sum.Inputs[0].Kind != KindConfigItems {
		t.Errorf("stdin: %d CIs, %+v", sum.CIs, sum.Inputs[0])
	}
}

func TestExpandDirectory(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"b/snap.json":                  `{"configurationItems":[]}`,
		"a/ConfigWritabilityCheckFile": "Config writability check",
		".hidden":                      "x",
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	inputs, err := Expand([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	srcs, notes, err := Prepare(inputs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) != 1 || !strings.HasSuffix(srcs[0].Name, "snap.json") || len(notes) != 1 ||
		!strings.Contains(notes[0], "ConfigWritabilityCheckFile: not a recognised input") {
		t.Errorf("sources %v, notes %q", srcs, notes)
	}
	// Named on the command line, the same file is an error.
	if _, _, err := Prepare([]Input{{Path: filepath.Join(dir, "a", "ConfigWritabilityCheckFile")}}, nil); !errors.Is(err, ErrUnrecognized) {
		t.Errorf("Prepare(unrecognised file) = %v, want ErrUnrecognized", err)
	}
}

func TestCorruptGzip(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(`{"configurationItems":[{"resourceType":"AWS::S3::Bucket","resourceId":"b"}]}`))
	zw.Close()
	data := buf.Bytes()
	data[len(data)-5] ^= 0xff // break the CRC
	path := filepath.Join(t.TempDir(), "bad.json.gz")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	srcs, _, err := Prepare([]Input{{Path: path}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := Run(context.Background(), srcs, Options{}, discardSink{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Skipped != 1 || !sum.Problems[0].Rest {
		t.Errorf("a corrupt gzip stream should be one problem for the rest of the file: %v", sum.Problems)
	}
}
