package policygen

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/iameval"
	"github.com/aiguard/aiguard/iampolicy"
)

// bypasses are the ways around the policies aiguard generated before the
// attacker's matrix (issue 10, "What is wrong today"; 10. was found since),
// each as requests of the matrix: testdata/before holds those policies for
// the example, and every request below was allowed by them.
var bypasses = []struct {
	name  string
	cases []string // matrix case IDs
}{
	{"1. mint the break-glass exemption", []string{
		"payments-risk/break-glass-protection/create-1", "payments-risk/break-glass-protection/create-2",
		"payments-risk/break-glass-protection/retrust-1", "payments-risk/break-glass-protection/attach-1",
		"payments-risk/break-glass-protection/inline-2", "payments-risk/break-glass-protection/tag-2"}},
	{"2. roles and users without the boundary, any role passed to SageMaker or Bedrock", []string{
		"payments-risk/boundary/create-role-unbounded", "payments-risk/boundary/create-user-unbounded",
		"payments-risk/boundary/attach-unbounded", "payments-risk/boundary/retrust-unbounded",
		"payments-risk/boundary/pass-any-role-sagemaker", "payments-risk/boundary/pass-any-role-bedrock"}},
	{"3. tag itself with the governed tags", []string{
		"payments-risk/governed-tags/tag-role-2", "payments-risk/governed-tags/tag-role-3",
		"payments-risk/governed-tags/tag-user", "payments-risk/governed-tags/session-tag",
		"payments-risk/governed-tags/untag-role"}},
	{"4. batch inference on a disallowed model, bedrock-mantle unrestricted", []string{
		"payments-risk/bedrock-models/batch-other-model", "payments-risk/bedrock-models/mantle-other-model",
		"payments-risk/bedrock-models/mantle-without-guardrail", "research/bedrock-models/mantle-other-model",
		"payments-risk/bedrock-models/evaluate-other-model"}},
	{"5. rewrite or detach the approved lifecycle configuration", []string{
		"payments-risk/notebook-lifecycle/rewrite", "payments-risk/notebook-lifecycle/delete",
		"payments-risk/notebook-lifecycle/detach", "payments-risk/notebook-lifecycle/no-lifecycle",
		"payments-risk/notebook-lifecycle/other-lifecycle"}},
	{"6. inline monitoring job definitions; jobs no key constrains", []string{
		"payments-risk/job-vpc/schedule-inline-no-vpc", "payments-risk/job-isolation/schedule-inline-isolation-off",
		"payments-risk/job-traffic-encryption/schedule-inline-encryption-off",
		"payments-risk/uncontrolled-jobs/createcompilationjob", "payments-risk/uncontrolled-jobs/createoptimizationjob",
		"payments-risk/uncontrolled-jobs/createedgepackagingjob",
		"payments-risk/uncontrolled-jobs/createinferencerecommendationsjob"}},
	{"7. blind detection", []string{
		"payments-risk/detection-protection/config-stopconfigurationrecorder",
		"payments-risk/detection-protection/config-putconfigurationrecorder",
		"payments-risk/detection-protection/config-deleteevaluationresults",
		"payments-risk/detection-protection/cloudtrail-stoplogging",
		"payments-risk/detection-protection/cloudtrail-puteventselectors",
		"payments-risk/detection-protection/guardduty-deletedetector",
		"payments-risk/detection-protection/guardduty-updatedetector"}},
	{"8. re-trust the team's execution roles", []string{
		"payments-risk/aiguard-protection/retrust-execution-role", "payments-risk/aiguard-protection/execution-role-policy",
		"payments-risk/aiguard-protection/mint-aiguard-role", "payments-risk/aiguard-protection/forge-boundary"}},
	{"9. face search on video without an approved use case", []string{
		"payments-risk/rekognition-faces/stream-face-search", "payments-risk/rekognition-faces/person-tracking",
		"retail-vision/rekognition-faces/stream-face-search"}},
	{"10. entity detection as events detection; Security Hub switched off or cut from the findings", []string{
		"payments-risk/comprehend-entities/events-untagged", "payments-risk/comprehend-entities/events-classification-public",
		"payments-risk/detection-protection/securityhub-disablesecurityhub",
		"payments-risk/detection-protection/securityhub-disableimportfindingsforproduct",
		"payments-risk/detection-protection/securityhub-disassociatefromadministratoraccount"}},
}

