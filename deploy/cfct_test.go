package deploy

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/aiguard/aiguard/orgspec"
)

// kwalify is the subset of the kwalify schema language (pykwalify) that
// CfCT's manifest schema uses: map with mapping (unknown keys refused),
// seq with sequence, str, bool, date, any, required, enum and unique.
type kwalify struct {
	Type     string              `yaml:"type"`
	Required bool                `yaml:"required"`
	Enum     []any               `yaml:"enum"`
	Unique   bool                `yaml:"unique"`
	Mapping  map[string]*kwalify `yaml:"mapping"`
	Sequence []*kwalify          `yaml:"sequence"`
}

func (k *kwalify) validate(n *yaml.Node, at string) []string {
	if n.Kind == yaml.DocumentNode {
		return k.validate(n.Content[0], at)
	}
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, at+": "+fmt.Sprintf(format, args...)) }
	switch k.Type {
	case "map":
		if n.Kind != yaml.MappingNode {
			bad("want a mapping")
			return errs
		}
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := n.Content[i].Value
			seen[key] = true
			sub, ok := k.Mapping[key]
			if !ok {
				bad("key %q is not allowed", key)
				continue
			}
			errs = append(errs, sub.validate(n.Content[i+1], at+"."+key)...)
		}
		for key, sub := range k.Mapping {
			if sub.Required && !seen[key] {
				bad("required key %q missing", key)
			}
		}
	case "seq":
		if n.Kind != yaml.SequenceNode {
			bad("want a sequence")
			return errs
		}
		item := k.Sequence[0]
		values := map[string]bool{}
		for i, c := range n.Content {
			if item.Unique && values[c.Value] {
				bad("item %q repeated", c.Value)
			}
			values[c.Value] = true
			errs = append(errs, item.validate(c, fmt.Sprintf("%s[%d]", at, i))...)
		}
	case "str":
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
			bad("want a string, got %s", n.ShortTag())
		}
	case "bool":
		if n.ShortTag() != "!!bool" {
			bad("want a boolean")
		}
	case "date":
		if n.ShortTag() != "!!timestamp" {
			if _, err := time.Parse(time.DateOnly, n.Value); err != nil {
				bad("want a date")
			}
		}
	case "any", "":
	default:
		bad("schema type %q is outside the subset this validator knows", k.Type)
	}
	if len(k.Enum) > 0 {
		ok := false
		for _, e := range k.Enum {
			s := fmt.Sprint(e)
			if t, isTime := e.(time.Time); isTime {
				s = t.Format(time.DateOnly)
			}
			ok = ok || s == n.Value
		}
		if !ok {
			bad("%q is not one of %v", n.Value, k.Enum)
		}
	}
	return errs
}

func loadKwalify(t *testing.T) *kwalify {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "cfct", "manifest-v2.schema.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var k kwalify
	if err := yaml.Unmarshal(data, &k); err != nil {
		t.Fatal(err)
	}
	return &k
}

// TestKwalifySubset shows that the validator refuses what CfCT refuses.
func TestKwalifySubset(t *testing.T) {
	k := loadKwalify(t)
	for name, doc := range map[string]string{
		"unknown key":        "region: us-east-1\nversion: 2021-03-15\nextra: 1\n",
		"wrong version":      "region: us-east-1\nversion: 2020-01-01\n",
		"no region":          "version: 2021-03-15\n",
		"bad deploy method":  "region: us-east-1\nversion: 2021-03-15\nresources:\n  - {name: x, resource_file: f, deploy_method: ssm, deployment_targets: {}}\n",
		"no targets":         "region: us-east-1\nversion: 2021-03-15\nresources:\n  - {name: x, resource_file: f, deploy_method: scp}\n",
		"repeated region":    "region: us-east-1\nversion: 2021-03-15\nresources:\n  - {name: x, resource_file: f, deploy_method: scp, deployment_targets: {}, regions: [a, a]}\n",
		"OU list not a list": "region: us-east-1\nversion: 2021-03-15\nresources:\n  - {name: x, resource_file: f, deploy_method: scp, deployment_targets: {organizational_units: Root}}\n",
	} {
		var n yaml.Node
		if err := yaml.Unmarshal([]byte(doc), &n); err != nil {
			t.Fatal(err)
		}
		if len(k.validate(&n, "manifest")) == 0 {
			t.Errorf("%s: accepted", name)
		}
	}
}

// gateOutput is one output the landing-zone, lint and Security Hub tests
// check, with its files by path.
type gateOutput struct {
	name  string
	out   *Output
	files map[string][]byte
}

