package orgspec

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Error is one problem in a spec, at a position in its file. Line and
// Column are 1-based; a problem with the file as a whole is at 1:1.
type Error struct {
	File    string
	Line    int
	Column  int
	Message string
}

// Error formats the problem as file:line:column: message, the form editors
// and CI annotations recognise.
func (e *Error) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Message)
}

// Errors is every problem found in a spec, sorted by position. Parse returns
// it as its error, so callers can print one problem per line:
//
//	var errs orgspec.Errors
//	if errors.As(err, &errs) {
//		for _, e := range errs {
//			fmt.Fprintln(os.Stderr, e)
//		}
//	}
type Errors []*Error

// Error joins the problems, one per line.
func (errs Errors) Error() string {
	lines := make([]string, len(errs))
	for i, e := range errs {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Sort orders the problems by file, line, column and message, and drops
// exact duplicates (an alias can make the same node fail twice).
func (errs *Errors) Sort() {
	slices.SortStableFunc(*errs, func(a, b *Error) int {
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Column, b.Column),
			cmp.Compare(a.Message, b.Message),
		)
	})
	*errs = slices.CompactFunc(*errs, func(a, b *Error) bool { return *a == *b })
}

// maxProblems bounds the problems collected from one file, so that a
// generated or hostile file cannot make the report (or the run) huge.
const maxProblems = 500

// collector gathers errors and warnings for one file.
type collector struct {
	file     string
	errs     Errors
	warnings Errors
	dropped  int // errors not recorded
}

func (c *collector) errorf(p Pos, format string, args ...any) {
	if len(c.errs) >= maxProblems {
		c.dropped++
		return
	}
	c.errs = append(c.errs, c.at(p, fmt.Sprintf(format, args...)))
}

func (c *collector) warnf(p Pos, format string, args ...any) {
	if len(c.warnings) >= maxProblems {
		return
	}
	c.warnings = append(c.warnings, c.at(p, fmt.Sprintf(format, args...)))
}

func (c *collector) at(p Pos, msg string) *Error {
	return &Error{File: c.file, Line: max(p.Line, 1), Column: max(p.Column, 1), Message: msg}
}

// full reports whether the collector stopped recording problems.
func (c *collector) full() bool { return c.dropped > 0 }

// result returns the sorted errors (nil when there are none) and warnings.
func (c *collector) result() (Errors, Errors) {
	c.errs.Sort()
	c.warnings.Sort()
	if c.dropped > 0 {
		c.errs = append(c.errs, &Error{File: c.file, Line: 1, Column: 1,
			Message: fmt.Sprintf("too many problems: %d more not shown", c.dropped)})
	}
	if len(c.errs) == 0 {
		return nil, c.warnings
	}
	return c.errs, c.warnings
}
