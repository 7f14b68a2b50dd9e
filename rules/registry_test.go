package rules

import (
	"context"
	"github.com/aiguard/aiguard/internal/suggest"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/configitem"
)

// registryTestRule returns a minimal valid change-triggered rule.
func registryTestRule(id string, types ...string) *Rule {
	if len(types) == 0 {
		types = []string{typeNotebookInstance}
	}
	return &Rule{
		ID:            id,
		Title:         "Test rule " + id,
		Description:   "A rule for registry tests.",
		ResourceTypes: types,
		Trigger:       ChangeTriggered,
		Control:       ControlVPCOnly,
		Severity:      SeverityMedium,
		Remediation:   "Fix it.",
		Check:         func(*configitem.Item, Params) Verdict { return Pass() },
	}
}

// registryTestPeriodic returns a minimal valid periodic rule.
func registryTestPeriodic(id string) *Rule {
	r := registryTestRule(id, "AWS::::Account")
	r.Trigger = Periodic
	r.Check = nil
	r.Actions = []string{"sagemaker:ListTrainingJobs"}
	r.Run = func(context.Context, Env, Params) ([]Evaluation, error) { return nil, nil }
	return r
}

func TestNewRegistryRejects(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(r *Rule)
		want   string
	}{
		{"empty ID", func(r *Rule) { r.ID = "" }, "kebab-case"},
		{"upper case ID", func(r *Rule) { r.ID = "SageMaker-notebook" }, "kebab-case"},
		{"underscore ID", func(r *Rule) { r.ID = "sagemaker_notebook" }, "kebab-case"},
		{"double hyphen", func(r *Rule) { r.ID = "sagemaker--notebook" }, "kebab-case"},
		{"trailing hyphen", func(r *Rule) { r.ID = "sagemaker-" }, "kebab-case"},
		{"leading digit", func(r *Rule) { r.ID = "1-rule" }, "kebab-case"},
		{"space", func(r *Rule) { r.ID = "a rule" }, "kebab-case"},
		{"no resource types", func(r *Rule) { r.ResourceTypes = nil }, "no resource types"},
		{"change rule without Check", func(r *Rule) { r.Check = nil }, "without Check"},
		{"periodic rule without Run", func(r *Rule) { r.Trigger = Periodic }, "without Run"},
		{"unknown trigger", func(r *Rule) { r.Trigger = "hourly" }, "unknown trigger"},
		{"empty trigger", func(r *Rule) { r.Trigger = "" }, "unknown trigger"},
		{"bad severity", func(r *Rule) { r.Severity = "high" }, "unknown severity"},
		{"empty severity", func(r *Rule) { r.Severity = "" }, "unknown severity"},
		{"no title", func(r *Rule) { r.Title = "" }, "required"},
		{"no control", func(r *Rule) { r.Control = "" }, "required"},
		{"no remediation", func(r *Rule) { r.Remediation = "" }, "required"},
		{"reserved parameter", func(r *Rule) { r.Params = []Param{{Name: "ruleId", Type: String}} }, "reserved"},
		{"duplicate parameter", func(r *Rule) {
			r.Params = []Param{{Name: "a", Type: String}, {Name: "a", Type: Int}}
		}, "declared twice"},
		{"empty parameter name", func(r *Rule) { r.Params = []Param{{Type: String}} }, "parameter name"},
		{"parameter name with space", func(r *Rule) { r.Params = []Param{{Name: "a b", Type: String}} }, "parameter name"},
		{"unknown parameter type", func(r *Rule) { r.Params = []Param{{Name: "a", Type: "Float"}} }, "unknown type"},
		{"enum without values", func(r *Rule) { r.Params = []Param{{Name: "a", Type: Enum}} }, "needs Values"},
		{"invalid int default", func(r *Rule) {
			r.Params = []Param{{Name: "n", Type: Int, Default: "two"}}
		}, `default "two"`},
		{"int default out of range", func(r *Rule) {
			r.Params = []Param{{Name: "n", Type: Int, Default: "0", Min: 1, Max: 5}}
		}, `default "0"`},
		{"invalid enum default", func(r *Rule) {
			r.Params = []Param{{Name: "s", Type: Enum, Values: []string{"LOW", "HIGH"}, Default: "MEDIUM"}}
		}, `default "MEDIUM"`},
		{"invalid bool default", func(r *Rule) { r.Params = []Param{{Name: "b", Type: Bool, Default: "yes"}} }, `default "yes"`},
		{"invalid csv default", func(r *Rule) {
			r.Params = []Param{{Name: "l", Type: CSV, Pattern: subnetID, PatternHelp: "a subnet ID", Default: "vpc-1"}}
		}, `default "vpc-1"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := registryTestRule("good-rule")
			tt.mutate(r)
			reg, err := NewRegistry(r)
			if err == nil {
				t.Fatalf("NewRegistry accepted the rule (%d rules)", len(reg.All()))
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

func TestNewRegistryDuplicate(t *testing.T) {
	_, err := NewRegistry(registryTestRule("a-rule"), registryTestRule("b-rule"), registryTestRule("a-rule"))
	if err == nil || !strings.Contains(err.Error(), "a-rule") || !strings.Contains(err.Error(), "twice") {
		t.Fatalf("NewRegistry with a duplicate ID: %v", err)
	}
}

func TestNewRegistryAccepts(t *testing.T) {
	withParams := registryTestRule("with-params")
	withParams.Params = []Param{
		{Name: "n", Type: Int, Default: "2", Min: 1, Max: 5},
		{Name: "level", Type: Enum, Values: []string{"LOW", "HIGH"}, Default: "high"},
		{Name: "ids", Type: CSV, Pattern: subnetID, Default: "subnet-0a1b2c3d"},
		{Name: "flag", Type: Bool, Default: "true"},
		{Name: "free", Type: String},
	}
	reg, err := NewRegistry(registryTestRule("z-rule"), withParams, registryTestPeriodic("a-periodic"))
	if err != nil {
		t.Fatalf("NewRegistry: %v", err)
	}
	var ids []string
	for _, r := range reg.All() {
		ids = append(ids, r.ID)
	}
	if got := strings.Join(ids, ","); got != "a-periodic,with-params,z-rule" {
		t.Errorf("All() = %s, want the rules sorted by ID", got)
	}
	// All returns a copy: changing it leaves the registry alone.
	all := reg.All()
	all[0] = nil
	if reg.All()[0] == nil {
		t.Error("All() exposes the registry's own slice")
	}
	if _, err := NewRegistry(); err != nil {
		t.Errorf("empty registry: %v", err)
	}
}

func TestRegistryGetAndForType(t *testing.T) {
	nb1 := registryTestRule("nb-one")
	nb2 := registryTestRule("nb-two", typeNotebookInstance, "AWS::SageMaker::Domain")
	dom := registryTestRule("domain-only", "AWS::SageMaker::Domain")
	per := registryTestPeriodic("periodic-one")
	per.ResourceTypes = []string{typeNotebookInstance}
	reg, err := NewRegistry(nb2, dom, nb1, per)
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := reg.Get("nb-one"); !ok || r != nb1 {
		t.Errorf("Get(nb-one) = %v, %v", r, ok)
	}
	if _, ok := reg.Get("NB-ONE"); ok {
		t.Error("Get is case-insensitive; rule IDs are exact")
	}
	if _, ok := reg.Get(""); ok {
		t.Error("Get(\"\") found a rule")
	}
	tests := []struct {
		resourceType string
		want         string
	}{
		{typeNotebookInstance, "nb-one,nb-two"}, // the periodic rule covers the type but has no Check
		{"AWS::SageMaker::Domain", "domain-only,nb-two"},
		{"AWS::S3::Bucket", ""},
		{"aws::sagemaker::notebookinstance", ""},
		{"", ""},
	}
	for _, tt := range tests {
		var ids []string
		for _, r := range reg.ForType(tt.resourceType) {
			ids = append(ids, r.ID)
		}
		if got := strings.Join(ids, ","); got != tt.want {
			t.Errorf("ForType(%q) = %q, want %q", tt.resourceType, got, tt.want)
		}
	}
}

func TestRegistryForConfigRuleName(t *testing.T) {
	reg, err := NewRegistry(
		registryTestRule("sagemaker-notebook-in-vpc"),
		registryTestRule("sagemaker-notebook-in-vpc-strict"),
		registryTestRule("sagemaker-notebook"),
		registryTestRule("s3-ml-bucket-cmk-encrypted"),
	)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		want string // "" for no match
	}{
		{"sagemaker-notebook-in-vpc", "sagemaker-notebook-in-vpc"},
		{"sagemaker-notebook-in-vpc-team-a", "sagemaker-notebook-in-vpc"},
		{"sagemaker-notebook-in-vpc-conformance-pack-x1y2z3", "sagemaker-notebook-in-vpc"},
		{"sagemaker-notebook-in-vpc-strict", "sagemaker-notebook-in-vpc-strict"},
		{"sagemaker-notebook-in-vpc-strict-prod", "sagemaker-notebook-in-vpc-strict"},
		{"sagemaker-notebook-in-vpcx", "sagemaker-notebook"}, // not a whole word: falls back to the shorter ID
		{"sagemaker-notebook-other", "sagemaker-notebook"},
		{"sagemaker-notebooks", ""},
		{"s3-ml-bucket-cmk-encrypted", "s3-ml-bucket-cmk-encrypted"},
		{"aiguard-sagemaker-notebook-in-vpc", ""}, // a prefix, not a suffix
		{"SAGEMAKER-NOTEBOOK-IN-VPC", ""},
		{"", ""},
		{"-", ""},
	}
	for _, tt := range tests {
		r, ok := reg.ForConfigRuleName(tt.name)
		got := ""
		if ok {
			got = r.ID
		}
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("ForConfigRuleName(%q) = %q, %v; want %q", tt.name, got, ok, tt.want)
		}
	}
}

func TestRegistrySuggest(t *testing.T) {
	reg, err := NewRegistry(
		registryTestRule("sagemaker-notebook-in-vpc"),
		registryTestRule("sagemaker-notebook-root-access-disabled"),
		registryTestRule("sagemaker-notebook-no-direct-internet"),
		registryTestRule("kms-ml-key-policy-restricted"),
	)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		id   string
		want string
	}{
		{"sagemaker-notebook-in-vcp", "sagemaker-notebook-in-vpc"},
		{"sagemaker-notebok-in-vpc", "sagemaker-notebook-in-vpc"},
		{"sagemaker-notebook-root-access", "sagemaker-notebook-root-access-disabled"},
		{"sagemaker-notebook-no-direct-internet-access", "sagemaker-notebook-no-direct-internet"},
		{"kms-ml-key-policy", "kms-ml-key-policy-restricted"},
		{"SAGEMAKER-NOTEBOOK-IN-VPC", "sagemaker-notebook-in-vpc"},
		{" sagemaker-notebook-in-vpc ", "sagemaker-notebook-in-vpc"},
		{"sagemaker-notebook-in-vpc-conformance-pack-x1y2z3", "sagemaker-notebook-in-vpc"}, // a Config rule name
		{"kms", "kms-ml-key-policy-restricted"},
		{"km", ""}, // too short to take as a truncated ID
		{"bedrock", ""},
		{"sagemaker-domain-vpc-only", ""},
		{"x", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := reg.Suggest(tt.id); got != tt.want {
			t.Errorf("Suggest(%q) = %q, want %q", tt.id, got, tt.want)
		}
	}
}

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"abc", "", 3},
		{"", "abc", 3},
		{"kitten", "sitting", 3},
		{"flaw", "lawn", 2},
		{"same", "same", 0},
	}
	for _, tt := range tests {
		if got := suggest.Distance(tt.a, tt.b); got != tt.want {
			t.Errorf("distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := suggest.Distance(tt.b, tt.a); got != tt.want {
			t.Errorf("distance(%q, %q) = %d, want %d (symmetry)", tt.b, tt.a, got, tt.want)
		}
	}
}
