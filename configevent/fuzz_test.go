package configevent_test

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/configevent"
	"github.com/aiguard/aiguard/configitem"
	"github.com/aiguard/aiguard/configitem/configitemtest"
	"github.com/aiguard/aiguard/internal/testenv/golden"
)

// FuzzParse checks that Parse never panics, that what it accepts is
// coherent, and that the item of an accepted event marshals and decodes
// back to the same item. Its seed corpus, in testdata/fuzz/FuzzParse, holds
// every event fixture and tricky variants; TestFuzzParseCorpus -update
// regenerates it.
//
//	go test ./configevent -run '^$' -fuzz '^FuzzParse$' -fuzztime 1m
func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		ev, err := configevent.Parse(data)
		if err != nil {
			if ev != nil {
				t.Fatalf("Parse returned an event with the error %v", err)
			}
			if !strings.HasPrefix(err.Error(), "event") {
				t.Fatalf("error %q does not say it is about the event", err)
			}
			return
		}
		if ev.Params == nil {
			t.Fatal("Params is nil")
		}
		item := ev.Invoking.Item
		switch ev.Invoking.MessageType {
		case configevent.ItemChange, configevent.OversizedItemChange:
			if item == nil {
				t.Fatalf("%s without an item", ev.Invoking.MessageType)
			}
			if item.ResourceType == "" || item.ResourceID == "" {
				t.Fatalf("item without resourceType or resourceId: %+v", item)
			}
		case configevent.Scheduled, configevent.SnapshotDelivered:
			if item != nil {
				t.Fatalf("%s with an item", ev.Invoking.MessageType)
			}
			return
		default:
			t.Fatalf("accepted messageType %q", ev.Invoking.MessageType)
		}
		checkItemRoundTrip(t, item)
	})
}

// checkItemRoundTrip marshals the item, decodes it again, and checks that
// nothing changed; then wraps it in a change notification that Parse must
// accept.
func checkItemRoundTrip(t *testing.T, item *configitem.Item) {
	t.Helper()
	out, err := json.Marshal(item)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	if len(out) > configitem.MaxSize {
		return // marshalling escapes more than the input did; nothing to compare
	}
	again, err := configitem.Decode(out)
	if err != nil {
		t.Fatalf("decoding the marshalled item: %v\n%s", err, out)
	}
	if diff := configitemtest.Diff(item, again); diff != "" {
		t.Fatalf("item changed in a marshal round trip: %s\n%s", diff, out)
	}
	out2, err := json.Marshal(again)
	if err != nil {
		t.Fatalf("second marshal: %v", err)
	}
	if !bytes.Equal(out, out2) {
		t.Fatalf("second marshal differs:\n%s\n%s", out, out2)
	}
	inv, err := json.Marshal(map[string]any{"messageType": configevent.ItemChange, "configurationItem": json.RawMessage(out)})
	if err != nil {
		t.Fatal(err)
	}
	env, err := json.Marshal(map[string]string{"invokingEvent": string(inv)})
	if err != nil {
		t.Fatal(err)
	}
	if len(env) > configevent.MaxSize {
		return
	}
	ev, err := configevent.Parse(env)
	if err != nil {
		t.Fatalf("Parse of the re-wrapped item: %v", err)
	}
	if diff := configitemtest.Diff(item, ev.Invoking.Item); diff != "" {
		t.Fatalf("item changed when re-wrapped: %s", diff)
	}
}

const corpusDir = "testdata/fuzz/FuzzParse"

// TestFuzzParseCorpus checks the committed seed corpus, and with -update
// rewrites it from the event fixtures and the variants below.
func TestFuzzParseCorpus(t *testing.T) {
	golden.FuzzCorpus(t, corpusDir, 30, func() map[string][]byte { return parseSeeds(t) })
}

