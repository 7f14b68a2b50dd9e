package conformance

import (
	"encoding/json"
	"strconv"
	"strings"
)

// Kind is the kind of a template Value.
type Kind uint8

// The kinds of Value. Intrinsic functions are maps with a single key (Ref,
// Condition or Fn::Name); the YAML short forms (!Ref X, !If [...]) are read
// into that long form.
const (
	Null Kind = iota
	String
	Number
	Bool
	List
	Map
)

// Value is a node of a template: a scalar, a list or a map. Maps keep their
// keys in source order; Marshal sorts them where order does not matter.
type Value struct {
	Kind Kind
	// Text is the scalar: the string itself, a number as written (12, 1.5)
	// or "true"/"false".
	Text   string
	Items  []*Value
	Fields []Field
	// Pos is where the value starts; zero when built in code.
	Pos
}

// Pos is a place in a template: a 1-based line and column (columns count
// characters); zero when unknown.
type Pos struct {
	Line, Column int
}

// Field is one key of a map.
type Field struct {
	Key   string
	Value *Value
	// Pos is where the key is; zero when built in code.
	Pos
}

// Str returns a string value.
func Str(s string) *Value { return &Value{Kind: String, Text: s} }

// Int returns a number value.
func Int(n int) *Value { return &Value{Kind: Number, Text: strconv.Itoa(n)} }

// Boolean returns a boolean value.
func Boolean(b bool) *Value { return &Value{Kind: Bool, Text: strconv.FormatBool(b)} }

// ListOf returns a list value.
func ListOf(items ...*Value) *Value { return &Value{Kind: List, Items: items} }

// Strs returns a list of strings.
func Strs(ss ...string) *Value {
	v := &Value{Kind: List, Items: make([]*Value, len(ss))}
	for i, s := range ss {
		v.Items[i] = Str(s)
	}
	return v
}

// MapOf returns a map value.
func MapOf(fields ...Field) *Value { return &Value{Kind: Map, Fields: fields} }

// F returns a map field, for MapOf.
func F(key string, v *Value) Field { return Field{Key: key, Value: v} }

// Ref returns {Ref: name}.
func Ref(name string) *Value { return fn("Ref", Str(name)) }

// NoValue returns {Ref: AWS::NoValue}, which removes the property it is the
// value of.
func NoValue() *Value { return Ref("AWS::NoValue") }

// If returns {Fn::If: [condition, then, else]}.
func If(condition string, then, els *Value) *Value {
	return fn("Fn::If", ListOf(Str(condition), then, els))
}

// Equals returns {Fn::Equals: [a, b]}.
func Equals(a, b *Value) *Value { return fn("Fn::Equals", ListOf(a, b)) }

// Not returns {Fn::Not: [v]}.
func Not(v *Value) *Value { return fn("Fn::Not", ListOf(v)) }

// Sub returns {Fn::Sub: s}.
func Sub(s string) *Value { return fn("Fn::Sub", Str(s)) }

// GetAtt returns {Fn::GetAtt: [resource, attribute]}.
func GetAtt(resource, attribute string) *Value {
	return fn("Fn::GetAtt", Strs(resource, attribute))
}

func fn(name string, arg *Value) *Value { return MapOf(F(name, arg)) }

// Get returns the value of key in a map, or nil. It is nil-safe.
func (v *Value) Get(key string) *Value {
	if v == nil || v.Kind != Map {
		return nil
	}
	for _, f := range v.Fields {
		if f.Key == key {
			return f.Value
		}
	}
	return nil
}

// Field returns the field of key in a map.
func (v *Value) Field(key string) (Field, bool) {
	if v == nil || v.Kind != Map {
		return Field{}, false
	}
	for _, f := range v.Fields {
		if f.Key == key {
			return f, true
		}
	}
	return Field{}, false
}

