package lambda

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/aiguard/aiguard/awsclient"
	"github.com/aiguard/aiguard/internal/testenv/localaws"
	"github.com/aiguard/aiguard/rules"
)

// The function's own credentials in these tests.
const (
	baseKey    = "AKIAIOSFODNN7EXAMPLE"
	baseSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

// retryPause is the SDK retry delay in tests: short, but long enough to see
// between recorded calls.
const retryPause = 10 * time.Millisecond

// harness is a Handler wired to real SDK clients that talk to a local AWS
// endpoint.
type harness struct {
	srv     *localaws.Server
	clients *SDKClients
	h       *Handler
	logs    *bytes.Buffer
	// periodic records the Env of each run of the test periodic rules.
	periodic *[]rules.Env
}

type harnessOptions struct {
	region string // us-east-1 when empty
	local  localaws.Options
}

// newHarness starts localaws and builds the handler on NewSDKClients, with
// aiguard's retry settings except for a short, fixed backoff.
func newHarness(t *testing.T, o harnessOptions) *harness {
	t.Helper()
	isolateEnv(t)
	if o.region == "" {
		o.region = "us-east-1"
	}
	if o.local.Credentials == nil {
		o.local.Credentials = map[string]string{baseKey: baseSecret}
	}
	srv, err := localaws.Start(o.local)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	clients, err := NewSDKClients(context.Background(),
		config.WithRegion(o.region),
		config.WithBaseEndpoint(srv.URL),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(baseKey, baseSecret, "")),
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(awsclient.StandardRetry, func(so *retry.StandardOptions) {
				so.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return retryPause, nil })
			})
		}),
	)
	if err != nil {
		t.Fatal(err)
	}
	var periodic []rules.Env
	logs := &bytes.Buffer{}
	return &harness{
		srv:     srv,
		clients: clients,
		h: &Handler{
			Rules:    testRegistry(t, &periodic),
			Clients:  clients,
			Log:      slog.New(slog.NewJSONHandler(logs, nil)),
			Attempts: 3,
			Backoff:  20 * time.Millisecond,
		},
		logs:     logs,
		periodic: &periodic,
	}
}

// isolateEnv keeps the developer's AWS settings out of the tests.
func isolateEnv(t *testing.T) {
	for _, k := range []string{
		"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
		"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_CONFIG_SERVICE", "AWS_ENDPOINT_URL_STS",
		"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE",
	} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
}

// testRegistry holds the three notebook rules of the catalog and two
// test-only periodic rules: test-periodic-fleet reports count training jobs
// (compliant, non-compliant and not applicable in turn), and
// test-periodic-broken fails.
func testRegistry(t *testing.T, runs *[]rules.Env) *rules.Registry {
	t.Helper()
	var list []*rules.Rule
	for _, id := range []string{"sagemaker-notebook-no-direct-internet", "sagemaker-notebook-in-vpc", "sagemaker-notebook-root-access-disabled"} {
		r, ok := rules.Catalog().Get(id)
		if !ok {
			t.Fatalf("catalog has no rule %s", id)
		}
		list = append(list, r)
	}
	fleet := &rules.Rule{
		ID:            "test-periodic-fleet",
		Title:         "Training jobs of the test fleet",
		ResourceTypes: []string{"AWS::SageMaker::TrainingJob"},
		Trigger:       rules.Periodic,
		Params:        []rules.Param{{Name: "count", Type: rules.Int, Default: "3", Min: 0, Max: 100000}},
		Control:       rules.ControlNetworkIsolation,
		Severity:      rules.SeverityLow,
		Remediation:   "None; this rule exists for tests.",
		Run: func(_ context.Context, env rules.Env, p rules.Params) ([]rules.Evaluation, error) {
			*runs = append(*runs, env)
			n := int(p.Int("count"))
			out := make([]rules.Evaluation, n)
			for i := range out {
				out[i] = rules.Evaluation{
					RuleID:            "test-periodic-fleet",
					ResourceType:      "AWS::SageMaker::TrainingJob",
					ResourceID:        fmt.Sprintf("job-%05d", i),
					Compliance:        []rules.Compliance{rules.Compliant, rules.NonCompliant, rules.NotApplicable}[i%3],
					OrderingTimestamp: env.Time,
				}
				if out[i].Compliance == rules.NonCompliant {
					out[i].Annotation = "EnableNetworkIsolation is false. Recreate the job with it set to true."
				}
			}
			return out, nil
		},
	}
	broken := &rules.Rule{
		ID:            "test-periodic-broken",
		Title:         "A periodic rule whose service call fails",
		ResourceTypes: []string{"AWS::::Account"},
		Trigger:       rules.Periodic,
		Control:       rules.ControlCostAnomaly,
		Severity:      rules.SeverityLow,
		Remediation:   "None; this rule exists for tests.",
		Run: func(context.Context, rules.Env, rules.Params) ([]rules.Evaluation, error) {
			return nil, fmt.Errorf("list anomaly monitors: AccessDeniedException: not authorized")
		},
	}
	reg, err := rules.NewRegistry(append(list, fleet, broken)...)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// event reads a fixture: name is relative to the repository's
// testdata/events, or to lambda/testdata/events when it starts with "lambda:".
func event(t *testing.T, name string) []byte {
	t.Helper()
	path := filepath.Join("..", "testdata", "events", name)
	if rest, ok := strings.CutPrefix(name, "lambda:"); ok {
		path = filepath.Join("testdata", "events", rest)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// mutate changes a fixture: f gets the envelope, the decoded invokingEvent
// and the decoded ruleParameters, and may change all three.
func mutate(t *testing.T, data []byte, f func(env, invoking map[string]any, params map[string]string)) []byte {
	t.Helper()
	var env map[string]any
	if err := json.Unmarshal(data, &env); err != nil {
		t.Fatal(err)
	}
	var invoking map[string]any
	if err := json.Unmarshal([]byte(env["invokingEvent"].(string)), &invoking); err != nil {
		t.Fatal(err)
	}
	params := map[string]string{}
	if err := json.Unmarshal([]byte(env["ruleParameters"].(string)), &params); err != nil {
		t.Fatal(err)
	}
	f(env, invoking, params)
	inv, _ := json.Marshal(invoking)
	par, _ := json.Marshal(params)
	env["invokingEvent"], env["ruleParameters"] = string(inv), string(par)
	out, err := json.Marshal(env)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// logLines decodes the handler's JSON log lines.
func (hs *harness) logLines(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(hs.logs.Bytes()))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("log line is not JSON: %s", sc.Text())
		}
		out = append(out, m)
	}
	return out
}

// putLines returns the "put evaluations" log lines.
func (hs *harness) putLines(t *testing.T) []map[string]any {
	return slices.DeleteFunc(hs.logLines(t), func(m map[string]any) bool { return m["msg"] != "put evaluations" })
}

// batchSizes returns the number of evaluations each PutEvaluations call
// carried, failed calls included.
func (hs *harness) batchSizes() []int {
	var out []int
	for _, c := range hs.srv.CallsTo(localaws.OpPutEvaluations) {
		n := -1
		if c.PutEvaluations != nil {
			n = len(c.PutEvaluations.Evaluations)
		}
		out = append(out, n)
	}
	return out
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	ts, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return ts
}
