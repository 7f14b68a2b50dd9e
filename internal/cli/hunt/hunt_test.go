package hunt

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	goio "io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/aiguard/aiguard/asff"
	"github.com/aiguard/aiguard/detections"
	"github.com/aiguard/aiguard/internal/cli/clitest"
	"github.com/aiguard/aiguard/internal/cli/cmdutil"
	"github.com/aiguard/aiguard/internal/testenv/ctgen"
	"github.com/aiguard/aiguard/internal/testenv/golden"
	"github.com/aiguard/aiguard/internal/testenv/refdata"
	"github.com/aiguard/aiguard/sarif/sariftest"
)

var fixedNow = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// trail writes a small trail of the example organization: a few attacks
// and noise, as a gzipped log file and an NDJSON file.
func trail(t *testing.T) string {
	t.Helper()
	g := ctgen.New(42)
	var recs []map[string]any
	g.Noise(ctgen.Base, 20*time.Minute, 30, func(r map[string]any) { recs = append(recs, r) })
	b := ctgen.Base
	recs = append(recs,
		g.Event(ctgen.Attacker, b.Add(time.Minute), "bedrock.amazonaws.com", "PutUseCaseForModelAccess", nil),
		g.Event(ctgen.Attacker, b.Add(2*time.Minute), "bedrock.amazonaws.com", "DeleteModelInvocationLoggingConfiguration", nil),
		g.Presign(ctgen.PaymentsAnalyst, b.Add(3*time.Minute), "198.51.100.23", ""),
		g.TrainingJob(ctgen.PaymentsAnalyst, b.Add(11*time.Hour), ctgen.PaymentsTraining.RoleARN(), nil),
	)
	for i := range 25 {
		recs = append(recs, g.Denied(ctgen.Attacker, b.Add(4*time.Minute+time.Duration(i)*5*time.Second), "sagemaker.amazonaws.com", "CreateEndpoint"))
	}
	dir := t.TempDir()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(ctgen.LogFile(recs[:len(recs)/2]))
	zw.Close()
	write(t, filepath.Join(dir, "333333333333_CloudTrail_us-east-1_20240521T1405Z_a.json.gz"), buf.Bytes())
	var nd strings.Builder
	for _, r := range recs[len(recs)/2:] {
		nd.Write(ctgen.JSON(r))
		nd.WriteByte('\n')
	}
	write(t, filepath.Join(dir, "more.ndjson"), []byte(nd.String()))
	return dir
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// exampleSpec writes the built-in example spec to a file.
func exampleSpec(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(refdata.ModuleRoot(t), "orgspec", "example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "spec.yaml")
	write(t, p, data)
	return p
}

func run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	r := clitest.Run(t, "", func(streams *cmdutil.IO) *cobra.Command {
		return NewCmdHunt(streams, detections.Catalog(), func(o *Options) error {
			o.Now = func() time.Time { return fixedNow }
			o.IsTerminal = func(goio.Writer) bool { return false }
			return runHunt(o)
		})
	}, args...)
	return r.Stdout, r.Stderr, r.Code
}

func TestHuntJSON(t *testing.T) {
	dir := trail(t)
	out, stderr, code := run(t, dir, "--config", exampleSpec(t), "--format", "json")
	if code != cmdutil.ExitFindings {
		t.Fatalf("exit %d, want 1 (findings at or above low)\n%s", code, stderr)
	}
	var findings []map[string]any
	if err := json.Unmarshal([]byte(out), &findings); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var ids []string
	for _, f := range findings {
		for _, k := range []string{"detectionId", "severity", "accountId", "awsRegion", "principal", "firstSeen", "lastSeen", "eventCount", "eventIds"} {
			if _, ok := f[k]; !ok {
				t.Errorf("finding without %s: %v", k, f)
			}
		}
		ids = append(ids, f["detectionId"].(string))
	}
	want := []string{"bedrock-logging-disabled", "bedrock-model-access-change", "ml-access-denied-burst",
		"sagemaker-off-hours-training", "sagemaker-presigned-url-unexpected-source"}
	if !slices.Equal(ids, want) {
		t.Errorf("detections %v, want %v", ids, want)
	}
	if !strings.Contains(stderr, "5 findings in") {
		t.Errorf("stderr %s", stderr)
	}
	golden.Compare(t, filepath.Join(refdata.ModuleRoot(t), "testdata", "golden", "hunt", "findings.json"), []byte(out))
}

func TestHuntFormats(t *testing.T) {
	dir := trail(t)
	spec := exampleSpec(t)
	t.Run("asff", func(t *testing.T) {
		out, _, code := run(t, dir, "--config", spec, "--format", "asff")
		if code != cmdutil.ExitFindings {
			t.Fatalf("exit %d", code)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		n := 0
		for _, line := range lines {
			var batch struct{ Findings []*asff.Finding }
			if err := json.Unmarshal([]byte(line), &batch); err != nil {
				t.Fatal(err)
			}
			if err := asff.ValidateBatch(batch.Findings); err != nil {
				t.Error(err)
			}
			account := batch.Findings[0].AwsAccountID
			for _, f := range batch.Findings {
				if f.AwsAccountID != account || !strings.Contains(f.ProductArn, ":"+account+":product/") {
					t.Errorf("a batch mixes accounts: %s %s", f.AwsAccountID, f.ProductArn)
				}
			}
			n += len(batch.Findings)
		}
		if n != 5 {
			t.Errorf("%d findings in the batches, want 5", n)
		}
	})
	t.Run("sarif", func(t *testing.T) {
		out, _, _ := run(t, dir, "--config", spec, "--format", "sarif")
		if err := sariftest.Validate([]byte(out)); err != nil {
			t.Errorf("%v\n%s", err, out)
		}
		if !strings.Contains(out, `"ruleId": "sagemaker-presigned-url-unexpected-source"`) {
			t.Errorf("no result for the presigned URL")
		}
	})
	t.Run("markdown", func(t *testing.T) {
		out, _, _ := run(t, dir, "--config", spec, "--format", "markdown")
		if !strings.Contains(out, "| HIGH | `sagemaker-presigned-url-unexpected-source` |") || !strings.Contains(out, "## What to do") {
			t.Errorf("markdown:\n%s", out)
		}
	})
	t.Run("table", func(t *testing.T) {
		out, _, _ := run(t, dir, "--config", spec)
		if !strings.HasPrefix(out, "SEVERITY") || !strings.Contains(out, "ml-access-denied-burst") || !strings.Contains(out, "5 findings in") {
			t.Errorf("table:\n%s", out)
		}
	})
	t.Run("output file", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "findings.json")
		out, _, _ := run(t, dir, "--config", spec, "--format", "json", "--output", p)
		data, err := os.ReadFile(p)
		if err != nil || out != "" || !json.Valid(data) {
			t.Errorf("--output: %v, stdout %q", err, out)
		}
	})
}

