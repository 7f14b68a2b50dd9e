package orgspec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unicode"

	"github.com/aiguard/aiguard/awsid"
	"github.com/aiguard/aiguard/rules"
)

// SchemaID is the $id of the JSON Schema Schema writes.
const SchemaID = "https://aiguard.dev/schemas/orgspec/v1.json"

// Schema returns the JSON Schema (draft 2020-12) of the spec, generated
// from the same struct tags and checks the validator uses, with the rule
// IDs and each rule's parameters from reg (nil: rules.Catalog()). Checks
// that span values (duplicate teams, an account claimed twice, a profile
// whose model is not allowed, expired exceptions) are beyond a schema;
// `aiguard validate` applies them.
func Schema(reg *rules.Registry) ([]byte, error) {
	if reg == nil {
		reg = rules.Catalog()
	}
	g := &schemaGen{reg: reg, defs: map[string]any{}}
	root := g.object(reflect.TypeFor[Spec]())
	root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	root["$id"] = SchemaID
	root["title"] = "aiguard organization spec"
	root["description"] = "The organization, defaults and teams from which aiguard generates conformance packs, " +
		"SCPs, permission boundaries and the rule Lambda's deployment. Validate with `aiguard validate --config FILE`."
	root["$defs"] = g.defs
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(root); err != nil {
		return nil, fmt.Errorf("encode schema: %w", err)
	}
	return buf.Bytes(), nil
}

type schemaGen struct {
	reg  *rules.Registry
	defs map[string]any
}

// object returns the schema of a struct type, fields in $defs by reference.
func (g *schemaGen) object(t reflect.Type) map[string]any {
	fields, _ := structFields(t)
	props := map[string]any{}
	var required []string
	for i := range fields {
		f := &fields[i]
		s := g.field(t.FieldByIndex(f.index).Type, f)
		if f.doc != "" {
			s["description"] = f.doc
		}
		if f.hasDefault {
			s["default"] = defaultValue(t.FieldByIndex(f.index).Type, f.def)
		}
		props[f.name] = s
		if f.required {
			required = append(required, f.name)
		}
	}
	out := map[string]any{"type": "object", "additionalProperties": false, "properties": props}
	if len(required) > 0 {
		out["required"] = required
	}
	return out
}

// ref puts a struct's schema in $defs once and refers to it.
func (g *schemaGen) ref(t reflect.Type) map[string]any {
	name := lowerFirst(t.Name())
	if _, ok := g.defs[name]; !ok {
		g.defs[name] = nil // reserve the name against recursion
		g.defs[name] = g.object(t)
	}
	return map[string]any{"$ref": "#/$defs/" + name}
}

// field returns the schema of one field (or list item) of type t.
func (g *schemaGen) field(t reflect.Type, f *fieldInfo) map[string]any {
	switch t {
	case reflect.TypeFor[RuleSettings]():
		return g.ruleSettings()
	case reflect.TypeFor[DetectionSettings](), reflect.TypeFor[TeamDetectionSettings]():
		return g.detectionSettings(t)
	}
	switch t.Kind() {
	case reflect.Pointer:
		return g.field(t.Elem(), f)
	case reflect.Struct:
		// A $ref may not carry siblings in every editor; wrap it.
		return map[string]any{"allOf": []any{g.ref(t)}}
	case reflect.Slice:
		s := map[string]any{"type": "array", "items": g.field(t.Elem(), &fieldInfo{check: f.check})}
		if f.minItems > 0 {
			s["minItems"] = f.minItems
		}
		if f.unique {
			s["uniqueItems"] = true
		}
		return s
	case reflect.String:
		return g.str(f.check)
	case reflect.Int:
		s := map[string]any{"type": "integer"}
		g.bounds(s, f)
		if len(f.enumInts) > 0 {
			s["enum"] = f.enumInts
		}
		return s
	case reflect.Float64:
		s := map[string]any{"type": "number"}
		g.bounds(s, f)
		return s
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	}
	return map[string]any{}
}

func (g *schemaGen) bounds(s map[string]any, f *fieldInfo) {
	if f.hasMin {
		s["minimum"] = f.min
	}
	if f.hasMax {
		s["maximum"] = f.max
	}
}

