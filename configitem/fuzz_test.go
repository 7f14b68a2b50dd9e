package configitem_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/configitem"
	"github.com/aiguard/aiguard/internal/jsonfast"
)

// FuzzDecode checks that Decode never panics, and that an item it accepts
// marshals and decodes back to the same item, and that lookups on it never
// panic. FuzzParse in configevent covers the same code through events; this
// target mutates CIs directly, which reaches the decoder's corners faster.
//
//	go test ./configitem -run '^$' -fuzz '^FuzzDecode$' -fuzztime 1m
func FuzzDecode(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		it, err := configitem.Decode(data)
		if err != nil {
			if it != nil {
				t.Fatalf("Decode returned an item with the error %v", err)
			}
			return
		}
		// Lookups must not panic whatever the configuration holds.
		c := it.Config()
		for _, name := range []string{"A", "a", "configuration", ""} {
			v := c.Field(name)
			v.Present()
			v.Str()
			v.Bool()
			v.Int()
			v.Strings()
			c.Path(name + ".B.C").List()
			it.Supplement(name).Path("S.T").Strings()
		}
		out, err := json.Marshal(it)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		if len(out) > configitem.MaxSize {
			return
		}
		again, err := configitem.Decode(out)
		if err != nil {
			t.Fatalf("decoding the marshalled item: %v\n%s", err, out)
		}
		assertSameItem(t, it, again)
		out2, err := json.Marshal(again)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out, out2) {
			t.Fatalf("second marshal differs:\n%s\n%s", out, out2)
		}
	})
}

// fuzzSeeds are the CIs FuzzDecode and FuzzDecodeMatchesLegacy start from:
// the fixtures, and small documents aimed at the decoder's corners.
func fuzzSeeds(f *testing.F) [][]byte {
	paths, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	var seeds [][]byte
	for _, p := range paths {
		seeds = append(seeds, readFixture(f, p[len("testdata/"):]))
	}
	for _, s := range []string{
		`{}`, `null`, `[]`, `""`,
		`{"configuration":"{\"A\":\"{\\\"B\\\":[1,\\\"2\\\"]}\"}","supplementaryConfiguration":"{\"S\":\"[true]\"}"}`,
		`{"configurationItemCaptureTime":1549956556288,"resourceCreationTime":1.5e9,"configurationStateId":1e3}`,
		`{"configurationItemCaptureTime":"9999-12-31T23:59:59-01:00"}`,
		`{"tags":{"a":null},"relationships":[null,{"name":"n","relationshipName":"r"}],"resourceName":null}`,
		`{"configuration":{"a":1e400,"A":"x","\u00e9":"\ud800"}}`,
		`{"ARN":"a","arn":"b","Arn":null,"RESOURCETYPE":"T","resourceType":5,"resourceName":"n","resourceName":null}`,
		`{"tags":{"a":1,"a":"x","b":[]},"tags":{"c":"d"},"relationships":[{"RESOURCEID":"r","resourceId":null}],"relationships":null}`,
		`{"configuration":{"a":1},"configuration":"{\"b\":2}","supplementaryConfiguration":{"K":"{}","K":"[1]"},"configurationStateId":"7","configurationStateId":null}`,
		`{"resourceId":{},"configurationItemCaptureTime":"bad","tags":[]}`,
		`{"supplementaryConfiguration":"{\"a\":1} x","configuration":"\t{} "}`,
		`{"relationships":[1,{"name":2}],"version":[],"awsRegion":true} `,
		"{\"resourceId\":\"\xff\",\"tags\":{\"\xfe\":\"\\ud800\"}}",
	} {
		seeds = append(seeds, []byte(s))
	}
	return seeds
}

