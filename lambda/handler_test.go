package lambda

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aiguard/aiguard/awsclient"
	"github.com/aiguard/aiguard/internal/testenv/localaws"
)

// captureTime is configurationItemCaptureTime of the change fixtures.
const captureTime = "2026-11-20T10:15:30.123Z"

type wantEval struct {
	resourceID string
	compliance string
	// annotation is a substring the annotation must contain; "" means the
	// evaluation carries no annotation.
	annotation string
}

func TestChangeNotifications(t *testing.T) {
	tests := []struct {
		event    string
		want     wantEval
		rule     string
		testMode bool
	}{
		{"change-compliant.json", wantEval{"fraud-analysis", "COMPLIANT", ""}, "sagemaker-notebook-no-direct-internet", false},
		{"change-noncompliant.json", wantEval{"scratch-notebook", "NON_COMPLIANT", "DirectInternetAccess is Enabled"}, "sagemaker-notebook-no-direct-internet", false},
		{"change-camelcase.json", wantEval{"camel-nb", "NON_COMPLIANT", "RootAccess is Enabled"}, "sagemaker-notebook-root-access-disabled", false},
		{"change-discovered.json", wantEval{"new-nb", "COMPLIANT", ""}, "sagemaker-notebook-no-direct-internet", false},
		{"change-deleted.json", wantEval{"gone-nb", "NOT_APPLICABLE", "deleted"}, "sagemaker-notebook-no-direct-internet", false},
		{"change-deleted-not-recorded.json", wantEval{"gone-nb2", "NOT_APPLICABLE", "deleted and not recorded"}, "sagemaker-notebook-no-direct-internet", false},
		{"change-not-recorded.json", wantEval{"unrec-nb", "NOT_APPLICABLE", "not recorded"}, "sagemaker-notebook-no-direct-internet", false},
		{"change-left-scope.json", wantEval{"scratch-notebook", "NOT_APPLICABLE", "left the rule's scope"}, "sagemaker-notebook-no-direct-internet", false},
		// No ruleId: the Config rule's name starts with the rule ID.
		{"change-rule-name-fallback.json", wantEval{"scratch-notebook", "NON_COMPLIANT", "RootAccess is Enabled"}, "sagemaker-notebook-root-access-disabled", false},
		{"change-testmode.json", wantEval{"fraud-analysis", "COMPLIANT", ""}, "sagemaker-notebook-no-direct-internet", true},
	}
	for _, tt := range tests {
		t.Run(tt.event, func(t *testing.T) {
			hs := newHarness(t, harnessOptions{})
			if err := hs.h.Invoke(context.Background(), event(t, tt.event)); err != nil {
				t.Fatal(err)
			}
			calls := hs.srv.Calls()
			if len(calls) != 1 || calls[0].Operation != localaws.OpPutEvaluations || calls[0].Failed() {
				t.Fatalf("calls = %+v, want one successful PutEvaluations", calls)
			}
			c := calls[0]
			if s := c.Signer; s.AccessKeyID != baseKey || s.Region != "us-east-1" || s.Role != "" || !s.Verified {
				t.Errorf("signed by %+v, want the function's own credentials in us-east-1", s)
			}
			p := c.PutEvaluations
			token := "example-result-token"
			if tt.testMode {
				token = "TESTMODE"
			}
			if p.TestMode != tt.testMode || p.ResultToken == nil || *p.ResultToken != token {
				t.Errorf("TestMode = %v, ResultToken = %v; want %v, %q", p.TestMode, p.ResultToken, tt.testMode, token)
			}
			if len(p.Evaluations) != 1 {
				t.Fatalf("sent %d evaluations, want 1", len(p.Evaluations))
			}
			checkEval(t, p.Evaluations[0], "AWS::SageMaker::NotebookInstance", tt.want, mustTime(t, captureTime))
			if tt.testMode && len(hs.srv.Evaluations()) != 0 {
				t.Error("a TestMode call stored evaluations")
			}
			lines := hs.putLines(t)
			if len(lines) != 1 {
				t.Fatalf("%d put-evaluations log lines, want 1", len(lines))
			}
			if l := lines[0]; l["rule"] != tt.rule || l["evaluations"] != 1.0 || l["batch"] != 1.0 || l["batches"] != 1.0 ||
				l["testMode"] != tt.testMode || l["failed"] != 0.0 || l["attempts"] != 1.0 {
				t.Errorf("log line = %v", l)
			}
		})
	}
}

