package e2e

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	cstypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"

	"github.com/aiguard/aiguard/internal/testenv/localaws"
	"github.com/aiguard/aiguard/internal/testenv/rulecases"
	"github.com/aiguard/aiguard/sources"
)

// TestMotoPeriodicRules runs periodic rules through the real bootstrap under
// the emulator, reading SageMaker, IAM, S3, Bedrock, CloudWatch Logs,
// CloudTrail and GuardDuty from moto, and delivering to localaws' Config
// (moto's takes PutEvaluations only in TestMode and cannot reconcile).
func TestMotoPeriodicRules(t *testing.T) {
	requireMoto(t)
	m := startMoto(t)
	facts := m.seed(t, "periodic")
	acct := m.account
	srv := startLocalAWS(t, localaws.Options{})
	env := append(emulatorEnv(m.URL, "us-east-1"), "AWS_ENDPOINT_URL_CONFIG_SERVICE="+srv.URL)
	emu := startEmulator(t, bin.bootstrap, env)

	// run invokes a periodic rule at the current time and returns the
	// Config rule's results.
	run := func(t *testing.T, ruleID string, params map[string]string) []localaws.EvaluationResult {
		t.Helper()
		ruleName, token := "aiguard-"+ruleID, ruleID+"-token"
		srv.BindResultToken(token, ruleName)
		p := map[string]string{"ruleId": ruleID}
		maps.Copy(p, params)
		notified := time.Now().UTC().Truncate(time.Millisecond)
		emu.invoke(t, configEvent(t, acct, ruleName, token, scheduledInvoking(acct, notified), p)).mustSucceed(t, emu)
		results := srv.EvaluationResults(ruleName)
		for _, r := range results {
			if !r.OrderingTimestamp.Equal(notified) || r.ComplianceResourceType != "AWS::::Account" {
				t.Errorf("%s: result %+v, want AWS::::Account at %v", ruleID, r.Evaluation, notified)
			}
		}
		return results
	}
	annotation := func(r localaws.EvaluationResult) string { return aws.ToString(r.Annotation) }

	t.Run("training jobs past one page", func(t *testing.T) {
		m.reset()
		results := run(t, "sagemaker-training-job-hardened", nil)
		jobs := facts["trainingJobs"].([]any)
		if len(results) != len(jobs) {
			t.Fatalf("%d results, want one per training job (%d)", len(results), len(jobs))
		}
		prefix := "arn:aws:sagemaker:us-east-1:" + acct + ":training-job/job-"
		for _, r := range results {
			var i int
			if _, err := fmt.Sscanf(strings.TrimPrefix(r.ComplianceResourceID, prefix), "%d", &i); err != nil {
				t.Fatalf("result for %s: %v", r.ComplianceResourceID, err)
			}
			want, why := "COMPLIANT", ""
			switch {
			case i == 1:
				want, why = "NON_COMPLIANT", "no VpcConfig"
			case i%3 == 0:
				want, why = "NON_COMPLIANT", "EnableNetworkIsolation false"
			}
			if r.ComplianceType != want || !strings.Contains(annotation(r), why) {
				t.Errorf("job %d: %s %q, want %s with %q", i, r.ComplianceType, annotation(r), want, why)
			}
			if i == 1 && !strings.Contains(annotation(r), "no OutputDataConfig.KmsKeyId") {
				t.Errorf("job 1: %q, want the missing output key named too", annotation(r))
			}
		}
		var pages int
		for _, c := range m.callsTo("ListTrainingJobs") {
			if bytes.Contains(c.Request, []byte(`"NextToken"`)) {
				pages++
			}
		}
		if pages == 0 {
			t.Error("ListTrainingJobs never asked moto for a second page")
		}
		if n := len(m.callsTo("DescribeTrainingJob")); n != len(jobs) {
			t.Errorf("%d DescribeTrainingJob calls, want %d", n, len(jobs))
		}
	})

	t.Run("transform jobs", func(t *testing.T) {
		results := run(t, "sagemaker-transform-job-encrypted", nil)
		arns := facts["transformJobs"].(map[string]any)
		got := map[string]localaws.EvaluationResult{}
		for _, r := range results {
			got[r.ComplianceResourceID] = r
		}
		if r := got[arns["transform-keyed"].(string)]; r.ComplianceType != "COMPLIANT" {
			t.Errorf("keyed job: %+v", r.Evaluation)
		}
		r := got[arns["transform-plain"].(string)]
		if r.ComplianceType != "NON_COMPLIANT" || !strings.Contains(annotation(r), "no TransformOutput.KmsKeyId") ||
			!strings.Contains(annotation(r), "no TransformResources.VolumeKmsKeyId") {
			t.Errorf("job without keys: %s %q", r.ComplianceType, annotation(r))
		}
		if len(results) != 2 {
			t.Errorf("%d results, want 2", len(results))
		}
	})

	t.Run("bedrock invocation logging", func(t *testing.T) {
		results := run(t, "bedrock-invocation-logging", map[string]string{"requireCmk": "true"})
		want := "logging to bucket aiguard-e2e-invocations and log group /aws/bedrock/invocations, encrypted with customer managed KMS keys"
		if len(results) != 1 || results[0].ComplianceResourceID != acct || results[0].ComplianceType != "COMPLIANT" ||
			!strings.Contains(annotation(results[0]), want) {
			t.Errorf("results = %+v, want COMPLIANT %q", results, want)
		}
	})

	t.Run("cloudtrail", func(t *testing.T) {
		params := map[string]string{"mlTagKey": "ml"}
		results := run(t, "cloudtrail-ml-api-logging", params)
		if len(results) != 1 || results[0].ComplianceType != "COMPLIANT" || !strings.Contains(annotation(results[0]), "org-audit") {
			t.Fatalf("results = %+v %q, want COMPLIANT through trail org-audit", results, annotation(results[0]))
		}
		// A second bucket tagged as ML data, whose data events no trail records.
		m.seed(t, "trail-gap")
		results = run(t, "cloudtrail-ml-api-logging", params)
		if len(results) != 1 || results[0].ComplianceType != "NON_COMPLIANT" || !strings.Contains(annotation(results[0]), "aiguard-e2e-ml-unlogged") {
			t.Errorf("results = %+v %q, want NON_COMPLIANT naming aiguard-e2e-ml-unlogged", results, annotation(results[0]))
		}
		if a := annotation(results[0]); strings.Contains(a, "aiguard-e2e-web") || strings.Contains(a, "aiguard-e2e-ml-data") {
			t.Errorf("annotation %q names a bucket that is not ML data or whose data events are recorded", a)
		}
	})

	t.Run("guardduty", func(t *testing.T) {
		detector := facts["detector"].(string)
		results := run(t, "guardduty-ml-protection", nil)
		if len(results) != 1 || results[0].ComplianceType != "COMPLIANT" || !strings.Contains(annotation(results[0]), detector) {
			t.Fatalf("results = %+v, want COMPLIANT through detector %s", results, detector)
		}
		m.seed(t, "detector-off")
		results = run(t, "guardduty-ml-protection", nil)
		if len(results) != 1 || results[0].ComplianceType != "NON_COMPLIANT" || !strings.Contains(annotation(results[0]), "S3 Protection off") {
			t.Errorf("results = %+v %q, want NON_COMPLIANT with S3 Protection off", results, annotation(results[0]))
		}
	})

	// The IAM source, which sagemaker-execution-role-scoping reads through
	// (moto lacks ListUserProfiles, so the rule itself cannot run here).
	t.Run("IAM roles", func(t *testing.T) {
		src, err := m.clients(t).Sources(withTimeout(t), "", "", sources.Options{})
		if err != nil {
			t.Fatal(err)
		}
		scoped := facts["scopedRole"].(map[string]any)
		arn := scoped["role"].(string)
		roles, err := src.IAM.Roles(withTimeout(t), []string{arn, "arn:aws:iam::" + acct + ":role/aiguard-e2e-gone"}, true)
		if err != nil || len(roles) != 1 {
			t.Fatalf("Roles = %+v, %v; want the one role that exists", roles, err)
		}
		r := roles[0]
		if r.ARN != arn || r.Name != "aiguard-e2e-scoped" || !strings.HasPrefix(r.ID, "AROA") {
			t.Errorf("role %s %s %s", r.Name, r.ARN, r.ID)
		}
		if len(r.AttachedPolicies) != 1 || r.AttachedPolicies[0].ARN != scoped["policy"] ||
			!sameJSON(t, r.AttachedPolicies[0].Document, scoped["policyDocument"]) {
			t.Errorf("attached policies %+v, want %s with its default (second) version", r.AttachedPolicies, scoped["policy"])
		}
		if len(r.InlinePolicies) != 1 || r.InlinePolicies[0].Name != "kms-via-s3" || !sameJSON(t, r.InlinePolicies[0].Document, scoped["inlineDocument"]) {
			t.Errorf("inline policies %+v", r.InlinePolicies)
		}
	})

	// Every call reached moto signed with the function's credentials, and
	// succeeded, but for the tags of untagged buckets (NoSuchTagSet, as S3
	// answers them).
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, c := range m.calls {
		ok := c.Status == 200 ||
			c.Status == 404 && strings.HasSuffix(c.Operation, "?tagging=") && bytes.Contains(c.Response, []byte("NoSuchTagSet")) ||
			c.Status == 404 && c.Operation == "GetRole" && bytes.Contains(c.Response, []byte("aiguard-e2e-gone"))
		if c.AccessKey != baseKey || !ok {
			t.Errorf("%s %s: status %d, key %q\n%s", c.Service, c.Operation, c.Status, c.AccessKey, c.Response)
		}
	}
}

