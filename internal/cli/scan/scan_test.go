package scan

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/aiguard/aiguard/internal/cli/clitest"
	"github.com/aiguard/aiguard/internal/cli/cmdutil"
	"github.com/aiguard/aiguard/internal/inputfile/fifotest"
	"github.com/aiguard/aiguard/internal/testenv/golden"
	"github.com/aiguard/aiguard/internal/testenv/refdata"
	"github.com/aiguard/aiguard/orgspec"
	"github.com/aiguard/aiguard/rules"
	"github.com/aiguard/aiguard/sarif"
	"github.com/aiguard/aiguard/sarif/sariftest"
	"github.com/aiguard/aiguard/scan"
)

// fixedNow is the scan clock in tests, so template timestamps are stable.
var fixedNow = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// run runs `aiguard scan` with the given flags and inputs from the module
// root, as cmd/aiguard would, and collects its output.
func run(t testing.TB, args ...string) clitest.Result {
	t.Helper()
	return clitest.Run(t, "", func(streams *cmdutil.IO) *cobra.Command {
		return NewCmdScan(streams, rules.Catalog(), func(o *Options) error {
			o.Now = func() time.Time { return fixedNow }
			o.IsTerminal = func(io.Writer) bool { return false }
			return runScan(o)
		})
	}, args...)
}

func chdirRoot(t *testing.T) {
	t.Helper()
	t.Chdir(refdata.ModuleRoot(t))
}

// compareGolden compares output with its golden file under
// testdata/golden/scan (go test ./internal/cli/scan -update rewrites it).
func compareGolden(t *testing.T, name string, got string) {
	t.Helper()
	golden.Compare(t, filepath.Join("testdata", "golden", "scan", name), []byte(got))
}

// compareStderr compares stderr with its golden file; an empty stderr has
// none.
func compareStderr(t *testing.T, name, got string) {
	t.Helper()
	golden.CompareOrAbsent(t, filepath.Join("testdata", "golden", "scan", name), []byte(got))
}

func TestScanGolden(t *testing.T) {
	chdirRoot(t)
	const d = "testdata/scan/"
	for _, tc := range []struct {
		name string
		args []string
		code int
	}{
		{"snapshot.txt", []string{d + "snapshot.json.gz"}, cmdutil.ExitFindings},
		{"snapshot.json", []string{"--format", "json", "--fail-on", "none", d + "snapshot.json.gz"}, 0},
		{"exports.json", []string{"--format", "json", "--fail-on", "none", d + "items.ndjson", d + "select.json", d + "batch-get.json",
			d + "history.json", d + "item.json", d + "array.json.gz"}, cmdutil.ExitSkipped},
		{"templates.txt", []string{"--fail-on", "none", d + "template.yaml", d + "template.json"}, 0},
		{"templates.json", []string{"--format", "json", "--fail-on", "none", d + "template.yaml", d + "template.json"}, 0},
		{"templates.sarif", []string{"--format", "sarif", "--fail-on", "none", d + "template.yaml", d + "template.json", d + "snapshot.json.gz"}, 0},
		{"templates.junit.xml", []string{"--format", "junit", "--fail-on", "none", d + "template.yaml", d + "snapshot.json.gz"}, 0},
		{"report.md", []string{"--format", "markdown", "--fail-on", "none", d + "snapshot.json.gz", d + "items.ndjson", d + "template.yaml"}, cmdutil.ExitSkipped},
		{"report.html", []string{"--format", "html", "--fail-on", "none", d + "snapshot.json.gz", d + "items.ndjson", d + "template.yaml"}, cmdutil.ExitSkipped},
		{"findings.asff", []string{"--format", "asff", "--fail-on", "none", "--account-id", "111122223333", "--region", "us-east-1",
			d + "snapshot.json.gz", d + "template.yaml"}, 0},
		{"truncated.txt", []string{"--fail-on", "none", d + "truncated.json.gz"}, cmdutil.ExitSkipped},
		{"fail-on-high.txt", []string{"--fail-on", "high", d + "snapshot.json.gz"}, cmdutil.ExitFindings},
		{"fail-on-and-skipped.txt", []string{"--fail-on", "medium", d + "items.ndjson"}, cmdutil.ExitFindings},
		{"rule-params.json", []string{"--format", "json", "--fail-on", "none", "--rule", "s3-ml-bucket-cmk-encrypted",
			"--params", `{"mlTagKey":"team"}`, d + "batch-get.json", d + "template.yaml"}, 0},
		{"plan.json", []string{"--format", "json", "--fail-on", "none", d + "plan.json"}, 0},
		{"periodic-asked.txt", []string{"--fail-on", "none", "--rule", "sagemaker-notebook-in-vpc", "--rule", "guardduty-ml-protection",
			d + "snapshot.json.gz"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, tc.args...)
			if r.Code != tc.code {
				t.Errorf("exit code %d, want %d; stderr:\n%s", r.Code, tc.code, r.Stderr)
			}
			compareGolden(t, tc.name, r.Stdout)
			compareStderr(t, tc.name+".stderr", r.Stderr)
		})
	}
}

