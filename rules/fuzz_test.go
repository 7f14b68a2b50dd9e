package rules_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aiguard/aiguard/configitem"
	"github.com/aiguard/aiguard/internal/testenv/golden"
	"github.com/aiguard/aiguard/rules"
)

// FuzzEvaluate decodes a CI from the input and runs every rule of the
// catalog on it with default parameters. No rule may panic; each must give
// one of the three verdicts PutEvaluations accepts, with an annotation of at
// most 256 characters of valid UTF-8, and the same verdict every time.
//
// Most inputs name no resource type a rule covers, so each rule also judges
// the item as each of its own resource types, with status OK: that way
// every Check sees every fuzzed configuration.
//
// Seeds come from the committed corpus (testdata/fuzz/FuzzEvaluate: the CI
// fixtures and tricky variants; TestFuzzEvaluateCorpus
// -update regenerates it) and from fuzzCatalogSeeds, built from the
// catalog at run time, so rules added later are covered without
// regenerating anything.
//
//	go test ./rules -run '^$' -fuzz '^FuzzEvaluate$' -fuzztime 1m
func FuzzEvaluate(f *testing.F) {
	all := rules.Catalog().All()
	for _, seed := range fuzzCatalogSeeds(all) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		item, err := configitem.Decode(data)
		if err != nil {
			return
		}
		item.Config() // decode once, so the copies below share the result
		for _, r := range all {
			p := r.DefaultParams()
			fuzzCheckRule(t, r, item, p, data)
			for _, typ := range r.ResourceTypes {
				as := *item
				as.ResourceType = typ
				if !as.Evaluable() {
					as.Status = configitem.StatusOK
				}
				fuzzCheckRule(t, r, &as, p, data)
			}
		}
	})
}

// fuzzCheckRule evaluates item with r twice and checks the evaluation.
func fuzzCheckRule(t *testing.T, r *rules.Rule, item *configitem.Item, p rules.Params, input []byte) {
	t.Helper()
	ev := fuzzEvaluateOnce(t, r, item, p, input)
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("rule %s on a %s item (status %q): %s\ninput: %q", r.ID, item.ResourceType, item.Status, fmt.Sprintf(format, args...), input)
	}
	switch ev.Compliance {
	case rules.Compliant, rules.NonCompliant, rules.NotApplicable:
	default:
		fail("compliance %q is not one PutEvaluations accepts", ev.Compliance)
	}
	if !utf8.ValidString(ev.Annotation) {
		fail("annotation is not valid UTF-8: %q", ev.Annotation)
	}
	if n := utf8.RuneCountInString(ev.Annotation); n > rules.MaxAnnotation {
		fail("annotation has %d characters, more than %d: %q", n, rules.MaxAnnotation, ev.Annotation)
	}
	if ev.RuleID != r.ID || ev.ResourceType != item.ResourceType || ev.ResourceID != item.ResourceID {
		fail("evaluation names rule %q resource %q %q", ev.RuleID, ev.ResourceType, ev.ResourceID)
	}
	if again := fuzzEvaluateOnce(t, r, item, p, input); again.Compliance != ev.Compliance || again.Annotation != ev.Annotation {
		fail("not deterministic: %s %q, then %s %q", ev.Compliance, ev.Annotation, again.Compliance, again.Annotation)
	}
	if left := r.EvaluateChange(item, true, p); left.Compliance != rules.NotApplicable {
		fail("an item that left the rule's scope is %s", left.Compliance)
	}
}

// fuzzEvaluateOnce runs r.Evaluate, turning a panic into a test failure that names
// the rule and the input.
func fuzzEvaluateOnce(t *testing.T, r *rules.Rule, item *configitem.Item, p rules.Params, input []byte) (ev rules.Evaluation) {
	t.Helper()
	defer func() {
		if v := recover(); v != nil {
			t.Fatalf("rule %s panicked on a %s item: %v\ninput: %q\n%s", r.ID, item.ResourceType, v, input, debug.Stack())
		}
	}()
	return r.Evaluate(item, p)
}

// fuzzFieldValues are the values fuzzCatalogSeeds puts in every field a rule reads:
// the right and wrong spellings of common settings, each JSON type, empty
// and null values, JSON held in strings, and text long enough to overflow an
// annotation.
var fuzzFieldValues = []any{
	"Enabled", "Disabled", "ENABLED", "", "  ", true, false, "true", "false", nil,
	0, -1, 1e300, 3.5, []any{}, map[string]any{}, []any{"a", 1, nil, []any{}},
	map[string]any{"Enabled": true, "Value": "x"},
	`["arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", "subnet-0a1b2c3d"]`,
	`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`,
	`{"Statement":{"Effect":"Deny","Principal":{"AWS":["*"]},"Action":["s3:*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}}`,
	"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
	"alias/aws/s3",
	strings.Repeat("é\u200b𝄞<&>\x00", 120),
}

