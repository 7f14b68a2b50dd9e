package evaluate

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aiguard/aiguard/internal/cli/cmdutil"
	"github.com/aiguard/aiguard/internal/inputfile/fifotest"
	"github.com/aiguard/aiguard/internal/testenv/golden"
	"github.com/aiguard/aiguard/internal/testenv/refdata"
	"github.com/aiguard/aiguard/rules"
)

// evalResult is what one run of `aiguard evaluate` produced.
type evalResult struct {
	stdout, stderr string
	code           int
	err            error
}

// runEval runs the command's logic with the given options and standard
// input, and collects its output as the aiguard binary would print it.
func runEval(t testing.TB, opts Options, stdin string) evalResult {
	t.Helper()
	var out, errOut bytes.Buffer
	opts.IO = &cmdutil.IO{In: strings.NewReader(stdin), Out: &out, Err: &errOut}
	if opts.Registry == nil {
		opts.Registry = rules.Catalog()
	}
	if opts.Format == "" {
		opts.Format = "json"
	}
	err := runEvaluate(&opts)
	if err != nil {
		errOut.WriteString("aiguard: " + err.Error() + "\n") // as cmd/aiguard prints it
	}
	return evalResult{stdout: out.String(), stderr: errOut.String(), code: cmdutil.Code(err), err: err}
}

// chdirRoot makes paths in messages relative to the module root, so golden
// files do not depend on where the repository is checked out.
func chdirRoot(t *testing.T) string {
	t.Helper()
	root := refdata.ModuleRoot(t)
	t.Chdir(root)
	return root
}

// compareGolden compares got with the golden file, or rewrites it with -update.
func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	golden.Compare(t, path, got)
}

// checkEvaluationJSON asserts the documented output contract of
// `aiguard evaluate --format json` and returns the evaluations.
func checkEvaluationJSON(t *testing.T, stdout string) []map[string]any {
	t.Helper()
	var evals []map[string]any
	if err := json.Unmarshal([]byte(stdout), &evals); err != nil {
		t.Fatalf("output is not a JSON array of objects: %v\n%s", err, stdout)
	}
	if evals == nil {
		t.Fatalf("output is null, want an array: %s", stdout)
	}
	wantKeys := []string{"annotation", "complianceResourceId", "complianceResourceType", "complianceType", "orderingTimestamp", "ruleId"}
	for i, ev := range evals {
		keys := make([]string, 0, len(ev))
		for k := range ev {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if !slices.Equal(keys, wantKeys) {
			t.Errorf("evaluation %d has keys %v, want exactly %v", i, keys, wantKeys)
		}
		for _, k := range wantKeys {
			if _, ok := ev[k].(string); !ok {
				t.Errorf("evaluation %d: %s is %T, want a string", i, k, ev[k])
			}
		}
		switch ev["complianceType"] {
		case "COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE":
		default:
			t.Errorf("evaluation %d: complianceType %v", i, ev["complianceType"])
		}
		ts, _ := ev["orderingTimestamp"].(string)
		if _, err := time.Parse(time.RFC3339, ts); err != nil {
			t.Errorf("evaluation %d: orderingTimestamp %q is not RFC 3339: %v", i, ts, err)
		}
		if a, _ := ev["annotation"].(string); len([]rune(a)) > rules.MaxAnnotation {
			t.Errorf("evaluation %d: annotation longer than %d characters", i, rules.MaxAnnotation)
		}
	}
	return evals
}

// TestEvaluateEventsGolden runs `aiguard evaluate --event FILE` on every
// event under testdata/events. Standard output goes to
// testdata/golden/evaluate/<name>.json; a note on standard error to
// <name>.stderr; a failing run's exit code and message to <name>.err.
func TestEvaluateEventsGolden(t *testing.T) {
	root := chdirRoot(t)
	events, err := filepath.Glob(filepath.Join("testdata", "events", "*.json"))
	if err != nil || len(events) == 0 {
		t.Fatalf("no events under testdata/events (%v)", err)
	}
	goldenDir := filepath.Join(root, "testdata", "golden", "evaluate")
	expected := map[string]bool{}
	for _, event := range events {
		name := strings.TrimSuffix(filepath.Base(event), ".json")
		t.Run(name, func(t *testing.T) {
			res := runEval(t, Options{EventFile: event}, "")
			outputs := map[string]string{}
			if res.err != nil {
				outputs[".err"] = "exit " + strconv.Itoa(res.code) + "\n" + res.stderr
				if res.stdout != "" {
					t.Errorf("a failing run wrote to standard output: %q", res.stdout)
				}
				if res.code != cmdutil.ExitUsage || strings.Count(res.stderr, "\n") != 1 {
					t.Errorf("failing run: exit %d, stderr %q; want exit 2 and one line", res.code, res.stderr)
				}
			} else {
				outputs[".json"] = res.stdout
				if res.stderr != "" {
					outputs[".stderr"] = res.stderr
				}
				checkEvaluationJSON(t, res.stdout)
			}
			for _, ext := range []string{".json", ".stderr", ".err"} {
				path := filepath.Join(goldenDir, name+ext)
				got, ok := outputs[ext]
				if ok {
					expected[name+ext] = true
					compareGolden(t, path, []byte(got))
					continue
				}
				if _, err := os.Stat(path); err == nil {
					if golden.Update() {
						os.Remove(path)
					} else {
						t.Errorf("stale golden file %s: this run produced no %s output (run with -update)", path, ext)
					}
				}
			}
		})
	}
	// Golden files of events that no longer exist.
	stale, _ := filepath.Glob(filepath.Join(goldenDir, "*"))
	for _, path := range stale {
		if !expected[filepath.Base(path)] && !t.Failed() {
			if golden.Update() {
				os.Remove(path)
			} else {
				t.Errorf("stale golden file %s: no event testdata/events/%s.json (run with -update)",
					path, strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)))
			}
		}
	}
}

