package rules

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// paramTestRule declares one parameter of every type.
func paramTestRule() *Rule {
	return &Rule{
		ID: "param-test",
		Params: []Param{
			{Name: "name", Type: String, Description: "free text"},
			{Name: "prefix", Type: String, Description: "patterned text", Pattern: regexp.MustCompile(`^ml-[a-z]+$`),
				PatternHelp: "a prefix like ml-team"},
			{Name: "raw", Type: String, Description: "patterned text without help", Pattern: regexp.MustCompile(`^[0-9]+$`)},
			{Name: "subnets", Type: CSV, Description: "subnet list", Pattern: subnetID, PatternHelp: "a subnet ID (subnet-0123abcd)"},
			{Name: "tiers", Type: CSV, Description: "tier list", Values: []string{"Bronze", "Silver", "Gold"}},
			{Name: "items", Type: CSV, Description: "any list"},
			{Name: "count", Type: Int, Description: "bounded count", Default: "2", Min: 1, Max: 10},
			{Name: "anyInt", Type: Int, Description: "unbounded (zero Min and Max)"},
			{Name: "loose", Type: Int, Description: "unbounded (Min > Max)", Min: 5, Max: 1},
			{Name: "strict", Type: Bool, Description: "a flag", Default: "true"},
			{Name: "level", Type: Enum, Description: "strength", Default: "MEDIUM", Values: []string{"LOW", "MEDIUM", "HIGH"}},
		},
	}
}