// parseSeeds returns the seed inputs by file name: every event fixture, then
// variants that stress each part of the decoder.
func parseSeeds(t *testing.T) map[string][]byte {
	seeds := map[string][]byte{}
	for _, dir := range []string{sharedEvents, "testdata/events"} {
		paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			seeds["fixture-"+strings.TrimSuffix(filepath.Base(p), ".json")] = compact(t, readFile(t, p))
		}
	}
	ci := func(changes map[string]any) map[string]any {
		base := map[string]any{
			"configurationItemVersion":     "1.3",
			"configurationItemCaptureTime": "2026-11-20T10:15:30.123Z",
			"configurationStateId":         1763633730123,
			"awsAccountId":                 "111122223333",
			"configurationItemStatus":      "OK",
			"resourceType":                 "AWS::SageMaker::NotebookInstance",
			"resourceId":                   "nb",
			"resourceName":                 "nb",
			"ARN":                          "arn:aws:sagemaker:us-east-1:111122223333:notebook-instance/nb",
			"awsRegion":                    "us-east-1",
			"tags":                         map[string]any{"team": "ml"},
			"relationships":                []any{},
			"configuration":                map[string]any{"DirectInternetAccess": "Disabled", "RootAccess": "Disabled", "SubnetId": "subnet-0a1b2c3d", "SecurityGroupIds": []any{"sg-1"}},
			"supplementaryConfiguration":   map[string]any{},
		}
		for k, v := range changes {
			if v == nil {
				delete(base, k)
			} else {
				base[k] = v
			}
		}
		return base
	}
	changeOf := func(item any) map[string]any {
		return map[string]any{"messageType": configevent.ItemChange, "notificationCreationTime": "2026-11-20T10:15:31.000Z", "configurationItem": item}
	}
	ev := func(invoking any, env map[string]any) []byte { return event(t, invoking, env) }
	raw := func(s string) json.RawMessage { return json.RawMessage(s) }

	variants := map[string][]byte{
		"empty":                      {},
		"null":                       []byte(`null`),
		"array":                      []byte(`[{"invokingEvent":"{}"}]`),
		"empty-object":               []byte(`{}`),
		"blank-padded":               append(append([]byte(" \n\t"), ev(changeOf(ci(nil)), nil)...), " \n"...),
		"invoking-object":            ev(nil, map[string]any{"invokingEvent": changeOf(ci(nil))}),
		"invoking-number":            ev(nil, map[string]any{"invokingEvent": 1}),
		"invoking-inner-array":       ev(nil, map[string]any{"invokingEvent": "[]"}),
		"invoking-inner-broken":      ev(nil, map[string]any{"invokingEvent": `{"messageType":"ScheduledNotification"`}),
		"message-type-unknown":       ev(map[string]any{"messageType": "ConfigurationItemChangeNotificationV2"}, nil),
		"message-type-missing":       ev(map[string]any{"configurationItem": ci(nil)}, nil),
		"item-as-string":             ev(map[string]any{"messageType": configevent.ItemChange, "configurationItem": string(mustJSON(t, ci(nil)))}, nil),
		"item-api-shape":             ev(changeOf(map[string]any{"arn": "arn:aws:s3:::b", "accountId": "1", "version": "1.3", "configurationItemMD5Hash": "x", "configurationStateId": "17", "resourceType": "AWS::S3::Bucket", "resourceId": "b", "configuration": `{"a":{"b":[1,2,{"c":null}]}}`, "supplementaryConfiguration": map[string]any{"Policy": `{"Statement":[{"Effect":"Allow","Principal":"*"}]}`, "IsRequesterPaysEnabled": false}, "relationships": []any{map[string]any{"resourceType": "T", "resourceId": "i", "relationshipName": "Is attached to"}}}), nil),
		"item-both-shapes":           ev(changeOf(ci(map[string]any{"arn": "arn:aws:s3:::other", "accountId": "222", "version": "9", "configurationItemMD5Hash": "m"})), nil),
		"item-no-resource-id":        ev(changeOf(ci(map[string]any{"resourceId": nil})), nil),
		"configuration-string":       ev(changeOf(ci(map[string]any{"configuration": `{"DirectInternetAccess":"Enabled"}`})), nil),
		"configuration-string-array": ev(changeOf(ci(map[string]any{"configuration": `[1]`})), nil),
		"configuration-null":         ev(changeOf(ci(map[string]any{"configuration": raw(`null`), "configurationItemStatus": "ResourceDeleted"})), nil),
		"configuration-array":        ev(changeOf(ci(map[string]any{"configuration": []any{1}})), nil),
		"configuration-deep":         ev(changeOf(ci(map[string]any{"configuration": raw(strings.Repeat(`{"a":`, 200) + `1` + strings.Repeat(`}`, 200))})), nil),
		"configuration-huge-number":  ev(changeOf(ci(map[string]any{"configuration": raw(`{"DirectInternetAccess":"Disabled","Big":1e400,"Neg":-1e999}`)})), nil),
		"configuration-html-chars":   ev(changeOf(ci(map[string]any{"configuration": raw(`{"K":"<script>&amp;</script>\u2028\u2029"}`)})), nil),
		"configuration-case-dupes":   ev(changeOf(ci(map[string]any{"configuration": raw(`{"subnetid":"a","SUBNETID":"b","SubnetId":"c","subnetId":"d"}`)})), nil),
		"configuration-dup-keys":     ev(changeOf(ci(map[string]any{"configuration": raw(`{"A":1,"A":2}`)})), nil),
		"supplementary-string-map":   ev(changeOf(ci(map[string]any{"supplementaryConfiguration": `{"Policy":"{\"Version\":\"2012-10-17\"}","On":true}`})), nil),
		"supplementary-mixed":        ev(changeOf(ci(map[string]any{"supplementaryConfiguration": map[string]any{"Obj": map[string]any{"status": "Enabled"}, "Str": `{"a":1}`, "Bool": true, "Null": nil, "Text": "plain"}})), nil),
		"supplementary-number":       ev(changeOf(ci(map[string]any{"supplementaryConfiguration": 5})), nil),
		"time-epoch-seconds":         ev(changeOf(ci(map[string]any{"configurationItemCaptureTime": 1549956556.288})), nil),
		"time-epoch-millis":          ev(changeOf(ci(map[string]any{"configurationItemCaptureTime": 1549956556288, "resourceCreationTime": 1621024924302})), nil),
		"time-huge":                  ev(changeOf(ci(map[string]any{"configurationItemCaptureTime": raw(`1e300`)})), nil),
		"time-year-zero":             ev(changeOf(ci(map[string]any{"configurationItemCaptureTime": "0000-01-01T00:00:00+01:00"})), nil),
		"time-year-10000":            ev(changeOf(ci(map[string]any{"configurationItemCaptureTime": "9999-12-31T23:59:59.999999999-01:00"})), nil),
		"time-negative":              ev(changeOf(ci(map[string]any{"resourceCreationTime": -62135596800})), nil),
		"state-id-float":             ev(changeOf(ci(map[string]any{"configurationStateId": raw(`1.5e3`)})), nil),
		"state-id-bool":              ev(changeOf(ci(map[string]any{"configurationStateId": true})), nil),
		"tags-null-value":            ev(changeOf(ci(map[string]any{"tags": map[string]any{"a": nil, "b": ""}})), nil),
		"tags-list":                  ev(changeOf(ci(map[string]any{"tags": []any{map[string]any{"key": "a", "value": "b"}}})), nil),
		"relationships-mixed":        ev(changeOf(ci(map[string]any{"relationships": raw(`[{"resourceType":"T","resourceId":"i","name":"n","relationshipName":"r"},null,{}]`)})), nil),
		"resource-name-null":         ev(changeOf(ci(map[string]any{"resourceName": raw(`null`)})), nil),
		"invalid-utf8":               bytes.Replace(ev(changeOf(ci(nil)), nil), []byte("nb"), []byte("n\xff\xfeb"), -1),
		"lone-surrogate":             bytes.Replace(ev(changeOf(ci(nil)), nil), []byte(`\"nb\"`), []byte(`\"\\ud800nb\"`), -1),
		"oversized-summary":          ev(map[string]any{"messageType": configevent.OversizedItemChange, "configurationItemSummary": ci(map[string]any{"configuration": nil, "supplementaryConfiguration": nil, "changeType": "UPDATE"})}, nil),
		"oversized-no-summary":       ev(map[string]any{"messageType": configevent.OversizedItemChange}, nil),
		"scheduled-no-time":          ev(map[string]any{"messageType": configevent.Scheduled, "awsAccountId": "1"}, map[string]any{"accountId": nil}),
		"scheduled-bad-time":         ev(map[string]any{"messageType": configevent.Scheduled, "notificationCreationTime": "2026-13-40T99:00:00Z"}, nil),
		"snapshot":                   ev(map[string]any{"messageType": configevent.SnapshotDelivered, "s3Bucket": "b", "s3ObjectKey": "k/x.json.gz", "notificationCreationTime": "2026-11-20T12:00:00Z"}, nil),
		"params-object":              ev(changeOf(ci(nil)), map[string]any{"ruleParameters": map[string]any{"ruleId": "sagemaker-notebook-in-vpc", "n": 3, "b": true, "z": nil, "o": map[string]any{"x": []any{1}}}}),
		"params-string-array":        ev(changeOf(ci(nil)), map[string]any{"ruleParameters": `["a"]`}),
		"params-empty-string":        ev(changeOf(ci(nil)), map[string]any{"ruleParameters": ""}),
		"left-scope-string":          ev(changeOf(ci(nil)), map[string]any{"eventLeftScope": "true"}),
		"left-scope-number":          ev(changeOf(ci(nil)), map[string]any{"eventLeftScope": 1}),
		"left-scope-object":          ev(changeOf(ci(nil)), map[string]any{"eventLeftScope": map[string]any{}}),
		"partition-cn":               ev(changeOf(ci(nil)), map[string]any{"configRuleArn": "arn:aws-cn:config:cn-north-1:1:config-rule/r"}),
		"envelope-wrong-types":       ev(changeOf(ci(nil)), map[string]any{"configRuleName": 5, "resultToken": []any{}}),
		"testmode":                   ev(changeOf(ci(nil)), map[string]any{"resultToken": configevent.TestModeToken}),
		"trailing-garbage":           append(ev(changeOf(ci(nil)), nil), "}"...),
	}
	for name, data := range variants {
		seeds["variant-"+name] = data
	}
	return seeds
}

// compact removes insignificant blanks from a fixture, so that the fuzzer
// spends its mutations on content.
func compact(t *testing.T, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, data); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
