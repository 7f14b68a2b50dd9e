package policygen

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/aiguard/aiguard/awsid"
	"github.com/aiguard/aiguard/iameval"
	"github.com/aiguard/aiguard/iampolicy"
	"github.com/aiguard/aiguard/orgspec"
)

// The attacker's matrix: for every preventive control the generator
// claims, requests from a team administrator's seat (AdministratorAccess in
// a team account, bounded only by the SCPs) that must be denied, compliant
// requests that must be allowed, and break-glass requests that must always
// be allowed. Generate decides every request against the policies it made
// and fails when one is decided otherwise.
//
// A control is a row of teamControls or orgControls: a name and a
// function that adds its requests. A new control adds a row.

type control struct {
	name  string
	cases func(m *matrix)
}

// teamControls are checked for each team, in its accounts.
var teamControls = []control{
	{"notebook-internet", (*matrix).notebookInternet},
	{"notebook-root", (*matrix).notebookRoot},
	{"notebook-vpc", (*matrix).notebookVpc},
	{"notebook-lifecycle", (*matrix).notebookLifecycle},
	{"domain-vpc", (*matrix).domainVpc},
	{"job-vpc", (*matrix).jobVpc},
	{"job-isolation", (*matrix).jobIsolation},
	{"job-traffic-encryption", (*matrix).jobTrafficEncryption},
	{"job-kms", (*matrix).jobKms},
	{"instance-types", (*matrix).instanceTypes},
	{"uncontrolled-jobs", (*matrix).uncontrolledJobs},
	{"bedrock-models", (*matrix).bedrockModels},
	{"bedrock-guardrail", (*matrix).bedrockGuardrail},
	{"regions", (*matrix).regions},
	{"rekognition-faces", (*matrix).rekognitionFaces},
	{"comprehend-pii", (*matrix).comprehendPII},
	{"comprehend-entities", (*matrix).comprehendEntities},
	{"boundary", (*matrix).boundary},
	{"governed-tags", (*matrix).governedTags},
	{"break-glass-protection", (*matrix).breakGlassProtection},
	{"aiguard-protection", (*matrix).aiguardProtection},
	{"detection-protection", (*matrix).detectionProtection},
	// The preventive counterparts of detective rules (matrix_counterparts.go).
	{"hook-protection", (*matrix).hookProtection},
	{"bedrock-api-keys", (*matrix).apiKeys},
	{"ml-full-access", (*matrix).fullAccess},
	{"agentcore-network", (*matrix).agentCoreNetwork},
	{"endpoint-certificates", (*matrix).endpointCertificates},
	{"notebook-imdsv2", (*matrix).notebookImds},
	{"agentcore-memory-kms", (*matrix).agentCoreMemoryKey},
	{"comprehend-model-kms", (*matrix).comprehendModelKeys},
	{"sagemaker-tags", (*matrix).sagemakerTags},
	{"break-glass", (*matrix).breakGlassWorks},
}

// orgControls are checked once, for the organization's own accounts.
var orgControls = []control{
	{"tooling-protection", (*matrix).toolingProtection},
}

// matrix builds the requests of one team (t nil: the organization's).
type matrix struct {
	spec       *orgspec.Spec
	l          *lists
	t          *teamPolicy
	team       string // "" for the organization
	p          string // partition
	account    string
	path       string // the account's organization path (aws:PrincipalOrgPaths)
	region     string
	outside    string // a Region outside the organization's
	admin      string // the attacker: an administrator session in the account
	breakGlass string // a break-glass role in the account, "" when none can be
	control    string
	cases      []iameval.Case
	// firstDeny and firstAllow are the first request of the matrix denied
	// by each counterpart statement placed at the root (by its team Sid)
	// and allowed by each control, from the team's administrator: the
	// requests the root statements' scopes are proven on (matrix_root.go).
	firstDeny  map[string]iameval.Case
	firstAllow map[string]iameval.Case
}

// Matrix returns the attacker's matrix of the spec: the organization's
// requests, then each team's, in spec order, then the requests that prove
// the scopes of the team statements placed at the root.
func Matrix(spec *orgspec.Spec) ([]iameval.Case, error) {
	l, err := derivedLists()
	if err != nil {
		return nil, err
	}
	return newLayout(spec, l).matrix(), nil
}

// placeholderAccount stands for an account of a team that owns only
// organizational units (AWS's documentation example account).
const placeholderAccount = "123456789012"

// teamAccount is the account the team's requests come from: one it owns
// that is neither the management account (which SCPs do not affect) nor
// the security tooling account (where detection is administered), else an
// account under its OUs; "" when the team has none (no SCP applies to it).
func teamAccount(spec *orgspec.Spec, team *orgspec.Team) string {
	o := spec.Organization
	for _, a := range team.Accounts {
		if a != o.ManagementAccount && a != o.SecurityToolingAccount {
			return a
		}
	}
	if len(team.OrganizationalUnits) > 0 {
		return placeholderAccount
	}
	if slices.Contains(team.Accounts, o.SecurityToolingAccount) && o.SecurityToolingAccount != o.ManagementAccount {
		return o.SecurityToolingAccount // detection is administered there: see detectionProtection
	}
	return ""
}

func newMatrix(spec *orgspec.Spec, l *lists, t *teamPolicy) *matrix {
	m := &matrix{spec: spec, l: l, t: t, p: spec.Partition(), region: "us-east-1"}
	if len(spec.Organization.Regions) > 0 {
		m.region = spec.Organization.Regions[0]
	}
	switch {
	case t != nil:
		m.team = t.team.Name
		m.account = teamAccount(spec, t.team)
	case spec.Organization.SecurityToolingAccount != spec.Organization.ManagementAccount:
		// SCPs never apply in the management account.
		m.account = spec.Organization.SecurityToolingAccount
	}
	for _, r := range []string{"ap-southeast-2", "eu-central-1", "sa-east-1", "us-west-1"} {
		if !slices.Contains(spec.Organization.Regions, r) {
			m.outside = r
			break
		}
	}
	m.admin = m.adminIn(m.account)
	m.path = m.orgPathOf(m.account)
	for _, bg := range spec.BreakGlassPrincipalArns() {
		if role, ok := breakGlassRole(bg, m.account); ok {
			m.breakGlass = role
			break
		}
	}
	return m
}

// breakGlassRole is a role the break-glass pattern names in the account
// (wildcards filled in); false when the pattern names another account.
func breakGlassRole(pattern, account string) (string, bool) {
	a, ok := awsid.SplitARN(pattern)
	if !ok || a.AccountID != "*" && a.AccountID != account {
		return "", false
	}
	a.AccountID = account
	return strings.ReplaceAll(a.String(), "*", "x"), true
}

func (m *matrix) run(controls []control) []iameval.Case {
	for _, c := range controls {
		m.control = c.name
		c.cases(m)
	}
	return m.cases
}

