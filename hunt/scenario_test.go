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
	"github.com/aiguard/aiguard/detections"
	"github.com/aiguard/aiguard/internal/ctgen"
	"github.com/aiguard/aiguard/orgspec"
	"github.com/aiguard/aiguard/packgen"
)

// base is a Tuesday, 10:00 in New York and 15:00 in London: working hours
// of the example organization and of team payments-risk.
var base = time.Date(2024, 5, 21, 14, 0, 0, 0, time.UTC)

func at(min int) time.Time { return base.Add(time.Duration(min) * time.Minute) }

// exampleConfig is the detections configuration of the built-in example
// spec (orgspec/example.yaml).
func exampleConfig(t testing.TB) *detections.Config {
	t.Helper()
	spec, err := orgspec.Parse(orgspec.ExampleName, orgspec.Example())
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := packgen.DetectionConfig(spec)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// caseRecords are the records of one planted attack or near miss.
type caseRecords struct {
	detection string // the detection it is about
	principal string // who should (or should not) show up in a finding
	fire      bool
	recs      []map[string]any
}

// scenario builds a day's CloudTrail of the example organization: benign
// noise, and for every detection records that must fire it and near misses
// that must not.
func scenario(g *ctgen.Generator) (noise []map[string]any, cases []caseRecords) {
	g.Noise(at(-60), 3*time.Hour, 60, func(r map[string]any) { noise = append(noise, r) })
	role := func(acct, name string) ctgen.Principal { return ctgen.Role(acct, name, "s-"+name) }
	add := func(det string, p ctgen.Principal, fire bool, recs ...map[string]any) {
		who := p.ARN()
		if p.Kind == "role" {
			who = p.RoleARN()
		}
		cases = append(cases, caseRecords{det, who, fire, recs})
	}
	repeat := func(n int, start, span time.Duration, f func(t time.Time) map[string]any) []map[string]any {
		var out []map[string]any
		for i := range n {
			out = append(out, f(base.Add(start+span*time.Duration(i)/time.Duration(n))))
		}
		return out
	}
	bedrock, sagemaker := "bedrock.amazonaws.com", "sagemaker.amazonaws.com"

	// bedrock-model-access-change
	att := ctgen.Attacker
	add("bedrock-model-access-change", att, true, g.Event(att, at(5), bedrock, "PutUseCaseForModelAccess", map[string]any{"formData": "HIDDEN_DUE_TO_SECURITY_REASONS"}))
	nm := role(ctgen.AcctPayments2, "nm-access")
	add("bedrock-model-access-change", nm, false, g.Record(ctgen.Call{Principal: nm, Time: at(5), Source: bedrock, Name: "CreateFoundationModelAgreement", ErrorCode: "AccessDeniedException"}))

	// bedrock-model-enumeration: 30 in 10m, not from the console
	enum := func(p ctgen.Principal, n int, span time.Duration, console bool) []map[string]any {
		return repeat(n, 6*time.Minute, span, func(t time.Time) map[string]any {
			return g.Record(ctgen.Call{Principal: p, Time: t, Source: bedrock, Name: "GetFoundationModelAvailability",
				Params: map[string]any{"modelId": "anthropic.claude-3-opus-20240229-v1:0"}, Console: console})
		})
	}
	add("bedrock-model-enumeration", att, true, enum(att, 40, 4*time.Minute, false)...)
	nm = role(ctgen.AcctPayments2, "nm-enum")
	add("bedrock-model-enumeration", nm, false, enum(nm, 29, 9*time.Minute, false)...)
	add("bedrock-model-enumeration", ctgen.PaymentsAnalyst, false, enum(ctgen.PaymentsAnalyst, 100, 5*time.Minute, true)...)

	// bedrock-invocation-spike: the example sets 2000 in 10m
	proxy := ctgen.User(ctgen.AcctRetail, "llm-proxy")
	add("bedrock-invocation-spike", proxy, true, repeat(2100, 20*time.Minute, 9*time.Minute, func(t time.Time) map[string]any {
		return g.Invoke(proxy, t, "InvokeModel")
	})...)
	nm = role(ctgen.AcctPayments2, "nm-spike")
	add("bedrock-invocation-spike", nm, false, repeat(1999, 20*time.Minute, 9*time.Minute, func(t time.Time) map[string]any {
		return g.Invoke(nm, t, "Converse")
	})...)

	// bedrock-logging-disabled
	add("bedrock-logging-disabled", att, true, g.Event(att, at(11), bedrock, "DeleteModelInvocationLoggingConfiguration", nil))
	quiet := role(ctgen.AcctRetail, "quiet-logging")
	add("bedrock-logging-disabled", quiet, true, g.Event(quiet, at(12), bedrock, "PutModelInvocationLoggingConfiguration", map[string]any{
		"loggingConfig": map[string]any{"s3Config": map[string]any{"bucketName": "example-logs"}, "textDataDeliveryEnabled": false,
			"imageDataDeliveryEnabled": false, "embeddingDataDeliveryEnabled": false},
	}))
	nm = role(ctgen.AcctPayments2, "nm-logging")
	add("bedrock-logging-disabled", nm, false, g.Event(nm, at(12), bedrock, "PutModelInvocationLoggingConfiguration", map[string]any{
		"loggingConfig": map[string]any{"cloudWatchConfig": map[string]any{"logGroupName": "bedrock", "roleArn": "arn:aws:iam::444444444444:role/bedrock-logs"},
			"textDataDeliveryEnabled": true},
	}))

	// bedrock-guardrail-weakened
	ops := role(ctgen.AcctPayments, "ops-automation")
	add("bedrock-guardrail-weakened", ops, true, g.Guardrail(ops, at(30), "pay0risk0gr1", false))
	add("bedrock-guardrail-weakened", att, true, g.Event(att, at(31), bedrock, "DeleteGuardrail", map[string]any{"guardrailIdentifier": "pay0risk0gr1"}))
	nm = role(ctgen.AcctPayments2, "nm-guardrail")
	add("bedrock-guardrail-weakened", nm, false, g.Guardrail(nm, at(30), "pay0risk0gr1", true))

	// sagemaker-bulk-endpoint-creation: 10 in 1h
	endpoints := func(p ctgen.Principal, n int, span time.Duration) []map[string]any {
		return repeat(n, 40*time.Minute, span, func(t time.Time) map[string]any {
			return g.Event(p, t, sagemaker, "CreateEndpoint", map[string]any{"endpointName": "ep-" + t.Format("150405"), "endpointConfigName": "cfg"})
		})
	}
	deployer := role(ctgen.AcctRetail, "mlops-deployer")
	add("sagemaker-bulk-endpoint-creation", deployer, true, endpoints(deployer, 12, 30*time.Minute)...)
	nm = role(ctgen.AcctPayments2, "nm-endpoints")
	add("sagemaker-bulk-endpoint-creation", nm, false, endpoints(nm, 9, 55*time.Minute)...)

	// sagemaker-presigned-url-unexpected-source
	add("sagemaker-presigned-url-unexpected-source", ctgen.PaymentsAnalyst, true, g.Presign(ctgen.PaymentsAnalyst, at(45), "198.51.100.23", ""))
	nm = role(ctgen.AcctPayments2, "nm-presign-a")
	add("sagemaker-presigned-url-unexpected-source", nm, false, g.Presign(nm, at(45), "10.20.1.5", ""))
	nm = role(ctgen.AcctPayments2, "nm-presign-b")
	add("sagemaker-presigned-url-unexpected-source", nm, false, g.Presign(nm, at(46), "198.51.100.23", "vpce-0a1b2c3d4e5f60099"))

	// ml-model-artifact-download
	thief := role(ctgen.AcctPayments, "etl-batch")
	add("ml-model-artifact-download", thief, true, g.GetObject(thief, at(50), ctgen.BucketPaymentsModels, "fraud/v7/model.tar.gz"))
	nm = role(ctgen.AcctPayments, "nm-artifact")
	add("ml-model-artifact-download", nm, false,
		g.GetObject(nm, at(50), "example-shared-public", "fraud/v7/model.tar.gz"),
		g.GetObject(nm, at(51), ctgen.BucketPaymentsData, "raw/2024/05/21/batch.csv"))
	add("ml-model-artifact-download", ctgen.PaymentsInference, false, g.GetObject(ctgen.PaymentsInference, at(52), ctgen.BucketPaymentsModels, "fraud/v7/model.tar.gz"))

	// sagemaker-off-hours-training: payments-risk works 08:00-19:00 London,
	// retail-vision the organization's 07:00-20:00 New York; research
	// turns the detection off.
	night := role(ctgen.AcctPayments, "jobs-scheduler")
	add("sagemaker-off-hours-training", night, true, g.TrainingJob(night, base.Add(11*time.Hour+30*time.Minute), ctgen.PaymentsTraining.RoleARN(), nil))
	late := role(ctgen.AcctRetail, "late-trainer")
	add("sagemaker-off-hours-training", late, true, g.TrainingJob(late, base.Add(13*time.Hour), "arn:aws:iam::666666666666:role/shelf-training", nil))
	nm = role(ctgen.AcctPayments, "nm-offhours-a")
	add("sagemaker-off-hours-training", nm, false, g.TrainingJob(nm, at(60), ctgen.PaymentsTraining.RoleARN(), nil))
	nm = role(ctgen.AcctResearch, "nm-offhours-b")
	add("sagemaker-off-hours-training", nm, false, g.TrainingJob(nm, base.Add(13*time.Hour), ctgen.ResearchTraining.RoleARN(), map[string]string{"aiguard-team": "research"}))

	// ml-access-denied-burst: 20 in 10m
	denied := func(p ctgen.Principal, n int, span time.Duration, sources ...string) []map[string]any {
		i := 0
		return repeat(n, 60*time.Minute, span, func(t time.Time) map[string]any {
			i++
			return g.Denied(p, t, sources[i%len(sources)], []string{"CreateEndpoint", "InvokeModel", "ListFoundationModels"}[i%3])
		})
	}
	probe := role(ctgen.AcctResearch, "probe")
	add("ml-access-denied-burst", probe, true, denied(probe, 25, 5*time.Minute, bedrock, sagemaker)...)
	nm = role(ctgen.AcctPayments2, "nm-denied-a")
	add("ml-access-denied-burst", nm, false, denied(nm, 19, 9*time.Minute, bedrock)...)
	nm = role(ctgen.AcctPayments2, "nm-denied-b")
	add("ml-access-denied-burst", nm, false, denied(nm, 30, 5*time.Minute, "kms.amazonaws.com")...)

	// ml-detection-tampering
	add("ml-detection-tampering", att, true,
		g.Event(att, at(80), "cloudtrail.amazonaws.com", "StopLogging", map[string]any{"name": "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail"}),
		g.Event(att, at(81), "guardduty.amazonaws.com", "UpdateDetector", map[string]any{"detectorId": "12abc34d567e8fa901bc2d34e56789f0", "enable": false}),
		g.Event(att, at(82), "iam.amazonaws.com", "PutRolePolicy", map[string]any{"roleName": "aiguard-config-rules-member", "policyName": "x", "policyDocument": "{}"}))
	nm = role(ctgen.AcctPayments2, "nm-tamper")
	add("ml-detection-tampering", nm, false,
		g.Event(nm, at(80), "guardduty.amazonaws.com", "UpdateDetector", map[string]any{"detectorId": "12abc34d567e8fa901bc2d34e56789f0", "enable": true}),
		g.Event(nm, at(81), "config.amazonaws.com", "DeleteConformancePack", map[string]any{"conformancePackName": "team-sandbox-pack"}),
		g.Event(nm, at(82), "iam.amazonaws.com", "PutRolePolicy", map[string]any{"roleName": "other-role", "policyName": "x", "policyDocument": "{}"}),
		g.Event(nm, at(83), "cloudtrail.amazonaws.com", "PutEventSelectors", map[string]any{"trailName": "org-trail",
			"advancedEventSelectors": []any{map[string]any{"fieldSelectors": []any{
				map[string]any{"field": "eventCategory", "equals": []any{"Data"}},
				map[string]any{"field": "resources.type", "equals": []any{"AWS::S3::Object"}},
			}}}}))
	return noise, cases
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
	noise, cases := scenario(g)
	dir := t.TempDir()
	all := noise
	for _, c := range cases {
		all = append(all, c.recs...)
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
		k := c.detection + " " + c.principal
		if c.fire {
			fired[k] = true
			if len(got[k]) == 0 {
				t.Errorf("%s: no finding for %s", c.detection, c.principal)
			}
		}
	}
	for _, c := range cases {
		if c.fire {
			continue
		}
		for k, fs := range got {
			if strings.HasSuffix(k, " "+c.principal) && !fired[k] {
				t.Errorf("near miss of %s: %s found %s (%s)", c.detection, fs[0].DetectionID, c.principal, fs[0].Reason)
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
