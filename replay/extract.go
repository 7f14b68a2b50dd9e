package replay

import (
	"regexp"
	"strings"

	"github.com/aiguard/aiguard/cloudtrail"
	"github.com/aiguard/aiguard/iameval"
	"github.com/aiguard/aiguard/iampolicy"
)

// param says where a condition key's value is in an action's request
// parameters (CloudTrail writes the API's parameters in lowerCamelCase):
// the first path found gives it; none found means the request did not
// name it, so the key is absent. "*" in a path stands for every element
// of a list.
type param struct {
	key   string
	paths [][]string
	// as turns a value into the key's form (a name into an ARN).
	as func(r *cloudtrail.Record, v string) string
}

func p(key string, paths ...string) param {
	var ps [][]string
	for _, s := range paths {
		ps = append(ps, strings.Split(s, "."))
	}
	return param{key: key, paths: ps}
}

func (x param) with(as func(*cloudtrail.Record, string) string) param { x.as = as; return x }

// vpc, keys and instances: the parameters shared by SageMaker jobs.
func smJob(vpc, isolation, traffic, volumeKey, outputKey, instance string) []param {
	var out []param
	add := func(key, path string, as func(*cloudtrail.Record, string) string) {
		if path != "" {
			out = append(out, p(key, path).with(as))
		}
	}
	if vpc != "" {
		add("sagemaker:VpcSubnets", vpc+".subnets", nil)
		add("sagemaker:VpcSecurityGroupIds", vpc+".securityGroupIds", nil)
	}
	add("sagemaker:NetworkIsolation", isolation, nil)
	add("sagemaker:InterContainerTrafficEncryption", traffic, nil)
	add("sagemaker:VolumeKmsKey", volumeKey, kmsArn)
	add("sagemaker:OutputKmsKey", outputKey, kmsArn)
	add("sagemaker:InstanceTypes", instance, nil)
	return out
}

// extractors are the request parameters of the actions aiguard's policies
// test, by IAM action. Keys of other actions stay unknown.
var extractors = map[string][]param{
	"sagemaker:CreateNotebookInstance": {
		p("sagemaker:RootAccess", "rootAccess"), p("sagemaker:DirectInternetAccess", "directInternetAccess"),
		p("sagemaker:VpcSubnets", "subnetId"), p("sagemaker:VpcSecurityGroupIds", "securityGroupIds"),
		p("sagemaker:VolumeKmsKey", "kmsKeyId").with(kmsArn), p("sagemaker:InstanceTypes", "instanceType"),
		p("sagemaker:NotebookInstanceLifecycleConfigArns", "lifecycleConfigName").with(lifecycleArn),
	},
	"sagemaker:UpdateNotebookInstance": {
		p("sagemaker:RootAccess", "rootAccess"), p("sagemaker:InstanceTypes", "instanceType"),
		p("sagemaker:NotebookInstanceLifecycleConfigArns", "lifecycleConfigName").with(lifecycleArn),
	},
	"sagemaker:CreateTrainingJob": smJob("vpcConfig", "enableNetworkIsolation", "enableInterContainerTrafficEncryption",
		"resourceConfig.volumeKmsKeyId", "outputDataConfig.kmsKeyId", "resourceConfig.instanceType"),
	"sagemaker:CreateProcessingJob": smJob("networkConfig.vpcConfig", "networkConfig.enableNetworkIsolation",
		"networkConfig.enableInterContainerTrafficEncryption", "processingResources.clusterConfig.volumeKmsKeyId",
		"processingOutputConfig.kmsKeyId", "processingResources.clusterConfig.instanceType"),
	"sagemaker:CreateModel":          smJob("vpcConfig", "enableNetworkIsolation", "", "", "", ""),
	"sagemaker:CreateTransformJob":   smJob("", "", "", "transformResources.volumeKmsKeyId", "transformOutput.kmsKeyId", "transformResources.instanceType"),
	"sagemaker:CreateEndpointConfig": smJob("vpcConfig", "enableNetworkIsolation", "", "kmsKeyId", "", "productionVariants.*.instanceType"),
	"sagemaker:CreateDomain": {
		p("sagemaker:VpcSubnets", "subnetIds"), p("sagemaker:AppNetworkAccessType", "appNetworkAccessType"),
		p("sagemaker:VolumeKmsKey", "kmsKeyId").with(kmsArn),
	},
	"sagemaker:UpdateDomain": {p("sagemaker:AppNetworkAccessType", "appNetworkAccessType")},
	"bedrock:InvokeModel": {
		p("bedrock:GuardrailIdentifier", "guardrailIdentifier", "guardrailConfig.guardrailIdentifier").with(guardrailArn),
	},
	"bedrock:InvokeModelWithResponseStream": {
		p("bedrock:GuardrailIdentifier", "guardrailIdentifier", "guardrailConfig.guardrailIdentifier").with(guardrailArn),
	},
	"bedrock-mantle:CreateInference":     {p("bedrock-mantle:Model", "model")},
	"bedrock-mantle:CreateFineTuningJob": {p("bedrock-mantle:Model", "model")},
	"iam:CreateRole":                     iamCreate,
	"iam:CreateUser":                     iamCreate,
	"iam:PutRolePermissionsBoundary":     {p("iam:PermissionsBoundary", "permissionsBoundary")},
	"iam:PutUserPermissionsBoundary":     {p("iam:PermissionsBoundary", "permissionsBoundary")},
	"iam:TagRole":                        {p("aws:TagKeys", "tags.*.key")},
	"iam:TagUser":                        {p("aws:TagKeys", "tags.*.key")},
	"iam:UntagRole":                      {p("aws:TagKeys", "tagKeys")},
	"iam:UntagUser":                      {p("aws:TagKeys", "tagKeys")},
}

