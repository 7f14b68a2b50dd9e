package configitem

import (
	"hash/fnv"
	"strings"
	"testing"
	"unicode/utf8"
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
