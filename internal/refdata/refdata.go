// Package refdata locates the reference data that sits next to the
// development checkout (../shared/reference: Config resource schemas, AWS
// sample conformance packs, the IAM Service Authorization Reference, sample
// events). It is not part of the repository, so tests that use it skip when
// it is absent. Set AIGUARD_REFERENCE_DIR to use a copy elsewhere.
package refdata

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the reference data folder, or skips the test when it is absent.
func Dir(t testing.TB) string {
	t.Helper()
	ref := os.Getenv("AIGUARD_REFERENCE_DIR")
	if ref == "" {
		root, ok := moduleRoot()
		if !ok {
			t.Skip("reference data: module root (go.mod) not found; skipping")
		}
		ref = filepath.Join(root, "..", "shared", "reference")
	}
	if fi, err := os.Stat(ref); err != nil || !fi.IsDir() {
		t.Skipf("reference data not found at %s: it exists only next to the development checkout "+
			"(../shared/reference), not in a fresh clone; skipping", ref)
	}
	return ref
}

// Path returns a file or folder inside the reference data, skipping the test
// when the data (or that part of it) is absent.
func Path(t testing.TB, elem ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{Dir(t)}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("reference data %s not found; skipping", p)
	}
	return p
}

// ModuleRoot returns the directory holding go.mod.
func ModuleRoot(t testing.TB) string {
	t.Helper()
	root, ok := moduleRoot()
	if !ok {
		t.Fatal("module root (go.mod) not found")
	}
	return root
}

func moduleRoot() (string, bool) {
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}
