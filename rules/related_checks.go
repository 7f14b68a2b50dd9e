package rules

import (
	"strings"

	"github.com/aiguard/aiguard/configitem"
)

// The checks of rules that judge a resource through the resources it
// references (related.go): an endpoint through its endpoint config and
// models, a Studio user profile or space through its domain, a knowledge
// base through its data sources and vector store, a gateway target through
// its gateway. Each wraps the check of the referenced type, so a resource
// and the one it references are judged by the same code.

// Resource types judged through what they reference.
const (
	typeEndpoint          = "AWS::SageMaker::Endpoint"
	typeUserProfile       = "AWS::SageMaker::UserProfile"
	typeSpace             = "AWS::SageMaker::Space"
	typeKnowledgeBase     = "AWS::Bedrock::KnowledgeBase"
	typeAgentCoreTarget   = "AWS::BedrockAgentCore::GatewayTarget"
	typeOSSCollection     = "AWS::OpenSearchServerless::Collection"
	typeS3VectorBucket    = "AWS::S3Vectors::VectorBucket"
	typeS3VectorIndex     = "AWS::S3Vectors::Index"
	typeRDSCluster        = "AWS::RDS::DBCluster"
	typeOpenSearchDomain  = "AWS::OpenSearchService::Domain"
	typeNeptuneGraph      = "AWS::NeptuneGraph::Graph"
	typeOSSSecurityPolicy = "AWS::OpenSearchServerless::SecurityPolicy"
)

// onEndpointConfig judges an endpoint through its endpoint config with
// check, and an endpoint config directly.
func onEndpointConfig(check func(*configitem.Item, Params) Verdict) func(*configitem.Item, Params) Verdict {
	return func(item *configitem.Item, p Params) Verdict {
		if item.ResourceType == typeEndpoint {
			return throughRelated(item, p, RelatedEndpointConfig, "endpoint config", check)
		}
		return check(item, p)
	}
}

// onModels judges an endpoint through the models its config serves with
// check, and a model directly. serverless says whether check applies to a
// model that only serverless variants serve (serverless inference supports
// neither network isolation nor a VPC, and the periodic
// sagemaker-endpoint-hardened leaves such models out too).
func onModels(check func(*configitem.Item, Params) Verdict, serverless bool) func(*configitem.Item, Params) Verdict {
	return func(item *configitem.Item, p Params) Verdict {
		if item.ResourceType == typeEndpoint {
			return throughModels(item, p, check, serverless)
		}
		return check(item, p)
	}
}

func throughModels(item *configitem.Item, p Params, check func(*configitem.Item, Params) Verdict, serverless bool) Verdict {
	cfgs, carried := relatedOf(item, RelatedEndpointConfig)
	if !carried || len(cfgs) == 0 {
		return relatedNotCarried(RelatedEndpointConfig, "endpoint config")
	}
	cfg := cfgs[0]
	if cfg.item == nil {
		return Skip("Not judged: %s, so the models it serves are not known.", cfg.missing())
	}
	variants := endpointConfigVariants(cfg.item.Config())
	serverlessOnly := map[string]bool{} // variant name -> serverless
	for _, v := range variants {
		serverlessOnly[v.name] = v.serverless
	}
	models, _ := relatedOf(item, RelatedModels)
	if len(models) == 0 {
		return Skip("Its %s serves no model this input holds (its variants name none, or serve inference "+
			"components), so there is no model to judge.", cfg.label())
	}
	var problems, unknown, passed []string
	for _, m := range models {
		if m.item == nil {
			unknown = append(unknown, m.missing())
			continue
		}
		if !serverless && servedOnlyServerless(item, m, serverlessOnly) {
			continue
		}
		v := check(m.item, p)
		switch v.Compliance {
		case NonCompliant:
			problems = append(problems, m.label()+": "+v.Annotation)
		case Compliant:
			passed = append(passed, m.id)
		default:
			unknown = append(unknown, m.label()+" is not judged ("+strings.TrimSuffix(v.Annotation, ".")+")")
		}
	}
	switch {
	case len(problems) > 0:
		return Fail("Serves %s", strings.Join(problems, "; "))
	case len(unknown) > 0:
		return Skip("Not judged: %s.", strings.Join(unknown, "; "))
	case len(passed) == 0:
		return Skip("Only serverless variants of its %s serve models, and serverless inference supports neither "+
			"network isolation nor a VPC.", cfg.label())
	}
	return Verdict{Compliance: Compliant, Annotation: "Judged by the models it serves: " + strings.Join(passed, ", ") + "."}
}

// servedOnlyServerless reports whether every variant that serves the model
// (as the reader says in its servedBy list) is serverless; a model whose
// variants are not named counts as served by an instance-based one.
func servedOnlyServerless(item *configitem.Item, m related, serverless map[string]bool) bool {
	var by []string
	for _, e := range item.Supplement(RelatedModels).List() {
		if strings.TrimSpace(e.Field("resourceId").Str()) == m.id {
			by = e.Field("servedBy").Strings()
			break
		}
	}
	if len(by) == 0 {
		return false
	}
	for _, name := range by {
		if s, ok := serverless[name]; !ok || !s {
			return false
		}
	}
	return true
}

