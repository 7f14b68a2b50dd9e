package orgspec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/aiguard/aiguard/rules"
)

// MaxSize is the largest spec file aiguard reads. A spec of 1,000 teams is
// about 1.5 MB; anything much larger is not a hand-written spec.
const MaxSize = 8 << 20

// Options controls parsing. The zero value validates against the shipped
// rule catalog at the current time.
type Options struct {
	// Registry is the rule catalog rule IDs and parameters are checked
	// against (nil: rules.Catalog()).
	Registry *rules.Registry
	// Now decides which exceptions have expired (zero: time.Now()).
	Now time.Time
}

// Load reads and parses the spec file at path.
func Load(path string) (*Spec, error) { return Options{}.Load(path) }

// Parse parses a spec; name is the file name used in error positions.
// On failure the error is an Errors listing every problem found.
func Parse(name string, data []byte) (*Spec, error) { return Options{}.Parse(name, data) }

// Load reads and parses the spec file at path.
func (o Options) Load(path string) (*Spec, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read spec: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("read spec %s: %w", path, err)
	}
	return o.Parse(path, data)
}

// Parse parses a spec; name is the file name used in error positions.
// On failure the error is an Errors listing every problem found, sorted
// by position. Warnings of a valid spec are in Spec.Warnings.
func (o Options) Parse(name string, data []byte) (*Spec, error) {
	reg := o.Registry
	if reg == nil {
		reg = rules.Catalog()
	}
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	c := &collector{file: name}
	spec := &Spec{file: name, registry: reg, now: now}
	if root := readYAML(c, data); root != nil {
		d := newDecoder(c, reg)
		d.structValue(root, reflect.ValueOf(spec).Elem(), "")
		spec.pos = d.pos
		if !d.exhausted {
			spec.validate(c)
		}
	}
	errs, warnings := c.result()
	if errs != nil {
		return nil, errs
	}
	spec.warnings = warnings
	return spec, nil
}

// readYAML checks that data is a plausible YAML text and parses it to its
// root node, a mapping. It reports the problem and returns nil otherwise.
func readYAML(c *collector, data []byte) *yaml.Node {
	start := Pos{1, 1}
	switch {
	case len(data) > MaxSize:
		c.errorf(start, "the file is larger than %d MiB; an organization spec is a hand-written YAML file of a few hundred KB", MaxSize>>20)
		return nil
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}), bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		c.errorf(start, "the file is UTF-16; save it as UTF-8")
		return nil
	case bytes.IndexByte(data, 0) >= 0:
		c.errorf(start, "this is not a text file (it contains NUL bytes); an organization spec is YAML")
		return nil
	case !utf8.Valid(data):
		c.errorf(invalidUTF8(data), "the file is not valid UTF-8 here; save it as UTF-8")
		return nil
	case len(bytes.TrimSpace(data)) == 0:
		c.errorf(start, "the file is empty; `aiguard validate` without --config checks the built-in example, a starting point")
		return nil
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := safeDecode(dec, &doc); err != nil {
		if errors.Is(err, io.EOF) {
			c.errorf(start, "the file holds no YAML document (only comments?)")
		} else {
			p, msg := syntaxError(err, data)
			c.errorf(p, "%s", msg)
		}
		return nil
	}
	var next yaml.Node
	if err := safeDecode(dec, &next); err == nil {
		c.errorf(Pos{next.Line, next.Column}, "a second YAML document starts here; keep one spec per file")
		return nil
	} else if !errors.Is(err, io.EOF) {
		p, msg := syntaxError(err, data)
		c.errorf(p, "%s", msg)
		return nil
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		c.errorf(start, "the file holds no YAML document (only comments?)")
		return nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		c.errorf(posOf(root), "top level: got %s, want a mapping with apiVersion, organization, defaults and teams", what(root))
		return nil
	}
	return root
}

// safeDecode turns a panic in the YAML parser into an error: a spec is
// user input, and no input may crash aiguard.
func safeDecode(dec *yaml.Decoder, n *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: the YAML parser failed on this file (%v)", r)
		}
	}()
	return dec.Decode(n)
}

var yamlLine = regexp.MustCompile(`^yaml: line ([0-9]+): `)

// parserProblems are the yaml.v3 errors raised by its parser rather than
// its scanner, each with the construct it was parsing. yaml.v3 reports
// their line 0-based, at the start of that construct; scanner errors are
// reported 1-based. Neither carries a column.
var parserProblems = map[string]string{
	"did not find expected ',' or ']'":       "in the [...] list that starts here; close it with ]",
	"did not find expected ',' or '}'":       "in the {...} mapping that starts here; close it with }",
	"did not find expected key":              "in the mapping that starts here; check the indentation of the lines below",
	"did not find expected '-' indicator":    "in the list that starts here; check the indentation of the lines below",
	"did not find expected node content":     "",
	"did not find expected <document start>": "",
	"did not find expected <stream-start>":   "",
	"found undefined tag handle":             "",
	"found duplicate %YAML directive":        "",
	"found duplicate %TAG directive":         "",
	"found incompatible YAML document":       "",
}

// syntaxError turns a yaml.v3 error into a position and a message.
func syntaxError(err error, data []byte) (Pos, string) {
	msg := err.Error()
	line := 0 // as yaml.v3 reports it
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = msg[len(m[0]):]
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	p := Pos{Line: max(line, 1), Column: 1}
	context, isParser := parserProblems[msg]
	if isParser {
		p.Line = line + 1
		if context != "" {
			msg += " (" + context + ")"
		}
	}
	text := lineText(data, p.Line)
	switch {
	case strings.Contains(msg, "tab character") || strings.Contains(msg, "cannot start any token"):
		// The scanner reports the line its token started on; the tab is
		// at most a few lines below.
		for l := p.Line; l < p.Line+3; l++ {
			t := lineText(data, l)
			if i := strings.IndexByte(t, '\t'); i >= 0 && strings.TrimLeft(t[:i], " ") == "" {
				p = Pos{Line: l, Column: i + 1}
				msg += " (YAML does not allow tabs for indentation; use spaces)"
				break
			}
		}
	case strings.Contains(msg, "']'") && strings.Contains(text, "["):
		p.Column = strings.LastIndex(text, "[") + 1
	case strings.Contains(msg, "'}'") && strings.Contains(text, "{"):
		p.Column = strings.LastIndex(text, "{") + 1
	default:
		p.Column = len(text) - len(strings.TrimLeft(text, " ")) + 1
	}
	return p, "YAML syntax error: " + msg
}

// lineText returns line n (1-based) of data, or "".
func lineText(data []byte, n int) string {
	for i := 1; i < n; i++ {
		j := bytes.IndexByte(data, '\n')
		if j < 0 {
			return ""
		}
		data = data[j+1:]
	}
	if j := bytes.IndexByte(data, '\n'); j >= 0 {
		data = data[:j]
	}
	return strings.TrimSuffix(string(data), "\r")
}

// invalidUTF8 returns the position of the first byte that is not UTF-8.
func invalidUTF8(data []byte) Pos {
	p := Pos{1, 1}
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if r == utf8.RuneError && size <= 1 {
			return p
		}
		if r == '\n' {
			p.Line++
			p.Column = 1
		} else {
			p.Column++
		}
		data = data[size:]
	}
	return p
}
