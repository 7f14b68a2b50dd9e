package scan

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/aiguard/aiguard/configitem"
)

// converter turns a template resource's properties into a CI, resolving
// what cannot change a verdict (pseudo parameters, and self-references in a
// bucket policy) and recording every other intrinsic function it meets.
type converter struct {
	partition  string
	known      map[string]string // Ref names and GetAtt "Resource.Attribute" with known values
	unresolved []unresolvedField
}

// noValue marks a value that Ref AWS::NoValue removes.
type noValueT struct{}

var noValue = noValueT{}

func newConverter(opts *Options) *converter {
	part := partitionOf("", opts.Region)
	suffix := "amazonaws.com"
	if part == "aws-cn" {
		suffix = "amazonaws.com.cn"
	}
	known := map[string]string{"AWS::Partition": part, "AWS::URLSuffix": suffix}
	if opts.Region != "" {
		known["AWS::Region"] = opts.Region
	}
	if opts.AccountID != "" {
		known["AWS::AccountId"] = opts.AccountID
	}
	return &converter{partition: part, known: known}
}

// resolve returns v with intrinsic functions resolved where that is safe and
// replaced by a placeholder (their short form, e.g. "!Ref Key") elsewhere.
// Each placeholder is recorded under ciPath (array elements add no segment,
// as in Rule.Fields) and prop (the template path, for messages).
func (c *converter) resolve(v any, ciPath, prop string) any {
	switch t := v.(type) {
	case intrinsic:
		if s, ok := c.eval(t); ok {
			return s
		}
		if t.fn == "Ref" && t.arg == "AWS::NoValue" {
			return noValue
		}
		expr := render(t)
		c.unresolved = append(c.unresolved, unresolvedField{path: ciPath, prop: prop, expr: expr})
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

// quiet resolves v without recording placeholders: for values that only
// decide scope (tags, names), where a placeholder can only take a resource
// out of scope, never produce a finding.
func (c *converter) quiet(v any) any {
	saved := len(c.unresolved)
	out := c.resolve(v, "", "")
	c.unresolved = c.unresolved[:saved]
	return out
}

// deploymentFacts are pseudo parameters whose value is fixed by where the
// stack is deployed; no rule compares them with anything, so when their
// value is not given they stay as the literal "${AWS::AccountId}" rather
// than making the whole value unresolved.
var deploymentFacts = map[string]bool{
	"AWS::AccountId": true, "AWS::Region": true, "AWS::StackName": true, "AWS::StackId": true,
}

var subVar = regexp.MustCompile(`\$\{([^}]*)\}`)

// eval computes the functions whose result is known: Ref and GetAtt of
// known names, Sub and Join over known values.
func (c *converter) eval(t intrinsic) (string, bool) {
	switch t.fn {
	case "Ref":
		s, ok := t.arg.(string)
		if !ok {
			return "", false
		}
		if v, ok := c.known[s]; ok {
			return v, true
		}
		if deploymentFacts[s] {
			return "${" + s + "}", true
		}
		return "", false
	case "Fn::GetAtt":
		l, ok := t.arg.([]any)
		if !ok || len(l) != 2 {
			return "", false
		}
		res, ok1 := l[0].(string)
		attr, ok2 := l[1].(string)
		if !ok1 || !ok2 {
			return "", false
		}
		v, ok := c.known[res+"."+attr]
		return v, ok
	case "Fn::Sub":
		text, vars := "", map[string]any{}
		switch a := t.arg.(type) {
		case string:
			text = a
		case []any:
			if len(a) != 2 {
				return "", false
			}
			s, ok := a[0].(string)
			m, ok2 := a[1].(map[string]any)
			if !ok || !ok2 {
				return "", false
			}
			text, vars = s, m
		default:
			return "", false
		}
		ok := true
		out := subVar.ReplaceAllStringFunc(text, func(m string) string {
			name := m[2 : len(m)-1]
			if strings.HasPrefix(name, "!") {
				return "${" + name[1:] + "}"
			}
			if v, has := vars[name]; has {
				if s, good := c.scalarString(v); good {
					return s
				}
				ok = false
				return m
			}
			if v, has := c.known[name]; has {
				return v
			}
			if deploymentFacts[name] {
				return m
			}
			ok = false
			return m
		})
		return out, ok
	case "Fn::Join":
		a, ok := t.arg.([]any)
		if !ok || len(a) != 2 {
			return "", false
		}
		delim, ok := a[0].(string)
		parts, ok2 := a[1].([]any)
		if !ok || !ok2 {
			return "", false
		}
		strs := make([]string, len(parts))
		for i, p := range parts {
			s, good := c.scalarString(p)
			if !good {
				return "", false
			}
			strs[i] = s
		}
		return strings.Join(strs, delim), true
	}
	return "", false
}

func (c *converter) scalarString(v any) (string, bool) {
	switch t := v.(type) {
	case string:
		return t, true
	case json.Number:
		return t.String(), true
	case intrinsic:
		return c.eval(t)
	}
	return "", false
}

// render writes an intrinsic in YAML short form, shortened for messages.
func render(t intrinsic) string {
	name := "!" + strings.TrimPrefix(t.fn, "Fn::")
	var arg string
	switch a := t.arg.(type) {
	case string:
		arg = a
	case []any:
		if t.fn == "Fn::GetAtt" && len(a) == 2 {
			if r, ok := a[0].(string); ok {
				if at, ok := a[1].(string); ok {
					arg = r + "." + at
					break
				}
			}
		}
		arg = renderValue(a)
	default:
		arg = renderValue(a)
	}
	out := name + " " + arg
	if len(out) > 120 {
		cut := 119
		for cut > 0 && out[cut]&0xC0 == 0x80 {
			cut--
		}
		out = out[:cut] + "…"
	}
	return out
}

func renderValue(v any) string {
	switch t := v.(type) {
	case intrinsic:
		return render(t)
	case string:
		return t
	case []any:
		parts := make([]string, len(t))
		for i, x := range t {
			parts[i] = renderValue(x)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := sortedKeys(t)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + ": " + renderValue(t[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case nil:
		return "null"
	}
	return fmt.Sprint(v)
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
