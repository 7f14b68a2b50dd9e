package evaluate

// The rule fixture runner. Every file testdata/rules/<rule-id>/<case>.json
// holds one configuration item and the verdict the rule must give it:
//
//	{"description": "...", "params": {"name": "value"}, "expect": "NON_COMPLIANT",
//	 "annotationContains": ["..."], "ci": {...}}
//
// Each runs through the same path as
// `aiguard evaluate --ci - --rule <rule-id> --params JSON --format json`,
// and again wrapped in a Config rule Lambda event (`--event -`). The
// coverage test then checks that every rule in the catalog has the cases
// the fixture convention asks for.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/configitem"
	"github.com/aiguard/aiguard/internal/testenv/refdata"
	"github.com/aiguard/aiguard/rules"
)

// ruleFixture is one file under testdata/rules/<rule-id>/.
type ruleFixture struct {
	Description        string            `json:"description"`
	Params             map[string]string `json:"params"`
	Expect             rules.Compliance  `json:"expect"`
	AnnotationContains []string          `json:"annotationContains"`
	CI                 json.RawMessage   `json:"ci"`

	// Set by loadFixtures.
	path   string
	ruleID string
}

// apiShape reports whether the fixture's CI is in the API shape, with
// configuration as a JSON-encoded string.
func (f *ruleFixture) apiShape() bool {
	var ci struct {
		Configuration json.RawMessage `json:"configuration"`
	}
	if json.Unmarshal(f.CI, &ci) != nil {
		return false
	}
	c := bytes.TrimSpace(ci.Configuration)
	return len(c) > 0 && c[0] == '"'
}