// s3Expectations are the verdicts of the change-triggered S3 rules on the
// buckets of the "buckets" scenario. s3-ml-bucket-cmk-encrypted is left out:
// moto's bucket CIs lack ServerSideEncryptionConfiguration.
func s3Expectations(facts map[string]any) map[string]string {
	want := map[string]string{}
	for _, rule := range []string{"s3-ml-bucket-access-logging", "s3-ml-bucket-public-access-blocked", "s3-ml-bucket-tls-enforced"} {
		want[rule+" "+facts["hardened"].(string)] = "COMPLIANT"
		want[rule+" "+facts["open"].(string)] = "NON_COMPLIANT"
		want[rule+" "+facts["logs"].(string)] = "NOT_APPLICABLE" // no ml-data tag
	}
	return want
}

// TestMotoS3Buckets takes the S3 bucket configuration items moto's Config
// records to every consumer: the bootstrap on the oversized path (as a
// member-account role assumed through moto's STS), aiguard evaluate and
// aiguard scan on what the AWS CLI exports, and Security Hub with the ASFF
// findings of scan.
func TestMotoS3Buckets(t *testing.T) {
	requireMoto(t)
	m := startMoto(t)
	facts := m.seed(t, "buckets")
	role := facts["memberRole"].(string)
	acct := m.account
	want := s3Expectations(facts)
	buckets := []string{facts["hardened"].(string), facts["open"].(string), facts["logs"].(string)}

	t.Run("bootstrap, oversized path", func(t *testing.T) {
		// The capture time of each bucket's CI, as the summary in the event
		// carries it.
		captured := map[string]time.Time{}
		cs, err := m.clients(t).Config(withTimeout(t), "", "")
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range buckets {
			out, err := cs.GetResourceConfigHistory(withTimeout(t), &configservice.GetResourceConfigHistoryInput{
				ResourceType: cstypes.ResourceTypeBucket, ResourceId: aws.String(b)})
			if err != nil || len(out.ConfigurationItems) != 1 {
				t.Fatalf("history of %s: %v", b, err)
			}
			captured[b] = aws.ToTime(out.ConfigurationItems[0].ConfigurationItemCaptureTime)
		}
		m.reset()

		emu := startEmulator(t, bin.bootstrap, emulatorEnv(m.URL, "us-east-1"))
		got := map[string]string{}
		for _, key := range slices.Sorted(maps.Keys(want)) {
			rule, bucket, _ := strings.Cut(key, " ")
			ct := captured[bucket].UTC().Format(time.RFC3339Nano)
			invoking := map[string]any{
				"configurationItemSummary": map[string]any{
					"changeType": "UPDATE", "configurationItemVersion": "1.3", "configurationItemCaptureTime": ct,
					"configurationStateId": 1, "awsAccountId": acct, "configurationItemStatus": "OK",
					"resourceType": "AWS::S3::Bucket", "resourceId": bucket, "resourceName": bucket,
					"ARN": "arn:aws:s3:::" + bucket, "awsRegion": "us-east-1", "availabilityZone": "Regional",
				},
				"messageType":              "OversizedConfigurationItemChangeNotification",
				"notificationCreationTime": ct,
				"recordVersion":            "1.3",
			}
			// moto takes PutEvaluations only in TestMode.
			ev := configEvent(t, acct, "aiguard-"+rule, "TESTMODE", invoking,
				map[string]string{"ruleId": rule, "ExecutionRoleName": "aiguard-member"})
			emu.invoke(t, ev).mustSucceed(t, emu)
			puts := m.callsTo("PutEvaluations")
			var put struct {
				Evaluations []struct {
					ComplianceResourceType, ComplianceResourceId, ComplianceType string
					OrderingTimestamp                                            float64
				}
				TestMode bool
			}
			if err := json.Unmarshal(puts[len(puts)-1].Request, &put); err != nil {
				t.Fatal(err)
			}
			if len(put.Evaluations) != 1 || !put.TestMode || puts[len(puts)-1].Status != 200 {
				t.Fatalf("%s: PutEvaluations %s, want one evaluation in TestMode", key, puts[len(puts)-1].Request)
			}
			e := put.Evaluations[0]
			got[rule+" "+e.ComplianceResourceId] = e.ComplianceType
			if at := time.UnixMicro(int64(e.OrderingTimestamp * 1e6)); e.ComplianceResourceType != "AWS::S3::Bucket" ||
				at.Sub(captured[bucket]).Abs() > time.Millisecond {
				t.Errorf("%s: evaluation %+v at %v, want AWS::S3::Bucket at the CI's capture time %v", key, e, at, captured[bucket])
			}
		}
		if !maps.Equal(got, want) {
			t.Errorf("verdicts:\n%v\nwant\n%v", got, want)
		}
		// The member role is assumed once for the container, through moto's
		// STS; every Config call is signed with the credentials it issued.
		assumed := m.callsTo("AssumeRole")
		if len(assumed) != 1 {
			t.Fatalf("%d AssumeRole calls, want 1 for the container", len(assumed))
		}
		if form, err := url.ParseQuery(string(assumed[0].Request)); err != nil || form.Get("RoleArn") != role {
			t.Errorf("AssumeRole %s, want RoleArn %s", assumed[0].Request, role)
		}
		var issued struct {
			Result struct {
				Credentials struct {
					AccessKeyID string `xml:"AccessKeyId"`
				}
			} `xml:"AssumeRoleResult"`
		}
		if err := xml.Unmarshal(assumed[0].Response, &issued); err != nil || issued.Result.Credentials.AccessKeyID == "" {
			t.Fatalf("AssumeRole answer: %v\n%s", err, assumed[0].Response)
		}
		for _, op := range []string{"GetResourceConfigHistory", "PutEvaluations"} {
			calls := m.callsTo(op)
			if len(calls) != len(want) {
				t.Errorf("%d %s calls, want %d", len(calls), op, len(want))
			}
			for _, c := range calls {
				if c.AccessKey != issued.Result.Credentials.AccessKeyID {
					t.Errorf("%s signed with %s, want the member role's %s", op, c.AccessKey, issued.Result.Credentials.AccessKeyID)
				}
			}
		}
	})

	// What the AWS CLI exports from moto's Config.
	dir := t.TempDir()
	keys := []string{"batch-get-resource-config", "--resource-keys"}
	for _, b := range buckets {
		keys = append(keys, "resourceType=AWS::S3::Bucket,resourceId="+b)
	}
	batch := filepath.Join(dir, "batch.json")
	writeFile(t, batch, m.aws(t, append([]string{"configservice"}, keys...)...))
	history := filepath.Join(dir, "history.json")
	writeFile(t, history, m.aws(t, "configservice", "get-resource-config-history",
		"--resource-type", "AWS::S3::Bucket", "--resource-id", facts["hardened"].(string)))

	t.Run("aiguard scan", func(t *testing.T) {
		out, stderr := cli(t, "scan", "--fail-on", "none", "--format", "json", batch, history)
		got := verdicts(t, out)
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: %q, want %s", k, got[k], v)
			}
		}
		// A CI that cannot be read is reported with its file and position.
		if strings.Contains(stderr, batch) || strings.Contains(stderr, history) {
			t.Errorf("scan reported problems with moto's CIs:\n%s", stderr)
		}
		// 3 buckets from the batch and the hardened one again from its
		// history, each judged by the 4 bucket rules.
		if n := len(got); n != 4*3 {
			t.Errorf("%d distinct verdicts, want 12: %v", n, slices.Sorted(maps.Keys(got)))
		}
	})

	t.Run("aiguard evaluate", func(t *testing.T) {
		var doc struct{ BaseConfigurationItems []json.RawMessage }
		data, err := os.ReadFile(batch)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		if len(doc.BaseConfigurationItems) != len(buckets) {
			t.Fatalf("batch-get-resource-config returned %d CIs, want %d", len(doc.BaseConfigurationItems), len(buckets))
		}
		got := map[string]string{}
		for i, ci := range doc.BaseConfigurationItems {
			path := filepath.Join(dir, fmt.Sprintf("ci-%d.json", i))
			writeFile(t, path, ci)
			out, _ := cli(t, "evaluate", "--ci", path)
			maps.Copy(got, verdicts(t, out))
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: %q, want %s", k, got[k], v)
			}
		}
	})

	t.Run("ASFF into Security Hub", func(t *testing.T) {
		out, _ := cli(t, "scan", "--fail-on", "none", "--format", "asff", batch)
		importASFF(t, m, out)
	})
}

