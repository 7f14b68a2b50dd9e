package rules

import (
	"strings"
	"testing"
)

// notebookCase is one configuration judged by one notebook rule.
type notebookCase struct {
	name   string
	config string // the configuration object; "" for none
	params map[string]string
	want   Compliance
	// contains are substrings the annotation must hold.
	contains []string
}

func runNotebookCases(t *testing.T, ruleID string, cases []notebookCase) {
	t.Helper()
	r := groupRule(t, sagemakerNotebookRules(), ruleID)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := r.ParseParams(tc.params)
			if err != nil {
				t.Fatalf("params: %v", err)
			}
			item := ruleTestItem(t, ruleTestCI("OK", typeNotebookInstance, tc.config))
			ev := r.Evaluate(item, p)
			if ev.Compliance != tc.want {
				t.Errorf("Compliance = %s, want %s (annotation %q)", ev.Compliance, tc.want, ev.Annotation)
			}
			if tc.want == NonCompliant && ev.Annotation == "" {
				t.Error("NON_COMPLIANT without an annotation")
			}
			if tc.want == Compliant && ev.Annotation != "" {
				t.Errorf("COMPLIANT with annotation %q", ev.Annotation)
			}
			for _, s := range tc.contains {
				if !strings.Contains(ev.Annotation, s) {
					t.Errorf("annotation %q does not contain %q", ev.Annotation, s)
				}
			}
			// The API shape (configuration as a JSON string) judges the same.
			if tc.config != "" {
				api := ruleTestItem(t, ruleTestCI("OK", typeNotebookInstance, quoteJSON(tc.config)))
				if ev2 := r.Evaluate(api, p); ev2 != ev {
					t.Errorf("API shape judged differently:\n event %+v\n   api %+v", ev, ev2)
				}
			}
		})
	}
}

