package lambda

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/aiguard/aiguard/asff"
	"github.com/aiguard/aiguard/detections"
	"github.com/aiguard/aiguard/internal/testenv/ctgen"
)

// fakeAlerts records what the detections deliver.
type fakeAlerts struct {
	fakeConfigClients
	imports   []*securityhub.BatchImportFindingsInput
	published []*sns.PublishInput
	regions   []string
	importErr error
}

type fakeConfigClients struct{}

func (fakeConfigClients) Config(context.Context, string, string) (ConfigAPI, error) {
	return nil, errors.New("no Config in this test")
}

func (f *fakeAlerts) SecurityHub(_ context.Context, region string) (SecurityHubAPI, error) {
	f.regions = append(f.regions, "securityhub:"+region)
	return f, nil
}

func (f *fakeAlerts) SNS(_ context.Context, region string) (SNSAPI, error) {
	f.regions = append(f.regions, "sns:"+region)
	return f, nil
}

func (f *fakeAlerts) BatchImportFindings(_ context.Context, in *securityhub.BatchImportFindingsInput, _ ...func(*securityhub.Options)) (*securityhub.BatchImportFindingsOutput, error) {
	f.imports = append(f.imports, in)
	if f.importErr != nil {
		return nil, f.importErr
	}
	return &securityhub.BatchImportFindingsOutput{FailedCount: aws.Int32(0), SuccessCount: aws.Int32(int32(len(in.Findings)))}, nil
}

func (f *fakeAlerts) Publish(_ context.Context, in *sns.PublishInput, _ ...func(*sns.Options)) (*sns.PublishOutput, error) {
	f.published = append(f.published, in)
	return &sns.PublishOutput{MessageId: aws.String("m-1")}, nil
}

func functionContext() context.Context {
	return lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{
		AwsRequestID: "req-1", InvokedFunctionArn: "arn:aws:lambda:eu-west-1:222222222222:function:aiguard-config-rules",
	})
}

// payloadEvent is what a generated rule sends the function for a record.
func payloadEvent(t *testing.T, g *ctgen.Generator, rec map[string]any, p detections.Payload) []byte {
	t.Helper()
	ev, err := json.Marshal(g.EventBridgeEvent(rec))
	if err != nil {
		t.Fatal(err)
	}
	pj, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return []byte(`{"detail-type":"aiguard detection","source":"aiguard","detail":` + string(ev) + `,"aiguard":` + string(pj) + `}`)
}

func TestInvokeEventDelivers(t *testing.T) {
	g := ctgen.New(9)
	alerts := &fakeAlerts{}
	var logs bytes.Buffer
	h := &Handler{Clients: alerts, Log: slog.New(slog.NewJSONHandler(&logs, nil))}
	topic := "arn:aws:sns:eu-west-1:222222222222:aiguard-detections-alerts"
	cfg := &detections.Config{AllowedCIDRs: []string{"10.0.0.0/8"}}

	// A presigned URL from outside the allowed networks fires.
	rec := g.Presign(ctgen.PaymentsAnalyst, ctgen.Base, "198.51.100.23", "")
	payload := payloadEvent(t, g, rec, detections.Payload{Detection: "sagemaker-presigned-url-unexpected-source", Config: cfg, TopicArn: topic})
	if _, err := h.serve(functionContext(), payload); err != nil {
		t.Fatal(err)
	}
	if len(alerts.imports) != 1 || len(alerts.imports[0].Findings) != 1 || len(alerts.published) != 1 {
		t.Fatalf("%d imports, %d publishes", len(alerts.imports), len(alerts.published))
	}
	f := alerts.imports[0].Findings[0]
	if aws.ToString(f.AwsAccountId) != "222222222222" || !strings.HasPrefix(aws.ToString(f.ProductArn), "arn:aws:securityhub:eu-west-1:222222222222:product/") ||
		aws.ToString(f.Region) != "us-east-1" || f.ProductFields["aiguard/accountId"] != ctgen.AcctPayments {
		t.Errorf("finding %+v", f)
	}
	b, _ := json.Marshal(f)
	var back asff.Finding
	if err := json.Unmarshal(b, &back); err != nil || asff.Validate(&back) != nil {
		t.Errorf("the imported finding is not valid ASFF: %v %v", err, asff.Validate(&back))
	}
	msg := alerts.published[0]
	if aws.ToString(msg.TopicArn) != topic || !strings.Contains(aws.ToString(msg.Subject), "HIGH") ||
		!strings.Contains(aws.ToString(msg.Message), `"detectionId": "sagemaker-presigned-url-unexpected-source"`) ||
		!strings.Contains(aws.ToString(msg.Message), "198.51.100.23") || len(aws.ToString(msg.Subject)) > 100 {
		t.Errorf("published %q: %s", aws.ToString(msg.Subject), aws.ToString(msg.Message))
	}
	if got := strings.Join(alerts.regions, ","); got != "securityhub:eu-west-1,sns:eu-west-1" {
		t.Errorf("clients %s", got)
	}
	if !strings.Contains(logs.String(), `"detection fired"`) {
		t.Errorf("log %s", logs.String())
	}

	// From an allowed network: judged, nothing delivered.
	alerts.imports, alerts.published = nil, nil
	rec = g.Presign(ctgen.PaymentsAnalyst, ctgen.Base, "10.1.2.3", "")
	if _, err := h.serve(functionContext(), payloadEvent(t, g, rec, detections.Payload{Detection: "sagemaker-presigned-url-unexpected-source", Config: cfg, TopicArn: topic})); err != nil {
		t.Fatal(err)
	}
	if len(alerts.imports)+len(alerts.published) != 0 {
		t.Errorf("a near miss was delivered")
	}

	// A failed import fails the invocation (EventBridge retries it), and
	// the alert still goes out.
	alerts.importErr = errors.New("AccessDeniedException: not subscribed")
	rec = g.Presign(ctgen.PaymentsAnalyst, ctgen.Base, "198.51.100.24", "")
	_, err := h.serve(functionContext(), payloadEvent(t, g, rec, detections.Payload{Detection: "sagemaker-presigned-url-unexpected-source", Config: cfg, TopicArn: topic}))
	if err == nil || !strings.Contains(err.Error(), "not subscribed") || len(alerts.published) != 1 {
		t.Errorf("error %v, %d published", err, len(alerts.published))
	}
}

