package cloudtrail

import (
	"strings"

	"github.com/aiguard/aiguard/internal/inputfile"
)

// Input names one input: a file name, or "-" for standard input. One
// found by walking a directory (Found) that holds no records (a digest
// file, a stray object) is noted and passed over, while a file named on
// the command line must hold records.
type Input = inputfile.Input

// Expand turns paths into the list of inputs: a directory stands for every
// regular file under it (hidden files and CloudTrail digest files, which
// sit under CloudTrail-Digest/, left out), in lexical order, which for the
// S3 layout of a trail (.../AWSLogs/ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/)
// is the order of delivery within each account and Region.
func Expand(paths []string) ([]Input, error) {
	return inputfile.Expand(paths, func(name string, dir bool) bool {
		if dir {
			return name == "CloudTrail-Digest"
		}
		return strings.Contains(name, "_CloudTrail-Digest_")
	})
}
