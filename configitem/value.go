package configitem

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Value is a node inside a CI's configuration or supplementary configuration.
// Lookups never fail: a missing field gives a Value for which Exists reports
// false, so rules chain lookups and test once at the end.
//
// Lookups are tolerant of the ways Config spells the same thing: a field
// name matches its PascalCase and camelCase forms (and, failing that, any
// case), a string that holds JSON is decoded when a lookup descends into it,
// and the scalar accessors accept "true" for true and "3" for 3.
type Value struct {
	v  any
	ok bool
}

// ValueOf wraps an already-decoded JSON value (as encoding/json produces
// into an any).
func ValueOf(v any) Value { return Value{v: v, ok: true} }

// Exists reports whether the field is present, even if its value is null.
func (v Value) Exists() bool { return v.ok }

// IsNull reports whether the field is present with the value null.
func (v Value) IsNull() bool { return v.ok && v.v == nil }

// Present reports whether the field is present and carries something: not
// null, not an empty string, not an empty list or object.
func (v Value) Present() bool {
	if !v.ok || v.v == nil {
		return false
	}
	switch x := v.v.(type) {
	case string:
		return strings.TrimSpace(x) != ""
	case []any:
		return len(x) > 0
	case map[string]any:
		return len(x) > 0
	}
	return true
}

// Raw returns the decoded JSON value (nil when missing or null).
func (v Value) Raw() any { return v.v }

// Field returns the named field of an object. The name matches exactly,
// then with its first letter's case flipped, then case-insensitively.
func (v Value) Field(name string) Value {
	m, ok := v.decodeEmbedded().v.(map[string]any)
	if !ok {
		return Value{}
	}
	if x, ok := m[name]; ok {
		return Value{v: x, ok: true}
	}
	if alt := flipFirst(name); alt != name {
		if x, ok := m[alt]; ok {
			return Value{v: x, ok: true}
		}
	}
	if k, ok := foldKey(m, name); ok {
		return Value{v: m[k], ok: true}
	}
	return Value{}
}

// foldKey returns the key of m that equals name case-insensitively. When
// several do ("subnetid" and "SUBNETID"), it returns the smallest, so that a
// lookup gives the same answer every time whatever the map's order.
func foldKey[V any](m map[string]V, name string) (string, bool) {
	best, found := "", false
	for k := range m {
		if strings.EqualFold(k, name) && (!found || k < best) {
			best, found = k, true
		}
	}
	return best, found
}

// Path follows a dotted path of field names ("DataCaptureConfig.KmsKeyId").
func (v Value) Path(path string) Value {
	for part := range strings.SplitSeq(path, ".") {
		v = v.Field(part)
		if !v.ok {
			return v
		}
	}
	return v
}

// List returns the elements of an array. A single non-array value is
// treated as a one-element list, since Config flattens one-item lists in
// some types; null and missing give nil.
func (v Value) List() []Value {
	v = v.decodeEmbedded()
	switch x := v.v.(type) {
	case nil:
		return nil
	case []any:
		out := make([]Value, len(x))
		for i, e := range x {
			out[i] = Value{v: e, ok: true}
		}
		return out
	default:
		return []Value{v}
	}
}

// Strings returns the elements of an array that are non-blank strings, or
// numbers or booleans (formatted as by String); nulls, objects and arrays
// are left out. A single value gives a one-element slice.
func (v Value) Strings() []string {
	var out []string
	for _, e := range v.List() {
		if s, ok := e.String(); ok && strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

// String returns a string value; numbers and booleans are formatted.
func (v Value) String() (string, bool) {
	switch x := v.v.(type) {
	case string:
		return x, true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case json.Number:
		return x.String(), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

// Str returns the string value, or "" when there is none.
func (v Value) Str() string {
	s, _ := v.String()
	return s
}

// Bool returns a boolean from true/false or the strings "true"/"false" in any
// case. ok is false for anything else, missing and null included.
func (v Value) Bool() (b, ok bool) {
	switch x := v.v.(type) {
	case bool:
		return x, true
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	return false, false
}

// IsTrue reports whether the value is boolean true (or "true").
func (v Value) IsTrue() bool {
	b, ok := v.Bool()
	return ok && b
}

// Int returns an integer from a JSON number or a numeric string; ok is
// false (and n 0) for a fraction, a value beyond int64, and anything else.
func (v Value) Int() (n int64, ok bool) {
	switch x := v.v.(type) {
	case float64:
		return floatInt(x)
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n, true
		}
		if f, err := x.Float64(); err == nil {
			return floatInt(f)
		}
	case string:
		if n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64); err == nil {
			return n, true
		}
	}
	return 0, false
}

// floatInt returns f as an integer when it is one and fits in int64.
func floatInt(f float64) (int64, bool) {
	// Check the range before converting: a float beyond int64 converts to
	// an unspecified value that differs between amd64 and arm64.
	if f != math.Trunc(f) || f < math.MinInt64 || f >= math.MaxInt64 {
		return 0, false
	}
	return int64(f), true
}

// decodeJSON decodes a JSON document into the values a Value wraps, with
// numbers as float64. encoding/json refuses to put a number beyond
// float64's range (1e400) into a float64; such a document is decoded again
// with its numbers as json.Number, rather than losing the whole document
// (and with it every field a rule looks for) over one number.
func decodeJSON(data []byte) (any, bool) {
	var v any
	if err := json.Unmarshal(data, &v); err == nil {
		return v, true
	}
	if !json.Valid(data) {
		return nil, false
	}
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	v = nil
	if err := d.Decode(&v); err != nil {
		return nil, false
	}
	return v, true
}

// decodeEmbedded turns a string that holds a JSON object or array into that
// object or array; supplementary configuration and some exports nest JSON
// this way.
func (v Value) decodeEmbedded() Value {
	s, ok := v.v.(string)
	if !ok {
		return v
	}
	t := strings.TrimSpace(s)
	if t == "" || (t[0] != '{' && t[0] != '[') {
		return v
	}
	decoded, ok := decodeJSON([]byte(t))
	if !ok {
		return v
	}
	return Value{v: decoded, ok: true}
}

func flipFirst(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	if unicode.IsUpper(r) {
		return string(unicode.ToLower(r)) + s[size:]
	}
	return string(unicode.ToUpper(r)) + s[size:]
}