// req is a request before it becomes a case.
type req struct {
	principal, action, resource string
	ctx                         iameval.Values
	boundary                    bool
}

// deny and allow add a case to the matrix; sid, when set, is the Deny
// statement that must decide it.
func (m *matrix) deny(slug, sid, desc string, r req) { m.add(slug, "deny", sid, desc, r) }
func (m *matrix) allow(slug, desc string, r req)     { m.add(slug, "allow", "", desc, r) }

func (m *matrix) add(slug, expect, sid, desc string, r req) {
	team := cmp.Or(m.team, "organization")
	c := iameval.Case{
		ID: team + "/" + m.control + "/" + slug, Team: m.team, Principal: cmp.Or(r.principal, m.admin),
		Action: r.action, Resource: r.resource, Context: r.ctx, Boundary: r.boundary, Expect: expect,
		ExpectSid: sid, Control: m.control, Description: desc,
	}
	m.rootCase(&c, sid)
	m.cases = append(m.cases, c)
}

// arn builds an ARN in the team's account and first Region.
func (m *matrix) arn(service, resource string) string {
	region := m.region
	if service == "iam" {
		region = ""
	}
	return arnIn(m.p, service, region, m.account, resource)
}

func (m *matrix) role(name string) string   { return arnIn(m.p, "iam", "", m.account, "role/"+name) }
func (m *matrix) policy(name string) string { return arnIn(m.p, "iam", "", m.account, "policy/"+name) }

// base is the context every request carries: the Region, and the
// organization path of the account (PrincipalOrgPath), which the team
// statements placed at the root test.
func (m *matrix) base() iameval.Values {
	v := iameval.Values{keyRequestedRegion: {m.region}}
	if m.path != "" {
		v[keyPrincipalOrgPaths] = []string{m.path}
	}
	return v
}

// orgPathOf is the organization path of an account of the matrix's team
// (of no team for the organization's matrix).
func (m *matrix) orgPathOf(account string) string {
	var team *orgspec.Team
	if m.t != nil {
		team = m.t.team
	}
	return PrincipalOrgPath(m.spec, team, account)
}

// adminIn is the attacker: an administrator session in the account.
func (m *matrix) adminIn(account string) string {
	return fmt.Sprintf("arn:%s:sts::%s:assumed-role/TeamAdmin/attacker", m.p, account)
}

// with returns a copy of v with the keys set (values nil: removed).
func with(v iameval.Values, kv ...any) iameval.Values {
	out := iameval.Values{}
	for k, vals := range v {
		out[k] = vals
	}
	for i := 0; i+1 < len(kv); i += 2 {
		k := kv[i].(string)
		switch val := kv[i+1].(type) {
		case nil:
			delete(out, k)
		case string:
			out[k] = []string{val}
		case []string:
			out[k] = val
		}
	}
	return out
}

// action returns the facts of a SageMaker (or other covered) action.
func (m *matrix) action(full string) *iampolicy.Action {
	tab, err := iampolicy.DefaultTable()
	if err != nil {
		return nil
	}
	acts, _ := tab.MatchActions(full)
	if len(acts) != 1 {
		return nil
	}
	return acts[0]
}

// Values the compliant requests use.
func (m *matrix) subnets() []string {
	if n := m.t.team.Network; n != nil && len(n.SubnetIDs) > 0 {
		return n.SubnetIDs[:1]
	}
	return []string{"subnet-0a1b2c3d4e5f6a7b8"}
}

func (m *matrix) securityGroups() []string {
	if n := m.t.team.Network; n != nil && len(n.SecurityGroupIDs) > 0 {
		return n.SecurityGroupIDs[:1]
	}
	return []string{"sg-0a1b2c3d4e5f6a7b8"}
}

func (m *matrix) kmsKey() string {
	if len(m.t.team.KMSKeyArns) > 0 {
		return m.t.team.KMSKeyArns[0]
	}
	return m.arn("kms", "key/0a1b2c3d-0000-4000-8000-000000000001")
}

func (m *matrix) foreignKey() string {
	return arnIn(m.p, "kms", m.region, "000000000000", "key/0a1b2c3d-0000-4000-8000-00000000dead")
}

// instanceType is an allowed instance type without local storage when the
// team's list has one.
func (m *matrix) instanceType() string {
	sm := m.t.team.SageMaker
	if sm == nil || len(sm.InstanceTypes) == 0 {
		return "ml.m5.xlarge"
	}
	var first string
	for _, it := range sm.InstanceTypes {
		parts := strings.Split(it, ".")
		if len(parts) != 3 {
			continue
		}
		if parts[1] == "*" {
			parts[1] = "m5"
		}
		if parts[2] == "*" {
			parts[2] = "xlarge"
		}
		concrete := strings.Join(parts, ".")
		if first == "" {
			first = concrete
		}
		if !mayHaveLocalStorage(concrete) {
			return concrete
		}
	}
	return cmp.Or(first, "ml.m5.xlarge")
}

// lifecycleArn is the ARN of an approved lifecycle configuration, or "".
func (m *matrix) lifecycleArn() string {
	if sm := m.t.team.SageMaker; sm != nil && len(sm.LifecycleConfigs) > 0 {
		return m.arn("sagemaker", "notebook-instance-lifecycle-config/"+sm.LifecycleConfigs[0])
	}
	return ""
}

// sm is a compliant SageMaker request: every control key the action
// presents set to a value the team's policies allow.
func (m *matrix) sm(action, resource string) req {
	full := "sagemaker:" + action
	v := m.base()
	if a := m.action(full); a != nil {
		set := func(k string, vals ...string) {
			if a.Supports(k) && len(vals) > 0 && vals[0] != "" {
				v[k] = vals
			}
		}
		set(keyVpcSubnets, m.subnets()...)
		set(keySecurityGroups, m.securityGroups()...)
		set(keyIsolation, "true")
		set(keyICT, "true")
		set(keyVolumeKms, m.kmsKey())
		set(keyOutputKms, m.kmsKey())
		set(keyInstanceTypes, m.instanceType())
		set(keyDirectInternet, "Disabled")
		set(keyRootAccess, "Disabled")
		set(keyAppNetworkType, "VpcOnly")
		set(keyLifecycleConfigs, m.lifecycleArn())
		set(keyImds, "2")
		m.tagRequest(v, a)
	}
	return req{action: full, resource: m.arn("sagemaker", resource), ctx: v}
}

func (r req) with(kv ...any) req {
	r.ctx = with(r.ctx, kv...)
	return r
}

func (r req) as(principal string) req {
	r.principal = principal
	return r
}

func (m *matrix) notebook() req {
	return m.sm("CreateNotebookInstance", "notebook-instance/matrix-notebook")
}
func (m *matrix) notebookUpdate() req {
	return m.sm("UpdateNotebookInstance", "notebook-instance/matrix-notebook")
}
func (m *matrix) training() req { return m.sm("CreateTrainingJob", "training-job/matrix-training") }

