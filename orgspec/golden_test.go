package orgspec

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden .errors files of testdata/specs")

// TestGoldenSpecs parses every spec in testdata/specs and compares its
// problems, one per line (warnings prefixed "warning: "), with
// <name>.errors.
func TestGoldenSpecs(t *testing.T) {
	specs, err := filepath.Glob(filepath.Join("..", "testdata", "specs", "*.yaml"))
	if err != nil || len(specs) < 12 {
		t.Fatalf("want at least 12 specs in testdata/specs, got %d (%v)", len(specs), err)
	}
	reg := testRegistry(t)
	for _, path := range specs {
		name := strings.TrimSuffix(filepath.Base(path), ".yaml")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			display := filepath.ToSlash(filepath.Join("testdata", "specs", filepath.Base(path)))
			got := problems(Options{Registry: reg, Now: testNow}.Parse(display, data))
			golden := strings.TrimSuffix(path, ".yaml") + ".errors"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./orgspec -run TestGoldenSpecs -update)", err)
			}
			if got != string(want) {
				t.Errorf("problems differ from %s (-update rewrites it)\ngot:\n%s\nwant:\n%s", golden, got, want)
			}
		})
	}
}

// problems renders a Parse result as the golden files hold it.
func problems(spec *Spec, err error) string {
	var b strings.Builder
	var errs Errors
	switch {
	case errors.As(err, &errs):
		for _, e := range errs {
			b.WriteString(e.Error() + "\n")
		}
	case err != nil:
		b.WriteString("error: " + err.Error() + "\n")
	default:
		for _, w := range spec.Warnings() {
			b.WriteString("warning: " + w.Error() + "\n")
		}
	}
	return b.String()
}
