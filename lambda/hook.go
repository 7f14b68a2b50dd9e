package lambda

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aiguard/aiguard/awsid"
	"github.com/aiguard/aiguard/internal/cfnjudge"
	"github.com/aiguard/aiguard/internal/hookconfig"
	"github.com/aiguard/aiguard/rules"
)

// HookSettings configure the answers to CloudFormation Lambda hook
// invocations.
type HookSettings struct {
	// Config is the team's rules and parameters; nil runs every rule that
	// covers a type, with its defaults.
	Config *hookconfig.Config
	// Only makes the function refuse every other kind of invocation: a hook
	// function may be invoked from every account of a team or the
	// organization, and must not act on a Config rule event.
	Only bool
}

// HookSettingsFromEnv reads the hook settings from the function's
// environment: hookconfig.EnvVar and AIGUARD_INVOCATIONS=hook.
func HookSettingsFromEnv() (*HookSettings, error) {
	s := &HookSettings{Only: os.Getenv("AIGUARD_INVOCATIONS") == "hook"}
	if v := os.Getenv(hookconfig.EnvVar); v != "" {
		c, err := hookconfig.Decode(v)
		if err != nil {
			return nil, err
		}
		s.Config = &c
	}
	return s, nil
}

// hookRequest is a CloudFormation Lambda hook invocation for a resource
// operation (AWS CloudFormation Hooks User Guide, "Create Lambda functions
// to evaluate resources for Lambda Hooks").
type hookRequest struct {
	ClientRequestToken    string `json:"clientRequestToken"`
	AWSAccountID          string `json:"awsAccountId"`
	StackID               string `json:"stackId"`
	HookTypeName          string `json:"hookTypeName"`
	ActionInvocationPoint string `json:"actionInvocationPoint"`
	RequestData           struct {
		TargetName      string `json:"targetName"`
		TargetType      string `json:"targetType"`
		TargetLogicalID string `json:"targetLogicalId"`
		TargetModel     struct {
			ResourceProperties         json.RawMessage `json:"resourceProperties"`
			PreviousResourceProperties json.RawMessage `json:"previousResourceProperties"`
		} `json:"targetModel"`
	} `json:"requestData"`
}

// hookResponse is what the hook expects back.
type hookResponse struct {
	HookStatus         string `json:"hookStatus"`
	ErrorCode          string `json:"errorCode,omitempty"`
	Message            string `json:"message"`
	ClientRequestToken string `json:"clientRequestToken"`
}

// Hook statuses and error codes.
const (
	hookSuccess         = "SUCCESS"
	hookFailed          = "FAILED"
	hookNonCompliant    = "NonCompliant"
	hookInternalFailure = "InternalFailure"
	// maxHookMessage is where CloudFormation cuts the message.
	maxHookMessage = 4096
)

// invokeHook answers a CloudFormation Lambda hook invocation: it judges the
// resource CloudFormation is about to create or update with the rules that
// scan runs on templates, and answers FAILED (NonCompliant) with the rules'
// annotations when one finds it non-compliant, SUCCESS otherwise,
// including for types no rule covers and for values it cannot resolve. A
// request it cannot read is answered FAILED (InternalFailure), so that a
// hook in FAIL mode fails closed.
func (h *Handler) invokeHook(ctx context.Context, payload []byte) (json.RawMessage, error) {
	var req hookRequest
	resp := hookResponse{HookStatus: hookSuccess}
	if err := json.Unmarshal(payload, &req); err != nil {
		resp.HookStatus, resp.ErrorCode = hookFailed, hookInternalFailure
		resp.Message = "aiguard: unreadable hook request: " + err.Error()
	} else {
		resp = h.judge(ctx, req)
		resp.ClientRequestToken = req.ClientRequestToken
	}
	resp.Message = clipMessage(resp.Message)
	h.Log.Info("hook", "status", resp.HookStatus, "errorCode", resp.ErrorCode, "account", req.AWSAccountID,
		"type", req.RequestData.TargetType, "logicalId", req.RequestData.TargetLogicalID, "action", req.ActionInvocationPoint)
	return json.Marshal(resp)
}

// judge evaluates one request.
func (h *Handler) judge(ctx context.Context, req hookRequest) hookResponse {
	fail := func(format string, args ...any) hookResponse {
		return hookResponse{HookStatus: hookFailed, ErrorCode: hookInternalFailure, Message: "aiguard: " + fmt.Sprintf(format, args...)}
	}
	switch req.ActionInvocationPoint {
	case "CREATE_PRE_PROVISION", "UPDATE_PRE_PROVISION":
	default:
		return hookResponse{HookStatus: hookSuccess, Message: "aiguard: nothing to judge at " + req.ActionInvocationPoint}
	}
	d := req.RequestData
	typ := d.TargetType
	if typ == "" {
		typ = d.TargetName
	}
	if typ == "" {
		return fail("the request names no target type")
	}
	logical := d.TargetLogicalID
	if logical == "" {
		logical = typ
	}
	opts := cfnjudge.ResourceOptions{AccountID: req.AWSAccountID, Region: stackRegion(req.StackID), Now: time.Now()}
	if s := h.Hook; s != nil && s.Config != nil {
		opts.Params = s.Config.Rules
		for id := range s.Config.Rules {
			if r, ok := h.Rules.Get(id); ok && r.Check != nil && r.Covers(typ) {
				opts.Rules = append(opts.Rules, id)
			}
		}
		if len(opts.Rules) == 0 {
			return hookResponse{HookStatus: hookSuccess, Message: fmt.Sprintf("aiguard: team %s runs no rule on %s", s.Config.Team, typ)}
		}
		sort.Strings(opts.Rules)
	}
	evals, err := cfnjudge.EvaluateResource(ctx, cfnjudge.Resource{LogicalID: logical, Type: typ,
		Properties: d.TargetModel.ResourceProperties}, opts)
	if err != nil {
		return fail("%s %s: %v", typ, logical, err)
	}
	if len(evals) == 0 {
		return hookResponse{HookStatus: hookSuccess, Message: "aiguard: no rule covers " + typ}
	}
	var failed, passed, skipped []string
	for _, ev := range evals {
		switch ev.Compliance {
		case rules.NonCompliant:
			failed = append(failed, ev.RuleID+": "+ev.Annotation)
		case rules.Compliant:
			passed = append(passed, ev.RuleID)
		default:
			skipped = append(skipped, ev.RuleID)
		}
	}
	if len(failed) > 0 {
		return hookResponse{HookStatus: hookFailed, ErrorCode: hookNonCompliant,
			Message: fmt.Sprintf("aiguard: %s %s is non-compliant: %s", typ, logical, strings.Join(failed, "; "))}
	}
	msg := fmt.Sprintf("aiguard: %s %s passes %d rules", typ, logical, len(passed))
	if len(skipped) > 0 {
		msg += fmt.Sprintf("; not applicable or not decidable before deployment: %s", strings.Join(skipped, ", "))
	}
	return hookResponse{HookStatus: hookSuccess, Message: msg}
}

// stackRegion returns the Region of a stack ARN, or the function's own.
func stackRegion(stackID string) string {
	if a, ok := awsid.SplitARN(stackID); ok && a.Region != "" {
		return a.Region
	}
	return os.Getenv("AWS_REGION")
}

// clipMessage cuts a message to what CloudFormation shows, at a character
// boundary.
func clipMessage(s string) string {
	if len(s) <= maxHookMessage {
		return s
	}
	cut := maxHookMessage - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
