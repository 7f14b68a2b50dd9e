package e2e

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/aiguard/aiguard/internal/testenv/localaws"
)

// notified is the notificationCreationTime of scheduled-fleet.json.
var notified = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

const (
	periodicRule  = "aiguard-sagemaker-notebook" // configRuleName of scheduled-fleet.json
	periodicToken = "scheduled-result-token"
	trainingARN   = "arn:aws:sagemaker:us-east-1:111122223333:training-job/"
)

// addTrainingJobs registers n training jobs in the lookback window, every
// third without network isolation.
func addTrainingJobs(tb testing.TB, srv *localaws.Server, n int) {
	tb.Helper()
	for i := range n {
		d, err := localaws.Fixture("sagemaker/DescribeTrainingJob.hardened")
		if err != nil {
			tb.Fatal(err)
		}
		name := fmt.Sprintf("job-%05d", i)
		d.Set("TrainingJobName", name).Set("TrainingJobArn", trainingARN+name).
			Set("CreationTime", json.Number(fmt.Sprint(notified.Add(-time.Duration(i)*time.Second-time.Hour).Unix()))).
			Set("EnableNetworkIsolation", i%3 != 0)
		if err := srv.AddSageMakerDoc(localaws.SageMakerTrainingJob, d); err != nil {
			tb.Fatal(err)
		}
	}
}

// fleetRun is a periodic rule run through the real bootstrap over a
// generated fleet: its listing pages and is throttled once, its Describe
// (or Get) call is throttled twice, every resource is read, the
// evaluations are put (checkFleet), every call is signed with the
// function's verified credentials, and on the next run the resource
// remove deletes is reconciled to NOT_APPLICABLE.
type fleetRun struct {
	rule               string
	add                func(tb testing.TB, srv *localaws.Server, n int)
	n, failEvery       int
	idFormat           string // the resource ID of resource number i
	listOp, describeOp string
	pageToken          string // the listing's request member naming the page
	remove             func(srv *localaws.Server)
	goneID             string // the ID of the resource remove deletes
}

// run runs the rule twice, checking what fleetRun says, and returns the
// server and emulator for further checks of the second run.
func (f fleetRun) run(t *testing.T) (*localaws.Server, *emulator) {
	t.Helper()
	requireBinaries(t)
	srv := startLocalAWS(t, localaws.Options{})
	srv.BindResultToken(periodicToken, periodicRule)
	f.add(t, srv, f.n)
	srv.Throttle(f.listOp, 1)
	srv.Throttle(f.describeOp, 2)
	emu := startEmulator(t, bin.bootstrap, emulatorEnv(srv.URL, "us-east-1"))
	ev := withParams(t, fixture(t, "e2e:scheduled-fleet.json"), map[string]string{"ruleId": f.rule})

	emu.invoke(t, ev).mustSucceed(t, emu)
	checkFleet(t, srv, f.n, f.idFormat, f.failEvery)
	// Pages are told apart by their token: the SDK resends a request whose
	// answer it could not read, which makes the same page twice.
	list, pages := srv.CallsTo(f.listOp), map[string]bool{}
	for _, c := range list {
		if !c.Failed() {
			pages[fmt.Sprint(c.Request.Body[f.pageToken])] = true
		}
	}
	if len(list) == 0 || list[0].ErrorCode != "ThrottlingException" || len(pages) != 2 {
		t.Errorf("%s: %v, want a throttled call then 2 pages", f.listOp, operations(srv))
	}
	for _, c := range srv.Calls() {
		if s := c.Signer; s.AccessKeyID != baseKey || !s.Verified {
			t.Errorf("%s signed by %+v", c.Operation, s)
		}
	}

	f.remove(srv)
	srv.Reset()
	emu.invoke(t, ev).mustSucceed(t, emu)
	gone := 0
	for _, r := range srv.EvaluationResults(periodicRule) {
		if r.ComplianceType == "NOT_APPLICABLE" {
			gone++
			if r.ComplianceResourceID != f.goneID {
				t.Errorf("reconciled %s, want only %s", r.ComplianceResourceID, f.goneID)
			}
		}
	}
	if gone != 1 {
		t.Errorf("%d NOT_APPLICABLE results, want 1", gone)
	}
	return srv, emu
}

