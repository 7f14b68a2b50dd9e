package conformance

import (
	"errors"
	"strings"
	"testing"
)

func TestParseErrorsPointAtTheLine(t *testing.T) {
	indent := `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Rule:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: one
      Source:
        Owner: AWS
        SourceIdentifier: S3_BUCKET_LOGGING_ENABLED
  Other:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: two
     Source:
        Owner: AWS
`
	for _, tc := range []struct {
		name, doc string
		line, col int
		msg       string
	}{
		{"indentation error on line 14", indent, 14, 0, "YAML:"},
		{"JSON trailing comma", "{\n  \"Resources\": {\n    \"A\": {\"Type\": \"X\"},\n  }\n}\n", 3, 23, "trailing comma"},
		{"JSON duplicate key", "{\"Resources\": {}, \"Resources\": {}}", 1, 19, `duplicate key "Resources"`},
		{"YAML duplicate key column", "Resources:\n  A: {}\n  A: {}\n", 3, 3, `duplicate key "A"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseValue([]byte(tc.doc))
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %v, want a *SyntaxError", err)
			}
			if se.Line != tc.line || (tc.col > 0 && se.Column != tc.col) || !strings.Contains(se.Msg, tc.msg) {
				t.Errorf("got %d:%d %q, want %d:%d containing %q", se.Line, se.Column, se.Msg, tc.line, tc.col, tc.msg)
			}
		})
	}
}

func TestParsePositionsAndFlowYAML(t *testing.T) {
	v, err := ParseValue([]byte("{Resources: {A: {Type: X}}}"))
	if err != nil {
		t.Fatalf("a YAML flow mapping: %v", err)
	}
	if v.Path("Resources", "A", "Type").Text != "X" {
		t.Errorf("read %+v", v)
	}
	v, err = ParseValue([]byte("{\n  \"Resources\": {\n    \"Bucket\": {\"Type\": \"AWS::S3::Bucket\"}\n  }\n}"))
	if err != nil {
		t.Fatal(err)
	}
	f, _ := v.Get("Resources").Field("Bucket")
	if f.Line != 3 || f.Column != 5 {
		t.Errorf("Bucket at %d:%d, want 3:5", f.Line, f.Column)
	}
	if ty := f.Value.Get("Type"); ty.Line != 3 || ty.Column != 24 {
		t.Errorf("Type value at %d:%d, want 3:24", ty.Line, ty.Column)
	}
	y, err := ParseValue([]byte("Resources:\n  Bucket:\n    Type: !Ref T\n"))
	if err != nil {
		t.Fatal(err)
	}
	if ty := y.Path("Resources", "Bucket", "Type"); ty.Line != 3 || ty.Column != 11 {
		t.Errorf("!Ref at %d:%d, want 3:11", ty.Line, ty.Column)
	}
}
