// Package configevent decodes the event AWS Config sends to a custom rule's
// Lambda function: the envelope, the invoking event inside it (a JSON string),
// and the rule parameters (another JSON string).
package configevent

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aiguard/aiguard/configitem"
)

// MaxSize is the largest event, in bytes, that Parse accepts: Lambda's own
// limit on an invocation payload.
const MaxSize = 6 << 20

// Message types of the invoking event.
const (
	ItemChange          = "ConfigurationItemChangeNotification"
	OversizedItemChange = "OversizedConfigurationItemChangeNotification"
	Scheduled           = "ScheduledNotification"
	SnapshotDelivered   = "ConfigurationSnapshotDeliveryCompleted"
)

// TestModeToken is the result token that, by the RDK's convention, asks for
// PutEvaluations in TestMode (nothing is stored).
const TestModeToken = "TESTMODE"

// Event is a decoded Config rule invocation.
type Event struct {
	AccountID        string
	ConfigRuleARN    string
	ConfigRuleID     string
	ConfigRuleName   string
	EventLeftScope   bool
	ExecutionRoleARN string
	ResultToken      string
	Version          string
	// Params holds the rule parameters (the rule's InputParameters), with
	// every value as a string whatever JSON scalar Config delivered.
	Params map[string]string

	Invoking Invoking
}

// Invoking is the decoded invokingEvent.
type Invoking struct {
	MessageType string
	// Item is the CI of a change notification, or the summary of an oversized
	// one (a CI without configuration).
	Item *configitem.Item
	// AccountID is awsAccountId of a scheduled notification.
	AccountID                string
	NotificationCreationTime time.Time
	RecordVersion            string
	// S3Bucket and S3ObjectKey locate a delivered snapshot.
	S3Bucket    string
	S3ObjectKey string
}

// OrderingTime is the timestamp Config expects on the evaluations of this
// event: the CI's capture time for change notifications, the notification
// time otherwise.
func (e *Event) OrderingTime() time.Time {
	if e.Invoking.Item != nil && !e.Invoking.Item.CaptureTime.IsZero() {
		return e.Invoking.Item.CaptureTime
	}
	return e.Invoking.NotificationCreationTime
}

// TestMode reports whether the result token asks for TestMode.
func (e *Event) TestMode() bool { return e.ResultToken == TestModeToken }

// Partition returns the AWS partition of the rule ("aws", "aws-cn",
// "aws-us-gov", ...), read from its ARN; "aws" when the ARN is absent.
func (e *Event) Partition() string {
	if p, ok := strings.CutPrefix(e.ConfigRuleARN, "arn:"); ok {
		if part, _, ok := strings.Cut(p, ":"); ok && part != "" {
			return part
		}
	}
	return "aws"
}

type wireEvent struct {
	AccountID        string          `json:"accountId"`
	ConfigRuleARN    string          `json:"configRuleArn"`
	ConfigRuleID     string          `json:"configRuleId"`
	ConfigRuleName   string          `json:"configRuleName"`
	EventLeftScope   json.RawMessage `json:"eventLeftScope"`
	ExecutionRoleARN string          `json:"executionRoleArn"`
	InvokingEvent    json.RawMessage `json:"invokingEvent"`
	ResultToken      string          `json:"resultToken"`
	RuleParameters   json.RawMessage `json:"ruleParameters"`
	Version          string          `json:"version"`
}

type wireInvoking struct {
	MessageType              string          `json:"messageType"`
	ConfigurationItem        json.RawMessage `json:"configurationItem"`
	ConfigurationItemSummary json.RawMessage `json:"configurationItemSummary"`
	AWSAccountID             string          `json:"awsAccountId"`
	NotificationCreationTime string          `json:"notificationCreationTime"`
	RecordVersion            string          `json:"recordVersion"`
	S3Bucket                 string          `json:"s3Bucket"`
	S3ObjectKey              string          `json:"s3ObjectKey"`
}

