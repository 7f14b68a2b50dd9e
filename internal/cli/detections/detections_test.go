package detections

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/detections"
	"github.com/aiguard/aiguard/internal/cli/cmdutil"
	"github.com/aiguard/aiguard/internal/testenv/refdata"
)

func list(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	cmd := NewCmdList(&cmdutil.IO{Out: &out, Err: &out}, detections.Catalog(), nil)
	cmd.SetArgs(args)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err := cmd.Execute()
	return out.String(), err
}

// TestDocsDetectionsCurrent fails when docs/detections.md is not what
// `aiguard detections list --format markdown` prints for the catalog.
func TestDocsDetectionsCurrent(t *testing.T) {
	path := filepath.Join(refdata.ModuleRoot(t), "docs", "detections.md")
	committed, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run `make docs` to generate it)", err)
	}
	var want bytes.Buffer
	if err := WriteMarkdown(&want, detections.Catalog().All()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(committed, want.Bytes()) {
		t.Errorf("docs/detections.md is out of date with the detection catalog; run `make docs` and commit the result")
	}
}

func TestListFormats(t *testing.T) {
	out, err := list(t)
	if err != nil || !strings.HasPrefix(out, "ID") || strings.Count(out, "\n") != 12 {
		t.Errorf("table (%v):\n%s", err, out)
	}
	out, err = list(t, "--format", "json")
	var docs []map[string]any
	if err != nil || json.Unmarshal([]byte(out), &docs) != nil || len(docs) != 11 {
		t.Fatalf("json (%v):\n%s", err, out)
	}
	for _, d := range docs {
		for _, k := range []string{"id", "title", "severity", "technique", "selectors", "deployedAs", "trailEvents", "remediation"} {
			if _, ok := d[k]; !ok {
				t.Errorf("%v: no %s", d["id"], k)
			}
		}
	}
	if _, err := list(t, "--format", "yaml"); cmdutil.Code(err) != cmdutil.ExitUsage {
		t.Errorf("bad format: %v", err)
	}
}
