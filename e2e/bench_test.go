package e2e

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/aiguard/aiguard/internal/testenv/localaws"
	"github.com/aiguard/aiguard/lambda"
	"github.com/aiguard/aiguard/rules"
)

// BenchmarkColdStart measures a Lambda cold start under the Runtime
// Interface Emulator: from starting the emulator process to the first
// successful invocation response, which includes starting the function and
// its initialisation. aiguard's bootstrap handles a change event (one rule,
// one PutEvaluations to localaws); the baseline is the minimal aws-lambda-go
// function, built in the same run with the same flags. The two are started
// in turn, so that a busy moment of the machine hits both, and the medians
// are reported: each function's, the difference and the ratio.
func BenchmarkColdStart(b *testing.B) {
	requireBinaries(b)
	srv := startLocalAWS(b, localaws.Options{})
	payload := fixture(b, "change-noncompliant.json")
	env := emulatorEnv(srv.URL, "us-east-1")
	fns := []struct{ name, path string }{{"minimal", bin.minimal}, {"aiguard", bin.bootstrap}}
	times := make([][]time.Duration, len(fns))
	for b.Loop() {
		for i, fn := range fns {
			b.StopTimer()
			srv.Reset()
			b.StartTimer()
			took, err := coldStart(fn.path, env, b.TempDir(), payload)
			if err != nil {
				b.Fatalf("%s: %v", fn.name, err)
			}
			times[i] = append(times[i], took)
		}
	}
	minimal, aiguard := median(times[0]), median(times[1])
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1e3 }
	b.ReportMetric(ms(aiguard), "ms/start")
	b.ReportMetric(ms(minimal), "ms/start-minimal")
	b.ReportMetric(ms(aiguard-minimal), "ms-over-minimal")
	b.ReportMetric(float64(aiguard)/float64(minimal), "x-minimal")
	for _, fn := range fns {
		if info, err := os.Stat(fn.path); err == nil {
			b.ReportMetric(float64(info.Size())/1e6, "MB-"+fn.name)
		}
	}
}

// coldStart starts the emulator with the function and times it from the
// emulator's start to the first invocation's successful response.
func coldStart(function string, env []string, home string, payload []byte) (time.Duration, error) {
	e, err := launch(function, env, home)
	if err != nil {
		return 0, err
	}
	defer e.stop()
	r, err := e.post(payload)
	took := time.Since(e.started)
	if err != nil {
		return 0, err
	}
	if r.status != 200 || r.body != "null" {
		return 0, fmt.Errorf("invocation answered %d %s\n%s", r.status, r.body, e.out)
	}
	return took, nil
}

// median returns the middle of ds (the mean of the middle two for an even count).
func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	n := len(s)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
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
