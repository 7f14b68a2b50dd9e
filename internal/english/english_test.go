package english

import "testing"

func TestCount(t *testing.T) {
	for _, tt := range []struct {
		n    int
		noun string
		want string
	}{
		{0, "team", "0 teams"}, {1, "team", "1 team"}, {2, "conformance pack", "2 conformance packs"}, {-1, "file", "-1 files"},
	} {
		if got := Count(tt.n, tt.noun); got != tt.want {
			t.Errorf("Count(%d, %q) = %q, want %q", tt.n, tt.noun, got, tt.want)
		}
	}
}

func TestPlural(t *testing.T) {
	for n, want := range map[int]string{0: "items are", 1: "item is", 2: "items are"} {
		if got := Plural(n, "item is", "items are"); got != want {
			t.Errorf("Plural(%d) = %q, want %q", n, got, want)
		}
	}
}
