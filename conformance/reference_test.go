package conformance

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/internal/testenv/refdata"
)

// referencePacks returns every template under the reference data's
// conformance-packs folder (AWS's sample packs), skipping when it is absent.
func referencePacks(t testing.TB) []string {
	t.Helper()
	dir := refdata.Path(t, "conformance-packs")
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ext := filepath.Ext(path); !d.IsDir() && (ext == ".yaml" || ext == ".yml" || ext == ".json") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Skipf("no packs in %s", dir)
	}
	return files
}

// TestReferencePacks lints AWS's own sample packs: they deploy, so they must
// pass. expected lists the findings a pack is known to have, each with the
// reason it is right; today there are none (warnings would be allowed, but
// none of these packs has an unused parameter or condition either).
func TestReferencePacks(t *testing.T) {
	expected := map[string][]string{}
	for _, path := range referencePacks(t) {
		rel := relTo(t, path)
		t.Run(rel, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			fs, err := lint(data)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := codes(fs), expected[rel]; !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
				t.Errorf("codes = %v, want %v\n%s", got, want, describe(fs))
			}
			tmpl, err := Parse(data)
			if err != nil {
				t.Fatal(err)
			}
			rules := tmpl.ConfigRules()
			switch rel {
			case "previous-versions/Self-Hosted-AI-ML-Security-Governance-Best-Practices.yaml":
				// The exact boundary: one rule more would be pack-rule-count.
				if len(rules) != MaxRules {
					t.Errorf("%d rules, want exactly %d", len(rules), MaxRules)
				}
			case "Amazon-Bedrock-Security-and-Governance-Best-Practices.yaml":
				guard := 0
				for _, r := range rules {
					if o, _ := r.Properties.Path("Source", "Owner").Scalar(); o == OwnerCustomPolicy {
						guard++
						if r.Properties.Path("Source", "CustomPolicyDetails", "PolicyText") == nil {
							t.Errorf("%s: no PolicyText", r.LogicalID)
						}
					}
				}
				if guard != 25 {
					t.Errorf("%d CUSTOM_POLICY rules, want 25", guard)
				}
			}
		})
	}
}

func relTo(t testing.TB, path string) string {
	dir := refdata.Path(t, "conformance-packs")
	rel, err := filepath.Rel(dir, path)
	if err != nil {
		t.Fatal(err)
	}
	return filepath.ToSlash(rel)
}

// TestRoundTrip reads every in-repo fixture, writes it and reads it back:
// the data must survive, and writing must be idempotent.
func TestRoundTrip(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(packsDir, "good", "*"))
	bad, _ := filepath.Glob(filepath.Join(packsDir, "bad", "*"))
	for _, f := range bad {
		if !strings.Contains(f, "pack-structure") { // no Resources: nothing to write
			files = append(files, f)
		}
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) { roundTrip(t, path) })
	}
}

// TestRoundTripReference does the same with AWS's sample packs.
func TestRoundTripReference(t *testing.T) {
	for _, path := range referencePacks(t) {
		t.Run(relTo(t, path), func(t *testing.T) { roundTrip(t, path) })
	}
}

func roundTrip(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t1, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	out1, err := MarshalValue(t1.Document(), true)
	if err != nil {
		t.Fatal(err)
	}
	t2, err := Parse(out1)
	if err != nil {
		t.Fatalf("re-read: %v\n%s", err, out1)
	}
	if !Equal(t1.Document(), t2.Document()) {
		t.Errorf("data changed in the round trip:\n%s", out1)
	}
	out2, err := MarshalValue(t2.Document(), true)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out1, out2) {
		t.Errorf("Marshal is not idempotent")
	}
}

func TestShortForms(t *testing.T) {
	src := `Resources:
  R:
    Type: AWS::Config::ConfigRule
    Properties:
      A: !Ref X
      B: !GetAtt Res.Attr.Sub
      C: !GetAtt [Res, Attr]
      D: !Sub "${X}-y"
      E: !If [Cond, !Equals [a, !Ref X], !Not [!Condition C2]]
      F: !Ref 123
      G: 2010-09-09
`
	tmpl, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	p := tmpl.Resource("R").Properties
	tests := []struct {
		key  string
		want *Value
	}{
		{"A", Ref("X")},
		{"B", GetAtt("Res", "Attr.Sub")},
		{"C", GetAtt("Res", "Attr")},
		{"D", Sub("${X}-y")},
		{"E", If("Cond", Equals(Str("a"), Ref("X")), Not(MapOf(F("Condition", Str("C2")))))},
		{"F", Ref("123")},
		{"G", Str("2010-09-09")},
	}
	for _, tt := range tests {
		if got := p.Get(tt.key); !Equal(got, tt.want) {
			t.Errorf("%s = %#v, want %#v", tt.key, got.JSON(), tt.want.JSON())
		}
	}
	if l := p.Get("E").Line; l != 9 {
		t.Errorf("line of E = %d, want 9", l)
	}
}
