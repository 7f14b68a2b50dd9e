package conformance

import (
	"encoding/json"
	"strings"
	"testing"
)

// ordered writes its keys in its own order, as an IAM policy document does.
type ordered struct{}

func (ordered) MarshalJSON() ([]byte, error) {
	return []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s:<A&B>","Resource":"*"}]}`), nil
}

func TestMarshalJSONBody(t *testing.T) {
	small := Template{
		"Resources":                map[string]any{"R": map[string]any{"Type": "AWS::IAM::ManagedPolicy", "Properties": map[string]any{"PolicyDocument": ordered{}, "N": 3, "B": true}}},
		"Description":              "d",
		"AWSTemplateFormatVersion": FormatVersion2010,
	}
	got, err := small.MarshalJSONBody()
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Description": "d",
  "Resources": {
    "R": {
      "Properties": {
        "B": true,
        "N": 3,
        "PolicyDocument": {
          "Version": "2012-10-17",
          "Statement": [
            {
              "Effect": "Deny",
              "Action": "s:<A&B>",
              "Resource": "*"
            }
          ]
        }
      },
      "Type": "AWS::IAM::ManagedPolicy"
    }
  }
}
`
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestMarshalJSONBodyCompactsLargeTemplates(t *testing.T) {
	big := map[string]any{}
	for i := 0; i < 400; i++ {
		big[strings.Repeat("R", 1+i%50)+string(rune('a'+i%26))+string(rune('a'+i/26))] = map[string]any{
			"Type": "AWS::IAM::ManagedPolicy", "Properties": map[string]any{"A": []string{"x", "y", "z"}},
		}
	}
	body, err := Template{"Description": "d", "Resources": big}.MarshalJSONBody()
	if err != nil {
		t.Fatal(err)
	}
	if len(body) > MaxTemplateBodyBytes || strings.Contains(string(body), "\n  ") || !json.Valid(body) || !strings.HasSuffix(string(body), "}\n") {
		t.Errorf("large template: %d bytes, compact %v", len(body), !strings.Contains(string(body), "\n  "))
	}
}

func TestMarshalJSONBodyErrors(t *testing.T) {
	if _, err := (Template{"Resources": map[string]any{"R": struct{}{}}}).MarshalJSONBody(); err == nil ||
		!strings.Contains(err.Error(), "unsupported template value") {
		t.Errorf("error %v, want one naming the unsupported value", err)
	}
	var nilDoc *nilMarshaler
	got, err := MarshalIndentedJSON(map[string]any{"P": nilDoc})
	if err != nil || string(got) != "{\n  \"P\": null\n}\n" {
		t.Errorf("nil json.Marshaler: %q %v", got, err)
	}
}

type nilMarshaler struct{}

func (*nilMarshaler) MarshalJSON() ([]byte, error) { return []byte(`{}`), nil }
