package cloudtrail

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Input names one input.
type Input struct {
	// Path is a file name, or "-" for standard input.
	Path string
	// Found reports an input found by walking a directory: one that holds
	// no records (a digest file, a stray object) is noted and passed over,
	// while a file named on the command line must hold records.
	Found bool
}

// Expand turns paths into the list of inputs: a directory stands for every
// regular file under it (hidden files and CloudTrail digest files, which
// sit under CloudTrail-Digest/, left out), in lexical order, which for the
// S3 layout of a trail (.../AWSLogs/ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/)
// is the order of delivery within each account and Region.
func Expand(paths []string) ([]Input, error) {
	var out []Input
	for _, p := range paths {
		if p == "-" {
			out = append(out, Input{Path: p})
			continue
		}
		fi, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !fi.IsDir() {
			out = append(out, Input{Path: p})
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			name := d.Name()
			if d.IsDir() {
				if path != p && (strings.HasPrefix(name, ".") || name == "CloudTrail-Digest") {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() && !strings.HasPrefix(name, ".") && !strings.Contains(name, "_CloudTrail-Digest_") {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		sort.Strings(found)
		for _, f := range found {
			out = append(out, Input{Path: f, Found: true})
		}
	}
	return out, nil
}