// TestEvaluateEventVerdicts pins the verdicts that matter in the event
// goldens, so that a regenerated golden cannot quietly flip one.
func TestEvaluateEventVerdicts(t *testing.T) {
	chdirRoot(t)
	tests := []struct {
		event string
		rule  string
		want  string
	}{
		{"change-compliant.json", "sagemaker-notebook-no-direct-internet", "COMPLIANT"},
		{"change-noncompliant.json", "sagemaker-notebook-no-direct-internet", "NON_COMPLIANT"},
		{"change-discovered.json", "sagemaker-notebook-no-direct-internet", "COMPLIANT"},
		{"change-deleted.json", "sagemaker-notebook-no-direct-internet", "NOT_APPLICABLE"},
		{"change-deleted-not-recorded.json", "sagemaker-notebook-in-vpc", "NOT_APPLICABLE"},
		{"change-not-recorded.json", "sagemaker-notebook-root-access-disabled", "NOT_APPLICABLE"},
		{"change-left-scope.json", "sagemaker-notebook-no-direct-internet", "NOT_APPLICABLE"},
		{"change-camelcase.json", "sagemaker-notebook-root-access-disabled", "NON_COMPLIANT"},
		{"change-rule-name-fallback.json", "sagemaker-notebook-root-access-disabled", "NON_COMPLIANT"},
		{"change-testmode.json", "sagemaker-notebook-no-direct-internet", "COMPLIANT"},
	}
	for _, tt := range tests {
		t.Run(tt.event+"/"+tt.rule, func(t *testing.T) {
			path := filepath.Join("testdata", "events", tt.event)
			if _, err := os.Stat(path); err != nil {
				t.Skipf("event %s is gone", path)
			}
			res := runEval(t, Options{EventFile: path, RuleIDs: []string{tt.rule}}, "")
			if res.err != nil {
				t.Fatalf("exit %d: %s", res.code, res.stderr)
			}
			evals := checkEvaluationJSON(t, res.stdout)
			if len(evals) != 1 || evals[0]["complianceType"] != tt.want || evals[0]["ruleId"] != tt.rule {
				t.Errorf("got %s, want one %s evaluation by %s", res.stdout, tt.want, tt.rule)
			}
		})
	}
}