func TestScanFailOnThreshold(t *testing.T) {
	chdirRoot(t)
	// The snapshot's worst finding is HIGH.
	for _, tc := range []struct {
		failOn string
		code   int
	}{{"", 1}, {"none", 0}, {"critical", 0}, {"HIGH", 1}, {"medium", 1}, {"info", 1}} {
		args := []string{"testdata/scan/snapshot.json.gz"}
		if tc.failOn != "" {
			args = append(args, "--fail-on", tc.failOn)
		}
		if r := run(t, args...); r.Code != tc.code {
			t.Errorf("--fail-on %q: exit %d, want %d (%s)", tc.failOn, r.Code, tc.code, r.Stderr)
		}
	}
}

func TestScanUsageErrors(t *testing.T) {
	chdirRoot(t)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no input", nil, "requires at least 1 arg"},
		{"format", []string{"--format", "xml", "testdata/scan/item.json"}, "--format"},
		{"fail-on", []string{"--fail-on", "severe", "testdata/scan/item.json"}, "--fail-on"},
		{"missing file", []string{"testdata/scan/nope.json"}, "no such file"},
		{"unrecognised", []string{"go.mod"}, "not a recognised input"},
		{"lambda event", []string{"testdata/events/change-compliant.json"}, "aiguard evaluate --event"},
		{"unknown rule", []string{"--rule", "s3-ml-bucket-cmk", "testdata/scan/item.json"}, "did you mean s3-ml-bucket-cmk-encrypted"},
		{"unknown param", []string{"--params", `{"nope":"x"}`, "testdata/scan/item.json"}, "nope is not a parameter"},
		{"bad param", []string{"--params", `{"minimumTlsVersion":"2"}`, "testdata/scan/item.json"}, "minimumTlsVersion"},
		{"account", []string{"--account-id", "12345", "testdata/scan/item.json"}, "--account-id"},
		{"region", []string{"--region", "Mars", "testdata/scan/item.json"}, "--region"},
		{"region of no partition", []string{"--region", "zz-north-1", "testdata/scan/item.json"}, "--region"},
		{"asff template", []string{"--format", "asff", "testdata/scan/template.yaml"}, "pass --account-id and --region"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, tc.args...)
			if r.Code != cmdutil.ExitUsage || !strings.Contains(r.Stderr, tc.want) || strings.Count(r.Stderr, "\n") != 1 {
				t.Errorf("exit %d, stderr %q; want exit 2 and one line containing %q", r.Code, r.Stderr, tc.want)
			}
			if r.Stdout != "" {
				t.Errorf("stdout should be empty on a usage error: %q", r.Stdout)
			}
		})
	}
}

func TestProgressLine(t *testing.T) {
	got := progressLine(50<<20, 100<<20, 123456, 2*time.Second)
	if !strings.Contains(got, " 50%") || !strings.Contains(got, "123,456 items") || !strings.Contains(got, "26.2 MB/s") {
		t.Errorf("progressLine = %q", got)
	}
}

// TestProgressOnlyOnTerminal checks when a bar is shown: on a terminal,
// for a large input; never otherwise.
func TestProgressOnlyOnTerminal(t *testing.T) {
	for _, tc := range []struct {
		terminal bool
		size     int64
		want     bool
	}{{true, progressThreshold, true}, {true, progressThreshold - 1, false}, {false, 1 << 40, false}, {true, 0, false}} {
		if got := wantProgress(tc.terminal, tc.size); got != tc.want {
			t.Errorf("wantProgress(%v, %d) = %v, want %v", tc.terminal, tc.size, got, tc.want)
		}
	}
	// A scan whose stderr is not a terminal writes nothing there.
	chdirRoot(t)
	if r := run(t, "--fail-on", "none", "testdata/scan/snapshot.json.gz"); r.Stderr != "" {
		t.Errorf("stderr = %q, want nothing", r.Stderr)
	}
}