// Parse decodes a Lambda event from Config. Every malformed part gives an
// error naming the part; no input makes it panic.
func Parse(data []byte) (*Event, error) {
	if len(data) > MaxSize {
		return nil, fmt.Errorf("event is %d bytes, more than the %d-byte Lambda payload limit", len(data), MaxSize)
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, errors.New("event: want a JSON object")
	}
	var w wireEvent
	if err := json.Unmarshal(trimmed, &w); err != nil {
		return nil, fmt.Errorf("event: %w", err)
	}
	ev := &Event{
		AccountID:        w.AccountID,
		ConfigRuleARN:    w.ConfigRuleARN,
		ConfigRuleID:     w.ConfigRuleID,
		ConfigRuleName:   w.ConfigRuleName,
		ExecutionRoleARN: w.ExecutionRoleARN,
		ResultToken:      w.ResultToken,
		Version:          w.Version,
	}
	var err error
	if ev.EventLeftScope, err = parseBool(w.EventLeftScope); err != nil {
		return nil, fmt.Errorf("event: eventLeftScope: %w", err)
	}
	if ev.Params, err = ParseParams(w.RuleParameters); err != nil {
		return nil, fmt.Errorf("event: ruleParameters: %w", err)
	}
	if isNull(w.InvokingEvent) {
		return nil, errors.New("event: invokingEvent is missing")
	}
	var invoking string
	if err := json.Unmarshal(w.InvokingEvent, &invoking); err != nil {
		return nil, errors.New("event: invokingEvent: want a JSON-encoded string")
	}
	if ev.Invoking, err = ParseInvoking([]byte(invoking)); err != nil {
		return nil, fmt.Errorf("event: invokingEvent: %w", err)
	}
	if ev.AccountID == "" {
		ev.AccountID = ev.Invoking.AccountID
	}
	return ev, nil
}

// ParseInvoking decodes the invokingEvent document.
func ParseInvoking(data []byte) (Invoking, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return Invoking{}, errors.New("want a JSON object")
	}
	var w wireInvoking
	if err := json.Unmarshal(trimmed, &w); err != nil {
		return Invoking{}, err
	}
	inv := Invoking{
		MessageType:   w.MessageType,
		AccountID:     w.AWSAccountID,
		RecordVersion: w.RecordVersion,
		S3Bucket:      w.S3Bucket,
		S3ObjectKey:   w.S3ObjectKey,
	}
	if w.NotificationCreationTime != "" {
		t, err := time.Parse(time.RFC3339Nano, w.NotificationCreationTime)
		if err != nil {
			return Invoking{}, fmt.Errorf("notificationCreationTime: want an RFC 3339 time, got %q", w.NotificationCreationTime)
		}
		inv.NotificationCreationTime = t.UTC()
	}
	switch w.MessageType {
	case ItemChange:
		item, err := decodeItem("configurationItem", w.ConfigurationItem)
		if err != nil {
			return Invoking{}, err
		}
		inv.Item = item
	case OversizedItemChange:
		item, err := decodeItem("configurationItemSummary", w.ConfigurationItemSummary)
		if err != nil {
			return Invoking{}, err
		}
		inv.Item = item
	case Scheduled, SnapshotDelivered:
	case "":
		return Invoking{}, errors.New("messageType is missing")
	default:
		return Invoking{}, fmt.Errorf("unknown messageType %q (want %s, %s, %s or %s)",
			w.MessageType, ItemChange, OversizedItemChange, Scheduled, SnapshotDelivered)
	}
	if inv.AccountID == "" && inv.Item != nil {
		inv.AccountID = inv.Item.AccountID
	}
	return inv, nil
}

func decodeItem(field string, raw json.RawMessage) (*configitem.Item, error) {
	if isNull(raw) {
		return nil, fmt.Errorf("%s is missing", field)
	}
	item, err := configitem.Decode(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", field, err)
	}
	if item.ResourceType == "" || item.ResourceID == "" {
		return nil, fmt.Errorf("%s: resourceType and resourceId are required", field)
	}
	return item, nil
}

// ParseParams decodes rule parameters: a JSON string holding an object (what
// Config sends), or the object itself. Scalar values become strings; nested
// values are kept as their JSON text.
func ParseParams(raw json.RawMessage) (map[string]string, error) {
	if isNull(raw) {
		return map[string]string{}, nil
	}
	raw = bytes.TrimSpace(raw)
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		s = strings.TrimSpace(s)
		if s == "" {
			return map[string]string{}, nil
		}
		raw = json.RawMessage(s)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, errors.New("want a JSON object of parameter names to values")
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		s, err := scalarString(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		out[k] = s
	}
	return out, nil
}

func scalarString(raw json.RawMessage) (string, error) {
	if isNull(raw) {
		return "", nil
	}
	if raw[0] == '"' {
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	}
	return string(raw), nil // number, boolean or nested JSON, as written
}

func parseBool(raw json.RawMessage) (bool, error) {
	if isNull(raw) {
		return false, nil
	}
	s := strings.Trim(string(raw), `"`)
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, fmt.Errorf("want true or false, got %.40s", raw)
	}
	return b, nil
}

func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || string(t) == "null"
}
