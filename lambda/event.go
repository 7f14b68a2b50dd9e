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
		Payload *detections.Payload `json:"aiguard"`
	}
	if err := json.Unmarshal(payload, &env); err != nil {
		return fmt.Errorf("decode event: %w", err)
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

// function is where the function runs: its account, Region and partition,
// from the ARN it was invoked by.
type function struct{ account, region, partition string }

func functionOf(ctx context.Context) (function, error) {
	lc, ok := lambdacontext.FromContext(ctx)
	if ok {
		// arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]
		parts := strings.Split(lc.InvokedFunctionArn, ":")
		if len(parts) >= 7 && parts[0] == "arn" && len(parts[4]) == 12 {
			return function{account: parts[4], region: parts[3], partition: parts[1]}, nil
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
	region := ""
	if parts := strings.Split(topic, ":"); len(parts) == 6 {
		region = parts[3]
	}
	client, err := alerts.SNS(ctx, region)
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
