package scan

// Reading a Terraform plan (`terraform show -json PLAN`): each AWS resource
// the plan creates, updates or keeps whose type maps onto a CloudFormation
// type is turned into that type's Properties and judged exactly as a
// template resource is. Values Terraform knows only after apply
// (after_unknown) become unresolved values, as intrinsics in a template
// do. An S3 bucket takes its encryption, public access block, logging and
// policy from the split resources that name it; a KMS key its policy from
// aws_kms_key_policy; an IAM role its policies from aws_iam_role_policy
// and aws_iam_role_policy_attachment.

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/aiguard/aiguard/conformance"
	"github.com/aiguard/aiguard/internal/cfnjudge"
	"github.com/aiguard/aiguard/internal/cfnspec"
	"github.com/aiguard/aiguard/internal/english"
)

// tfType is how an AWS provider resource type maps onto CloudFormation.
type tfType struct {
	cfn string
	// rename maps top-level Terraform attributes whose name differs from
	// the CloudFormation property; the rest match by name, ignoring case
	// and underscores, and those with no match are left out.
	rename map[string]string
	// jsonDocs are attributes holding a JSON document as a string (an IAM
	// policy), read as the document.
	jsonDocs []string
}

// tfTypes are the AWS provider's resource types a scan reads. The split
// S3 bucket resources, aws_kms_key_policy and the IAM role attachments are
// folded into their bucket, key or role.
var tfTypes = map[string]tfType{
	"aws_sagemaker_notebook_instance": {cfn: "AWS::SageMaker::NotebookInstance", rename: map[string]string{
		"name": "NotebookInstanceName", "security_groups": "SecurityGroupIds", "volume_size": "VolumeSizeInGB"}},
	"aws_sagemaker_domain":                 {cfn: "AWS::SageMaker::Domain"},
	"aws_sagemaker_model":                  {cfn: "AWS::SageMaker::Model", rename: map[string]string{"name": "ModelName", "container": "Containers"}},
	"aws_sagemaker_endpoint_configuration": {cfn: "AWS::SageMaker::EndpointConfig", rename: map[string]string{"name": "EndpointConfigName", "kms_key_arn": "KmsKeyId"}},
	"aws_sagemaker_feature_group":          {cfn: "AWS::SageMaker::FeatureGroup"},
	"aws_sagemaker_data_quality_job_definition": {cfn: "AWS::SageMaker::DataQualityJobDefinition",
		rename: map[string]string{"name": "JobDefinitionName"}},
	"aws_sagemaker_monitoring_schedule": {cfn: "AWS::SageMaker::MonitoringSchedule", rename: map[string]string{"name": "MonitoringScheduleName"}},
	"aws_sagemaker_user_profile":        {cfn: "AWS::SageMaker::UserProfile"},
	"aws_sagemaker_space":               {cfn: "AWS::SageMaker::Space"},
	"aws_sagemaker_endpoint":            {cfn: "AWS::SageMaker::Endpoint", rename: map[string]string{"name": "EndpointName"}},
	"aws_bedrock_guardrail":             {cfn: "AWS::Bedrock::Guardrail"},
	"aws_bedrockagent_agent":            {cfn: "AWS::Bedrock::Agent"},
	"aws_bedrockagent_knowledge_base":   {cfn: "AWS::Bedrock::KnowledgeBase"},
	"aws_bedrockagent_data_source":      {cfn: "AWS::Bedrock::DataSource"},
	"aws_bedrockagent_prompt":           {cfn: "AWS::Bedrock::Prompt"},
	"aws_comprehend_document_classifier": {cfn: "AWS::Comprehend::DocumentClassifier",
		rename: map[string]string{"name": "DocumentClassifierName"}},
	"aws_rekognition_collection": {cfn: "AWS::Rekognition::Collection"},
	"aws_sagemaker_notebook_instance_lifecycle_configuration": {cfn: "AWS::SageMaker::NotebookInstanceLifecycleConfig",
		rename: map[string]string{"name": "NotebookInstanceLifecycleConfigName"}},
	// Named explicitly: the CloudFormation specification aiguard bundles
	// predates the type, so its properties cannot be matched by name.
	"aws_sagemaker_studio_lifecycle_config": {cfn: "AWS::SageMaker::StudioLifecycleConfig", rename: map[string]string{
		"studio_lifecycle_config_content": "StudioLifecycleConfigContent", "studio_lifecycle_config_name": "StudioLifecycleConfigName"}},
	"aws_s3_bucket": {cfn: cfnjudge.TypeS3Bucket, rename: map[string]string{"bucket": "BucketName"}},
	"aws_kms_key": {cfn: cfnjudge.TypeKMSKey, rename: map[string]string{"is_enabled": "Enabled", "customer_master_key_spec": "KeySpec",
		"policy": "KeyPolicy"}, jsonDocs: []string{"policy"}},
	"aws_iam_role": {cfn: "AWS::IAM::Role", rename: map[string]string{"name": "RoleName", "assume_role_policy": "AssumeRolePolicyDocument"},
		jsonDocs: []string{"assume_role_policy"}},
}

