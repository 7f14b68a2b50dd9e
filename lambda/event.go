package lambda

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // working hours name IANA time zones; the runtime image may lack zoneinfo

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/aiguard/aiguard/awsid"
	"github.com/aiguard/aiguard/cloudtrail"
	"github.com/aiguard/aiguard/detections"
)

// catalog is the detection catalog, built on first use.
var catalog = sync.OnceValue(detections.Catalog)

// invokeEvent handles an EventBridge event carrying a CloudTrail record: as
// the detections' rules send it (the event with the detection to judge it
// by and its configuration, see detections.Payload), or as EventBridge sends
// any rule's event (judged by every single-event detection that needs no
// configuration). Each match becomes a finding, imported into Security Hub
// in the function's own account and Region (with the account where the
// activity happened as its AwsAccount resource) and published to the
// payload's SNS topic. An error makes EventBridge retry the event.
func (h *Handler) invokeEvent(ctx context.Context, payload []byte) error {
	var env struct {
		DetailType string              `json:"detail-type"`
		Payload    *detections.Payload `json:"aiguard"`
	}
	if err := json.Unmarshal(payload, &env); err != nil {
		return fmt.Errorf("decode event: %w", err)
	}
	if env.DetailType == alarmDetailType {
		return h.invokeAlarm(ctx, payload)
	}
	rec, err := cloudtrail.ParseRecord(payload)
	if err != nil {
		return fmt.Errorf("decode the CloudTrail record of the event: %w", err)
	}
	reg := catalog()
	cfg := &detections.Config{}
	var list []*detections.Detection
	topic := ""
	if p := env.Payload; p != nil {
		d, ok := reg.Get(p.Detection)
		if !ok {
			return fmt.Errorf("the event names unknown detection %q", p.Detection)
		}
		if p.Config != nil {
			cfg = p.Config
		}
		list, topic = []*detections.Detection{d}, p.TopicArn
	} else {
		for _, d := range reg.All() {
			if d.SingleEvent() && (d.Requires == nil || d.Requires(cfg) == "") {
				list = append(list, d)
			}
		}
	}
	if err := cfg.Prepare(); err != nil {
		return fmt.Errorf("the event's detection configuration: %w", err)
	}
	ev := detections.NewEvent(rec, cfg)
	var findings []*detections.Finding
	var dets []*detections.Detection
	for _, d := range list {
		if !cfg.Enabled(d) {
			continue
		}
		if hit, ok := d.Match(ev); ok {
			findings = append(findings, detections.NewFinding(hit, rec))
			dets = append(dets, d)
		}
	}
	log := h.Log.With("eventId", rec.EventID, "eventName", rec.EventName, "account", rec.Account())
	if len(findings) == 0 {
		log.Info("event judged: no detection matched", "detections", len(list))
		return nil
	}
	self, err := functionOf(ctx)
	if err != nil {
		return err
	}
	alerts, ok := h.Clients.(AlertClients)
	if !ok {
		return errors.New("the function's clients cannot reach Security Hub and SNS")
	}
	now := time.Now().UTC()
	var errs []error
	for i, f := range findings {
		d := dets[i]
		a := f.ASFF(d, detections.ASFFOptions{Partition: self.partition, Importer: self.account, ImportRegion: self.region, Now: now})
		imported, err := importFinding(ctx, alerts, self.region, a)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: import into Security Hub: %w", d.ID, err))
		}
		published := false
		if topic != "" {
			if err := publish(ctx, alerts, topic, f, d); err != nil {
				errs = append(errs, fmt.Errorf("%s: publish to %s: %w", d.ID, topic, err))
			} else {
				published = true
			}
		}
		log.Info("detection fired", "detection", d.ID, "severity", f.Severity, "principal", f.Principal,
			"findingId", a.ID, "imported", imported, "published", published)
	}
	return errors.Join(errs...)
}

// alarmDetailType is the detail-type of CloudWatch alarm state changes.
const alarmDetailType = "CloudWatch Alarm State Change"

