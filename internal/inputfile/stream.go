package inputfile

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/klauspost/compress/gzip"
)

// Stream is an input opened for streaming: a regular file or standard
// input, decompressed when it is gzip (told by its magic bytes, whatever
// its name), with a count of the bytes read from it as they are on disk.
// The readers of Config snapshots (aiguard scan) and of CloudTrail files
// (aiguard hunt) open their inputs with it.
type Stream struct {
	// Name is the path given, or "-" for standard input.
	Name string
	// Size is the size of the input on disk (compressed), -1 when unknown.
	Size int64
	// Gzip reports whether the input is gzip-compressed.
	Gzip bool
	// R reads the content, decompressed.
	R *bufio.Reader

	file io.Closer
	gz   io.Closer
	raw  *countingReader
}

// OpenStream opens the named file ("-" for stdin), refusing what is not a
// regular file as Open does, with a buffer of bufSize bytes over the
// content. The caller must Close it.
func OpenStream(name string, stdin io.Reader, bufSize int) (*Stream, error) {
	f, size, err := Open(name, stdin)
	if err != nil {
		return nil, err
	}
	s, err := NewStream(name, f, size, bufSize)
	if err != nil {
		f.Close()
		return nil, err
	}
	return s, nil
}

// NewStream reads f, whose size on disk is size (-1 when unknown), as
// OpenStream does; Close closes f.
func NewStream(name string, f io.ReadCloser, size int64, bufSize int) (*Stream, error) {
	s := &Stream{Name: name, Size: size, file: f, raw: &countingReader{r: f}}
	br := bufio.NewReaderSize(s.raw, 256<<10)
	var content io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := newGzipReader(br)
		if err != nil {
			return nil, fmt.Errorf("%s: gzip: %w", name, err)
		}
		s.Gzip, s.gz, content = true, gz, gz
	}
	s.R = bufio.NewReaderSize(content, bufSize)
	return s, nil
}

// newGzipReader is the decompressor every stream goes through:
// github.com/klauspost/compress's, a quarter faster than compress/gzip at
// the same API, which matters because decompression is the one serial
// stage of reading a file. Concatenated members are read as one stream, as
// gunzip reads them.
func newGzipReader(r io.Reader) (io.ReadCloser, error) { return gzip.NewReader(r) }

// NewGzipReader returns the decompressor streams use, for a benchmark's
// floor measured with the same one.
func NewGzipReader(r io.Reader) (io.ReadCloser, error) { return newGzipReader(r) }

// BytesRead is how many bytes of the input (compressed, as on disk) have
// been read so far; a progress display may call it from another goroutine.
func (s *Stream) BytesRead() int64 { return s.raw.n.Load() }

// CountInto adds the bytes read so far, and every byte read from now on,
// to total (a progress counter shared by several inputs); nil does
// nothing.
func (s *Stream) CountInto(total *atomic.Int64) {
	if total != nil {
		total.Add(s.raw.n.Load())
		s.raw.shared = total
	}
}

// Close releases the input.
func (s *Stream) Close() error {
	if s.gz != nil {
		s.gz.Close()
	}
	return s.file.Close()
}

type countingReader struct {
	r      io.Reader
	n      atomic.Int64
	shared *atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	if c.shared != nil {
		c.shared.Add(int64(n))
	}
	return n, err
}

// Input names one input of a command that reads many.
type Input struct {
	// Path is a file name, or "-" for standard input.
	Path string
	// Found reports an input found by walking a directory: one the command
	// does not recognise is noted and passed over, while a file named on
	// the command line must be recognised.
	Found bool
}

// Expand turns paths into the list of inputs: a directory stands for every
// regular file under it, in lexical order, leaving out hidden files and
// directories and those skip names (skip may be nil).
func Expand(paths []string, skip func(name string, dir bool) bool) ([]Input, error) {
	var out []Input
	for _, p := range paths {
		if p == Stdin {
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
				if path != p && (strings.HasPrefix(name, ".") || (skip != nil && skip(name, true))) {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() && !strings.HasPrefix(name, ".") && (skip == nil || !skip(name, false)) {
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
