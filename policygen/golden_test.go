package policygen

import (
	"bytes"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/internal/testenv/golden"
	"github.com/aiguard/aiguard/orgspec"
)

// goldenDir holds the example's generated policies, one file per artifact,
// plus sizes.txt (each artifact's size against its limit).
var goldenDir = filepath.Join("..", "testdata", "golden", "policygen")

// exampleSpec parses the built-in example spec.
func exampleSpec(t testing.TB) *orgspec.Spec {
	t.Helper()
	spec, err := orgspec.Parse(orgspec.ExampleName, orgspec.Example())
	if err != nil {
		t.Fatalf("parse example: %v", err)
	}
	return spec
}

// exampleArtifacts generates the example's policies.
func exampleArtifacts(t testing.TB) []Artifact {
	t.Helper()
	arts, err := Generate(exampleSpec(t))
	if err != nil {
		t.Fatalf("Generate(example): %v", err)
	}
	return arts
}

// sizesReport lists each artifact's kind, size against its limit and
// targets, one per line.
func sizesReport(arts []Artifact) []byte {
	var b bytes.Buffer
	for _, a := range arts {
		limit := "-"
		if a.Limit > 0 {
			limit = fmt.Sprint(a.Limit)
		}
		fmt.Fprintf(&b, "%s\t%s\t%d/%s\t%s\n", a.Path, a.Kind, a.Size, limit, strings.Join(a.TargetIDs, ","))
	}
	return b.Bytes()
}

// TestGolden pins every policy generated from the built-in example. Run
// go test ./policygen -run TestGolden -update after an intended change and
// review the diff.
func TestGolden(t *testing.T) {
	arts := exampleArtifacts(t)
	files := map[string][]byte{"sizes.txt": sizesReport(arts)}
	for _, a := range arts {
		files[a.Path] = a.Body
	}
	if golden.Update() {
		if err := os.RemoveAll(goldenDir); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		golden.Compare(t, filepath.Join(goldenDir, filepath.FromSlash(name)), files[name])
	}
	if golden.Update() {
		return
	}
	// A golden file no artifact produces any more is stale.
	err := filepath.WalkDir(goldenDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(goldenDir, path)
		if err != nil {
			return err
		}
		if _, ok := files[filepath.ToSlash(rel)]; !ok {
			t.Errorf("stale golden file %s: no artifact produces it (-update removes it)", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