// FuzzDecodeMatchesLegacy holds Decode to the decoder it replaced
// (legacy_test.go): the same items, configuration and supplementary values
// from the same input, and the same errors. The intended differences: a
// number beyond float64's range is a json.Number on its own, where the old
// decoder turned every number of that document into one (values are
// compared with numbers normalised); and a key repeated in an object that
// Decode reads (the item, configuration, supplementaryConfiguration, tags,
// a relationship) makes the item malformed, where the old decoder kept the
// last value.
//
//	go test ./configitem -run '^$' -fuzz '^FuzzDecodeMatchesLegacy$' -fuzztime 1m
func FuzzDecodeMatchesLegacy(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	// batch decodes every input in turn, as a scan's decoder does (the
	// inputs of one process are tried one at a time).
	var batch configitem.Decoder
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := configitem.Decode(data)
		if fromString, errString := configitem.DecodeString(string(data)); (err == nil) != (errString == nil) ||
			(err == nil && legacyDiff(fromString, toLegacy(got)) != "") {
			t.Fatalf("DecodeString(%q) differs from Decode: %v, %v", data, errString, err)
		}
		// A batch Decoder, into whose recycled slabs the last inputs were
		// decoded, decodes it alike.
		batched, errBatch := batch.DecodeString(string(data))
		if (err == nil) != (errBatch == nil) || (err == nil && legacyDiff(batched, toLegacy(got)) != "") {
			t.Fatalf("Decoder.DecodeString(%q) differs from Decode: %v, %v", data, errBatch, err)
		}
		batch.Release()
		want, wantErr := legacyDecode(data)
		if dup := (*jsonfast.DuplicateKeyError)(nil); errors.As(err, &dup) {
			return
		}
		switch {
		case (err == nil) != (wantErr == nil):
			t.Fatalf("Decode(%q): error %v, legacy error %v", data, err, wantErr)
		case err != nil:
			// Of several bad tags the legacy decoder named a random one.
			if err.Error() != wantErr.Error() && !(strings.HasPrefix(err.Error(), "configuration item: tags: ") &&
				strings.HasPrefix(wantErr.Error(), "configuration item: tags: ")) {
				t.Fatalf("Decode(%q): error %q, legacy error %q", data, err, wantErr)
			}
			return
		}
		if diff := legacyDiff(got, want); diff != "" {
			t.Fatalf("Decode(%q): %s", data, diff)
		}
	})
}

// toLegacy copies an item into the legacy decoder's type.
func toLegacy(it *configitem.Item) *legacyItem {
	return &legacyItem{
		Version: it.Version, AccountID: it.AccountID, CaptureTime: it.CaptureTime, Status: it.Status,
		StateID: it.StateID, MD5Hash: it.MD5Hash, ARN: it.ARN, ResourceType: it.ResourceType,
		ResourceID: it.ResourceID, ResourceName: it.ResourceName, Region: it.Region,
		AvailabilityZone: it.AvailabilityZone, ResourceCreationTime: it.ResourceCreationTime,
		Tags: it.Tags, Relationships: it.Relationships, Configuration: it.Configuration,
		Supplementary: it.Supplementary,
	}
}

// legacyDiff describes the first difference between an item and the
// legacy decoder's result.
func legacyDiff(got *configitem.Item, want *legacyItem) string {
	g := *got
	g.Configuration, g.Supplementary = nil, nil
	w := configitem.Item{
		Version: want.Version, AccountID: want.AccountID, CaptureTime: want.CaptureTime, Status: want.Status,
		StateID: want.StateID, MD5Hash: want.MD5Hash, ARN: want.ARN, ResourceType: want.ResourceType,
		ResourceID: want.ResourceID, ResourceName: want.ResourceName, Region: want.Region,
		AvailabilityZone: want.AvailabilityZone, ResourceCreationTime: want.ResourceCreationTime,
		Tags: want.Tags, Relationships: want.Relationships,
	}
	gj, _ := json.Marshal(g)
	wj, _ := json.Marshal(w)
	if !bytes.Equal(gj, wj) || !reflect.DeepEqual(g.Tags, w.Tags) || !reflect.DeepEqual(g.Relationships, w.Relationships) {
		return fmt.Sprintf("fields\n%s\nlegacy\n%s", gj, wj)
	}
	if !bytes.Equal(got.Configuration, want.Configuration) || (got.Configuration == nil) != (want.Configuration == nil) {
		return fmt.Sprintf("Configuration %q, legacy %q", got.Configuration, want.Configuration)
	}
	wc, wok := want.legacyConfig()
	if c := got.Config(); c.Exists() != wok || !reflect.DeepEqual(normalNumbers(c.Raw()), normalNumbers(wc)) {
		return fmt.Sprintf("Config() %#v, legacy %#v", c.Raw(), wc)
	}
	if len(got.Supplementary) != len(want.Supplementary) || (got.Supplementary == nil) != (want.Supplementary == nil) {
		return fmt.Sprintf("Supplementary %q, legacy %q", got.Supplementary, want.Supplementary)
	}
	for k, raw := range want.Supplementary {
		if !bytes.Equal(got.Supplementary[k], raw) {
			return fmt.Sprintf("Supplementary[%q] %q, legacy %q", k, got.Supplementary[k], raw)
		}
		ws, wok := want.legacySupplement(k)
		if s := got.Supplement(k); s.Exists() != wok || !reflect.DeepEqual(normalNumbers(s.Raw()), normalNumbers(ws)) {
			return fmt.Sprintf("Supplement(%q) %#v, legacy %#v", k, s.Raw(), ws)
		}
	}
	return ""
}

// normalNumbers turns each json.Number that fits a float64 into one, in a
// copy of v.
func normalNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		if f, err := strconv.ParseFloat(string(x), 64); err == nil {
			return f
		}
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalNumbers(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalNumbers(e)
		}
		return out
	}
	return v
}