// onDomain judges a Studio user profile or space through its domain with
// check, and a domain directly.
func onDomain(check func(*configitem.Item, Params) Verdict) func(*configitem.Item, Params) Verdict {
	return func(item *configitem.Item, p Params) Verdict {
		switch item.ResourceType {
		case typeUserProfile, typeSpace:
			return throughRelated(item, p, RelatedDomain, "domain", check)
		}
		return check(item, p)
	}
}

// checkStudioVPCOnly is sagemaker-domain-vpc-only: a domain's network
// access, and a user profile's or space's through its domain. A profile in
// a VpcOnly domain also needs security groups for its apps' network
// interfaces, its own or the domain's defaults, which SageMaker requires.
func checkStudioVPCOnly(item *configitem.Item, p Params) Verdict {
	v := onDomain(checkDomainVPCOnly)(item, p)
	if item.ResourceType != typeUserProfile || v.Compliance != Compliant {
		return v
	}
	domains, _ := relatedOf(item, RelatedDomain)
	dom := domains[0] // throughRelated passed: it is there
	own := mlPath(item.Config(), "UserSettings.SecurityGroups").Strings()
	defaults := mlPath(dom.item.Config(), "DefaultUserSettings.SecurityGroups").Strings()
	if len(own) == 0 && len(defaults) == 0 {
		return Fail("Its %s is VpcOnly, but neither the profile (UserSettings.SecurityGroups) nor the domain "+
			"(DefaultUserSettings.SecurityGroups) names a security group for its apps, which SageMaker requires "+
			"in VpcOnly mode. Name private security groups in one of them.", dom.label())
	}
	return v
}

// onGateway judges an AgentCore gateway target through its gateway with
// check, and a gateway directly.
func onGateway(check func(*configitem.Item, Params) Verdict) func(*configitem.Item, Params) Verdict {
	return func(item *configitem.Item, p Params) Verdict {
		if item.ResourceType == typeAgentCoreTarget {
			return throughRelated(item, p, RelatedGateway, "gateway", check)
		}
		return check(item, p)
	}
}

// checkDataSourceOrKnowledgeBase is bedrock-data-source-cmk-encrypted: a
// data source's key, and a knowledge base's through its data sources and
// vector store.
func checkDataSourceOrKnowledgeBase(item *configitem.Item, p Params) Verdict {
	if item.ResourceType != typeKnowledgeBase {
		return checkDataSourceCMK(item, p)
	}
	cfg := item.Config()
	if !cfg.Present() {
		return mlEmptyConfig()
	}
	var problems, unknown, passed []string
	sources, carried := relatedOf(item, RelatedDataSources)
	switch {
	case !carried:
		unknown = append(unknown, "the item does not carry its data sources (supplementaryConfiguration.DataSources)")
	case len(sources) == 0:
		unknown = append(unknown, "no data source of the input names it")
	}
	for _, ds := range sources {
		if ds.item == nil {
			unknown = append(unknown, ds.missing())
			continue
		}
		dsCfg := ds.item.Config()
		if !dsCfg.Present() {
			unknown = append(unknown, ds.label()+" carries no configuration")
			continue
		}
		const key = "ServerSideEncryptionConfiguration.KmsKeyArn"
		if short := cmkKeyShortfall(mlPath(dsCfg, key)); short != "" {
			problems = append(problems, ds.label()+": "+key+" "+short)
		} else {
			passed = append(passed, ds.label())
		}
	}
	switch store := knowledgeBaseStore(item, cfg); {
	case store.problem != "":
		problems = append(problems, store.problem)
	case store.unknown != "":
		unknown = append(unknown, store.unknown)
	case store.passed != "":
		passed = append(passed, store.passed)
	}
	switch {
	case len(problems) > 0:
		return Fail("Knowledge base: %s. Use customer managed KMS keys for its data sources and vector store.",
			strings.Join(problems, "; "))
	case len(unknown) > 0:
		return Skip("Not judged: %s.", strings.Join(unknown, "; "))
	}
	return Verdict{Compliance: Compliant, Annotation: "Judged by its " + strings.Join(passed, ", ") + "."}
}

// storeVerdict is what a knowledge base's vector store adds to its verdict:
// a problem, what is not known, or what passed; all empty for a store that
// needs no key (a knowledge base without one, or one outside AWS).
type storeVerdict struct{ problem, unknown, passed string }

// externalStores are the vector store types outside AWS: their encryption
// is the provider's, which no AWS key decides.
var externalStores = []string{"PINECONE", "MONGO_DB_ATLAS", "REDIS_ENTERPRISE_CLOUD"}

