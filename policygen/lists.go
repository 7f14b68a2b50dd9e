package policygen

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/aiguard/aiguard/iampolicy"
)

// The action lists of the generated policies are derived from aiguard's
// IAM facts table (package iampolicy, generated from the AWS Service
// Authorization Reference), never typed by hand: a refresh of the facts
// that adds an action supporting a key adds it to every statement that
// tests the key. Each list below says its rule; the exceptions to a rule
// are named, with the reason, where the list is built.

// lists are the derived action lists, each sorted, as service:Name.
type lists struct {
	// SageMaker, by condition key.
	vpcSubnets, vpcRequired, securityGroups  []string
	isolation, trafficEncryption             []string
	volumeKms, volumeKmsCompute              []string
	volumeKmsOther, volumeKmsOptional        []string
	outputKms, instanceTypes, lifecycleCfg   []string
	schedules                                []string
	uncontrolledJobs, lifecycleConfigChanges []string
	// Other services, by name.
	rekognitionFaces, comprehendPII, comprehendEntities []string
	mantleModel                                         []string
	// IAM, by resource type and access level.
	roleWrites, roleUserWrites, policyWrites []string
	principalTagging, boundaryRequired       []string
	boundaryRemoval, withBoundaryKey         []string
	// The preventive counterparts of detective rules (counterparts.go).
	notebookImds, agentCoreNetwork, agentCoreMemoryKey []string
	comprehendModelKey, comprehendVolumeKey            []string
	policyAttach, apiKeyCreate, bearerToken            []string
	mantleBearerToken                                  []string
	serverCertUpload, typeRegistryChanges, stackWrites []string
	tagRemoval                                         []string
	// iam is the IAM service of the table, for compressWrites.
	iam *iampolicy.Service
	// tab is the facts table, for lists that depend on the spec.
	tab *iampolicy.Table
}

// derivedLists reads the lists from the built-in facts table once.
var derivedLists = sync.OnceValues(func() (*lists, error) {
	tab, err := iampolicy.DefaultTable()
	if err != nil {
		return nil, err
	}
	return deriveLists(tab)
})

