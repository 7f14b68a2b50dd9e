package inputfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestOpenRefusesWhatIsNotAFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	done := make(chan error, 1)
	go func() {
		_, _, err := Open(fifo, nil)
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), "FIFO") {
			t.Errorf("FIFO: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Open hangs on a FIFO")
	}
	if _, _, err := Open(dir, nil); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("directory: %v", err)
	}
	if _, _, err := Open("/dev/null", nil); !errors.Is(err, ErrNotRegular) {
		t.Errorf("device: %v", err)
	}
	if _, _, err := Open(filepath.Join(dir, "missing"), nil); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
}

func TestReadAll(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	os.WriteFile(p, []byte("12345"), 0o600)
	if b, err := ReadAll(p, nil, 5); err != nil || string(b) != "12345" {
		t.Errorf("ReadAll = %q, %v", b, err)
	}
	var tl *TooLargeError
	if _, err := ReadAll(p, nil, 4); !errors.As(err, &tl) {
		t.Errorf("over the limit: %v", err)
	}
	if b, err := ReadAll(Stdin, strings.NewReader("x"), 5); err != nil || string(b) != "x" {
		t.Errorf("stdin: %q, %v", b, err)
	}
}
