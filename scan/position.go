package scan

import (
	"fmt"
	"strconv"
)

// Position says where a CI came from.
type Position struct {
	// File is the input's name.
	File string
	// Line is the 1-based line of an NDJSON input, else 0.
	Line int
	// Array is the key of the container array (configurationItems,
	// baseConfigurationItems, Results), or "" when the input has none.
	Array string
	// Index is the 0-based index of the CI in its array or stream, or -1.
	Index int
	// Resource is the logical ID of a template resource, else "".
	Resource string
}

// String formats the position as "file:line 12", "file:
// configurationItems[4]", "file: value 2" or "file: resource Bucket".
func (p Position) String() string {
	switch {
	case p.Resource != "":
		return p.File + ": resource " + p.Resource
	case p.Line > 0:
		return p.File + ":" + strconv.Itoa(p.Line)
	case p.Array != "" && p.Index >= 0:
		return fmt.Sprintf("%s: %s[%d]", p.File, p.Array, p.Index)
	case p.Index >= 0:
		return fmt.Sprintf("%s: value %d", p.File, p.Index)
	}
	return p.File
}

// Problem is an item or a part of an input that the scan skipped.
type Problem struct {
	Pos Position
	Err error
	// Rest is true when the input broke at Pos and everything after it was
	// skipped (a truncated file, a corrupt gzip stream).
	Rest bool
}

func (p *Problem) Error() string {
	if p.Rest {
		return fmt.Sprintf("%s: %v; the rest of the input is skipped", p.Pos, p.Err)
	}
	return fmt.Sprintf("%s: %v; skipped", p.Pos, p.Err)
}

func (p *Problem) Unwrap() error { return p.Err }
