package cfnjudge

// Judging a template or plan resource through the resources it references
// (the contract is rules/related.go): an endpoint through its endpoint
// config and that config's models, a Studio user profile or space through
// its domain, a knowledge base through the data sources that name it and
// its vector store, an AgentCore gateway target through its gateway, a
// listener through its load balancer. Each referenced resource is folded
// under the same choice of conditions as the resource, and what stays
// unresolved in it is probed like the resource's own values; its position
// in the template is where a verdict it decides points. A reference this
// input cannot follow (a literal name no resource has, an import, an ARN of
// something elsewhere) is given as such, and the rules say so.

import (
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/aiguard/aiguard/conformance"
	"github.com/aiguard/aiguard/rules"
)

// relation is one kind of reference that judges a resource.
type relation struct {
	key string // the supplementaryConfiguration key (rules.Related*)
	// props are the paths, from Properties, of the property that names the
	// target; the first one present is followed. "X[]" steps into each
	// element of the list X.
	props []string
	types []string
	// names gives, per target type, the property whose literal value a
	// literal reference matches; a type without one is matched only by a
	// reference to its logical ID.
	names map[string]string
	many  bool
	// from is the key of the relation whose target holds props (an
	// endpoint's models are named by its endpoint config).
	from string
	// reverse: the targets name the resource in props (the data sources of
	// a knowledge base).
	reverse bool
}

// Types a relation names that no rule covers.
const (
	typeEndpointConfig    = "AWS::SageMaker::EndpointConfig"
	typeModel             = "AWS::SageMaker::Model"
	typeDomain            = "AWS::SageMaker::Domain"
	typeDataSource        = "AWS::Bedrock::DataSource"
	typeAgentCoreGateway  = "AWS::BedrockAgentCore::Gateway"
	typeLoadBalancer      = "AWS::ElasticLoadBalancingV2::LoadBalancer"
	typeOSSCollection     = "AWS::OpenSearchServerless::Collection"
	typeOSSSecurityPolicy = "AWS::OpenSearchServerless::SecurityPolicy"
)

var relationsByType = map[string][]relation{
	"AWS::SageMaker::Endpoint": {
		{key: rules.RelatedEndpointConfig, props: []string{"EndpointConfigName"}, types: []string{typeEndpointConfig},
			names: map[string]string{typeEndpointConfig: "EndpointConfigName"}},
		{key: rules.RelatedModels, from: rules.RelatedEndpointConfig, props: []string{"ProductionVariants[].ModelName"},
			types: []string{typeModel}, names: map[string]string{typeModel: "ModelName"}, many: true},
	},
	"AWS::SageMaker::UserProfile": {{key: rules.RelatedDomain, props: []string{"DomainId"}, types: []string{typeDomain}}},
	"AWS::SageMaker::Space":       {{key: rules.RelatedDomain, props: []string{"DomainId"}, types: []string{typeDomain}}},
	"AWS::Bedrock::KnowledgeBase": {
		{key: rules.RelatedDataSources, reverse: true, props: []string{"KnowledgeBaseId"}, types: []string{typeDataSource}, many: true},
		{key: rules.RelatedVectorStore, props: []string{
			"StorageConfiguration.OpensearchServerlessConfiguration.CollectionArn",
			"StorageConfiguration.S3VectorsConfiguration.VectorBucketArn",
			"StorageConfiguration.S3VectorsConfiguration.IndexArn",
			"StorageConfiguration.RdsConfiguration.ResourceArn",
			"StorageConfiguration.OpensearchManagedClusterConfiguration.DomainArn",
			"StorageConfiguration.NeptuneAnalyticsConfiguration.GraphArn",
		}, types: []string{typeOSSCollection, "AWS::S3Vectors::VectorBucket", "AWS::S3Vectors::Index", "AWS::RDS::DBCluster",
			"AWS::OpenSearchService::Domain", "AWS::NeptuneGraph::Graph"}},
	},
	"AWS::BedrockAgentCore::GatewayTarget": {{key: rules.RelatedGateway, props: []string{"GatewayIdentifier"},
		types: []string{typeAgentCoreGateway}}},
	"AWS::ElasticLoadBalancingV2::Listener": {{key: rules.RelatedLoadBalancer, props: []string{"LoadBalancerArn"},
		types: []string{typeLoadBalancer}}},
}

// relatedCtx builds the referenced resources of one build of a resource.
type relatedCtx struct {
	r    *Unit
	b    *built
	c    *converter
	fold func(v *conformance.Value, path string) any
	// folded caches the folded Properties of each target.
	folded map[string]any
	// followed are the template paths of the references followed: their
	// values are not probed (the reference is what was resolved).
	followed map[string]bool
}

