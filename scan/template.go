package scan

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/aiguard/aiguard/configitem"
)

// maxTemplateNodes bounds the nodes a template may expand to, aliases
// included, so that a "billion laughs" document cannot exhaust memory.
const maxTemplateNodes = 1 << 20

// parsedTemplate is a template's resources, as CIs, and what the scan
// should say about the rest.
type parsedTemplate struct {
	resources []templateResource
	notes     []string
}

type templateResource struct {
	logicalID  string
	item       *configitem.Item
	unresolved []unresolvedField
	err        error
}

// unresolvedField is a field of a template resource's CI that holds an
// intrinsic function left unresolved.
type unresolvedField struct {
	path string // the CI path, as rules list them in Rule.Fields
	prop string // where it is in the template, e.g. Properties.KmsKeyId
	expr string // the intrinsic in short form, e.g. !Ref TrainingKey
}

func (u unresolvedField) display() string { return u.prop }

// intrinsic is an unresolved intrinsic function call in a template.
type intrinsic struct {
	fn  string // Ref, Condition, or Fn::Name
	arg any
}

// parseTemplate reads a CloudFormation template and turns each resource of
// a type the rules cover into a CI.
func parseTemplate(name string, data []byte, rs *ruleSet, opts *Options) (*parsedTemplate, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("parse template: %w", err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, errors.New("parse template: want a mapping at the top level")
	}
	b := &treeBuilder{}
	resNode := mappingValue(doc.Content[0], "Resources")
	if resNode == nil || resNode.Kind != yaml.MappingNode {
		return nil, errors.New("template has no Resources mapping")
	}
	out := &parsedTemplate{}
	uncovered := map[string]int{}
	periodicOnly := map[string]bool{}
	type pending struct {
		id    string
		typ   string
		props map[string]any
	}
	var list []pending
	policies := map[string][]any{} // bucket logical ID or name -> raw policy documents
	for i := 0; i+1 < len(resNode.Content); i += 2 {
		id := resNode.Content[i].Value
		body := resNode.Content[i+1]
		if body.Kind != yaml.MappingNode {
			out.resources = append(out.resources, templateResource{logicalID: id, err: errors.New("resource is not a mapping")})
			continue
		}
		typNode := mappingValue(body, "Type")
		if typNode == nil || typNode.Kind != yaml.ScalarNode || typNode.Value == "" {
			out.resources = append(out.resources, templateResource{logicalID: id, err: errors.New("resource has no Type")})
			continue
		}
		typ := typNode.Value
		var props map[string]any
		if pn := mappingValue(body, "Properties"); pn != nil {
			v, err := b.value(pn)
			if err != nil {
				return nil, fmt.Errorf("resource %s: %w", id, err)
			}
			m, ok := v.(map[string]any)
			if !ok {
				out.resources = append(out.resources, templateResource{logicalID: id, err: errors.New("its Properties are not a mapping")})
				continue
			}
			props = m
		}
		if typ == "AWS::S3::BucketPolicy" {
			if key := bucketPolicyTarget(props["Bucket"]); key != "" {
				policies[key] = append(policies[key], props["PolicyDocument"])
			}
			continue
		}
		if len(rs.byType[typ]) == 0 {
			covered := false
			for _, r := range rs.periodic {
				if r.Covers(typ) {
					covered = true
				}
			}
			if covered {
				periodicOnly[typ] = true
			} else {
				uncovered[typ]++
			}
			continue
		}
		list = append(list, pending{id: id, typ: typ, props: props})
	}
	for _, p := range list {
		out.resources = append(out.resources, convertResource(opts, p.id, p.typ, p.props, policies))
	}
	if len(periodicOnly) > 0 {
		out.notes = append(out.notes, fmt.Sprintf("%s: %s resources are judged only by periodic rules, which call "+
			"service APIs and cannot run on a template; skipped", name, strings.Join(sortedKeys(periodicOnly), ", ")))
	}
	if len(uncovered) > 0 {
		n := 0
		for _, c := range uncovered {
			n += c
		}
		out.notes = append(out.notes, fmt.Sprintf("%s: %d resources of types no rule covers (%s)", name, n,
			strings.Join(sortedKeys(uncovered), ", ")))
	}
	return out, nil
}

