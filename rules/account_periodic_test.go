package rules

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// fakeAccount serves fixed trails, detectors and Cost Anomaly Detection
// data, with an error per method when set.
type fakeAccount struct {
	trails    []Trail
	detectors []Detector
	monitors  []AnomalyMonitor
	subs      []AnomalySubscription
	errs      map[string]error
}

func (f *fakeAccount) Trails(context.Context) ([]Trail, error) { return f.trails, f.errs["trails"] }
func (f *fakeAccount) Detectors(context.Context) ([]Detector, error) {
	return f.detectors, f.errs["detectors"]
}
func (f *fakeAccount) AnomalyMonitors(context.Context) ([]AnomalyMonitor, error) {
	return f.monitors, f.errs["monitors"]
}
func (f *fakeAccount) AnomalySubscriptions(context.Context) ([]AnomalySubscription, error) {
	return f.subs, f.errs["subs"]
}

func runAccountRule(t *testing.T, id string, f *fakeAccount, params map[string]string) ([]Evaluation, error) {
	t.Helper()
	evals, err := runAccountLevel(t, id, Sources{CloudTrail: f, GuardDuty: f, CostAnomaly: f}, params)
	for _, e := range evals {
		if e.ResourceID != "111122223333" {
			t.Errorf("evaluation %+v: want the account 111122223333 itself", e)
		}
	}
	return evals, err
}

// checkAccount runs a rule and checks its one verdict.
func checkAccount(t *testing.T, id string, f *fakeAccount, params map[string]string, want Compliance, contains ...string) {
	t.Helper()
	evals, err := runAccountRule(t, id, f, params)
	if err != nil {
		t.Fatal(err)
	}
	if len(evals) != 1 {
		t.Fatalf("%d evaluations, want 1", len(evals))
	}
	if evals[0].Compliance != want {
		t.Errorf("compliance = %s (%q), want %s", evals[0].Compliance, evals[0].Annotation, want)
	}
	for _, c := range contains {
		if !strings.Contains(evals[0].Annotation, c) {
			t.Errorf("annotation %q lacks %q", evals[0].Annotation, c)
		}
	}
}

func baselineTrail() Trail {
	return Trail{
		Name: "audit", ARN: "arn:aws:cloudtrail:us-east-1:111122223333:trail/audit", HomeRegion: "us-east-1",
		MultiRegion: true, LogFileValidation: true, KMSKey: "arn:aws:kms:us-east-1:111122223333:key/k", Logging: true,
		EventSelectors: []EventSelector{{ReadWriteType: "All", IncludeManagementEvents: true}},
	}
}

func s3Data(bucketARNs ...string) []DataResource {
	return []DataResource{{Type: "AWS::S3::Object", Values: bucketARNs}}
}

func adv(fields ...FieldSelector) AdvancedEventSelector {
	return AdvancedEventSelector{Name: "s", FieldSelectors: fields}
}

func eq(field string, v ...string) FieldSelector { return FieldSelector{Field: field, Equals: v} }

