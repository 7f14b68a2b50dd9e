package jsonfast

import (
	"strings"
	"unicode/utf8"
)

// Describe names the kind of the JSON value that b holds (after white
// space), for a message about input of the wrong kind: "an object", "an
// array", "a string", "a boolean", "null", "a number", "nothing", or "text
// that is not JSON".
func Describe(b []byte) string {
	for i, c := range b {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return DescribeByte(b[i])
	}
	return "nothing"
}

// DescribeByte is Describe for a value that starts with c; 0 is nothing.
func DescribeByte(c byte) string {
	switch c {
	case 0:
		return "nothing"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return "a number"
	}
	return "text that is not JSON"
}

// Excerpt shortens input quoted in a message to about 40 bytes, cutting at
// a rune boundary (and marking the cut with an ellipsis), with invalid
// UTF-8 replaced.
func Excerpt(s string) string {
	const n = 40
	if len(s) > n {
		cut := n
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}
