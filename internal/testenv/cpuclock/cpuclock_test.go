package cpuclock

import (
	"testing"
)

type metrics map[string]float64

func (m metrics) ReportMetric(n float64, unit string) { m[unit] = n }

func TestClock(t *testing.T) {
	c := Start()
	x := 0
	for i := range 50_000_000 {
		x += i % 7
	}
	_ = x
	used, ok := c.Elapsed()
	if !ok {
		t.Skip("no CPU time on this system")
	}
	if used <= 0 {
		t.Errorf("used %v", used)
	}
	m := metrics{}
	c.Report(m, 10, "items", 3)
	if m["cpu-ns/op"] <= 0 || m["items/cpu-s"] <= 0 {
		t.Errorf("metrics %v", m)
	}
}
