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
	"strconv"
	"strings"
	"time"

	"github.com/aiguard/aiguard/internal/jsonfast"
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
//
// Concurrency: an Item returned by [Decode] or filled by UnmarshalJSON may be
// read by several goroutines at once (its fields, Config, Supplement and
// the Value accessors) as long as none of them changes its fields. An Item
// built by hand, or whose Configuration or Supplementary a caller replaced,
// decodes them on first use and stores the result, so it must stay with one
// goroutine until Config, and Supplement for each key, have been called.
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

	// MLReferences say which AI resources use this resource (an S3 bucket
	// their data is read from or written to, a KMS key they encrypt with),
	// as a reader that sees both can tell: a CloudFormation template, a
	// Terraform plan, a scan of a whole estate. The rules on ML data judge
	// a resource that has them as ML data. AWS Config never sets them.
	MLReferences []string

	// Configuration is the resource's configuration as a JSON object (or nil
	// when the item has none, as in an oversized-change summary or a deletion).
	// In an item from Decode it shares memory with the decoded strings: to
	// change it, replace it, never write into it.
	Configuration json.RawMessage
	// Supplementary holds supplementaryConfiguration values as JSON. A value that
	// Config delivered as a JSON-encoded string is kept as that string; the
	// accessors of [Value] decode it on demand. As for Configuration, replace
	// a value, never write into it.
	Supplementary map[string]json.RawMessage

	// cache holds Configuration and Supplementary decoded. Decode fills it
	// in the same pass that reads the item; Config and Supplement fill it
	// for an item built by hand.
	cache *itemCache
}

// itemCache is the decoded form of an item's configuration and
// supplementary configuration. Each part records the JSON it was decoded
// from, so that a caller who replaces Configuration or a Supplementary
// value gets the new one decoded rather than a stale tree.
type itemCache struct {
	configRaw json.RawMessage
	config    Value
	configSet bool

	supp []suppEntry // a few members: a list costs less than a map to build

	memo itemMemo // JSON strings inside either, decoded once; key indexes
}

type suppEntry struct {
	key string
	raw json.RawMessage
	v   any
}

// suppEntry returns the decoded supplementary value of key.
func (c *itemCache) suppEntry(key string) (suppEntry, bool) {
	for _, e := range c.supp {
		if e.key == key {
			return e, true
		}
	}
	return suppEntry{}, false
}

// setSuppEntry records e, replacing the entry of its key.
func (c *itemCache) setSuppEntry(e suppEntry) {
	for i := range c.supp {
		if c.supp[i].key == e.key {
			c.supp[i] = e
			return
		}
	}
	c.supp = append(c.supp, e)
}

// sameBytes reports whether a and b are the same slice of memory, which is
// how the cache knows its source has not been replaced.
func sameBytes(a, b []byte) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
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
//
// An item from Decode was decoded whole in one pass, so Config only returns
// what that pass built.
func (it *Item) Config() Value {
	if c := it.cache; c != nil && c.configSet && sameBytes(c.configRaw, it.Configuration) {
		return c.config
	}
	c := it.ensureCache()
	v := Value{}
	if len(it.Configuration) > 0 {
		if decoded, err := jsonfast.UnmarshalCompact(string(it.Configuration), false); err == nil {
			v = Value{v: decoded, ok: true, memo: &c.memo}
		}
	}
	c.configRaw, c.config, c.configSet = it.Configuration, v, true
	return v
}

// Supplement returns supplementaryConfiguration[key], decoding a JSON-encoded
// string value into the structure it holds. The key matches exactly, then
// case-insensitively.
func (it *Item) Supplement(key string) Value {
	raw, ok := it.Supplementary[key]
	if !ok {
		if key, ok = foldKey(it.Supplementary, key); ok {
			raw = it.Supplementary[key]
		}
	}
	if !ok {
		return Value{}
	}
	if c := it.cache; c != nil {
		if e, ok := c.suppEntry(key); ok && sameBytes(e.raw, raw) {
			return Value{v: e.v, ok: true, memo: &c.memo}.decodeEmbedded()
		}
	}
	decoded, err := jsonfast.UnmarshalCompact(string(raw), false)
	if err != nil {
		return Value{}
	}
	c := it.ensureCache()
	c.setSuppEntry(suppEntry{key: key, raw: raw, v: decoded})
	return Value{v: decoded, ok: true, memo: &c.memo}.decodeEmbedded()
}

