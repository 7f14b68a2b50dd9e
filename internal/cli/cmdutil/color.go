package cmdutil

import (
	"io"
	"os"
	"strings"
)

// Palette colours text for a terminal. It is off unless the output is a
// terminal, NO_COLOR is unset or empty (https://no-color.org) and TERM is
// not dumb; off, every method returns its text unchanged.
type Palette struct{ on bool }

// NewPalette returns the palette for writing to w. getenv is os.Getenv
// outside tests.
func NewPalette(w io.Writer, getenv func(string) string) Palette {
	if getenv == nil {
		getenv = os.Getenv
	}
	if getenv("NO_COLOR") != "" || getenv("TERM") == "dumb" {
		return Palette{}
	}
	return Palette{on: IsTerminal(w)}
}

// On reports whether the palette colours.
func (p Palette) On() bool { return p.on }

const reset = "\x1b[0m"

func (p Palette) paint(code, s string) string {
	if !p.on || s == "" {
		return s
	}
	return "\x1b[" + code + "m" + s + reset
}

// Bold emphasises a heading.
func (p Palette) Bold(s string) string { return p.paint("1", s) }

// Dim plays down a detail.
func (p Palette) Dim(s string) string { return p.paint("2", s) }

// Severity colours a severity of either vocabulary (CRITICAL ... LOW,
// error, warning, info) by how bad it is.
func (p Palette) Severity(s string) string {
	switch strings.ToLower(s) {
	case "critical":
		return p.paint("1;31", s)
	case "high", "error":
		return p.paint("31", s)
	case "medium", "warning":
		return p.paint("33", s)
	case "low", "info":
		return p.paint("36", s)
	}
	return p.Dim(s)
}

// Compliance colours a compliance type.
func (p Palette) Compliance(s string) string {
	switch s {
	case "NON_COMPLIANT":
		return p.paint("31", s)
	case "COMPLIANT":
		return p.paint("32", s)
	}
	return p.Dim(s)
}
