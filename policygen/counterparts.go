package policygen

import (
	"cmp"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/aiguard/aiguard/iampolicy"
	"github.com/aiguard/aiguard/orgspec"
)

// Preventive counterparts: SCP statements that deny, before the fact,
// what a detective rule would find afterwards, wherever a condition key
// can tell the insecure request from the compliant one. Each follows the
// team's effective rule (on or off, its parameters): a counterpart never
// denies what its rule passes, so a rule that is off, or parameters the
// keys cannot express, give no statement. The protection of aiguard's
// CloudFormation hook is the first of them.
//
// A team's SCP room is shared (5 policies of 5,120 characters per target,
// FullAWSAccess included), and the posture statements come first: the
// counterparts are added in the order of the table, the gap each closes
// most harmful first, as long as the team's SCPs still fit; one that does
// not fit is left out whole (Omission) and its rule still detects what it
// would have prevented.

// Condition keys of the counterparts.
const (
	keyImds               = "sagemaker:MinimumInstanceMetadataServiceVersion"
	keyAgentCoreSubnets   = "bedrock-agentcore:subnets"
	keyAgentCoreKms       = "bedrock-agentcore:KmsKeyArn"
	keyComprehendModelKms = "comprehend:ModelKmsKey"
	keyComprehendVolKms   = "comprehend:VolumeKmsKey"
	keyPolicyArn          = "iam:PolicyARN"
	keyCredentialAgeDays  = "iam:ServiceSpecificCredentialAgeDays"
	keyCredentialService  = "iam:ServiceSpecificCredentialServiceName"
	keyBearerTokenType    = "bedrock:BearerTokenType"
	keyMantleBearerType   = "bedrock-mantle:BearerTokenType"
)

// Rules with counterparts.
const (
	ruleAPIKeys         = "bedrock-api-key-restricted"
	ruleFullAccess      = "ml-full-access-policy-unattached"
	ruleRuntimeNetwork  = "bedrock-agentcore-runtime-private-network"
	ruleBrowserNetwork  = "bedrock-agentcore-browser-private-network"
	ruleCodeInterpreter = "bedrock-agentcore-code-interpreter-sandboxed"
	ruleEndpointCert    = "ml-endpoint-certificate"
	ruleNotebookImds    = "sagemaker-notebook-imdsv2"
	ruleMemoryKey       = "bedrock-agentcore-memory-cmk"
	ruleComprehendKeys  = "comprehend-model-cmk"
	ruleTagged          = "sagemaker-resource-tagged"
)

// Counterparts that are not one rule's (Omission.Counterpart): the
// protection of the CloudFormation hook, and the VPC of AgentCore tools,
// which serves three rules with one statement.
const (
	HookCounterpart             = "cloudformation-hook"
	AgentCoreNetworkCounterpart = "bedrock-agentcore-private-network"
)

// HookRolePath is the path of the hook's execution role in the team's
// accounts: the role's ARN then starts role/aiguard-, which ProtectAiguard
// keeps out of the team's reach, while CloudFormation still names each
// Region's role apart.
const HookRolePath = "/" + NamePrefix + "cfn-hook/"

// bedrockService is the service principal of Bedrock API keys (IAM
// service-specific credentials).
const bedrockService = "bedrock.amazonaws.com"

// counterpart is one row of the table: its name (mostly the rule whose
// findings it prevents) and the team's statements, none when the rule is
// off or its parameters leave nothing a key could deny.
type counterpart struct {
	name       string
	statements func(t *teamPolicy) []iampolicy.Statement
}

