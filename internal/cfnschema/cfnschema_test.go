package cfnschema

import (
	"strings"
	"testing"
)

func TestNewRejectsUnknownType(t *testing.T) {
	if _, err := New("AWS::Nope::Thing"); err == nil || !strings.Contains(err.Error(), "AWS::Nope::Thing") {
		t.Errorf("New(unknown) error = %v, want one naming the type", err)
	}
}

func TestDefaultCoversDefaultTypes(t *testing.T) {
	v, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range DefaultTypes() {
		if !v.Covers(typ) {
			t.Errorf("Default does not cover %s", typ)
		}
	}
	if v.Covers("AWS::S3::Bucket") || !v.Known("AWS::S3::Bucket") || !v.Known("Custom::Thing") || v.Known("AWS::Nope::Thing") {
		t.Error("Covers/Known disagree with the specification")
	}
}

func TestValidate(t *testing.T) {
	v, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	const lambda = `"Fn": {"Type": "AWS::Lambda::Function", "Properties": {
		"Runtime": "provided.al2023", "Architectures": ["arm64"], "Handler": "bootstrap",
		"Code": {"S3Bucket": {"Ref": "Bucket"}, "S3Key": "aiguard.zip"},
		"Role": {"Fn::GetAtt": ["Role", "Arn"]}, "MemorySize": %s, "ReservedConcurrentExecutions": 10,
		"TracingConfig": {"Mode": "Active"}}}`
	tests := []struct {
		name string
		tmpl string
		want []string // "pointer: message fragment"
	}{
		{"valid lambda with intrinsics", `{"Resources": {` + strings.Replace(lambda, "%s", "256", 1) + `}}`, nil},
		{"numeric string for a number", `{"Resources": {` + strings.Replace(lambda, "%s", `"256"`, 1) + `}}`, nil},
		{"intrinsic for a number", `{"Resources": {` + strings.Replace(lambda, "%s", `{"Ref": "Mem"}`, 1) + `}}`, nil},
		{"non-numeric string for a number", `{"Resources": {` + strings.Replace(lambda, "%s", `"lots"`, 1) + `}}`,
			[]string{`/Resources/Fn/Properties/MemorySize: got string "lots", want a number`}},
		{"unknown property", `{"Resources": {"Fn": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionDays": 30}}}}`,
			[]string{`/Resources/Fn/Properties: unknown property "RetentionDays"`}},
		{"missing required property", `{"Resources": {"P": {"Type": "AWS::Lambda::Permission", "Properties": {"Action": "lambda:InvokeFunction", "Principal": "config.amazonaws.com"}}}}`,
			[]string{`/Resources/P/Properties: missing required property "FunctionName"`}},
		{"string for a boolean", `{"Resources": {"R": {"Type": "AWS::Config::ConfigRule", "Properties": {"Source": {"Owner": "CUSTOM_POLICY", "CustomPolicyDetails": {"EnableDebugLogDelivery": "true"}}}}}}`, nil},
		{"wrong boolean string", `{"Resources": {"R": {"Type": "AWS::Config::ConfigRule", "Properties": {"Source": {"Owner": "CUSTOM_POLICY", "CustomPolicyDetails": {"EnableDebugLogDelivery": "yes"}}}}}}`,
			[]string{`/Resources/R/Properties/Source/CustomPolicyDetails/EnableDebugLogDelivery: got string "yes", want a boolean`}},
		{"list for a string", `{"Resources": {"R": {"Type": "AWS::Config::ConfigRule", "Properties": {"ConfigRuleName": ["a"], "Source": {"Owner": "AWS"}}}}}`,
			[]string{`/Resources/R/Properties/ConfigRuleName: got array, want string`}},
		{"unknown type", `{"Resources": {"X": {"Type": "AWS::Nope::Thing"}}}`,
			[]string{`/Resources/X/Type: resource type "AWS::Nope::Thing" is not in the CloudFormation resource specification`}},
		{"known type not covered", `{"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {"Anything": 1}}}}`, nil},
		{"no Resources", `{"Description": "x"}`, []string{`: missing required property "Resources"`}},
		{"bad logical ID", `{"Resources": {"my-rule": {"Type": "AWS::Config::ConfigRule", "Properties": {"Source": {"Owner": "AWS"}}}}}`,
			[]string{`/Resources: unknown property "my-rule"`}},
		{"strict resource attributes", `{"Resources": {"R": {"Type": "AWS::Config::ConfigRule", "Condition": {"Ref": "X"}, "Properties": {"Source": {"Owner": "AWS"}}}}}`,
			[]string{`/Resources/R/Condition: got object, want string`}},
		{"JSON string for a JSON property", `{"Resources": {"R": {"Type": "AWS::Config::ConfigRule", "Properties": {"InputParameters": "{\"a\": \"b\"}", "Source": {"Owner": "AWS"}}}}}`, nil},
		{"number for a JSON property", `{"Resources": {"R": {"Type": "AWS::Config::ConfigRule", "Properties": {"InputParameters": 3, "Source": {"Owner": "AWS"}}}}}`,
			[]string{`/Resources/R/Properties/InputParameters: got number, want object (or a JSON string)`}},
		{"Rules section", `{"Rules": {"R1": {"Assertions": []}}, "Resources": {"R": {"Type": "AWS::Config::ConfigRule", "Properties": {"Source": {"Owner": "AWS"}}}}}`, nil},
		{"200 parameters", `{"Parameters": {` + params(200) + `}, "Resources": {"R": {"Type": "AWS::Config::ConfigRule", "Properties": {"Source": {"Owner": "AWS"}}}}}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := v.ValidateJSON([]byte(tt.tmpl))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d violations %+v, want %d %v", len(got), got, len(tt.want), tt.want)
			}
			for i, w := range tt.want {
				ptr, msg, _ := strings.Cut(w, ": ")
				if got[i].Pointer != ptr || !strings.Contains(got[i].Message, msg) {
					t.Errorf("violation %d = %s: %s, want %s", i, got[i].Pointer, got[i].Message, w)
				}
			}
		})
	}
}

func params(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`"P` + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + itoa(i) + `": {"Type": "String"}`)
	}
	return b.String()
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var d []byte
	for ; i > 0; i /= 10 {
		d = append([]byte{byte('0' + i%10)}, d...)
	}
	return string(d)
}

// BenchmarkNew measures compiling the validator for DefaultTypes: decoding
// the 7.6 MB specification's index and compiling the needed definitions.
func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(DefaultTypes()...); err != nil {
			b.Fatal(err)
		}
	}
}
