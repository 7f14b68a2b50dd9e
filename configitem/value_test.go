package configitem_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/configitem"
)

// value decodes a JSON document into a Value, as Item.Config does.
func value(t *testing.T, doc string) configitem.Value {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatalf("bad test JSON %s: %v", doc, err)
	}
	return configitem.ValueOf(v)
}

func TestFieldCase(t *testing.T) {
	tests := []struct {
		name, doc, field, want string
		wantMissing            bool
	}{
		{name: "PascalCase exact", doc: `{"SubnetId":"s"}`, field: "SubnetId", want: "s"},
		{name: "PascalCase asked, camelCase stored", doc: `{"subnetId":"s"}`, field: "SubnetId", want: "s"},
		{name: "camelCase asked, PascalCase stored", doc: `{"SubnetId":"s"}`, field: "subnetId", want: "s"},
		{name: "other case", doc: `{"SUBNETID":"s"}`, field: "SubnetId", want: "s"},
		{name: "exact wins over flipped", doc: `{"subnetId":"camel","SubnetId":"pascal"}`, field: "SubnetId", want: "pascal"},
		{name: "flipped wins over other case", doc: `{"SUBNETID":"upper","subnetId":"camel"}`, field: "SubnetId", want: "camel"},
		{name: "other case, several: the smallest key", doc: `{"sUBNETID":"b","SUBNETID":"a","subnetid":"c"}`, field: "SubnetId", want: "a"},
		{name: "acronym", doc: `{"kmsKeyId":"k"}`, field: "KMSKeyID", want: "k"},
		{name: "missing", doc: `{"SubnetIds":"s"}`, field: "SubnetId", wantMissing: true},
		{name: "on an array", doc: `[{"SubnetId":"s"}]`, field: "SubnetId", wantMissing: true},
		{name: "on a string", doc: `"SubnetId"`, field: "SubnetId", wantMissing: true},
		{name: "on a string holding an object", doc: `"{\"SubnetId\":\"s\"}"`, field: "SubnetId", want: "s"},
		{name: "empty name", doc: `{"":"e"}`, field: "", want: "e"},
		{name: "non-ASCII name", doc: `{"Ärger":"x"}`, field: "ärger", want: "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Run the lookup repeatedly: map order must not change the answer.
			for range 20 {
				got := value(t, tt.doc).Field(tt.field)
				if tt.wantMissing {
					if got.Exists() {
						t.Fatalf("Field(%q) = %v, want missing", tt.field, got.Raw())
					}
					continue
				}
				if got.Str() != tt.want {
					t.Fatalf("Field(%q) = %v, want %q", tt.field, got.Raw(), tt.want)
				}
			}
		})
	}
}

// TestPresence covers missing versus null versus empty.
func TestPresence(t *testing.T) {
	tests := []struct {
		doc                     string // the value of field F, or "" when F is absent
		exists, isNull, present bool
	}{
		{doc: "", exists: false, isNull: false, present: false},
		{doc: `null`, exists: true, isNull: true, present: false},
		{doc: `""`, exists: true, present: false},
		{doc: `"  "`, exists: true, present: false},
		{doc: `[]`, exists: true, present: false},
		{doc: `{}`, exists: true, present: false},
		{doc: `"x"`, exists: true, present: true},
		{doc: `0`, exists: true, present: true},
		{doc: `false`, exists: true, present: true},
		{doc: `[null]`, exists: true, present: true},
		{doc: `{"a":null}`, exists: true, present: true},
	}
	for _, tt := range tests {
		t.Run(tt.doc, func(t *testing.T) {
			doc := `{}`
			if tt.doc != "" {
				doc = `{"F":` + tt.doc + `}`
			}
			v := value(t, doc).Field("F")
			if v.Exists() != tt.exists || v.IsNull() != tt.isNull || v.Present() != tt.present {
				t.Errorf("Exists %v IsNull %v Present %v; want %v %v %v",
					v.Exists(), v.IsNull(), v.Present(), tt.exists, tt.isNull, tt.present)
			}
		})
	}
	var zero configitem.Value
	if zero.Exists() || zero.IsNull() || zero.Present() || zero.Raw() != nil {
		t.Error("the zero Value is not missing")
	}
}

