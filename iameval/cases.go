package iameval

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Case is one request of a requests file, the input of aiguard simulate
// and the form of the attacker's matrix the generator writes
// (policies/<team>/tests.json): a JSON array of these objects.
type Case struct {
	// ID names the request in the output.
	ID string `json:"id"`
	// Team selects the team whose generated policies decide the request;
	// empty for the organization's own policies (the root's SCPs).
	Team      string `json:"team,omitempty"`
	Principal string `json:"principal"`
	Action    string `json:"action"`
	Resource  string `json:"resource"`
	// Context maps condition keys to a string or an array of strings.
	Context Values `json:"context,omitempty"`
	// Boundary says the principal carries the team's permission boundary
	// (a role the team created, or an execution role).
	Boundary bool `json:"boundary,omitempty"`
	// Expect, when set, is the decision the policies must make: "allow"
	// or "deny"; ExpectSid, when set, the Sid of the Deny that must make
	// it. aiguard simulate --check compares them.
	Expect    string `json:"expect,omitempty"`
	ExpectSid string `json:"expectSid,omitempty"`
	// Control and Description say what the request proves.
	Control     string `json:"control,omitempty"`
	Description string `json:"description,omitempty"`
}

// Values are condition key values: in JSON a string or an array of
// strings per key.
type Values map[string][]string

// UnmarshalJSON reads a string or an array of strings per key.
func (v *Values) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return errors.New("context: want an object of condition keys")
	}
	out := Values{}
	for k, r := range raw {
		var one string
		if err := json.Unmarshal(r, &one); err == nil {
			out[k] = []string{one}
			continue
		}
		var many []string
		if err := json.Unmarshal(r, &many); err != nil {
			return fmt.Errorf("context key %s: want a string or an array of strings", k)
		}
		out[k] = many
	}
	*v = out
	return nil
}

// MarshalJSON writes one value as a string and several as an array, keys
// sorted.
func (v Values) MarshalJSON() ([]byte, error) {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		b.Write(kb)
		b.WriteByte(':')
		var val any = v[k]
		if len(v[k]) == 1 {
			val = v[k][0]
		}
		vb, err := json.Marshal(val)
		if err != nil {
			return nil, err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Request is the case as a request to decide.
func (c Case) Request() Request {
	return Request{Principal: c.Principal, Action: c.Action, Resource: c.Resource, Context: c.Context}
}

// ReadCases reads a requests file: a JSON array of Case objects. Unknown
// fields, a missing id, action or resource, a duplicate id and an expect
// other than allow or deny are errors naming the request.
func ReadCases(r io.Reader) ([]Case, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var cases []Case
	if err := dec.Decode(&cases); err != nil {
		return nil, fmt.Errorf("requests: %w", err)
	}
	if cases == nil {
		return nil, errors.New("requests: want a JSON array of requests, got null")
	}
	// More is false before "]" and "}", so look for the end of the input.
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("requests: text after the JSON array")
	}
	seen := map[string]bool{}
	for i, c := range cases {
		where := fmt.Sprintf("request %d", i+1)
		if c.ID != "" {
			where += " (" + c.ID + ")"
		}
		switch {
		case c.ID == "":
			return nil, fmt.Errorf("%s: no id", where)
		case seen[c.ID]:
			return nil, fmt.Errorf("%s: the id is used by an earlier request", where)
		case c.Action == "":
			return nil, fmt.Errorf("%s: no action", where)
		case c.Resource == "":
			return nil, fmt.Errorf("%s: no resource (give its ARN, or \"*\")", where)
		case c.Expect != "" && c.Expect != "allow" && c.Expect != "deny":
			return nil, fmt.Errorf("%s: expect %q: want allow or deny", where, c.Expect)
		case strings.ContainsAny(c.Action, "*?"):
			return nil, fmt.Errorf("%s: action %q: a request names one action, without wildcards", where, c.Action)
		}
		seen[c.ID] = true
	}
	return cases, nil
}

// WriteCases writes cases as an indented JSON array ending in a newline.
func WriteCases(cases []Case) ([]byte, error) {
	if cases == nil {
		cases = []Case{}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(cases); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Mismatch says how a decision differs from the case's expectation, or ""
// when it matches (or the case expects nothing).
func (c Case) Mismatch(d Decision) string {
	got := "allow"
	if d.Denied() {
		got = "deny"
	}
	switch {
	case c.Expect == "":
		return ""
	case d.Uncertain:
		return fmt.Sprintf("want %s, got may deny (%s)", c.Expect, d.DeniedBy())
	case got != c.Expect:
		if got == "deny" {
			return fmt.Sprintf("want allow, got deny by %s", d.DeniedBy())
		}
		return "want deny, got allow"
	case c.ExpectSid != "" && d.Sid != c.ExpectSid:
		return fmt.Sprintf("want deny by Sid %s, got deny by %s", c.ExpectSid, d.DeniedBy())
	}
	return ""
}