func TestEvaluateExamplesGolden(t *testing.T) {
	root := chdirRoot(t)
	for _, format := range []string{"json", "table"} {
		t.Run(format, func(t *testing.T) {
			res := runEval(t, Options{Examples: true, OutputFlags: cmdutil.OutputFlags{Format: format}}, "")
			if res.err != nil {
				t.Fatalf("exit %d: %s", res.code, res.stderr)
			}
			if res.stderr != "" {
				t.Errorf("unexpected standard error: %q", res.stderr)
			}
			ext := map[string]string{"json": ".json", "table": ".txt"}[format]
			compareGolden(t, filepath.Join(root, "testdata", "golden", "examples", "evaluate"+ext), []byte(res.stdout))
			if format != "json" {
				return
			}
			evals := checkEvaluationJSON(t, res.stdout)
			seen := map[string]bool{}
			for _, ev := range evals {
				seen[ev["complianceType"].(string)] = true
			}
			for _, c := range []string{"COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"} {
				if !seen[c] {
					t.Errorf("the bundled examples show no %s verdict", c)
				}
			}
		})
	}
}

func TestEvaluateCIFromStdin(t *testing.T) {
	root := refdata.ModuleRoot(t)
	for _, shape := range []string{"notebook-event-shape.json", "notebook-api-shape.json"} {
		t.Run(shape, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(root, "testdata", "ci", shape))
			if err != nil {
				t.Fatal(err)
			}
			res := runEval(t, Options{CIFile: "-"}, string(data))
			if res.err != nil {
				t.Fatalf("exit %d: %s", res.code, res.stderr)
			}
			evals := checkEvaluationJSON(t, res.stdout)
			// Without --rule, every rule covering the type runs, once each.
			want := rules.Catalog().ForType("AWS::SageMaker::NotebookInstance")
			if len(evals) != len(want) {
				t.Fatalf("%d evaluations, want one per covering rule (%d)", len(evals), len(want))
			}
			for i, r := range want {
				if evals[i]["ruleId"] != r.ID {
					t.Errorf("evaluation %d is by %v, want %s (catalog order)", i, evals[i]["ruleId"], r.ID)
				}
			}
		})
	}
}

