package scan

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aiguard/aiguard/rules"
)

// asffRun scans the inputs into ASFF and returns the batches (lines).
func asffRun(t *testing.T, opts Options, paths ...string) []string {
	t.Helper()
	var inputs []Input
	for _, p := range paths {
		inputs = append(inputs, Input{Path: p})
	}
	srcs, _, err := Prepare(inputs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if opts.Registry == nil {
		opts.Registry = rules.Catalog()
	}
	opts.Now = testNow
	var out bytes.Buffer
	aw := NewASFFWriter(&out, opts.Registry, testNow)
	if _, err := Run(context.Background(), srcs, opts, aw); err != nil {
		t.Fatal(err)
	}
	if err := aw.Close(); err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
}

// The checks below follow the AwsSecurityFinding and BatchImportFindings
// API reference: the attributes BatchImportFindings requires (AwsAccountId,
// CreatedAt, Description, GeneratorId, Id, ProductArn, Resources,
// SchemaVersion, Severity, Title, Types, UpdatedAt), their length limits and
// formats, and the limits of a call (at most 100 findings, each under
// 240 KB).
var (
	asffTimestamp = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$`)
	productArn    = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f):securityhub:([a-z0-9-]+):(\d{12}):product/(\d{12})/default$`)
	typeNamespace = []string{"Software and Configuration Checks", "TTPs", "Effects", "Unusual Behaviors", "Sensitive Data Identifications"}
	severities    = []string{"INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"}
	// ASFF resource types aiguard uses; Security Hub rejects unknown ones.
	asffTypes = []string{"AwsS3Bucket", "AwsKmsKey", "AwsSageMakerNotebookInstance", "Other"}
)

