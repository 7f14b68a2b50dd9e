package scan

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/aiguard/aiguard/rules"
)

// FuzzScan feeds arbitrary bytes to a whole scan, detection, splitting,
// template conversion and decoding included: it must never panic, and
// every input is either rejected up front or scanned.
func FuzzScan(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("..", "testdata", "scan", "*"))
	for _, p := range paths {
		if data, err := os.ReadFile(p); err == nil && len(data) < 64<<10 {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"configurationItems":[{"resourceType":"AWS::S3::Bucket","resourceId":"b","configurationItemStatus":"OK","configuration":{}}]}`))
	f.Add([]byte("Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Sub x-${AWS::Region}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		srcs, _, err := Prepare([]Input{{Path: "-"}}, bytes.NewReader(data))
		if err != nil {
			return
		}
		var out bytes.Buffer
		jw := NewJSONWriter(&out, rules.Catalog())
		if _, err := Run(context.Background(), srcs, Options{Now: testNow, Workers: 2}, jw); err != nil {
			t.Fatalf("Run: %v", err)
		}
		jw.Close()
	})
}
