package rules

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/configitem"
	"github.com/aiguard/aiguard/iampolicy"
)

// policyValue wraps policy JSON as Config records it: a JSON string.
func policyValue(policy string) configitem.Value {
	return configitem.ValueOf(policy)
}

func TestParsePolicyForms(t *testing.T) {
	tests := []struct {
		name   string
		value  configitem.Value
		verify func(t *testing.T, d *ciPolicy)
	}{
		{
			name:  "statement object, string action and resource, principal star",
			value: policyValue(`{"Version":"2012-10-17","Statement":{"Sid":"One","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*"}}`),
			verify: func(t *testing.T, d *ciPolicy) {
				s := &d.Statement[0]
				if len(d.Statement) != 1 || s.Effect != "Deny" || !everyone(s.Principal) || s.Sid != "One" {
					t.Errorf("got %+v", d.Statement)
				}
				if !reflect.DeepEqual(s.Action, []string{"s3:*"}) || !reflect.DeepEqual(s.Resource, []string{"arn:aws:s3:::b/*"}) {
					t.Errorf("actions %v resources %v", s.Action, s.Resource)
				}
			},
		},
		{
			name:  "statement array, AWS star in an array, NotAction, NotResource",
			value: policyValue(`{"Statement":[{"Effect":"allow","Principal":{"AWS":["arn:aws:iam::111122223333:root","*"]},"NotAction":["kms:Encrypt"],"NotResource":"x"}]}`),
			verify: func(t *testing.T, d *ciPolicy) {
				s := &d.Statement[0]
				if s.Effect != "Allow" || !everyone(s.Principal) || s.NotAction == nil || s.NotResource == nil || s.Action != nil || s.Resource != nil {
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
			verify: func(t *testing.T, d *ciPolicy) {
				if s := &d.Statement[0]; allows(s) || !everyone(s.Principal) || len(s.Action) != 1 {
					t.Errorf("got %+v", s)
				}
			},
		},
		{
			name:  "principal of one account is not everyone",
			value: policyValue(`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root","Service":"s3.amazonaws.com"},"Action":"kms:*"}]}`),
			verify: func(t *testing.T, d *ciPolicy) {
				if s := &d.Statement[0]; everyone(s.Principal) || appliesToEveryone(s) {
					t.Errorf("got %+v", s.Principal)
				}
			},
		},
		{
			name:  "NotPrincipal: Allow reaches everyone, Deny does not",
			value: policyValue(`{"Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*"},{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:*"}]}`),
			verify: func(t *testing.T, d *ciPolicy) {
				if !appliesToEveryone(&d.Statement[0]) || appliesToEveryone(&d.Statement[1]) {
					t.Errorf("appliesToEveryone = %v, %v", appliesToEveryone(&d.Statement[0]), appliesToEveryone(&d.Statement[1]))
				}
				if d.Statement[0].Principal != nil || d.Statement[0].NotPrincipal == nil {
					t.Errorf("NotPrincipal read as %+v", d.Statement[0])
				}
			},
		},
		{
			name: "conditions: qualifiers, IfExists, bool and number values, key case",
			value: policyValue(`{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Condition":{
				"BoolIfExists":{"aws:SecureTransport":false},
				"ForAnyValue:StringLike":{"AWS:PrincipalOrgPaths":["o-a/*","o-b/*"]},
				"NumericLessThan":{"s3:TlsVersion":1.2}}}]}`),
			verify: func(t *testing.T, d *ciPolicy) {
				want := iampolicy.Condition{
					"BoolIfExists":           {"aws:SecureTransport": {"false"}},
					"ForAnyValue:StringLike": {"AWS:PrincipalOrgPaths": {"o-a/*", "o-b/*"}},
					"NumericLessThan":        {"s3:TlsVersion": {"1.2"}},
				}
				if !reflect.DeepEqual(d.Statement[0].Condition, want) {
					t.Errorf("conditions:\n got %+v\nwant %+v", d.Statement[0].Condition, want)
				}
				var keys []string
				for _, c := range d.tests[0] {
					keys = append(keys, c.op.Canonical+" "+c.key)
				}
				if want := []string{"BoolIfExists aws:securetransport", "ForAnyValue:StringLike aws:principalorgpaths",
					"NumericLessThan s3:tlsversion"}; !reflect.DeepEqual(keys, want) {
					t.Errorf("key tests %q, want %q", keys, want)
				}
			},
		},
		{
			name:  "pretty-printed JSON string as KMS records it",
			value: policyValue("{\n  \"Version\" : \"2012-10-17\",\n  \"Statement\" : [ {\n    \"Effect\" : \"Allow\",\n    \"Principal\" : {\n      \"AWS\" : \"*\"\n    },\n    \"Action\" : [ \"kms:Decrypt\" ],\n    \"Resource\" : \"*\"\n  } ]\n}"),
			verify: func(t *testing.T, d *ciPolicy) {
				if s := &d.Statement[0]; !allows(s) || !everyone(s.Principal) || !coversAction(s, "kms:Decrypt") {
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

// TestKeyTests checks how the reader parses condition operators and keys:
// in iampolicy's order, operators of any case and surrounding spaces, an
// unknown operator as the zero one, keys in lower case.
func TestKeyTests(t *testing.T) {
	d, err := parsePolicy(policyValue(`{"Statement":[{"Effect":"Deny","Action":"*","Condition":{
		"StringEqualsIfExists":         {"AWS:SourceAccount": "1"},
		"ForAllValues:ArnLikeIfExists": {"aws:PrincipalArn": "a"},
		"forallvalues:stringequals":    {"k": null},
		" Null ":                       {" AWS:TokenIssueTime ": true},
		"IfExists":                     {"k": "x"},
		"Other:Bool":                   {"K": "x"},
		"ForAnyValue:StringLike":       {"b": "1", "a": 2}}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		base, set string
		ifExists  bool
		key       string
		values    []string
	}
	var got []want
	for _, c := range d.tests[0] {
		got = append(got, want{c.op.Base, c.op.Set, c.op.IfExists, c.key, c.values})
	}
	expect := []want{
		{"Null", "", false, "aws:tokenissuetime", []string{"true"}},
		{"ArnLike", "ForAllValues", true, "aws:principalarn", []string{"a"}},
		{"StringLike", "ForAnyValue", false, "a", []string{"2"}},
		{"StringLike", "ForAnyValue", false, "b", []string{"1"}},
		{"", "", false, "k", []string{"x"}}, // IfExists alone is no operator
		{"", "", false, "k", []string{"x"}}, // nor is an unknown set
		{"StringEquals", "", true, "aws:sourceaccount", []string{"1"}},
		{"StringEquals", "ForAllValues", false, "k", []string{}},
	}
	if !reflect.DeepEqual(got, expect) {
		t.Errorf("key tests:\n got %+v\nwant %+v", got, expect)
	}
	if n := len(d.Statement[0].Condition); n != 7 {
		t.Errorf("the model holds %d operators, want 7", n)
	}
}

func TestLowerKey(t *testing.T) {
	for key, want := range map[string]string{
		"aws:SecureTransport": "aws:securetransport", "kms:CallerAccount": "kms:calleraccount",
		"aws:principaltag/Team": "aws:principaltag/team", "s3:tlsversion": "s3:tlsversion",
		"\u212Ams:CallerAccount": "kms:calleraccount", // the Kelvin sign lowers to k
	} {
		if got := lowerKey(key); got != want {
			t.Errorf("lowerKey(%q) = %q, want %q", key, got, want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { lowerKey("aws:PrincipalOrgID") }); n != 0 {
		t.Errorf("lowerKey of a key the rules test allocates %v times", n)
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
// against iampolicy.MatchWildcard on sample suffixes: covering all means every sample
// matches, and matching some is implied by any sample matching.
func TestWildcardUnderPrefixAgreesWithMatch(t *testing.T) {
	const prefix = "arn:aws:s3:::b/"
	suffixes := []string{"k", "a/b", "x.parquet", "prefix/k", "??", "*", "long/key/with/many/parts.csv"}
	patterns := []string{"*", "arn:aws:s3:::b/*", "arn:aws:s3:::b*", "arn:aws:s3:::b/p*", "arn:aws:s3:::b/*.parquet",
		"arn:aws:s3:::b/?", "arn:aws:s3:::b/?*", "arn:aws:s3:::b", "arn:aws:s3:::b/prefix/*", "*/k", "arn:aws:s3:::*/*"}
	for _, p := range patterns {
		all, some := true, false
		for _, s := range suffixes {
			m := iampolicy.MatchWildcard(p, prefix+s, false)
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
	not, none := &doc.Statement[0], &doc.Statement[1]
	if !coversAction(not, "s3:GetObject") || coversAction(not, "s3:getbucketlocation") {
		t.Error("NotAction coverage is wrong")
	}
	if !coversResource(not, "arn:aws:s3:::b") || coversResource(not, "arn:aws:s3:::b/public/x") {
		t.Error("NotResource coverage is wrong")
	}
	if coversEveryResourceUnder(not, "arn:aws:s3:::b/") {
		t.Error("NotResource excluding b/public/* must not cover every object")
	}
	if !coversEveryResourceUnder(not, "arn:aws:s3:::c/") {
		t.Error("NotResource excluding only b/public/* covers every object of c")
	}
	if coversResource(none, "arn:aws:s3:::b") || coversEveryResourceUnder(none, "arn:aws:s3:::b/") {
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
		for i := range doc.Statement {
			s := &doc.Statement[i]
			appliesToEveryone(s)
			coversAction(s, "kms:Decrypt")
			coversResource(s, prefix)
			coversEveryResourceUnder(s, prefix)
			restrictsCallers(doc.tests[i])
			_ = label(i, s)
		}
		wildcardKeyGrants(doc)
	})
}

// BenchmarkParsePolicy reads a bucket policy as Config records it (a JSON
// string: two Deny statements with conditions) into iampolicy's model,
// against the floor of decoding the same string into an any with
// encoding/json, measured in the same run: the difference is what the
// reader adds.
func BenchmarkParsePolicy(b *testing.B) {
	policy := `{"Version":"2012-10-17","Statement":[` + denyHTTP + `,` + denyOldTLS + `]}`
	b.Run("floor/json-unmarshal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var v any
			if err := json.Unmarshal([]byte(policy), &v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parsePolicy", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := parsePolicy(policyValue(policy)); err != nil {
				b.Fatal(err)
			}
		}
	})
}