func (m *matrix) notebookInternet() {
	m.deny("direct-internet", "SmNotebookNoInternet", "a notebook with direct internet access",
		m.notebook().with(keyDirectInternet, "Enabled"))
	m.deny("internet-omitted", "SmNotebookNoInternet", "a notebook that leaves DirectInternetAccess out (default Enabled)",
		m.notebook().with(keyDirectInternet, nil))
	m.allow("compliant", "a notebook in the team's VPC, without internet or root, with its key and lifecycle", m.notebook())
}

func (m *matrix) notebookRoot() {
	m.deny("root-enabled", "SmNotebookNoRoot", "a notebook with root access", m.notebook().with(keyRootAccess, "Enabled"))
	m.deny("root-omitted", "SmNotebookNoRoot", "a notebook that leaves RootAccess out (default Enabled)",
		m.notebook().with(keyRootAccess, nil))
	m.deny("update-root-enabled", "SmNotebookNoRootUpdate", "turning root access on in an update",
		m.notebookUpdate().with(keyRootAccess, "Enabled"))
	m.allow("update-root-disabled", "an update that keeps root access off", m.notebookUpdate())
}

func (m *matrix) notebookVpc() {
	m.deny("no-vpc", "SmRequireVpc", "a notebook outside a VPC",
		m.notebook().with(keyVpcSubnets, nil, keySecurityGroups, nil))
	if n := m.t.team.Network; n != nil && len(n.SubnetIDs) > 0 {
		m.deny("other-subnet", "SmSubnets", "a notebook in a subnet the team does not own",
			m.notebook().with(keyVpcSubnets, "subnet-0deadbeef0000000f"))
	}
}

func (m *matrix) notebookLifecycle() {
	lc := m.lifecycleArn()
	if lc == "" {
		return
	}
	m.deny("no-lifecycle", "SmLifecycleRequired", "a notebook without the approved lifecycle configuration",
		m.notebook().with(keyLifecycleConfigs, nil))
	m.deny("other-lifecycle", "SmLifecycleApproved", "a notebook with a lifecycle configuration of the team's own",
		m.notebook().with(keyLifecycleConfigs, m.arn("sagemaker", "notebook-instance-lifecycle-config/team-own")))
	m.deny("detach", "SmLifecycleRequired", "an update that detaches the lifecycle configuration",
		m.notebookUpdate().with(keyLifecycleConfigs, nil))
	res := strings.TrimPrefix(lc, m.arn("sagemaker", ""))
	m.deny("rewrite", "SmLifecycleProtect", "rewriting the approved lifecycle configuration (it runs as root)",
		req{action: "sagemaker:UpdateNotebookInstanceLifecycleConfig", resource: lc, ctx: m.base()})
	m.deny("delete", "SmLifecycleProtect", "deleting the approved lifecycle configuration",
		req{action: "sagemaker:DeleteNotebookInstanceLifecycleConfig", resource: m.arn("sagemaker", res), ctx: m.base()})
	m.allow("own-config", "creating another lifecycle configuration (which notebooks cannot use)",
		req{action: "sagemaker:CreateNotebookInstanceLifecycleConfig",
			resource: m.arn("sagemaker", "notebook-instance-lifecycle-config/team-own"), ctx: m.base()})
}

func (m *matrix) domainVpc() {
	domain := func(action string) req { return m.sm(action, "domain/d-matrix") }
	m.deny("public-internet", "SmDomainVpcOnly", "a Studio domain with public internet access",
		domain("CreateDomain").with(keyAppNetworkType, "PublicInternetOnly"))
	m.deny("network-omitted", "SmDomainVpcOnly", "a Studio domain that leaves the network access type out (default public)",
		domain("CreateDomain").with(keyAppNetworkType, nil))
	m.deny("update-public-internet", "SmDomainVpcOnlyUpdate", "switching a domain to public internet access",
		domain("UpdateDomain").with(keyAppNetworkType, "PublicInternetOnly"))
	m.allow("compliant", "a VPC-only Studio domain in the team's subnets, with its key", domain("CreateDomain"))
	m.allow("update-other-setting", "a domain update that leaves the network access type as it is",
		domain("UpdateDomain").with(keyAppNetworkType, nil))
}

func (m *matrix) schedule(inline bool) req {
	r := m.sm("CreateMonitoringSchedule", "monitoring-schedule/matrix-schedule")
	if !inline {
		r.ctx = m.base() // a schedule that names a job definition carries no keys
	}
	return r
}

func (m *matrix) jobVpc() {
	m.deny("training-no-vpc", "SmRequireVpc", "a training job outside a VPC",
		m.training().with(keyVpcSubnets, nil, keySecurityGroups, nil))
	m.deny("processing-no-vpc", "SmRequireVpc", "a processing job outside a VPC",
		m.sm("CreateProcessingJob", "processing-job/matrix-processing").with(keyVpcSubnets, nil, keySecurityGroups, nil))
	if n := m.t.team.Network; n != nil && len(n.SubnetIDs) > 0 {
		m.deny("other-subnet", "SmSubnets", "a training job in a subnet the team does not own",
			m.training().with(keyVpcSubnets, []string{m.subnets()[0], "subnet-0deadbeef0000000f"}))
	}
	if n := m.t.team.Network; n != nil && len(n.SecurityGroupIDs) > 0 {
		m.deny("other-security-group", "SmSecurityGroups", "a training job with another security group",
			m.training().with(keySecurityGroups, "sg-0deadbeef0000000f"))
	}
	m.deny("schedule-inline-no-vpc", "SmScheduleVpc", "a monitoring schedule whose inline job definition has no VPC",
		m.schedule(true).with(keyVpcSubnets, nil, keySecurityGroups, nil))
	m.allow("schedule-by-definition", "a monitoring schedule that names a checked job definition", m.schedule(false))
	m.allow("schedule-inline-compliant", "a monitoring schedule with a compliant inline job definition", m.schedule(true))
	m.allow("training-compliant", "a training job in the team's VPC, isolated, encrypted, with its keys", m.training())
}

func (m *matrix) jobIsolation() {
	m.deny("isolation-off", "SmNetworkIsolation", "a training job without network isolation",
		m.training().with(keyIsolation, "false"))
	m.deny("isolation-omitted", "SmNetworkIsolation", "a training job that leaves network isolation out (default off)",
		m.training().with(keyIsolation, nil))
	m.deny("schedule-inline-isolation-off", "SmScheduleIsolation", "a monitoring schedule whose inline job definition is not isolated",
		m.schedule(true).with(keyIsolation, nil))
}

