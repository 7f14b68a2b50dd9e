package cfnspec

import (
	"encoding/json"
	"sort"
	"strings"
	"sync"

	gfschema "github.com/awslabs/goformation/v7/schema"

	"github.com/aiguard/aiguard/internal/jsonfast"
)

// definitions are the specification's definitions, each left as JSON text
// and decoded on first use: readers that ask about a few types do not pay
// for the whole specification. Finding them skims the 7.6 MB text without
// decoding it (encoding/json into raw messages took 100 ms, the first hook
// request's or template scan's wait).
var definitions = sync.OnceValue(func() map[string]string {
	spec := gfschema.CloudformationSchema
	d := jsonfast.NewDecoder(spec)
	defs := map[string]string{}
	err := d.Object(func(key string) error {
		if key != "definitions" {
			return d.Skip()
		}
		return d.Object(func(name string) error {
			start := d.Offset()
			if err := d.Skip(); err != nil {
				return err
			}
			defs[name] = spec[start:d.Offset()]
			return nil
		})
	})
	if err != nil {
		return nil // the schema is part of the build; its tests fail first
	}
	return defs
})

// node is the part of a definition that describes a value's shape.
type node struct {
	Type       any              `json:"type"`
	Ref        string           `json:"$ref"`
	Items      *node            `json:"items"`
	Properties map[string]*node `json:"properties"`
	AnyOf      []*node          `json:"anyOf"`
}

var decoded sync.Map // definition name → *node

func definition(name string) *node {
	if n, ok := decoded.Load(name); ok {
		return n.(*node)
	}
	raw, ok := definitions()[name]
	if !ok {
		return nil
	}
	var n node
	if json.Unmarshal([]byte(raw), &n) != nil {
		return nil
	}
	decoded.Store(name, &n)
	return &n
}

// deref follows $ref.
func deref(n *node) *node {
	for i := 0; n != nil && n.Ref != "" && i < 8; i++ {
		n = definition(strings.TrimPrefix(n.Ref, "#/definitions/"))
	}
	return n
}

// lookup finds the schema of the value at path below a resource type's
// Properties: property names, and "[]" for the items of a list or the
// values of a map.
func lookup(resourceType string, path []string) *node {
	n := definition(resourceType)
	if n == nil {
		return nil
	}
	n = deref(n.Properties["Properties"])
	for _, p := range path {
		if n == nil {
			return nil
		}
		if p == "[]" {
			n = deref(n.Items)
			continue
		}
		n = deref(n.Properties[p])
	}
	return n
}

// PropertyKind returns the JSON type ("string", "boolean", "integer",
// "number", "array" or "object") of the property at path below a resource
// type's Properties (property names, "[]" for list items), or "" when the
// specification does not say.
func PropertyKind(resourceType string, path []string) string {
	n := lookup(resourceType, path)
	if n == nil {
		return ""
	}
	switch t := n.Type.(type) {
	case string:
		return t
	case []any:
		for _, x := range t {
			if s, ok := x.(string); ok && s != "null" {
				return s
			}
		}
	}
	if n.Properties != nil {
		return "object"
	}
	if n.Items != nil {
		return "array"
	}
	return ""
}

// PropertyNames lists the properties the specification defines at path
// below a resource type's Properties (nil path: the resource's own), sorted;
// nil when it defines none there.
func PropertyNames(resourceType string, path []string) []string {
	n := lookup(resourceType, path)
	if n == nil || len(n.Properties) == 0 {
		return nil
	}
	out := make([]string, 0, len(n.Properties))
	for k := range n.Properties {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
