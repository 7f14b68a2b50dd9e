package rules

// Benchmarks of the catalog (issue 3's performance targets):
//   - BenchmarkCatalogPreDecoded: CIs already decoded, run through every
//     rule covering their type; target at least 200,000 CIs/s per core.
//     The same items are evaluated again and again, so what an item
//     remembers between lookups (JSON strings it decoded, key indexes)
//     is paid for once; BenchmarkCatalogDecodeAndEvaluate pays every time.
//   - BenchmarkDecodeAndEvaluate: decode of a typical 2 KB notebook CI plus
//     every covering rule; target under 20 µs.
//   - BenchmarkCatalogDecodeAndEvaluate: the fixture mix from bytes to
//     evaluations, one CI at a time, what a scan of a snapshot pays per CI
//     apart from reading the file; "baseline-unmarshal-any" decodes the same
//     bytes with encoding/json into an any and evaluates nothing.
// Run with: go test ./rules -run '^$' -bench . -benchmem -cpu 1 -count 6
// On a shared machine, read the cpu-ns/op and CIs/cpu-s metrics (process
// CPU time, Linux only) rather than the wall-clock ones.

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/configitem"

	"github.com/aiguard/aiguard/internal/testenv/cpuclock"
	"github.com/aiguard/aiguard/internal/testenv/rulecases"
)

// benchCase is one pre-decoded CI and the rules that judge it.
type benchCase struct {
	data  []byte // the CI as written in the fixture
	item  *configitem.Item
	rules []*Rule
	param []Params
}

// benchCatalogMix decodes the CI of every rule fixture under
// testdata/rules, so the mix follows the catalog: every resource type a rule
// covers, compliant and not, in both CI shapes, deletions included.
func benchCatalogMix(b *testing.B, reg *Registry) []benchCase {
	b.Helper()
	defaults := map[*Rule]Params{}
	var out []benchCase
	for _, fx := range rulecases.Load(b) {
		item := fx.Item
		c := benchCase{data: fx.CI, item: item, rules: reg.ForType(item.ResourceType)}
		for _, r := range c.rules {
			p, ok := defaults[r]
			if !ok {
				p = r.DefaultParams()
				defaults[r] = p
			}
			c.param = append(c.param, p)
		}
		out = append(out, c)
	}
	return out
}

// BenchmarkCatalogPreDecoded runs the whole fixture mix ("all", the figure
// the target applies to), then each resource type on its own, so that a
// slow rule or a slow accessor shows up by type.
func BenchmarkCatalogPreDecoded(b *testing.B) {
	reg := Catalog()
	mix := benchCatalogMix(b, reg)
	byType := map[string][]benchCase{}
	evals := 0
	for _, c := range mix {
		byType[c.item.ResourceType] = append(byType[c.item.ResourceType], c)
		evals += len(c.rules)
	}
	b.Logf("%d CIs of %d resource types, %d rules, %d evaluations per pass", len(mix), len(byType), len(reg.All()), evals)
	b.Run("all", func(b *testing.B) { benchEvaluateMix(b, mix) })
	types := make([]string, 0, len(byType))
	for rt := range byType {
		types = append(types, rt)
	}
	sort.Strings(types)
	for _, rt := range types {
		b.Run("type="+strings.ReplaceAll(rt, "::", "."), func(b *testing.B) { benchEvaluateMix(b, byType[rt]) })
	}
}

