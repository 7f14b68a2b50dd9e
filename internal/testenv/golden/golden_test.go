package golden

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFirstDifference(t *testing.T) {
	for _, tc := range []struct{ want, got, diff string }{
		{"a\nb\nc", "a\nx\nc", "line 2:\n want: b\n  got: x"},
		{"a\nb", "a\nb\nc", "line 3:\n want: \n  got: c"},
		{"a\r\n", "a\n", "line 1:\n want: a\r\n  got: a"},
	} {
		if got := FirstDifference(tc.want, tc.got); got != tc.diff {
			t.Errorf("FirstDifference(%q, %q) = %q, want %q", tc.want, tc.got, got, tc.diff)
		}
	}
}

// recorder catches what Compare reports.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Helper()                           {}
func (r *recorder) Errorf(format string, args ...any) { r.errors = append(r.errors, format) }

func TestCompare(t *testing.T) {
	if Update() {
		t.Skip("-update rewrites instead of comparing")
	}
	path := filepath.Join(t.TempDir(), "out.txt")
	os.WriteFile(path, []byte("one\ntwo\n"), 0o600)
	r := &recorder{TB: t}
	Compare(r, path, []byte("one\ntwo\n"))
	Compare(r, path, []byte("one\nthree\n"))
	if len(r.errors) != 1 || !strings.Contains(r.errors[0], "output differs") {
		t.Errorf("errors %q", r.errors)
	}
	CompareOrAbsent(r, filepath.Join(t.TempDir(), "none"), nil)
	CompareOrAbsent(r, path, nil)
	if len(r.errors) != 2 || !strings.Contains(r.errors[1], "the output is empty") {
		t.Errorf("errors %q", r.errors)
	}
}
