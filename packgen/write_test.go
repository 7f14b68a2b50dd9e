package packgen

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// listFiles returns the files under dir, relative, with forward slashes.
func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func TestWriteDir(t *testing.T) {
	out := generate(t, exampleSpec(t))
	want := []string{ManifestName}
	for _, a := range out.Artifacts {
		want = append(want, a.Path)
	}
	sort.Strings(want)

	t.Run("new directory", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "out", "nested")
		if err := WriteDir(dir, out); err != nil {
			t.Fatal(err)
		}
		if got := listFiles(t, dir); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("files = %v, want %v", got, want)
		}
		for _, a := range out.Artifacts {
			data, err := os.ReadFile(filepath.Join(dir, a.Path))
			if err != nil || !bytes.Equal(data, a.Data) {
				t.Errorf("%s not written as generated (err %v)", a.Path, err)
			}
		}
	})

	t.Run("previous output, user file kept, stale file removed", func(t *testing.T) {
		dir := t.TempDir()
		if err := WriteDir(dir, out); err != nil {
			t.Fatal(err)
		}
		// A previous run had a pack this one does not.
		stale := &Output{Plan: out.Plan, Notes: out.Notes,
			Artifacts: append([]Artifact{{Path: "packs/aiguard-gone.yaml", Kind: KindConformancePack, Data: []byte("x: 1\n")}}, out.Artifacts...)}
		if err := WriteDir(dir, stale); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "README.txt"), []byte("mine"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := WriteDir(dir, out); err != nil {
			t.Fatal(err)
		}
		got := listFiles(t, dir)
		if strings.Join(got, " ") != strings.Join(append([]string{"README.txt"}, want...), " ") {
			t.Errorf("files = %v", got)
		}
	})

	t.Run("empty directory", func(t *testing.T) {
		if err := WriteDir(t.TempDir(), out); err != nil {
			t.Fatal(err)
		}
	})

	refused := []struct {
		name  string
		setup func(dir string) error
	}{
		{"foreign files", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644)
		}},
		{"foreign manifest", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, ManifestName), []byte(`{"generator":"someone-else"}`), 0o644)
		}},
		{"manifest listing a path outside", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, ManifestName), []byte(`{"generator":"aiguard","files":[{"path":"../etc/passwd"}]}`), 0o644)
		}},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := tt.setup(dir); err != nil {
				t.Fatal(err)
			}
			before := listFiles(t, dir)
			err := WriteDir(dir, out)
			if !errors.Is(err, ErrNotOutputDir) {
				t.Fatalf("err = %v, want ErrNotOutputDir", err)
			}
			if after := listFiles(t, dir); strings.Join(after, " ") != strings.Join(before, " ") {
				t.Errorf("refused, but files changed: %v", after)
			}
		})
	}

	t.Run("unlisted file in the way", func(t *testing.T) {
		dir := t.TempDir()
		if err := WriteDir(dir, out); err != nil {
			t.Fatal(err)
		}
		// Made by hand after the run: not aiguard's to overwrite.
		extra := &Output{Plan: out.Plan, Artifacts: append([]Artifact{{Path: "packs/handmade.yaml", Data: []byte("new")}}, out.Artifacts...)}
		if err := os.WriteFile(filepath.Join(dir, "packs", "handmade.yaml"), []byte("mine"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := WriteDir(dir, extra); !errors.Is(err, ErrNotOutputDir) {
			t.Fatalf("err = %v, want ErrNotOutputDir", err)
		}
		if data, _ := os.ReadFile(filepath.Join(dir, "packs", "handmade.yaml")); string(data) != "mine" {
			t.Error("handmade file overwritten")
		}
	})

	t.Run("symbolic link", func(t *testing.T) {
		dir := t.TempDir()
		if err := WriteDir(dir, out); err != nil {
			t.Fatal(err)
		}
		target := t.TempDir()
		if err := os.RemoveAll(filepath.Join(dir, "deploy")); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, filepath.Join(dir, "deploy")); err != nil {
			t.Skip("no symbolic links here:", err)
		}
		if err := WriteDir(dir, out); err == nil || !strings.Contains(err.Error(), "symbolic link") {
			t.Fatalf("err = %v, want a refusal to write through a symbolic link", err)
		}
		if files := listFiles(t, target); len(files) != 0 {
			t.Errorf("wrote through the link: %v", files)
		}
	})

	t.Run("not a directory", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "file")
		if err := os.WriteFile(file, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := WriteDir(file, out); err == nil {
			t.Fatal("wrote into a file")
		}
	})
}
