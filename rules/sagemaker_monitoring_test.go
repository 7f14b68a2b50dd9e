package rules

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aiguard/aiguard/configitem"
)

// mlRuleCase is one configuration item judged by one rule.
type mlRuleCase struct {
	name         string
	resourceType string
	status       string // "" for OK
	config       string // the configuration object; "" for none
	params       map[string]string
	want         Compliance
	// contains are substrings the annotation must hold; absent are ones it must not.
	contains, absent []string
}

// runMLRuleCases judges each case with the rule from group, in the event
// shape and (when there is a configuration) the API shape, and checks that
// the Check's own annotation is compact enough not to be cut.
func runMLRuleCases(t *testing.T, group []*Rule, ruleID string, cases []mlRuleCase) {
	t.Helper()
	runRuleCases(t, groupRule(t, group, ruleID), cases, true)
}

// runRuleCases judges each case with r in both shapes; compact checks
// that the Check's own annotation fits in MaxAnnotation uncut.
func runRuleCases(t *testing.T, r *Rule, cases []mlRuleCase, compact bool) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := r.ParseParams(tc.params)
			if err != nil {
				t.Fatalf("params: %v", err)
			}
			status := tc.status
			if status == "" {
				status = "OK"
			}
			item := ruleTestItem(t, ruleTestCI(status, tc.resourceType, tc.config))
			ev := r.Evaluate(item, p)
			if ev.Compliance != tc.want {
				t.Errorf("Compliance = %s, want %s (annotation %q)", ev.Compliance, tc.want, ev.Annotation)
			}
			if tc.want != Compliant && ev.Annotation == "" {
				t.Errorf("%s without an annotation", tc.want)
			}
			if tc.want == Compliant && ev.Annotation != "" {
				t.Errorf("COMPLIANT with annotation %q", ev.Annotation)
			}
			for _, s := range tc.contains {
				if !strings.Contains(ev.Annotation, s) {
					t.Errorf("annotation %q does not contain %q", ev.Annotation, s)
				}
			}
			for _, s := range tc.absent {
				if strings.Contains(ev.Annotation, s) {
					t.Errorf("annotation %q contains %q", ev.Annotation, s)
				}
			}
			if compact && r.Covers(tc.resourceType) && item.Evaluable() {
				raw := r.Check(item, p).Annotation
				if n := utf8.RuneCountInString(raw); n > MaxAnnotation {
					t.Errorf("annotation is %d characters, more than %d: %q", n, MaxAnnotation, raw)
				}
			}
			// The API shape (configuration as a JSON string) judges the same.
			if tc.config != "" {
				api := ruleTestItem(t, ruleTestCI(status, tc.resourceType, quoteJSON(tc.config)))
				if ev2 := r.Evaluate(api, p); ev2 != ev {
					t.Errorf("API shape judged differently:\n event %+v\n   api %+v", ev, ev2)
				}
			}
		})
	}
}

// monitoringConfig returns a job definition configuration of the given type
// with networkConfig (a JSON object or other value) and the given output and
// volume keys ("" to leave a key out).
func monitoringConfig(resourceType, networkConfig, outputKey, volumeKey, instanceType string) string {
	output, resources := "DataQualityJobOutputConfig", "JobResources"
	switch resourceType {
	case typeModelBiasJobDefinition:
		output = "ModelBiasJobOutputConfig"
	case typeModelExplainabilityJobDefinition:
		output = "ModelExplainabilityJobOutputConfig"
	case typeModelQualityJobDefinition:
		output = "ModelQualityJobOutputConfig"
	case typeMonitoringSchedule:
		output, resources = "MonitoringOutputConfig", "MonitoringResources"
	}
	if instanceType == "" {
		instanceType = "ml.m5.xlarge"
	}
	var out strings.Builder
	out.WriteString(`{"` + output + `":{"MonitoringOutputs":[{"S3Output":{"S3Uri":"s3://ml-monitoring-111122223333/out","LocalPath":"/opt/ml/processing/output"}}]`)
	if outputKey != "" {
		out.WriteString(`,"KmsKeyId":"` + outputKey + `"`)
	}
	out.WriteString(`},"` + resources + `":{"ClusterConfig":{"InstanceCount":1,"InstanceType":"` + instanceType + `","VolumeSizeInGB":20`)
	if volumeKey != "" {
		out.WriteString(`,"VolumeKmsKeyId":"` + volumeKey + `"`)
	}
	out.WriteString(`}}`)
	if networkConfig != "" {
		out.WriteString(`,"NetworkConfig":` + networkConfig)
	}
	out.WriteString(`}`)
	if resourceType == typeMonitoringSchedule {
		return `{"MonitoringScheduleName":"churn-monitor","MonitoringScheduleConfig":{"MonitoringType":"DataQuality",` +
			`"MonitoringJobDefinition":` + out.String() + `}}`
	}
	return out.String()
}