func TestCloudTrailMLLogging(t *testing.T) {
	with := func(mod func(*Trail)) []Trail {
		tr := baselineTrail()
		mod(&tr)
		return []Trail{tr}
	}
	mgmtAdv := adv(eq("eventCategory", "Management"))
	buckets := map[string]string{"mlBucketNames": "ml-data, ml-models"}
	tests := []struct {
		name     string
		trails   []Trail
		params   map[string]string
		want     Compliance
		contains []string
	}{
		{"baseline", []Trail{baselineTrail()}, nil, Compliant, []string{"trail audit"}},
		{"no trails", nil, nil, NonCompliant, []string{"no CloudTrail trail applies to us-east-1"}},
		{"every fault named", with(func(t *Trail) {
			t.Logging, t.MultiRegion, t.LogFileValidation, t.KMSKey = false, false, false, ""
			t.EventSelectors[0].ReadWriteType = "WriteOnly"
		}), nil, NonCompliant, []string{"not logging", "single-Region", "reads not recorded", "no log file validation", "no KMS key"}},
		{"management events excluded", with(func(t *Trail) { t.EventSelectors[0].IncludeManagementEvents = false }), nil, NonCompliant,
			[]string{"management events: none recorded"}},
		{"read and write in two selectors", with(func(t *Trail) {
			t.EventSelectors = []EventSelector{{ReadWriteType: "ReadOnly", IncludeManagementEvents: true}, {ReadWriteType: "WriteOnly", IncludeManagementEvents: true}}
		}), nil, Compliant, nil},
		{"advanced management", with(func(t *Trail) {
			t.EventSelectors = nil
			t.AdvancedEventSelectors = []AdvancedEventSelector{adv(eq("eventCategory", "Management"), FieldSelector{Field: "eventSource", NotEquals: []string{"kms.amazonaws.com"}})}
		}), nil, Compliant, nil},
		{"advanced management without SageMaker", with(func(t *Trail) {
			t.EventSelectors = nil
			t.AdvancedEventSelectors = []AdvancedEventSelector{adv(eq("eventCategory", "Management"), FieldSelector{Field: "eventSource", NotEquals: []string{"sagemaker.amazonaws.com"}})}
		}), nil, NonCompliant, []string{"management events: none recorded"}},
		{"advanced management read only", with(func(t *Trail) {
			t.EventSelectors = nil
			t.AdvancedEventSelectors = []AdvancedEventSelector{adv(eq("eventCategory", "Management"), eq("readOnly", "true"))}
		}), nil, NonCompliant, []string{"writes not recorded"}},
		{"one good trail among bad ones", append(with(func(t *Trail) { t.Name, t.ARN, t.Logging = "old", "arn:old", false }), baselineTrail()), nil, Compliant, nil},
		{"buckets covered by basic selectors", with(func(t *Trail) {
			t.EventSelectors[0].DataResources = s3Data("arn:aws:s3:::ml-data/", "arn:aws:s3:::ml-models")
		}), buckets, Compliant, []string{"S3 data events"}},
		{"all buckets", with(func(t *Trail) { t.EventSelectors[0].DataResources = s3Data("arn:aws:s3") }), buckets, Compliant, nil},
		{"a prefix is not the bucket", with(func(t *Trail) {
			t.EventSelectors[0].DataResources = s3Data("arn:aws:s3:::ml-data/", "arn:aws:s3:::ml-models/train/")
		}), buckets, NonCompliant, []string{"ml-models (none recorded)"}},
		{"bucket data from a second logging trail", append([]Trail{baselineTrail()}, Trail{Name: "data", Logging: true,
			EventSelectors: []EventSelector{{ReadWriteType: "All", DataResources: s3Data("arn:aws:s3:::")}}}), buckets, Compliant, nil},
		{"bucket data from a stopped trail", append([]Trail{baselineTrail()}, Trail{Name: "data", Logging: false,
			EventSelectors: []EventSelector{{ReadWriteType: "All", DataResources: s3Data("arn:aws:s3:::")}}}), buckets, NonCompliant,
			[]string{"ml-data (none recorded)", "ml-models (none recorded)"}},
		{"bucket reads only", with(func(t *Trail) {
			t.EventSelectors = append(t.EventSelectors, EventSelector{ReadWriteType: "ReadOnly", DataResources: s3Data("arn:aws:s3:::")})
		}), buckets, NonCompliant, []string{"ml-data (writes not recorded)"}},
		{"advanced bucket selectors", with(func(t *Trail) {
			t.AdvancedEventSelectors = []AdvancedEventSelector{mgmtAdv, adv(eq("eventCategory", "Data"), eq("resources.type", "AWS::S3::Object"),
				FieldSelector{Field: "resources.ARN", StartsWith: []string{"arn:aws:s3:::ml-data/", "arn:aws:s3:::ml-models/"}})}
		}), buckets, Compliant, nil},
		{"advanced exclusion inside the bucket", with(func(t *Trail) {
			t.AdvancedEventSelectors = []AdvancedEventSelector{adv(eq("eventCategory", "Data"), eq("resources.type", "AWS::S3::Object"),
				FieldSelector{Field: "resources.ARN", NotStartsWith: []string{"arn:aws:s3:::ml-data/tmp/"}})}
		}), buckets, NonCompliant, []string{"ml-data (none recorded)"}},
		{"advanced restricted by event name", with(func(t *Trail) {
			t.AdvancedEventSelectors = []AdvancedEventSelector{adv(eq("eventCategory", "Data"), eq("resources.type", "AWS::S3::Object"), eq("eventName", "GetObject"))}
		}), buckets, NonCompliant, []string{"ml-data (none recorded)"}},
		{"advanced reads and writes in two selectors", with(func(t *Trail) {
			t.AdvancedEventSelectors = []AdvancedEventSelector{
				adv(eq("eventCategory", "Data"), eq("resources.type", "AWS::S3::Object"), eq("readOnly", "true")),
				adv(eq("eventCategory", "Data"), eq("resources.type", "AWS::S3::Object"), eq("readOnly", "false")),
			}
		}), buckets, Compliant, nil},
		{"bedrock data events", with(func(t *Trail) {
			t.AdvancedEventSelectors = []AdvancedEventSelector{adv(eq("eventCategory", "Data"), eq("resources.type", "AWS::Bedrock::AgentAlias"))}
		}), map[string]string{"requireBedrockDataEvents": "true"}, Compliant, []string{"Bedrock data events"}},
		{"bedrock data events missing", []Trail{baselineTrail()}, map[string]string{"requireBedrockDataEvents": "true"}, NonCompliant,
			[]string{"no logging trail selects Bedrock data events"}},
		{"bedrock not required", []Trail{baselineTrail()}, map[string]string{"requireBedrockDataEvents": "false"}, Compliant, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkAccount(t, "cloudtrail-ml-api-logging", &fakeAccount{trails: tt.trails}, tt.params, tt.want, tt.contains...)
		})
	}
}

