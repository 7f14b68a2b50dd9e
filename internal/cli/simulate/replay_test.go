package simulate

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/replay"
)

// synthetic is the replay package's synthetic log: 1,200 calls of the
// example's three teams.
var synthetic = filepath.Join("..", "..", "..", "replay", "testdata", "synthetic.json.gz")

func TestReplayJSON(t *testing.T) {
	stdout, stderr, code := run(t, "", "--cloudtrail", synthetic, "--account", "555555555555=research", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got replayJSON
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	if got.Records != 1200 || got.Replayed+sum(got.Skipped) != 1200 || got.Denied == 0 || got.MayDeny == 0 || got.Unreadable != 0 {
		t.Errorf("report %+v", got.Report)
	}
	if got.Skipped[replay.SkipNotTeam] == 0 || got.Skipped[replay.SkipFailed] == 0 {
		t.Errorf("skipped %v", got.Skipped)
	}
	if !strings.Contains(stderr, "replayed") {
		t.Errorf("no summary on stderr: %q", stderr)
	}
	// Without --account, the research team's calls are in an account the
	// spec does not name.
	stdout, _, _ = run(t, "", "--cloudtrail", synthetic, "--format", "json", "--quiet")
	var without replayJSON
	if err := json.Unmarshal([]byte(stdout), &without); err != nil {
		t.Fatal(err)
	}
	if without.Skipped[replay.SkipNotTeam] <= got.Skipped[replay.SkipNotTeam] {
		t.Errorf("--account did not map the research account: %v vs %v", without.Skipped, got.Skipped)
	}
}

// TestReplayLookupEvents reads the same calls as aws cloudtrail
// lookup-events prints them.
func TestReplayLookupEvents(t *testing.T) {
	data, err := os.ReadFile(synthetic)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	var log struct{ Records []json.RawMessage }
	if err := json.Unmarshal(raw, &log); err != nil {
		t.Fatal(err)
	}
	var events []map[string]any
	for _, r := range log.Records[:40] {
		events = append(events, map[string]any{"EventId": "x", "CloudTrailEvent": string(r)})
	}
	lookup, _ := json.Marshal(map[string]any{"Events": events})
	stdout, stderr, code := run(t, string(lookup), "--cloudtrail", "-", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got replayJSON
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	if got.Records != 40 || got.Denied == 0 {
		t.Errorf("report %+v", got.Report)
	}
}

func TestReplayBadInput(t *testing.T) {
	ok := write(t, "r.json", `[{"id":"a","action":"s3:GetObject","resource":"*"}]`)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--cloudtrail", synthetic, "--requests", ok}, "not both"},
		{[]string{"--cloudtrail", synthetic, "--account", "5555=research"}, "12-digit"},
		{[]string{"--cloudtrail", synthetic, "--account", "555555555555=nope"}, "not in the spec"},
		{[]string{"--cloudtrail", "/nonexistent.json"}, "no such file"},
		{[]string{"--cloudtrail", write(t, "x.json", `{"hello":1}`)}, "not CloudTrail records"},
		{[]string{"--cloudtrail", synthetic, "--policy", ok}, "--policy takes --requests"},
		{[]string{"--requests", ok, "--account", "555555555555=research"}, "--account takes --cloudtrail"},
	} {
		_, stderr, code := run(t, "", tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// TestReplaySkipsMalformed: a malformed record is skipped, reported, and
// the command exits 3.
func TestReplaySkipsMalformed(t *testing.T) {
	ndjson := `{"eventVersion":"1.09","eventTime":"2026-11-01T08:00:00Z","eventSource":"config.amazonaws.com","eventName":"StopConfigurationRecorder","awsRegion":"us-east-1","recipientAccountId":"333333333333","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::333333333333:user/dev","accountId":"333333333333"}}
{"eventTime": 12
`
	stdout, stderr, code := run(t, "", "--cloudtrail", write(t, "broken.ndjson", ndjson), "--format", "json")
	if code != 3 || !strings.Contains(stdout, `"ProtectDetection`) && !strings.Contains(stdout, "ProtectDetection") {
		t.Errorf("exit %d\n%s\n%s", code, stdout, stderr)
	}
}
