package e2e

// The moto suite: moto_server (https://github.com/getmoto/moto) is a second,
// independent implementation of the AWS APIs. internal/testenv/localaws is our own
// reading of them, so a suite that only talks to it can share our mistakes;
// here the real bootstrap, the CLI and the ASFF output meet an AWS we did not
// write. Resources are created with boto3 (testdata/moto/seed.py) and
// exported with the AWS CLI, as a user would.
//
// moto 5.2.1 is faithful where this suite uses it. Where it is not, the
// suite keeps to what it gets right, and these notes say what is left out:
//
//   - Config: timestamps are Python date strings ("2026-12-07
//     06:50:23.359605+00:00") where the API (awsJson1_1) has epoch seconds,
//     so the Go SDK cannot read GetResourceConfigHistory or
//     BatchGetResourceConfig; the proxy in front of moto (motoServer)
//     rewrites exactly those two fields of those two answers, nothing else.
//     Of the types aiguard's change rules judge, moto records S3 buckets
//     only (not KMS keys, SageMaker or Bedrock resources), and their CIs
//     lack ServerSideEncryptionConfiguration, so s3-ml-bucket-cmk-encrypted
//     is not judged on them. IAM role CIs carry capture times without a
//     time zone, which RFC 3339 does not allow and aiguard refuses, and the
//     role name as resourceId (AWS uses the role ID), and
//     GetResourceConfigHistory fails for roles (an AttributeError in moto):
//     no role CI is used. SelectResourceConfig does not run its SQL (it
//     answers results set up in moto's own backend, empty here): not used.
//     PutEvaluations works only in TestMode, and refuses an empty
//     Evaluations list, which the API model allows (0 to 100 items) and
//     aiguard sends when a periodic run finds nothing; and
//     GetComplianceDetailsByConfigRule is missing. So periodic runs deliver
//     their evaluations to localaws' Config, which reconciles, and runs
//     against moto's Config are in TestMode with evaluations.
//   - SageMaker: CreateModel ignores EnableNetworkIsolation,
//     CreateProcessingJob drops ProcessingResources, DescribeEndpointConfig
//     returns an empty DataCaptureConfig, and CreateUserProfile and
//     ListUserProfiles are missing: the endpoint, processing-job and
//     execution-role rules are not run here (the IAM source that the
//     execution-role rule reads is, on its own).
//   - Bedrock timestamps are not ISO 8601 and custom-model keys are made up;
//     Bedrock Agent's updatedAt is an epoch number and guardrailConfiguration
//     is dropped; Comprehend's SubmitTimeAfter filter fails and its
//     timestamps are strings; Rekognition collections and Cost Explorer
//     anomaly monitors are missing. Only Bedrock's invocation logging
//     setting is read here.
//   - Security Hub's BatchImportFindings accepts any finding with a Resources
//     list, so testdata/moto/asff.py checks each finding against botocore's
//     Security Hub model itself.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/aiguard/aiguard/internal/cli/cmdutil"
	"github.com/aiguard/aiguard/internal/cli/root"
	"github.com/aiguard/aiguard/lambda"
)

// motoHint is how to get what the suite needs.
const motoHint = `pip install "moto[server]" awscli`

// motoTools records, once per run, why the moto suite cannot run ("" when
// it can).
var motoTools = sync.OnceValue(func() string {
	for _, tool := range []string{"moto_server", "python3", "aws"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Sprintf("%s not found on PATH (%s)", tool, motoHint)
		}
	}
	if out, err := exec.Command("python3", "-c", "import boto3, botocore").CombinedOutput(); err != nil {
		return fmt.Sprintf("python3 cannot import boto3 (%s): %v %s", motoHint, err, bytes.TrimSpace(out))
	}
	return ""
})

// requireMoto skips the test, saying why, when moto, boto3 or the AWS CLI
// is missing, and needs the bootstrap and the emulator like every e2e test.
func requireMoto(t *testing.T) {
	t.Helper()
	requireBinaries(t)
	if why := motoTools(); why != "" {
		t.Skip("moto suite skipped: " + why)
	}
}

// motoServer is one moto_server on a loopback port with a recording proxy
// in front of it. Clients under test (the bootstrap) talk to the proxy, URL;
// the seeding scripts and the AWS CLI talk to moto directly.
type motoServer struct {
	URL     string // the proxy
	direct  string // moto itself
	account string

	mu    sync.Mutex
	calls []motoCall
}

// motoCall is one request that went through the proxy.
type motoCall struct {
	Service   string // signing name: config, sts, sagemaker…
	Operation string // X-Amz-Target's operation, a query request's Action, or "METHOD path"
	AccessKey string // of the signature
	Request   []byte
	Status    int
	Response  []byte
}

