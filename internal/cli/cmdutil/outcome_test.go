package cmdutil

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aiguard/aiguard/rules"
)

func TestOutcome(t *testing.T) {
	low, _ := ParseFailOn("low", RuleSeverities)
	for _, tc := range []struct {
		found, skipped int
		code           int
		msg            string
	}{
		{0, 0, ExitOK, ""},
		{1, 0, ExitFindings, "1 finding at or above low (--fail-on)"},
		{2, 3, ExitFindings, "2 findings at or above low (--fail-on); 3 items skipped as unreadable"},
		{0, 1, ExitSkipped, "1 item skipped as unreadable"},
	} {
		err := Outcome(Count{tc.found, "finding", "findings"}, low, Count{tc.skipped, "item", "items"})
		if Code(err) != tc.code || (err == nil) != (tc.msg == "") || (err != nil && err.Error() != tc.msg) {
			t.Errorf("found %d, skipped %d: code %d, %v; want %d, %q", tc.found, tc.skipped, Code(err), err, tc.code, tc.msg)
		}
	}
}

func TestCheckParamsDeclared(t *testing.T) {
	list := []*rules.Rule{{ID: "a", Params: []rules.Param{{Name: "mlTagKey"}}}}
	if err := CheckParamsDeclared(map[string]string{"mlTagKey": "x", rules.ExemptParam: "r"}, list, "here"); err != nil {
		t.Errorf("declared and reserved: %v", err)
	}
	err := CheckParamsDeclared(map[string]string{"mlTagKee": "x"}, list, "in this scan")
	if Code(err) != ExitUsage || !strings.Contains(err.Error(), "mlTagKee is not a parameter of any rule in this scan") {
		t.Errorf("a typo: %v", err)
	}
}

// TestStatusLine: a message clears the progress line before it is written,
// and stopping clears the line.
func TestStatusLine(t *testing.T) {
	var mu sync.Mutex
	var buf bytes.Buffer
	w := writerFunc(func(p []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return buf.Write(p) })
	l := NewStatusLine(w)
	stop := l.Start(func(time.Duration) string { return "working" })
	time.Sleep(450 * time.Millisecond)
	l.Printf("a message\n")
	stop()
	mu.Lock()
	out := buf.String()
	mu.Unlock()
	if !strings.Contains(out, "\rworking\033[K") || !strings.Contains(out, "\r\033[Ka message\n") {
		t.Errorf("output %q", out)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
