package rules

import (
	"fmt"
	"strings"

	"github.com/aiguard/aiguard/configitem"
)

// The SageMaker Model Monitor types. Config records them with their
// CloudFormation property names.
const (
	typeDataQualityJobDefinition         = "AWS::SageMaker::DataQualityJobDefinition"
	typeModelBiasJobDefinition           = "AWS::SageMaker::ModelBiasJobDefinition"
	typeModelExplainabilityJobDefinition = "AWS::SageMaker::ModelExplainabilityJobDefinition"
	typeModelQualityJobDefinition        = "AWS::SageMaker::ModelQualityJobDefinition"
	typeMonitoringSchedule               = "AWS::SageMaker::MonitoringSchedule"
)

// monitoringTypes are the types every monitoring rule judges: the four job
// definitions and the schedules, which may carry a job definition inline.
var monitoringTypes = []string{
	typeDataQualityJobDefinition,
	typeModelBiasJobDefinition,
	typeModelExplainabilityJobDefinition,
	typeModelQualityJobDefinition,
	typeMonitoringSchedule,
}

func sagemakerMonitoringRules() []*Rule {
	return []*Rule{
		{
			ID:    "sagemaker-monitoring-network-isolation",
			Title: "SageMaker model monitoring jobs run with network isolation",
			Description: "Monitoring job definitions (data quality, model bias, model explainability, model quality) and " +
				"monitoring schedules with an inline job definition must set NetworkConfig.EnableNetworkIsolation " +
				"to true; unset counts as false, SageMaker's default. A schedule that names a job definition is " +
				"NOT_APPLICABLE: the definition is judged on its own. AWS checks each type in a separate managed rule " +
				"(SAGEMAKER_DATA_QUALITY_JOB_ISOLATION, SAGEMAKER_MODEL_BIAS_JOB_ISOLATION, " +
				"SAGEMAKER_MODEL_EXPLAINABILITY_JOB_NETWORK_ISOLATION, SAGEMAKER_MODEL_QUALITY_JOB_DEFINITION_ISOLATION; " +
				"schedules: Security Hub SageMaker.14), so this rule names no single managed rule.",
			ResourceTypes: monitoringTypes,
			Trigger:       ChangeTriggered,
			Control:       ControlNetworkIsolation,
			SecurityHub:   []string{"SageMaker.11", "SageMaker.12", "SageMaker.14", "SageMaker.20", "SageMaker.25"},
			Severity:      SeverityHigh,
			Remediation: "Recreate the job definition (job definitions cannot be updated), or update the monitoring " +
				"schedule, with NetworkConfig.EnableNetworkIsolation set to true.",
			Fields: []string{
				"configuration.NetworkConfig.EnableNetworkIsolation",
				"configuration.MonitoringScheduleConfig.MonitoringJobDefinition.NetworkConfig.EnableNetworkIsolation",
				"configuration.MonitoringScheduleConfig.MonitoringJobDefinitionName",
				"configuration.MonitoringScheduleConfig.MonitoringType",
			},
			Check: checkMonitoringNetworkIsolation,
		},
		{
			ID:    "sagemaker-monitoring-traffic-encryption",
			Title: "SageMaker model monitoring jobs encrypt inter-container traffic",
			Description: "Monitoring job definitions (data quality, model bias, model explainability, model quality) and " +
				"monitoring schedules with an inline job definition must set " +
				"NetworkConfig.EnableInterContainerTrafficEncryption to true. Stricter than AWS: the managed rules " +
				"pass jobs with fewer than 2 instances, this rule requires encryption whatever the InstanceCount, so a " +
				"single-instance job without it is NON_COMPLIANT. A schedule that names a job definition is " +
				"NOT_APPLICABLE: the definition is judged on its own. Per-type AWS equivalents: " +
				"SAGEMAKER_DATA_QUALITY_JOB_ENCRYPT_IN_TRANSIT, SAGEMAKER_MODEL_BIAS_JOB_ENCRYPT_IN_TRANSIT, " +
				"SAGEMAKER_MODEL_EXPLAINABILITY_JOB_ENCRYPT_IN_TRANSIT; model quality and schedules: Security Hub " +
				"SageMaker.13 and SageMaker.22.",
			ResourceTypes: monitoringTypes,
			Trigger:       ChangeTriggered,
			Control:       ControlInterContainer,
			SecurityHub:   []string{"SageMaker.9", "SageMaker.10", "SageMaker.13", "SageMaker.15", "SageMaker.22"},
			Severity:      SeverityMedium,
			Remediation: "Recreate the job definition (job definitions cannot be updated), or update the monitoring " +
				"schedule, with NetworkConfig.EnableInterContainerTrafficEncryption set to true.",
			Fields: []string{
				"configuration.NetworkConfig.EnableInterContainerTrafficEncryption",
				"configuration.JobResources.ClusterConfig.InstanceCount",
				"configuration.MonitoringScheduleConfig.MonitoringJobDefinition.NetworkConfig.EnableInterContainerTrafficEncryption",
				"configuration.MonitoringScheduleConfig.MonitoringJobDefinition.MonitoringResources.ClusterConfig.InstanceCount",
				"configuration.MonitoringScheduleConfig.MonitoringJobDefinitionName",
				"configuration.MonitoringScheduleConfig.MonitoringType",
			},
			Check: checkMonitoringTrafficEncryption,
		},
		{
			ID:    "sagemaker-monitoring-cmk-encrypted",
			Title: "SageMaker model monitoring jobs encrypt output and volumes with customer managed KMS keys",
			Description: "Monitoring job definitions and monitoring schedules with an inline job definition must name a " +
				"KMS key for the monitoring output in S3 (KmsKeyId of the output config) and for the storage volume " +
				"(ClusterConfig.VolumeKmsKeyId); an AWS managed key (alias/aws/...) does not count. The volume key is " +
				"not required on instance types with NVMe instance storage, which SageMaker encrypts in hardware and " +
				"for which it rejects a volume key. A schedule that names a job definition is NOT_APPLICABLE: the " +
				"definition is judged on its own. AWS has no managed rule for this check.",
			ResourceTypes: monitoringTypes,
			Trigger:       ChangeTriggered,
			Control:       ControlEBSEncryption,
			Severity:      SeverityMedium,
			Remediation: "Recreate the job definition (job definitions cannot be updated), or update the monitoring " +
				"schedule, with a customer managed KMS key in the output config's KmsKeyId and in " +
				"ClusterConfig.VolumeKmsKeyId.",
			Fields: []string{
				"configuration.DataQualityJobOutputConfig.KmsKeyId",
				"configuration.ModelBiasJobOutputConfig.KmsKeyId",
				"configuration.ModelExplainabilityJobOutputConfig.KmsKeyId",
				"configuration.ModelQualityJobOutputConfig.KmsKeyId",
				"configuration.JobResources.ClusterConfig.VolumeKmsKeyId",
				"configuration.JobResources.ClusterConfig.InstanceType",
				"configuration.MonitoringScheduleConfig.MonitoringJobDefinition.MonitoringOutputConfig.KmsKeyId",
				"configuration.MonitoringScheduleConfig.MonitoringJobDefinition.MonitoringResources.ClusterConfig.VolumeKmsKeyId",
				"configuration.MonitoringScheduleConfig.MonitoringJobDefinition.MonitoringResources.ClusterConfig.InstanceType",
				"configuration.MonitoringScheduleConfig.MonitoringJobDefinitionName",
				"configuration.MonitoringScheduleConfig.MonitoringType",
			},
			Check: checkMonitoringCMK,
		},
	}
}