// startMoto starts moto_server and its proxy; both stop when the test ends.
func startMoto(t *testing.T) *motoServer {
	t.Helper()
	var lastErr error
	for range 3 { // a free port can be taken between finding and binding it
		direct, err := launchMoto(t)
		if err == nil {
			m := &motoServer{direct: direct}
			proxy := httptest.NewServer(http.HandlerFunc(m.forward))
			t.Cleanup(proxy.Close)
			m.URL = proxy.URL
			return m
		}
		lastErr = err
	}
	t.Fatal(lastErr)
	return nil
}

// launchMoto starts moto_server on a free loopback port and waits until it
// answers; it returns moto's URL.
func launchMoto(t *testing.T) (string, error) {
	ports, err := freePorts(1)
	if err != nil {
		return "", err
	}
	base := "http://127.0.0.1:" + strconv.Itoa(ports[0])
	cmd := exec.Command("moto_server", "-H", "127.0.0.1", "-p", strconv.Itoa(ports[0]))
	cmd.Env = motoEnv(t)
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	// Its own process group, so that the stop reaches a wrapper's child too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("start moto_server: %w", err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	stop := func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(base + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			t.Cleanup(stop)
			return base, nil
		}
		select {
		case <-exited:
			return "", fmt.Errorf("moto_server exited before it answered:\n%s", out)
		default:
		}
		if time.Now().After(deadline) {
			stop()
			return "", fmt.Errorf("moto_server did not answer within 30s: %v\n%s", err, out)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// motoEnv is the environment of moto and of the Python tools: the test's,
// without the developer's AWS settings, with the function's credentials.
func motoEnv(t *testing.T) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	none := filepath.Join(t.TempDir(), "none")
	return append(env,
		"AWS_ACCESS_KEY_ID="+baseKey,
		"AWS_SECRET_ACCESS_KEY="+baseSecret,
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_CONFIG_FILE="+none,
		"AWS_SHARED_CREDENTIALS_FILE="+none,
		"AWS_EC2_METADATA_DISABLED=true",
	)
}

// seed runs a scenario of testdata/moto/seed.py against moto and returns
// what it made.
func (m *motoServer) seed(t *testing.T, scenario string) map[string]any {
	t.Helper()
	cmd := exec.Command("python3", filepath.Join("testdata", "moto", "seed.py"), m.direct, scenario)
	cmd.Env = motoEnv(t)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("seed %s: %v\n%s", scenario, err, stderr.String())
	}
	var facts map[string]any
	if err := json.Unmarshal(out, &facts); err != nil {
		t.Fatalf("seed %s: %v\n%s", scenario, err, out)
	}
	if a, ok := facts["account"].(string); ok {
		m.account = a
	}
	return facts
}

// aws runs the AWS CLI against moto and returns its standard output.
func (m *motoServer) aws(t *testing.T, args ...string) []byte {
	t.Helper()
	cmd := exec.Command("aws", append([]string{"--endpoint-url", m.direct, "--output", "json"}, args...)...)
	cmd.Env = motoEnv(t)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out
}

// python runs a script of testdata/moto with the arguments and input.
func (m *motoServer) python(t *testing.T, script string, input []byte, args ...string) []byte {
	t.Helper()
	cmd := exec.Command("python3", append([]string{filepath.Join("testdata", "moto", script)}, args...)...)
	cmd.Env = motoEnv(t)
	cmd.Stdin = bytes.NewReader(input)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", script, err, stderr.String())
	}
	return out
}

// forward passes a request on to moto and records it.
func (m *motoServer) forward(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	call := motoCall{Request: body}
	call.AccessKey, call.Service = credentialScope(r.Header.Get("Authorization"))
	call.Operation = operationOf(r, body)
	req, err := http.NewRequestWithContext(r.Context(), r.Method, m.direct+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	req.Header = r.Header.Clone()
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	if call.Service == "config" && resp.StatusCode == http.StatusOK &&
		(call.Operation == "GetResourceConfigHistory" || call.Operation == "BatchGetResourceConfig") {
		if out, err = epochTimes(out); err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
	}
	call.Status, call.Response = resp.StatusCode, out
	m.mu.Lock()
	m.calls = append(m.calls, call)
	m.mu.Unlock()
	for k, vs := range resp.Header {
		if k != "Content-Length" {
			w.Header()[k] = vs
		}
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(out)
}

// callsTo returns the recorded calls of an operation.
func (m *motoServer) callsTo(operation string) []motoCall {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []motoCall
	for _, c := range m.calls {
		if c.Operation == operation {
			out = append(out, c)
		}
	}
	return out
}

// reset forgets the recorded calls.
func (m *motoServer) reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls = nil
}

// credentialScope returns the access key and the service of a SigV4
// Authorization header.
func credentialScope(auth string) (key, service string) {
	_, cred, ok := strings.Cut(auth, "Credential=")
	if !ok {
		return "", ""
	}
	cred, _, _ = strings.Cut(cred, ",")
	parts := strings.Split(cred, "/")
	if len(parts) != 5 {
		return "", ""
	}
	return parts[0], parts[3]
}

// operationOf names the operation of a request in any of the protocols.
func operationOf(r *http.Request, body []byte) string {
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		_, op, _ := strings.Cut(target, ".")
		return op
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		if form, err := url.ParseQuery(string(body)); err == nil && form.Get("Action") != "" {
			return form.Get("Action")
		}
	}
	op := r.Method + " " + r.URL.Path
	if r.URL.RawQuery != "" {
		op += "?" + r.URL.RawQuery
	}
	return op
}