func TestBool(t *testing.T) {
	tests := []struct {
		doc      string
		want, ok bool
	}{
		{doc: `true`, want: true, ok: true},
		{doc: `false`, want: false, ok: true},
		{doc: `"true"`, want: true, ok: true},
		{doc: `"TRUE"`, want: true, ok: true},
		{doc: `" True "`, want: true, ok: true},
		{doc: `"false"`, want: false, ok: true},
		{doc: `"FALSE"`, want: false, ok: true},
		// Config writes booleans as true/false or "true"/"false". Anything else
		// is not a boolean: a rule must not guess, so 1, "1" and "yes" are not.
		{doc: `1`},
		{doc: `0`},
		{doc: `"1"`},
		{doc: `"yes"`},
		{doc: `"Enabled"`},
		{doc: `""`},
		{doc: `null`},
		{doc: `[true]`},
		{doc: `{"v":true}`},
	}
	for _, tt := range tests {
		t.Run(tt.doc, func(t *testing.T) {
			v := value(t, `{"F":`+tt.doc+`}`).Field("F")
			got, ok := v.Bool()
			if got != tt.want || ok != tt.ok {
				t.Errorf("Bool() = %v, %v; want %v, %v", got, ok, tt.want, tt.ok)
			}
			if v.IsTrue() != (tt.want && tt.ok) {
				t.Errorf("IsTrue() = %v", v.IsTrue())
			}
		})
	}
	t.Run("missing", func(t *testing.T) {
		v := value(t, `{}`).Field("F")
		if b, ok := v.Bool(); b || ok || v.IsTrue() {
			t.Errorf("Bool() = %v, %v on a missing field", b, ok)
		}
	})
}

