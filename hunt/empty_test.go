package hunt

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/cloudtrail"
	"github.com/aiguard/aiguard/detections"
)

// TestRunNamesEmptyInputs: an input that held no records is named in the
// notes, whether given or found in a directory, and is still counted as read.
func TestRunNamesEmptyInputs(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.json")
	quiet := filepath.Join(dir, "events.json")
	one := filepath.Join(dir, "one.ndjson")
	for p, content := range map[string]string{
		empty: "",
		quiet: `{"Events":[]}`,
		one:   `{"eventTime":"2024-05-21T14:00:00Z","eventSource":"s3.amazonaws.com","eventName":"ListBuckets"}` + "\n",
	} {
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := Run(t.Context(), []cloudtrail.Input{{Path: empty}, {Path: quiet, Found: true}, {Path: one}, {Path: "-"}},
		Options{Registry: detections.Catalog(), Stdin: strings.NewReader("")})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{empty + " held no CloudTrail records", quiet + " held no CloudTrail records", "standard input held no CloudTrail records"}
	if !slices.Equal(res.Notes, want) {
		t.Errorf("notes %q, want %q", res.Notes, want)
	}
	if res.Files != 4 || res.Records != 1 {
		t.Errorf("%d files, %d records; want 4 and 1", res.Files, res.Records)
	}
}
