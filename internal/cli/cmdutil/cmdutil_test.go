package cmdutil

import (
	"errors"
	"fmt"
	"testing"
)

func TestCode(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, ExitOK},
		{"plain error", errors.New("boom"), ExitUsage},
		{"usage", Usagef("bad %s", "flag"), ExitUsage},
		{"findings", &ExitError{Code: ExitFindings}, ExitFindings},
		{"wrapped", fmt.Errorf("context: %w", &ExitError{Code: ExitFindings, Err: errors.New("x")}), ExitFindings},
	}
	for _, tt := range tests {
		if got := Code(tt.err); got != tt.want {
			t.Errorf("%s: Code = %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestExitErrorText(t *testing.T) {
	if got := Usagef("--format: got %q", "x").Error(); got != `--format: got "x"` {
		t.Errorf("Usagef text %q", got)
	}
	inner := errors.New("inner")
	if err := Usage(inner); !errors.Is(err, inner) || err.Error() != "inner" {
		t.Errorf("Usage does not wrap: %v", err)
	}
	if got := (&ExitError{Code: 1}).Error(); got != "exit 1" {
		t.Errorf("bare ExitError text %q", got)
	}
}
