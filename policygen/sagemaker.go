package policygen

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/aiguard/aiguard/iampolicy"
)

// Condition keys.
const (
	keyVpcSubnets          = "sagemaker:VpcSubnets"
	keySecurityGroups      = "sagemaker:VpcSecurityGroupIds"
	keyIsolation           = "sagemaker:NetworkIsolation"
	keyICT                 = "sagemaker:InterContainerTrafficEncryption"
	keyVolumeKms           = "sagemaker:VolumeKmsKey"
	keyOutputKms           = "sagemaker:OutputKmsKey"
	keyInstanceTypes       = "sagemaker:InstanceTypes"
	keyDirectInternet      = "sagemaker:DirectInternetAccess"
	keyRootAccess          = "sagemaker:RootAccess"
	keyAppNetworkType      = "sagemaker:AppNetworkAccessType"
	keyLifecycleConfigs    = "sagemaker:NotebookInstanceLifecycleConfigArns"
	keyMantleModel         = "bedrock-mantle:Model"
	keyPermissionsBoundary = "iam:PermissionsBoundary"
	keyPassedToService     = "iam:PassedToService"
	keyTagKeys             = "aws:TagKeys"
	keyPrincipalAccount    = "aws:PrincipalAccount"
	keyPrincipalArn        = "aws:PrincipalArn"
	keyRequestedRegion     = "aws:RequestedRegion"
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
// internet access, root access, lifecycle configurations, instance types,
// model-monitoring schedules with inline job definitions, and the jobs no
// condition key can constrain.
func (t *teamPolicy) sagemakerStatements() []iampolicy.Statement {
	l := t.l
	var out []iampolicy.Statement
	out = append(out, denyAll("SmRequireVpc", l.vpcRequired,
		iampolicy.Condition{}.With("Null", keyVpcSubnets, "true")))
	if n := t.team.Network; n != nil && len(n.SubnetIDs) > 0 {
		// ForAnyValue:StringNotEquals is false when the key is absent; the
		// Null test above covers that case.
		out = append(out, denyAll("SmSubnets", l.vpcSubnets,
			iampolicy.Condition{}.With("ForAnyValue:StringNotEquals", keyVpcSubnets, n.SubnetIDs...)))
	}
	if n := t.team.Network; n != nil && len(n.SecurityGroupIDs) > 0 {
		out = append(out, denyAll("SmSecurityGroups", l.securityGroups,
			iampolicy.Condition{}.With("ForAnyValue:StringNotEquals", keySecurityGroups, n.SecurityGroupIDs...)))
	}
	// BoolIfExists: an absent key means the default, which is off.
	out = append(out,
		denyAll("SmNetworkIsolation", l.isolation,
			iampolicy.Condition{}.With("BoolIfExists", keyIsolation, "false")),
		denyAll("SmTrafficEncryption", l.trafficEncryption,
			iampolicy.Condition{}.With("BoolIfExists", keyICT, "false")))
	out = append(out, t.scheduleStatements()...)
	out = append(out, t.sagemakerKmsStatements()...)
	out = append(out,
		// Both default to Enabled when the request omits them, so a missing
		// key is denied too (StringNotEquals is true on an absent key).
		denyAll("SmNotebookNoInternet", []string{"sagemaker:CreateNotebookInstance"},
			iampolicy.Condition{}.With("StringNotEquals", keyDirectInternet, "Disabled")),
		denyAll("SmNotebookNoRoot", []string{"sagemaker:CreateNotebookInstance"},
			iampolicy.Condition{}.With("StringNotEquals", keyRootAccess, "Disabled")),
		// An update that omits RootAccess keeps the current value: deny only
		// turning it on.
		denyAll("SmNotebookNoRootUpdate", []string{"sagemaker:UpdateNotebookInstance"},
			iampolicy.Condition{}.With("StringEquals", keyRootAccess, "Enabled")),
		// CreateDomain defaults to PublicInternetOnly; UpdateDomain without
		// the key keeps the current setting, so only switching to public is
		// denied (StringNotEqualsIfExists would deny every update that does
		// not name the setting).
		denyAll("SmDomainVpcOnly", []string{"sagemaker:CreateDomain"},
			iampolicy.Condition{}.With("StringNotEquals", keyAppNetworkType, "VpcOnly")),
		denyAll("SmDomainVpcOnlyUpdate", []string{"sagemaker:UpdateDomain"},
			iampolicy.Condition{}.With("StringEquals", keyAppNetworkType, "PublicInternetOnly")),
	)
	out = append(out, t.lifecycleStatements()...)
	if sm := t.team.SageMaker; sm != nil && len(sm.InstanceTypes) > 0 {
		// "system" is the instance type of Studio's default JupyterServer app.
		out = append(out, denyAll("SmInstanceTypes", l.instanceTypes,
			iampolicy.Condition{}.With("ForAnyValue:StringNotLike", keyInstanceTypes, append(slices.Clone(sm.InstanceTypes), "system")...)))
	}
	if jobs := t.uncontrolledDenied(); len(jobs) > 0 {
		out = append(out, denyAll("SmUncontrolledJobs", jobs, nil))
	}
	return out
}

// scheduleStatements hold model-monitoring schedules with an inline job
// definition to the rules of the Create*JobDefinition actions. An inline
// definition names its instances, so sagemaker:InstanceTypes present
// (Null "false") tells it from a schedule that names a definition, whose
// request carries no keys and which was checked when it was made; each
// statement tests one setting, since conditions are ANDed.
func (t *teamPolicy) scheduleStatements() []iampolicy.Statement {
	inline := func() iampolicy.Condition { return iampolicy.Condition{}.With("Null", keyInstanceTypes, "false") }
	return []iampolicy.Statement{
		denyAll("SmScheduleVpc", t.l.schedules, inline().With("Null", keyVpcSubnets, "true")),
		denyAll("SmScheduleIsolation", t.l.schedules, inline().With("BoolIfExists", keyIsolation, "false")),
		denyAll("SmScheduleTrafficEncryption", t.l.schedules, inline().With("BoolIfExists", keyICT, "false")),
	}
}

// lifecycleStatements keep notebooks on the team's approved lifecycle
// configurations (they run as root at every start, so they are what keeps
// root access off and the hardening in place): a notebook must name one
// of them when it is created or updated (an update without one may be
// detaching it), and the configurations themselves cannot be created,
// rewritten or deleted by the team.
func (t *teamPolicy) lifecycleStatements() []iampolicy.Statement {
	sm := t.team.SageMaker
	if sm == nil || len(sm.LifecycleConfigs) == 0 {
		return nil
	}
	var arns []string
	for _, name := range sm.LifecycleConfigs {
		arns = append(arns, t.arn("sagemaker", "*", "*", "notebook-instance-lifecycle-config/"+name))
	}
	return []iampolicy.Statement{
		denyAll("SmLifecycleRequired", t.l.lifecycleCfg, iampolicy.Condition{}.With("Null", keyLifecycleConfigs, "true")),
		denyAll("SmLifecycleApproved", t.l.lifecycleCfg, iampolicy.Condition{}.With("ForAnyValue:ArnNotLike", keyLifecycleConfigs, arns...)),
		{Sid: "SmLifecycleProtect", Effect: deny, Action: sorted(t.l.lifecycleConfigChanges...), Resource: sorted(arns...)},
	}
}

// uncontrolledDenied are the SageMaker jobs without condition keys that
// the team does not allow.
func (t *teamPolicy) uncontrolledDenied() []string {
	var allowed []string
	if sm := t.team.SageMaker; sm != nil {
		for _, a := range sm.UncontrolledJobs {
			allowed = append(allowed, "sagemaker:"+a)
		}
	}
	return without(t.l.uncontrolledJobs, allowed...)
}

// checkUncontrolled reports an allowed job that is not one of the jobs
// without condition keys: a typo, or a job the SCPs do constrain.
func (t *teamPolicy) checkUncontrolled() error {
	sm := t.team.SageMaker
	if sm == nil {
		return nil
	}
	for _, a := range sm.UncontrolledJobs {
		if !slices.Contains(t.l.uncontrolledJobs, "sagemaker:"+a) {
			var known []string
			for _, u := range t.l.uncontrolledJobs {
				known = append(known, name(u))
			}
			return fmt.Errorf("sagemaker.uncontrolledJobs names %s, which is not a SageMaker job the SCPs cannot constrain; "+
				"the jobs without condition keys are %s", a, strings.Join(known, ", "))
		}
	}
	return nil
}

// sagemakerKmsStatements require the team's KMS keys for volumes and
// outputs. With keys, ArnNotLike is true both for a missing key and for a
// key outside the list, so one statement denies both; without keys any
// key is accepted but one is required.
func (t *teamPolicy) sagemakerKmsStatements() []iampolicy.Statement {
	l := t.l
	keys := t.team.KMSKeyArns
	required := func(key string) iampolicy.Condition {
		if len(keys) == 0 {
			return iampolicy.Condition{}.With("Null", key, "true")
		}
		return iampolicy.Condition{}.With("ArnNotLike", key, keys...)
	}
	var out []iampolicy.Statement
	volumeRequired := l.volumeKmsOther
	if t.localStoragePossible() {
		out = append(out, denyAll("SmVolumeKeyEbs", l.volumeKmsCompute,
			required(keyVolumeKms).With("ForAnyValue:StringNotLike", keyInstanceTypes, localStoragePattern...)))
	} else {
		volumeRequired = append(slices.Clone(l.volumeKmsCompute), l.volumeKmsOther...)
	}
	out = append(out, denyAll("SmVolumeKey", volumeRequired, required(keyVolumeKms)))
	out = append(out, denyAll("SmOutputKey", l.outputKms, required(keyOutputKms)))
	if len(keys) > 0 {
		// Null false: only a key that is present must be the team's.
		out = append(out,
			denyAll("SmVolumeKeyIfSet", l.volumeKmsOptional,
				iampolicy.Condition{}.With("ArnNotLike", keyVolumeKms, keys...).With("Null", keyVolumeKms, "false")),
			denyAll("SmOutputKeyIfSet", l.schedules,
				iampolicy.Condition{}.With("ArnNotLike", keyOutputKms, keys...).With("Null", keyOutputKms, "false")))
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