func checkEval(t *testing.T, got localaws.Evaluation, resourceType string, want wantEval, ordering time.Time) {
	t.Helper()
	if got.ComplianceResourceType != resourceType || got.ComplianceResourceID != want.resourceID || got.ComplianceType != want.compliance {
		t.Errorf("evaluation = %s %s %s, want %s %s %s", got.ComplianceResourceType, got.ComplianceResourceID, got.ComplianceType,
			resourceType, want.resourceID, want.compliance)
	}
	if !got.OrderingTimestamp.Equal(ordering) {
		t.Errorf("OrderingTimestamp = %s, want %s", got.OrderingTimestamp.Format(time.RFC3339Nano), ordering.Format(time.RFC3339Nano))
	}
	switch {
	case want.annotation == "" && got.Annotation != nil:
		t.Errorf("Annotation = %q, want none", *got.Annotation)
	case want.annotation != "" && (got.Annotation == nil || !strings.Contains(*got.Annotation, want.annotation)):
		t.Errorf("Annotation = %v, want one containing %q", got.Annotation, want.annotation)
	}
}

func hugeNotebook(capture time.Time, directInternet string) localaws.ConfigurationItem {
	return localaws.ConfigurationItem{
		Version:       "1.3",
		AccountID:     "111122223333",
		CaptureTime:   capture,
		StateID:       fmt.Sprint(capture.UnixMilli()),
		ARN:           "arn:aws:sagemaker:us-east-1:111122223333:notebook-instance/huge-notebook",
		ResourceType:  "AWS::SageMaker::NotebookInstance",
		ResourceID:    "huge-notebook",
		ResourceName:  "huge-notebook",
		Region:        "us-east-1",
		Tags:          map[string]string{"team": "fraud-ml"},
		Configuration: `{"NotebookInstanceName":"huge-notebook","DirectInternetAccess":"` + directInternet + `","RootAccess":"Disabled","Padding":"` + strings.Repeat("x", 2048) + `"}`,
		SupplementaryConfiguration: map[string]string{
			"Tags": `[{"key":"team","value":"fraud-ml"}]`,
		},
	}
}

func TestOversizedFetchesTheItem(t *testing.T) {
	capture := mustTime(t, captureTime)
	hs := newHarness(t, harnessOptions{})
	// History holds an older compliant item, the item of the notification
	// (non-compliant) and a newer compliant one; the rule must judge the
	// notification's.
	hs.srv.AddConfigurationItem(hugeNotebook(capture.Add(-time.Hour), "Disabled"))
	hs.srv.AddConfigurationItem(hugeNotebook(capture, "Enabled"))
	hs.srv.AddConfigurationItem(hugeNotebook(capture.Add(time.Hour), "Disabled"))
	hs.srv.Throttle(localaws.OpGetResourceConfigHistory, 1)

	if err := hs.h.Invoke(context.Background(), event(t, "oversized.json")); err != nil {
		t.Fatal(err)
	}
	hist := hs.srv.CallsTo(localaws.OpGetResourceConfigHistory)
	if len(hist) != 2 || hist[0].ErrorCode != "ThrottlingException" || hist[1].Failed() {
		t.Fatalf("GetResourceConfigHistory calls = %+v, want a throttled one and a retry", hist)
	}
	h := hist[1].GetResourceConfigHistory
	if h.ResourceType != "AWS::SageMaker::NotebookInstance" || h.ResourceID != "huge-notebook" || h.Limit != 1 ||
		h.LaterTime == nil || !h.LaterTime.Equal(capture) || h.EarlierTime != nil || h.Returned != 1 {
		t.Errorf("history request = %+v", h)
	}
	if s := hist[1].Signer; s.AccessKeyID != baseKey || s.Role != "" {
		t.Errorf("history signed by %+v, want the function's credentials", s)
	}
	puts := hs.srv.CallsTo(localaws.OpPutEvaluations)
	if len(puts) != 1 || len(puts[0].PutEvaluations.Evaluations) != 1 {
		t.Fatalf("PutEvaluations calls = %+v", puts)
	}
	checkEval(t, puts[0].PutEvaluations.Evaluations[0], "AWS::SageMaker::NotebookInstance",
		wantEval{"huge-notebook", "NON_COMPLIANT", "DirectInternetAccess is Enabled"}, capture)
	// The fetched CI is large; none of it reaches the log.
	if strings.Contains(hs.logs.String(), "xxxxxxxx") || strings.Contains(hs.logs.String(), "NotebookInstanceName") {
		t.Errorf("the log holds configuration content:\n%s", hs.logs)
	}
}

