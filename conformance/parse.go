package conformance

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Bounds on what the parser accepts, so that hostile input (deep nesting,
// YAML alias bombs) fails cleanly instead of exhausting the stack or memory.
// Real templates stay far below them.
const (
	maxDepth = 200
	maxNodes = 1 << 20
)

// SyntaxError is a template that cannot be read as YAML or JSON, or whose
// shape is not a template at all.
type SyntaxError struct {
	Line int // 0 when unknown
	Msg  string
}

func (e *SyntaxError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return e.Msg
}

// Parse reads a template from YAML (with CloudFormation's short-form tags
// such as !Ref and !If) or JSON. The error is a *SyntaxError.
func Parse(data []byte) (*Template, error) {
	doc, err := ParseValue(data)
	if err != nil {
		return nil, err
	}
	if doc.Kind != Map {
		return nil, &SyntaxError{Line: doc.Line, Msg: "a template is a mapping with a Resources section; this document is not a mapping"}
	}
	return fromDoc(doc), nil
}

// ParseValue reads a YAML or JSON document into a Value.
func ParseValue(data []byte) (*Value, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) > 0 && t[0] == '{' {
		v, err := parseJSON(data)
		if err == nil {
			return v, nil
		}
		// Not JSON after all (YAML flow mappings start with { too): fall
		// back to YAML, but report the JSON error if that fails as well.
		if yv, yerr := parseYAML(data); yerr == nil {
			return yv, nil
		}
		return nil, err
	}
	return parseYAML(data)
}

// --- YAML ---

func parseYAML(data []byte) (v *Value, err error) {
	// yaml.v3 has panicked on malformed input in the past; a template
	// linter must never crash on what a user hands it.
	defer func() {
		if r := recover(); r != nil {
			v, err = nil, &SyntaxError{Msg: fmt.Sprintf("YAML: %v", r)}
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var root yaml.Node
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &SyntaxError{Msg: "empty document"}
		}
		return nil, yamlError(err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, &SyntaxError{Line: extra.Line, Msg: "more than one YAML document; a template is a single document"}
	} else if !errors.Is(err, io.EOF) {
		return nil, yamlError(err)
	}
	c := &yamlConv{}
	return c.node(&root, 0)
}

// yamlError turns "yaml: line 3: mapping values are not allowed" into a
// SyntaxError for line 3.
func yamlError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var line int
	if n, _ := fmt.Sscanf(msg, "line %d:", &line); n == 1 {
		if i := strings.Index(msg, ": "); i >= 0 {
			msg = msg[i+2:]
		}
	}
	return &SyntaxError{Line: line, Msg: "YAML: " + msg}
}

type yamlConv struct{ nodes int }

// shortForms maps CloudFormation's YAML tags to the long form key.
var shortForms = map[string]string{
	"!Ref": "Ref", "!Condition": "Condition",
	"!And": "Fn::And", "!Base64": "Fn::Base64", "!Cidr": "Fn::Cidr", "!Equals": "Fn::Equals",
	"!FindInMap": "Fn::FindInMap", "!ForEach": "Fn::ForEach", "!GetAZs": "Fn::GetAZs", "!GetAtt": "Fn::GetAtt",
	"!If": "Fn::If", "!ImportValue": "Fn::ImportValue", "!Join": "Fn::Join", "!Length": "Fn::Length",
	"!Not": "Fn::Not", "!Or": "Fn::Or", "!Select": "Fn::Select", "!Split": "Fn::Split", "!Sub": "Fn::Sub",
	"!ToJsonString": "Fn::ToJsonString", "!Transform": "Fn::Transform",
}

func (c *yamlConv) node(n *yaml.Node, depth int) (*Value, error) {
	c.nodes++
	if c.nodes > maxNodes {
		return nil, &SyntaxError{Line: n.Line, Msg: fmt.Sprintf("more than %d values (YAML aliases expanding without bound?)", maxNodes)}
	}
	if depth > maxDepth {
		return nil, &SyntaxError{Line: n.Line, Msg: fmt.Sprintf("nested more than %d levels deep", maxDepth)}
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, &SyntaxError{Msg: "empty document"}
		}
		return c.node(n.Content[0], depth)
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil, &SyntaxError{Line: n.Line, Msg: "YAML alias without anchor"}
		}
		v, err := c.node(n.Alias, depth+1)
		if err != nil {
			return nil, err
		}
		cp := *v
		cp.Line = n.Line
		return &cp, nil
	}
	if long, ok := shortForms[n.Tag]; ok {
		return c.shortForm(n, long, depth)
	}
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		return nil, &SyntaxError{Line: n.Line, Msg: fmt.Sprintf("unknown YAML tag %s; CloudFormation's short forms are !Ref, !If, !Sub, !GetAtt, ...", n.Tag)}
	}
	switch n.Kind {
	case yaml.ScalarNode:
		return scalar(n), nil
	case yaml.SequenceNode:
		v := &Value{Kind: List, Line: n.Line, Items: make([]*Value, 0, len(n.Content))}
		for _, it := range n.Content {
			x, err := c.node(it, depth+1)
			if err != nil {
				return nil, err
			}
			v.Items = append(v.Items, x)
		}
		return v, nil
	case yaml.MappingNode:
		v := &Value{Kind: Map, Line: n.Line, Fields: make([]Field, 0, len(n.Content)/2)}
		seen := make(map[string]int, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode {
				return nil, &SyntaxError{Line: k.Line, Msg: "a mapping key must be a plain string"}
			}
			if first, dup := seen[k.Value]; dup {
				return nil, &SyntaxError{Line: k.Line, Msg: fmt.Sprintf("duplicate key %q (first at line %d)", k.Value, first)}
			}
			seen[k.Value] = k.Line
			x, err := c.node(val, depth+1)
			if err != nil {
				return nil, err
			}
			v.Fields = append(v.Fields, Field{Key: k.Value, Value: x, Line: k.Line})
		}
		return v, nil
	}
	return nil, &SyntaxError{Line: n.Line, Msg: "unsupported YAML node"}
}

