package configevent_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aiguard/aiguard/configevent"
	"github.com/aiguard/aiguard/configitem"
	"github.com/aiguard/aiguard/configitem/configitemtest"
)

// The repository's shared event fixtures, read but never written here.
const sharedEvents = "../testdata/events"

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func mustParse(t testing.TB, data []byte) *configevent.Event {
	t.Helper()
	ev, err := configevent.Parse(data)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return ev
}

var (
	captureTime = time.Date(2026, 11, 20, 10, 15, 30, 123e6, time.UTC)
	noonTime    = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
)

// TestParseFixtures parses the fixtures for every message type and CI status.
func TestParseFixtures(t *testing.T) {
	tests := []struct {
		path        string
		messageType string
		status      string // "" when the event carries no item
		resourceID  string
		leftScope   bool
		testMode    bool
		ruleID      string
		ordering    time.Time
		partition   string
	}{
		{path: sharedEvents + "/change-compliant.json", messageType: configevent.ItemChange, status: configitem.StatusOK, resourceID: "fraud-analysis", ruleID: "sagemaker-notebook-no-direct-internet", ordering: captureTime},
		{path: sharedEvents + "/change-noncompliant.json", messageType: configevent.ItemChange, status: configitem.StatusOK, resourceID: "scratch-notebook", ruleID: "sagemaker-notebook-no-direct-internet", ordering: captureTime},
		{path: sharedEvents + "/change-camelcase.json", messageType: configevent.ItemChange, status: configitem.StatusOK, resourceID: "camel-nb", ruleID: "sagemaker-notebook-root-access-disabled", ordering: captureTime},
		{path: sharedEvents + "/change-discovered.json", messageType: configevent.ItemChange, status: configitem.StatusResourceDiscovered, resourceID: "new-nb", ruleID: "sagemaker-notebook-no-direct-internet", ordering: captureTime},
		{path: sharedEvents + "/change-deleted.json", messageType: configevent.ItemChange, status: configitem.StatusResourceDeleted, resourceID: "gone-nb", ruleID: "sagemaker-notebook-no-direct-internet", ordering: captureTime},
		{path: sharedEvents + "/change-deleted-not-recorded.json", messageType: configevent.ItemChange, status: configitem.StatusResourceDeletedNotRecorded, resourceID: "gone-nb2", ruleID: "sagemaker-notebook-no-direct-internet", ordering: captureTime},
		{path: sharedEvents + "/change-not-recorded.json", messageType: configevent.ItemChange, status: configitem.StatusResourceNotRecorded, resourceID: "unrec-nb", ruleID: "sagemaker-notebook-no-direct-internet", ordering: captureTime},
		{path: sharedEvents + "/change-left-scope.json", messageType: configevent.ItemChange, status: configitem.StatusOK, resourceID: "scratch-notebook", leftScope: true, ruleID: "sagemaker-notebook-no-direct-internet", ordering: captureTime},
		{path: sharedEvents + "/change-testmode.json", messageType: configevent.ItemChange, status: configitem.StatusOK, resourceID: "fraud-analysis", testMode: true, ruleID: "sagemaker-notebook-no-direct-internet", ordering: captureTime},
		{path: sharedEvents + "/change-rule-name-fallback.json", messageType: configevent.ItemChange, status: configitem.StatusOK, resourceID: "scratch-notebook", ordering: captureTime},
		{path: sharedEvents + "/oversized.json", messageType: configevent.OversizedItemChange, status: configitem.StatusOK, resourceID: "huge-notebook", ruleID: "sagemaker-notebook-no-direct-internet", ordering: captureTime},
		{path: sharedEvents + "/scheduled.json", messageType: configevent.Scheduled, ruleID: "sagemaker-notebook-no-direct-internet", ordering: noonTime},
		{path: sharedEvents + "/snapshot-delivered.json", messageType: configevent.SnapshotDelivered, ruleID: "sagemaker-notebook-no-direct-internet", ordering: noonTime},
		{path: "testdata/events/change-aws-cn.json", messageType: configevent.ItemChange, status: configitem.StatusOK, resourceID: "cn-nb", ruleID: "sagemaker-notebook-no-direct-internet", ordering: captureTime, partition: "aws-cn"},
		{path: "testdata/events/change-aws-us-gov.json", messageType: configevent.ItemChange, status: configitem.StatusOK, resourceID: "gov-nb", ruleID: "sagemaker-notebook-no-direct-internet", ordering: captureTime, partition: "aws-us-gov"},
		{path: "testdata/events/change-left-scope-string.json", messageType: configevent.ItemChange, status: configitem.StatusOK, resourceID: "scope-nb", leftScope: true, ruleID: "sagemaker-notebook-no-direct-internet", ordering: captureTime},
		{path: "testdata/events/change-params-object.json", messageType: configevent.ItemChange, status: configitem.StatusOK, resourceID: "params-nb", ruleID: "sagemaker-notebook-in-vpc", ordering: captureTime},
		{path: "testdata/events/change-api-shape-item.json", messageType: configevent.ItemChange, status: configitem.StatusOK, resourceID: "api-nb", ruleID: "sagemaker-notebook-no-direct-internet", ordering: captureTime},
		{path: "testdata/events/scheduled-minimal.json", messageType: configevent.Scheduled, ordering: noonTime},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.path), func(t *testing.T) {
			ev := mustParse(t, readFile(t, tt.path))
			inv := ev.Invoking
			if inv.MessageType != tt.messageType {
				t.Errorf("MessageType = %q, want %q", inv.MessageType, tt.messageType)
			}
			if tt.status == "" {
				if inv.Item != nil {
					t.Errorf("Item = %+v, want none", inv.Item)
				}
			} else if inv.Item == nil {
				t.Fatal("Item is nil")
			} else if inv.Item.Status != tt.status || inv.Item.ResourceID != tt.resourceID ||
				inv.Item.ResourceType != "AWS::SageMaker::NotebookInstance" {
				t.Errorf("Item status %q id %q type %q; want %q %q", inv.Item.Status, inv.Item.ResourceID, inv.Item.ResourceType, tt.status, tt.resourceID)
			}
			if ev.EventLeftScope != tt.leftScope {
				t.Errorf("EventLeftScope = %v, want %v", ev.EventLeftScope, tt.leftScope)
			}
			if ev.TestMode() != tt.testMode {
				t.Errorf("TestMode() = %v, want %v", ev.TestMode(), tt.testMode)
			}
			if got := ev.Params["ruleId"]; got != tt.ruleID {
				t.Errorf("Params[ruleId] = %q, want %q", got, tt.ruleID)
			}
			if ev.Params == nil {
				t.Error("Params is nil, want an empty map at least")
			}
			if got := ev.OrderingTime(); !got.Equal(tt.ordering) {
				t.Errorf("OrderingTime() = %v, want %v", got, tt.ordering)
			}
			want := tt.partition
			if want == "" {
				want = "aws"
			}
			if got := ev.Partition(); got != want {
				t.Errorf("Partition() = %q, want %q", got, want)
			}
			if ev.AccountID != "111122223333" || inv.AccountID == "" && tt.messageType != configevent.SnapshotDelivered {
				t.Errorf("AccountID = %q, Invoking.AccountID = %q", ev.AccountID, inv.AccountID)
			}
		})
	}
}

