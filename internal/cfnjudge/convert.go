package cfnjudge

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/aiguard/aiguard/configitem"
	"github.com/aiguard/aiguard/conformance"
)

// converter turns a template resource's folded properties into a CI,
// recording every unresolved intrinsic function it meets.
type converter struct {
	partition string
	accountID string
	// fold folds a value of the template that the resource's properties
	// do not hold (a bucket policy attached to a bucket), with extra
	// names known.
	fold       func(v *conformance.Value, path string, extra map[string]string) any
	unresolved []unresolvedField
}

// unresolvedField is a field of a template resource's CI that holds an
// intrinsic function left unresolved.
type unresolvedField struct {
	path string // the CI path, as rules list them in Rule.Fields
	prop string // where it is in the template, e.g. Properties.KmsKeyId
	expr string // the intrinsic in short form, e.g. !Ref TrainingKey
	node *intrinsic
	// typ and local are, for a value of a resource the judged one
	// references (relations.go), that resource's type and the value's
	// path from its Properties; empty for the resource's own values.
	typ, local string
}

func (u unresolvedField) display() string { return u.prop }

func newConverter(opts *Options, fold func(*conformance.Value, string, map[string]string) any) *converter {
	return &converter{partition: PartitionOf("", opts.Region), accountID: opts.AccountID, fold: fold}
}

// resolve returns v with every unresolved intrinsic replaced by a
// placeholder (its short form, e.g. "!Ref Key"), each recorded under
// ciPath (array elements add no segment, as in Rule.Fields) and prop (the
// template path, for messages).
func (c *converter) resolve(v any, ciPath, prop string) any {
	switch t := v.(type) {
	case *intrinsic:
		expr := render(t)
		if t.path != "" {
			prop = t.path
		}
		c.unresolved = append(c.unresolved, unresolvedField{path: ciPath, prop: prop, expr: expr, node: t})
		return expr
	case map[string]any:
		out := make(map[string]any, len(t))
		for _, k := range sortedKeys(t) {
			r := c.resolve(t[k], ciPath+"."+k, prop+"."+k)
			if r != noValue {
				out[k] = r
			}
		}
		return out
	case []any:
		out := make([]any, 0, len(t))
		for i, x := range t {
			r := c.resolve(x, ciPath, fmt.Sprintf("%s[%d]", prop, i))
			if r != noValue {
				out = append(out, r)
			}
		}
		return out
	}
	return v
}

// resolveFor resolves the properties of a referenced resource of type typ
// (relations.go), at the template path prop (ID.Properties), recording
// what stays unresolved against the resource being judged.
func (c *converter) resolveFor(typ string, v any, ciPath, prop string) any {
	from := len(c.unresolved)
	out := c.resolve(v, ciPath, prop)
	for i := from; i < len(c.unresolved); i++ {
		u := &c.unresolved[i]
		u.typ = typ
		if _, rest, ok := strings.Cut(u.prop, ".Properties"); ok {
			u.local = "Properties" + rest
		}
	}
	return out
}

// quiet resolves v without recording placeholders: for values that only
// decide scope (tags, names), where a placeholder can only take a resource
// out of scope, never produce a finding.
func (c *converter) quiet(v any) any {
	saved := len(c.unresolved)
	out := c.resolve(v, "", "")
	c.unresolved = c.unresolved[:saved]
	return out
}

// generic converts a resource of a type whose CI records CloudFormation
// property names: the properties are the configuration.
func (c *converter) generic(id, typ string, props map[string]any) (*configitem.Item, error) {
	if props == nil {
		props = map[string]any{}
	}
	cfg, _ := c.resolve(props, "configuration", "Properties").(map[string]any)
	conf, err := json.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("encode configuration: %w", err)
	}
	return &configitem.Item{
		ResourceType:  typ,
		ResourceID:    id,
		ResourceName:  physicalName(typ, cfg),
		Tags:          tagMap(c.quiet(props["Tags"])),
		Configuration: conf,
	}, nil
}

// physicalName returns the literal name property of a resource: <Type>Name
// (NotebookInstanceName), Name, or JobDefinitionName.
func physicalName(typ string, props map[string]any) string {
	short := typ[strings.LastIndex(typ, ":")+1:]
	for _, k := range []string{short + "Name", "Name", "JobDefinitionName"} {
		if s, ok := props[k].(string); ok && !strings.HasPrefix(s, "!") {
			return s
		}
	}
	return ""
}

// tagMap reads CloudFormation tags: a list of {Key, Value} or a map.
func tagMap(v any) map[string]string {
	out := map[string]string{}
	switch t := v.(type) {
	case []any:
		for _, e := range t {
			m, ok := e.(map[string]any)
			if !ok {
				continue
			}
			k, ok := m["Key"].(string)
			if !ok {
				continue
			}
			out[k] = fmt.Sprint(valueOr(m["Value"], ""))
		}
	case map[string]any:
		for k, x := range t {
			out[k] = fmt.Sprint(valueOr(x, ""))
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func valueOr(v, def any) any {
	if v == nil {
		return def
	}
	return v
}

// supplementary encodes supplementaryConfiguration values.
func supplementary(m map[string]any) (map[string]json.RawMessage, error) {
	out := make(map[string]json.RawMessage, len(m))
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		raw, err := json.Marshal(m[k])
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", k, err)
		}
		out[k] = raw
	}
	return out, nil
}

// boolish reads a CloudFormation Boolean, which templates write as true or
// "true"; ok is false for anything else (a placeholder, a typo).
func boolish(v any) (value, ok bool) {
	switch t := v.(type) {
	case bool:
		return t, true
	case string:
		switch strings.ToLower(t) {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	return false, false
}
