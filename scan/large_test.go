//go:build unix

package scan

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/aiguard/aiguard/rules"
)

// TestLargeSnapshotMemory scans a generated snapshot of about 1 GB of JSON
// (gzipped on disk) in a child process and checks its peak RSS stays under
// 200 MB: memory is bounded by the chunks in flight, not by the input. It
// takes about a minute on two cores, so it runs only when asked:
//
//	AIGUARD_SCAN_LARGE=1 go test ./scan -run TestLargeSnapshotMemory -v -timeout 20m
func TestLargeSnapshotMemory(t *testing.T) {
	if path := os.Getenv("AIGUARD_SCAN_HELPER_FILE"); path != "" {
		scanHelper(t, path)
		return
	}
	if os.Getenv("AIGUARD_SCAN_LARGE") == "" {
		t.Skip("set AIGUARD_SCAN_LARGE=1 to scan a generated 1 GB snapshot and check peak RSS (about a minute)")
	}
	if runtime.GOOS != "linux" {
		t.Skip("peak RSS is read from the child's rusage, in kilobytes on Linux")
	}
	const target = 1 << 30 // bytes of JSON
	dir := t.TempDir()
	// Calibrate: 10,000 CIs, then scale to the target size.
	n := 10_000
	small := writeSnapshot(t, dir, n, gzip.BestSpeed)
	rawSize := uncompressedSize(t, small)
	n = int(float64(n) * float64(target) / float64(rawSize))
	start := time.Now()
	path := writeSnapshot(t, dir, n, gzip.BestSpeed)
	fi, _ := os.Stat(path)
	t.Logf("generated %d CIs, %.0f MB of JSON (%.0f MB gzipped) in %s", n, float64(rawSize)*float64(n)/10_000/1e6,
		float64(fi.Size())/1e6, time.Since(start).Round(time.Second))

	cmd := exec.Command(os.Args[0], "-test.run", "^TestLargeSnapshotMemory$", "-test.v")
	cmd.Env = append(os.Environ(), "AIGUARD_SCAN_HELPER_FILE="+path, fmt.Sprintf("AIGUARD_SCAN_HELPER_CIS=%d", n))
	start = time.Now()
	out, err := cmd.CombinedOutput()
	elapsed := time.Since(start)
	if err != nil {
		t.Fatalf("child scan: %v\n%s", err, out)
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	peakMB := float64(ru.Maxrss) / 1024
	t.Logf("scanned %d CIs in %s (%.0f CIs/s), peak RSS %.1f MB\n%s", n, elapsed.Round(time.Millisecond),
		float64(n)/elapsed.Seconds(), peakMB, out)
	if peakMB >= 200 {
		t.Errorf("peak RSS %.1f MB, want under 200 MB", peakMB)
	}
}

// scanHelper is the child process: a scan with the JSON writer to
// /dev/null, as `aiguard scan --format json FILE > /dev/null` would run.
func scanHelper(t *testing.T, path string) {
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer devnull.Close()
	srcs, _, err := Prepare([]Input{{Path: path}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	jw := NewJSONWriter(devnull, rules.Catalog())
	sum, err := Run(context.Background(), srcs, Options{}, jw)
	if err != nil {
		t.Fatal(err)
	}
	if err := jw.Close(); err != nil {
		t.Fatal(err)
	}
	if want := os.Getenv("AIGUARD_SCAN_HELPER_CIS"); fmt.Sprint(sum.CIs) != want || sum.Skipped != 0 {
		t.Fatalf("scanned %d CIs (%d skipped), want %s", sum.CIs, sum.Skipped, want)
	}
}

func uncompressedSize(t *testing.T, path string) int64 {
	n, _ := io.Copy(io.Discard, gunzipped(t, path))
	return n
}