func TestOversizedWithoutFetch(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(env, invoking map[string]any, params map[string]string)
		want   wantEval
	}{
		{"deleted resource", func(_, inv map[string]any, _ map[string]string) {
			inv["configurationItemSummary"].(map[string]any)["configurationItemStatus"] = "ResourceDeleted"
		}, wantEval{"huge-notebook", "NOT_APPLICABLE", "deleted"}},
		{"left the scope", func(env, _ map[string]any, _ map[string]string) {
			env["eventLeftScope"] = true
		}, wantEval{"huge-notebook", "NOT_APPLICABLE", "left the rule's scope"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs := newHarness(t, harnessOptions{})
			if err := hs.h.Invoke(context.Background(), mutate(t, event(t, "oversized.json"), tt.mutate)); err != nil {
				t.Fatal(err)
			}
			if n := len(hs.srv.CallsTo(localaws.OpGetResourceConfigHistory)); n != 0 {
				t.Errorf("%d history calls, want none", n)
			}
			puts := hs.srv.CallsTo(localaws.OpPutEvaluations)
			if len(puts) != 1 {
				t.Fatalf("%d PutEvaluations calls, want 1", len(puts))
			}
			checkEval(t, puts[0].PutEvaluations.Evaluations[0], "AWS::SageMaker::NotebookInstance", tt.want, mustTime(t, captureTime))
		})
	}
}

func TestOversizedUnknownResource(t *testing.T) {
	hs := newHarness(t, harnessOptions{})
	err := hs.h.Invoke(context.Background(), event(t, "oversized.json"))
	if err == nil || !strings.Contains(err.Error(), "ResourceNotDiscoveredException") || !strings.Contains(err.Error(), "huge-notebook") {
		t.Fatalf("err = %v, want ResourceNotDiscoveredException naming the resource", err)
	}
	if n := len(hs.srv.CallsTo(localaws.OpPutEvaluations)); n != 0 {
		t.Errorf("%d PutEvaluations calls after a failed fetch, want none", n)
	}
}

func TestScheduledBatches(t *testing.T) {
	notified := mustTime(t, "2026-11-20T12:00:00Z")
	tests := []struct {
		count int
		want  []int
	}{
		{0, []int{0}}, // an empty list is still sent once
		{1, []int{1}},
		{100, []int{100}},
		{101, []int{100, 1}},
		{250, []int{100, 100, 50}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.count), func(t *testing.T) {
			hs := newHarness(t, harnessOptions{})
			ev := mutate(t, event(t, "lambda:scheduled-fleet.json"), func(_, _ map[string]any, p map[string]string) {
				p["count"] = fmt.Sprint(tt.count)
			})
			if err := hs.h.Invoke(context.Background(), ev); err != nil {
				t.Fatal(err)
			}
			if got := hs.batchSizes(); fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("batch sizes = %v, want %v", got, tt.want)
			}
			seen := map[string]bool{}
			for _, e := range hs.srv.Evaluations() {
				if seen[e.ComplianceResourceID] {
					t.Errorf("%s sent twice", e.ComplianceResourceID)
				}
				seen[e.ComplianceResourceID] = true
				if e.ComplianceResourceType != "AWS::SageMaker::TrainingJob" || !e.OrderingTimestamp.Equal(notified) {
					t.Errorf("evaluation %+v, want a TrainingJob ordered at the notification time", e)
				}
			}
			if len(seen) != tt.count {
				t.Errorf("stored %d distinct evaluations, want %d", len(seen), tt.count)
			}
			lines := hs.putLines(t)
			if len(lines) != len(tt.want) {
				t.Fatalf("%d log lines, want one per batch (%d)", len(lines), len(tt.want))
			}
			for i, l := range lines {
				if l["batch"] != float64(i+1) || l["batches"] != float64(len(tt.want)) || l["evaluations"] != float64(tt.want[i]) ||
					l["messageType"] != "ScheduledNotification" || l["rule"] != "test-periodic-fleet" {
					t.Errorf("log line %d = %v", i, l)
				}
			}
			if runs := *hs.periodic; len(runs) != 1 || runs[0].AccountID != "111122223333" || runs[0].Region != "us-east-1" || !runs[0].Time.Equal(notified) {
				t.Errorf("rule ran with %+v", runs)
			}
		})
	}
}

