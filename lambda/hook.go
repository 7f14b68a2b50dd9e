package lambda

import (
	"context"
	"encoding/json"
	"errors"
)

// invokeHook answers a CloudFormation Lambda hook invocation.
func (h *Handler) invokeHook(ctx context.Context, payload []byte) (json.RawMessage, error) {
	return nil, errors.New("CloudFormation hook invocations are not supported yet")
}
