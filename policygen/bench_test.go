package policygen

import (
	"testing"

	"github.com/aiguard/aiguard/orgspec"
)

// The cost of the proof: Build of the 50-team varied spec (policies,
// matrix, semantic lint) against the matrix and the lint alone on its
// output, in the same run. go test -run '^$' -bench Build50 -count 5 ./policygen
func BenchmarkBuild50(b *testing.B) {
	spec, err := orgspec.Parse("varied.yaml", variedSpec(50))
	if err != nil {
		b.Fatal(err)
	}
	out, err := Build(spec)
	if err != nil {
		b.Fatal(err)
	}
	cases, err := Matrix(spec)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("build", func(b *testing.B) {
		for b.Loop() {
			if _, err := Build(spec); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("matrix", func(b *testing.B) {
		for b.Loop() {
			if err := CheckMatrix(cases, out.Artifacts); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(cases)), "requests")
	})
	b.Run("semantic-lint", func(b *testing.B) {
		for b.Loop() {
			if _, err := ProbePolicies(out.Artifacts); err != nil {
				b.Fatal(err)
			}
		}
	})
}
