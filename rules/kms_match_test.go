package rules

import (
	"strings"
	"testing"

	"github.com/aiguard/aiguard/configitem"
)

const (
	kmsTestID       = "1234abcd-12ab-34cd-56ef-1234567890ab"
	kmsTestOtherID  = "0987dcba-09ba-87dc-65fe-0987654321ba"
	kmsTestKeyARN   = "arn:aws:kms:us-east-1:111122223333:key/" + kmsTestID
	kmsTestAlias    = "alias/ml-notebooks"
	kmsTestAliasARN = "arn:aws:kms:us-east-1:111122223333:" + kmsTestAlias
	kmsTestMRK      = "mrk-1234abcd12ab34cd56ef1234567890ab"
)

func TestKMSKeyAllowed(t *testing.T) {
	tests := []struct {
		name    string
		key     string
		allowed []string
		want    bool
	}{
		{"no list allows anything", "whatever", nil, true},
		{"no list allows an empty key", "", nil, true},
		{"empty key with a list", "", []string{kmsTestKeyARN}, false},
		{"blank key with a list", "  ", []string{kmsTestKeyARN}, false},

		{"key ARN = key ARN", kmsTestKeyARN, []string{kmsTestKeyARN}, true},
		{"key ID matches its ARN", kmsTestID, []string{kmsTestKeyARN}, true},
		{"key ARN matches a listed key ID", kmsTestKeyARN, []string{kmsTestID}, true},
		{"key ID = key ID", kmsTestID, []string{kmsTestID}, true},
		{"key ID case", strings.ToUpper(kmsTestID), []string{kmsTestKeyARN}, true},
		{"other key", kmsTestKeyARN, []string{"arn:aws:kms:us-east-1:111122223333:key/" + kmsTestOtherID}, false},
		{"same ID other account", kmsTestKeyARN, []string{"arn:aws:kms:us-east-1:444455556666:key/" + kmsTestID}, false},
		{"same ID other Region", kmsTestKeyARN, []string{"arn:aws:kms:eu-west-1:111122223333:key/" + kmsTestID}, false},
		{"same ID other partition", kmsTestKeyARN, []string{"arn:aws-cn:kms:us-east-1:111122223333:key/" + kmsTestID}, false},
		{"second entry matches", kmsTestKeyARN, []string{kmsTestOtherID, " " + kmsTestID + " "}, true},
		{"multi-Region key ID matches its ARN", kmsTestMRK, []string{"arn:aws:kms:eu-west-1:111122223333:key/" + kmsTestMRK}, true},
		{"GovCloud key ARN", "arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/" + kmsTestID, []string{kmsTestID}, true},

		{"alias name = alias name", kmsTestAlias, []string{kmsTestAlias}, true},
		{"alias name matches its ARN", kmsTestAlias, []string{kmsTestAliasARN}, true},
		{"alias ARN matches a listed name", kmsTestAliasARN, []string{kmsTestAlias}, true},
		{"alias ARN = alias ARN", kmsTestAliasARN, []string{kmsTestAliasARN}, true},
		{"alias names are case-sensitive", "alias/ML-Notebooks", []string{kmsTestAlias}, false},
		{"alias ARN other account", kmsTestAliasARN, []string{"arn:aws:kms:us-east-1:444455556666:" + kmsTestAlias}, false},
		{"alias prefix is not the alias", "alias/ml", []string{kmsTestAlias}, false},
		{"alias does not match a key", kmsTestAlias, []string{kmsTestKeyARN, kmsTestID}, false},
		{"key does not match an alias", kmsTestKeyARN, []string{kmsTestAlias, kmsTestAliasARN}, false},
		{"alias/ID is not key ID", "alias/" + kmsTestID, []string{kmsTestID}, false},

		{"unparseable key matches itself", "my-key", []string{"my-key"}, true},
		{"unparseable key matches nothing else", "my-key", []string{kmsTestKeyARN}, false},
		{"bare key/ID is not a form", "key/" + kmsTestID, []string{kmsTestID}, false},
		{"truncated ARN", "arn:aws:kms:us-east-1:111122223333", []string{kmsTestKeyARN}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := kmsKeyAllowed(tt.key, tt.allowed); got != tt.want {
				t.Errorf("kmsKeyAllowed(%q, %q) = %v, want %v", tt.key, tt.allowed, got, tt.want)
			}
		})
	}
}