// motoTimeLayout is Python's str of a datetime with a time zone.
const motoTimeLayout = "2006-01-02 15:04:05.999999999Z07:00"

// epochTimes rewrites configurationItemCaptureTime and resourceCreationTime
// of the CIs in a Config answer from moto's Python date strings to epoch
// seconds, which the API model (awsJson1_1 timestamps) prescribes and the
// SDK reads. Nothing else is touched.
func epochTimes(body []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("moto's Config answer: %w", err)
	}
	for _, list := range []string{"configurationItems", "baseConfigurationItems"} {
		items, _ := doc[list].([]any)
		for _, it := range items {
			ci, _ := it.(map[string]any)
			for _, field := range []string{"configurationItemCaptureTime", "resourceCreationTime"} {
				s, ok := ci[field].(string)
				if !ok {
					continue
				}
				ts, err := time.Parse(motoTimeLayout, s)
				if err != nil {
					return nil, fmt.Errorf("moto's Config answer: %s: %w", field, err)
				}
				ci[field] = json.Number(strconv.FormatFloat(float64(ts.UnixMicro())/1e6, 'f', -1, 64))
			}
		}
	}
	return json.Marshal(doc)
}

// cli runs an aiguard command line in process, as cmd/aiguard does, and
// returns its standard output; it fails the test on an exit status other
// than 0 and returns standard error too.
func cli(t *testing.T, args ...string) (stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := root.NewCmdRoot(&cmdutil.IO{In: strings.NewReader(""), Out: &out, Err: &errOut})
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	if err := cmd.Execute(); err != nil {
		t.Fatalf("aiguard %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String(), errOut.String()
}

// configEvent builds a Config rule event of the account, for the Config
// rule named ruleName, with the rule parameters and result token given.
func configEvent(t *testing.T, account, ruleName, token string, invoking map[string]any, params map[string]string) []byte {
	t.Helper()
	inv, err := json.Marshal(invoking)
	if err != nil {
		t.Fatal(err)
	}
	par, err := json.Marshal(params)
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(map[string]any{
		"invokingEvent":    string(inv),
		"ruleParameters":   string(par),
		"resultToken":      token,
		"eventLeftScope":   false,
		"executionRoleArn": "arn:aws:iam::" + account + ":role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig",
		"configRuleArn":    "arn:aws:config:us-east-1:" + account + ":config-rule/config-rule-e2e001",
		"configRuleName":   ruleName,
		"configRuleId":     "config-rule-e2e001",
		"accountId":        account,
		"version":          "1.0",
	})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// scheduledInvoking is the invokingEvent of a periodic trigger at notified.
func scheduledInvoking(account string, notified time.Time) map[string]any {
	return map[string]any{
		"awsAccountId":             account,
		"notificationCreationTime": notified.UTC().Format("2006-01-02T15:04:05.000Z"),
		"messageType":              "ScheduledNotification",
		"recordVersion":            "1.0",
	}
}

// verdicts decodes the JSON output of aiguard evaluate or scan into
// rule/resource -> compliance.
func verdicts(t *testing.T, out string) map[string]string {
	t.Helper()
	var evals []struct {
		RuleID, ComplianceResourceID, ComplianceType string
	}
	if err := json.Unmarshal([]byte(out), &evals); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	m := map[string]string{}
	for _, e := range evals {
		m[e.RuleID+" "+e.ComplianceResourceID] = e.ComplianceType
	}
	return m
}

// clients are the SDK clients of the function, as lambda.Start makes them,
// talking to moto through the proxy with the function's credentials.
func (m *motoServer) clients(t *testing.T) *lambda.SDKClients {
	t.Helper()
	c, err := lambda.NewSDKClients(withTimeout(t), config.WithRegion("us-east-1"), config.WithBaseEndpoint(m.URL),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(baseKey, baseSecret, "")),
		config.WithSharedConfigFiles([]string{}), config.WithSharedCredentialsFiles([]string{}))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// withTimeout is a context for a direct SDK call in a test.
func withTimeout(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}
