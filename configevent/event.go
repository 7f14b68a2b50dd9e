// Package configevent decodes the event AWS Config sends to a custom rule's
// Lambda function: the envelope, the invoking event inside it (a JSON string),
// and the rule parameters (another JSON string).
package configevent

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/aiguard/aiguard/awsid"
	"github.com/aiguard/aiguard/configitem"
	"github.com/aiguard/aiguard/internal/jsonfast"
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
// "aws-us-gov", ...), read from its ARN, or failing that from the execution
// role's or the item's ARN; "aws" when none holds one.
func (e *Event) Partition() string {
	arns := []string{e.ConfigRuleARN, e.ExecutionRoleARN}
	if e.Invoking.Item != nil {
		arns = append(arns, e.Invoking.Item.ARN)
	}
	for _, arn := range arns {
		// Only an ARN that parses: a malformed one cannot inject text into
		// the role ARNs built from its partition.
		if p, ok := awsid.PartitionOfARN(arn); ok {
			return p
		}
	}
	return awsid.AWS
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
		return nil, fmt.Errorf("event: %w", jsonError(err))
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
		return nil, fmt.Errorf("event: invokingEvent: want a string holding JSON, got %s", jsonfast.Describe(w.InvokingEvent))
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
		return Invoking{}, jsonError(err)
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
			return Invoking{}, fmt.Errorf("notificationCreationTime: want an RFC 3339 time, got %q", jsonfast.Excerpt(w.NotificationCreationTime))
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
			jsonfast.Excerpt(w.MessageType), ItemChange, OversizedItemChange, Scheduled, SnapshotDelivered)
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
	if raw[0] != '{' {
		return nil, fmt.Errorf("%s: want an object, got %s", field, jsonfast.Describe(raw))
	}
	item, err := configitem.Decode(raw)
	if err != nil {
		return nil, &itemError{field: field, err: err}
	}
	if item.ResourceType == "" || item.ResourceID == "" {
		return nil, fmt.Errorf("%s: resourceType and resourceId are required", field)
	}
	return item, nil
}

// itemError is a CI decoding error within an event. Its message names the
// field once ("configurationItem: configuration: ...") rather than adding
// configitem's own "configuration item:" prefix after it.
type itemError struct {
	field string
	err   error
}

func (e *itemError) Error() string {
	return e.field + ": " + strings.TrimPrefix(e.err.Error(), "configuration item: ")
}

func (e *itemError) Unwrap() error { return e.err }

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
		if isNull(json.RawMessage(s)) {
			return map[string]string{}, nil
		}
		raw = bytes.TrimSpace([]byte(s))
	}
	if raw[0] != '{' {
		return nil, fmt.Errorf("want a JSON object of parameter names to values, got %s", jsonfast.Describe(raw))
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("want a JSON object of parameter names to values: %w", jsonError(err))
	}
	if k, ok := duplicateKey(raw); ok {
		// encoding/json keeps the last value silently; which one the
		// author meant (a second ruleId, a second exemption list) is
		// anyone's guess, so neither is used.
		return nil, fmt.Errorf("parameter %q is given more than once; give each parameter once", jsonfast.Excerpt(k))
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

// duplicateKey returns a key that the JSON object in raw, already known
// to be valid, holds more than once.
func duplicateKey(raw []byte) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil { // {
		return "", false
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return "", false
		}
		k, _ := tok.(string)
		if seen[k] {
			return k, true
		}
		seen[k] = true
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return "", false
		}
	}
	return "", false
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
		return false, fmt.Errorf("want true or false, got %s", jsonfast.Excerpt(string(raw)))
	}
	return b, nil
}

func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || string(t) == "null"
}

// jsonError restates an encoding/json error in terms of the input rather
// than of this package's Go types: "configRuleName: want a string, got
// number" instead of "cannot unmarshal number into Go struct field
// wireEvent.configRuleName".
func jsonError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		want := "another type"
		if te.Type != nil {
			switch te.Type.Kind() {
			case reflect.String:
				want = "a string"
			case reflect.Map, reflect.Struct:
				want = "an object"
			case reflect.Slice:
				want = "an array"
			}
		}
		if te.Field == "" {
			return fmt.Errorf("want %s, got %s", want, te.Value)
		}
		return fmt.Errorf("%s: want %s, got %s", te.Field, want, te.Value)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("not valid JSON: %w", err)
	}
	return err
}