// loadFixtures reads every fixture. A file that does not follow the
// convention fails the test.
func loadFixtures(t *testing.T) []*ruleFixture {
	t.Helper()
	root := refdata.ModuleRoot(t)
	dir := filepath.Join(root, "testdata", "rules")
	paths, err := filepath.Glob(filepath.Join(dir, "*", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var out []*ruleFixture
	for _, path := range paths {
		rel, _ := filepath.Rel(root, path)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		f := &ruleFixture{path: filepath.ToSlash(rel), ruleID: filepath.Base(filepath.Dir(path))}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(f); err != nil {
			t.Errorf("%s: not a rule fixture (want {description, params?, expect, annotationContains?, ci}; "+
				"params values are strings): %v", f.path, err)
			continue
		}
		var problems []string
		if strings.TrimSpace(f.Description) == "" {
			problems = append(problems, "no description")
		}
		switch f.Expect {
		case rules.Compliant, rules.NonCompliant, rules.NotApplicable:
		default:
			problems = append(problems, fmt.Sprintf("expect is %q, want COMPLIANT, NON_COMPLIANT or NOT_APPLICABLE", f.Expect))
		}
		if c := bytes.TrimSpace(f.CI); len(c) == 0 || c[0] != '{' {
			problems = append(problems, "ci is missing or not an object")
		}
		if len(problems) > 0 {
			t.Errorf("%s: %s", f.path, strings.Join(problems, "; "))
			continue
		}
		out = append(out, f)
	}
	return out
}

// TestRuleFixtures runs every fixture through `aiguard evaluate`.
func TestRuleFixtures(t *testing.T) {
	reg := rules.Catalog()
	fixtures := loadFixtures(t)
	if len(fixtures) == 0 {
		t.Fatal("no fixtures under testdata/rules")
	}
	for _, f := range fixtures {
		t.Run(strings.TrimSuffix(strings.TrimPrefix(f.path, "testdata/rules/"), ".json"), func(t *testing.T) {
			if _, ok := reg.Get(f.ruleID); !ok {
				t.Fatalf("%s: the folder names no rule in the catalog (%s)", f.path, suggestion(reg, f.ruleID))
			}
			item, err := configitem.Decode(f.CI)
			if err != nil {
				t.Fatalf("%s: ci does not decode: %v", f.path, err)
			}
			var params string
			if len(f.Params) > 0 {
				data, _ := json.Marshal(f.Params) // a map of strings always encodes
				params = string(data)
			}

			// As `aiguard evaluate --ci - --rule ID --params JSON`.
			res := runEval(t, Options{CIFile: "-", RuleIDs: []string{f.ruleID}, Params: params}, string(f.CI))
			ev := f.check(t, "--ci", res, item)

			// The same item in a Lambda event, parameters from the event,
			// must give the same evaluation.
			if ev == nil {
				return
			}
			res = runEval(t, Options{EventFile: "-", RuleIDs: []string{f.ruleID}}, fixtureEvent(t, f))
			if res.err != nil {
				t.Fatalf("%s wrapped in a Lambda event: exit %d: %s", f.path, res.code, strings.TrimSpace(res.stderr))
			}
			if evals := checkEvaluationJSON(t, res.stdout); len(evals) != 1 || !maps.Equal(evals[0], ev) {
				t.Errorf("%s: --ci and --event disagree:\n   --ci %v\n--event %s", f.path, ev, res.stdout)
			}
		})
	}
}

// check asserts one run's result and returns its evaluation.
func (f *ruleFixture) check(t *testing.T, how string, res evalResult, item *configitem.Item) (ev map[string]any) {
	t.Helper()
	if res.err != nil {
		t.Errorf("%s (%s): exit %d: %s", f.path, how, res.code, strings.TrimSpace(res.stderr))
		return nil
	}
	defer func() {
		if t.Failed() {
			ev = nil // compare the event path only with a correct result
		}
	}()
	evals := checkEvaluationJSON(t, res.stdout)
	if len(evals) != 1 {
		t.Errorf("%s (%s): %d evaluations, want 1: %s", f.path, how, len(evals), res.stdout)
		return nil
	}
	ev = evals[0]
	annotation, _ := ev["annotation"].(string)
	if got := rules.Compliance(fmt.Sprint(ev["complianceType"])); got != f.Expect {
		t.Errorf("%s (%s): %s, want %s (%s)\nannotation: %s", f.path, how, got, f.Expect, f.Description, annotation)
	}
	if ev["ruleId"] != f.ruleID || ev["complianceResourceType"] != item.ResourceType || ev["complianceResourceId"] != item.ResourceID {
		t.Errorf("%s (%s): evaluation names %v %v %v, want %s %s %s", f.path, how,
			ev["ruleId"], ev["complianceResourceType"], ev["complianceResourceId"], f.ruleID, item.ResourceType, item.ResourceID)
	}
	if f.Expect == rules.NonCompliant && annotation == "" {
		t.Errorf("%s (%s): NON_COMPLIANT without an annotation saying what to change", f.path, how)
	}
	for _, want := range f.AnnotationContains {
		if !strings.Contains(annotation, want) {
			t.Errorf("%s (%s): annotation %q does not contain %q", f.path, how, annotation, want)
		}
	}
	return ev
}

// fixtureEvent wraps the fixture's CI in a ConfigurationItemChangeNotification
// event whose rule parameters are the fixture's, plus ruleId.
func fixtureEvent(t *testing.T, f *ruleFixture) string {
	t.Helper()
	invoking, err := json.Marshal(map[string]any{
		"configurationItem":        f.CI,
		"messageType":              "ConfigurationItemChangeNotification",
		"notificationCreationTime": "2026-11-20T10:15:31.000Z",
		"recordVersion":            "1.3",
	})
	if err != nil {
		t.Fatalf("%s: %v", f.path, err)
	}
	ruleParams := map[string]string{"ruleId": f.ruleID}
	for k, v := range f.Params {
		ruleParams[k] = v
	}
	rp, _ := json.Marshal(ruleParams) // a map of strings always encodes
	event, _ := json.Marshal(map[string]any{
		"invokingEvent":  string(invoking),
		"ruleParameters": string(rp),
		"resultToken":    "fixture-result-token",
		"eventLeftScope": false,
		"configRuleArn":  "arn:aws:config:us-east-1:111122223333:config-rule/config-rule-fixture",
		"configRuleName": f.ruleID,
		"accountId":      "111122223333",
		"version":        "1.0",
	})
	return string(event)
}

func suggestion(reg *rules.Registry, id string) string {
	if s := reg.Suggest(id); s != "" {
		return "did you mean " + s + "?"
	}
	return "`aiguard rules list` shows the catalog"
}

// TestRuleFixtureCoverage checks that the fixtures cover the catalog as the
// convention asks: every change-triggered rule has at least one COMPLIANT,
// one NON_COMPLIANT and one NOT_APPLICABLE case, and every resource type such
// a rule covers has at least one case in the API shape (configuration as a
// JSON string). The failure lists exactly what is missing.
func TestRuleFixtureCoverage(t *testing.T) {
	reg := rules.Catalog()
	fixtures := loadFixtures(t)

	verdicts := map[string]map[rules.Compliance]int{} // rule ID -> verdict -> cases
	apiShape := map[string]int{}                      // resource type -> API-shape cases
	for _, f := range fixtures {
		if verdicts[f.ruleID] == nil {
			verdicts[f.ruleID] = map[rules.Compliance]int{}
		}
		verdicts[f.ruleID][f.Expect]++
		if f.apiShape() {
			var ci struct {
				ResourceType string `json:"resourceType"`
			}
			_ = json.Unmarshal(f.CI, &ci) // loadFixtures checked it is an object
			apiShape[ci.ResourceType]++
		}
	}

	var missing []string
	typeRules := map[string][]string{} // resource type -> change-triggered rules covering it
	for _, r := range reg.All() {
		if r.Trigger == rules.Periodic || r.Check == nil {
			// Periodic rules judge service APIs, not CIs: they have no CI
			// fixtures, and their tests run against local endpoints
			// (rules/sagemaker_periodic_test.go, lambda/periodic_test.go).
			continue
		}
		for _, rt := range r.ResourceTypes {
			typeRules[rt] = append(typeRules[rt], r.ID)
		}
		var lacks []string
		for _, c := range []rules.Compliance{rules.Compliant, rules.NonCompliant, rules.NotApplicable} {
			if verdicts[r.ID][c] == 0 {
				lacks = append(lacks, string(c))
			}
		}
		if len(lacks) > 0 {
			missing = append(missing, fmt.Sprintf("rule %s has no %s fixture (add them under testdata/rules/%s/)",
				r.ID, strings.Join(lacks, ", no "), r.ID))
		}
	}
	types := make([]string, 0, len(typeRules))
	for rt := range typeRules {
		types = append(types, rt)
	}
	sort.Strings(types)
	for _, rt := range types {
		if apiShape[rt] == 0 {
			missing = append(missing, fmt.Sprintf("resource type %s (rules %s) has no API-shape fixture "+
				"(a CI with arn, accountId and configuration as a JSON-encoded string)", rt, strings.Join(typeRules[rt], ", ")))
		}
	}
	for ruleID := range verdicts {
		if _, ok := reg.Get(ruleID); !ok {
			missing = append(missing, fmt.Sprintf("testdata/rules/%s/ names no rule in the catalog (%s)", ruleID, suggestion(reg, ruleID)))
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Error(m)
	}
	t.Logf("%d fixtures for %d rules; %d resource types", len(fixtures), len(verdicts), len(types))
}
