// Package configitem decodes AWS Config configuration items (CIs) and gives
// typed, tolerant access to the fields inside them.
//
// AWS Config hands out CIs in two shapes. The invoking-event shape, which a rule
// Lambda receives, uses ARN, awsAccountId, configurationItemVersion and
// configurationStateMd5Hash, carries configuration as a JSON object and
// configurationStateId as a number. The API shape, returned by
// GetResourceConfigHistory and BatchGetResourceConfig, uses arn, accountId,
// version and configurationItemMD5Hash, carries configuration as a
// JSON-encoded string and configurationStateId as a string. [Decode] accepts
// both (and the mixtures that real tools produce) into one [Item].
package configitem

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxSize is the largest CI, in bytes, that Decode accepts. Lambda rejects
// invocation payloads above 6 MB, so no event can carry a larger item, and a
// bound keeps a hostile input from exhausting memory.
const MaxSize = 6 << 20

// Item statuses, as AWS Config writes them in configurationItemStatus.
const (
	StatusOK                         = "OK"
	StatusResourceDiscovered         = "ResourceDiscovered"
	StatusResourceNotRecorded        = "ResourceNotRecorded"
	StatusResourceDeleted            = "ResourceDeleted"
	StatusResourceDeletedNotRecorded = "ResourceDeletedNotRecorded"
)

// Item is one configuration item, in either shape.
type Item struct {
	Version              string
	AccountID            string
	CaptureTime          time.Time
	Status               string
	StateID              string
	MD5Hash              string
	ARN                  string
	ResourceType         string
	ResourceID           string
	ResourceName         string
	Region               string
	AvailabilityZone     string
	ResourceCreationTime time.Time
	Tags                 map[string]string
	Relationships        []Relationship

	// Configuration is the resource's configuration as a JSON object (or nil
	// when the item has none, as in an oversized-change summary or a deletion).
	Configuration json.RawMessage
	// Supplementary holds supplementaryConfiguration values as JSON. A value that
	// Config delivered as a JSON-encoded string is kept as that string; the
	// accessors of [Value] decode it on demand.
	Supplementary map[string]json.RawMessage

	config *Value // decoded Configuration, built on first use
}

// Relationship links the item to another resource.
type Relationship struct {
	ResourceType string `json:"resourceType"`
	ResourceID   string `json:"resourceId"`
	ResourceName string `json:"resourceName,omitempty"`
	Name         string `json:"name"`
}

// Evaluable reports whether Config expects the rule to judge this item: only
// OK and ResourceDiscovered items describe a resource that exists and is
// recorded. Everything else is NOT_APPLICABLE.
func (it *Item) Evaluable() bool {
	return it.Status == StatusOK || it.Status == StatusResourceDiscovered
}

// Config returns the decoded configuration. A missing configuration gives a
// Value that exists nowhere, so every lookup on it reports "missing".
func (it *Item) Config() Value {
	if it.config == nil {
		v := Value{}
		if len(it.Configuration) > 0 {
			if decoded, ok := decodeJSON(it.Configuration); ok {
				v = Value{v: decoded, ok: true}
			}
		}
		it.config = &v
	}
	return *it.config
}

// Supplement returns supplementaryConfiguration[key], decoding a JSON-encoded
// string value into the structure it holds.
func (it *Item) Supplement(key string) Value {
	raw, ok := it.Supplementary[key]
	if !ok {
		var k string
		if k, ok = foldKey(it.Supplementary, key); ok {
			raw = it.Supplementary[k]
		}
	}
	if !ok {
		return Value{}
	}
	decoded, ok := decodeJSON(raw)
	if !ok {
		return Value{}
	}
	return Value{v: decoded, ok: true}.decodeEmbedded()
}

