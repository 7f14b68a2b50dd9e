package rules

import (
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

func TestAnnotation(t *testing.T) {
	long := strings.Repeat("word ", 100) // 500 bytes
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"empty", "", ""},
		{"clean text unchanged", "RootAccess is Enabled.", "RootAccess is Enabled."},
		{"whitespace runs collapse", "  a \t b\n\nc  ", "a b c"},
		{"only whitespace", " \t\n ", ""},
		{"control characters become spaces", "a\x00b\x1bc\u0085d", "a b c d"},
		{"non-breaking space collapses", "a\u00a0\u00a0b", "a b"},
		{"invalid UTF-8 replaced", "bad \xff\xfe byte", "bad \uFFFD byte"},
		{"truncated multi-byte sequence replaced", "caf\xc3", "caf\uFFFD"},
		{"exactly the limit", strings.Repeat("x", MaxAnnotation), strings.Repeat("x", MaxAnnotation)},
		{"one over the limit", strings.Repeat("x", MaxAnnotation+1), strings.Repeat("x", MaxAnnotation-1) + "…"},
		{"cut drops the trailing space", long, strings.TrimSpace(long[:MaxAnnotation-1]) + "…"},
		{"multi-byte text under the limit by runes", strings.Repeat("é", MaxAnnotation), strings.Repeat("é", MaxAnnotation)},
		{"multi-byte text cut at a rune boundary", strings.Repeat("日本", 200), strings.Repeat("日本", 127) + "日…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Annotation(tt.in)
			if got != tt.want {
				t.Errorf("Annotation(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			checkAnnotationInvariants(t, got)
		})
	}
}

func TestAnnotationAstral(t *testing.T) {
	// 200 emoji are 200 runes but 400 UTF-16 units; the result must fit in
	// 256 under both measures.
	in := strings.Repeat("🙂", 200)
	got := Annotation(in)
	checkAnnotationInvariants(t, got)
	if !strings.HasSuffix(got, "…") {
		t.Errorf("Annotation of 400 UTF-16 units was not cut: %d runes", utf8.RuneCountInString(got))
	}
	if want := strings.Repeat("🙂", 127) + "…"; got != want {
		t.Errorf("Annotation(200 emoji) = %d runes, want 127 emoji and an ellipsis", utf8.RuneCountInString(got))
	}
}

func TestAnnotationLongInputs(t *testing.T) {
	inputs := []string{
		strings.Repeat("a ", 10000),
		strings.Repeat("\xff", 1000),
		strings.Repeat("é ", 300),
		strings.Repeat("x", 255) + "🙂",
		strings.Repeat("x", 254) + "🙂",
		strings.Repeat("x", 255) + "é",
		strings.Repeat(" ", 300) + "tail",
	}
	for _, in := range inputs {
		got := Annotation(in)
		checkAnnotationInvariants(t, got)
		if Annotation(got) != got {
			t.Errorf("Annotation is not idempotent on %q", got)
		}
	}
}

// checkAnnotationInvariants asserts what PutEvaluations needs.
func checkAnnotationInvariants(t *testing.T, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Errorf("annotation %q is not valid UTF-8", s)
	}
	if n := utf8.RuneCountInString(s); n > MaxAnnotation {
		t.Errorf("annotation has %d runes, more than %d", n, MaxAnnotation)
	}
	if n := len(utf16.Encode([]rune(s))); n > MaxAnnotation {
		t.Errorf("annotation has %d UTF-16 units, more than %d", n, MaxAnnotation)
	}
	if s != strings.TrimSpace(s) || strings.Contains(s, "  ") {
		t.Errorf("annotation %q has stray whitespace", s)
	}
}

func FuzzAnnotation(f *testing.F) {
	for _, seed := range []string{"", "a", "  a  b ", "\xff", "a\u00a0b", "a\u2028b", "\x7f", "\uFFFD",
		strings.Repeat("日本", 200), strings.Repeat("🙂", 200)} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		// The fast path accepts only text the full normalisation leaves alone.
		if isCleanAnnotation(s) {
			if slow := strings.Join(strings.FieldsFunc(strings.ToValidUTF8(s, "\uFFFD"), isAnnotationSpace), " "); slow != s {
				t.Errorf("isCleanAnnotation(%q) = true, but normalising gives %q", s, slow)
			}
		}
		got := Annotation(s)
		checkAnnotationInvariants(t, got)
		if Annotation(got) != got {
			t.Errorf("Annotation is not idempotent on %q", got)
		}
	})
}

func BenchmarkAnnotationClean(b *testing.B) {
	s := "RootAccess is Enabled. Stop the notebook instance and update it with RootAccess=Disabled."
	b.ReportAllocs()
	for b.Loop() {
		_ = Annotation(s)
	}
}

// TestPrintableASCII checks the eight-bytes-at-a-time test against the
// byte-by-byte one, for every byte at every place of a word and of a tail.
func TestPrintableASCII(t *testing.T) {
	for n := 1; n <= 17; n++ {
		for pos := range n {
			for c := range 256 {
				b := []byte(strings.Repeat("a", n))
				b[pos] = byte(c)
				want := c >= 0x20 && c < 0x7f && !strings.Contains(string(b), "  ")
				if got := printableASCII(string(b)); got != want {
					t.Fatalf("printableASCII(%q) = %v, want %v", b, got, want)
				}
			}
		}
	}
	// Two spaces anywhere, across words too; one space anywhere is fine.
	for n := 2; n <= 24; n++ {
		for pos := 0; pos+1 < n; pos++ {
			b := []byte(strings.Repeat("ab", n)[:n])
			b[pos] = ' '
			if !printableASCII(string(b)) {
				t.Fatalf("printableASCII(%q) = false, want true", b)
			}
			b[pos+1] = ' '
			if printableASCII(string(b)) {
				t.Fatalf("printableASCII(%q) = true, want false", b)
			}
		}
	}
}
