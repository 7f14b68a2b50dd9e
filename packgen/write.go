package packgen

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// ErrNotOutputDir is returned by WriteDir for a directory that holds files
// but no aiguard manifest: aiguard never writes over files it did not make.
var ErrNotOutputDir = errors.New("not an aiguard output directory")

// maxManifest bounds the manifest WriteDir reads back; a 1,000-team output
// has a manifest of about 2 MB.
const maxManifest = 64 << 20

// WriteDir writes the output to dir: every artifact, then manifest.json.
//
//   - A missing or empty dir is created and written.
//   - A dir holding a previous aiguard output (a manifest.json whose
//     generator is aiguard) is updated: the files that manifest lists are
//     replaced, or removed when the new output does not have them, and
//     directories they leave empty are removed. Nothing else in dir is
//     touched, and a file the new output would write over that the old
//     manifest does not list makes WriteDir fail before it changes
//     anything.
//   - Any other non-empty dir is refused with ErrNotOutputDir.
//
// The manifest is written before the artifacts, so an interrupted run
// leaves a directory that the next run recognises and repairs.
func WriteDir(dir string, out *Output) error {
	manifest, err := out.ManifestJSON()
	if err != nil {
		return err
	}
	old, err := previousOutput(dir)
	if err != nil {
		return err
	}
	next := map[string]bool{ManifestName: true}
	for _, a := range out.Artifacts {
		next[a.Path] = true
		if err := checkWritable(dir, a.Path, old); err != nil {
			return err
		}
	}
	var stale []string
	for p := range old {
		if !next[p] {
			stale = append(stale, p)
		}
	}
	sort.Strings(stale)
	for _, p := range stale {
		if err := os.Remove(filepath.Join(dir, filepath.FromSlash(p))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove %s from the previous output: %w", p, err)
		}
	}
	removeEmptyDirs(dir, stale)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create the output directory: %w", err)
	}
	if err := writeFile(dir, ManifestName, manifest); err != nil {
		return err
	}
	for _, a := range out.Artifacts {
		if err := writeFile(dir, a.Path, a.Data); err != nil {
			return err
		}
	}
	return nil
}

// previousOutput returns the files of the aiguard output in dir (the
// manifest included), empty for a missing or empty dir, and
// ErrNotOutputDir for a dir with other content.
func previousOutput(dir string) (map[string]bool, error) {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return map[string]bool{}, nil
	case err != nil:
		return nil, fmt.Errorf("read the output directory: %w", err)
	case len(entries) == 0:
		return map[string]bool{}, nil
	}
	notOurs := func(why string) error {
		return fmt.Errorf("%s is not empty and %s: %w; choose an empty or new directory", dir, why, ErrNotOutputDir)
	}
	data, err := readLimited(filepath.Join(dir, ManifestName), maxManifest)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, notOurs("has no " + ManifestName)
	}
	if err != nil {
		return nil, fmt.Errorf("read the previous %s: %w", ManifestName, err)
	}
	var m struct {
		Generator string `json:"generator"`
		Files     []struct {
			Path string `json:"path"`
		} `json:"files"`
	}
	if err := json.Unmarshal(data, &m); err != nil || m.Generator != "aiguard" {
		return nil, notOurs("its " + ManifestName + " was not written by aiguard")
	}
	files := map[string]bool{ManifestName: true}
	for _, f := range m.Files {
		if checkPath(f.Path) != nil {
			return nil, notOurs(fmt.Sprintf("its %s lists %q, a path outside the directory", ManifestName, f.Path))
		}
		files[f.Path] = true
	}
	return files, nil
}

func readLimited(name string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() || st.Size() > limit {
		return nil, fmt.Errorf("%s is not a regular file of at most %d bytes", name, limit)
	}
	return os.ReadFile(name)
}

// checkWritable fails when writing rel would replace something that is not
// a file of the previous output, or go through a symbolic link.
func checkWritable(dir, rel string, old map[string]bool) error {
	cur := dir
	parts := strings.Split(rel, "/")
	for i, part := range parts {
		cur = filepath.Join(cur, part)
		st, err := os.Lstat(cur)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("check %s: %w", rel, err)
		}
		last := i == len(parts)-1
		switch {
		case st.Mode()&fs.ModeSymlink != 0:
			return fmt.Errorf("%s is a symbolic link; aiguard writes only plain files and directories in the output directory", filepath.Join(dir, filepath.FromSlash(path.Join(parts[:i+1]...))))
		case !last && !st.IsDir():
			return fmt.Errorf("%s is not a directory; cannot write %s", cur, rel)
		case last && !st.Mode().IsRegular():
			return fmt.Errorf("%s exists and is not a file", cur)
		case last && !old[rel]:
			return fmt.Errorf("%s exists but is not listed in the previous %s; not overwriting it: %w", cur, ManifestName, ErrNotOutputDir)
		}
	}
	return nil
}

// removeEmptyDirs removes the directories of the removed files that are
// left empty, deepest first.
func removeEmptyDirs(dir string, removed []string) {
	seen := map[string]bool{}
	var dirs []string
	for _, p := range removed {
		for d := path.Dir(p); d != "." && !seen[d]; d = path.Dir(d) {
			seen[d] = true
			dirs = append(dirs, d)
		}
	}
	sort.Slice(dirs, func(i, j int) bool { return strings.Count(dirs[i], "/") > strings.Count(dirs[j], "/") })
	for _, d := range dirs {
		_ = os.Remove(filepath.Join(dir, filepath.FromSlash(d))) // fails, as wanted, on a directory not empty
	}
}

func writeFile(dir, rel string, data []byte) error {
	name := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return fmt.Errorf("write %s: %w", rel, err)
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", rel, err)
	}
	return nil
}
