package inputfile

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

func TestStreamGzipByContent(t *testing.T) {
	dir := t.TempDir()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(`{"a":1}`))
	zw.Close()
	// Named .json but compressed, and named .gz but plain: content decides.
	for name, data := range map[string][]byte{"x.json": gz.Bytes(), "y.gz": []byte(`{"a":1}`)} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := OpenStream(p, nil, 4096)
		if err != nil {
			t.Fatal(err)
		}
		var total atomic.Int64
		s.CountInto(&total)
		got, err := io.ReadAll(s.R)
		if err != nil || string(got) != `{"a":1}` {
			t.Errorf("%s: %q %v", name, got, err)
		}
		if s.Gzip != (name == "x.json") || s.Size != int64(len(data)) || s.BytesRead() != int64(len(data)) || total.Load() != int64(len(data)) {
			t.Errorf("%s: gzip %v, size %d, read %d, counted %d", name, s.Gzip, s.Size, s.BytesRead(), total.Load())
		}
		s.Close()
	}
	if _, err := NewStream("bad", io.NopCloser(bytes.NewReader([]byte{0x1f, 0x8b, 0})), -1, 4096); err == nil ||
		!strings.Contains(err.Error(), "bad: gzip:") {
		t.Errorf("a corrupt gzip header: %v", err)
	}
}

func TestExpand(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"b.json", "a/c.json", ".hidden", ".git/objects/x", "skip-me/d.json", "e-skip.json"} {
		full := filepath.Join(dir, p)
		os.MkdirAll(filepath.Dir(full), 0o700)
		os.WriteFile(full, []byte("{}"), 0o600)
	}
	got, err := Expand([]string{dir, Stdin}, func(name string, isDir bool) bool {
		return (isDir && name == "skip-me") || (!isDir && strings.HasSuffix(name, "-skip.json"))
	})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, in := range got {
		rel, _ := filepath.Rel(dir, in.Path)
		if in.Path == Stdin {
			rel = Stdin
		}
		if in.Found != (in.Path != Stdin) {
			t.Errorf("%s: Found %v", in.Path, in.Found)
		}
		paths = append(paths, rel)
	}
	if strings.Join(paths, " ") != "a/c.json b.json -" {
		t.Errorf("inputs %q", paths)
	}
	if _, err := Expand([]string{filepath.Join(dir, "missing")}, nil); err == nil {
		t.Error("a missing path was accepted")
	}
}
