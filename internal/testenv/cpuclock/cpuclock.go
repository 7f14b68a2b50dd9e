// Package cpuclock measures the CPU time a process uses, for benchmarks:
// unlike the wall time a benchmark reports, it does not grow when other
// processes compete for the cores, so on a shared machine it measures the
// work where wall time measures the neighbours too. It counts every thread
// of the process (a reader goroutine, the garbage collector): run a
// benchmark with -cpu 1 for a figure per core.
package cpuclock

import "time"

// Clock measures from when it was started.
type Clock struct {
	start time.Duration
	ok    bool
}

// Start starts a clock.
func Start() Clock {
	t, ok := processTime()
	return Clock{start: t, ok: ok}
}

// Elapsed is the CPU time used since Start; ok is false where the process's
// CPU time cannot be read.
func (c Clock) Elapsed() (used time.Duration, ok bool) {
	t, ok := processTime()
	return t - c.start, ok && c.ok && t > c.start
}

// Metrics is what a benchmark reports to (a *testing.B).
type Metrics interface {
	ReportMetric(n float64, unit string)
}

// Report adds, when the CPU time could be read, cpu-ns/op for ops
// operations and, when per is given, ops per CPU-second of work ("CIs",
// "records": per "CIs/cpu-s"), counting each op as count of them.
func (c Clock) Report(b Metrics, ops int, per string, count int) {
	used, ok := c.Elapsed()
	if !ok || ops <= 0 {
		return
	}
	b.ReportMetric(float64(used.Nanoseconds())/float64(ops), "cpu-ns/op")
	if per != "" {
		b.ReportMetric(float64(ops)*float64(count)/used.Seconds(), per+"/cpu-s")
	}
}