// checkFinding checks one finding; it returns the finding's account,
// Region and Id.
func checkFinding(t *testing.T, raw json.RawMessage) (account, region, id string) {
	t.Helper()
	if len(raw) >= 240*1024 {
		t.Errorf("finding is %d bytes; BatchImportFindings rejects findings of 240 KB or more", len(raw))
	}
	var f map[string]any
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	str := func(key string, minLen, maxLen int) string {
		s, ok := f[key].(string)
		if !ok || strings.TrimSpace(s) == "" {
			t.Errorf("%s: required, got %v", key, f[key])
			return ""
		}
		if n := utf8.RuneCountInString(s); n < minLen || (maxLen > 0 && n > maxLen) {
			t.Errorf("%s: %d characters, want %d to %d", key, n, minLen, maxLen)
		}
		return s
	}
	if str("SchemaVersion", 1, 0) != ASFFSchemaVersion {
		t.Errorf("SchemaVersion = %v", f["SchemaVersion"])
	}
	id = str("Id", 1, 512)
	gen := str("GeneratorId", 1, 512)
	if _, ok := rules.Catalog().Get(gen); !ok {
		t.Errorf("GeneratorId %q is not a rule ID", gen)
	}
	account = str("AwsAccountId", 12, 12)
	if !regexp.MustCompile(`^\d{12}$`).MatchString(account) {
		t.Errorf("AwsAccountId %q is not 12 digits", account)
	}
	m := productArn.FindStringSubmatch(str("ProductArn", 1, 0))
	if m == nil || m[3] != account || m[4] != account {
		t.Errorf("ProductArn %v is not the default product ARN of account %s", f["ProductArn"], account)
	} else {
		region = m[2]
	}
	if r, _ := f["Region"].(string); r != region {
		t.Errorf("Region %q differs from the ProductArn's %q", r, region)
	}
	for _, key := range []string{"CreatedAt", "UpdatedAt"} {
		s := str(key, 1, 0)
		if !asffTimestamp.MatchString(s) {
			t.Errorf("%s %q is not an ASFF timestamp", key, s)
		} else if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
			t.Errorf("%s: %v", key, err)
		}
	}
	str("Title", 1, 256)
	str("Description", 1, 1024)
	types, _ := f["Types"].([]any)
	if len(types) == 0 || len(types) > 50 {
		t.Errorf("Types: %d entries, want 1 to 50", len(types))
	}
	for _, ty := range types {
		s, _ := ty.(string)
		parts := strings.Split(s, "/")
		if len(parts) < 2 || len(parts) > 3 || !slices.Contains(typeNamespace, parts[0]) {
			t.Errorf("Types entry %q is not namespace/category[/classifier]", s)
		}
	}
	sev, _ := f["Severity"].(map[string]any)
	if label, _ := sev["Label"].(string); !slices.Contains(severities, label) {
		t.Errorf("Severity.Label %v", sev["Label"])
	}
	res, _ := f["Resources"].([]any)
	if len(res) == 0 || len(res) > 32 {
		t.Fatalf("Resources: %d entries, want 1 to 32", len(res))
	}
	for _, r := range res {
		rm, _ := r.(map[string]any)
		ty, _ := rm["Type"].(string)
		rid, _ := rm["Id"].(string)
		if !slices.Contains(asffTypes, ty) || rid == "" {
			t.Errorf("resource Type %q Id %q", ty, rid)
		}
		if rm["Region"] != region {
			t.Errorf("resource Region %v, finding Region %s", rm["Region"], region)
		}
	}
	comp, _ := f["Compliance"].(map[string]any)
	status, _ := comp["Status"].(string)
	if !slices.Contains([]string{"PASSED", "WARNING", "FAILED", "NOT_AVAILABLE"}, status) {
		t.Errorf("Compliance.Status %q", status)
	}
	if reqs, _ := comp["RelatedRequirements"].([]any); len(reqs) > 32 {
		t.Errorf("Compliance.RelatedRequirements: %d entries, at most 32", len(reqs))
	}
	if rs, _ := f["RecordState"].(string); rs != "ACTIVE" && rs != "ARCHIVED" {
		t.Errorf("RecordState %q", rs)
	}
	rem, _ := f["Remediation"].(map[string]any)
	rec, _ := rem["Recommendation"].(map[string]any)
	if text, _ := rec["Text"].(string); text == "" || utf8.RuneCountInString(text) > 512 {
		t.Errorf("Remediation.Recommendation.Text: %d characters, want 1 to 512", utf8.RuneCountInString(text))
	}
	fpf, _ := f["FindingProviderFields"].(map[string]any)
	if fs, _ := fpf["Severity"].(map[string]any); fs["Label"] != sev["Label"] {
		t.Errorf("FindingProviderFields.Severity %v differs from Severity %v", fs, sev)
	}
	// The catalog's severity for failures; INFORMATIONAL otherwise, as
	// Security Hub does for passed control findings.
	rule, _ := rules.Catalog().Get(gen)
	if rule != nil {
		want := string(rule.Severity)
		if status != "FAILED" {
			want = "INFORMATIONAL"
		}
		if sev["Label"] != want || sev["Original"] != string(rule.Severity) {
			t.Errorf("%s %s: Severity %v, want Label %s and Original %s", gen, status, sev, want, rule.Severity)
		}
		if ctrl := comp["RelatedRequirements"]; len(rule.SecurityHub) > 0 && fmt.Sprint(ctrl) != fmt.Sprint(toAny(rule.SecurityHub)) {
			t.Errorf("%s: RelatedRequirements %v, want %v", gen, ctrl, rule.SecurityHub)
		}
	}
	return account, region, id
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// checkBatches checks every batch and returns the Ids in order.
func checkBatches(t *testing.T, lines []string) []string {
	t.Helper()
	var ids []string
	for i, line := range lines {
		var req struct {
			Findings []json.RawMessage
		}
		dec := json.NewDecoder(strings.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			t.Fatalf("batch %d is not a BatchImportFindings request body: %v", i, err)
		}
		if len(req.Findings) == 0 || len(req.Findings) > ASFFBatchSize {
			t.Errorf("batch %d has %d findings, want 1 to %d", i, len(req.Findings), ASFFBatchSize)
		}
		seen := map[string]bool{}
		where := ""
		for _, raw := range req.Findings {
			account, region, id := checkFinding(t, raw)
			if w := account + "/" + region; where == "" {
				where = w
			} else if w != where {
				t.Errorf("batch %d mixes %s and %s; one call takes the findings of one account", i, where, w)
			}
			if seen[id] {
				t.Errorf("batch %d repeats Id %s", i, id)
			}
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids
}

func TestASFF(t *testing.T) {
	lines := asffRun(t, Options{AccountID: "111122223333", Region: "eu-west-1"},
		fixture("snapshot.json.gz"), fixture("history.json"), fixture("template.yaml"), fixture("batch-get.json"))
	ids := checkBatches(t, lines)
	if len(ids) < 50 {
		t.Fatalf("only %d findings", len(ids))
	}
	// Stable across runs.
	again := checkBatches(t, asffRun(t, Options{AccountID: "111122223333", Region: "eu-west-1"},
		fixture("snapshot.json.gz"), fixture("history.json"), fixture("template.yaml"), fixture("batch-get.json")))
	if !slices.Equal(ids, again) {
		t.Error("finding Ids differ between two runs over the same input")
	}
	// The history file holds the same notebook twice: the second must not
	// share a batch with the first.
	var resources map[string]int = map[string]int{}
	for _, id := range ids {
		resources[id]++
	}
	dups := 0
	for _, n := range resources {
		if n > 1 {
			dups++
		}
	}
	if dups == 0 {
		t.Error("expected the history file's repeated resource to produce repeated Ids across batches")
	}
}

func TestASFFBatches(t *testing.T) {
	// 60 notebooks in one account and Region, a finding per rule that
	// judges notebooks: full batches of 100 and the rest.
	ci, err := os.ReadFile(filepath.Join("..", "testdata", "rules", "sagemaker-notebook-in-vpc", "compliant.json"))
	if err != nil {
		t.Skip(err)
	}
	var fx struct{ CI map[string]any }
	if err := json.Unmarshal(ci, &fx); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "many.ndjson")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	for i := range 60 {
		fx.CI["resourceId"] = fmt.Sprintf("nb-%02d", i)
		line, _ := json.Marshal(fx.CI)
		w.Write(line)
		w.WriteByte('\n')
	}
	w.Flush()
	f.Close()
	lines := asffRun(t, Options{}, path)
	ids := checkBatches(t, lines)
	want := 60 * len(rules.Catalog().ForType("AWS::SageMaker::NotebookInstance"))
	if len(lines) != (want+99)/100 || len(ids) != want {
		t.Errorf("%d batches, %d findings; want %d findings in batches of 100", len(lines), len(ids), want)
	}
}

func TestASFFNeedsAccount(t *testing.T) {
	srcs, _, err := Prepare([]Input{{Path: fixture("template.json")}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	reg := rules.Catalog()
	var out bytes.Buffer
	_, err = Run(context.Background(), srcs, Options{Registry: reg, Now: testNow}, NewASFFWriter(&out, reg, testNow))
	if err == nil || !strings.Contains(err.Error(), "--account-id") {
		t.Errorf("ASFF for a template without an account: %v, want an error naming --account-id", err)
	}
}

func TestASFFResourceType(t *testing.T) {
	for in, want := range map[string]string{
		"AWS::SageMaker::NotebookInstance": "AwsSageMakerNotebookInstance",
		"AWS::S3::Bucket":                  "AwsS3Bucket",
		"AWS::KMS::Key":                    "AwsKmsKey",
		"AWS::Bedrock::Guardrail":          "Other",
	} {
		if got := ASFFResourceType(in); got != want {
			t.Errorf("ASFFResourceType(%s) = %s, want %s", in, got, want)
		}
	}
}
