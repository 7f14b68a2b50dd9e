package scan

import (
	"fmt"
	"strings"
	"time"

	"github.com/aiguard/aiguard/scan"
)

// progress renders the progress line of a scan.
func progress(c *scan.Counters, total int64) func(time.Duration) string {
	return func(elapsed time.Duration) string {
		return progressLine(c.Bytes.Load(), total, c.Items.Load(), elapsed)
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
