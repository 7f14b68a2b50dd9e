package conformance

import (
	"os"
	"testing"

	"github.com/aiguard/aiguard/internal/cfnschema"
)

// BenchmarkLintLargestReferencePack lints the largest of AWS's sample packs
// (the Bedrock pack, 97 rules, 25 of them Guard) with the schema validator
// already compiled, as the generator and `aiguard lint pack` use it.
func BenchmarkLintLargestReferencePack(b *testing.B) {
	var data []byte
	for _, path := range referencePacks(b) {
		d, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		if len(d) > len(data) {
			data = d
		}
	}
	v, err := cfnschema.Default()
	if err != nil {
		b.Fatal(err)
	}
	l := &Linter{Schema: v}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := l.Lint(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMarshal writes a 130-rule pack.
func BenchmarkMarshal(b *testing.B) {
	t := rulesPack(MaxRules, MaxParameters)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := t.Marshal(); err != nil {
			b.Fatal(err)
		}
	}
}
