package scan

import (
	"bytes"
	"strings"
	"testing"
)

// reportSummary scans a mix of fixtures for the report tests.
func reportSummary(t *testing.T) *Summary {
	t.Helper()
	_, sum := scanFiles(t, Options{}, "snapshot.json.gz", "items.ndjson", "template.yaml", "select.json")
	return sum
}

func TestHTMLSelfContained(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHTML(&buf, reportSummary(t)); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, bad := range []string{"<script", "<link", " src=", "url(", "@import", "https://", "http://www."} {
		if strings.Contains(page, bad) {
			t.Errorf("the report contains %q; it must load nothing from outside the file", bad)
		}
	}
	for _, want := range []string{"Content-Security-Policy", "default-src 'none'", "<svg", "Compliance per rule",
		"Compliance per account", colorCompliant, colorNonCompliant, colorNotApplicable, "444455556666", "Skipped items"} {
		if !strings.Contains(page, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	// Annotations and names are escaped: a template or CI cannot inject markup.
	if strings.Contains(page, `<unresolved`) {
		t.Error("unescaped text in the report")
	}
}

func TestMarkdownEscapes(t *testing.T) {
	if got := mdCell("a|b <c>\n`d`"); got != `a\|b &lt;c&gt; \`+"`d\\`" {
		t.Errorf("mdCell = %q", got)
	}
}
