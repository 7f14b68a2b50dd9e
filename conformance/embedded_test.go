package conformance

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/internal/testenv/refdata"
)

// TestLintsTheGeneratorsOrganizationPacks: a deployment template is linted
// through the pack it embeds, and a mistake inside the embedded template
// is reported at its line and column in the outer file.
func TestLintsTheGeneratorsOrganizationPacks(t *testing.T) {
	root := refdata.ModuleRoot(t)
	paths, _ := filepath.Glob(filepath.Join(root, "testdata", "golden", "generate", "example", "organization-packs", "*.yaml"))
	if len(paths) == 0 {
		t.Fatal("no generated organization packs in testdata/golden/generate/example (make golden)")
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		fs, err := lint(data)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for _, f := range fs {
			if f.Severity == SeverityError {
				t.Errorf("%s: %v", filepath.Base(p), f)
			}
		}
	}
	data, _ := os.ReadFile(paths[0])
	broken := strings.Replace(string(data), "              ConfigRuleName:", "              ConfigRuleNam:", 1)
	line := 1 + strings.Count(broken[:strings.Index(broken, "ConfigRuleNam:")], "\n")
	broken = strings.Replace(broken, "ParameterName: RuleLambdaArn", "ParameterName: RuleLambdaARN", 1)
	fs, err := lint([]byte(broken))
	if err != nil {
		t.Fatal(err)
	}
	var unknown, param bool
	for _, f := range fs {
		if f.Code == "pack-schema" && strings.Contains(f.Message, `"ConfigRuleNam"`) {
			unknown = true
			if f.Line != line || f.Column != 15 || !strings.HasPrefix(f.Location, "OrganizationConformancePack/") ||
				!strings.Contains(f.Message, "did you mean ConfigRuleName?") {
				t.Errorf("embedded finding %+v, want line %d column 15", f, line)
			}
		}
		if f.Code == "pack-input-parameter-undefined" && strings.Contains(f.Message, "did you mean RuleLambdaArn?") {
			param = true
		}
	}
	if !unknown || !param {
		t.Errorf("findings %v", fs)
	}
}
