// Package textsafe makes untrusted text (resource IDs, annotations, file
// names from an input) safe to print on a terminal or in a text report:
// control characters would otherwise act on the terminal (ESC sequences
// move the cursor or rewrite the window title, BEL rings) and bidirectional
// overrides reorder what a reader sees.
package textsafe

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Line returns s with every character that is not printable text written
// as a visible escape: ESC as \x1b, BEL as \a, invalid UTF-8 bytes as
// \xff, bidirectional controls and other format characters as \u202e, and
// line breaks and tabs as \n, \r and \t, so that the result stays on one
// line. A backslash is left alone. Text that needs nothing is returned as
// is.
func Line(s string) string {
	if clean(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\a':
			b.WriteString(`\a`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafe(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func clean(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f {
			return false
		}
		if c >= utf8.RuneSelf {
			for _, r := range s[i:] {
				if r == utf8.RuneError || r < 0x20 || r == 0x7f || unsafe(r) {
					return false
				}
			}
			return utf8.ValidString(s[i:])
		}
	}
	return true
}

// unsafe reports the non-ASCII characters a terminal acts on or that
// change how text reads: C1 controls (0x9b starts a sequence on some
// terminals), bidirectional embeddings, overrides and isolates, zero-width
// and other format characters, and line and paragraph separators.
func unsafe(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x200b && r <= 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x2028 || r == 0x2029 || r == 0x061c || r == 0xfeff:
		return true
	}
	return false
}

// markdownSpecial are the characters that would end a Markdown table cell
// or start markup (HTML, code, emphasis, links), written escaped.
var markdownSpecial = strings.NewReplacer(`\`, `\\`, "|", `\|`, "<", "&lt;", ">", "&gt;", "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`)

// MarkdownCell returns untrusted text as it may stand in a Markdown table
// cell or list item: on one line (white space runs collapsed), with
// control characters escaped as Line does, and nothing a renderer would
// read as a column break, HTML or markup.
func MarkdownCell(s string) string {
	return markdownSpecial.Replace(Line(strings.Join(strings.Fields(s), " ")))
}