// tfRes is one resource of the plan.
type tfRes struct {
	addr   string
	module string // module address, "" for the root module
	typ    string
	after  map[string]any
	unk    map[string]any
	config *tfjson.ConfigResource
}

// readPlan reads a plan and makes a unit of each resource the rules of the
// scan cover.
func readPlan(name string, data []byte, rs *ruleSet) ([]cfnjudge.UnitRecord, []string, error) {
	var plan tfjson.Plan
	plan.UseJSONNumber(true)
	if err := json.Unmarshal(data, &plan); err != nil {
		return nil, nil, fmt.Errorf("parse Terraform plan: %w", err)
	}
	configs := map[string]*tfjson.ConfigResource{}
	if plan.Config != nil {
		collectConfig(plan.Config.RootModule, "", configs)
	}
	var all []*tfRes
	deleted := 0
	for _, rc := range plan.ResourceChanges {
		if rc == nil || rc.Change == nil || rc.Mode != tfjson.ManagedResourceMode || !isAWSProvider(rc.ProviderName) {
			continue
		}
		if rc.Change.Actions.Delete() {
			deleted++
			continue
		}
		after, _ := rc.Change.After.(map[string]any)
		if after == nil {
			continue
		}
		unk, _ := rc.Change.AfterUnknown.(map[string]any)
		r := &tfRes{addr: rc.Address, module: rc.ModuleAddress, typ: rc.Type, after: after, unk: unk}
		r.config = configs[configAddress(rc.ModuleAddress, rc.Type, rc.Name)]
		all = append(all, r)
	}
	t := cfnjudge.NewTemplate(name, rs.judge)
	byAddr := map[string]*tfRes{}
	for _, r := range all {
		byAddr[r.addr] = r
	}
	t.SetPlanReferences(func(at string) []string { return planReferences(byAddr, at) })
	attach := linkPlan(all, byAddr)

	var out []cfnjudge.UnitRecord
	var units []*cfnjudge.Unit
	uncovered := map[string]int{}
	unmapped := map[string]int{}
	for _, r := range all {
		spec, ok := tfTypes[r.typ]
		if !ok {
			if isAIPlanType(r.typ) {
				unmapped[r.typ]++
			}
			continue
		}
		pos := Position{File: name, Resource: r.addr, Index: -1}
		props := tfProperties(spec, r)
		// Every mapped resource can be what a judged one references
		// (relations.go), whether or not a rule covers its type.
		t.AddResource(r.addr, conformance.MapOf(conformance.F("Type", conformance.Str(spec.cfn)),
			conformance.F("Properties", props)))
		if !rs.covered[spec.cfn] {
			uncovered[spec.cfn]++
			continue
		}
		switch spec.cfn {
		case cfnjudge.TypeS3Bucket:
			props = bucketFromParts(props, r, attach[r.addr], t)
		case cfnjudge.TypeKMSKey:
			props = keyFromParts(props, attach[r.addr])
		case "AWS::IAM::Role":
			props = roleFromParts(props, attach[r.addr])
		}
		u := t.NewUnit(r.addr, spec.cfn, pos, props)
		units = append(units, u)
		out = append(out, cfnjudge.UnitRecord{Pos: pos, Unit: u})
	}
	linkPlanReferences(all, byAddr, units)
	var notes []string
	if deleted > 0 {
		notes = append(notes, fmt.Sprintf("%s: %d AWS %s the plan deletes not judged", name, deleted,
			english.Plural(deleted, "resource", "resources")))
	}
	if len(uncovered) > 0 {
		notes = append(notes, cfnjudge.UncoveredNote(name, "planned ", uncovered))
	}
	if len(unmapped) > 0 {
		notes = append(notes, fmt.Sprintf("%s: resource types aiguard does not read from a plan yet: %s", name,
			strings.Join(slices.Sorted(maps.Keys(unmapped)), ", ")))
	}
	return out, notes, nil
}

