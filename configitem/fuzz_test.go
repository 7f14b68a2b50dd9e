package configitem_test

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/aiguard/aiguard/configitem"
)

// FuzzDecode checks that Decode never panics, and that an item it accepts
// marshals and decodes back to the same item, and that lookups on it never
// panic. FuzzParse in configevent covers the same code through events; this
// target mutates CIs directly, which reaches the decoder's corners faster.
//
//	go test ./configitem -run '^$' -fuzz '^FuzzDecode$' -fuzztime 1m
func FuzzDecode(f *testing.F) {
	paths, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range paths {
		f.Add(readFixture(f, p[len("testdata/"):]))
	}
	for _, s := range []string{
		`{}`, `null`, `[]`, `""`,
		`{"configuration":"{\"A\":\"{\\\"B\\\":[1,\\\"2\\\"]}\"}","supplementaryConfiguration":"{\"S\":\"[true]\"}"}`,
		`{"configurationItemCaptureTime":1549956556288,"resourceCreationTime":1.5e9,"configurationStateId":1e3}`,
		`{"configurationItemCaptureTime":"9999-12-31T23:59:59-01:00"}`,
		`{"tags":{"a":null},"relationships":[null,{"name":"n","relationshipName":"r"}],"resourceName":null}`,
		`{"configuration":{"a":1e400,"A":"x","\u00e9":"\ud800"}}`,
	} {
		f.Add([]byte(s))
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
