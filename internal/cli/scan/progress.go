package scan

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/aiguard/aiguard/scan"
)

// stderrLog serialises writes to the error stream, so that a message never
// lands in the middle of the progress bar: the bar's line is cleared first
// and drawn again on the next tick.
type stderrLog struct {
	mu  sync.Mutex
	w   io.Writer
	bar bool // a bar is on screen
}

func (l *stderrLog) printf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.clearLocked()
	fmt.Fprintf(l.w, format, args...)
}

func (l *stderrLog) clearLocked() {
	if l.bar {
		io.WriteString(l.w, "\r\033[K")
		l.bar = false
	}
}

// startProgress draws a progress bar on the (terminal) error stream until
// the returned function is called.
func (l *stderrLog) startProgress(c *scan.Counters, total int64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		start := time.Now()
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				l.mu.Lock()
				io.WriteString(l.w, "\r"+progressLine(c.Bytes.Load(), total, c.Items.Load(), time.Since(start))+"\033[K")
				l.bar = true
				l.mu.Unlock()
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
		l.mu.Lock()
		l.clearLocked()
		l.mu.Unlock()
	}
}

// progressLine renders "scanning [#####.....]  48%  52,314 items  4.2 MB/s".
func progressLine(read, total, items int64, elapsed time.Duration) string {
	const width = 30
	frac := 0.0
	if total > 0 {
		frac = min(float64(read)/float64(total), 1)
	}
	filled := int(frac * width)
	rate := 0.0
	if s := elapsed.Seconds(); s > 0 {
		rate = float64(read) / s / 1e6
	}
	return fmt.Sprintf("scanning [%s%s] %3.0f%%  %s items  %.1f MB/s", strings.Repeat("#", filled),
		strings.Repeat(".", width-filled), frac*100, groupDigits(items), rate)
}

// groupDigits writes n with thousands separators.
func groupDigits(n int64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
