// Package refdata locates the reference data that sits next to the
// development checkout (../shared/reference: Config resource schemas, AWS
// sample conformance packs, the IAM Service Authorization Reference, sample
// events). It is not part of the repository, so tests that use it skip when
// it is absent. Set AIGUARD_REFERENCE_DIR to use a copy elsewhere.
package refdata

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Dir returns the reference data folder, or skips the test when it is absent.
func Dir(t testing.TB) string {
	t.Helper()
	ref, err := Locate()
	if err != nil {
		t.Skipf("%v; skipping", err)
	}
	return ref
}

// Locate returns the reference data folder (or elem inside it) outside
// tests, for the generators that read it (go generate); the error says
// where it was looked for.
func Locate(elem ...string) (string, error) {
	ref := os.Getenv("AIGUARD_REFERENCE_DIR")
	if ref == "" {
		root, ok := moduleRoot()
		if !ok {
			return "", errors.New("reference data: module root (go.mod) not found")
		}
		ref = filepath.Join(root, "..", "shared", "reference")
	}
	if fi, err := os.Stat(ref); err != nil || !fi.IsDir() {
		return "", fmt.Errorf("reference data not found at %s: it exists only next to the development checkout "+
			"(../shared/reference), not in a fresh clone; set AIGUARD_REFERENCE_DIR to use a copy elsewhere", ref)
	}
	p := filepath.Join(append([]string{ref}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("reference data %s not found", p)
	}
	return p, nil
}

// Tool returns the path of a development tool that sits next to the
// reference data (../shared/tools: aws-api-model, cfn-schema), or skips the
// test when it is absent.
func Tool(t testing.TB, name string) string {
	t.Helper()
	root, ok := moduleRoot()
	if !ok {
		t.Skip("development tools: module root (go.mod) not found; skipping")
	}
	tool := filepath.Join(root, "..", "shared", "tools", name)
	if _, err := exec.LookPath(tool); err != nil {
		t.Skipf("%s is not available (it sits next to the development checkout); skipping", tool)
	}
	return tool
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
