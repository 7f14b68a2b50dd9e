package golden

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// CompareDir is Compare for a whole tree: got maps slash paths to contents,
// and dir must hold exactly those files; with -update dir is replaced by
// them.
func CompareDir(t testing.TB, dir string, got map[string][]byte) {
	t.Helper()
	if *update {
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		for name, data := range got {
			p := filepath.Join(dir, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("golden files: %v (run the test with -update to create them)", err)
	}
	want := ReadTree(t, dir)
	if g, w := sortedKeys(got), sortedKeys(want); !slices.Equal(g, w) {
		t.Errorf("files differ from %s (run the test with -update if the change is intended)\ngot:  %v\nwant: %v", dir, g, w)
	}
	for _, name := range sortedKeys(got) {
		if w, ok := want[name]; ok && !bytes.Equal(got[name], w) {
			t.Errorf("%s differs from %s (run the test with -update if the change is intended)\n%s",
				name, filepath.Join(dir, filepath.FromSlash(name)), FirstDifference(string(w), string(got[name])))
		}
	}
}

// ReadTree returns every file under dir by its slash path.
func ReadTree(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		files[filepath.ToSlash(rel)] = data
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// FuzzCorpus checks a committed seed corpus (testdata/fuzz/FuzzX): at
// least min files, each in the "go test fuzz v1" format with one []byte
// value, which go test would otherwise reject with a less helpful message.
// With -update it first replaces the corpus with seeds (by file name). A
// corpus is not compared byte for byte: a stale seed still fuzzes.
func FuzzCorpus(t testing.TB, dir string, min int, seeds func() map[string][]byte) {
	t.Helper()
	if *update {
		files := map[string][]byte{}
		for name, data := range seeds() {
			files[name] = fmt.Appendf(nil, "go test fuzz v1\n[]byte(%q)\n", data)
		}
		CompareDir(t, dir, files)
		t.Logf("wrote %d seeds to %s", len(files), dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("seed corpus: %v (run the test with -update to regenerate it)", err)
	}
	if len(entries) < min {
		t.Errorf("seed corpus %s has %d files, want at least %d", dir, len(entries), min)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		header, rest, ok := strings.Cut(string(data), "\n")
		if !ok || header != "go test fuzz v1" || !strings.HasPrefix(rest, "[]byte(") {
			t.Errorf("%s: not a \"go test fuzz v1\" file with one []byte value", e.Name())
		}
	}
}
