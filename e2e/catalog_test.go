package e2e

// The rule catalog end to end: every rule fixture under testdata/rules runs
// through the real bootstrap under the Runtime Interface Emulator, and what
// reaches localaws must be exactly what `aiguard evaluate` gives for the
// same fixture. The cases come from the catalog and the fixture folders, so
// a new rule, fixture or resource type is covered without editing this file.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aiguard/aiguard/configevent"
	"github.com/aiguard/aiguard/configitem"
	"github.com/aiguard/aiguard/internal/cli/cmdutil"
	"github.com/aiguard/aiguard/internal/cli/evaluate"
	"github.com/aiguard/aiguard/internal/testenv/localaws"
	"github.com/aiguard/aiguard/internal/testenv/rulecases"
	"github.com/aiguard/aiguard/rules"
)

// catalogAccount is the account of the events when a fixture's CI names none
// that can be used.
const catalogAccount = "111122223333"

// catalogCase is one invocation: a fixture in a change notification, or in
// an oversized notification whose CI the function fetches from localaws.
type catalogCase struct {
	f         *rulecases.Case
	oversized bool
	// capture is the capture time the Lambda sees, and so the ordering
	// timestamp of its evaluation: the CI's, or for an oversized case
	// possibly a few milliseconds later (see catalogCases).
	capture time.Time
}

func (c catalogCase) how() string {
	if c.oversized {
		return "oversized"
	}
	return "change"
}

// TestEmulatorCatalog invokes the bootstrap, in one emulator, once per rule
// fixture in a ConfigurationItemChangeNotification carrying the fixture's CI
// as written (either CI shape), and again, for each fixture whose CI the
// Lambda would fetch, in an OversizedConfigurationItemChangeNotification
// whose CI localaws serves from GetResourceConfigHistory in the API shape.
// The one evaluation PutEvaluations receives must equal the one
// `aiguard evaluate --ci` prints for the fixture (run in process), which
// must give the fixture's expected verdict. The whole catalog takes about a
// second and a half, so every fixture runs rather than a sample.
func TestEmulatorCatalog(t *testing.T) {
	requireBinaries(t)
	reg := rules.Catalog()
	fixtures := rulecases.Load(t)
	cases := catalogCases(t, reg, fixtures)

	srv := startLocalAWS(t, localaws.Options{})
	for _, c := range cases {
		if c.oversized {
			srv.AddConfigurationItem(historyItem(c.f.Item, c.capture))
		}
	}
	emu := startEmulator(t, bin.bootstrap, emulatorEnv(srv.URL, "us-east-1"))

	start := time.Now()
	for i, c := range cases {
		name := c.f.Name + "/" + c.how()
		ok := t.Run(name, func(t *testing.T) {
			want, err := cliEvaluate(reg, c.f)
			if err != nil {
				t.Fatalf("rule %s, fixture %s: %v", c.f.RuleID, c.f.Path, err)
			}
			c.f.Check(t, "aiguard evaluate", rulecases.Verdict{RuleID: want.RuleID, ResourceType: want.ResourceType,
				ResourceID: want.ResourceID, Compliance: string(want.Compliance), Annotation: want.Annotation})
			token := fmt.Sprintf("catalog-result-token-%d", i)
			srv.Reset()
			r, err := emu.post(catalogEvent(t, c, token))
			if err != nil {
				t.Fatalf("rule %s, fixture %s (%s notification): invoke: %v\nemulator output (tail):\n%s",
					c.f.RuleID, c.f.Path, c.how(), err, lastLines(emu.out.String(), 20))
			}
			if r.status != http.StatusOK || r.body != "null" {
				t.Fatalf("rule %s, fixture %s (%s notification): the function answered %d %s, want 200 null\nemulator output (tail):\n%s",
					c.f.RuleID, c.f.Path, c.how(), r.status, r.body, lastLines(emu.out.String(), 20))
			}
			checkLambdaEvaluation(t, srv, c, token, want)
		})
		if !ok {
			select {
			case <-emu.exited:
				t.Fatalf("the emulator exited after %s; stopping\nemulator output (tail):\n%s", name, lastLines(emu.out.String(), 40))
			default:
			}
		}
	}
	t.Logf("%d invocations (%d fixtures, %d oversized) in %v", len(cases), len(fixtures), len(cases)-len(fixtures), time.Since(start).Round(time.Millisecond))
}