// counterparts, the gap each closes most harmful first: the hook (its
// loss blinds prevention of everything it checks), credentials that
// outlive any review, full access, networks, then encryption and tags.
var counterparts = []counterpart{
	{HookCounterpart, (*teamPolicy).hookStatements},
	{ruleAPIKeys, (*teamPolicy).apiKeyStatements},
	{ruleFullAccess, (*teamPolicy).fullAccessStatements},
	{AgentCoreNetworkCounterpart, (*teamPolicy).agentCoreNetworkStatements},
	{ruleEndpointCert, (*teamPolicy).serverCertStatements},
	{ruleNotebookImds, (*teamPolicy).imdsStatements},
	{ruleMemoryKey, (*teamPolicy).memoryKeyStatements},
	{ruleComprehendKeys, (*teamPolicy).comprehendKeyStatements},
	{ruleTagged, (*teamPolicy).tagStatements},
}

// Omission is a counterpart left out of a team's SCPs because the team's
// targets have no room for it; its rule still detects what it would have
// prevented.
type Omission struct {
	Team string `json:"team"`
	// Counterpart is the rule ID, HookCounterpart or
	// AgentCoreNetworkCounterpart.
	Counterpart string   `json:"counterpart"`
	Statements  []string `json:"statements"`
	// Characters is what the statements take, minified.
	Characters int `json:"characters"`
}

// deriveCounterpartLists derives the counterparts' action lists from the
// facts table, each by the key its statement tests (or, where the
// reference gives none, by name), so that a refresh of the facts covers
// actions AWS adds.
func deriveCounterpartLists(l *lists, tab *iampolicy.Table, notUpdate func(string) bool) {
	sm := tab.Service("sagemaker")
	l.notebookImds = actionsWithKey(sm, keyImds)
	// The tagging actions that remove tags (sagemaker:DeleteTags).
	for _, n := range actionsWithKey(sm, keyTagKeys) {
		if a := sm.Action(name(n)); a.Access == iampolicy.AccessTagging && strings.HasPrefix(a.Name, "Delete") {
			l.tagRemoval = append(l.tagRemoval, n)
		}
	}
	// The actions that present an AgentCore tool's subnets. An update is
	// kept only where the API requires the whole network configuration
	// (UpdateAgentRuntime: networkConfiguration is required), so that
	// subnets absent means public mode, not unchanged.
	ac := tab.Service("bedrock-agentcore")
	l.agentCoreNetwork = filter(actionsWithKey(ac, keyAgentCoreSubnets), func(n string) bool {
		return notUpdate(n) || slices.Contains(networkOnEveryUpdate, n)
	})
	l.agentCoreMemoryKey = filter(actionsWithKey(ac, keyAgentCoreKms), notUpdate)
	// The actions that make a custom Comprehend model present its model
	// key; an update may leave the key out (unchanged). Those of them that
	// also train it present the volume key.
	cp := tab.Service("comprehend")
	l.comprehendModelKey = filter(actionsWithKey(cp, keyComprehendModelKms), notUpdate)
	l.comprehendVolumeKey = filter(l.comprehendModelKey, func(n string) bool {
		return slices.Contains(actionsWithKey(cp, keyComprehendVolKms), n)
	})
	iam := tab.Service("iam")
	l.policyAttach = filter(actionsWithKey(iam, keyPolicyArn), func(n string) bool { return strings.HasPrefix(name(n), "Attach") })
	l.apiKeyCreate = actionsWithKey(iam, keyCredentialAgeDays)
	l.serverCertUpload = filter(writesOn(iam, "server-certificate"), func(n string) bool { return strings.HasPrefix(name(n), "Upload") })
	l.bearerToken = actionsWithKey(tab.Service("bedrock"), keyBearerTokenType)
	// Bedrock API keys also work on the OpenAI-compatible endpoint.
	l.mantleBearerToken = actionsWithKey(tab.Service("bedrock-mantle"), keyMantleBearerType)
	if cf := tab.Service("cloudformation"); cf != nil {
		// The registry actions that remove or reconfigure an activated
		// extension (a hook's status, failure mode and targets are its type
		// configuration). They take no resource and present no key, so
		// they cannot be limited to aiguard's hook.
		re := regexp.MustCompile(`^(Deactivate|Deregister)Type$|^SetType`)
		for _, a := range cf.Actions() {
			if isWrite(a) && re.MatchString(a.Name) {
				l.typeRegistryChanges = append(l.typeRegistryChanges, a.FullName())
			}
		}
		l.stackWrites = writesOn(cf, "stack")
	}
}

