package hunt

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aiguard/aiguard/cloudtrail"
	"github.com/aiguard/aiguard/detections"
	"github.com/aiguard/aiguard/internal/testenv/ctgen"
)

// endpoints returns n CreateEndpoint calls by p, spread evenly over span
// from start.
func endpoints(g *ctgen.Generator, p ctgen.Principal, start time.Time, n int, span time.Duration) []map[string]any {
	var out []map[string]any
	for i := range n {
		t := start
		if n > 1 {
			t = start.Add(span * time.Duration(i) / time.Duration(n-1))
		}
		out = append(out, g.Event(p, t, "sagemaker.amazonaws.com", "CreateEndpoint", map[string]any{"endpointName": "e"}))
	}
	return out
}

// hunt writes each group of records to its own NDJSON file (named in the
// given order) and hunts through them.
func huntFiles(t *testing.T, cfg *detections.Config, maxDelay time.Duration, groups ...[]map[string]any) *Result {
	t.Helper()
	dir := t.TempDir()
	var inputs []cloudtrail.Input
	for i, recs := range groups {
		var b strings.Builder
		for _, r := range recs {
			b.Write(ctgen.JSON(r))
			b.WriteByte('\n')
		}
		p := filepath.Join(dir, string(rune('a'+i))+".ndjson")
		if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, cloudtrail.Input{Path: p})
	}
	res, err := Run(t.Context(), inputs, Options{Registry: detections.Catalog(), Config: cfg, MaxDelay: maxDelay,
		IDs: []string{"sagemaker-bulk-endpoint-creation", "bedrock-model-access-change"}})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestRateWindow(t *testing.T) {
	g := ctgen.New(1)
	p := ctgen.Role(ctgen.AcctRetail, "deployer", "s")
	b := ctgen.Base
	tests := []struct {
		name   string
		groups [][]map[string]any
		want   []int // event counts of the findings
	}{
		{"10 in an hour fires", [][]map[string]any{endpoints(g, p, b, 10, time.Hour)}, []int{10}},
		{"10 in just over an hour does not", [][]map[string]any{endpoints(g, p, b, 10, time.Hour+time.Second)}, nil},
		{"9 in an hour does not", [][]map[string]any{endpoints(g, p, b, 9, 10*time.Minute)}, nil},
		{"a burst grows while calls keep coming", [][]map[string]any{endpoints(g, p, b, 30, 3*time.Hour)}, []int{30}},
		{"two bursts apart", [][]map[string]any{endpoints(g, p, b, 10, 5*time.Minute), endpoints(g, p, b.Add(3*time.Hour), 12, 5*time.Minute)}, []int{10, 12}},
		{"a window across files, in reverse order", [][]map[string]any{endpoints(g, p, b.Add(30*time.Minute), 5, 20*time.Minute), endpoints(g, p, b, 5, 20*time.Minute)}, []int{10}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := huntFiles(t, nil, time.Hour, tt.groups...)
			var got []int
			for _, f := range res.Findings {
				got = append(got, f.EventCount)
				if f.DetectionID != "sagemaker-bulk-endpoint-creation" || f.Principal != p.RoleARN() || !strings.Contains(f.Reason, "threshold 10 in 1h") {
					t.Errorf("finding %+v", f)
				}
			}
			if len(got) != len(tt.want) || (len(got) > 0 && got[0] != tt.want[0]) || (len(got) > 1 && got[1] != tt.want[1]) {
				t.Errorf("findings of %v events, want %v", got, tt.want)
			}
			if res.Late != 0 {
				t.Errorf("%d late", res.Late)
			}
		})
	}
}

func TestRatePerAccount(t *testing.T) {
	g := ctgen.New(2)
	b := ctgen.Base
	var recs []map[string]any
	for i := range 10 { // ten principals of one account, one call each
		recs = append(recs, endpoints(g, ctgen.Role(ctgen.AcctRetail, "r"+string(rune('a'+i)), "s"), b.Add(time.Duration(i)*time.Minute), 1, 0)...)
	}
	if res := huntFiles(t, nil, time.Hour, recs); len(res.Findings) != 0 {
		t.Errorf("per principal: %d findings", len(res.Findings))
	}
	cfg := &detections.Config{Settings: map[string]detections.Settings{"sagemaker-bulk-endpoint-creation": {By: detections.KeyAccount}}}
	res := huntFiles(t, cfg, time.Hour, recs)
	if len(res.Findings) != 1 || res.Findings[0].Principal != "" || res.Findings[0].AccountID != ctgen.AcctRetail ||
		!strings.Contains(res.Findings[0].Reason, "account "+ctgen.AcctRetail) {
		t.Errorf("per account: %+v", res.Findings)
	}
}

