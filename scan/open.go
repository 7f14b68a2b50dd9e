package scan

// Stage 1, open: name the inputs, open each (standard input, a file; gzip
// detected by its magic bytes and read anywhere), count the bytes read.

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"sync/atomic"

	"github.com/aiguard/aiguard/internal/inputfile"
)

// Input names one input of a scan: a file name, or "-" for standard
// input. Inputs found by walking a directory (Found) that are not
// recognised are noted and skipped instead of failing the scan.
type Input = inputfile.Input

// Expand turns the arguments into the list of inputs: a directory stands for
// every regular file under it, in lexical order (hidden files and
// directories left out). Files found in a directory are marked Found: a
// scan notes and skips those it does not recognise (a Config bucket holds
// ConfigWritabilityCheckFile and the like), while a file named on the
// command line must be recognised.
func Expand(args []string) ([]Input, error) { return inputfile.Expand(args, nil) }

// Source is one input, opened and recognised.
type Source struct {
	// Name is the path given, or "-" for standard input.
	Name string
	Kind Kind
	// Gzip reports whether the input is gzip-compressed.
	Gzip bool
	// Size is the size of the file on disk (compressed), or -1 when unknown.
	Size int64

	in     *inputfile.Stream
	r      *bufio.Reader // decompressed content, from the first byte that is not blank
	lead   lead          // the blank lines and spaces detection read past
	closed bool
}

// ErrUnrecognized reports an input that is none of the kinds a scan reads.
var ErrUnrecognized = errors.New("not a recognised input")

// Open opens the named file ("-" for stdin) and detects its kind. The
// caller must Close the source.
func Open(name string, stdin io.Reader) (*Source, error) {
	in, err := inputfile.OpenStream(name, stdin, sniffSize)
	if err != nil {
		return nil, err
	}
	src, err := newSource(in)
	if err != nil {
		in.Close()
		return nil, err
	}
	return src, nil
}

func newSource(in *inputfile.Stream) (*Source, error) {
	src := &Source{Name: in.Name, Size: in.Size, Gzip: in.Gzip, in: in, r: in.R}
	kind, lead, err := sniff(src.r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", in.Name, err)
	}
	src.Kind, src.lead = kind, lead
	return src, nil
}

// BytesRead is how many bytes of the file (compressed, as on disk) have
// been read so far; the progress bar reads it from another goroutine.
func (s *Source) BytesRead() int64 { return s.in.BytesRead() }

// Close releases the file.
func (s *Source) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	return s.in.Close()
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
			if in.Found && (errors.Is(err, ErrUnrecognized) || errors.Is(err, inputfile.ErrNotRegular)) {
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

// reopen opens a prepared file again for reading; its bytes count into
// shared too, when given.
func (s *Source) reopen(shared *atomic.Int64) error {
	if !s.closed {
		s.in.CountInto(shared)
		return nil
	}
	in, err := inputfile.OpenStream(s.Name, nil, sniffSize)
	if err != nil {
		return err
	}
	fresh, err := newSource(in)
	if err != nil {
		in.Close()
		return err
	}
	if fresh.Kind != s.Kind {
		fresh.Close()
		return fmt.Errorf("%s: changed while scanning (was %s, now %s)", s.Name, s.Kind, fresh.Kind)
	}
	in.CountInto(shared)
	*s = *fresh
	return nil
}