func isAWSProvider(name string) bool {
	return name == "aws" || strings.HasSuffix(name, "/aws")
}

func isAIPlanType(typ string) bool {
	for _, p := range []string{"aws_sagemaker_", "aws_bedrock", "aws_comprehend_", "aws_rekognition_"} {
		if strings.HasPrefix(typ, p) {
			return true
		}
	}
	return false
}

// collectConfig indexes the configuration's resources by their address
// with module path (module instance keys left out).
func collectConfig(m *tfjson.ConfigModule, prefix string, out map[string]*tfjson.ConfigResource) {
	if m == nil {
		return
	}
	for _, r := range m.Resources {
		out[prefix+r.Address] = r
	}
	for name, call := range m.ModuleCalls {
		if call != nil {
			collectConfig(call.Module, prefix+"module."+name+".", out)
		}
	}
}

var instanceKey = regexp.MustCompile(`\[[^\]]*\]`)

// configAddress is the configuration address of a resource instance.
func configAddress(module, typ, name string) string {
	prefix := ""
	if module != "" {
		prefix = instanceKey.ReplaceAllString(module, "") + "."
	}
	return prefix + typ + "." + name
}

// references lists the resources an attribute's expression refers to,
// as addresses in the plan's module, without attribute names.
func (r *tfRes) references(attr string) []string {
	if r.config == nil {
		return nil
	}
	var out []string
	var walk func(e *tfjson.Expression)
	walk = func(e *tfjson.Expression) {
		if e == nil || e.ExpressionData == nil {
			return
		}
		for _, ref := range e.References {
			out = append(out, r.resolveRef(ref))
		}
		for _, b := range e.NestedBlocks {
			for _, k := range slices.Sorted(maps.Keys(b)) {
				walk(b[k])
			}
		}
	}
	walk(r.config.Expressions[attr])
	return out
}

// planReferences lists the resources that the configuration expression of
// a planned value refers to; at is where the value is, as a value known
// only after apply names it (aws_sagemaker_endpoint.e.endpoint_config_name).
func planReferences(plan map[string]*tfRes, at string) []string {
	for j := len(at) - 1; j > 0; j-- {
		if at[j] != '.' {
			continue
		}
		if r := plan[at[:j]]; r != nil {
			attr := at[j+1:]
			if k := strings.IndexAny(attr, ".["); k >= 0 {
				attr = attr[:k]
			}
			return r.references(attr)
		}
	}
	return nil
}

// resolveRef turns a reference in the resource's module (aws_s3_bucket.x.id)
// into a resource address in the plan (module.m.aws_s3_bucket.x).
func (r *tfRes) resolveRef(ref string) string {
	parts := strings.Split(ref, ".")
	if len(parts) < 2 {
		return ref
	}
	addr := parts[0] + "." + parts[1]
	if r.module != "" {
		addr = r.module + "." + addr
	}
	return addr
}

// attachments are the split resources that belong to a bucket, key or role.
type attachments struct {
	encryption, publicAccess, logging, policy *tfRes
	keyPolicy                                 *tfRes
	rolePolicies, roleAttachments             []*tfRes
}