// TestSharedFixturesCoverEverything parses every shared fixture, so one added
// later is checked too, and checks that the fixtures together hold every
// message type and every CI status.
func TestSharedFixturesCoverEverything(t *testing.T) {
	var paths []string
	for _, dir := range []string{sharedEvents, "testdata/events"} {
		matches, err := filepath.Glob(filepath.Join(dir, "*.json"))
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, matches...)
	}
	seen := map[string]bool{}
	for _, path := range paths {
		ev, err := configevent.Parse(readFile(t, path))
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		seen[ev.Invoking.MessageType] = true
		if ev.Invoking.Item != nil {
			seen[ev.Invoking.Item.Status] = true
		}
	}
	for _, want := range []string{
		configevent.ItemChange, configevent.OversizedItemChange, configevent.Scheduled, configevent.SnapshotDelivered,
		configitem.StatusOK, configitem.StatusResourceDiscovered, configitem.StatusResourceDeleted,
		configitem.StatusResourceDeletedNotRecorded, configitem.StatusResourceNotRecorded,
	} {
		if !seen[want] {
			t.Errorf("no fixture holds %s", want)
		}
	}
}

func TestParseDetails(t *testing.T) {
	t.Run("change", func(t *testing.T) {
		ev := mustParse(t, readFile(t, sharedEvents+"/change-compliant.json"))
		for _, c := range []struct{ field, got, want string }{
			{"ConfigRuleARN", ev.ConfigRuleARN, "arn:aws:config:us-east-1:111122223333:config-rule/config-rule-a1b2c3"},
			{"ConfigRuleID", ev.ConfigRuleID, "config-rule-a1b2c3"},
			{"ConfigRuleName", ev.ConfigRuleName, "aiguard-sagemaker-notebook"},
			{"ExecutionRoleARN", ev.ExecutionRoleARN, "arn:aws:iam::111122223333:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"},
			{"ResultToken", ev.ResultToken, "example-result-token"},
			{"Version", ev.Version, "1.0"},
			{"RecordVersion", ev.Invoking.RecordVersion, "1.3"},
			{"DirectInternetAccess", ev.Invoking.Item.Config().Field("DirectInternetAccess").Str(), "Disabled"},
		} {
			if c.got != c.want {
				t.Errorf("%s = %q, want %q", c.field, c.got, c.want)
			}
		}
		if want := time.Date(2026, 11, 20, 10, 15, 31, 0, time.UTC); !ev.Invoking.NotificationCreationTime.Equal(want) {
			t.Errorf("NotificationCreationTime = %v, want %v", ev.Invoking.NotificationCreationTime, want)
		}
	})
	t.Run("oversized summary has no configuration", func(t *testing.T) {
		ev := mustParse(t, readFile(t, sharedEvents+"/oversized.json"))
		it := ev.Invoking.Item
		if it.Configuration != nil || it.Config().Exists() || it.StateID != "0" || it.ARN == "" {
			t.Errorf("summary = %+v", it)
		}
	})
	t.Run("snapshot", func(t *testing.T) {
		ev := mustParse(t, readFile(t, sharedEvents+"/snapshot-delivered.json"))
		if ev.Invoking.S3Bucket != "config-bucket" || !strings.HasPrefix(ev.Invoking.S3ObjectKey, "AWSLogs/111122223333/Config/") {
			t.Errorf("S3 = %q %q", ev.Invoking.S3Bucket, ev.Invoking.S3ObjectKey)
		}
	})
	t.Run("API-shape item", func(t *testing.T) {
		ev := mustParse(t, readFile(t, "testdata/events/change-api-shape-item.json"))
		it := ev.Invoking.Item
		if it.Config().Field("DirectInternetAccess").Str() != "Enabled" || it.StateID != "1763633730123" ||
			len(it.Relationships) != 1 || it.Relationships[0].Name != "Is contained in Subnet" ||
			it.Supplement("Tags").List()[0].Field("value").Str() != "fraud-ml" {
			t.Errorf("item = %+v", it)
		}
	})
	t.Run("account from the invoking event", func(t *testing.T) {
		ev := mustParse(t, readFile(t, "testdata/events/scheduled-minimal.json"))
		if ev.AccountID != "111122223333" {
			t.Errorf("AccountID = %q, want the invoking event's awsAccountId", ev.AccountID)
		}
	})
}

