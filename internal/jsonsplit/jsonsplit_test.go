package jsonsplit

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

var errBig = errors.New("too large")

// mode is how a test walks its input.
type mode int

const (
	objectArrays mode = iota
	array
	lines
	stream
)

// collect runs a splitter over in, one byte per read so that every value
// crosses buffer refills, and returns the elements (their data copied).
func collect(in string, m mode, oneByte bool, watch ...string) ([]Element, error) {
	var r io.Reader = strings.NewReader(in)
	if oneByte {
		r = iotest.OneByteReader(r)
	}
	sp := New(r, 1<<20, errBig)
	sp.Watch(true, watch...)
	var got []Element
	emit := func(el Element) error {
		if el.Data != nil {
			el.Data = append([]byte(nil), el.Data...)
		}
		got = append(got, el)
		return nil
	}
	var err error
	switch m {
	case objectArrays:
		err = sp.ObjectArrays(func(k string) bool { return k == "items" }, func(_ string, el Element) error { return emit(el) })
	case array:
		if err = sp.Array(emit); err == nil {
			err = sp.Trailing()
		}
	case lines:
		err = sp.Lines(emit)
	case stream:
		err = sp.Stream(emit)
	}
	return got, err
}

func TestSplitter(t *testing.T) {
	for _, tc := range []struct {
		name string
		mode mode
		in   string
		want []string // element data, or "!error" for a skipped element
		err  string   // a break in the structure
	}{
		{"object arrays", objectArrays, `{"a":{"items":[1]},"items":[{"x":"]}\"["},{"y":[1,{"z":null}]}],"b":"}"}`,
			[]string{`{"x":"]}\"["}`, `{"y":[1,{"z":null}]}`}, ""},
		{"escaped key", objectArrays, `{"it\u0065ms":[2]}`, []string{`2`}, ""},
		{"escapes", array, `[{"s":"a\\"},{"t":"\\\"}"}]`, []string{`{"s":"a\\"}`, `{"t":"\\\"}"}`}, ""},
		{"scalars", array, `[1, "two" ,null]`, []string{`1`, `"two"`, `null`}, ""},
		{"empty array", array, ` [ ] `, nil, ""},
		{"lines", lines, "{\"a\":1}\r\n\n  {\"b\":2\n{\"c\":3}", []string{`{"a":1}`, `{"b":2`, `{"c":3}`}, ""},
		{"stream", stream, "{\n\"a\": 1\n}\n{\"b\":\n2}", []string{"{\n\"a\": 1\n}", "{\"b\":\n2}"}, ""},
		{"stray line in a stream", stream, "{\"a\":1}\nnot json at all\n{\"b\":2}", []string{`{"a":1}`, `not json at all`, `{"b":2}`}, ""},
		{"mismatched", array, `[{"a":[1}]`, nil, "mismatched"},
		{"truncated", objectArrays, `{"items":[{"a":1},{"b":`, []string{`{"a":1}`}, "unexpected end of input"},
		{"missing comma", array, `[{"a":1} {"b":2}]`, []string{`{"a":1}`}, "want ',' or ']'"},
		{"trailing garbage", objectArrays, `{"items":[]} x`, nil, "unexpected data"},
		{"too deep", array, "[" + strings.Repeat("[", MaxDepth+1), nil, "nested more than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, oneByte := range []bool{false, true} {
				got, err := collect(tc.in, tc.mode, oneByte)
				if tc.err == "" && err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
					t.Fatalf("error = %v, want one containing %q", err, tc.err)
				}
				var data []string
				for _, el := range got {
					if el.Err != nil {
						data = append(data, "!error")
					} else {
						data = append(data, string(el.Data))
					}
				}
				if strings.Join(data, "|") != strings.Join(tc.want, "|") {
					t.Errorf("elements = %q, want %q", data, tc.want)
				}
			}
		})
	}
}

func TestPositions(t *testing.T) {
	got, err := collect("[\n{\"a\":1},\n\n  {\"b\":2}]", array, true)
	if err != nil || len(got) != 2 {
		t.Fatalf("%v %v", got, err)
	}
	if got[0].Line != 2 || got[0].Offset != 2 || got[1].Line != 4 || got[1].Offset != 14 || got[1].Index != 1 {
		t.Errorf("positions %+v %+v", got[0], got[1])
	}
	got, _ = collect("{\"a\":1}\n\n{\"b\":2}\n", lines, false)
	if len(got) != 2 || got[1].Index != 3 || got[1].Line != 3 {
		t.Errorf("lines %+v", got)
	}
}

