package policygen

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/aiguard/aiguard/iameval"
	"github.com/aiguard/aiguard/iampolicy"
)

// The attacker's matrix for the preventive counterparts of detective rules
// (counterparts.go): each control runs only when the team's SCPs hold its
// statements (the rule on, its parameters expressible, room left), and
// then asks what the rule would fail (denied), what it passes (allowed),
// and the same as a break-glass role (allowed).

// tagRequest sets, on a compliant request whose action takes tags, the
// tags sagemaker-resource-tagged requires: the team tag (the team's name)
// and the required keys.
func (m *matrix) tagRequest(v iameval.Values, a *iampolicy.Action) {
	keys := m.t.requiredTags()
	if len(keys) == 0 {
		keys = []string{m.t.tags.Team}
	}
	var given []string
	for i, k := range keys {
		if !a.Supports("aws:RequestTag/" + k) {
			continue
		}
		value := m.team
		if i > 0 {
			value = "matrix"
		}
		v["aws:RequestTag/"+k] = []string{value}
		given = append(given, k)
	}
	if len(given) > 0 && a.Supports(keyTagKeys) {
		v[keyTagKeys] = given
	}
}

// untagged removes the request tags of tagRequest.
func (m *matrix) untagged(r req) req {
	for _, k := range append(m.t.requiredTags(), m.t.tags.Team) {
		r = r.with("aws:RequestTag/"+k, nil)
	}
	return r.with(keyTagKeys, nil)
}

// breakGlassAllows adds the break-glass request of a control: the denied
// request r, made by a break-glass role, is allowed.
func (m *matrix) breakGlassAllows(slug, desc string, r req) {
	if m.breakGlass != "" {
		m.allow("break-glass-"+slug, "break-glass: "+desc, r.as(m.breakGlass))
	}
}

// cfn is a CloudFormation request on a resource.
func (m *matrix) cfn(action, resource string) req {
	return req{action: "cloudformation:" + action, resource: resource, ctx: m.base()}
}

// stack is the ARN of a stack of the team's account.
func (m *matrix) stack(name string) string {
	return m.arn("cloudformation", "stack/"+name+"/0a1b2c3d-0000-4000-8000-000000000001")
}

// hookStack is a StackSet instance of the team's hook
// (StackSet-<StackSet name>-<ID>, as CloudFormation names them).
func (m *matrix) hookStack() string {
	return m.stack("StackSet-" + NamePrefix + "deploy-cfn-hook-" + m.team + "-0a1b2c3d-1111-4000-8000-000000000001")
}

// hookProtection: the team cannot deactivate or reconfigure the hook
// registration (the registry takes no resource, so every extension is
// covered), nor change its stacks or execution role (aiguardProtection).
func (m *matrix) hookProtection() {
	if !m.t.has("ProtectHook") {
		return
	}
	m.deny("deactivate", "ProtectHook", "deactivating aiguard's CloudFormation hook", m.cfn("DeactivateType", "*"))
	m.deny("disable", "ProtectHook", "turning the hook off or to WARN (its type configuration)", m.cfn("SetTypeConfiguration", "*"))
	m.deny("deregister", "ProtectHook", "deregistering the hook's type", m.cfn("DeregisterType", "*"))
	m.allow("activate-extension", "activating a public extension for the team's own stacks", m.cfn("ActivateType", "*"))
	m.allow("own-stack", "updating one of the team's own stacks", m.cfn("UpdateStack", m.stack("team-app")))
	m.breakGlassAllows("configure", "configuring an extension for the team", m.cfn("SetTypeConfiguration", "*"))
}

