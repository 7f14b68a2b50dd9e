package cfnjudge

// Judging a template resource. The resource is folded (fold.go) and
// converted into the CI the rules read, once per way its unknown
// conditions can go; each rule's verdict is then tested against the values
// left unresolved: a value is probed with others it could take (the
// template's own candidates, values of the property's type, the rule's
// parameters), and a verdict that changes with it (in compliance or, for a
// failure, in its reason) depends on it. A failure that depends on no
// unresolved value is reported whatever else is unresolved; one that does
// is NOT_APPLICABLE, with the reason; a pass that does says what it
// assumes.

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/aiguard/aiguard/awsid"
	"github.com/aiguard/aiguard/configitem"
	"github.com/aiguard/aiguard/conformance"
	"github.com/aiguard/aiguard/internal/cfnspec"
	"github.com/aiguard/aiguard/rules"
)

// maxChoices bounds the unknown conditions whose combinations a resource
// is judged under (2^5 = 32 builds); further ones stay unresolved.
const maxChoices = 5

// maxProbes bounds the extra builds of one resource.
const maxProbes = 400

// Unit is a template or planned resource that a rule covers; a worker
// judges it.
type Unit struct {
	t       *Template
	id, typ string
	pos     Position
	body    *conformance.Value
	props   *conformance.Value
	cond    string
	skips   []skip
	// mlRefs are the AI resources of the template that use this one.
	mlRefs []string
}

// built is a resource folded and converted under one choice of its
// conditions (and, for a probe, one substitution).
type built struct {
	item       *configitem.Item
	unresolved []unresolvedField
	assumed    []assumption
	props      map[string]conformance.Pos
	// prefixes map the template paths of the resources it references
	// (relations.go) onto the CI paths the rules read them at.
	prefixes []pathPrefix
	err      error
}

func (r *Unit) build(choice map[string]bool, subst map[string]any) *built {
	b := &built{props: map[string]conformance.Pos{}}
	ctx := &foldCtx{t: r.t, choice: choice, subst: subst, assumed: &b.assumed, props: b.props}
	var props map[string]any
	switch v := ctx.fold(r.props, "Properties").(type) {
	case nil, noValueT:
	case map[string]any:
		props = v
	case *intrinsic:
		// Properties as a whole left unresolved: judge what the rules
		// can tell from nothing, noting it.
		b.unresolved = append(b.unresolved, unresolvedField{path: "configuration", prop: "Properties", expr: render(v), node: v})
	default:
		b.err = fmt.Errorf("its Properties are %s, not a mapping", describeValue(v))
		return b
	}
	fold := func(v *conformance.Value, path string, extra map[string]string) any {
		c := &foldCtx{t: r.t, choice: choice, subst: subst, extra: extra, assumed: &b.assumed, props: b.props}
		return c.fold(v, path)
	}
	c := newConverter(r.t.opts, fold)
	var item *configitem.Item
	var err error
	switch r.typ {
	case TypeS3Bucket:
		item, err = c.s3Bucket(r.id, props, r.t.policies)
	case TypeKMSKey:
		item, err = c.kmsKey(r.id, props)
	case typeIAMRole, typeIAMUser, typeIAMGroup:
		item, err = c.iamPrincipal(r.id, r.typ, props)
	default:
		item, err = c.generic(r.id, r.typ, props)
		if rel := r.attachRelated(b, c, props, func(v *conformance.Value, path string) any {
			return ctx.fold(v, path)
		}); err == nil && len(rel) > 0 {
			item.Supplementary, err = supplementary(rel)
		}
	}
	if err != nil {
		b.err = err
		return b
	}
	item.Status = configitem.StatusOK
	item.CaptureTime = r.t.opts.Now.UTC()
	item.AccountID, item.Region = r.t.opts.AccountID, r.t.opts.Region
	item.MLReferences = r.mlRefs
	b.item = item
	b.unresolved = append(b.unresolved, c.unresolved...)
	return b
}

func describeValue(v any) string {
	switch v.(type) {
	case []any:
		return "a list"
	case string:
		return "a string"
	}
	return "not a mapping"
}

