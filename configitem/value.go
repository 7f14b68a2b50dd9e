package configitem

import (
	"encoding/json"
	"iter"
	"math"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/aiguard/aiguard/internal/jsonfast"
)

// Value is a node inside a CI's configuration or supplementary configuration.
// Lookups never fail: a missing field gives a Value for which Exists reports
// false, so rules chain lookups and test once at the end.
//
// Lookups are tolerant of the ways Config spells the same thing: a field
// name matches its PascalCase and camelCase forms (and, failing that, any
// case), a string that holds JSON is decoded when a lookup descends into it,
// and the scalar accessors accept "true" for true and "3" for 3.
//
// A Value taken from an [Item] decodes each string that holds JSON once, and
// keeps the result for every later lookup on that item. The values that Raw
// returns are shared with those caches: read them, do not modify them.
type Value struct {
	v    any
	ok   bool
	memo *itemMemo // what lookups on the item worked out; nil for ValueOf
}

// ValueOf wraps an already-decoded JSON value (as encoding/json produces
// into an any). With no item to remember them in, lookups on it decode a
// string that holds JSON each time they descend into it; prefer the Values
// that an Item's Config and Supplement return.
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
	case jsonfast.Object:
		return len(x) > 0
	}
	return true
}

// Raw returns the decoded JSON value as encoding/json decodes it into an
// any (nil when missing or null). It copies the objects in it: to test
// what a value is, or to look inside it, IsObject, IsList, Members, Field
// and List cost less.
func (v Value) Raw() any { return jsonfast.Plain(v.v) }

// Text returns the value when it is a JSON string (numbers and booleans are
// not: see String), as Raw().(string) would without copying anything.
func (v Value) Text() (string, bool) {
	s, ok := v.v.(string)
	return s, ok
}

// IsObject reports whether the value is a JSON object (not a string
// holding one).
func (v Value) IsObject() bool {
	switch v.v.(type) {
	case jsonfast.Object, map[string]any:
		return true
	}
	return false
}

// IsList reports whether the value is a JSON array (not a string holding
// one).
func (v Value) IsList() bool {
	_, ok := v.v.([]any)
	return ok
}

// Len is the number of elements of an array or members of an object (not
// a string holding one); 0 for anything else.
func (v Value) Len() int {
	switch x := v.v.(type) {
	case []any:
		return len(x)
	case jsonfast.Object:
		return len(x)
	case map[string]any:
		return len(x)
	}
	return 0
}

// Members returns the keys and values of an object (decoding a string that
// holds one), in no particular order; nothing for anything else.
func (v Value) Members() iter.Seq2[string, Value] {
	v = v.decodeEmbedded()
	return func(yield func(string, Value) bool) {
		switch m := v.v.(type) {
		case jsonfast.Object:
			for _, e := range m {
				if !yield(e.Key, Value{v: e.Value, ok: true, memo: v.memo}) {
					return
				}
			}
		case map[string]any:
			for k, x := range m {
				if !yield(k, Value{v: x, ok: true, memo: v.memo}) {
					return
				}
			}
		}
	}
}

// Field returns the named field of an object. The name matches exactly,
// then with its first letter's case flipped, then case-insensitively.
func (v Value) Field(name string) Value {
	var m map[string]any
	switch x := v.decodeEmbedded().v.(type) {
	case jsonfast.Object:
		if e, ok := lookupObject(x, name); ok {
			return Value{v: e, ok: true, memo: v.memo}
		}
		return Value{}
	case map[string]any:
		m = x
	default:
		return Value{}
	}
	if x, ok := m[name]; ok {
		return Value{v: x, ok: true, memo: v.memo}
	}
	if x, ok := lookupFlipped(m, name); ok {
		return Value{v: x, ok: true, memo: v.memo}
	}
	if k, ok := foldKey(m, name); ok {
		return Value{v: m[k], ok: true, memo: v.memo}
	}
	return Value{}
}

// lookupFlipped looks name up with its first letter's case flipped. For an
// ASCII letter, the common case, it builds the key on the stack: a lookup
// that misses (a rule asking for an absent field) allocates nothing.
func lookupFlipped(m map[string]any, name string) (any, bool) {
	if name == "" {
		return nil, false
	}
	if c := name[0]; c < utf8.RuneSelf {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return nil, false
		}
		var buf [64]byte
		if len(name) > len(buf) {
			x, ok := m[flipFirst(name)]
			return x, ok
		}
		b := append(buf[:0], name...)
		b[0] ^= 'a' - 'A'
		x, ok := m[string(b)] // no allocation: the compiler looks up the bytes
		return x, ok
	}
	alt := flipFirst(name)
	if alt == name {
		return nil, false
	}
	x, ok := m[alt]
	return x, ok
}