// networkOnEveryUpdate are the update actions whose request always
// carries the resource's network configuration (the API requires it).
var networkOnEveryUpdate = []string{"bedrock-agentcore:UpdateAgentRuntime"}

// effective returns the team's effective setting of a rule, nil when the
// team does not run it.
func (t *teamPolicy) effective(id string) *orgspec.EffectiveRule {
	er, ok := t.rules[id]
	if !ok || !er.Enabled {
		return nil
	}
	return &er
}

// hasHook reports whether aiguard's CloudFormation hook is registered in
// the team's accounts: when it runs a rule the hook runs.
func (t *teamPolicy) hasHook() bool {
	for _, er := range t.rules {
		if er.InHook() {
			return true
		}
	}
	return false
}

// hookStatements keep the team from deactivating or reconfiguring the
// hook registration (turning it off, to WARN, or to no targets). The
// registry actions take no resource, so the deny covers every extension of
// the team's accounts: a team's own hooks and third-party types are
// configured by a break-glass role. Its execution role and stacks are
// aiguard's (ProtectAiguard, at the root).
func (t *teamPolicy) hookStatements() []iampolicy.Statement {
	if !t.hasHook() || len(t.l.typeRegistryChanges) == 0 {
		return nil
	}
	return []iampolicy.Statement{denyAll("ProtectHook", t.l.typeRegistryChanges, nil)}
}

// apiKeyStatements: Bedrock API keys (IAM service-specific credentials for
// Bedrock) must expire within maxApiKeyAgeDays. IfExists: a key created
// without an age never expires. With 0, no long-term key may be created or
// used.
func (t *teamPolicy) apiKeyStatements() []iampolicy.Statement {
	er := t.effective(ruleAPIKeys)
	if er == nil {
		return nil
	}
	maxDays := er.Parsed.Int("maxApiKeyAgeDays")
	cond := iampolicy.Condition{}.With("StringEquals", keyCredentialService, bedrockService)
	if maxDays > 0 {
		cond.With("NumericGreaterThanIfExists", keyCredentialAgeDays, strconv.FormatInt(maxDays, 10))
	}
	out := []iampolicy.Statement{denyAll("BedrockApiKeys", t.l.apiKeyCreate, cond)}
	if maxDays <= 0 && len(t.l.bearerToken) > 0 {
		out = append(out, denyAll("BedrockLongTermKeys", t.l.bearerToken,
			iampolicy.Condition{}.With("StringEquals", keyBearerTokenType, "LONG_TERM")))
	}
	if maxDays <= 0 && len(t.l.mantleBearerToken) > 0 {
		out = append(out, denyAll("MantleLongTermKeys", t.l.mantleBearerToken,
			iampolicy.Condition{}.With("StringEquals", keyMantleBearerType, "LONG_TERM")))
	}
	return out
}

// fullAccessStatements keep the rule's full-access managed policies
// (policyNames, AWS managed, on any path) off every user, group and role
// but those of allowedPrincipals: names match in any account and on any
// path, ARNs exactly. Names are compared as IAM spells them (ARN matching
// is case-sensitive).
func (t *teamPolicy) fullAccessStatements() []iampolicy.Statement {
	er := t.effective(ruleFullAccess)
	if er == nil || len(t.l.policyAttach) == 0 {
		return nil
	}
	var policies []string
	for _, n := range er.Parsed.List("policyNames") {
		// policy*/NAME: the policy at the root path or under any path.
		policies = append(policies, t.arn("iam", "", "aws", "policy*/"+n))
	}
	if len(policies) == 0 {
		return nil
	}
	st := denyAll("IamNoFullAccess", t.l.policyAttach, iampolicy.Condition{}.With("ArnLike", keyPolicyArn, policies...))
	var holders []string
	for _, p := range er.Parsed.List("allowedPrincipals") {
		if strings.HasPrefix(p, "arn:") {
			holders = append(holders, p)
		} else {
			holders = append(holders, t.arn("iam", "", "*", "*/"+p))
		}
	}
	if len(holders) > 0 {
		st.Resource, st.NotResource = nil, sorted(holders...)
	}
	return []iampolicy.Statement{st}
}