func TestProgressBarDrawsAndClears(t *testing.T) {
	var buf syncBuffer
	l := cmdutil.NewStatusLine(&buf)
	c := &scan.Counters{}
	c.Bytes.Store(1 << 20)
	c.Items.Store(42)
	stop := l.Start(progress(c, 4<<20))
	time.Sleep(450 * time.Millisecond)
	l.Printf("aiguard: a message\n")
	// Wait for the bar to be drawn again, so that stop has a bar to clear:
	// stopping right after the message would end the output with it
	// whether or not stop clears.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if _, after, _ := strings.Cut(buf.String(), "a message\n"); strings.Contains(after, "scanning [") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the bar was not drawn again after a message: %q", buf.String())
		}
	}
	stop()
	out := buf.String()
	if !strings.Contains(out, "scanning [") || !strings.Contains(out, " 25%") || !strings.Contains(out, "42 items") {
		t.Errorf("no progress bar drawn: %q", out)
	}
	if !strings.Contains(out, "\r\033[Kaiguard: a message\n") {
		t.Errorf("a message should clear the bar's line first: %q", out)
	}
	if !strings.HasSuffix(out, "\r\033[K") {
		t.Errorf("the bar should be cleared at the end: %q", out)
	}
}

// syncBuffer is a bytes.Buffer safe for the progress goroutine.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestSARIFAndJUnitAreValid checks the pipeline formats: SARIF against
// the SARIF 2.1.0 schema and what GitHub code scanning reads, JUnit as
// well-formed XML with a test case per rule and resource.
func TestSARIFAndJUnitAreValid(t *testing.T) {
	chdirRoot(t)
	r := run(t, "--format", "sarif", "--fail-on", "none", "testdata/scan/template.yaml", "testdata/scan/snapshot.json.gz", "testdata/scan/items.ndjson")
	if err := sariftest.Validate([]byte(r.Stdout)); err != nil {
		t.Fatalf("SARIF: %v", err)
	}
	var log sarif.Log
	if err := json.Unmarshal([]byte(r.Stdout), &log); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, res := range log.Runs[0].Results {
		for _, l := range res.Locations {
			if p := l.PhysicalLocation; p != nil && p.ArtifactLocation.URI == "testdata/scan/template.yaml" &&
				p.ArtifactLocation.URIBaseID == sarif.SrcRoot && p.Region != nil && p.Region.StartLine > 0 {
				found = true
			}
		}
	}
	if !found {
		t.Error("no result located in template.yaml with a start line, relative to %SRCROOT%")
	}
	if len(log.Runs[0].Invocations) != 1 || len(log.Runs[0].Invocations[0].ToolExecutionNotifications) == 0 {
		t.Error("the skipped NDJSON items are not reported as notifications")
	}
	r = run(t, "--format", "junit", "--fail-on", "none", "testdata/scan/template.yaml")
	var suites struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name    string    `xml:"name,attr"`
				Failure *struct{} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal([]byte(r.Stdout), &suites); err != nil {
		t.Fatalf("JUnit: %v", err)
	}
	cases, failures := 0, 0
	for _, s := range suites.Suites {
		for _, c := range s.Cases {
			cases++
			if c.Failure != nil {
				failures++
			}
		}
	}
	if cases != suites.Tests || failures != suites.Failures || failures == 0 {
		t.Errorf("JUnit counts: %d cases, %d failures; the header says %d and %d", cases, failures, suites.Tests, suites.Failures)
	}
}

// writeFile writes a test input and returns its path.
func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const notebookTemplate = `Resources:
  Notebook:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      NotebookInstanceName: research-gpu-driver-build
      SubnetId: subnet-0a1b2c3d4e5f60011
      SecurityGroupIds: [sg-0a1b2c3d4e5f60021]
      DirectInternetAccess: Disabled
      RootAccess: Enabled
      KmsKeyId: arn:aws:kms:us-east-1:333333333333:key/1a2b3c4d-1111-4a2b-8c3d-111111111111
      LifecycleConfigName: payments-risk-hardening
`

