package e2e

import (
	"bufio"
	"bytes"
	"net"
	"net/http"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aiguard/aiguard/internal/coldstart"
)

// TestColdStartInit runs the bootstrap up to its first request for an
// invocation, with the runtime's init and collector traces on, and checks
// what package coldstart promises: the packages allocate less than the
// ballast while they are initialised, so that no collection runs before
// main but the one the ballast's allocation starts. A new SDK service whose
// tables outgrow the ballast fails here, naming the biggest allocators.
func TestColdStartInit(t *testing.T) {
	requireBinaries(t)
	// A Runtime API that takes the bootstrap's first request and never
	// answers: the process then waits, initialised, for its first event.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	asked := make(chan struct{}, 1)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case asked <- struct{}{}:
		default:
		}
		<-r.Context().Done()
	})}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	cmd := exec.Command(bin.bootstrap)
	cmd.Env = append(emulatorEnv("http://127.0.0.1:1", "us-east-1"),
		"AWS_LAMBDA_RUNTIME_API="+ln.Addr().String(), "GODEBUG=inittrace=1,gctrace=1", "HOME="+t.TempDir())
	var out lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	select {
	case <-asked:
	case <-time.After(20 * time.Second):
		t.Fatalf("the bootstrap never asked for an invocation:\n%s", out.String())
	}
	time.Sleep(300 * time.Millisecond) // the collector's trace trails its cycle

	// The collector writes its trace line while the packages go on being
	// initialised, sometimes into the middle of an init line: take the
	// collections' lines out first, and the init lines close up again.
	trace := out.String()
	collections := len(gcTrace.FindAllString(trace, -1))
	trace = gcTrace.ReplaceAllString(trace, "")
	var initBytes, topBytes int
	var top string
	sc := bufio.NewScanner(strings.NewReader(trace))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "init "):
			// init PKG @T ms, C ms clock, B bytes, A allocs
			f := strings.Fields(line)
			if len(f) < 9 || f[1] == "github.com/aiguard/aiguard/internal/coldstart" {
				continue
			}
			n, err := strconv.Atoi(f[7])
			if err != nil {
				t.Fatalf("init trace line %q: %v", line, err)
			}
			initBytes += n
			if n > topBytes {
				top, topBytes = f[1], n
			}
		}
	}
	t.Logf("packages allocate %.1f MB while initialised (the most: %s, %.1f MB); %d collections before the first event",
		float64(initBytes)/1e6, top, float64(topBytes)/1e6, collections)
	if initBytes == 0 || !bytes.Contains([]byte(out.String()), []byte("init github.com/aiguard/aiguard/internal/coldstart")) {
		t.Fatalf("no init trace of the packages, or none of package coldstart:\n%s", out.String())
	}
	if initBytes >= coldstart.TriggerRoom {
		t.Errorf("the packages allocate %d bytes while initialised, more than coldstart.TriggerRoom (%d): raise coldstart.Ballast (the most: %s, %d bytes)",
			initBytes, coldstart.TriggerRoom, top, topBytes)
	}
	if collections > 1 {
		t.Errorf("%d collections before the first event, want at most the ballast's one:\n%s", collections, out.String())
	}
}

// gcTrace is one line of GODEBUG=gctrace=1: "gc 1 @0.006s 3%: ... 2 P".
var gcTrace = regexp.MustCompile(`gc \d+ @[0-9.]+s \d+%: [^\n]*? \d+ P( \(forced\))?\n`)
