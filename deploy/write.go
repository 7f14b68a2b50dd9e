package deploy

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/aiguard/aiguard/packgen"
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
// The output directory may come from someone else (a cloned repository), so
// nothing in it is trusted: WriteDir never follows a symbolic link below dir,
// whether writing or removing, and fails before changing anything when one
// is in the way; it refuses a previous manifest listing a path that is
// absolute or climbs out with ".."; and every file operation goes through an
// os.Root, which cannot reach outside dir. A stale file is removed only when
// it is a regular file whose content is still what the previous manifest
// records; one that was edited since is kept, and a warning note added to
// out says so. Files are written to a temporary name and renamed into
// place.
//
// The manifest is written before the artifacts, so an interrupted run
// leaves a directory that the next run recognises and repairs.
func WriteDir(dir string, out *Output) error {
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
	for p := range old.files {
		if !next[p] {
			stale = append(stale, p)
		}
	}
	sort.Strings(stale)
	var remove []string
	for _, p := range stale {
		keep, err := checkRemovable(dir, p, old.files[p])
		if err != nil {
			return err
		}
		if keep != "" {
			out.Notes = append(out.Notes, Note{Level: packgen.Warning, Subject: p, Message: keep})
			continue
		}
		remove = append(remove, p)
	}
	manifest, err := out.ManifestJSON()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create the output directory: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return fmt.Errorf("open the output directory: %w", err)
	}
	defer root.Close()
	for _, p := range remove {
		if err := root.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove %s from the previous output: %w", p, err)
		}
	}
	removeEmptyDirs(root, remove)
	if err := writeFile(root, ManifestName, manifest); err != nil {
		return err
	}
	for _, a := range out.Artifacts {
		if err := writeFile(root, a.Path, a.Data); err != nil {
			return err
		}
	}
	return nil
}

// previous is the aiguard output found in the output directory.
type previous struct {
	// files maps each path the previous manifest lists (the manifest
	// included) to its SHA-256 as recorded, "" when none is.
	files map[string]string
}

// previousOutput returns the files of the aiguard output in dir (the
// manifest included), empty for a missing or empty dir, and
// ErrNotOutputDir for a dir with other content.
func previousOutput(dir string) (previous, error) {
	none := previous{files: map[string]string{}}
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return none, nil
	case err != nil:
		return previous{}, fmt.Errorf("read the output directory: %w", err)
	case len(entries) == 0:
		return none, nil
	}
	notOurs := func(why string) error {
		return fmt.Errorf("%s is not empty and %s: %w; choose an empty or new directory", dir, why, ErrNotOutputDir)
	}
	data, err := readManifest(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return previous{}, notOurs("has no " + ManifestName)
	}
	if err != nil {
		return previous{}, fmt.Errorf("read the previous %s: %w", ManifestName, err)
	}
	var m struct {
		Generator string `json:"generator"`
		Files     []struct {
			Path   string `json:"path"`
			SHA256 string `json:"sha256"`
		} `json:"files"`
	}
	if err := json.Unmarshal(data, &m); err != nil || m.Generator != "aiguard" {
		return previous{}, notOurs("its " + ManifestName + " was not written by aiguard")
	}
	prev := previous{files: map[string]string{ManifestName: ""}}
	for _, f := range m.Files {
		if checkPath(f.Path) != nil || f.Path == ManifestName {
			return previous{}, notOurs(fmt.Sprintf("its %s lists %q, a path outside the directory", ManifestName, f.Path))
		}
		prev.files[f.Path] = strings.ToLower(f.SHA256)
	}
	return prev, nil
}

// readManifest reads dir/manifest.json, which must be a regular file (not
// a symbolic link) of at most maxManifest bytes.
func readManifest(dir string) ([]byte, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	st, err := root.Lstat(ManifestName)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() || st.Size() > maxManifest {
		return nil, fmt.Errorf("%s is not a regular file of at most %d bytes", ManifestName, maxManifest)
	}
	f, err := root.Open(ManifestName)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, maxManifest+1))
}

