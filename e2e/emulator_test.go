package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aiguard/aiguard/internal/testenv/localaws"
)

// The function's own credentials, as the emulator hands them to it.
const (
	baseKey    = "AKIAIOSFODNN7EXAMPLE"
	baseSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

// Packages TestMain builds, with the flags of the release build.
const (
	pkgBootstrap = "github.com/aiguard/aiguard/cmd/bootstrap"
	pkgPeriodic  = "github.com/aiguard/aiguard/e2e/testdata/periodic"
	pkgMinimal   = "github.com/aiguard/aiguard/e2e/testdata/minimal"
	pkgRIE       = "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie"
)

// bin holds the paths of the built binaries, or why they are missing.
var bin struct {
	rie, bootstrap, periodic, minimal string
	skip                              string // reason to skip, off Linux
	err                               error  // the build failed
}

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	if runtime.GOOS != "linux" {
		bin.skip = "the Runtime Interface Emulator runs on Linux only"
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "aiguard-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	bin.err = build(dir)
	bin.rie = filepath.Join(dir, "aws-lambda-rie")
	bin.bootstrap = filepath.Join(dir, "bootstrap")
	bin.periodic = filepath.Join(dir, "periodic")
	bin.minimal = filepath.Join(dir, "minimal")
	return m.Run()
}

// build compiles the bootstrap, the test bootstraps and the emulator into
// dir in one go command, as `make build` does: static, trimmed, stripped,
// without the RPC mode of aws-lambda-go.
func build(dir string) error {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return fmt.Errorf("find the go command: %w", err)
	}
	args := []string{"build", "-trimpath", "-ldflags=-s -w", "-tags", "lambda.norpc", "-o", dir + string(filepath.Separator),
		pkgBootstrap, pkgPeriodic, pkgMinimal, pkgRIE}
	var out []byte
	// One retry: a build cache shared with concurrent builds can fail a
	// first attempt transiently.
	for range 2 {
		cmd := exec.Command(goBin, args...)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err = cmd.CombinedOutput(); err == nil {
			return nil
		}
	}
	return fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
}

func requireBinaries(tb testing.TB) {
	tb.Helper()
	if bin.skip != "" {
		tb.Skip(bin.skip)
	}
	if bin.err != nil {
		tb.Fatal(bin.err)
	}
}

// lockedBuffer collects a process's output.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// emulator is one running Runtime Interface Emulator with its function: a
// Lambda execution environment, cold until its first invocation.
type emulator struct {
	url     string
	cmd     *exec.Cmd
	out     *lockedBuffer
	started time.Time
	exited  chan struct{}
}

// emulatorEnv is what the function's environment needs beyond the
// emulator's own variables: the function's credentials and Region, and the
// local endpoint for every AWS service.
func emulatorEnv(endpoint, region string) []string {
	return []string{
		"AWS_ENDPOINT_URL=" + endpoint,
		"AWS_ACCESS_KEY_ID=" + baseKey,
		"AWS_SECRET_ACCESS_KEY=" + baseSecret,
		"AWS_REGION=" + region,
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_LAMBDA_FUNCTION_TIMEOUT=30",
	}
}

// startEmulator starts the emulator on free ports with the given function
// binary and waits until it accepts invocations. The process, and the
// function it started, are stopped when the test ends.
func startEmulator(tb testing.TB, function string, env []string) *emulator {
	tb.Helper()
	var lastErr error
	for range 3 { // a free port can be taken between finding and binding it
		e, err := launch(function, env, tb.TempDir())
		if err == nil {
			tb.Cleanup(func() { e.stop() })
			return e
		}
		lastErr = err
	}
	tb.Fatal(lastErr)
	return nil
}

func launch(function string, env []string, home string) (*emulator, error) {
	ports, err := freePorts(2)
	if err != nil {
		return nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(ports[0])
	cmd := exec.Command(bin.rie,
		"--runtime-interface-emulator-address", addr,
		"--runtime-api-address", "127.0.0.1:"+strconv.Itoa(ports[1]),
		function)
	// The emulator passes its whole environment on to the function; keep the
	// developer's AWS settings out of it.
	cmd.Env = append([]string{"HOME=" + home, "PATH=" + os.Getenv("PATH")}, env...)
	cmd.Dir = home
	e := &emulator{url: "http://" + addr + "/2015-03-31/functions/function/invocations", cmd: cmd, out: &lockedBuffer{}, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = e.out, e.out
	e.started = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the emulator: %w", err)
	}
	go func() {
		_ = cmd.Wait()
		close(e.exited)
	}()
	if err := e.waitListening(addr, 10*time.Second); err != nil {
		e.stop()
		return nil, fmt.Errorf("%w\nemulator output:\n%s", err, e.out)
	}
	return e, nil
}

// waitListening polls the emulator's address until it accepts connections.
func (e *emulator) waitListening(addr string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case <-e.exited:
			return errors.New("the emulator exited before it listened")
		default:
		}
		conn, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if err == nil {
			conn.Close()
			return nil
		}
		time.Sleep(time.Millisecond)
	}
	return fmt.Errorf("the emulator did not listen on %s within %v", addr, timeout)
}