// TestKMSRefPatternAgreesWithParser checks that the parameter pattern
// accepts exactly the references the matcher understands.
func TestKMSRefPatternAgreesWithParser(t *testing.T) {
	refs := []struct {
		ref  string
		want bool
	}{
		{kmsTestID, true},
		{strings.ToUpper(kmsTestID), true},
		{kmsTestMRK, true},
		{kmsTestKeyARN, true},
		{kmsTestAlias, true},
		{kmsTestAliasARN, true},
		{"alias/a/b_c-D9", true},
		{"alias/" + strings.Repeat("a", 250), true},
		{"arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/" + kmsTestID, true},
		{"arn:aws-cn:kms:cn-north-1:111122223333:alias/x", true},
		{"arn:aws-iso-b:kms:us-isob-east-1:111122223333:key/" + kmsTestMRK, true},

		{"", false},
		{"alias/", false},
		{"alias/" + strings.Repeat("a", 251), false},
		{"alias/has space", false},
		{"alias/dot.ted", false},
		{"key/" + kmsTestID, false},
		{kmsTestID[:35], false},
		{kmsTestID + "0", false},
		{"1234abcd_12ab-34cd-56ef-1234567890ab", false},
		{"1234abcg-12ab-34cd-56ef-1234567890ab", false},
		{"mrk-1234", false},
		{"arn:aws:kms:us-east-1:111122223333:key/not-an-id", false},
		{"arn:aws:kms:us-east-1:1111222233:key/" + kmsTestID, false},
		{"arn:aws:kms::111122223333:key/" + kmsTestID, false},
		{"arn:aws:s3:us-east-1:111122223333:key/" + kmsTestID, false},
		{"arn:azure:kms:us-east-1:111122223333:key/" + kmsTestID, false},
		{"arn:aws:kms:US-EAST-1:111122223333:key/" + kmsTestID, false},
		{"arn:aws:kms:us-east-1:111122223333:grant/" + kmsTestID, false},
		{"arn:aws:kms:us-east-1:111122223333:" + kmsTestID, false},
		{kmsTestKeyARN + "/extra", false},
		{" " + kmsTestID, false},
	}
	for _, tt := range refs {
		_, parsed := parseKMSRef(tt.ref)
		matched := kmsKeyRefPattern.MatchString(tt.ref)
		if parsed != tt.want || matched != tt.want {
			t.Errorf("%q: parseKMSRef ok = %v, pattern match = %v, want %v", tt.ref, parsed, matched, tt.want)
		}
	}
}

func TestKMSKeyArnsParam(t *testing.T) {
	r := &Rule{ID: "kms-param-test", Params: []Param{kmsKeyArnsParam()}}
	valid := []string{
		kmsTestKeyARN,
		kmsTestID + ", " + kmsTestAlias + " ," + kmsTestAliasARN,
		kmsTestMRK,
	}
	for _, v := range valid {
		if _, err := r.ParseParams(map[string]string{"kmsKeyArns": v}); err != nil {
			t.Errorf("kmsKeyArns=%q: %v", v, err)
		}
	}
	invalid := []string{"my-key", kmsTestKeyARN + ",arn:aws:s3:::bucket", "alias/", "key/" + kmsTestID}
	for _, v := range invalid {
		_, err := r.ParseParams(map[string]string{"kmsKeyArns": v})
		if err == nil {
			t.Errorf("kmsKeyArns=%q: no error", v)
			continue
		}
		if !strings.Contains(err.Error(), "KMS key ARN, key ID, alias ARN or alias name") {
			t.Errorf("kmsKeyArns=%q: error %q does not say which forms are accepted", v, err)
		}
	}
	p, err := r.ParseParams(nil)
	if err != nil || p.IsSet("kmsKeyArns") {
		t.Errorf("kmsKeyArns unset: IsSet = %v, err = %v; want an optional parameter", p.IsSet("kmsKeyArns"), err)
	}
}

func TestKMSKeyNotAllowed(t *testing.T) {
	got := kmsKeyNotAllowed("KmsKeyId", " "+kmsTestKeyARN)
	if got != "KmsKeyId "+kmsTestKeyARN+" is not in kmsKeyArns" {
		t.Errorf("key: %q", got)
	}
	got = kmsKeyNotAllowed("DataCaptureConfig.KmsKeyId", kmsTestAliasARN)
	if !strings.HasPrefix(got, "DataCaptureConfig.KmsKeyId "+kmsTestAliasARN+" is not in kmsKeyArns") ||
		!strings.Contains(got, "does not resolve aliases") {
		t.Errorf("alias: %q", got)
	}
}

func TestKMSKeyField(t *testing.T) {
	tests := []struct {
		json        string
		key, reason string
	}{
		{`{"KmsKeyId":" ` + kmsTestKeyARN + ` "}`, kmsTestKeyARN, ""},
		{`{"kmsKeyId":"` + kmsTestAlias + `"}`, kmsTestAlias, ""},
		{`{}`, "", "is not set"},
		{`{"KmsKeyId":null}`, "", "is not set"},
		{`{"KmsKeyId":"  "}`, "", "is not set"},
		{`{"KmsKeyId":[]}`, "", "is not set"},
		{`{"KmsKeyId":{}}`, "", "is not set"},
		{`{"KmsKeyId":true}`, "", "is not a string"},
		{`{"KmsKeyId":12}`, "", "is not a string"},
		{`{"KmsKeyId":["` + kmsTestKeyARN + `"]}`, "", "is not a string"},
		{`{"KmsKeyId":{"Id":"x"}}`, "", "is not a string"},
	}
	for _, tt := range tests {
		item := ruleTestItem(t, ruleTestCI("OK", typeNotebookInstance, tt.json))
		key, reason := kmsKeyField(item.Config().Field("KmsKeyId"))
		if key != tt.key || reason != tt.reason {
			t.Errorf("%s: got (%q, %q), want (%q, %q)", tt.json, key, reason, tt.key, tt.reason)
		}
	}
	if key, reason := kmsKeyField(configitem.Value{}); key != "" || reason != "is not set" {
		t.Errorf("missing value: got (%q, %q)", key, reason)
	}
}

func BenchmarkKMSKeyAllowed(b *testing.B) {
	allowed := []string{kmsTestAliasARN, "arn:aws:kms:us-east-1:111122223333:key/" + kmsTestOtherID, kmsTestKeyARN}
	for b.Loop() {
		if !kmsKeyAllowed(kmsTestID, allowed) {
			b.Fatal("no match")
		}
	}
}