// apiKeys: Bedrock API keys expire within the team's maximum age, or
// none is long-lived.
func (m *matrix) apiKeys() {
	if !m.t.has("BedrockApiKeys") {
		return
	}
	maxDays := m.t.effective(ruleAPIKeys).Parsed.Int("maxApiKeyAgeDays")
	key := func(service string, days int64) req {
		r := m.iam("CreateServiceSpecificCredential", arnIn(m.p, "iam", "", m.account, "user/app-user"),
			keyCredentialService, service)
		if days > 0 {
			r = r.with(keyCredentialAgeDays, strconv.FormatInt(days, 10))
		}
		return r
	}
	m.deny("never-expires", "BedrockApiKeys", "a Bedrock API key that never expires", key(bedrockService, 0))
	if maxDays > 0 {
		m.deny("too-long", "BedrockApiKeys", "a Bedrock API key that outlives the team's maximum age",
			key(bedrockService, maxDays+1))
		m.allow("within-age", "a Bedrock API key that expires within the team's maximum age", key(bedrockService, maxDays))
	} else {
		m.deny("long-term", "BedrockApiKeys", "a long-term Bedrock API key, which the team may not have", key(bedrockService, 1))
		bearer := func(kind string) req {
			return req{action: "bedrock:CallWithBearerToken", resource: "*", ctx: with(m.base(), keyBearerTokenType, kind)}
		}
		m.deny("use-long-term", "BedrockLongTermKeys", "calling Bedrock with a long-term API key", bearer("LONG_TERM"))
		m.allow("use-short-term", "calling Bedrock with a short-term API key", bearer("SHORT_TERM"))
		if len(m.l.mantleBearerToken) > 0 {
			m.deny("mantle-long-term", "MantleLongTermKeys", "calling the OpenAI-compatible endpoint with a long-term API key",
				req{action: "bedrock-mantle:CallWithBearerToken", resource: "*", ctx: with(m.base(), keyMantleBearerType, "LONG_TERM")})
		}
	}
	m.allow("other-service", "a service-specific credential for another service (CodeCommit)",
		key("codecommit.amazonaws.com", 0))
	m.breakGlassAllows("never-expires", "a Bedrock API key that never expires", key(bedrockService, 0))
}

// fullAccess: the full-access managed policies are attached to no one
// outside the rule's allowed principals.
func (m *matrix) fullAccess() {
	if !m.t.has("IamNoFullAccess") {
		return
	}
	er := m.t.effective(ruleFullAccess)
	names := er.Parsed.List("policyNames")
	b := m.boundaryArn()
	policy := arnIn(m.p, "iam", "", "aws", "policy/"+names[0])
	attach := func(action, resource, policyArn string, bounded bool) req {
		r := m.iam(action, resource, keyPolicyArn, policyArn)
		if bounded {
			r = r.with(keyPermissionsBoundary, b)
		}
		return r
	}
	m.deny("attach-role", "IamNoFullAccess", "giving a role "+names[0],
		attach("AttachRolePolicy", m.role("app-role"), policy, true))
	m.deny("attach-user", "IamNoFullAccess", "giving a user "+names[0],
		attach("AttachUserPolicy", arnIn(m.p, "iam", "", m.account, "user/app-user"), policy, true))
	m.deny("attach-group", "IamNoFullAccess", "giving a group "+names[0],
		attach("AttachGroupPolicy", arnIn(m.p, "iam", "", m.account, "group/data-scientists"), policy, false))
	m.deny("attach-on-path", "IamNoFullAccess", "giving a role "+names[0]+" named with a path",
		attach("AttachRolePolicy", m.role("app-role"), arnIn(m.p, "iam", "", "aws", "policy/service-role/"+names[0]), true))
	m.allow("attach-scoped", "giving a role a scoped AWS managed policy",
		attach("AttachRolePolicy", m.role("app-role"), arnIn(m.p, "iam", "", "aws", "policy/AmazonSageMakerReadOnly"), true))
	if allowed := er.Parsed.List("allowedPrincipals"); len(allowed) > 0 {
		holder := allowed[0]
		if !strings.HasPrefix(holder, "arn:") {
			holder = m.role(holder)
		}
		action := "AttachRolePolicy"
		switch {
		case strings.Contains(holder, ":user/"):
			action = "AttachUserPolicy"
		case strings.Contains(holder, ":group/"):
			action = "AttachGroupPolicy"
		}
		m.allow("allowed-principal", "giving "+names[0]+" to a principal the rule allows", attach(action, holder, policy, action != "AttachGroupPolicy"))
	}
	m.breakGlassAllows("attach-role", "giving a role "+names[0], attach("AttachRolePolicy", m.role("app-role"), policy, true))
}

