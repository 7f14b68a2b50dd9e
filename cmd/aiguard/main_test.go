package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/internal/cli/cmdutil"
)

func TestRunExitCodes(t *testing.T) {
	tests := []struct {
		args       []string
		stdin      string
		wantCode   int
		wantStderr string // prefix of the one error line; "" for none
	}{
		{[]string{"version"}, "", 0, ""},
		{[]string{"rules", "list"}, "", 0, ""},
		{[]string{"evaluate", "--ci", "-"}, `{"configurationItemStatus":"ResourceDeleted","resourceType":"AWS::SageMaker::NotebookInstance","resourceId":"x"}`, 0, ""},
		{[]string{"evaluate"}, "", 2, "aiguard: give exactly one of"},
		{[]string{"evaluate", "--ci", "-"}, "not json", 2, "aiguard: -: "},
		{[]string{"evaluate", "--ci", "-", "--rule", "nope"}, "{}", 2, `aiguard: unknown rule "nope"`},
		{[]string{"evaluate", "--bogus"}, "", 2, "aiguard: unknown flag: --bogus"},
		{[]string{"no-such-command"}, "", 2, "aiguard: unknown command"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(tt.args, &cmdutil.IO{In: strings.NewReader(tt.stdin), Out: &out, Err: &errOut})
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.wantCode, errOut.String())
			}
			if tt.wantStderr == "" {
				if errOut.Len() != 0 {
					t.Errorf("stderr %q, want nothing", errOut.String())
				}
				return
			}
			if !strings.HasPrefix(errOut.String(), tt.wantStderr) || strings.Count(errOut.String(), "\n") != 1 {
				t.Errorf("stderr %q, want one line starting %q", errOut.String(), tt.wantStderr)
			}
		})
	}
}

func TestIsSilent(t *testing.T) {
	if !isSilent(&cmdutil.ExitError{Code: 1}) {
		t.Error("a bare exit code is not silent")
	}
	if isSilent(cmdutil.Usagef("bad")) {
		t.Error("an error with a message is silent")
	}
}