func TestHuntExitCodes(t *testing.T) {
	dir := trail(t)
	broken := filepath.Join(t.TempDir(), "broken.ndjson")
	write(t, broken, []byte(`{"eventTime":"2024-05-21T14:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject"}`+"\nnot json\n"))
	notTrail := filepath.Join(t.TempDir(), "config.json")
	write(t, notTrail, []byte(`{"configurationItems":[]}`))
	tests := []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"findings below --fail-on", []string{dir, "--fail-on", "high"}, cmdutil.ExitFindings, "at or above high"},
		{"nothing at or above critical", []string{dir, "--fail-on", "critical"}, cmdutil.ExitOK, ""},
		{"--fail-on none", []string{dir, "--fail-on", "none"}, cmdutil.ExitOK, ""},
		{"skipped records", []string{broken}, cmdutil.ExitSkipped, "1 record skipped"},
		{"not CloudTrail", []string{notTrail}, cmdutil.ExitUsage, "AWS Config"},
		{"missing file", []string{filepath.Join(dir, "nope.json")}, cmdutil.ExitUsage, "no such file"},
		{"unknown detection", []string{dir, "--detection", "bedrock-model-enumerations"}, cmdutil.ExitUsage, "unknown detection"},
		{"bad format", []string{dir, "--format", "html"}, cmdutil.ExitUsage, "--format"},
		{"bad spec", []string{dir, "--config", notTrail}, cmdutil.ExitUsage, "apiVersion"},
		{"bad --max-delay", []string{dir, "--max-delay", "0s"}, cmdutil.ExitUsage, "--max-delay"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := run(t, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.err) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, tt.code, tt.err)
			}
		})
	}
}

func TestHuntOneDetection(t *testing.T) {
	out, _, _ := run(t, trail(t), "--detection", "ml-access-denied-burst", "--format", "json")
	var findings []detections.Finding
	if err := json.Unmarshal([]byte(out), &findings); err != nil {
		t.Fatal(err)
	}
	if len(findings) != 1 || findings[0].DetectionID != "ml-access-denied-burst" || findings[0].EventCount != 25 {
		t.Errorf("findings %+v", findings)
	}
	// Without a spec, the detections that need one say so.
	_, stderr, _ := run(t, trail(t), "--format", "json")
	if !strings.Contains(stderr, "detection sagemaker-off-hours-training did not run: it needs working hours") {
		t.Errorf("stderr %s", stderr)
	}
}
