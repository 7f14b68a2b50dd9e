package deploy

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"
)

// lzaSchema compiles one of the Accelerator's configuration schemas kept
// in testdata, for the definition named.
func lzaSchema(t *testing.T, file, def string) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "lza", file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(file, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(file + "#/definitions/" + def)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// asJSON turns a YAML document into the JSON values a schema checks.
func asJSON(t *testing.T, data []byte) map[string]any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return out.(map[string]any)
}

// TestLZA validates the Landing Zone Accelerator fragments against the
// Accelerator's configuration schemas and checks that every file they
// reference is under lza/, with the bytes generate wrote.
func TestLZA(t *testing.T) {
	scp := lzaSchema(t, "organization-config.schema.json", "IServiceControlPolicyConfig")
	awsConfig := lzaSchema(t, "security-config.schema.json", "IAwsConfig")
	cust := lzaSchema(t, "customizations-config.schema.json", "ICustomizationConfig")
	for _, tt := range gateOutputs(t) {
		t.Run(tt.name, func(t *testing.T) {
			files := tt.files
			exists := func(rel string) {
				if _, ok := files[lzaDir+rel]; !ok {
					t.Errorf("%s is referenced but not under lza/", rel)
				}
			}
			org := asJSON(t, files[LZAOrganizationPath])
			policies, _ := org["serviceControlPolicies"].([]any)
			if tt.name == "example" && len(policies) == 0 {
				t.Error("no SCP in organization-config.yaml")
			}
			for _, p := range policies {
				if err := scp.Validate(p); err != nil {
					t.Errorf("serviceControlPolicies: %v", err)
				}
				rel := p.(map[string]any)["policy"].(string)
				exists(rel)
				src := "policies/" + strings.TrimPrefix(rel, "service-control-policies/aiguard/")
				if !bytes.Equal(files[src], files[lzaDir+rel]) {
					t.Errorf("%s differs from %s", rel, src)
				}
			}
			sec := asJSON(t, files[LZASecurityPath])
			if err := awsConfig.Validate(sec["awsConfig"]); err != nil {
				t.Errorf("awsConfig: %v", err)
			}
			rules := 0
			for _, rs := range sec["awsConfig"].(map[string]any)["ruleSets"].([]any) {
				for _, r := range rs.(map[string]any)["rules"].([]any) {
					rules++
					if c, ok := r.(map[string]any)["customRule"].(map[string]any); ok {
						l := c["lambda"].(map[string]any)
						exists(l["rolePolicyFile"].(string))
					}
				}
			}
			want := 0
			for _, pk := range tt.out.Plan.Packs {
				want += len(pk.Rules)
			}
			if rules != want {
				t.Errorf("%d rules in security-config.yaml, want the packs' %d", rules, want)
			}
			c := asJSON(t, files[LZACustomizationsPath])
			if err := cust.Validate(c["customizations"]); err != nil {
				t.Errorf("customizations: %v", err)
			}
			for _, kind := range []string{"cloudFormationStacks", "cloudFormationStackSets"} {
				list, _ := c["customizations"].(map[string]any)[kind].([]any)
				for _, s := range list {
					exists(s.(map[string]any)["template"].(string))
				}
			}
		})
	}
}

// TestLZASchemaRefuses shows that the kept schemas catch what the
// Accelerator refuses.
func TestLZASchemaRefuses(t *testing.T) {
	scp := lzaSchema(t, "organization-config.schema.json", "IServiceControlPolicyConfig")
	for name, doc := range map[string]string{
		"no targets":   "{name: x, description: d, policy: p.json, type: customerManaged}",
		"bad type":     "{name: x, description: d, policy: p.json, type: mine, deploymentTargets: {}}",
		"unknown key":  "{name: x, description: d, policy: p.json, type: customerManaged, deploymentTargets: {}, extra: 1}",
		"OUs not list": "{name: x, description: d, policy: p.json, type: customerManaged, deploymentTargets: {organizationalUnits: Root}}",
	} {
		if scp.Validate(asJSON(t, []byte(doc))) == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