// TestBypassesClosed proves each bypass from the attacker's seat: the
// request was allowed by the policies generated before, and the new ones
// deny it (by the statement the matrix names).
func TestBypassesClosed(t *testing.T) {
	spec := exampleSpec(t)
	cases, err := Matrix(spec)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]iameval.Case{}
	for _, c := range cases {
		byID[c.ID] = c
	}
	arts := exampleArtifacts(t)
	now, err := CompilePolicies(arts)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := iameval.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	before := beforePolicies(t, "before")
	for _, b := range bypasses {
		t.Run(b.name, func(t *testing.T) {
			for _, id := range b.cases {
				c, ok := byID[id]
				if !ok {
					t.Errorf("%s: no such request in the matrix", id)
					continue
				}
				old := iameval.Set{SCPs: [][]*iameval.Compiled{append([]*iameval.Compiled{iameval.FullAWSAccess()}, before[c.Team]...)},
					Identity: []*iameval.Compiled{iameval.AdministratorAccess()}}
				d, err := ev.Decide(c.Request(), old)
				if err != nil {
					t.Fatal(err)
				}
				if d.Denied() {
					t.Errorf("%s (%s): the old policies already denied it (%s): not a bypass", id, c.Description, d.DeniedBy())
				}
				set, err := now.Set(c.Team, c.Boundary)
				if err != nil {
					t.Fatal(err)
				}
				d, err = ev.Decide(c.Request(), set)
				if err != nil {
					t.Fatal(err)
				}
				if c.Expect != "deny" || c.Mismatch(d) != "" {
					t.Errorf("%s (%s): the new policies: %s, want deny by %s", id, c.Description, d.DeniedBy(), c.ExpectSid)
				}
			}
		})
	}
}

// beforePolicies reads the SCPs aiguard generated for the example before a
// change, by team (organization: the root's): testdata/before before this
// matrix existed, testdata/before-counterparts before the counterparts.
func beforePolicies(t *testing.T, dir string) map[string][]*iameval.Compiled {
	t.Helper()
	out := map[string][]*iameval.Compiled{}
	files, err := filepath.Glob(filepath.Join("testdata", dir, "*", "scp-*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("testdata/%s: %v (%d files)", dir, err, len(files))
	}
	slices.Sort(files)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		c, err := iameval.ParseAndCompile(f, iampolicy.TypeSCP, data)
		if err != nil {
			t.Fatal(err)
		}
		team := filepath.Base(filepath.Dir(f))
		out[team] = append(out[team], c)
	}
	return out
}

// TestMatrixCatchesWeakenedPolicies removes one statement from the
// generated SCPs at a time: the matrix must then fail, naming a request
// of the statement's control. A statement whose removal the matrix does
// not notice would be a claim without proof.
func TestMatrixCatchesWeakenedPolicies(t *testing.T) {
	spec := exampleSpec(t)
	arts := exampleArtifacts(t)
	cases, err := Matrix(spec)
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range arts {
		if a.Kind != KindSCP {
			continue
		}
		doc, err := iampolicy.Parse(a.Body)
		if err != nil {
			t.Fatal(err)
		}
		for j, st := range doc.Statement {
			weak := *doc
			weak.Statement = slices.Delete(slices.Clone(doc.Statement), j, j+1)
			body, err := weak.Minified()
			if err != nil {
				t.Fatal(err)
			}
			changed := slices.Clone(arts)
			changed[i].Body = body
			err = CheckMatrix(cases, changed)
			var merr *MatrixError
			if !errors.As(err, &merr) {
				t.Errorf("%s without %s: the matrix still passes (%v)", a.Path, st.Sid, err)
				continue
			}
			if !strings.Contains(err.Error(), "want deny") {
				t.Errorf("%s without %s: %v", a.Path, st.Sid, err)
			}
		}
	}
}

// TestProbePoliciesCatchesAWrongTest turns the root-access test of the
// generated SCPs the wrong way round, as a public SCP has it: the semantic
// lint of generate reports it.
func TestProbePoliciesCatchesAWrongTest(t *testing.T) {
	arts := slices.Clone(exampleArtifacts(t))
	if got, err := ProbePolicies(arts); err != nil || len(got) > 0 {
		t.Fatalf("the generated policies: %v %v", got, err)
	}
	changed := false
	for i, a := range arts {
		if a.Kind == KindSCP && strings.Contains(string(a.Body), `"sagemaker:RootAccess":"Disabled"`) {
			arts[i].Body = []byte(strings.Replace(string(a.Body), `"sagemaker:RootAccess":"Disabled"`, `"sagemaker:RootAccess":"Enabled"`, 1))
			changed = true
			break
		}
	}
	if !changed {
		t.Fatal("no root-access test in the SCPs")
	}
	got, err := ProbePolicies(arts)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(got, "\n"), `sagemaker:RootAccess "Disabled" is denied`) {
		t.Errorf("findings %v", got)
	}
}
