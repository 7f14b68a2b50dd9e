package rules

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxAnnotation is PutEvaluations' limit on an annotation, in characters.
const MaxAnnotation = 256

const ellipsis = "…"

// Annotation normalises an annotation for PutEvaluations: invalid UTF-8 is
// replaced, control characters become spaces, whitespace runs collapse to one
// space, and text over MaxAnnotation characters is cut at a rune boundary and
// ends with an ellipsis, so the result never exceeds the limit and never
// splits a character.
//
// A character outside the Basic Multilingual Plane counts twice: services
// written in Java measure strings in UTF-16 code units, and counting that way
// keeps the result within the limit under either measure.
func Annotation(s string) string {
	if isCleanAnnotation(s) {
		return s // the common case: a short, tidy sentence, returned without copying
	}
	s = strings.Join(strings.FieldsFunc(strings.ToValidUTF8(s, "\uFFFD"), isAnnotationSpace), " ")
	if annotationLen(s) <= MaxAnnotation {
		return s
	}
	// Keep what fits in MaxAnnotation-1 units, then the one-unit ellipsis.
	n := 0
	for i, r := range s {
		n += runeUnits(r)
		if n > MaxAnnotation-1 {
			return strings.TrimRight(s[:i], " ") + ellipsis
		}
	}
	return s
}

// isCleanAnnotation reports whether s is already normalised: valid UTF-8,
// within the limit, with single ASCII spaces only between words.
func isCleanAnnotation(s string) bool {
	// Within MaxAnnotation bytes, the text is within MaxAnnotation runes and
	// UTF-16 units too; longer text may still fit, and takes the slow path.
	if len(s) > MaxAnnotation || s == "" {
		return s == ""
	}
	if printableASCII(s) {
		// Every evaluation's annotation passes here, eight bytes at a time.
		return s[0] != ' ' && s[len(s)-1] != ' '
	}
	prevSpace := true // a leading space is not clean
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf { // ASCII, the common case, without decoding
			switch {
			case c == ' ':
				if prevSpace {
					return false
				}
				prevSpace = true
			case c < ' ' || c == 0x7f:
				return false // control characters, tabs and newlines
			default:
				prevSpace = false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || isAnnotationSpace(r) {
			return false
		}
		prevSpace = false
		i += size
	}
	return !prevSpace
}

// printableASCII reports whether s holds only the bytes 0x20 to 0x7e, and
// no two spaces in a row. A word has a byte below 0x20 exactly when
// (x - 0x20…20) &^ x has a high bit set, one at or above 0x7f when
// x + 0x01…01 has one (x &^ highs keeps the addition from carrying between
// bytes), and one at or above 0x80 when x does. Its spaces are the high bits
// of spaces(x), the last byte of one word and the first of the next
// checked together.
func printableASCII(s string) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	i := 0
	prev := uint64(0) // the high bit of the last byte of the previous word, moved to bit 0's byte
	for ; i+8 <= len(s); i += 8 {
		x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		if ((x-ones*0x20)&^x|(x&^highs+ones)|x)&highs != 0 {
			return false
		}
		sp := spaces(x)
		if (sp<<8|prev)&sp != 0 {
			return false
		}
		prev = sp >> 56
	}
	last := prev != 0
	for ; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || c == ' ' && last {
			return false
		}
		last = c == ' '
	}
	return true
}

// spaces returns x's spaces as the high bits of their bytes, exactly (x's
// bytes are below 0x80): a byte of y = x ^ 0x20…20 is zero at a space, and
// (y + 0x7f…7f) | y has its high bit clear exactly at the zero bytes.
func spaces(x uint64) uint64 {
	const highs = 0x8080808080808080
	y := x ^ 0x2020202020202020
	return ^(y + 0x7f7f7f7f7f7f7f7f | y) & highs
}

func isAnnotationSpace(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }

// annotationLen is the length of s in UTF-16 code units.
func annotationLen(s string) int {
	n := 0
	for _, r := range s {
		n += runeUnits(r)
	}
	return n
}

func runeUnits(r rune) int {
	if r > 0xFFFF {
		return 2
	}
	return 1
}
