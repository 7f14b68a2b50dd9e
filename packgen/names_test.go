package packgen

import (
	"strings"
	"testing"

	"github.com/aiguard/aiguard/conformance"
)

func TestRuleName(t *testing.T) {
	long := strings.Repeat("very-long-rule-id-", 8) + "end"
	tests := []struct {
		team, rule, want string
	}{
		{"payments-risk", "sagemaker-notebook-in-vpc", "aiguard-payments-risk-sagemaker-notebook-in-vpc"},
		{"", "sagemaker-notebook-in-vpc", "aiguard-sagemaker-notebook-in-vpc"},
		{"a-team-name-of-28-characters", long, ""}, // shortened: checked below
	}
	for _, tt := range tests {
		got := RuleName(tt.team, tt.rule)
		if tt.want != "" && got != tt.want {
			t.Errorf("RuleName(%q, %q) = %q, want %q", tt.team, tt.rule, got, tt.want)
		}
		if len(got) > conformance.MaxRuleName {
			t.Errorf("RuleName(%q, %q) has %d characters", tt.team, tt.rule, len(got))
		}
	}
	a, b := RuleName("a-team-name-of-28-characters", long), RuleName("a-team-name-of-28-characters", long+"x")
	if len(a) > conformance.MaxRuleName || len(a) < conformance.MaxRuleName-2 || a == b || a != RuleName("a-team-name-of-28-characters", long) {
		t.Errorf("shortened names: %q (%d), %q: want about 128 characters (a trailing hyphen of the prefix is dropped), stable and distinct", a, len(a), b)
	}
	if !strings.HasPrefix(a, "aiguard-a-team-name-of-28-characters-very-long-rule-id") {
		t.Errorf("shortened name %q lost its start", a)
	}
}

func TestUniqueNames(t *testing.T) {
	// Team a-b with rule c-d, and team a with rule b-c-d, spell the same name.
	n1, n2, n3 := RuleName("a-b", "c-d"), RuleName("a", "b-c-d"), RuleName("a", "x")
	items := []named{{"rule c-d of team a-b", &n1}, {"rule b-c-d of team a", &n2}, {"rule x of team a", &n3}}
	if err := uniqueNames(items, conformance.MaxRuleName, "-"); err != nil {
		t.Fatal(err)
	}
	if n1 == n2 || !strings.HasPrefix(n1, "aiguard-a-b-c-d-") || !strings.HasPrefix(n2, "aiguard-a-b-c-d-") {
		t.Errorf("contested names: %q, %q", n1, n2)
	}
	if n3 != "aiguard-a-x" {
		t.Errorf("uncontested name changed to %q", n3)
	}
	// The result does not depend on the order.
	m1, m2 := RuleName("a-b", "c-d"), RuleName("a", "b-c-d")
	if err := uniqueNames([]named{{"rule b-c-d of team a", &m2}, {"rule c-d of team a-b", &m1}}, conformance.MaxRuleName, "-"); err != nil {
		t.Fatal(err)
	}
	if m1 != n1 || m2 != n2 {
		t.Errorf("order-dependent: %q %q vs %q %q", m1, m2, n1, n2)
	}
}

func TestLogicalID(t *testing.T) {
	tests := map[string]string{
		"sagemaker-notebook-in-vpc": "SagemakerNotebookInVpc",
		"s3-ml-bucket-tls-enforced": "S3MlBucketTlsEnforced",
		"a":                         "A",
	}
	for in, want := range tests {
		if got := LogicalID(in); got != want {
			t.Errorf("logicalID(%q) = %q, want %q", in, got, want)
		}
	}
	if got := LogicalID("not_kebab"); !strings.HasPrefix(got, "Rule") || !isAlnum(got) {
		t.Errorf("logicalID(not_kebab) = %q", got)
	}
	// a-1b and a1b both give A1b; uniqueNames parts them without a hyphen.
	x, y := LogicalID("a-1b"), LogicalID("a1b")
	if err := uniqueNames([]named{{"a-1b", &x}, {"a1b", &y}}, 255, ""); err != nil || x == y || !isAlnum(x) || !isAlnum(y) {
		t.Errorf("logical IDs %q, %q (err %v)", x, y, err)
	}
}

func TestPackName(t *testing.T) {
	for _, tt := range []struct {
		team        string
		part, parts int
		want        string
	}{
		{"", 1, 1, "aiguard-baseline"},
		{"research", 1, 1, "aiguard-research"},
		{"research", 2, 3, "aiguard-research-part2"},
	} {
		got := packName(tt.team, tt.part, tt.parts)
		if got != tt.want {
			t.Errorf("packName(%q, %d, %d) = %q, want %q", tt.team, tt.part, tt.parts, got, tt.want)
		}
		if err := conformance.CheckPackName(got, true); err != nil {
			t.Error(err)
		}
	}
}
