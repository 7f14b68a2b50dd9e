package iameval

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/aiguard/aiguard/awsid"
	"github.com/aiguard/aiguard/iampolicy"
)

// The semantic lint: each Deny statement that tests a control key aiguard
// knows is probed with requests. Does it block the insecure value, does it
// let the secure value through, and can a caller skip it by leaving the
// parameter out? The answers come from the evaluator, so they hold for any
// policy, written by hand or generated.

// Probe finding codes.
const (
	CodeBlocksSecure   = "policy-semantic-blocks-secure"
	CodeAllowsInsecure = "policy-semantic-allows-insecure"
	CodeSkippable      = "policy-semantic-skippable"
)

// ProbeCodes describes the codes Probe reports, as iampolicy.Codes does
// for the linter.
func ProbeCodes() map[string]string {
	return map[string]string{
		CodeBlocksSecure:   "a Deny on a control key (SageMaker VPC, root, internet, isolation, encryption, KMS keys; Bedrock models, guardrail; Regions; the boundary) lets the secure value through",
		CodeAllowsInsecure: "the policy blocks the insecure value of each control key its Deny statements test",
		CodeSkippable:      "a caller cannot skip a control by leaving its parameter out where the default is insecure",
	}
}

// control describes a condition key whose values are secure or not.
type control struct {
	key string
	// insecure are values that must be denied whatever the policy lists.
	insecure []string
	// secure is a value no control policy should deny, used when the
	// policy lists no allowed values.
	secure string
	// list: the policy may allow-list values (subnets, keys, Regions...);
	// a value outside its list is insecure.
	list    bool
	foreign string
	// omitted reports whether leaving the key out of a request of the
	// action means the insecure default.
	omitted func(action string) bool
	// applies, when set, limits the probes to the actions where the key
	// means what the control is about.
	applies func(action string) bool
	what    string
}

func createAction(name string) bool { return strings.HasPrefix(name, "Create") }

// createJob: creating the resource without the setting gets the insecure
// default, except for model-monitoring schedules, whose request carries
// no settings when it names a job definition.
func createJob(a string) bool { return createAction(a) && !strings.Contains(a, "MonitoringSchedule") }

var controls = []control{
	{key: "sagemaker:RootAccess", insecure: []string{"Enabled"}, secure: "Disabled", what: "root access",
		omitted: func(a string) bool { return a == "CreateNotebookInstance" }},
	{key: "sagemaker:DirectInternetAccess", insecure: []string{"Enabled"}, secure: "Disabled", what: "direct internet access",
		omitted: func(a string) bool { return a == "CreateNotebookInstance" }},
	{key: "sagemaker:NetworkIsolation", insecure: []string{"false"}, secure: "true", what: "network isolation",
		omitted: func(a string) bool { return createJob(a) && a != "CreateEndpointConfig" }},
	{key: "sagemaker:InterContainerTrafficEncryption", insecure: []string{"false"}, secure: "true",
		what: "inter-container traffic encryption", omitted: createJob},
	{key: "sagemaker:AppNetworkAccessType", insecure: []string{"PublicInternetOnly"}, secure: "VpcOnly",
		what: "the domain's network access", omitted: createAction},
	// CreateEndpointConfig takes its network from its models; CreateDomain
	// always names subnets (the API requires them).
	{key: "sagemaker:VpcSubnets", list: true, secure: "subnet-0a1b2c3d4e5f6a7b8", foreign: "subnet-0deadbeef0000000f",
		what: "the VPC", omitted: func(a string) bool {
			return createJob(a) && a != "CreateEndpointConfig" && a != "CreateDomain"
		}},
	{key: "sagemaker:VolumeKmsKey", list: true, secure: "arn:aws:kms:us-east-1:111122223333:key/0a1b2c3d-0000-4000-8000-000000000001",
		foreign: "arn:aws:kms:us-east-1:000000000000:key/0a1b2c3d-0000-4000-8000-00000000dead", what: "the volume KMS key",
		omitted: func(a string) bool { return createJob(a) && a != "CreateLabelingJob" }},
	{key: "sagemaker:OutputKmsKey", list: true, secure: "arn:aws:kms:us-east-1:111122223333:key/0a1b2c3d-0000-4000-8000-000000000001",
		foreign: "arn:aws:kms:us-east-1:000000000000:key/0a1b2c3d-0000-4000-8000-00000000dead", what: "the output KMS key",
		omitted: createJob},
	{key: "bedrock:GuardrailIdentifier", list: true, secure: "arn:aws:bedrock:us-east-1:111122223333:guardrail/probe0gr0:1",
		foreign: "arn:aws:bedrock:us-east-1:000000000000:guardrail/other0gr0:1", what: "the guardrail",
		omitted: func(string) bool { return true }},
	{key: "aws:RequestedRegion", list: true, secure: "us-east-1", foreign: "ap-southeast-4", what: "the Region",
		omitted: func(string) bool { return false }},
	{key: "iam:PermissionsBoundary", list: true, secure: "arn:aws:iam::111122223333:policy/probe-boundary",
		foreign: "arn:aws:iam::111122223333:policy/other-boundary", what: "the permission boundary",
		omitted: func(a string) bool {
			return a == "CreateRole" || a == "CreateUser" || strings.HasPrefix(a, "Put") || strings.HasPrefix(a, "Attach")
		},
		// Where iam:PermissionsBoundary is the boundary a principal gets or
		// keeps while gaining permissions; on DeleteRolePermissionsBoundary
		// it is the boundary being removed, which a Deny rightly matches.
		applies: func(a string) bool {
			return a == "CreateRole" || a == "CreateUser" || a == "UpdateAssumeRolePolicy" ||
				strings.HasPrefix(a, "Put") || strings.HasPrefix(a, "Attach")
		}},
}