// event builds a Lambda event around an invoking event; the fields in env
// replace or add envelope fields.
func event(t *testing.T, invoking any, env map[string]any) []byte {
	t.Helper()
	e := map[string]any{
		"configRuleArn":  "arn:aws:config:us-east-1:111122223333:config-rule/config-rule-a1b2c3",
		"configRuleName": "aiguard-test",
		"resultToken":    "token",
		"eventLeftScope": false,
		"ruleParameters": "{}",
		"accountId":      "111122223333",
	}
	if invoking != nil {
		inv, err := json.Marshal(invoking)
		if err != nil {
			t.Fatal(err)
		}
		e["invokingEvent"] = string(inv)
	}
	for k, v := range env {
		if v == nil {
			delete(e, k)
		} else {
			e[k] = v
		}
	}
	data, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

var scheduled = map[string]any{
	"awsAccountId":             "111122223333",
	"notificationCreationTime": "2026-11-20T12:00:00.000Z",
	"messageType":              configevent.Scheduled,
}

func TestRuleParameters(t *testing.T) {
	tests := []struct {
		name    string
		params  any // the ruleParameters value; absent when nil
		want    map[string]string
		wantErr string
	}{
		{name: "JSON string", params: `{"ruleId":"r","allowedSubnetIds":"subnet-1,subnet-2"}`,
			want: map[string]string{"ruleId": "r", "allowedSubnetIds": "subnet-1,subnet-2"}},
		{name: "JSON string with blanks", params: " \n{\"a\": \"b\"} ", want: map[string]string{"a": "b"}},
		{name: "object", params: map[string]any{"ruleId": "r", "a": "b"}, want: map[string]string{"ruleId": "r", "a": "b"}},
		{name: "number and bool values", params: `{"max":3,"ratio":0.5,"strict":true,"off":false}`,
			want: map[string]string{"max": "3", "ratio": "0.5", "strict": "true", "off": "false"}},
		{name: "number and bool values in an object", params: map[string]any{"max": 3, "strict": true},
			want: map[string]string{"max": "3", "strict": "true"}},
		{name: "null value", params: `{"a":null}`, want: map[string]string{"a": ""}},
		{name: "nested value kept as JSON", params: `{"a":{"b":[1,2]}}`, want: map[string]string{"a": `{"b":[1,2]}`}},
		{name: "empty object", params: `{}`, want: map[string]string{}},
		{name: "empty string", params: ``, want: map[string]string{}},
		{name: "blank string", params: `   `, want: map[string]string{}},
		{name: "string null", params: `null`, want: map[string]string{}},
		{name: "null", params: json.RawMessage(`null`), want: map[string]string{}},
		{name: "missing", want: map[string]string{}},
		{name: "array", params: []string{"a"}, wantErr: "event: ruleParameters: want a JSON object of parameter names to values, got an array"},
		{name: "number", params: 5, wantErr: "event: ruleParameters: want a JSON object of parameter names to values, got a number"},
		{name: "bool", params: true, wantErr: "ruleParameters: want a JSON object of parameter names to values, got a boolean"},
		{name: "string holding an array", params: `["a"]`, wantErr: "ruleParameters: want a JSON object of parameter names to values, got an array"},
		{name: "string not JSON", params: `ruleId=r`, wantErr: "ruleParameters: want a JSON object of parameter names to values, got text that is not JSON"},
		{name: "string holding broken JSON", params: `{"a":`, wantErr: "ruleParameters: want a JSON object of parameter names to values: not valid JSON"},
		// encoding/json would keep the last ruleId: a rule other than the one
		// the first names would run.
		{name: "ruleId twice", params: `{"ruleId":"sagemaker-notebook-in-vpc","ruleId":"sagemaker-notebook-root-access"}`,
			wantErr: `event: ruleParameters: parameter "ruleId" is given more than once`},
		{name: "parameter twice", params: `{"ruleId":"r","exemptResourceIds":"a","exemptResourceIds":"b"}`,
			wantErr: `parameter "exemptResourceIds" is given more than once`},
		{name: "parameter twice, nested values", params: `{"a":{"a":1,"b":[{"a":2}]},"b":1,"a":"x"}`,
			wantErr: `parameter "a" is given more than once`},
		{name: "same key in nested values only", params: `{"a":{"k":1},"b":{"k":2}}`,
			want: map[string]string{"a": `{"k":1}`, "b": `{"k":2}`}},
		{name: "keys that differ in case", params: `{"ruleId":"r","RuleId":"s"}`,
			want: map[string]string{"ruleId": "r", "RuleId": "s"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := configevent.Parse(event(t, scheduled, map[string]any{"ruleParameters": tt.params}))
			configitemtest.CheckErr(t, err, tt.wantErr)
			if err == nil && !reflect.DeepEqual(ev.Params, tt.want) {
				t.Errorf("Params = %#v, want %#v", ev.Params, tt.want)
			}
		})
	}
}

func TestEventLeftScope(t *testing.T) {
	tests := []struct {
		value   any
		want    bool
		wantErr string
	}{
		{value: true, want: true},
		{value: false, want: false},
		{value: "true", want: true},
		{value: "false", want: false},
		{value: "TRUE", want: true},
		{value: json.RawMessage(`null`), want: false},
		{value: nil, want: false}, // missing
		{value: "maybe", wantErr: `event: eventLeftScope: want true or false, got "maybe"`},
		{value: map[string]any{}, wantErr: "event: eventLeftScope: want true or false, got {}"},
	}
	for _, tt := range tests {
		t.Run(string(mustJSON(t, tt.value)), func(t *testing.T) {
			ev, err := configevent.Parse(event(t, scheduled, map[string]any{"eventLeftScope": tt.value}))
			configitemtest.CheckErr(t, err, tt.wantErr)
			if err == nil && ev.EventLeftScope != tt.want {
				t.Errorf("EventLeftScope = %v, want %v", ev.EventLeftScope, tt.want)
			}
		})
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestParseMalformed feeds broken events: each gives an error that names the
// broken part, and none panics.
func TestParseMalformed(t *testing.T) {
	item := map[string]any{"resourceType": "AWS::SageMaker::NotebookInstance", "resourceId": "nb", "configurationItemStatus": "OK"}
	change := func(ci any) map[string]any {
		return map[string]any{"messageType": configevent.ItemChange, "configurationItem": ci}
	}
	raw := func(s string) []byte { return []byte(s) }
	tests := []struct {
		name    string
		in      []byte
		wantErr string
	}{
		{"empty", raw(``), "event: want a JSON object"},
		{"not JSON", raw(`invokingEvent=x`), "event: want a JSON object"},
		{"broken JSON", raw(`{"invokingEvent":`), "event: not valid JSON: unexpected end of JSON input"},
		{"trailing data", raw(`{} []`), "event: not valid JSON"},
		{"JSON array", raw(`[{"invokingEvent":"{}"}]`), "event: want a JSON object"},
		{"JSON null", raw(`null`), "event: want a JSON object"},
		{"JSON string", raw(`"{}"`), "event: want a JSON object"},
		{"configRuleName a number", event(t, scheduled, map[string]any{"configRuleName": 5}), "event: configRuleName: want a string, got number"},
		{"resultToken an object", event(t, scheduled, map[string]any{"resultToken": map[string]any{}}), "event: resultToken: want a string, got object"},
		{"invokingEvent missing", event(t, nil, nil), "event: invokingEvent is missing"},
		{"invokingEvent null", event(t, nil, map[string]any{"invokingEvent": json.RawMessage(`null`)}), "event: invokingEvent is missing"},
		{"invokingEvent an object", event(t, nil, map[string]any{"invokingEvent": scheduled}), "event: invokingEvent: want a string holding JSON, got an object"},
		{"invokingEvent a number", event(t, nil, map[string]any{"invokingEvent": 7}), "event: invokingEvent: want a string holding JSON, got a number"},
		{"invokingEvent an array", event(t, nil, map[string]any{"invokingEvent": []any{}}), "event: invokingEvent: want a string holding JSON, got an array"},
		{"invokingEvent not JSON inside", event(t, nil, map[string]any{"invokingEvent": "messageType=x"}), "event: invokingEvent: want a JSON object"},
		{"invokingEvent empty", event(t, nil, map[string]any{"invokingEvent": ""}), "event: invokingEvent: want a JSON object"},
		{"invokingEvent broken JSON inside", event(t, nil, map[string]any{"invokingEvent": `{"messageType":`}), "event: invokingEvent: not valid JSON"},
		{"invokingEvent an array inside", event(t, nil, map[string]any{"invokingEvent": `[]`}), "event: invokingEvent: want a JSON object"},
		{"messageType missing", event(t, map[string]any{"awsAccountId": "1"}, nil), "event: invokingEvent: messageType is missing"},
		{"messageType a number", event(t, map[string]any{"messageType": 1}, nil), "event: invokingEvent: messageType: want a string, got number"},
		{"messageType unknown", event(t, map[string]any{"messageType": "ConfigurationItemChanged"}, nil),
			`event: invokingEvent: unknown messageType "ConfigurationItemChanged" (want ConfigurationItemChangeNotification, OversizedConfigurationItemChangeNotification, ScheduledNotification or ConfigurationSnapshotDeliveryCompleted)`},
		{"messageType wrong case", event(t, map[string]any{"messageType": "scheduledNotification"}, nil), `unknown messageType "scheduledNotification"`},
		{"configurationItem missing", event(t, map[string]any{"messageType": configevent.ItemChange}, nil), "event: invokingEvent: configurationItem is missing"},
		{"configurationItem null", event(t, change(nil), nil), "event: invokingEvent: configurationItem is missing"},
		{"configurationItem a string", event(t, change(`{"resourceId":"nb"}`), nil), "event: invokingEvent: configurationItem: want an object, got a string"},
		{"configurationItem an array", event(t, change([]any{item}), nil), "event: invokingEvent: configurationItem: want an object, got an array"},
		{"configurationItem a number", event(t, change(3), nil), "event: invokingEvent: configurationItem: want an object, got a number"},
		{"configurationItem without resourceId", event(t, change(map[string]any{"resourceType": "T"}), nil), "event: invokingEvent: configurationItem: resourceType and resourceId are required"},
		{"configuration a number", event(t, change(map[string]any{"resourceType": "T", "resourceId": "r", "configuration": 1}), nil),
			"event: invokingEvent: configurationItem: configuration: want an object or a JSON-encoded string, got 1"},
		{"configuration an array", event(t, change(map[string]any{"resourceType": "T", "resourceId": "r", "configuration": []any{}}), nil),
			"configurationItem: configuration: want an object or a JSON-encoded string, got []"},
		{"configuration a string not holding an object", event(t, change(map[string]any{"resourceType": "T", "resourceId": "r", "configuration": "Enabled"}), nil),
			`configurationItem: configuration: want an object or a string holding one, got a string holding "Enabled"`},
		{"capture time not RFC 3339", event(t, change(map[string]any{"resourceType": "T", "resourceId": "r", "configurationItemCaptureTime": "today"}), nil),
			"configurationItem: configurationItemCaptureTime: want an RFC 3339 time"},
		{"configurationItemSummary missing", event(t, map[string]any{"messageType": configevent.OversizedItemChange, "configurationItem": item}, nil),
			"event: invokingEvent: configurationItemSummary is missing"},
		{"configurationItemSummary a string", event(t, map[string]any{"messageType": configevent.OversizedItemChange, "configurationItemSummary": "x"}, nil),
			"event: invokingEvent: configurationItemSummary: want an object, got a string"},
		{"notificationCreationTime not RFC 3339", event(t, map[string]any{"messageType": configevent.Scheduled, "notificationCreationTime": "noon"}, nil),
			`event: invokingEvent: notificationCreationTime: want an RFC 3339 time, got "noon"`},
		{"notificationCreationTime a number", event(t, map[string]any{"messageType": configevent.Scheduled, "notificationCreationTime": 1}, nil),
			"event: invokingEvent: notificationCreationTime: want a string, got number"},
		{"ruleParameters not an object", event(t, scheduled, map[string]any{"ruleParameters": "[1]"}), "event: ruleParameters: want a JSON object"},
		{"10 MB event", tenMB(t), "event is 10485760 bytes, more than the 6291456-byte Lambda payload limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := configevent.Parse(tt.in)
			if ev != nil {
				t.Error("Parse returned an event with the error")
			}
			configitemtest.CheckErr(t, err, tt.wantErr)
		})
	}
}

// tenMB is a well-formed change event of exactly 10 MB.
func tenMB(t *testing.T) []byte {
	t.Helper()
	const size = 10 << 20
	head := event(t, change("nb", map[string]any{"Blob": ""}), nil)
	// Pad the configuration's Blob inside the invoking-event string.
	i := bytes.Index(head, []byte(`Blob\":\"`)) + len(`Blob\":\"`)
	out := make([]byte, 0, size)
	out = append(out, head[:i]...)
	out = append(out, bytes.Repeat([]byte("x"), size-len(head))...)
	out = append(out, head[i:]...)
	if len(out) != size || !json.Valid(out) {
		t.Fatalf("built a %d-byte event, valid %v", len(out), json.Valid(out))
	}
	return out
}

// change builds a change notification for a notebook with the given
// configuration.
func change(id string, config map[string]any) map[string]any {
	return map[string]any{
		"messageType":              configevent.ItemChange,
		"notificationCreationTime": "2026-11-20T10:15:31.000Z",
		"configurationItem": map[string]any{
			"configurationItemCaptureTime": "2026-11-20T10:15:30.123Z",
			"configurationItemStatus":      "OK",
			"awsAccountId":                 "111122223333",
			"resourceType":                 "AWS::SageMaker::NotebookInstance",
			"resourceId":                   id,
			"ARN":                          "arn:aws:sagemaker:us-east-1:111122223333:notebook-instance/" + id,
			"configuration":                config,
		},
	}
}

// TestLargestEvent checks that an event just under the limit parses.
func TestLargestEvent(t *testing.T) {
	head := event(t, change("nb", map[string]any{"Blob": ""}), nil)
	i := bytes.Index(head, []byte(`Blob\":\"`)) + len(`Blob\":\"`)
	data := append(append(append([]byte{}, head[:i]...), bytes.Repeat([]byte("x"), configevent.MaxSize-len(head))...), head[i:]...)
	if len(data) != configevent.MaxSize {
		t.Fatalf("built %d bytes", len(data))
	}
	// The CI inside is smaller than the event, so it is within configitem's limit too.
	ev := mustParse(t, data)
	if n := len(ev.Invoking.Item.Config().Field("Blob").Str()); n < configevent.MaxSize-len(head) {
		t.Errorf("Blob has %d bytes", n)
	}
}

func TestPartition(t *testing.T) {
	tests := []struct {
		name             string
		ruleARN, roleARN string
		itemARN          string
		want             string
	}{
		{name: "aws", ruleARN: "arn:aws:config:us-east-1:111122223333:config-rule/r", want: "aws"},
		{name: "aws-cn", ruleARN: "arn:aws-cn:config:cn-north-1:111122223333:config-rule/r", want: "aws-cn"},
		{name: "aws-us-gov", ruleARN: "arn:aws-us-gov:config:us-gov-west-1:111122223333:config-rule/r", want: "aws-us-gov"},
		{name: "aws-iso-b", ruleARN: "arn:aws-iso-b:config:us-isob-east-1:111122223333:config-rule/r", want: "aws-iso-b"},
		{name: "missing", want: "aws"},
		{name: "missing rule ARN, role ARN", roleARN: "arn:aws-cn:iam::111122223333:role/x", want: "aws-cn"},
		{name: "missing rule and role ARN, item ARN", itemARN: "arn:aws-us-gov:sagemaker:us-gov-west-1:111122223333:notebook-instance/x", want: "aws-us-gov"},
		{name: "rule ARN first", ruleARN: "arn:aws-cn:config:cn-north-1:111122223333:config-rule/r", roleARN: "arn:aws:iam::111122223333:role/x", want: "aws-cn"},
		{name: "not an ARN", ruleARN: "config-rule-a1b2c3", want: "aws"},
		{name: "empty partition", ruleARN: "arn::config:us-east-1:111122223333:config-rule/r", want: "aws"},
		{name: "no colon after partition", ruleARN: "arn:aws-cn", want: "aws"},
		{name: "partition with odd characters", ruleARN: "arn:aws/../x:config:us-east-1:111122223333:config-rule/r", roleARN: "arn:aws-cn:iam::111122223333:role/x", want: "aws-cn"},
		{name: "upper-case partition", ruleARN: "arn:AWS:config:us-east-1:111122223333:config-rule/r", want: "aws"},
		{name: "aws-eusc", ruleARN: "arn:aws-eusc:config:eusc-de-east-1:111122223333:config-rule/r", want: "aws-eusc"},
		{name: "rule ARN that does not parse", ruleARN: "arn:aws-cn:config:cn-north-1:1:config-rule/r", roleARN: "arn:aws-us-gov:iam::111122223333:role/x", want: "aws-us-gov"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := &configevent.Event{ConfigRuleARN: tt.ruleARN, ExecutionRoleARN: tt.roleARN}
			if tt.itemARN != "" {
				ev.Invoking.Item = &configitem.Item{ARN: tt.itemARN}
			}
			if got := ev.Partition(); got != tt.want {
				t.Errorf("Partition() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestOrderingTime(t *testing.T) {
	notified := time.Date(2026, 11, 20, 10, 15, 31, 0, time.UTC)
	tests := []struct {
		name string
		ev   configevent.Event
		want time.Time
	}{
		{name: "change: the CI's capture time", want: captureTime, ev: configevent.Event{Invoking: configevent.Invoking{
			MessageType: configevent.ItemChange, NotificationCreationTime: notified, Item: &configitem.Item{CaptureTime: captureTime}}}},
		{name: "change without capture time: the notification time", want: notified, ev: configevent.Event{Invoking: configevent.Invoking{
			MessageType: configevent.ItemChange, NotificationCreationTime: notified, Item: &configitem.Item{}}}},
		{name: "scheduled: the notification time", want: noonTime, ev: configevent.Event{Invoking: configevent.Invoking{
			MessageType: configevent.Scheduled, NotificationCreationTime: noonTime}}},
		{name: "nothing", want: time.Time{}, ev: configevent.Event{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.ev.OrderingTime(); !got.Equal(tt.want) {
				t.Errorf("OrderingTime() = %v, want %v", got, tt.want)
			}
		})
	}
	// The same, through Parse.
	sched := mustParse(t, event(t, scheduled, nil))
	if !sched.OrderingTime().Equal(noonTime) {
		t.Errorf("scheduled OrderingTime() = %v", sched.OrderingTime())
	}
	ch := mustParse(t, event(t, change("nb", map[string]any{}), nil))
	if !ch.OrderingTime().Equal(captureTime) {
		t.Errorf("change OrderingTime() = %v", ch.OrderingTime())
	}
}

func TestParseParamsDirect(t *testing.T) {
	// ParseParams also reads the CLI's --params flag.
	got, err := configevent.ParseParams(json.RawMessage(`{"allowedSubnetIds":"subnet-1"}`))
	if err != nil || got["allowedSubnetIds"] != "subnet-1" {
		t.Errorf("ParseParams = %v, %v", got, err)
	}
	for _, in := range []string{``, ` `, `null`, `""`} {
		got, err := configevent.ParseParams(json.RawMessage(in))
		if err != nil || got == nil || len(got) != 0 {
			t.Errorf("ParseParams(%q) = %#v, %v; want an empty map", in, got, err)
		}
	}
	if _, err := configevent.ParseParams(json.RawMessage(`x`)); err == nil {
		t.Error("ParseParams(x): no error")
	}
}