// entry is one referenced resource, or a reference not followed.
type entry struct {
	id, typ string
	m       map[string]any
}

// attachRelated adds the resources the resource references to its CI.
func (r *Unit) attachRelated(b *built, c *converter, props map[string]any,
	fold func(v *conformance.Value, path string) any) map[string]any {
	rels := relationsByType[r.typ]
	if len(rels) == 0 {
		return nil
	}
	rc := &relatedCtx{r: r, b: b, c: c, fold: fold, folded: map[string]any{}, followed: map[string]bool{}}
	out := map[string]any{}
	targets := map[string][]entry{} // by key, for relations that start from them
	for _, rel := range rels {
		var found []entry
		switch {
		case rel.reverse:
			found = rc.reverse(rel)
		case rel.from != "":
			for _, src := range targets[rel.from] {
				if src.id != "" {
					found = append(found, rc.forward(rel, rc.props(src.id), src.id+".Properties")...)
				}
			}
		default:
			found = rc.forward(rel, props, "Properties")
		}
		targets[rel.key] = found
		list := make([]any, 0, len(found))
		for _, e := range found {
			list = append(list, e.m)
		}
		switch {
		case rel.many:
			out[rel.key] = list
		case len(list) > 0:
			out[rel.key] = list[0]
		}
	}
	// The references followed are not probed, nor kept as unresolved.
	kept := c.unresolved[:0]
	for _, u := range c.unresolved {
		if !rc.followed[u.prop] {
			kept = append(kept, u)
		}
	}
	c.unresolved = kept
	return out
}

// relatedIDs lists the resources the resource may reference, read from the
// template as written (every branch of an Fn::If counts): those whose
// conditions its verdicts can depend on.
func (r *Unit) relatedIDs() []string {
	t := r.t
	seen := map[string]bool{}
	found := map[string][]string{} // by relation key
	for _, rel := range relationsByType[r.typ] {
		var ids []string
		switch {
		case rel.reverse:
			for _, id := range sortedKeys(t.resources) {
				typ, _ := t.typeOf(id)
				if !slices.Contains(rel.types, typ) {
					continue
				}
				for _, v := range rawValuesAt(t.resources[id].Get("Properties"), rel.props[0]) {
					if slices.Contains(rawNames(v), r.id) {
						ids = append(ids, id)
					}
				}
			}
		case rel.from != "":
			for _, src := range found[rel.from] {
				ids = append(ids, t.rawTargets(rel, t.resources[src].Get("Properties"))...)
			}
		default:
			ids = t.rawTargets(rel, r.props)
		}
		found[rel.key] = ids
		for _, id := range ids {
			seen[id] = true
		}
	}
	return sortedKeys(seen)
}

// rawTargets lists the resources of rel's types that props, as written,
// names in rel's properties.
func (t *Template) rawTargets(rel relation, props *conformance.Value) []string {
	var out []string
	for _, p := range rel.props {
		for _, v := range rawValuesAt(props, p) {
			names := rawNames(v)
			if s, ok := v.Scalar(); ok && v.Kind == conformance.String {
				for _, typ := range rel.types {
					if prop := rel.names[typ]; prop != "" {
						if id := t.named(typ, prop, s); id != "" {
							names = append(names, id)
						}
					}
				}
			}
			for _, id := range names {
				if typ, ok := t.typeOf(id); ok && slices.Contains(rel.types, typ) {
					out = append(out, id)
				}
			}
		}
	}
	return out
}

// rawNames lists the logical IDs a value as written refers to, in every
// intrinsic function inside it.
func rawNames(v *conformance.Value) []string {
	if v == nil {
		return nil
	}
	var out []string
	if fn, arg, ok := v.Intrinsic(); ok {
		out = append(out, referencedNames(fn, arg.JSON())...)
	}
	for _, it := range v.Items {
		out = append(out, rawNames(it)...)
	}
	for _, f := range v.Fields {
		out = append(out, rawNames(f.Value)...)
	}
	return out
}

// rawValuesAt is valuesAt for a template value as written.
func rawValuesAt(v *conformance.Value, p string) []*conformance.Value {
	cur := []*conformance.Value{v}
	for _, seg := range strings.Split(p, ".") {
		name, each := strings.CutSuffix(seg, "[]")
		var next []*conformance.Value
		for _, x := range cur {
			y := x.Get(name)
			switch {
			case y == nil:
			case each:
				next = append(next, itemsOf(y)...)
			default:
				next = append(next, y)
			}
		}
		cur = next
	}
	return cur
}

