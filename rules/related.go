package rules

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aiguard/aiguard/configitem"
)

// Resources judged through the resources they reference. An endpoint's
// storage is encrypted with its endpoint config's key and it serves its
// config's models; a Studio user profile's apps run in its domain's network;
// a knowledge base's data are ingested by its data sources and kept in its
// vector store; a gateway target is reached through its gateway; a listener
// fronts its load balancer. A reader that sees a resource together with
// those it references (aiguard scan of a CloudFormation template or a
// Terraform plan) gives them to the rules in the resource's CI, under
// supplementaryConfiguration, one key per relation (the Related* keys):
//
//   - a referenced resource is an object in the invoking-event shape of a
//     CI: resourceType, resourceId, resourceName, configuration, tags;
//   - a relation that names several resources (a knowledge base's data
//     sources) holds a list of them;
//   - a reference the reader could not follow (a literal name no resource
//     of the input has, an import) is {"resourceType", "reference",
//     "notFound"}, saying what was referenced and why it is not there.
//
// AWS Config writes none of these keys: on its CIs the relation is not
// carried, and a rule that needs it is NOT_APPLICABLE, saying so.
const (
	// RelatedEndpointConfig is an endpoint's endpoint config (EndpointConfigName).
	RelatedEndpointConfig = "EndpointConfig"
	// RelatedModels are the models an endpoint's config serves
	// (ProductionVariants[].ModelName), a list.
	RelatedModels = "Models"
	// RelatedDomain is a Studio user profile's or space's domain (DomainId).
	RelatedDomain = "Domain"
	// RelatedDataSources are the data sources that name a knowledge base
	// (their KnowledgeBaseId), a list.
	RelatedDataSources = "DataSources"
	// RelatedVectorStore is a knowledge base's vector store, named by its
	// StorageConfiguration (an OpenSearch Serverless collection, an S3
	// vector bucket or index, an Aurora cluster, an OpenSearch domain, a
	// Neptune Analytics graph).
	RelatedVectorStore = "VectorStore"
	// RelatedEncryptionPolicy is, on an OpenSearch Serverless collection
	// given as a vector store, the encryption security policy whose rules
	// name it.
	RelatedEncryptionPolicy = "EncryptionPolicy"
	// RelatedGateway is an AgentCore gateway target's gateway (GatewayIdentifier).
	RelatedGateway = "Gateway"
	// RelatedLoadBalancer is a load balancer listener's load balancer
	// (LoadBalancerArn).
	RelatedLoadBalancer = "LoadBalancer"
)

// related is one referenced resource as a CI gives it.
type related struct {
	typ, id string
	// item is the referenced resource as a CI, nil when the reader did not
	// find it.
	item *configitem.Item
	// reference and notFound say what was referenced and why it is not in
	// the input, when item is nil.
	reference, notFound string
}

// relatedOf reads the resources a CI carries under key; carried is false
// when the CI does not carry the relation at all (a CI from AWS Config).
// Entries that are not objects are left out.
func relatedOf(item *configitem.Item, key string) (list []related, carried bool) {
	v := item.Supplement(key)
	if !v.Exists() || v.IsNull() {
		return nil, false
	}
	for _, e := range v.List() {
		if !e.IsObject() {
			continue
		}
		r := related{typ: strings.TrimSpace(e.Field("resourceType").Str()), id: strings.TrimSpace(e.Field("resourceId").Str())}
		cfg := e.Field("configuration")
		if cfg.IsObject() && r.id != "" {
			r.item = configitem.Inner(cfg)
			r.item.Status = configitem.StatusOK
			r.item.ResourceType, r.item.ResourceID = r.typ, r.id
			r.item.ResourceName = strings.TrimSpace(e.Field("resourceName").Str())
			r.item.AccountID, r.item.Region, r.item.CaptureTime = item.AccountID, item.Region, item.CaptureTime
			r.item.Tags = stringMap(e.Field("tags"))
			// The related resource's own relations, where the reader gives
			// them (a collection's encryption policy).
			r.item.Supplementary = rawMembers(e.Field("supplementaryConfiguration"))
		}
		if r.item == nil {
			r.reference = strings.TrimSpace(e.Field("reference").Str())
			r.notFound = strings.TrimSpace(e.Field("notFound").Str())
		}
		list = append(list, r)
	}
	return list, true
}

