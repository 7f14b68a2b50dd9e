package configitem_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/aiguard/aiguard/configitem"
	"github.com/aiguard/aiguard/internal/testenv/rulecases"
)

// TestDecodeMatchesEncodingJSON decodes every rule fixture's CI and checks
// that what lookups read from its configuration and supplementary
// configuration is what encoding/json makes of the same text, node by node.
func TestDecodeMatchesEncodingJSON(t *testing.T) {
	n := 0
	for _, fx := range rulecases.Load(t) {
		f, it := fx.Path, fx.Item
		if len(it.Configuration) > 0 {
			var want any
			if err := json.Unmarshal(it.Configuration, &want); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			compareValue(t, f+": configuration", it.Config(), want)
			if got := it.Config().Raw(); !reflect.DeepEqual(got, want) {
				t.Errorf("%s: Raw differs", f)
			}
		}
		for k, raw := range it.Supplementary {
			var want any
			if err := json.Unmarshal(raw, &want); err != nil {
				t.Fatalf("%s: supplementary %s: %v", f, k, err)
			}
			v := it.Supplement(k)
			// A JSON string holding an object or array: Supplement decodes it.
			if s, ok := want.(string); ok && len(s) > 0 && (s[0] == '{' || s[0] == '[') {
				if json.Unmarshal([]byte(s), &want) != nil {
					continue
				}
			}
			compareValue(t, f+": supplementary "+k, v, want)
		}
		n++
	}
	t.Logf("%d items", n)
}

// compareValue walks want and checks that v answers every lookup with it.
func compareValue(t *testing.T, where string, v configitem.Value, want any) {
	t.Helper()
	switch w := want.(type) {
	case map[string]any:
		if _, ok := v.Raw().(map[string]any); !ok && !isEmbedded(v) {
			t.Errorf("%s: not an object", where)
			return
		}
		for k, x := range w {
			compareValue(t, where+"."+k, v.Field(k), x)
		}
	case []any:
		l := v.List()
		if _, ok := v.Raw().([]any); !ok && !isEmbedded(v) || len(l) != len(w) {
			t.Errorf("%s: list of %d, want %d", where, len(l), len(w))
			return
		}
		for i := range w {
			compareValue(t, where, l[i], w[i])
		}
	default:
		if got := v.Raw(); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %#v, want %#v", where, got, want)
		}
	}
}

func isEmbedded(v configitem.Value) bool { _, ok := v.Raw().(string); return ok }