// gateOutputs generates the built-in example and a 50-team spec.
func gateOutputs(t *testing.T) []gateOutput {
	t.Helper()
	var list []gateOutput
	for _, g := range []struct {
		name string
		spec *orgspec.Spec
	}{
		{"example", exampleSpec(t)},
		{"50 teams", parseSpec(t, nil, "teams.yaml", teamsSpec(50))},
	} {
		out := generate(t, g.spec)
		files := map[string][]byte{}
		for _, a := range out.Artifacts {
			files[a.Path] = a.Data
		}
		list = append(list, gateOutput{name: g.name, out: out, files: files})
	}
	return list
}

// cfctManifest is the manifest as the tests read it.
type cfctManifest struct {
	Region    string         `yaml:"region"`
	Resources []cfctResource `yaml:"resources"`
}

// TestCfCT validates the CfCT manifest against CfCT's published schema and
// checks what it says: every file it references is in cfct/ with the bytes
// of the file generate wrote; each team's SCPs attach to the paths of its
// OUs; StackSet names are unique and valid; the rule Lambda is deployed in
// the home Region first.
func TestCfCT(t *testing.T) {
	k := loadKwalify(t)
	for _, tt := range gateOutputs(t) {
		t.Run(tt.name, func(t *testing.T) {
			files := tt.files
			data := files[CfCTManifestPath]
			var n yaml.Node
			if err := yaml.Unmarshal(data, &n); err != nil {
				t.Fatal(err)
			}
			for _, e := range k.validate(&n, "manifest") {
				t.Error(e)
			}
			var m cfctManifest
			if err := yaml.Unmarshal(data, &m); err != nil {
				t.Fatal(err)
			}
			names := map[string]bool{}
			var lambdaRegions []string
			for _, r := range m.Resources {
				if names[r.Name] || !stackSetPattern.MatchString(r.Name) || len(r.Name) > 128 {
					t.Errorf("resource name %q repeated or not a StackSet name", r.Name)
				}
				names[r.Name] = true
				got, ok := files[cfctDir+r.ResourceFile]
				if !ok {
					t.Errorf("%s: %s is not in cfct/", r.Name, r.ResourceFile)
					continue
				}
				src := strings.TrimPrefix(r.ResourceFile, "templates/")
				if orig, ok := files[src]; ok && !bytes.Equal(orig, got) {
					t.Errorf("%s: cfct/%s differs from %s", r.Name, r.ResourceFile, src)
				}
				if r.DeployMethod == "scp" && len(r.DeploymentTargets.Accounts) > 0 {
					t.Errorf("%s: CfCT ignores accounts for SCPs", r.Name)
				}
				if strings.Contains(r.ResourceFile, "rule-lambda") {
					lambdaRegions = append(lambdaRegions, r.Regions...)
				}
			}
			if len(lambdaRegions) == 0 || lambdaRegions[0] != tt.out.Plan.Deployment.PrimaryRegion() || m.Region != lambdaRegions[0] {
				t.Errorf("rule Lambda Regions %v, home Region %s", lambdaRegions, m.Region)
			}
		})
	}
	// The example's research team attaches its SCPs to its OU by path.
	out := generate(t, exampleSpec(t))
	var m cfctManifest
	if err := yaml.Unmarshal(artifact(t, out, CfCTManifestPath).Data, &m); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range m.Resources {
		if r.ResourceFile == "policies/research/scp-1.json" {
			found = slices.Equal(r.DeploymentTargets.OrganizationalUnits, []string{"Workloads:Research"})
		}
	}
	if !found {
		t.Error("research's first SCP is not attached to Workloads:Research")
	}
	if !hasNote(out, CfCTManifestPath, "do not reach the accounts") {
		t.Error("no note says CfCT cannot attach SCPs to accounts")
	}
}

// TestCfCTMissingOUPath leaves an OU without a path: the manifest must not
// guess, and says so.
func TestCfCTMissingOUPath(t *testing.T) {
	spec := exampleSpec(t)
	spec.Organization.LandingZone.OrganizationalUnits = spec.Organization.LandingZone.OrganizationalUnits[1:]
	out := generate(t, spec)
	if bytes.Contains(artifact(t, out, CfCTManifestPath).Data, []byte("ou-ex12-research")) {
		t.Error("the manifest names an OU by ID")
	}
	if !hasNote(out, CfCTManifestPath, "does not give for ou-ex12-research") {
		t.Error("no note names the OU without a path")
	}
}
