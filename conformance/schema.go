package conformance

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/aiguard/aiguard/internal/cfnspec"
	"github.com/aiguard/aiguard/internal/suggest"
)

// A Schema checks templates against the CloudFormation resource
// specification; cfnschema.Validator is the one aiguard uses. It is an
// interface so that what only reads and builds templates (the rule Lambda's
// CloudFormation hook) links no JSON Schema compiler.
type Schema interface {
	// Validate checks a template given as decoded JSON (Value.JSON).
	Validate(template any) []cfnspec.Violation
	// Known reports whether a resource type is in the specification.
	Known(resourceType string) bool
}

// schema validates the document against the CloudFormation resource
// specification and reports each violation at the resource (or parameter,
// condition) it concerns.
func (c *checker) schema(v Schema) {
	for _, vi := range v.Validate(c.doc.JSON()) {
		if vi.Resource != "" {
			if r := c.resources[vi.Resource]; r != nil && r.Type != TypeConfigRule && r.Type != TypeRemediation &&
				v.Known(r.Type) {
				continue // pack-resource-type already says the resource must go
			}
		}
		elems := splitPointer(vi.Pointer)
		if vi.Resource == "" && resourcesShape(elems, vi.Message) {
			continue // structure() says it in plainer words
		}
		at, path := locate(c.doc, elems)
		if strings.HasPrefix(vi.Message, "unknown property") {
			// Point at the unknown key itself rather than its parent.
			if v := valueAt(c.doc, elems); v != nil {
				for _, m := range quotedName.FindAllStringSubmatch(vi.Message, 1) {
					if f, ok := v.Field(m[1]); ok && f.Line > 0 {
						at = f.Pos
					}
				}
			}
		}
		loc := vi.Resource
		if loc == "" && len(elems) >= 2 {
			loc = elems[1]
		}
		msg := vi.Message + c.suggestProperty(vi, elems)
		if path != "" {
			msg = path + ": " + msg
		}
		c.add(SeverityError, "pack-schema", loc, at, "%s (CloudFormation resource schema)", msg)
	}
}

var quotedName = regexp.MustCompile(`"([^"]+)"`)

// suggestProperty adds "did you mean" to an unknown property of a
// resource: the closest property the type defines at that place.
func (c *checker) suggestProperty(vi cfnspec.Violation, elems []string) string {
	r := c.resources[vi.Resource]
	if r == nil || !strings.HasPrefix(vi.Message, "unknown property") {
		return ""
	}
	// /Resources/ID/Properties/A/0/B → A [] B
	var path []string
	if len(elems) > 3 && elems[2] == "Properties" {
		for _, e := range elems[3:] {
			if _, err := strconv.Atoi(e); err == nil {
				path = append(path, "[]")
			} else {
				path = append(path, e)
			}
		}
	} else if len(elems) < 3 || elems[2] != "Properties" {
		return ""
	}
	names := cfnspec.PropertyNames(r.Type, path)
	for _, m := range quotedName.FindAllStringSubmatch(vi.Message, -1) {
		if s := suggest.Closest(m[1], names); s != "" && s != m[1] {
			return " (did you mean " + s + "?)"
		}
	}
	return ""
}

// valueAt returns the value at a JSON pointer's elements, or nil.
func valueAt(v *Value, elems []string) *Value {
	for _, e := range elems {
		switch {
		case v == nil:
			return nil
		case v.Kind == Map:
			v = v.Get(e)
		case v.Kind == List:
			n, err := strconv.Atoi(e)
			if err != nil || n < 0 || n >= len(v.Items) {
				return nil
			}
			v = v.Items[n]
		default:
			return nil
		}
	}
	return v
}

// resourcesShape reports whether a template-level violation is about the
// Resources section's own shape, which structure() checks.
func resourcesShape(elems []string, msg string) bool {
	if len(elems) == 0 {
		return strings.Contains(msg, `"Resources"`)
	}
	return elems[0] == "Resources" && len(elems) <= 2
}

func splitPointer(p string) []string {
	if p == "" {
		return nil
	}
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for i, s := range parts {
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
	}
	return parts
}

// locate finds the position of the value at elems and a readable path to
// it below its resource or parameter (Properties.Source.SourceDetails[1]).
func locate(doc *Value, elems []string) (Pos, string) {
	v, line := doc, doc.Pos
	var path strings.Builder
	for i, e := range elems {
		switch v.Kind {
		case Map:
			f, ok := v.Field(e)
			if !ok {
				return line, path.String()
			}
			v, line = f.Value, f.Pos
			if i >= 2 {
				if path.Len() > 0 {
					path.WriteByte('.')
				}
				path.WriteString(e)
			}
		case List:
			n, err := strconv.Atoi(e)
			if err != nil || n < 0 || n >= len(v.Items) {
				return line, path.String()
			}
			v = v.Items[n]
			if v.Line > 0 {
				line = v.Pos
			}
			fmt.Fprintf(&path, "[%d]", n)
		default:
			return line, path.String()
		}
	}
	return line, path.String()
}