// catalogCases lists the invocations: every fixture in a change
// notification, and again in an oversized notification when the Lambda
// would fetch its CI (an evaluable item with a configuration). It fails the
// test when a resource type that a change-triggered rule covers lacks the
// cases end-to-end coverage needs: a COMPLIANT and a NON_COMPLIANT fixture,
// and an oversized case.
func catalogCases(t *testing.T, reg *rules.Registry, fixtures []*rulecases.Case) []catalogCase {
	t.Helper()
	typeRules := map[string][]string{} // resource type -> change-triggered rules covering it
	for _, r := range reg.All() {
		if r.Check == nil {
			continue // periodic rules judge API snapshots, not CIs
		}
		for _, rt := range r.ResourceTypes {
			typeRules[rt] = append(typeRules[rt], r.ID)
		}
	}
	types := make([]string, 0, len(typeRules))
	for rt := range typeRules {
		types = append(types, rt)
	}
	sort.Strings(types)

	var cases []catalogCase
	counts := map[string]map[string]int{} // resource type -> verdict or "oversized" -> cases
	count := func(f *rulecases.Case, what string) {
		rt := f.Item.ResourceType
		if !slices.Contains(typeRules[rt], f.RuleID) {
			return // a fixture of a type its rule does not cover
		}
		if counts[rt] == nil {
			counts[rt] = map[string]int{}
		}
		counts[rt][what]++
	}
	// GetResourceConfigHistory answers with the newest item at or before the
	// summary's capture time, so the items registered for one resource need
	// distinct capture times: later fixtures of a resource move theirs on by
	// a millisecond at a time. Rules never read the capture time.
	type captured struct {
		resourceType, resourceID string
		at                       int64 // Unix nanoseconds
	}
	used := map[captured]bool{}
	apiShape, apiOversized := 0, 0
	for _, f := range fixtures {
		if _, ok := reg.Get(f.RuleID); !ok {
			t.Errorf("%s: the folder names no rule in the catalog", f.Path)
			continue
		}
		cases = append(cases, catalogCase{f: f, capture: f.Item.CaptureTime})
		count(f, f.Expect)
		if f.APIShape {
			apiShape++
		}
		if !f.Item.Evaluable() || len(f.Item.Configuration) == 0 {
			continue // the Lambda fetches nothing for these
		}
		capture := f.Item.CaptureTime
		for used[captured{f.Item.ResourceType, f.Item.ResourceID, capture.UnixNano()}] {
			capture = capture.Add(time.Millisecond)
		}
		used[captured{f.Item.ResourceType, f.Item.ResourceID, capture.UnixNano()}] = true
		cases = append(cases, catalogCase{f: f, oversized: true, capture: capture})
		count(f, "oversized")
		if f.APIShape {
			apiOversized++
		}
	}
	if apiShape == 0 || apiOversized == 0 {
		t.Errorf("%d fixtures hold an API-shape CI, %d of them evaluable; want at least one of each", apiShape, apiOversized)
	}
	for _, rt := range types {
		for _, what := range []string{string(rules.Compliant), string(rules.NonCompliant)} {
			if counts[rt][what] == 0 {
				t.Errorf("resource type %s (rules %s) has no %s fixture to run end to end; add one under testdata/rules/",
					rt, strings.Join(typeRules[rt], ", "), what)
			}
		}
		if counts[rt]["oversized"] == 0 {
			t.Errorf("resource type %s (rules %s) has no fixture with an evaluable CI (status OK or ResourceDiscovered, "+
				"with a configuration) for the oversized-notification path; add one under testdata/rules/", rt, strings.Join(typeRules[rt], ", "))
		}
	}
	t.Logf("%d resource types covered by change-triggered rules", len(types))
	return cases
}

