package textsafe

import "testing"

func TestMarkdownCell(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain text", "plain text"},
		{"a|b <c>\n`d`", `a\|b &lt;c&gt; \` + "`d\\`"},
		{"**bold** _it_ [link](x)", `\*\*bold\*\* \_it\_ \[link](x)`},
		{`back\slash`, `back\\slash`},
		{"  spaced \t out  ", "spaced out"},
		{"esc\x1b]0;t\a", `esc\\x1b]0;t\\a`}, // Line's escapes, their backslashes escaped in turn
		{"<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"},
	} {
		if got := MarkdownCell(c.in); got != c.want {
			t.Errorf("MarkdownCell(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
