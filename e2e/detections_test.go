package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/deploy"
	"github.com/aiguard/aiguard/detections"
	"github.com/aiguard/aiguard/internal/testenv/ctgen"
	"github.com/aiguard/aiguard/internal/testenv/ebpattern"
	"github.com/aiguard/aiguard/internal/testenv/localaws"
	"github.com/aiguard/aiguard/orgspec"
	"github.com/aiguard/aiguard/packgen"
)

// detectionRule is one EventBridge rule of the generated detections stack:
// its pattern and the input template of its Lambda target.
// exampleDetectionRules generates the built-in example's detections stack
// and returns its rules.
func exampleDetectionRules(t *testing.T) []ebpattern.Rule {
	t.Helper()
	spec, err := orgspec.Parse(orgspec.ExampleName, orgspec.Example())
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := deploy.DetectionConfig(spec)
	if err != nil {
		t.Fatal(err)
	}
	stack, _, err := deploy.DetectionsTemplate(packgen.DeploymentFor(spec), &spec.Detections, cfg, detections.Catalog().All())
	if err != nil {
		t.Fatal(err)
	}
	rules, err := ebpattern.TemplateRules(stack)
	if err != nil {
		t.Fatal(err)
	}
	return rules
}

// TestEmulatorDetections sends the scenario's single-event attacks and near
// misses through the generated rules, as EventBridge would (pattern, then
// input transformer), to the real bootstrap under the emulator: every attack
// becomes one finding in the local Security Hub, imported by the function's
// own account with the account of the activity as a resource, valid for
// BatchImportFindings; no near miss does.
func TestEmulatorDetections(t *testing.T) {
	requireBinaries(t)
	srv := startLocalAWS(t, localaws.Options{})
	emu := startEmulator(t, bin.bootstrap, emulatorEnv(srv.URL, "us-east-1"))
	rules := exampleDetectionRules(t)
	reg := detections.Catalog()

	g := ctgen.New(5)
	_, cases := g.Scenario()
	invoked := 0
	for _, c := range cases {
		d, _ := reg.Get(c.Detection)
		if !d.SingleEvent() {
			continue
		}
		for _, rec := range c.Records {
			evJSON, err := json.Marshal(g.EventBridgeEvent(rec))
			if err != nil {
				t.Fatal(err)
			}
			var ev map[string]any
			if err := json.Unmarshal(evJSON, &ev); err != nil {
				t.Fatal(err)
			}
			for _, r := range rules {
				if ok, err := ebpattern.Match(r.Pattern, ev); err != nil || !ok {
					continue
				}
				// The alerts topic stays out: localaws has no SNS.
				emu.invoke(t, []byte(r.Deliver(evJSON, map[string]string{"TopicArn": ""}))).mustSucceed(t, emu)
				invoked++
			}
		}
	}
	if invoked == 0 {
		t.Fatal("no rule matched the scenario")
	}
	findings := srv.SecurityHubFindings()
	byPrincipal := map[string][]string{}
	for _, f := range findings {
		fields, _ := f["ProductFields"].(map[string]any)
		principal, _ := fields["aiguard/principal"].(string)
		byPrincipal[principal] = append(byPrincipal[principal], strings.TrimPrefix(f["GeneratorId"].(string), "aiguard/detection/"))
		if f["AwsAccountId"] != lambdaAccount || !strings.HasPrefix(f["ProductArn"].(string), "arn:aws:securityhub:us-east-1:"+lambdaAccount+":product/") {
			t.Errorf("finding %v imported for %v (%v), want the function's account %s", f["Id"], f["AwsAccountId"], f["ProductArn"], lambdaAccount)
		}
	}
	for _, c := range cases {
		d, _ := reg.Get(c.Detection)
		if !d.SingleEvent() {
			continue
		}
		got := slices.Contains(byPrincipal[c.Principal], c.Detection)
		if got != c.Fire {
			t.Errorf("%s by %s: finding %v, want %v", c.Detection, c.Principal, got, c.Fire)
		}
	}
	for _, call := range srv.CallsTo("BatchImportFindings") {
		if call.Failed() || call.Signer.Region != "us-east-1" || call.Signer.Service != "securityhub" || !call.Signer.Verified {
			t.Errorf("BatchImportFindings %+v", call)
		}
	}
	t.Logf("%d invocations, %d findings", invoked, len(findings))
}

