// Package golden compares what a test produced with a golden file, which
// the test binary's -update flag rewrites instead. A test package that
// uses it takes its -update flag from here.
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files instead of comparing with them")

// Update reports whether the golden files are being rewritten.
func Update() bool { return *update }

// Compare fails the test when got differs from the file at path, saying
// where; with -update it writes got there instead.
func Compare(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden file: %v (run the test with -update to create it)", err)
	}
	if string(want) != string(got) {
		t.Errorf("output differs from %s (run the test with -update if the change is intended)\n%s",
			path, FirstDifference(string(want), string(got)))
	}
}

// CompareOrAbsent is Compare for output that is usually empty (a
// command's stderr): empty output has no golden file.
func CompareOrAbsent(t testing.TB, path string, got []byte) {
	t.Helper()
	if len(got) > 0 {
		Compare(t, path, got)
		return
	}
	if *update {
		os.Remove(path)
	}
	if _, err := os.Stat(path); err == nil {
		t.Errorf("the output is empty, but %s exists", path)
	}
}

// FirstDifference describes the first line where want and got differ.
func FirstDifference(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(wl), len(gl)) {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\n want: " + w + "\n  got: " + g
		}
	}
	return "(they differ only in line endings)"
}
