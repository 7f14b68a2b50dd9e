package lambda

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/internal/hookconfig"
	"github.com/aiguard/aiguard/rules"
)

// hookPayloads are the hook requests the emulator tests send too.
var hookPayloads = filepath.Join("..", "e2e", "testdata", "hooks")

func TestInvokeHook(t *testing.T) {
	research := &hookconfig.Config{Team: "research", Rules: map[string]map[string]string{
		"sagemaker-notebook-in-vpc":               {"allowedSubnetIds": "subnet-0b1b2c3d4e5f60011"},
		"sagemaker-notebook-root-access-disabled": {"exemptResourceIds": "research-gpu-driver-build@2030-06-30"},
		"sagemaker-notebook-no-direct-internet":   {},
		"sagemaker-model-network-isolation":       {},
	}}
	tests := []struct {
		file   string
		config *hookconfig.Config
		status string
		code   string
		has    []string
		hasNot []string
	}{
		{file: "create-notebook-noncompliant.json", status: "FAILED", code: "NonCompliant",
			has: []string{"sagemaker-notebook-no-direct-internet:", "sagemaker-notebook-root-access-disabled:", "ExperimentNotebook"}},
		// The team exempts the notebook from the root-access rule, and turns
		// other rules off.
		{file: "create-notebook-noncompliant.json", config: research, status: "FAILED", code: "NonCompliant",
			has:    []string{"sagemaker-notebook-no-direct-internet:", "sagemaker-notebook-in-vpc:"},
			hasNot: []string{"sagemaker-notebook-root-access-disabled:", "sagemaker-notebook-cmk-encrypted"}},
		{file: "create-notebook-compliant.json", config: research, status: "SUCCESS", has: []string{"passes 3 rules"}},
		{file: "update-model-isolation-off.json", status: "FAILED", code: "NonCompliant", has: []string{"sagemaker-model-network-isolation:"}},
		{file: "create-notebook-unresolved.json", status: "SUCCESS"},
		{file: "create-uncovered-type.json", status: "SUCCESS", has: []string{"no rule covers AWS::SNS::Topic"}},
		{file: "create-uncovered-type.json", config: research, status: "SUCCESS", has: []string{"team research runs no rule on AWS::SNS::Topic"}},
		{file: "delete-notebook.json", status: "SUCCESS", has: []string{"nothing to judge at DELETE_PRE_PROVISION"}},
	}
	for _, tt := range tests {
		name := tt.file
		if tt.config != nil {
			name += " (team config)"
		}
		t.Run(name, func(t *testing.T) {
			payload, err := os.ReadFile(filepath.Join(hookPayloads, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			h := &Handler{Rules: rules.Catalog(), Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
				Hook: &HookSettings{Config: tt.config}}
			out, err := h.serve(context.Background(), payload)
			if err != nil {
				t.Fatal(err)
			}
			var resp hookResponse
			if err := json.Unmarshal(out, &resp); err != nil {
				t.Fatal(err)
			}
			if resp.HookStatus != tt.status || resp.ErrorCode != tt.code {
				t.Errorf("status %s/%s, want %s/%s: %s", resp.HookStatus, resp.ErrorCode, tt.status, tt.code, resp.Message)
			}
			if resp.ClientRequestToken != "4fa9d7b3-5c1e-4a7e-9f5a-7f1d2c3b4a50" {
				t.Errorf("clientRequestToken %q not echoed", resp.ClientRequestToken)
			}
			for _, f := range tt.has {
				if !strings.Contains(resp.Message, f) {
					t.Errorf("message lacks %q: %s", f, resp.Message)
				}
			}
			for _, f := range tt.hasNot {
				if strings.Contains(resp.Message, f) {
					t.Errorf("message has %q: %s", f, resp.Message)
				}
			}
			t.Log(resp.Message)
		})
	}
}

func TestInvokeHookRejects(t *testing.T) {
	h := &Handler{Rules: rules.Catalog(), Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Hook: &HookSettings{Only: true}}
	for name, payload := range map[string]string{
		"properties not an object": `{"hookTypeName":"A::B::C","actionInvocationPoint":"CREATE_PRE_PROVISION","requestData":{"targetType":"AWS::SageMaker::Model","targetLogicalId":"M","targetModel":{"resourceProperties":[1]}}}`,
		"no type":                  `{"hookTypeName":"A::B::C","actionInvocationPoint":"CREATE_PRE_PROVISION","requestData":{}}`,
		"wrong shape":              `{"hookTypeName":"A::B::C","requestData":"x"}`,
	} {
		out, err := h.serve(context.Background(), []byte(payload))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var resp hookResponse
		if json.Unmarshal(out, &resp) != nil || resp.HookStatus != "FAILED" || resp.ErrorCode != "InternalFailure" {
			t.Errorf("%s: %s, want FAILED InternalFailure", name, out)
		}
	}
	// A hook-only function refuses a Config rule event.
	if _, err := h.serve(context.Background(), []byte(`{"invokingEvent":"{}","ruleParameters":"{}"}`)); err == nil ||
		!strings.Contains(err.Error(), "hook requests only") {
		t.Errorf("Config event: err = %v, want a refusal", err)
	}
}

func TestClipMessage(t *testing.T) {
	long := strings.Repeat("é", 3000)
	got := clipMessage(long)
	if len(got) > maxHookMessage || !strings.HasSuffix(got, "…") || !json.Valid([]byte(`"`+got+`"`)) {
		t.Errorf("clipped to %d bytes", len(got))
	}
}

// BenchmarkHook measures one hook request end to end (decode, convert,
// every notebook rule, answer) against its floor in the same run: decoding
// the request alone.
func BenchmarkHook(b *testing.B) {
	payload, err := os.ReadFile(filepath.Join(hookPayloads, "create-notebook-noncompliant.json"))
	if err != nil {
		b.Fatal(err)
	}
	h := &Handler{Rules: rules.Catalog(), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	b.Run("floor-decode", func(b *testing.B) {
		for b.Loop() {
			var req hookRequest
			if err := json.Unmarshal(payload, &req); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("hook", func(b *testing.B) {
		for b.Loop() {
			if _, err := h.invokeHook(context.Background(), payload); err != nil {
				b.Fatal(err)
			}
		}
	})
}