// cliEvaluate runs `aiguard evaluate --ci - --rule ID [--params JSON]` on the
// fixture's CI in process and returns its one evaluation.
func cliEvaluate(reg *rules.Registry, f *rulecases.Case) (rules.Evaluation, error) {
	args := []string{"--ci", "-", "--rule", f.RuleID, "--format", "json"}
	if p := f.ParamsJSON(); p != "" {
		args = append(args, "--params", p)
	}
	var out, errOut bytes.Buffer
	cmd := evaluate.NewCmdEvaluate(&cmdutil.IO{In: bytes.NewReader(f.CI), Out: &out, Err: &errOut}, reg, nil)
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	if err := cmd.Execute(); err != nil {
		return rules.Evaluation{}, fmt.Errorf("aiguard evaluate %s: %v %s", strings.Join(args, " "), err, strings.TrimSpace(errOut.String()))
	}
	var evals []rules.Evaluation
	if err := json.Unmarshal(out.Bytes(), &evals); err != nil || len(evals) != 1 {
		return rules.Evaluation{}, fmt.Errorf("aiguard evaluate %s printed %s, want one evaluation (%v)", strings.Join(args, " "), out.String(), err)
	}
	return evals[0], nil
}

// checkLambdaEvaluation checks the calls the invocation made and that the
// one evaluation sent equals the CLI's.
func checkLambdaEvaluation(t *testing.T, srv *localaws.Server, c catalogCase, token string, cli rules.Evaluation) {
	t.Helper()
	f := c.f
	prefix := fmt.Sprintf("rule %s, fixture %s (%s notification)", f.RuleID, f.Path, c.how())
	if !c.capture.Equal(f.Item.CaptureTime) {
		prefix = fmt.Sprintf("rule %s, fixture %s (%s notification, capture time %v later)", f.RuleID, f.Path, c.how(), c.capture.Sub(f.Item.CaptureTime))
	}
	wantOps := []string{localaws.OpPutEvaluations}
	if c.oversized {
		wantOps = []string{localaws.OpGetResourceConfigHistory, localaws.OpPutEvaluations}
	}
	if got := operations(srv); !slices.Equal(got, wantOps) {
		t.Fatalf("%s: calls = %v, want %v", prefix, got, wantOps)
	}
	if c.oversized {
		h := srv.CallsTo(localaws.OpGetResourceConfigHistory)[0].GetResourceConfigHistory
		if h.ResourceType != f.Item.ResourceType || h.ResourceID != f.Item.ResourceID || h.Returned != 1 {
			t.Errorf("%s: GetResourceConfigHistory asked for %s %s and got %d items, want %s %s and 1",
				prefix, h.ResourceType, h.ResourceID, h.Returned, f.Item.ResourceType, f.Item.ResourceID)
		}
	}
	put := srv.CallsTo(localaws.OpPutEvaluations)[0].PutEvaluations
	if put.ResultToken == nil || *put.ResultToken != token || put.TestMode {
		t.Errorf("%s: PutEvaluations ResultToken %v, TestMode %v; want %q outside test mode", prefix, put.ResultToken, put.TestMode, token)
	}
	if len(put.Evaluations) != 1 {
		t.Fatalf("%s: PutEvaluations carried %d evaluations, want 1: %+v", prefix, len(put.Evaluations), put.Evaluations)
	}
	want := cli
	want.OrderingTimestamp = c.capture
	if diff := evaluationDiff(put.Evaluations[0], want); len(diff) > 0 {
		t.Errorf("%s: the Lambda's evaluation differs from aiguard evaluate's:\n\t%s", prefix, strings.Join(diff, "\n\t"))
	}
	if !cli.OrderingTimestamp.Equal(f.Item.CaptureTime) {
		t.Errorf("%s: aiguard evaluate orders at %s, want the CI's capture time %s", prefix,
			cli.OrderingTimestamp.Format(time.RFC3339Nano), f.Item.CaptureTime.Format(time.RFC3339Nano))
	}
}