// fakeBuckets lists fixed buckets for mlTagKey, recording the Region asked
// for.
type fakeBuckets struct {
	buckets []Bucket
	err     error
	region  string
	calls   int
}

func (f *fakeBuckets) BucketEncryption(_ context.Context, b string) (BucketEncryption, error) {
	return BucketEncryption{Bucket: b, Exists: true}, nil
}

func (f *fakeBuckets) Buckets(_ context.Context, region string) ([]Bucket, error) {
	f.calls++
	f.region = region
	return f.buckets, f.err
}

// encryptionOnly is an S3Buckets source that cannot list buckets.
type encryptionOnly struct{}

func (encryptionOnly) BucketEncryption(_ context.Context, b string) (BucketEncryption, error) {
	return BucketEncryption{Bucket: b, Exists: true}, nil
}

func runWithBuckets(t *testing.T, trails []Trail, s3 S3Buckets, params map[string]string) ([]Evaluation, error) {
	t.Helper()
	r, _ := Catalog().Get("cloudtrail-ml-api-logging")
	p, err := r.ParseParams(params)
	if err != nil {
		t.Fatal(err)
	}
	env := Env{AccountID: "111122223333", Region: "us-east-1", Time: periodicNow,
		Sources: Sources{CloudTrail: &fakeAccount{trails: trails}, S3Buckets: s3}}
	return r.Run(context.Background(), env, p)
}

