package hookconfig

import (
	"encoding/base64"
	"reflect"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	c := Config{Team: "research", Rules: map[string]map[string]string{
		"sagemaker-notebook-in-vpc": {"allowedSubnetIds": "subnet-0a1b2c3d"},
		"sagemaker-model-in-vpc":    {},
	}}
	s, err := Encode(c)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := Encode(c); again != s {
		t.Error("encoding is not deterministic")
	}
	got, err := Decode(s)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, c) {
		t.Errorf("round trip = %+v, want %+v", got, c)
	}
}

func TestDecodeRejects(t *testing.T) {
	for name, s := range map[string]string{
		"not base64": "%%%",
		"not gzip":   base64.StdEncoding.EncodeToString([]byte("plain")),
		"empty":      "",
	} {
		if _, err := Decode(s); err == nil || !strings.Contains(err.Error(), EnvVar) {
			t.Errorf("%s: err = %v, want an error naming %s", name, err, EnvVar)
		}
	}
}
