//go:build unix

package cpuclock

import (
	"syscall"
	"time"
)

// processTime is the process's user and system CPU time so far.
func processTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
