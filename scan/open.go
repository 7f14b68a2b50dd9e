package scan

// Stage 1, open: name the inputs, open each (standard input, a file; gzip
// detected by its magic bytes and read anywhere), count the bytes read.

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/klauspost/compress/gzip"

	"github.com/aiguard/aiguard/internal/inputfile"
)

// Input names one input of a scan.
type Input struct {
	// Path is a file name, or "-" for standard input.
	Path string
	// Optional inputs (found by walking a directory) that are not
	// recognised are noted and skipped instead of failing the scan.
	Optional bool
}

// Expand turns the arguments into the list of inputs: a directory stands for
// every regular file under it, in lexical order. Files found in a directory
// are marked optional: a scan notes and skips those it does not recognise
// (a Config bucket holds ConfigWritabilityCheckFile and the like), while a
// file named on the command line must be recognised.
func Expand(args []string) ([]Input, error) {
	var out []Input
	for _, arg := range args {
		if arg == inputfile.Stdin {
			out = append(out, Input{Path: arg})
			continue
		}
		fi, err := os.Stat(arg)
		if err != nil {
			return nil, err
		}
		if !fi.IsDir() {
			out = append(out, Input{Path: arg})
			continue
		}
		var found []string
		err = filepath.WalkDir(arg, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.Type().IsRegular() && !strings.HasPrefix(d.Name(), ".") {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		sort.Strings(found)
		for _, p := range found {
			out = append(out, Input{Path: p, Optional: true})
		}
	}
	return out, nil
}

// Source is one input, opened and recognised.
type Source struct {
	// Name is the path given, or "-" for standard input.
	Name string
	Kind Kind
	// Gzip reports whether the input is gzip-compressed.
	Gzip bool
	// Size is the size of the file on disk (compressed), or -1 when unknown.
	Size int64

	file   io.Closer
	raw    *countingReader
	gz     io.Closer
	r      *bufio.Reader // decompressed content, from the first byte that is not blank
	lead   lead          // the blank lines and spaces detection read past
	closed bool
}

// ErrUnrecognized reports an input that is none of the kinds a scan reads.
var ErrUnrecognized = errors.New("not a recognised input")

// Open opens the named file ("-" for stdin) and detects its kind. The
// caller must Close the source.
func Open(name string, stdin io.Reader) (*Source, error) {
	f, size, err := inputfile.Open(name, stdin)
	if err != nil {
		return nil, err
	}
	src, err := newSource(name, f, size)
	if err != nil {
		f.Close()
		return nil, err
	}
	return src, nil
}

func newSource(name string, f io.ReadCloser, size int64) (*Source, error) {
	src := &Source{Name: name, Size: size, file: f, raw: &countingReader{r: f}}
	br := bufio.NewReaderSize(src.raw, 256<<10)
	magic, _ := br.Peek(2)
	var content io.Reader = br
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := newGzipReader(br)
		if err != nil {
			return nil, fmt.Errorf("%s: gzip: %w", name, err)
		}
		src.Gzip, src.gz, content = true, gz, gz
	}
	src.r = bufio.NewReaderSize(content, sniffSize)
	kind, lead, err := sniff(src.r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	src.Kind, src.lead = kind, lead
	return src, nil
}

// newGzipReader returns the gzip decompressor every input goes through:
// github.com/klauspost/compress's, a quarter faster than compress/gzip at
// the same API (BENCHMARKS.md), which matters because decompression is the
// one serial stage of a scan. Concatenated members are read as one
// stream, as gunzip reads them.
func newGzipReader(r io.Reader) (io.ReadCloser, error) {
	return gzip.NewReader(r)
}

// BytesRead is how many bytes of the file (compressed, as on disk) have
// been read so far; the progress bar reads it from another goroutine.
func (s *Source) BytesRead() int64 { return s.raw.n.Load() }

// Close releases the file.
func (s *Source) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	if s.gz != nil {
		s.gz.Close()
	}
	return s.file.Close()
}

// Prepare opens and recognises every input, so that a missing or
// unrecognised file is reported before any output is written. Files are
// closed again and reopened in turn by Run; standard input stays open.
// Optional inputs (from a directory walk) that are not recognised are left
// out, each with a note.
func Prepare(inputs []Input, stdin io.Reader) (srcs []*Source, notes []string, err error) {
	for _, in := range inputs {
		src, err := Open(in.Path, stdin)
		if err != nil {
			if in.Optional && (errors.Is(err, ErrUnrecognized) || errors.Is(err, inputfile.ErrNotRegular)) {
				notes = append(notes, fmt.Sprintf("%s: not a recognised input; skipped", in.Path))
				continue
			}
			for _, s := range srcs {
				s.Close()
			}
			return nil, nil, err
		}
		if in.Path != inputfile.Stdin {
			src.Close()
		}
		srcs = append(srcs, src)
	}
	return srcs, notes, nil
}

// reopen opens a prepared file again for reading.
func (s *Source) reopen(shared *atomic.Int64) error {
	if !s.closed {
		s.raw.shared = shared
		return nil
	}
	f, size, err := inputfile.Open(s.Name, nil)
	if err != nil {
		return err
	}
	fresh, err := newSource(s.Name, f, size)
	if err != nil {
		f.Close()
		return err
	}
	if fresh.Kind != s.Kind {
		fresh.Close()
		return fmt.Errorf("%s: changed while scanning (was %s, now %s)", s.Name, s.Kind, fresh.Kind)
	}
	fresh.raw.shared = shared
	*s = *fresh
	return nil
}

type countingReader struct {
	r      io.Reader
	n      atomic.Int64
	shared *atomic.Int64 // the scan's progress counter, when there is one
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	if c.shared != nil {
		c.shared.Add(int64(n))
	}
	return n, err
}