func TestSingleEventsMerge(t *testing.T) {
	g := ctgen.New(3)
	b := ctgen.Base
	call := func(t time.Time) map[string]any {
		return g.Event(ctgen.Attacker, t, "bedrock.amazonaws.com", "PutUseCaseForModelAccess", nil)
	}
	res := huntFiles(t, nil, time.Hour, []map[string]any{call(b), call(b.Add(50 * time.Minute)), call(b.Add(100 * time.Minute)), call(b.Add(4 * time.Hour))})
	if len(res.Findings) != 2 || res.Findings[0].EventCount != 3 || res.Findings[1].EventCount != 1 {
		for _, f := range res.Findings {
			t.Logf("%+v", f)
		}
		t.Errorf("%d findings, want 2 (3 events less than an hour apart, then 1)", len(res.Findings))
	}
}

// TestLate: a file whose events are older than what was already released
// is still counted, and the result says so.
func TestLate(t *testing.T) {
	g := ctgen.New(4)
	p := ctgen.Role(ctgen.AcctRetail, "deployer", "s")
	b := ctgen.Base
	late := endpoints(g, p, b, 5, 10*time.Minute)
	early := endpoints(g, p, b.Add(15*time.Minute), 5, 10*time.Minute)
	noise := []map[string]any{g.Event(ctgen.RetailCI, b.Add(5*time.Hour), "sagemaker.amazonaws.com", "ListEndpoints", nil)}
	res := huntFiles(t, nil, 10*time.Minute, append(early, noise...), late)
	if res.Late == 0 {
		t.Error("no late hits counted")
	}
	// Within --max-delay the same files count in order.
	res = huntFiles(t, nil, 6*time.Hour, append(early, noise...), late)
	if res.Late != 0 || len(res.Findings) != 1 || res.Findings[0].EventCount != 10 {
		t.Errorf("late %d, findings %+v", res.Late, res.Findings)
	}
}

func TestOrderInputs(t *testing.T) {
	in := []cloudtrail.Input{
		{Path: "x/111111111111/CloudTrail/us-west-2/2024/05/21/111111111111_CloudTrail_us-west-2_20240521T0900Z_a.json.gz"},
		{Path: "export.ndjson"},
		{Path: "x/111111111111/CloudTrail/us-east-1/2024/05/21/111111111111_CloudTrail_us-east-1_20240521T1000Z_b.json.gz"},
		{Path: "x/222222222222/CloudTrail/us-east-1/2024/05/20/222222222222_CloudTrail_us-east-1_20240520T2300Z_c.json.gz"},
	}
	var got []string
	for _, i := range orderInputs(in) {
		got = append(got, filepath.Base(i.Path))
	}
	want := "222222222222_CloudTrail_us-east-1_20240520T2300Z_c.json.gz 111111111111_CloudTrail_us-west-2_20240521T0900Z_a.json.gz " +
		"111111111111_CloudTrail_us-east-1_20240521T1000Z_b.json.gz export.ndjson"
	if strings.Join(got, " ") != want {
		t.Errorf("order %v", got)
	}
}

func TestRunErrors(t *testing.T) {
	_, err := Run(t.Context(), []cloudtrail.Input{{Path: "/nonexistent/file.json"}}, Options{Registry: detections.Catalog()})
	if err == nil {
		t.Error("a missing file is an error")
	}
	bad := &detections.Config{AllowedCIDRs: []string{"nope"}}
	if _, err := Run(t.Context(), nil, Options{Registry: detections.Catalog(), Config: bad}); err == nil || !strings.Contains(err.Error(), "allowed CIDR") {
		t.Errorf("bad configuration: %v", err)
	}
}