// wireItem holds every field name either shape uses. encoding/json matches
// names case-insensitively, so "arn" also catches "ARN".
type wireItem struct {
	Version                  string          `json:"version"`
	ConfigurationItemVersion string          `json:"configurationItemVersion"`
	AccountID                string          `json:"accountId"`
	AWSAccountID             string          `json:"awsAccountId"`
	CaptureTime              json.RawMessage `json:"configurationItemCaptureTime"`
	Status                   string          `json:"configurationItemStatus"`
	StateID                  json.RawMessage `json:"configurationStateId"`
	MD5Hash                  string          `json:"configurationItemMD5Hash"`
	StateMD5Hash             string          `json:"configurationStateMd5Hash"`
	ARN                      string          `json:"arn"`
	ResourceType             string          `json:"resourceType"`
	ResourceID               string          `json:"resourceId"`
	ResourceName             *string         `json:"resourceName"`
	Region                   string          `json:"awsRegion"`
	AvailabilityZone         string          `json:"availabilityZone"`
	ResourceCreationTime     json.RawMessage `json:"resourceCreationTime"`
	Tags                     json.RawMessage `json:"tags"`
	Relationships            []wireRelation  `json:"relationships"`
	Configuration            json.RawMessage `json:"configuration"`
	Supplementary            json.RawMessage `json:"supplementaryConfiguration"`
}

type wireRelation struct {
	ResourceType     string `json:"resourceType"`
	ResourceID       string `json:"resourceId"`
	ResourceName     string `json:"resourceName"`
	Name             string `json:"name"`
	RelationshipName string `json:"relationshipName"`
}

// Decode decodes one CI in either shape. It rejects input above [MaxSize],
// input that is not a JSON object, and fields of the wrong JSON type.
func Decode(data []byte) (*Item, error) {
	if len(data) > MaxSize {
		return nil, fmt.Errorf("configuration item is %d bytes, more than the %d-byte limit", len(data), MaxSize)
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, errors.New("configuration item: want a JSON object")
	}
	var it Item
	// UnmarshalJSON checks the syntax of the whole input itself, so calling
	// it directly saves json.Unmarshal's extra validation pass.
	if err := it.UnmarshalJSON(trimmed); err != nil {
		return nil, err
	}
	return &it, nil
}

// UnmarshalJSON implements json.Unmarshaler for both CI shapes. Following
// encoding/json's convention, null leaves the item unchanged.
func (it *Item) UnmarshalJSON(data []byte) error {
	trimmed := bytes.TrimSpace(data)
	if string(trimmed) == "null" {
		return nil
	}
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return errors.New("configuration item: want a JSON object")
	}
	var w wireItem
	if err := json.Unmarshal(trimmed, &w); err != nil {
		return fmt.Errorf("configuration item: %w", jsonError(err))
	}
	out := Item{
		Version:          first(w.ConfigurationItemVersion, w.Version),
		AccountID:        first(w.AWSAccountID, w.AccountID),
		Status:           w.Status,
		MD5Hash:          first(w.StateMD5Hash, w.MD5Hash),
		ARN:              w.ARN,
		ResourceType:     w.ResourceType,
		ResourceID:       w.ResourceID,
		Region:           w.Region,
		AvailabilityZone: w.AvailabilityZone,
	}
	if w.ResourceName != nil {
		out.ResourceName = *w.ResourceName
	}
	var err error
	if out.CaptureTime, err = decodeTime(w.CaptureTime); err != nil {
		return fmt.Errorf("configuration item: configurationItemCaptureTime: %w", err)
	}
	if out.ResourceCreationTime, err = decodeTime(w.ResourceCreationTime); err != nil {
		return fmt.Errorf("configuration item: resourceCreationTime: %w", err)
	}
	if out.StateID, err = decodeScalar(w.StateID); err != nil {
		return fmt.Errorf("configuration item: configurationStateId: %w", err)
	}
	if out.Tags, err = decodeTags(w.Tags); err != nil {
		return fmt.Errorf("configuration item: tags: %w", err)
	}
	if out.Configuration, err = decodeObject(w.Configuration); err != nil {
		return fmt.Errorf("configuration item: configuration: %w", err)
	}
	if out.Supplementary, err = decodeSupplementary(w.Supplementary); err != nil {
		return fmt.Errorf("configuration item: supplementaryConfiguration: %w", err)
	}
	for _, r := range w.Relationships {
		out.Relationships = append(out.Relationships, Relationship{
			ResourceType: r.ResourceType,
			ResourceID:   r.ResourceID,
			ResourceName: r.ResourceName,
			Name:         first(r.Name, r.RelationshipName),
		})
	}
	*it = out
	return nil
}

