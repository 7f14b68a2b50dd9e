package deploy

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
)

// providerSchema is the extract of the AWS provider's resource schemas kept
// in testdata.
type providerSchema struct {
	Version   string                `json:"version"`
	Resources map[string]tfResource `json:"resources"`
}

type tfResource struct {
	Arguments map[string]string     `json:"arguments"`
	Blocks    map[string]tfResource `json:"blocks"`
}

// metaArguments are Terraform's own, valid on every resource.
var metaArguments = map[string]bool{"count": true, "for_each": true, "depends_on": true, "provider": true}

// checkBody checks a resource body's attributes and blocks against the
// schema: each known, each required one there.
func checkBody(errorf func(string, ...any), where string, body *hclsyntax.Body, schema tfResource, top bool) {
	for name := range body.Attributes {
		if _, ok := schema.Arguments[name]; !ok && !(top && metaArguments[name]) {
			errorf("%s: argument %q is not in the provider's schema", where, name)
		}
	}
	for name, req := range schema.Arguments {
		if _, ok := body.Attributes[name]; req == "required" && !ok {
			errorf("%s: required argument %q missing", where, name)
		}
	}
	for _, b := range body.Blocks {
		switch {
		case b.Type == "dynamic" && len(b.Labels) == 1:
			sub, ok := schema.Blocks[b.Labels[0]]
			if !ok {
				errorf("%s: block %q is not in the provider's schema", where, b.Labels[0])
				continue
			}
			for _, c := range b.Body.Blocks {
				if c.Type == "content" {
					checkBody(errorf, where+"."+b.Labels[0], c.Body, sub, false)
				}
			}
		case b.Type == "lifecycle" && top:
		default:
			sub, ok := schema.Blocks[b.Type]
			if !ok {
				errorf("%s: block %q is not in the provider's schema", where, b.Type)
				continue
			}
			checkBody(errorf, where+"."+b.Type, b.Body, sub, false)
		}
	}
}

// TestTerraform parses every file of terraform/ back with hcl/v2, checks
// that it is formatted as terraform fmt formats it, that every resource,
// argument and block is in the AWS provider's schema (required arguments
// present), that every variable and local referenced is declared, and that
// every file the module reads is in the output.
func TestTerraform(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "terraform", "aws-provider-schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	var schema providerSchema
	if err := json.Unmarshal(raw, &schema); err != nil {
		t.Fatal(err)
	}
	for _, tt := range gateOutputs(t) {
		t.Run(tt.name, func(t *testing.T) {
			files := tt.files
			declared := map[string]bool{}
			var refs []string
			resources := 0
			for _, name := range []string{"main.tf", "variables.tf", "outputs.tf", "versions.tf"} {
				data, ok := files[terraformDir+name]
				if !ok {
					t.Fatalf("no %s", name)
				}
				if !bytes.Equal(hclwrite.Format(data), data) {
					t.Errorf("%s is not formatted as terraform fmt would", name)
				}
				f, diags := hclsyntax.ParseConfig(data, name, hcl.InitialPos)
				if diags.HasErrors() {
					t.Fatalf("%s: %s", name, diags.Error())
				}
				body := f.Body.(*hclsyntax.Body)
				for _, b := range body.Blocks {
					switch b.Type {
					case "resource":
						resources++
						s, ok := schema.Resources[b.Labels[0]]
						if !ok {
							t.Errorf("%s: resource type %s is not in the provider's schema", name, b.Labels[0])
							continue
						}
						checkBody(t.Errorf, b.Labels[0]+"."+b.Labels[1], b.Body, s, true)
					case "variable":
						declared["var."+b.Labels[0]] = true
					case "locals":
						for l := range b.Body.Attributes {
							declared["local."+l] = true
						}
					}
				}
				refs = append(refs, regexp.MustCompile(`\b(?:var|local)\.[a-z_0-9]+`).FindAllString(string(data), -1)...)
			}
			if resources == 0 {
				t.Fatal("no resource")
			}
			for _, r := range refs {
				if !declared[r] {
					t.Errorf("%s is referenced but not declared", r)
				}
			}
			// Every file() of the module, with each team and pack in place
			// of its variable part, is in the output.
			main := string(files[terraformDir+"main.tf"])
			for _, m := range regexp.MustCompile(`file\("\$\{path\.module\}/\.\./([^"]+)"\)`).FindAllStringSubmatch(main, -1) {
				rel := m[1]
				switch {
				case !strings.Contains(rel, "${"):
					if _, ok := files[rel]; !ok {
						t.Errorf("the module reads %s, which generate does not write", rel)
					}
				case strings.Contains(rel, "${each.key}.yaml") && strings.HasPrefix(rel, "packs/"):
					for _, pk := range tt.out.Plan.Packs {
						if _, ok := files[PackPath(pk.Name)]; !ok {
							t.Errorf("no %s", PackPath(pk.Name))
						}
					}
				case strings.Contains(rel, "${var.team}"):
					for _, tp := range tt.out.Plan.Teams {
						p := strings.ReplaceAll(rel, "${var.team}", tp.Team.Name)
						if strings.Contains(p, "${") {
							continue // execution roles: checked with the roles below
						}
						if _, ok := files[p]; !ok && !strings.HasPrefix(p, hookDir) {
							t.Errorf("team %s: the module reads %s, which generate does not write", tp.Team.Name, p)
						}
					}
				}
			}
			for _, a := range tt.out.Artifacts {
				if a.Kind == "execution-role" && !strings.Contains(main, `"`+strings.TrimSuffix(strings.TrimPrefix(filepath.Base(a.Path), "execution-role-"), ".json")+`" = `) {
					t.Errorf("%s is not among the module's execution roles", a.Path)
				}
			}
		})
	}
}

// TestTerraformSchemaCheck shows that the schema check refuses an unknown
// argument, an unknown block and a missing required argument.
func TestTerraformSchemaCheck(t *testing.T) {
	s := tfResource{Arguments: map[string]string{"name": "required"}, Blocks: map[string]tfResource{"input_parameter": {Arguments: map[string]string{"parameter_name": "required"}}}}
	src := "name2 = \"x\"\nbogus {\n}\ninput_parameter {\n}\n"
	f, diags := hclsyntax.ParseConfig([]byte(src), "x.tf", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	var got []string
	checkBody(func(format string, args ...any) { got = append(got, format) }, "r", f.Body.(*hclsyntax.Body), s, true)
	if len(got) != 4 { // name2, name missing, bogus, parameter_name missing
		t.Errorf("%d problems found, want 4: %v", len(got), got)
	}
}
