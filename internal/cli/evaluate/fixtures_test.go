package evaluate

// The rule fixtures (package rulecases) through `aiguard evaluate`: each
// runs as `aiguard evaluate --ci - --rule <rule-id> --params JSON --format
// json`, and again wrapped in a Config rule Lambda event (`--event -`). The
// coverage test then checks that every rule in the catalog has the cases
// the fixture convention asks for.

import (
	"encoding/json"
	"fmt"
	"maps"
	"sort"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/internal/testenv/rulecases"
	"github.com/aiguard/aiguard/rules"
)

// TestRuleFixtures runs every fixture through `aiguard evaluate`.
func TestRuleFixtures(t *testing.T) {
	reg := rules.Catalog()
	for _, f := range rulecases.Load(t) {
		t.Run(f.Name, func(t *testing.T) {
			if _, ok := reg.Get(f.RuleID); !ok {
				t.Fatalf("%s: the folder names no rule in the catalog (%s)", f.Path, suggestion(reg, f.RuleID))
			}
			// As `aiguard evaluate --ci - --rule ID --params JSON`.
			res := runEval(t, Options{CIFile: "-", RuleIDs: []string{f.RuleID}, Params: f.ParamsJSON()}, string(f.CI))
			ev := check(t, f, "--ci", res)

			// The same item in a Lambda event, parameters from the event,
			// must give the same evaluation.
			if ev == nil {
				return
			}
			res = runEval(t, Options{EventFile: "-", RuleIDs: []string{f.RuleID}}, fixtureEvent(t, f))
			if res.err != nil {
				t.Fatalf("%s wrapped in a Lambda event: exit %d: %s", f.Path, res.code, strings.TrimSpace(res.stderr))
			}
			if evals := checkEvaluationJSON(t, res.stdout); len(evals) != 1 || !maps.Equal(evals[0], ev) {
				t.Errorf("%s: --ci and --event disagree:\n   --ci %v\n--event %s", f.Path, ev, res.stdout)
			}
		})
	}
}

// check asserts one run's result and returns its evaluation.
func check(t *testing.T, f *rulecases.Case, how string, res evalResult) (ev map[string]any) {
	t.Helper()
	if res.err != nil {
		t.Errorf("%s (%s): exit %d: %s", f.Path, how, res.code, strings.TrimSpace(res.stderr))
		return nil
	}
	defer func() {
		if t.Failed() {
			ev = nil // compare the event path only with a correct result
		}
	}()
	evals := checkEvaluationJSON(t, res.stdout)
	if len(evals) != 1 {
		t.Errorf("%s (%s): %d evaluations, want 1: %s", f.Path, how, len(evals), res.stdout)
		return nil
	}
	ev = evals[0]
	str := func(k string) string { s, _ := ev[k].(string); return s }
	f.Check(t, how, rulecases.Verdict{RuleID: str("ruleId"), ResourceType: str("complianceResourceType"),
		ResourceID: str("complianceResourceId"), Compliance: str("complianceType"), Annotation: str("annotation")})
	return ev
}

// fixtureEvent wraps the fixture's CI in a ConfigurationItemChangeNotification
// event whose rule parameters are the fixture's, plus ruleId.
func fixtureEvent(t *testing.T, f *rulecases.Case) string {
	t.Helper()
	invoking, err := json.Marshal(map[string]any{
		"configurationItem":        f.CI,
		"messageType":              "ConfigurationItemChangeNotification",
		"notificationCreationTime": "2026-11-20T10:15:31.000Z",
		"recordVersion":            "1.3",
	})
	if err != nil {
		t.Fatalf("%s: %v", f.Path, err)
	}
	ruleParams := map[string]string{"ruleId": f.RuleID}
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
		"configRuleName": f.RuleID,
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
	fixtures := rulecases.Load(t)

	verdicts := map[string]map[rules.Compliance]int{} // rule ID -> verdict -> cases
	apiShape := map[string]int{}                      // resource type -> API-shape cases
	for _, f := range fixtures {
		if verdicts[f.RuleID] == nil {
			verdicts[f.RuleID] = map[rules.Compliance]int{}
		}
		verdicts[f.RuleID][rules.Compliance(f.Expect)]++
		if f.APIShape {
			apiShape[f.Item.ResourceType]++
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
