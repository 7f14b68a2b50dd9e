package rules

import (
	"strings"
	"unicode/utf8"
)

// MaxAnnotation is PutEvaluations' limit on an annotation, in characters.
const MaxAnnotation = 256

const ellipsis = "…"

// Annotation normalises an annotation for PutEvaluations: invalid UTF-8 is
// replaced, whitespace runs collapse to one space, and text over MaxAnnotation characters is cut at a
// rune boundary and ends with an ellipsis, so the result never exceeds the
// limit and never splits a character.
func Annotation(s string) string {
	s = strings.Join(strings.Fields(strings.ToValidUTF8(s, "\uFFFD")), " ")
	if utf8.RuneCountInString(s) <= MaxAnnotation {
		return s
	}
	// Keep MaxAnnotation-1 runes, then the ellipsis.
	n := 0
	for i := range s {
		if n == MaxAnnotation-1 {
			return strings.TrimRight(s[:i], " ") + ellipsis
		}
		n++
	}
	return s
}
