package cmdutil

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// StatusLine is a command's error stream with a progress line at its
// bottom: messages and the line are written under one lock, and a message
// clears the line first (the next tick draws it again), so that one never
// lands in the middle of the other.
type StatusLine struct {
	mu    sync.Mutex
	w     io.Writer
	shown bool
}

// NewStatusLine writes to w (a terminal, when a progress line is drawn).
func NewStatusLine(w io.Writer) *StatusLine { return &StatusLine{w: w} }

// Printf writes a message.
func (l *StatusLine) Printf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.clearLocked()
	fmt.Fprintf(l.w, format, args...)
}

func (l *StatusLine) clearLocked() {
	if l.shown {
		io.WriteString(l.w, "\r\033[K")
		l.shown = false
	}
}

// Start draws render's line five times a second until the returned
// function is called, which clears it; render is given the time since
// Start.
func (l *StatusLine) Start(render func(elapsed time.Duration) string) (stop func()) {
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
				io.WriteString(l.w, "\r"+render(time.Since(start))+"\033[K")
				l.shown = true
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
