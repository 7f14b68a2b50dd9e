package configitem

import (
	"hash/fnv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aiguard/aiguard/internal/jsonfast"
)

// FuzzFolded checks that appendFolded gives two strings the same form
// exactly when strings.EqualFold reports them equal, and that foldHash
// hashes that form, so that strings EqualFold reports equal hash alike,
// which the key index of large objects relies on.
//
//	go test ./configitem -run '^$' -fuzz '^FuzzFolded$' -fuzztime 30s
func FuzzFolded(f *testing.F) {
	for _, pair := range [][2]string{
		{"SubnetId", "subnetid"}, {"Kelvin", "\u212aelvin"}, {"state", "ſtate"}, {"ärger", "ÄRGER"},
		{"a", "b"}, {"", ""}, {"\xff", "\xfe"}, {"\xff", "\ufffd"}, {"ß", "SS"}, {"σ", "ς"}, {"Σ", "ς"},
		{"ǅ", "ǆ"}, {"İ", "i"}, {"ı", "I"}, {"Ω", "\u2126"}, {"å", "\u212b"},
	} {
		f.Add(pair[0], pair[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		same := string(appendFolded(nil, a)) == string(appendFolded(nil, b))
		if eq := strings.EqualFold(a, b); same != eq {
			t.Errorf("%q and %q: same folded form %v, EqualFold %v", a, b, same, eq)
		}
		for _, s := range []string{a, b} {
			h := fnv.New64a()
			h.Write(appendFolded(nil, s))
			if h.Sum64() != foldHash(s) {
				t.Errorf("foldHash(%q) is not the hash of its folded form", s)
			}
		}
	})
}

// appendFolded appends the case-folded form of s (what foldHash hashes): two strings have the same
// form exactly when strings.EqualFold reports them equal. ASCII letters
// fold to upper case, other runes to the smallest rune of their fold orbit,
// and invalid UTF-8 to U+FFFD (EqualFold decodes it so too).
func appendFolded(out []byte, s string) []byte {
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			out = append(out, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		out = utf8.AppendRune(out, foldRune(r))
		i += n
	}
	return out
}

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