// choices lists the conditions of the Fn::If of the resource, and of the
// resources it references (relations.go), that are not known before
// deployment, at most maxChoices of them.
func (r *Unit) choices() []string {
	seen := map[string]bool{}
	var walk func(v *conformance.Value)
	walk = func(v *conformance.Value) {
		if v == nil {
			return
		}
		if fn, arg, ok := v.Intrinsic(); ok && fn == "Fn::If" && arg.Kind == conformance.List && len(arg.Items) == 3 {
			if name, ok := arg.Items[0].Scalar(); ok && !seen[name] && r.t.condition(name, nil) == condUnknown &&
				r.t.conditions[name] != nil {
				seen[name] = true
			}
		}
		for _, it := range v.Items {
			walk(it)
		}
		for _, f := range v.Fields {
			walk(f.Value)
		}
	}
	walk(r.props)
	for _, id := range r.relatedIDs() {
		walk(r.t.resources[id].Get("Properties"))
	}
	names := sortedKeys(seen)
	if len(names) > maxChoices {
		names = names[:maxChoices]
	}
	return names
}

// variant is the verdict of one rule under one choice of conditions.
type variant struct {
	choice map[string]bool
	ev     rules.Evaluation
	// deciding are the unresolved values the verdict depends on, by
	// template path, with their expressions.
	deciding []unresolvedField
	assumed  []assumption
	where    string // the property that decided, when known
	b        *built
}

// ID is the resource's logical ID, or its address in a plan.
func (r *Unit) ID() string { return r.id }

// Judge judges the resource with the rules of p that cover its type.
func (r *Unit) Judge(p *Profile, out *Result) {
	opts := r.t.opts
	list := p.ByType[r.typ]
	names := r.choices()
	var builds []*built
	var choices []map[string]bool
	for mask := 0; mask < 1<<len(names); mask++ {
		choice := map[string]bool{}
		for i, n := range names {
			choice[n] = mask&(1<<i) != 0
		}
		b := r.build(choice, nil)
		if b.err != nil {
			out.Problem = &Problem{Pos: r.pos, Err: b.err}
			return
		}
		builds = append(builds, b)
		choices = append(choices, choice)
	}
	out.Resource = r.identity(builds[0].item)
	if len(list) == 0 {
		return
	}
	var resourceAssumed []assumption
	created := condTrue
	if r.cond != "" {
		created = r.t.condition(r.cond, &resourceAssumed)
	}
	probes := &probeCache{r: r, builds: map[string]*built{}}
	out.Evaluations = make([]rules.Evaluation, len(list))
	out.Details = make([]Detail, len(list))
	for i, bd := range list {
		var ev rules.Evaluation
		where := ""
		if created == condFalse {
			ev = rules.Evaluation{RuleID: bd.Rule.ID, ResourceType: r.typ, ResourceID: r.id, Compliance: rules.NotApplicable,
				OrderingTimestamp: builds[0].item.CaptureTime,
				Annotation: rules.Annotation(fmt.Sprintf("Not created: its Condition %s is false%s.", r.cond,
					assumedNote(resourceAssumed)))}
		} else {
			variants := make([]variant, len(builds))
			for j, b := range builds {
				variants[j] = probes.verdict(bd, b, choices[j])
			}
			ev, where = combine(variants, names)
			if created == condUnknown {
				ev.Annotation = rules.Annotation(ev.Annotation + fmt.Sprintf(" (The resource is created only when %s is true.)", r.cond))
			}
		}
		ev, ex := bd.Judge.Exempt(ev, opts.Now, out.Resource.Name)
		out.Evaluations[i] = ev
		d := Detail{Where: r.pos, Suppressed: bd.Suppression(ev, ex, r.id, out.Resource.Name)}
		if where != "" {
			if pos, ok := builds[0].props[where]; ok {
				d.Where.Line, d.Where.Column, d.Where.Property = pos.Line, pos.Column, where
			}
		}
		if d.Suppressed == nil && ev.Compliance == rules.NonCompliant {
			for _, s := range r.skips {
				if s.rule == bd.Rule.ID {
					d.Suppressed = &Suppression{Kind: SuppressedMetadata, Reason: s.reason, Expires: s.expires}
					break
				}
			}
		}
		out.Details[i] = d
	}
}