// MarshalJSON writes the item in the invoking-event shape, the one a rule
// Lambda receives, with configuration as an object. It has a value receiver
// so that an Item held by value (a struct field, a map element) marshals in
// this shape too, not as a plain Go struct.
func (it Item) MarshalJSON() ([]byte, error) {
	type eventShape struct {
		ConfigurationItemVersion     string                     `json:"configurationItemVersion,omitempty"`
		ConfigurationItemCaptureTime string                     `json:"configurationItemCaptureTime,omitempty"`
		ConfigurationStateID         string                     `json:"configurationStateId,omitempty"`
		AWSAccountID                 string                     `json:"awsAccountId"`
		ConfigurationItemStatus      string                     `json:"configurationItemStatus"`
		ResourceType                 string                     `json:"resourceType"`
		ResourceID                   string                     `json:"resourceId"`
		ResourceName                 string                     `json:"resourceName,omitempty"`
		ARN                          string                     `json:"ARN,omitempty"`
		AWSRegion                    string                     `json:"awsRegion,omitempty"`
		AvailabilityZone             string                     `json:"availabilityZone,omitempty"`
		ConfigurationStateMd5Hash    string                     `json:"configurationStateMd5Hash,omitempty"`
		ResourceCreationTime         string                     `json:"resourceCreationTime,omitempty"`
		Tags                         map[string]string          `json:"tags"`
		Relationships                []Relationship             `json:"relationships"`
		Configuration                json.RawMessage            `json:"configuration"`
		SupplementaryConfiguration   map[string]json.RawMessage `json:"supplementaryConfiguration"`
	}
	out := eventShape{
		ConfigurationItemVersion:   it.Version,
		ConfigurationStateID:       it.StateID,
		AWSAccountID:               it.AccountID,
		ConfigurationItemStatus:    it.Status,
		ResourceType:               it.ResourceType,
		ResourceID:                 it.ResourceID,
		ResourceName:               it.ResourceName,
		ARN:                        it.ARN,
		AWSRegion:                  it.Region,
		AvailabilityZone:           it.AvailabilityZone,
		ConfigurationStateMd5Hash:  it.MD5Hash,
		Tags:                       it.Tags,
		Relationships:              it.Relationships,
		Configuration:              it.Configuration,
		SupplementaryConfiguration: it.Supplementary,
	}
	if !it.CaptureTime.IsZero() {
		out.ConfigurationItemCaptureTime = it.CaptureTime.UTC().Format(time.RFC3339Nano)
	}
	if !it.ResourceCreationTime.IsZero() {
		out.ResourceCreationTime = it.ResourceCreationTime.UTC().Format(time.RFC3339Nano)
	}
	if out.Tags == nil {
		out.Tags = map[string]string{}
	}
	if out.Relationships == nil {
		out.Relationships = []Relationship{}
	}
	if out.Configuration == nil {
		out.Configuration = json.RawMessage("null")
	}
	if out.SupplementaryConfiguration == nil {
		out.SupplementaryConfiguration = map[string]json.RawMessage{}
	}
	return json.Marshal(out)
}

func first(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || string(raw) == "null"
}

// Times must fall in years 1 to 9999: RFC 3339 cannot write any other, so an
// item holding one could not be marshalled and decoded again.
var (
	minTime = time.Date(1, time.January, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(9999, time.December, 31, 23, 59, 59, 999999999, time.UTC)
)

// decodeTime accepts an RFC 3339 string (what events and the AWS CLI print)
// or a number of seconds since the epoch (what the API's JSON protocol
// sends); numbers above 1e11 are taken as milliseconds.
func decodeTime(raw json.RawMessage) (time.Time, error) {
	if isNull(raw) {
		return time.Time{}, nil
	}
	var t time.Time
	switch raw[0] {
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return time.Time{}, err
		}
		if s == "" {
			return time.Time{}, nil
		}
		parsed, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return time.Time{}, fmt.Errorf("want an RFC 3339 time, got %q", truncate([]byte(s)))
		}
		t = parsed.UTC()
	default:
		f, err := strconv.ParseFloat(string(raw), 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("want an RFC 3339 string or epoch seconds, got %s", truncate(raw))
		}
		if f > 1e11 {
			f /= 1000
		}
		// Check the range before converting: a float beyond int64 converts
		// to an unspecified value.
		if f < float64(minTime.Unix()) || f > float64(maxTime.Unix()) {
			return time.Time{}, fmt.Errorf("epoch time %s is outside years 1 to 9999", truncate(raw))
		}
		sec := int64(f)
		t = time.Unix(sec, int64((f-float64(sec))*1e9)).UTC().Round(time.Millisecond)
	}
	if t.Before(minTime) || t.After(maxTime) {
		return time.Time{}, fmt.Errorf("time %s is outside years 1 to 9999", truncate(raw))
	}
	return t, nil
}

