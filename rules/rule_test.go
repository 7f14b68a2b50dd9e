package rules

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aiguard/aiguard/configitem"
)

// ruleTestItem decodes a CI written as JSON, failing the test on error.
func ruleTestItem(t testing.TB, ci string) *configitem.Item {
	t.Helper()
	item, err := configitem.Decode([]byte(ci))
	if err != nil {
		t.Fatalf("decode CI: %v\n%s", err, ci)
	}
	return item
}

// ruleTestCI returns an event-shape notebook CI with the given status and
// configuration (a JSON object, or "" for none).
func ruleTestCI(status, resourceType, configuration string) string {
	ci := map[string]any{
		"configurationItemVersion":     "1.3",
		"configurationItemCaptureTime": "2026-11-20T10:15:30.123Z",
		"configurationStateId":         1763633730123,
		"awsAccountId":                 "111122223333",
		"configurationItemStatus":      status,
		"resourceType":                 resourceType,
		"resourceId":                   "fraud-analysis",
		"resourceName":                 "fraud-analysis",
		"ARN":                          "arn:aws:sagemaker:us-east-1:111122223333:notebook-instance/fraud-analysis",
		"awsRegion":                    "us-east-1",
	}
	if configuration != "" {
		ci["configuration"] = json.RawMessage(configuration)
	}
	data, _ := json.Marshal(ci) // a map of plain values always encodes
	return string(data)
}

func TestRuleEvaluate(t *testing.T) {
	called := 0
	r := &Rule{
		ID:            "test-rule",
		ResourceTypes: []string{typeNotebookInstance},
		Trigger:       ChangeTriggered,
		Check: func(item *configitem.Item, p Params) Verdict {
			called++
			if item.Config().Field("Bad").IsTrue() {
				return Fail("Bad is   true;\n fix\tit.")
			}
			return Pass()
		},
	}
	capture := time.Date(2026, 11, 20, 10, 15, 30, 123e6, time.UTC)
	tests := []struct {
		name       string
		status     string
		resType    string
		config     string
		want       Compliance
		annotation string // substring; "" means the annotation must be empty
		wantCalled bool
	}{
		{"OK evaluated", configitem.StatusOK, typeNotebookInstance, `{"Bad":false}`, Compliant, "", true},
		{"discovered evaluated", configitem.StatusResourceDiscovered, typeNotebookInstance, `{"Bad":true}`, NonCompliant,
			"Bad is true; fix it.", true},
		{"deleted", configitem.StatusResourceDeleted, typeNotebookInstance, "", NotApplicable, "deleted", false},
		{"deleted with configuration", configitem.StatusResourceDeleted, typeNotebookInstance, `{"Bad":true}`,
			NotApplicable, "deleted", false},
		{"deleted not recorded", configitem.StatusResourceDeletedNotRecorded, typeNotebookInstance, "", NotApplicable,
			"deleted and not recorded", false},
		{"not recorded", configitem.StatusResourceNotRecorded, typeNotebookInstance, "", NotApplicable, "not recorded", false},
		{"no status", "", typeNotebookInstance, `{"Bad":true}`, NotApplicable, "without a configurationItemStatus", false},
		{"unknown status", "Mystery", typeNotebookInstance, `{"Bad":true}`, NotApplicable, "in status Mystery", false},
		{"lower-case status is not OK", "ok", typeNotebookInstance, `{"Bad":true}`, NotApplicable, "in status ok", false},
		{"out-of-scope type", configitem.StatusOK, "AWS::S3::Bucket", `{"Bad":true}`, NotApplicable,
			"does not evaluate AWS::S3::Bucket", false},
		{"no configuration", configitem.StatusOK, typeNotebookInstance, "", NotApplicable, "no configuration", false},
		{"null configuration", configitem.StatusOK, typeNotebookInstance, "null", NotApplicable, "no configuration", false},
		{"configuration as an empty JSON string", configitem.StatusOK, typeNotebookInstance, `""`, NotApplicable,
			"no configuration", false},
		{"empty configuration is judged", configitem.StatusOK, typeNotebookInstance, "{}", Compliant, "", true},
		{"type case matters", configitem.StatusOK, "aws::sagemaker::notebookinstance", `{"Bad":true}`, NotApplicable,
			"does not evaluate", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			called = 0
			item := ruleTestItem(t, ruleTestCI(tt.status, tt.resType, tt.config))
			ev := r.Evaluate(item, Params{})
			if ev.Compliance != tt.want {
				t.Errorf("Compliance = %s, want %s (annotation %q)", ev.Compliance, tt.want, ev.Annotation)
			}
			if tt.annotation == "" && ev.Annotation != "" {
				t.Errorf("Annotation = %q, want none", ev.Annotation)
			}
			if !strings.Contains(ev.Annotation, tt.annotation) {
				t.Errorf("Annotation = %q, want it to contain %q", ev.Annotation, tt.annotation)
			}
			if (called > 0) != tt.wantCalled {
				t.Errorf("Check called %d times, want called=%v", called, tt.wantCalled)
			}
			if ev.RuleID != "test-rule" || ev.ResourceType != tt.resType || ev.ResourceID != "fraud-analysis" {
				t.Errorf("evaluation identifies %s %s %s", ev.RuleID, ev.ResourceType, ev.ResourceID)
			}
			if !ev.OrderingTimestamp.Equal(capture) {
				t.Errorf("OrderingTimestamp = %v, want the capture time %v", ev.OrderingTimestamp, capture)
			}
		})
	}
}