func TestEvaluateTable(t *testing.T) {
	root := refdata.ModuleRoot(t)
	data, err := os.ReadFile(filepath.Join(root, "testdata", "ci", "notebook-api-shape.json"))
	if err != nil {
		t.Fatal(err)
	}
	res := runEval(t, Options{CIFile: "-", OutputFlags: cmdutil.OutputFlags{Format: "table"}, RuleIDs: []string{"sagemaker-notebook-root-access-disabled"}}, string(data))
	if res.err != nil {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	lines := strings.Split(strings.TrimRight(res.stdout, "\n"), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "RULE") ||
		!strings.Contains(lines[1], "sagemaker-notebook-root-access-disabled") || !strings.Contains(lines[1], "NON_COMPLIANT") {
		t.Errorf("table:\n%s", res.stdout)
	}
}

func TestEvaluateRuleSelectionAndParams(t *testing.T) {
	root := refdata.ModuleRoot(t)
	data, err := os.ReadFile(filepath.Join(root, "testdata", "ci", "notebook-event-shape.json"))
	if err != nil {
		t.Fatal(err)
	}
	ci := string(data) // subnet-0a1b2c3d4e5f60718, compliant
	tests := []struct {
		name string
		opts Options
		want []string // "ruleId=COMPLIANCE" in output order
	}{
		{"one rule", Options{RuleIDs: []string{"sagemaker-notebook-in-vpc"}}, []string{"sagemaker-notebook-in-vpc=COMPLIANT"}},
		{"repeated rule runs once", Options{RuleIDs: []string{"sagemaker-notebook-in-vpc", "sagemaker-notebook-in-vpc"}},
			[]string{"sagemaker-notebook-in-vpc=COMPLIANT"}},
		{"rules in the order given", Options{RuleIDs: []string{"sagemaker-notebook-root-access-disabled", "sagemaker-notebook-in-vpc"}},
			[]string{"sagemaker-notebook-root-access-disabled=COMPLIANT", "sagemaker-notebook-in-vpc=COMPLIANT"}},
		{"params applied", Options{RuleIDs: []string{"sagemaker-notebook-in-vpc"}, Params: `{"allowedSubnetIds":"subnet-0b1c2d3e4f5a60718"}`},
			[]string{"sagemaker-notebook-in-vpc=NON_COMPLIANT"}},
		{"params given as a JSON string, as Config sends them",
			Options{RuleIDs: []string{"sagemaker-notebook-in-vpc"}, Params: `"{\"allowedSubnetIds\":\"subnet-0a1b2c3d4e5f60718\"}"`},
			[]string{"sagemaker-notebook-in-vpc=COMPLIANT"}},
		{"reserved params accepted", Options{RuleIDs: []string{"sagemaker-notebook-in-vpc"},
			Params: `{"ruleId":"x","ExecutionRoleName":"aiguard-member"}`}, []string{"sagemaker-notebook-in-vpc=COMPLIANT"}},
		{"params of one selected rule do not bother the other",
			Options{RuleIDs: []string{"sagemaker-notebook-root-access-disabled", "sagemaker-notebook-in-vpc"},
				Params: `{"allowedSubnetIds":"subnet-0b1c2d3e4f5a60718"}`},
			[]string{"sagemaker-notebook-root-access-disabled=COMPLIANT", "sagemaker-notebook-in-vpc=NON_COMPLIANT"}},
		{"empty params", Options{RuleIDs: []string{"sagemaker-notebook-in-vpc"}, Params: `{}`}, []string{"sagemaker-notebook-in-vpc=COMPLIANT"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.CIFile = "-"
			res := runEval(t, tt.opts, ci)
			if res.err != nil {
				t.Fatalf("exit %d: %s", res.code, res.stderr)
			}
			var got []string
			for _, ev := range checkEvaluationJSON(t, res.stdout) {
				got = append(got, ev["ruleId"].(string)+"="+ev["complianceType"].(string))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestEvaluateOutOfScopeRule runs a rule on a type it does not cover.
func TestEvaluateOutOfScopeRule(t *testing.T) {
	ci := `{"configurationItemStatus":"OK","resourceType":"AWS::EC2::Instance","resourceId":"i-0123456789abcdef0",` +
		`"configurationItemCaptureTime":"2026-11-20T10:15:30.123Z","configuration":{}}`
	res := runEval(t, Options{CIFile: "-", RuleIDs: []string{"sagemaker-notebook-in-vpc"}}, ci)
	if res.err != nil {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	evals := checkEvaluationJSON(t, res.stdout)
	if len(evals) != 1 || evals[0]["complianceType"] != "NOT_APPLICABLE" {
		t.Errorf("got %s, want NOT_APPLICABLE", res.stdout)
	}
	// Without --rule, nothing covers the type: an empty array, exit 0.
	res = runEval(t, Options{CIFile: "-"}, ci)
	if res.err != nil || strings.TrimSpace(res.stdout) != "[]" {
		t.Errorf("no covering rule: exit %d, output %q; want [] and exit 0", res.code, res.stdout)
	}
}

func TestEvaluateErrors(t *testing.T) {
	root := chdirRoot(t)
	tmp := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(tmp, name)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	notJSON := write("not-json.json", "this is not JSON\n")
	unreadable := write("unreadable.json", "{}")
	if err := os.Chmod(unreadable, 0); err != nil {
		t.Fatal(err)
	}
	ciData, err := os.ReadFile(filepath.Join(root, "testdata", "ci", "notebook-event-shape.json"))
	if err != nil {
		t.Fatal(err)
	}
	ci := string(ciData)
	huge := `{"resourceType":"AWS::SageMaker::NotebookInstance","pad":"` + strings.Repeat("x", 6<<20) + `"}`
	oversizedData, err := os.ReadFile(filepath.Join("testdata", "events", "oversized.json"))
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name  string
		opts  Options
		stdin string
		// want are substrings of the one-line error.
		want []string
	}{
		{"no input", Options{}, "", []string{"give exactly one of --event FILE, --ci FILE or --examples"}},
		{"two inputs", Options{EventFile: "a.json", CIFile: "b.json"}, "", []string{"exactly one of"}},
		{"three inputs", Options{EventFile: "a.json", CIFile: "b.json", Examples: true}, "", []string{"exactly one of"}},
		{"missing file", Options{CIFile: filepath.Join(tmp, "missing.json")}, "", []string{"missing.json", "no such file"}},
		{"missing event file", Options{EventFile: filepath.Join(tmp, "missing.json")}, "", []string{"missing.json"}},
		{"directory", Options{CIFile: tmp}, "", []string{tmp}},
		{"not JSON (CI)", Options{CIFile: notJSON}, "", []string{notJSON, "want a JSON object"}},
		{"not JSON (event)", Options{EventFile: notJSON}, "", []string{notJSON, "want a JSON object"}},
		{"empty stdin", Options{CIFile: "-"}, "", []string{"-: ", "JSON object"}},
		{"JSON array", Options{CIFile: "-"}, "[]", []string{"want a JSON object"}},
		{"truncated JSON", Options{CIFile: "-"}, ci[:len(ci)/2], []string{"-: "}},
		{"CI without resource", Options{CIFile: "-"}, `{"configurationItemStatus":"OK"}`, []string{"no resourceType or resourceId"}},
		{"event given as a CI", Options{CIFile: "-"}, string(oversizedData), []string{"Lambda event", "use --event"}},
		{"CI given as an event", Options{EventFile: "-"}, ci, []string{"configuration item", "use --ci"}},
		{"configuration of the wrong type", Options{CIFile: "-"},
			`{"configurationItemStatus":"OK","resourceType":"AWS::SageMaker::NotebookInstance","resourceId":"x","configuration":[1]}`,
			[]string{"configuration"}},
		{"unknown rule with a suggestion", Options{CIFile: "-", RuleIDs: []string{"sagemaker-notebook-in-vcp"}}, ci,
			[]string{`unknown rule "sagemaker-notebook-in-vcp"`, "did you mean sagemaker-notebook-in-vpc?", "aiguard rules list"}},
		{"unknown rule without a suggestion", Options{CIFile: "-", RuleIDs: []string{"zzz"}}, ci, []string{`unknown rule "zzz"`}},
		{"one unknown rule among known ones", Options{CIFile: "-", RuleIDs: []string{"sagemaker-notebook-in-vpc", "nope-rule"}}, ci,
			[]string{`unknown rule "nope-rule"`}},
		{"invalid params value", Options{CIFile: "-", RuleIDs: []string{"sagemaker-notebook-in-vpc"}, Params: `{"allowedSubnetIds":"vpc-0a1b2c3d"}`}, ci,
			[]string{"rule sagemaker-notebook-in-vpc", "parameter allowedSubnetIds", `"vpc-0a1b2c3d"`, "subnet ID"}},
		{"invalid params value without --rule", Options{CIFile: "-", Params: `{"allowedSubnetIds":"subnet-zz"}`}, ci,
			[]string{"parameter allowedSubnetIds"}},
		{"params not JSON", Options{CIFile: "-", Params: `{allowedSubnetIds: x}`}, ci, []string{"--params"}},
		{"params not an object", Options{CIFile: "-", Params: `["a"]`}, ci, []string{"--params", "JSON object"}},
		{"params naming no running rule", Options{CIFile: "-", RuleIDs: []string{"sagemaker-notebook-root-access-disabled"},
			Params: `{"allowedSubnetIds":"subnet-0a1b2c3d"}`}, ci,
			[]string{"--params: allowedSubnetIds is not a parameter of any rule that runs here"}},
		{"params typo", Options{CIFile: "-", Params: `{"allowedSubnetID":"subnet-0a1b2c3d"}`}, ci,
			[]string{"allowedSubnetID is not a parameter"}},
		{"bad format", Options{CIFile: "-", OutputFlags: cmdutil.OutputFlags{Format: "yaml"}}, ci, []string{`--format: got "yaml", want one of json, table`}},
		{"oversized event offline", Options{EventFile: filepath.Join("testdata", "events", "oversized.json")}, "",
			[]string{"oversized-change notification carries no configuration", "get-resource-config-history", "huge-notebook", "--ci"}},
		{"CI over 6 MB on stdin", Options{CIFile: "-"}, huge, []string{"-: more than 6291456 bytes"}},
		{"event over 6 MB on stdin", Options{EventFile: "-"}, huge, []string{"-: more than 6291456 bytes"}},
		{"CI over 6 MB in a file", Options{CIFile: write("huge.json", huge)}, "", []string{"huge.json: more than 6291456 bytes"}},
	}
	if os.Geteuid() != 0 { // root reads files whatever their mode
		tests = append(tests, struct {
			name  string
			opts  Options
			stdin string
			want  []string
		}{"unreadable file", Options{CIFile: unreadable}, "", []string{unreadable, "permission denied"}})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runEval(t, tt.opts, tt.stdin)
			if res.err == nil {
				t.Fatalf("succeeded with output %q", truncateForLog(res.stdout))
			}
			if res.code != cmdutil.ExitUsage {
				t.Errorf("exit %d, want %d", res.code, cmdutil.ExitUsage)
			}
			if res.stdout != "" {
				t.Errorf("standard output %q, want nothing", truncateForLog(res.stdout))
			}
			if n := strings.Count(res.stderr, "\n"); n != 1 {
				t.Errorf("error spans %d lines, want one: %q", n, truncateForLog(res.stderr))
			}
			if len(res.stderr) > 600 {
				t.Errorf("error is %d bytes long; it should be one readable line: %q", len(res.stderr), truncateForLog(res.stderr))
			}
			for _, w := range tt.want {
				if !strings.Contains(res.stderr, w) {
					t.Errorf("error %q does not contain %q", truncateForLog(res.stderr), w)
				}
			}
		})
	}
}

// TestEvaluateOversizedDeleted: an oversized notification of a deletion
// needs no configuration, so it evaluates offline.
func TestEvaluateOversizedDeleted(t *testing.T) {
	root := refdata.ModuleRoot(t)
	data, err := os.ReadFile(filepath.Join(root, "testdata", "events", "oversized.json"))
	if err != nil {
		t.Fatal(err)
	}
	event := strings.Replace(string(data), `\"configurationItemStatus\":\"OK\"`, `\"configurationItemStatus\":\"ResourceDeleted\"`, 1)
	if event == string(data) {
		t.Fatal("could not turn the oversized event into a deletion")
	}
	res := runEval(t, Options{EventFile: "-", RuleIDs: []string{"sagemaker-notebook-in-vpc"}}, event)
	if res.err != nil {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	evals := checkEvaluationJSON(t, res.stdout)
	if len(evals) != 1 || evals[0]["complianceType"] != "NOT_APPLICABLE" || evals[0]["complianceResourceId"] != "huge-notebook" {
		t.Errorf("got %s, want NOT_APPLICABLE for huge-notebook", res.stdout)
	}
}

// TestEvaluateReferenceEvents runs the AWS sample events, when the
// reference data is there: none may fail to evaluate or panic.
func TestEvaluateReferenceEvents(t *testing.T) {
	dir := refdata.Path(t, "sample-ci", "aws-docs-lambda-events")
	events, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	for _, event := range events {
		t.Run(filepath.Base(event), func(t *testing.T) {
			res := runEval(t, Options{EventFile: event}, "")
			if strings.Contains(filepath.Base(event), "oversized") {
				if res.code != cmdutil.ExitUsage {
					t.Errorf("oversized sample: exit %d, want 2 (it needs AWS to fetch the item)", res.code)
				}
				return
			}
			if res.err != nil {
				t.Fatalf("exit %d: %s", res.code, res.stderr)
			}
			checkEvaluationJSON(t, res.stdout)
		})
	}
}

func truncateForLog(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

func TestEvaluateExemptions(t *testing.T) {
	root := chdirRoot(t)
	ci := filepath.Join(root, "testdata", "ci", "notebook-api-shape.json")
	tests := []struct {
		params string
		want   string
		code   int
	}{
		{`{"exemptResourceIds":"huge-notebook"}`, `"complianceType": "NOT_APPLICABLE"`, cmdutil.ExitOK},
		{`{"exemptResourceIds":"huge-notebook@2000-01-01"}`, `"complianceType": "NON_COMPLIANT"`, cmdutil.ExitOK},
		{`{"exemptResourceIds":"other-notebook"}`, `"complianceType": "NON_COMPLIANT"`, cmdutil.ExitOK},
		{`{"exemptResourceIds":"huge-notebook@2027-02-30"}`, "YYYY-MM-DD", cmdutil.ExitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.params, func(t *testing.T) {
			res := runEval(t, Options{CIFile: ci, RuleIDs: []string{"sagemaker-notebook-root-access-disabled"}, Params: tt.params}, "")
			if res.code != tt.code || !strings.Contains(res.stdout+res.stderr, tt.want) {
				t.Errorf("exit %d, output %s%s; want exit %d with %q", res.code, res.stdout, res.stderr, tt.code, tt.want)
			}
		})
	}
}

func TestEvaluateRefusesFIFO(t *testing.T) {
	fifotest.Refused(t, "ci.json", func(fifo string) evalResult { return runEval(t, Options{CIFile: fifo}, "") }, func(res evalResult) {
		if res.code != cmdutil.ExitUsage || !strings.Contains(res.stderr, "FIFO") {
			t.Errorf("FIFO: exit %d, stderr %q", res.code, res.stderr)
		}
	})
}

// TestEvaluateVocabulary checks the flags every command shares: --quiet
// drops the note about an event with no item, --output writes the report
// to a file, and the table escapes control characters from the item.
func TestEvaluateVocabulary(t *testing.T) {
	root := chdirRoot(t)
	scheduled := filepath.Join("testdata", "events", "scheduled.json")
	if res := runEval(t, Options{EventFile: scheduled, OutputFlags: cmdutil.OutputFlags{Quiet: true}}, ""); res.err != nil || res.stderr != "" {
		t.Errorf("--quiet: exit %d, stderr %q", res.code, res.stderr)
	}

	out := filepath.Join(t.TempDir(), "evals.json")
	ci := filepath.Join(root, "testdata", "ci", "notebook-api-shape.json")
	res := runEval(t, Options{CIFile: ci, OutputFlags: cmdutil.OutputFlags{Output: out}}, "")
	data, err := os.ReadFile(out)
	if res.err != nil || res.stdout != "" || err != nil {
		t.Fatalf("--output: exit %d, stdout %q, %v", res.code, res.stdout, err)
	}
	checkEvaluationJSON(t, string(data))

	evil := `{"resourceType":"AWS::SageMaker::NotebookInstance","resourceId":"nb\u001b]0;pwned\u0007","configuration":{"RootAccess":"Enabled"}}`
	res = runEval(t, Options{CIFile: "-", OutputFlags: cmdutil.OutputFlags{Format: "table"}}, evil)
	if res.err != nil || strings.ContainsAny(res.stdout, "\x1b\x07") || !strings.Contains(res.stdout, `nb\x1b]0;pwned\a`) {
		t.Errorf("table: exit %d, stdout %q", res.code, res.stdout)
	}
}
