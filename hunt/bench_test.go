//go:build unix

package hunt

// BenchmarkHunt measures issue 13's performance target: aiguard hunt over
// one million CloudTrail records within 3x the CPU time of gunzipping the
// same files, measured in the same run. The trail is the scenario's mix
// (the ctgen noise with every detection's attacks and near misses),
// written as a trail writes it: gzipped log files of 5,000 records under
// the S3 layout. Sub-benchmarks:
//   - gunzip: every file through compress/gzip to io.Discard (the floor);
//   - hunt: Run with the example organization's configuration.
//
// Run with: go test ./hunt -run '^$' -bench Hunt -benchtime 3x
// (HUNT_BENCH_RECORDS sets the number of records, 1,000,000 by default;
// HUNT_BENCH_DIR keeps the trail in that directory and reuses it when it is
// there, so that repeated runs skip writing it).
// The ratio to record is cpu-s/op of hunt over cpu-s/op of gunzip.

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aiguard/aiguard/cloudtrail"
	"github.com/aiguard/aiguard/detections"
	"github.com/aiguard/aiguard/internal/testenv/cpuclock"
	"github.com/aiguard/aiguard/internal/testenv/ctgen"
)

var benchTrail = struct {
	once    sync.Once
	dir     string
	records int
	bytes   int64
	temp    bool // dir is a temporary directory, removed by TestMain
	err     error
}{}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchTrail.temp {
		os.RemoveAll(benchTrail.dir)
	}
	os.Exit(code)
}

// trailForBench writes the benchmark's trail once per process.
func trailForBench(b *testing.B) (dir string, records int) {
	b.Helper()
	benchTrail.once.Do(func() {
		n := 1_000_000
		if s := os.Getenv("HUNT_BENCH_RECORDS"); s != "" {
			if v, err := strconv.Atoi(s); err == nil && v > 0 {
				n = v
			}
		}
		dir := os.Getenv("HUNT_BENCH_DIR")
		if dir != "" {
			if recs, size, ok := reuseTrail(dir); ok {
				benchTrail.dir, benchTrail.records, benchTrail.bytes = dir, recs, size
				return
			}
		} else {
			var err error
			if dir, err = os.MkdirTemp("", "aiguard-hunt-bench-"); err != nil {
				benchTrail.err = err
				return
			}
			benchTrail.temp = true
		}
		benchTrail.dir = dir
		g := ctgen.New(1)
		_, cases := g.Scenario()
		var planted []map[string]any
		for _, c := range cases {
			planted = append(planted, c.Records...)
		}
		const perFile = 5000
		var batch []map[string]any
		file := 0
		flush := func() {
			if len(batch) == 0 {
				return
			}
			t := ctgen.Base.Add(time.Duration(file) * 5 * time.Minute)
			name := fmt.Sprintf("%s_CloudTrail_us-east-1_%s_%06d.json.gz", ctgen.AcctPayments, t.Format("20060102T1504Z"), file)
			p := filepath.Join(dir, "AWSLogs", ctgen.AcctPayments, "CloudTrail", "us-east-1", t.Format("2006/01/02"), name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				benchTrail.err = err
				return
			}
			f, err := os.Create(p)
			if err != nil {
				benchTrail.err = err
				return
			}
			bw := bufio.NewWriterSize(f, 1<<20)
			zw := gzip.NewWriter(bw)
			zw.Write(ctgen.LogFile(batch))
			zw.Close()
			bw.Flush()
			if fi, err := f.Stat(); err == nil {
				benchTrail.bytes += fi.Size()
			}
			f.Close()
			file++
			batch = batch[:0]
		}
		total := 0
		emit := func(r map[string]any) {
			batch = append(batch, r)
			total++
			if len(batch) == perFile {
				flush()
			}
		}
		for _, r := range planted {
			emit(r)
		}
		// Noise over as many hours as the records need, at 2,000 a minute.
		minutes := (n - total + 1999) / 2000
		g.Noise(ctgen.Base.Add(-time.Hour), time.Duration(minutes)*time.Minute, 2000, func(r map[string]any) {
			if total < n {
				emit(r)
			}
		})
		flush()
		benchTrail.records = total
		_ = os.WriteFile(filepath.Join(dir, ".records"), []byte(strconv.Itoa(total)), 0o644)
	})
	if benchTrail.err != nil {
		b.Fatal(benchTrail.err)
	}
	return benchTrail.dir, benchTrail.records
}

// reuseTrail reports a trail a previous run left in dir.
func reuseTrail(dir string) (records int, size int64, ok bool) {
	data, err := os.ReadFile(filepath.Join(dir, ".records"))
	if err != nil {
		return 0, 0, false
	}
	records, err = strconv.Atoi(string(data))
	if err != nil {
		return 0, 0, false
	}
	_ = filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			size += fi.Size()
		}
		return nil
	})
	return records, size, true
}

func BenchmarkHunt(b *testing.B) {
	dir, records := trailForBench(b)
	inputs, err := cloudtrail.Expand([]string{dir})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%d records in %d files, %.1f MB gzipped", records, len(inputs), float64(benchTrail.bytes)/1e6)
	b.Run("gunzip", func(b *testing.B) {
		cpu := cpuclock.Start()
		for b.Loop() {
			for _, in := range inputs {
				f, err := os.Open(in.Path)
				if err != nil {
					b.Fatal(err)
				}
				zr, err := gzip.NewReader(bufio.NewReaderSize(f, 256<<10))
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, zr); err != nil {
					b.Fatal(err)
				}
				f.Close()
			}
		}
		reportCPU(b, cpu, records)
	})
	b.Run("hunt", func(b *testing.B) {
		cfg := exampleConfig(b)
		cpu := cpuclock.Start()
		for b.Loop() {
			res, err := Run(b.Context(), inputs, Options{Registry: detections.Catalog(), Config: cfg})
			if err != nil {
				b.Fatal(err)
			}
			if res.Records != int64(records) || len(res.Findings) == 0 {
				b.Fatalf("%d records, %d findings", res.Records, len(res.Findings))
			}
		}
		reportCPU(b, cpu, records)
	})
}

func reportCPU(b *testing.B, cpu cpuclock.Clock, records int) {
	if used, ok := cpu.Elapsed(); ok {
		b.ReportMetric(used.Seconds()/float64(b.N), "cpu-s/op")
		b.ReportMetric(float64(records)*float64(b.N)/used.Seconds(), "records/cpu-s")
	}
}
