package deploy

import (
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/aiguard/aiguard/internal/hookconfig"
	"github.com/aiguard/aiguard/orgspec"
	"github.com/aiguard/aiguard/packgen"
)

func artifact(t *testing.T, out *Output, path string) Artifact {
	t.Helper()
	for _, a := range out.Artifacts {
		if a.Path == path {
			return a
		}
	}
	t.Fatalf("no %s", path)
	return Artifact{}
}

// TestHook checks the hook registration of each team and the functions
// it invokes: the team's enabled change-triggered rules with their
// parameters and exemptions, the types they cover, the spec's failure mode.
func TestHook(t *testing.T) {
	spec := exampleSpec(t)
	spec.Organization.Hook.FailureMode = orgspec.HookFail
	out := generate(t, spec)
	var fns struct {
		Resources map[string]struct {
			Type       string         `yaml:"Type"`
			Properties map[string]any `yaml:"Properties"`
		} `yaml:"Resources"`
	}
	if err := yaml.Unmarshal(artifact(t, out, HookFunctionsPath).Data, &fns); err != nil {
		t.Fatal(err)
	}
	for _, tp := range out.Plan.Teams {
		team := tp.Team.Name
		id := packgen.LogicalID(team)
		fn := fns.Resources["HookFunction"+id].Properties
		env, _ := fn["Environment"].(map[string]any)["Variables"].(map[string]any)
		if env[InvocationsEnv] != "hook" {
			t.Errorf("%s: the hook function answers more than hook requests", team)
		}
		cfg, err := hookconfig.Decode(env[hookconfig.EnvVar].(string))
		if err != nil {
			t.Fatalf("%s: %v", team, err)
		}
		set, _ := spec.EffectiveRules(tp.Team)
		for _, er := range set {
			params, runs := cfg.Rules[er.Rule.ID]
			if er.Enabled != runs && er.Rule.Check != nil {
				t.Errorf("%s: rule %s enabled %v, in the hook %v", team, er.Rule.ID, er.Enabled, runs)
			}
			for k, v := range er.Params {
				if runs && params[k] != v {
					t.Errorf("%s: rule %s parameter %s = %q, want %q", team, er.Rule.ID, k, params[k], v)
				}
			}
			if runs && len(er.Exceptions) > 0 && params["exemptResourceIds"] != orgspec.ExemptResourceIDs(er.Exceptions) {
				t.Errorf("%s: rule %s exemptions %q", team, er.Rule.ID, params["exemptResourceIds"])
			}
		}
		if fn["Timeout"].(int) >= 30 {
			t.Errorf("%s: timeout %v, not under the 30 s CloudFormation waits", team, fn["Timeout"])
		}
		hook := string(artifact(t, out, HookPath(team)).Data)
		for _, want := range []string{"FailureMode: FAIL", "AWS::SageMaker::NotebookInstance", "function:" + HookFunctionName(team),
			"hooks.cloudformation.amazonaws.com", "- CREATE", "- UPDATE", "PRE_PROVISION"} {
			if !strings.Contains(hook, want) {
				t.Errorf("%s: the hook registration lacks %q", team, want)
			}
		}
		if strings.Contains(hook, "AWS::SageMaker::TrainingJob") {
			t.Errorf("%s: the hook targets a type CloudFormation does not have", team)
		}
	}
	// A team named by accounts only is invoked by those accounts only.
	if _, ok := fns.Resources["HookInvokePaymentsRisk333333333333"]; !ok {
		t.Error("payments-risk: no per-account invoke permission")
	}
	if p := fns.Resources["HookInvokeResearch"].Properties; p["PrincipalOrgID"] != spec.Organization.ID {
		t.Errorf("research (an OU): invoke permission %v, want the organization's principals", p)
	}
}

func TestHookTargetsPastLimit(t *testing.T) {
	var types []string
	for i := range 60 {
		types = append(types, "AWS::SageMaker::T"+strings.Repeat("x", i))
	}
	types = append(types, "AWS::Bedrock::Agent")
	got := hookTargets(types)
	if len(got) != 2 || got[0] != "AWS::SageMaker::*" || got[1] != "AWS::Bedrock::*" {
		t.Errorf("targets = %v", got)
	}
}