// TestMotoSecurityHubEveryRule imports the ASFF findings of every rule
// fixture of the repository (every resource type and verdict the catalog
// has, in several batches) into moto's Security Hub, and checks them against
// botocore's model.
func TestMotoSecurityHubEveryRule(t *testing.T) {
	requireMoto(t)
	m := startMoto(t)
	// One CI per resource, as a finding's Id is its rule's and resource's
	// and the fixtures reuse resource IDs; each twice, under a second
	// resource ID, so that the findings fill more than one batch.
	var ndjson bytes.Buffer
	seen := map[string]bool{}
	for _, f := range rulecases.Load(t) {
		key := f.Item.ResourceType + " " + f.Item.ResourceID
		if seen[key] {
			continue
		}
		seen[key] = true
		var ci map[string]any
		if err := json.Unmarshal(f.CI, &ci); err != nil {
			t.Fatal(err)
		}
		for _, suffix := range []string{"", "-copy"} {
			ci["resourceId"] = f.Item.ResourceID + suffix
			line, err := json.Marshal(ci)
			if err != nil {
				t.Fatal(err)
			}
			ndjson.Write(append(line, '\n'))
		}
	}
	path := filepath.Join(t.TempDir(), "fixtures.ndjson")
	writeFile(t, path, ndjson.Bytes())
	out, _ := cli(t, "scan", "--fail-on", "none", "--format", "asff", "--account-id", catalogAccount, "--region", "us-east-1", path)
	if findings, batches := importASFF(t, m, out); batches < 2 {
		t.Errorf("%d findings in %d batch, want the fixtures to fill more than one", findings, batches)
	}
}