// convertResource turns one resource's properties into the CI the rules
// judge. policies are the bucket policies of the template, by target.
func convertResource(opts *Options, id, typ string, props map[string]any, policies map[string][]any) templateResource {
	c := newConverter(opts)
	var item *configitem.Item
	var err error
	switch typ {
	case typeS3Bucket:
		item, err = c.s3Bucket(id, props, policies)
	case typeKMSKey:
		item, err = c.kmsKey(id, props)
	default:
		item, err = c.generic(id, typ, props)
	}
	if err != nil {
		return templateResource{logicalID: id, err: err}
	}
	item.Status = configitem.StatusOK
	item.CaptureTime = opts.Now.UTC()
	item.AccountID, item.Region = opts.AccountID, opts.Region
	return templateResource{logicalID: id, item: item, unresolved: c.unresolved}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// mappingValue returns the value node of key in a mapping node.
func mappingValue(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// treeBuilder turns YAML nodes into Go values, keeping intrinsic functions
// (short and long form) as intrinsic values.
type treeBuilder struct {
	nodes int
}

func (b *treeBuilder) value(n *yaml.Node) (any, error) {
	b.nodes++
	if b.nodes > maxTemplateNodes {
		return nil, fmt.Errorf("template expands to more than %d nodes", maxTemplateNodes)
	}
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			return nil, nil
		}
		return b.value(n.Alias)
	}
	if fn, ok := shortFormFn(n.Tag); ok {
		inner := *n
		inner.Tag = ""
		switch n.Kind {
		case yaml.ScalarNode:
			inner.Tag = "!!str"
		case yaml.SequenceNode:
			inner.Tag = "!!seq"
		case yaml.MappingNode:
			inner.Tag = "!!map"
		}
		arg, err := b.value(&inner)
		if err != nil {
			return nil, err
		}
		if fn == "Fn::GetAtt" {
			if s, ok := arg.(string); ok { // !GetAtt Resource.Attribute
				if res, attr, ok := strings.Cut(s, "."); ok {
					arg = []any{res, attr}
				}
			}
		}
		return intrinsic{fn: fn, arg: arg}, nil
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return b.value(n.Content[0])
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := b.value(c)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		out := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			v, err := b.value(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			out[n.Content[i].Value] = v
		}
		if len(out) == 1 {
			for k, v := range out {
				if k == "Ref" || strings.HasPrefix(k, "Fn::") {
					return intrinsic{fn: k, arg: v}, nil
				}
			}
		}
		return out, nil
	case yaml.ScalarNode:
		return scalar(n), nil
	}
	return nil, nil
}

// scalar converts a plain YAML scalar to the JSON value CloudFormation
// would read.
func scalar(n *yaml.Node) any {
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		var v bool
		if n.Decode(&v) == nil {
			return v
		}
	case "!!int", "!!float":
		if json.Valid([]byte(n.Value)) {
			return json.Number(n.Value)
		}
		var f float64
		if n.Decode(&f) == nil {
			return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
		}
	}
	return n.Value
}

// shortFormFn maps a YAML short-form tag (!Ref, !Sub, ...) to the function.
func shortFormFn(tag string) (string, bool) {
	if !strings.HasPrefix(tag, "!") || strings.HasPrefix(tag, "!!") {
		return "", false
	}
	name := tag[1:]
	switch name {
	case "Ref", "Condition":
		return name, true
	case "":
		return "", false
	}
	return "Fn::" + name, true
}

// bucketPolicyTarget returns the bucket a BucketPolicy's Bucket property
// names: "ref:LogicalID" for !Ref, the literal name otherwise.
func bucketPolicyTarget(v any) string {
	switch t := v.(type) {
	case string:
		return "name:" + t
	case intrinsic:
		if s, ok := t.arg.(string); ok && t.fn == "Ref" {
			return "ref:" + s
		}
	}
	return ""
}