// fuzzCatalogSeeds builds CIs for every rule: for each resource type it covers,
// one per value in fuzzFieldValues, set in every field the rule reads (Fields,
// "configuration.A.B" or "supplementaryConfiguration.C").
func fuzzCatalogSeeds(all []*rules.Rule) [][]byte {
	var seeds [][]byte
	for _, r := range all {
		for _, typ := range r.ResourceTypes {
			for _, val := range fuzzFieldValues {
				config, supp := map[string]any{}, map[string]any{}
				for _, field := range r.Fields {
					fuzzSetPath(config, supp, field, val)
				}
				seeds = append(seeds, fuzzCI(typ, "OK", config, supp))
			}
			// Every field null together is the shape of a half-filled CI.
			seeds = append(seeds, fuzzCI(typ, "ResourceDiscovered", nil, nil))
		}
	}
	return seeds
}

// fuzzSetPath sets a dotted field path in the configuration or supplementary
// configuration map.
func fuzzSetPath(config, supp map[string]any, path string, val any) {
	parts := strings.Split(path, ".")
	var m map[string]any
	switch parts[0] {
	case "configuration":
		m = config
	case "supplementaryConfiguration":
		m = supp
	default:
		return
	}
	parts = parts[1:]
	for i, part := range parts {
		if i == len(parts)-1 {
			m[part] = fuzzDeepCopy(val) // a shared map would be filled in by later paths
			return
		}
		next, ok := m[part].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[part] = next
		}
		m = next
	}
}

// fuzzDeepCopy copies the maps and slices of a JSON value.
func fuzzDeepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = fuzzDeepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = fuzzDeepCopy(e)
		}
		return out
	}
	return v
}

// fuzzCI writes an invoking-event-shape CI.
func fuzzCI(typ, status string, config, supp map[string]any) []byte {
	ci := map[string]any{
		"configurationItemVersion":     "1.3",
		"configurationItemCaptureTime": "2026-11-20T10:15:30.123Z",
		"configurationStateId":         1763633730123,
		"awsAccountId":                 "111122223333",
		"configurationItemStatus":      status,
		"resourceType":                 typ,
		"resourceId":                   "fuzz-resource",
		"resourceName":                 "fuzz-resource",
		"ARN":                          "arn:aws:service:us-east-1:111122223333:resource/fuzz-resource",
		"awsRegion":                    "us-east-1",
		"tags":                         map[string]string{"team": "ml"},
		"relationships":                []any{},
		"configuration":                config,
		"supplementaryConfiguration":   supp,
	}
	data, err := json.Marshal(ci)
	if err != nil {
		panic(err) // the values above always marshal
	}
	return data
}

const evaluateCorpusDir = "testdata/fuzz/FuzzEvaluate"

// TestFuzzEvaluateCorpus checks the committed seed corpus and, with
// -update, rewrites it from the repository's CI and event fixtures, tricky
// variants, and the catalog's seeds at the time.
func TestFuzzEvaluateCorpus(t *testing.T) {
	golden.FuzzCorpus(t, evaluateCorpusDir, 20, func() map[string][]byte { return evaluateSeeds(t) })
}

