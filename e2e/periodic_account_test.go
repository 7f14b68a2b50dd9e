package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/internal/testenv/localaws"
)

// addDetector registers the protected detector fixture as id, with changes.
func addDetector(tb testing.TB, srv *localaws.Server, id string, set map[string]any) {
	tb.Helper()
	d, err := localaws.Fixture("guardduty/GetDetector.protected")
	if err != nil {
		tb.Fatal(err)
	}
	for k, v := range set {
		d.Set(k, v)
	}
	srv.AddDetector(id, d)
}

// TestEmulatorPeriodicGuardDuty runs guardduty-ml-protection through the
// real bootstrap: GuardDuty's restJson1 listing pages and is throttled
// (429 TooManyRequestsException), every detector is read, and one
// evaluation lands on AWS::::Account with the account ID; after S3
// Protection is turned off, the next run reports NON_COMPLIANT.
func TestEmulatorPeriodicGuardDuty(t *testing.T) {
	requireBinaries(t)
	srv := startLocalAWS(t, localaws.Options{})
	srv.BindResultToken(periodicToken, periodicRule)
	for i := range 50 {
		addDetector(t, srv, fmt.Sprintf("d%02d", i), map[string]any{"status": "DISABLED"})
	}
	addDetector(t, srv, "d50", nil)
	srv.FailNext("ListDetectors", 1, localaws.APIError{Status: http.StatusTooManyRequests, Code: "TooManyRequestsException", Message: "Rate exceeded"})
	srv.FailNext("GetDetector", 1, localaws.APIError{Status: http.StatusTooManyRequests, Code: "TooManyRequestsException", Message: "Rate exceeded"})
	emu := startEmulator(t, bin.bootstrap, emulatorEnv(srv.URL, "us-east-1"))
	ev := withParams(t, fixture(t, "e2e:scheduled-fleet.json"), map[string]string{"ruleId": "guardduty-ml-protection"})

	emu.invoke(t, ev).mustSucceed(t, emu)
	check := func(want, contains string) {
		t.Helper()
		results := srv.EvaluationResults(periodicRule)
		if len(results) != 1 {
			t.Fatalf("stored %d results, want 1: %v", len(results), operations(srv))
		}
		r := results[0]
		if r.ComplianceResourceType != "AWS::::Account" || r.ComplianceResourceID != "111122223333" || r.ComplianceType != want ||
			!r.OrderingTimestamp.Equal(notified) || r.Annotation == nil || !strings.Contains(*r.Annotation, contains) {
			t.Errorf("result %+v (%v), want %s on AWS::::Account 111122223333 mentioning %q", r, r.Annotation, want, contains)
		}
	}
	check("COMPLIANT", "d50")
	list := srv.CallsTo("ListDetectors")
	if len(list) != 3 || list[0].ErrorCode != "TooManyRequestsException" || list[2].Request.Query["nextToken"] == "" {
		t.Errorf("ListDetectors: %v, want a throttled call then 2 pages", operations(srv))
	}
	if n := len(srv.CallsTo("GetDetector")); n != 52 {
		t.Errorf("%d GetDetector calls, want 51 + 1 throttled", n)
	}
	for _, c := range srv.Calls() {
		if s := c.Signer; s.AccessKeyID != baseKey || !s.Verified {
			t.Errorf("%s signed by %+v", c.Operation, s)
		}
	}

	srv.Reset()
	addDetector(t, srv, "d50", map[string]any{"features": []any{map[string]any{"name": "S3_DATA_EVENTS", "status": "DISABLED"}}})
	emu.invoke(t, ev).mustSucceed(t, emu)
	check("NON_COMPLIANT", "d50: S3 Protection off")
}