func TestRuleEvaluatePeriodic(t *testing.T) {
	r := registryTestPeriodic("periodic-rule")
	r.ResourceTypes = []string{typeNotebookInstance}
	ev := r.Evaluate(ruleTestItem(t, ruleTestCI(configitem.StatusOK, typeNotebookInstance, `{}`)), Params{})
	if ev.Compliance != NotApplicable || !strings.Contains(ev.Annotation, "periodic") {
		t.Errorf("periodic rule on a CI: %s %q", ev.Compliance, ev.Annotation)
	}
}

func TestRuleEvaluateChange(t *testing.T) {
	r := registryTestRule("change-rule")
	r.Check = func(*configitem.Item, Params) Verdict { return Fail("always") }
	tests := []struct {
		name      string
		status    string
		leftScope bool
		want      Compliance
		contains  string
	}{
		{"in scope", configitem.StatusOK, false, NonCompliant, "always"},
		{"left scope", configitem.StatusOK, true, NotApplicable, "left the rule's scope"},
		{"left scope and deleted", configitem.StatusResourceDeleted, true, NotApplicable, "left the rule's scope"},
		{"deleted in scope", configitem.StatusResourceDeleted, false, NotApplicable, "deleted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			item := ruleTestItem(t, ruleTestCI(tt.status, typeNotebookInstance, `{}`))
			ev := r.EvaluateChange(item, tt.leftScope, Params{})
			if ev.Compliance != tt.want || !strings.Contains(ev.Annotation, tt.contains) {
				t.Errorf("EvaluateChange = %s %q, want %s containing %q", ev.Compliance, ev.Annotation, tt.want, tt.contains)
			}
			if ev.ResourceID != "fraud-analysis" || ev.OrderingTimestamp.IsZero() || ev.RuleID != "change-rule" {
				t.Errorf("evaluation lost the item's identity: %+v", ev)
			}
		})
	}
}

func TestRuleEvaluateLongAnnotation(t *testing.T) {
	r := registryTestRule("long-rule")
	r.Check = func(*configitem.Item, Params) Verdict { return Fail("%s", strings.Repeat("too long ", 100)) }
	ev := r.Evaluate(ruleTestItem(t, ruleTestCI(configitem.StatusOK, typeNotebookInstance, `{}`)), Params{})
	if n := len([]rune(ev.Annotation)); n > MaxAnnotation {
		t.Errorf("annotation has %d runes, more than %d", n, MaxAnnotation)
	}
}

