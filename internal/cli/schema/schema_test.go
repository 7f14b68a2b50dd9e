package schema

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/aiguard/aiguard/internal/cli/cmdutil"
	"github.com/aiguard/aiguard/orgspec"
	"github.com/aiguard/aiguard/rules"
)

func TestSchema(t *testing.T) {
	var out bytes.Buffer
	reg := rules.Catalog()
	cmd := NewCmdSchema(&cmdutil.IO{Out: &out, Err: &out}, reg, nil)
	cmd.SetArgs(nil)
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	want, err := orgspec.Schema(reg)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		t.Error("aiguard schema prints something other than orgspec.Schema")
	}
	var doc map[string]any
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	if doc["$schema"] != "https://json-schema.org/draft/2020-12/schema" || doc["$id"] != orgspec.SchemaID {
		t.Errorf("$schema = %v, $id = %v", doc["$schema"], doc["$id"])
	}
}

func TestSchemaArgs(t *testing.T) {
	cmd := NewCmdSchema(&cmdutil.IO{Out: &bytes.Buffer{}, Err: &bytes.Buffer{}}, rules.Catalog(), func(*Options) error { return nil })
	cmd.SetArgs([]string{"extra"})
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	if err := cmd.Execute(); err == nil {
		t.Error("schema accepted an argument")
	}
}