// lambdaAccount is the account of the function under the emulator, from
// the ARN the emulator invokes it by.
const lambdaAccount = "012345678912"

// TestEmulatorDetectionFailures: an event the function cannot deliver
// fails the invocation, so that EventBridge retries it.
func TestEmulatorDetectionFailures(t *testing.T) {
	requireBinaries(t)
	srv := startLocalAWS(t, localaws.Options{})
	emu := startEmulator(t, bin.bootstrap, emulatorEnv(srv.URL, "us-east-1"))
	g := ctgen.New(3)
	rec := g.Event(ctgen.Attacker, ctgen.Base, "bedrock.amazonaws.com", "DeleteModelInvocationLoggingConfiguration", nil)
	event, err := json.Marshal(g.EventBridgeEvent(rec))
	if err != nil {
		t.Fatal(err)
	}
	// A plain EventBridge event (no aiguard payload) is judged by every
	// detection that needs no configuration.
	srv.FailNext("BatchImportFindings", 1, localaws.APIError{Status: http.StatusForbidden, Code: "AccessDeniedException", Message: "not subscribed"})
	r := emu.invoke(t, event)
	if !strings.Contains(r.errorMessage, "bedrock-logging-disabled") {
		t.Errorf("answer %d %s, want an error naming the detection\n%s", r.status, r.body, lastLines(emu.out.String(), 10))
	}
	emu.invoke(t, event).mustSucceed(t, emu)
	if n := len(srv.SecurityHubFindings()); n != 1 {
		t.Errorf("%d findings after the retry, want 1", n)
	}
	for _, bad := range []string{
		`{"detail-type":"AWS API Call via CloudTrail","detail":{"eventName":"x"}}`,
		`{"detail-type":"aiguard detection","detail":` + string(event) + `,"aiguard":{"detection":"no-such-detection"}}`,
	} {
		if r := emu.invoke(t, []byte(bad)); r.errorMessage == "" {
			t.Errorf("%s: answered %d %s, want a function error", bad, r.status, r.body)
		}
	}
}

// TestEmulatorAlarmFindings: a rate detection's alarm going into ALARM,
// sent by the generated rule as CloudWatch sends it to the default bus,
// becomes one finding about the alarm in the local Security Hub.
func TestEmulatorAlarmFindings(t *testing.T) {
	requireBinaries(t)
	srv := startLocalAWS(t, localaws.Options{})
	emu := startEmulator(t, bin.bootstrap, emulatorEnv(srv.URL, "us-east-1"))
	alarm := "arn:aws:cloudwatch:us-east-1:" + lambdaAccount + ":alarm:aiguard-bedrock-invocation-spike"
	event := []byte(`{"version":"0","id":"c4c1c1c9-6542-e61b-6ef0-8c4d36933a92","detail-type":"CloudWatch Alarm State Change",` +
		`"source":"aws.cloudwatch","account":"` + lambdaAccount + `","time":"2026-03-02T17:04:40Z","region":"us-east-1","resources":["` + alarm + `"],` +
		`"detail":{"alarmName":"aiguard-bedrock-invocation-spike","state":{"value":"ALARM","reason":"Threshold Crossed: 1 datapoint [2400.0] was greater than or equal to the threshold (2000.0).",` +
		`"reasonData":"{\"version\":\"1.0\",\"recentDatapoints\":[2400.0],\"threshold\":2000.0}","timestamp":"2026-03-02T17:04:40.987+0000"},"previousState":{"value":"OK"}}}`)
	var ev map[string]any
	if err := json.Unmarshal(event, &ev); err != nil {
		t.Fatal(err)
	}
	sent := 0
	for _, r := range exampleDetectionRules(t) {
		if ok, err := ebpattern.Match(r.Pattern, ev); err != nil || !ok {
			continue
		}
		emu.invoke(t, []byte(r.Deliver(event, nil))).mustSucceed(t, emu)
		sent++
	}
	findings := srv.SecurityHubFindings()
	if sent != 1 || len(findings) != 1 {
		t.Fatalf("%d rules matched the alarm, %d findings; want 1 and 1", sent, len(findings))
	}
	f := findings[0]
	if f["GeneratorId"] != "aiguard/detection/bedrock-invocation-spike" || f["AwsAccountId"] != lambdaAccount ||
		!strings.Contains(fmt.Sprint(f["Resources"]), alarm) {
		t.Errorf("finding %v", f)
	}
}