// agentCoreNetworkStatements require a VPC (subnets) of AgentCore
// runtimes and custom browsers, and of code interpreters where the team
// allows VPC mode only (SANDBOX has no subnets either and passes the rule
// by default). The network mode has no key; subnets absent is public mode.
func (t *teamPolicy) agentCoreNetworkStatements() []iampolicy.Statement {
	var actions []string
	for _, a := range t.l.agentCoreNetwork {
		var er *orgspec.EffectiveRule
		switch n := name(a); {
		case strings.Contains(n, "AgentRuntime"):
			er = t.effective(ruleRuntimeNetwork)
		case strings.Contains(n, "Browser"):
			er = t.effective(ruleBrowserNetwork)
		case strings.Contains(n, "CodeInterpreter"):
			if er = t.effective(ruleCodeInterpreter); er != nil && !vpcOnly(er.Parsed.List("allowedNetworkModes")) {
				er = nil
			}
		}
		if er != nil {
			actions = append(actions, a)
		}
	}
	if len(actions) == 0 {
		return nil
	}
	return []iampolicy.Statement{denyAll("AgentCoreVpc", actions, iampolicy.Condition{}.With("Null", keyAgentCoreSubnets, "true"))}
}

func vpcOnly(modes []string) bool {
	return len(modes) > 0 && !slices.ContainsFunc(modes, func(m string) bool { return !strings.EqualFold(m, "VPC") })
}

// serverCertStatements deny IAM server certificates, whose only use is to
// front an endpoint, where the team's ml-endpoint-certificate judges
// every load balancer, domain and distribution (requireMlTag false); with
// the ML tag required, an IAM certificate may rightly front something
// else.
func (t *teamPolicy) serverCertStatements() []iampolicy.Statement {
	er := t.effective(ruleEndpointCert)
	if er == nil || er.Parsed.Bool("requireMlTag") || len(t.l.serverCertUpload) == 0 {
		return nil
	}
	return []iampolicy.Statement{denyAll("IamNoServerCerts", t.l.serverCertUpload, nil)}
}

// imdsStatements: notebooks allow only IMDSv2. A create without the
// setting gets IMDSv1 (StringNotEquals is true on an absent key); an
// update without it keeps the current value, so only lowering it to 1
// (the API takes 1 or 2) is denied.
func (t *teamPolicy) imdsStatements() []iampolicy.Statement {
	if t.effective(ruleNotebookImds) == nil {
		return nil
	}
	isUpdate := func(n string) bool { return strings.HasPrefix(name(n), "Update") }
	var out []iampolicy.Statement
	if c := filter(t.l.notebookImds, func(n string) bool { return !isUpdate(n) }); len(c) > 0 {
		out = append(out, denyAll("SmNotebookImds", c, iampolicy.Condition{}.With("StringNotEquals", keyImds, "2")))
	}
	if u := filter(t.l.notebookImds, isUpdate); len(u) > 0 {
		out = append(out, denyAll("SmNotebookImdsUpdate", u, iampolicy.Condition{}.With("StringEquals", keyImds, "1")))
	}
	return out
}