func TestInvokeEventRejects(t *testing.T) {
	g := ctgen.New(9)
	alerts := &fakeAlerts{}
	h := &Handler{Clients: alerts, Log: slog.New(slog.NewJSONHandler(&bytes.Buffer{}, nil))}
	rec := g.Event(ctgen.Attacker, ctgen.Base, "bedrock.amazonaws.com", "DeleteGuardrail", map[string]any{"guardrailIdentifier": "g1"})
	for name, tt := range map[string]struct {
		payload []byte
		ctx     context.Context
		want    string
	}{
		"unknown detection": {payloadEvent(t, g, rec, detections.Payload{Detection: "nope"}), functionContext(), "unknown detection"},
		"bad config":        {payloadEvent(t, g, rec, detections.Payload{Detection: "bedrock-guardrail-weakened", Config: &detections.Config{AllowedCIDRs: []string{"x"}}}), functionContext(), "allowed CIDR"},
		"no record":         {[]byte(`{"detail-type":"x","detail":{"a":1}}`), functionContext(), "CloudTrail record"},
		"no function ARN":   {payloadEvent(t, g, rec, detections.Payload{Detection: "bedrock-guardrail-weakened"}), context.Background(), "account and Region"},
	} {
		if _, err := h.serve(tt.ctx, tt.payload); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", name, err, tt.want)
		}
	}
	if len(alerts.imports)+len(alerts.published) != 0 {
		t.Errorf("rejected events were delivered")
	}
}

// alarmEvent is the event CloudWatch sends the default bus when an alarm
// changes state (the shape of the EventBridge documentation's example).
func alarmEvent(name, state string) []byte {
	return []byte(`{"version":"0","id":"c4c1c1c9-6542-e61b-6ef0-8c4d36933a92","detail-type":"CloudWatch Alarm State Change",` +
		`"source":"aws.cloudwatch","account":"222222222222","time":"2026-03-02T17:04:40Z","region":"eu-west-1",` +
		`"resources":["arn:aws:cloudwatch:eu-west-1:222222222222:alarm:` + name + `"],` +
		`"detail":{"alarmName":"` + name + `","state":{"value":"` + state + `","reason":"Threshold Crossed: 1 out of the last 1 datapoints [1234.0 (02/03/26 16:54:00)] was greater than or equal to the threshold (1000.0).",` +
		`"reasonData":"{\"version\":\"1.0\",\"queryDate\":\"2026-03-02T17:04:40.985+0000\",\"period\":600,\"recentDatapoints\":[1234.0],\"threshold\":1000.0}",` +
		`"timestamp":"2026-03-02T17:04:40.987+0000"},"previousState":{"value":"OK"}}}`)
}

func TestInvokeAlarm(t *testing.T) {
	alerts := &fakeAlerts{}
	h := &Handler{Clients: alerts, Log: slog.New(slog.NewJSONHandler(&bytes.Buffer{}, nil))}

	// A rate detection's alarm in ALARM: a finding about the alarm,
	// imported in the function's account; the alarm notified SNS itself.
	if _, err := h.serve(functionContext(), alarmEvent("aiguard-bedrock-invocation-spike", "ALARM")); err != nil {
		t.Fatal(err)
	}
	if len(alerts.imports) != 1 || len(alerts.published) != 0 {
		t.Fatalf("%d imports, %d publishes", len(alerts.imports), len(alerts.published))
	}
	f := alerts.imports[0].Findings[0]
	b, _ := json.Marshal(f)
	var back asff.Finding
	if err := json.Unmarshal(b, &back); err != nil || asff.Validate(&back) != nil {
		t.Fatalf("the imported finding is not valid ASFF: %v %v", err, asff.Validate(&back))
	}
	if back.GeneratorID != detections.GeneratorID("bedrock-invocation-spike") || back.AwsAccountID != "222222222222" ||
		back.ProductFields["aiguard/eventCount"] != "1234" || back.ProductFields["aiguard/accountId"] != "" ||
		len(back.Resources) != 1 || back.Resources[0].ID != "arn:aws:cloudwatch:eu-west-1:222222222222:alarm:aiguard-bedrock-invocation-spike" ||
		!strings.Contains(back.Description, "aiguard-bedrock-invocation-spike-roles") {
		t.Errorf("finding %s", b)
	}

	// Back to OK: nothing.
	if _, err := h.serve(functionContext(), alarmEvent("aiguard-bedrock-invocation-spike", "OK")); err != nil || len(alerts.imports) != 1 {
		t.Errorf("an OK state: %v, %d imports", err, len(alerts.imports))
	}
	// Alarms that are not a rate detection's are errors (the rule is wrong).
	for _, name := range []string{"aiguard-bedrock-guardrail-weakened", "aiguard-nope", "ServerCpuTooHigh"} {
		if _, err := h.serve(functionContext(), alarmEvent(name, "ALARM")); err == nil || !strings.Contains(err.Error(), "rate detection") {
			t.Errorf("%s: error %v", name, err)
		}
	}
	if len(alerts.imports) != 1 {
		t.Errorf("%d imports", len(alerts.imports))
	}
}