// exemptionKeys may appear next to a control key without making a probe
// meaningless: they only exempt principals (break-glass) or are filled.
var exemptionKeys = []string{"aws:principalarn", "aws:principalaccount", "aws:principalorgid"}

// probePrincipal is the caller of the probes: a role no exemption names.
const probePrincipal = "arn:aws:sts::111122223333:assumed-role/aiguard-lint-probe/probe"

// ProbeData reads a policy and probes it; see Probe. It returns nothing
// for text that does not read as a policy (Lint reports that).
func (e *Evaluator) ProbeData(data []byte, t iampolicy.Type, companions ...*iampolicy.Document) []iampolicy.Finding {
	doc, err := iampolicy.Parse(data)
	if err != nil {
		return nil
	}
	return e.Probe(doc, t, companions...)
}

// Probe checks the Deny statements of doc that test a control key:
// secure requests they deny, insecure values the policy lets through, and
// parameters a caller can leave out to skip them. companions are policies
// evaluated together with doc (the other SCPs attached to the same
// target): their statements count when deciding whether an insecure
// request is blocked, but findings are about doc's statements only.
// Statements that test other keys (a principal tag, say) are not probed:
// whether they apply depends on who calls.
func (e *Evaluator) Probe(doc *iampolicy.Document, t iampolicy.Type, companions ...*iampolicy.Document) []iampolicy.Finding {
	return e.ProbeSet(append([]*iampolicy.Document{doc}, companions...), 1, t)[0]
}

// ProbeSet probes the first n of docs, all of which are evaluated
// together, and returns the findings of each of the n.
func (e *Evaluator) ProbeSet(docs []*iampolicy.Document, n int, t iampolicy.Type) [][]iampolicy.Finding {
	out := make([][]iampolicy.Finding, n)
	if t == iampolicy.TypeRCP {
		return out
	}
	all := []*Compiled{FullAWSAccess()}
	compiled := make([]*Compiled, len(docs))
	var used []*iampolicy.Document
	for i, d := range docs {
		if d == nil {
			continue
		}
		c, err := Compile(fmt.Sprintf("policy %d", i+1), t, denyOnly(d))
		if err != nil {
			continue
		}
		compiled[i] = c
		all = append(all, c)
		used = append(used, d)
	}
	p := &prober{e: e, set: Set{SCPs: [][]*Compiled{all}, Identity: []*Compiled{AdministratorAccess()}},
		lists: allowLists(used), cache: map[string]bool{}}
	for i := range n {
		if compiled[i] == nil {
			continue
		}
		p.found, p.order = nil, nil
		for j, s := range docs[i].Statement {
			if s.Effect != "Deny" {
				continue
			}
			label := s.Sid
			if label == "" {
				label = fmt.Sprintf("statement %d", j+1)
			}
			p.statement(label, &compiled[i].stmts[j], s)
		}
		out[i] = p.findings()
	}
	return out
}

// denyOnly keeps a document's Deny statements, in place of its others (so
// that statement indexes still match): an identity policy's or boundary's
// Allow statements decide what is granted, not what is blocked.
func denyOnly(doc *iampolicy.Document) *iampolicy.Document {
	out := &iampolicy.Document{Version: doc.Version}
	for _, s := range doc.Statement {
		if s.Effect != "Deny" {
			s = iampolicy.Statement{Sid: s.Sid, Effect: "Allow", Action: []string{"*"}, Resource: []string{"*"}}
		}
		out.Statement = append(out.Statement, s)
	}
	return out
}

