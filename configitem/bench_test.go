package configitem_test

// Benchmarks of decoding and lookups. Run with
//
//	go test ./configitem -run '^$' -bench . -benchmem -cpu 1 -count 6
//
// On a shared machine read cpu-ns/op (process CPU time per operation, GC
// included; Linux only) rather than ns/op, which grows when other processes
// take the cores.

import (
	"encoding/json"
	"testing"

	"github.com/aiguard/aiguard/configitem"
	"github.com/aiguard/aiguard/internal/jsonfast"
	"github.com/aiguard/aiguard/internal/testenv/cpuclock"
)

// BenchmarkDecode decodes a typical notebook CI (about 2 KB) in each shape,
// and a bucket CI in the API shape, whose supplementary configuration holds
// JSON strings. Decode builds the configuration tree in the same pass, so
// Config costs nothing afterwards. "baseline-encoding-json" decodes the same
// bytes with encoding/json into an any, and "jsonfast-any" with this
// package's decoder into an any, so that ratios come from one run.
func BenchmarkDecode(b *testing.B) {
	for _, bc := range []struct{ name, file string }{
		{"event-shape", "notebook-event-shape.json"},
		{"api-shape", "notebook-api-shape.json"},
		{"bucket-api-shape", "bucket-api-shape.json"},
	} {
		data := readFixture(b, bc.file)
		b.Run(bc.name+"/baseline-encoding-json", func(b *testing.B) {
			benchBytes(b, data, func() error {
				var v any
				return json.Unmarshal(data, &v)
			})
		})
		b.Run(bc.name+"/jsonfast-any", func(b *testing.B) {
			benchBytes(b, data, func() error {
				_, err := jsonfast.Unmarshal(data)
				return err
			})
		})
		b.Run(bc.name+"/decode", func(b *testing.B) {
			benchBytes(b, data, func() error {
				_, err := configitem.Decode(data)
				return err
			})
		})
	}
}

// benchBytes runs op once per iteration over data, reporting throughput,
// allocations and CPU time.
func benchBytes(b *testing.B, data []byte, op func() error) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	cpu, n := cpuclock.Start(), 0
	for b.Loop() {
		n++
		if err := op(); err != nil {
			b.Fatal(err)
		}
	}
	cpu.Report(b, n, "", 0)
}

// BenchmarkDecodeAndCheck is what a rule pays per item: decode, then a
// lookup.
func BenchmarkDecodeAndCheck(b *testing.B) {
	data := readFixture(b, "notebook-event-shape.json")
	benchBytes(b, data, func() error {
		it, err := configitem.Decode(data)
		if err != nil {
			return err
		}
		if it.Config().Field("DirectInternetAccess").Str() != "Disabled" {
			b.Fatal("wrong value")
		}
		return nil
	})
}

// BenchmarkConfigField measures lookups on an already decoded item.
func BenchmarkConfigField(b *testing.B) {
	it, err := configitem.Decode(readFixture(b, "notebook-api-shape.json"))
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name   string
		lookup func() bool
	}{
		{"exact", func() bool { return it.Config().Field("DirectInternetAccess").Str() == "Disabled" }},
		{"camelCase", func() bool { return it.Config().Field("directInternetAccess").Str() == "Disabled" }},
		{"other-case", func() bool { return it.Config().Field("DIRECTINTERNETACCESS").Str() == "Disabled" }},
		{"missing", func() bool { return !it.Config().Field("NoSuchField").Exists() }},
		{"path", func() bool {
			return it.Config().Path("InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion").Str() == "2"
		}},
		{"strings", func() bool { return len(it.Config().Field("SecurityGroupIds").Strings()) == 2 }},
		{"int", func() bool { n, ok := it.Config().Field("VolumeSizeInGB").Int(); return ok && n == 20 }},
		{"supplement-json-string", func() bool { return len(it.Supplement("Tags").List()) == 2 }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if !bc.lookup() {
					b.Fatal("wrong value")
				}
			}
		})
	}
}

// BenchmarkEmbeddedJSON measures what the S3 and KMS rules do on a decoded
// bucket: look into supplementary values held as JSON strings, and into
// the bucket policy, a JSON string inside one of them. Each string is
// decoded once per item, so repeated lookups cost a map access; "ValueOf"
// shows the cost without an item to remember decoded strings in.
func BenchmarkEmbeddedJSON(b *testing.B) {
	it, err := configitem.Decode(readFixture(b, "bucket-api-shape.json"))
	if err != nil {
		b.Fatal(err)
	}
	statements := func(policy configitem.Value) bool {
		return len(policy.Field("Statement").List()) == 2
	}
	for _, bc := range []struct {
		name   string
		lookup func() bool
	}{
		{"supplement", func() bool {
			return it.Supplement("PublicAccessBlockConfiguration").Field("blockPublicAcls").IsTrue()
		}},
		{"policy-statements", func() bool {
			return statements(it.Supplement("BucketPolicy").Field("policyText"))
		}},
		{"policy-JSON", func() bool {
			p, err := it.Supplement("BucketPolicy").Field("policyText").JSON()
			return err == nil && statements(p)
		}},
		{"policy-ValueOf", func() bool {
			text := it.Supplement("BucketPolicy").Field("policyText").Raw()
			return statements(configitem.ValueOf(text))
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if !bc.lookup() {
					b.Fatal("wrong value")
				}
			}
		})
	}
}
