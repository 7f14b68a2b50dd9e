package lambda

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aiguard/aiguard/internal/testenv/localaws"
	"github.com/aiguard/aiguard/rules"
)

const trailARN = "arn:aws:cloudtrail:us-east-1:111122223333:trail/"

// addTrail registers the baseline trail fixture as name, with the given
// selectors fixture and changes to the trail document.
func addTrail(t *testing.T, srv *localaws.Server, name, selectors string, set map[string]any) {
	t.Helper()
	trail := fixtureDoc(t, "cloudtrail/Trail.baseline", map[string]any{"Name": name, "TrailARN": trailARN + name}).Apply(set)
	status := fixtureDoc(t, "cloudtrail/GetTrailStatus.logging", nil)
	sel := fixtureDoc(t, "cloudtrail/GetEventSelectors."+selectors, map[string]any{"TrailARN": trailARN + name})
	if err := srv.AddTrail(trail, status, sel); err != nil {
		t.Fatal(err)
	}
}

// accountResult returns the one stored result of configRule, which must be
// on AWS::::Account with the account ID.
func accountResult(t *testing.T, hs *harness) localaws.EvaluationResult {
	t.Helper()
	results := hs.srv.EvaluationResults(configRule)
	if len(results) != 1 {
		t.Fatalf("%d results, want 1: %+v\n%s", len(results), results, hs.logs)
	}
	r := results[0]
	if r.ComplianceResourceType != rules.TypeAccount || r.ComplianceResourceID != account || !r.OrderingTimestamp.Equal(notified) {
		t.Errorf("result %+v, want AWS::::Account %s at %v", r, account, notified)
	}
	return r
}

func TestPeriodicCloudTrail(t *testing.T) {
	tests := []struct {
		name     string
		setup    func(t *testing.T, srv *localaws.Server)
		params   map[string]string
		want     string
		contains string
	}{
		{"basic selectors cover the buckets", func(t *testing.T, srv *localaws.Server) {
			addTrail(t, srv, "org-audit", "basic", nil)
		}, map[string]string{"mlBucketNames": "ml-training-data,ml-model-artifacts"}, "COMPLIANT", "trail org-audit"},
		{"advanced selectors with Bedrock", func(t *testing.T, srv *localaws.Server) {
			addTrail(t, srv, "org-audit", "advanced", nil)
		}, map[string]string{"mlBucketNames": "ml-training-data", "requireBedrockDataEvents": "true"}, "COMPLIANT", "Bedrock"},
		{"a bucket not covered", func(t *testing.T, srv *localaws.Server) {
			addTrail(t, srv, "org-audit", "basic", nil)
		}, map[string]string{"mlBucketNames": "ml-training-data,ml-feature-store"}, "NON_COMPLIANT", "ml-feature-store"},
		{"unencrypted single-Region trail", func(t *testing.T, srv *localaws.Server) {
			addTrail(t, srv, "local", "basic", map[string]any{"IsMultiRegionTrail": false, "KmsKeyId": nil})
		}, nil, "NON_COMPLIANT", "single-Region, no KMS key"},
		{"no trail", func(*testing.T, *localaws.Server) {}, nil, "NON_COMPLIANT", "no CloudTrail trail"},
		{"a trail deleted during the run", func(t *testing.T, srv *localaws.Server) {
			addTrail(t, srv, "deleted", "basic", map[string]any{"KmsKeyId": nil})
			addTrail(t, srv, "org-audit", "basic", nil)
			srv.FailNext("GetTrailStatus", 1, localaws.APIError{Code: "TrailNotFoundException", Message: "Unknown trail"})
		}, map[string]string{"describeConcurrency": "1"}, "COMPLIANT", "org-audit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs := periodicHarness(t, harnessOptions{})
			tt.setup(t, hs.srv)
			hs.srv.Throttle("DescribeTrails", 1)
			hs.srv.Throttle("GetEventSelectors", 2)
			params := map[string]string{}
			for k, v := range tt.params {
				params[k] = v
			}
			if err := hs.h.Invoke(context.Background(), scheduled(t, "cloudtrail-ml-api-logging", params)); err != nil {
				t.Fatalf("%v\n%s", err, hs.logs)
			}
			r := accountResult(t, hs)
			if r.ComplianceType != tt.want || !strings.Contains(deref(r.Annotation), tt.contains) {
				t.Errorf("result %s %q, want %s containing %q", r.ComplianceType, deref(r.Annotation), tt.want, tt.contains)
			}
			calls := hs.srv.CallsTo("DescribeTrails")
			if len(calls) != 2 || calls[0].ErrorCode != "ThrottlingException" || calls[1].Request.Body["includeShadowTrails"] != true {
				t.Errorf("DescribeTrails calls %+v, want a throttled call then one with includeShadowTrails", calls)
			}
			for _, c := range hs.srv.CallsTo("GetTrailStatus") {
				if c.Failed() {
					continue
				}
				if name, _ := c.Request.Body["Name"].(string); !strings.HasPrefix(name, trailARN) {
					t.Errorf("GetTrailStatus by %q, want the trail ARN (shadow trails need it)", name)
				}
			}
		})
	}
}

