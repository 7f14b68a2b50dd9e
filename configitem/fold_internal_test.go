package configitem

import (
	"strings"
	"testing"
)

// FuzzFolded checks that appendFolded gives two strings the same form
// exactly when strings.EqualFold reports them equal, which the key index of
// large objects relies on.
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
	})
}
