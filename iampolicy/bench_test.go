package iampolicy

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkLintData measures a typical generated SCP (the good fixture).
func BenchmarkLintData(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("..", "testdata", "policies", "good", "scp-ai-guardrails.json"))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := DefaultTable(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		LintData(data, TypeSCP)
	}
}

// TestLargeInputIsFast guards against work quadratic in the input: a
// megabyte policy of unknown actions, each a finding, lints in well under
// the time a user would wait.
func TestLargeInputIsFast(t *testing.T) {
	if testing.Short() {
		t.Skip("large input")
	}
	var acts []string
	for i := 0; len(acts)*30 < 1<<20; i++ {
		acts = append(acts, fmt.Sprintf(`"sagemaker:NoSuch%07d"`, i))
	}
	data := []byte(pol(deny("[\n"+strings.Join(acts, ",\n")+"]", `{"Null":{"sagemaker:VpcSubnets":"true"}}`)))
	fs := LintData(data, TypeSCP)
	if len(fs) < len(acts) {
		t.Errorf("%d findings for %d unknown actions", len(fs), len(acts))
	}
}