// TestCloudTrailMLTagKey: with mlTagKey, the buckets of the Region carrying
// the tag are ML buckets as if named in mlBucketNames.
func TestCloudTrailMLTagKey(t *testing.T) {
	covering := func(arns ...string) []Trail {
		tr := baselineTrail()
		tr.EventSelectors[0].DataResources = s3Data(arns...)
		return []Trail{tr}
	}
	buckets := []Bucket{
		{Name: "train", Region: "us-east-1", Tags: map[string]string{"ml-data": "true"}},
		{Name: "features", Region: "us-east-1", Tags: map[string]string{"ML-Data": "features"}},
		{Name: "web", Region: "us-east-1", Tags: map[string]string{"team": "web"}},
		{Name: "archive", Region: "us-east-1", Tags: map[string]string{"ml-data": " No "}},
		{Name: "scratch", Region: "us-east-1", Tags: map[string]string{"ml-data": "false"}},
		{Name: "untagged", Region: "us-east-1"},
	}
	tag := map[string]string{"mlTagKey": "ml-data"}
	tests := []struct {
		name     string
		trails   []Trail
		buckets  []Bucket
		params   map[string]string
		want     Compliance
		contains []string
		lacks    []string
	}{
		{"tagged buckets covered", covering("arn:aws:s3:::train/", "arn:aws:s3:::features/"), buckets, tag, Compliant,
			[]string{"S3 data events of the ML buckets"}, nil},
		{"a tagged bucket not covered", covering("arn:aws:s3:::train/"), buckets, tag, NonCompliant,
			[]string{"features (none recorded)"}, []string{"train", "web", "archive", "scratch", "untagged"}},
		{"tag values false and no opt out", covering("arn:aws:s3:::train/", "arn:aws:s3:::features/"), buckets, tag, Compliant,
			nil, []string{"archive", "scratch"}},
		{"every bucket covered", covering("arn:aws:s3"), buckets, tag, Compliant, nil, nil},
		{"no bucket tagged", []Trail{baselineTrail()}, buckets[2:], tag, Compliant,
			[]string{"no bucket in us-east-1 is tagged ml-data as ML data"}, []string{"S3 data events"}},
		{"another tag key", covering("arn:aws:s3:::web/"), buckets, map[string]string{"mlTagKey": "team"}, Compliant, nil, nil},
		{"names and tag together", covering("arn:aws:s3:::train/", "arn:aws:s3:::features/"), buckets,
			map[string]string{"mlTagKey": "ml-data", "mlBucketNames": "models,train"}, NonCompliant,
			[]string{"models (none recorded)"}, []string{"train (", "features ("}},
		{"names and tag together covered", covering("arn:aws:s3:::train/", "arn:aws:s3:::features/", "arn:aws:s3:::models/"), buckets,
			map[string]string{"mlTagKey": "ml-data", "mlBucketNames": "models,train"}, Compliant, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeBuckets{buckets: tt.buckets}
			evals, err := runWithBuckets(t, tt.trails, f, tt.params)
			if err != nil {
				t.Fatal(err)
			}
			if len(evals) != 1 || evals[0].Compliance != tt.want {
				t.Fatalf("evaluations %+v, want one %s", evals, tt.want)
			}
			for _, c := range tt.contains {
				if !strings.Contains(evals[0].Annotation, c) {
					t.Errorf("annotation %q lacks %q", evals[0].Annotation, c)
				}
			}
			for _, c := range tt.lacks {
				if strings.Contains(evals[0].Annotation, c) {
					t.Errorf("annotation %q names %q", evals[0].Annotation, c)
				}
			}
			if f.calls != 1 || f.region != "us-east-1" {
				t.Errorf("%d listings of Region %q, want 1 of us-east-1", f.calls, f.region)
			}
		})
	}
}

// TestCloudTrailMLTagKeyOptional: without mlTagKey no bucket is listed; with
// it, a source that cannot list is an error, and so is a listing failure.
func TestCloudTrailMLTagKeyOptional(t *testing.T) {
	r, _ := Catalog().Get("cloudtrail-ml-api-logging")
	p, err := r.ParseParams(nil)
	if err != nil {
		t.Fatal(err)
	}
	if v := p.String("mlTagKey"); v != "" {
		t.Errorf("mlTagKey defaults to %q, want empty", v)
	}
	f := &fakeBuckets{buckets: []Bucket{{Name: "train", Tags: map[string]string{"ml-data": "true"}}}}
	evals, err := runWithBuckets(t, []Trail{baselineTrail()}, f, nil)
	if err != nil || len(evals) != 1 || evals[0].Compliance != Compliant || f.calls != 0 {
		t.Errorf("without mlTagKey: %+v, %v, %d listings", evals, err, f.calls)
	}
	if _, err := runWithBuckets(t, []Trail{baselineTrail()}, nil, map[string]string{"mlTagKey": "ml-data"}); err == nil ||
		!strings.Contains(err.Error(), "S3 bucket listing") {
		t.Errorf("no S3 source: %v", err)
	}
	if _, err := runWithBuckets(t, []Trail{baselineTrail()}, encryptionOnly{}, map[string]string{"mlTagKey": "ml-data"}); err == nil ||
		!strings.Contains(err.Error(), "S3 bucket listing") {
		t.Errorf("source without listing: %v", err)
	}
	boom := errors.New("AccessDenied")
	if _, err := runWithBuckets(t, []Trail{baselineTrail()}, &fakeBuckets{err: boom}, map[string]string{"mlTagKey": "ml-data"}); !errors.Is(err, boom) {
		t.Errorf("listing failure: %v", err)
	}
	for _, bad := range []string{"ml\tdata", strings.Repeat("k", 129)} {
		if _, err := r.ParseParams(map[string]string{"mlTagKey": bad}); err == nil {
			t.Errorf("mlTagKey %q accepted", bad)
		}
	}
}