// invokeAlarm turns an alarm of a rate detection (aiguard-DETECTION) that
// went into ALARM into a Security Hub finding about the organization: the
// alarm watches the busiest principal of any account, whom the detection's
// Contributor Insights rules name, so the finding's subject is the alarm
// and it has no account of its own. The alarm notifies SNS itself.
func (h *Handler) invokeAlarm(ctx context.Context, payload []byte) error {
	var ev struct {
		Account   string   `json:"account"`
		Region    string   `json:"region"`
		Time      string   `json:"time"`
		Resources []string `json:"resources"`
		Detail    struct {
			AlarmName string `json:"alarmName"`
			State     struct {
				Value      string `json:"value"`
				Reason     string `json:"reason"`
				ReasonData string `json:"reasonData"`
				Timestamp  string `json:"timestamp"`
			} `json:"state"`
		} `json:"detail"`
	}
	if err := json.Unmarshal(payload, &ev); err != nil {
		return fmt.Errorf("decode the alarm event: %w", err)
	}
	id, ok := strings.CutPrefix(ev.Detail.AlarmName, "aiguard-")
	d, known := catalog().Get(id)
	if !ok || !known || d.SingleEvent() {
		return fmt.Errorf("alarm %q is not the alarm of an aiguard rate detection", ev.Detail.AlarmName)
	}
	log := h.Log.With("alarm", ev.Detail.AlarmName, "account", ev.Account)
	if ev.Detail.State.Value != "ALARM" {
		log.Info("alarm state change ignored", "state", ev.Detail.State.Value)
		return nil
	}
	at, err := time.Parse(time.RFC3339, ev.Time)
	if err != nil {
		return fmt.Errorf("alarm event time %q: %w", ev.Time, err)
	}
	self, err := functionOf(ctx)
	if err != nil {
		return err
	}
	alerts, ok := h.Clients.(AlertClients)
	if !ok {
		return errors.New("the function's clients cannot reach Security Hub")
	}
	subject := ev.Detail.AlarmName
	if len(ev.Resources) > 0 {
		subject = ev.Resources[0]
	}
	f := &detections.Finding{
		DetectionID: d.ID, Title: d.Title, Severity: string(d.Severity), AWSRegion: ev.Region,
		FirstSeen: at, LastSeen: at, EventCount: busiest(ev.Detail.State.ReasonData), Technique: d.Technique.ID, Subject: subject,
		Reason: fmt.Sprintf("The alarm %s fired: %s The Contributor Insights rules %s-roles and %s-other name the principals.",
			ev.Detail.AlarmName, ev.Detail.State.Reason, ev.Detail.AlarmName, ev.Detail.AlarmName),
	}
	a := f.ASFF(d, detections.ASFFOptions{Partition: self.partition, Importer: self.account, ImportRegion: self.region, Now: time.Now().UTC()})
	if _, err := importFinding(ctx, alerts, self.region, a); err != nil {
		return fmt.Errorf("%s: import into Security Hub: %w", d.ID, err)
	}
	log.Info("alarm finding imported", "detection", d.ID, "findingId", a.ID)
	return nil
}

// busiest reads the largest recent datapoint of an alarm's reason data
// (the busiest principal's count), 0 when there is none.
func busiest(reasonData string) int {
	var rd struct {
		RecentDatapoints []float64 `json:"recentDatapoints"`
	}
	if json.Unmarshal([]byte(reasonData), &rd) != nil {
		return 0
	}
	top := 0.0
	for _, v := range rd.RecentDatapoints {
		top = max(top, v)
	}
	return int(top)
}

// function is where the function runs: its account, Region and partition,
// from the ARN it was invoked by.
type function struct{ account, region, partition string }

func functionOf(ctx context.Context) (function, error) {
	lc, ok := lambdacontext.FromContext(ctx)
	if ok {
		// arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]
		a, err := awsid.ParseARN(lc.InvokedFunctionArn)
		if err == nil && awsid.IsAccountID(a.AccountID) && strings.HasPrefix(a.Resource, "function:") {
			return function{account: a.AccountID, region: a.Region, partition: a.Partition}, nil
		}
	}
	return function{}, errors.New("cannot tell the function's account and Region from its invocation context")
}

// importFinding imports one finding with BatchImportFindings; the SDK's
// finding type has the ASFF member names, so the finding goes through JSON.
func importFinding(ctx context.Context, alerts AlertClients, region string, f any) (bool, error) {
	b, err := json.Marshal(f)
	if err != nil {
		return false, err
	}
	var sf shtypes.AwsSecurityFinding
	if err := json.Unmarshal(b, &sf); err != nil {
		return false, fmt.Errorf("encode the finding: %w", err)
	}
	client, err := alerts.SecurityHub(ctx, region)
	if err != nil {
		return false, err
	}
	out, err := client.BatchImportFindings(ctx, &securityhub.BatchImportFindingsInput{Findings: []shtypes.AwsSecurityFinding{sf}})
	if err != nil {
		return false, err
	}
	if aws.ToInt32(out.FailedCount) > 0 {
		var msgs []string
		for _, ff := range out.FailedFindings {
			msgs = append(msgs, aws.ToString(ff.ErrorCode)+": "+aws.ToString(ff.ErrorMessage))
		}
		return false, fmt.Errorf("the finding was refused: %s", strings.Join(msgs, "; "))
	}
	return true, nil
}

// publish sends the finding to the alerts topic: a summary for people,
// then the finding as JSON (the keys of aiguard hunt --format json).
func publish(ctx context.Context, alerts AlertClients, topic string, f *detections.Finding, d *detections.Detection) error {
	// arn:PARTITION:sns:REGION:ACCOUNT:TOPIC; the function's Region when the
	// topic is not an ARN.
	a, _ := awsid.SplitARN(topic)
	client, err := alerts.SNS(ctx, a.Region)
	if err != nil {
		return err
	}
	body, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "aiguard detection %s (%s): %s\n\n", d.ID, f.Severity, d.Title)
	fmt.Fprintf(&b, "Account: %s\nRegion: %s\nPrincipal: %s\nWhen: %s\n\n", f.AccountID, f.AWSRegion, f.Principal, f.FirstSeen.Format(time.RFC3339))
	fmt.Fprintf(&b, "What: %s\n\nWhat to do: %s\n\nFinding:\n%s\n", f.Reason, d.Remediation, body)
	subject := fmt.Sprintf("aiguard %s: %s in %s", f.Severity, d.Title, f.AccountID)
	if len(subject) > 100 { // SNS's limit on subjects
		subject = subject[:97] + "..."
	}
	_, err = client.Publish(ctx, &sns.PublishInput{
		TopicArn: aws.String(topic),
		Subject:  aws.String(subject),
		Message:  aws.String(b.String()),
	})
	return err
}
