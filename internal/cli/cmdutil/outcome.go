package cmdutil

import (
	"errors"
	"fmt"
	"strings"

	"github.com/aiguard/aiguard/internal/english"
)

// Count is a number of things with their name, for a message: {3,
// "finding", "findings"}.
type Count struct {
	N         int
	One, Many string
}

func (c Count) String() string { return fmt.Sprintf("%d %s", c.N, english.Plural(c.N, c.One, c.Many)) }

// Outcome is the exit status of a command that reports findings over
// inputs it may have had to skip in part: ExitFindings when some findings
// are at or above --fail-on (failOn), else ExitSkipped when input was
// skipped as unreadable, else nil; the error says both.
func Outcome(found Count, failOn Threshold, skipped Count) error {
	var msgs []string
	code := ExitOK
	if found.N > 0 {
		msgs = append(msgs, fmt.Sprintf("%s at or above %s (--fail-on)", found, failOn))
		code = ExitFindings
	}
	if skipped.N > 0 {
		msgs = append(msgs, fmt.Sprintf("%s skipped as unreadable", skipped))
		if code == ExitOK {
			code = ExitSkipped
		}
	}
	if code == ExitOK {
		return nil
	}
	return &ExitError{Code: code, Err: errors.New(strings.Join(msgs, "; "))}
}
