package jsonsplit

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
	"testing/iotest"
)

// FuzzSplit: no input makes the splitter panic or loop, and on a valid
// JSON array it finds exactly the elements encoding/json finds, byte for
// byte, whatever the reads' sizes.
//
//	go test ./internal/jsonsplit -run '^$' -fuzz '^FuzzSplit$' -fuzztime 1m
func FuzzSplit(f *testing.F) {
	for _, s := range []string{`[]`, `[1,"a",{"b":[2,{"c":"]"}]},null]`, `[{"resourceType":"AWS::X::Y","k":"\"}"}]`,
		`{"items":[{"a":1}],"x":[`, `["\`, `[[[[`, "[\"\\u00e9\",\n true ]", `{"a":1}{"b":2}`, "x\n{}\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, oneByte := range []bool{false, true} {
			var r = bytes.NewReader(data)
			sp := New(r, 1<<16, errBig)
			if oneByte {
				sp = New(iotest.OneByteReader(bytes.NewReader(data)), 1<<16, errBig)
			}
			sp.Watch(true, "resourceType", "eventName")
			var got []json.RawMessage
			err := sp.Array(func(el Element) error {
				if el.Err == nil {
					got = append(got, append(json.RawMessage(nil), el.Data...))
				}
				return nil
			})
			if err == nil {
				err = sp.Trailing()
			}
			var want []json.RawMessage
			if json.Unmarshal(data, &want) != nil || len(data) > 1<<16 {
				continue // not a valid array (or too large a value): only no panic is asked
			}
			if err != nil {
				t.Fatalf("a valid array: %v", err)
			}
			if len(got) != len(want) {
				t.Fatalf("%d elements, encoding/json finds %d", len(got), len(want))
			}
			for i := range want {
				if !bytes.Equal(got[i], bytes.TrimSpace(want[i])) {
					t.Fatalf("element %d: %q, want %q", i, got[i], want[i])
				}
			}
		}
		// The other walks must not panic either.
		for _, walk := range []func(*Splitter) error{
			func(s *Splitter) error {
				return s.ObjectArrays(func(string) bool { return true }, func(string, Element) error { return nil })
			},
			func(s *Splitter) error { return s.Stream(func(Element) error { return nil }) },
			func(s *Splitter) error { return s.Lines(func(Element) error { return nil }) },
		} {
			if err := walk(New(bytes.NewReader(data), 1<<16, errBig)); errors.Is(err, errBig) {
				t.Fatal("the too-large error is an element's, never a break")
			}
		}
	})
}
