package policygen

import (
	"regexp"
	"slices"
	"strings"
)

// The SageMaker action lists below come from the Service Authorization
// Reference (../shared/reference/iam/sagemaker.json): each lists exactly
// the actions whose condition keys include the key its statements test.
// A Deny that tests a key with Null or a negated operator always denies
// an action that does not support the key, so the lists must never be
// widened with wildcards; TestReferenceCrossCheck checks them.

// smVpcSubnets are the actions that support sagemaker:VpcSubnets.
var smVpcSubnets = []string{
	"sagemaker:CreateAutoMLJob", "sagemaker:CreateAutoMLJobV2", "sagemaker:CreateCluster",
	"sagemaker:CreateDataQualityJobDefinition", "sagemaker:CreateDomain", "sagemaker:CreateEndpointConfig",
	"sagemaker:CreateHyperParameterTuningJob", "sagemaker:CreateModel", "sagemaker:CreateModelBiasJobDefinition",
	"sagemaker:CreateModelExplainabilityJobDefinition", "sagemaker:CreateModelQualityJobDefinition",
	"sagemaker:CreateMonitoringSchedule", "sagemaker:CreateNotebookInstance", "sagemaker:CreateProcessingJob",
	"sagemaker:CreateTrainingJob", "sagemaker:UpdateCluster", "sagemaker:UpdateDomain",
	"sagemaker:UpdateMonitoringSchedule",
}

// smSchedules create or replace a model-monitoring schedule. A schedule
// either holds its job definition or names one made by a
// Create*JobDefinition action; in the second (recommended) form the
// request carries no VPC, isolation, encryption or KMS keys, which the
// named definition was checked for. Schedules are therefore tested only
// on values that are present.
var smSchedules = []string{"sagemaker:CreateMonitoringSchedule", "sagemaker:UpdateMonitoringSchedule"}

// smVpcRequired are the sagemaker:VpcSubnets actions on which a missing
// key means "no VPC". Left out: UpdateDomain and UpdateCluster, where a
// request that does not touch the network leaves the key absent (a Null
// test would deny every update), CreateEndpointConfig, whose network
// comes from its models (CreateModel is tested instead; AWS's data
// perimeter SCP leaves it out for the same reason), and the schedules.
var smVpcRequired = without(smVpcSubnets, append([]string{
	"sagemaker:CreateEndpointConfig", "sagemaker:UpdateCluster", "sagemaker:UpdateDomain"}, smSchedules...)...)

// smSecurityGroups are the actions that support sagemaker:VpcSecurityGroupIds.
var smSecurityGroups = append(without(smVpcSubnets),
	"sagemaker:CreateUserProfile", "sagemaker:UpdateUserProfile")

// smNetworkIsolation are the actions that support sagemaker:NetworkIsolation,
// less CreateEndpointConfig, whose isolation comes from its models, and
// the schedules.
var smNetworkIsolation = []string{
	"sagemaker:CreateDataQualityJobDefinition", "sagemaker:CreateHyperParameterTuningJob", "sagemaker:CreateModel",
	"sagemaker:CreateModelBiasJobDefinition", "sagemaker:CreateModelExplainabilityJobDefinition",
	"sagemaker:CreateModelQualityJobDefinition", "sagemaker:CreateProcessingJob", "sagemaker:CreateTrainingJob",
}

// smInterContainerEncryption are the actions that support
// sagemaker:InterContainerTrafficEncryption, less the schedules.
var smInterContainerEncryption = []string{
	"sagemaker:CreateAutoMLJob", "sagemaker:CreateAutoMLJobV2", "sagemaker:CreateDataQualityJobDefinition",
	"sagemaker:CreateHyperParameterTuningJob", "sagemaker:CreateModelBiasJobDefinition",
	"sagemaker:CreateModelExplainabilityJobDefinition", "sagemaker:CreateModelQualityJobDefinition",
	"sagemaker:CreateProcessingJob", "sagemaker:CreateTrainingJob",
}

// smVolumeKmsCompute are the sagemaker:VolumeKmsKey actions that run on
// instances, all of which also support sagemaker:InstanceTypes. SageMaker
// rejects a volume key on instance types with local NVMe storage (their
// volumes are encrypted by the instance), so the "key required" test
// spares requests whose instances all have local storage.
var smVolumeKmsCompute = []string{
	"sagemaker:CreateDataQualityJobDefinition", "sagemaker:CreateEndpointConfig",
	"sagemaker:CreateHyperParameterTuningJob", "sagemaker:CreateModelBiasJobDefinition",
	"sagemaker:CreateModelExplainabilityJobDefinition", "sagemaker:CreateModelQualityJobDefinition",
	"sagemaker:CreateProcessingJob", "sagemaker:CreateTrainingJob", "sagemaker:CreateTransformJob",
}

// smVolumeKmsOther are the other sagemaker:VolumeKmsKey actions on which a
// key is always possible and therefore required.
var smVolumeKmsOther = []string{
	"sagemaker:CreateAutoMLJob", "sagemaker:CreateAutoMLJobV2", "sagemaker:CreateDomain",
	"sagemaker:CreateNotebookInstance",
}

