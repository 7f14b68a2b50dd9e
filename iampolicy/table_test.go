package iampolicy

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/internal/testenv/refdata"
)

func defaultTable(t testing.TB) *Table {
	t.Helper()
	tab, err := DefaultTable()
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

// fullyCovered are the AI services whose actions and condition keys the
// built-in table must list completely.
var fullyCovered = []string{"sagemaker", "bedrock", "comprehend", "rekognition"}

func TestDefaultTableLoads(t *testing.T) {
	tab := defaultTable(t)
	for _, p := range append(fullyCovered, "bedrock-agentcore", "kms", "s3", "iam") {
		s := tab.Service(p)
		if s == nil || !s.Complete {
			t.Errorf("service %s: want it complete in the built-in table", p)
		}
	}
	for _, p := range []string{"sts", "config", "cloudformation", "lambda", "organizations", "logs"} {
		if s := tab.Service(p); s == nil || s.Complete {
			t.Errorf("service %s: want it partial in the built-in table", p)
		}
	}
	if n := len(tab.GlobalKeys()); n < 60 {
		t.Errorf("%d global keys; want the ~61 of the AWS page", n)
	}
	if !tab.RCPSupports("s3") || tab.RCPSupports("sagemaker") || tab.RCPSupports("bedrock") || tab.RCPSupports("rekognition") {
		t.Error("RCP service list: want s3 in, sagemaker/bedrock/rekognition out")
	}
}

// TestTableMatchesReference cross-checks the built-in table against the
// Service Authorization Reference extract: every service the extract holds
// must be complete in the table and agree on every action, access level,
// resource type (with ARN format and keys), condition key (with type) and
// per-action key; and the global keys must agree.
func TestTableMatchesReference(t *testing.T) {
	dir := refdata.Path(t, "iam")
	ref, err := LoadReference(dir)
	if err != nil {
		t.Fatal(err)
	}
	tab := defaultTable(t)
	for _, p := range fullyCovered {
		if ref.Service(p) == nil {
			t.Errorf("the reference lacks %s", p)
		}
	}
	for _, rs := range ref.Services() {
		ts := tab.Service(rs.Prefix)
		if ts == nil || !ts.Complete {
			t.Errorf("%s: in the reference but not complete in the table", rs.Prefix)
			continue
		}
		var want, got bytes.Buffer
		if err := ref.WriteFacts(&want, rs.Prefix); err != nil {
			t.Fatal(err)
		}
		if err := tab.WriteFacts(&got, rs.Prefix); err != nil {
			t.Fatal(err)
		}
		if d := lineDiff(want.String(), got.String()); d != "" {
			t.Errorf("%s: the table differs from the reference (run go generate ./iampolicy):\n%s", rs.Prefix, d)
		}
	}
}

// lineDiff lists the lines only in want (-) or only in got (+).
func lineDiff(want, got string) string {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			m[l] = true
		}
		return m
	}
	w, g := in(want), in(got)
	var out []string
	for l := range w {
		if !g[l] {
			out = append(out, "- "+l)
		}
	}
	for l := range g {
		if !w[l] {
			out = append(out, "+ "+l)
		}
	}
	sort.Strings(out)
	if len(out) > 40 {
		out = append(out[:40], "...")
	}
	return strings.Join(out, "\n")
}

