package conformance

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// topOrder is the conventional order of a template's sections; other
// sections follow in alphabetical order.
var topOrder = []string{
	"AWSTemplateFormatVersion", "Description", "Metadata", "Transform", "Parameters", "Rules",
	"Mappings", "Conditions", "Resources", "Outputs",
}

// resourceOrder puts a resource's Type first, as people read it.
var resourceOrder = []string{"Type", "Condition", "DependsOn", "Properties"}

// MarshalValue writes a Value as YAML. The output is deterministic: every
// map has its keys sorted and lists keep their order; with template, the
// top level and the resources are laid out as CloudFormation templates
// usually are: the sections in the conventional order, resources sorted by
// logical ID, each starting with Type, Condition, DependsOn and Properties.
// Intrinsic functions are written in their long form (Ref:, Fn::If:), as
// in AWS's sample packs.
func MarshalValue(v *Value, template bool) ([]byte, error) {
	n := toNode(v, levelOther)
	if template {
		n = toNode(v, levelTop)
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return nil, fmt.Errorf("encode template: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode template: %w", err)
	}
	return buf.Bytes(), nil
}

type level int

const (
	levelOther     level = iota
	levelTop             // the template
	levelResources       // the Resources map
	levelResource        // one resource
)

func toNode(v *Value, lv level) *yaml.Node {
	if v == nil {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
	}
	switch v.Kind {
	case String:
		n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v.Text}
		if strings.Contains(v.Text, "\n") {
			n.Style = yaml.LiteralStyle
		}
		return n
	case Number:
		tag := "!!float"
		if !strings.ContainsAny(v.Text, ".eE") {
			tag = "!!int"
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: v.Text}
	case Bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: v.Text}
	case List:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for _, it := range v.Items {
			n.Content = append(n.Content, toNode(it, levelOther))
		}
		return n
	case Map:
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		for _, f := range orderFields(v.Fields, lv) {
			child := levelOther
			switch {
			case lv == levelTop && f.Key == "Resources":
				child = levelResources
			case lv == levelResources:
				child = levelResource
			}
			n.Content = append(n.Content,
				&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: f.Key},
				toNode(f.Value, child))
		}
		return n
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
}

func orderFields(fs []Field, lv level) []Field {
	out := make([]Field, len(fs))
	copy(out, fs)
	var first []string
	switch lv {
	case levelTop:
		first = topOrder
	case levelResource:
		first = resourceOrder
	}
	rank := func(k string) int {
		for i, f := range first {
			if f == k {
				return i
			}
		}
		return len(first)
	}
	sort.SliceStable(out, func(i, j int) bool {
		ri, rj := rank(out[i].Key), rank(out[j].Key)
		if ri != rj {
			return ri < rj
		}
		return out[i].Key < out[j].Key
	})
	return out
}
