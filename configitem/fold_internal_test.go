package configitem

import (
	"strings"
	"testing"

	"github.com/aiguard/aiguard/internal/jsonfast"
)

// FuzzLookupObject checks that a field is found in an Object (how Decode
// holds objects) exactly as in a map[string]any (how ValueOf's callers
// hold them): exactly, then with the first letter flipped, then the
// smallest key equal under case folding.
//
//	go test ./configitem -run '^$' -fuzz '^FuzzLookupObject$' -fuzztime 30s
func FuzzLookupObject(f *testing.F) {
	for _, c := range [][2]string{
		{"SubnetId\x00subnetid\x00SUBNETID", "subnetId"}, {"subnetId", "SubnetId"}, {"\u212aey\x00key", "KEY"},
		{"Kms\x00kms", "KMS"}, {"ärger", "Ärger"}, {"a\x00b\x00c\x00d\x00e\x00f\x00g\x00h\x00i\x00A", "a"},
		{"", ""}, {"x", ""}, {"\xff", "\xfe"},
	} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, keys, name string) {
		m := map[string]any{}
		var obj jsonfast.Object
		for i, k := range strings.Split(keys, "\x00") {
			if _, dup := m[k]; dup {
				continue
			}
			m[k] = i
			obj = append(obj, jsonfast.Member{Key: k, Value: i})
		}
		want := ValueOf(m).Field(name)
		got := Value{v: obj, ok: true}.Field(name)
		if got.Exists() != want.Exists() || got.v != want.v {
			t.Errorf("keys %q, field %q: Object gives %v (%v), map gives %v (%v)", keys, name, got.v, got.Exists(), want.v, want.Exists())
		}
	})
}

// TestFieldOf checks the switch of fieldOf against the table of names:
// each name as written, and in other cases, is its field.
func TestFieldOf(t *testing.T) {
	for f := fVersion; f < nFields; f++ {
		name := fieldNames[f]
		for _, key := range []string{name, strings.ToUpper(name), strings.ToLower(name), flipFirst(name)} {
			if got := fieldOf(key); got != f {
				t.Errorf("fieldOf(%q) = %d, want %d (%s)", key, got, f, name)
			}
		}
	}
	for _, key := range []string{"", "relatedEvents", "configurationItemDeliveryTime", "versionx"} {
		if got := fieldOf(key); got != fUnknown {
			t.Errorf("fieldOf(%q) = %d, want unknown", key, got)
		}
	}
}