func addDetector(t *testing.T, srv *localaws.Server, id string, set map[string]any) {
	t.Helper()
	srv.AddDetector(id, fixtureDoc(t, "guardduty/GetDetector.protected", set))
}

func TestPeriodicGuardDuty(t *testing.T) {
	hs := periodicHarness(t, harnessOptions{})
	// More detectors than a page holds (50), every one but the last
	// suspended: the rule must page to find the good one.
	for i := range 59 {
		addDetector(t, hs.srv, fmt.Sprintf("d%02d", i), map[string]any{"status": "DISABLED"})
	}
	addDetector(t, hs.srv, "d59", nil)
	hs.srv.FailNext("GetDetector", 2, localaws.APIError{Status: http.StatusTooManyRequests, Code: "TooManyRequestsException", Message: "Rate exceeded"})
	hs.srv.ThrottleEvery("ListDetectors", 2)
	if err := hs.h.Invoke(context.Background(), scheduled(t, "guardduty-ml-protection", map[string]string{"requireRuntimeMonitoring": "true"})); err != nil {
		t.Fatalf("%v\n%s", err, hs.logs)
	}
	if r := accountResult(t, hs); r.ComplianceType != "COMPLIANT" || !strings.Contains(deref(r.Annotation), "d59") {
		t.Errorf("result %+v", r)
	}
	pages := map[string]bool{}
	for _, c := range hs.srv.CallsTo("ListDetectors") {
		if !c.Failed() {
			pages[c.Request.Query["nextToken"]] = true
			if c.Request.Query["maxResults"] != "50" {
				t.Errorf("maxResults %q, want 50", c.Request.Query["maxResults"])
			}
		}
	}
	if len(pages) != 2 {
		t.Errorf("%d ListDetectors pages, want 2", len(pages))
	}
	if n := len(hs.srv.CallsTo("GetDetector")); n != 62 {
		t.Errorf("%d GetDetector calls, want 60 + 2 throttled", n)
	}

	// Runtime Monitoring off: NON_COMPLIANT, naming it.
	hs.srv.Reset()
	hs.srv.ThrottleEvery("ListDetectors", 0)
	addDetector(t, hs.srv, "d59", map[string]any{"features": []any{map[string]any{"name": "RUNTIME_MONITORING", "status": "DISABLED"}}})
	if err := hs.h.Invoke(context.Background(), scheduled(t, "guardduty-ml-protection", map[string]string{"requireRuntimeMonitoring": "true"})); err != nil {
		t.Fatal(err)
	}
	if r := accountResult(t, hs); r.ComplianceType != "NON_COMPLIANT" || !strings.Contains(deref(r.Annotation), "d59: Runtime Monitoring off") {
		t.Errorf("result %s %q", r.ComplianceType, deref(r.Annotation))
	}
}