const (
	testKeyArn  = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	testKeyArn2 = "arn:aws:kms:us-east-1:111122223333:key/0987dcba-09fe-87dc-65ba-ab0987654321"
)

func TestMonitoringNetworkIsolation(t *testing.T) {
	var cases []mlRuleCase
	for _, typ := range monitoringTypes {
		short := typ[len("AWS::SageMaker::"):]
		cases = append(cases,
			mlRuleCase{name: short + "/enabled", resourceType: typ,
				config: monitoringConfig(typ, `{"EnableNetworkIsolation":true}`, testKeyArn, testKeyArn, ""),
				want:   Compliant},
			mlRuleCase{name: short + "/false", resourceType: typ,
				config:   monitoringConfig(typ, `{"EnableNetworkIsolation":false,"EnableInterContainerTrafficEncryption":true}`, "", "", ""),
				want:     NonCompliant,
				contains: []string{"NetworkConfig.EnableNetworkIsolation is false", "with it set to true"}},
			mlRuleCase{name: short + "/no-network-config", resourceType: typ,
				config:   monitoringConfig(typ, "", "", "", ""),
				want:     NonCompliant,
				contains: []string{"is not set (default false)"}},
		)
	}
	dq := typeDataQualityJobDefinition
	cases = append(cases,
		mlRuleCase{name: "string true", resourceType: dq,
			config: `{"NetworkConfig":{"EnableNetworkIsolation":"true"}}`, want: Compliant},
		mlRuleCase{name: "string TRUE with blanks", resourceType: dq,
			config: `{"NetworkConfig":{"EnableNetworkIsolation":" TRUE "}}`, want: Compliant},
		mlRuleCase{name: "camelCase", resourceType: dq,
			config: `{"networkConfig":{"enableNetworkIsolation":true}}`, want: Compliant},
		mlRuleCase{name: "string false", resourceType: dq,
			config: `{"NetworkConfig":{"EnableNetworkIsolation":"false"}}`, want: NonCompliant, contains: []string{"is false"}},
		mlRuleCase{name: "unrecognised value", resourceType: dq,
			config: `{"NetworkConfig":{"EnableNetworkIsolation":"yes"}}`, want: NonCompliant, contains: []string{`is "yes", not true`}},
		mlRuleCase{name: "number", resourceType: dq,
			config: `{"NetworkConfig":{"EnableNetworkIsolation":1}}`, want: NonCompliant, contains: []string{"is 1, not true"}},
		mlRuleCase{name: "null value", resourceType: dq,
			config: `{"NetworkConfig":{"EnableNetworkIsolation":null}}`, want: NonCompliant, contains: []string{"is not set"}},
		mlRuleCase{name: "null block", resourceType: dq,
			config: `{"NetworkConfig":null}`, want: NonCompliant, contains: []string{"is not set"}},
		mlRuleCase{name: "block is a string", resourceType: dq,
			config: `{"NetworkConfig":"isolated"}`, want: NonCompliant, contains: []string{"is not set"}},
		mlRuleCase{name: "block is a list of one", resourceType: dq,
			config: `{"NetworkConfig":[{"EnableNetworkIsolation":true}]}`, want: Compliant},
		mlRuleCase{name: "block is a list of two", resourceType: dq,
			config: `{"NetworkConfig":[{"EnableNetworkIsolation":true},{}]}`, want: NonCompliant},
		mlRuleCase{name: "block as embedded JSON", resourceType: dq,
			config: `{"NetworkConfig":"{\"EnableNetworkIsolation\":true}"}`, want: Compliant},
		mlRuleCase{name: "empty configuration", resourceType: dq, config: `{}`, want: NotApplicable,
			contains: []string{"no configuration"}},
		mlRuleCase{name: "no configuration", resourceType: dq, want: NotApplicable},
		mlRuleCase{name: "deleted", resourceType: dq, status: "ResourceDeleted", want: NotApplicable, contains: []string{"deleted"}},
		mlRuleCase{name: "out of scope", resourceType: "AWS::SageMaker::Model",
			config: `{"EnableNetworkIsolation":false}`, want: NotApplicable},
		mlRuleCase{name: "schedule names its definition", resourceType: typeMonitoringSchedule,
			config: `{"MonitoringScheduleConfig":{"MonitoringJobDefinitionName":"churn-bias","MonitoringType":"ModelBias"}}`,
			want:   NotApplicable, contains: []string{"churn-bias", typeModelBiasJobDefinition, "evaluated on its own"}},
		mlRuleCase{name: "schedule names its definition, no type", resourceType: typeMonitoringSchedule,
			config: `{"MonitoringScheduleConfig":{"MonitoringJobDefinitionName":"churn-dq"}}`,
			want:   NotApplicable, contains: []string{"churn-dq", "job definition is evaluated on its own"}},
		mlRuleCase{name: "schedule without job", resourceType: typeMonitoringSchedule,
			config: `{"MonitoringScheduleConfig":{"ScheduleConfig":{"ScheduleExpression":"cron(0 * ? * * *)"}}}`,
			want:   NotApplicable, contains: []string{"neither"}},
		mlRuleCase{name: "schedule config is a list", resourceType: typeMonitoringSchedule,
			config: `{"MonitoringScheduleConfig":[1,2]}`, want: NotApplicable},
		mlRuleCase{name: "schedule job definition is empty", resourceType: typeMonitoringSchedule,
			config: `{"MonitoringScheduleConfig":{"MonitoringJobDefinition":{},"MonitoringJobDefinitionName":"churn-dq"}}`,
			want:   NotApplicable, contains: []string{"churn-dq"}},
		mlRuleCase{name: "schedule inline camelCase", resourceType: typeMonitoringSchedule,
			config: `{"monitoringScheduleConfig":{"monitoringJobDefinition":{"networkConfig":{"enableNetworkIsolation":true}}}}`,
			want:   Compliant},
		mlRuleCase{name: "schedule inline false", resourceType: typeMonitoringSchedule,
			config: monitoringConfig(typeMonitoringSchedule, `{"EnableNetworkIsolation":false}`, "", "", ""),
			want:   NonCompliant, contains: []string{"Monitoring schedule (inline job definition)", "Update the schedule"}},
	)
	runMLRuleCases(t, sagemakerMonitoringRules(), "sagemaker-monitoring-network-isolation", cases)
}

