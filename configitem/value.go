package configitem

import (
	"encoding/json"
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
	for k, x := range m {
		if strings.EqualFold(k, name) {
			return Value{v: x, ok: true}
		}
	}
	return Value{}
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

// Strings returns the non-empty string elements of an array (or a single
// string as a one-element slice).
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

// Int returns an integer from a JSON number or a numeric string.
func (v Value) Int() (int64, bool) {
	switch x := v.v.(type) {
	case float64:
		if x != float64(int64(x)) {
			return 0, false
		}
		return int64(x), true
	case json.Number:
		n, err := x.Int64()
		return n, err == nil
	case string:
		n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
		return n, err == nil
	}
	return 0, false
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
	var decoded any
	if err := json.Unmarshal([]byte(t), &decoded); err != nil {
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