func TestInt(t *testing.T) {
	tests := []struct {
		doc  string
		want int64
		ok   bool
	}{
		{doc: `20`, want: 20, ok: true},
		{doc: `-7`, want: -7, ok: true},
		{doc: `0`, want: 0, ok: true},
		{doc: `20.0`, want: 20, ok: true},
		{doc: `2e3`, want: 2000, ok: true},
		{doc: `1763633730123`, want: 1763633730123, ok: true},
		{doc: `"20"`, want: 20, ok: true},
		{doc: `" 42 "`, want: 42, ok: true},
		{doc: `"-3"`, want: -3, ok: true},
		{doc: `20.5`},
		{doc: `"20.5"`},
		{doc: `"20.0"`},
		{doc: `"twenty"`},
		{doc: `""`},
		{doc: `1e300`},
		{doc: `-1e300`},
		{doc: `9223372036854775808`},  // 2^63: beyond int64
		{doc: `-9223372036854775809`}, // rounds to -2^63, which fits
		{doc: `"9223372036854775808"`},
		{doc: `true`},
		{doc: `null`},
		{doc: `[1]`},
	}
	for _, tt := range tests {
		t.Run(tt.doc, func(t *testing.T) {
			got, ok := value(t, `{"F":`+tt.doc+`}`).Field("F").Int()
			if tt.doc == `-9223372036854775809` {
				// float64 cannot tell this from -2^63, the smallest int64.
				tt.want, tt.ok = -1<<63, true
			}
			if got != tt.want || ok != tt.ok {
				t.Errorf("Int() = %d, %v; want %d, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
	t.Run("json.Number", func(t *testing.T) {
		if n, ok := configitem.ValueOf(json.Number("12")).Int(); !ok || n != 12 {
			t.Errorf("Int() = %d, %v", n, ok)
		}
		if _, ok := configitem.ValueOf(json.Number("1.5")).Int(); ok {
			t.Error("json.Number 1.5 is an integer")
		}
	})
	t.Run("missing", func(t *testing.T) {
		if n, ok := value(t, `{}`).Field("F").Int(); ok || n != 0 {
			t.Errorf("Int() = %d, %v", n, ok)
		}
	})
}

func TestString(t *testing.T) {
	tests := []struct {
		doc, want string
		ok        bool
	}{
		{doc: `"Disabled"`, want: "Disabled", ok: true},
		{doc: `""`, want: "", ok: true},
		{doc: `20`, want: "20", ok: true},
		{doc: `1.5`, want: "1.5", ok: true},
		{doc: `1763633730123`, want: "1763633730123", ok: true},
		{doc: `true`, want: "true", ok: true},
		{doc: `null`},
		{doc: `[]`},
		{doc: `{}`},
	}
	for _, tt := range tests {
		t.Run(tt.doc, func(t *testing.T) {
			v := value(t, `{"F":`+tt.doc+`}`).Field("F")
			got, ok := v.String()
			if got != tt.want || ok != tt.ok || v.Str() != tt.want {
				t.Errorf("String() = %q, %v; Str() = %q; want %q, %v", got, ok, v.Str(), tt.want, tt.ok)
			}
		})
	}
	if s, ok := configitem.ValueOf(json.Number("7")).String(); !ok || s != "7" {
		t.Errorf("json.Number: %q, %v", s, ok)
	}
}

func TestListAndStrings(t *testing.T) {
	tests := []struct {
		name, doc   string // doc "" means the field is missing
		wantLen     int
		wantStrings []string
	}{
		{name: "array", doc: `["sg-1","sg-2"]`, wantLen: 2, wantStrings: []string{"sg-1", "sg-2"}},
		{name: "single string", doc: `"sg-1"`, wantLen: 1, wantStrings: []string{"sg-1"}},
		{name: "single object", doc: `{"a":1}`, wantLen: 1},
		{name: "single number", doc: `5`, wantLen: 1, wantStrings: []string{"5"}},
		{name: "string holding an array", doc: `"[\"sg-1\",\"sg-2\"]"`, wantLen: 2, wantStrings: []string{"sg-1", "sg-2"}},
		{name: "blank and odd elements", doc: `["a",""," ",null,{},[],7,"b"]`, wantLen: 8, wantStrings: []string{"a", "7", "b"}},
		{name: "empty array", doc: `[]`, wantLen: 0},
		{name: "empty string", doc: `""`, wantLen: 1},
		{name: "null", doc: `null`, wantLen: 0},
		{name: "missing", doc: "", wantLen: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := `{}`
			if tt.doc != "" {
				doc = `{"F":` + tt.doc + `}`
			}
			v := value(t, doc).Field("F")
			if got := v.List(); len(got) != tt.wantLen {
				t.Errorf("List() has %d elements, want %d", len(got), tt.wantLen)
			}
			if got := v.Strings(); !reflect.DeepEqual(got, tt.wantStrings) {
				t.Errorf("Strings() = %q, want %q", got, tt.wantStrings)
			}
		})
	}
}

func TestPath(t *testing.T) {
	doc := value(t, `{
		"DataCaptureConfig": {"KmsKeyId": "k", "Options": [{"Mode": "Input"}]},
		"BucketPolicy": {"policyText": "{\"Statement\":[{\"Effect\":\"Deny\",\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}]}"},
		"Nested": "{\"Inner\": \"{\\\"Deep\\\": true}\"}",
		"Null": null
	}`)
	tests := []struct {
		path, want  string
		wantMissing bool
	}{
		{path: "DataCaptureConfig.KmsKeyId", want: "k"},
		{path: "dataCaptureConfig.kmsKeyId", want: "k"},
		{path: "BucketPolicy.policyText.Statement", want: ""}, // an array: exists, no string
		{path: "Nested.Inner.Deep", want: "true"},
		{path: "DataCaptureConfig.Options.Mode", wantMissing: true}, // Path does not index arrays
		{path: "DataCaptureConfig.Missing.KmsKeyId", wantMissing: true},
		{path: "Null.Anything", wantMissing: true},
		{path: "DataCaptureConfig.KmsKeyId.More", wantMissing: true},
		{path: "", wantMissing: true},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got := doc.Path(tt.path)
			if tt.wantMissing {
				if got.Exists() {
					t.Errorf("Path(%q) = %v, want missing", tt.path, got.Raw())
				}
				return
			}
			if !got.Exists() || got.Str() != tt.want {
				t.Errorf("Path(%q) = %v, want %q", tt.path, got.Raw(), tt.want)
			}
		})
	}
	stmts := doc.Path("BucketPolicy.policyText.Statement").List()
	if len(stmts) != 1 || stmts[0].Path("Condition.Bool.aws:SecureTransport").Str() != "false" {
		t.Errorf("policy statements = %v", doc.Path("BucketPolicy.policyText.Statement").Raw())
	}
}

func TestSupplement(t *testing.T) {
	it := mustDecode(t, `{"supplementaryConfiguration":{
		"AccessControlList": "{\"grantList\":[{\"grantee\":{\"id\":\"abc\"},\"permission\":\"FullControl\"}]}",
		"PublicAccessBlockConfiguration": {"blockPublicAcls": true, "ignorePublicAcls": "true"},
		"IsRequesterPaysEnabled": false,
		"Plain": "not JSON {",
		"Broken": "{\"a\":"
	}}`)
	grants := it.Supplement("AccessControlList").Field("grantList").List()
	if len(grants) != 1 || grants[0].Path("grantee.id").Str() != "abc" {
		t.Errorf("AccessControlList.grantList = %v", it.Supplement("AccessControlList").Raw())
	}
	if !it.Supplement("accessControlList").Exists() || !it.Supplement("ACCESSCONTROLLIST").Exists() {
		t.Error("Supplement is not case-insensitive")
	}
	pab := it.Supplement("PublicAccessBlockConfiguration")
	if !pab.Field("BlockPublicAcls").IsTrue() || !pab.Field("ignorePublicAcls").IsTrue() {
		t.Errorf("PublicAccessBlockConfiguration = %v", pab.Raw())
	}
	if b, ok := it.Supplement("IsRequesterPaysEnabled").Bool(); !ok || b {
		t.Errorf("IsRequesterPaysEnabled = %v, %v", b, ok)
	}
	if got := it.Supplement("Plain").Str(); got != "not JSON {" {
		t.Errorf("Plain = %q", got)
	}
	if got := it.Supplement("Broken").Str(); got != `{"a":` {
		t.Errorf("Broken = %q: a string that is not valid JSON must stay a string", got)
	}
	if it.Supplement("Missing").Exists() {
		t.Error("Missing exists")
	}
}

// TestFieldDoesNotAlias checks that a lookup returns the same answer however
// often it is repeated, even on values decoded from embedded JSON.
func TestFieldRepeatable(t *testing.T) {
	v := value(t, `{"S":"{\"A\":[1,2]}"}`)
	for range 3 {
		if got := v.Path("S.A").List(); len(got) != 2 {
			t.Fatalf("Path(S.A) = %v", v.Path("S.A").Raw())
		}
	}
	if s := v.Field("S").Str(); !strings.HasPrefix(s, "{") {
		t.Errorf("Field(S).Str() = %q, want the JSON text itself", s)
	}
}

// TestNumberBeyondFloat64 checks that one number too large for a float64
// does not hide the rest of the document from the rules.
func TestNumberBeyondFloat64(t *testing.T) {
	it := mustDecode(t, `{
		"configuration": {"DirectInternetAccess": "Disabled", "Big": 1e400, "Size": 20.0, "Embedded": "{\"Huge\": -1e999, \"On\": true}"},
		"supplementaryConfiguration": {"S": {"Big": 1e400, "Name": "n"}, "J": "{\"Big\": 1e400, \"Name\": \"j\"}"}
	}`)
	c := it.Config()
	if got := c.Field("DirectInternetAccess").Str(); got != "Disabled" {
		t.Errorf("DirectInternetAccess = %q: the configuration was lost", got)
	}
	if got := c.Field("Big").Str(); got != "1e400" {
		t.Errorf("Big = %q, want the number as written", got)
	}
	if _, ok := c.Field("Big").Int(); ok {
		t.Error("Big is an int64")
	}
	if n, ok := c.Field("Size").Int(); !ok || n != 20 {
		t.Errorf("Size = %d, %v", n, ok)
	}
	if !c.Path("Embedded.On").IsTrue() || c.Path("Embedded.Huge").Str() != "-1e999" {
		t.Errorf("Embedded = %v", c.Field("Embedded").Raw())
	}
	if it.Supplement("S").Field("Name").Str() != "n" || it.Supplement("J").Field("Name").Str() != "j" {
		t.Errorf("supplementaryConfiguration lost: %v %v", it.Supplement("S").Raw(), it.Supplement("J").Raw())
	}
}

// TestJSON checks Value.JSON, which decodes a string holding JSON once per
// item.
func TestJSON(t *testing.T) {
	it := mustDecode(t, `{"resourceId":"r","supplementaryConfiguration":{
		"BucketPolicy":"{\"policyText\":\"{\\\"Statement\\\":[{\\\"Effect\\\":\\\"Deny\\\"}]}\"}",
		"Broken":"{\"policyText\":\"{\\\"Statement\\\":[\"}",
		"Plain":"text", "Number":"42", "Object":{"a":1}}}`)
	text := it.Supplement("BucketPolicy").Field("policyText")
	if _, ok := text.Raw().(string); !ok {
		t.Fatalf("policyText is %T, want the string as recorded", text.Raw())
	}
	policy, err := text.JSON()
	if err != nil || policy.Path("Statement").List()[0].Field("Effect").Str() != "Deny" {
		t.Fatalf("JSON() = %v, %v", policy.Raw(), err)
	}
	again, _ := it.Supplement("BucketPolicy").Field("policyText").JSON()
	if reflect.ValueOf(configitem.Tree(policy)).Pointer() != reflect.ValueOf(configitem.Tree(again)).Pointer() {
		t.Error("the policy was decoded twice")
	}
	if _, err := it.Supplement("Broken").Field("policyText").JSON(); err == nil {
		t.Error("broken policy: no error")
	}
	if _, err := it.Supplement("Plain").JSON(); err == nil {
		t.Error(`"text": no error`)
	}
	if n, err := it.Supplement("Number").JSON(); err != nil || mustInt(t, n) != 42 {
		t.Errorf(`"42": %v, %v`, n.Raw(), err)
	}
	if v, err := it.Supplement("Object").JSON(); err != nil || !v.Field("a").Exists() {
		t.Errorf("object: %v, %v", v.Raw(), err)
	}
	if v, err := it.Supplement("Missing").JSON(); err != nil || v.Exists() {
		t.Errorf("missing: %v, %v", v.Raw(), err)
	}
	if v, err := configitem.ValueOf(`[1, 2]`).JSON(); err != nil || len(v.List()) != 2 {
		t.Errorf("ValueOf: %v, %v", v.Raw(), err)
	}
}

// TestFieldFoldLargeObject checks case-insensitive lookups on objects large
// enough for the item to index their keys: the same answers as on a small
// object, with several keys of one folded form giving the smallest.
func TestFieldFoldLargeObject(t *testing.T) {
	doc := `{"configuration":{"a1":1,"a2":2,"a3":3,"a4":4,"a5":5,"a6":6,"a7":7,"a8":8,
		"sUBNETID":"b","SUBNETID":"a","subnetid":"c","Kelvin":"k","ſtate":"s","ÄRGER":"x"}}`
	c := mustDecode(t, doc).Config()
	small := value(t, `{"sUBNETID":"b","SUBNETID":"a","subnetid":"c","Kelvin":"k","ſtate":"s","ÄRGER":"x"}`)
	for _, name := range []string{"SubnetId", "subnetID", "kelvin", "\u212aelvin", "state", "STATE", "ärger", "Ärger", "missing", ""} {
		for _, v := range []configitem.Value{c, small} {
			got, want := v.Field(name), small.Field(name)
			if got.Exists() != want.Exists() || got.Str() != want.Str() {
				t.Errorf("Field(%q) = %v, %v; want %v, %v", name, got.Raw(), got.Exists(), want.Raw(), want.Exists())
			}
		}
	}
	if got := c.Field("subnetId").Str(); got != "a" {
		t.Errorf("Field(subnetId) = %q, want the smallest key's value", got)
	}
	if got := c.Field("A1"); mustInt(t, got) != 1 {
		t.Errorf("Field(A1) = %v", got.Raw())
	}
}

// TestElements: Elements yields what List returns, for every shape List
// accepts.
func TestElements(t *testing.T) {
	for _, doc := range []string{`{"V":[1,"a",{"k":1},[2],null]}`, `{"V":"[1,2]"}`, `{"V":"x"}`, `{"V":{"k":1}}`,
		`{"V":null}`, `{}`, `{"V":[]}`} {
		v := configitem.ValueOf(mustJSON(t, doc)).Field("V")
		var got []any
		for e := range v.Elements() {
			got = append(got, e.Raw())
		}
		var want []any
		for _, e := range v.List() {
			want = append(want, e.Raw())
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: Elements gives %v, List %v", doc, got, want)
		}
	}
}

func mustJSON(t *testing.T, doc string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatal(err)
	}
	return v
}