func TestFailedEvaluationsAreResent(t *testing.T) {
	hs := newHarness(t, harnessOptions{})
	hs.srv.FailEvaluations(2, "job-00001") // the non-compliant one
	if err := hs.h.Invoke(context.Background(), event(t, "lambda:scheduled-fleet.json")); err != nil {
		t.Fatal(err)
	}
	// 250 evaluations: the first batch is sent, then job-00001 twice more.
	if got := fmt.Sprint(hs.batchSizes()); got != "[100 1 1 100 50]" {
		t.Errorf("batch sizes = %s, want [100 1 1 100 50]", got)
	}
	calls := hs.srv.CallsTo(localaws.OpPutEvaluations)
	for _, c := range calls[1:3] {
		if id := c.PutEvaluations.Evaluations[0].ComplianceResourceID; id != "job-00001" {
			t.Errorf("resent %s, want job-00001", id)
		}
	}
	// The resends wait Backoff, then twice that.
	if gap := calls[1].Time.Sub(calls[0].Time); gap < hs.h.Backoff {
		t.Errorf("first resend after %v, want at least %v", gap, hs.h.Backoff)
	}
	if gap := calls[2].Time.Sub(calls[1].Time); gap < 2*hs.h.Backoff {
		t.Errorf("second resend after %v, want at least %v", gap, 2*hs.h.Backoff)
	}
	if got := len(hs.srv.Evaluations()); got != 250 {
		t.Errorf("stored %d evaluations, want 250", got)
	}
	if l := hs.putLines(t)[0]; l["attempts"] != 3.0 || l["failed"] != 0.0 {
		t.Errorf("first batch logged %v, want 3 attempts and nothing failed", l)
	}
}

func TestFailedEvaluationsGiveUp(t *testing.T) {
	hs := newHarness(t, harnessOptions{})
	hs.srv.FailEvaluations(hs.h.Attempts, "job-00001")
	err := hs.h.Invoke(context.Background(), event(t, "lambda:scheduled-fleet.json"))
	if err == nil || !strings.Contains(err.Error(), "1 evaluations still failed after 3 attempts") || !strings.Contains(err.Error(), "job-00001") {
		t.Fatalf("err = %v, want the evaluation that still failed", err)
	}
	// The evaluation that keeps failing does not hold back the batches
	// after it: they are sent, and the 249 other evaluations are stored.
	if got := fmt.Sprint(hs.batchSizes()); got != "[100 1 1 100 50]" {
		t.Errorf("batch sizes = %s, want [100 1 1 100 50]", got)
	}
	if got := len(hs.srv.Evaluations()); got != 249 {
		t.Errorf("stored %d evaluations, want 249", got)
	}
	l := hs.putLines(t)
	if len(l) != 3 || l[0]["failed"] != 1.0 || l[0]["attempts"] != 3.0 ||
		l[1]["failed"] != 0.0 || l[1]["batch"] != 2.0 || l[2]["failed"] != 0.0 || l[2]["batch"] != 3.0 {
		t.Errorf("log lines = %v", l)
	}
}

