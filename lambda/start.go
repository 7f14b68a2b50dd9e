package lambda

import (
	"context"
	"log/slog"
	"os"
	"time"

	awslambda "github.com/aws/aws-lambda-go/lambda"

	"github.com/aiguard/aiguard/rules"
)

// Defaults of the function for resending evaluations that PutEvaluations
// reports as failed.
const (
	DefaultAttempts = 5
	DefaultBackoff  = 200 * time.Millisecond
)

// Start runs the function: it builds the SDK clients once for the
// container, then serves invocations through the Lambda Runtime API with
// the rules of reg, logging JSON lines to stdout. It returns only when the
// AWS configuration cannot be loaded; otherwise the runtime owns the
// process until the execution environment shuts down.
func Start(reg *rules.Registry) error {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	clients, err := NewSDKClients(context.Background())
	if err != nil {
		return err
	}
	hook, err := HookSettingsFromEnv()
	if err != nil {
		return err
	}
	h := &Handler{
		Hook:     hook,
		Rules:    reg,
		Clients:  clients,
		Log:      log,
		Attempts: DefaultAttempts,
		Backoff:  DefaultBackoff,
	}
	awslambda.Start(h.serve)
	return nil
}