// monitoringJob is the part of a CI that describes one monitoring job: the
// whole configuration of a job definition, or a schedule's inline
// MonitoringJobDefinition. The block names differ by type.
type monitoringJob struct {
	v configitem.Value
	// what names the job in annotations.
	what string
	// output and resources name the fields that hold the output config and
	// the cluster resources.
	output, resources string
	// fix starts the remediation in annotations.
	fix string
}

// monitoringJobOf finds the job a monitoring rule judges. When there is none
// (a schedule that names its job definition, or an item without a
// configuration) it returns the NOT_APPLICABLE verdict to give instead.
func monitoringJobOf(item *configitem.Item) (monitoringJob, *Verdict) {
	cfg := item.Config()
	if !cfg.Present() {
		v := mlEmptyConfig()
		return monitoringJob{}, &v
	}
	const recreate = "Recreate the job definition"
	switch item.ResourceType {
	case typeDataQualityJobDefinition:
		return monitoringJob{cfg, "Data quality job definition", "DataQualityJobOutputConfig", "JobResources", recreate}, nil
	case typeModelBiasJobDefinition:
		return monitoringJob{cfg, "Model bias job definition", "ModelBiasJobOutputConfig", "JobResources", recreate}, nil
	case typeModelExplainabilityJobDefinition:
		return monitoringJob{cfg, "Model explainability job definition", "ModelExplainabilityJobOutputConfig", "JobResources", recreate}, nil
	case typeModelQualityJobDefinition:
		return monitoringJob{cfg, "Model quality job definition", "ModelQualityJobOutputConfig", "JobResources", recreate}, nil
	case typeMonitoringSchedule:
		return scheduleJobOf(cfg)
	}
	v := Skip("Resource type %s has no monitoring job to evaluate.", item.ResourceType)
	return monitoringJob{}, &v
}