func (m *matrix) jobTrafficEncryption() {
	m.deny("encryption-off", "SmTrafficEncryption", "a training job without inter-container traffic encryption",
		m.training().with(keyICT, "false"))
	m.deny("encryption-omitted", "SmTrafficEncryption", "a training job that leaves the encryption out (default off)",
		m.training().with(keyICT, nil))
	m.deny("schedule-inline-encryption-off", "SmScheduleTrafficEncryption",
		"a monitoring schedule whose inline job definition does not encrypt traffic", m.schedule(true).with(keyICT, "false"))
}

func (m *matrix) jobKms() {
	volumeSid := "SmVolumeKey"
	if m.t.localStoragePossible() {
		volumeSid = "SmVolumeKeyEbs"
	}
	// A team whose instance types all have local storage runs no job on
	// EBS volumes.
	ebs := !mayHaveLocalStorage(m.instanceType())
	if ebs {
		m.deny("no-volume-key", volumeSid, "a training job on EBS volumes without a KMS key",
			m.training().with(keyVolumeKms, nil))
	}
	m.deny("no-output-key", "SmOutputKey", "a training job without an output KMS key", m.training().with(keyOutputKms, nil))
	if len(m.t.team.KMSKeyArns) > 0 {
		if ebs {
			m.deny("foreign-volume-key", volumeSid, "a training job with a key that is not the team's",
				m.training().with(keyVolumeKms, m.foreignKey()))
		}
		m.deny("schedule-foreign-key", "SmOutputKeyIfSet", "a monitoring schedule with a key that is not the team's",
			m.schedule(true).with(keyOutputKms, m.foreignKey()))
	}
	m.deny("notebook-no-key", "SmVolumeKey", "a notebook without a volume KMS key", m.notebook().with(keyVolumeKms, nil))
	labeling := m.sm("CreateLabelingJob", "labeling-job/matrix-labeling")
	if len(m.t.team.KMSKeyArns) > 0 {
		m.deny("labeling-foreign-key", "SmVolumeKeyIfSet", "an automated labeling job with a volume key that is not the team's",
			labeling.with(keyVolumeKms, m.foreignKey()))
	}
	m.allow("labeling-no-volume-key", "a labeling job without volumes (human labeling), which takes no volume key",
		labeling.with(keyVolumeKms, nil))
	if m.t.localStoragePossible() {
		m.allow("local-storage-no-volume-key", "a training job on instances with local NVMe storage, which take no volume key",
			m.training().with(keyVolumeKms, nil, keyInstanceTypes, m.localStorageType()))
	}
}

// localStorageType is an allowed instance type with local storage.
func (m *matrix) localStorageType() string {
	if sm := m.t.team.SageMaker; sm != nil {
		for _, it := range sm.InstanceTypes {
			concrete := strings.ReplaceAll(strings.Replace(it, ".*.", ".g5.", 1), "*", "12xlarge")
			if mayHaveLocalStorage(concrete) {
				return concrete
			}
		}
	}
	return "ml.g5.12xlarge"
}

func (m *matrix) instanceTypes() {
	sm := m.t.team.SageMaker
	if sm == nil || len(sm.InstanceTypes) == 0 {
		return
	}
	var outside string
	for _, c := range []string{"ml.p5.48xlarge", "ml.p4de.24xlarge", "ml.x1.32xlarge", "ml.inf2.48xlarge"} {
		if !slices.ContainsFunc(sm.InstanceTypes, func(p string) bool { return iamGlob(p, c) }) {
			outside = c
			break
		}
	}
	if outside != "" {
		m.deny("training-other-type", "SmInstanceTypes", "a training job on an instance type the team may not use",
			m.training().with(keyInstanceTypes, outside))
		m.deny("notebook-other-type", "SmInstanceTypes", "a notebook on an instance type the team may not use",
			m.notebook().with(keyInstanceTypes, outside))
	}
	m.allow("studio-system", "Studio's default JupyterServer app (instance type system)",
		m.sm("CreateApp", "app/d-matrix/user/JupyterServer/default").with(keyInstanceTypes, "system"))
}

// iamGlob matches a value against a pattern with * wildcards.
func iamGlob(pattern, s string) bool {
	re, err := regexp.Compile("^" + strings.ReplaceAll(regexp.QuoteMeta(pattern), `\*`, ".*") + "$")
	return err == nil && re.MatchString(s)
}

func (m *matrix) uncontrolledJobs() {
	allowed := map[string]bool{}
	if sm := m.t.team.SageMaker; sm != nil {
		for _, a := range sm.UncontrolledJobs {
			allowed["sagemaker:"+a] = true
		}
	}
	for _, a := range m.l.uncontrolledJobs {
		n := name(a)
		r := req{action: a, resource: m.arn("sagemaker", jobResource(n)+"/matrix"), ctx: m.base()}
		if allowed[a] {
			m.allow(strings.ToLower(n), "a job the team allows although no key constrains it", r)
			continue
		}
		m.deny(strings.ToLower(n), "SmUncontrolledJobs", "a job that launches compute no condition key can constrain", r)
	}
}

// jobResource is the resource type of a Create...Job action's job:
// CreateCompilationJob -> compilation-job.
func jobResource(action string) string {
	n := strings.TrimPrefix(strings.TrimPrefix(action, "Create"), "Update")
	var b strings.Builder
	for i, r := range n {
		if i > 0 && r >= 'A' && r <= 'Z' && !(n[i-1] >= 'A' && n[i-1] <= 'Z') {
			b.WriteByte('-')
		}
		b.WriteRune(r)
	}
	return strings.ToLower(b.String())
}

// Bedrock values.
func (m *matrix) bedrockCfg() *orgspec.Bedrock {
	if m.t.team.Bedrock == nil {
		return &orgspec.Bedrock{}
	}
	return m.t.team.Bedrock
}

// allowedModel is an allowed foundation model that is not an embedding
// model (wildcards filled), or "".
func (m *matrix) allowedModel() string {
	var embed string
	for _, mod := range m.bedrockCfg().AllowedModels {
		id, ok := foundationModelID(mod)
		if !ok {
			continue
		}
		id = strings.ReplaceAll(id, "*", "matrix-v1:0")
		if strings.Contains(id, "embed") {
			embed = cmp.Or(embed, id)
			continue
		}
		return id
	}
	return embed
}

func (m *matrix) embeddingModel() string {
	for _, mod := range m.bedrockCfg().AllowedModels {
		if id, ok := foundationModelID(mod); ok && strings.Contains(id, "embed") {
			return strings.ReplaceAll(id, "*", "matrix-v1:0")
		}
	}
	return ""
}

func (m *matrix) disallowedModel() string {
	for _, c := range []string{"cohere.command-r-plus-v1:0", "mistral.mistral-large-2402-v1:0", "ai21.jamba-1-5-large-v1:0"} {
		if !slices.ContainsFunc(m.bedrockCfg().AllowedModels, func(p string) bool {
			id, _ := foundationModelID(p)
			return iamGlob(id, c)
		}) {
			return c
		}
	}
	return ""
}