func deriveLists(tab *iampolicy.Table) (*lists, error) {
	sm := tab.Service("sagemaker")
	if sm == nil {
		return nil, fmt.Errorf("IAM facts: no sagemaker service")
	}
	l := &lists{}
	with := actionsWithKey
	l.vpcSubnets = with(sm, keyVpcSubnets)
	// Model-monitoring schedules either hold their job definition (and its
	// keys) or name one made by a Create*JobDefinition action, whose
	// request was checked; they get statements of their own (see
	// scheduleStatements), which test the keys only when the definition is
	// inline.
	l.schedules = filter(l.vpcSubnets, func(n string) bool { return strings.Contains(n, "MonitoringSchedule") })
	// Update actions leave a key out when the request does not change the
	// setting, so a Null test would deny every such update;
	// CreateEndpointConfig takes its network from its models, which
	// CreateModel checks (AWS's data perimeter SCP leaves it out too).
	notUpdate := func(n string) bool { return !strings.HasPrefix(name(n), "Update") }
	l.vpcRequired = without(filter(l.vpcSubnets, notUpdate), append([]string{"sagemaker:CreateEndpointConfig"}, l.schedules...)...)
	l.securityGroups = with(sm, keySecurityGroups)
	l.isolation = without(with(sm, keyIsolation), append([]string{"sagemaker:CreateEndpointConfig"}, l.schedules...)...)
	l.trafficEncryption = without(with(sm, keyICT), l.schedules...)
	l.volumeKms = with(sm, keyVolumeKms)
	// A volume key is optional for labeling jobs (only automated labeling
	// has volumes) and for schedules; elsewhere it is required, except on
	// instance types with local NVMe storage for the actions that run on
	// instances (SageMaker rejects the key there). Domains and notebook
	// instances always have an EBS or EFS volume.
	l.volumeKmsOptional = append([]string{"sagemaker:CreateLabelingJob"}, l.schedules...)
	required := without(l.volumeKms, l.volumeKmsOptional...)
	withTypes := with(sm, keyInstanceTypes)
	l.volumeKmsCompute = filter(required, func(n string) bool {
		return slices.Contains(withTypes, n) && n != "sagemaker:CreateDomain" && n != "sagemaker:CreateNotebookInstance"
	})
	l.volumeKmsOther = without(required, l.volumeKmsCompute...)
	l.outputKms = without(with(sm, keyOutputKms), l.schedules...)
	l.instanceTypes = withTypes
	l.lifecycleCfg = with(sm, keyLifecycleConfigs)
	l.lifecycleConfigChanges = filter(names(sm), func(n string) bool {
		return regexp.MustCompile(`^sagemaker:(Create|Update|Delete)NotebookInstanceLifecycleConfig$`).MatchString(n)
	})
	// SageMaker jobs (and inference experiments, whose shadow variants run
	// on any instance type) that launch compute but present none of the
	// keys the SCPs test: nothing can constrain their network, instances or keys,
	// so they are denied unless the team allows them
	// (sagemaker.uncontrolledJobs). CreateModelCardExportJob only writes a
	// model card document and runs no customer code.
	controlKeys := []string{keyVpcSubnets, keyInstanceTypes, keyVolumeKms, keyOutputKms, keyIsolation}
	for _, a := range sm.Actions() {
		if a.Access != iampolicy.AccessWrite || !regexp.MustCompile(`^(Create[A-Za-z0-9]*Job|(Create|Update)InferenceExperiment)$`).MatchString(a.Name) ||
			a.Name == "CreateModelCardExportJob" {
			continue
		}
		if !slices.ContainsFunc(controlKeys, a.Supports) {
			l.uncontrolledJobs = append(l.uncontrolledJobs, a.FullName())
		}
	}
	// Rekognition has no condition keys: facial analysis is told apart by
	// name (faces, celebrities, face collections and their users, person
	// tracking, and the stream processors that run face search on video).
	if rk := tab.Service("rekognition"); rk != nil {
		re := regexp.MustCompile(`Face|Celebrit|Collection|User|PersonTracking|^(Create|Update|Start)StreamProcessor$`)
		l.rekognitionFaces = compressExact(rk, filter(names(rk), func(n string) bool { return re.MatchString(name(n)) }))
	}
	if cp := tab.Service("comprehend"); cp != nil {
		pii := regexp.MustCompile(`^(Batch)?(Detect|Contains|Start)Pii`)
		// Targeted sentiment and events detection name each entity they
		// find (a person, a place), with its type.
		ent := regexp.MustCompile(`^(Batch)?(Detect|Start)(Entities|TargetedSentiment|Events)`)
		l.comprehendPII = compressExact(cp, filter(names(cp), func(n string) bool { return pii.MatchString(name(n)) }))
		l.comprehendEntities = compressExact(cp, filter(names(cp), func(n string) bool { return ent.MatchString(name(n)) }))
	}
	if mt := tab.Service("bedrock-mantle"); mt != nil {
		l.mantleModel = with(mt, keyMantleModel)
	}
	iam := tab.Service("iam")
	if iam == nil {
		return nil, fmt.Errorf("IAM facts: no iam service")
	}
	l.iam, l.tab = iam, tab
	deriveCounterpartLists(l, tab, notUpdate)
	l.roleWrites = writesOn(iam, "role")
	l.roleUserWrites = writesOn(iam, "role", "user")
	l.policyWrites = writesOn(iam, "policy")
	// Tags on roles and users are principal tags; sts:TagSession sets them
	// on sessions (the sts facts list only what aiguard uses).
	for _, a := range iam.Actions() {
		if a.Supports("aws:TagKeys") && onResource(a, "role", "user") {
			l.principalTagging = append(l.principalTagging, a.FullName())
		}
	}
	l.principalTagging = append(l.principalTagging, "sts:TagSession")
	// The actions that give a role or user permissions: creating it, and
	// setting its boundary or its policies (or who may assume it) all
	// present iam:PermissionsBoundary, the boundary the principal has or
	// will have. Removing permissions (Delete*, Detach*) needs no boundary.
	for _, a := range iam.Actions() {
		if a.Supports(keyPermissionsBoundary) && regexp.MustCompile(`^(Create|Put|Attach|UpdateAssumeRolePolicy)`).MatchString(a.Name) {
			l.boundaryRequired = append(l.boundaryRequired, a.FullName())
		}
		if a.Supports(keyPermissionsBoundary) && isWrite(a) {
			l.withBoundaryKey = append(l.withBoundaryKey, a.FullName())
		}
		if a.Supports(keyPermissionsBoundary) && regexp.MustCompile(`^Delete(Role|User)PermissionsBoundary$`).MatchString(a.Name) {
			l.boundaryRemoval = append(l.boundaryRemoval, a.FullName())
		}
	}
	return l, nil
}