// identity names a template resource: its logical ID, and an ARN only when
// the template fixes the physical name (an ARN made from a logical ID
// would name a resource that does not exist).
func (r *Unit) identity(item *configitem.Item) Identity {
	o := r.t.opts
	id := Identity{AccountID: o.AccountID, Region: o.Region, Partition: PartitionOf("", o.Region), Type: r.typ,
		ID: r.id, Name: item.ResourceName, Template: true, Source: r.t.name}
	if item.ResourceName != "" {
		id.ARN = fixedARN(r.typ, item.ResourceName, id.Partition, o.Region, o.AccountID)
	}
	return id
}

// fixedARN is the ARN of a resource whose name the template fixes, for the
// types whose ARN the name determines; "" for others.
func fixedARN(typ, name, partition, region, account string) string {
	if typ == TypeS3Bucket {
		return "arn:" + partition + ":s3:::" + name
	}
	if region == "" || account == "" {
		return ""
	}
	kinds := map[string]string{
		"AWS::SageMaker::NotebookInstance": "notebook-instance",
		"AWS::SageMaker::Model":            "model",
		"AWS::SageMaker::EndpointConfig":   "endpoint-config",
		"AWS::SageMaker::FeatureGroup":     "feature-group",
	}
	if k, ok := kinds[typ]; ok {
		return "arn:" + partition + ":sagemaker:" + region + ":" + account + ":" + k + "/" + strings.ToLower(name)
	}
	return ""
}

// probeCache builds a resource again with one unresolved value replaced,
// once per (value, probe) for all the rules.
type probeCache struct {
	r      *Unit
	builds map[string]*built
	spent  int
}

func (pc *probeCache) build(choice map[string]bool, path string, i int, v any) (*built, bool) {
	key := fmt.Sprintf("%v|%s|%d", choice, path, i)
	if b, ok := pc.builds[key]; ok {
		return b, true
	}
	if pc.spent >= maxProbes {
		return nil, false
	}
	pc.spent++
	b := pc.r.build(choice, map[string]any{path: v})
	pc.builds[key] = b
	return b, b.err == nil
}

// verdict judges a rule on one build and tests the verdict against each
// unresolved value.
func (pc *probeCache) verdict(bd *Bound, b *built, choice map[string]bool) variant {
	v := variant{choice: choice, b: b}
	v.ev = bd.Rule.Evaluate(b.item, bd.Judge.Params)
	if v.ev.Compliance != rules.NotApplicable {
		v.where = decidingProperty(bd.Rule, v.ev, b)
	}
	if len(b.unresolved) == 0 || v.ev.Compliance == rules.NotApplicable {
		v.assume(relevantAssumptions(bd.Rule, b))
		return v
	}
	seen := map[string]bool{}
	for _, u := range b.unresolved {
		if seen[u.prop] {
			continue
		}
		seen[u.prop] = true
		depends := false
		for i, cand := range pc.candidates(u, bd) {
			pb, ok := pc.build(choice, u.prop, i, cand)
			if !ok {
				// Out of budget (or the value breaks the resource): assume
				// the worst for a failure, as before probing existed.
				depends = overlaps(u.path, bd.Rule.Fields)
				break
			}
			ev := bd.Rule.Evaluate(pb.item, bd.Judge.Params)
			if ev.Compliance != v.ev.Compliance ||
				(v.ev.Compliance == rules.NonCompliant && ev.Annotation != v.ev.Annotation) {
				depends = true
				break
			}
		}
		if depends {
			v.deciding = append(v.deciding, u)
		}
	}
	switch {
	case len(v.deciding) == 0:
	case v.ev.Compliance == rules.NonCompliant:
		v.ev.Compliance = rules.NotApplicable
		v.ev.Annotation = rules.Annotation("Not judged before deployment: the verdict depends on " + describe(v.deciding) +
			", left unresolved. As written: " + v.ev.Annotation)
		v.where = v.deciding[0].prop
	case v.ev.Compliance == rules.Compliant:
		v.ev.Annotation = rules.Annotation("Compliant if " + describe(v.deciding) + ", left unresolved, resolves to a suitable value.")
		v.where = v.deciding[0].prop
	}
	v.assume(relevantAssumptions(bd.Rule, b))
	return v
}

// assume notes the parameter defaults a verdict was reached with.
func (v *variant) assume(as []assumption) {
	v.assumed = as
	if len(as) > 0 && v.ev.Compliance != rules.NotApplicable {
		v.ev.Annotation = rules.Annotation(strings.TrimSpace(v.ev.Annotation + " (Judged with " + assumedList(as) + ".)"))
	}
}