// importASFF imports the ASFF batches (scan's output, one request body a
// line) into moto's Security Hub with testdata/moto/asff.py, checks that
// every finding was imported, reads back unchanged and fits botocore's
// Security Hub model, and returns how many findings and batches there were.
func importASFF(t *testing.T, m *motoServer, batches string) (findings, lines int) {
	t.Helper()
	for _, l := range strings.Split(strings.TrimSpace(batches), "\n") {
		var body struct{ Findings []json.RawMessage }
		if err := json.Unmarshal([]byte(l), &body); err != nil {
			t.Fatalf("ASFF line: %v\n%s", err, l)
		}
		findings += len(body.Findings)
		lines++
	}
	if findings == 0 {
		t.Fatal("scan wrote no ASFF findings")
	}
	var report struct {
		Batches, Sent, Imported, ReadBack int
		Failed                            []map[string]any
		Violations, Missing, Changed      []string
	}
	if err := json.Unmarshal(m.python(t, "asff.py", []byte(batches), m.direct, "us-east-1"), &report); err != nil {
		t.Fatal(err)
	}
	if report.Batches != lines || report.Sent != findings || report.Imported != findings || report.ReadBack != findings ||
		len(report.Failed)+len(report.Missing)+len(report.Changed) != 0 {
		t.Errorf("Security Hub import: %+v, want all %d findings of %d batches imported and read back unchanged", report, findings, lines)
	}
	for _, v := range report.Violations {
		t.Errorf("Security Hub model: %s", v)
	}
	t.Logf("Security Hub: %d findings in %d batches imported, read back and checked against botocore's model", report.ReadBack, report.Batches)
	return findings, lines
}

// sameJSON reports whether the JSON text doc holds the value want.
func sameJSON(t *testing.T, doc string, want any) bool {
	t.Helper()
	var got any
	if err := json.Unmarshal([]byte(doc), &got); err != nil {
		t.Errorf("%v: %s", err, doc)
		return false
	}
	w, _ := json.Marshal(want)
	var wantV any
	_ = json.Unmarshal(w, &wantV)
	return reflect.DeepEqual(got, wantV)
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}