// benchEvaluateMix evaluates the CIs in turn, one CI per iteration.
func benchEvaluateMix(b *testing.B, mix []benchCase) {
	evals := 0
	for _, c := range mix {
		evals += len(c.rules)
	}
	b.ReportAllocs()
	cpu := cpuclock.Start()
	n := 0
	for b.Loop() {
		c := &mix[n%len(mix)]
		for i, r := range c.rules {
			_ = r.Evaluate(c.item, c.param[i])
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "CIs/s")
	cpu.Report(b, n, "CIs", 1)
	b.ReportMetric(float64(evals)/float64(len(mix)), "evals/CI")
}

// BenchmarkCatalogDecodeAndEvaluate runs the fixture mix from bytes: decode
// each CI, then evaluate it with every rule covering its type.
func BenchmarkCatalogDecodeAndEvaluate(b *testing.B) {
	mix := benchCatalogMix(b, Catalog())
	size := 0
	for _, c := range mix {
		size += len(c.data)
	}
	b.Run("all/baseline-unmarshal-any", func(b *testing.B) {
		benchMixBytes(b, mix, size, func(c *benchCase) {
			var v any
			if err := json.Unmarshal(c.data, &v); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("all/decode", func(b *testing.B) {
		benchMixBytes(b, mix, size, func(c *benchCase) {
			if _, err := configitem.Decode(c.data); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("all/decode+evaluate", func(b *testing.B) {
		benchMixBytes(b, mix, size, func(c *benchCase) {
			item, err := configitem.Decode(c.data)
			if err != nil {
				b.Fatal(err)
			}
			for i, r := range c.rules {
				_ = r.Evaluate(item, c.param[i])
			}
		})
	})
}

// benchMixBytes runs op on the CIs of mix in turn, one per iteration.
func benchMixBytes(b *testing.B, mix []benchCase, size int, op func(*benchCase)) {
	b.SetBytes(int64(size / len(mix)))
	b.ReportAllocs()
	cpu, n := cpuclock.Start(), 0
	for b.Loop() {
		op(&mix[n%len(mix)])
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "CIs/s")
	cpu.Report(b, n, "CIs", 1)
}

// benchNotebookCI is a typical notebook instance CI in the invoking-event
// shape, about 2 KB.
const benchNotebookCI = `{
  "relatedEvents": [],
  "relationships": [
    {"resourceId": "subnet-0a1b2c3d4e5f60718", "resourceType": "AWS::EC2::Subnet", "name": "Is contained in Subnet"},
    {"resourceId": "sg-0123456789abcdef0", "resourceType": "AWS::EC2::SecurityGroup", "name": "Is associated with SecurityGroup"},
    {"resourceId": "fraud-ml-notebook", "resourceType": "AWS::IAM::Role", "name": "Is associated with Role"}
  ],
  "configuration": {
    "NotebookInstanceName": "fraud-analysis",
    "Id": "fraud-analysis",
    "InstanceType": "ml.t3.medium",
    "RoleArn": "arn:aws:iam::111122223333:role/fraud-ml-notebook",
    "DirectInternetAccess": "Disabled",
    "RootAccess": "Disabled",
    "SubnetId": "subnet-0a1b2c3d4e5f60718",
    "SecurityGroupIds": ["sg-0123456789abcdef0"],
    "KmsKeyId": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "LifecycleConfigName": "fraud-ml-hardening",
    "DefaultCodeRepository": "https://git-codecommit.us-east-1.amazonaws.com/v1/repos/fraud-ml",
    "AdditionalCodeRepositories": ["fraud-ml-shared-features"],
    "AcceleratorTypes": [],
    "PlatformIdentifier": "notebook-al2-v2",
    "InstanceMetadataServiceConfiguration": {"MinimumInstanceMetadataServiceVersion": "2"},
    "VolumeSizeInGB": 20,
    "Tags": [
      {"Key": "team", "Value": "fraud-ml"},
      {"Key": "cost-center", "Value": "cc-4711"},
      {"Key": "data-classification", "Value": "confidential"}
    ]
  },
  "supplementaryConfiguration": {},
  "tags": {"team": "fraud-ml", "cost-center": "cc-4711", "data-classification": "confidential"},
  "configurationItemVersion": "1.3",
  "configurationItemCaptureTime": "2026-11-20T10:15:30.123Z",
  "configurationStateId": 1763633730123,
  "awsAccountId": "111122223333",
  "configurationItemStatus": "OK",
  "resourceType": "AWS::SageMaker::NotebookInstance",
  "resourceId": "fraud-analysis",
  "resourceName": "fraud-analysis",
  "ARN": "arn:aws:sagemaker:us-east-1:111122223333:notebook-instance/fraud-analysis",
  "awsRegion": "us-east-1",
  "availabilityZone": "Regional",
  "configurationStateMd5Hash": "",
  "resourceCreationTime": "2026-11-01T08:00:00.000Z"
}`

// BenchmarkDecodeAndEvaluate measures one CI from bytes to evaluations,
// and the parts of it, so a regression can be placed: "decode" is
// configitem.Decode alone (which builds the configuration tree in the same
// pass), "decode+config" adds Item.Config (nothing left to decode),
// "decode+evaluate" is the whole path, and "baseline-unmarshal-any" is
// plain encoding/json into an any, the reference for ratios measured in
// the same run.
func BenchmarkDecodeAndEvaluate(b *testing.B) {
	reg := Catalog()
	covering := reg.ForType(typeNotebookInstance)
	params := make([]Params, len(covering))
	for i, r := range covering {
		params[i] = r.DefaultParams()
	}
	event := []byte(benchNotebookCI)
	api := benchAPIShape(b, event)
	shapes := []struct {
		name string
		data []byte
	}{{"event-shape", event}, {"api-shape", api}}
	for _, shape := range shapes {
		// The baseline: encoding/json decoding the same bytes into an any,
		// what a straightforward rule runtime does. Compare within one run.
		b.Run(shape.name+"/baseline-unmarshal-any", func(b *testing.B) {
			b.SetBytes(int64(len(shape.data)))
			b.ReportAllocs()
			cpu, n := cpuclock.Start(), 0
			for b.Loop() {
				n++
				var v any
				if err := json.Unmarshal(shape.data, &v); err != nil {
					b.Fatal(err)
				}
			}
			cpu.Report(b, n, "", 0)
		})
		b.Run(shape.name+"/decode", func(b *testing.B) {
			b.SetBytes(int64(len(shape.data)))
			b.ReportAllocs()
			cpu, n := cpuclock.Start(), 0
			for b.Loop() {
				n++
				if _, err := configitem.Decode(shape.data); err != nil {
					b.Fatal(err)
				}
			}
			cpu.Report(b, n, "", 0)
		})
		b.Run(shape.name+"/decode+config", func(b *testing.B) {
			b.SetBytes(int64(len(shape.data)))
			b.ReportAllocs()
			cpu, n := cpuclock.Start(), 0
			for b.Loop() {
				n++
				item, err := configitem.Decode(shape.data)
				if err != nil {
					b.Fatal(err)
				}
				item.Config()
			}
			cpu.Report(b, n, "", 0)
		})
		b.Run(shape.name+"/decode+evaluate", func(b *testing.B) {
			b.SetBytes(int64(len(shape.data)))
			b.ReportAllocs()
			cpu, n := cpuclock.Start(), 0
			for b.Loop() {
				n++
				item, err := configitem.Decode(shape.data)
				if err != nil {
					b.Fatal(err)
				}
				for i, r := range covering {
					if ev := r.Evaluate(item, params[i]); ev.Compliance == "" {
						b.Fatal("no verdict")
					}
				}
			}
			cpu.Report(b, n, "", 0)
			b.ReportMetric(float64(len(covering)), "rules")
		})
	}
}

// benchAPIShape rewrites the event-shape CI in the API shape
// (configuration as a JSON-encoded string).
func benchAPIShape(b *testing.B, event []byte) []byte {
	b.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(event, &m); err != nil {
		b.Fatal(err)
	}
	conf, _ := json.Marshal(string(m["configuration"]))
	m["configuration"] = conf
	for from, to := range map[string]string{"ARN": "arn", "awsAccountId": "accountId", "configurationItemVersion": "version"} {
		m[to] = m[from]
		delete(m, from)
	}
	out, err := json.Marshal(m)
	if err != nil {
		b.Fatal(err)
	}
	return out
}

func TestBenchNotebookCI(t *testing.T) {
	// The benchmark's CI is a valid, compliant, ~2 KB item.
	if n := len(benchNotebookCI); n < 1800 || n > 2600 {
		t.Errorf("benchNotebookCI is %d bytes, want about 2 KB", n)
	}
	item := ruleTestItem(t, benchNotebookCI)
	reg, err := NewRegistry(sagemakerNotebookRules()...)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reg.All() {
		if ev := r.Evaluate(item, r.DefaultParams()); ev.Compliance != Compliant {
			t.Errorf("%s: %s %s", r.ID, ev.Compliance, ev.Annotation)
		}
	}
}