func TestTooLarge(t *testing.T) {
	const limit = 1 << 16
	big := `{"s":"` + strings.Repeat("x", limit) + `"}`
	for _, m := range []mode{array, lines} {
		in := "[" + big + `,{"ok":1}]`
		if m == lines {
			in = big + "\n" + `{"ok":1}` + "\n"
		}
		sp := New(strings.NewReader(in), limit, errBig)
		var got []string
		emit := func(el Element) error {
			if el.Err != nil {
				got = append(got, el.Err.Error())
			} else {
				got = append(got, string(el.Data))
			}
			return nil
		}
		var err error
		if m == array {
			err = sp.Array(emit)
		} else {
			err = sp.Lines(emit)
		}
		if err != nil {
			t.Fatalf("%d: %v", m, err)
		}
		if len(got) != 2 || got[0] != errBig.Error() || got[1] != `{"ok":1}` {
			t.Errorf("%d: got %.200q", m, got)
		}
		if len(sp.buf) > limit {
			t.Errorf("%d: buffer grew to %d bytes, more than %d", m, len(sp.buf), limit)
		}
	}
}

// TestEndsInEscape is a regression test: input ending right after a
// backslash inside a string used to loop for ever.
func TestEndsInEscape(t *testing.T) {
	for _, in := range []string{`[{"a":"x\`, `[{"a":"\`, `["\`} {
		done := make(chan error, 1)
		go func() {
			_, err := collect(in, array, true)
			done <- err
		}()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "unexpected end of input") {
				t.Errorf("%q: error %v, want unexpected end of input", in, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%q: the splitter does not stop", in)
		}
	}
}

// TestWatch checks the members the splitter notes, with which readers pass
// over records without copying them: only a top-level member (in any case,
// with fold) with a string value; never a nested one, a value that reads
// like the key, or one given twice, which the decoder must judge.
func TestWatch(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string // per watched key; "?" for unknown (given twice)
	}{
		{`{"resourceType":"AWS::EC2::Volume","eventName":"Get"}`, []string{"AWS::EC2::Volume", "Get"}},
		{`{"configuration":{"resourceType":"AWS::X::Y"}, "ResourceType" : "AWS::EC2::Volume"}`, []string{"AWS::EC2::Volume", ""}},
		{`{"configuration":{"resourceType":"AWS::X::Y"}}`, []string{"", ""}},
		{`{"resourceName":"resourceType","x":1}`, []string{"", ""}},
		{`{"resourceType":"AWS::EC2::\u0056olume"}`, []string{`AWS::EC2::\u0056olume`, ""}},
		{`{"resourceType":null,"eventName":["Get"]}`, []string{"", ""}},
		{`{"resourceType":{"eventName":"x"},"eventName":"y"}`, []string{"", "y"}},
		{`{"resourceType":"AWS::S3::Bucket","resourceType":"AWS::EC2::Volume"}`, []string{"?", ""}},
	} {
		for _, oneByte := range []bool{false, true} {
			got, err := collect("["+tc.in+"]", array, oneByte, "resourceType", "eventName")
			if err != nil || len(got) != 1 || string(got[0].Data) != tc.in {
				t.Fatalf("%s: %v %v", tc.in, got, err)
			}
			for i, want := range tc.want {
				v, ok := got[0].Fields.Get(got[0].Data, i)
				switch {
				case want == "?":
					if got[0].Fields[i] != [2]int{-1, -1} {
						t.Errorf("%s: field %d is %q, want it unknown", tc.in, i, v)
					}
				case (want == "") == ok || string(v) != want:
					t.Errorf("%s (one byte a read: %v): field %d = %q, want %q", tc.in, oneByte, i, v, want)
				}
			}
		}
	}
}

func TestTopLevelKeys(t *testing.T) {
	keys, end, err := TopLevelKeys([]byte(` {"a":1,"b\u0063":{"x":[1,"]"]},"d":"}"} tail`))
	if err != nil || strings.Join(keys, ",") != "a,bc,d" || end != 40 {
		t.Errorf("%q %d %v", keys, end, err)
	}
	keys, end, err = TopLevelKeys([]byte(`{"a":1,"b":[`))
	if err != nil || strings.Join(keys, ",") != "a,b" || end != -1 {
		t.Errorf("cut short: %q %d %v", keys, end, err)
	}
	if _, _, err := TopLevelKeys([]byte(`[1]`)); err == nil {
		t.Error("an array was read as an object")
	}
}
