package conformance

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/aiguard/aiguard/internal/cfnschema"
)

// schema validates the document against the CloudFormation resource
// specification and reports each violation at the resource (or parameter,
// condition) it concerns.
func (c *checker) schema(v *cfnschema.Validator) {
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
		loc := vi.Resource
		if loc == "" && len(elems) >= 2 {
			loc = elems[1]
		}
		msg := vi.Message
		if path != "" {
			msg = path + ": " + msg
		}
		c.add(SeverityError, "pack-schema", loc, at, "%s (CloudFormation resource schema)", msg)
	}
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
