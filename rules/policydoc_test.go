package rules

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/configitem"
)

// policyValue wraps policy JSON as Config records it: a JSON string.
func policyValue(policy string) configitem.Value {
	return configitem.ValueOf(policy)
}

func TestParsePolicyForms(t *testing.T) {
	tests := []struct {
		name   string
		value  configitem.Value
		verify func(t *testing.T, d *policyDoc)
	}{
		{
			name:  "statement object, string action and resource, principal star",
			value: policyValue(`{"Version":"2012-10-17","Statement":{"Sid":"One","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*"}}`),
			verify: func(t *testing.T, d *policyDoc) {
				s := d.Statements[0]
				if len(d.Statements) != 1 || s.Allow || !s.Principal.Any || s.Sid != "One" {
					t.Errorf("got %+v", d.Statements)
				}
				if !reflect.DeepEqual(s.Actions, []string{"s3:*"}) || !reflect.DeepEqual(s.Resources, []string{"arn:aws:s3:::b/*"}) {
					t.Errorf("actions %v resources %v", s.Actions, s.Resources)
				}
			},
		},
		{
			name:  "statement array, AWS star in an array, NotAction, NotResource",
			value: policyValue(`{"Statement":[{"Effect":"allow","Principal":{"AWS":["arn:aws:iam::111122223333:root","*"]},"NotAction":["kms:Encrypt"],"NotResource":"x"}]}`),
			verify: func(t *testing.T, d *policyDoc) {
				s := d.Statements[0]
				if !s.Allow || !s.Principal.Any || !s.NotAction || !s.NotResource {
					t.Errorf("got %+v", s)
				}
				if got := s.Principal.ByType["AWS"]; len(got) != 2 {
					t.Errorf("AWS principals = %v", got)
				}
			},
		},
		{
			name:  "lower-case element names, object value not a string",
			value: configitem.ValueOf(map[string]any{"statement": []any{map[string]any{"effect": "Deny", "principal": map[string]any{"aws": "*"}, "action": "s3:*"}}}),
			verify: func(t *testing.T, d *policyDoc) {
				if s := d.Statements[0]; s.Allow || !s.Principal.Any || len(s.Actions) != 1 {
					t.Errorf("got %+v", s)
				}
			},
		},
		{
			name:  "principal of one account is not everyone",
			value: policyValue(`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root","Service":"s3.amazonaws.com"},"Action":"kms:*"}]}`),
			verify: func(t *testing.T, d *policyDoc) {
				if s := d.Statements[0]; s.Principal.Any || s.appliesToEveryone() {
					t.Errorf("got %+v", s.Principal)
				}
			},
		},
		{
			name:  "NotPrincipal: Allow reaches everyone, Deny does not",
			value: policyValue(`{"Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*"},{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:*"}]}`),
			verify: func(t *testing.T, d *policyDoc) {
				if !d.Statements[0].appliesToEveryone() || d.Statements[1].appliesToEveryone() {
					t.Errorf("appliesToEveryone = %v, %v", d.Statements[0].appliesToEveryone(), d.Statements[1].appliesToEveryone())
				}
			},
		},
		{
			name: "conditions: qualifiers, IfExists, bool and number values, key case",
			value: policyValue(`{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Condition":{
				"BoolIfExists":{"aws:SecureTransport":false},
				"ForAnyValue:StringLike":{"AWS:PrincipalOrgPaths":["o-a/*","o-b/*"]},
				"NumericLessThan":{"s3:TlsVersion":1.2}}}]}`),
			verify: func(t *testing.T, d *policyDoc) {
				want := []policyCondition{
					{Written: "BoolIfExists", Operator: "bool", IfExists: true, Key: "aws:securetransport", Values: []string{"false"}},
					{Written: "ForAnyValue:StringLike", Operator: "stringlike", Set: "foranyvalue", Key: "aws:principalorgpaths", Values: []string{"o-a/*", "o-b/*"}},
					{Written: "NumericLessThan", Operator: "numericlessthan", Key: "s3:tlsversion", Values: []string{"1.2"}},
				}
				if !reflect.DeepEqual(d.Statements[0].Conditions, want) {
					t.Errorf("conditions:\n got %+v\nwant %+v", d.Statements[0].Conditions, want)
				}
			},
		},
		{
			name:  "pretty-printed JSON string as KMS records it",
			value: policyValue("{\n  \"Version\" : \"2012-10-17\",\n  \"Statement\" : [ {\n    \"Effect\" : \"Allow\",\n    \"Principal\" : {\n      \"AWS\" : \"*\"\n    },\n    \"Action\" : [ \"kms:Decrypt\" ],\n    \"Resource\" : \"*\"\n  } ]\n}"),
			verify: func(t *testing.T, d *policyDoc) {
				if s := d.Statements[0]; !s.Allow || !s.Principal.Any || !s.coversAction("kms:Decrypt") {
					t.Errorf("got %+v", s)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := parsePolicy(tt.value)
			if err != nil {
				t.Fatalf("parsePolicy: %v", err)
			}
			tt.verify(t, d)
		})
	}
}

func TestParsePolicyErrors(t *testing.T) {
	tests := []struct {
		name  string
		value configitem.Value
		want  string
	}{
		{"invalid JSON", policyValue(`{"Statement":[`), "not valid JSON"},
		{"array document", policyValue(`[1,2]`), "an array, not a JSON object"},
		{"missing", configitem.Value{}, "null, not a JSON object"},
		{"no statement", policyValue(`{"Version":"2012-10-17"}`), "no Statement"},
		{"null statement", policyValue(`{"Statement":null}`), "no Statement"},
		{"statement is a string", policyValue(`{"Statement":["x"]}`), "statement 1 is a string"},
		{"bad effect", policyValue(`{"Statement":[{"Sid":"S","Effect":"Maybe","Action":"*"}]}`), `statement "S": Effect "Maybe"`},
		{"missing effect", policyValue(`{"Statement":[{"Action":"*"}]}`), `Effect ""`},
		{"action object", policyValue(`{"Statement":[{"Effect":"Allow","Action":{"a":1}}]}`), "Action holds an object"},
		{"nested action array", policyValue(`{"Statement":[{"Effect":"Allow","Action":[["s3:*"]]}]}`), "Action holds an array"},
		{"condition string", policyValue(`{"Statement":[{"Effect":"Allow","Action":"*","Condition":"x"}]}`), "the Condition element is a string"},
		{"condition operator list", policyValue(`{"Statement":[{"Effect":"Allow","Action":"*","Condition":{"Bool":[1]}}]}`), "the Condition operator Bool holds an array"},
		{"condition value object", policyValue(`{"Statement":[{"Effect":"Allow","Action":"*","Condition":{"Bool":{"k":{"a":1}}}}]}`), "holds an object"},
		{"principal value object", policyValue(`{"Statement":[{"Effect":"Allow","Action":"*","Principal":{"AWS":{"x":1}}}]}`), "Principal.AWS holds an object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parsePolicy(tt.value)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("parsePolicy error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestSplitOperator(t *testing.T) {
	tests := []struct {
		op, base, set string
		ifExists      bool
	}{
		{"StringEquals", "stringequals", "", false},
		{"StringEqualsIfExists", "stringequals", "", true},
		{"ForAnyValue:StringLike", "stringlike", "foranyvalue", false},
		{"ForAllValues:ArnLikeIfExists", "arnlike", "forallvalues", true},
		{"forallvalues:stringequals", "stringequals", "forallvalues", false},
		{"Null", "null", "", false},
		{"IfExists", "ifexists", "", false},
		{"Other:Bool", "other:bool", "", false},
	}
	for _, tt := range tests {
		base, set, ifExists := splitOperator(tt.op)
		if base != tt.base || set != tt.set || ifExists != tt.ifExists {
			t.Errorf("splitOperator(%q) = %q, %q, %v; want %q, %q, %v", tt.op, base, set, ifExists, tt.base, tt.set, tt.ifExists)
		}
	}
}

func TestWildcardMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		fold, want bool
	}{
		{"*", "", false, true},
		{"*", "anything", false, true},
		{"s3:*", "s3:GetObject", false, true},
		{"s3:Get*", "s3:GetObject", false, true},
		{"s3:Get*", "s3:PutObject", false, false},
		{"kms:Decrypt*", "kms:Decrypt", false, true},
		{"KMS:decrypt", "kms:Decrypt", true, true},
		{"KMS:decrypt", "kms:Decrypt", false, false},
		{"kms:?ecrypt", "kms:Decrypt", false, true},
		{"kms:?ecrypt", "kms:Encrypt", false, false},
		{"a*b*c", "axxbyyc", false, true},
		{"a*b*c", "axxbyy", false, false},
		{"arn:aws:s3:::b", "arn:aws:s3:::b/", false, false},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b/k", false, true},
		{"arn:aws:s3:::é?", "arn:aws:s3:::éx", false, true},
	}
	for _, tt := range tests {
		if got := wildcardMatch(tt.pattern, tt.s, tt.fold); got != tt.want {
			t.Errorf("wildcardMatch(%q, %q, %v) = %v, want %v", tt.pattern, tt.s, tt.fold, got, tt.want)
		}
	}
}

func TestWildcardUnderPrefix(t *testing.T) {
	const prefix = "arn:aws:s3:::b/"
	tests := []struct {
		pattern        string
		coversAll, any bool
	}{
		{"*", true, true},
		{"arn:aws:s3:::b/*", true, true},
		{"arn:aws:s3:::b*", true, true},
		{"arn:aws:s3:::*", true, true},
		{"arn:*:s3:::b/*", true, true},
		{"arn:aws:s3:::b*/*", true, true},
		{"arn:aws:s3:::b/?*", true, true},
		{"arn:aws:s3:::b/*?", true, true},
		{"arn:aws:s3:::b/??*", false, true},
		{"arn:aws:s3:::b/prefix/*", false, true},
		{"arn:aws:s3:::b/*.parquet", false, true},
		{"arn:aws:s3:::b", false, false},
		{"arn:aws:s3:::b/", false, false},
		{"arn:aws:s3:::other/*", false, false},
		{"arn:aws:s3:::bb/*", false, false},
		{"arn:aws-cn:s3:::b/*", false, false},
	}
	for _, tt := range tests {
		if got := wildcardCoversAllUnder(tt.pattern, prefix); got != tt.coversAll {
			t.Errorf("wildcardCoversAllUnder(%q) = %v, want %v", tt.pattern, got, tt.coversAll)
		}
		if got := wildcardMatchesSomeUnder(tt.pattern, prefix); got != tt.any {
			t.Errorf("wildcardMatchesSomeUnder(%q) = %v, want %v", tt.pattern, got, tt.any)
		}
	}
}

// TestWildcardUnderPrefixAgreesWithMatch checks the two prefix helpers
// against wildcardMatch on sample suffixes: covering all means every sample
// matches, and matching some is implied by any sample matching.
func TestWildcardUnderPrefixAgreesWithMatch(t *testing.T) {
	const prefix = "arn:aws:s3:::b/"
	suffixes := []string{"k", "a/b", "x.parquet", "prefix/k", "??", "*", "long/key/with/many/parts.csv"}
	patterns := []string{"*", "arn:aws:s3:::b/*", "arn:aws:s3:::b*", "arn:aws:s3:::b/p*", "arn:aws:s3:::b/*.parquet",
		"arn:aws:s3:::b/?", "arn:aws:s3:::b/?*", "arn:aws:s3:::b", "arn:aws:s3:::b/prefix/*", "*/k", "arn:aws:s3:::*/*"}
	for _, p := range patterns {
		all, some := true, false
		for _, s := range suffixes {
			m := wildcardMatch(p, prefix+s, false)
			all = all && m
			some = some || m
		}
		if wildcardCoversAllUnder(p, prefix) && !all {
			t.Errorf("%q: covers all, but a sample suffix does not match", p)
		}
		if some && !wildcardMatchesSomeUnder(p, prefix) {
			t.Errorf("%q: a sample suffix matches, but matchesSome is false", p)
		}
	}
}

func TestStatementCoverage(t *testing.T) {
	doc, err := parsePolicy(policyValue(`{"Statement":[
		{"Effect":"Deny","Principal":"*","NotAction":["s3:GetBucketLocation"],"NotResource":["arn:aws:s3:::b/public/*"]},
		{"Effect":"Deny","Principal":"*","Action":"s3:GetObject"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	not, none := &doc.Statements[0], &doc.Statements[1]
	if !not.coversAction("s3:GetObject") || not.coversAction("s3:getbucketlocation") {
		t.Error("NotAction coverage is wrong")
	}
	if !not.coversResource("arn:aws:s3:::b") || not.coversResource("arn:aws:s3:::b/public/x") {
		t.Error("NotResource coverage is wrong")
	}
	if not.coversEveryResourceUnder("arn:aws:s3:::b/") {
		t.Error("NotResource excluding b/public/* must not cover every object")
	}
	if !not.coversEveryResourceUnder("arn:aws:s3:::c/") {
		t.Error("NotResource excluding only b/public/* covers every object of c")
	}
	if none.coversResource("arn:aws:s3:::b") || none.coversEveryResourceUnder("arn:aws:s3:::b/") {
		t.Error("a statement without Resource covers nothing")
	}
}

func TestJSONKind(t *testing.T) {
	for v, want := range map[any]string{"s": "a string", true: "a boolean", 1.5: "a number", json.Number("1"): "a number", nil: "null"} {
		if got := jsonKind(v); got != want {
			t.Errorf("jsonKind(%v) = %q, want %q", v, got, want)
		}
	}
}

// FuzzParsePolicy checks that no input makes the parser or the coverage
// helpers panic.
func FuzzParsePolicy(f *testing.F) {
	for _, seed := range []string{
		`{"Statement":{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}}`,
		`{"Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":["*"]},"NotAction":"kms:E*","NotResource":"?*"}]}`,
		`{"Statement":[{"Effect":"Allow","Principal":[1,null],"Action":[true],"Condition":{"ForAllValues:StringLikeIfExists":{"k":[1,"*"]}}}]}`,
		`[]`, `"x"`, `{}`, `{"Statement":null}`,
	} {
		f.Add(seed, "arn:aws:s3:::b/")
	}
	f.Fuzz(func(t *testing.T, policy, prefix string) {
		doc, err := parsePolicy(policyValue(policy))
		if err != nil {
			return
		}
		for i := range doc.Statements {
			s := &doc.Statements[i]
			s.appliesToEveryone()
			s.coversAction("kms:Decrypt")
			s.coversResource(prefix)
			s.coversEveryResourceUnder(prefix)
			_ = s.label()
		}
		wildcardKeyGrants(doc)
	})
}