// TestCloudTrailMLTagKeyIncomplete: a bucket listing cut short yields a
// verdict only when it is non-compliant on complete trails.
func TestCloudTrailMLTagKeyIncomplete(t *testing.T) {
	inc := func() *Incomplete { return &Incomplete{Skipped: []string{"bucket x"}, Cause: context.DeadlineExceeded} }
	tagged := []Bucket{{Name: "train", Tags: map[string]string{"ml-data": "yes"}}}
	tag := map[string]string{"mlTagKey": "ml-data"}
	uncovered, covered := []Trail{baselineTrail()}, []Trail{baselineTrail()}
	covered[0].EventSelectors = []EventSelector{{ReadWriteType: "All", IncludeManagementEvents: true, DataResources: s3Data("arn:aws:s3")}}

	evals, err := runWithBuckets(t, uncovered, &fakeBuckets{buckets: tagged, err: inc()}, tag)
	if got, _ := AsIncomplete(err); got == nil || len(evals) != 1 || evals[0].Compliance != NonCompliant {
		t.Errorf("non-compliant partial listing: %+v, %v", evals, err)
	}
	evals, err = runWithBuckets(t, covered, &fakeBuckets{buckets: tagged, err: inc()}, tag)
	if got, _ := AsIncomplete(err); got == nil || len(evals) != 0 {
		t.Errorf("compliant partial listing: %+v, %v", evals, err)
	}
}

func TestGuardDutyMLProtection(t *testing.T) {
	good := Detector{ID: "d1", Status: "ENABLED", S3Logs: "ENABLED",
		Features: []DetectorFeature{{"S3_DATA_EVENTS", "ENABLED"}, {"RUNTIME_MONITORING", "ENABLED"}}}
	runtime := map[string]string{"requireRuntimeMonitoring": "true"}
	tests := []struct {
		name      string
		detectors []Detector
		params    map[string]string
		want      Compliance
		contains  []string
	}{
		{"enabled with S3 protection", []Detector{good}, nil, Compliant, []string{"d1", "S3 Protection"}},
		{"runtime monitoring required and on", []Detector{good}, runtime, Compliant, []string{"Runtime Monitoring"}},
		{"no detector", nil, nil, NonCompliant, []string{"no detector in us-east-1"}},
		{"suspended", []Detector{{ID: "d1", Status: "DISABLED", S3Logs: "ENABLED"}}, nil, NonCompliant, []string{"not enabled: detector d1 (DISABLED)"}},
		{"feature overrides data source", []Detector{{ID: "d1", Status: "ENABLED", S3Logs: "ENABLED",
			Features: []DetectorFeature{{"S3_DATA_EVENTS", "DISABLED"}}}}, nil, NonCompliant, []string{"S3 Protection off"}},
		{"data source only (no features listed)", []Detector{{ID: "d1", Status: "ENABLED", S3Logs: "ENABLED"}}, nil, Compliant, nil},
		{"S3 logs off", []Detector{{ID: "d1", Status: "ENABLED", S3Logs: "DISABLED"}}, nil, NonCompliant, []string{"S3 Protection off"}},
		{"runtime monitoring off", []Detector{{ID: "d1", Status: "ENABLED", S3Logs: "ENABLED",
			Features: []DetectorFeature{{"RUNTIME_MONITORING", "DISABLED"}}}}, runtime, NonCompliant, []string{"Runtime Monitoring off"}},
		{"EKS runtime monitoring counts", []Detector{{ID: "d1", Status: "ENABLED", S3Logs: "ENABLED",
			Features: []DetectorFeature{{"RUNTIME_MONITORING", "DISABLED"}, {"EKS_RUNTIME_MONITORING", "ENABLED"}}}}, runtime, Compliant, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkAccount(t, "guardduty-ml-protection", &fakeAccount{detectors: tt.detectors}, tt.params, tt.want, tt.contains...)
		})
	}
}