// memoryKeyStatements: AgentCore memory names a KMS key (the rule takes
// any customer managed key, so any key given passes).
func (t *teamPolicy) memoryKeyStatements() []iampolicy.Statement {
	if t.effective(ruleMemoryKey) == nil || len(t.l.agentCoreMemoryKey) == 0 {
		return nil
	}
	return []iampolicy.Statement{denyAll("AgentCoreMemoryKey", t.l.agentCoreMemoryKey, iampolicy.Condition{}.With("Null", keyAgentCoreKms, "true"))}
}

// comprehendKeyStatements: custom Comprehend models name a model key and,
// where they are trained, a volume key (one statement each: conditions on
// two keys would deny only when both are missing).
func (t *teamPolicy) comprehendKeyStatements() []iampolicy.Statement {
	if t.effective(ruleComprehendKeys) == nil || len(t.l.comprehendModelKey) == 0 {
		return nil
	}
	out := []iampolicy.Statement{denyAll("ComprehendModelKey", t.l.comprehendModelKey, iampolicy.Condition{}.With("Null", keyComprehendModelKms, "true"))}
	if len(t.l.comprehendVolumeKey) > 0 {
		out = append(out, denyAll("ComprehendVolumeKey", t.l.comprehendVolumeKey, iampolicy.Condition{}.With("Null", keyComprehendVolKms, "true")))
	}
	return out
}

// tagStatements: the SageMaker resources sagemaker-resource-tagged judges
// are created with the team tag and the required tag keys. The actions are
// the rule's types' Create actions that present aws:RequestTag (tags given
// at creation; CloudFormation adds the stack's). One statement per key:
// Null tests on several keys in one statement are ANDed.
func (t *teamPolicy) tagStatements() []iampolicy.Statement {
	er := t.effective(ruleTagged)
	if er == nil {
		return nil
	}
	var out []iampolicy.Statement
	for i, k := range t.requiredTags() {
		actions := t.createActionsWithTag(er.Rule.ResourceTypes, k)
		if len(actions) == 0 {
			continue
		}
		sid := "SmTagTeam"
		if i > 0 {
			sid = "SmTag" + strconv.Itoa(i)
		}
		out = append(out, denyAll(sid, actions, iampolicy.Condition{}.With("Null", "aws:RequestTag/"+k, "true")))
	}
	if len(out) == 0 {
		return nil
	}
	// A tag given at creation must not be removed afterwards: the tag
	// removal actions, on the rule's types only (other resources' tags
	// are the team's).
	if res := t.taggedResources(er.Rule.ResourceTypes); len(res) > 0 && len(t.l.tagRemoval) > 0 {
		out = append(out, iampolicy.Statement{Sid: "SmTagKeep", Effect: deny, Action: sorted(t.l.tagRemoval...), Resource: res,
			Condition: iampolicy.Condition{}.With("ForAnyValue:StringEqualsIgnoreCase", keyTagKeys, t.requiredTags()...)})
	}
	return out
}

// taggedResources are ARN patterns, in any Region and account, of the
// SageMaker resource types among CloudFormation types
// (AWS::SageMaker::EndpointConfig: endpoint-config/*).
func (t *teamPolicy) taggedResources(types []string) []string {
	var out []string
	for _, typ := range types {
		parts := strings.Split(typ, "::")
		if len(parts) != 3 || !strings.EqualFold(parts[1], "SageMaker") {
			continue
		}
		if rt := t.l.tab.Service("sagemaker").ResourceType(jobResource(parts[2])); rt != nil {
			out = append(out, arnPattern(rt.ARN, t.partition))
		}
	}
	return sorted(out...)
}

// arnPattern turns an ARN format of the reference into a pattern in the
// partition: every other ${Variable} becomes *.
func arnPattern(format, partition string) string {
	return arnVariable.ReplaceAllString(strings.ReplaceAll(format, "${Partition}", partition), "*")
}

var arnVariable = regexp.MustCompile(`\$\{[A-Za-z]+\}`)

