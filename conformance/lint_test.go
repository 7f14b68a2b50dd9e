package conformance

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/internal/cfnschema"
)

// packsDir holds the in-repo fixtures: good/ (no findings), bad/ (one defect
// each, named after the code it triggers) and unreadable/ (not templates).
const packsDir = "../testdata/packs"

func lintFile(t *testing.T, path string) []Finding {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fs, err := lint(data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return fs
}

// codes returns "severity:code" for each finding, sorted.
func codes(fs []Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = string(f.Severity) + ":" + f.Code
	}
	slices.Sort(out)
	return out
}

func TestGoodPacks(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(packsDir, "good", "*"))
	if len(files) == 0 {
		t.Fatal("no fixtures in testdata/packs/good")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			for _, x := range lintFile(t, f) {
				t.Errorf("unexpected finding: %s", x)
			}
		})
	}
}

func TestBadPacks(t *testing.T) {
	tests := []struct {
		file string
		want []string // severity:code, sorted
	}{
		{"pack-condition-undefined.yaml", []string{"error:pack-condition-undefined"}},
		{"pack-condition-unused.yaml", []string{"warning:pack-condition-unused"}},
		{"pack-custom-policy-owner.yaml", []string{"error:pack-custom-policy"}},
		{"pack-custom-policy-scheduled.yaml", []string{"error:pack-custom-policy"}},
		{"pack-custom-policy.yaml", []string{"error:pack-custom-policy"}},
		{"pack-evaluation-mode.yaml", []string{"error:pack-evaluation-mode"}},
		{"pack-intrinsic-invalid.yaml", []string{"error:pack-intrinsic-invalid"}},
		{"pack-source-detail.yaml", []string{"error:pack-source-detail"}},
		{"pack-execution-frequency.yaml", []string{"error:pack-execution-frequency"}},
		{"pack-input-parameters-size-estimate.yaml", []string{"warning:pack-input-parameters-size"}},
		{"pack-input-parameters-size.yaml", []string{"error:pack-input-parameters-size"}},
		{"pack-intrinsic-unknown.yaml", []string{"error:pack-intrinsic-unknown"}},
		{"pack-lambda-triggers-missing.yaml", []string{"error:pack-lambda-triggers"}},
		{"pack-lambda-triggers.yaml", []string{"error:pack-lambda-triggers"}},
		{"pack-parameter-unused.yaml", []string{"warning:pack-parameter-unused"}},
		{"pack-ref-undefined.yaml", []string{"error:pack-ref-undefined"}},
		{"pack-remediation-duplicate.yaml", []string{"error:pack-remediation-duplicate"}},
		{"pack-remediation-role-intrinsic.yaml", []string{"error:pack-remediation-role-intrinsic"}},
		{"pack-remediation-rule-intrinsic.yaml", []string{"error:pack-remediation-rule-intrinsic"}},
		{"pack-remediation-rule.yaml", []string{"warning:pack-remediation-rule"}},
		{"pack-resource-type.yaml", []string{"error:pack-resource-type"}},
		{"pack-rule-description-length.yaml", []string{"error:pack-rule-description-length"}},
		{"pack-rule-name-duplicate.yaml", []string{"error:pack-rule-name-duplicate"}},
		{"pack-rule-name-intrinsic.yaml", []string{"error:pack-rule-name-intrinsic"}},
		{"pack-rule-name-length.yaml", []string{"error:pack-rule-name-length"}},
		{"pack-rule-name-missing.yaml", []string{"warning:pack-rule-name-missing"}},
		{"pack-schema.yaml", []string{"error:pack-schema", "error:pack-schema"}},
		{"pack-scope-field-length.yaml", []string{"error:pack-scope-field-length"}},
		{"pack-scope-resource-id.yaml", []string{"error:pack-scope-resource-id"}},
		{"pack-scope-types-count.yaml", []string{"error:pack-scope-types-count"}},
		{"pack-source-detail-frequency.yaml", []string{"error:pack-source-detail-frequency"}},
		{"pack-source-details-count.yaml", []string{"error:pack-source-details-count"}},
		{"pack-source-identifier.yaml", []string{"error:pack-source-identifier"}},
		{"pack-source-owner.yaml", []string{"error:pack-source-owner"}},
		{"pack-structure.yaml", []string{"error:pack-structure"}},
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		covered[tt.file] = true
		t.Run(tt.file, func(t *testing.T) {
			fs := lintFile(t, filepath.Join(packsDir, "bad", tt.file))
			if got := codes(fs); !slices.Equal(got, tt.want) {
				t.Errorf("codes = %v, want %v\n%s", got, tt.want, describe(fs))
			}
			for _, f := range fs {
				if f.Code != "pack-structure" && (f.Location == "" || f.Line == 0) {
					t.Errorf("finding without location or line: %s", f)
				}
				if !strings.HasPrefix(tt.file, f.Code) {
					t.Errorf("finding %s: the fixture is named after another code", f)
				}
			}
		})
	}
	files, _ := filepath.Glob(filepath.Join(packsDir, "bad", "*"))
	for _, f := range files {
		if !covered[filepath.Base(f)] {
			t.Errorf("fixture %s has no case in TestBadPacks", f)
		}
	}
}

