package rules

import (
	"strings"
	"testing"
	"time"
)

func TestExemptions(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	fail := Evaluation{RuleID: "r", ResourceType: "AWS::S3::Bucket", ResourceID: "b1", Compliance: NonCompliant, Annotation: "no key"}
	tests := []struct {
		name, param string
		in          Evaluation
		want        Compliance
		annotation  string
	}{
		{"no parameter", "", fail, NonCompliant, "no key"},
		{"exempt, no end", "b0, b1", fail, NotApplicable, "Exempted by the organization spec. Found: no key"},
		{"exempt until a later day", "b1@2026-12-31", fail, NotApplicable, "Exempted by the organization spec until 2026-12-31. Found: no key"},
		{"exempt through today", "b1@2026-11-27", fail, NotApplicable, "until 2026-11-27"},
		{"exemption ended", "b1@2026-11-26", fail, NonCompliant, "no key"},
		{"other resource", "b2", fail, NonCompliant, "no key"},
		{"compliant stays compliant", "b1", Evaluation{ResourceID: "b1", Compliance: Compliant}, Compliant, ""},
		{"@ inside an ID", "user@example.com", Evaluation{ResourceID: "user@example.com", Compliance: NonCompliant}, NotApplicable, "Exempted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evals := []Evaluation{tt.in}
			if err := ApplyExemptions(evals, map[string]string{ExemptParam: tt.param}, now); err != nil {
				t.Fatal(err)
			}
			if evals[0].Compliance != tt.want || !strings.Contains(evals[0].Annotation, tt.annotation) {
				t.Errorf("got %s %q, want %s containing %q", evals[0].Compliance, evals[0].Annotation, tt.want, tt.annotation)
			}
		})
	}
	if _, err := ParseExemptions("b1@2026-13-01"); err == nil || !strings.Contains(err.Error(), "YYYY-MM-DD") {
		t.Errorf("bad date: err = %v", err)
	}
	if got := FormatExemption("b1", "2027-06-30"); got != "b1@2027-06-30" {
		t.Errorf("FormatExemption = %q", got)
	}
}
