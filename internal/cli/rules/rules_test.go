package rules

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/aiguard/aiguard/configitem"
	"github.com/aiguard/aiguard/internal/cli/clitest"
	"github.com/aiguard/aiguard/internal/cli/cmdutil"
	"github.com/aiguard/aiguard/internal/testenv/golden"
	"github.com/aiguard/aiguard/internal/testenv/refdata"
	"github.com/aiguard/aiguard/rules"
)

// sampleRegistry is a small fixed catalog, so that the golden files pin the
// output formats without changing whenever a rule is added.
func sampleRegistry(t *testing.T) *rules.Registry {
	t.Helper()
	change := &rules.Rule{
		ID:            "sample-notebook-in-vpc",
		Title:         "Sample notebooks run in a VPC",
		Description:   "A sample rule with parameters | and a pipe.",
		ResourceTypes: []string{"AWS::SageMaker::NotebookInstance"},
		Trigger:       rules.ChangeTriggered,
		Params: []rules.Param{
			{Name: "allowedSubnetIds", Type: rules.CSV, Description: "Subnets allowed; any | all when unset.",
				Pattern: regexp.MustCompile(`^subnet-[0-9a-f]+$`), PatternHelp: "a subnet ID (subnet-0123abcd)"},
			{Name: "strength", Type: rules.Enum, Values: []string{"LOW", "MEDIUM", "HIGH"}, Default: "HIGH",
				Description: "Minimum strength."},
			{Name: "minCount", Type: rules.Int, Default: "2", Min: 1, Max: 10, Description: "Minimum count."},
		},
		Control:     rules.ControlVPCOnly,
		SecurityHub: []string{"SageMaker.2"},
		ManagedRule: "SAGEMAKER_NOTEBOOK_INSTANCE_INSIDE_VPC",
		Severity:    rules.SeverityHigh,
		Remediation: "Recreate it in a private subnet.",
		Fields:      []string{"configuration.SubnetId", "configuration.SecurityGroupIds"},
		Check:       func(*configitem.Item, rules.Params) rules.Verdict { return rules.Pass() },
	}
	periodic := &rules.Rule{
		ID:            "sample-cost-anomaly-monitor",
		Title:         "Sample accounts monitor ML cost anomalies",
		Description:   "A sample periodic rule.",
		ResourceTypes: []string{"AWS::::Account"},
		Trigger:       rules.Periodic,
		Control:       rules.ControlCostAnomaly,
		Severity:      rules.SeverityLow,
		Remediation:   "Create a cost anomaly monitor.",
		Actions:       []string{"ce:GetAnomalyMonitors"},
		Run: func(context.Context, rules.Env, rules.Params) ([]rules.Evaluation, error) {
			return nil, nil
		},
	}
	reg, err := rules.NewRegistry(change, periodic)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

func runListWith(t *testing.T, reg *rules.Registry, format string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	opts := &Options{IO: &cmdutil.IO{Out: &out, Err: &bytes.Buffer{}}, Registry: reg}
	opts.Format = format
	err := runList(opts)
	return out.String(), err
}

func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	golden.Compare(t, path, got)
}

func TestListGolden(t *testing.T) {
	dir := filepath.Join(refdata.ModuleRoot(t), "testdata", "golden", "rules")
	for format, file := range map[string]string{"table": "list.txt", "json": "list.json", "markdown": "list.md"} {
		t.Run(format, func(t *testing.T) {
			out, err := runListWith(t, sampleRegistry(t), format)
			if err != nil {
				t.Fatal(err)
			}
			compareGolden(t, filepath.Join(dir, file), []byte(out))
		})
	}
}

func TestListCatalogTable(t *testing.T) {
	reg := rules.Catalog()
	out, err := runListWith(t, reg, "table")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string // a rule's first line; continuation lines start with blanks
	for _, l := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		if n := len([]rune(l)); n > cmdutil.TableWidth {
			t.Errorf("line of %d characters, more than %d: %q", n, cmdutil.TableWidth, l)
		}
		if !strings.HasPrefix(l, " ") {
			lines = append(lines, l)
		}
	}
	if got := strings.Fields(lines[0]); !slices.Equal(got, []string{"ID", "TRIGGER", "SEVERITY", "RESOURCE", "TYPES"}) {
		t.Errorf("header %q", lines[0])
	}
	all := reg.All()
	if len(lines)-1 != len(all) {
		t.Fatalf("%d rows, want one per rule (%d)", len(lines)-1, len(all))
	}
	for i, r := range all {
		if f := strings.Fields(lines[i+1]); len(f) < 4 || f[0] != r.ID || f[1] != string(r.Trigger) || f[2] != string(r.Severity) {
			t.Errorf("row %d = %q, want %s %s %s …", i+1, lines[i+1], r.ID, r.Trigger, r.Severity)
		}
	}
}