// splitResources are the resources that configure a bucket, key or role
// they name in attr.
var splitResources = map[string]struct {
	attr, owner string
	attach      func(*attachments, *tfRes)
}{
	"aws_s3_bucket_server_side_encryption_configuration": {"bucket", "aws_s3_bucket", func(a *attachments, r *tfRes) { a.encryption = r }},
	"aws_s3_bucket_public_access_block":                  {"bucket", "aws_s3_bucket", func(a *attachments, r *tfRes) { a.publicAccess = r }},
	"aws_s3_bucket_logging":                              {"bucket", "aws_s3_bucket", func(a *attachments, r *tfRes) { a.logging = r }},
	"aws_s3_bucket_policy":                               {"bucket", "aws_s3_bucket", func(a *attachments, r *tfRes) { a.policy = r }},
	"aws_kms_key_policy":                                 {"key_id", "aws_kms_key", func(a *attachments, r *tfRes) { a.keyPolicy = r }},
	"aws_iam_role_policy": {"role", "aws_iam_role", func(a *attachments, r *tfRes) {
		a.rolePolicies = append(a.rolePolicies, r)
	}},
	"aws_iam_role_policy_attachment": {"role", "aws_iam_role", func(a *attachments, r *tfRes) {
		a.roleAttachments = append(a.roleAttachments, r)
	}},
}

// linkPlan finds the bucket, key or role each split resource belongs to:
// by the reference in its configuration, else by the literal name.
func linkPlan(all []*tfRes, byAddr map[string]*tfRes) map[string]*attachments {
	out := map[string]*attachments{}
	get := func(addr string) *attachments {
		if out[addr] == nil {
			out[addr] = &attachments{}
		}
		return out[addr]
	}
	byName := map[string]map[string]string{} // type → name attribute value → address
	for _, r := range all {
		key := ""
		switch r.typ {
		case "aws_s3_bucket":
			key, _ = r.after["bucket"].(string)
		case "aws_iam_role":
			key, _ = r.after["name"].(string)
		}
		if key != "" {
			if byName[r.typ] == nil {
				byName[r.typ] = map[string]string{}
			}
			byName[r.typ][key] = r.addr
		}
	}
	target := func(r *tfRes, attr, targetType string) string {
		for _, ref := range r.references(attr) {
			if t := byAddr[ref]; t != nil && t.typ == targetType {
				return ref
			}
			// A count or for_each instance: the one with the same key.
			if i := strings.Index(r.addr, "["); i >= 0 {
				if t := byAddr[ref+r.addr[strings.LastIndex(r.addr, "["):]]; t != nil && t.typ == targetType {
					return t.addr
				}
			}
		}
		if v, ok := r.after[attr].(string); ok {
			return byName[targetType][v]
		}
		return ""
	}
	for _, r := range all {
		if link, ok := splitResources[r.typ]; ok {
			if a := target(r, link.attr, link.owner); a != "" {
				link.attach(get(a), r)
			}
		}
	}
	return out
}

// tfProperties turns a resource's planned values into the Properties of
// its CloudFormation type.
func tfProperties(spec tfType, r *tfRes) *conformance.Value {
	return tfObject(spec.cfn, nil, r.after, r.unk, r.addr, spec.rename, spec.jsonDocs, true)
}