func (m *matrix) modelArn(id, region string) string {
	return arnIn(m.p, "bedrock", region, "", "foundation-model/"+id)
}

// guardrail is the identifier a compliant invocation names, or "".
func (m *matrix) guardrail() string {
	g := m.t.guardrailValue()
	if g == "" {
		return ""
	}
	a, ok := awsid.SplitARN(g)
	if !ok {
		return g
	}
	a.Region = strings.ReplaceAll(a.Region, "*", m.region)
	a.AccountID = strings.ReplaceAll(a.AccountID, "*", m.account)
	return a.String()
}

func (m *matrix) invoke(model string) req {
	v := m.base()
	if g := m.guardrail(); g != "" {
		v[keyGuardrail] = []string{g}
	}
	return req{action: "bedrock:InvokeModel", resource: m.modelArn(model, m.region), ctx: v}
}

func (m *matrix) bedrockModels() {
	bad, good := m.disallowedModel(), m.allowedModel()
	if bad != "" {
		m.deny("invoke-other-model", "BedrockModels", "invoking a model the team may not use", m.invoke(bad))
		m.deny("batch-other-model", "BedrockModels", "batch inference (CreateModelInvocationJob) on a model the team may not use",
			req{action: "bedrock:CreateModelInvocationJob", resource: m.modelArn(bad, m.region), ctx: m.base()})
		m.deny("customize-other-model", "BedrockModels", "customizing a model the team may not use",
			req{action: "bedrock:CreateModelCustomizationJob", resource: m.modelArn(bad, m.region), ctx: m.base()})
		m.deny("evaluate-other-model", "BedrockModels", "an evaluation job on a model the team may not use",
			req{action: "bedrock:CreateEvaluationJob", resource: m.modelArn(bad, m.region), ctx: m.base()})
		sid := "MantleModels"
		if m.guardrail() != "" {
			sid = "MantleNoGuardrail"
		}
		m.deny("mantle-other-model", sid, "the OpenAI-compatible API (bedrock-mantle) with a model the team may not use",
			req{action: "bedrock-mantle:CreateInference", resource: m.arn("bedrock-mantle", "project/default"),
				ctx: with(m.base(), keyMantleModel, bad)})
		m.deny("mantle-finetune-other-model", "MantleModels", "fine-tuning a model the team may not use through bedrock-mantle",
			req{action: "bedrock-mantle:CreateFineTuningJob", resource: m.arn("bedrock-mantle", "project/default"),
				ctx: with(m.base(), keyMantleModel, bad)})
	}
	if good == "" {
		return
	}
	m.allow("invoke-model", "invoking an approved model", m.invoke(good))
	m.allow("batch-job", "batch inference on an approved model: the job's ARN",
		req{action: "bedrock:CreateModelInvocationJob", resource: m.arn("bedrock", "model-invocation-job/matrix"), ctx: m.base()})
	m.allow("batch-model", "batch inference on an approved model: the model's ARN",
		req{action: "bedrock:CreateModelInvocationJob", resource: m.modelArn(good, m.region), ctx: m.base()})
	mantle := req{action: "bedrock-mantle:CreateInference", resource: m.arn("bedrock-mantle", "project/default"),
		ctx: with(m.base(), keyMantleModel, good)}
	if m.guardrail() != "" {
		m.deny("mantle-without-guardrail", "MantleNoGuardrail",
			"the OpenAI-compatible API, which cannot apply the team's required guardrail", mantle)
	} else {
		m.allow("mantle-model", "the OpenAI-compatible API with an approved model", mantle)
	}
}

func (m *matrix) bedrockGuardrail() {
	g, good := m.guardrail(), m.allowedModel()
	if g == "" || good == "" {
		return
	}
	m.deny("no-guardrail", "BedrockGuardrail", "invoking an approved model without the guardrail",
		m.invoke(good).with(keyGuardrail, nil))
	m.deny("other-guardrail", "BedrockGuardrail", "invoking an approved model with another guardrail",
		m.invoke(good).with(keyGuardrail, m.arn("bedrock", "guardrail/other0gr0")))
	if e := m.embeddingModel(); e != "" {
		m.allow("embedding-without-guardrail", "an approved embedding model, which guardrails do not screen",
			m.invoke(e).with(keyGuardrail, nil))
	}
}

func (m *matrix) regions() {
	if m.outside == "" {
		return
	}
	m.deny("training-outside", "Regions", "a compliant training job in a Region outside the organization's",
		m.training().with(keyRequestedRegion, m.outside))
	m.allow("global-service", "IAM, a global service, whatever the Region",
		req{action: "iam:GetRole", resource: m.role("any"), ctx: with(m.base(), keyRequestedRegion, "us-east-1")})
	good := m.allowedModel()
	if good == "" {
		return
	}
	m.deny("invoke-outside", "RegionsBedrockCris", "invoking a model directly in another Region",
		m.invoke(good).with(keyRequestedRegion, m.outside).with())
	for _, p := range m.bedrockCfg().InferenceProfiles {
		if strings.HasPrefix(p, "arn:") || strings.HasPrefix(p, "global.") {
			continue
		}
		profile := arnIn(m.p, "bedrock", m.region, m.account, "inference-profile/"+p)
		model := p[strings.Index(p, ".")+1:]
		r := m.invoke(model)
		r.resource = m.modelArn(model, m.outside)
		m.allow("cross-region-inference", "cross-Region inference through an approved profile called in the organization's Region",
			r.with(keyRequestedRegion, m.outside, keyInferenceProfile, profile))
		break
	}
}

func (m *matrix) rekognitionFaces() {
	tagKey := "aws:PrincipalTag/" + m.t.tags.ApprovedUseCase
	var approved []string
	if r := m.t.team.Rekognition; r != nil {
		approved = r.ApprovedUseCases
	}
	faces := func(action, resource string) req {
		return req{action: "rekognition:" + action, resource: resource, ctx: m.base()}
	}
	collection := m.arn("rekognition", "collection/matrix")
	m.deny("detect-faces-untagged", "RekognitionFaces", "face detection by a principal without an approved use case",
		faces("DetectFaces", "*"))
	m.deny("stream-face-search", "RekognitionFaces", "face search on video (CreateStreamProcessor) without an approved use case",
		faces("CreateStreamProcessor", collection))
	m.deny("person-tracking", "RekognitionFaces", "person tracking on video without an approved use case",
		faces("StartPersonTracking", "*"))
	m.deny("detect-faces-other-use", "RekognitionFaces", "face detection under a use case the team has not been approved for",
		faces("DetectFaces", "*").with(tagKey, "unapproved-use-case"))
	if len(approved) > 0 {
		m.allow("detect-faces-approved", "face detection by a principal tagged with an approved use case",
			faces("DetectFaces", "*").with(tagKey, approved[0]))
		m.allow("index-faces-approved", "indexing faces under an approved use case",
			faces("IndexFaces", collection).with(tagKey, approved[0]))
	}
	m.allow("detect-labels", "label detection, which is not facial analysis", faces("DetectLabels", "*"))
}