func TestListCatalogJSON(t *testing.T) {
	reg := rules.Catalog()
	out, err := runListWith(t, reg, "json")
	if err != nil {
		t.Fatal(err)
	}
	var docs []map[string]any
	if err := json.Unmarshal([]byte(out), &docs); err != nil {
		t.Fatalf("not a JSON array: %v", err)
	}
	all := reg.All()
	if len(docs) != len(all) {
		t.Fatalf("%d rules in JSON, want %d", len(docs), len(all))
	}
	required := []string{"control", "description", "fields", "iamActions", "id", "parameters", "remediation",
		"resourceTypes", "securityHubControls", "severity", "title", "trigger"}
	for i, d := range docs {
		if d["id"] != all[i].ID {
			t.Errorf("entry %d is %v, want %s (sorted by ID)", i, d["id"], all[i].ID)
		}
		for _, k := range required {
			if _, ok := d[k]; !ok {
				t.Errorf("rule %v: no %q key", d["id"], k)
			}
		}
		for _, k := range []string{"fields", "iamActions", "parameters", "resourceTypes", "securityHubControls"} {
			if _, ok := d[k].([]any); !ok {
				t.Errorf("rule %v: %s is %T, want an array (never null)", d["id"], k, d[k])
			}
		}
		var keys []string
		for k := range d {
			if !slices.Contains(required, k) && k != "managedRule" {
				keys = append(keys, k)
			}
		}
		if len(keys) > 0 {
			sort.Strings(keys)
			t.Errorf("rule %v: undocumented keys %v", d["id"], keys)
		}
	}
}

func TestListCatalogMarkdown(t *testing.T) {
	reg := rules.Catalog()
	out, err := runListWith(t, reg, "markdown")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reg.All() {
		if !strings.Contains(out, "\n## "+r.ID+"\n") {
			t.Errorf("no section for %s", r.ID)
		}
		if !strings.Contains(out, "[`"+r.ID+"`](#"+r.ID+")") {
			t.Errorf("no index entry for %s", r.ID)
		}
	}
	// Every table row has the same number of cells as its header.
	var cols int
	for i, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "|") {
			cols = 0
			continue
		}
		n := len(regexp.MustCompile(`(^|[^\\])\|`).FindAllString(line, -1)) - 1
		if cols == 0 {
			cols = n
		} else if n != cols {
			t.Errorf("line %d has %d cells, its table %d: %s", i+1, n, cols, line)
		}
	}
}

// TestDocsRulesCurrent fails when docs/rules.md is not what
// `aiguard rules list --format markdown` prints for the catalog.
func TestDocsRulesCurrent(t *testing.T) {
	path := filepath.Join(refdata.ModuleRoot(t), "docs", "rules.md")
	committed, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run `make docs` to generate it)", err)
	}
	var want bytes.Buffer
	if err := WriteMarkdown(&want, rules.Catalog().All()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(committed, want.Bytes()) {
		t.Errorf("docs/rules.md is out of date with the rule catalog; run `make docs` and commit the result")
	}
}

func TestListBadFormat(t *testing.T) {
	_, err := runListWith(t, sampleRegistry(t), "yaml")
	if cmdutil.Code(err) != cmdutil.ExitUsage || err == nil || !strings.Contains(err.Error(), `--format: got "yaml"`) {
		t.Errorf("bad format: %v (exit %d)", err, cmdutil.Code(err))
	}
}

