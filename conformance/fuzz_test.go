package conformance

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/aiguard/aiguard/internal/cfnschema"
)

// FuzzParse feeds arbitrary bytes to the parser and, when they parse, to
// the checks and the writer: none may panic, and what is written must read
// back.
func FuzzParse(f *testing.F) {
	for _, dir := range []string{"good", "bad", "unreadable"} {
		files, _ := filepath.Glob(filepath.Join(packsDir, dir, "*"))
		for _, file := range files {
			if data, err := os.ReadFile(file); err == nil && len(data) < 8<<10 {
				f.Add(data)
			}
		}
	}
	for _, s := range []string{
		"Resources: {A: !GetAtt}", "Resources: {A: !Sub [x, 1]}", "a: &x [*x]", "{\"Resources\": [1, {}]}",
		"Resources:\n  A:\n    Type: AWS::Config::ConfigRule\n    Properties: {Source: !If [c]}\n",
		"Resources:\n  R:\n    Type: AWS::Config::ConfigRule\n    Properties:\n      InputParameters: {a: !If [c, !Ref AWS::NoValue, !Ref AWS::NoValue]}\n",
	} {
		f.Add([]byte(s))
	}
	v, err := cfnschema.Default()
	if err != nil {
		f.Fatal(err)
	}
	l := &Linter{Schema: v}
	f.Fuzz(func(t *testing.T, data []byte) {
		tmpl, err := Parse(data)
		if err != nil {
			return
		}
		if _, err := l.Lint(data); err != nil {
			t.Fatalf("Parse accepted what Lint rejects: %v", err)
		}
		out, err := MarshalValue(tmpl.Document(), true)
		if err != nil {
			return // e.g. invalid UTF-8 that YAML cannot write
		}
		if _, err := Parse(out); err != nil {
			t.Fatalf("written template does not read back: %v\n%s", err, out)
		}
	})
}