func describe(us []unresolvedField) string {
	parts := make([]string, len(us))
	for i, u := range us {
		parts[i] = fmt.Sprintf("%s (%s)", u.display(), u.expr)
	}
	return strings.Join(parts, ", ")
}

// overlaps reports whether a CI path is one of the fields, or inside or
// around one (case-insensitively, as CI field names vary).
func overlaps(path string, fields []string) bool {
	for _, f := range fields {
		a, b := path, f
		if len(a) > len(b) {
			a, b = b, a
		}
		if strings.EqualFold(a, b[:len(a)]) && (len(a) == len(b) || b[len(a)] == '.') {
			return true
		}
	}
	return false
}

// relevantAssumptions are the parameter defaults the rule's fields were
// folded with.
func relevantAssumptions(r *rules.Rule, b *built) []assumption {
	var out []assumption
	seen := map[string]bool{}
	for _, a := range b.assumed {
		ci := b.ciPath(a.path)
		if a.path != "" && (overlaps(ci, r.Fields) || a.path == "Properties") && !seen[a.param] {
			seen[a.param] = true
			out = append(out, a)
		}
	}
	return out
}

// ciPath turns a template path (Properties.A[0].B) into the CI path the
// rules list (configuration.A.B); the properties of a referenced resource
// (Model.Properties.A) map to where its CI gives them
// (supplementaryConfiguration.Models.configuration.A). Legacy types map
// differently; there the result is only an approximation, which errs
// towards mentioning.
func (b *built) ciPath(prop string) string {
	for _, p := range b.prefixes {
		if rest, ok := strings.CutPrefix(prop, p.tmpl); ok && (rest == "" || rest[0] == '.' || rest[0] == '[') {
			return ciPathOf(p.ci, rest)
		}
	}
	return ciPathOf("configuration", strings.TrimPrefix(prop, "Properties"))
}

// isRelatedRoot reports whether prop is the Properties of a referenced
// resource, which no verdict points at.
func (b *built) isRelatedRoot(prop string) bool {
	for _, p := range b.prefixes {
		if prop == p.tmpl {
			return true
		}
	}
	return false
}

// ciPathOf appends a template path's rest (.A[0].B), without list indexes,
// to a CI path.
func ciPathOf(ci, p string) string {
	var b strings.Builder
	b.WriteString(ci)
	depth := 0
	for _, c := range p {
		switch {
		case c == '[':
			depth++
		case c == ']':
			depth--
		case depth == 0:
			b.WriteRune(c)
		}
	}
	return b.String()
}

func assumedList(as []assumption) string {
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = fmt.Sprintf("parameter %s at its default %q", a.param, a.value)
	}
	return strings.Join(parts, ", ")
}

func assumedNote(as []assumption) string {
	if len(as) == 0 {
		return ""
	}
	return " (with " + assumedList(as) + ")"
}

// decidingProperty guesses the literal property a verdict is about: of
// the rule's fields that the template sets, the one the annotation names,
// or the only one. "" when it cannot tell (or the property is absent, and
// the resource itself is the place).
func decidingProperty(r *rules.Rule, ev rules.Evaluation, b *built) string {
	var candidates []string
	for prop := range b.props {
		if strings.Count(prop, ".") == 0 || b.isRelatedRoot(prop) || !overlaps(b.ciPath(prop), r.Fields) {
			continue
		}
		candidates = append(candidates, prop)
	}
	sort.Strings(candidates)
	best := ""
	for _, p := range candidates {
		leaf := p[strings.LastIndexAny(p, ".]")+1:]
		if leaf != "" && strings.Contains(ev.Annotation, leaf) && (best == "" || len(p) > len(best)) {
			best = p
		}
	}
	if best == "" && len(candidates) == 1 && ev.Compliance == rules.NonCompliant {
		best = candidates[0]
	}
	return best
}

