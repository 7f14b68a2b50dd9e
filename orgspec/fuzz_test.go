package orgspec

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that no input makes Parse panic, and that every failure
// is an Errors whose problems have positions. Seeds: the example, every
// spec in testdata/specs, and a few hostile shapes.
func FuzzParse(f *testing.F) {
	f.Add(Example())
	specs, _ := filepath.Glob(filepath.Join("..", "testdata", "specs", "*.yaml"))
	for _, p := range specs {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	for _, s := range []string{
		"", "{", "[", "a: &a [*a]", "<<: *x", "a: !!binary AAAA", "? [a]\n: b", "teams: [{<<: {name: x}}]",
		"apiVersion: aiguard.dev/v1\nteams:\n  - rules: {sagemaker-notebook-in-vpc: {parameters: {allowedSubnetIds: [[]]}}}",
		"organization: {regions: [.inf, .nan, 0x1F, 1e400]}",
		"teams: [{exceptions: [{expires: 2027-01-31T10:00:00Z}]}]",
	} {
		f.Add([]byte(s))
	}
	reg := testRegistry(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		spec, err := Options{Registry: reg, Now: testNow}.Parse("fuzz.yaml", data)
		if err == nil {
			for _, team := range spec.Teams {
				if _, err := spec.EffectiveRules(team); err != nil {
					t.Errorf("valid spec, but EffectiveRules: %v", err)
				}
			}
			return
		}
		var errs Errors
		if !errors.As(err, &errs) || len(errs) == 0 {
			t.Fatalf("Parse error is not a non-empty Errors: %v", err)
		}
		for _, e := range errs {
			if e.Line < 1 || e.Column < 1 || e.Message == "" || e.File != "fuzz.yaml" {
				t.Fatalf("malformed problem %+v", e)
			}
		}
	})
}
