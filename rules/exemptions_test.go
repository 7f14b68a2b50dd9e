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
	rule := &Rule{ID: "r"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := rule.Configure(map[string]string{ExemptParam: tt.param})
			if err != nil {
				t.Fatal(err)
			}
			got, ex := c.Exempt(tt.in, now)
			if got.Compliance != tt.want || !strings.Contains(got.Annotation, tt.annotation) {
				t.Errorf("got %s %q, want %s containing %q", got.Compliance, got.Annotation, tt.want, tt.annotation)
			}
			if (ex != nil) != (tt.want == NotApplicable && tt.in.Compliance == NonCompliant) {
				t.Errorf("exemption reported: %v", ex)
			}
		})
	}
	if _, err := rule.Configure(map[string]string{ExemptParam: "b1@2026-13-01"}); err == nil || !strings.Contains(err.Error(), "YYYY-MM-DD") {
		t.Errorf("bad date: err = %v", err)
	}
	c, err := rule.Configure(map[string]string{ExemptParam: "nb-legacy"})
	if err != nil {
		t.Fatal(err)
	}
	if got, ex := c.Exempt(fail, now, "", "nb-legacy"); ex == nil || got.Compliance != NotApplicable {
		t.Errorf("an alias of the resource is not matched: %v %v", got, ex)
	}
	evals := []Evaluation{fail, fail}
	evals[1].ResourceID = "nb-legacy"
	c.ExemptAll(evals, now)
	if evals[0].Compliance != NonCompliant || evals[1].Compliance != NotApplicable {
		t.Errorf("ExemptAll: %v", evals)
	}
	if got := FormatExemption("b1", "2027-06-30"); got != "b1@2027-06-30" {
		t.Errorf("FormatExemption = %q", got)
	}
}
