package conformance

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/aiguard/aiguard/internal/jsonpos"
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
	Pos // zero when unknown
	Msg string
}

func (e *SyntaxError) Error() string {
	switch {
	case e.Line > 0 && e.Column > 0:
		return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Msg)
	case e.Line > 0:
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return e.Msg
}

func syntaxErr(at Pos, format string, args ...any) *SyntaxError {
	return &SyntaxError{Pos: at, Msg: fmt.Sprintf(format, args...)}
}

// Parse reads a template from YAML (with CloudFormation's short-form tags
// such as !Ref and !If) or JSON. The error is a *SyntaxError.
func Parse(data []byte) (*File, error) {
	doc, err := ParseValue(data)
	if err != nil {
		return nil, err
	}
	if doc.Kind != Map {
		return nil, syntaxErr(doc.Pos, "a template is a mapping with a Resources section; this document is not a mapping")
	}
	return fromDoc(doc), nil
}

// ParseValue reads a YAML or JSON document into a Value. A document that
// starts as a JSON object does (a brace, then a quoted key) is JSON and
// must be valid JSON, as CloudFormation requires: it is not read again as
// YAML, which would accept a trailing comma. Other documents are YAML
// (a flow mapping {Resources: ...} among them).
func ParseValue(data []byte) (*Value, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if LooksLikeJSON(data) {
		return parseJSON(data)
	}
	return parseYAML(data)
}

// LooksLikeJSON reports whether data starts as a JSON object: a brace and
// then a quoted key or the closing brace.
func LooksLikeJSON(data []byte) bool {
	t := bytes.TrimLeft(data, " \t\r\n")
	if len(t) == 0 || t[0] != '{' {
		return false
	}
	t = bytes.TrimLeft(t[1:], " \t\r\n")
	return len(t) == 0 || t[0] == '"' || t[0] == '}'
}

// --- YAML ---

func parseYAML(data []byte) (v *Value, err error) {
	// yaml.v3 has panicked on malformed input in the past; a template
	// linter must never crash on what a user hands it.
	defer func() {
		if r := recover(); r != nil {
			v, err = nil, syntaxErr(Pos{}, "YAML: %v", r)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var root yaml.Node
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, syntaxErr(Pos{}, "empty document")
		}
		return nil, yamlError(data, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, syntaxErr(nodePos(&extra), "more than one YAML document; a template is a single document")
	} else if !errors.Is(err, io.EOF) {
		return nil, yamlError(data, err)
	}
	c := &yamlConv{}
	return c.node(&root, 0)
}

// yamlError turns "yaml: line 3: mapping values are not allowed" into a
// SyntaxError for the line where the document really breaks: yaml.v3 names
// the line where the enclosing block starts (line 2 for an indentation
// error on line 14), so the line is found again by reading ever longer
// prefixes of the document.
func yamlError(data []byte, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var line int
	if n, _ := fmt.Sscanf(msg, "line %d:", &line); n == 1 {
		if i := strings.Index(msg, ": "); i >= 0 {
			msg = msg[i+2:]
		}
	}
	if at := firstBadLine(data); at > line {
		line = at
	}
	return syntaxErr(Pos{Line: line}, "YAML: %s", msg)
}

// firstBadLine returns the first line n such that the document's first n
// lines do not parse while its first n-1 do, by bisection; 0 when the
// lines cannot say (a document that fails only as a whole).
func firstBadLine(data []byte) int {
	var starts []int // offset just past each line
	for i, c := range data {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		starts = append(starts, len(data))
	}
	ok := func(n int) bool {
		if n == 0 {
			return true
		}
		var doc yaml.Node
		err := yamlDecodeSafe(data[:starts[n-1]], &doc)
		return err == nil
	}
	lo, hi := 0, len(starts) // ok(lo); !ok(hi), as the whole failed
	if ok(hi) {
		return 0
	}
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if ok(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi
}

func yamlDecodeSafe(data []byte, v *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	return nil
}

func nodePos(n *yaml.Node) Pos { return Pos{Line: n.Line, Column: n.Column} }

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
		return nil, syntaxErr(nodePos(n), "more than %d values (YAML aliases expanding without bound?)", maxNodes)
	}
	if depth > maxDepth {
		return nil, syntaxErr(nodePos(n), "nested more than %d levels deep", maxDepth)
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, syntaxErr(Pos{}, "empty document")
		}
		return c.node(n.Content[0], depth)
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil, syntaxErr(nodePos(n), "YAML alias without anchor")
		}
		v, err := c.node(n.Alias, depth+1)
		if err != nil {
			return nil, err
		}
		cp := *v
		cp.Pos = nodePos(n)
		return &cp, nil
	}
	if long, ok := shortForms[n.Tag]; ok {
		return c.shortForm(n, long, depth)
	}
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		return nil, syntaxErr(nodePos(n), "unknown YAML tag %s; CloudFormation's short forms are !Ref, !If, !Sub, !GetAtt, ...", n.Tag)
	}
	switch n.Kind {
	case yaml.ScalarNode:
		return scalar(n), nil
	case yaml.SequenceNode:
		v := &Value{Kind: List, Pos: nodePos(n), Items: make([]*Value, 0, len(n.Content))}
		for _, it := range n.Content {
			x, err := c.node(it, depth+1)
			if err != nil {
				return nil, err
			}
			v.Items = append(v.Items, x)
		}
		return v, nil
	case yaml.MappingNode:
		v := &Value{Kind: Map, Pos: nodePos(n), Fields: make([]Field, 0, len(n.Content)/2)}
		seen := make(map[string]int, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode {
				return nil, syntaxErr(nodePos(k), "a mapping key must be a plain string")
			}
			if first, dup := seen[k.Value]; dup {
				return nil, syntaxErr(nodePos(k), "duplicate key %q (first at line %d)", k.Value, first)
			}
			seen[k.Value] = k.Line
			x, err := c.node(val, depth+1)
			if err != nil {
				return nil, err
			}
			v.Fields = append(v.Fields, Field{Key: k.Value, Value: x, Pos: nodePos(k)})
		}
		return v, nil
	}
	return nil, syntaxErr(nodePos(n), "unsupported YAML node")
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
		arg = &Value{Kind: List, Pos: arg.Pos, Items: []*Value{
			{Kind: String, Text: res, Pos: arg.Pos}, {Kind: String, Text: attr, Pos: arg.Pos}}}
	}
	return &Value{Kind: Map, Pos: nodePos(n), Fields: []Field{{Key: long, Value: arg, Pos: nodePos(n)}}}, nil
}