func TestParseParamsValid(t *testing.T) {
	r := paramTestRule()
	tests := []struct {
		name  string
		raw   map[string]string
		check func(t *testing.T, p Params)
	}{
		{"defaults", nil, func(t *testing.T, p Params) {
			assertParamInt(t, p, "count", 2)
			assertParamBool(t, p, "strict", true)
			assertParamString(t, p, "level", "MEDIUM")
			for _, unset := range []string{"name", "prefix", "subnets", "tiers", "items", "anyInt"} {
				if p.IsSet(unset) {
					t.Errorf("IsSet(%s) = true with no value and no default", unset)
				}
			}
			if got := p.List("subnets"); got != nil {
				t.Errorf("List(subnets) = %q, want nil", got)
			}
			assertParamInt(t, p, "anyInt", 0)
		}},
		{"empty and blank values fall back to defaults", map[string]string{"count": "", "strict": "  ", "level": "\t"},
			func(t *testing.T, p Params) {
				assertParamInt(t, p, "count", 2)
				assertParamBool(t, p, "strict", true)
				assertParamString(t, p, "level", "MEDIUM")
			}},
		{"string kept, trimmed", map[string]string{"name": "  Fraud ML  "}, func(t *testing.T, p Params) {
			assertParamString(t, p, "name", "Fraud ML")
		}},
		{"string pattern", map[string]string{"prefix": "ml-fraud", "raw": "42"}, func(t *testing.T, p Params) {
			assertParamString(t, p, "prefix", "ml-fraud")
			assertParamString(t, p, "raw", "42")
		}},
		{"enum folds case to the declared spelling", map[string]string{"level": "high"}, func(t *testing.T, p Params) {
			assertParamString(t, p, "level", "HIGH")
		}},
		{"enum mixed case", map[string]string{"level": "Low"}, func(t *testing.T, p Params) {
			assertParamString(t, p, "level", "LOW")
		}},
		{"csv with blanks", map[string]string{"subnets": " subnet-0a1b2c3d , ,subnet-0a1b2c3d4e5f60718,, "},
			func(t *testing.T, p Params) {
				assertParamList(t, p, "subnets", "subnet-0a1b2c3d", "subnet-0a1b2c3d4e5f60718")
			}},
		{"csv values fold case", map[string]string{"tiers": "gold, SILVER"}, func(t *testing.T, p Params) {
			assertParamList(t, p, "tiers", "Gold", "Silver")
		}},
		{"csv single item", map[string]string{"items": "a"}, func(t *testing.T, p Params) {
			assertParamList(t, p, "items", "a")
		}},
		{"int bounds inclusive", map[string]string{"count": "10"}, func(t *testing.T, p Params) {
			assertParamInt(t, p, "count", 10)
		}},
		{"int lower bound", map[string]string{"count": "1"}, func(t *testing.T, p Params) {
			assertParamInt(t, p, "count", 1)
		}},
		{"int normalised", map[string]string{"count": "+07"}, func(t *testing.T, p Params) {
			assertParamInt(t, p, "count", 7)
			assertParamString(t, p, "count", "7")
		}},
		{"int unbounded when Min and Max are zero", map[string]string{"anyInt": "-12345"}, func(t *testing.T, p Params) {
			assertParamInt(t, p, "anyInt", -12345)
		}},
		{"int unbounded when Min > Max", map[string]string{"loose": "1000"}, func(t *testing.T, p Params) {
			assertParamInt(t, p, "loose", 1000)
		}},
		{"bool false", map[string]string{"strict": "false"}, func(t *testing.T, p Params) {
			assertParamBool(t, p, "strict", false)
			if !p.IsSet("strict") {
				t.Error("IsSet(strict) = false for an explicit false")
			}
		}},
		{"bool spellings", map[string]string{"strict": "FALSE"}, func(t *testing.T, p Params) {
			assertParamBool(t, p, "strict", false)
		}},
		{"bool 1", map[string]string{"strict": "1"}, func(t *testing.T, p Params) {
			assertParamBool(t, p, "strict", true)
		}},
		{"reserved parameters ignored", map[string]string{
			"ruleId": "param-test", "ExecutionRoleName": "aiguard-member", "ExecutionRoleRegion": "eu-west-1",
		}, func(t *testing.T, p Params) {
			for _, name := range ReservedParams {
				if p.IsSet(name) {
					t.Errorf("reserved parameter %s was kept", name)
				}
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := r.ParseParams(tt.raw)
			if err != nil {
				t.Fatalf("ParseParams(%v): %v", tt.raw, err)
			}
			tt.check(t, p)
		})
	}
}

func TestParseParamsInvalid(t *testing.T) {
	r := paramTestRule()
	tests := []struct {
		name      string
		raw       map[string]string
		wantParam string
		// wantText are substrings of the error message: the expected form.
		wantText []string
	}{
		{"unknown parameter lists the declared ones", map[string]string{"subnetz": "subnet-0a1b2c3d"}, "subnetz",
			[]string{"parameter subnetz", "not a parameter of this rule", "subnets", "count", "level"}},
		{"unknown parameter is case-sensitive", map[string]string{"Count": "3"}, "Count",
			[]string{"parameter Count", "not a parameter"}},
		{"string pattern with help", map[string]string{"prefix": "team-a"}, "prefix",
			[]string{"parameter prefix", `"team-a"`, "a prefix like ml-team"}},
		{"string pattern without help names the pattern", map[string]string{"raw": "x1"}, "raw",
			[]string{"parameter raw", "^[0-9]+$"}},
		{"enum", map[string]string{"level": "EXTREME"}, "level",
			[]string{"parameter level", `"EXTREME"`, "one of LOW, MEDIUM, HIGH"}},
		{"csv of blanks only", map[string]string{"items": " , ,"}, "items",
			[]string{"parameter items", "a comma-separated list"}},
		{"csv item not in values", map[string]string{"tiers": "Gold,Platinum"}, "tiers",
			[]string{"parameter tiers", "Bronze, Silver, Gold", `"Platinum"`}},
		{"csv item against pattern", map[string]string{"subnets": "subnet-0a1b2c3d,sg-0123abcd"}, "subnets",
			[]string{"parameter subnets", "a subnet ID (subnet-0123abcd)", `"sg-0123abcd"`}},
		{"int not a number", map[string]string{"count": "two"}, "count",
			[]string{"parameter count", `"two"`, "an integer from 1 to 10"}},
		{"int below range", map[string]string{"count": "0"}, "count", []string{"an integer from 1 to 10"}},
		{"int above range", map[string]string{"count": "11"}, "count", []string{"an integer from 1 to 10"}},
		{"int fraction", map[string]string{"anyInt": "1.5"}, "anyInt", []string{"an integer"}},
		{"int overflow", map[string]string{"anyInt": "99999999999999999999"}, "anyInt", []string{"an integer"}},
		{"bool", map[string]string{"strict": "yes"}, "strict", []string{"parameter strict", `"yes"`, "true or false"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := r.ParseParams(tt.raw)
			if err == nil {
				t.Fatalf("ParseParams(%v) = nil error", tt.raw)
			}
			var pe *ParamError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v (%T) is not a *ParamError", err, err)
			}
			if pe.Param != tt.wantParam || pe.Rule != r.ID {
				t.Errorf("ParamError names rule %q parameter %q, want %q %q", pe.Rule, pe.Param, r.ID, tt.wantParam)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "rule param-test: parameter "+tt.wantParam+": ") {
				t.Errorf("error %q does not start with the rule and parameter", msg)
			}
			for _, want := range tt.wantText {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not contain %q", msg, want)
				}
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("error %q spans lines; the CLI prints it as one line", msg)
			}
		})
	}
}