// TestFailedBatchDoesNotStopLaterOnes: a batch that PutEvaluations refuses
// outright is reported, and the batches after it are still delivered.
func TestFailedBatchDoesNotStopLaterOnes(t *testing.T) {
	hs := newHarness(t, harnessOptions{})
	hs.srv.FailNext(localaws.OpPutEvaluations, 1, localaws.APIError{Code: "InvalidParameterValueException", Message: "bad evaluation"})
	err := hs.h.Invoke(context.Background(), event(t, "lambda:scheduled-fleet.json"))
	if err == nil || !strings.Contains(err.Error(), "batch 1 of 3") || !strings.Contains(err.Error(), "InvalidParameterValueException") {
		t.Fatalf("err = %v, want the failure of batch 1", err)
	}
	if got := fmt.Sprint(hs.batchSizes()); got != "[-1 100 50]" {
		t.Errorf("batch sizes = %s, want [-1 100 50] (the refused call, then the two other batches)", got)
	}
	if got := len(hs.srv.Evaluations()); got != 150 {
		t.Errorf("stored %d evaluations, want 150", got)
	}
	if l := hs.putLines(t); len(l) != 3 || l[0]["failed"] != 100.0 || l[1]["failed"] != 0.0 || l[2]["failed"] != 0.0 {
		t.Errorf("log lines = %v", l)
	}
}

func TestThrottlingIsRetried(t *testing.T) {
	hs := newHarness(t, harnessOptions{})
	hs.srv.Throttle(localaws.OpPutEvaluations, 2)
	if err := hs.h.Invoke(context.Background(), event(t, "change-noncompliant.json")); err != nil {
		t.Fatal(err)
	}
	calls := hs.srv.CallsTo(localaws.OpPutEvaluations)
	if len(calls) != 3 || calls[0].ErrorCode != "ThrottlingException" || calls[1].ErrorCode != "ThrottlingException" || calls[2].Failed() {
		t.Fatalf("calls = %+v, want two throttled and one accepted", calls)
	}
	for i := 1; i < len(calls); i++ {
		if gap := calls[i].Time.Sub(calls[i-1].Time); gap < retryPause {
			t.Errorf("retry %d after %v, want a backoff of at least %v", i, gap, retryPause)
		}
	}
	if got := len(hs.srv.Evaluations()); got != 1 {
		t.Errorf("stored %d evaluations, want 1", got)
	}
}

func TestThrottlingExhaustsRetries(t *testing.T) {
	hs := newHarness(t, harnessOptions{})
	hs.srv.Throttle(localaws.OpPutEvaluations, 100)
	err := hs.h.Invoke(context.Background(), event(t, "change-noncompliant.json"))
	if err == nil || !strings.Contains(err.Error(), "ThrottlingException") {
		t.Fatalf("err = %v, want the throttling error", err)
	}
	if n := len(hs.srv.CallsTo(localaws.OpPutEvaluations)); n != awsclient.MaxAttempts {
		t.Errorf("%d attempts, want %d", n, awsclient.MaxAttempts)
	}
	if l := hs.putLines(t); len(l) != 1 || l[0]["failed"] != 1.0 {
		t.Errorf("log lines = %v, want one with the evaluation failed", l)
	}
}

func TestPutEvaluationsErrorIsReturned(t *testing.T) {
	hs := newHarness(t, harnessOptions{})
	hs.srv.FailNext(localaws.OpPutEvaluations, 1, localaws.APIError{Code: "AccessDeniedException", Message: "not authorized to perform config:PutEvaluations"})
	err := hs.h.Invoke(context.Background(), event(t, "change-noncompliant.json"))
	if err == nil || !strings.Contains(err.Error(), "AccessDeniedException") || !strings.Contains(err.Error(), "sagemaker-notebook-no-direct-internet") {
		t.Fatalf("err = %v", err)
	}
	if n := len(hs.srv.CallsTo(localaws.OpPutEvaluations)); n != 1 {
		t.Errorf("%d calls, want 1 (access denied is not retried)", n)
	}
}