func (m *matrix) comprehendPII() {
	var allowed []string
	if c := m.t.team.Comprehend; c != nil {
		allowed = c.PIIDetection
	}
	m.comprehend("", "comprehend:DetectPiiEntities", "ComprehendPii", "PII detection", allowed)
	m.allow("sentiment", "sentiment detection, which finds no PII",
		req{action: "comprehend:DetectSentiment", resource: "*", ctx: m.base()})
}

func (m *matrix) comprehendEntities() {
	var allowed []string
	if c := m.t.team.Comprehend; c != nil {
		allowed = c.EntityDetection
	}
	m.comprehend("", "comprehend:DetectEntities", "ComprehendEntities", "entity detection", allowed)
	m.comprehend("targeted-sentiment-", "comprehend:DetectTargetedSentiment", "ComprehendEntities", "targeted sentiment, which names the entities it finds", allowed)
	m.comprehend("events-", "comprehend:StartEventsDetectionJob", "ComprehendEntities", "events detection, which names the entities taking part", allowed)
}

// comprehend adds the cases of one detection decided by the principal's
// data classification.
func (m *matrix) comprehend(id, action, sid, what string, allowed []string) {
	tagKey := "aws:PrincipalTag/" + m.t.tags.DataClassification
	if ss := m.t.comprehendStatements(); len(ss) == 1 {
		sid = ss[0].Sid // one statement when both lists are the same
	}
	r := req{action: action, resource: "*", ctx: m.base()}
	m.deny(id+"untagged", sid, what+" by a principal without a data classification", r)
	for _, c := range orgspec.Classifications() {
		if !slices.Contains(allowed, c) {
			m.deny(id+"classification-"+c, sid, what+" by a principal of a classification the team may not use it for",
				r.with(tagKey, c))
			break
		}
	}
	if len(allowed) > 0 {
		m.allow(id+"classification-"+allowed[0], what+" by a principal of an allowed classification", r.with(tagKey, allowed[0]))
	}
}

func (m *matrix) boundaryArn() string { return m.policy(BoundaryName(m.team)) }

func (m *matrix) iam(action, resource string, kv ...any) req {
	return req{action: "iam:" + action, resource: resource, ctx: with(m.base(), kv...)}
}

func (m *matrix) boundary() {
	b := m.boundaryArn()
	m.deny("create-role-unbounded", "RequireBoundary", "creating a role without the team's boundary", m.iam("CreateRole", m.role("app-role")))
	m.deny("create-role-other-boundary", "RequireBoundary", "creating a role with another boundary",
		m.iam("CreateRole", m.role("app-role"), keyPermissionsBoundary, m.policy("AdminBoundary")))
	m.deny("create-user-unbounded", "RequireBoundary", "creating a user without the team's boundary", m.iam("CreateUser",
		arnIn(m.p, "iam", "", m.account, "user/app-user")))
	m.deny("attach-unbounded", "RequireBoundary", "giving a role without the boundary a policy",
		m.iam("AttachRolePolicy", m.role("legacy-role"), "iam:PolicyARN", "arn:aws:iam::aws:policy/AdministratorAccess"))
	m.deny("retrust-unbounded", "RequireBoundary", "making a role without the boundary assumable by the attacker",
		m.iam("UpdateAssumeRolePolicy", m.role("legacy-role")))
	m.deny("swap-boundary", "RequireBoundary", "replacing a role's boundary with another policy",
		m.iam("PutRolePermissionsBoundary", m.role("app-role"), keyPermissionsBoundary, m.policy("AdminBoundary")))
	m.deny("remove-boundary", "KeepAiguardBoundary", "removing the team's boundary from a role",
		m.iam("DeleteRolePermissionsBoundary", m.role("app-role"), keyPermissionsBoundary, b))
	m.allow("create-role-bounded", "creating a role with the team's boundary",
		m.iam("CreateRole", m.role("app-role"), keyPermissionsBoundary, b))
	m.allow("attach-bounded", "giving a role with the team's boundary a policy",
		m.iam("AttachRolePolicy", m.role("app-role"), keyPermissionsBoundary, b, "iam:PolicyARN", "arn:aws:iam::aws:policy/AdministratorAccess"))
	m.deny("pass-any-role-sagemaker", "PassTeamRolesOnly", "passing a role that is not the team's to SageMaker",
		m.iam("PassRole", m.role("admin-role"), keyPassedToService, "sagemaker.amazonaws.com"))
	m.deny("pass-any-role-bedrock", "PassTeamRolesOnly", "passing a role that is not the team's to Bedrock",
		m.iam("PassRole", m.role("admin-role"), keyPassedToService, "bedrock.amazonaws.com"))
	m.allow("pass-execution-role", "passing the team's training role to SageMaker",
		m.iam("PassRole", m.role(m.t.roleName(roleTraining)), keyPassedToService, "sagemaker.amazonaws.com"))
	m.allow("pass-to-lambda", "passing a role to a service aiguard does not govern",
		m.iam("PassRole", m.role("app-role"), keyPassedToService, "lambda.amazonaws.com"))
	// A principal the team created, which carries the boundary.
	app := fmt.Sprintf("arn:%s:sts::%s:assumed-role/app-role/session", m.p, m.account)
	bounded := func(r req) req { r.principal, r.boundary = app, true; return r }
	m.allow("bounded-ai-service", "a bounded role using SageMaker",
		bounded(req{action: "sagemaker:ListTrainingJobs", resource: "*", ctx: m.base()}))
	m.deny("bounded-other-service", "", "a bounded role using a service outside the boundary",
		bounded(req{action: "ec2:RunInstances", resource: m.arn("ec2", "instance/*"), ctx: m.base()}))
	m.deny("bounded-other-team", "NoOtherTeams", "a bounded role stopping another team's training job",
		bounded(req{action: "sagemaker:StopTrainingJob", resource: m.arn("sagemaker", "training-job/theirs"),
			ctx: with(m.base(), "aws:ResourceTag/"+m.t.tags.Team, "another-team")}))
	m.deny("bounded-edit-boundary", "ProtectAiguard", "a bounded role rewriting its boundary",
		bounded(m.iam("CreatePolicyVersion", b)))
	m.allow("bounded-delegates", "a bounded role creating a role with the same boundary",
		bounded(m.iam("CreateRole", m.role("app-role-2"), keyPermissionsBoundary, b)))
}