func scalar(n *yaml.Node) *Value {
	v := &Value{Pos: nodePos(n), Text: n.Value}
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

// parseJSON reads a JSON template strictly (no trailing comma), keeping
// the position of every value and refusing duplicate keys, which JSON
// decoders would silently resolve to the last one.
func parseJSON(data []byte) (*Value, error) {
	res, err := jsonpos.Parse(data, jsonpos.Options{MaxDepth: maxDepth})
	if err != nil {
		var se *jsonpos.SyntaxError
		if errors.As(err, &se) {
			return nil, syntaxErr(Pos{Line: se.Line, Column: se.Column}, "JSON: %s", se.Msg)
		}
		return nil, syntaxErr(Pos{}, "JSON: %v", err)
	}
	lines := jsonpos.NewLines(data)
	return fromJSON(res.Root, func(off int) Pos {
		l, c := lines.Pos(off)
		return Pos{Line: l, Column: c}
	})
}

// fromJSON converts a parsed JSON value into a Value, keeping the order of
// object keys; at gives the position of an offset (nil: none).
func fromJSON(n *jsonpos.Node, at func(off int) Pos) (*Value, error) {
	pos := func(off int) Pos {
		if at == nil {
			return Pos{}
		}
		return at(off)
	}
	v := &Value{Pos: pos(n.Off), Text: n.Text}
	switch n.Kind {
	case jsonpos.Null:
		v.Kind = Null
	case jsonpos.Bool:
		v.Kind = Bool
	case jsonpos.Number:
		v.Kind = Number
	case jsonpos.String:
		v.Kind = String
	case jsonpos.Array:
		v.Kind = List
		v.Items = make([]*Value, 0, len(n.Elems))
		for _, e := range n.Elems {
			x, err := fromJSON(e, at)
			if err != nil {
				return nil, err
			}
			v.Items = append(v.Items, x)
		}
	case jsonpos.Object:
		v.Kind = Map
		v.Fields = make([]Field, 0, len(n.Members))
		seen := make(map[string]Pos, len(n.Members))
		for _, m := range n.Members {
			kp := pos(m.Off)
			if first, dup := seen[m.Name]; dup {
				return nil, syntaxErr(kp, "duplicate key %q (first at line %d)", m.Name, first.Line)
			}
			seen[m.Name] = kp
			x, err := fromJSON(m.Val, at)
			if err != nil {
				return nil, err
			}
			v.Fields = append(v.Fields, Field{Key: m.Name, Value: x, Pos: kp})
		}
	}
	return v, nil
}