type prober struct {
	e     *Evaluator
	set   Set
	lists map[string][][]string // lower-case key -> the allow-lists the policies give it
	cache map[string]bool       // request -> denied, for the probes several statements share
	found map[string]*probeFinding
	order []string
}

type probeFinding struct {
	code, label, key, msg string
	actions               []string
}

// allowLists collects, per key, the value lists of Deny tests that deny
// what is outside them (StringNotEquals, ArnNotLike, their ForAnyValue and
// IfExists forms) in statements testing no other control key: the values
// the policies allow.
func allowLists(docs []*iampolicy.Document) map[string][][]string {
	out := map[string][][]string{}
	for _, d := range docs {
		for _, s := range d.Statement {
			if s.Effect != "Deny" {
				continue
			}
			keys := testedKeys(s)
			for op, kv := range s.Condition {
				o, ok := iampolicy.ParseOperator(op)
				if !ok || !o.Negated || o.Set == "ForAllValues" {
					continue
				}
				for k, vals := range kv {
					if len(keys) == 1 {
						out[strings.ToLower(k)] = append(out[strings.ToLower(k)], vals)
					}
				}
			}
		}
	}
	return out
}

// testedKeys are the statement's condition keys, lower case, less the
// exemption keys.
func testedKeys(s iampolicy.Statement) []string {
	var out []string
	for _, kv := range s.Condition {
		for k := range kv {
			lk := strings.ToLower(k)
			if !slices.Contains(exemptionKeys, lk) && !slices.Contains(out, lk) {
				out = append(out, lk)
			}
		}
	}
	sort.Strings(out)
	return out
}

func controlFor(key string) *control {
	for i := range controls {
		if strings.EqualFold(controls[i].key, key) {
			return &controls[i]
		}
	}
	return nil
}

// fillKeys are keys a request needs set for the probes to look like real,
// compliant requests, besides the control keys.
var fillKeys = []struct{ key, value string }{
	{"sagemaker:instancetypes", "ml.m5.xlarge"},
	{"sagemaker:vpcsecuritygroupids", "sg-0a1b2c3d4e5f6a7b8"},
	{"sagemaker:notebookinstancelifecycleconfigarns", "arn:aws:sagemaker:us-east-1:111122223333:notebook-instance-lifecycle-config/probe"},
}

// statement probes one Deny statement on each control key it tests.
func (p *prober) statement(label string, cs *cstmt, s iampolicy.Statement) {
	keys := testedKeys(s)
	for _, k := range keys {
		c := controlFor(k)
		if c == nil {
			continue
		}
		// The statement's other tests must be on keys the probes fill, or
		// true for a caller without them (an exemption such as
		// StringNotEqualsIfExists aws:PrincipalTag/exclude): a test that
		// needs a principal tag applies or not depending on the caller.
		eligible := true
		for _, other := range keys {
			if other != k && controlFor(other) == nil && !isFill(other) && !trueWhenAbsent(cs, other) {
				eligible = false
			}
		}
		if !eligible {
			continue
		}
		for _, a := range p.actions(s) {
			p.probe(label, cs, c, a)
		}
	}
}

func isFill(k string) bool {
	for _, f := range fillKeys {
		if f.key == k {
			return true
		}
	}
	return false
}

// sampleActions stand for "every action" in statements with NotAction or
// Action "*".
var sampleActions = []string{"sagemaker:CreateTrainingJob", "sagemaker:CreateNotebookInstance", "bedrock:InvokeModel"}