func TestMonitoringTrafficEncryption(t *testing.T) {
	var cases []mlRuleCase
	for _, typ := range monitoringTypes {
		short := typ[len("AWS::SageMaker::"):]
		cases = append(cases,
			mlRuleCase{name: short + "/enabled", resourceType: typ,
				config: monitoringConfig(typ, `{"EnableInterContainerTrafficEncryption":true}`, "", "", ""),
				want:   Compliant},
			mlRuleCase{name: short + "/false", resourceType: typ,
				config:   monitoringConfig(typ, `{"EnableNetworkIsolation":true,"EnableInterContainerTrafficEncryption":false}`, "", "", ""),
				want:     NonCompliant,
				contains: []string{"EnableInterContainerTrafficEncryption is false", "InstanceCount 1"}},
			mlRuleCase{name: short + "/no-network-config", resourceType: typ,
				config:   monitoringConfig(typ, "", "", "", ""),
				want:     NonCompliant,
				contains: []string{"is not set"}},
		)
	}
	dq := typeDataQualityJobDefinition
	cases = append(cases,
		mlRuleCase{name: "two instances, off", resourceType: dq,
			config: `{"JobResources":{"ClusterConfig":{"InstanceCount":2}},"NetworkConfig":{"EnableInterContainerTrafficEncryption":false}}`,
			want:   NonCompliant, contains: []string{"is false. Recreate the job definition with it set to true."}},
		mlRuleCase{name: "instance count as string", resourceType: dq,
			config: `{"JobResources":{"ClusterConfig":{"InstanceCount":"1"}},"NetworkConfig":{}}`,
			want:   NonCompliant, contains: []string{"InstanceCount 1"}},
		mlRuleCase{name: "string true", resourceType: dq,
			config: `{"NetworkConfig":{"EnableInterContainerTrafficEncryption":"True"}}`, want: Compliant},
		mlRuleCase{name: "camelCase", resourceType: dq,
			config: `{"networkConfig":{"enableInterContainerTrafficEncryption":true}}`, want: Compliant},
		mlRuleCase{name: "list where bool expected", resourceType: dq,
			config: `{"NetworkConfig":{"EnableInterContainerTrafficEncryption":[true]}}`, want: NonCompliant,
			contains: []string{"is a list, not true"}},
		mlRuleCase{name: "schedule names its definition", resourceType: typeMonitoringSchedule,
			config: `{"MonitoringScheduleConfig":{"MonitoringJobDefinitionName":"churn-quality","MonitoringType":"ModelQuality"}}`,
			want:   NotApplicable, contains: []string{typeModelQualityJobDefinition}},
		mlRuleCase{name: "deleted", resourceType: typeMonitoringSchedule, status: "ResourceDeletedNotRecorded", want: NotApplicable},
	)
	runMLRuleCases(t, sagemakerMonitoringRules(), "sagemaker-monitoring-traffic-encryption", cases)
}