// agentCoreNetwork: AgentCore tools run in a VPC where the rules require
// it; code interpreters in SANDBOX mode stay allowed where the rule passes
// them.
func (m *matrix) agentCoreNetwork() {
	var actions []string
	if s := m.t.counterpartStatement("AgentCoreVpc"); s != nil {
		actions = s.Action
	}
	vpc := []string{m.subnets()[0]}
	for _, a := range m.l.agentCoreNetwork {
		n := name(a)
		resource := "*"
		if strings.HasPrefix(n, "Update") {
			resource = m.arn("bedrock-agentcore", "runtime/matrix_agent-a1b2c3d4e5")
		}
		r := req{action: a, resource: resource, ctx: m.base()}
		slug := strings.ToLower(strings.TrimPrefix(n, "Create"))
		if !slices.Contains(actions, a) {
			if strings.Contains(n, "CodeInterpreter") && m.t.effective(ruleCodeInterpreter) != nil {
				m.allow(slug+"-sandbox", "a code interpreter without a VPC (SANDBOX mode, which the team's rule passes)", r)
			}
			continue
		}
		m.deny(slug+"-public", "AgentCoreVpc", n+" in PUBLIC network mode (no subnets)", r)
		m.allow(slug+"-vpc", n+" in VPC mode", r.with(keyAgentCoreSubnets, vpc,
			"bedrock-agentcore:securityGroups", m.securityGroups()))
		m.breakGlassAllows(slug+"-public", n+" in PUBLIC network mode", r)
	}
}

// endpointCertificates: no IAM server certificate where every front is
// judged.
func (m *matrix) endpointCertificates() {
	if !m.t.has("IamNoServerCerts") {
		return
	}
	r := m.iam("UploadServerCertificate", arnIn(m.p, "iam", "", m.account, "server-certificate/matrix-endpoint"))
	m.deny("upload-server-certificate", "IamNoServerCerts", "an IAM server certificate to front an endpoint", r)
	m.allow("acm-certificate", "an ACM certificate", req{action: "acm:RequestCertificate", resource: "*", ctx: m.base()})
	m.breakGlassAllows("upload-server-certificate", "an IAM server certificate", r)
}

// notebookImds: notebooks allow only IMDSv2.
func (m *matrix) notebookImds() {
	if !m.t.has("SmNotebookImds") {
		return
	}
	m.deny("imdsv1", "SmNotebookImds", "a notebook that allows IMDSv1", m.notebook().with(keyImds, "1"))
	m.deny("imds-omitted", "SmNotebookImds", "a notebook that leaves the IMDS version out (default IMDSv1)",
		m.notebook().with(keyImds, nil))
	if m.t.has("SmNotebookImdsUpdate") {
		m.deny("update-imdsv1", "SmNotebookImdsUpdate", "lowering a notebook to IMDSv1 in an update",
			m.notebookUpdate().with(keyImds, "1"))
	}
	m.allow("update-other-setting", "a notebook update that leaves the IMDS version as it is",
		m.notebookUpdate().with(keyImds, nil))
	m.allow("imdsv2", "a notebook that allows only IMDSv2", m.notebook())
	m.breakGlassAllows("imdsv1", "a notebook that allows IMDSv1", m.notebook().with(keyImds, "1"))
}

// agentCoreMemoryKey: AgentCore memory names a KMS key.
func (m *matrix) agentCoreMemoryKey() {
	if !m.t.has("AgentCoreMemoryKey") {
		return
	}
	for _, a := range m.l.agentCoreMemoryKey {
		r := req{action: a, resource: "*", ctx: m.base()}
		slug := strings.ToLower(strings.TrimPrefix(name(a), "Create"))
		m.deny(slug+"-no-key", "AgentCoreMemoryKey", name(a)+" without a customer managed KMS key", r)
		m.allow(slug+"-key", name(a)+" with the team's KMS key", r.with(keyAgentCoreKms, m.kmsKey()))
		m.breakGlassAllows(slug+"-no-key", name(a)+" without a KMS key", r)
	}
}

