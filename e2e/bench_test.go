package e2e

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/aiguard/aiguard/internal/localaws"
	"github.com/aiguard/aiguard/lambda"
	"github.com/aiguard/aiguard/rules"
)

// BenchmarkColdStart measures a Lambda cold start under the Runtime
// Interface Emulator: from starting the emulator process to the first
// successful invocation response, which includes starting the function and
// its initialisation. aiguard's bootstrap handles a change event (one rule,
// one PutEvaluations to localaws); the minimal aws-lambda-go function, built
// in the same run with the same flags, is the baseline.
func BenchmarkColdStart(b *testing.B) {
	requireBinaries(b)
	srv := startLocalAWS(b, localaws.Options{})
	payload := fixture(b, "change-noncompliant.json")
	for _, fn := range []struct{ name, path string }{
		{"aiguard", bin.bootstrap},
		{"minimal", bin.minimal},
	} {
		b.Run(fn.name, func(b *testing.B) {
			var total time.Duration
			var n int
			for b.Loop() {
				b.StopTimer()
				srv.Reset()
				b.StartTimer()
				e, err := launch(fn.path, emulatorEnv(srv.URL, "us-east-1"), b.TempDir())
				if err != nil {
					b.Fatal(err)
				}
				r, err := e.post(payload)
				elapsed := time.Since(e.started)
				b.StopTimer()
				e.stop()
				if err != nil {
					b.Fatal(err)
				}
				if r.status != 200 || r.body != "null" {
					b.Fatalf("invocation answered %d %s\n%s", r.status, r.body, e.out)
				}
				total += elapsed
				n++
				b.StartTimer()
			}
			b.ReportMetric(float64(total.Microseconds())/1e3/float64(n), "ms/start")
			// Reported after the loop, which deletes metrics reported before it.
			if info, err := os.Stat(fn.path); err == nil {
				b.ReportMetric(float64(info.Size())/1e6, "MB-binary")
			}
		})
	}
}

// BenchmarkHandlerInvoke measures one warm invocation in process: decode a
// change event, run the rule, and deliver the evaluation with the real
// Config client to localaws over loopback HTTP, signed and verified.
func BenchmarkHandlerInvoke(b *testing.B) {
	srv := startLocalAWS(b, localaws.Options{})
	for _, k := range []string{"AWS_PROFILE", "AWS_ENDPOINT_URL_CONFIG_SERVICE"} {
		b.Setenv(k, "")
		os.Unsetenv(k)
	}
	clients, err := lambda.NewSDKClients(context.Background(),
		config.WithRegion("us-east-1"),
		config.WithBaseEndpoint(srv.URL),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(baseKey, baseSecret, "")),
		config.WithSharedConfigFiles([]string{}),
		config.WithSharedCredentialsFiles([]string{}),
	)
	if err != nil {
		b.Fatal(err)
	}
	h := &lambda.Handler{
		Rules:    rules.Catalog(),
		Clients:  clients,
		Log:      slog.New(slog.NewJSONHandler(io.Discard, nil)),
		Attempts: lambda.DefaultAttempts,
		Backoff:  lambda.DefaultBackoff,
	}
	payload := fixture(b, "change-noncompliant.json")
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := h.Invoke(ctx, payload); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		srv.Reset() // keep the recorded calls from growing
		b.StartTimer()
	}
}