// actionsWithKey returns the actions of a service that present a
// condition key, as service:Name; none when the table lacks the service.
func actionsWithKey(svc *iampolicy.Service, key string) []string {
	if svc == nil {
		return nil
	}
	var out []string
	for _, a := range svc.Actions() {
		if a.Supports(key) {
			out = append(out, a.FullName())
		}
	}
	return out
}

// writesOn returns the write, permissions-management and tagging actions
// of a service that act on any of the resource types, sorted.
func writesOn(svc *iampolicy.Service, types ...string) []string {
	var out []string
	for _, a := range svc.Actions() {
		if isWrite(a) && onResource(a, types...) {
			out = append(out, a.FullName())
		}
	}
	return out
}

func isWrite(a *iampolicy.Action) bool {
	switch a.Access {
	case iampolicy.AccessWrite, iampolicy.AccessPermissions, iampolicy.AccessTagging:
		return true
	}
	return false
}

func onResource(a *iampolicy.Action, types ...string) bool {
	for _, t := range a.ResourceTypes {
		if slices.Contains(types, t) {
			return true
		}
	}
	return false
}

func names(svc *iampolicy.Service) []string {
	var out []string
	for _, a := range svc.Actions() {
		out = append(out, a.FullName())
	}
	return out
}

// name is the part of service:Name after the colon.
func name(full string) string { return full[strings.IndexByte(full, ':')+1:] }

func filter(list []string, keep func(string) bool) []string {
	var out []string
	for _, v := range list {
		if keep(v) {
			out = append(out, v)
		}
	}
	return out
}

// compressWrites shortens a list of actions a Deny names on specific
// resources: where every action of the service that starts with a word
// of an action's name (iam:Update...) is a write action, the prefix with a
// trailing * replaces them. On a resource-scoped Deny that only adds
// write actions on the same resources, and it covers the write actions
// AWS adds later under the same verb.
func compressWrites(svc *iampolicy.Service, actions []string) []string {
	var out []string
	for _, full := range actions {
		n := name(full)
		repl := full
		for _, p := range wordPrefixes(n) {
			all := true
			for _, a := range svc.Actions() {
				if strings.HasPrefix(a.Name, p) && !isWrite(a) {
					all = false
					break
				}
			}
			if all {
				repl = svc.Prefix + ":" + p + "*"
				if p == n {
					repl = full
				}
				break
			}
		}
		out = append(out, repl)
	}
	return sorted(out...)
}

// compressExact shortens a list of actions with prefixes that match only
// actions of the list (rekognition:GetFace* for GetFaceDetection,
// GetFaceLivenessSessionResults and GetFaceSearch): the same actions
// today, and the ones AWS adds later under the same name, which for the
// name-derived lists (faces, PII) are of the same kind. Lists of actions
// chosen by condition key are never compressed: an action added later
// might not present the key.
func compressExact(svc *iampolicy.Service, actions []string) []string {
	if svc == nil {
		return sorted(actions...)
	}
	var out []string
	for _, full := range actions {
		n := name(full)
		repl := full
		for _, p := range wordPrefixes(n) {
			if p == n {
				break
			}
			matched, all := 0, true
			for _, a := range svc.Actions() {
				if strings.HasPrefix(a.Name, p) {
					matched++
					if !slices.Contains(actions, a.FullName()) {
						all = false
						break
					}
				}
			}
			if all && matched > 1 {
				repl = svc.Prefix + ":" + p + "*"
				break
			}
		}
		out = append(out, repl)
	}
	return sorted(out...)
}

// wordPrefixes returns the prefixes of a CamelCase name that end at a word
// boundary, shortest first: UpdateRole -> Update, UpdateRole.
func wordPrefixes(n string) []string {
	var out []string
	for i := 1; i < len(n); i++ {
		if unicode.IsUpper(rune(n[i])) && unicode.IsLower(rune(n[i-1])) {
			out = append(out, n[:i])
		}
	}
	return append(out, n)
}
