package jsonsplit

import (
	"bytes"
	"errors"
	"fmt"
)

// TopLevelKeys lists the keys of the JSON object that b starts with (after
// white space), and the offset just past its closing brace (-1 when b ends
// first), for a reader that recognises its input by them. It checks only
// what it needs to find the keys; err is a syntax error before b ends.
func TopLevelKeys(b []byte) (keys []string, end int, err error) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return nil, -1, errors.New("want a JSON object")
	}
	i++
	for {
		i = skipSpace(b, i)
		if i >= len(b) {
			return keys, -1, nil
		}
		switch b[i] {
		case '}':
			return keys, i + 1, nil
		case ',':
			i++
			continue
		case '"':
		default:
			return keys, -1, fmt.Errorf("invalid JSON at byte %d", i)
		}
		j, ok := stringEnd(b, i)
		if !ok {
			return keys, -1, nil
		}
		keys = append(keys, UnquoteKey(b[i:j]))
		i = skipSpace(b, j)
		if i >= len(b) {
			return keys, -1, nil
		}
		if b[i] != ':' {
			return keys, -1, fmt.Errorf("invalid JSON at byte %d: want ':'", i)
		}
		i = skipSpace(b, i+1)
		j, ok = valueEnd(b, i)
		if !ok {
			return keys, -1, nil
		}
		i = j
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\r', '\n':
			i++
		default:
			return i
		}
	}
	return i
}

// stringEnd returns the offset past the JSON string starting at b[i] ('"').
func stringEnd(b []byte, i int) (int, bool) {
	for j := i + 1; j < len(b); {
		k := bytes.IndexByte(b[j:], '"')
		if k < 0 {
			return 0, false
		}
		q := j + k
		bs := 0
		for p := q - 1; p > i && b[p] == '\\'; p-- {
			bs++
		}
		if bs%2 == 0 {
			return q + 1, true
		}
		j = q + 1
	}
	return 0, false
}

// valueEnd returns the offset past the JSON value starting at b[i], by
// matching brackets; it does not validate the value.
func valueEnd(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch b[i] {
	case '"':
		return stringEnd(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				e, ok := stringEnd(b, j)
				if !ok {
					return 0, false
				}
				j = e - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, true
				}
			}
		}
		return 0, false
	}
	for j := i; j < len(b); j++ {
		switch b[j] {
		case ',', '}', ']', ' ', '\t', '\r', '\n':
			return j, true
		}
	}
	return 0, false
}
