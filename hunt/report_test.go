package hunt

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aiguard/aiguard/asff"
	"github.com/aiguard/aiguard/cloudtrail"
	"github.com/aiguard/aiguard/detections"
	"github.com/aiguard/aiguard/sarif/sariftest"
)

var reportNow = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// reportFinding is a finding of the detection at the minute, by the principal.
func reportFinding(t *testing.T, id, account, region, principal string, minute int) *detections.Finding {
	t.Helper()
	d, ok := detections.Catalog().Get(id)
	if !ok {
		t.Fatalf("no detection %s", id)
	}
	at := time.Date(2024, 5, 21, 14, minute, 0, 0, time.UTC)
	f := &detections.Finding{
		DetectionID: d.ID, Title: d.Title, Severity: string(d.Severity), AccountID: account, AWSRegion: region,
		Principal: principal, FirstSeen: at, LastSeen: at, Technique: d.Technique.ID, Reason: "why | it\nfired",
	}
	f.AddEvent("ev-"+account+region+principal+string(rune('a'+minute%26)), "DeleteModelInvocationLoggingConfiguration", at)
	return f
}

func TestSummary(t *testing.T) {
	for _, tc := range []struct {
		res  Result
		want string
	}{
		{Result{}, "0 findings in 0 records from 0 files (0 looked at by a detection); 0 skipped"},
		{Result{Findings: make([]*detections.Finding, 1), Records: 1, Files: 1, Matched: 1, Skipped: 2},
			"1 finding in 1 record from 1 file (1 looked at by a detection); 2 skipped"},
		{Result{Findings: make([]*detections.Finding, 3), Records: 1200, Files: 4, Matched: 7},
			"3 findings in 1200 records from 4 files (7 looked at by a detection); 0 skipped"},
	} {
		if got := tc.res.Summary(); got != tc.want {
			t.Errorf("Summary() = %q, want %q", got, tc.want)
		}
	}
}

