// Package english writes the small pieces of English that aiguard's
// summaries share, the same way everywhere.
package english

import "strconv"

// Count writes a count with its noun, plural when the count is not one:
// "1 team", "0 teams", "3 conformance packs". The plural adds an s.
func Count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// Plural returns one when n is 1, else many, for the nouns and phrases
// whose plural is not an added s: Plural(n, "item is", "items are").
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