// quoteJSON returns s as a JSON string literal.
func quoteJSON(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func TestNotebookNoDirectInternet(t *testing.T) {
	runNotebookCases(t, "sagemaker-notebook-no-direct-internet", []notebookCase{
		{name: "disabled", config: `{"DirectInternetAccess":"Disabled"}`, want: Compliant},
		{name: "camelCase key", config: `{"directInternetAccess":"Disabled"}`, want: Compliant},
		{name: "lower-case value", config: `{"DirectInternetAccess":"disabled"}`, want: Compliant},
		{name: "padded value", config: `{"DirectInternetAccess":" Disabled "}`, want: Compliant},
		{name: "enabled", config: `{"DirectInternetAccess":"Enabled"}`, want: NonCompliant,
			contains: []string{"DirectInternetAccess is Enabled", "DirectInternetAccess=Disabled"}},
		{name: "camelCase enabled", config: `{"directInternetAccess":"Enabled"}`, want: NonCompliant,
			contains: []string{"is Enabled"}},
		{name: "missing", config: `{"RootAccess":"Disabled"}`, want: NonCompliant,
			contains: []string{"not set", "default is Enabled"}},
		{name: "null", config: `{"DirectInternetAccess":null}`, want: NonCompliant, contains: []string{"not set"}},
		{name: "empty string", config: `{"DirectInternetAccess":""}`, want: NonCompliant, contains: []string{"not set"}},
		{name: "empty configuration", config: `{}`, want: NonCompliant, contains: []string{"not set"}},
		{name: "no configuration", want: NotApplicable, contains: []string{"no configuration"}},
		{name: "boolean instead of string", config: `{"DirectInternetAccess":false}`, want: NonCompliant,
			contains: []string{"unexpected value false"}},
		{name: "list instead of string", config: `{"DirectInternetAccess":["Disabled"]}`, want: NonCompliant,
			contains: []string{`unexpected value ["Disabled"]`}},
		{name: "object instead of string", config: `{"DirectInternetAccess":{"Value":"Disabled"}}`, want: NonCompliant,
			contains: []string{"unexpected value"}},
		{name: "long odd value is cut", config: `{"DirectInternetAccess":"` + strings.Repeat("Enabled", 40) + `"}`,
			want: NonCompliant, contains: []string{"…", "DirectInternetAccess=Disabled"}},
	})
}

func TestNotebookRootAccess(t *testing.T) {
	runNotebookCases(t, "sagemaker-notebook-root-access-disabled", []notebookCase{
		{name: "disabled", config: `{"RootAccess":"Disabled"}`, want: Compliant},
		{name: "camelCase key", config: `{"rootAccess":"Disabled"}`, want: Compliant},
		{name: "upper-case value", config: `{"RootAccess":"DISABLED"}`, want: Compliant},
		{name: "enabled", config: `{"RootAccess":"Enabled"}`, want: NonCompliant,
			contains: []string{"RootAccess is Enabled", "RootAccess=Disabled"}},
		{name: "camelCase enabled", config: `{"rootAccess":"Enabled"}`, want: NonCompliant},
		{name: "missing", config: `{"DirectInternetAccess":"Disabled"}`, want: NonCompliant,
			contains: []string{"not set", "default is Enabled"}},
		{name: "null", config: `{"RootAccess":null}`, want: NonCompliant, contains: []string{"not set"}},
		{name: "no configuration", want: NotApplicable, contains: []string{"no configuration"}},
		{name: "string true", config: `{"RootAccess":"true"}`, want: NonCompliant, contains: []string{"RootAccess is true"}},
		{name: "number", config: `{"RootAccess":0}`, want: NonCompliant, contains: []string{"unexpected value 0"}},
	})
}

func TestNotebookInVPC(t *testing.T) {
	const (
		subnetA = "subnet-0a1b2c3d4e5f60718"
		subnetB = "subnet-0b1c2d3e4f5a60718"
		sg      = "sg-0123456789abcdef0"
	)
	allowed := map[string]string{"allowedSubnetIds": subnetB + ", " + subnetA}
	runNotebookCases(t, "sagemaker-notebook-in-vpc", []notebookCase{
		{name: "subnet and group", config: `{"SubnetId":"` + subnetA + `","SecurityGroupIds":["` + sg + `"]}`, want: Compliant},
		{name: "camelCase keys", config: `{"subnetId":"` + subnetA + `","securityGroupIds":["` + sg + `"]}`, want: Compliant},
		{name: "single group as a string", config: `{"SubnetId":"` + subnetA + `","SecurityGroupIds":"` + sg + `"}`,
			want: Compliant},
		{name: "in allowed subnets", config: `{"SubnetId":"` + subnetA + `","SecurityGroupIds":["` + sg + `"]}`,
			params: allowed, want: Compliant},
		{name: "allowed subnets ignore case", config: `{"SubnetId":"` + strings.ToUpper(subnetA) + `","SecurityGroupIds":["` + sg + `"]}`,
			params: map[string]string{"allowedSubnetIds": subnetA}, want: Compliant},
		{name: "not in allowed subnets", config: `{"SubnetId":"subnet-0fffffffffffffff0","SecurityGroupIds":["` + sg + `"]}`,
			params: allowed, want: NonCompliant, contains: []string{"subnet-0fffffffffffffff0 is not in allowedSubnetIds"}},
		{name: "no subnet", config: `{"SecurityGroupIds":["` + sg + `"]}`, want: NonCompliant,
			contains: []string{"no SubnetId"}},
		{name: "no subnet with allowed list", config: `{"SecurityGroupIds":["` + sg + `"]}`, params: allowed,
			want: NonCompliant, contains: []string{"no SubnetId"}},
		{name: "null subnet", config: `{"SubnetId":null,"SecurityGroupIds":["` + sg + `"]}`, want: NonCompliant,
			contains: []string{"no SubnetId"}},
		{name: "blank subnet", config: `{"SubnetId":"  ","SecurityGroupIds":["` + sg + `"]}`, want: NonCompliant,
			contains: []string{"no SubnetId"}},
		{name: "subnet as a list", config: `{"SubnetId":["` + subnetA + `"],"SecurityGroupIds":["` + sg + `"]}`,
			want: NonCompliant, contains: []string{"unexpected value", "not a subnet ID"}},
		{name: "no security groups", config: `{"SubnetId":"` + subnetA + `","SecurityGroupIds":[]}`, want: NonCompliant,
			contains: []string{"no security group"}},
		{name: "security groups of blanks", config: `{"SubnetId":"` + subnetA + `","SecurityGroupIds":["", " "]}`,
			want: NonCompliant, contains: []string{"no security group"}},
		{name: "security groups as an object", config: `{"SubnetId":"` + subnetA + `","SecurityGroupIds":{"a":1}}`,
			want: NonCompliant, contains: []string{"no security group"}},
		{name: "missing both", config: `{}`, want: NonCompliant,
			contains: []string{"no SubnetId", "no security group"}},
		{name: "wrong subnet and no groups", config: `{"SubnetId":"subnet-0fffffffffffffff0"}`, params: allowed,
			want: NonCompliant, contains: []string{"not in allowedSubnetIds", "no security group"}},
		{name: "no configuration", want: NotApplicable, contains: []string{"no configuration"}},
	})
}

func TestNotebookInVPCParams(t *testing.T) {
	r := groupRule(t, sagemakerNotebookRules(), "sagemaker-notebook-in-vpc")
	for _, bad := range []string{"vpc-0a1b2c3d", "subnet-XYZ", "subnet-0a1b2c3d,sg-0a1b2c3d", "subnet-0a1b2c3d4"} {
		_, err := r.ParseParams(map[string]string{"allowedSubnetIds": bad})
		if err == nil || !strings.Contains(err.Error(), "allowedSubnetIds") || !strings.Contains(err.Error(), "subnet ID") {
			t.Errorf("allowedSubnetIds=%q: error %v, want one naming the parameter and the form", bad, err)
		}
	}
	for _, good := range []string{"subnet-0a1b2c3d", "subnet-0a1b2c3d4e5f60718", " subnet-0a1b2c3d , subnet-0a1b2c3d4e5f60718 ,"} {
		if _, err := r.ParseParams(map[string]string{"allowedSubnetIds": good}); err != nil {
			t.Errorf("allowedSubnetIds=%q: %v", good, err)
		}
	}
}