// smVolumeKmsOptional are the sagemaker:VolumeKmsKey actions on which a
// key may be missing: CreateLabelingJob, whose key exists only for
// automated data labeling, and the schedules. A key, when given, must be
// the team's.
var smVolumeKmsOptional = append([]string{"sagemaker:CreateLabelingJob"}, smSchedules...)

// smOutputKms are the actions that support sagemaker:OutputKmsKey, less
// the schedules.
var smOutputKms = []string{
	"sagemaker:CreateAutoMLJob", "sagemaker:CreateAutoMLJobV2", "sagemaker:CreateDataQualityJobDefinition",
	"sagemaker:CreateHyperParameterTuningJob", "sagemaker:CreateLabelingJob",
	"sagemaker:CreateModelBiasJobDefinition", "sagemaker:CreateModelExplainabilityJobDefinition",
	"sagemaker:CreateModelQualityJobDefinition", "sagemaker:CreateProcessingJob", "sagemaker:CreateTrainingJob",
	"sagemaker:CreateTransformJob",
}

// smInstanceTypes are the actions that support sagemaker:InstanceTypes.
var smInstanceTypes = []string{
	"sagemaker:CreateApp", "sagemaker:CreateCluster", "sagemaker:CreateDataQualityJobDefinition",
	"sagemaker:CreateDomain", "sagemaker:CreateEndpointConfig", "sagemaker:CreateHyperParameterTuningJob",
	"sagemaker:CreateModelBiasJobDefinition", "sagemaker:CreateModelExplainabilityJobDefinition",
	"sagemaker:CreateModelQualityJobDefinition", "sagemaker:CreateMonitoringSchedule",
	"sagemaker:CreateNotebookInstance", "sagemaker:CreateProcessingJob", "sagemaker:CreateSpace",
	"sagemaker:CreateTrainingJob", "sagemaker:CreateTransformJob", "sagemaker:CreateUserProfile",
	"sagemaker:UpdateCluster", "sagemaker:UpdateDomain", "sagemaker:UpdateMonitoringSchedule",
	"sagemaker:UpdateNotebookInstance", "sagemaker:UpdateSpace", "sagemaker:UpdateTrainingJob",
	"sagemaker:UpdateUserProfile",
}

// Condition keys.
const (
	keyVpcSubnets      = "sagemaker:VpcSubnets"
	keySecurityGroups  = "sagemaker:VpcSecurityGroupIds"
	keyIsolation       = "sagemaker:NetworkIsolation"
	keyICT             = "sagemaker:InterContainerTrafficEncryption"
	keyVolumeKms       = "sagemaker:VolumeKmsKey"
	keyOutputKms       = "sagemaker:OutputKmsKey"
	keyInstanceTypes   = "sagemaker:InstanceTypes"
	keyDirectInternet  = "sagemaker:DirectInternetAccess"
	keyRootAccess      = "sagemaker:RootAccess"
	keyAppNetworkType  = "sagemaker:AppNetworkAccessType"
	keyPrincipalArn    = "aws:PrincipalArn"
	keyRequestedRegion = "aws:RequestedRegion"
)

// localStorageFamilies are SageMaker instance families with local NVMe
// instance storage: every family whose name carries the d attribute (m5d,
// g4dn, p4de, ...) and those listed by name. Requests on them cannot name
// a volume KMS key.
var (
	localStorageFamily  = regexp.MustCompile(`^[a-z]+[0-9]+[a-z-]*d[a-z]*$`)
	localStorageNamed   = []string{"g5", "g6", "g6e", "gr6", "p5", "p5e", "p5en", "trn1", "trn1n", "trn2"}
	localStoragePattern = append([]string{"ml.*d.*", "ml.*dn.*", "ml.*de.*"}, prefixAll("ml.", suffixAll(".*", localStorageNamed))...)
)

// mayHaveLocalStorage reports whether an allowed instance type (ml.FAMILY.SIZE,
// either part possibly *) may name an instance with local storage.
func mayHaveLocalStorage(instanceType string) bool {
	parts := strings.Split(instanceType, ".")
	if len(parts) != 3 {
		return true // unknown shape: assume the worst, keep the exemption
	}
	family := parts[1]
	if strings.Contains(family, "*") {
		return true
	}
	for _, f := range localStorageNamed {
		if family == f {
			return true
		}
	}
	return localStorageFamily.MatchString(family)
}

