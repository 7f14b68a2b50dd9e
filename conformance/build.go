package conformance

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aiguard/aiguard/internal/jsonpos"
)

// Template is a CloudFormation template as aiguard builds it, every one
// of them (conformance packs, the rule Lambda's stack, StackSets, hooks,
// the policies' stacks): its sections and properties as nested Go values,
// written as CloudFormation reads them. A mapping is a map[string]any (or
// a Template), a list a []any or []string, a scalar a string, int or bool,
// a part already built a *Value (the intrinsic functions Ref, Sub, GetAtt,
// If ... are ones), and any other value that writes itself as JSON (a
// json.Marshaler, such as an IAM policy document) that JSON.
//
// Key order does not matter: Marshal writes the same YAML for the same
// template (sections in the conventional order, each resource's Type
// first, every other mapping sorted by key), MarshalJSONBody the same
// JSON (mappings sorted by key, a json.Marshaler's keys in its order),
// Check validates its resources against the CloudFormation resource
// schema, and MarshalChecked does both. File is the other side: a
// template as Parse reads it.
type Template map[string]any

// Value converts the template into a Value (mappings sorted by key).
func (t Template) Value() (*Value, error) { return ValueOf(map[string]any(t)) }

// ValueOf converts nested Go values, as a Template holds them, into a
// Value; mappings come out sorted by key, and a json.Marshaler's JSON
// with its keys in the order it writes them.
func ValueOf(x any) (*Value, error) {
	switch v := x.(type) {
	case nil:
		return &Value{Kind: Null}, nil
	case *Value:
		return v, nil
	case string:
		return Str(v), nil
	case int:
		return Int(v), nil
	case bool:
		return Boolean(v), nil
	case []string:
		return Strs(v...), nil
	case []any:
		list := &Value{Kind: List, Items: make([]*Value, 0, len(v))}
		for i, it := range v {
			iv, err := ValueOf(it)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			list.Items = append(list.Items, iv)
		}
		return list, nil
	case Template:
		return ValueOf(map[string]any(v))
	case map[string]any:
		m := &Value{Kind: Map, Fields: make([]Field, 0, len(v))}
		for _, k := range slices.Sorted(maps.Keys(v)) {
			fv, err := ValueOf(v[k])
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			m.Fields = append(m.Fields, F(k, fv))
		}
		return m, nil
	case json.Marshaler:
		// json.Marshal rather than MarshalJSON: it writes null for a nil
		// pointer. Its HTML escapes are decoded again by the parse.
		data, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("%T: %w", x, err)
		}
		res, err := jsonpos.Parse(data, jsonpos.Options{MaxDepth: maxDepth})
		if err != nil {
			return nil, fmt.Errorf("%T wrote invalid JSON: %w", x, err)
		}
		return fromJSON(res.Root, nil)
	}
	return nil, fmt.Errorf("unsupported template value of type %T", x)
}

// Marshal writes the template as YAML (see MarshalValue).
func (t Template) Marshal() ([]byte, error) {
	v, err := t.Value()
	if err != nil {
		return nil, err
	}
	return MarshalValue(v, true)
}

// Check validates the template's resources against the CloudFormation
// resource schema; the error names the template (name) and lists every
// problem.
func (t Template) Check(schema Schema, name string) error {
	v, err := t.Value()
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return checkSchema(schema, name, v)
}

// MarshalChecked writes the template as YAML after checking it against the
// CloudFormation resource schema (Check).
func (t Template) MarshalChecked(schema Schema, name string) ([]byte, error) {
	v, err := t.Value()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := checkSchema(schema, name, v); err != nil {
		return nil, err
	}
	return MarshalValue(v, true)
}

func checkSchema(schema Schema, name string, v *Value) error {
	var problems []string
	for _, vi := range schema.Validate(v.JSON()) {
		problems = append(problems, strings.TrimSpace(vi.Pointer+" "+vi.Message))
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s does not match the CloudFormation resource schema: %s", name, strings.Join(problems, "; "))
	}
	return nil
}

// MarshalJSON writes the value as JSON (see JSON), so that a template
// holding built parts encodes as CloudFormation reads it.
func (v *Value) MarshalJSON() ([]byte, error) { return json.Marshal(v.JSON()) }