// stringMap reads an object of strings (tags); other values are left out.
func stringMap(v configitem.Value) map[string]string {
	if !v.IsObject() || !v.Present() {
		return nil
	}
	out := map[string]string{}
	for k, x := range v.Members() {
		if s, ok := x.String(); ok {
			out[k] = s
		}
	}
	return out
}

// rawMembers encodes each member of an object, as Item.Supplementary holds
// them.
func rawMembers(v configitem.Value) map[string]json.RawMessage {
	if !v.IsObject() || !v.Present() {
		return nil
	}
	out := map[string]json.RawMessage{}
	for k, x := range v.Members() {
		if raw, err := json.Marshal(x.Raw()); err == nil {
			out[k] = raw
		}
	}
	return out
}

// label names the referenced resource for an annotation: its kind and ID
// ("endpoint config ProdConfig").
func (r related) label() string {
	id := r.id
	if id == "" {
		id = r.reference
	}
	return strings.TrimSpace(kindOfType(r.typ) + " " + id)
}

// missing says why a referenced resource is not judged.
func (r related) missing() string {
	what := kindOfType(r.typ)
	if what == "" {
		what = "resource"
	}
	s := "its " + what
	if r.reference != "" {
		s += " " + r.reference
	}
	if r.notFound != "" {
		return s + " is not in the input (" + r.notFound + ")"
	}
	return s + " is not in the input"
}

// kindOfType turns a resource type into words: AWS::SageMaker::EndpointConfig
// is "endpoint config", AWS::RDS::DBCluster "DB cluster". Type names are
// ASCII.
func kindOfType(typ string) string {
	name := typ[strings.LastIndex(typ, ":")+1:]
	var b strings.Builder
	word := func(w string) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		if strings.ToUpper(w) == w { // an acronym (DB, API) keeps its case
			b.WriteString(w)
		} else {
			b.WriteString(strings.ToLower(w))
		}
	}
	start := 0
	for i := 1; i < len(name); i++ {
		upper := isUpper(name[i])
		prevLower := !isUpper(name[i-1])
		nextLower := i+1 < len(name) && !isUpper(name[i+1])
		if upper && (prevLower || nextLower) {
			word(name[start:i])
			start = i
		}
	}
	word(name[start:])
	return b.String()
}

func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }

// relatedNotCarried is the verdict on a resource whose CI does not carry
// the resource that decides the rule.
func relatedNotCarried(key, what string) Verdict {
	return Skip("The item does not carry its %s (supplementaryConfiguration.%s), which decides this rule; "+
		"aiguard scan gives it when the template or plan holds both. AWS Config does not record the relation.", what, key)
}

// throughRelated judges a resource by check on the one resource it
// references under key (what names it in annotations); the verdict says
// which resource decided.
func throughRelated(item *configitem.Item, p Params, key, what string, check func(*configitem.Item, Params) Verdict) Verdict {
	list, carried := relatedOf(item, key)
	if !carried || len(list) == 0 {
		return relatedNotCarried(key, what)
	}
	r := list[0]
	if r.item == nil {
		return Skip("Not judged: %s, so what decides this rule is not known.", r.missing())
	}
	return attributed(r, check(r.item, p))
}

// attributed prefixes a verdict on a referenced resource with which one it
// is (and drops the check's own "Domain: " lead, which it replaces).
func attributed(r related, v Verdict) Verdict {
	if kind := kindOfType(r.typ); kind != "" {
		v.Annotation = strings.TrimPrefix(v.Annotation, strings.ToUpper(kind[:1])+kind[1:]+": ")
	}
	switch v.Compliance {
	case Compliant:
		v.Annotation = strings.TrimSpace("Judged by its " + r.label() + ". " + v.Annotation)
	default:
		v.Annotation = fmt.Sprintf("Its %s: %s", r.label(), v.Annotation)
	}
	return v
}

// relatedNote ends the description of a rule that judges resources through
// those they reference.
const relatedNote = "AWS Config does not record the relation: on its items, and where the referenced resource is " +
	"not in the input, such a resource is NOT_APPLICABLE."