// scheduleJobOf returns a schedule's inline job definition. A schedule that
// refers to a job definition by name has no network or key settings of its
// own; judging it would double-count (or, worse, invent) a finding, so it is
// NOT_APPLICABLE and the definition's own evaluation carries the verdict.
func scheduleJobOf(cfg configitem.Value) (monitoringJob, *Verdict) {
	sc := mlPath(cfg, "MonitoringScheduleConfig")
	if def := mlPath(sc, "MonitoringJobDefinition"); mlIsObject(def) {
		return monitoringJob{def, "Monitoring schedule (inline job definition)",
			"MonitoringOutputConfig", "MonitoringResources", "Update the schedule"}, nil
	}
	if name := strings.TrimSpace(mlPath(sc, "MonitoringJobDefinitionName").Str()); name != "" {
		v := Skip("The schedule runs the job definition %s by name; that %s is evaluated on its own.",
			mlClip(name, 64), referencedJobType(mlPath(sc, "MonitoringType").Str()))
		return monitoringJob{}, &v
	}
	v := Skip("The schedule's MonitoringScheduleConfig has neither an inline MonitoringJobDefinition " +
		"nor a MonitoringJobDefinitionName; there is no job to evaluate.")
	return monitoringJob{}, &v
}

// referencedJobType names the resource type a schedule's MonitoringType
// points at.
func referencedJobType(monitoringType string) string {
	switch strings.ToLower(strings.TrimSpace(monitoringType)) {
	case "dataquality":
		return typeDataQualityJobDefinition
	case "modelbias":
		return typeModelBiasJobDefinition
	case "modelexplainability":
		return typeModelExplainabilityJobDefinition
	case "modelquality":
		return typeModelQualityJobDefinition
	}
	return "job definition"
}

func checkMonitoringNetworkIsolation(item *configitem.Item, _ Params) Verdict {
	job, skip := monitoringJobOf(item)
	if skip != nil {
		return *skip
	}
	v := mlPath(job.v, "NetworkConfig.EnableNetworkIsolation")
	if v.IsTrue() {
		return Pass()
	}
	return Fail("%s: NetworkConfig.EnableNetworkIsolation %s. %s with it set to true.",
		job.what, monitoringBoolShortfall(v), job.fix)
}

func checkMonitoringTrafficEncryption(item *configitem.Item, _ Params) Verdict {
	job, skip := monitoringJobOf(item)
	if skip != nil {
		return *skip
	}
	v := mlPath(job.v, "NetworkConfig.EnableInterContainerTrafficEncryption")
	if v.IsTrue() {
		return Pass()
	}
	// The managed rules let single-instance jobs pass; say why this one does not.
	note := ""
	if n, ok := mlPath(job.v, job.resources+".ClusterConfig.InstanceCount").Int(); ok && n < 2 {
		note = fmt.Sprintf(" (required even with InstanceCount %d)", n)
	}
	return Fail("%s: NetworkConfig.EnableInterContainerTrafficEncryption %s%s. %s with it set to true.",
		job.what, monitoringBoolShortfall(v), note, job.fix)
}

