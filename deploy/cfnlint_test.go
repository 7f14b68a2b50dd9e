package deploy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// cfnLintAccepted lists the cfn-lint findings the generated templates keep,
// each with why; the gate fails on any other finding and on every error.
// It is empty: every warning cfn-lint had (W3011 on the rule Lambda's log
// group) is fixed.
var cfnLintAccepted = []struct {
	rule   string
	path   *regexp.Regexp
	reason string
}{}

// TestCFNLint is the cfn-lint gate: every CloudFormation template aiguard
// generate writes for the built-in example and for a generated 50-team
// spec passes cfn-lint with no error, and no warning but those accepted
// above.
func TestCFNLint(t *testing.T) {
	lint, err := exec.LookPath("cfn-lint")
	if err != nil {
		t.Skip("cfn-lint is not installed (pip install cfn-lint); the CloudFormation lint gate did not run")
	}
	if testing.Short() {
		t.Skip("-short: the cfn-lint gate takes a minute")
	}
	for _, tt := range gateOutputs(t) {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := WriteDir(dir, tt.out); err != nil {
				t.Fatal(err)
			}
			var files []string
			for _, a := range tt.out.Artifacts {
				if parsesAsTemplate(a.Data) {
					files = append(files, a.Path)
				}
			}
			if len(files) == 0 {
				t.Fatal("no template to lint")
			}
			findings, err := cfnLint(lint, dir, files)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range findings {
				if accepted(f) {
					continue
				}
				t.Errorf("%s:%d: %s %s: %s", f.Filename, f.Location.Start.LineNumber, f.Level, f.Rule.ID, f.Message)
			}
			t.Logf("cfn-lint: %d templates, %d findings", len(files), len(findings))
		})
	}
}

// TestHookTargetsExist checks with cfn-lint's registry schemas that every
// type a hook registration targets is a CloudFormation resource type in
// every Region of the example (E3006 names one that is not).
func TestHookTargetsExist(t *testing.T) {
	lint, err := exec.LookPath("cfn-lint")
	if err != nil {
		t.Skip("cfn-lint is not installed (pip install cfn-lint); hook target types not checked")
	}
	out := generate(t, exampleSpec(t))
	types := map[string]bool{}
	for _, ht := range out.Plan.Teams {
		h, err := out.Plan.hookTeam(ht.Team)
		if err != nil {
			t.Fatal(err)
		}
		for _, typ := range h.types {
			types[typ] = true
		}
	}
	resources := map[string]any{}
	var names []string
	for typ := range types {
		names = append(names, typ)
	}
	sort.Strings(names)
	for i, typ := range names {
		resources[fmt.Sprintf("R%d", i)] = map[string]any{"Type": typ}
	}
	data, _ := json.Marshal(map[string]any{"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources})
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "types.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	findings, err := cfnLint(lint, dir, []string{"types.json"}, "--regions", strings.Join(out.Plan.Spec.Organization.Regions, ","))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range findings {
		if f.Rule.ID == "E3006" {
			t.Errorf("hook target: %s", f.Message)
		}
	}
}

type lintFinding struct {
	Filename string `json:"Filename"`
	Level    string `json:"Level"`
	Message  string `json:"Message"`
	Rule     struct {
		ID string `json:"Id"`
	} `json:"Rule"`
	Location struct {
		Start struct {
			LineNumber int `json:"LineNumber"`
		} `json:"Start"`
	} `json:"Location"`
}

func accepted(f lintFinding) bool {
	if f.Level == "Error" {
		return false
	}
	for _, a := range cfnLintAccepted {
		if a.rule == f.Rule.ID && a.path.MatchString(filepath.ToSlash(f.Filename)) {
			return true
		}
	}
	return false
}

// cfnLint runs cfn-lint in dir on files and returns its findings; exit 0
// to 31 are finding levels, not failures.
func cfnLint(lint, dir string, files []string, extra ...string) ([]lintFinding, error) {
	args := append([]string{"--format", "json"}, extra...)
	args = append(append(args, "--"), files...)
	cmd := exec.Command(lint, args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !(errors.As(err, &ee) && ee.ExitCode() < 32) {
		return nil, fmt.Errorf("cfn-lint: %v\n%s", err, stderr.String())
	}
	var findings []lintFinding
	if err := json.Unmarshal(stdout.Bytes(), &findings); err != nil {
		return nil, fmt.Errorf("cfn-lint output: %v\n%s\n%s", err, stdout.String(), stderr.String())
	}
	return findings, nil
}
