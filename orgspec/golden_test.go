package orgspec

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/internal/testenv/golden"
)

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
			golden.Compare(t, strings.TrimSuffix(path, ".yaml")+".errors", []byte(got))
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