// TestConfigJudgesAsTheTeam: --config judges a template with the rules,
// parameters and exceptions of --team, as the team's packs would.
func TestConfigJudgesAsTheTeam(t *testing.T) {
	spec := writeFile(t, "org.yaml", string(orgspec.Example()))
	tpl := writeFile(t, "nb.yaml", notebookTemplate)
	verdicts := func(args ...string) map[string]string {
		r := run(t, append([]string{"--format", "json", "--fail-on", "none", "--config", spec}, args...)...)
		if r.Code != 0 {
			t.Fatalf("exit %d: %s", r.Code, r.Stderr)
		}
		var res []struct {
			RuleID, ComplianceType string
			Suppression            *struct{ Kind, Reason string }
		}
		if err := json.Unmarshal([]byte(r.Stdout), &res); err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, e := range res {
			v := e.ComplianceType
			if e.Suppression != nil {
				v += "/" + e.Suppression.Kind
			}
			out[e.RuleID] = v
		}
		return out
	}
	pay := verdicts("--team", "payments-risk", tpl)
	research := verdicts("--team", "research", tpl)
	for _, tc := range []struct{ rule, pay, research string }{
		// payments-risk's subnets and keys; research's are others.
		{"sagemaker-notebook-in-vpc", "COMPLIANT", "NON_COMPLIANT"},
		{"sagemaker-notebook-cmk-encrypted", "COMPLIANT", "NON_COMPLIANT"},
		// research exempts this notebook from the root-access rule.
		{"sagemaker-notebook-root-access-disabled", "NON_COMPLIANT", "NOT_APPLICABLE/exemption"},
	} {
		if pay[tc.rule] != tc.pay || research[tc.rule] != tc.research {
			t.Errorf("%s: payments-risk %s, research %s; want %s and %s", tc.rule, pay[tc.rule], research[tc.rule], tc.pay, tc.research)
		}
	}
	// The team of --account-id when --team is absent.
	if got := verdicts("--account-id", "333333333333", tpl); got["sagemaker-notebook-in-vpc"] != "COMPLIANT" {
		t.Errorf("--account-id of payments-risk: %v", got)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--team", "nope", "--config", spec, tpl}, `team "nope" is not in the organization spec`},
		{[]string{"--team", "research", tpl}, "--team needs --config"},
		{[]string{"--config", spec, "--params", `{"mlTagKey":"x"}`, tpl}, "--params and --config"},
	} {
		if r := run(t, tc.args...); r.Code != cmdutil.ExitUsage || !strings.Contains(r.Stderr, tc.want) {
			t.Errorf("%v: exit %d, %q", tc.args, r.Code, r.Stderr)
		}
	}
}

func TestEmptyScanFails(t *testing.T) {
	vpc := writeFile(t, "vpc.ndjson", `{"resourceType":"AWS::EC2::VPC","resourceId":"vpc-1","configurationItemStatus":"OK","configuration":{}}`+"\n")
	r := run(t, vpc)
	if r.Code != cmdutil.ExitUsage || !strings.Contains(r.Stderr, "evaluated nothing") {
		t.Errorf("exit %d, stderr %q", r.Code, r.Stderr)
	}
	if r := run(t, "--allow-empty", vpc); r.Code != 0 {
		t.Errorf("--allow-empty: exit %d, %q", r.Code, r.Stderr)
	}
	blank := writeFile(t, "blank.json", strings.Repeat("\n", 2<<20))
	if r := run(t, "--fail-on", "low", blank); r.Code != cmdutil.ExitUsage {
		t.Errorf("a file of blank lines: exit %d, %q", r.Code, r.Stderr)
	}
}

func TestRefusesNonRegularFiles(t *testing.T) {
	fifotest.Refused(t, "fifo", func(fifo string) clitest.Result { return run(t, fifo) }, func(r clitest.Result) {
		if r.Code != cmdutil.ExitUsage || !strings.Contains(r.Stderr, "FIFO") {
			t.Errorf("exit %d, %q", r.Code, r.Stderr)
		}
	})
}

func TestReportsEscapeControlCharacters(t *testing.T) {
	ci := `{"resourceType":"AWS::SageMaker::NotebookInstance","resourceId":"nb\u001b]0;owned\u0007","configurationItemStatus":"OK","configuration":{"DirectInternetAccess":"Enabled"}}` + "\n"
	in := writeFile(t, "evil.ndjson", ci)
	for format, want := range map[string]string{"table": `nb\x1b]0;owned\a`, "markdown": `nb\\x1b]0;owned\\a`} {
		r := run(t, "--format", format, "--fail-on", "none", in)
		if strings.ContainsAny(r.Stdout, "\x1b\a") || !strings.Contains(r.Stdout, want) {
			t.Errorf("%s: control characters printed raw: %q", format, r.Stdout)
		}
	}
}