var iamCreate = []param{p("iam:PermissionsBoundary", "permissionsBoundary"), p("aws:TagKeys", "tags.*.key")}

// extract sets the keys the parameters show, and marks absent those the
// action's parameters would show but do not.
func extract(req *iameval.Request, r *cloudtrail.Record, action string, ps params) {
	for _, x := range extractors[action] {
		var vals []string
		for _, path := range x.paths {
			if vals = collect(ps, path); len(vals) > 0 {
				break
			}
		}
		if len(vals) == 0 {
			req.Absent = append(req.Absent, x.key)
			continue
		}
		if x.as != nil {
			for i, v := range vals {
				vals[i] = x.as(r, v)
			}
		}
		if vals = nonEmpty(vals); len(vals) == 0 {
			continue // a value that cannot be turned into the key's form: unknown
		}
		req.Context[x.key] = vals
	}
	// The tags a request sets, one key each.
	if tags, ok := ps.get("tags"); ok {
		if list, ok := tags.([]any); ok {
			for _, t := range list {
				m, _ := t.(map[string]any)
				k, _ := m["key"].(string)
				v, _ := m["value"].(string)
				if k != "" {
					req.Context["aws:RequestTag/"+k] = []string{v}
				}
			}
		}
	}
	// The inference profile, when the model named is one.
	if strings.HasPrefix(action, "bedrock:Invoke") {
		if id, ok := ps.get("modelId"); ok {
			if s, _ := id.(string); isProfile(s) {
				req.Context["bedrock:InferenceProfileArn"] = []string{modelArn(r, s)}
			} else {
				req.Absent = append(req.Absent, "bedrock:InferenceProfileArn")
			}
		}
	}
}

