package jsonfast

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/bits"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// reference decodes data as encoding/json does into an any, except that a
// number beyond float64's range stays a json.Number, as in this package.
func reference(data []byte) (any, error) {
	if !json.Valid(data) {
		var x any
		return nil, json.Unmarshal(data, &x) // for encoding/json's message
	}
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return floats(v), nil
}

// floats turns every json.Number that fits a float64 into one.
func floats(v any) any {
	switch x := v.(type) {
	case json.Number:
		if f, err := strconv.ParseFloat(string(x), 64); err == nil {
			return f
		}
	case map[string]any:
		for k, e := range x {
			x[k] = floats(e)
		}
	case []any:
		for i, e := range x {
			x[i] = floats(e)
		}
	}
	return v
}

// compare checks Unmarshal against encoding/json on data: the same value,
// or errors with the same message.
func compare(t *testing.T, data []byte) {
	t.Helper()
	in := data
	if len(in) > 80 { // keep messages short
		in = append(in[:80:80], "…"...)
	}
	want, wantErr := reference(data)
	got, err := Unmarshal(data)
	if valid := Valid(string(data)); valid != (wantErr == nil) {
		t.Fatalf("Valid(%q) = %v, encoding/json says %v", in, valid, wantErr)
	}
	switch {
	case wantErr != nil && err == nil:
		t.Fatalf("Unmarshal(%q) = %v, want the error %v", in, got, wantErr)
	case wantErr == nil && err != nil:
		t.Fatalf("Unmarshal(%q): %v, want %v", in, err, want)
	case err != nil:
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Fatalf("Unmarshal(%q): error %T, want a *SyntaxError", in, err)
		}
		if err.Error() != wantErr.Error() {
			t.Fatalf("Unmarshal(%q): error %q, encoding/json says %q", in, err, wantErr)
		}
	case !reflect.DeepEqual(got, want):
		t.Fatalf("Unmarshal(%q) =\n%#v\nwant\n%#v", in, got, want)
	}
	// The compact form holds the same value, and fails the same way.
	compact, cerr := UnmarshalCompact(string(data), false)
	switch {
	case (cerr == nil) != (err == nil) || (cerr != nil && cerr.Error() != err.Error()):
		t.Fatalf("UnmarshalCompact(%q): error %v, Unmarshal's %v", in, cerr, err)
	case cerr == nil && !reflect.DeepEqual(Plain(compact), want):
		t.Fatalf("UnmarshalCompact(%q) =\n%#v\nwant\n%#v", in, Plain(compact), want)
	}
	// With unique keys, both forms refuse the same repeated key.
	_, uerr := unmarshal(string(data), true, false)
	_, cuerr := UnmarshalCompact(string(data), true)
	if (uerr == nil) != (cuerr == nil) || (uerr != nil && uerr.Error() != cuerr.Error()) {
		t.Fatalf("unique keys, %q: map form %v, compact form %v", in, uerr, cuerr)
	}
}

var samples = []string{
	`null`, `true`, `false`, `0`, `-0`, `1`, `-1`, `123456789012345`, `1234567890123456`,
	`12345678901234567890123`, `1.5`, `-1.5e10`, `1E+2`, `1e-400`, `1e400`, `-1e999`,
	`0.1`, `9007199254740993`, `""`, `"a"`, `"a\"b\\c\/d\be\ff\ng\rh\ti"`, `"\u00e9\u20AC"`,
	`"\ud83d\ude00"`, `"\ud800"`, `"\ud800x"`, `"\ud800\u0041"`, `"\udc00\ud800"`, `"\ud800\ud800\udc00"`,
	"\"\xff\"", "\"a\xc3\"", "\"\xc3\xa9\"", "\"\xed\xa0\x80\"", `"日本"`,
	`[]`, `[1,2,3]`, `[[],{}]`, `{}`, `{"a":1}`, `{"a":1,"a":2}`, `{"a":1,"b":2,"a":3,"b":{"c":1,"c":2}}`,
	`{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":10,"k11":11,"k12":12,"k13":13,"k14":14,"k15":15,"k16":16,"k3":[{"x":1,"x":{}}]}`, `{"a":{"b":[null,true,"x"]}}`,
	` {"a" : [ 1 , 2 ] } `, "\t\n\r[1]\n",
	// Errors.
	``, ` `, `{`, `[`, `"`, `"abc`, `{"a"`, `{"a":`, `{"a":1`, `{"a":1,`, `[1,`, `[1`, `tru`, `nul`,
	`x`, `{a:1}`, `{"a" 1}`, `{"a":1 "b":2}`, `[1 2]`, `[1,]`, `{"a":1,}`, `01`, `-`, `-a`, `1.`, `1.e5`,
	`1e`, `1e+`, `.5`, `+1`, `trUe`, `nulL`, `"\x"`, `"\u12G4"`, `"\u12"`, "\"\x01\"", `{} {}`, `1 2`,
	`[1]]`, `"a"x`, `{"a":1}}`, `[-]`, `'a'`, `{"\u"}`, "\"\\",
}

func TestUnmarshalMatchesEncodingJSON(t *testing.T) {
	for _, s := range samples {
		t.Run(s, func(t *testing.T) { compare(t, []byte(s)) })
	}
}

func TestNumbers(t *testing.T) {
	for in, want := range map[string]any{
		`1e400`:                   json.Number("1e400"),
		`-1e999`:                  json.Number("-1e999"),
		`1e-400`:                  0.0,
		`123456789012345`:         123456789012345.0,
		`12345678901234567890123`: 12345678901234567890123.0,
		`-0.5`:                    -0.5,
	} {
		got, err := UnmarshalString(in)
		if err != nil || got != want {
			t.Errorf("UnmarshalString(%q) = %#v, %v; want %#v", in, got, err, want)
		}
	}
}

