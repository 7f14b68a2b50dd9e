package configitem_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aiguard/aiguard/configitem"
	"github.com/aiguard/aiguard/configitem/configitemtest"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func mustDecode(t testing.TB, data string) *configitem.Item {
	t.Helper()
	it, err := configitem.Decode([]byte(data))
	if err != nil {
		t.Fatalf("Decode(%.80s): %v", data, err)
	}
	return it
}

// TestDecodeShapes decodes the same notebook in both CI shapes and checks
// that each gives the same item.
func TestDecodeShapes(t *testing.T) {
	wantCapture := time.Date(2026, 11, 20, 10, 15, 30, 123e6, time.UTC)
	wantCreated := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	for _, name := range []string{"notebook-event-shape.json", "notebook-api-shape.json"} {
		t.Run(name, func(t *testing.T) {
			it, err := configitem.Decode(readFixture(t, name))
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct{ field, got, want string }{
				{"Version", it.Version, "1.3"},
				{"AccountID", it.AccountID, "111122223333"},
				{"Status", it.Status, configitem.StatusOK},
				{"StateID", it.StateID, "1763633730123"},
				{"MD5Hash", it.MD5Hash, ""},
				{"ARN", it.ARN, "arn:aws:sagemaker:us-east-1:111122223333:notebook-instance/fraud-analysis"},
				{"ResourceType", it.ResourceType, "AWS::SageMaker::NotebookInstance"},
				{"ResourceID", it.ResourceID, "fraud-analysis"},
				{"ResourceName", it.ResourceName, "fraud-analysis"},
				{"Region", it.Region, "us-east-1"},
				{"AvailabilityZone", it.AvailabilityZone, "Regional"},
				{"DirectInternetAccess", it.Config().Field("DirectInternetAccess").Str(), "Disabled"},
				{"IMDS", it.Config().Path("InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion").Str(), "2"},
			} {
				if c.got != c.want {
					t.Errorf("%s = %q, want %q", c.field, c.got, c.want)
				}
			}
			if !it.CaptureTime.Equal(wantCapture) || !it.ResourceCreationTime.Equal(wantCreated) {
				t.Errorf("times = %v, %v; want %v, %v", it.CaptureTime, it.ResourceCreationTime, wantCapture, wantCreated)
			}
			if want := map[string]string{"team": "fraud-ml", "cost-center": "cc-4711"}; !reflect.DeepEqual(it.Tags, want) {
				t.Errorf("Tags = %v, want %v", it.Tags, want)
			}
			if len(it.Relationships) != 3 || it.Relationships[0].Name != "Is contained in Subnet" ||
				it.Relationships[2].ResourceName != "fraud-ml-notebook" {
				t.Errorf("Relationships = %+v", it.Relationships)
			}
			if got := it.Config().Field("SecurityGroupIds").Strings(); len(got) != 2 || got[0] != "sg-0123456789abcdef0" {
				t.Errorf("SecurityGroupIds = %q", got)
			}
			if got := it.Config().Field("VolumeSizeInGB"); mustInt(t, got) != 20 {
				t.Errorf("VolumeSizeInGB = %v", got.Raw())
			}
			tags := it.Supplement("Tags").List()
			if len(tags) != 2 || tags[0].Field("Key").Str() != "team" || tags[1].Field("value").Str() != "cc-4711" {
				t.Errorf("Supplement(Tags) = %v", it.Supplement("Tags").Raw())
			}
			if !it.Evaluable() {
				t.Error("Evaluable() = false for status OK")
			}
		})
	}
}

func mustInt(t *testing.T, v configitem.Value) int64 {
	t.Helper()
	n, ok := v.Int()
	if !ok {
		t.Fatalf("Int(%v): not an integer", v.Raw())
	}
	return n
}

