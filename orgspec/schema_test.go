package orgspec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/aiguard/aiguard/awsid"
	"github.com/aiguard/aiguard/rules"
)

// compileSchema compiles Schema's output with a real draft 2020-12
// validator, which also checks it against the metaschema.
func compileSchema(t *testing.T, reg *rules.Registry) *jsonschema.Schema {
	t.Helper()
	data, err := Schema(reg)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(SchemaID, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(SchemaID)
	if err != nil {
		t.Fatalf("compile schema: %v", err)
	}
	return sch
}

// instance converts YAML to the JSON value an editor would validate.
func instance(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatalf("yaml: %v", err)
	}
	b, err := json.Marshal(jsonable(v))
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

// jsonable turns yaml.v3's generic values into JSON ones: a YAML date is a
// string in JSON, as editors read it.
func jsonable(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = jsonable(e)
		}
	case []any:
		for i, e := range x {
			x[i] = jsonable(e)
		}
	case time.Time:
		return x.Format(time.DateOnly)
	}
	return v
}

func TestSchemaAcceptsValidSpecs(t *testing.T) {
	sch := compileSchema(t, nil)
	if err := sch.Validate(instance(t, Example())); err != nil {
		t.Errorf("the example does not validate against the schema: %v", err)
	}
	regSch := compileSchema(t, testRegistry(t))
	for _, name := range []string{"minimal.yaml", "warnings.yaml"} {
		data, err := os.ReadFile(filepath.Join("..", "testdata", "specs", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := regSch.Validate(instance(t, data)); err != nil {
			t.Errorf("%s does not validate: %v", name, err)
		}
	}
}

// TestSchemaRejectsBrokenSpecs checks that the schema catches the value
// problems it can express, as the validator does.
func TestSchemaRejectsBrokenSpecs(t *testing.T) {
	sch := compileSchema(t, testRegistry(t))
	for _, name := range []string{
		"unknown-keys.yaml", "wrong-types.yaml", "account-ids.yaml", "arns.yaml", "regions.yaml",
		"ou-ids.yaml", "rules.yaml", "values.yaml", "missing-required.yaml", "bedrock.yaml",
	} {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("..", "testdata", "specs", name))
			if err != nil {
				t.Fatal(err)
			}
			if err := sch.Validate(instance(t, data)); err == nil {
				t.Errorf("%s validates against the schema; want an error", name)
			}
		})
	}
	// Single mistakes on the example, each caught by the schema.
	mistakes := []struct{ name, from, to string }{
		{"unknown rule", "sagemaker-notebook-no-direct-internet: true", "sagemaker-notebook-no-direct-internetz: true"},
		{"unquoted account", `managementAccount: "111111111111"`, "managementAccount: 111111111111"},
		{"unknown region", "regions: [us-east-1, us-west-2]", "regions: [us-east-1, us-west-9]"},
		{"bad classification", "dataClassification: restricted", "dataClassification: secret"},
		{"unknown key", "memorySize: 256", "memorySize: 256\n    memorysize: 256"},
		{"bad retention", "logRetentionDays: 365", "logRetentionDays: 45"},
	}
	for _, tt := range mistakes {
		t.Run(tt.name, func(t *testing.T) {
			broken := strings.Replace(string(Example()), tt.from, tt.to, 1)
			if broken == string(Example()) {
				t.Fatalf("%q not in the example", tt.from)
			}
			if err := compileSchema(t, nil).Validate(instance(t, []byte(broken))); err == nil {
				t.Error("schema accepts it")
			}
			if _, err := (Options{Now: testNow}).Parse("x.yaml", []byte(broken)); err == nil {
				t.Error("validator accepts it")
			}
		})
	}
}

func TestSchemaContents(t *testing.T) {
	data, err := Schema(nil)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Schema(nil)
	if !bytes.Equal(data, again) {
		t.Error("Schema output is not deterministic")
	}
	var doc struct {
		Schema string         `json:"$schema"`
		Defs   map[string]any `json:"$defs"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Schema != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("$schema = %q", doc.Schema)
	}
	rs, _ := json.Marshal(doc.Defs["ruleSettings"])
	for _, r := range rules.Catalog().All() {
		if !bytes.Contains(rs, []byte(fmt.Sprintf("%q", r.ID))) {
			t.Errorf("rule %s is missing from the schema's rule settings", r.ID)
		}
	}
	// Descriptions come from the same tags as the validator's messages.
	for _, frag := range []string{"The management account ID", "a 12-digit AWS account ID", `"default": 256`, `"enum": [`} {
		if !bytes.Contains(data, []byte(frag)) {
			t.Errorf("schema lacks %q", frag)
		}
	}
	if !slices.Contains(awsid.KnownRegions(), "us-east-1") {
		t.Error("region list")
	}
}