// Path follows keys through nested maps; nil when any is missing.
func (v *Value) Path(keys ...string) *Value {
	for _, k := range keys {
		v = v.Get(k)
	}
	return v
}

// Scalar returns the text of a string, number or boolean.
func (v *Value) Scalar() (string, bool) {
	if v == nil {
		return "", false
	}
	switch v.Kind {
	case String, Number, Bool:
		return v.Text, true
	}
	return "", false
}

// Intrinsic returns the function name and argument when v is an intrinsic
// function or a condition reference: a map whose only key is Ref, Condition
// or starts with Fn::.
func (v *Value) Intrinsic() (name string, arg *Value, ok bool) {
	if v == nil || v.Kind != Map || len(v.Fields) != 1 {
		return "", nil, false
	}
	k := v.Fields[0].Key
	if k == "Ref" || k == "Condition" || strings.HasPrefix(k, "Fn::") {
		return k, v.Fields[0].Value, true
	}
	return "", nil, false
}

// IsIntrinsic reports whether v is an intrinsic function.
func (v *Value) IsIntrinsic() bool { _, _, ok := v.Intrinsic(); return ok }

// HasIntrinsic reports whether v or anything inside it is an intrinsic.
func (v *Value) HasIntrinsic() bool {
	found := false
	v.walk(func(x *Value) bool {
		if x.IsIntrinsic() {
			found = true
		}
		return !found
	})
	return found
}

// walk calls f on v and its descendants, depth first, while f returns true.
func (v *Value) walk(f func(*Value) bool) {
	if v == nil || !f(v) {
		return
	}
	for _, it := range v.Items {
		it.walk(f)
	}
	for _, fl := range v.Fields {
		fl.Value.walk(f)
	}
}

// JSON returns v as decoded JSON: map[string]any, []any, string,
// json.Number, bool or nil. A YAML number JSON cannot spell (.inf, 0x1F)
// becomes a string.
func (v *Value) JSON() any {
	if v == nil {
		return nil
	}
	switch v.Kind {
	case String:
		return v.Text
	case Number:
		if n, ok := jsonNumber(v.Text); ok {
			return n
		}
		return v.Text
	case Bool:
		return v.Text == "true"
	case List:
		out := make([]any, len(v.Items))
		for i, it := range v.Items {
			out[i] = it.JSON()
		}
		return out
	case Map:
		out := make(map[string]any, len(v.Fields))
		for _, f := range v.Fields {
			out[f.Key] = f.Value.JSON()
		}
		return out
	}
	return nil
}

// jsonNumber spells a YAML or JSON number as JSON; false when JSON cannot
// (.inf, .nan).
func jsonNumber(text string) (json.Number, bool) {
	if isJSONNumber(text) {
		return json.Number(text), true
	}
	if f, err := strconv.ParseFloat(strings.ReplaceAll(text, "_", ""), 64); err == nil {
		if n := json.Number(strconv.FormatFloat(f, 'g', -1, 64)); isJSONNumber(string(n)) {
			return n, true
		}
	}
	if n, err := strconv.ParseInt(strings.ReplaceAll(text, "_", ""), 0, 64); err == nil {
		return json.Number(strconv.FormatInt(n, 10)), true
	}
	return "", false
}

// isJSONNumber reports whether s follows the JSON number grammar.
func isJSONNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	start := i
	if n := digits(); n == 0 || (n > 1 && s[start] == '0') {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

// Equal reports whether a and b hold the same data, ignoring lines and the
// order of map keys.
func Equal(a, b *Value) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Kind != b.Kind || a.Text != b.Text || len(a.Items) != len(b.Items) || len(a.Fields) != len(b.Fields) {
		return false
	}
	for i := range a.Items {
		if !Equal(a.Items[i], b.Items[i]) {
			return false
		}
	}
	for _, f := range a.Fields {
		g, ok := b.Field(f.Key)
		if !ok || !Equal(f.Value, g.Value) {
			return false
		}
	}
	return true
}
