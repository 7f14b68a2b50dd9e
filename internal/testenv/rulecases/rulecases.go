// Package rulecases reads the rule fixtures, the one set of test cases
// every rule's tests share (as cfn-lint's templates are): each file
// testdata/rules/<rule-id>/<case>.json holds one configuration item and the
// verdict the rule must give it,
//
//	{"description": "...", "params": {"name": "value"}, "expect": "NON_COMPLIANT",
//	 "annotationContains": ["..."], "ci": {...}}
//
// Load reads and checks them all; Case.Check judges an evaluation of a case,
// whichever path produced it (the CLI, the Lambda handler, the bootstrap
// under the emulator). The package does not import rules, so that the
// rules package's own tests can use it.
package rulecases

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/configitem"
	"github.com/aiguard/aiguard/internal/testenv/refdata"
)

// The verdicts a case may expect (rules.Compliance's values that a rule
// gives a configuration item).
const (
	Compliant     = "COMPLIANT"
	NonCompliant  = "NON_COMPLIANT"
	NotApplicable = "NOT_APPLICABLE"
)

// Case is one fixture file.
type Case struct {
	Description        string            `json:"description"`
	Params             map[string]string `json:"params"`
	Expect             string            `json:"expect"`
	AnnotationContains []string          `json:"annotationContains"`
	CI                 json.RawMessage   `json:"ci"`

	// Path is the file's slash path from the module root, for messages.
	Path string `json:"-"`
	// RuleID is the folder's name; Name is <rule-id>/<case>, for subtests.
	RuleID, Name string `json:"-"`
	// Item is the decoded CI.
	Item *configitem.Item `json:"-"`
	// APIShape is set when the CI is in the API shape, with configuration
	// as a JSON-encoded string.
	APIShape bool `json:"-"`
}

// Load reads every case, sorted by path. A file that does not follow the
// convention fails tb and is left out; no case at all is fatal.
func Load(tb testing.TB) []*Case {
	tb.Helper()
	root := refdata.ModuleRoot(tb)
	paths, err := filepath.Glob(filepath.Join(root, "testdata", "rules", "*", "*.json"))
	if err != nil {
		tb.Fatal(err)
	}
	if len(paths) == 0 {
		tb.Fatal("no rule fixtures under testdata/rules")
	}
	var out []*Case
	for _, path := range paths {
		rel, err := filepath.Rel(root, path)
		if err != nil {
			tb.Fatal(err)
		}
		c, err := read(path, filepath.ToSlash(rel))
		if err != nil {
			tb.Errorf("%s: %v", filepath.ToSlash(rel), err)
			continue
		}
		out = append(out, c)
	}
	return out
}

func read(path, rel string) (*Case, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c := &Case{Path: rel, RuleID: filepath.Base(filepath.Dir(path))}
	c.Name = c.RuleID + "/" + strings.TrimSuffix(filepath.Base(path), ".json")
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(c); err != nil {
		return nil, fmt.Errorf("not a rule fixture (want {description, params?, expect, annotationContains?, ci}; "+
			"params values are strings): %v", err)
	}
	var problems []string
	if strings.TrimSpace(c.Description) == "" {
		problems = append(problems, "no description")
	}
	switch c.Expect {
	case Compliant, NonCompliant, NotApplicable:
	default:
		problems = append(problems, fmt.Sprintf("expect is %q, want %s, %s or %s", c.Expect, Compliant, NonCompliant, NotApplicable))
	}
	if ci := bytes.TrimSpace(c.CI); len(ci) == 0 || ci[0] != '{' {
		problems = append(problems, "ci is missing or not an object")
	} else if c.Item, err = configitem.Decode(c.CI); err != nil {
		problems = append(problems, fmt.Sprintf("ci does not decode: %v", err))
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	var shape struct {
		Configuration json.RawMessage `json:"configuration"`
	}
	_ = json.Unmarshal(c.CI, &shape) // the CI decoded above, so it is an object
	c.APIShape = bytes.HasPrefix(bytes.TrimSpace(shape.Configuration), []byte(`"`))
	return c, nil
}

// ParamsJSON is the case's parameters as the --params flag and a rule's
// parameters take them; empty without parameters.
func (c *Case) ParamsJSON() string {
	if len(c.Params) == 0 {
		return ""
	}
	data, _ := json.Marshal(c.Params) // a map of strings always encodes
	return string(data)
}

// Verdict is what an evaluation of a case says, whatever produced it.
type Verdict struct {
	RuleID, ResourceType, ResourceID string
	Compliance, Annotation           string
}

// Check fails tb when v is not what the case expects: its verdict, the
// annotation's expected phrases (a NON_COMPLIANT verdict must say what to
// change), and the rule and resource it names. how says which path
// produced v.
func (c *Case) Check(tb testing.TB, how string, v Verdict) {
	tb.Helper()
	prefix := fmt.Sprintf("rule %s, fixture %s (%s)", c.RuleID, c.Path, how)
	if v.Compliance != c.Expect {
		tb.Errorf("%s: %s, want %s (%s)\nannotation: %s", prefix, v.Compliance, c.Expect, c.Description, v.Annotation)
	}
	if v.RuleID != c.RuleID || v.ResourceType != c.Item.ResourceType || v.ResourceID != c.Item.ResourceID {
		tb.Errorf("%s: evaluation names %s %s %s, want %s %s %s", prefix,
			v.RuleID, v.ResourceType, v.ResourceID, c.RuleID, c.Item.ResourceType, c.Item.ResourceID)
	}
	if c.Expect == NonCompliant && v.Annotation == "" {
		tb.Errorf("%s: NON_COMPLIANT without an annotation saying what to change", prefix)
	}
	for _, want := range c.AnnotationContains {
		if !strings.Contains(v.Annotation, want) {
			tb.Errorf("%s: annotation %q does not contain %q", prefix, v.Annotation, want)
		}
	}
}