func TestSnapshotDeliveryIsIgnored(t *testing.T) {
	hs := newHarness(t, harnessOptions{})
	if err := hs.h.Invoke(context.Background(), event(t, "snapshot-delivered.json")); err != nil {
		t.Fatal(err)
	}
	if c := hs.srv.Calls(); len(c) != 0 {
		t.Errorf("calls = %+v, want none", c)
	}
	lines := hs.logLines(t)
	if len(lines) != 1 || lines[0]["msg"] != "snapshot delivery ignored" {
		t.Errorf("log = %v", lines)
	}
}

func TestInvalidInvocationsSendNothing(t *testing.T) {
	withParams := func(name string, params map[string]string) func(t *testing.T) []byte {
		return func(t *testing.T) []byte {
			return mutate(t, event(t, name), func(_, _ map[string]any, p map[string]string) {
				clear(p)
				for k, v := range params {
					p[k] = v
				}
			})
		}
	}
	file := func(name string) func(t *testing.T) []byte {
		return func(t *testing.T) []byte { return event(t, name) }
	}
	tests := []struct {
		name    string
		event   func(t *testing.T) []byte
		wantErr string
	}{
		{"not JSON", file("lambda:malformed-not-json.txt"), "decode event"},
		{"empty", func(*testing.T) []byte { return nil }, "decode event"},
		{"invokingEvent an object", file("lambda:malformed-invoking-object.json"), "invokingEvent"},
		{"unknown message type", file("lambda:malformed-message-type.json"), `unknown messageType "ConfigurationItemTeleportNotification"`},
		{"configuration of the wrong type", file("lambda:malformed-configuration-type.json"), "configuration"},
		{"unknown ruleId", withParams("change-noncompliant.json", map[string]string{"ruleId": "sagemaker-notebook-no-direct-internets"}),
			`unknown ruleId "sagemaker-notebook-no-direct-internets" in the parameters of Config rule aiguard-sagemaker-notebook (did you mean sagemaker-notebook-no-direct-internet?)`},
		{"ruleId twice", func(t *testing.T) []byte {
			var env map[string]any
			if err := json.Unmarshal(event(t, "change-noncompliant.json"), &env); err != nil {
				t.Fatal(err)
			}
			env["ruleParameters"] = `{"ruleId":"sagemaker-notebook-no-direct-internet","ruleId":"sagemaker-notebook-root-access"}`
			out, _ := json.Marshal(env)
			return out
		}, `ruleParameters: parameter "ruleId" is given more than once`},
		{"no rule", func(t *testing.T) []byte {
			return mutate(t, event(t, "change-noncompliant.json"), func(env, _ map[string]any, p map[string]string) {
				clear(p)
				env["configRuleName"] = "my-own-notebook-rule"
			})
		}, "config rule my-own-notebook-rule names no aiguard rule: set the ruleId input parameter"},
		{"invalid parameter", withParams("change-noncompliant.json", map[string]string{"ruleId": "sagemaker-notebook-in-vpc", "allowedSubnetIds": "subnet-0a1b2c3d, my-subnet"}),
			"parameter allowedSubnetIds"},
		{"undeclared parameter", withParams("change-noncompliant.json", map[string]string{"ruleId": "sagemaker-notebook-no-direct-internet", "allowedSubnetIds": "subnet-0a1b2c3d"}),
			"parameter allowedSubnetIds: not a parameter of this rule"},
		{"invalid periodic parameter", withParams("lambda:scheduled-fleet.json", map[string]string{"ruleId": "test-periodic-fleet", "count": "many"}),
			"parameter count"},
		{"scheduled event for a change rule", file("scheduled.json"), "rule sagemaker-notebook-no-direct-internet is change-triggered"},
		{"change event for a periodic rule", withParams("change-noncompliant.json", map[string]string{"ruleId": "test-periodic-fleet"}),
			"rule test-periodic-fleet is periodic"},
		{"periodic rule fails", withParams("lambda:scheduled-fleet.json", map[string]string{"ruleId": "test-periodic-broken"}),
			"rule test-periodic-broken: list anomaly monitors"},
		{"invalid ExecutionRoleName", withParams("change-noncompliant.json", map[string]string{"ruleId": "sagemaker-notebook-no-direct-internet", "ExecutionRoleName": "aiguard member"}),
			`parameter ExecutionRoleName: got "aiguard member"`},
		{"invalid ExecutionRoleRegion", withParams("change-noncompliant.json", map[string]string{"ruleId": "sagemaker-notebook-no-direct-internet", "ExecutionRoleRegion": "evil.example.com/"}),
			"parameter ExecutionRoleRegion"},
		{"ExecutionRoleRegion of another partition", withParams("change-noncompliant.json", map[string]string{"ruleId": "sagemaker-notebook-no-direct-internet", "ExecutionRoleRegion": "cn-north-1"}),
			"parameter ExecutionRoleRegion: cn-north-1 is in the aws-cn partition, but the rule runs in aws"},
		{"ExecutionRoleRegion of no partition", withParams("change-noncompliant.json", map[string]string{"ruleId": "sagemaker-notebook-no-direct-internet", "ExecutionRoleRegion": "xx-east-1"}),
			`parameter ExecutionRoleRegion: got "xx-east-1"`},
		{"role without an account", func(t *testing.T) []byte {
			return mutate(t, event(t, "lambda:change-cross-account.json"), func(env, inv map[string]any, _ map[string]string) {
				env["accountId"] = "4444"
				inv["configurationItem"].(map[string]any)["awsAccountId"] = "4444"
			})
		}, `event accountId "4444" is not a 12-digit account ID`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs := newHarness(t, harnessOptions{})
			err := hs.h.Invoke(context.Background(), tt.event(t))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v\nwant it to contain %q", err, tt.wantErr)
			}
			if c := hs.srv.Calls(); len(c) != 0 {
				t.Errorf("calls = %+v, want none", c)
			}
			if l := hs.putLines(t); len(l) != 0 {
				t.Errorf("logged %v", l)
			}
		})
	}
}

