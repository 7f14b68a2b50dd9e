package replay

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aiguard/aiguard/cloudtrail"
	"github.com/aiguard/aiguard/internal/testenv/golden"
)

// exampleReplayer replays against the built-in example's policies as
// aiguard simulate --cloudtrail does, with an --account for research, which
// owns only an OU.
func exampleReplayer(t testing.TB) *Replayer {
	t.Helper()
	_, org := exampleOrg(t)
	teams := map[string]string{}
	for _, tm := range exampleTeams {
		teams[tm.account] = tm.name
	}
	return org.Replayer(teams)
}

// TestReplaySynthetic replays 1,200 synthetic records over the three
// teams of the example, gzipped as trails deliver them, and checks each
// record's outcome and the report's totals.
func TestReplaySynthetic(t *testing.T) {
	log, want, err := synthetic(1200)
	if err != nil {
		t.Fatal(err)
	}
	r, err := cloudtrail.NewReader("synthetic.json.gz", io.NopCloser(bytes.NewReader(gzipped(log))))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rp := exampleReplayer(t)
	wantTotals := map[string]int{}
	i := 0
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got := outcome(rp, rec)
		if got != want[i] {
			t.Errorf("record %d (%s, %s %s): %s, want %s", i, kinds[i%len(kinds)].name, rec.Account(), rec.EventName, got, want[i])
		}
		wantTotals[strings.SplitN(want[i], ":", 2)[0]]++
		rp.Add(rec)
		i++
	}
	if i != 1200 || r.Skipped() != 0 {
		t.Fatalf("read %d records, skipped %d", i, r.Skipped())
	}
	rep := rp.Report()
	skipped := 0
	for _, n := range rep.Skipped {
		skipped += n
	}
	if rep.Records != 1200 || rep.Allowed != wantTotals["allow"] || rep.Denied != wantTotals["deny"] ||
		rep.MayDeny != wantTotals["may deny"] || skipped != wantTotals["skip"] || rep.Replayed+skipped != rep.Records {
		t.Errorf("report %+v, want %v", rep, wantTotals)
	}
	// Calls group by principal and action: two principals per team.
	var lines []string
	for _, c := range rep.Calls {
		lines = append(lines, fmt.Sprintf("%s %s %s %s %d", c.Team, c.Action, c.Decision, c.DeniedBy, c.Count))
		if len(c.EventIDs) == 0 || c.FirstSeen.After(c.LastSeen) {
			t.Errorf("call %+v", c)
		}
	}
	sort.Strings(lines)
	t.Logf("%d groups:\n%s", len(rep.Calls), strings.Join(lines, "\n"))
	if rep.Calls[0].Decision != "deny" || rep.Calls[len(rep.Calls)-1].Decision != "may deny" {
		t.Errorf("certain denials first: %+v ... %+v", rep.Calls[0], rep.Calls[len(rep.Calls)-1])
	}
}

// outcome is a record's outcome in the form the synthetic log expects.
func outcome(rp *Replayer, rec *cloudtrail.Record) string {
	if rec.Account() == rp.Management {
		return "skip:" + SkipManagement
	}
	team, ok := rp.TeamOf(rec.Account())
	if !ok {
		return "skip:" + SkipNotTeam
	}
	req, why := Request(rec)
	if why != "" {
		return "skip:" + why
	}
	for k, v := range rp.impliedKeys(team, rec.Account()) {
		req.Context[k] = v
	}
	set, err := rp.set(team)
	if err != nil {
		return "error: " + err.Error()
	}
	d, err := rp.Eval.Decide(req, set)
	switch {
	case err != nil:
		return "error: " + err.Error()
	case !d.Denied():
		return "allow"
	case d.Uncertain:
		return "may deny:" + d.Sid
	}
	return "deny:" + d.Sid
}

// syntheticFile is the synthetic log as a file, for the command's tests and
// the benchmark: go test ./replay -update rewrites it from synthetic().
var syntheticFile = filepath.Join("testdata", "synthetic.json.gz")

func TestSyntheticFile(t *testing.T) {
	log, _, err := synthetic(1200)
	if err != nil {
		t.Fatal(err)
	}
	if golden.Update() {
		if err := os.WriteFile(syntheticFile, gzipped(log), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(syntheticFile)
	if err != nil {
		t.Fatalf("%v (go test ./replay -update writes it)", err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(got, log) {
		t.Errorf("%s is not the synthetic log of this version (%v); go test ./replay -update rewrites it", syntheticFile, err)
	}
}

// TestReplayImpliedOrgPath: the example places research's AgentCore memory key
// counterpart at the root, scoped to its OU's organization path, which
// CloudTrail does not record. Without the path the spec implies, a
// retail-vision call would be "may deny" by research's statement; with
// it, retail-vision's own statement decides.
func TestReplayImpliedOrgPath(t *testing.T) {
	c := callCtx{team: "retail-vision", account: "666666666666", region: "us-east-1",
		principalArn: "arn:aws:iam::666666666666:role/dev/Engineer0",
		sessionArn:   "arn:aws:sts::666666666666:assumed-role/Engineer0/s0", time: time.Unix(1767225600, 0), n: 1}
	body, err := json.Marshal(map[string]any{"Records": []any{base(c, "bedrock-agentcore.amazonaws.com", "CreateMemory",
		map[string]any{"name": "m"})}})
	if err != nil {
		t.Fatal(err)
	}
	deciding := func(implied bool) string {
		rp := exampleReplayer(t) // as aiguard simulate --cloudtrail makes it
		if !implied {
			rp.Implied = nil
		}
		r, err := cloudtrail.NewReader("call.json", io.NopCloser(bytes.NewReader(body)))
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		rec, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		rp.Add(rec)
		calls := rp.Report().Calls
		if len(calls) != 1 {
			t.Fatalf("calls %+v", calls)
		}
		return calls[0].Decision + " " + calls[0].DeniedBy + " " + strings.Join(calls[0].UnknownKeys, ",")
	}
	if got := deciding(false); !strings.Contains(got, "#AgentCoreMemoryKeyOu") || !strings.Contains(got, "aws:principalorgpaths") {
		t.Errorf("without the implied path: %s, want may deny by research's root statement on the unknown path", got)
	}
	if got := deciding(true); !strings.HasPrefix(got, "may deny policies/retail-vision/") ||
		!strings.Contains(got, "#AgentCoreMemoryKey bedrock-agentcore:kmskeyarn") || strings.Contains(got, "aws:principalorgpaths") {
		t.Errorf("with the implied path: %s, want may deny by retail-vision's own statement on the unknown key", got)
	}
}