func TestWriteJSON(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, &Result{}); err != nil || b.String() != "[]\n" {
		t.Errorf("no findings: %q, %v; want an empty array", b.String(), err)
	}
	b.Reset()
	f := reportFinding(t, "bedrock-logging-disabled", "111122223333", "us-east-1", "arn:aws:iam::111122223333:user/a<b>", 1)
	if err := WriteJSON(&b, &Result{Findings: []*detections.Finding{f}}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"principal": "arn:aws:iam::111122223333:user/a<b>"`) {
		t.Errorf("want indented JSON, HTML not escaped:\n%s", b.String())
	}
}

func TestWriteMarkdown(t *testing.T) {
	res := &Result{
		Records: 10, Files: 1, Matched: 3,
		Findings: []*detections.Finding{
			reportFinding(t, "bedrock-logging-disabled", "111122223333", "us-east-1", "", 1),
			reportFinding(t, "bedrock-logging-disabled", "111122223333", "us-east-1", "arn:aws:iam::111122223333:user/x", 2),
		},
		NotRun: []detections.SkippedDetection{{ID: "sagemaker-off-hours-training", Reason: "needs working hours"}},
	}
	var b bytes.Buffer
	if err := WriteMarkdown(&b, res, detections.Catalog()); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"# aiguard hunt\n\n2 findings in 10 records from 1 file (3 looked at by a detection); 0 skipped.\n\n",
		"| HIGH | `bedrock-logging-disabled` | 111122223333 | us-east-1 | - | 2024-05-21 14:01:00 | 2024-05-21 14:01:00 | 1 | why \\| it fired |\n",
		"\n## What to do\n\n- **",
		"\n## Detections that did not run\n\n- `sagemaker-off-hours-training`: it needs working hours\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown without %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "(`bedrock-logging-disabled`,"); n != 1 {
		t.Errorf("what to do about a detection %d times, want once:\n%s", n, out)
	}

	b.Reset()
	if err := WriteMarkdown(&b, &Result{Files: 1}, detections.Catalog()); err != nil {
		t.Fatal(err)
	}
	if want := "# aiguard hunt\n\n0 findings in 0 records from 1 file (0 looked at by a detection); 0 skipped.\n\n"; b.String() != want {
		t.Errorf("no findings: %q, want %q", b.String(), want)
	}
}

func TestWriteASFF(t *testing.T) {
	const a, b = "111122223333", "444455556666"
	var findings []*detections.Finding
	// 130 findings in each of two accounts, interleaved as a hunt sorts them
	// (by detection, then account).
	for i := range 130 {
		p := "arn:aws:iam::" + a + ":user/u" + string(rune('a'+i/26)) + string(rune('a'+i%26))
		findings = append(findings, reportFinding(t, "bedrock-logging-disabled", b, "us-east-1", strings.ReplaceAll(p, a, b), i%60))
		findings = append(findings, reportFinding(t, "bedrock-logging-disabled", a, "us-east-1", p, i%60))
	}
	findings = append(findings, reportFinding(t, "bedrock-model-access-change", a, "eu-west-1", "arn:aws:iam::"+a+":user/z", 5))
	var out bytes.Buffer
	if err := WriteASFF(&out, &Result{Findings: findings}, detections.Catalog(), reportNow); err != nil {
		t.Fatal(err)
	}
	var got []string
	for line := range strings.Lines(out.String()) {
		var body struct{ Findings []*asff.Finding }
		if err := json.Unmarshal([]byte(line), &body); err != nil {
			t.Fatal(err)
		}
		if err := asff.ValidateBatch(body.Findings); err != nil {
			t.Error(err)
		}
		f := body.Findings[0]
		got = append(got, f.AwsAccountID+"/"+f.Region+"/"+string(rune('0'+len(body.Findings)/10)))
	}
	// Every batch of an account and Region together, in account and Region order.
	want := []string{a + "/eu-west-1/0", a + "/us-east-1/:", a + "/us-east-1/3", b + "/us-east-1/:", b + "/us-east-1/3"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("batches (account/Region/tens of findings) %v, want %v", got, want)
	}

	out.Reset()
	if err := WriteASFF(&out, &Result{}, detections.Catalog(), reportNow); err != nil || out.Len() != 0 {
		t.Errorf("no findings: %q, %v; want nothing written", out.String(), err)
	}
	bad := reportFinding(t, "bedrock-logging-disabled", a, "us-east-1", "p", 1)
	bad.DetectionID = "no-such-detection"
	err := WriteASFF(&out, &Result{Findings: []*detections.Finding{findings[0], bad}}, detections.Catalog(), reportNow)
	if err == nil || !strings.Contains(err.Error(), "no-such-detection") || out.Len() != 0 {
		t.Errorf("a finding of an unknown detection: %v, wrote %q; want an error and nothing written", err, out.String())
	}
}

func TestWriteSARIF(t *testing.T) {
	base := t.TempDir()
	f := reportFinding(t, "bedrock-logging-disabled", "111122223333", "us-east-1", "arn:aws:iam::111122223333:user/x", 1)
	f.Source = cloudtrail.Position{File: filepath.Join(base, "trail", "a.json"), Line: 7}
	noFile := reportFinding(t, "bedrock-model-access-change", "111122223333", "us-east-1", "", 2)
	noFile.Source = cloudtrail.Position{File: "-"}
	res := &Result{
		Findings: []*detections.Finding{f, noFile},
		NotRun:   []detections.SkippedDetection{{ID: "sagemaker-off-hours-training", Reason: "needs working hours"}},
	}
	var b bytes.Buffer
	if err := WriteSARIF(&b, res, detections.Catalog(), reportNow, base); err != nil {
		t.Fatal(err)
	}
	if err := sariftest.Validate(b.Bytes()); err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct{ Rules []struct{ ID string } }
			}
			Results []struct {
				RuleID    string
				RuleIndex int
				Locations []struct {
					PhysicalLocation *struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine int }
					}
				}
				PartialFingerprints map[string]string
			}
			Invocations []struct {
				ToolExecutionNotifications []struct{ Message struct{ Text string } }
			}
		}
	}
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if n := len(detections.Catalog().All()); len(run.Tool.Driver.Rules) != n {
		t.Errorf("%d rules, want one per detection (%d)", len(run.Tool.Driver.Rules), n)
	}
	for _, r := range run.Results {
		if run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result of %s points at rule %d", r.RuleID, r.RuleIndex)
		}
		if r.PartialFingerprints["aiguardFinding/v1"] == "" {
			t.Errorf("result of %s without a fingerprint", r.RuleID)
		}
	}
	if loc := run.Results[0].Locations[0].PhysicalLocation; loc == nil || loc.ArtifactLocation.URI != "trail/a.json" || loc.Region.StartLine != 7 {
		t.Errorf("the first event's file and line, relative to base: %+v", loc)
	}
	if loc := run.Results[1].Locations[0].PhysicalLocation; loc != nil {
		t.Errorf("a finding read from standard input has a file: %+v", loc)
	}
	if notes := run.Invocations[0].ToolExecutionNotifications; len(notes) != 1 || !strings.Contains(notes[0].Message.Text, "sagemaker-off-hours-training did not run") {
		t.Errorf("notifications %+v", notes)
	}
}