func TestMonitoringCMK(t *testing.T) {
	var cases []mlRuleCase
	for _, typ := range monitoringTypes {
		short := typ[len("AWS::SageMaker::"):]
		output := map[string]string{
			typeDataQualityJobDefinition:         "DataQualityJobOutputConfig.KmsKeyId",
			typeModelBiasJobDefinition:           "ModelBiasJobOutputConfig.KmsKeyId",
			typeModelExplainabilityJobDefinition: "ModelExplainabilityJobOutputConfig.KmsKeyId",
			typeModelQualityJobDefinition:        "ModelQualityJobOutputConfig.KmsKeyId",
			typeMonitoringSchedule:               "MonitoringOutputConfig.KmsKeyId",
		}[typ]
		volume := "JobResources.ClusterConfig.VolumeKmsKeyId"
		if typ == typeMonitoringSchedule {
			volume = "MonitoringResources.ClusterConfig.VolumeKmsKeyId"
		}
		cases = append(cases,
			mlRuleCase{name: short + "/both keys", resourceType: typ,
				config: monitoringConfig(typ, "", testKeyArn, testKeyArn2, ""), want: Compliant},
			mlRuleCase{name: short + "/no output key", resourceType: typ,
				config: monitoringConfig(typ, "", "", testKeyArn, ""), want: NonCompliant,
				contains: []string{output + " is not set"}},
			mlRuleCase{name: short + "/no volume key", resourceType: typ,
				config: monitoringConfig(typ, "", testKeyArn, "", ""), want: NonCompliant,
				contains: []string{volume + " is not set"}},
			mlRuleCase{name: short + "/no keys", resourceType: typ,
				config: monitoringConfig(typ, "", "", "", ""), want: NonCompliant,
				contains: []string{output + " is not set", volume + " is not set"}},
		)
	}
	dq := typeDataQualityJobDefinition
	cases = append(cases,
		mlRuleCase{name: "AWS managed alias", resourceType: dq,
			config: monitoringConfig(dq, "", "alias/aws/s3", testKeyArn, ""), want: NonCompliant,
			contains: []string{"is AWS managed (alias/aws/s3)"}},
		mlRuleCase{name: "AWS managed alias ARN", resourceType: dq,
			config: monitoringConfig(dq, "", testKeyArn, "arn:aws:kms:us-east-1:111122223333:alias/aws/sagemaker", ""),
			want:   NonCompliant, contains: []string{"VolumeKmsKeyId is AWS managed (alias/aws/sagemaker)"}},
		mlRuleCase{name: "customer alias and key ID", resourceType: dq,
			config: monitoringConfig(dq, "", "alias/ml-monitoring", "1234abcd-12ab-34cd-56ef-1234567890ab", ""), want: Compliant},
		mlRuleCase{name: "alias named like aws but not reserved", resourceType: dq,
			config: monitoringConfig(dq, "", "alias/awsome", testKeyArn, ""), want: Compliant},
		mlRuleCase{name: "instance storage needs no volume key", resourceType: dq,
			config: monitoringConfig(dq, "", testKeyArn, "", "ml.m5d.xlarge"), want: Compliant},
		mlRuleCase{name: "g4dn needs no volume key", resourceType: dq,
			config: monitoringConfig(dq, "", testKeyArn, "", "ml.g4dn.xlarge"), want: Compliant},
		mlRuleCase{name: "instance storage still needs the output key", resourceType: dq,
			config: monitoringConfig(dq, "", "", "", "ml.m5d.xlarge"), want: NonCompliant,
			contains: []string{"DataQualityJobOutputConfig.KmsKeyId is not set"}},
		mlRuleCase{name: "empty key", resourceType: dq,
			config: `{"DataQualityJobOutputConfig":{"KmsKeyId":" "},"JobResources":{"ClusterConfig":{"VolumeKmsKeyId":"` + testKeyArn + `"}}}`,
			want:   NonCompliant, contains: []string{"KmsKeyId is empty"}},
		mlRuleCase{name: "key is a number", resourceType: dq,
			config: `{"DataQualityJobOutputConfig":{"KmsKeyId":42},"JobResources":{"ClusterConfig":{"VolumeKmsKeyId":"` + testKeyArn + `"}}}`,
			want:   NonCompliant, contains: []string{"KmsKeyId is 42, not a KMS key"}},
		mlRuleCase{name: "blocks missing", resourceType: dq, config: `{"JobDefinitionName":"churn-dq"}`, want: NonCompliant,
			contains: []string{"DataQualityJobOutputConfig.KmsKeyId is not set", "JobResources.ClusterConfig.VolumeKmsKeyId is not set"}},
		mlRuleCase{name: "camelCase", resourceType: dq,
			config: `{"dataQualityJobOutputConfig":{"kmsKeyId":"` + testKeyArn + `"},"jobResources":{"clusterConfig":{"volumeKmsKeyId":"` + testKeyArn + `"}}}`,
			want:   Compliant},
		mlRuleCase{name: "schedule names its definition", resourceType: typeMonitoringSchedule,
			config: `{"MonitoringScheduleConfig":{"MonitoringJobDefinitionName":"churn-explain","MonitoringType":"ModelExplainability"}}`,
			want:   NotApplicable, contains: []string{typeModelExplainabilityJobDefinition}},
		mlRuleCase{name: "deleted", resourceType: dq, status: "ResourceDeleted", want: NotApplicable},
	)
	runMLRuleCases(t, sagemakerMonitoringRules(), "sagemaker-monitoring-cmk-encrypted", cases)
}