// str returns the schema of a string with a check.
func (g *schemaGen) str(c *check) map[string]any {
	s := map[string]any{"type": "string"}
	switch {
	case c == nil:
		return s
	case c == checks["ruleID"]:
		s["enum"] = g.ruleIDs()
	case c == checks["region"]:
		s["enum"] = awsid.KnownRegions()
	case len(c.enum) > 0:
		s["enum"] = c.enum
	case c.pattern != "":
		s["pattern"] = c.pattern
	}
	if c.numbers {
		s["type"] = []string{"string", "integer"}
	}
	if c.format != "" {
		s["format"] = c.format
	}
	if c.maxLen > 0 {
		s["maxLength"] = c.maxLen
	}
	if _, isEnum := s["enum"]; !isEnum && c.want != "" {
		s["description"] = c.want
	}
	return s
}

func (g *schemaGen) ruleIDs() []string {
	all := g.reg.All()
	ids := make([]string, len(all))
	for i, r := range all {
		ids[i] = r.ID
	}
	return ids
}

// ruleSettings returns the schema of a rules mapping: one property per
// catalog rule, each a boolean or a mapping of its declared parameters.
func (g *schemaGen) ruleSettings() map[string]any {
	const name = "ruleSettings"
	if _, ok := g.defs[name]; !ok {
		props := map[string]any{}
		for _, r := range g.reg.All() {
			params := map[string]any{}
			for _, p := range r.Params {
				params[p.Name] = paramSchema(p)
			}
			props[r.ID] = map[string]any{
				"description": r.Title,
				"anyOf": []any{
					map[string]any{"type": "boolean", "description": "true runs the rule, false turns it off"},
					map[string]any{
						"type":                 "object",
						"additionalProperties": false,
						"properties": map[string]any{
							"enabled":    map[string]any{"type": "boolean", "description": "Whether the rule runs."},
							"parameters": map[string]any{"type": "object", "additionalProperties": false, "properties": params},
						},
					},
				},
			}
		}
		g.defs[name] = map[string]any{
			"type":                 "object",
			"description":          "Rule choices by rule ID (`aiguard rules list`). Every rule is on unless turned off.",
			"propertyNames":        map[string]any{"enum": g.ruleIDs()},
			"additionalProperties": false,
			"properties":           props,
		}
	}
	return map[string]any{"$ref": "#/$defs/" + name}
}

// paramSchema describes a rule parameter as the spec accepts it: YAML
// scalars keep their text, lists are joined with commas.
func paramSchema(p rules.Param) map[string]any {
	s := map[string]any{}
	if p.Description != "" {
		s["description"] = p.Description
	}
	if p.Default != "" {
		s["default"] = p.Default
		if n, err := strconv.ParseInt(p.Default, 10, 64); err == nil && p.Type == rules.Int {
			s["default"] = n
		} else if b, err := strconv.ParseBool(p.Default); err == nil && p.Type == rules.Bool {
			s["default"] = b
		}
	}
	item := map[string]any{"type": "string"}
	if pat := portablePattern(p); pat != "" {
		item["pattern"] = pat
	}
	switch p.Type {
	case rules.Int:
		s["type"] = []string{"integer", "string"}
		if p.Min <= p.Max {
			s["minimum"], s["maximum"] = p.Min, p.Max
		}
	case rules.Bool:
		s["enum"] = []any{true, false, "true", "false"}
	case rules.Enum:
		s["enum"] = p.Values
	case rules.CSV:
		if len(p.Values) > 0 {
			item["enum"] = p.Values
			delete(item, "pattern")
		}
		s["anyOf"] = []any{
			map[string]any{"type": "string", "minLength": 1},
			map[string]any{"type": "array", "minItems": 1, "items": item},
		}
	default:
		s["type"] = []string{"string", "number", "boolean"}
		if pat, ok := item["pattern"]; ok {
			s["pattern"] = pat
		}
	}
	return s
}

// portablePattern returns a parameter's pattern when it reads the same in
// Go and ECMA-262 (editors use the latter), else "".
func portablePattern(p rules.Param) string {
	if p.Pattern == nil {
		return ""
	}
	pat := p.Pattern.String()
	for _, goOnly := range []string{"(?", `\A`, `\z`, `\Q`, "[[:", `\p`, `\P`} {
		if strings.Contains(pat, goOnly) {
			return ""
		}
	}
	return pat
}

func defaultValue(t reflect.Type, def string) any {
	if t.Kind() == reflect.Int {
		if n, err := strconv.Atoi(def); err == nil {
			return n
		}
	}
	return def
}

func lowerFirst(s string) string {
	r := []rune(s)
	// Leading initialisms lower-case whole: TagKeys → tagKeys, SageMaker → sageMaker.
	for i := 0; i < len(r) && unicode.IsUpper(r[i]); i++ {
		if i > 0 && i+1 < len(r) && unicode.IsLower(r[i+1]) {
			break
		}
		r[i] = unicode.ToLower(r[i])
	}
	return string(r)
}