// actions are the actions of the table the statement names (a sample for
// NotAction).
func (p *prober) actions(s iampolicy.Statement) []*iampolicy.Action {
	var out []*iampolicy.Action
	add := func(a *iampolicy.Action) {
		if a != nil && !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	if s.NotAction != nil || slices.Contains(s.Action, "*") {
		for _, n := range sampleActions {
			if s.NotAction != nil && matchesAny(s.NotAction, n) {
				continue
			}
			add(p.e.action(n))
		}
		return out
	}
	for _, pat := range s.Action {
		acts, _ := p.e.table.MatchActions(pat)
		for _, a := range acts {
			add(a)
		}
	}
	return out
}

func matchesAny(patterns []string, action string) bool {
	for _, pat := range patterns {
		if glob(strings.ToLower(pat), nil, strings.ToLower(action)) {
			return true
		}
	}
	return false
}

// probe sends the secure, insecure and omitted requests of one control
// key on one action.
func (p *prober) probe(label string, cs *cstmt, c *control, a *iampolicy.Action) {
	if !a.Supports(c.key) && !strings.HasPrefix(c.key, "aws:") || c.applies != nil && !c.applies(a.Name) {
		return
	}
	key := strings.ToLower(c.key)
	base := p.base(a)
	secure := p.secureValue(c)
	base[key] = []string{secure}
	// The statement's other keys take values that make its other tests
	// true, so that the probe is about this key: an instance type
	// without local storage for a volume-key test that spares those.
	for _, cd := range cs.conds {
		if cd.key == key || slices.Contains(exemptionKeys, cd.key) {
			continue
		}
		if _, set := base[cd.key]; set {
			base[cd.key] = []string{p.allowedWhere(cd.key, base[cd.key][0], func(v string) bool {
				return statementKeyTrue(cs, cd.key, v)
			})}
		}
	}
	resource := p.resource(a)
	req := func(ctx map[string][]string) Request {
		return Request{Principal: probePrincipal, Action: a.FullName(), Resource: resource, Context: ctx}
	}
	// The statement itself must let the secure request through.
	if rc, err := p.e.prepare(req(base)); err == nil && cs.applies(rc, probePrincipal) == yes {
		p.add(CodeBlocksSecure, label, c.key, a.FullName(), fmt.Sprintf(
			"it denies the secure value: %s with %s %q is denied, although %s is what the control requires; "+
				"a Deny must test for the insecure value (for example StringNotEquals %q, or a Null test for a missing key)",
			a.FullName(), c.key, secure, c.what, secure))
	}
	insecure := slices.Clone(c.insecure)
	if c.list && len(p.lists[key]) > 0 {
		insecure = append(insecure, c.foreign)
	}
	for _, v := range insecure {
		if !p.denied(req(with(base, key, []string{v}))) {
			p.add(CodeAllowsInsecure, label, c.key, a.FullName(), fmt.Sprintf(
				"the policy lets the insecure value through: %s with %s %q is allowed", a.FullName(), c.key, v))
		}
	}
	if c.omitted(a.Name) && !p.denied(req(with(base, key, nil))) {
		p.add(CodeSkippable, label, c.key, a.FullName(), fmt.Sprintf(
			"a caller skips it by leaving %s out: %s without it is allowed, and the default is insecure; "+
				"add IfExists to the operator or a Null \"true\" test for the key", c.key, a.FullName()))
	}
}

func (p *prober) denied(r Request) bool {
	var b strings.Builder
	b.WriteString(r.Action + " " + r.Resource)
	keys := make([]string, 0, len(r.Context))
	for k := range r.Context {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		b.WriteString("\x00" + k + "=" + strings.Join(r.Context[k], "\x01"))
	}
	id := b.String()
	if v, ok := p.cache[id]; ok {
		return v
	}
	d, err := p.e.Decide(r, p.set)
	v := err == nil && d.Denied()
	p.cache[id] = v
	return v
}

func with(m map[string][]string, key string, v []string) map[string][]string {
	out := make(map[string][]string, len(m))
	for k, vals := range m {
		out[k] = vals
	}
	if v == nil {
		delete(out, key)
	} else {
		out[key] = v
	}
	return out
}

// secureValue is a value of the control key the policies allow: one of
// their allow-lists' values (wildcards filled) that every list accepts,
// else the control's own secure value.
func (p *prober) secureValue(c *control) string {
	if !c.list {
		return c.secure // a fixed vocabulary: Disabled is secure whatever a policy lists
	}
	return p.allowed(strings.ToLower(c.key), c.secure)
}

// allowed picks a value every allow-list of the key accepts.
func (p *prober) allowed(key, def string) string {
	return p.allowedWhere(key, def, nil)
}

// alternatives are more values to try for a key when the first ones do
// not fit.
var alternatives = map[string][]string{
	"sagemaker:instancetypes": {"ml.m5.xlarge", "ml.t3.medium", "ml.c5.xlarge", "ml.m5.large"},
}

// allowedWhere picks a value every allow-list of the key accepts and, when
// ok is set, that ok accepts.
func (p *prober) allowedWhere(key, def string, ok func(string) bool) string {
	lists := p.lists[key]
	var candidates []string
	for _, l := range lists {
		for _, v := range l {
			candidates = append(candidates, fill(v))
		}
	}
	candidates = append(append(candidates, def), alternatives[key]...)
	for _, cand := range candidates {
		fits := ok == nil || ok(cand)
		for _, l := range lists {
			if !fits {
				break
			}
			fits = slices.ContainsFunc(l, func(pat string) bool { return glob(pat, nil, cand) || arnMatch(pat, nil, cand) })
		}
		if fits {
			return cand
		}
	}
	return candidates[0]
}

// trueWhenAbsent reports whether the statement's tests of the key are all
// true for a request without it.
func trueWhenAbsent(cs *cstmt, key string) bool {
	rc := &reqCtx{keys: map[string][]string{}}
	for i := range cs.conds {
		if cs.conds[i].key == key && cs.conds[i].eval(rc) != yes {
			return false
		}
	}
	return true
}

// statementKeyTrue reports whether every test of the statement on the key
// is true for the value.
func statementKeyTrue(cs *cstmt, key, v string) bool {
	rc := &reqCtx{keys: map[string][]string{key: {v}}}
	for i := range cs.conds {
		if cs.conds[i].key == key && cs.conds[i].eval(rc) != yes {
			return false
		}
	}
	return true
}

// fill turns a pattern into a value it matches: ml.m5.* -> ml.m5.xlarge,
// arn:aws:kms:*:*:key/x -> arn:aws:kms:us-east-1:111122223333:key/x.
func fill(pattern string) string {
	if a, ok := awsid.SplitARN(pattern); ok {
		if a.Region == "*" {
			a.Region = "us-east-1"
		}
		if a.AccountID == "*" {
			a.AccountID = "111122223333"
		}
		pattern = a.String()
	}
	if strings.HasPrefix(pattern, "ml.") {
		parts := strings.Split(pattern, ".")
		if len(parts) == 3 {
			if parts[1] == "*" {
				parts[1] = "m5"
			}
			if parts[2] == "*" {
				parts[2] = "xlarge"
			}
			return strings.Join(parts, ".")
		}
	}
	return strings.NewReplacer("*", "x", "?", "x").Replace(pattern)
}

// base is a compliant request context for the action: every control and
// fill key it presents set to a value the policies allow.
func (p *prober) base(a *iampolicy.Action) map[string][]string {
	ctx := map[string][]string{"aws:requestedregion": {p.allowed("aws:requestedregion", "us-east-1")}}
	for _, c := range controls {
		if a.Supports(c.key) {
			ctx[strings.ToLower(c.key)] = []string{p.secureValue(&c)}
		}
	}
	for _, f := range fillKeys {
		if a.Supports(f.key) {
			ctx[f.key] = []string{p.allowed(f.key, f.value)}
		}
	}
	return ctx
}

// resource is an ARN of the action's first resource type, or a model the
// policies allow for Bedrock inference.
func (p *prober) resource(a *iampolicy.Action) string {
	if len(a.ResourceTypes) == 0 {
		return "*"
	}
	rt := p.e.table.Service(a.Service).ResourceType(a.ResourceTypes[0])
	if rt == nil {
		return "*"
	}
	if a.Service == "bedrock" && slices.Contains(a.ResourceTypes, "foundation-model") {
		return p.model()
	}
	arn := strings.NewReplacer("${Partition}", "aws", "${Region}", "us-east-1", "${Account}", "111122223333").Replace(rt.ARN)
	return placeholders.ReplaceAllString(arn, "probe")
}

var placeholders = regexp.MustCompile(`\$\{[^}]*\}`)

// model is a foundation model the policies' NotResource allow-lists of
// Bedrock inference let through, or an example model.
func (p *prober) model() string {
	const def = "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0"
	for _, c := range p.set.SCPs[0] {
		for _, s := range c.stmts {
			if s.allow || !s.notResource {
				continue
			}
			for _, r := range s.resources {
				// Not an embedding model: guardrail statements spare them.
				if strings.Contains(r.text, ":foundation-model/") && !strings.Contains(r.text, "embed") {
					return fill(r.text)
				}
			}
		}
	}
	return def
}

func (p *prober) add(code, label, key, action, msg string) {
	if p.found == nil {
		p.found = map[string]*probeFinding{}
	}
	id := code + "\x00" + label + "\x00" + key
	if f := p.found[id]; f != nil {
		f.actions = append(f.actions, action)
		return
	}
	p.found[id] = &probeFinding{code: code, label: label, key: key, msg: msg, actions: []string{action}}
	p.order = append(p.order, id)
}

func (p *prober) findings() []iampolicy.Finding {
	var out []iampolicy.Finding
	for _, id := range p.order {
		f := p.found[id]
		msg := f.msg
		if n := len(f.actions); n > 1 {
			msg += fmt.Sprintf(" (and for %d more of its actions: %s)", n-1, listNames(f.actions[1:], 4))
		}
		out = append(out, iampolicy.Finding{Severity: iampolicy.SeverityError, Code: f.code, Location: f.label, Message: msg})
	}
	return out
}

func listNames(names []string, max int) string {
	if len(names) <= max {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s, ...", strings.Join(names[:max], ", "))
}
