package deploy

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/aiguard/aiguard/cloudtrail"
	"github.com/aiguard/aiguard/conformance"
	"github.com/aiguard/aiguard/detections"
	"github.com/aiguard/aiguard/internal/testenv/ctgen"
	"github.com/aiguard/aiguard/internal/testenv/ebpattern"
	"github.com/aiguard/aiguard/packgen"
)

func rulesOf(t *testing.T, tmpl conformance.Template) []ebpattern.Rule {
	t.Helper()
	rules, err := ebpattern.TemplateRules(tmpl)
	if err != nil {
		t.Fatal(err)
	}
	return rules
}

// TestDeployedDetectionsAgree checks the deployed path of the single-event
// detections against the catalog, on the scenario's attacks, near misses
// and noise: an event reaches the detections bus (a forwarder rule matches
// it) and a rule whose target, the Lambda, judges it with the input the
// rule sends exactly when hunt's matcher, with the whole configuration,
// says the detection fires.
func TestDeployedDetectionsAgree(t *testing.T) {
	spec := exampleSpec(t)
	cfg, err := DetectionConfig(spec)
	if err != nil {
		t.Fatal(err)
	}
	reg := detections.Catalog()
	var single []*detections.Detection
	for _, d := range reg.All() {
		if d.SingleEvent() {
			single = append(single, d)
		}
	}
	stack, _, err := DetectionsTemplate(packgen.DeploymentFor(spec), &spec.Detections, cfg, reg.All())
	if err != nil {
		t.Fatal(err)
	}
	rules := rulesOf(t, stack)
	forwarders := rulesOf(t, ForwarderTemplate(packgen.DeploymentFor(spec), spec.Detections.EventBusName, reg.All(), cfg))
	matcher, err := detections.NewMatcher(reg, cfg)
	if err != nil {
		t.Fatal(err)
	}

	g := ctgen.New(21)
	noise, cases := g.Scenario()
	recs := noise
	for _, c := range cases {
		recs = append(recs, c.Records...)
	}
	fired := map[string]int{}
	for _, rec := range recs {
		r, err := cloudtrail.ParseRecord(ctgen.JSON(rec))
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, h := range matcher.Match(r) {
			if h.Detection.SingleEvent() {
				want = append(want, h.Detection.ID)
			}
		}
		evJSON, err := json.Marshal(g.EventBridgeEvent(rec))
		if err != nil {
			t.Fatal(err)
		}
		var ev map[string]any
		if err := json.Unmarshal(evJSON, &ev); err != nil {
			t.Fatal(err)
		}
		forwarded := false
		for _, f := range forwarders {
			if ok, err := ebpattern.Match(f.Pattern, ev); err != nil {
				t.Fatalf("forwarder %s: %v", f.Name, err)
			} else if ok {
				forwarded = true
			}
		}
		var got []string
		for _, rule := range rules {
			ok, err := ebpattern.Match(rule.Pattern, ev)
			if err != nil {
				t.Fatalf("rule %s: %v", rule.Name, err)
			}
			if !ok {
				continue
			}
			input := rule.Deliver(evJSON, map[string]string{"TopicArn": ""})
			var env struct {
				Payload detections.Payload `json:"aiguard"`
			}
			if err := json.Unmarshal([]byte(input), &env); err != nil {
				t.Fatalf("rule %s: the Lambda's input is not JSON: %v", rule.Name, err)
			}
			d, _ := reg.Get(env.Payload.Detection)
			pc := env.Payload.Config
			if err := pc.Prepare(); err != nil {
				t.Fatal(err)
			}
			// What the Lambda decodes: the record inside the input.
			lr, err := cloudtrail.ParseRecord([]byte(input))
			if err != nil {
				t.Fatalf("rule %s: %v", rule.Name, err)
			}
			if _, ok := d.Match(detections.NewEvent(lr, pc)); ok && !slices.Contains(got, d.ID) {
				got = append(got, d.ID)
			}
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s %s by %v: deployed detections %v, hunt %v", rec["eventSource"], rec["eventName"], rec["userIdentity"], got, want)
		}
		if len(want) > 0 && !forwarded {
			t.Errorf("%s %s: no forwarder rule sends it to the detections bus", rec["eventSource"], rec["eventName"])
		}
		for _, id := range got {
			fired[id]++
		}
	}
	for _, d := range single {
		if fired[d.ID] == 0 {
			t.Errorf("the scenario does not fire %s through its deployed rules", d.ID)
		}
	}
}

