package ctgen

import (
	"fmt"
	"time"
)

// The fictional organization of the scenarios: the accounts and teams of
// the built-in example spec (orgspec/example.yaml).
const (
	AcctTooling   = "222222222222"
	AcctPayments  = "333333333333"
	AcctPayments2 = "444444444444"
	AcctResearch  = "555555555555" // in the research OU; no team lists it
	AcctRetail    = "666666666666"
	AcctOutside   = "999999999999" // not in the organization
)

// Principals of the scenarios.
var (
	PaymentsApp       = Role(AcctPayments, "fraud-scoring-app", "i-0a1b2c3d4e5f60001")
	PaymentsTraining  = Role(AcctPayments, "aiguard-payments-risk-sagemaker-training", "SageMaker")
	PaymentsInference = Role(AcctPayments, "aiguard-payments-risk-sagemaker-inference", "SageMaker")
	PaymentsAnalyst   = Role(AcctPayments, "AWSReservedSSO_DataScience_0123456789abcdef", "analyst@example.com")
	ResearchTraining  = Role(AcctResearch, "aiguard-research-sagemaker-training", "SageMaker")
	ResearchScientist = Role(AcctResearch, "AWSReservedSSO_Research_0123456789abcdef", "scientist@example.com")
	RetailApp         = Role(AcctRetail, "shelf-labeller", "ecs-task-7f3a")
	RetailCI          = User(AcctRetail, "ci-deployer")
	PlatformAdmin     = Role(AcctTooling, "AWSReservedSSO_PlatformAdmin_0123456789abcdef", "admin@example.com")
	Attacker          = User(AcctRetail, "legacy-etl") // a leaked access key
	AttackerRole      = Role(AcctPayments, "fraud-scoring-app", "botocore-session-1716200000")
)

// Data locations of the scenarios (the example spec's storage).
const (
	BucketPaymentsModels = "example-payments-risk-models"
	BucketPaymentsData   = "example-payments-risk-training"
	BucketRetailModels   = "example-retail-vision-models"
)

// Models of the scenarios.
var models = []string{
	"anthropic.claude-3-5-haiku-20241022-v1:0",
	"amazon.titan-embed-text-v2:0",
	"us.anthropic.claude-3-5-haiku-20241022-v1:0",
}

// Event is the record of one call with the usual parameters of its API.
func (g *Generator) Event(p Principal, t time.Time, source, name string, params map[string]any) map[string]any {
	return g.Record(Call{Principal: p, Time: t, Source: source, Name: name, Params: params, Response: response(name)})
}

// response returns a plausible responseElements for an API.
func response(name string) map[string]any {
	switch name {
	case "CreateEndpoint":
		return map[string]any{"endpointArn": "arn:aws:sagemaker:us-east-1:000000000000:endpoint/x"}
	case "CreateTrainingJob":
		return map[string]any{"trainingJobArn": "arn:aws:sagemaker:us-east-1:000000000000:training-job/x"}
	}
	return nil
}

// Invoke is a model invocation (InvokeModel or Converse).
func (g *Generator) Invoke(p Principal, t time.Time, name string) map[string]any {
	return g.Event(p, t, "bedrock.amazonaws.com", name, map[string]any{"modelId": models[g.rng.Intn(len(models))]})
}

// Denied is a call refused by a policy.
func (g *Generator) Denied(p Principal, t time.Time, source, name string) map[string]any {
	return g.Record(Call{Principal: p, Time: t, Source: source, Name: name, ErrorCode: deniedCode(source)})
}

func deniedCode(source string) string {
	switch source {
	case "bedrock.amazonaws.com", "sagemaker.amazonaws.com", "comprehend.amazonaws.com", "rekognition.amazonaws.com":
		return "AccessDenied"
	}
	return "AccessDenied"
}

// GetObject is an S3 data event reading an object.
func (g *Generator) GetObject(p Principal, t time.Time, bucket, key string) map[string]any {
	return g.Record(Call{
		Principal: p, Time: t, Source: "s3.amazonaws.com", Name: "GetObject",
		Params: map[string]any{"bucketName": bucket, "Host": bucket + ".s3.us-east-1.amazonaws.com", "key": key},
		Additional: map[string]any{
			"SignatureVersion": "SigV4", "CipherSuite": "TLS_AES_128_GCM_SHA256", "bytesTransferredIn": 0,
			"AuthenticationMethod": "AuthHeader", "x-amz-id-2": g.hex(40), "bytesTransferredOut": 1024 + g.rng.Intn(1<<24),
		},
		Resources: []map[string]any{
			{"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::" + bucket + "/" + key},
			{"accountId": p.Account, "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::" + bucket},
		},
		VPCEndpoint: "vpce-0a1b2c3d4e5f60031",
	})
}

// TrainingJob is a CreateTrainingJob call running as roleARN.
func (g *Generator) TrainingJob(p Principal, t time.Time, roleARN string, tags map[string]string) map[string]any {
	var tagList []any
	for k, v := range tags {
		tagList = append(tagList, map[string]any{"key": k, "value": v})
	}
	params := map[string]any{
		"trainingJobName": fmt.Sprintf("job-%s", g.hex(8)),
		"roleArn":         roleARN,
		"algorithmSpecification": map[string]any{
			"trainingImage": "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3.0-gpu-py311", "trainingInputMode": "File",
		},
		"resourceConfig":         map[string]any{"instanceType": "ml.g5.2xlarge", "instanceCount": 1, "volumeSizeInGB": 50},
		"stoppingCondition":      map[string]any{"maxRuntimeInSeconds": 86400},
		"vpcConfig":              map[string]any{"subnets": []any{"subnet-0a1b2c3d4e5f60011"}, "securityGroupIds": []any{"sg-0a1b2c3d4e5f60021"}},
		"enableNetworkIsolation": true,
	}
	if tagList != nil {
		params["tags"] = tagList
	}
	return g.Event(p, t, "sagemaker.amazonaws.com", "CreateTrainingJob", params)
}