func knowledgeBaseStore(item *configitem.Item, cfg configitem.Value) storeVerdict {
	kbType := strings.ToUpper(strings.TrimSpace(mlPath(cfg, "KnowledgeBaseConfiguration.Type").Str()))
	storeType := strings.ToUpper(strings.TrimSpace(mlPath(cfg, "StorageConfiguration.Type").Str()))
	if (kbType != "" && kbType != "VECTOR") || storeType == "" {
		return storeVerdict{} // Kendra and SQL knowledge bases keep no vectors
	}
	for _, ext := range externalStores {
		if storeType == ext {
			return storeVerdict{}
		}
	}
	stores, carried := relatedOf(item, RelatedVectorStore)
	if !carried || len(stores) == 0 {
		return storeVerdict{unknown: "the item does not carry its " + storeType + " vector store (supplementaryConfiguration.VectorStore)"}
	}
	s := stores[0]
	if s.item == nil {
		return storeVerdict{unknown: "its vector store: " + strings.TrimPrefix(s.missing(), "its ")}
	}
	problem, known := vectorStoreShortfall(s.item)
	switch {
	case !known:
		return storeVerdict{unknown: "the encryption of its vector store " + s.label() + " (" + problem + ")"}
	case problem != "":
		return storeVerdict{problem: "vector store " + s.label() + ": " + problem}
	}
	return storeVerdict{passed: "vector store " + s.label()}
}

// vectorStoreShortfall says why a vector store is not encrypted with a
// customer managed key ("" when it is); known is false when the input does
// not say (problem then says what is missing).
func vectorStoreShortfall(store *configitem.Item) (problem string, known bool) {
	cfg := store.Config()
	switch store.ResourceType {
	case typeOSSCollection:
		enc := cfg.Field("EncryptionConfig")
		if !enc.Present() {
			return ossPolicyShortfall(store)
		}
		if mlPath(enc, "AWSOwnedKey").IsTrue() {
			return "EncryptionConfig.AWSOwnedKey is true: an AWS owned key", true
		}
		if p := cmkKeyShortfall(mlPath(enc, "KmsKeyArn")); p != "" {
			return "EncryptionConfig.KmsKeyArn " + p, true
		}
		return "", true
	case typeS3VectorBucket, typeS3VectorIndex:
		enc := cfg.Field("EncryptionConfiguration")
		sse := strings.TrimSpace(mlPath(enc, "SseType").Str())
		if !strings.EqualFold(sse, "aws:kms") {
			if sse == "" {
				sse = "not set (default AES256)"
			}
			return "EncryptionConfiguration.SseType is " + sse + ", not aws:kms with a customer managed key", true
		}
		if p := cmkKeyShortfall(mlPath(enc, "KmsKeyArn")); p != "" {
			return "EncryptionConfiguration.KmsKeyArn " + p, true
		}
		return "", true
	case typeRDSCluster:
		if !cfg.Field("StorageEncrypted").IsTrue() {
			return "StorageEncrypted is not true", true
		}
		if p := cmkKeyShortfall(cfg.Field("KmsKeyId")); p != "" {
			return "KmsKeyId " + p + " (the AWS managed key aws/rds)", true
		}
		return "", true
	case typeOpenSearchDomain:
		if !mlPath(cfg, "EncryptionAtRestOptions.Enabled").IsTrue() {
			return "EncryptionAtRestOptions.Enabled is not true", true
		}
		if p := cmkKeyShortfall(mlPath(cfg, "EncryptionAtRestOptions.KmsKeyId")); p != "" {
			return "EncryptionAtRestOptions.KmsKeyId " + p + " (the AWS managed key aws/es)", true
		}
		return "", true
	case typeNeptuneGraph:
		if p := cmkKeyShortfall(cfg.Field("KmsKeyIdentifier")); p != "" {
			return "KmsKeyIdentifier " + p + " (an AWS owned key)", true
		}
		return "", true
	}
	return "aiguard does not read the encryption of " + store.ResourceType, false
}

// ossPolicyShortfall judges an OpenSearch Serverless collection by the
// encryption security policy that names it.
func ossPolicyShortfall(collection *configitem.Item) (string, bool) {
	policies, carried := relatedOf(collection, RelatedEncryptionPolicy)
	if !carried || len(policies) == 0 || policies[0].item == nil {
		return "no EncryptionConfig, and no encryption security policy of the input names the collection", false
	}
	pol := policies[0]
	doc, err := pol.item.Config().Field("Policy").JSON()
	if err != nil {
		return "the Policy of " + pol.label() + " is not JSON", false
	}
	if doc.Field("AWSOwnedKey").IsTrue() {
		return pol.label() + " gives it an AWS owned key (AWSOwnedKey true)", true
	}
	if p := cmkKeyShortfall(doc.Field("KmsARN")); p != "" {
		return pol.label() + ": KmsARN " + p, true
	}
	return "", true
}