func nonEmpty(vals []string) []string {
	var out []string
	for _, v := range vals {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// collect returns the values at a path, "*" expanding lists.
func collect(ps params, path []string) []string {
	for i, k := range path {
		if k != "*" {
			continue
		}
		list, ok := ps.get(path[:i]...)
		if !ok {
			return nil
		}
		items, _ := list.([]any)
		var out []string
		for _, it := range items {
			if m, ok := it.(map[string]any); ok {
				out = append(out, collect(params(m), path[i+1:])...)
			}
		}
		return out
	}
	v, ok := ps.get(path...)
	if !ok {
		return nil
	}
	return texts(v)
}

var keyID = regexp.MustCompile(`^(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$`)

// kmsArn turns a key ID into its ARN; an alias cannot be resolved
// offline, so it stays unknown ("").
func kmsArn(r *cloudtrail.Record, v string) string {
	switch {
	case strings.HasPrefix(v, "arn:") && strings.Contains(v, ":key/"):
		return v
	case keyID.MatchString(v):
		return arnOf(r, "kms", r.AWSRegion, "key/"+v)
	}
	return ""
}

func lifecycleArn(r *cloudtrail.Record, v string) string {
	if strings.HasPrefix(v, "arn:") {
		return v
	}
	return arnOf(r, "sagemaker", r.AWSRegion, "notebook-instance-lifecycle-config/"+v)
}

// guardrailArn turns a guardrail ID into its ARN; the version is added by
// guardrailVersion.
func guardrailArn(r *cloudtrail.Record, v string) string {
	arn := v
	if !strings.HasPrefix(v, "arn:") {
		arn = arnOf(r, "bedrock", r.AWSRegion, "guardrail/"+v)
	}
	ps := parseParams(r.RequestParameters)
	for _, path := range [][]string{{"guardrailVersion"}, {"guardrailConfig", "guardrailVersion"}} {
		if ver, ok := ps.get(path...); ok {
			if s := texts(ver); len(s) == 1 && s[0] != "DRAFT" && s[0] != "" {
				return arn + ":" + s[0]
			}
		}
	}
	return arn
}

func arnOf(r *cloudtrail.Record, service, region, resource string) string {
	return "arn:" + partition(r) + ":" + service + ":" + region + ":" + r.Account() + ":" + resource
}

// partition is the partition of the record's ARNs (the caller's), aws when
// it has none.
func partition(r *cloudtrail.Record) string {
	for _, arn := range []string{r.UserIdentity.ARN, r.UserIdentity.SessionContext.SessionIssuer.ARN} {
		if f := strings.SplitN(arn, ":", 3); len(f) == 3 && f[0] == "arn" && f[1] != "" {
			return f[1]
		}
	}
	return "aws"
}

// isProfile reports whether a Bedrock model ID names an inference profile
// (us.anthropic..., global.anthropic..., or a profile ARN).
func isProfile(id string) bool {
	if strings.HasPrefix(id, "arn:") {
		return strings.Contains(id, ":inference-profile/") || strings.Contains(id, ":application-inference-profile/")
	}
	first, _, _ := strings.Cut(id, ".")
	switch first {
	case "us", "eu", "apac", "us-gov", "jp", "au", "ca", "global":
		return true
	}
	return false
}

// modelArn is the ARN a Bedrock request is authorized on for a model ID.
func modelArn(r *cloudtrail.Record, id string) string {
	switch {
	case strings.HasPrefix(id, "arn:"):
		return id
	case isProfile(id):
		return arnOf(r, "bedrock", r.AWSRegion, "inference-profile/"+id)
	}
	return "arn:" + partition(r) + ":bedrock:" + r.AWSRegion + "::foundation-model/" + id
}

// resourceOf returns the resource the action is authorized on, and
// whether it is known: a Bedrock model, an IAM principal or policy named
// in the parameters, the resource an ARN format of the facts table builds
// from the parameters (training-job/${TrainingJobName} from
// trainingJobName), or "*" for actions that take no resource.
func resourceOf(r *cloudtrail.Record, action string, ps params) (string, bool) {
	prefix, name, _ := strings.Cut(action, ":")
	str := func(k string) string { v, _ := ps.get(k); s, _ := v.(string); return s }
	switch {
	case prefix == "bedrock" && (strings.HasPrefix(name, "Invoke") || name == "CreateModelInvocationJob"):
		if id := str("modelId"); id != "" {
			return modelArn(r, id), true
		}
	case prefix == "bedrock" && (name == "CreateModelCustomizationJob" || name == "CreateProvisionedModelThroughput"):
		for _, k := range []string{"baseModelIdentifier", "modelId"} {
			if id := str(k); id != "" {
				return modelArn(r, id), true
			}
		}
	case prefix == "iam":
		path := strings.Trim(str("path"), "/")
		if path != "" {
			path += "/"
		}
		switch {
		case str("roleName") != "":
			return "arn:" + partition(r) + ":iam::" + r.Account() + ":role/" + path + str("roleName"), true
		case str("userName") != "":
			return "arn:" + partition(r) + ":iam::" + r.Account() + ":user/" + path + str("userName"), true
		case str("policyArn") != "":
			return str("policyArn"), true
		case str("policyName") != "" && name == "CreatePolicy":
			return "arn:" + partition(r) + ":iam::" + r.Account() + ":policy/" + path + str("policyName"), true
		}
	}
	if arn, ok := fromFacts(r, action, ps); ok {
		return arn, true
	}
	for _, res := range r.Resources {
		if strings.HasPrefix(res.ARN, "arn:") {
			return res.ARN, true
		}
	}
	return "*", false
}

var placeholder = regexp.MustCompile(`\$\{([A-Za-z]+)\}`)

// fromFacts builds the resource ARN from the action's first resource type
// in the facts table, filling each placeholder from the parameter of the
// same name; "*" for an action without resource types.
func fromFacts(r *cloudtrail.Record, action string, ps params) (string, bool) {
	tab, err := iampolicy.DefaultTable()
	if err != nil {
		return "", false
	}
	acts, svc := tab.MatchActions(action)
	if len(acts) != 1 || svc == nil {
		return "", false
	}
	a := acts[0]
	if len(a.ResourceTypes) == 0 {
		return "*", true
	}
	rt := svc.ResourceType(a.ResourceTypes[0])
	if rt == nil {
		return "", false
	}
	ok := true
	arn := placeholder.ReplaceAllStringFunc(rt.ARN, func(m string) string {
		switch name := m[2 : len(m)-1]; name {
		case "Partition":
			return partition(r)
		case "Region":
			return r.AWSRegion
		case "Account":
			return r.Account()
		default:
			v, found := ps.get(strings.ToLower(name[:1]) + name[1:])
			s, isStr := v.(string)
			if !found || !isStr || s == "" {
				ok = false
			}
			return s
		}
	})
	return arn, ok
}
