package scan

import (
	"bytes"
	"os"
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
}

// TestHTMLEscapes: names are escaped, so a CI cannot inject markup into
// the report. (A check on the report of the fixtures found no markup to
// escape in the first place.)
func TestHTMLEscapes(t *testing.T) {
	items, err := os.ReadFile(fixture("items.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(string(items), "\n")
	ci := strings.ReplaceAll(first, `"resourceId":"camel-nb"`, `"resourceId":"<b>camel-nb</b>"`)
	if ci == first {
		t.Fatal("items.ndjson no longer starts with the notebook camel-nb")
	}
	sum, _ := scanBytes(t, "markup.ndjson", []byte(ci), Options{})
	var buf bytes.Buffer
	if err := WriteHTML(&buf, sum); err != nil {
		t.Fatal(err)
	}
	if page := buf.String(); strings.Contains(page, "<b>camel-nb") || !strings.Contains(page, "&lt;b&gt;camel-nb&lt;/b&gt;") {
		t.Errorf("the resource ID <b>camel-nb</b> is not escaped in the report:\n%s", page)
	}
}