// props returns the folded Properties of a resource of the input.
func (rc *relatedCtx) props(id string) map[string]any {
	if v, ok := rc.folded[id]; ok {
		m, _ := v.(map[string]any)
		return m
	}
	body := rc.r.t.resources[id]
	v := rc.fold(body.Get("Properties"), id+".Properties")
	rc.folded[id] = v
	m, _ := v.(map[string]any)
	return m
}

// located is a value found at a path, with the list element it is in.
type located struct {
	v    any
	path string
	elem map[string]any
	idx  int
}

// valuesAt returns the values at a path of props ("X[].Y" steps into each
// element of X).
func valuesAt(v any, p, at string) []located {
	cur := []located{{v: v, path: at, idx: -1}}
	for _, seg := range strings.Split(p, ".") {
		name, each := strings.CutSuffix(seg, "[]")
		var next []located
		for _, l := range cur {
			m, ok := l.v.(map[string]any)
			if !ok {
				continue
			}
			x, ok := m[name]
			if !ok || x == noValue {
				continue
			}
			if !each {
				next = append(next, located{v: x, path: l.path + "." + name, elem: l.elem, idx: l.idx})
				continue
			}
			list, _ := x.([]any)
			for i, it := range list {
				em, _ := it.(map[string]any)
				next = append(next, located{v: it, path: fmt.Sprintf("%s.%s[%d]", l.path, name, i), elem: em, idx: i})
			}
		}
		cur = next
	}
	return cur
}

// forward follows the references of rel in props (at the template path at).
func (rc *relatedCtx) forward(rel relation, props map[string]any, at string) []entry {
	var found []located
	for _, p := range rel.props {
		if found = valuesAt(props, p, at); len(found) > 0 {
			break
		}
	}
	var out []entry
	byID := map[string]int{}
	for _, l := range found {
		rc.followed[l.path] = true
		id, miss := rc.target(rel, l.v)
		if id == "" {
			if miss != nil {
				out = append(out, entry{m: miss})
			}
			continue
		}
		i, seen := byID[id]
		if !seen {
			i = len(out)
			byID[id] = i
			out = append(out, rc.entry(rel, id))
		}
		if rel.key == rules.RelatedModels {
			served, _ := out[i].m["servedBy"].([]any)
			out[i].m["servedBy"] = append(served, variantName(l))
		}
		if !rel.many {
			break
		}
	}
	return out
}

// variantName names the production variant a model reference is in, as
// the rules name it: its VariantName, or #n when it has none.
func variantName(l located) string {
	switch v := l.elem["VariantName"].(type) {
	case string:
		if strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	case *intrinsic:
		return render(v)
	}
	return fmt.Sprintf("#%d", l.idx+1)
}

// target resolves one reference: the logical ID (or plan address) of the
// resource it names, or a description of what it names when that is not a
// resource of the input (nil when there is nothing to say, an absent value).
func (rc *relatedCtx) target(rel relation, v any) (string, map[string]any) {
	t := rc.r.t
	want := rel.types[0]
	switch x := v.(type) {
	case *intrinsic:
		for _, name := range t.namesOf(x) {
			if typ, ok := t.typeOf(name); ok && slices.Contains(rel.types, typ) {
				return name, nil
			}
		}
		why := "it names no " + kindOf(want) + " of this input"
		if x.fn == "Fn::ImportValue" {
			why = "an import from another stack"
		}
		return "", notFound(want, render(x), why)
	case string:
		for _, typ := range rel.types {
			if prop := rel.names[typ]; prop != "" {
				if id := t.named(typ, prop, x); id != "" {
					return id, nil
				}
			}
		}
		why := "no " + kindOf(want) + " of this input has that name"
		if strings.HasPrefix(x, "arn:") || len(rel.names) == 0 {
			why = "a resource outside this input"
		}
		return "", notFound(want, x, why)
	case nil:
		return "", nil
	}
	return "", notFound(want, renderValue(v), "not a reference")
}

func notFound(typ, ref, why string) map[string]any {
	return map[string]any{"resourceType": typ, "reference": ref, "notFound": why}
}

// reverse finds the resources of rel's types that name the resource in
// rel's property.
func (rc *relatedCtx) reverse(rel relation) []entry {
	t := rc.r.t
	var out []entry
	for _, id := range sortedKeys(t.resources) {
		typ, _ := t.typeOf(id)
		if !slices.Contains(rel.types, typ) || id == rc.r.id {
			continue
		}
		for _, l := range valuesAt(rc.props(id), rel.props[0], id+".Properties") {
			in, ok := l.v.(*intrinsic)
			if ok && slices.Contains(t.namesOf(in), rc.r.id) {
				rc.followed[l.path] = true
				out = append(out, rc.entry(rel, id))
				break
			}
		}
	}
	return out
}

