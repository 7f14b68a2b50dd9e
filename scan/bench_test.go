//go:build unix

package scan

// Benchmarks of issue 7's performance targets, on a 100,000-CI Config
// snapshot (gzipped) generated from the CIs of the rule fixtures:
//   - BenchmarkScanSnapshot: the whole scan (gunzip, split, decode, every
//     rule, JSON output to io.Discard); target at least 50,000 CIs/s on 2
//     cores, and within 2x of the floor;
//   - BenchmarkDecodeFloor: the same file through the same reader and worker
//     pool, decoding each CI with configitem.Decode and evaluating nothing
//     (one rule per type that passes at once: without a rule covering its
//     type, an item would be counted without being decoded) ("parallel"), and the obvious single-goroutine path: gzip, then
//     encoding/json's Decoder walking to configurationItems and decoding one
//     element at a time into json.RawMessage, then configitem.Decode
//     ("sequential").
// Run with: go test ./scan -run '^$' -bench . -benchtime 3x
// The ratio to record is ns/op of ScanSnapshot over ns/op of
// DecodeFloor/parallel.

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/configitem"
	"github.com/aiguard/aiguard/internal/inputfile"
	"github.com/aiguard/aiguard/internal/testenv/cpuclock"
	"github.com/aiguard/aiguard/internal/testenv/rulecases"
	"github.com/aiguard/aiguard/rules"
)

const benchCIs = 100_000

// fixtureCIs returns the CI of every rule fixture, compacted.
func fixtureCIs(tb testing.TB) []map[string]any {
	tb.Helper()
	var out []map[string]any
	for _, fx := range rulecases.Load(tb) {
		var ci map[string]any
		if err := json.Unmarshal(fx.CI, &ci); err != nil {
			tb.Fatal(err)
		}
		out = append(out, ci)
	}
	return out
}

// writeSnapshot writes a gzipped Config snapshot of n CIs, cycling through
// the fixture CIs with a unique resource ID each, and returns its path. It
// streams, so generating a large file needs little memory.
func writeSnapshot(tb testing.TB, dir string, n, level int) string {
	tb.Helper()
	mix := fixtureCIs(tb)
	return writeItems(tb, filepath.Join(dir, fmt.Sprintf("snapshot-%d.json.gz", n)), n, level, func(i int) any {
		ci := maps.Clone(mix[i%len(mix)])
		ci["resourceId"] = fmt.Sprint(ci["resourceId"], "-", i)
		return ci
	})
}

// scanFile runs a whole scan of path with the given rules (nil: all).
func scanFile(tb testing.TB, path string, list []*rules.Rule, sink Sink) *Summary {
	tb.Helper()
	return scanFileWith(tb, path, benchRegistry, list, sink)
}

func scanFileWith(tb testing.TB, path string, reg *rules.Registry, list []*rules.Rule, sink Sink) *Summary {
	tb.Helper()
	srcs, _, err := Prepare([]Input{{Path: path}}, nil)
	if err != nil {
		tb.Fatal(err)
	}
	sum, err := Run(context.Background(), srcs, Options{Registry: reg, Rules: list}, sink)
	if err != nil {
		tb.Fatal(err)
	}
	if sum.Skipped > 0 {
		tb.Fatalf("%d items skipped: %v", sum.Skipped, sum.Problems[0].Error())
	}
	return sum
}

var benchRegistry = rules.Catalog()

func BenchmarkScanSnapshot(b *testing.B) {
	path := writeSnapshot(b, b.TempDir(), benchCIs, gzip.DefaultCompression)
	reportFile(b, path)
	b.ResetTimer()
	cpu := cpuclock.Start()
	for b.Loop() {
		jw := NewJSONWriter(io.Discard, benchRegistry)
		sum := scanFile(b, path, nil, jw)
		if err := jw.Close(); err != nil {
			b.Fatal(err)
		}
		if sum.CIs != benchCIs {
			b.Fatalf("scanned %d CIs, want %d", sum.CIs, benchCIs)
		}
	}
	b.ReportMetric(float64(benchCIs)*float64(b.N)/b.Elapsed().Seconds(), "CIs/s")
	reportCPU(b, cpu)
	reportPeakRSS(b)
}

