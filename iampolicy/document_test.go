package iampolicy

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseForms(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Document
	}{
		{
			name: "statement object, string elements",
			in: `{"Version":"2012-10-17","Id":"p1","Statement":{"Sid":"A","Effect":"Deny","Action":"s3:GetObject",
				"Resource":"*"}}`,
			want: Document{Version: "2012-10-17", ID: "p1", Statement: []Statement{{Sid: "A", Effect: "Deny",
				Action: []string{"s3:GetObject"}, Resource: []string{"*"}}}},
		},
		{
			name: "arrays, Not elements, principals",
			in: `{"Statement":[{"Effect":"Allow","NotAction":["iam:*","sts:*"],"NotResource":[],
				"Principal":{"AWS":["arn:aws:iam::111122223333:root"],"Service":"sagemaker.amazonaws.com"},
				"NotPrincipal":"*"}]}`,
			want: Document{Statement: []Statement{{Effect: "Allow", NotAction: []string{"iam:*", "sts:*"},
				NotResource: []string{},
				Principal: &Principal{ByType: map[string][]string{"AWS": {"arn:aws:iam::111122223333:root"},
					"Service": {"sagemaker.amazonaws.com"}}},
				NotPrincipal: &Principal{All: true}}}},
		},
		{
			name: "condition values of every JSON kind",
			in: `{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{
				"Bool":{"aws:SecureTransport":false},"NumericLessThan":{"s3:TlsVersion":1.2},
				"StringEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]}}}]}`,
			want: Document{Statement: []Statement{{Effect: "Deny", Action: []string{"*"}, Resource: []string{"*"},
				Condition: Condition{"Bool": {"aws:SecureTransport": {"false"}},
					"NumericLessThan": {"s3:TlsVersion": {"1.2"}},
					"StringEquals":    {"aws:RequestedRegion": {"us-east-1", "eu-west-1"}}}}}},
		},
		{
			name: "escapes and unicode",
			in:   `{"Statement":[{"Sid":"\u0041\ud83d\ude00\/","Effect":"Deny","Action":"*"}]}`,
			want: Document{Statement: []Statement{{Sid: "A😀/", Effect: "Deny", Action: []string{"*"}}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if d.Version != tt.want.Version || d.ID != tt.want.ID || !reflect.DeepEqual(d.Statement, tt.want.Statement) {
				t.Errorf("got %+v\nwant %+v", d.Statement, tt.want.Statement)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in         string
		line, col  int
		msgContain string
	}{
		{"", 1, 1, "empty"},
		{"  \n ", 2, 2, "empty"},
		{`{"Statement": [}`, 1, 16, "want a value"},
		{"{\n  \"Version\": \"2012-10-17\",\n}", 2, 26, "trailing comma"},
		{`{"a": [1,]}`, 1, 9, "trailing comma"},
		{`{"a": 1 "b": 2}`, 1, 9, "a comma may be missing"},
		{`[1, 2]`, 1, 1, "is an array"},
		{`"x"`, 1, 1, "is a string"},
		{`{"a": 01}`, 1, 7, "leading zero"},
		{`{"a": "x\qy"}`, 1, 9, "invalid escape"},
		{`{"a": "tab	in string"}`, 1, 11, "control character"},
		{"{\"a\": \"\xff\"}", 1, 8, "invalid UTF-8"},
		{`{"a": tru}`, 1, 7, "want a value"},
		{`{} {}`, 1, 4, "after the end"},
		{`{"a": "unterminated`, 1, 7, "unterminated string"},
		{"\xef\xbb\xbf{}", 1, 1, "byte-order mark"},
		{strings.Repeat("[", 100) + strings.Repeat("]", 100), 1, 66, "nested more than"},
	}
	for _, tt := range tests {
		_, err := Parse([]byte(tt.in))
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q): err = %v, want a *SyntaxError", tt.in, err)
			continue
		}
		if se.Line != tt.line || se.Column != tt.col || !strings.Contains(se.Msg, tt.msgContain) {
			t.Errorf("Parse(%q) = line %d col %d %q; want line %d col %d containing %q",
				tt.in, se.Line, se.Column, se.Msg, tt.line, tt.col, tt.msgContain)
		}
	}
}

func TestMinifiedAndSize(t *testing.T) {
	in := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Sid\": \"A b\",\n" +
		"      \"Effect\": \"Deny\",\n      \"Action\": \"s3:GetObject\",\n      \"Resource\": \"arn:aws:s3:::<bucket>/*\"\n    }\n  ]\n}\n"
	d, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	m, err := d.Minified()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Version":"2012-10-17","Statement":[{"Sid":"A b","Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::<bucket>/*"}]}`
	if string(m) != want {
		t.Errorf("Minified = %s\nwant      %s", m, want)
	}
	for _, tt := range []struct {
		typ  Type
		want int
	}{
		{TypeSCP, len(want)}, {TypeRCP, len(want)}, {TypeBoundary, len(want) - 1}, {TypeIdentity, len(want) - 1},
	} {
		if n, err := d.Size(tt.typ); err != nil || n != tt.want {
			t.Errorf("Size(%s) = %d, %v; want %d", tt.typ, n, err, tt.want)
		}
	}
	// Characters, not bytes.
	d2, _ := Parse([]byte(`{"Statement":[{"Sid":"é","Effect":"Deny","Action":"*"}]}`))
	if n, _ := d2.Size(TypeSCP); n != len(`{"Statement":[{"Sid":"é","Effect":"Deny","Action":"*"}]}`)-1 {
		t.Errorf("Size counts bytes, not characters: %d", n)
	}
}

func TestMarshalBuiltInGo(t *testing.T) {
	d := &Document{Version: "2012-10-17", Statement: []Statement{{
		Sid: "DenyNoVpc", Effect: "Deny",
		Action:    []string{"sagemaker:CreateTrainingJob"},
		Resource:  []string{"*"},
		Condition: Condition{"Null": {"sagemaker:VpcSubnets": {"true"}}, "ArnNotLike": {"aws:PrincipalArn": {"arn:aws:iam::*:role/<BreakGlass>", "arn:aws:iam::*:role/Admin&Co"}}},
	}, {
		Effect: "Deny", Principal: &Principal{All: true}, Action: []string{"s3:*"}, NotResource: []string{"a", "b"},
	}}}
	got, err := d.Minified()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Version":"2012-10-17","Statement":[{"Sid":"DenyNoVpc","Effect":"Deny","Action":"sagemaker:CreateTrainingJob",` +
		`"Resource":"*","Condition":{"ArnNotLike":{"aws:PrincipalArn":["arn:aws:iam::*:role/<BreakGlass>",` +
		`"arn:aws:iam::*:role/Admin&Co"]},"Null":{"sagemaker:VpcSubnets":"true"}}},` +
		`{"Effect":"Deny","Principal":"*","Action":"s3:*","NotResource":["a","b"]}]}`
	if string(got) != want {
		t.Errorf("Minified =\n%s\nwant\n%s", got, want)
	}
	// What MarshalJSON writes reads back to the same document.
	back, err := Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Statement, d.Statement) {
		t.Errorf("read back:\n%+v\nwant\n%+v", back.Statement, d.Statement)
	}
	if _, err := json.Marshal(d); err != nil {
		t.Errorf("json.Marshal: %v", err)
	}
}

// TestChangedDocument checks that a parsed document changed in Go is
// measured and linted as its new content.
func TestChangedDocument(t *testing.T) {
	d, err := Parse([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sagemaker:CreateTrainingJob","Resource":"*"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if fs := Lint(d, TypeSCP); len(fs) != 0 {
		t.Fatalf("unexpected findings: %v", fs)
	}
	d.Statement[0].Action = []string{"sagemaker:NoSuchAction"}
	fs := Lint(d, TypeSCP)
	if len(fs) != 1 || fs[0].Code != "policy-action-unknown" || fs[0].Line != 0 {
		t.Errorf("after the change: %v; want one policy-action-unknown without a line", fs)
	}
	m, _ := d.Minified()
	if !strings.Contains(string(m), "NoSuchAction") {
		t.Errorf("Minified ignores the change: %s", m)
	}
}

func TestParseType(t *testing.T) {
	for _, s := range []string{"scp", "SCP", "rcp", "boundary", "Identity"} {
		if _, err := ParseType(s); err != nil {
			t.Errorf("ParseType(%q): %v", s, err)
		}
	}
	if _, err := ParseType("resource"); err == nil {
		t.Error("ParseType(resource): want an error")
	}
	if TypeSCP.MaxSize() != 5120 || TypeRCP.MaxSize() != 5120 || TypeBoundary.MaxSize() != 6144 || TypeIdentity.MaxSize() != 10240 {
		t.Error("MaxSize: want 5120, 5120, 6144, 10240")
	}
}

// TestStatementParts checks that a statement and a condition write
// themselves as they stand in a minified policy, and that Indented is the
// minified text indented.
func TestStatementParts(t *testing.T) {
	st := Statement{Sid: "S", Effect: "Deny", Action: []string{"s:A"}, Resource: []string{"*"},
		Condition: Condition{}.With("StringLike", "k", "b<", "a&", "b<").With("Null", "n", "true")}
	d := &Document{Version: CurrentVersion, Statement: []Statement{st}}
	m, err := d.Minified()
	if err != nil {
		t.Fatal(err)
	}
	sj, err := st.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Sid":"S","Effect":"Deny","Action":"s:A","Resource":"*","Condition":{"Null":{"n":"true"},"StringLike":{"k":["a&","b<"]}}}`
	if string(sj) != want || !strings.Contains(string(m), want) {
		t.Errorf("Statement.MarshalJSON = %s\nwant %s\nin %s", sj, want, m)
	}
	if len(m)-len(sj) != len(`{"Version":"2012-10-17","Statement":[]}`) {
		t.Errorf("the statement's length %d is not what it adds to %s", len(sj), m)
	}
	if cj, _ := st.Condition.MarshalJSON(); !strings.HasSuffix(want, `"Condition":`+string(cj)+"}") {
		t.Errorf("Condition.MarshalJSON = %s", cj)
	}
	if cj, _ := Condition(nil).MarshalJSON(); string(cj) != "null" {
		t.Errorf("nil Condition = %s", cj)
	}
	ind, err := d.Indented()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(ind), "{\n  \"Version\": \"2012-10-17\",\n") || !strings.HasSuffix(string(ind), "}\n") ||
		strings.Join(strings.Fields(string(ind)), "") != strings.ReplaceAll(string(m), " ", "") {
		t.Errorf("Indented =\n%s", ind)
	}
}

func TestConditionWithAndClone(t *testing.T) {
	var c Condition
	c = c.With("StringEquals", "k", "b", "a").With("StringEquals", "k", "a", "c")
	if got := c["StringEquals"]["k"]; !reflect.DeepEqual(got, []string{"a", "b", "c"}) {
		t.Errorf("With = %v, want sorted without duplicates", got)
	}
	cp := c.Clone().With("StringEquals", "k", "d").With("Null", "x", "true")
	if len(c) != 1 || len(c["StringEquals"]["k"]) != 3 || len(cp["StringEquals"]["k"]) != 4 {
		t.Errorf("Clone shares state: %v %v", c, cp)
	}
	if Condition(nil).Clone() != nil {
		t.Error("Clone of nil is not nil")
	}
}

func TestCutVariable(t *testing.T) {
	tests := []struct{ in, before, name, after string }{
		{"arn:aws:s3:::b/${aws:username}/*", "arn:aws:s3:::b/", "aws:username", "/*"},
		{"${*}x", "", "*", "x"},
		{"no variable", "no variable", "", ""},
		{"open ${aws:x", "open ${aws:x", "", ""},
	}
	for _, tc := range tests {
		before, name, after, found := CutVariable(tc.in)
		if before != tc.before || name != tc.name || after != tc.after || found != (tc.name != "") {
			t.Errorf("CutVariable(%q) = %q %q %q %v", tc.in, before, name, after, found)
		}
	}
	if got := replaceVariables("a${x}b${y}c${", "*"); got != "a*b*c${" {
		t.Errorf("replaceVariables = %q", got)
	}
}
