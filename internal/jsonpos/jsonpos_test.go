package jsonpos

import (
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	res, err := Parse([]byte("{\n  \"a\": [1, \"é\", true],\n  \"a\": null\n}"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	root := res.Root
	if root.Kind != Object || len(root.Members) != 2 || root.Members[1].Name != "a" {
		t.Fatalf("duplicates must both be kept: %+v", root)
	}
	arr := root.Get("a").Val
	if arr.Kind != Array || len(arr.Elems) != 3 || arr.Elems[1].Text != "é" {
		t.Errorf("array %+v", arr)
	}
	lines := NewLines([]byte("{\n  \"a\": [1, \"é\", true],\n  \"a\": null\n}"))
	if l, c := lines.Pos(arr.Elems[2].Off); l != 2 || c != 17 {
		t.Errorf("true at %d:%d, want 2:17 (columns in characters)", l, c)
	}
}

func TestTolerant(t *testing.T) {
	doc := []byte("\xef\xbb\xbf{\"a\": [1, 2,], }")
	if _, err := Parse(doc, Options{}); err == nil {
		t.Fatal("strict mode accepted a BOM and trailing commas")
	}
	res, err := Parse(doc, Options{Tolerant: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) != 3 || string(Without(doc, res.Skip)) != `{"a": [1, 2] }` {
		t.Errorf("problems %v, repaired %q", res.Problems, Without(doc, res.Skip))
	}
}

func TestDepthAndErrors(t *testing.T) {
	_, err := Parse([]byte(strings.Repeat("[", 20)+strings.Repeat("]", 20)), Options{MaxDepth: 10})
	var se *SyntaxError
	if !errors.As(err, &se) || !strings.Contains(se.Msg, "nested more than 10") {
		t.Errorf("depth: %v", err)
	}
	for _, doc := range []string{"", "{", `{"a" 1}`, `[1 2]`, `"\x01"`, `01`, `{"a":1} x`, `"\ud800"x`} {
		if _, err := Parse([]byte(doc), Options{}); err == nil {
			t.Errorf("%q accepted", doc)
		}
	}
}