func TestCostAnomalyMLMonitor(t *testing.T) {
	service := AnomalyMonitor{ARN: "arn:m1", Name: "services", Type: "DIMENSIONAL", Dimension: "SERVICE"}
	custom := func(e CostExpression) AnomalyMonitor {
		return AnomalyMonitor{ARN: "arn:m2", Name: "ml", Type: "CUSTOM", Specification: &e}
	}
	svc := func(names ...string) CostExpression {
		return CostExpression{Dimensions: &CostDimension{Key: "SERVICE", Values: names, MatchOptions: []string{"EQUALS"}}}
	}
	abs := func(v string) CostExpression {
		return CostExpression{Dimensions: &CostDimension{Key: "ANOMALY_TOTAL_IMPACT_ABSOLUTE", Values: []string{v}, MatchOptions: []string{"GREATER_THAN_OR_EQUAL"}}}
	}
	pct := CostExpression{Dimensions: &CostDimension{Key: "ANOMALY_TOTAL_IMPACT_PERCENTAGE", Values: []string{"10"}, MatchOptions: []string{"GREATER_THAN_OR_EQUAL"}}}
	email := []AnomalySubscriber{{Type: "EMAIL", Address: "a@example.com", Status: "CONFIRMED"}}
	sub := func(monitor string, te *CostExpression, legacy *float64, subs []AnomalySubscriber) AnomalySubscription {
		return AnomalySubscription{ARN: "arn:s", Name: "alerts", MonitorARNs: []string{monitor}, Subscribers: subs, ThresholdExpression: te, Threshold: legacy}
	}
	ptr := func(e CostExpression) *CostExpression { return &e }
	f := func(v float64) *float64 { return &v }
	max := map[string]string{"maxThresholdUsd": "1000.5"}
	tests := []struct {
		name     string
		monitors []AnomalyMonitor
		subs     []AnomalySubscription
		params   map[string]string
		want     Compliance
		contains []string
	}{
		{"service monitor with alert", []AnomalyMonitor{service}, []AnomalySubscription{sub("arn:m1", ptr(abs("500")), nil, email)}, max, Compliant,
			[]string{"monitor services", "subscription alerts"}},
		{"any threshold without a maximum", []AnomalyMonitor{service}, []AnomalySubscription{sub("arn:m1", ptr(abs("50000")), nil, email)}, nil, Compliant, nil},
		{"threshold at the maximum", []AnomalyMonitor{service}, []AnomalySubscription{sub("arn:m1", ptr(abs("1000.5")), nil, email)}, max, Compliant, nil},
		{"threshold above the maximum", []AnomalyMonitor{service}, []AnomalySubscription{sub("arn:m1", ptr(abs("2000")), nil, email)}, max, NonCompliant,
			[]string{"threshold 2000 USD above 1000.5"}},
		{"legacy threshold", []AnomalyMonitor{service}, []AnomalySubscription{sub("arn:m1", nil, f(100), email)}, max, Compliant, nil},
		{"expression wins over legacy", []AnomalyMonitor{service}, []AnomalySubscription{sub("arn:m1", ptr(abs("5000")), f(100), email)}, max, NonCompliant, nil},
		{"or takes the lowest", []AnomalyMonitor{service}, []AnomalySubscription{sub("arn:m1", ptr(CostExpression{Or: []CostExpression{abs("5000"), abs("800")}}), nil, email)}, max, Compliant, nil},
		{"and with a percentage", []AnomalyMonitor{service}, []AnomalySubscription{sub("arn:m1", ptr(CostExpression{And: []CostExpression{abs("100"), pct}}), nil, email)}, max, NonCompliant,
			[]string{"does not guarantee"}},
		{"percentage only without a maximum", []AnomalyMonitor{service}, []AnomalySubscription{sub("arn:m1", ptr(pct), nil, email)}, nil, Compliant, nil},
		{"declined subscriber", []AnomalyMonitor{service}, []AnomalySubscription{sub("arn:m1", ptr(abs("1")), nil,
			[]AnomalySubscriber{{Type: "EMAIL", Address: "a@example.com", Status: "DECLINED"}})}, nil, NonCompliant, []string{"no subscriber"}},
		{"no subscription", []AnomalyMonitor{service}, nil, nil, NonCompliant, []string{"monitor services has no subscription"}},
		{"subscription on another monitor", []AnomalyMonitor{service}, []AnomalySubscription{sub("arn:other", ptr(abs("1")), nil, email)}, nil, NonCompliant, nil},
		{"custom monitor naming both", []AnomalyMonitor{custom(svc(ceServiceSageMaker, ceServiceBedrock))},
			[]AnomalySubscription{sub("arn:m2", ptr(abs("1")), nil, email)}, nil, Compliant, nil},
		{"custom monitor naming both in an or", []AnomalyMonitor{custom(CostExpression{Or: []CostExpression{svc(ceServiceSageMaker), svc(ceServiceBedrock)}})},
			[]AnomalySubscription{sub("arn:m2", ptr(abs("1")), nil, email)}, nil, Compliant, nil},
		{"custom monitor naming SageMaker only", []AnomalyMonitor{custom(svc(ceServiceSageMaker))},
			[]AnomalySubscription{sub("arn:m2", ptr(abs("1")), nil, email)}, nil, NonCompliant, []string{"no Cost Anomaly Detection monitor covers"}},
		{"custom monitor excluding Bedrock", []AnomalyMonitor{custom(CostExpression{And: []CostExpression{svc(ceServiceSageMaker), {Not: ptr(svc(ceServiceBedrock))}}})},
			nil, nil, NonCompliant, nil},
		{"linked-account monitor", []AnomalyMonitor{{ARN: "arn:m3", Name: "accounts", Type: "DIMENSIONAL", Dimension: "LINKED_ACCOUNT"}}, nil, nil, NonCompliant, nil},
		{"no monitors", nil, nil, nil, NonCompliant, []string{"0 monitors"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkAccount(t, "cost-anomaly-ml-monitor", &fakeAccount{monitors: tt.monitors, subs: tt.subs}, tt.params, tt.want, tt.contains...)
		})
	}
}