// shortForm reads !Ref X, !If [...], !GetAtt a.b and the like into their
// long form.
func (c *yamlConv) shortForm(n *yaml.Node, long string, depth int) (*Value, error) {
	plain := *n
	plain.Tag = ""
	if n.Kind == yaml.ScalarNode {
		plain.Tag = "!!str" // !Ref 123 names "123"
	}
	arg, err := c.node(&plain, depth+1)
	if err != nil {
		return nil, err
	}
	if long == "Fn::GetAtt" && arg.Kind == String {
		// !GetAtt Resource.Attribute; attributes may contain dots
		// themselves, the logical ID cannot.
		res, attr, _ := strings.Cut(arg.Text, ".")
		arg = &Value{Kind: List, Line: arg.Line, Items: []*Value{
			{Kind: String, Text: res, Line: arg.Line}, {Kind: String, Text: attr, Line: arg.Line}}}
	}
	return &Value{Kind: Map, Line: n.Line, Fields: []Field{{Key: long, Value: arg, Line: n.Line}}}, nil
}

func scalar(n *yaml.Node) *Value {
	v := &Value{Line: n.Line, Text: n.Value}
	switch n.ShortTag() {
	case "!!null":
		v.Kind, v.Text = Null, ""
	case "!!bool":
		v.Kind = Bool
		v.Text = strings.ToLower(n.Value)
		if v.Text != "true" && v.Text != "false" { // !!bool on something odd
			v.Kind, v.Text = String, n.Value
		}
	case "!!int", "!!float":
		v.Kind = Number
	default: // !!str, !!timestamp (2010-09-09 is a string to CloudFormation), !!binary
		v.Kind = String
	}
	return v
}

// --- JSON ---

func parseJSON(data []byte) (*Value, error) {
	p := &jsonParser{data: data, dec: json.NewDecoder(bytes.NewReader(data))}
	p.dec.UseNumber()
	p.index()
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	if _, err := p.dec.Token(); !errors.Is(err, io.EOF) {
		return nil, &SyntaxError{Line: p.line(p.start()), Msg: "JSON: data after the template's closing brace"}
	}
	return v, nil
}

type jsonParser struct {
	data  []byte
	dec   *json.Decoder
	lines []int // offsets of line starts
	nodes int
}

func (p *jsonParser) index() {
	p.lines = append(p.lines, 0)
	for i, b := range p.data {
		if b == '\n' {
			p.lines = append(p.lines, i+1)
		}
	}
}

func (p *jsonParser) line(off int) int {
	return sort.Search(len(p.lines), func(i int) bool { return p.lines[i] > off })
}

// start returns the offset of the next token: the decoder's offset is the
// end of the previous one.
func (p *jsonParser) start() int {
	off := int(p.dec.InputOffset())
	for off < len(p.data) {
		switch p.data[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
			continue
		}
		break
	}
	return off
}

func (p *jsonParser) err(off int, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off = int(se.Offset)
	}
	return &SyntaxError{Line: p.line(off), Msg: "JSON: " + err.Error()}
}

func (p *jsonParser) value(depth int) (*Value, error) {
	p.nodes++
	off := p.start()
	ln := p.line(off)
	if depth > maxDepth {
		return nil, &SyntaxError{Line: ln, Msg: fmt.Sprintf("nested more than %d levels deep", maxDepth)}
	}
	tok, err := p.dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, p.err(off, err)
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			v := &Value{Kind: Map, Line: ln}
			seen := map[string]int{}
			for p.dec.More() {
				koff := p.start()
				kt, err := p.dec.Token()
				if err != nil {
					return nil, p.err(koff, err)
				}
				key, _ := kt.(string)
				kl := p.line(koff)
				if first, dup := seen[key]; dup {
					return nil, &SyntaxError{Line: kl, Msg: fmt.Sprintf("duplicate key %q (first at line %d)", key, first)}
				}
				seen[key] = kl
				x, err := p.value(depth + 1)
				if err != nil {
					return nil, err
				}
				v.Fields = append(v.Fields, Field{Key: key, Value: x, Line: kl})
			}
			if _, err := p.dec.Token(); err != nil {
				return nil, p.err(p.start(), err)
			}
			return v, nil
		case '[':
			v := &Value{Kind: List, Line: ln}
			for p.dec.More() {
				x, err := p.value(depth + 1)
				if err != nil {
					return nil, err
				}
				v.Items = append(v.Items, x)
			}
			if _, err := p.dec.Token(); err != nil {
				return nil, p.err(p.start(), err)
			}
			return v, nil
		}
		return nil, &SyntaxError{Line: ln, Msg: fmt.Sprintf("JSON: unexpected %q", t)}
	case string:
		return &Value{Kind: String, Text: t, Line: ln}, nil
	case json.Number:
		return &Value{Kind: Number, Text: string(t), Line: ln}, nil
	case bool:
		return &Value{Kind: Bool, Text: fmt.Sprint(t), Line: ln}, nil
	case nil:
		return &Value{Kind: Null, Line: ln}, nil
	}
	return nil, &SyntaxError{Line: ln, Msg: fmt.Sprintf("JSON: unexpected token %v", tok)}
}
