package iampolicy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/internal/findings"
	"github.com/aiguard/aiguard/internal/testenv/refdata"
)

// policiesDir holds the policy fixtures shared with the CLI's golden test;
// a file's name starts with its policy type (scp-, rcp-, boundary-,
// identity-).
func policiesDir(t testing.TB) string {
	return filepath.Join(refdata.ModuleRoot(t), "testdata", "policies")
}

func fixtureType(name string) Type {
	if typ, err := ParseType(strings.SplitN(name, "-", 2)[0]); err == nil {
		return typ
	}
	return TypeSCP
}

// TestFixtures: the good policies draw no error or warning, the bad ones
// at least one error.
func TestFixtures(t *testing.T) {
	for _, dir := range []string{"good", "bad"} {
		files, _ := filepath.Glob(filepath.Join(policiesDir(t), dir, "*.json"))
		if len(files) == 0 {
			t.Fatalf("no fixtures in %s", dir)
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			fs := LintData(data, fixtureType(filepath.Base(f)))
			switch {
			case dir == "good":
				for _, x := range fs {
					if x.Severity != SeverityInfo {
						t.Errorf("%s: %s", filepath.Base(f), x)
					}
				}
			case !findings.HasErrors(fs):
				t.Errorf("%s: no error:\n%s", filepath.Base(f), findingsText(fs))
			}
		}
	}
}