func TestOutputAndQuiet(t *testing.T) {
	chdirRoot(t)
	out := filepath.Join(t.TempDir(), "report.sarif")
	r := run(t, "--format", "sarif", "--output", out, "--quiet", "testdata/scan/template.yaml")
	if r.Code != cmdutil.ExitFindings || r.Stdout != "" || strings.Contains(r.Stderr, "note:") {
		t.Errorf("exit %d, stdout %q, stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := sariftest.Validate(data); err != nil {
		t.Error(err)
	}
	// The overview the table prints without --quiet, and leaves out with it.
	if r = run(t, "--fail-on", "none", "testdata/scan/template.yaml"); !strings.Contains(r.Stdout, "Scanned ") {
		t.Fatalf("the table has no overview to leave out: %q", r.Stdout)
	}
	r = run(t, "--quiet", "--fail-on", "none", "testdata/scan/template.yaml")
	if strings.Contains(r.Stdout, "Scanned ") || strings.Contains(r.Stdout, "Note:") {
		t.Errorf("--quiet table still prints the overview: %q", r.Stdout)
	}
}

func TestTemplateParameterFlag(t *testing.T) {
	tpl := writeFile(t, "p.yaml", `Parameters:
  Access: {Type: String, Default: Disabled}
Resources:
  Nb:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      DirectInternetAccess: !Ref Access
`)
	r := run(t, "--rule", "sagemaker-notebook-no-direct-internet", "--parameter", "Access=Enabled", tpl)
	if r.Code != cmdutil.ExitFindings {
		t.Errorf("--parameter Access=Enabled: exit %d, %s", r.Code, r.Stdout)
	}
	if r := run(t, "--rule", "sagemaker-notebook-no-direct-internet", tpl); r.Code != 0 {
		t.Errorf("default Disabled: exit %d, %s", r.Code, r.Stdout)
	}
	if r := run(t, "--parameter", "novalue", tpl); r.Code != cmdutil.ExitUsage {
		t.Errorf("--parameter without =: exit %d", r.Code)
	}
}

// TestRegionOfEveryPartition: --region takes a Region of any partition
// (the European Sovereign Cloud's included), as the organization spec does.
func TestRegionOfEveryPartition(t *testing.T) {
	t.Chdir(refdata.ModuleRoot(t))
	for _, region := range []string{"us-east-1", "eusc-de-east-1", "cn-north-1", "us-gov-west-1", "us-isob-east-1"} {
		r := run(t, "--fail-on", "none", "--account-id", "111122223333", "--region", region, "testdata/scan/template.yaml")
		if r.Code != 0 {
			t.Errorf("--region %s: exit %d, %s", region, r.Code, r.Stderr)
		}
	}
}

// TestTableListsAFewPerRule: the table lists at most tableListed findings
// of a rule and counts the rest; json lists every one, and the exit status
// counts every one.
func TestTableListsAFewPerRule(t *testing.T) {
	var b strings.Builder
	const n = tableListed + 15
	for i := range n {
		fmt.Fprintf(&b, `{"resourceType":"AWS::SageMaker::NotebookInstance","resourceId":"nb-%02d","configurationItemStatus":"OK",`+
			`"configuration":{"DirectInternetAccess":"Enabled"}}`+"\n", i)
	}
	in := writeFile(t, "many.ndjson", b.String())
	r := run(t, "--rule", "sagemaker-notebook-no-direct-internet", in)
	if r.Code != cmdutil.ExitFindings {
		t.Fatalf("exit %d, want %d; stderr %s", r.Code, cmdutil.ExitFindings, r.Stderr)
	}
	if got := strings.Count(r.Stdout, "nb-"); got != tableListed {
		t.Errorf("the table lists %d findings, want %d:\n%s", got, tableListed, r.Stdout)
	}
	if !strings.Contains(r.Stdout, "... and 15 more non-compliant for sagemaker-notebook-no-direct-internet") {
		t.Errorf("the table does not count the findings it leaves out:\n%s", r.Stdout)
	}
	r = run(t, "--rule", "sagemaker-notebook-no-direct-internet", "--format", "json", in)
	if got := strings.Count(r.Stdout, `"NON_COMPLIANT"`); got != n {
		t.Errorf("json lists %d non-compliant evaluations, want %d", got, n)
	}
}
