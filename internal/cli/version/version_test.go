package version

import (
	"bytes"
	"regexp"
	"testing"

	"github.com/aiguard/aiguard/internal/cli/cmdutil"
)

func runVersion(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	cmd := NewCmdVersion(&cmdutil.IO{Out: &out, Err: &bytes.Buffer{}})
	cmd.SetArgs(args)
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	err := cmd.Execute()
	return out.String(), err
}

func TestVersionSet(t *testing.T) {
	old := Version
	t.Cleanup(func() { Version = old })
	Version = "v1.2.3"
	out, err := runVersion(t)
	if err != nil {
		t.Fatal(err)
	}
	if out != "aiguard v1.2.3\n" {
		t.Errorf("output %q, want %q", out, "aiguard v1.2.3\n")
	}
}

func TestVersionFromBuildInfo(t *testing.T) {
	old := Version
	t.Cleanup(func() { Version = old })
	Version = ""
	out, err := runVersion(t)
	if err != nil {
		t.Fatal(err)
	}
	// A test binary has no module version: "(devel)", maybe with a revision.
	if !regexp.MustCompile(`^aiguard (\(devel\)( [0-9a-f]{12})?|v\S+)\n$`).MatchString(out) {
		t.Errorf("output %q is not a version line", out)
	}
}

func TestVersionRejectsArguments(t *testing.T) {
	if _, err := runVersion(t, "extra"); err == nil {
		t.Error("version accepted an argument")
	}
}
