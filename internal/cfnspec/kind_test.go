package cfnspec

import (
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
