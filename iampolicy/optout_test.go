package iampolicy_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/iampolicy"
	"github.com/aiguard/aiguard/policygen"
)

func TestLintOptOut(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		codes     []string // with the severity: error:optout-value
	}{
		{"generator's", "", nil},
		{"aws example", `{"services":{"default":{"opt_out_policy":{"@@assign":"optOut"}},"rekognition":{"opt_out_policy":{"@@assign":"optIn"}}}}`,
			[]string{"warning:optout-opted-in"}},
		{"case", `{"services":{"default":{"opt_out_policy":{"@@assign":"optout"}}}}`, []string{"error:optout-value"}},
		{"typo service", `{"services":{"rekognitoin":{"opt_out_policy":{"@@assign":"optOut"}}}}`,
			[]string{"info:optout-default", "error:optout-service"}},
		{"operators", `{"services":{"default":{"@@operators_allowed_for_child_policies":["@@none","@@assign"],"opt_out_policy":{"@@assign":"optOut"}}}}`,
			[]string{"error:optout-operators"}},
		{"no services", `{"service":{}}`, []string{"error:optout-structure", "error:optout-structure"}},
		{"duplicate", `{"services":{"default":{"opt_out_policy":{"@@assign":"optIn","@@assign":"optOut"}}}}`,
			[]string{"warning:optout-opted-in", "error:optout-duplicate-key"}},
		{"trailing comma", `{"services":{"default":{"opt_out_policy":{"@@assign":"optOut"},}}}`, []string{"error:optout-json"}},
		{"too large", `{"services":{"default":{"opt_out_policy":{"@@assign":"optOut"}}` +
			strings.Repeat(`,"x`, 0) + `,"lex":{"opt_out_policy":{"@@assign":"optOut","` + strings.Repeat("y", 2500) + `":1}}}}`,
			[]string{"error:optout-size", "error:optout-structure"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := []byte(tc.doc)
			if tc.doc == "" {
				var err error
				if doc, err = json.MarshalIndent(policygen.OptOutPolicy(), "", "  "); err != nil {
					t.Fatal(err)
				}
			}
			var got []string
			for _, f := range iampolicy.LintData(doc, iampolicy.TypeOptOut) {
				got = append(got, string(f.Severity)+":"+f.Code)
				if f.Line == 0 && f.Code != "optout-size" {
					t.Errorf("%v has no line", f)
				}
			}
			if strings.Join(got, " ") != strings.Join(tc.codes, " ") {
				t.Errorf("findings %v, want %v", got, tc.codes)
			}
		})
	}
	if _, err := iampolicy.ParseType("OPT-OUT"); err != nil {
		t.Error(err)
	}
}
