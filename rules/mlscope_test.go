package rules

import (
	"encoding/json"
	"errors"
	"path"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/configitem"
)

// dataRule returns one of the S3 or KMS rules by ID.
func dataRule(t *testing.T, id string) *Rule {
	t.Helper()
	for _, r := range append(s3Rules(), kmsRules()...) {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("rule %s not defined", id)
	return nil
}

// dataParams parses raw parameters for the rule, failing the test on error.
func dataParams(t *testing.T, r *Rule, raw map[string]string) Params {
	t.Helper()
	p, err := r.ParseParams(raw)
	if err != nil {
		t.Fatalf("ParseParams(%v): %v", raw, err)
	}
	return p
}

// dataCI builds an invoking-event-shape CI of the given type from a
// configuration, supplementary configuration and tags, then decodes it the
// way the CLI and the Lambda do.
func dataCI(t testing.TB, resourceType, name string, tags map[string]string, cfg, supp map[string]any) *configitem.Item {
	t.Helper()
	arn := "arn:aws:s3:::" + name
	if resourceType == typeKMSKey {
		arn = "arn:aws:kms:us-east-1:111122223333:key/" + name
	}
	ci := map[string]any{
		"configurationItemVersion":     "1.3",
		"configurationItemCaptureTime": "2026-05-04T10:00:00.000Z",
		"configurationItemStatus":      "OK",
		"configurationStateId":         1777888999000,
		"awsAccountId":                 "111122223333",
		"resourceType":                 resourceType,
		"resourceId":                   name,
		"resourceName":                 name,
		"ARN":                          arn,
		"awsRegion":                    "us-east-1",
		"tags":                         tags,
		"configuration":                cfg,
		"supplementaryConfiguration":   supp,
	}
	data, err := json.Marshal(ci)
	if err != nil {
		t.Fatal(err)
	}
	item, err := configitem.Decode(data)
	if err != nil {
		t.Fatalf("decode CI: %v", err)
	}
	return item
}

// jsonString encodes v as a JSON string value, as the API shape carries
// supplementary configuration.
func jsonString(t *testing.T, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestBucketGlobPatternAgreesWithPathMatch(t *testing.T) {
	valid := []string{"ml-*", "sagemaker-*", "*-training-data", "team-?-models", "[a-c]*", "[^x]*", "a\\*b",
		"[\\]]", "[*?]x", "Legacy_Bucket*", "[[]", "[a-zA-Z0-9]"}
	invalid := []string{"[", "x[.-]", "[]", "[^]", "x\\", "[a-", "[a-]", "[-a]", "[a-b-c]", "[\\", "ml-[", "a]b[", "ml/*", "ml data"}
	for _, p := range valid {
		if _, err := path.Match(p, "probe"); err != nil {
			t.Errorf("%q: path.Match rejects a pattern the test lists as valid: %v", p, err)
		}
	}
	// The regexp must accept a pattern exactly when path.Match does, over
	// every pattern built from a small alphabet of the interesting runes.
	alphabet := []rune{'a', '-', '*', '?', '[', ']', '^', '\\'}
	var gen func(prefix []rune, n int)
	checked := 0
	gen = func(prefix []rune, n int) {
		if len(prefix) > 0 {
			p := string(prefix)
			_, err := path.Match(p, "")
			pathOK := !errors.Is(err, path.ErrBadPattern)
			if got := bucketGlobPattern.MatchString(p); got != pathOK {
				t.Errorf("pattern %q: regexp accepts = %v, path.Match accepts = %v", p, got, pathOK)
			}
			checked++
		}
		if n == 0 {
			return
		}
		for _, r := range alphabet {
			gen(append(prefix, r), n-1)
		}
	}
	gen(nil, 5)
	if checked < 1000 {
		t.Fatalf("checked only %d patterns", checked)
	}
	for _, p := range append(valid, invalid...) {
		_, err := path.Match(p, "")
		pathOK := err == nil
		// Patterns with characters outside bucket names are rejected on
		// purpose even when path.Match accepts them.
		if strings.ContainsAny(p, "/ ") {
			pathOK = false
		}
		if got := bucketGlobPattern.MatchString(p); got != pathOK {
			t.Errorf("pattern %q: regexp accepts = %v, want %v", p, got, pathOK)
		}
	}
}

func TestScopeParams(t *testing.T) {
	r := dataRule(t, "s3-ml-bucket-access-logging")
	tests := []struct {
		name    string
		raw     map[string]string
		wantErr string
	}{
		{"defaults", nil, ""},
		{"patterns", map[string]string{"bucketNamePatterns": "sagemaker-*, *-training-data ,team-[a-c]-*"}, ""},
		{"bad glob", map[string]string{"bucketNamePatterns": "ml-*,ml-["}, `item "ml-[" is not`},
		{"slash in glob", map[string]string{"bucketNamePatterns": "ml/*"}, "bucket-name glob"},
		{"tag key", map[string]string{"mlTagKey": "aiguard:ml-data"}, ""},
		{"bad tag key", map[string]string{"mlTagKey": "ml*data"}, "a tag key"},
		{"long tag key", map[string]string{"mlTagKey": strings.Repeat("k", 129)}, "a tag key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := r.ParseParams(tt.raw)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("ParseParams: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("ParseParams error = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestBucketScope(t *testing.T) {
	r := dataRule(t, "s3-ml-bucket-access-logging")
	taggingString := func(tags map[string]string) map[string]any {
		return map[string]any{"BucketTaggingConfiguration": jsonString(t, map[string]any{
			"tagSets": []any{map[string]any{"tags": tags}}})}
	}
	tests := []struct {
		name    string
		bucket  string
		tags    map[string]string
		supp    map[string]any
		params  map[string]string
		in      bool
		whyPart string
	}{
		{name: "tagged", bucket: "b", tags: map[string]string{"ml-data": "training"}, in: true},
		{name: "tagged with empty value", bucket: "b", tags: map[string]string{"ml-data": ""}, in: true},
		{name: "tag key in another case", bucket: "b", tags: map[string]string{"ML-Data": "true"}, in: true},
		{name: "tag says false", bucket: "sagemaker-x", tags: map[string]string{"ml-data": "False"},
			params: map[string]string{"bucketNamePatterns": "sagemaker-*"}, whyPart: `its ml-data tag is "False"`},
		{name: "tag says no", bucket: "b", tags: map[string]string{"ml-data": " no "}, whyPart: `tag is "no"`},
		{name: "custom tag key", bucket: "b", tags: map[string]string{"ai:data": "yes"},
			params: map[string]string{"mlTagKey": "ai:data"}, in: true},
		{name: "default tag ignored under a custom key", bucket: "b", tags: map[string]string{"ml-data": "yes"},
			params: map[string]string{"mlTagKey": "ai:data"}, whyPart: "no ai:data tag"},
		{name: "untagged, no patterns", bucket: "b", whyPart: "no bucketNamePatterns are set"},
		{name: "untagged, name matches", bucket: "sagemaker-us-east-1-111122223333",
			params: map[string]string{"bucketNamePatterns": "ml-*,sagemaker-*"}, in: true},
		{name: "untagged, name matches a class", bucket: "team-b-models",
			params: map[string]string{"bucketNamePatterns": "team-[a-c]-models"}, in: true},
		{name: "untagged, no pattern matches", bucket: "logs",
			params: map[string]string{"bucketNamePatterns": "ml-*,sagemaker-*"}, whyPart: "matches none of bucketNamePatterns (ml-*, sagemaker-*)"},
		{name: "tags only in BucketTaggingConfiguration (JSON string)", bucket: "b",
			supp: taggingString(map[string]string{"ml-data": "1"}), in: true},
		{name: "BucketTaggingConfiguration says false", bucket: "b",
			supp: taggingString(map[string]string{"ml-data": "false"}), whyPart: `tag is "false"`},
		{name: "BucketTaggingConfiguration of the wrong type", bucket: "b",
			supp: map[string]any{"BucketTaggingConfiguration": []any{1, "x"}}, whyPart: "no ml-data tag"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			item := dataCI(t, typeS3Bucket, tt.bucket, tt.tags, map[string]any{"name": tt.bucket}, tt.supp)
			in, why := bucketScope(item, dataParams(t, r, tt.params))
			if in != tt.in || (!in && !strings.Contains(why, tt.whyPart)) {
				t.Errorf("bucketScope = %v, %q; want %v and a reason containing %q", in, why, tt.in, tt.whyPart)
			}
		})
	}
}

func TestBucketName(t *testing.T) {
	tests := []struct {
		ci   string
		want string
	}{
		{`{"resourceName":"a","resourceId":"b","configuration":{"name":"c"}}`, "a"},
		{`{"resourceId":"b","configuration":{"name":"c"}}`, "c"},
		{`{"resourceId":"b","configuration":{"name":7}}`, "7"},
		{`{"resourceId":"b","configuration":"{\"name\":null}"}`, "b"},
	}
	for _, tt := range tests {
		item, err := configitem.Decode([]byte(tt.ci))
		if err != nil {
			t.Fatal(err)
		}
		if got := bucketName(item); got != tt.want {
			t.Errorf("bucketName(%s) = %q, want %q", tt.ci, got, tt.want)
		}
	}
}

func TestKeyScope(t *testing.T) {
	r := dataRule(t, "kms-ml-key-policy-restricted")
	tests := []struct {
		tags map[string]string
		in   bool
	}{
		{map[string]string{"ml-data": "models"}, true},
		{map[string]string{"Ml-Data": "models"}, true},
		{map[string]string{"ml-data": "false"}, false},
		{map[string]string{"team": "a"}, false},
		{nil, false},
	}
	for _, tt := range tests {
		item := dataCI(t, typeKMSKey, "1234abcd-12ab-34cd-56ef-1234567890ab", tt.tags, map[string]any{}, nil)
		if in, why := keyScope(item, dataParams(t, r, nil)); in != tt.in || (!in && why == "") {
			t.Errorf("keyScope(tags %v) = %v, %q; want %v", tt.tags, in, why, tt.in)
		}
	}
}

func TestReferenceScope(t *testing.T) {
	r, _ := Catalog().Get("s3-ml-bucket-cmk-encrypted")
	item := &configitem.Item{ResourceType: "AWS::S3::Bucket", ResourceID: "b", Status: configitem.StatusOK,
		Configuration: []byte(`{"name":"b"}`),
		Supplementary: map[string]json.RawMessage{"ServerSideEncryptionConfiguration": json.RawMessage(`{"rules":[]}`)}}
	if ev := r.Evaluate(item, r.DefaultParams()); ev.Compliance != NotApplicable {
		t.Fatalf("untagged bucket: %s %q", ev.Compliance, ev.Annotation)
	}
	item.MLReferences = []string{"AWS::SageMaker::Model InferenceModel (PrimaryContainer.ModelDataUrl)"}
	ev := r.Evaluate(item, r.DefaultParams())
	if ev.Compliance != NonCompliant || !strings.HasPrefix(ev.Annotation, "In ML scope: used by AWS::SageMaker::Model InferenceModel") {
		t.Errorf("referenced bucket: %s %q", ev.Compliance, ev.Annotation)
	}
	item.Tags = map[string]string{"ml-data": "no"}
	if ev := r.Evaluate(item, r.DefaultParams()); ev.Compliance != NotApplicable {
		t.Errorf("the owner's ml-data=no wins over references: %s %q", ev.Compliance, ev.Annotation)
	}
}