func TestMonitoringHasInstanceStorage(t *testing.T) {
	for _, tc := range []struct {
		typ  string
		want bool
	}{
		{"ml.m5.xlarge", false},
		{"ml.m5d.xlarge", true},
		{"ml.c5d.2xlarge", true},
		{"ml.r5d.large", true},
		{"ml.g4dn.xlarge", true},
		{"ml.p3dn.24xlarge", true},
		{"ml.p4d.24xlarge", true},
		{"ml.p4de.24xlarge", true},
		{"ml.m6id.large", true},
		{"ml.g5.xlarge", true},
		{"ml.p5.48xlarge", true},
		{"ml.trn1.32xlarge", true},
		{"ml.p3.2xlarge", false},
		{"ml.inf2.xlarge", false},
		{"ml.t3.medium", false},
		{"ML.M5D.XLARGE", true},
		{"m5d.xlarge", false},
		{"", false},
		{"ml..xlarge", false},
		{"ml.5d.xlarge", false},
	} {
		if got := mlInstanceHasLocalStorage(tc.typ); got != tc.want {
			t.Errorf("mlInstanceHasLocalStorage(%q) = %v, want %v", tc.typ, got, tc.want)
		}
	}
}

func TestKeyRefIsAWSManagedAlias(t *testing.T) {
	for _, tc := range []struct {
		key  string
		want bool
	}{
		{"alias/aws/s3", true},
		{"ALIAS/AWS/S3", true},
		{"arn:aws:kms:us-east-1:111122223333:alias/aws/sagemaker", true},
		{"arn:aws-us-gov:kms:us-gov-west-1:111122223333:alias/aws/s3", true},
		{"alias/awsome", false},
		{"alias/team/aws/s3", false},
		{testKeyArn, false},
		{"1234abcd-12ab-34cd-56ef-1234567890ab", false},
	} {
		if got := keyRefIsAWSManagedAlias(tc.key); got != tc.want {
			t.Errorf("keyRefIsAWSManagedAlias(%q) = %v, want %v", tc.key, got, tc.want)
		}
	}
}