// TestEmulatorPeriodicTrainingJobs runs sagemaker-training-job-hardened
// through the real bootstrap (fleetRun): the SageMaker listing, and the
// reconciliation's pages.
func TestEmulatorPeriodicTrainingJobs(t *testing.T) {
	srv, emu := fleetRun{
		rule: "sagemaker-training-job-hardened", add: addTrainingJobs, n: 150, failEvery: 3, idFormat: trainingARN + "job-%d",
		listOp: "ListTrainingJobs", describeOp: "DescribeTrainingJob", pageToken: "NextToken",
		remove: func(srv *localaws.Server) { srv.RemoveSageMaker(localaws.SageMakerTrainingJob, "job-00004") },
		goneID: trainingARN + "job-00004",
	}.run(t)
	// Pages are told apart by their NextToken: the SDK resends a request
	// whose answer it could not read, which makes the same page twice.
	pages := map[string]bool{}
	for _, c := range srv.CallsTo(localaws.OpGetComplianceDetailsByConfigRule) {
		pages[c.GetComplianceDetailsByConfigRule.NextToken] = true
	}
	if len(pages) != 2 {
		t.Errorf("%d GetComplianceDetailsByConfigRule pages, want 2 (150 results, 100 a page)", len(pages))
	}
	if lines := emu.waitLogLines("reconciled", 2); len(lines) != 2 || lines[1]["gone"] != 1.0 {
		t.Errorf("reconciled log lines = %v", lines)
	}
}

// TestEmulatorPeriodicDeadline gives the function 6 seconds for work that
// needs about 20: it stops in time, puts what it evaluated, says in its log
// what it skipped, and returns without error.
func TestEmulatorPeriodicDeadline(t *testing.T) {
	requireBinaries(t)
	srv := startLocalAWS(t, localaws.Options{Latency: 50 * time.Millisecond})
	srv.BindResultToken(periodicToken, periodicRule)
	addTrainingJobs(t, srv, 400)
	env := append(emulatorEnv(srv.URL, "us-east-1"), "AWS_LAMBDA_FUNCTION_TIMEOUT=6")
	emu := startEmulator(t, bin.bootstrap, env)
	ev := withParams(t, fixture(t, "e2e:scheduled-fleet.json"),
		map[string]string{"ruleId": "sagemaker-training-job-hardened", "describeConcurrency": "1"})

	begin := time.Now()
	emu.invoke(t, ev).mustSucceed(t, emu)
	if took := time.Since(begin); took > 6*time.Second {
		t.Errorf("the invocation took %v, beyond the function's 6s timeout", took)
	}
	put := len(srv.Evaluations())
	if put == 0 || put >= 400 {
		t.Fatalf("put %d evaluations, want some but not all 400", put)
	}
	lines := emu.waitLogLines("periodic run incomplete", 1)
	if len(lines) != 1 || lines[0]["evaluated"] != float64(put) || lines[0]["skipped"] != float64(400-put) {
		t.Errorf("incomplete-run log lines = %v (put %d)", lines, put)
	}
	if n := len(srv.CallsTo(localaws.OpGetComplianceDetailsByConfigRule)); n != 0 {
		t.Errorf("an incomplete run reconciled")
	}
}

// checkFleet asserts the results of a periodic run over a generated fleet:
// n results on AWS::::Account at the notification time, the resource with
// number i (parsed from its ID with idFormat) NON_COMPLIANT exactly when
// i%failEvery == 0.
func checkFleet(t *testing.T, srv *localaws.Server, n int, idFormat string, failEvery int) {
	t.Helper()
	results := srv.EvaluationResults(periodicRule)
	if len(results) != n {
		t.Fatalf("stored %d results, want %d", len(results), n)
	}
	for _, r := range results {
		var i int
		if _, err := fmt.Sscanf(r.ComplianceResourceID, idFormat, &i); err != nil {
			t.Fatalf("result for %s: %v", r.ComplianceResourceID, err)
		}
		want := "COMPLIANT"
		if i%failEvery == 0 {
			want = "NON_COMPLIANT"
		}
		if r.ComplianceResourceType != "AWS::::Account" || r.ComplianceType != want || !r.OrderingTimestamp.Equal(notified) {
			t.Errorf("result %+v, want %s on AWS::::Account at %v", r, want, notified)
		}
	}
}