// TestReferenceCounts pins the extract's figures from its README, so that
// a half-read file cannot pass the cross-check.
func TestReferenceCounts(t *testing.T) {
	ref, err := LoadReference(refdata.Path(t, "iam"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		prefix           string
		actions, rt, key int
	}{
		{"sagemaker", 430, 72, 59}, {"bedrock", 245, 38, 10}, {"comprehend", 85, 15, 10}, {"rekognition", 76, 5, 3},
	} {
		s := ref.Service(tt.prefix)
		if s == nil {
			t.Fatalf("%s missing", tt.prefix)
		}
		// The README counts the aws: tag keys a service lists among its keys.
		serviceKeys := len(s.Keys())
		if len(s.Actions()) != tt.actions || len(s.ResourceTypes()) != tt.rt {
			t.Errorf("%s: %d actions, %d resource types; want %d, %d", tt.prefix, len(s.Actions()),
				len(s.ResourceTypes()), tt.actions, tt.rt)
		}
		if serviceKeys != tt.key {
			t.Errorf("%s: %d service condition keys; want %d", tt.prefix, serviceKeys, tt.key)
		}
	}
}

func TestActionsWithKey(t *testing.T) {
	tab := defaultTable(t)
	// The 18 actions of the notes (§8.3) that support sagemaker:VpcSubnets.
	want := []string{"CreateAutoMLJob", "CreateAutoMLJobV2", "CreateCluster", "CreateDataQualityJobDefinition",
		"CreateDomain", "CreateEndpointConfig", "CreateHyperParameterTuningJob", "CreateModel",
		"CreateModelBiasJobDefinition", "CreateModelExplainabilityJobDefinition", "CreateModelQualityJobDefinition",
		"CreateMonitoringSchedule", "CreateNotebookInstance", "CreateProcessingJob", "CreateTrainingJob",
		"UpdateCluster", "UpdateDomain", "UpdateMonitoringSchedule"}
	for i := range want {
		want[i] = "sagemaker:" + want[i]
	}
	if got := tab.ActionsWithKey("SageMaker:vpcsubnets"); !reflect.DeepEqual(got, want) {
		t.Errorf("ActionsWithKey(sagemaker:VpcSubnets) =\n%v\nwant\n%v", got, want)
	}
	got := tab.ActionsWithKey("bedrock:GuardrailIdentifier")
	if !reflect.DeepEqual(got, []string{"bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"}) {
		t.Errorf("ActionsWithKey(bedrock:GuardrailIdentifier) = %v", got)
	}
}

func TestLookupKey(t *testing.T) {
	tab := defaultTable(t)
	tests := []struct {
		name string
		want string // the key's Name; "" for none
		typ  KeyType
	}{
		{"aws:PrincipalArn", "aws:PrincipalArn", KeyARN},
		{"AWS:principalarn", "aws:PrincipalArn", KeyARN},
		{"aws:PrincipalTag/dp:exclude:network", "aws:PrincipalTag/${TagKey}", KeyString},
		{"aws:RequestTag/team", "aws:RequestTag/${TagKey}", KeyString},
		{"aws:RequestTag/", "", ""},
		{"aws:TagKeys", "aws:TagKeys", KeyArrayOfString},
		{"sagemaker:VpcSubnets", "sagemaker:VpcSubnets", KeyArrayOfString},
		{"sagemaker:ResourceTag/team", "sagemaker:ResourceTag/${TagKey}", KeyString},
		{"bedrock:bearerTokenType", "bedrock:BearerTokenType", KeyString},
		{"kms:EncryptionContext:project", "kms:EncryptionContext:${EncryptionContextKey}", KeyString},
		{"s3:ExistingObjectTag/classification", "s3:ExistingObjectTag/<key>", KeyString},
		{"ec2:SourceInstanceArn", "ec2:SourceInstanceArn", KeyARN},
		{"lambda:VpcIds", "lambda:VpcIds", KeyString},
		{"sagemaker:ModelMonitorJobDefinitionName", "", ""},
		{"aws:ARN", "", ""},
		{"nocolon", "", ""},
	}
	for _, tt := range tests {
		k := tab.LookupKey(tt.name)
		switch {
		case k == nil && tt.want != "":
			t.Errorf("LookupKey(%q) = nil, want %s", tt.name, tt.want)
		case k != nil && (k.Name != tt.want || k.Type != tt.typ):
			t.Errorf("LookupKey(%q) = %s %s, want %q %s", tt.name, k.Name, k.Type, tt.want, tt.typ)
		}
	}
}

func TestMatchActions(t *testing.T) {
	tab := defaultTable(t)
	tests := []struct {
		pattern string
		n       int // -1: at least one
		svc     bool
	}{
		{"sagemaker:CreateTrainingJob", 1, true},
		{"SAGEMAKER:createtrainingjob", 1, true},
		{"sagemaker:*", 430, true},
		{"sagemaker:Create*", -1, true},
		{"sagemaker:Describe?odel", 1, true},
		{"s3:GetAccountPublic*", -1, true},
		{"sagemaker:NoSuchAction", 0, true},
		{"bedrock:Converse", 0, true},
		{"glue:CreateJob", 0, false},
		{"nocolon", 0, false},
	}
	for _, tt := range tests {
		got, svc := tab.MatchActions(tt.pattern)
		if (svc != nil) != tt.svc || tt.n >= 0 && len(got) != tt.n || tt.n < 0 && len(got) == 0 {
			t.Errorf("MatchActions(%q) = %d actions, service %v; want %d, %v", tt.pattern, len(got), svc != nil, tt.n, tt.svc)
		}
	}
}

func TestFactsRoundTrip(t *testing.T) {
	tab := defaultTable(t)
	var a bytes.Buffer
	if err := tab.WriteFacts(&a); err != nil {
		t.Fatal(err)
	}
	back, err := ReadTable(bytes.NewReader(a.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := back.WriteFacts(&b); err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() {
		t.Errorf("WriteFacts/ReadTable do not round-trip:\n%s", lineDiff(a.String(), b.String()))
	}
}

func TestReadTableErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"outside service", "act X R -\n", "outside a service"},
		{"bad type", "service x complete\nkey K Strin\n", "unknown type"},
		{"bad global type", "global aws:K Foo\n", "unknown type"},
		{"bad state", "service x sometimes\n", "complete or partial"},
		{"twice", "service x partial\nservice x partial\n", "defined twice"},
		{"bad access", "service x partial\nact A Z -\n", "access level"},
		{"unknown resource", "service x partial\nact A R nores\n", "unknown resource type"},
		{"garbage", "service x partial\nwhat is this\n", "cannot read"},
		{"action twice", "service x partial\nact A R -\nact a R -\n", "defined twice"},
	}
	for _, tt := range tests {
		_, err := ReadTable(strings.NewReader(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
}

// TestManualFactsHaveNoCompleteServices keeps the hand-kept file to
// partial services: complete ones come from the generator alone.
func TestManualFactsHaveNoCompleteServices(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("facts", "manual.txt"))
	if err != nil {
		t.Fatal(err)
	}
	tab, err := ReadTable(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	gen := defaultTable(t)
	for _, s := range tab.Services() {
		if s.Complete {
			t.Errorf("manual.txt: service %s is complete; complete services are generated", s.Prefix)
		}
		if g := gen.Service(s.Prefix); g != nil && g.Complete {
			t.Errorf("manual.txt: service %s is also generated", s.Prefix)
		}
	}
}

func TestLoadReferenceErrors(t *testing.T) {
	if _, err := LoadReference(t.TempDir()); err == nil || !strings.Contains(err.Error(), "no JSON files") {
		t.Errorf("empty folder: err = %v", err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x.json"), []byte(`{"service_prefix":"x","condition_keys":{"x:K":{"type":"Weird"}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadReference(dir); err == nil || !strings.Contains(err.Error(), "unknown type") {
		t.Errorf("bad type: err = %v", err)
	}
}