// candidates are the values probed for an unresolved value: those the
// template allows when it says, else values of the property's type and
// the values of the rule's parameters.
func (pc *probeCache) candidates(u unresolvedField, bd *Bound) []any {
	if u.node != nil && len(u.node.cands) > 0 {
		return u.node.cands
	}
	var strs []any
	strs = append(strs, "aiguard-probe")
	for _, p := range bd.Rule.Params {
		for _, v := range bd.Judge.Params.List(p.Name) {
			strs = append(strs, v)
		}
		if len(strs) > 12 {
			break
		}
	}
	typ, prop := pc.r.typ, u.prop
	if u.typ != "" {
		typ, prop = u.typ, u.local
	}
	kind := cfnspec.PropertyKind(typ, schemaPath(prop))
	if u.node != nil && u.node.param != nil {
		switch {
		case u.node.param.isList():
			kind = "array"
		case u.node.param.typ == "Number" && kind == "":
			kind = "number"
		}
	}
	switch kind {
	case "string":
		return strs
	case "boolean":
		return []any{true, false}
	case "integer", "number":
		return []any{json.Number("0"), json.Number("1"), json.Number("2"), json.Number("100")}
	case "array":
		out := []any{[]any{}}
		for _, s := range strs {
			out = append(out, []any{s})
		}
		return out
	case "object":
		return []any{map[string]any{}}
	}
	return append(strs, true, false, []any{})
}

// schemaPath turns a template path into the path PropertyKind takes.
func schemaPath(prop string) []string {
	rest, ok := strings.CutPrefix(prop, "Properties")
	if !ok {
		return nil
	}
	var out []string
	for _, part := range strings.Split(strings.TrimPrefix(rest, "."), ".") {
		name, _, _ := strings.Cut(part, "[")
		if name != "" {
			out = append(out, name)
		}
		for range strings.Count(part, "[") {
			out = append(out, "[]")
		}
	}
	return out
}

// combine joins a rule's verdicts under each choice of conditions: one
// verdict when they agree; otherwise NOT_APPLICABLE saying how the
// conditions decide.
func combine(vs []variant, names []string) (rules.Evaluation, string) {
	first := vs[0]
	same := true
	for _, v := range vs[1:] {
		if v.ev.Compliance != first.ev.Compliance {
			same = false
		}
	}
	if same {
		return first.ev, first.where
	}
	ev := first.ev
	var parts []string
	for _, v := range vs {
		var conds []string
		for _, n := range names {
			conds = append(conds, fmt.Sprintf("%s %v", n, v.choice[n]))
		}
		parts = append(parts, fmt.Sprintf("%s when %s", v.ev.Compliance, strings.Join(conds, " and ")))
	}
	ev.Compliance = rules.NotApplicable
	ev.Annotation = rules.Annotation("Depends on condition " + strings.Join(names, ", ") + ": " +
		strings.Join(parts, "; ") + ". " + firstFailure(vs))
	return ev, first.where
}

func firstFailure(vs []variant) string {
	for _, v := range vs {
		if v.ev.Compliance == rules.NonCompliant {
			return "When it fails: " + v.ev.Annotation
		}
	}
	return ""
}

// MLTargets are the S3 buckets and KMS keys of a template or plan, and the
// AI resources found to use each.
type MLTargets struct {
	byID   map[string]*Unit
	byName map[string]*Unit // buckets by their literal name
	refs   map[*Unit]map[string]bool
}

// NewMLTargets collects the buckets and keys among units; name gives a
// bucket's literal name, when it has one. It returns nil when there is
// none.
func NewMLTargets(units []*Unit, name func(u *Unit) (string, bool)) *MLTargets {
	m := &MLTargets{byID: map[string]*Unit{}, byName: map[string]*Unit{}, refs: map[*Unit]map[string]bool{}}
	for _, u := range units {
		if u.typ != TypeS3Bucket && u.typ != TypeKMSKey {
			continue
		}
		m.byID[u.id] = u
		if n, ok := name(u); ok && u.typ == TypeS3Bucket {
			m.byName[n] = u
		}
	}
	if len(m.byID) == 0 {
		return nil
	}
	return m
}

// Ref records that by refers to the bucket or key id, if it is one.
func (m *MLTargets) Ref(id, by string) {
	if tgt := m.byID[id]; tgt != nil {
		m.add(tgt, by)
	}
}

// URI records that the resource by describes names a bucket of the
// template or plan in s (an S3 URI or ARN), if it does.
func (m *MLTargets) URI(s string, by func() string) {
	if n := BucketInString(s); n != "" && m.byName[n] != nil {
		m.add(m.byName[n], by())
	}
}

