// Package cmdutil holds what every aiguard command shares: its I/O streams,
// the error that carries an exit code, and one vocabulary of flags and
// output (--format names, --output, --quiet, --fail-on, colour on a
// terminal, aligned tables safe to print).
package cmdutil

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// IO is where a command reads and writes; tests swap in buffers.
type IO struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
}

// System returns the process's standard streams.
func System() *IO { return &IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr} }

// Exit codes shared by every command.
const (
	ExitOK       = 0
	ExitFindings = 1 // lint errors, scan findings at or above --fail-on
	ExitUsage    = 2 // unreadable input, unknown rule, invalid parameters, bad flags
	ExitSkipped  = 3 // items skipped as unreadable (and nothing reached --fail-on)
)

// ExitError carries the exit code a command wants. A nil Err exits
// silently with Code.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// Usagef returns an error that exits with ExitUsage.
func Usagef(format string, args ...any) error {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, args...)}
}

// Usage wraps err to exit with ExitUsage.
func Usage(err error) error { return &ExitError{Code: ExitUsage, Err: err} }

// Code returns the exit code for err: ExitUsage unless it says otherwise.
func Code(err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	return ExitUsage
}