func BenchmarkDecodeFloor(b *testing.B) {
	path := writeSnapshot(b, b.TempDir(), benchCIs, gzip.DefaultCompression)
	reportFile(b, path)
	b.Run("parallel", func(b *testing.B) {
		reg := decodeOnlyRegistry(b)
		cpu := cpuclock.Start()
		for b.Loop() {
			sum := scanFileWith(b, path, reg, nil, discardSink{})
			if sum.CIs != benchCIs {
				b.Fatalf("decoded %d CIs, want %d", sum.CIs, benchCIs)
			}
		}
		b.ReportMetric(float64(benchCIs)*float64(b.N)/b.Elapsed().Seconds(), "CIs/s")
		reportCPU(b, cpu)
	})
	b.Run("sequential", func(b *testing.B) {
		cpu := cpuclock.Start()
		for b.Loop() {
			if n := decodeSequential(b, path); n != benchCIs {
				b.Fatalf("decoded %d CIs, want %d", n, benchCIs)
			}
		}
		b.ReportMetric(float64(benchCIs)*float64(b.N)/b.Elapsed().Seconds(), "CIs/s")
		reportCPU(b, cpu)
	})
}

// decodeOnlyRegistry has one rule per type of the fixture CIs, which
// passes without reading anything: a scan with it decodes every item and
// evaluates nothing.
func decodeOnlyRegistry(tb testing.TB) *rules.Registry {
	seen := map[string]bool{}
	var types []string
	for _, ci := range fixtureCIs(tb) {
		if t, _ := ci["resourceType"].(string); t != "" && !seen[t] {
			seen[t] = true
			types = append(types, t)
		}
	}
	reg, err := rules.NewRegistry(&rules.Rule{ID: "decode-only", Title: "Decode only", ResourceTypes: types,
		Trigger: rules.ChangeTriggered, Severity: rules.SeverityLow, Control: rules.ControlVPCOnly, Remediation: "-",
		Check: func(*configitem.Item, rules.Params) rules.Verdict { return rules.Pass() }})
	if err != nil {
		tb.Fatal(err)
	}
	return reg
}

// gunzipped returns the decompressed content of a gzip file, which is
// closed when the test ends.
func gunzipped(tb testing.TB, path string) io.Reader {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { f.Close() })
	zr, err := inputfile.NewGzipReader(bufio.NewReaderSize(f, 256<<10))
	if err != nil {
		tb.Fatal(err)
	}
	return zr
}

// decodeSequential is the obvious Go path: encoding/json tokens down to
// configurationItems, one element at a time, each through configitem.Decode.
func decodeSequential(tb testing.TB, path string) int {
	dec := json.NewDecoder(bufio.NewReaderSize(gunzipped(tb, path), 1<<20))
	if _, err := dec.Token(); err != nil {
		tb.Fatal(err)
	}
	n := 0
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			tb.Fatal(err)
		}
		if key != "configurationItems" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				tb.Fatal(err)
			}
			continue
		}
		if _, err := dec.Token(); err != nil {
			tb.Fatal(err)
		}
		for dec.More() {
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				tb.Fatal(err)
			}
			if _, err := configitem.Decode(raw); err != nil {
				tb.Fatal(err)
			}
			n++
		}
		if _, err := dec.Token(); err != nil {
			tb.Fatal(err)
		}
	}
	return n
}

type discardSink struct{}

func (discardSink) Result(*Result) error { return nil }

func reportFile(b *testing.B, path string) {
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: %d CIs, %.1f MB gzipped", filepath.Base(path), benchCIs, float64(fi.Size())/1e6)
}

func reportCPU(b *testing.B, cpu cpuclock.Clock) {
	if used, ok := cpu.Elapsed(); ok {
		b.ReportMetric(used.Seconds()/float64(b.N), "cpu-s/op")
		b.ReportMetric(float64(benchCIs)*float64(b.N)/used.Seconds(), "CIs/cpu-s")
	}
}

// reportPeakRSS reports the process's peak resident set (Linux only).
func reportPeakRSS(b *testing.B) {
	if kb, ok := peakRSSKB(); ok {
		b.ReportMetric(float64(kb)/1024, "peak-RSS-MB")
	}
}

func peakRSSKB() (int64, bool) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return n, err == nil
		}
	}
	return 0, false
}