// TestDetectionTemplatesLint runs cfn-lint on the detections' templates of
// the example, when cfn-lint is installed.
func TestDetectionTemplatesLint(t *testing.T) {
	lint, err := exec.LookPath("cfn-lint")
	if err != nil {
		t.Skip("cfn-lint is not installed (pip install cfn-lint); skipping the lint of the detections' templates")
	}
	out := generate(t, exampleSpec(t))
	dir := t.TempDir()
	var files []string
	for _, a := range out.Artifacts {
		if a.Path != DetectionsPath && a.Path != ForwarderPath {
			continue
		}
		p := filepath.Join(dir, filepath.Base(a.Path))
		if err := os.WriteFile(p, a.Data, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	if len(files) != 2 {
		t.Fatalf("%d detection templates, want 2", len(files))
	}
	cmd := exec.Command(lint, files...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("cfn-lint: %v\n%s", err, b)
	}
}

// TestDetectionConfig checks what the example spec gives the detections.
func TestDetectionConfig(t *testing.T) {
	cfg, err := DetectionConfig(exampleSpec(t))
	if err != nil {
		t.Fatal(err)
	}
	pay := cfg.Team("payments-risk")
	if pay == nil || !slices.Equal(pay.ExecutionRoles, []string{
		"aiguard-payments-risk-sagemaker-training", "aiguard-payments-risk-sagemaker-inference", "aiguard-payments-risk-sagemaker-notebook",
	}) || pay.WorkingHours == nil || pay.WorkingHours.TimeZone != "Europe/London" {
		t.Errorf("payments-risk: %+v", pay)
	}
	if r := cfg.Team("research"); r == nil || !slices.Equal(r.Disabled, []string{"sagemaker-off-hours-training"}) {
		t.Errorf("research: %+v", r)
	}
	if s := cfg.Settings["bedrock-invocation-spike"]; s.Threshold != 2000 {
		t.Errorf("invocation spike settings %+v", s)
	}
	if !slices.Contains(cfg.ProtectedRoles, "aiguard-config-rules-member") || !slices.Contains(cfg.ProtectedFunctions, "*:function:aiguard-config-rules") {
		t.Errorf("protected %v %v", cfg.ProtectedRoles, cfg.ProtectedFunctions)
	}
}

// TestAlarmRule checks the rule that sends the rate detections' alarms to
// the Lambda: it matches each alarm of the stack going into ALARM, and
// neither its return to OK nor other alarms.
func TestAlarmRule(t *testing.T) {
	spec := exampleSpec(t)
	if spec.Detections.LogGroupName == "" {
		t.Fatal("the example has no detections.logGroupName: no alarms to check")
	}
	cfg, err := DetectionConfig(spec)
	if err != nil {
		t.Fatal(err)
	}
	stack, _, err := DetectionsTemplate(packgen.DeploymentFor(spec), &spec.Detections, cfg, detections.Catalog().All())
	if err != nil {
		t.Fatal(err)
	}
	var rule *ebpattern.Rule
	for _, r := range rulesOf(t, stack) {
		if r.Name == alarmRuleName {
			rule = &r
		}
	}
	if rule == nil {
		t.Fatalf("no rule %s", alarmRuleName)
	}
	event := func(name, state string) map[string]any {
		return map[string]any{
			"version": "0", "id": "c4c1c1c9", "detail-type": "CloudWatch Alarm State Change", "source": "aws.cloudwatch",
			"account": "222222222222", "time": "2026-03-02T17:04:40Z", "region": "eu-west-1",
			"resources": []any{"arn:aws:cloudwatch:eu-west-1:222222222222:alarm:" + name},
			"detail": map[string]any{"alarmName": name, "state": map[string]any{"value": state, "reason": "Threshold Crossed"},
				"previousState": map[string]any{"value": "OK"}},
		}
	}
	var alarms int
	for _, r := range stack["Resources"].(map[string]any) {
		res := r.(map[string]any)
		if res["Type"] != "AWS::CloudWatch::Alarm" {
			continue
		}
		alarms++
		name := res["Properties"].(map[string]any)["AlarmName"].(string)
		for state, want := range map[string]bool{"ALARM": true, "OK": false, "INSUFFICIENT_DATA": false} {
			if ok, err := ebpattern.Match(rule.Pattern, event(name, state)); err != nil || ok != want {
				t.Errorf("%s %s: matched %v (%v), want %v", name, state, ok, err, want)
			}
		}
	}
	if alarms == 0 {
		t.Error("no alarms in the stack")
	}
	for _, other := range []string{"ServerCpuTooHigh", "aiguard-something-else"} {
		if ok, _ := ebpattern.Match(rule.Pattern, event(other, "ALARM")); ok {
			t.Errorf("the rule matches the alarm %s", other)
		}
	}
}
