package scan

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/aiguard/aiguard/rules"
)

// fuzzRegistry is built once: building the catalog for every input would
// make each exec cost more than the scan it tests.
var fuzzRegistry = rules.Catalog()

// FuzzScan feeds arbitrary bytes to a whole scan, detection, splitting,
// template folding and conversion and decoding included: it must never
// panic (a panic on a worker is turned into a problem, which the fuzzer
// reports as a failure too), and every input is either rejected up front
// or scanned.
//
//	go test ./scan -run '^$' -fuzz '^FuzzScan$' -fuzztime 1m
func FuzzScan(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("..", "testdata", "scan", "*"))
	for _, p := range paths {
		if data, err := os.ReadFile(p); err == nil && len(data) < 64<<10 {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"configurationItems":[{"resourceType":"AWS::S3::Bucket","resourceId":"b","configurationItemStatus":"OK","configuration":{}}]}`))
	f.Add([]byte(`{"configurationItems":[],"x":12`))
	f.Add([]byte("Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Sub x-${AWS::Region}\n"))
	f.Add([]byte("Conditions:\n  C: !Equals [!Ref P, x]\nResources:\n  M:\n    Type: AWS::SageMaker::Model\n    Properties: !If [C, {EnableNetworkIsolation: true}, {}]\n"))
	f.Add([]byte(`{"format_version":"1.2","terraform_version":"1.9.0","resource_changes":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		srcs, _, err := Prepare([]Input{{Path: "-"}}, bytes.NewReader(data))
		if err != nil {
			return
		}
		var out bytes.Buffer
		jw := NewJSONWriter(&out, fuzzRegistry)
		sum, err := Run(context.Background(), srcs, Options{Registry: fuzzRegistry, Now: testNow, Workers: 1}, jw)
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
		for _, p := range sum.Problems {
			if bytes.Contains([]byte(p.Error()), []byte("internal error")) {
				t.Fatalf("%v", p.Error())
			}
		}
		jw.Close()
	})
}
