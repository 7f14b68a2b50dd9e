package hunt

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/internal/cli/cmdutil"
)

// TestHuntEmptyInput: inputs without a CloudTrail record are named on
// stderr, and a hunt that read none fails as a scan that evaluated nothing
// does, unless --allow-empty. (run and write are hunt_test.go's; standard
// input is empty there.)
func TestHuntEmptyInput(t *testing.T) {
	dir := t.TempDir()
	file := func(name, content string) string {
		p := filepath.Join(dir, name)
		write(t, p, []byte(content))
		return p
	}
	empty := file("empty.json", "")
	blank := file("blank.ndjson", "\n\n")
	logFile := file("111122223333_CloudTrail_us-east-1_20240521T1405Z_a.json", `{"Records":[]}`)
	lookup := file("events.json", `{"Events":[]}`)
	record := file("one.ndjson", `{"eventVersion":"1.09","eventTime":"2024-05-21T14:00:00Z","eventSource":"s3.amazonaws.com","eventName":"ListBuckets","awsRegion":"us-east-1","recipientAccountId":"111122223333"}`+"\n")

	const fail = "the hunt read no CloudTrail records (pass --allow-empty when that is expected)"
	for _, tc := range []struct {
		name  string
		args  []string
		code  int
		notes []string // inputs named as holding no records
		err   string
	}{
		{"empty file", []string{empty}, cmdutil.ExitUsage, []string{empty}, fail},
		{"blank lines", []string{blank}, cmdutil.ExitUsage, []string{blank}, fail},
		{"log file without records", []string{logFile}, cmdutil.ExitUsage, []string{logFile}, fail},
		{"lookup-events without events", []string{lookup}, cmdutil.ExitUsage, []string{lookup}, fail},
		{"empty standard input", []string{"-"}, cmdutil.ExitUsage, []string{"standard input"}, fail},
		{"every input empty", []string{empty, lookup}, cmdutil.ExitUsage, []string{empty, lookup}, fail},
		{"--allow-empty", []string{"--allow-empty", empty}, cmdutil.ExitOK, []string{empty}, ""},
		{"--allow-empty, json", []string{"--allow-empty", "--format", "json", empty}, cmdutil.ExitOK, []string{empty}, ""},
		{"one empty input among others", []string{empty, record}, cmdutil.ExitOK, []string{empty}, ""},
		{"no empty input", []string{record}, cmdutil.ExitOK, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, code := run(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\n%s", code, tc.code, stderr)
			}
			if got := strings.Count(stderr, "held no CloudTrail records"); got != len(tc.notes) {
				t.Errorf("%d inputs named as empty, want %d:\n%s", got, len(tc.notes), stderr)
			}
			for _, n := range tc.notes {
				if !strings.Contains(stderr, "aiguard: "+n+" held no CloudTrail records\n") {
					t.Errorf("stderr does not name %s:\n%s", n, stderr)
				}
			}
			if tc.err != "" && !strings.HasSuffix(stderr, "aiguard: "+tc.err+"\n") {
				t.Errorf("stderr %q, want it to end with the line %q", stderr, tc.err)
			}
			if tc.err == "" && strings.Contains(stderr, "--allow-empty") {
				t.Errorf("stderr %q", stderr)
			}
			// The report is written all the same.
			if stdout == "" {
				t.Error("no report")
			}
		})
	}

	// --quiet keeps the error, not the notes.
	_, stderr, code := run(t, "--quiet", empty)
	if code != cmdutil.ExitUsage || stderr != "aiguard: "+fail+"\n" {
		t.Errorf("--quiet: exit %d, stderr %q", code, stderr)
	}
}
