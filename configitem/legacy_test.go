package configitem_test

// The decoder as it was before the one-pass rewrite (encoding/json into a
// struct, then each part on its own), kept as the reference that
// FuzzDecodeMatchesLegacy holds the new decoder to. Only the names changed.

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

	"github.com/aiguard/aiguard/configitem"
	"github.com/aiguard/aiguard/internal/jsonfast"
)

// legacyItem has Item's fields.
type legacyItem struct {
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
	Relationships        []configitem.Relationship
	Configuration        json.RawMessage
	Supplementary        map[string]json.RawMessage
}

func legacyDecode(data []byte) (*legacyItem, error) {
	if len(data) > configitem.MaxSize {
		return nil, fmt.Errorf("configuration item is %d bytes, more than the %d-byte limit", len(data), configitem.MaxSize)
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, errors.New("configuration item: want a JSON object")
	}
	var it legacyItem
	if err := legacyUnmarshal(&it, trimmed); err != nil {
		return nil, err
	}
	return &it, nil
}

// legacyConfig is what Item.Config().Raw() was.
func (it *legacyItem) legacyConfig() (any, bool) {
	if len(it.Configuration) == 0 {
		return nil, false
	}
	return decodeJSON(it.Configuration)
}

// legacySupplement is what Item.Supplement(key).Raw() was, for a key of
// Supplementary.
func (it *legacyItem) legacySupplement(key string) (any, bool) {
	decoded, ok := decodeJSON(it.Supplementary[key])
	if !ok {
		return nil, false
	}
	return legacyEmbedded(decoded), true
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

// UnmarshalJSON implements json.Unmarshaler for both CI shapes. Following
// encoding/json's convention, null leaves the item unchanged.
func legacyUnmarshal(it *legacyItem, data []byte) error {
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
	out := legacyItem{
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
		out.Relationships = append(out.Relationships, configitem.Relationship{
			ResourceType: r.ResourceType,
			ResourceID:   r.ResourceID,
			ResourceName: r.ResourceName,
			Name:         first(r.Name, r.RelationshipName),
		})
	}
	*it = out
	return nil
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
		written := s
		if len(s) > 10 && s[10] == ' ' { // RFC 3339 5.6: a space may stand for T
			s = s[:10] + "T" + s[11:]
		}
		parsed, err := time.Parse(time.RFC3339Nano, s)
		if err != nil { // quoting the time as written, not as rewritten
			return time.Time{}, fmt.Errorf("want an RFC 3339 time, got %q", truncate([]byte(written)))
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
		return nil, fmt.Errorf("want an object of strings, got %s", jsonfast.Describe(raw))
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
			return nil, fmt.Errorf("%q: want a string, got %s", truncate([]byte(k)), jsonfast.Describe(v))
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
		return nil, fmt.Errorf("want an object or a JSON-encoded string holding one, got %s", jsonfast.Describe(raw))
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

// decodeJSON decodes a JSON document into the values a Value wraps, with
// numbers as float64. encoding/json refuses to put a number beyond
// float64's range (1e400) into a float64; such a document is decoded again
// with its numbers as json.Number, rather than losing the whole document
// (and with it every field a rule looks for) over one number.
func decodeJSON(data []byte) (any, bool) {
	var v any
	if err := json.Unmarshal(data, &v); err == nil {
		return v, true
	}
	if !json.Valid(data) {
		return nil, false
	}
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	v = nil
	if err := d.Decode(&v); err != nil {
		return nil, false
	}
	return v, true
}

// decodeEmbedded turns a string that holds a JSON object or array into that
// object or array; supplementary configuration and some exports nest JSON
// this way.
func legacyEmbedded(v any) any {
	s, ok := v.(string)
	if !ok {
		return v
	}
	t := strings.TrimSpace(s)
	if t == "" || (t[0] != '{' && t[0] != '[') {
		return v
	}
	decoded, ok := decodeJSON([]byte(t))
	if !ok {
		return v
	}
	return decoded
}