// lookupObject is Field's lookup in an Object: exactly, then with the
// first letter's case flipped, then the smallest key that equals name
// case-insensitively. Most lookups of a rule find their key exactly, or
// miss; a miss compares only the keys of a length that could match.
func lookupObject(obj jsonfast.Object, name string) (any, bool) {
	if x, ok := obj.Get(name); ok {
		return x, true
	}
	if name == "" {
		return nil, false
	}
	if c := name[0]; c < utf8.RuneSelf {
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' {
			flipped := c ^ ('a' - 'A')
			for i := range obj {
				if k := obj[i].Key; len(k) == len(name) && k[0] == flipped && k[1:] == name[1:] {
					return obj[i].Value, true
				}
			}
		}
	} else if alt := flipFirst(name); alt != name {
		if x, ok := obj.Get(alt); ok {
			return x, true
		}
	}
	// As foldKey: an ASCII name cannot match a shorter key.
	ascii := isASCII(name)
	best, found := -1, false
	for i := range obj {
		k := obj[i].Key
		if ascii && len(k) < len(name) {
			continue
		}
		if strings.EqualFold(k, name) && (!found || k < obj[best].Key) {
			best, found = i, true
		}
	}
	if !found {
		return nil, false
	}
	return obj[best].Value, true
}

// foldKey returns the key of m that equals name case-insensitively. When
// several do ("subnetid" and "SUBNETID"), it returns the smallest, so that a
// lookup gives the same answer every time whatever the map's order.
func foldKey[V any](m map[string]V, name string) (string, bool) {
	// When name is ASCII, a key shorter than name cannot match it: each of
	// name's letters matches a rune of at least one byte. This skips most
	// keys without comparing them.
	ascii := isASCII(name)
	best, found := "", false
	for k := range m {
		if ascii && len(k) < len(name) {
			continue
		}
		if strings.EqualFold(k, name) && (!found || k < best) {
			best, found = k, true
		}
	}
	return best, found
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
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
			out[i] = Value{v: e, ok: true, memo: v.memo}
		}
		return out
	default:
		return []Value{v}
	}
}

// Elements yields the elements that List returns, without building the
// list.
func (v Value) Elements() iter.Seq[Value] {
	v = v.decodeEmbedded()
	return func(yield func(Value) bool) {
		switch x := v.v.(type) {
		case nil:
		case []any:
			for _, e := range x {
				if !yield(Value{v: e, ok: true, memo: v.memo}) {
					return
				}
			}
		default:
			yield(v)
		}
	}
}

// Strings returns the elements of an array that are non-blank strings, or
// numbers or booleans (formatted as by String); nulls, objects and arrays
// are left out. A single value gives a one-element slice.
func (v Value) Strings() []string {
	var out []string
	for e := range v.Elements() {
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

// decodeEmbedded turns a string that holds a JSON object or array into that
// object or array; supplementary configuration and some exports nest JSON
// this way. A string that is not JSON is returned as it is.
func (v Value) decodeEmbedded() Value {
	s, ok := v.v.(string)
	if !ok {
		return v
	}
	t := strings.TrimSpace(s)
	if t == "" || (t[0] != '{' && t[0] != '[') {
		return v
	}
	e := v.memo.decode(s, t)
	if e.err != nil {
		return v
	}
	return Value{v: e.v, ok: true, memo: v.memo}
}

// JSON returns the JSON document that a string value holds, decoded: a
// bucket or key policy, which Config records as a JSON string, gives its
// object. A Value taken from an [Item] decodes each string once, however
// often it is asked. A value that is not a string is returned as it is; a
// string that is not one valid JSON document gives an error that says why.
func (v Value) JSON() (Value, error) {
	s, ok := v.v.(string)
	if !ok {
		return v, nil
	}
	e := v.memo.decode(s, strings.TrimSpace(s))
	if e.err != nil {
		return Value{}, e.err
	}
	return Value{v: e.v, ok: true, memo: v.memo}, nil
}

// itemMemo keeps the decoded form of an item's JSON strings, so that each
// is decoded once (a bucket policy held as a string is parsed once however
// many lookups descend into it). Its mutex makes it safe for the goroutines
// that share an item.
type itemMemo struct {
	mu sync.Mutex
	m  map[string]embedded // by the string's text
}

type embedded struct {
	v   any
	err error
}

// decode returns the decoded form of s, whose trimmed text is t. A nil memo
// (a Value from ValueOf) decodes every time.
func (m *itemMemo) decode(s, t string) embedded {
	if m == nil {
		v, err := jsonfast.UnmarshalCompact(t, false)
		return embedded{v: v, err: err}
	}
	m.mu.Lock()
	e, found := m.m[s]
	m.mu.Unlock()
	if found {
		return e
	}
	// Decode outside the lock: two goroutines may both decode the same
	// string; the first result stored is the one every lookup then sees.
	v, err := jsonfast.UnmarshalCompact(t, false)
	e = embedded{v: v, err: err}
	m.mu.Lock()
	if prev, found := m.m[s]; found {
		e = prev
	} else {
		if m.m == nil {
			m.m = make(map[string]embedded)
		}
		m.m[s] = e
	}
	m.mu.Unlock()
	return e
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
