package conformance

// Resource types a conformance pack template may contain (and no other).
const (
	TypeConfigRule    = "AWS::Config::ConfigRule"
	TypeRemediation   = "AWS::Config::RemediationConfiguration"
	FormatVersion2010 = "2010-09-09"
)

// File is a CloudFormation template as Parse reads it: its sections, with
// the positions the checks report. (The generator builds templates as a
// Template and writes them with its Marshal.)
type File struct {
	// FormatVersion is AWSTemplateFormatVersion; empty to leave it out.
	FormatVersion string
	Description   string
	Parameters    []*Parameter
	Conditions    []*Condition
	Resources     []*Resource
	// Other holds any other top-level section (Metadata, Mappings, Outputs,
	// Rules, Transform, ...) as read.
	Other []Field

	// doc is the document as parsed, for checks that need its exact shape.
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
func (t *File) Resource(id string) *Resource {
	for _, r := range t.Resources {
		if r.LogicalID == id {
			return r
		}
	}
	return nil
}

// ConfigRules returns the AWS::Config::ConfigRule resources, in template
// order.
func (t *File) ConfigRules() []*Resource {
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
func fromDoc(doc *Value) *File {
	t := &File{doc: doc}
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

// Document returns the template as a single Value: the document as parsed.
func (t *File) Document() *Value { return t.doc }