func checkMonitoringCMK(item *configitem.Item, _ Params) Verdict {
	job, skip := monitoringJobOf(item)
	if skip != nil {
		return *skip
	}
	var problems []string
	outPath := job.output + ".KmsKeyId"
	if p := cmkKeyShortfall(mlPath(job.v, outPath)); p != "" {
		problems = append(problems, outPath+" "+p)
	}
	cluster := mlPath(job.v, job.resources+".ClusterConfig")
	volPath := job.resources + ".ClusterConfig.VolumeKmsKeyId"
	vol := mlPath(cluster, "VolumeKmsKeyId")
	// Instance storage is encrypted in hardware, and SageMaker rejects a
	// volume key for such instance types, so a missing key is no finding.
	exempt := !vol.Present() && mlInstanceHasLocalStorage(mlPath(cluster, "InstanceType").Str())
	if p := cmkKeyShortfall(vol); p != "" && !exempt {
		problems = append(problems, volPath+" "+p)
	}
	if len(problems) == 0 {
		return Pass()
	}
	return Fail("%s: %s. %s with customer managed KMS keys.", job.what, strings.Join(problems, "; "), job.fix)
}

// monitoringBoolShortfall says why a setting that must be true is not, for an
// annotation ("is false", "is not set (default false)").
func monitoringBoolShortfall(v configitem.Value) string {
	if b, ok := v.Bool(); ok && !b {
		return "is false"
	}
	if !v.Exists() || v.IsNull() {
		return "is not set (default false)"
	}
	return "is " + mlDescribe(v) + ", not true"
}

// cmkKeyShortfall says why a KMS key reference is not a customer managed
// key, or returns "" when it names one. Only a non-blank string names a key;
// an alias under alias/aws/ is an AWS managed key.
func cmkKeyShortfall(v configitem.Value) string {
	if !v.Exists() || v.IsNull() {
		return "is not set"
	}
	s, ok := v.Text()
	if !ok {
		return "is " + mlDescribe(v) + ", not a KMS key"
	}
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "is empty"
	case keyRefIsAWSManagedAlias(s):
		return "is AWS managed (" + mlClip(keyRefAliasName(s), 24) + ")"
	}
	return ""
}

// mlEmptyConfig is the verdict for an item whose configuration is an empty
// object (Evaluate already skips items without one): with no settings
// recorded, any finding would be a guess.
func mlEmptyConfig() Verdict {
	return Skip("The configuration item carries no configuration settings (an empty object); there is nothing to evaluate.")
}

// mlPath follows a dotted path like Value.Path, and also steps into a
// one-element list where an object is expected: some recorders flatten
// objects into lists of one, and reading through them avoids a false finding.
func mlPath(v configitem.Value, path string) configitem.Value {
	for more := true; more; {
		var part string
		part, path, more = strings.Cut(path, ".")
		if v.IsList() && v.Len() == 1 {
			v = v.List()[0]
		}
		v = v.Field(part)
		if !v.Exists() {
			return v
		}
	}
	return v
}

// mlIsObject reports whether v holds a non-empty JSON object (or a string
// that holds one, which lookups decode), or a list of just one.
func mlIsObject(v configitem.Value) bool {
	if v.IsList() && v.Len() == 1 {
		v = v.List()[0]
	}
	if v.IsObject() {
		return v.Present()
	}
	if x, ok := v.Text(); ok {
		t := strings.TrimSpace(x)
		return strings.HasPrefix(t, "{") && t != "{}"
	}
	return false
}

// mlDescribe renders an unexpected value briefly for an annotation.
func mlDescribe(v configitem.Value) string {
	x, isString := v.Text()
	switch {
	case isString:
		return fmt.Sprintf("%q", mlClip(x, 24))
	case v.IsList():
		return "a list"
	case v.IsObject():
		return "an object"
	case !v.Exists() || v.IsNull():
		return "null"
	}
	return mlClip(v.Str(), 24)
}

// mlClip keeps a value from the CI short enough to quote in an
// annotation: at most limit bytes, cut at a character boundary.
func mlClip(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	cut := 0
	for i := range s {
		if i > limit-3 {
			break
		}
		cut = i
	}
	return s[:cut] + "..."
}
