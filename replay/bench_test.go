package replay

import (
	"bytes"
	"errors"
	"io"
	"syscall"
	"testing"
	"time"

	"github.com/aiguard/aiguard/cloudtrail"
)

// The replay's throughput in records per CPU-second (CPU time of the
// process: the reader's goroutine included), against a baseline measured in
// the same run: reading the same gzipped log with the cloudtrail reader
// and doing nothing with the records. go test -run '^$' -bench Replay
// -count 5 ./replay

func benchLog(b *testing.B) []byte {
	b.Helper()
	log, _, err := synthetic(20000)
	if err != nil {
		b.Fatal(err)
	}
	return gzipped(log)
}

func BenchmarkReplayReadOnly(b *testing.B) { benchReplay(b, false) }

func BenchmarkReplay(b *testing.B) { benchReplay(b, true) }

func benchReplay(b *testing.B, decide bool) {
	data := benchLog(b)
	var rp *Replayer
	if decide {
		rp = exampleReplayer(b)
	}
	records := 0
	b.ResetTimer()
	cpu0 := cpuTime()
	for b.Loop() {
		r, err := cloudtrail.NewReader("bench.json.gz", io.NopCloser(bytes.NewReader(data)))
		if err != nil {
			b.Fatal(err)
		}
		for {
			rec, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			records++
			if rp != nil {
				rp.Add(rec)
			}
		}
		r.Close()
	}
	b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "records/s")
	if used := cpuTime() - cpu0; used > 0 {
		b.ReportMetric(float64(records)/used.Seconds(), "records/cpu-s")
	}
}

// cpuTime is the process's user and system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
