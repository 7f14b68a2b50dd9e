// Command bootstrap is aiguard's Config rule Lambda function, for the
// provided.al2023 runtime. One binary serves every rule in the catalog; the
// rule to run comes from each Config rule's ruleId input parameter.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	aglambda "github.com/aiguard/aiguard/lambda"
	"github.com/aiguard/aiguard/rules"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	clients, err := aglambda.NewSDKClients(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "aiguard bootstrap:", err)
		os.Exit(1)
	}
	h := &aglambda.Handler{
		Rules:    rules.Catalog(),
		Clients:  clients,
		Log:      log,
		Attempts: 5,
		Backoff:  200 * time.Millisecond,
	}
	lambda.Start(func(ctx context.Context, event json.RawMessage) error {
		err := h.Invoke(ctx, event)
		if err != nil {
			log.Error("invocation failed", "error", err.Error())
		}
		return err
	})
}