// walk calls f with the Lstat of each existing component of rel under dir,
// from the first, and stops at the first that does not exist; it fails on
// a symbolic link, which aiguard never follows below the output directory.
func walk(dir, rel string, f func(sub string, st fs.FileInfo, last bool) error) error {
	parts := strings.Split(rel, "/")
	for i := range parts {
		sub := path.Join(parts[:i+1]...)
		st, err := os.Lstat(dir + string(os.PathSeparator) + sub)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("check %s: %w", rel, err)
		}
		if st.Mode()&fs.ModeSymlink != 0 {
			return fmt.Errorf("%s in %s is a symbolic link; aiguard never follows links in the output directory, "+
				"so it neither writes nor removes %s: replace the link with a directory or remove it", sub, dir, rel)
		}
		if err := f(sub, st, i == len(parts)-1); err != nil {
			return err
		}
	}
	return nil
}

// checkWritable fails when writing rel would replace something that is not
// a file of the previous output, or go through a symbolic link.
func checkWritable(dir, rel string, old previous) error {
	return walk(dir, rel, func(sub string, st fs.FileInfo, last bool) error {
		switch {
		case !last && !st.IsDir():
			return fmt.Errorf("%s in %s is not a directory; cannot write %s", sub, dir, rel)
		case last && !st.Mode().IsRegular():
			return fmt.Errorf("%s in %s exists and is not a file", rel, dir)
		case last:
			if _, listed := old.files[rel]; !listed {
				return fmt.Errorf("%s in %s exists but is not listed in the previous %s; not overwriting it: %w",
					rel, dir, ManifestName, ErrNotOutputDir)
			}
		}
		return nil
	})
}

// checkRemovable decides about a file of the previous output that this
// one no longer has. It fails when a symbolic link is in the way; keep says
// why the file stays (something else than a regular file, or content that
// differs from what the previous manifest records); both are zero when the
// file may be removed or is already gone.
func checkRemovable(dir, rel, sum string) (keep string, err error) {
	err = walk(dir, rel, func(sub string, st fs.FileInfo, last bool) error {
		switch {
		case !last && !st.IsDir():
			keep = fmt.Sprintf("%s is not a directory, so %s is not there to remove", sub, rel)
		case last && !st.Mode().IsRegular():
			keep = "listed by the previous manifest but not a regular file; left in place"
		case last:
			got, err := fileSHA256(dir, rel)
			if err != nil {
				return err
			}
			if sum == "" || got != sum {
				keep = "the previous output had this file, this one does not, but it changed since it was written " +
					"(its SHA-256 is not the one the previous manifest records), so it is kept; remove it by hand if it is not yours"
			}
		}
		return nil
	})
	return keep, err
}

// fileSHA256 hashes a file inside dir without leaving it.
func fileSHA256(dir, rel string) (string, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return "", err
	}
	defer root.Close()
	f, err := root.Open(rel)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", rel, err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("read %s: %w", rel, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// removeEmptyDirs removes the directories of the removed files that are
// left empty, deepest first.
func removeEmptyDirs(root *os.Root, removed []string) {
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
		if st, err := root.Lstat(d); err != nil || !st.IsDir() {
			continue
		}
		_ = root.Remove(d) // fails, as wanted, on a directory not empty
	}
}

// writeFile writes data to rel inside root through a temporary file in the
// same directory, renamed into place, so that a reader never sees half a
// file and a link planted at rel is replaced, not followed.
func writeFile(root *os.Root, rel string, data []byte) error {
	if d := path.Dir(rel); d != "." {
		if err := root.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("write %s: %w", rel, err)
		}
	}
	var suffix [8]byte
	_, _ = rand.Read(suffix[:]) // never fails
	tmp := path.Join(path.Dir(rel), ".aiguard-"+hex.EncodeToString(suffix[:])+".tmp")
	f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("write %s: %w", rel, err)
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = root.Rename(tmp, rel)
	}
	if err != nil {
		_ = root.Remove(tmp)
		return fmt.Errorf("write %s: %w", rel, err)
	}
	return nil
}