func TestMaxThresholdUsdParam(t *testing.T) {
	r, _ := Catalog().Get("cost-anomaly-ml-monitor")
	for _, v := range []string{"1", "500", "1250.5", "10000000"} {
		if _, err := r.ParseParams(map[string]string{"maxThresholdUsd": v}); err != nil {
			t.Errorf("%s: %v", v, err)
		}
	}
	for _, v := range []string{"-1", "1e3", "abc", "1,000", "12."} {
		if _, err := r.ParseParams(map[string]string{"maxThresholdUsd": v}); err == nil {
			t.Errorf("%s accepted", v)
		}
	}
}

// TestAccountRulesIncomplete: a source cut short by the deadline yields
// a verdict only when it is already certain (compliant), and a source
// failure is an error.
func TestAccountRulesIncomplete(t *testing.T) {
	inc := &Incomplete{Skipped: []string{"trail x"}, Cause: context.DeadlineExceeded}
	evals, err := runAccountRule(t, "cloudtrail-ml-api-logging", &fakeAccount{trails: []Trail{baselineTrail()}, errs: map[string]error{"trails": inc}}, nil)
	if got, _ := AsIncomplete(err); got == nil || len(evals) != 1 || evals[0].Compliance != Compliant {
		t.Errorf("compliant partial run: %+v, %v", evals, err)
	}
	evals, err = runAccountRule(t, "cloudtrail-ml-api-logging", &fakeAccount{errs: map[string]error{"trails": inc}}, nil)
	if got, _ := AsIncomplete(err); got == nil || len(evals) != 0 {
		t.Errorf("uncertain partial run: %+v, %v", evals, err)
	}
	evals, err = runAccountRule(t, "cost-anomaly-ml-monitor", &fakeAccount{errs: map[string]error{"subs": inc}}, nil)
	if got, _ := AsIncomplete(err); got == nil || len(evals) != 0 {
		t.Errorf("uncertain partial run: %+v, %v", evals, err)
	}
	boom := errors.New("AccessDenied")
	for id, key := range map[string]string{"cloudtrail-ml-api-logging": "trails", "guardduty-ml-protection": "detectors", "cost-anomaly-ml-monitor": "monitors"} {
		evals, err := runAccountRule(t, id, &fakeAccount{errs: map[string]error{key: boom}}, nil)
		if !errors.Is(err, boom) || len(evals) != 0 {
			t.Errorf("%s: %+v, %v", id, evals, err)
		}
	}
	r, _ := Catalog().Get("guardduty-ml-protection")
	p, _ := r.ParseParams(nil)
	if _, err := r.Run(context.Background(), Env{AccountID: "1"}, p); err == nil || !strings.Contains(err.Error(), "GuardDuty") {
		t.Errorf("no source: %v", err)
	}
	if _, err := r.Run(context.Background(), Env{Sources: Sources{GuardDuty: &fakeAccount{}}}, p); err == nil {
		t.Error("no account ID: no error")
	}
}