// stop ends the emulator: SIGTERM, on which it kills the function, then
// SIGKILL if it lingers; and any function process left behind.
func (e *emulator) stop() {
	children := childProcesses(e.cmd.Process.Pid)
	_ = e.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-e.exited:
	case <-time.After(3 * time.Second):
		_ = e.cmd.Process.Kill()
		<-e.exited
	}
	for _, pid := range children {
		// The function runs in its own process group; kill it unless it
		// already went with the emulator (or its pid is now someone else's).
		if cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid)); err == nil && bytes.HasPrefix(cmdline, []byte(e.cmd.Args[len(e.cmd.Args)-1])) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

// childProcesses lists the pids whose parent is pid, from /proc.
func childProcesses(pid int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var out []int
	for _, ent := range entries {
		child, err := strconv.Atoi(ent.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", ent.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...; comm may hold spaces, so cut at the last ')'.
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 {
			continue
		}
		fields := strings.Fields(string(stat[i+1:]))
		if len(fields) > 1 && fields[1] == strconv.Itoa(pid) {
			out = append(out, child)
		}
	}
	return out
}

func freePorts(n int) ([]int, error) {
	var ports []int
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find a free port: %w", err)
		}
		lns = append(lns, ln)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// result is the emulator's answer to an invocation.
type result struct {
	status int
	body   string
	// errorMessage is set when the function returned an error.
	errorMessage string
}

func (e *emulator) invoke(tb testing.TB, payload []byte) result {
	tb.Helper()
	r, err := e.post(payload)
	if err != nil {
		tb.Fatalf("invoke: %v\nemulator output:\n%s", err, e.out)
	}
	return r
}

func (e *emulator) post(payload []byte) (result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.url, bytes.NewReader(payload))
	if err != nil {
		return result{}, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return result{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return result{}, err
	}
	r := result{status: resp.StatusCode, body: string(body)}
	var fnErr struct {
		ErrorMessage string `json:"errorMessage"`
	}
	if json.Unmarshal(body, &fnErr) == nil {
		r.errorMessage = fnErr.ErrorMessage
	}
	return r, nil
}

// mustSucceed fails the test unless the function returned without error.
func (r result) mustSucceed(tb testing.TB, e *emulator) {
	tb.Helper()
	if r.status != http.StatusOK || r.body != "null" {
		tb.Fatalf("invocation answered %d %s, want 200 null\nemulator output:\n%s", r.status, r.body, e.out)
	}
}

// waitLogLines returns the function's JSON log lines with the given
// message once there are at least want of them, or what there is after a
// few seconds: the function's stdout reaches us through the emulator, and
// may trail the invocation's HTTP response.
func (e *emulator) waitLogLines(msg string, want int) []map[string]any {
	deadline := time.Now().Add(5 * time.Second)
	for {
		lines := e.logLines(msg)
		if len(lines) >= want || time.Now().After(deadline) {
			return lines
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// logLines returns the function's JSON log lines with the given message.
func (e *emulator) logLines(msg string) []map[string]any {
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(e.out.String()))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Bytes()
		if !bytes.HasPrefix(line, []byte("{")) {
			continue
		}
		var m map[string]any
		if json.Unmarshal(line, &m) == nil && m["msg"] == msg {
			out = append(out, m)
		}
	}
	return out
}

func startLocalAWS(tb testing.TB, opts localaws.Options) *localaws.Server {
	tb.Helper()
	opts.Credentials = map[string]string{baseKey: baseSecret}
	srv, err := localaws.Start(opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { srv.Close() })
	return srv
}

// fixture reads an event: from the repository's testdata/events, or from
// this package's when the name starts with "e2e:".
func fixture(tb testing.TB, name string) []byte {
	tb.Helper()
	path := filepath.Join("..", "testdata", "events", name)
	if rest, ok := strings.CutPrefix(name, "e2e:"); ok {
		path = filepath.Join("testdata", "events", rest)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// withParams returns the event with its rule parameters replaced.
func withParams(tb testing.TB, data []byte, params map[string]string) []byte {
	tb.Helper()
	var env map[string]any
	if err := json.Unmarshal(data, &env); err != nil {
		tb.Fatal(err)
	}
	p, _ := json.Marshal(params)
	env["ruleParameters"] = string(p)
	out, err := json.Marshal(env)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// operations lists the operations that reached localaws, with the error
// code of each failed call after a colon.
func operations(srv *localaws.Server) []string {
	var out []string
	for _, c := range srv.Calls() {
		op := c.Operation
		if c.Failed() {
			op += ":" + c.ErrorCode
		}
		out = append(out, op)
	}
	return out
}

var captureTime = time.Date(2026, 11, 20, 10, 15, 30, 123e6, time.UTC)

func TestEmulatorChangeEvents(t *testing.T) {
	requireBinaries(t)
	srv := startLocalAWS(t, localaws.Options{ResultTokens: []string{"example-result-token"}})
	srv.AddConfigurationItem(localaws.ConfigurationItem{
		Version: "1.3", AccountID: "111122223333", CaptureTime: captureTime, ResourceType: "AWS::SageMaker::NotebookInstance",
		ResourceID: "huge-notebook", ResourceName: "huge-notebook", Region: "us-east-1",
		ARN:           "arn:aws:sagemaker:us-east-1:111122223333:notebook-instance/huge-notebook",
		Configuration: `{"NotebookInstanceName":"huge-notebook","DirectInternetAccess":"Enabled"}`,
	})
	emu := startEmulator(t, bin.bootstrap, emulatorEnv(srv.URL, "us-east-1"))

	tests := []struct {
		event      string
		wantOps    []string
		resourceID string
		compliance string
		annotated  bool
		testMode   bool
	}{
		{"change-compliant.json", []string{"PutEvaluations"}, "fraud-analysis", "COMPLIANT", false, false},
		{"change-noncompliant.json", []string{"PutEvaluations"}, "scratch-notebook", "NON_COMPLIANT", true, false},
		{"change-camelcase.json", []string{"PutEvaluations"}, "camel-nb", "NON_COMPLIANT", true, false},
		{"change-discovered.json", []string{"PutEvaluations"}, "new-nb", "COMPLIANT", false, false},
		{"change-deleted.json", []string{"PutEvaluations"}, "gone-nb", "NOT_APPLICABLE", true, false},
		{"change-deleted-not-recorded.json", []string{"PutEvaluations"}, "gone-nb2", "NOT_APPLICABLE", true, false},
		{"change-not-recorded.json", []string{"PutEvaluations"}, "unrec-nb", "NOT_APPLICABLE", true, false},
		{"change-left-scope.json", []string{"PutEvaluations"}, "scratch-notebook", "NOT_APPLICABLE", true, false},
		{"change-rule-name-fallback.json", []string{"PutEvaluations"}, "scratch-notebook", "NON_COMPLIANT", true, false},
		{"change-testmode.json", []string{"PutEvaluations"}, "fraud-analysis", "COMPLIANT", false, true},
		{"oversized.json", []string{"GetResourceConfigHistory", "PutEvaluations"}, "huge-notebook", "NON_COMPLIANT", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.event, func(t *testing.T) {
			srv.Reset()
			emu.invoke(t, fixture(t, tt.event)).mustSucceed(t, emu)
			if got := operations(srv); !slices.Equal(got, tt.wantOps) {
				t.Fatalf("calls = %v, want %v", got, tt.wantOps)
			}
			for _, c := range srv.Calls() {
				if s := c.Signer; s.AccessKeyID != baseKey || s.Region != "us-east-1" || s.Service != "config" || !s.Verified {
					t.Errorf("%s signed by %+v, want the function's credentials", c.Operation, s)
				}
			}
			put := srv.CallsTo(localaws.OpPutEvaluations)[0].PutEvaluations
			if put.TestMode != tt.testMode || len(put.Evaluations) != 1 {
				t.Fatalf("PutEvaluations = %+v, want TestMode %v and one evaluation", put, tt.testMode)
			}
			e := put.Evaluations[0]
			if e.ComplianceResourceType != "AWS::SageMaker::NotebookInstance" || e.ComplianceResourceID != tt.resourceID ||
				e.ComplianceType != tt.compliance || (e.Annotation != nil) != tt.annotated || !e.OrderingTimestamp.Equal(captureTime) {
				t.Errorf("evaluation = %+v %v, want %s %s annotated=%v at %v", e, e.Annotation != nil, tt.resourceID, tt.compliance, tt.annotated, captureTime)
			}
		})
	}

	// The snapshot notification is answered without any call.
	srv.Reset()
	emu.invoke(t, fixture(t, "snapshot-delivered.json")).mustSucceed(t, emu)
	if c := srv.Calls(); len(c) != 0 {
		t.Errorf("snapshot delivery made calls: %v", operations(srv))
	}
	// One log line per batch: one per invocation above.
	if got := len(emu.waitLogLines("put evaluations", len(tests))); got != len(tests) {
		t.Errorf("%d put-evaluations log lines, want %d", got, len(tests))
	}
	if got := len(emu.waitLogLines("snapshot delivery ignored", 1)); got != 1 {
		t.Errorf("%d snapshot log lines, want 1", got)
	}
}

func TestEmulatorRejectsBadInvocations(t *testing.T) {
	requireBinaries(t)
	srv := startLocalAWS(t, localaws.Options{})
	emu := startEmulator(t, bin.bootstrap, emulatorEnv(srv.URL, "us-east-1"))
	tests := []struct {
		name    string
		payload []byte
		wantErr string
	}{
		{"not JSON", []byte("this is not JSON {"), "invalid character"},
		{"not an event", []byte(`{"hello":"world"}`), "unrecognised invocation"},
		{"unknown ruleId", withParams(t, fixture(t, "change-noncompliant.json"), map[string]string{"ruleId": "sagemaker-notebook-no-direct-internets"}),
			"did you mean sagemaker-notebook-no-direct-internet?"},
		{"invalid parameter", withParams(t, fixture(t, "change-noncompliant.json"), map[string]string{"ruleId": "sagemaker-notebook-in-vpc", "allowedSubnetIds": "my-subnet"}),
			"parameter allowedSubnetIds"},
		{"scheduled event for a change rule", fixture(t, "scheduled.json"), "is change-triggered"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := emu.invoke(t, tt.payload)
			if r.status != http.StatusOK || !strings.Contains(r.errorMessage, tt.wantErr) {
				t.Errorf("answer %d %s, want a function error containing %q", r.status, r.body, tt.wantErr)
			}
		})
	}
	if c := srv.Calls(); len(c) != 0 {
		t.Errorf("bad invocations made calls: %v", operations(srv))
	}
	// The function survives them: a good event still works.
	emu.invoke(t, fixture(t, "change-compliant.json")).mustSucceed(t, emu)
}

func TestEmulatorThrottlingAndPartialFailure(t *testing.T) {
	requireBinaries(t)
	srv := startLocalAWS(t, localaws.Options{})
	emu := startEmulator(t, bin.bootstrap, emulatorEnv(srv.URL, "us-east-1"))

	srv.Throttle(localaws.OpPutEvaluations, 2)
	emu.invoke(t, fixture(t, "change-noncompliant.json")).mustSucceed(t, emu)
	want := []string{"PutEvaluations:ThrottlingException", "PutEvaluations:ThrottlingException", "PutEvaluations"}
	if got := operations(srv); !slices.Equal(got, want) {
		t.Errorf("throttled: calls = %v, want %v", got, want)
	}
	if got := srv.Evaluations(); len(got) != 1 || got[0].ComplianceResourceID != "scratch-notebook" {
		t.Errorf("stored %+v", got)
	}

	srv.Reset()
	srv.FailEvaluations(1)
	emu.invoke(t, fixture(t, "change-noncompliant.json")).mustSucceed(t, emu)
	calls := srv.CallsTo(localaws.OpPutEvaluations)
	if len(calls) != 2 || len(calls[0].PutEvaluations.Failed) != 1 || len(calls[1].PutEvaluations.Failed) != 0 ||
		calls[1].PutEvaluations.Evaluations[0].ComplianceResourceID != "scratch-notebook" {
		t.Fatalf("partial failure: calls = %+v, want the failed evaluation resent once", calls)
	}
	if gap := calls[1].Time.Sub(calls[0].Time); gap < 150*time.Millisecond {
		t.Errorf("resent after %v, want the function's backoff (200ms)", gap)
	}
	if got := srv.Evaluations(); len(got) != 1 {
		t.Errorf("stored %d evaluations, want 1", len(got))
	}
	lines := emu.waitLogLines("put evaluations", 2)
	if len(lines) != 2 || lines[0]["attempts"] != 1.0 || lines[1]["attempts"] != 2.0 || lines[1]["failed"] != 0.0 {
		t.Errorf("log lines = %v", lines)
	}
}

func TestEmulatorCrossAccount(t *testing.T) {
	requireBinaries(t)
	tests := []struct {
		name, region, role string
		events             []string
		// wantConfigCalls counts PutEvaluations and GetResourceConfigHistory.
		wantConfigCalls int
	}{
		{"aws", "us-east-1", "arn:aws:iam::444455556666:role/aiguard-member",
			[]string{"e2e:change-cross-account.json", "e2e:change-cross-account.json", "e2e:oversized-cross-account.json"}, 4},
		{"aws-cn", "cn-north-1", "arn:aws-cn:iam::444455556666:role/aiguard-member",
			[]string{"e2e:change-aws-cn.json", "e2e:change-aws-cn.json"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startLocalAWS(t, localaws.Options{AssumableRoles: []string{tt.role}})
			srv.AddConfigurationItem(localaws.ConfigurationItem{
				AccountID: "444455556666", CaptureTime: captureTime, ResourceType: "AWS::SageMaker::NotebookInstance",
				ResourceID: "huge-notebook", Configuration: `{"DirectInternetAccess":"Disabled"}`,
			})
			emu := startEmulator(t, bin.bootstrap, emulatorEnv(srv.URL, tt.region))
			// The same container serves several invocations.
			for _, name := range tt.events {
				emu.invoke(t, fixture(t, name)).mustSucceed(t, emu)
			}
			assumed := srv.CallsTo(localaws.OpAssumeRole)
			if len(assumed) != 1 {
				t.Fatalf("%d AssumeRole calls, want 1 for the container: %v", len(assumed), operations(srv))
			}
			a := assumed[0]
			if a.Failed() || a.AssumeRole.RoleARN != tt.role || a.AssumeRole.RoleSessionName != "aiguard-config-rule" ||
				a.Signer.AccessKeyID != baseKey || a.Signer.Region != tt.region {
				t.Errorf("AssumeRole = %+v signed by %+v", a.AssumeRole, a.Signer)
			}
			var configCalls int
			for _, c := range srv.Calls() {
				if c.Service != localaws.ServiceConfig {
					continue
				}
				configCalls++
				if s := c.Signer; s.Role != tt.role || s.AccessKeyID != a.AssumeRole.AccessKeyID || !s.Verified || s.Region != tt.region {
					t.Errorf("%s signed by %+v, want the credentials issued for %s", c.Operation, s, tt.role)
				}
			}
			if configCalls != tt.wantConfigCalls {
				t.Errorf("%d Config calls, want %d: %v", configCalls, tt.wantConfigCalls, operations(srv))
			}
		})
	}
}

func TestEmulatorBatches(t *testing.T) {
	requireBinaries(t)
	srv := startLocalAWS(t, localaws.Options{})
	emu := startEmulator(t, bin.periodic, emulatorEnv(srv.URL, "us-east-1"))
	notified := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		count string
		want  []int
	}{
		{"250", []int{100, 100, 50}},
		{"0", []int{0}},
		{"100", []int{100}},
	} {
		t.Run(tt.count, func(t *testing.T) {
			srv.Reset()
			ev := withParams(t, fixture(t, "e2e:scheduled-fleet.json"), map[string]string{"ruleId": "test-periodic-fleet", "count": tt.count})
			emu.invoke(t, ev).mustSucceed(t, emu)
			var sizes []int
			for _, c := range srv.CallsTo(localaws.OpPutEvaluations) {
				sizes = append(sizes, len(c.PutEvaluations.Evaluations))
				if tok := c.PutEvaluations.ResultToken; tok == nil || *tok != "scheduled-result-token" {
					t.Errorf("ResultToken = %v", tok)
				}
			}
			if !slices.Equal(sizes, tt.want) {
				t.Errorf("batch sizes = %v, want %v", sizes, tt.want)
			}
			for _, e := range srv.Evaluations() {
				if !e.OrderingTimestamp.Equal(notified) {
					t.Fatalf("evaluation %+v, want ordering at the notification time %v", e, notified)
				}
			}
		})
	}
	// 3 + 1 + 1 batches, one log line each.
	if got := len(emu.waitLogLines("put evaluations", 5)); got != 5 {
		t.Errorf("%d put-evaluations log lines, want 5", got)
	}
}
