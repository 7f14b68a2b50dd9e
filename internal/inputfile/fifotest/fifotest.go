// Package fifotest checks, in tests, that a command refuses a FIFO instead
// of blocking on it for ever.
package fifotest

import (
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// Refused makes a FIFO named name in a temporary folder, runs run with its
// path, and fails the test if run has not returned within ten seconds (it
// skips where FIFOs cannot be made). check judges what run returned.
func Refused[R any](t *testing.T, name string, run func(path string) R, check func(R)) {
	t.Helper()
	fifo := filepath.Join(t.TempDir(), name)
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	done := make(chan R, 1)
	go func() { done <- run(fifo) }()
	select {
	case r := <-done:
		check(r)
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: blocked on a FIFO", t.Name())
	}
}