// TestShapesAgree checks that the two shapes decode to the same
// configuration and supplementary configuration, value for value.
func TestShapesAgree(t *testing.T) {
	ev, err := configitem.Decode(readFixture(t, "notebook-event-shape.json"))
	if err != nil {
		t.Fatal(err)
	}
	api, err := configitem.Decode(readFixture(t, "notebook-api-shape.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ev.Config().Raw(), api.Config().Raw()) {
		t.Errorf("configuration differs:\nevent %v\napi   %v", ev.Config().Raw(), api.Config().Raw())
	}
	if !reflect.DeepEqual(ev.Supplement("Tags").Raw(), api.Supplement("Tags").Raw()) {
		t.Errorf("supplementaryConfiguration.Tags differs:\nevent %v\napi   %v", ev.Supplement("Tags").Raw(), api.Supplement("Tags").Raw())
	}
	if !reflect.DeepEqual(ev.Relationships, api.Relationships) {
		t.Errorf("relationships differ:\nevent %+v\napi   %+v", ev.Relationships, api.Relationships)
	}
}

// TestDecodeMixedShapes covers the mixtures that real tools produce: names
// from one shape, value types from the other.
func TestDecodeMixedShapes(t *testing.T) {
	tests := []struct {
		name, in                                string
		wantAccount, wantVersion, wantHash, arn string
	}{
		{
			name:        "event names, API value types",
			in:          `{"ARN":"arn:aws:s3:::b","awsAccountId":"1","configurationItemVersion":"1.3","configurationStateMd5Hash":"h","configurationStateId":"5","configuration":"{\"a\":1}"}`,
			wantAccount: "1", wantVersion: "1.3", wantHash: "h", arn: "arn:aws:s3:::b",
		},
		{
			name:        "API names, event value types",
			in:          `{"arn":"arn:aws:s3:::b","accountId":"2","version":"1.2","configurationItemMD5Hash":"h2","configurationStateId":5,"configuration":{"a":1}}`,
			wantAccount: "2", wantVersion: "1.2", wantHash: "h2", arn: "arn:aws:s3:::b",
		},
		{
			name:        "both names: the event shape's wins",
			in:          `{"arn":"arn:aws:s3:::b","accountId":"api","awsAccountId":"event","version":"1.2","configurationItemVersion":"1.3","configurationItemMD5Hash":"api","configurationStateMd5Hash":"event","configuration":{"a":1}}`,
			wantAccount: "event", wantVersion: "1.3", wantHash: "event", arn: "arn:aws:s3:::b",
		},
		{
			name:        "event-shape name empty, API name set",
			in:          `{"Arn":"arn:aws:s3:::b","accountId":"api","awsAccountId":"","configuration":{"a":1}}`,
			wantAccount: "api", arn: "arn:aws:s3:::b",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it := mustDecode(t, tt.in)
			if it.AccountID != tt.wantAccount || it.Version != tt.wantVersion || it.MD5Hash != tt.wantHash || it.ARN != tt.arn {
				t.Errorf("got account %q version %q hash %q arn %q; want %q %q %q %q",
					it.AccountID, it.Version, it.MD5Hash, it.ARN, tt.wantAccount, tt.wantVersion, tt.wantHash, tt.arn)
			}
			if n, ok := it.Config().Field("a").Int(); !ok || n != 1 {
				t.Errorf("configuration.a = %v", it.Config().Field("a").Raw())
			}
		})
	}
}

func TestDecodeStateID(t *testing.T) {
	tests := []struct {
		in, want, wantErr string
	}{
		{in: `1549956556288`, want: "1549956556288"},
		{in: `"1632958418881"`, want: "1632958418881"},
		{in: `0`, want: "0"},
		{in: `-3`, want: "-3"},
		{in: `12345678901234567890123`, want: "12345678901234567890123"}, // beyond int64, kept as written
		{in: `null`, want: ""},
		{in: `""`, want: ""},
		{in: `true`, wantErr: "configurationStateId: want a string or a number"},
		{in: `{}`, wantErr: "configurationStateId: want a string or a number"},
		{in: `[1]`, wantErr: "configurationStateId: want a string or a number"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			it, err := configitem.Decode([]byte(`{"resourceId":"r","configurationStateId":` + tt.in + `}`))
			configitemtest.CheckErr(t, err, tt.wantErr)
			if err == nil && it.StateID != tt.want {
				t.Errorf("StateID = %q, want %q", it.StateID, tt.want)
			}
		})
	}
	t.Run("missing", func(t *testing.T) {
		if it := mustDecode(t, `{"resourceId":"r"}`); it.StateID != "" {
			t.Errorf("StateID = %q, want empty", it.StateID)
		}
	})
}