func (m *matrix) governedTags() {
	for i, k := range m.t.governedTags() {
		slug := fmt.Sprintf("tag-role-%d", i+1)
		m.deny(slug, "GovernedTags", "tagging a role with "+k+", a tag that decides access",
			m.iam("TagRole", m.role("app-role"), keyTagKeys, k, "aws:RequestTag/"+k, "x"))
	}
	dc := m.t.tags.DataClassification
	m.deny("tag-user", "GovernedTags", "tagging a user with "+dc,
		m.iam("TagUser", arnIn(m.p, "iam", "", m.account, "user/app-user"), keyTagKeys, dc, "aws:RequestTag/"+dc, "restricted"))
	m.deny("tag-other-case", "GovernedTags", "tagging a role with the governed key in another case",
		m.iam("TagRole", m.role("app-role"), keyTagKeys, strings.ToUpper(dc), "aws:RequestTag/"+strings.ToUpper(dc), "restricted"))
	m.deny("untag-role", "GovernedTags", "removing "+m.t.tags.Team+" from a role",
		m.iam("UntagRole", m.role("app-role"), keyTagKeys, m.t.tags.Team))
	m.deny("create-role-tagged", "GovernedTags", "creating a role (with the boundary) that carries "+m.t.tags.ApprovedUseCase,
		m.iam("CreateRole", m.role("app-role"), keyPermissionsBoundary, m.boundaryArn(), keyTagKeys, m.t.tags.ApprovedUseCase))
	m.deny("session-tag", "GovernedTags", "assuming a role with "+m.t.tags.ApprovedUseCase+" as a session tag",
		req{action: "sts:TagSession", resource: m.role("app-role"),
			ctx: with(m.base(), keyTagKeys, m.t.tags.ApprovedUseCase, "aws:RequestTag/"+m.t.tags.ApprovedUseCase, "identity-verification")})
	m.allow("tag-role-other", "tagging a role with a tag that decides nothing",
		m.iam("TagRole", m.role("app-role"), keyTagKeys, "cost-center", "aws:RequestTag/cost-center", "42"))
}

func (m *matrix) breakGlassProtection() {
	b := m.boundaryArn()
	for i, bg := range m.spec.BreakGlassPrincipalArns() {
		role, ok := breakGlassRole(bg, m.account)
		if !ok {
			continue
		}
		n := fmt.Sprint(i + 1)
		// With the team's boundary, so that only the protection can deny.
		m.deny("create-"+n, "ProtectBreakGlass", "minting the break-glass exemption: creating a role with its name",
			m.iam("CreateRole", role, keyPermissionsBoundary, b))
		m.deny("retrust-"+n, "ProtectBreakGlass", "re-trusting a break-glass role to the attacker",
			m.iam("UpdateAssumeRolePolicy", role, keyPermissionsBoundary, b))
		m.deny("attach-"+n, "ProtectBreakGlass", "giving a break-glass role an administrator policy",
			m.iam("AttachRolePolicy", role, keyPermissionsBoundary, b, "iam:PolicyARN", "arn:aws:iam::aws:policy/AdministratorAccess"))
		m.deny("inline-"+n, "ProtectBreakGlass", "giving a break-glass role an inline policy",
			m.iam("PutRolePolicy", role, keyPermissionsBoundary, b))
		m.deny("tag-"+n, "ProtectBreakGlass", "tagging a break-glass role", m.iam("TagRole", role, keyTagKeys, "owner"))
		m.deny("delete-"+n, "ProtectBreakGlass", "deleting a break-glass role", m.iam("DeleteRole", role))
	}
}

func (m *matrix) aiguardProtection() {
	b := m.boundaryArn()
	exec := m.role(m.t.roleName(roleTraining))
	m.deny("retrust-execution-role", "ProtectAiguard", "re-trusting the team's execution role to an outside account",
		m.iam("UpdateAssumeRolePolicy", exec, keyPermissionsBoundary, b))
	m.deny("execution-role-policy", "ProtectAiguard", "widening the team's execution role",
		m.iam("PutRolePolicy", exec, keyPermissionsBoundary, b))
	m.deny("mint-aiguard-role", "ProtectAiguard", "creating a role with aiguard's reserved prefix",
		m.iam("CreateRole", m.role(m.t.roleName("evil")), keyPermissionsBoundary, b))
	m.deny("boundary-version", "ProtectAiguard", "rewriting the team's boundary policy", m.iam("CreatePolicyVersion", b))
	m.deny("boundary-default", "ProtectAiguard", "switching the boundary to another version", m.iam("SetDefaultPolicyVersion", b))
	m.deny("forge-boundary", "ProtectAiguard", "creating a policy with aiguard's reserved prefix",
		m.iam("CreatePolicy", m.policy(NamePrefix+"other-boundary")))
	member := cmp.Or(m.spec.Organization.MemberRoleName, orgspec.DefaultMemberRoleName)
	m.deny("member-role", "ProtectAiguard", "re-trusting the role the rule Lambda assumes", m.iam("UpdateAssumeRolePolicy", m.role(member)))
	m.deny("delete-pack", "ProtectAiguard", "deleting the team's conformance pack",
		req{action: "config:DeleteConformancePack", resource: m.arn("config",
			"conformance-pack/OrgConformsPack-"+NamePrefix+m.team+"-a1b2c3/conformance-pack-0a1b2c3d"), ctx: m.base()})
	// The CloudFormation hook's stacks and execution role.
	m.deny("delete-hook-stack", "ProtectAiguard", "deleting the stack of aiguard's CloudFormation hook",
		m.cfn("DeleteStack", m.hookStack()))
	m.deny("update-hook-stack", "ProtectAiguard", "updating the hook's stack (its failure mode, targets, status)",
		m.cfn("UpdateStack", m.hookStack()))
	m.deny("hook-stack-policy", "ProtectAiguard", "replacing the hook stack's policy", m.cfn("SetStackPolicy", m.hookStack()))
	m.deny("delete-terraform-hook-stack", "ProtectAiguard", "deleting the hook's stack as the Terraform module names it",
		m.cfn("DeleteStack", m.stack(NamePrefix+"cfn-hook-"+m.team)))
	hookRole := m.role(strings.TrimPrefix(HookRolePath, "/") + "StackSet-" + NamePrefix + "deploy-cfn-hook-HookExecutionRole-0A1B2C3D")
	m.deny("hook-role-policy", "ProtectAiguard", "changing what the hook's execution role may invoke",
		m.iam("PutRolePolicy", hookRole, keyPermissionsBoundary, b))
	m.deny("hook-role-retrust", "ProtectAiguard", "re-trusting the hook's execution role",
		m.iam("UpdateAssumeRolePolicy", hookRole, keyPermissionsBoundary, b))
	m.allow("delete-own-stack", "deleting one of the team's own stacks", m.cfn("DeleteStack", m.stack("team-app")))
	if m.breakGlass != "" {
		m.allow("break-glass-hook-stack", "break-glass (the StackSet execution path): updating the hook's stack",
			m.cfn("UpdateStack", m.hookStack()).as(m.breakGlass))
	}
}