// TestDepth checks the nesting bound: MaxDepth levels decode, one more does
// not, and neither skipping nor decoding overflows the stack.
func TestDepth(t *testing.T) {
	for _, open := range []string{"[", `{"a":`} {
		closer := map[string]string{"[": "]", `{"a":`: "}"}[open]
		ok := strings.Repeat(open, MaxDepth) + "1" + strings.Repeat(closer, MaxDepth)
		if _, err := UnmarshalString(ok); err != nil {
			t.Errorf("%d levels: %v", MaxDepth, err)
		}
		deep := strings.Repeat(open, MaxDepth+1) + "1" + strings.Repeat(closer, MaxDepth+1)
		if _, err := UnmarshalString(deep); err == nil || !strings.Contains(err.Error(), "exceeded max depth") {
			t.Errorf("%d levels: error %v", MaxDepth+1, err)
		}
		if Valid(deep) {
			t.Errorf("%d levels: Valid", MaxDepth+1)
		}
		compare(t, []byte(deep))
	}
}

// TestSharesInput checks that plain strings are slices of the input, so
// that they cost no allocation, while escaped ones are copies.
func TestSharesInput(t *testing.T) {
	// Where the string points says it: allocation counts alone would pass a
	// copy whenever the Decoder itself stays on the stack.
	for _, tc := range []struct {
		in, want string
		shared   bool
	}{
		{`"plain text é"`, "plain text é", true},
		{`"line\nbreak"`, "line\nbreak", false},
	} {
		s, err := NewDecoder(tc.in).StringValue()
		if err != nil || s != tc.want {
			t.Fatalf("StringValue(%s) = %q, %v", tc.in, s, err)
		}
		if shared := unsafe.StringData(s) == unsafe.StringData(tc.in[1:]); shared != tc.shared {
			t.Errorf("StringValue(%s) shares the input: %v, want %v", tc.in, shared, tc.shared)
		}
	}
	allocs := testing.AllocsPerRun(100, func() {
		d := NewDecoder(`"plain text é"`)
		if s, err := d.StringValue(); err != nil || s != "plain text é" {
			t.Fatalf("String = %q, %v", s, err)
		}
	})
	if allocs > 1 { // the Decoder itself
		t.Errorf("%v allocations for a plain string", allocs)
	}
}

func TestDecoderWalk(t *testing.T) {
	d := NewDecoder(` {"skip": {"x": [1, "\u0041", null]}, "n": 1.5e3, "s": "v", "l": [1, 2], "z": null} `)
	var got []string
	err := d.Object(func(key string) error {
		switch key {
		case "n":
			n, err := d.Number()
			got = append(got, "n="+n)
			return err
		case "s":
			s, err := d.StringValue()
			got = append(got, "s="+s)
			return err
		case "l":
			return d.Array(func() error {
				v, err := d.Value()
				got = append(got, "l="+strconv.FormatFloat(v.(float64), 'f', -1, 64))
				return err
			})
		case "z":
			if !d.Null() {
				t.Error("z is not null")
			}
			return nil
		}
		return d.Skip()
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.End(); err != nil {
		t.Fatal(err)
	}
	if want := "n=1.5e3 s=v l=1 l=2"; strings.Join(got, " ") != want {
		t.Errorf("got %q, want %q", strings.Join(got, " "), want)
	}
	d.Reset(`[1] x`)
	if err := d.Skip(); err != nil {
		t.Fatal(err)
	}
	if err := d.End(); err == nil || err.Error() != "invalid character 'x' after top-level value" {
		t.Errorf("End: %v", err)
	}
}

// FuzzUnmarshal checks Unmarshal and Valid against encoding/json.
//
//	go test ./internal/jsonfast -run '^$' -fuzz '^FuzzUnmarshal$' -fuzztime 1m
func FuzzUnmarshal(f *testing.F) {
	for _, s := range samples {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { compare(t, data) })
}

// TestSpecial8 checks the eight-byte test against the byte-by-byte one.
func TestSpecial8(t *testing.T) {
	base := []byte("abcdefgh")
	for pos := 0; pos < 8; pos++ {
		for c := 0; c < 256; c++ {
			b := append([]byte(nil), base...)
			b[pos] = byte(c)
			want := !plain[c]
			if got := special8(word8(string(b), 0)) != 0; got != want {
				t.Errorf("special8 with %#x at %d = %v, want %v", c, pos, got, want)
			}
		}
	}
	// Mixtures, which the borrows between bytes could confuse.
	interesting := []byte{0, 1, 0x1f, 0x20, 0x21, '"', 0x23, 0x5b, '\\', 0x5d, 0x7f, 0x80, 0xc3, 0xff, 'a'}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		var b [8]byte
		want, first := false, 8
		for i := range b {
			b[i] = interesting[r.IntN(len(interesting))]
			if !plain[b[i]] && !want {
				want, first = true, i
			}
		}
		m := special8(word8(string(b[:]), 0))
		if got := m != 0; got != want {
			t.Fatalf("special8(%q) = %v, want %v", b, got, want)
		}
		// The lowest mark is the first byte to look at: plainRun stops there.
		if want && bits.TrailingZeros64(m)>>3 != first {
			t.Fatalf("special8(%q) marks byte %d first, want %d", b, bits.TrailingZeros64(m)>>3, first)
		}
		s := string(b[:]) + string(b[:r.IntN(8)])
		naive := 0
		for naive < len(s) && plain[s[naive]] {
			naive++
		}
		if got := plainRun(s, 0); got != naive {
			t.Fatalf("plainRun(%q) = %d, want %d", s, got, naive)
		}
	}
}
