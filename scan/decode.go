package scan

// Stage 4, decode: turn an item's bytes into a configuration item, on a
// worker. An item of a type no rule of the scan covers is counted without
// being decoded: its type is read from its top-level keys alone.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unsafe"

	"github.com/aiguard/aiguard/configitem"
)

// decodeItem decodes a CI's bytes with dec; quoted bytes are a JSON string
// holding the CI (select-resource-config results). With inPlace, the item's
// configuration shares data's memory instead of a copy's: data must outlive
// the item, and what is kept of the item must be copied (see process).
func decodeItem(dec *configitem.Decoder, data []byte, quoted, inPlace bool) (*configitem.Item, error) {
	if inPlace && !quoted && len(data) > 0 {
		if item, err := dec.DecodeString(unsafe.String(unsafe.SliceData(data), len(data))); err == nil {
			return item, nil
		}
		// Again from a copy: the error may quote the input, and outlive it.
	}
	if quoted {
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return nil, fmt.Errorf("result string: %w", err)
		}
		data = []byte(s)
	}
	item, err := dec.Decode(data)
	if err == nil {
		return item, nil
	}
	// Advanced queries (select-resource-config) return tags as a list of
	// {"key", "value"} objects rather than a map; accept that shape too.
	if fixed, ok := tagListToMap(data); ok {
		if item, err2 := configitem.Decode(fixed); err2 == nil {
			return item, nil
		}
	}
	return nil, err
}

// tagListToMap rewrites a "tags" list of key/value objects into a map.
func tagListToMap(data []byte) ([]byte, bool) {
	if !bytes.Contains(data, []byte(`"tags"`)) {
		return nil, false
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(data, &m) != nil {
		return nil, false
	}
	raw, ok := m["tags"]
	if !ok || len(raw) == 0 || raw[0] != '[' {
		return nil, false
	}
	var list []struct {
		Key   *string `json:"key"`
		Value *string `json:"value"`
	}
	if json.Unmarshal(raw, &list) != nil {
		return nil, false
	}
	tags := make(map[string]string, len(list))
	for _, t := range list {
		if t.Key == nil {
			return nil, false
		}
		if _, dup := tags[*t.Key]; dup {
			return nil, false // the decoder's error (a list where a map goes) stands
		}
		v := ""
		if t.Value != nil {
			v = *t.Value
		}
		tags[*t.Key] = v
	}
	enc, err := json.Marshal(tags)
	if err != nil {
		return nil, false
	}
	m["tags"] = enc
	out, err := json.Marshal(m)
	return out, err == nil
}
