package hunt

import (
	"bytes"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/detections"
)

// TestMarkdownEscapesRecords: what a finding takes from the records (the
// principal, the account and Region as a record states them) cannot inject
// markup into a report someone renders.
func TestMarkdownEscapesRecords(t *testing.T) {
	res := &Result{Records: 1, Files: 1, Findings: []*detections.Finding{
		reportFinding(t, "bedrock-logging-disabled", "1111<b>", "us-east-1|x", "arn:aws:iam::111122223333:user/<img src=x onerror=alert(1)>*[a](b)", 1),
	}}
	var b bytes.Buffer
	if err := WriteMarkdown(&b, res, detections.Catalog()); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, bad := range []string{"<img", "<b>", "us-east-1|x", "*[a]"} {
		if strings.Contains(out, bad) {
			t.Errorf("the report holds %q unescaped:\n%s", bad, out)
		}
	}
	if !strings.Contains(out, `user/&lt;img src=x onerror=alert(1)&gt;\*\[a](b)`) {
		t.Errorf("the principal is not in the report, escaped:\n%s", out)
	}
}
