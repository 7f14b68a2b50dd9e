package orgspec

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/aiguard/aiguard/configitem"
	"github.com/aiguard/aiguard/rules"
)

// testNow is the clock of the golden tests: exceptions expiring before it
// have expired.
var testNow = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// testRegistry is a fixed catalog for the golden files, so that they do
// not change whenever a rule gains a parameter. Its rules mirror the real
// ones by ID and parameter names.
func testRegistry(t testing.TB) *rules.Registry {
	t.Helper()
	check := func(*configitem.Item, rules.Params) rules.Verdict { return rules.Pass() }
	run := func(context.Context, rules.Env, rules.Params) ([]rules.Evaluation, error) { return nil, nil }
	subnet := regexp.MustCompile(`^subnet-[0-9a-f]{8}([0-9a-f]{9})?$`)
	change := func(id string, params ...rules.Param) *rules.Rule {
		return &rules.Rule{
			ID: id, Title: "Test rule " + id, ResourceTypes: []string{"AWS::Test::Thing"},
			Trigger: rules.ChangeTriggered, Severity: rules.SeverityHigh, Control: "test", Remediation: "fix it",
			Params: params, Check: check,
		}
	}
	periodic := func(id string, params ...rules.Param) *rules.Rule {
		r := change(id, params...)
		r.Trigger, r.Check, r.Run = rules.Periodic, nil, run
		return r
	}
	managed := func(r *rules.Rule, id string) *rules.Rule {
		r.ManagedRule = id
		return r
	}
	strength := []string{"NONE", "LOW", "MEDIUM", "HIGH"}
	reg, err := rules.NewRegistry(
		change("sagemaker-notebook-no-direct-internet"),
		change("sagemaker-notebook-root-access-disabled"),
		change("sagemaker-notebook-in-vpc", rules.Param{
			Name: "allowedSubnetIds", Type: rules.CSV, Pattern: subnet, PatternHelp: "a subnet ID (subnet-0123abcd)",
		}),
		managed(change("sagemaker-notebook-cmk-encrypted", rules.Param{Name: "kmsKeyArns", Type: rules.CSV}),
			"SAGEMAKER_NOTEBOOK_INSTANCE_KMS_KEY_CONFIGURED"),
		change("sagemaker-endpoint-config-multi-instance", rules.Param{
			Name: "minInstanceCount", Type: rules.Int, Default: "2", Min: 1, Max: 10,
		}),
		change("bedrock-guardrail-strength",
			rules.Param{Name: "promptAttackStrength", Type: rules.Enum, Values: strength, Default: "HIGH"},
			rules.Param{Name: "contentFilterStrength", Type: rules.Enum, Values: strength, Default: "MEDIUM"},
			rules.Param{Name: "requirePiiFilter", Type: rules.Bool, Default: "true"},
		),
		change("s3-ml-bucket-cmk-encrypted",
			rules.Param{Name: "mlTagKey", Type: rules.String, Default: "ml-data"},
			rules.Param{Name: "bucketNamePatterns", Type: rules.CSV},
		),
		periodic("rekognition-collection-approved-use-case",
			rules.Param{Name: "approvedUseCaseTagKey", Type: rules.String, Default: "ai-approved-use-case"},
			rules.Param{Name: "approvedUseCases", Type: rules.CSV},
		),
		periodic("cost-anomaly-ml-monitor", rules.Param{Name: "maxThresholdUsd", Type: rules.Int, Min: 1, Max: 1_000_000}),
	)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}