func TestLogsCarryNoConfigurationOrSecrets(t *testing.T) {
	hs := newHarness(t, harnessOptions{})
	for _, name := range []string{"change-noncompliant.json", "change-compliant.json", "lambda:change-cross-account.json"} {
		if err := hs.h.Invoke(context.Background(), event(t, name)); err != nil {
			t.Fatal(err)
		}
	}
	lines := hs.logLines(t)
	if len(lines) != 3 {
		t.Fatalf("%d log lines, want one per invocation:\n%s", len(lines), hs.logs)
	}
	for _, l := range lines {
		for _, k := range []string{"time", "level", "msg", "rule", "configRule", "account", "messageType", "batch", "batches", "evaluations",
			"compliant", "nonCompliant", "notApplicable", "failed", "attempts", "testMode", "durationMs"} {
			if _, ok := l[k]; !ok {
				t.Errorf("log line lacks %q: %v", k, l)
			}
		}
	}
	if got := []any{lines[0]["nonCompliant"], lines[1]["compliant"], lines[2]["account"]}; fmt.Sprint(got) != "[1 1 444455556666]" {
		t.Errorf("counts and account = %v", got)
	}
	assumed := hs.srv.CallsTo(localaws.OpAssumeRole)
	if len(assumed) != 1 {
		t.Fatalf("%d AssumeRole calls, want 1", len(assumed))
	}
	put := hs.srv.CallsTo(localaws.OpPutEvaluations)[2]
	for _, secret := range []string{
		// configuration content of the CIs
		"ml.g5.xlarge", "shared-sagemaker", "VolumeSizeInGB", "fraud-ml",
		// annotations, result tokens, credentials
		"DirectInternetAccess", "example-result-token", "member-result-token", baseSecret, put.Signer.SessionToken, put.Signer.AccessKeyID,
	} {
		if strings.Contains(hs.logs.String(), secret) {
			t.Errorf("the log contains %q:\n%s", secret, hs.logs)
		}
	}
}