// tfObject converts one object: attributes renamed onto the property
// names the CloudFormation type has at path, values converted by the kind
// of the property.
func tfObject(cfnType string, path []string, after, unk map[string]any, addr string, rename map[string]string,
	jsonDocs []string, top bool) *conformance.Value {
	names := cfnspec.PropertyNames(cfnType, path)
	byKey := map[string]string{}
	for _, n := range names {
		byKey[strings.ToLower(n)] = n
	}
	v := &conformance.Value{Kind: conformance.Map}
	keys := map[string]bool{}
	for k := range after {
		keys[k] = true
	}
	for k := range unk {
		keys[k] = true
	}
	for _, attr := range slices.Sorted(maps.Keys(keys)) {
		prop := ""
		if top {
			prop = rename[attr]
		}
		if prop == "" {
			prop = byKey[strings.ReplaceAll(attr, "_", "")]
		}
		if top && attr == "tags_all" {
			continue
		}
		if top && attr == "tags" {
			prop = "Tags"
		}
		if prop == "" {
			continue
		}
		at := addr + "." + attr
		var x *conformance.Value
		switch {
		case isTrue(unk[attr]) && after[attr] == nil:
			x = knownAfterApply(at)
		case top && attr == "tags":
			tags := after["tags_all"]
			if tags == nil || isTrue(unk["tags_all"]) {
				tags = after["tags"]
			}
			x = tfTags(tags)
		case top && slices.Contains(jsonDocs, attr):
			x = jsonDocument(after[attr])
		default:
			x = tfValue(cfnType, append(path, prop), after[attr], unk[attr], at)
		}
		if x != nil {
			v.Fields = append(v.Fields, conformance.Field{Key: prop, Value: x})
		}
	}
	return v
}

// tfValue converts a value: a nested block list becomes an object where
// the CloudFormation property is an object, a list otherwise.
func tfValue(cfnType string, path []string, after, unk any, addr string) *conformance.Value {
	if isTrue(unk) {
		return knownAfterApply(addr)
	}
	kind := cfnspec.PropertyKind(cfnType, path)
	switch a := after.(type) {
	case nil:
		return nil
	case []any:
		unkList, _ := unk.([]any)
		if kind == "object" {
			if len(a) == 0 {
				return nil
			}
			m, _ := a[0].(map[string]any)
			var um map[string]any
			if len(unkList) > 0 {
				um, _ = unkList[0].(map[string]any)
			}
			return tfObject(cfnType, path, m, um, addr, nil, nil, false)
		}
		out := &conformance.Value{Kind: conformance.List}
		for i, it := range a {
			var u any
			if i < len(unkList) {
				u = unkList[i]
			}
			if x := tfValue(cfnType, append(path, "[]"), it, u, fmt.Sprintf("%s[%d]", addr, i)); x != nil {
				out.Items = append(out.Items, x)
			}
		}
		return out
	case map[string]any:
		um, _ := unk.(map[string]any)
		if kind == "object" || len(cfnspec.PropertyNames(cfnType, path)) > 0 {
			return tfObject(cfnType, path, a, um, addr, nil, nil, false)
		}
		out := &conformance.Value{Kind: conformance.Map}
		for _, k := range slices.Sorted(maps.Keys(a)) {
			if x := tfValue(cfnType, append(path, "[]"), a[k], um[k], addr+"."+k); x != nil {
				out.Fields = append(out.Fields, conformance.Field{Key: k, Value: x})
			}
		}
		return out
	case string:
		return &conformance.Value{Kind: conformance.String, Text: a}
	case bool:
		return conformance.Boolean(a)
	case json.Number:
		return &conformance.Value{Kind: conformance.Number, Text: a.String()}
	}
	return &conformance.Value{Kind: conformance.String, Text: fmt.Sprint(after)}
}

func isTrue(v any) bool { b, ok := v.(bool); return ok && b }

// knownAfterApply is a value Terraform knows only after apply, as an
// unresolved intrinsic.
func knownAfterApply(addr string) *conformance.Value {
	return &conformance.Value{Kind: conformance.Map, Fields: []conformance.Field{
		{Key: "Fn::KnownAfterApply", Value: conformance.Str(addr)}}}
}

// tfTags turns a Terraform tag map into CloudFormation's list of tags.
func tfTags(v any) *conformance.Value {
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		return nil
	}
	out := &conformance.Value{Kind: conformance.List}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		s, _ := m[k].(string)
		out.Items = append(out.Items, conformance.MapOf(conformance.F("Key", conformance.Str(k)), conformance.F("Value", conformance.Str(s))))
	}
	return out
}

// jsonDocument reads a JSON document held in a string.
func jsonDocument(v any) *conformance.Value {
	s, ok := v.(string)
	if !ok || strings.TrimSpace(s) == "" {
		return nil
	}
	doc, err := conformance.ParseValue([]byte(s))
	if err != nil {
		return conformance.Str(s)
	}
	return doc
}

