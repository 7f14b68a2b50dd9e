package deploy

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/packgen"
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

// TestWriteDirHostile plays a hostile repository: an output directory
// prepared so that the next `aiguard generate` removes or writes files
// outside it. Nothing outside may change, and nothing is followed.
func TestWriteDirHostile(t *testing.T) {
	out := generate(t, exampleSpec(t))
	// victim is a directory outside the output with a file worth keeping.
	victim := func(t *testing.T) (dir, file string) {
		dir = t.TempDir()
		file = filepath.Join(dir, "important.txt")
		if err := os.WriteFile(file, []byte("keep me"), 0o644); err != nil {
			t.Fatal(err)
		}
		// The same name the previous output would remove there.
		if err := os.WriteFile(filepath.Join(dir, "scp-1.json"), []byte("keep me too"), 0o644); err != nil {
			t.Fatal(err)
		}
		return dir, file
	}
	symlink := func(t *testing.T, target, link string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, link); err != nil {
			t.Skip("no symbolic links here:", err)
		}
	}
	intact := func(t *testing.T, dir string) {
		t.Helper()
		for name, want := range map[string]string{"important.txt": "keep me", "scp-1.json": "keep me too"} {
			if data, err := os.ReadFile(filepath.Join(dir, name)); err != nil || string(data) != want {
				t.Errorf("%s outside the output was changed or removed (err %v)", name, err)
			}
		}
	}
	manifest := func(t *testing.T, dir string, files ...string) {
		t.Helper()
		var list []map[string]string
		for _, f := range files {
			list = append(list, map[string]string{"path": f, "sha256": ""})
		}
		data, _ := json.Marshal(map[string]any{"generator": "aiguard", "files": list})
		if err := os.WriteFile(filepath.Join(dir, ManifestName), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("a team's policy folder is a link elsewhere, and the team is gone", func(t *testing.T) {
		dir := t.TempDir()
		if err := WriteDir(dir, out); err != nil {
			t.Fatal(err)
		}
		outside, _ := victim(t)
		team := filepath.Join(dir, "policies", "research")
		if err := os.RemoveAll(team); err != nil {
			t.Fatal(err)
		}
		symlink(t, outside, team)
		without := &Output{Plan: out.Plan}
		for _, a := range out.Artifacts {
			if !strings.HasPrefix(a.Path, "policies/research/") {
				without.Artifacts = append(without.Artifacts, a)
			}
		}
		err := WriteDir(dir, without)
		if err == nil || !strings.Contains(err.Error(), "symbolic link") {
			t.Errorf("err = %v, want a refusal naming the symbolic link", err)
		}
		intact(t, outside)
	})

	t.Run("a planted manifest lists a file behind a link", func(t *testing.T) {
		dir := t.TempDir()
		outside, _ := victim(t)
		symlink(t, outside, filepath.Join(dir, "evil"))
		manifest(t, dir, "evil/important.txt")
		err := WriteDir(dir, out)
		if err == nil || !strings.Contains(err.Error(), "symbolic link") {
			t.Errorf("err = %v, want a refusal naming the symbolic link", err)
		}
		intact(t, outside)
	})

	t.Run("a planted manifest lists a file of the user's inside the directory", func(t *testing.T) {
		dir := t.TempDir()
		user := filepath.Join(dir, "notes", "mine.txt")
		if err := os.MkdirAll(filepath.Dir(user), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(user, []byte("mine"), 0o644); err != nil {
			t.Fatal(err)
		}
		manifest(t, dir, "notes/mine.txt")
		o := &Output{Plan: out.Plan, Artifacts: out.Artifacts}
		if err := WriteDir(dir, o); err != nil {
			t.Fatal(err)
		}
		if data, err := os.ReadFile(user); err != nil || string(data) != "mine" {
			t.Errorf("a file whose content the manifest does not vouch for was removed (err %v)", err)
		}
		found := false
		for _, n := range o.Notes {
			found = found || n.Subject == "notes/mine.txt" && n.Level == packgen.Warning
		}
		if !found {
			t.Error("no warning says the file was kept")
		}
	})

	for _, tt := range []struct{ name, path string }{
		{"an absolute path", "/etc/passwd"},
		{"a climbing path", "packs/../../x"},
		{"a bare ..", ".."},
		{"a backslash path", `packs\..\..\x`},
		{"the manifest itself", ManifestName},
	} {
		t.Run("a planted manifest lists "+tt.name, func(t *testing.T) {
			dir := t.TempDir()
			manifest(t, dir, tt.path)
			if err := WriteDir(dir, out); !errors.Is(err, ErrNotOutputDir) {
				t.Errorf("err = %v, want ErrNotOutputDir", err)
			}
		})
	}

	t.Run("the manifest is a link to a manifest elsewhere", func(t *testing.T) {
		dir, elsewhere := t.TempDir(), t.TempDir()
		manifest(t, elsewhere, "x.txt")
		symlink(t, filepath.Join(elsewhere, ManifestName), filepath.Join(dir, ManifestName))
		if err := WriteDir(dir, out); err == nil {
			t.Error("followed a linked manifest")
		}
		if data, _ := os.ReadFile(filepath.Join(elsewhere, ManifestName)); !strings.Contains(string(data), "x.txt") {
			t.Error("the manifest elsewhere was overwritten")
		}
	})

	t.Run("an artifact's own path is a link to a file elsewhere", func(t *testing.T) {
		dir := t.TempDir()
		if err := WriteDir(dir, out); err != nil {
			t.Fatal(err)
		}
		outside, file := victim(t)
		target := filepath.Join(dir, filepath.FromSlash(LambdaPath))
		if err := os.Remove(target); err != nil {
			t.Fatal(err)
		}
		symlink(t, file, target)
		if err := WriteDir(dir, out); err == nil || !strings.Contains(err.Error(), "symbolic link") {
			t.Errorf("err = %v, want a refusal naming the symbolic link", err)
		}
		intact(t, outside)
	})

	t.Run("no temporary file is left behind", func(t *testing.T) {
		dir := t.TempDir()
		if err := WriteDir(dir, out); err != nil {
			t.Fatal(err)
		}
		for _, f := range listFiles(t, dir) {
			if strings.Contains(f, ".aiguard-") {
				t.Errorf("temporary file left: %s", f)
			}
		}
	})
}
