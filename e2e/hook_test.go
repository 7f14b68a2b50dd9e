package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/aiguard/aiguard/deploy"
	"github.com/aiguard/aiguard/internal/testenv/localaws"
	"github.com/aiguard/aiguard/orgspec"
)

// hookEnv returns the environment aiguard generate gives a team's hook
// function for the built-in example.
func hookEnv(t *testing.T, team string) []string {
	t.Helper()
	spec, err := orgspec.Parse(orgspec.ExampleName, orgspec.Example())
	if err != nil {
		t.Fatal(err)
	}
	out, err := deploy.Generate(spec, deploy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range out.Artifacts {
		if a.Path != deploy.HookFunctionsPath {
			continue
		}
		var tmpl struct {
			Resources map[string]struct {
				Properties struct {
					FunctionName any `yaml:"FunctionName"`
					Environment  struct {
						Variables map[string]string `yaml:"Variables"`
					} `yaml:"Environment"`
				} `yaml:"Properties"`
			} `yaml:"Resources"`
		}
		if err := yaml.Unmarshal(a.Data, &tmpl); err != nil {
			t.Fatal(err)
		}
		for _, r := range tmpl.Resources {
			if r.Properties.FunctionName == deploy.HookFunctionName(team) {
				var env []string
				for k, v := range r.Properties.Environment.Variables {
					env = append(env, k+"="+v)
				}
				return env
			}
		}
	}
	t.Fatalf("no hook function for team %s", team)
	return nil
}

// TestEmulatorHook sends CloudFormation Lambda hook requests, in the shape
// AWS's Lambda hook documentation gives, to the real bootstrap under the
// emulator: as the rule Lambda (every rule, defaults) and as team
// research's hook function from aiguard generate (its rules, parameters
// and exception; hook requests only). The hook makes no AWS call.
func TestEmulatorHook(t *testing.T) {
	requireBinaries(t)
	srv := startLocalAWS(t, localaws.Options{})
	plain := startEmulator(t, bin.bootstrap, emulatorEnv(srv.URL, "us-west-2"))
	team := startEmulator(t, bin.bootstrap, append(emulatorEnv(srv.URL, "us-west-2"), hookEnv(t, "research")...))

	tests := []struct {
		emu      *emulator
		name     string
		file     string
		status   string
		code     string
		has, not []string
	}{
		{plain, "pre-create, non-compliant", "create-notebook-noncompliant.json", "FAILED", "NonCompliant",
			[]string{"sagemaker-notebook-no-direct-internet: DirectInternetAccess is Enabled", "sagemaker-notebook-root-access-disabled:"}, nil},
		{team, "pre-create, non-compliant, the team's exception applies", "create-notebook-noncompliant.json", "FAILED", "NonCompliant",
			[]string{"sagemaker-notebook-no-direct-internet:", "sagemaker-notebook-in-vpc:"}, []string{"sagemaker-notebook-root-access-disabled:"}},
		{team, "pre-create, compliant with the team's subnets", "create-notebook-compliant.json", "SUCCESS", "", []string{"passes"}, nil},
		{plain, "pre-update, isolation turned off (a boolean as the string CloudFormation sends)", "update-model-isolation-off.json",
			"FAILED", "NonCompliant", []string{"sagemaker-model-network-isolation: EnableNetworkIsolation is false"}, nil},
		{team, "pre-update, isolation turned off", "update-model-isolation-off.json", "FAILED", "NonCompliant",
			[]string{"sagemaker-model-network-isolation:"}, nil},
		{plain, "unresolvable property", "create-notebook-unresolved.json", "SUCCESS", "", nil, nil},
		{plain, "type no rule covers", "create-uncovered-type.json", "SUCCESS", "", []string{"no rule covers AWS::SNS::Topic"}, nil},
		{team, "type no rule covers", "create-uncovered-type.json", "SUCCESS", "", []string{"runs no rule on AWS::SNS::Topic"}, nil},
		{team, "pre-delete", "delete-notebook.json", "SUCCESS", "", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			payload, err := os.ReadFile(filepath.Join("testdata", "hooks", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			r := tt.emu.invoke(t, payload)
			var resp struct {
				HookStatus, ErrorCode, Message, ClientRequestToken string
			}
			if r.errorMessage != "" || json.Unmarshal([]byte(r.body), &resp) != nil {
				t.Fatalf("answer %d %s\nemulator output:\n%s", r.status, r.body, tt.emu.out)
			}
			if resp.HookStatus != tt.status || resp.ErrorCode != tt.code || resp.ClientRequestToken == "" {
				t.Errorf("answer %+v, want %s %s with the request's token", resp, tt.status, tt.code)
			}
			for _, f := range tt.has {
				if !strings.Contains(resp.Message, f) {
					t.Errorf("message lacks %q: %s", f, resp.Message)
				}
			}
			for _, f := range tt.not {
				if strings.Contains(resp.Message, f) {
					t.Errorf("message has %q: %s", f, resp.Message)
				}
			}
		})
	}
	if calls := srv.Calls(); len(calls) != 0 {
		t.Errorf("the hook made %d AWS calls, want none", len(calls))
	}

	t.Run("the hook function refuses a Config rule event", func(t *testing.T) {
		r := team.invoke(t, fixture(t, "change-noncompliant.json"))
		if !strings.Contains(r.errorMessage, "hook requests only") {
			t.Errorf("answer %d %s, want a refusal", r.status, r.body)
		}
		if calls := srv.Calls(); len(calls) != 0 {
			t.Errorf("the refused event made %d AWS calls", len(calls))
		}
	})
}
