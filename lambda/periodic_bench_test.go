package lambda

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/aiguard/aiguard/internal/testenv/localaws"
	"github.com/aiguard/aiguard/rules"
)

// BenchmarkPeriodicTrainingJobs10k runs sagemaker-training-job-hardened
// over an account with 10,000 training jobs in the window, every AWS call
// answered after 20ms, as the function does: real SDK clients with
// aiguard's retry settings, Lambda's 15-minute deadline, listing,
// describing at describeConcurrency, reconciling against the 10,000
// results of an earlier run, and putting 10,000 evaluations. It reports
// the wall time of one invocation and the API calls it made.
//
//	go test ./lambda -run '^$' -bench PeriodicTrainingJobs10k -benchtime 1x
func BenchmarkPeriodicTrainingJobs10k(b *testing.B) {
	const jobs = 10000
	srv, err := localaws.Start(localaws.Options{Latency: 20 * time.Millisecond})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	srv.BindResultToken(resultToken, configRule)
	base, err := localaws.Fixture("sagemaker/DescribeTrainingJob.hardened")
	if err != nil {
		b.Fatal(err)
	}
	for i := range jobs {
		name := fmt.Sprintf("job-%05d", i)
		d := localaws.Doc{}
		for k, v := range base {
			d[k] = v
		}
		d.Set("TrainingJobName", name).Set("TrainingJobArn", smARN+"training-job/"+name).
			Set("CreationTime", json.Number(fmt.Sprint(notified.Add(-time.Duration(i)*10*time.Second).Unix())))
		if err := srv.AddSageMakerDoc(localaws.SageMakerTrainingJob, d); err != nil {
			b.Fatal(err)
		}
		// The results of an earlier run, for the reconciliation to page through.
		srv.AddEvaluationResult(configRule, localaws.Evaluation{ComplianceResourceType: rules.TypeAccount,
			ComplianceResourceID: smARN + "training-job/" + name, ComplianceType: "COMPLIANT", OrderingTimestamp: notified.Add(-24 * time.Hour)})
	}
	for _, k := range []string{"AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_CONFIG_SERVICE", "AWS_ENDPOINT_URL_SAGEMAKER", "AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE"} {
		b.Setenv(k, "")
	}
	clients, err := NewSDKClients(context.Background(),
		config.WithRegion("us-east-1"),
		config.WithBaseEndpoint(srv.URL),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("AKIDBENCH", "secret", "")),
	)
	if err != nil {
		b.Fatal(err)
	}
	h := &Handler{Rules: rules.Catalog(), Clients: clients, Log: slog.New(slog.NewJSONHandler(io.Discard, nil)),
		Attempts: DefaultAttempts, Backoff: DefaultBackoff}

	for _, n := range []int{4, 16, 32} {
		b.Run(fmt.Sprintf("describeConcurrency=%d", n), func(b *testing.B) {
			ev := benchEvent(b, map[string]string{"ruleId": "sagemaker-training-job-hardened", "describeConcurrency": fmt.Sprint(n)})
			var wall time.Duration
			var calls int
			for b.Loop() {
				srv.Reset()
				ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
				start := time.Now()
				err := h.Invoke(ctx, ev)
				wall = time.Since(start)
				cancel()
				if err != nil {
					b.Fatal(err)
				}
				calls = len(srv.Calls())
			}
			if got := len(srv.Evaluations()); got != jobs {
				b.Fatalf("put %d evaluations, want %d", got, jobs)
			}
			b.ReportMetric(wall.Seconds(), "s/invocation")
			b.ReportMetric(float64(calls), "calls/invocation")
			b.Logf("describeConcurrency=%d: %v wall, %d calls (%s)", n, wall.Round(time.Millisecond), calls, callSummary(srv))
		})
	}
}

func callSummary(srv *localaws.Server) string {
	counts := map[string]int{}
	for _, c := range srv.Calls() {
		counts[c.Operation]++
	}
	ops := make([]string, 0, len(counts))
	for op, n := range counts {
		ops = append(ops, fmt.Sprintf("%s %d", op, n))
	}
	sort.Strings(ops)
	return strings.Join(ops, ", ")
}

// benchEvent is the scheduled fixture with the given rule parameters, for
// configRule.
func benchEvent(b *testing.B, params map[string]string) []byte {
	b.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "events", "scheduled-fleet.json"))
	if err != nil {
		b.Fatal(err)
	}
	var env map[string]any
	if err := json.Unmarshal(data, &env); err != nil {
		b.Fatal(err)
	}
	p, _ := json.Marshal(params)
	env["ruleParameters"], env["configRuleName"] = string(p), configRule
	out, err := json.Marshal(env)
	if err != nil {
		b.Fatal(err)
	}
	return out
}