func TestDecodeConfiguration(t *testing.T) {
	tests := []struct {
		name, in string
		want     string // configuration.K, or "-" when configuration is absent
		wantErr  string
	}{
		{name: "object", in: `{"K":"v"}`, want: "v"},
		{name: "empty object", in: `{}`, want: ""},
		{name: "JSON string", in: `"{\"K\":\"v\"}"`, want: "v"},
		{name: "JSON string with blanks", in: `" \n{\"K\":\"v\"} "`, want: "v"},
		{name: "JSON string null", in: `"null"`, want: "-"},
		{name: "empty string", in: `""`, want: "-"},
		{name: "null", in: `null`, want: "-"},
		{name: "number", in: `5`, wantErr: "configuration item: configuration: want an object or a JSON-encoded string, got 5"},
		{name: "boolean", in: `true`, wantErr: "configuration: want an object or a JSON-encoded string, got true"},
		{name: "array", in: `[{"K":"v"}]`, wantErr: "configuration: want an object or a JSON-encoded string, got [{"},
		{name: "string holding an array", in: `"[1,2]"`, wantErr: `configuration: want an object or a string holding one, got a string holding "[1,2]"`},
		{name: "string holding text", in: `"Disabled"`, wantErr: `configuration: want an object or a string holding one, got a string holding "Disabled"`},
		{name: "string holding a number", in: `"42"`, wantErr: `got a string holding "42"`},
		{name: "string holding broken JSON", in: `"{\"K\":"`, wantErr: `got a string holding "{\"K\":"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it, err := configitem.Decode([]byte(`{"resourceId":"r","configuration":` + tt.in + `}`))
			configitemtest.CheckErr(t, err, tt.wantErr)
			if err != nil {
				return
			}
			if tt.want == "-" {
				if it.Configuration != nil || it.Config().Exists() {
					t.Errorf("Configuration = %s, want none", it.Configuration)
				}
				return
			}
			if got := it.Config().Field("K").Str(); got != tt.want {
				t.Errorf("configuration.K = %q, want %q", got, tt.want)
			}
			if !json.Valid(it.Configuration) || it.Configuration[0] != '{' {
				t.Errorf("Configuration = %s, want a JSON object", it.Configuration)
			}
		})
	}
	t.Run("missing", func(t *testing.T) {
		it := mustDecode(t, `{"resourceId":"r"}`)
		if it.Configuration != nil || it.Config().Exists() || it.Config().Field("K").Exists() {
			t.Errorf("Configuration = %s, want none", it.Configuration)
		}
	})
}

func TestDecodeSupplementary(t *testing.T) {
	tests := []struct {
		name, in string
		check    func(t *testing.T, it *configitem.Item)
		wantErr  string
	}{
		{
			name: "object values",
			in:   `{"BucketVersioningConfiguration":{"status":"Enabled","isMfaDeleteEnabled":null}}`,
			check: func(t *testing.T, it *configitem.Item) {
				v := it.Supplement("BucketVersioningConfiguration")
				if v.Field("status").Str() != "Enabled" || !v.Field("isMfaDeleteEnabled").IsNull() {
					t.Errorf("got %v", v.Raw())
				}
			},
		},
		{
			name: "JSON-encoded string values",
			in:   `{"Policy":"{\"Statement\":[{\"Effect\":\"Allow\"}]}","Tags":"[{\"key\":\"a\"}]"}`,
			check: func(t *testing.T, it *configitem.Item) {
				if got := it.Supplement("Policy").Path("Statement").List(); len(got) != 1 || got[0].Field("Effect").Str() != "Allow" {
					t.Errorf("Policy.Statement = %v", it.Supplement("Policy").Raw())
				}
				if got := it.Supplement("Tags").List(); len(got) != 1 || got[0].Field("key").Str() != "a" {
					t.Errorf("Tags = %v", it.Supplement("Tags").Raw())
				}
			},
		},
		{
			name: "boolean and string values",
			in:   `{"IsRequesterPaysEnabled":false,"Flag":"true","Name":"plain text"}`,
			check: func(t *testing.T, it *configitem.Item) {
				if b, ok := it.Supplement("IsRequesterPaysEnabled").Bool(); !ok || b {
					t.Errorf("IsRequesterPaysEnabled = %v, %v", b, ok)
				}
				if !it.Supplement("Flag").IsTrue() {
					t.Error(`Flag "true" is not true`)
				}
				if it.Supplement("Name").Str() != "plain text" {
					t.Errorf("Name = %v", it.Supplement("Name").Raw())
				}
			},
		},
		{
			name: "whole map as a JSON string",
			in:   `"{\"Policy\":\"{\\\"Version\\\":\\\"2012-10-17\\\"}\",\"On\":true}"`,
			check: func(t *testing.T, it *configitem.Item) {
				if it.Supplement("Policy").Field("Version").Str() != "2012-10-17" || !it.Supplement("On").IsTrue() {
					t.Errorf("Supplementary = %v", it.Supplementary)
				}
			},
		},
		{
			name: "null value",
			in:   `{"Gone":null}`,
			check: func(t *testing.T, it *configitem.Item) {
				if v := it.Supplement("Gone"); !v.Exists() || !v.IsNull() {
					t.Errorf("Gone: Exists %v IsNull %v", v.Exists(), v.IsNull())
				}
				if it.Supplement("Absent").Exists() {
					t.Error("Absent exists")
				}
			},
		},
		{
			name: "null",
			in:   `null`,
			check: func(t *testing.T, it *configitem.Item) {
				if it.Supplementary != nil || it.Supplement("X").Exists() {
					t.Errorf("Supplementary = %v", it.Supplementary)
				}
			},
		},
		{name: "number", in: `7`, wantErr: "supplementaryConfiguration: want an object or a JSON-encoded string holding one, got a number"},
		{name: "array", in: `[]`, wantErr: "supplementaryConfiguration: want an object or a JSON-encoded string holding one, got an array"},
		{name: "string holding an array", in: `"[]"`, wantErr: "supplementaryConfiguration: want an object or a string holding one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it, err := configitem.Decode([]byte(`{"resourceId":"r","supplementaryConfiguration":` + tt.in + `}`))
			configitemtest.CheckErr(t, err, tt.wantErr)
			if err == nil {
				tt.check(t, it)
			}
		})
	}
}

func TestDecodeTimes(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Time
		wantErr string
	}{
		{in: `"2019-02-12T07:29:16.288Z"`, want: time.Date(2019, 2, 12, 7, 29, 16, 288e6, time.UTC)},
		{in: `"2021-09-29T23:33:38.881000+00:00"`, want: time.Date(2021, 9, 29, 23, 33, 38, 881e6, time.UTC)},
		{in: `"2026-11-20T12:15:30+02:00"`, want: time.Date(2026, 11, 20, 10, 15, 30, 0, time.UTC)},
		{in: `"2026-11-20T10:15:30.123456789Z"`, want: time.Date(2026, 11, 20, 10, 15, 30, 123456789, time.UTC)},
		{in: `1549956556`, want: time.Date(2019, 2, 12, 7, 29, 16, 0, time.UTC)},
		{in: `1549956556.288`, want: time.Date(2019, 2, 12, 7, 29, 16, 288e6, time.UTC)},
		{in: `1549956556288`, want: time.Date(2019, 2, 12, 7, 29, 16, 288e6, time.UTC)}, // milliseconds
		{in: `1.549956556288E9`, want: time.Date(2019, 2, 12, 7, 29, 16, 288e6, time.UTC)},
		{in: `0`, want: time.Unix(0, 0).UTC()},
		{in: `null`},
		{in: `""`},
		{in: `"yesterday"`, wantErr: `configurationItemCaptureTime: want an RFC 3339 time, got "yesterday"`},
		// A space for T, as RFC 3339 (5.6) allows and Python's str of a
		// datetime writes: boto3 exports made with json.dumps(default=str),
		// and moto's Config API.
		{in: `"2026-12-07 06:50:23.359605+00:00"`, want: time.Date(2026, 12, 7, 6, 50, 23, 359605e3, time.UTC)},
		{in: `"2026-12-07 06:50:23Z"`, want: time.Date(2026, 12, 7, 6, 50, 23, 0, time.UTC)},
		{in: `"2019-02-12 07:29:16"`, wantErr: "want an RFC 3339 time"}, // no offset
		{in: `"2019-02-12  07:29:16Z"`, wantErr: "want an RFC 3339 time"},
		{in: `"2019-02-12_07:29:16Z"`, wantErr: "want an RFC 3339 time"},
		{in: `true`, wantErr: "configurationItemCaptureTime: want an RFC 3339 string or epoch seconds, got true"},
		{in: `{}`, wantErr: "want an RFC 3339 string or epoch seconds"},
		{in: `1e300`, wantErr: "configurationItemCaptureTime: epoch time 1e300 is outside years 1 to 9999"},
		{in: `9e15`, wantErr: "outside years 1 to 9999"},
		{in: `-1e12`, wantErr: "outside years 1 to 9999"},
		{in: `"0000-01-01T00:00:00+01:00"`, wantErr: "outside years 1 to 9999"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			it, err := configitem.Decode([]byte(`{"resourceId":"r","configurationItemCaptureTime":` + tt.in + `}`))
			configitemtest.CheckErr(t, err, tt.wantErr)
			if err == nil && (!it.CaptureTime.Equal(tt.want) || it.CaptureTime.Location() != time.UTC) {
				t.Errorf("CaptureTime = %v, want %v in UTC", it.CaptureTime, tt.want)
			}
		})
	}
	t.Run("resourceCreationTime", func(t *testing.T) {
		_, err := configitem.Decode([]byte(`{"resourceCreationTime":"soon"}`))
		configitemtest.CheckErr(t, err, "resourceCreationTime: want an RFC 3339 time")
		it := mustDecode(t, `{"resourceCreationTime":1621024924302}`)
		if want := time.Date(2021, 5, 14, 20, 42, 4, 302e6, time.UTC); !it.ResourceCreationTime.Equal(want) {
			t.Errorf("ResourceCreationTime = %v, want %v", it.ResourceCreationTime, want)
		}
	})
}

func TestDecodeTags(t *testing.T) {
	tests := []struct {
		in      string
		want    map[string]string
		wantErr string
	}{
		{in: `null`, want: nil},
		{in: `{}`, want: map[string]string{}},
		{in: `{"team":"ml","empty":""}`, want: map[string]string{"team": "ml", "empty": ""}},
		{in: `{"n":1}`, wantErr: `tags: "n": want a string, got a number`},
		{in: `[{"key":"team","value":"ml"}]`, wantErr: "tags: want an object of strings, got an array"},
		{in: `"team=ml"`, wantErr: "tags: want an object of strings, got a string"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			it, err := configitem.Decode([]byte(`{"resourceId":"r","tags":` + tt.in + `}`))
			configitemtest.CheckErr(t, err, tt.wantErr)
			if err == nil && !reflect.DeepEqual(it.Tags, tt.want) {
				t.Errorf("Tags = %#v, want %#v", it.Tags, tt.want)
			}
		})
	}
}

func TestDecodeRelationships(t *testing.T) {
	it := mustDecode(t, `{"relationships":[
		{"resourceType":"AWS::EC2::EIP","resourceId":"eipalloc-1","name":"Is attached to ElasticIp"},
		{"resourceType":"AWS::IAM::Policy","resourceId":"ANPA1","resourceName":"p","relationshipName":"Is attached to CustomerManagedPolicy"},
		{"resourceType":"AWS::EC2::Subnet","resourceId":"subnet-1","name":"by name","relationshipName":"by relationshipName"},
		null
	]}`)
	want := []configitem.Relationship{
		{ResourceType: "AWS::EC2::EIP", ResourceID: "eipalloc-1", Name: "Is attached to ElasticIp"},
		{ResourceType: "AWS::IAM::Policy", ResourceID: "ANPA1", ResourceName: "p", Name: "Is attached to CustomerManagedPolicy"},
		{ResourceType: "AWS::EC2::Subnet", ResourceID: "subnet-1", Name: "by name"},
		{},
	}
	if !reflect.DeepEqual(it.Relationships, want) {
		t.Errorf("Relationships =\n%+v\nwant\n%+v", it.Relationships, want)
	}
	_, err := configitem.Decode([]byte(`{"relationships":{"name":"x"}}`))
	configitemtest.CheckErr(t, err, "configuration item: relationships: want an array, got object")
	_, err = configitem.Decode([]byte(`{"relationships":[{"resourceId":7}]}`))
	configitemtest.CheckErr(t, err, "configuration item: relationships.resourceId: want a string, got number")
}

// TestDecodeMalformed feeds input that is not a CI: each must give an error
// that says what is wrong, never a panic.
func TestDecodeMalformed(t *testing.T) {
	tests := []struct {
		name, in, wantErr string
	}{
		{"empty", ``, "configuration item: want a JSON object"},
		{"blank", " \n\t", "configuration item: want a JSON object"},
		{"not JSON", `configurationItem`, "configuration item: want a JSON object"},
		{"broken JSON", `{"resourceId":`, "configuration item: not valid JSON: unexpected end of JSON input"},
		{"trailing data", `{"resourceId":"r"} {}`, "configuration item: not valid JSON"},
		{"null", `null`, "configuration item: want a JSON object"},
		{"array", `[{"resourceId":"r"}]`, "configuration item: want a JSON object"},
		{"string", `"{\"resourceId\":\"r\"}"`, "configuration item: want a JSON object"},
		{"number", `42`, "configuration item: want a JSON object"},
		{"resourceType a number", `{"resourceType":5}`, "configuration item: resourceType: want a string, got number"},
		{"resourceId an object", `{"resourceId":{}}`, "configuration item: resourceId: want a string, got object"},
		{"configurationItemStatus a bool", `{"configurationItemStatus":true}`, "configurationItemStatus: want a string, got bool"},
		{"resourceName a number", `{"resourceName":1}`, "resourceName: want a string, got number"},
		{"nesting too deep", `{"configuration":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`, "configuration item: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it, err := configitem.Decode([]byte(tt.in))
			if it != nil {
				t.Errorf("Decode returned an item with the error")
			}
			configitemtest.CheckErr(t, err, tt.wantErr)
		})
	}
}

// TestMaxSize checks the bound on input size: a CI of MaxSize bytes decodes,
// one byte more and a 10 MB CI are rejected before any parsing.
func TestMaxSize(t *testing.T) {
	ci := func(size int) []byte {
		head := []byte(`{"resourceType":"AWS::S3::Bucket","resourceId":"big","configuration":{"Blob":"`)
		tail := []byte(`"}}`)
		return append(append(head, bytes.Repeat([]byte("x"), size-len(head)-len(tail))...), tail...)
	}
	it, err := configitem.Decode(ci(configitem.MaxSize))
	if err != nil {
		t.Fatalf("CI of exactly MaxSize: %v", err)
	}
	if n := len(it.Config().Field("Blob").Str()); n < configitem.MaxSize-100 {
		t.Errorf("Blob has %d bytes", n)
	}
	for _, size := range []int{configitem.MaxSize + 1, 10 << 20} {
		_, err := configitem.Decode(ci(size))
		configitemtest.CheckErr(t, err, "more than the 6291456-byte limit")
	}
}

func TestEvaluable(t *testing.T) {
	for status, want := range map[string]bool{
		configitem.StatusOK:                         true,
		configitem.StatusResourceDiscovered:         true,
		configitem.StatusResourceDeleted:            false,
		configitem.StatusResourceDeletedNotRecorded: false,
		configitem.StatusResourceNotRecorded:        false,
		"":                                          false,
		"ok":                                        false,
	} {
		it := &configitem.Item{Status: status}
		if got := it.Evaluable(); got != want {
			t.Errorf("Evaluable() for %q = %v, want %v", status, got, want)
		}
	}
}

// TestMarshalRoundTrip marshals decoded items (in the invoking-event shape)
// and decodes them again: nothing may change, and a second marshal gives the
// same bytes.
func TestMarshalRoundTrip(t *testing.T) {
	inputs := map[string][]byte{
		"event shape": readFixture(t, "notebook-event-shape.json"),
		"api shape":   readFixture(t, "notebook-api-shape.json"),
		"empty":       []byte(`{}`),
		"deleted":     []byte(`{"configurationItemStatus":"ResourceDeleted","resourceType":"T","resourceId":"r","configuration":null,"tags":null}`),
		"odd values":  []byte(`{"resourceId":"<&>","configurationStateId":"abc","configurationItemCaptureTime":1549956556.5,"configuration":"{\"a\":[1,\"<b>\",null]}","supplementaryConfiguration":{"S":"{\"x\":1}","N":null,"B":true}}`),
	}
	for name, data := range inputs {
		t.Run(name, func(t *testing.T) {
			first, err := configitem.Decode(data)
			if err != nil {
				t.Fatal(err)
			}
			out, err := json.Marshal(first)
			if err != nil {
				t.Fatal(err)
			}
			var shape map[string]json.RawMessage
			if err := json.Unmarshal(out, &shape); err != nil {
				t.Fatal(err)
			}
			for _, key := range []string{"awsAccountId", "configurationItemStatus", "resourceType", "resourceId", "tags", "relationships", "configuration", "supplementaryConfiguration"} {
				if _, ok := shape[key]; !ok {
					t.Errorf("marshalled item has no %q: %s", key, out)
				}
			}
			if c := shape["configuration"]; c[0] != '{' && string(c) != "null" {
				t.Errorf("configuration marshalled as %s, want an object or null", c)
			}
			second, err := configitem.Decode(out)
			if err != nil {
				t.Fatalf("decoding the marshalled item: %v\n%s", err, out)
			}
			assertSameItem(t, first, second)
			again, err := json.Marshal(second)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out, again) {
				t.Errorf("second marshal differs:\n%s\n%s", out, again)
			}
		})
	}
}

// assertSameItem compares two items field by field, configuration and
// supplementary configuration by value.
func assertSameItem(t *testing.T, a, b *configitem.Item) {
	t.Helper()
	if diff := configitemtest.Diff(a, b); diff != "" {
		t.Error(diff)
	}
}

// TestMarshalByValue checks that an Item held by value, as in a struct
// field, marshals in the invoking-event shape and not as a plain Go struct.
func TestMarshalByValue(t *testing.T) {
	it := mustDecode(t, `{"ARN":"arn:aws:s3:::b","resourceType":"AWS::S3::Bucket","resourceId":"b","configuration":{"a":1}}`)
	out, err := json.Marshal(struct{ Item configitem.Item }{*it})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(out, []byte(`"ARN":"arn:aws:s3:::b"`)) || !bytes.Contains(out, []byte(`"configuration":{"a":1}`)) {
		t.Errorf("marshalled by value: %s", out)
	}
}

// TestConfigMissing checks that an item without configuration answers every
// lookup with "missing" instead of failing.
func TestConfigMissing(t *testing.T) {
	var zero configitem.Item
	for _, it := range []*configitem.Item{
		&zero,
		mustDecode(t, `{"configurationItemStatus":"ResourceDeleted","configuration":null}`),
		{Configuration: json.RawMessage(`{broken`)},
	} {
		c := it.Config()
		if c.Exists() || c.Field("A").Exists() || c.Path("A.B").Exists() || c.List() != nil || it.Supplement("A").Exists() {
			t.Errorf("item with configuration %q: lookups found something", it.Configuration)
		}
	}
}

// TestUnmarshalInStruct checks Item as a field of a larger document: null
// leaves it unchanged, as encoding/json's convention asks, while Decode
// rejects null.
func TestUnmarshalInStruct(t *testing.T) {
	var doc struct {
		Item  configitem.Item
		Items []configitem.Item
	}
	if err := json.Unmarshal([]byte(`{"Item":null,"Items":[{"resourceId":"a"},{"configurationStateId":7}]}`), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Item.ResourceID != "" || len(doc.Items) != 2 || doc.Items[0].ResourceID != "a" || doc.Items[1].StateID != "7" {
		t.Errorf("decoded %+v", doc)
	}
	if err := json.Unmarshal([]byte(`{"Item":[]}`), &doc); err == nil || !strings.Contains(err.Error(), "configuration item: want a JSON object") {
		t.Errorf("Item as an array: error %v", err)
	}
}

// TestDecodeKeepsNoReference checks that an item does not change when the
// caller reuses the buffer it was decoded from, as a scanner reading many
// items into one buffer does.
func TestDecodeKeepsNoReference(t *testing.T) {
	data := readFixture(t, "notebook-event-shape.json")
	it, err := configitem.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	before, err := json.Marshal(it)
	if err != nil {
		t.Fatal(err)
	}
	for i := range data {
		data[i] = ' '
	}
	after, err := json.Marshal(it)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) || it.Config().Field("DirectInternetAccess").Str() != "Disabled" {
		t.Errorf("the item changed with its input:\n%s\n%s", before, after)
	}
}

// TestReplacedParts checks that Config and Supplement follow a caller who
// replaces Configuration or a Supplementary value after Decode, and that an
// item built by hand works as one from Decode.
func TestReplacedParts(t *testing.T) {
	it := mustDecode(t, `{"resourceId":"r","configuration":{"A":"old"},"supplementaryConfiguration":{"S":"{\"B\":\"old\"}"}}`)
	if it.Config().Field("A").Str() != "old" || it.Supplement("S").Field("B").Str() != "old" {
		t.Fatalf("decoded: %v %v", it.Config().Raw(), it.Supplement("S").Raw())
	}
	it.Configuration = json.RawMessage(`{"A":"new"}`)
	it.Supplementary["S"] = json.RawMessage(`{"B":"new"}`)
	if got := it.Config().Field("A").Str(); got != "new" {
		t.Errorf("Config after replacing Configuration: A = %q", got)
	}
	if got := it.Supplement("S").Field("B").Str(); got != "new" {
		t.Errorf("Supplement after replacing the value: B = %q", got)
	}
	it.Configuration = nil
	if it.Config().Exists() {
		t.Error("Config exists after Configuration was removed")
	}

	byHand := &configitem.Item{
		Configuration: json.RawMessage(`{"K":"{\"L\":[1]}"}`),
		Supplementary: map[string]json.RawMessage{"Policy": json.RawMessage(`"{\"Statement\":[]}"`)},
	}
	for range 2 { // the second time from what the first stored
		if n, ok := byHand.Config().Path("K.L").List()[0].Int(); !ok || n != 1 {
			t.Errorf("by hand: K.L = %v", byHand.Config().Path("K.L").Raw())
		}
		if !byHand.Supplement("policy").Field("Statement").Exists() {
			t.Errorf("by hand: Policy = %v", byHand.Supplement("Policy").Raw())
		}
	}
}

// TestConcurrentReads reads one decoded item from several goroutines, as a
// scan evaluating rules in parallel might. Run with -race.
func TestConcurrentReads(t *testing.T) {
	it, err := configitem.Decode(readFixture(t, "bucket-api-shape.json"))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan string)
	for range 8 {
		go func() {
			var problems []string
			for range 50 {
				policy, err := it.Supplement("BucketPolicy").Field("policyText").JSON()
				if err != nil || len(policy.Field("STATEMENT").List()) != 2 {
					problems = append(problems, fmt.Sprintf("policy: %v %v", err, policy.Raw()))
				}
				if !it.Supplement("publicAccessBlockConfiguration").Field("BLOCKPUBLICACLS").IsTrue() {
					problems = append(problems, "public access block")
				}
				if it.Config().Field("NAME").Str() == "" || it.Config().Field("NoSuchField").Exists() {
					problems = append(problems, "configuration")
				}
			}
			done <- strings.Join(problems, "; ")
		}()
	}
	for range 8 {
		if p := <-done; p != "" {
			t.Error(p)
		}
	}
}

// TestConcurrentNestedReads: goroutines sharing an item from Decode read
// its nested objects and arrays, and build their values, at once (run with
// -race).
func TestConcurrentNestedReads(t *testing.T) {
	for range 20 {
		it, err := configitem.Decode([]byte(`{"configurationItemStatus":"OK","resourceType":"AWS::X::Y","resourceId":"r",
			"configuration":{"A":{"B":[{"C":"deep"},2,[3,{"D":true}]],"Big":{"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"K9":9}}},
			"supplementaryConfiguration":{"S":{"T":["u",{"V":"w"}]}}}`))
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan string)
		for g := range 8 {
			go func() {
				var problems []string
				cfg := it.Config()
				if g%2 == 0 { // some build the whole value first, others look up first
					_ = cfg.Raw()
				}
				b := cfg.Path("A.B").List()
				if len(b) != 3 || b[0].Field("c").Str() != "deep" || !b[2].List()[1].Field("d").IsTrue() {
					problems = append(problems, fmt.Sprintf("A.B: %v", cfg.Path("A.B").Raw()))
				}
				if n, _ := cfg.Path("A.Big.k9").Int(); n != 9 || cfg.Path("A.Big.nope").Exists() {
					problems = append(problems, "A.Big")
				}
				if it.Supplement("S").Field("T").List()[1].Field("v").Str() != "w" {
					problems = append(problems, "S")
				}
				raw, _ := json.Marshal(cfg.Raw())
				if !strings.Contains(string(raw), `"D":true`) {
					problems = append(problems, "Raw: "+string(raw))
				}
				done <- strings.Join(problems, "; ")
			}()
		}
		for range 8 {
			if p := <-done; p != "" {
				t.Error(p)
			}
		}
	}
}
