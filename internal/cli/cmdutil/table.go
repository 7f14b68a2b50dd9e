package cmdutil

import (
	"io"
	"strings"
	"unicode/utf8"

	"github.com/aiguard/aiguard/internal/textsafe"
)

// Table lays out rows in aligned columns for a terminal. Cells are made
// safe to print (control characters escaped, one line each) and may be
// coloured: widths count what is visible, not colour codes.
type Table struct {
	Header []string
	rows   [][]Cell
	// MaxWidth, when positive, bounds the last column so that a line is at
	// most this wide; longer text wraps onto continuation lines.
	MaxWidth int
}

// Cell is one cell: its text and an optional colouring.
type Cell struct {
	Text  string
	Paint func(string) string
}

// Plain makes cells of texts.
func Plain(texts ...string) []Cell {
	out := make([]Cell, len(texts))
	for i, t := range texts {
		out[i] = Cell{Text: t}
	}
	return out
}

// Add appends a row.
func (t *Table) Add(cells ...Cell) { t.rows = append(t.rows, cells) }

// Len is the number of rows.
func (t *Table) Len() int { return len(t.rows) }

// Write prints the table: columns two spaces apart, no trailing blanks.
func (t *Table) Write(w io.Writer, p Palette) error {
	n := len(t.Header)
	for _, r := range t.rows {
		n = max(n, len(r))
	}
	rows := make([][]Cell, 0, len(t.rows)+1)
	if len(t.Header) > 0 {
		h := make([]Cell, len(t.Header))
		for i, s := range t.Header {
			h[i] = Cell{Text: s, Paint: p.Bold}
		}
		rows = append(rows, h)
	}
	rows = append(rows, t.rows...)
	width := make([]int, n)
	for _, r := range rows {
		for i, c := range r {
			if i < n-1 {
				width[i] = max(width[i], utf8.RuneCountInString(cellText(c.Text)))
			}
		}
	}
	lead := 0
	for _, wd := range width[:max(n-1, 0)] {
		lead += wd + 2
	}
	var b strings.Builder
	for _, r := range rows {
		for i := 0; i < n; i++ {
			var c Cell
			if i < len(r) {
				c = r[i]
			}
			text := cellText(c.Text)
			if i == n-1 {
				chunks := wrap(text, t.MaxWidth-lead)
				for j, ch := range chunks {
					if j > 0 {
						b.WriteString("\n" + strings.Repeat(" ", lead))
					}
					b.WriteString(paint(c, ch))
				}
				continue
			}
			b.WriteString(paint(c, text))
			b.WriteString(strings.Repeat(" ", width[i]-utf8.RuneCountInString(text)+2))
		}
		line := strings.TrimRight(b.String(), " ")
		b.Reset()
		if _, err := io.WriteString(w, line+"\n"); err != nil {
			return err
		}
	}
	return nil
}

func paint(c Cell, s string) string {
	if c.Paint == nil {
		return s
	}
	return c.Paint(s)
}

// cellText keeps a cell on one line and safe to print.
func cellText(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "-"
	}
	return textsafe.Line(s)
}

// wrap splits s into lines of at most n characters at spaces (a word
// longer than n stays whole); n below 20 does not wrap.
func wrap(s string, n int) []string {
	if n < 20 || utf8.RuneCountInString(s) <= n {
		return []string{s}
	}
	var out []string
	var line []string
	length := 0
	for _, w := range strings.Fields(s) {
		wl := utf8.RuneCountInString(w)
		if length > 0 && length+1+wl > n {
			out = append(out, strings.Join(line, " "))
			line, length = nil, 0
		}
		if length > 0 {
			length++
		}
		line = append(line, w)
		length += wl
	}
	if len(line) > 0 {
		out = append(out, strings.Join(line, " "))
	}
	return out
}