func TestMLClip(t *testing.T) {
	long := strings.Repeat("é", 100)
	got := mlClip(long, 64)
	if !utf8.ValidString(got) || len(got) > 64 || !strings.HasSuffix(got, "...") {
		t.Errorf("mlClip(long) = %q", got)
	}
	if got := mlClip("short", 64); got != "short" {
		t.Errorf("mlClip(short) = %q", got)
	}
}

// FuzzMLRuleChecks runs the monitoring, feature group and Bedrock rules on
// arbitrary configurations of every type they cover: whatever the shape, a
// rule returns one of the three verdicts, never panics, and explains any
// verdict but COMPLIANT within the annotation limit.
func FuzzMLRuleChecks(f *testing.F) {
	for _, seed := range []string{
		`{}`,
		monitoringConfig(typeDataQualityJobDefinition, `{"EnableNetworkIsolation":true}`, testKeyArn, "", "ml.m5d.xlarge"),
		monitoringConfig(typeMonitoringSchedule, `[{"EnableInterContainerTrafficEncryption":"true"}]`, "alias/aws/s3", testKeyArn, ""),
		`{"MonitoringScheduleConfig":{"MonitoringJobDefinitionName":"x","MonitoringType":7}}`,
		`{"MonitoringScheduleConfig":"{\"MonitoringJobDefinition\":{\"NetworkConfig\":null}}"}`,
		`{"NetworkConfig":[[{"EnableNetworkIsolation":true}]],"JobResources":{"ClusterConfig":{"InstanceCount":1e300}}}`,
		`{"OfflineStoreConfig":[],"OnlineStoreConfig":{"EnableOnlineStore":"TRUE","SecurityConfig":[null]}}`,
		guardrailConfig(strongFilters(), piiBlock, groundingOn),
		`{"ContentPolicyConfig":{"FiltersConfig":[{"Type":["HATE"],"InputStrength":{"x":1}},"PROMPT_ATTACK",null]}}`,
		`{"SensitiveInformationPolicyConfig":{"PiiEntitiesConfig":{"Action":"BLOCK","InputEnabled":"no"}},"ContextualGroundingPolicyConfig":{"FiltersConfig":[{"Type":"GROUNDING","Threshold":"NaN"}]}}`,
		`{"ServerSideEncryptionConfiguration":{"KmsKeyArn":"\u0000\uffff"},"CustomerEncryptionKeyArn":"alias/aws/` + strings.Repeat("x", 300) + `"}`,
	} {
		f.Add(seed)
	}
	var group []*Rule
	group = append(group, sagemakerMonitoringRules()...)
	group = append(group, sagemakerFeatureGroupRules()...)
	group = append(group, bedrockRules()...)
	f.Fuzz(func(t *testing.T, config string) {
		for _, r := range group {
			p := r.DefaultParams()
			for _, typ := range r.ResourceTypes {
				item, err := configitemDecodeForFuzz(typ, config)
				if err != nil {
					return // not a configuration object; Decode's own fuzzing covers that
				}
				ev := r.Evaluate(item, p)
				switch ev.Compliance {
				case Compliant, NonCompliant, NotApplicable:
				default:
					t.Fatalf("%s on %s: compliance %q", r.ID, typ, ev.Compliance)
				}
				if ev.Compliance != Compliant && ev.Annotation == "" {
					t.Fatalf("%s on %s: %s without an annotation", r.ID, typ, ev.Compliance)
				}
				if n := utf8.RuneCountInString(ev.Annotation); n > MaxAnnotation {
					t.Fatalf("%s on %s: annotation of %d characters", r.ID, typ, n)
				}
			}
		}
	})
}

// configitemDecodeForFuzz wraps a configuration in an event-shape CI.
func configitemDecodeForFuzz(resourceType, config string) (*configitem.Item, error) {
	return configitem.Decode([]byte(ruleTestCI("OK", resourceType, config)))
}