func describe(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "\t%s\n", f)
	}
	return b.String()
}

func TestUnreadable(t *testing.T) {
	tests := []struct {
		file     string
		line     int
		contains string
	}{
		{"duplicate-key.yaml", 4, `duplicate key "A"`},
		{"empty.yaml", 0, "empty document"},
		{"json-syntax.json", 1, "JSON: unexpected '}'; want a value"},
		{"not-a-mapping.yaml", 1, "not a mapping"},
		{"unknown-tag.yaml", 2, "unknown YAML tag !Reff"},
		{"yaml-syntax.yaml", 2, "YAML:"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(packsDir, "unreadable", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			_, err = lint(data)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Lint error = %v, want a *SyntaxError", err)
			}
			if se.Line != tt.line || !strings.Contains(se.Msg, tt.contains) {
				t.Errorf("got line %d %q, want line %d containing %q", se.Line, se.Msg, tt.line, tt.contains)
			}
		})
	}
}

func TestCheckPackName(t *testing.T) {
	tests := []struct {
		name string
		org  bool
		ok   bool
	}{
		{"aiguard-team-ml-platform", false, true},
		{"A", false, true},
		{"a1-", false, true},
		{"", false, false},
		{"1pack", false, false},
		{"-pack", false, false},
		{"my_pack", false, false},
		{"my pack", false, false},
		{"päck", false, false},
		{strings.Repeat("a", 256), false, true},
		{strings.Repeat("a", 257), false, false},
		{strings.Repeat("a", 128), true, true},
		{strings.Repeat("a", 129), true, false},
		{strings.Repeat("a", 129), false, true},
	}
	for _, tt := range tests {
		err := CheckPackName(tt.name, tt.org)
		if (err == nil) != tt.ok {
			t.Errorf("CheckPackName(%.20q, org=%v) = %v, want ok=%v", tt.name, tt.org, err, tt.ok)
		}
	}
}

// TestHostileInput: deep nesting and alias bombs fail cleanly and fast.
func TestHostileInput(t *testing.T) {
	bomb := "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	for i := 'b'; i <= 'k'; i++ {
		prev := string(i - 1)
		bomb += string(i) + ": &" + string(i) + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev +
			", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n"
	}
	tests := map[string]string{
		"deep flow":   "Resources: " + strings.Repeat("[", 100000) + strings.Repeat("]", 100000),
		"deep block":  strings.Repeat("- ", 5000) + "x",
		"deep json":   `{"Resources": ` + strings.Repeat(`{"a": `, 10000) + "1" + strings.Repeat("}", 10001),
		"alias bomb":  bomb,
		"binary junk": "\x00\x01\xff\xfe",
	}
	for name, src := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := lint([]byte(src)); err == nil {
				t.Error("Lint accepted hostile input")
			}
		})
	}
}

// TestCodesListed checks that every code the checks can emit is in Codes.
func TestCodesListed(t *testing.T) {
	src, _ := filepath.Glob("*.go")
	known := Codes()
	for _, f := range src {
		if strings.HasSuffix(f, "_test.go") || f == "codes.go" {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, part := range strings.Split(string(data), `"pack-`)[1:] {
			code := "pack-" + part[:strings.IndexByte(part, '"')]
			if _, ok := known[code]; !ok {
				t.Errorf("%s: code %s is not in Codes", f, code)
			}
		}
	}
}

// lint checks a template as aiguard does: with the CloudFormation schema.
func lint(data []byte) ([]Finding, error) {
	v, err := cfnschema.Default()
	if err != nil {
		return nil, err
	}
	return (&Linter{Schema: v}).Lint(data)
}
