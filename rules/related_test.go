package rules

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/configitem"
)

func TestKindOfType(t *testing.T) {
	for typ, want := range map[string]string{
		"AWS::SageMaker::EndpointConfig":            "endpoint config",
		"AWS::Bedrock::DataSource":                  "data source",
		"AWS::RDS::DBCluster":                       "DB cluster",
		"AWS::ElasticLoadBalancingV2::LoadBalancer": "load balancer",
		"AWS::OpenSearchServerless::Collection":     "collection",
		"Custom":                                    "custom",
	} {
		if got := kindOfType(typ); got != want {
			t.Errorf("kindOfType(%q) = %q, want %q", typ, got, want)
		}
	}
}

// TestRelatedShapes: the relations a reader gives are read in both CI
// shapes (a JSON string per supplementaryConfiguration value in the API
// shape), a list or one object, and entries that are not objects are
// passed over.
func TestRelatedShapes(t *testing.T) {
	domain := `{"resourceType":"AWS::SageMaker::Domain","resourceId":"Studio","configuration":{"AppNetworkAccessType":"VpcOnly","SubnetIds":["subnet-1"],"DefaultUserSettings":{"SecurityGroups":["sg-1"]}}}`
	for name, supp := range map[string]json.RawMessage{
		"object":              json.RawMessage(domain),
		"list":                json.RawMessage(`[` + domain + `]`),
		"JSON string":         mustJSON(t, domain),
		"list with a scalar":  json.RawMessage(`[3,` + domain + `]`),
		"not carried (null)":  json.RawMessage(`null`),
		"no configuration":    json.RawMessage(`{"resourceType":"AWS::SageMaker::Domain","resourceId":"Studio"}`),
		"reference not found": json.RawMessage(`{"resourceType":"AWS::SageMaker::Domain","reference":"d-123","notFound":"a resource outside this input"}`),
	} {
		item := &configitem.Item{Status: configitem.StatusOK, ResourceType: typeUserProfile, ResourceID: "Alice",
			Configuration: json.RawMessage(`{"UserProfileName":"alice"}`),
			Supplementary: map[string]json.RawMessage{RelatedDomain: supp}}
		v := checkStudioVPCOnly(item, Params{})
		want := Compliant
		switch name {
		case "not carried (null)", "no configuration", "reference not found":
			want = NotApplicable
		}
		if v.Compliance != want {
			t.Errorf("%s: %s %q, want %s", name, v.Compliance, v.Annotation, want)
		}
		if name == "reference not found" && !strings.Contains(v.Annotation, "d-123 is not in the input (a resource outside this input)") {
			t.Errorf("%s: %q", name, v.Annotation)
		}
	}
}

func mustJSON(t *testing.T, s string) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