// requiredTags are the tag keys sagemaker-resource-tagged requires of the
// team's resources, the team tag first; none when the team does not run
// it. Tag keys are case-insensitive in IAM conditions.
func (t *teamPolicy) requiredTags() []string {
	er := t.effective(ruleTagged)
	if er == nil {
		return nil
	}
	keys := []string{cmp.Or(er.Parsed.String("teamTagKey"), t.tags.Team)}
	for _, k := range er.Parsed.List("requiredTagKeys") {
		if !slices.ContainsFunc(keys, func(x string) bool { return strings.EqualFold(x, k) }) {
			keys = append(keys, k)
		}
	}
	return keys
}

// createActionsWithTag returns the Create actions of CloudFormation
// resource types (AWS::SageMaker::Model: sagemaker:CreateModel) that
// present the request tag.
func (t *teamPolicy) createActionsWithTag(types []string, tagKey string) []string {
	var out []string
	for _, typ := range types {
		parts := strings.Split(typ, "::")
		if len(parts) != 3 {
			continue
		}
		svc := t.l.tab.Service(strings.ToLower(parts[1]))
		if svc == nil {
			continue
		}
		if a := svc.Action("Create" + parts[2]); a != nil && a.Supports("aws:RequestTag/"+tagKey) {
			out = append(out, a.FullName())
		}
	}
	return sorted(out...)
}

// leftOut is a counterpart the team's SCPs have no room for: its
// statements (exempting the break-glass roles) go to the root if the root
// has room (placeAtRoot), else they stay out.
type leftOut struct {
	name       string
	statements []iampolicy.Statement
	omission   Omission
}

// leftOut returns the team's counterpart of that name its SCPs left out,
// or nil.
func (t *teamPolicy) leftOut(name string) *leftOut {
	for i := range t.left {
		if t.left[i].name == name {
			return &t.left[i]
		}
	}
	return nil
}

// planCounterparts chooses the counterparts that fit the team's SCP room
// next to its posture statements (base), in the table's order, and records
// those left out, which are also omitted until placeAtRoot places them.
func (t *teamPolicy) planCounterparts(base []iampolicy.Statement, limit int) {
	t.chosen, t.left, t.omitted, t.atRoot, t.rooted = nil, nil, nil, nil, nil
	room := t.maxChars - frameSize()
	var sizes []int
	for _, s := range base {
		n, err := statementSize(s)
		if err != nil || n > room {
			return // the posture alone does not fit: scpArtifacts says so
		}
		sizes = append(sizes, n)
	}
	for _, c := range counterparts {
		sts := c.statements(t)
		if len(sts) == 0 {
			continue
		}
		next := slices.Clone(sizes)
		o := Omission{Team: t.team.Name, Counterpart: c.name}
		fits := true
		for i := range sts {
			sts[i] = exemptBreakGlass(sts[i], t.breakGlass)
			n, err := statementSize(sts[i])
			fits = fits && err == nil && n <= room
			next = append(next, n)
			o.Statements = append(o.Statements, sts[i].Sid)
			o.Characters += n
		}
		if fits && len(firstFitDecreasing(next, room, len(next))) <= limit {
			t.chosen, sizes = append(t.chosen, sts...), next
			continue
		}
		t.left = append(t.left, leftOut{name: c.name, statements: sts, omission: o})
		t.omitted = append(t.omitted, o)
	}
}

// has reports whether a counterpart statement decides the team's
// requests: chosen for its SCPs, or placed at the root.
func (t *teamPolicy) has(sid string) bool {
	return t.counterpartStatement(sid) != nil
}

// counterpartStatement returns the team's counterpart statement of that
// Sid, in its SCPs or placed at the root, or nil.
func (t *teamPolicy) counterpartStatement(sid string) *iampolicy.Statement {
	for _, sts := range [][]iampolicy.Statement{t.chosen, t.atRoot} {
		if i := slices.IndexFunc(sts, func(s iampolicy.Statement) bool { return s.Sid == sid }); i >= 0 {
			return &sts[i]
		}
	}
	return nil
}