// TestPeriodicAccountDeadline: a run cut short by the deadline that has
// not yet found what makes the account compliant reports nothing, and
// says so in its log.
func TestPeriodicAccountDeadline(t *testing.T) {
	hs := periodicHarness(t, harnessOptions{local: localaws.Options{Latency: 50 * time.Millisecond}})
	hs.h.Reserve = time.Second
	for i := range 60 {
		addDetector(t, hs.srv, fmt.Sprintf("d%02d", i), map[string]any{"status": "DISABLED"})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := hs.h.Invoke(ctx, scheduled(t, "guardduty-ml-protection", map[string]string{"describeConcurrency": "1"})); err != nil {
		t.Fatalf("%v\n%s", err, hs.logs)
	}
	if deadline, _ := ctx.Deadline(); time.Now().After(deadline) {
		t.Error("returned after the deadline")
	}
	if n := len(hs.srv.Evaluations()); n != 0 {
		t.Errorf("%d evaluations delivered from an incomplete run that found no compliant detector", n)
	}
	var line map[string]any
	for _, l := range hs.logLines(t) {
		if l["msg"] == "periodic run incomplete" {
			line = l
		}
	}
	if line == nil || line["evaluated"] != 0.0 || line["skipped"] == 0.0 || !strings.Contains(fmt.Sprint(line["skippedNames"]), "detector d") {
		t.Errorf("incomplete-run log line = %v", line)
	}
}

func TestPeriodicCostAnomaly(t *testing.T) {
	hs := periodicHarness(t, harnessOptions{})
	// 24 custom monitors on other services, then the services monitor on
	// the third page.
	for i := range 24 {
		m, err := localaws.Fixture("costexplorer/AnomalyMonitor.custom")
		if err != nil {
			t.Fatal(err)
		}
		m.Set("MonitorArn", fmt.Sprintf("arn:aws:ce::111122223333:anomalymonitor/other-%02d", i)).
			Set("MonitorSpecification.Dimensions.Values", []any{"Amazon Elastic Compute Cloud - Compute"})
		if err := hs.srv.AddAnomalyMonitor(m); err != nil {
			t.Fatal(err)
		}
	}
	add := func(name string, d localaws.Doc, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		if name == "monitor" {
			err = hs.srv.AddAnomalyMonitor(d)
		} else {
			err = hs.srv.AddAnomalySubscription(d)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	m, err := localaws.Fixture("costexplorer/AnomalyMonitor.service")
	add("monitor", m, err)
	s, err := localaws.Fixture("costexplorer/AnomalySubscription")
	add("subscription", s, err)
	hs.srv.FailNext("GetAnomalyMonitors", 1, localaws.APIError{Code: "LimitExceededException", Message: "You made too many calls in a short period of time."})

	for _, tt := range []struct {
		max, want, contains string
	}{
		{"", "COMPLIANT", "ML cost alerts"},
		{"500", "COMPLIANT", "ML cost alerts"},
		{"499.99", "NON_COMPLIANT", "threshold 500 USD above 499.99"},
	} {
		hs.srv.Reset()
		params := map[string]string{}
		if tt.max != "" {
			params["maxThresholdUsd"] = tt.max
		}
		if err := hs.h.Invoke(context.Background(), scheduled(t, "cost-anomaly-ml-monitor", params)); err != nil {
			t.Fatalf("%v\n%s", err, hs.logs)
		}
		results := hs.srv.EvaluationResults(configRule)
		if len(results) != 1 || results[0].ComplianceType != tt.want || !strings.Contains(deref(results[0].Annotation), tt.contains) ||
			results[0].ComplianceResourceID != account {
			t.Errorf("max %q: results %+v, want %s containing %q", tt.max, results, tt.want, tt.contains)
		}
		if len(results) == 1 {
			t.Logf("max %q: %s", tt.max, deref(results[0].Annotation))
		}
	}
	pages := map[string]bool{}
	for _, c := range hs.srv.CallsTo("GetAnomalyMonitors") {
		pages[fmt.Sprint(c.Request.Body["NextPageToken"])] = true
		if c.Signer.Service != "ce" {
			t.Errorf("signed for %s", c.Signer.Service)
		}
	}
	if len(pages) != 3 {
		t.Errorf("%d GetAnomalyMonitors pages, want 3 (25 monitors, 10 a page)", len(pages))
	}
}