// field returns the value of a property, or nil.
func field(v *conformance.Value, key string) *conformance.Value { return v.Get(key) }

// set puts a property into a map, replacing one of the same name.
func set(v *conformance.Value, key string, x *conformance.Value) {
	if x == nil {
		return
	}
	for i, f := range v.Fields {
		if f.Key == key {
			v.Fields[i].Value = x
			return
		}
	}
	v.Fields = append(v.Fields, conformance.Field{Key: key, Value: x})
}

// bucketFromParts sets a bucket's encryption, public access block and
// logging from the split resources that name it, and files its policy.
// What they leave out stays absent, and the converter applies S3's
// defaults, as for a template.
func bucketFromParts(props *conformance.Value, r *tfRes, a *attachments, t *cfnjudge.Template) *conformance.Value {
	out := &conformance.Value{Kind: conformance.Map}
	for _, f := range props.Fields {
		switch f.Key {
		case "BucketName", "Tags":
			out.Fields = append(out.Fields, f)
		}
	}
	if a == nil {
		return out
	}
	if e := a.encryption; e != nil {
		rules := &conformance.Value{Kind: conformance.List}
		list, _ := e.after["rule"].([]any)
		for i, it := range list {
			rm, _ := it.(map[string]any)
			at := fmt.Sprintf("%s.rule[%d]", e.addr, i)
			rule := &conformance.Value{Kind: conformance.Map}
			if defs, _ := rm["apply_server_side_encryption_by_default"].([]any); len(defs) > 0 {
				dm, _ := defs[0].(map[string]any)
				d := &conformance.Value{Kind: conformance.Map}
				set(d, "SSEAlgorithm", tfScalar(dm["sse_algorithm"], unknownAt(e.unk, "rule", i, "apply_server_side_encryption_by_default", 0, "sse_algorithm"), at+".sse_algorithm"))
				set(d, "KMSMasterKeyID", tfScalar(dm["kms_master_key_id"], unknownAt(e.unk, "rule", i, "apply_server_side_encryption_by_default", 0, "kms_master_key_id"), at+".kms_master_key_id"))
				set(rule, "ServerSideEncryptionByDefault", d)
			}
			set(rule, "BucketKeyEnabled", tfScalar(rm["bucket_key_enabled"], unknownAt(e.unk, "rule", i, "bucket_key_enabled"), at+".bucket_key_enabled"))
			rules.Items = append(rules.Items, rule)
		}
		set(out, "BucketEncryption", conformance.MapOf(conformance.F("ServerSideEncryptionConfiguration", rules)))
	}
	if p := a.publicAccess; p != nil {
		block := &conformance.Value{Kind: conformance.Map}
		for _, s := range [][2]string{{"block_public_acls", "BlockPublicAcls"}, {"ignore_public_acls", "IgnorePublicAcls"},
			{"block_public_policy", "BlockPublicPolicy"}, {"restrict_public_buckets", "RestrictPublicBuckets"}} {
			set(block, s[1], tfScalar(p.after[s[0]], p.unk[s[0]], p.addr+"."+s[0]))
		}
		set(out, "PublicAccessBlockConfiguration", block)
	}
	if l := a.logging; l != nil {
		lc := &conformance.Value{Kind: conformance.Map}
		set(lc, "DestinationBucketName", tfScalar(l.after["target_bucket"], l.unk["target_bucket"], l.addr+".target_bucket"))
		set(lc, "LogFilePrefix", tfScalar(l.after["target_prefix"], l.unk["target_prefix"], l.addr+".target_prefix"))
		set(out, "LoggingConfiguration", lc)
	}
	if p := a.policy; p != nil {
		doc := jsonDocument(p.after["policy"])
		if isTrue(p.unk["policy"]) {
			doc = knownAfterApply(p.addr + ".policy")
		}
		if doc != nil {
			t.AddBucketPolicy("ref:"+r.addr, p.addr, doc)
		}
	}
	return out
}

