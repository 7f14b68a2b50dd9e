// Package inputfile opens what a command reads: a file named on the command
// line, or standard input for "-". It refuses what is not a regular file
// (a directory, a FIFO, a device, a socket) before opening it: opening a
// FIFO blocks until something writes to it, and reading a device never
// ends, so a command handed one would hang instead of saying why.
package inputfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// Stdin is the name that stands for standard input.
const Stdin = "-"

// ErrNotRegular reports a name that is not a regular file.
var ErrNotRegular = errors.New("not a regular file")

// Open opens name for reading, or returns stdin for "-". size is the
// file's size, or -1 when unknown (standard input that is not a regular
// file).
func Open(name string, stdin io.Reader) (r io.ReadCloser, size int64, err error) {
	if name == Stdin {
		if stdin == nil {
			return nil, -1, errors.New("-: no standard input")
		}
		size = -1
		if f, ok := stdin.(*os.File); ok {
			if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
				size = fi.Size()
			}
		}
		return io.NopCloser(stdin), size, nil
	}
	fi, err := os.Stat(name)
	if err != nil {
		return nil, -1, err
	}
	if err := regular(name, fi); err != nil {
		return nil, -1, err
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, -1, err
	}
	// The name may have been replaced between Stat and Open.
	if fi, err = f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		if err == nil {
			err = regular(name, fi)
		}
		return nil, -1, err
	}
	return f, fi.Size(), nil
}

// regular explains why fi is not a regular file, or returns nil.
func regular(name string, fi fs.FileInfo) error {
	m := fi.Mode()
	switch {
	case m.IsRegular():
		return nil
	case m.IsDir():
		return fmt.Errorf("%s: is a directory", name)
	case m&fs.ModeNamedPipe != 0:
		return fmt.Errorf("%s: %w (a FIFO); pipe it to standard input with - instead", name, ErrNotRegular)
	case m&fs.ModeDevice != 0, m&fs.ModeCharDevice != 0:
		return fmt.Errorf("%s: %w (a device)", name, ErrNotRegular)
	case m&fs.ModeSocket != 0:
		return fmt.Errorf("%s: %w (a socket)", name, ErrNotRegular)
	}
	return fmt.Errorf("%s: %w", name, ErrNotRegular)
}

// ReadAll reads name ("-" for stdin) whole, refusing more than limit bytes
// with an error that says so.
func ReadAll(name string, stdin io.Reader, limit int64) ([]byte, error) {
	r, _, err := Open(name, stdin)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: %w", name, &TooLargeError{Limit: limit})
	}
	return data, nil
}

// TooLargeError reports an input over a command's size limit.
type TooLargeError struct{ Limit int64 }

func (e *TooLargeError) Error() string { return fmt.Sprintf("more than %d bytes", e.Limit) }
