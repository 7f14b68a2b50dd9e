package hunt

import (
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aiguard/aiguard/cloudtrail"
	"github.com/aiguard/aiguard/deploy"
	"github.com/aiguard/aiguard/detections"
	"github.com/aiguard/aiguard/internal/testenv/ctgen"
	"github.com/aiguard/aiguard/orgspec"
)

var base = ctgen.Base

func at(min int) time.Time { return base.Add(time.Duration(min) * time.Minute) }

// exampleConfig is the detections configuration of the built-in example
// spec (orgspec/example.yaml).
func exampleConfig(t testing.TB) *detections.Config {
	t.Helper()
	spec, err := orgspec.Parse(orgspec.ExampleName, orgspec.Example())
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := deploy.DetectionConfig(spec)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// writeTrail writes records as a trail delivers them: one gzipped log file
// per account, Region and five minutes, under the S3 layout of an
// organization trail, the records of a file in no particular order.
func writeTrail(t testing.TB, dir string, recs []map[string]any) {
	t.Helper()
	type key struct {
		account, region string
		bucket          time.Time
	}
	files := map[key][]map[string]any{}
	for _, r := range recs {
		ts, _ := time.Parse(time.RFC3339, r["eventTime"].(string))
		k := key{r["recipientAccountId"].(string), r["awsRegion"].(string), ts.Truncate(5 * time.Minute)}
		files[k] = append(files[k], r)
	}
	for k, list := range files {
		// Reverse the order: events in a file are not in time order.
		for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
			list[i], list[j] = list[j], list[i]
		}
		delivered := k.bucket.Add(5 * time.Minute)
		name := fmt.Sprintf("%s_CloudTrail_%s_%s_%08x.json.gz", k.account, k.region, delivered.Format("20060102T1504Z"), len(list))
		path := filepath.Join(dir, "AWSLogs", "o-exampleorg1", k.account, "CloudTrail", k.region, delivered.Format("2006/01/02"), name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		zw := gzip.NewWriter(f)
		zw.Write(ctgen.LogFile(list))
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
}

// TestScenario plants an attack and near misses for every detection in a
// day of the example organization's CloudTrail, spread over log files as a
// trail writes them: every attack is found, by the right detection and
// principal, and nothing else is.
func TestScenario(t *testing.T) {
	g := ctgen.New(13)
	noise, cases := g.Scenario()
	dir := t.TempDir()
	all := noise
	for _, c := range cases {
		all = append(all, c.Records...)
	}
	writeTrail(t, dir, all)
	// Some records also come as NDJSON, with malformed lines among them.
	var nd strings.Builder
	nd.Write(ctgen.JSON(g.Event(ctgen.RetailCI, at(1), "sagemaker.amazonaws.com", "ListTrainingJobs", nil)))
	nd.WriteString("\nnot a record\n")
	nd.WriteString(`{"eventTime":"2024-05-21T14:00:00Z","eventSource":"bedrock.amazonaws.com"}` + "\n")
	if err := os.WriteFile(filepath.Join(dir, "extra.ndjson"), []byte(nd.String()), 0o644); err != nil {
		t.Fatal(err)
	}

	inputs, err := cloudtrail.Expand([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	reg := detections.Catalog()
	res, err := Run(t.Context(), inputs, Options{Registry: reg, Config: exampleConfig(t)})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.NotRun) != 0 {
		t.Errorf("detections not run: %v", res.NotRun)
	}
	if res.Skipped != 2 {
		t.Errorf("skipped %d records, want 2: %v", res.Skipped, res.Problems)
	}
	if res.Records != int64(len(all))+1 {
		t.Errorf("read %d records, want %d", res.Records, len(all))
	}
	if res.Late != 0 {
		t.Errorf("%d hits out of order", res.Late)
	}

	got := map[string][]*detections.Finding{} // detection/principal → findings
	for _, f := range res.Findings {
		got[f.DetectionID+" "+f.Principal] = append(got[f.DetectionID+" "+f.Principal], f)
	}
	fired := map[string]bool{}
	for _, c := range cases {
		k := c.Detection + " " + c.Principal
		if c.Fire {
			fired[k] = true
			if len(got[k]) == 0 {
				t.Errorf("%s: no finding for %s", c.Detection, c.Principal)
			}
		}
	}
	for _, c := range cases {
		if c.Fire {
			continue
		}
		for k, fs := range got {
			if strings.HasSuffix(k, " "+c.Principal) && !fired[k] {
				t.Errorf("near miss of %s: %s found %s (%s)", c.Detection, fs[0].DetectionID, c.Principal, fs[0].Reason)
			}
		}
	}
	for k, fs := range got {
		if !fired[k] {
			t.Errorf("unexpected finding %s: %s", k, fs[0].Reason)
		}
	}
	ids := map[string]bool{}
	for k := range fired {
		ids[strings.Fields(k)[0]] = true
	}
	if len(ids) != len(reg.All()) {
		t.Errorf("%d detections fired, want every one of the %d", len(ids), len(reg.All()))
	}

	// Spot checks of what the findings say.
	for _, f := range res.Findings {
		switch f.DetectionID {
		case "bedrock-invocation-spike":
			if f.EventCount != 2100 || len(f.EventIDs) != detections.MaxEventIDs || f.AccountID != ctgen.AcctRetail {
				t.Errorf("spike finding: %d events, %d IDs, account %s", f.EventCount, len(f.EventIDs), f.AccountID)
			}
		case "ml-detection-tampering":
			if f.EventCount != 3 {
				t.Errorf("tampering by one principal within an hour is one finding of 3 events, got %d", f.EventCount)
			}
		case "sagemaker-off-hours-training":
			if f.Team == "" {
				t.Errorf("off-hours finding without a team: %+v", f)
			}
		}
		if f.FirstSeen.After(f.LastSeen) || f.EventCount < len(f.EventIDs) {
			t.Errorf("inconsistent finding %+v", f)
		}
	}
	keys := make([]string, 0, len(got))
	for k := range got {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	t.Logf("%d findings from %d records (%d matched):\n%s", len(res.Findings), res.Records, res.Matched, strings.Join(keys, "\n"))
}