// comprehendModelKeys: custom Comprehend models name model and volume
// keys.
func (m *matrix) comprehendModelKeys() {
	if !m.t.has("ComprehendModelKey") {
		return
	}
	for _, a := range m.l.comprehendModelKey {
		n := name(a)
		if !strings.HasPrefix(n, "Create") {
			continue // ImportModel copies a model another account made
		}
		kind := jobResource(n)
		r := req{action: a, resource: m.arn("comprehend", kind+"/matrix"), ctx: m.base()}
		keyed := r.with(keyComprehendModelKms, m.kmsKey())
		if slices.Contains(m.l.comprehendVolumeKey, a) {
			keyed = keyed.with(keyComprehendVolKms, m.kmsKey())
			if m.t.has("ComprehendVolumeKey") {
				m.deny(kind+"-no-volume-key", "ComprehendVolumeKey", n+" without a volume KMS key", keyed.with(keyComprehendVolKms, nil))
			}
		}
		m.deny(kind+"-no-model-key", "ComprehendModelKey", n+" without a model KMS key", keyed.with(keyComprehendModelKms, nil))
		m.allow(kind+"-keys", n+" with the team's model and volume keys", keyed)
		m.breakGlassAllows(kind+"-no-model-key", n+" without a model KMS key", keyed.with(keyComprehendModelKms, nil))
	}
}

// sagemakerTags: SageMaker resources the rule judges are created with the
// team tag and the required keys.
func (m *matrix) sagemakerTags() {
	if !m.t.has("SmTagTeam") {
		return
	}
	model := m.sm("CreateModel", "model/matrix-model")
	team := m.t.requiredTags()[0]
	m.deny("model-untagged", "SmTagTeam", "a model without the team tag", m.untagged(model))
	m.deny("notebook-untagged", "SmTagTeam", "a notebook without the team tag", m.untagged(m.notebook()))
	m.deny("model-other-tag", "SmTagTeam", "a model tagged with something else only",
		m.untagged(model).with("aws:RequestTag/cost-center", "42", keyTagKeys, "cost-center"))
	for i, k := range m.t.requiredTags()[1:] {
		sid := "SmTag" + strconv.Itoa(i+1)
		if m.t.has(sid) {
			m.deny(fmt.Sprintf("model-without-key-%d", i+1), sid, "a model without the required tag key "+k,
				model.with("aws:RequestTag/"+k, nil, keyTagKeys, team))
		}
	}
	if m.t.has("SmTagKeep") {
		untag := func(resource string, keys ...string) req {
			return req{action: "sagemaker:DeleteTags", resource: m.arn("sagemaker", resource), ctx: with(m.base(), keyTagKeys, keys)}
		}
		m.deny("remove-team-tag", "SmTagKeep", "removing the team tag from a model", untag("model/matrix-model", team))
		m.deny("remove-team-tag-other-case", "SmTagKeep", "removing the team tag, in another case, from a notebook",
			untag("notebook-instance/matrix-notebook", strings.ToUpper(team)))
		m.allow("remove-other-tag", "removing another tag from a model", untag("model/matrix-model", "project-notes"))
		m.allow("remove-team-tag-training", "removing the team tag from a training job, a type the rule does not judge",
			untag("training-job/matrix-training", team))
		m.breakGlassAllows("remove-team-tag", "removing the team tag from a model", untag("model/matrix-model", team))
	}
	m.allow("model-tagged", "a model with the team tag", model)
	m.allow("training-untagged", "a training job without tags, a type the rule does not judge", m.untagged(m.training()))
	m.breakGlassAllows("model-untagged", "a model without the team tag", m.untagged(model))
}