// Guardrail is an UpdateGuardrail call with strong or weak filters.
func (g *Generator) Guardrail(p Principal, t time.Time, id string, strong bool) map[string]any {
	strength := "HIGH"
	if !strong {
		strength = "LOW"
	}
	var filters []any
	for _, typ := range []string{"HATE", "INSULTS", "SEXUAL", "VIOLENCE", "MISCONDUCT"} {
		filters = append(filters, map[string]any{"type": typ, "inputStrength": strength, "outputStrength": strength})
	}
	filters = append(filters, map[string]any{"type": "PROMPT_ATTACK", "inputStrength": strength, "outputStrength": "NONE"})
	return g.Event(p, t, "bedrock.amazonaws.com", "UpdateGuardrail", map[string]any{
		"guardrailIdentifier":     id,
		"name":                    "payments-risk",
		"blockedInputMessaging":   "HIDDEN_DUE_TO_SECURITY_REASONS",
		"blockedOutputsMessaging": "HIDDEN_DUE_TO_SECURITY_REASONS",
		"contentPolicyConfig":     map[string]any{"filtersConfig": filters},
		"sensitiveInformationPolicyConfig": map[string]any{
			"piiEntitiesConfig": []any{map[string]any{"type": "CREDIT_DEBIT_CARD_NUMBER", "action": "BLOCK"}},
		},
	})
}

// Presign is a CreatePresignedDomainUrl call from ip, through vpce when set.
func (g *Generator) Presign(p Principal, t time.Time, ip, vpce string) map[string]any {
	return g.Record(Call{
		Principal: p, Time: t, Source: "sagemaker.amazonaws.com", Name: "CreatePresignedDomainUrl",
		Params:   map[string]any{"domainId": "d-ex12payments0", "userProfileName": "analyst", "sessionExpirationDurationInSeconds": 43200},
		SourceIP: ip, VPCEndpoint: vpce,
	})
}

// Noise emits benign traffic from start for dur, about perMinute records a
// minute: applications invoking models, execution roles reading their
// data, people browsing the console, CI describing jobs, jobs started in
// working hours, and the unrelated calls (STS, KMS, EC2) that make up most
// of a real trail. Nothing in it should make a detection fire with the
// example configuration.
func (g *Generator) Noise(start time.Time, dur time.Duration, perMinute int, emit func(map[string]any)) {
	step := time.Minute / time.Duration(perMinute)
	for t := start; t.Before(start.Add(dur)); t = t.Add(step) {
		emit(g.noiseAt(t.Add(time.Duration(g.rng.Int63n(int64(step))))))
	}
}

func (g *Generator) noiseAt(t time.Time) map[string]any {
	switch n := g.rng.Intn(100); {
	case n < 20:
		app := []Principal{PaymentsApp, RetailApp}[g.rng.Intn(2)]
		return g.Invoke(app, t, []string{"InvokeModel", "Converse", "InvokeModelWithResponseStream"}[g.rng.Intn(3)])
	case n < 30:
		return g.GetObject(PaymentsTraining, t, BucketPaymentsData, fmt.Sprintf("curated/part-%05d.parquet", g.rng.Intn(5000)))
	case n < 33:
		return g.GetObject(PaymentsInference, t, BucketPaymentsModels, "fraud/v7/model.tar.gz")
	case n < 40:
		return g.GetObject(RetailApp, t, "example-retail-vision-images", fmt.Sprintf("raw/%s.jpg", g.hex(12)))
	case n < 45:
		return g.Event(RetailCI, t, "sagemaker.amazonaws.com", "DescribeTrainingJob", map[string]any{"trainingJobName": "shelf-labels-" + g.hex(6)})
	case n < 48:
		return g.Event(RetailCI, t, "sagemaker.amazonaws.com", "ListEndpoints", map[string]any{"maxResults": 100})
	case n < 50:
		return g.Record(Call{Principal: PaymentsAnalyst, Time: t, Source: "bedrock.amazonaws.com", Name: "ListFoundationModels", Console: true})
	case n < 60:
		return g.Event(PaymentsApp, t, "kms.amazonaws.com", "Decrypt", map[string]any{"encryptionAlgorithm": "SYMMETRIC_DEFAULT"})
	case n < 75:
		return g.Event(Service(AcctPayments, "sagemaker.amazonaws.com"), t, "sts.amazonaws.com", "AssumeRole", map[string]any{
			"roleArn": PaymentsTraining.RoleARN(), "roleSessionName": "SageMaker", "durationSeconds": 3600,
		})
	case n < 90:
		return g.Event(RetailApp, t, "ec2.amazonaws.com", "DescribeInstances", map[string]any{"instancesSet": map[string]any{}})
	case n < 95:
		return g.Event(PaymentsAnalyst, t, "sagemaker.amazonaws.com", "DescribeEndpoint", map[string]any{"endpointName": "fraud-v7"})
	default:
		return g.Event(ResearchScientist, t, "s3.amazonaws.com", "ListBuckets", nil)
	}
}
