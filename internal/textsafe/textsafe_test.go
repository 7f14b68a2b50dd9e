package textsafe

import "testing"

func TestLine(t *testing.T) {
	for in, want := range map[string]string{
		"plain bucket-1":                     "plain bucket-1",
		"é 日本 🙂":                             "é 日本 🙂",
		"nb\x1b]0;pwned\a":                   `nb\x1b]0;pwned\a`,
		"a\nb\tc\rd":                         `a\nb\tc\rd`,
		"bad \xff byte":                      `bad \xff byte`,
		"right\u202eelgoog":                  `right\u202eelgoog`,
		"csi\u009b31m":                       `csi\u009b31m`,
		"zero\u200bwidth \ufeffbom \x7f del": `zero\u200bwidth \ufeffbom \x7f del`,
		`back\slash`:                         `back\slash`,
	} {
		if got := Line(in); got != want {
			t.Errorf("Line(%q) = %q, want %q", in, got, want)
		}
	}
}
