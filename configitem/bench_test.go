package configitem_test

import (
	"testing"

	"github.com/aiguard/aiguard/configitem"
)

// BenchmarkDecode decodes a typical notebook CI (about 2 KB) in each shape.
// The API shape pays for a second parse of its configuration string.
func BenchmarkDecode(b *testing.B) {
	for _, bc := range []struct{ name, file string }{
		{"event-shape", "notebook-event-shape.json"},
		{"api-shape", "notebook-api-shape.json"},
	} {
		data := readFixture(b, bc.file)
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := configitem.Decode(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecodeAndCheck is what a rule pays per item: decode, then the
// first lookup, which decodes the configuration.
func BenchmarkDecodeAndCheck(b *testing.B) {
	data := readFixture(b, "notebook-event-shape.json")
	b.ReportAllocs()
	for b.Loop() {
		it, err := configitem.Decode(data)
		if err != nil {
			b.Fatal(err)
		}
		if it.Config().Field("DirectInternetAccess").Str() != "Disabled" {
			b.Fatal("wrong value")
		}
	}
}

// BenchmarkConfigField measures lookups on an already decoded item.
func BenchmarkConfigField(b *testing.B) {
	it, err := configitem.Decode(readFixture(b, "notebook-api-shape.json"))
	if err != nil {
		b.Fatal(err)
	}
	it.Config() // decode the configuration once, outside the loop
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