func (m *MLTargets) add(tgt *Unit, by string) {
	if m.refs[tgt] == nil {
		m.refs[tgt] = map[string]bool{}
	}
	m.refs[tgt][by] = true
}

// Finish gives each bucket and key the resources that use it (three
// named, then how many more).
func (m *MLTargets) Finish() {
	for tgt, set := range m.refs {
		list := sortedKeys(set)
		if len(list) > 3 {
			list = append(list[:3], fmt.Sprintf("%d more", len(set)-3))
		}
		tgt.mlRefs = list
	}
}

// linkReferences finds, for each S3 bucket and KMS key of the template, the
// AI resources that use it: a Ref, Fn::GetAtt or ${Name} to it, or its
// literal bucket name in an S3 URI or ARN, in their properties.
func (t *Template) linkReferences(units []*Unit) {
	m := NewMLTargets(units, func(u *Unit) (string, bool) {
		n, ok := u.props.Get("BucketName").Scalar()
		return n, ok && u.props.Get("BucketName").Kind == conformance.String
	})
	if m == nil {
		return
	}
	for _, id := range sortedKeys(t.resources) {
		body := t.resources[id]
		typ, _ := body.Get("Type").Scalar()
		if !IsAIType(typ) {
			continue
		}
		var walk func(v *conformance.Value, path string)
		walk = func(v *conformance.Value, path string) {
			if v == nil {
				return
			}
			by := fmt.Sprintf("%s %s (%s)", typ, id, strings.TrimPrefix(path, "Properties."))
			if fn, arg, ok := v.Intrinsic(); ok {
				for _, name := range referencedNames(fn, arg.JSON()) {
					m.Ref(name, by)
				}
			}
			if s, ok := v.Scalar(); ok && v.Kind == conformance.String {
				m.URI(s, func() string { return by })
			}
			for i, it := range v.Items {
				walk(it, fmt.Sprintf("%s[%d]", path, i))
			}
			for _, f := range v.Fields {
				p := path + "." + f.Key
				if _, _, isFn := v.Intrinsic(); isFn {
					p = path
				}
				walk(f.Value, p)
			}
		}
		walk(body.Get("Properties"), "Properties")
	}
	m.Finish()
}

// aiTypePrefixes are the services whose resources make the buckets and keys
// they use ML data.
var aiTypePrefixes = []string{"AWS::SageMaker::", "AWS::Bedrock::", "AWS::BedrockAgentCore::", "AWS::Comprehend::",
	"AWS::Rekognition::", "AWS::Kendra::", "AWS::Textract::"}

// IsAIType reports whether typ is a resource type of an AI service, whose
// buckets and keys are ML data.
func IsAIType(typ string) bool {
	for _, p := range aiTypePrefixes {
		if strings.HasPrefix(typ, p) {
			return true
		}
	}
	return false
}

// referencedNames are the logical IDs an intrinsic function refers to; arg
// is its argument as JSON (as written, or folded).
func referencedNames(fn string, arg any) []string {
	switch fn {
	case "Ref":
		if s, ok := arg.(string); ok {
			return []string{s}
		}
	case "Fn::GetAtt":
		if list, ok := arg.([]any); ok && len(list) > 0 {
			if s, ok := list[0].(string); ok {
				return []string{s}
			}
		}
		if s, ok := arg.(string); ok {
			res, _, _ := strings.Cut(s, ".")
			return []string{res}
		}
	case "Fn::Sub":
		text := arg
		if list, ok := arg.([]any); ok && len(list) > 0 {
			text = list[0]
		}
		if s, ok := text.(string); ok {
			var out []string
			for _, m := range subVar.FindAllStringSubmatch(s, -1) {
				name, _, _ := strings.Cut(m[1], ".")
				out = append(out, name)
			}
			return out
		}
	}
	return nil
}

// BucketInString returns the bucket an S3 URI or S3 ARN (of any
// partition) names.
func BucketInString(s string) string {
	rest, ok := strings.CutPrefix(s, "s3://")
	if !ok {
		a, err := awsid.ParseARN(s)
		if err != nil || a.Service != "s3" || a.Region != "" || a.AccountID != "" {
			return ""
		}
		rest = a.Resource
	}
	name, _, _ := strings.Cut(rest, "/")
	return name
}
