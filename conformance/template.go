package conformance

// Resource types a conformance pack template may contain (and no other).
const (
	TypeConfigRule    = "AWS::Config::ConfigRule"
	TypeRemediation   = "AWS::Config::RemediationConfiguration"
	FormatVersion2010 = "2010-09-09"
)

// Template is a CloudFormation template as conformance packs use it. Parse
// reads one; the generator builds one and writes it with Marshal.
type Template struct {
	// FormatVersion is AWSTemplateFormatVersion; empty to leave it out.
	FormatVersion string
	Description   string
	Parameters    []*Parameter
	Conditions    []*Condition
	Resources     []*Resource
	// Other holds any other top-level section (Metadata, Mappings, Outputs,
	// Rules, Transform, ...) as read.
	Other []Field

	// doc is the document as parsed, for checks that need its exact shape;
	// nil for a template built in code.
	doc *Value
}

// Parameter is a template parameter.
type Parameter struct {
	Name        string
	Type        string // String for every parameter of AWS's sample packs
	Default     *Value // nil: no default
	Description string
	// Other holds the remaining attributes (AllowedValues, AllowedPattern,
	// NoEcho, ...).
	Other []Field
	Pos
}

// Condition is a named condition of the Conditions section.
type Condition struct {
	Name string
	Expr *Value
	Pos
}

// Resource is a template resource.
type Resource struct {
	LogicalID  string
	Type       string
	Condition  string   // name of the condition the resource depends on, or ""
	DependsOn  []string // logical IDs
	Properties *Value   // a map; nil when absent
	// Other holds the remaining attributes (Metadata, DeletionPolicy, ...).
	Other []Field
	Pos
}

// Resource returns the resource with the logical ID, or nil.
func (t *Template) Resource(id string) *Resource {
	for _, r := range t.Resources {
		if r.LogicalID == id {
			return r
		}
	}
	return nil
}

// ConfigRules returns the AWS::Config::ConfigRule resources, in template
// order.
func (t *Template) ConfigRules() []*Resource {
	var out []*Resource
	for _, r := range t.Resources {
		if r.Type == TypeConfigRule {
			out = append(out, r)
		}
	}
	return out
}

// fromDoc builds the typed view of a parsed document. It is lenient: parts
// of the wrong shape are left out of the view (and reported by Lint from the
// document itself).
func fromDoc(doc *Value) *Template {
	t := &Template{doc: doc}
	for _, f := range doc.Fields {
		switch f.Key {
		case "AWSTemplateFormatVersion":
			t.FormatVersion, _ = f.Value.Scalar()
		case "Description":
			t.Description, _ = f.Value.Scalar()
		case "Parameters":
			for _, p := range mapFields(f.Value) {
				t.Parameters = append(t.Parameters, parameterFrom(p))
			}
		case "Conditions":
			for _, c := range mapFields(f.Value) {
				t.Conditions = append(t.Conditions, &Condition{Name: c.Key, Expr: c.Value, Pos: c.Pos})
			}
		case "Resources":
			for _, r := range mapFields(f.Value) {
				t.Resources = append(t.Resources, resourceFrom(r))
			}
		default:
			t.Other = append(t.Other, f)
		}
	}
	return t
}

func mapFields(v *Value) []Field {
	if v == nil || v.Kind != Map {
		return nil
	}
	return v.Fields
}

func parameterFrom(f Field) *Parameter {
	p := &Parameter{Name: f.Key, Pos: f.Pos}
	for _, a := range mapFields(f.Value) {
		switch a.Key {
		case "Type":
			p.Type, _ = a.Value.Scalar()
		case "Default":
			p.Default = a.Value
		case "Description":
			p.Description, _ = a.Value.Scalar()
		default:
			p.Other = append(p.Other, a)
		}
	}
	return p
}

func resourceFrom(f Field) *Resource {
	r := &Resource{LogicalID: f.Key, Pos: f.Pos}
	for _, a := range mapFields(f.Value) {
		switch a.Key {
		case "Type":
			r.Type, _ = a.Value.Scalar()
		case "Condition":
			r.Condition, _ = a.Value.Scalar()
		case "DependsOn":
			if s, ok := a.Value.Scalar(); ok {
				r.DependsOn = []string{s}
			} else if a.Value.Kind == List {
				for _, it := range a.Value.Items {
					if s, ok := it.Scalar(); ok {
						r.DependsOn = append(r.DependsOn, s)
					}
				}
			}
		case "Properties":
			r.Properties = a.Value
		default:
			r.Other = append(r.Other, a)
		}
	}
	return r
}

// Document returns the template as a single Value: the document as parsed
// when the template was read with Parse, else one built from the fields.
func (t *Template) Document() *Value {
	if t.doc != nil {
		return t.doc
	}
	return t.build()
}

// build assembles the document from the typed fields.
func (t *Template) build() *Value {
	doc := &Value{Kind: Map}
	add := func(k string, v *Value) { doc.Fields = append(doc.Fields, F(k, v)) }
	if t.FormatVersion != "" {
		add("AWSTemplateFormatVersion", Str(t.FormatVersion))
	}
	if t.Description != "" {
		add("Description", Str(t.Description))
	}
	if len(t.Parameters) > 0 {
		ps := &Value{Kind: Map}
		for _, p := range t.Parameters {
			body := &Value{Kind: Map}
			if p.Type != "" {
				body.Fields = append(body.Fields, F("Type", Str(p.Type)))
			}
			if p.Default != nil {
				body.Fields = append(body.Fields, F("Default", p.Default))
			}
			if p.Description != "" {
				body.Fields = append(body.Fields, F("Description", Str(p.Description)))
			}
			body.Fields = append(body.Fields, p.Other...)
			ps.Fields = append(ps.Fields, F(p.Name, body))
		}
		add("Parameters", ps)
	}
	if len(t.Conditions) > 0 {
		cs := &Value{Kind: Map}
		for _, c := range t.Conditions {
			cs.Fields = append(cs.Fields, F(c.Name, c.Expr))
		}
		add("Conditions", cs)
	}
	if len(t.Resources) == 0 {
		doc.Fields = append(doc.Fields, t.Other...)
		return doc
	}
	rs := &Value{Kind: Map}
	for _, r := range t.Resources {
		body := &Value{Kind: Map}
		body.Fields = append(body.Fields, F("Type", Str(r.Type)))
		if r.Condition != "" {
			body.Fields = append(body.Fields, F("Condition", Str(r.Condition)))
		}
		switch len(r.DependsOn) {
		case 0:
		case 1:
			body.Fields = append(body.Fields, F("DependsOn", Str(r.DependsOn[0])))
		default:
			body.Fields = append(body.Fields, F("DependsOn", Strs(r.DependsOn...)))
		}
		if r.Properties != nil {
			body.Fields = append(body.Fields, F("Properties", r.Properties))
		}
		body.Fields = append(body.Fields, r.Other...)
		rs.Fields = append(rs.Fields, F(r.LogicalID, body))
	}
	add("Resources", rs)
	doc.Fields = append(doc.Fields, t.Other...)
	return doc
}