func TestParseParamsUnknownOrderIsStable(t *testing.T) {
	// With several unknown names, the first in sorted order is reported, so
	// the message does not depend on map iteration.
	r := paramTestRule()
	raw := map[string]string{"zeta": "1", "alpha": "1", "mid": "1"}
	for range 20 {
		_, err := r.ParseParams(raw)
		var pe *ParamError
		if !errors.As(err, &pe) || pe.Param != "alpha" {
			t.Fatalf("ParseParams reported %v, want parameter alpha", err)
		}
	}
}

func TestParseParamsRuleWithoutParams(t *testing.T) {
	r := &Rule{ID: "no-params"}
	if _, err := r.ParseParams(map[string]string{"ruleId": "no-params", "ExecutionRoleName": "x"}); err != nil {
		t.Fatalf("reserved parameters on a rule without parameters: %v", err)
	}
	_, err := r.ParseParams(map[string]string{"threshold": "3"})
	if err == nil || !strings.Contains(err.Error(), "it takes none") || !strings.Contains(err.Error(), "threshold") {
		t.Fatalf("ParseParams(threshold) = %v, want an error saying the rule takes no parameters", err)
	}
}

func TestDefaultParams(t *testing.T) {
	p := paramTestRule().DefaultParams()
	assertParamInt(t, p, "count", 2)
	assertParamBool(t, p, "strict", true)
	assertParamString(t, p, "level", "MEDIUM")

	// A broken default (which NewRegistry rejects) yields empty parameters,
	// not a panic.
	bad := &Rule{ID: "bad-default", Params: []Param{{Name: "n", Type: Int, Default: "x"}}}
	if p := bad.DefaultParams(); p.IsSet("n") {
		t.Errorf("DefaultParams with an invalid default kept %q", p.String("n"))
	}
}

func TestZeroParams(t *testing.T) {
	var p Params
	if p.String("a") != "" || p.List("a") != nil || p.Int("a") != 0 || p.Bool("a") || p.IsSet("a") {
		t.Error("the zero Params is not empty")
	}
}

func TestRuleParam(t *testing.T) {
	r := paramTestRule()
	if d, ok := r.Param("count"); !ok || d.Type != Int {
		t.Errorf("Param(count) = %+v, %v", d, ok)
	}
	if _, ok := r.Param("missing"); ok {
		t.Error("Param(missing) found a declaration")
	}
}

func TestIsReserved(t *testing.T) {
	for _, name := range []string{"ruleId", "ExecutionRoleName", "ExecutionRoleRegion"} {
		if !IsReserved(name) {
			t.Errorf("IsReserved(%s) = false", name)
		}
	}
	for _, name := range []string{"ruleid", "RuleId", "allowedSubnetIds", ""} {
		if IsReserved(name) {
			t.Errorf("IsReserved(%q) = true", name)
		}
	}
}

func TestParamErrorText(t *testing.T) {
	tests := []struct {
		err  ParamError
		want string
	}{
		{ParamError{Rule: "r", Param: "p", Value: "v", Want: "an integer"}, `rule r: parameter p: got "v", want an integer`},
		{ParamError{Rule: "r", Param: "p", Want: "not a parameter of this rule"}, "rule r: parameter p: not a parameter of this rule"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func assertParamString(t *testing.T, p Params, name, want string) {
	t.Helper()
	if got := p.String(name); got != want {
		t.Errorf("String(%s) = %q, want %q", name, got, want)
	}
}

func assertParamInt(t *testing.T, p Params, name string, want int64) {
	t.Helper()
	if got := p.Int(name); got != want {
		t.Errorf("Int(%s) = %d, want %d", name, got, want)
	}
}

func assertParamBool(t *testing.T, p Params, name string, want bool) {
	t.Helper()
	if got := p.Bool(name); got != want {
		t.Errorf("Bool(%s) = %v, want %v", name, got, want)
	}
}

func assertParamList(t *testing.T, p Params, name string, want ...string) {
	t.Helper()
	if got := p.List(name); !slices.Equal(got, want) {
		t.Errorf("List(%s) = %q, want %q", name, got, want)
	}
}