// decodeScalar returns a JSON string or number as a string.
func decodeScalar(raw json.RawMessage) (string, error) {
	if isNull(raw) {
		return "", nil
	}
	switch raw[0] {
	case '"':
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		var n json.Number
		if err := json.Unmarshal(raw, &n); err != nil {
			return "", err
		}
		return n.String(), nil
	}
	return "", fmt.Errorf("want a string or a number, got %s", truncate(raw))
}

func decodeTags(raw json.RawMessage) (map[string]string, error) {
	if isNull(raw) {
		return nil, nil
	}
	if raw[0] != '{' {
		return nil, fmt.Errorf("want an object of strings, got %s", kindOf(raw))
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, jsonError(err)
	}
	tags := make(map[string]string, len(m))
	for k, v := range m {
		if isNull(v) {
			tags[k] = ""
			continue
		}
		if v[0] != '"' {
			return nil, fmt.Errorf("%q: want a string, got %s", truncate([]byte(k)), kindOf(v))
		}
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return nil, fmt.Errorf("%q: %w", truncate([]byte(k)), jsonError(err))
		}
		tags[k] = s
	}
	return tags, nil
}

// decodeObject accepts a JSON object or a JSON string that holds one, and
// returns the object.
func decodeObject(raw json.RawMessage) (json.RawMessage, error) {
	if isNull(raw) {
		return nil, nil
	}
	switch raw[0] {
	case '{':
		return raw, nil
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		inner := bytes.TrimSpace([]byte(s))
		if len(inner) == 0 || string(inner) == "null" {
			return nil, nil
		}
		if inner[0] != '{' || !json.Valid(inner) {
			return nil, fmt.Errorf("want an object or a string holding one, got a string holding %q", truncate(inner))
		}
		return inner, nil
	}
	return nil, fmt.Errorf("want an object or a JSON-encoded string, got %s", truncate(raw))
}

// kindOf names the kind of a JSON value for error messages.
func kindOf(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return "a number"
	}
	return "text that is not JSON"
}

func decodeSupplementary(raw json.RawMessage) (map[string]json.RawMessage, error) {
	if isNull(raw) {
		return nil, nil
	}
	if raw[0] == '"' { // some exports encode the whole map as a string
		obj, err := decodeObject(raw)
		if err != nil || obj == nil {
			return nil, err
		}
		raw = obj
	}
	if raw[0] != '{' {
		return nil, fmt.Errorf("want an object or a JSON-encoded string holding one, got %s", kindOf(raw))
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, jsonError(err)
	}
	return m, nil
}

// truncate shortens input quoted in an error message to about 40 bytes,
// cutting at a rune boundary.
func truncate(raw []byte) string {
	const n = 40
	if len(raw) <= n {
		return strings.ToValidUTF8(string(raw), "\uFFFD")
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(raw[cut]) {
		cut--
	}
	return strings.ToValidUTF8(string(raw[:cut]), "\uFFFD") + "…"
}

// jsonError restates an encoding/json error in terms of the input rather
// than of this package's Go types: "resourceType: want a string, got number"
// instead of "cannot unmarshal number into Go struct field wireItem.resourceType".
func jsonError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field == "" {
			return fmt.Errorf("want %s, got %s", jsonKind(te.Type), te.Value)
		}
		return fmt.Errorf("%s: want %s, got %s", te.Field, jsonKind(te.Type), te.Value)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("not valid JSON: %w", err)
	}
	return err
}

// jsonKind names the JSON value a Go type decodes from.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "another type"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "another type"
}