func (m *matrix) detectionProtection() {
	if m.account == m.spec.Organization.SecurityToolingAccount {
		return // the tooling account administers detection
	}
	for _, a := range []struct{ action, resource, desc string }{
		{"config:StopConfigurationRecorder", "*", "stopping the Config recorder"},
		{"config:PutConfigurationRecorder", "*", "reconfiguring the Config recorder"},
		{"config:DeleteDeliveryChannel", "*", "deleting the Config delivery channel"},
		{"config:DeleteEvaluationResults", "*", "deleting evaluation results"},
		{"config:DeleteAggregationAuthorization", "*", "withdrawing the aggregator's authorization"},
		{"config:DisassociateResourceTypes", m.arn("config", "configuration-recorder/default/0a1b2c"), "no longer recording the AI resource types"},
		{"cloudtrail:StopLogging", m.arn("cloudtrail", "trail/management"), "stopping CloudTrail logging"},
		{"cloudtrail:PutEventSelectors", m.arn("cloudtrail", "trail/management"), "dropping the ML data events"},
		{"cloudtrail:DeleteTrail", m.arn("cloudtrail", "trail/management"), "deleting the trail"},
		{"guardduty:DeleteDetector", m.arn("guardduty", "detector/0a1b2c"), "deleting the GuardDuty detector"},
		{"guardduty:UpdateDetector", m.arn("guardduty", "detector/0a1b2c"), "disabling the GuardDuty detector"},
		{"securityhub:DisableSecurityHub", m.arn("securityhub", "hub/default"), "disabling Security Hub"},
		{"securityhub:DisableImportFindingsForProduct", m.arn("securityhub", "product-subscription/aws/config"),
			"no longer importing AWS Config's findings (aiguard's) into Security Hub"},
		{"securityhub:DisassociateFromAdministratorAccount", "*", "leaving the Security Hub administrator"},
	} {
		m.deny(strings.ToLower(strings.ReplaceAll(a.action, ":", "-")), "ProtectDetection", a.desc,
			req{action: a.action, resource: a.resource, ctx: m.base()})
	}
	m.allow("read-config", "reading the Config rules", req{action: "config:DescribeConfigRules", resource: "*", ctx: m.base()})
	m.deny("leave-organization", "StayInOrganization", "leaving the organization, and every SCP with it",
		req{action: "organizations:LeaveOrganization", resource: "*", ctx: m.base()})
	for _, a := range []string{"events:DisableRule", "events:RemoveTargets"} {
		m.deny(strings.ToLower(strings.ReplaceAll(a, ":", "-"))+"-forwarder", "ProtectAiguard",
			"switching off the forwarding of the account's events to the detections",
			req{action: a, resource: m.arn("events", "rule/"+NamePrefix+"detections-forward-cloudtrail"), ctx: m.base()})
	}
	m.allow("own-event-rule", "the team's own EventBridge rules",
		req{action: "events:DisableRule", resource: m.arn("events", "rule/team-nightly"), ctx: m.base()})
}

// breakGlassWorks: a break-glass role is exempt from every aiguard deny.
func (m *matrix) breakGlassWorks() {
	if m.breakGlass == "" {
		return
	}
	bg := m.breakGlass
	m.allow("notebook-root", "break-glass: a notebook with root access", m.notebook().with(keyRootAccess, "Enabled").as(bg))
	m.allow("create-role-unbounded", "break-glass: a role without the boundary", m.iam("CreateRole", m.role("ops-role")).as(bg))
	m.allow("retrust-break-glass", "break-glass: maintaining the break-glass roles", m.iam("UpdateAssumeRolePolicy", bg).as(bg))
	m.allow("execution-role", "break-glass (the StackSet execution path): deploying the team's execution role",
		m.iam("CreateRole", m.role(m.t.roleName(roleTraining)), keyPermissionsBoundary, m.boundaryArn()).as(bg))
	m.allow("tag-principal", "break-glass: tagging a principal with its data classification",
		m.iam("TagRole", m.role("app-role"), keyTagKeys, m.t.tags.DataClassification).as(bg))
	m.allow("config-recorder", "break-glass: reconfiguring the Config recorder",
		req{action: "config:PutConfigurationRecorder", resource: "*", ctx: m.base()}.as(bg))
	if lc := m.lifecycleArn(); lc != "" {
		m.allow("lifecycle", "break-glass: updating the approved lifecycle configuration",
			req{action: "sagemaker:UpdateNotebookInstanceLifecycleConfig", resource: lc, ctx: m.base()}.as(bg))
	}
	if bad := m.disallowedModel(); bad != "" {
		m.allow("any-model", "break-glass: any model", m.invoke(bad).as(bg))
	}
}

// toolingProtection: the security tooling account's own principals
// cannot change the rule Lambda, its role or aiguard's organization packs,
// but administer detection there.
func (m *matrix) toolingProtection() {
	fn := m.arn("lambda", "function:"+NamePrefix+"config-rules")
	engineer := fmt.Sprintf("arn:%s:sts::%s:assumed-role/SecurityEngineer/x", m.p, m.account)
	m.deny("lambda-code", "ProtectAiguard", "replacing the rule Lambda's code",
		req{action: "lambda:UpdateFunctionCode", resource: fn, ctx: m.base()}.as(engineer))
	m.deny("lambda-permission", "ProtectAiguard", "letting another principal invoke the rule Lambda",
		req{action: "lambda:AddPermission", resource: fn, ctx: m.base()}.as(engineer))
	m.deny("lambda-role", "ProtectAiguard", "widening the rule Lambda's role",
		m.iam("PutRolePolicy", m.role(NamePrefix+"config-rules")).as(engineer))
	m.deny("organization-pack", "ProtectAiguard", "deleting an aiguard organization conformance pack",
		req{action: "config:DeleteOrganizationConformancePack",
			resource: m.arn("config", "organization-conformance-pack/"+NamePrefix+"baseline-a1b2c3"), ctx: m.base()}.as(engineer))
	m.deny("rule-lambda-stack", "ProtectAiguard", "deleting the rule Lambda's stack",
		req{action: "cloudformation:DeleteStack", resource: arnIn(m.p, "cloudformation", m.region, m.account,
			"stack/StackSet-"+NamePrefix+"deploy-rule-lambda-0a1b2c3d/0a1b2c3d-0000-4000-8000-000000000001"), ctx: m.base()}.as(engineer))
	m.allow("aggregator", "the tooling account administers detection (an aggregator)",
		req{action: "config:PutConfigurationAggregator", resource: "*", ctx: m.base()}.as(engineer))
	if m.breakGlass != "" {
		m.allow("break-glass-lambda", "break-glass: updating the rule Lambda",
			req{action: "lambda:UpdateFunctionCode", resource: fn, ctx: m.base()}.as(m.breakGlass))
	}
}
