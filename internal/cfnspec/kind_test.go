package cfnspec

import (
	"encoding/json"
	gfschema "github.com/awslabs/goformation/v7/schema"
	"reflect"
	"slices"
	"testing"
)

func TestPropertyKind(t *testing.T) {
	for _, tc := range []struct {
		typ  string
		path []string
		want string
	}{
		{"AWS::SageMaker::NotebookInstance", []string{"SubnetId"}, "string"},
		{"AWS::SageMaker::NotebookInstance", []string{"SecurityGroupIds"}, "array"},
		{"AWS::SageMaker::NotebookInstance", []string{"SecurityGroupIds", "[]"}, "string"},
		{"AWS::SageMaker::Model", []string{"EnableNetworkIsolation"}, "boolean"},
		{"AWS::SageMaker::EndpointConfig", []string{"ProductionVariants", "[]", "InitialInstanceCount"}, "number"},
		{"AWS::SageMaker::EndpointConfig", []string{"DataCaptureConfig"}, "object"},
		{"AWS::S3::Bucket", []string{"BucketEncryption", "ServerSideEncryptionConfiguration", "[]", "BucketKeyEnabled"}, "boolean"},
		{"AWS::SageMaker::NotebookInstance", []string{"Nope"}, ""},
		{"AWS::Nope::Nope", nil, ""},
	} {
		if got := PropertyKind(tc.typ, tc.path); got != tc.want {
			t.Errorf("PropertyKind(%s, %v) = %q, want %q", tc.typ, tc.path, got, tc.want)
		}
	}
	names := PropertyNames("AWS::SageMaker::NotebookInstance", nil)
	if !slices.Contains(names, "DirectInternetAccess") || !slices.IsSorted(names) {
		t.Errorf("PropertyNames = %v", names)
	}
}

// TestDefinitionsAsEncodingJSON checks the skimmed definitions against
// encoding/json's reading of the same specification: the same names, each
// with the same value.
func TestDefinitionsAsEncodingJSON(t *testing.T) {
	var sp struct {
		Definitions map[string]json.RawMessage `json:"definitions"`
	}
	if err := json.Unmarshal([]byte(gfschema.CloudformationSchema), &sp); err != nil {
		t.Fatal(err)
	}
	got := definitions()
	if len(got) != len(sp.Definitions) || len(got) < 1000 {
		t.Fatalf("%d definitions, encoding/json finds %d", len(got), len(sp.Definitions))
	}
	for name, want := range sp.Definitions {
		var a, b any
		if err := json.Unmarshal([]byte(got[name]), &a); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		json.Unmarshal(want, &b)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("%s differs", name)
		}
	}
}