// entry builds a referenced resource as a CI gives it: its properties
// converted (their unresolved values recorded against the resource that is
// judged, under the CI path the rules read).
func (rc *relatedCtx) entry(rel relation, id string) entry {
	typ, _ := rc.r.t.typeOf(id)
	at := id + ".Properties"
	ci := "supplementaryConfiguration." + rel.key + ".configuration"
	rc.b.prefixes = append(rc.b.prefixes, pathPrefix{tmpl: at, ci: ci})
	props := rc.props(id)
	if props == nil {
		props = map[string]any{}
	}
	cfg, _ := rc.c.resolveFor(typ, props, ci, at).(map[string]any)
	m := map[string]any{"resourceType": typ, "resourceId": id, "configuration": cfg}
	if name := physicalName(typ, cfg); name != "" {
		m["resourceName"] = name
	}
	if tags := tagMap(rc.c.quiet(props["Tags"])); tags != nil {
		m["tags"] = tags
	}
	if typ == typeOSSCollection {
		if pol := rc.encryptionPolicy(cfg); pol != nil {
			m["supplementaryConfiguration"] = map[string]any{rules.RelatedEncryptionPolicy: pol}
		}
	}
	return entry{id: id, typ: typ, m: m}
}

// encryptionPolicy finds the encryption security policy of the input whose
// rules name an OpenSearch Serverless collection (by its literal Name).
func (rc *relatedCtx) encryptionPolicy(collection map[string]any) map[string]any {
	name, ok := collection["Name"].(string)
	if !ok || name == "" || strings.HasPrefix(name, "!") {
		return nil
	}
	t := rc.r.t
	for _, id := range sortedKeys(t.resources) {
		if typ, _ := t.typeOf(id); typ != typeOSSSecurityPolicy {
			continue
		}
		props := rc.props(id)
		if kind, _ := props["Type"].(string); !strings.EqualFold(kind, "encryption") {
			continue
		}
		text, ok := props["Policy"].(string)
		if m, isMap := props["Policy"].(map[string]any); isMap && !hasUnresolved(m) {
			b, _ := json.Marshal(m) // a folded document holds no value json cannot encode
			text, ok = string(b), true
		}
		if !ok {
			continue
		}
		var doc struct {
			Rules []struct {
				ResourceType string
				Resource     []string
			}
		}
		if json.Unmarshal([]byte(text), &doc) != nil {
			continue
		}
		for _, rule := range doc.Rules {
			if !strings.EqualFold(rule.ResourceType, "collection") {
				continue
			}
			for _, pat := range rule.Resource {
				if ok, _ := path.Match(strings.ToLower(pat), "collection/"+strings.ToLower(name)); ok {
					return map[string]any{"resourceType": typeOSSSecurityPolicy, "resourceId": id,
						"configuration": rc.c.quiet(props)}
				}
			}
		}
	}
	return nil
}

// typeOf returns the type of a resource of the input.
func (t *Template) typeOf(id string) (string, bool) {
	body, ok := t.resources[id]
	if !ok {
		return "", false
	}
	typ, _ := body.Get("Type").Scalar()
	return typ, typ != ""
}

// named returns the resource of the type whose literal property prop is
// name, "" when none is (or several are).
func (t *Template) named(typ, prop, name string) string {
	found := ""
	for _, id := range sortedKeys(t.resources) {
		body := t.resources[id]
		if tt, _ := body.Get("Type").Scalar(); tt != typ {
			continue
		}
		v := body.Get("Properties").Get(prop)
		if s, ok := v.Scalar(); ok && v.Kind == conformance.String && s == name {
			if found != "" {
				return ""
			}
			found = id
		}
	}
	return found
}

// namesOf lists the resources an unresolved value refers to: Ref, GetAtt
// and Sub name logical IDs; a plan's value known only after apply refers to
// the resources its configuration expression references.
func (t *Template) namesOf(in *intrinsic) []string {
	if in.fn == "Fn::KnownAfterApply" {
		addr, _ := in.arg.(string)
		if t.planRefs == nil {
			return nil
		}
		return t.planRefs(addr)
	}
	return referencedNames(in.fn, in.arg)
}

// kindOf names a resource type for messages: its last segment.
func kindOf(typ string) string { return typ[strings.LastIndex(typ, ":")+1:] }

// pathPrefix maps the template path of a referenced resource's properties
// onto the CI path where the rules read them.
type pathPrefix struct{ tmpl, ci string }