func TestVerdictHelpers(t *testing.T) {
	if v := Pass(); v.Compliance != Compliant || v.Annotation != "" {
		t.Errorf("Pass() = %+v", v)
	}
	if v := Fail("x is %d", 3); v.Compliance != NonCompliant || v.Annotation != "x is 3" {
		t.Errorf("Fail() = %+v", v)
	}
	if v := Skip("out of %s", "scope"); v.Compliance != NotApplicable || v.Annotation != "out of scope" {
		t.Errorf("Skip() = %+v", v)
	}
}

func TestCovers(t *testing.T) {
	r := registryTestRule("covers", "AWS::SageMaker::Domain", typeNotebookInstance)
	if !r.Covers(typeNotebookInstance) || !r.Covers("AWS::SageMaker::Domain") {
		t.Error("Covers misses a declared type")
	}
	if r.Covers("AWS::SageMaker::Model") || r.Covers("") {
		t.Error("Covers accepts an undeclared type")
	}
}

func TestEvaluationJSON(t *testing.T) {
	ev := Evaluation{
		RuleID: "r", ResourceType: typeNotebookInstance, ResourceID: "id", Compliance: Compliant,
		Annotation: "", OrderingTimestamp: time.Date(2026, 11, 20, 10, 15, 30, 123e6, time.UTC),
	}
	data, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"ruleId":"r","complianceResourceType":"AWS::SageMaker::NotebookInstance","complianceResourceId":"id",` +
		`"complianceType":"COMPLIANT","annotation":"","orderingTimestamp":"2026-11-20T10:15:30.123Z"}`
	if string(data) != want {
		t.Errorf("JSON\n got %s\nwant %s", data, want)
	}
}

// runPeriodic runs catalog rule id with params in env and checks what every
// periodic rule's evaluations must be: of rule id, at env.Time, on a
// resource type the rule declares, with an annotation of 1 to MaxAnnotation
// characters.
func runPeriodic(t *testing.T, id string, env Env, params map[string]string) ([]Evaluation, error) {
	t.Helper()
	r, ok := Catalog().Get(id)
	if !ok {
		t.Fatalf("no rule %s", id)
	}
	p, err := r.ParseParams(params)
	if err != nil {
		t.Fatal(err)
	}
	evals, err := r.Run(context.Background(), env, p)
	for _, e := range evals {
		if e.RuleID != id || !e.OrderingTimestamp.Equal(env.Time) || !r.Covers(e.ResourceType) {
			t.Errorf("evaluation %+v: want rule %s at %v with a type the rule declares", e, id, env.Time)
		}
		if n := utf8.RuneCountInString(e.Annotation); n == 0 || n > MaxAnnotation {
			t.Errorf("annotation of %d characters: %q", n, e.Annotation)
		}
	}
	return evals, err
}

// runAccountLevel runs a periodic rule that reports on AWS::::Account
// (runPeriodic) in account 111122223333.
func runAccountLevel(t *testing.T, id string, sources Sources, params map[string]string) ([]Evaluation, error) {
	t.Helper()
	env := Env{AccountID: "111122223333", Region: "us-east-1", Time: periodicNow, Sources: sources}
	evals, err := runPeriodic(t, id, env, params)
	for _, e := range evals {
		if e.ResourceType != TypeAccount {
			t.Errorf("evaluation %+v: want %s on AWS::::Account", e, id)
		}
	}
	return evals, err
}

// groupRule returns rule id from a registry of group, as the catalog would
// hold it.
func groupRule(t *testing.T, group []*Rule, id string) *Rule {
	t.Helper()
	reg, err := NewRegistry(group...)
	if err != nil {
		t.Fatal(err)
	}
	r, ok := reg.Get(id)
	if !ok {
		t.Fatalf("rule %s not found", id)
	}
	return r
}