// Inner returns an item whose configuration is cfg, a Value taken from
// another item: a resource that a producer gave inside an item (rules read
// the resources an item references so). cfg is used as it is, not encoded
// and decoded again; the item's Configuration is nil, and Config returns
// cfg. The caller fills in the item's other fields.
func Inner(cfg Value) *Item {
	it := newItem()
	it.cache.config, it.cache.configSet = cfg, true
	return it
}

func (it *Item) ensureCache() *itemCache {
	if it.cache == nil {
		it.cache = new(itemCache)
	}
	return it.cache
}

// Decode decodes one CI in either shape. It rejects input above [MaxSize],
// input that is not a JSON object, and fields of the wrong JSON type.
//
// It reads the input once, building the item's configuration and
// supplementary configuration as it goes, and keeps no reference to data.
func Decode(data []byte) (*Item, error) { return decode(data, nil) }

// decode checks data's size and shape and decodes it, with x or (nil) a
// decoder from the pool.
func decode(data []byte, x *itemDecoder) (*Item, error) {
	if len(data) > MaxSize {
		return nil, fmt.Errorf("configuration item is %d bytes, more than the %d-byte limit", len(data), MaxSize)
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, errors.New("configuration item: want a JSON object")
	}
	it := newItem()
	var err error
	if x == nil {
		err = decodeItem(it, string(trimmed))
	} else {
		err = x.decodeOnce(it, string(trimmed))
	}
	if err != nil {
		return nil, err
	}
	return it, nil
}

// DecodeString is Decode for a CI held in a string, such as an element of
// select-resource-config's results once unquoted. It does not copy s: the
// strings of the item's configuration share s's memory.
func DecodeString(s string) (*Item, error) { return decodeString(s, nil) }

func decodeString(s string, x *itemDecoder) (*Item, error) {
	if len(s) > MaxSize {
		return nil, fmt.Errorf("configuration item is %d bytes, more than the %d-byte limit", len(s), MaxSize)
	}
	trimmed := strings.TrimSpace(s)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, errors.New("configuration item: want a JSON object")
	}
	it := newItem()
	var err error
	if x == nil {
		err = decodeItem(it, trimmed)
	} else {
		err = x.decodeOnce(it, trimmed)
	}
	if err != nil {
		return nil, err
	}
	return it, nil
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
	var out Item
	if err := decodeItem(&out, string(trimmed)); err != nil {
		return err
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

// Times must fall in years 1 to 9999: RFC 3339 cannot write any other, so an
// item holding one could not be marshalled and decoded again.
var (
	minTime = time.Date(1, time.January, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(9999, time.December, 31, 23, 59, 59, 999999999, time.UTC)
)

// parseRFC3339 parses an RFC 3339 time, with T or a space between date and
// time (what boto3 exports hold when written with json.dumps(default=str)).
func parseRFC3339(s string) (time.Time, error) {
	if len(s) > 10 && s[10] == ' ' {
		s = s[:10] + "T" + s[11:]
	}
	return time.Parse(time.RFC3339Nano, s)
}

// decodeTime accepts an RFC 3339 string (what events and the AWS CLI print,
// with T or, as RFC 3339 section 5.6 allows and Python's str of a datetime
// writes, a space between date and time) or a number of seconds since the
// epoch (what the API's JSON protocol sends); numbers above 1e11 are taken
// as milliseconds. raw is the value as written; str is its decoded text
// when it is a string.
func decodeTime(raw, str string) (time.Time, error) {
	if raw == "" || raw == "null" {
		return time.Time{}, nil
	}
	var t time.Time
	switch raw[0] {
	case '"':
		if str == "" {
			return time.Time{}, nil
		}
		parsed, err := parseRFC3339(str)
		if err != nil {
			return time.Time{}, fmt.Errorf("want an RFC 3339 time, got %q", jsonfast.Excerpt(str))
		}
		t = parsed.UTC()
	default:
		f, err := strconv.ParseFloat(raw, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("want an RFC 3339 string or epoch seconds, got %s", jsonfast.Excerpt(raw))
		}
		if f > 1e11 {
			f /= 1000
		}
		// Check the range before converting: a float beyond int64 converts
		// to an unspecified value.
		if f < float64(minTime.Unix()) || f > float64(maxTime.Unix()) {
			return time.Time{}, fmt.Errorf("epoch time %s is outside years 1 to 9999", jsonfast.Excerpt(raw))
		}
		sec := int64(f)
		t = time.Unix(sec, int64((f-float64(sec))*1e9)).UTC().Round(time.Millisecond)
	}
	if t.Before(minTime) || t.After(maxTime) {
		return time.Time{}, fmt.Errorf("time %s is outside years 1 to 9999", jsonfast.Excerpt(raw))
	}
	return t, nil
}