func TestListFilters(t *testing.T) {
	reg := rules.Catalog()
	ids := func(args ...string) []string {
		t.Helper()
		r := clitest.Run(t, "", func(streams *cmdutil.IO) *cobra.Command { return NewCmdList(streams, reg, nil) },
			append([]string{"--format", "json"}, args...)...)
		if r.Code != cmdutil.ExitOK {
			t.Fatalf("%v: exit %d: %s", args, r.Code, r.Stderr)
		}
		var docs []struct{ ID string }
		if err := json.Unmarshal([]byte(r.Stdout), &docs); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		var got []string
		for _, d := range docs {
			got = append(got, d.ID)
		}
		return got
	}
	want := func(keep func(r *rules.Rule) bool) []string {
		var out []string
		for _, r := range reg.All() {
			if keep(r) {
				out = append(out, r.ID)
			}
		}
		return out
	}
	tests := []struct {
		args []string
		keep func(r *rules.Rule) bool
	}{
		{[]string{"--trigger", "periodic"}, func(r *rules.Rule) bool { return r.Trigger == rules.Periodic }},
		{[]string{"--severity", "HIGH"}, func(r *rules.Rule) bool {
			return r.Severity == rules.SeverityHigh || r.Severity == rules.SeverityCritical
		}},
		{[]string{"--resource-type", "aws::s3::bucket"}, func(r *rules.Rule) bool { return slices.Contains(r.ResourceTypes, "AWS::S3::Bucket") }},
		{[]string{"--resource-type", "AWS::SageMaker::*"}, func(r *rules.Rule) bool {
			return slices.ContainsFunc(r.ResourceTypes, func(t string) bool { return strings.HasPrefix(t, "AWS::SageMaker::") })
		}},
		{[]string{"--service", "bedrock", "--trigger", "change"}, func(r *rules.Rule) bool {
			return r.Trigger == rules.ChangeTriggered &&
				slices.ContainsFunc(r.ResourceTypes, func(t string) bool { return strings.HasPrefix(t, "AWS::Bedrock::") })
		}},
	}
	for _, tt := range tests {
		got, w := ids(tt.args...), want(tt.keep)
		if len(w) == 0 || !slices.Equal(got, w) {
			t.Errorf("%v: got %v, want %v", tt.args, got, w)
		}
	}
	// Periodic rules are found by the IAM actions they call.
	if got := ids("--service", "bedrock", "--trigger", "periodic"); len(got) == 0 {
		t.Error("--service bedrock --trigger periodic: no rule")
	}
}

func TestListFilterErrors(t *testing.T) {
	for _, tt := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"--trigger", "hourly"}, cmdutil.ExitUsage, "want change or periodic"},
		{[]string{"--severity", "urgent"}, cmdutil.ExitUsage, "want informational, low"},
		{[]string{"--resource-type", "AWS::[S3"}, cmdutil.ExitUsage, "--resource-type"},
		{[]string{"--service", "sagemkaer"}, 0, "no rule matches the filters (did you mean sagemaker?)"},
	} {
		r := clitest.Run(t, "", func(streams *cmdutil.IO) *cobra.Command { return NewCmdList(streams, rules.Catalog(), nil) },
			tt.args...)
		if r.Code != tt.code || !strings.Contains(r.Stderr, tt.stderr) {
			t.Errorf("%v: exit %d, stderr %q; want %d with %q", tt.args, r.Code, r.Stderr, tt.code, tt.stderr)
		}
	}
}

// TestListFlags checks the cobra wiring of `rules list`.
func TestListFlags(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{nil, "table"},
		{[]string{"--format", "json"}, "json"},
		{[]string{"--format=markdown"}, "markdown"},
	}
	for _, tt := range tests {
		var got *Options
		cmd := NewCmdList(&cmdutil.IO{Out: &bytes.Buffer{}, Err: &bytes.Buffer{}}, sampleRegistry(t), func(o *Options) error {
			got = o
			return nil
		})
		cmd.SetArgs(append([]string{}, tt.args...)) // not nil: cobra would take the test binary's args
		cmd.SetOut(&bytes.Buffer{})
		cmd.SetErr(&bytes.Buffer{})
		if err := cmd.Execute(); err != nil {
			t.Fatalf("%v: %v", tt.args, err)
		}
		if got == nil || got.Format != tt.want {
			t.Errorf("%v: Format = %v, want %s", tt.args, got, tt.want)
		}
	}
	cmd := NewCmdList(&cmdutil.IO{Out: &bytes.Buffer{}, Err: &bytes.Buffer{}}, sampleRegistry(t), nil)
	cmd.SetArgs([]string{"extra"})
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	if err := cmd.Execute(); err == nil {
		t.Error("rules list accepted a positional argument")
	}
}