// evaluationDiff lists how the evaluation PutEvaluations received differs
// from the CLI's; the API carries no annotation when the CLI's is empty.
func evaluationDiff(got localaws.Evaluation, want rules.Evaluation) []string {
	var diff []string
	field := func(name, got, want string) {
		if got != want {
			diff = append(diff, fmt.Sprintf("%s: Lambda %q, CLI %q", name, got, want))
		}
	}
	field("ComplianceResourceType", got.ComplianceResourceType, want.ResourceType)
	field("ComplianceResourceId", got.ComplianceResourceID, want.ResourceID)
	field("ComplianceType", got.ComplianceType, string(want.Compliance))
	switch {
	case want.Annotation == "" && got.Annotation != nil:
		diff = append(diff, fmt.Sprintf("Annotation: Lambda %q, CLI none", *got.Annotation))
	case want.Annotation != "" && got.Annotation == nil:
		diff = append(diff, fmt.Sprintf("Annotation: Lambda none, CLI %q", want.Annotation))
	case got.Annotation != nil:
		field("Annotation", *got.Annotation, want.Annotation)
	}
	if !got.OrderingTimestamp.Equal(want.OrderingTimestamp) {
		diff = append(diff, fmt.Sprintf("OrderingTimestamp: Lambda %s, CLI %s",
			got.OrderingTimestamp.UTC().Format(time.RFC3339Nano), want.OrderingTimestamp.UTC().Format(time.RFC3339Nano)))
	}
	return diff
}

// catalogEvent wraps the case's CI in a Config rule Lambda event whose rule
// parameters are the fixture's plus ruleId. A change notification carries
// the fixture's CI as written; an oversized one carries only its summary.
func catalogEvent(t *testing.T, c catalogCase, token string) []byte {
	t.Helper()
	it := c.f.Item
	invoking := map[string]any{
		"messageType":              configevent.ItemChange,
		"configurationItem":        c.f.CI,
		"notificationCreationTime": it.CaptureTime.Add(time.Second).UTC().Format(time.RFC3339Nano),
		"recordVersion":            "1.3",
	}
	if c.oversized {
		invoking["messageType"] = configevent.OversizedItemChange
		delete(invoking, "configurationItem")
		invoking["configurationItemSummary"] = itemSummary(t, it, c.capture)
	}
	params := map[string]string{"ruleId": c.f.RuleID}
	maps.Copy(params, c.f.Params)
	account := it.AccountID
	if len(account) != 12 {
		account = catalogAccount
	}
	return configEvent(t, account, "aiguard-"+c.f.RuleID, token, invoking, params)
}

// itemSummary is the configurationItemSummary of an oversized notification
// for the item captured at the given time: its metadata in the event shape,
// without configuration, supplementary configuration, tags or relationships.
func itemSummary(t *testing.T, it *configitem.Item, capture time.Time) map[string]any {
	t.Helper()
	summary := *it
	summary.CaptureTime = capture
	data, err := json.Marshal(summary)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"configuration", "supplementaryConfiguration", "tags", "relationships"} {
		delete(m, k)
	}
	m["changeType"] = "UPDATE"
	return m
}

// historyItem is the item as GetResourceConfigHistory serves it, captured
// at the given time: the configuration and each supplementary value as JSON
// text.
func historyItem(it *configitem.Item, capture time.Time) localaws.ConfigurationItem {
	ci := localaws.ConfigurationItem{
		Version: it.Version, AccountID: it.AccountID, CaptureTime: capture, Status: it.Status,
		StateID: it.StateID, MD5Hash: it.MD5Hash, ARN: it.ARN, ResourceType: it.ResourceType,
		ResourceID: it.ResourceID, ResourceName: it.ResourceName, Region: it.Region,
		AvailabilityZone: it.AvailabilityZone, ResourceCreationTime: it.ResourceCreationTime,
		Tags: it.Tags, Configuration: string(it.Configuration),
	}
	for _, r := range it.Relationships {
		ci.Relationships = append(ci.Relationships, localaws.Relationship{
			ResourceType: r.ResourceType, ResourceID: r.ResourceID, ResourceName: r.ResourceName, RelationshipName: r.Name,
		})
	}
	if len(it.Supplementary) > 0 {
		ci.SupplementaryConfiguration = make(map[string]string, len(it.Supplementary))
		for k, raw := range it.Supplementary {
			// A value delivered as a JSON-encoded string is that string's
			// text; any other value is its own JSON text.
			var text string
			if json.Unmarshal(raw, &text) != nil {
				text = string(raw)
			}
			ci.SupplementaryConfiguration[k] = text
		}
	}
	return ci
}

// lastLines returns the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
