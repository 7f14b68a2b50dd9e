package lambda

import (
	"context"
	"errors"
)

// invokeEvent handles an EventBridge event (a CloudTrail API call matched by a detection).
func (h *Handler) invokeEvent(ctx context.Context, payload []byte) error {
	return errors.New("EventBridge events are not supported yet")
}