// evaluateSeeds returns the seed inputs of FuzzEvaluate by file name.
func evaluateSeeds(t *testing.T) map[string][]byte {
	t.Helper()
	seeds := map[string][]byte{}
	add := func(name string, data []byte) {
		var buf bytes.Buffer
		if err := json.Compact(&buf, data); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		seeds[name] = buf.Bytes()
	}
	// CI fixtures, as files and inside events.
	for _, pattern := range []string{"../testdata/ci/*.json", "../configitem/testdata/*.json"} {
		paths, _ := filepath.Glob(pattern)
		for _, p := range paths {
			add("ci-"+filepath.Base(filepath.Dir(filepath.Dir(p)))+"-"+strings.TrimSuffix(filepath.Base(p), ".json"), fuzzReadFile(t, p))
		}
	}
	for _, pattern := range []string{"../testdata/events/*.json", "../configevent/testdata/events/*.json", "../examples/events/*.json"} {
		paths, _ := filepath.Glob(pattern)
		for _, p := range paths {
			if ci := fuzzItemOfEvent(t, fuzzReadFile(t, p)); ci != nil {
				add("event-"+filepath.Base(filepath.Dir(filepath.Dir(p)))+"-"+strings.TrimSuffix(filepath.Base(p), ".json"), ci)
			}
		}
	}
	notebook := func(config string, extra string) []byte {
		return []byte(`{"configurationItemStatus":"OK","resourceType":"AWS::SageMaker::NotebookInstance","resourceId":"nb","ARN":"arn:aws:sagemaker:us-east-1:1:notebook-instance/nb"` +
			extra + `,"configuration":` + config + `}`)
	}
	tricky := map[string][]byte{
		"config-as-string":         notebook(`"{\"DirectInternetAccess\":\"Enabled\",\"SubnetId\":\"subnet-0a1b2c3d\",\"SecurityGroupIds\":\"[\\\"sg-1\\\"]\"}"`, ""),
		"config-camel-case":        notebook(`{"directInternetAccess":"disabled","rootAccess":"DISABLED","subnetId":"subnet-0a1b2c3d4e5f60718","securityGroupIds":["sg-1"]}`, ""),
		"config-case-duplicates":   notebook(`{"DirectInternetAccess":"Disabled","directInternetAccess":"Enabled","DIRECTINTERNETACCESS":"Enabled"}`, ""),
		"config-null":              notebook(`null`, ""),
		"config-empty":             notebook(`{}`, ""),
		"config-huge-number":       notebook(`{"DirectInternetAccess":"Disabled","VolumeSizeInGB":1e400}`, ""),
		"config-nulls":             notebook(`{"DirectInternetAccess":null,"RootAccess":null,"SubnetId":null,"SecurityGroupIds":null,"KmsKeyId":null}`, ""),
		"config-wrong-types":       notebook(`{"DirectInternetAccess":false,"RootAccess":0,"SubnetId":["subnet-0a1b2c3d"],"SecurityGroupIds":"sg-1","KmsKeyId":{}}`, ""),
		"config-deep":              notebook(strings.Repeat(`{"A":`, 100)+`1`+strings.Repeat(`}`, 100), ""),
		"supplementary-string-map": notebook(`{}`, `,"supplementaryConfiguration":"{\"Policy\":\"{\\\"Statement\\\":[]}\"}"`),
		"long-annotation-input":    notebook(`{"DirectInternetAccess":"`+strings.Repeat("Ünïcödé ", 100)+`","SubnetId":"`+strings.Repeat("x", 600)+`"}`, ""),
		"status-deleted":           notebook(`null`, `,"configurationItemStatus":"ResourceDeleted"`),
		"status-missing":           []byte(`{"resourceType":"AWS::SageMaker::NotebookInstance","resourceId":"nb","configuration":{}}`),
		"type-unknown":             []byte(`{"configurationItemStatus":"OK","resourceType":"AWS::Unknown::Thing","resourceId":"x","configuration":{"A":1}}`),
		"api-shape-s3":             []byte(`{"version":"1.3","accountId":"1","configurationItemStatus":"OK","arn":"arn:aws:s3:::b","resourceType":"AWS::S3::Bucket","resourceId":"b","configuration":"{\"name\":\"b\"}","supplementaryConfiguration":{"BucketPolicy":{"policyText":"{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"}]}"},"ServerSideEncryptionConfiguration":{"rules":[{"applyServerSideEncryptionByDefault":{"sseAlgorithm":"aws:kms","kmsMasterKeyID":"alias/aws/s3"}}]},"PublicAccessBlockConfiguration":{"blockPublicAcls":"true","ignorePublicAcls":true,"blockPublicPolicy":false,"restrictPublicBuckets":null}}}`),
		"api-shape-kms":            []byte(`{"version":"1.3","accountId":"1","configurationItemStatus":"OK","arn":"arn:aws:kms:us-east-1:1:key/k","resourceType":"AWS::KMS::Key","resourceId":"k","configuration":{"keyManager":"CUSTOMER","keyState":"Enabled","enabled":true,"keyRotationEnabled":"false"},"supplementaryConfiguration":{"Policy":"{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}]}"}}`),
	}
	for name, data := range tricky {
		add("tricky-"+name, data)
	}
	// One catalog seed per resource type and value kind, as a starting point
	// for mutations; fuzzCatalogSeeds adds the rest at run time.
	all := rules.Catalog().All()
	types := map[string][]string{}
	for _, r := range all {
		for _, typ := range r.ResourceTypes {
			types[typ] = append(types[typ], r.Fields...)
		}
	}
	names := make([]string, 0, len(types))
	for typ := range types {
		names = append(names, typ)
	}
	sort.Strings(names)
	for _, typ := range names {
		for i, val := range []any{"Enabled", "Disabled", true, nil, []any{}} {
			config, supp := map[string]any{}, map[string]any{}
			for _, field := range types[typ] {
				fuzzSetPath(config, supp, field, val)
			}
			add(fmt.Sprintf("catalog-%s-%d", strings.ReplaceAll(typ, "::", "-"), i), fuzzCI(typ, "OK", config, supp))
		}
	}

	return seeds
}

// fuzzItemOfEvent returns the raw configurationItem (or summary) of a Lambda
// event, or nil when it has none.
func fuzzItemOfEvent(t *testing.T, data []byte) []byte {
	t.Helper()
	var env struct {
		InvokingEvent string `json:"invokingEvent"`
	}
	if err := json.Unmarshal(data, &env); err != nil {
		return nil
	}
	var inv struct {
		ConfigurationItem        json.RawMessage `json:"configurationItem"`
		ConfigurationItemSummary json.RawMessage `json:"configurationItemSummary"`
	}
	if err := json.Unmarshal([]byte(env.InvokingEvent), &inv); err != nil {
		return nil
	}
	if len(inv.ConfigurationItem) > 0 {
		return inv.ConfigurationItem
	}
	if len(inv.ConfigurationItemSummary) > 0 {
		return inv.ConfigurationItemSummary
	}
	return nil
}

func fuzzReadFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
