package policygen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"unicode"
)

// PolicyVersion is the only current IAM policy language version.
const PolicyVersion = "2012-10-17"

// Strings is a list of policy values. A list of one marshals as a plain
// string, as IAM allows, which saves characters in size-limited SCPs.
type Strings []string

// MarshalJSON writes one value as a string and several as an array.
func (s Strings) MarshalJSON() ([]byte, error) {
	if len(s) == 1 {
		return marshal(s[0])
	}
	return marshal([]string(s))
}

// sorted returns the values sorted and without duplicates: generated
// policies list values in one order so runs are byte-identical.
func sorted(values ...string) Strings {
	out := slices.Clone(values)
	slices.Sort(out)
	return slices.Compact(out)
}

// Condition maps a condition operator to its keys and their values.
// encoding/json writes map keys sorted, so a Condition marshals the same
// way every time.
type Condition map[string]map[string]Strings

// add sets op/key to values (sorted, without duplicates) and returns c so
// that builders can chain calls.
func (c Condition) add(op, key string, values ...string) Condition {
	if c[op] == nil {
		c[op] = map[string]Strings{}
	}
	c[op][key] = sorted(append(c[op][key], values...)...)
	return c
}

// clone returns a copy of c that add can change without changing c.
func (c Condition) clone() Condition {
	out := Condition{}
	for op, keys := range c {
		for k, v := range keys {
			out.add(op, k, v...)
		}
	}
	return out
}

// Principal is the Principal element of a trust policy. SCPs and
// permission boundaries never carry one.
type Principal struct {
	Service Strings `json:"Service,omitempty"`
}

// Statement is one IAM policy statement. Exactly one of Action and
// NotAction, and at most one of Resource and NotResource, is set.
type Statement struct {
	Sid         string     `json:"Sid,omitempty"`
	Effect      string     `json:"Effect"`
	Principal   *Principal `json:"Principal,omitempty"`
	Action      Strings    `json:"Action,omitempty"`
	NotAction   Strings    `json:"NotAction,omitempty"`
	Resource    Strings    `json:"Resource,omitempty"`
	NotResource Strings    `json:"NotResource,omitempty"`
	Condition   Condition  `json:"Condition,omitempty"`
}

// Document is an IAM policy document: an SCP, a permission boundary, an
// identity policy or a trust policy.
type Document struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Effects.
const (
	allow = "Allow"
	deny  = "Deny"
)

// denyAll returns a Deny statement on every resource.
func denyAll(sid string, actions []string, cond Condition) Statement {
	return Statement{Sid: sid, Effect: deny, Action: sorted(actions...), Resource: Strings{"*"}, Condition: nonEmpty(cond)}
}

// nonEmpty returns nil for an empty condition so that it is left out.
func nonEmpty(c Condition) Condition {
	if len(c) == 0 {
		return nil
	}
	return c
}

// marshal encodes v as compact JSON without HTML escaping: IAM counts
// characters, and "\u003c" would count six times for "<".
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// Minified returns the document as compact JSON, the form whose length
// Organizations counts against the SCP size limit (every character counts,
// whitespace included).
func (d Document) Minified() ([]byte, error) {
	b, err := marshal(d)
	if err != nil {
		return nil, fmt.Errorf("encode policy: %w", err)
	}
	return b, nil
}

// Indented returns the document as indented JSON ending in a newline, for
// policies whose limit does not count whitespace (IAM managed and inline
// policies).
func (d Document) Indented() ([]byte, error) {
	return indent(d)
}

// indent encodes v as JSON indented by two spaces, with a final newline.
func indent(v any) ([]byte, error) {
	b, err := marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode JSON: %w", err)
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		return nil, fmt.Errorf("indent JSON: %w", err)
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// statementSize is the length of one statement in minified JSON.
func statementSize(s Statement) (int, error) {
	b, err := marshal(s)
	if err != nil {
		return 0, fmt.Errorf("encode statement %s: %w", s.Sid, err)
	}
	return len(b), nil
}

// NonWhitespaceLen counts the characters IAM counts against the managed
// policy limit: everything but white space.
func NonWhitespaceLen(b []byte) int {
	n := 0
	for _, r := range string(b) {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}