// unknownAt reads a nested after_unknown value: keys and list indexes.
func unknownAt(unk map[string]any, path ...any) any {
	var cur any = unk
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := cur.(map[string]any)
			cur = m[k]
		case int:
			l, _ := cur.([]any)
			if k >= len(l) {
				return nil
			}
			cur = l[k]
		}
		if cur == nil {
			return nil
		}
	}
	return cur
}

// tfScalar converts a scalar attribute.
func tfScalar(after, unk any, addr string) *conformance.Value {
	if isTrue(unk) {
		return knownAfterApply(addr)
	}
	switch a := after.(type) {
	case nil:
		return nil
	case string:
		return conformance.Str(a)
	case bool:
		return conformance.Boolean(a)
	case json.Number:
		return &conformance.Value{Kind: conformance.Number, Text: a.String()}
	}
	return conformance.Str(fmt.Sprint(after))
}

// keyFromParts takes a key's policy from aws_kms_key_policy.
func keyFromParts(props *conformance.Value, a *attachments) *conformance.Value {
	if a == nil || a.keyPolicy == nil {
		return props
	}
	p := a.keyPolicy
	doc := jsonDocument(p.after["policy"])
	if isTrue(p.unk["policy"]) {
		doc = knownAfterApply(p.addr + ".policy")
	}
	set(props, "KeyPolicy", doc)
	return props
}

// roleFromParts adds a role's inline policies and managed policy
// attachments made with their own resources.
func roleFromParts(props *conformance.Value, a *attachments) *conformance.Value {
	if a == nil {
		return props
	}
	policies := field(props, "Policies")
	if policies == nil {
		policies = &conformance.Value{Kind: conformance.List}
	}
	for _, p := range a.rolePolicies {
		name := tfScalar(p.after["name"], p.unk["name"], p.addr+".name")
		doc := jsonDocument(p.after["policy"])
		if isTrue(p.unk["policy"]) {
			doc = knownAfterApply(p.addr + ".policy")
		}
		policies.Items = append(policies.Items, conformance.MapOf(conformance.F("PolicyName", name), conformance.F("PolicyDocument", doc)))
	}
	if len(policies.Items) > 0 {
		set(props, "Policies", policies)
	}
	arns := field(props, "ManagedPolicyArns")
	if arns == nil {
		arns = &conformance.Value{Kind: conformance.List}
	}
	for _, p := range a.roleAttachments {
		arns.Items = append(arns.Items, tfScalar(p.after["policy_arn"], p.unk["policy_arn"], p.addr+".policy_arn"))
	}
	if len(arns.Items) > 0 {
		set(props, "ManagedPolicyArns", arns)
	}
	return props
}

// linkPlanReferences finds, for each bucket and key of the plan, the AI
// resources whose configuration refers to it, or whose planned values name
// the bucket in an S3 URI.
func linkPlanReferences(all []*tfRes, byAddr map[string]*tfRes, units []*cfnjudge.Unit) {
	m := cfnjudge.NewMLTargets(units, func(u *cfnjudge.Unit) (string, bool) {
		if r := byAddr[u.ID()]; r != nil {
			n, ok := r.after["bucket"].(string)
			return n, ok
		}
		return "", false
	})
	if m == nil {
		return
	}
	for _, r := range all {
		if !isAIPlanType(r.typ) {
			continue
		}
		if r.config != nil {
			for _, attr := range slices.Sorted(maps.Keys(r.config.Expressions)) {
				for _, ref := range r.references(attr) {
					m.Ref(ref, fmt.Sprintf("%s (%s)", r.addr, attr))
				}
			}
		}
		var walk func(v any, path string)
		walk = func(v any, path string) {
			switch t := v.(type) {
			case string:
				m.URI(t, func() string { return fmt.Sprintf("%s (%s)", r.addr, strings.TrimPrefix(path, ".")) })
			case map[string]any:
				for _, k := range slices.Sorted(maps.Keys(t)) {
					walk(t[k], path+"."+k)
				}
			case []any:
				for i, x := range t {
					walk(x, fmt.Sprintf("%s[%d]", path, i))
				}
			}
		}
		walk(r.after, "")
	}
	m.Finish()
}