// sagemakerStatements are the SCP denies for SageMaker: VPC, network
// isolation, inter-container encryption, KMS keys, notebook and domain
// internet access, root access and instance types.
func (t *teamPolicy) sagemakerStatements() []Statement {
	var out []Statement
	out = append(out, denyAll("SmRequireVpc", smVpcRequired,
		Condition{}.add("Null", keyVpcSubnets, "true")))
	if n := t.team.Network; n != nil && len(n.SubnetIDs) > 0 {
		// ForAnyValue:StringNotEquals is false when the key is absent; the
		// Null test above covers that case.
		out = append(out, denyAll("SmSubnets", smVpcSubnets,
			Condition{}.add("ForAnyValue:StringNotEquals", keyVpcSubnets, n.SubnetIDs...)))
	}
	if n := t.team.Network; n != nil && len(n.SecurityGroupIDs) > 0 {
		out = append(out, denyAll("SmSecurityGroups", smSecurityGroups,
			Condition{}.add("ForAnyValue:StringNotEquals", keySecurityGroups, n.SecurityGroupIDs...)))
	}
	// BoolIfExists: an absent key means the default, which is off.
	out = append(out,
		denyAll("SmNetworkIsolation", smNetworkIsolation,
			Condition{}.add("BoolIfExists", keyIsolation, "false")),
		denyAll("SmTrafficEncryption", smInterContainerEncryption,
			Condition{}.add("BoolIfExists", keyICT, "false")))
	out = append(out, t.sagemakerKmsStatements()...)
	out = append(out,
		// Both default to Enabled when the request omits them, so a missing
		// key is denied too (StringNotEquals is true on an absent key).
		denyAll("SmNotebookNoInternet", []string{"sagemaker:CreateNotebookInstance"},
			Condition{}.add("StringNotEquals", keyDirectInternet, "Disabled")),
		denyAll("SmNotebookNoRoot", []string{"sagemaker:CreateNotebookInstance"},
			Condition{}.add("StringNotEquals", keyRootAccess, "Disabled")),
		// An update that omits RootAccess keeps the current value: deny only
		// turning it on.
		denyAll("SmNotebookNoRootUpdate", []string{"sagemaker:UpdateNotebookInstance"},
			Condition{}.add("StringEquals", keyRootAccess, "Enabled")),
		// CreateDomain defaults to PublicInternetOnly; UpdateDomain without
		// the key keeps the current setting.
		denyAll("SmDomainVpcOnly", []string{"sagemaker:CreateDomain"},
			Condition{}.add("StringNotEquals", keyAppNetworkType, "VpcOnly")),
		denyAll("SmDomainVpcOnlyUpdate", []string{"sagemaker:UpdateDomain"},
			Condition{}.add("StringNotEqualsIfExists", keyAppNetworkType, "VpcOnly")),
	)
	if sm := t.team.SageMaker; sm != nil && len(sm.InstanceTypes) > 0 {
		// "system" is the instance type of Studio's default JupyterServer app.
		out = append(out, denyAll("SmInstanceTypes", smInstanceTypes,
			Condition{}.add("ForAnyValue:StringNotLike", keyInstanceTypes, append(slices.Clone(sm.InstanceTypes), "system")...)))
	}
	return out
}

// sagemakerKmsStatements require the team's KMS keys for volumes and
// outputs. With keys, ArnNotLike is true both for a missing key and for a
// key outside the list, so one statement denies both; without keys any
// key is accepted but one is required.
func (t *teamPolicy) sagemakerKmsStatements() []Statement {
	keys := t.team.KMSKeyArns
	required := func(key string) Condition {
		if len(keys) == 0 {
			return Condition{}.add("Null", key, "true")
		}
		return Condition{}.add("ArnNotLike", key, keys...)
	}
	var out []Statement
	volumeRequired := smVolumeKmsOther
	if t.localStoragePossible() {
		out = append(out, denyAll("SmVolumeKeyEbs", smVolumeKmsCompute,
			required(keyVolumeKms).add("ForAnyValue:StringNotLike", keyInstanceTypes, localStoragePattern...)))
	} else {
		volumeRequired = append(without(smVolumeKmsCompute), smVolumeKmsOther...)
	}
	out = append(out, denyAll("SmVolumeKey", volumeRequired, required(keyVolumeKms)))
	out = append(out, denyAll("SmOutputKey", smOutputKms, required(keyOutputKms)))
	if len(keys) > 0 {
		// Null false: only a key that is present must be the team's.
		out = append(out,
			denyAll("SmVolumeKeyIfSet", smVolumeKmsOptional,
				Condition{}.add("ArnNotLike", keyVolumeKms, keys...).add("Null", keyVolumeKms, "false")),
			denyAll("SmOutputKeyIfSet", smSchedules,
				Condition{}.add("ArnNotLike", keyOutputKms, keys...).add("Null", keyOutputKms, "false")))
	}
	return out
}

// localStoragePossible reports whether the team may run instances with
// local storage: any instance type when it has no list.
func (t *teamPolicy) localStoragePossible() bool {
	sm := t.team.SageMaker
	if sm == nil || len(sm.InstanceTypes) == 0 {
		return true
	}
	for _, it := range sm.InstanceTypes {
		if mayHaveLocalStorage(it) {
			return true
		}
	}
	return false
}

// without returns a copy of list less the given values.
func without(list []string, drop ...string) []string {
	out := make([]string, 0, len(list))
	for _, v := range list {
		keep := true
		for _, d := range drop {
			if v == d {
				keep = false
				break
			}
		}
		if keep {
			out = append(out, v)
		}
	}
	return out
}

func prefixAll(prefix string, list []string) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = prefix + v
	}
	return out
}

func suffixAll(suffix string, list []string) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = v + suffix
	}
	return out
}
