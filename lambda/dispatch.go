package lambda

import (
	"context"
	"encoding/json"
	"errors"
)

// kind is what an invocation payload is; one function serves them all.
type kind int

const (
	kindUnknown kind = iota
	// kindConfig: an AWS Config rule invocation (invokingEvent, ruleParameters…).
	kindConfig
	// kindHook: a CloudFormation Lambda hook invocation (hookTypeName, requestData…).
	kindHook
	// kindEvent: an Amazon EventBridge event (detail-type, source, detail), such as a CloudTrail API call.
	kindEvent
)

// classify tells the payload's kind from its top-level keys, without decoding the rest.
func classify(payload []byte) kind {
	var keys map[string]json.RawMessage
	if json.Unmarshal(payload, &keys) != nil {
		return kindUnknown
	}
	switch {
	case keys["invokingEvent"] != nil:
		return kindConfig
	case keys["hookTypeName"] != nil || keys["actionInvocationPoint"] != nil:
		return kindHook
	case keys["detail-type"] != nil && keys["detail"] != nil:
		return kindEvent
	}
	return kindUnknown
}

// serve is the function handler: it routes the payload by its kind, and logs
// an error as well as returning it, so that it shows in the function's log
// and in the caller (Config, CloudFormation, EventBridge).
func (h *Handler) serve(ctx context.Context, payload json.RawMessage) (json.RawMessage, error) {
	var (
		out json.RawMessage
		err error
	)
	k := classify(payload)
	if h.Hook != nil && h.Hook.Only && k != kindHook {
		err = errors.New("this function answers CloudFormation hook requests only")
		h.Log.Error("invocation refused", "error", err.Error())
		return nil, err
	}
	switch k {
	case kindConfig:
		err = h.Invoke(ctx, payload)
	case kindHook:
		out, err = h.invokeHook(ctx, payload)
	case kindEvent:
		err = h.invokeEvent(ctx, payload)
	default:
		err = errors.New("unrecognised invocation: not an AWS Config rule event, a CloudFormation hook request or an EventBridge event")
	}
	if err != nil {
		h.Log.Error("invocation failed", "error", err.Error())
	}
	return out, err
}
