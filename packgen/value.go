package packgen

import (
	"fmt"
	"sort"

	"github.com/aiguard/aiguard/conformance"
)

// toValue converts a template built as nested Go values (Template) into a
// conformance.Value, which conformance.MarshalValue writes as deterministic
// YAML laid out as CloudFormation templates usually are.
func toValue(x any) (*conformance.Value, error) {
	switch v := x.(type) {
	case nil:
		return &conformance.Value{Kind: conformance.Null}, nil
	case *conformance.Value:
		return v, nil
	case string:
		return conformance.Str(v), nil
	case int:
		return conformance.Int(v), nil
	case bool:
		return conformance.Boolean(v), nil
	case []string:
		return conformance.Strs(v...), nil
	case []any:
		list := &conformance.Value{Kind: conformance.List, Items: make([]*conformance.Value, 0, len(v))}
		for i, it := range v {
			iv, err := toValue(it)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			list.Items = append(list.Items, iv)
		}
		return list, nil
	case Template:
		return toValue(map[string]any(v))
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		m := &conformance.Value{Kind: conformance.Map, Fields: make([]conformance.Field, 0, len(v))}
		for _, k := range keys {
			fv, err := toValue(v[k])
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			m.Fields = append(m.Fields, conformance.F(k, fv))
		}
		return m, nil
	}
	return nil, fmt.Errorf("unsupported template value of type %T", x)
}

// Marshal writes the template as YAML: sections in the conventional order,
// each resource's Type first, every other map sorted by key.
func (t Template) Marshal() ([]byte, error) {
	v, err := toValue(t)
	if err != nil {
		return nil, err
	}
	return conformance.MarshalValue(v, true)
}
