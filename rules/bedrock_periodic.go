package rules

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

func requireCmkParam(what string) Param {
	return Param{
		Name:        "requireCmk",
		Type:        Bool,
		Description: "Whether " + what + " must be encrypted with a customer managed KMS key.",
		Default:     "true",
	}
}

func bedrockPeriodicRules() []*Rule {
	return []*Rule{
		{
			ID:    "bedrock-invocation-logging",
			Title: "Bedrock model invocation logging is on and its destinations are KMS-encrypted",
			Description: "Account level: Bedrock's model invocation logging must be configured (when requireLogging), " +
				"and, when requireCmk, its S3 bucket (s3Config and cloudWatchConfig.largeDataDeliveryS3Config) must be " +
				"default-encrypted with a customer managed KMS key (SSE-KMS or DSSE-KMS with a KMSMasterKeyID that is not " +
				"an aws/ alias) and its CloudWatch Logs log group must have a KMS key. AWS Config does not record the " +
				"setting, so the rule reads the Bedrock, S3 and CloudWatch Logs APIs and reports on AWS::::Account with " +
				"the account ID.",
			ResourceTypes: []string{TypeAccount},
			Trigger:       Periodic,
			Params: []Param{{
				Name:        "requireLogging",
				Type:        Bool,
				Description: "Whether model invocation logging must be configured.",
				Default:     "true",
			}, requireCmkParam("the logging bucket and log group")},
			Control:  ControlAPICallLogging,
			Severity: SeverityMedium,
			Remediation: "Configure model invocation logging (PutModelInvocationLoggingConfiguration) to an S3 bucket " +
				"whose default encryption is SSE-KMS with a customer managed key and/or a log group associated with a " +
				"KMS key (logs:AssociateKmsKey).",
			Actions: []string{"bedrock:GetModelInvocationLoggingConfiguration", "s3:GetEncryptionConfiguration",
				"logs:DescribeLogGroups"},
			Run: runInvocationLogging,
		},
		{
			ID:    "bedrock-custom-model-cmk",
			Title: "Bedrock custom models and customization jobs use customer managed KMS keys",
			Description: "Every custom model must have a model KMS key (modelKmsKeyArn); every model customization job " +
				"created in the last lookbackHours must have an output model KMS key (outputModelKmsKeyArn) and, when " +
				"requireVpc, a vpcConfig. AWS Config does not record either, so the rule reads the Bedrock API and " +
				"reports each on AWS::::Account with its ARN.",
			ResourceTypes: []string{TypeAccount},
			Trigger:       Periodic,
			Params: []Param{lookbackHoursParam(), {
				Name:        "requireVpc",
				Type:        Bool,
				Description: "Whether customization jobs must run with a vpcConfig.",
				Default:     "true",
			}, describeConcurrencyParam()},
			Control:  ControlBedrockEncryption,
			Severity: SeverityHigh,
			Remediation: "Custom models and jobs cannot be changed: create the customization job with " +
				"customModelKmsKeyId and vpcConfig, and enforce them with the bedrock:CustomModelKmsKeyId condition key " +
				"and an SCP.",
			Actions: []string{"bedrock:ListCustomModels", "bedrock:GetCustomModel",
				"bedrock:ListModelCustomizationJobs", "bedrock:GetModelCustomizationJob", ReconcileAction},
			Run: runCustomModels,
		},
		{
			ID:    "bedrock-agent-guardrail",
			Title: "Bedrock agents have a guardrail, a customer managed key and a short idle session",
			Description: "Every Bedrock agent must have a guardrail (guardrailConfiguration.guardrailIdentifier), a " +
				"customer encryption key (customerEncryptionKeyArn) when requireCmk, and an idleSessionTTLInSeconds of " +
				"at most maxIdleSessionTtlSeconds. Reported on AWS::::Account with the agent's ARN.",
			ResourceTypes: []string{TypeAccount},
			Trigger:       Periodic,
			Params: []Param{requireCmkParam("each agent"), {
				Name:        "maxIdleSessionTtlSeconds",
				Type:        Int,
				Description: "The longest idle session time-to-live allowed, in seconds.",
				Default:     "3600",
				Min:         60,
				Max:         86400,
			}, describeConcurrencyParam()},
			Control:  ControlBedrockGuardrails,
			Severity: SeverityHigh,
			Remediation: "Update the agent (UpdateAgent) with a guardrailConfiguration, a customerEncryptionKeyArn and " +
				"a shorter idleSessionTTLInSeconds, then prepare it again.",
			Actions: []string{"bedrock:ListAgents", "bedrock:GetAgent", ReconcileAction},
			Run:     runAgents,
		},
	}
}

// isCustomerManagedKey reports whether a KMS key reference can be a
// customer managed key: a key ID, key ARN or alias, but not an alias of an
// AWS managed key (alias/aws/...). A key ID or ARN of an AWS managed key
// cannot be told apart without kms:DescribeKey and is taken as customer
// managed.
func isCustomerManagedKey(key string) bool {
	key = strings.TrimSpace(key)
	if key == "" {
		return false
	}
	if i := strings.Index(key, "alias/"); i >= 0 {
		return !strings.HasPrefix(key[i:], "alias/aws/")
	}
	return true
}

func runInvocationLogging(ctx context.Context, env Env, p Params) ([]Evaluation, error) {
	src := env.Sources.Bedrock
	if src == nil {
		return nil, errNoSource("Bedrock")
	}
	cfg, err := src.InvocationLogging(ctx)
	if err != nil {
		return nil, fmt.Errorf("invocation logging: %w", err)
	}
	v, err := judgeInvocationLogging(ctx, env, p, cfg)
	if err != nil {
		return nil, err
	}
	return []Evaluation{accountEvaluation("bedrock-invocation-logging", env, env.AccountID,
		named("Bedrock model invocation logging in", env.Region, v))}, nil
}

func judgeInvocationLogging(ctx context.Context, env Env, p Params, cfg *InvocationLogging) (Verdict, error) {
	if cfg == nil || (cfg.S3Bucket == "" && cfg.LogGroup == "") {
		if p.Bool("requireLogging") {
			return Fail("not configured. Turn on model invocation logging to S3 or CloudWatch Logs."), nil
		}
		return Skip("not configured, and requireLogging is false."), nil
	}
	var where []string
	if cfg.S3Bucket != "" {
		where = append(where, "bucket "+cfg.S3Bucket)
	}
	if cfg.LogGroup != "" {
		where = append(where, "log group "+cfg.LogGroup)
	}
	pass := "logging to " + strings.Join(where, " and ")
	if !p.Bool("requireCmk") {
		return Verdict{Compliance: Compliant, Annotation: pass + "."}, nil
	}
	var problems []string
	buckets := []string{cfg.S3Bucket}
	if cfg.LargeDataBucket != cfg.S3Bucket {
		buckets = append(buckets, cfg.LargeDataBucket)
	}
	for _, b := range buckets {
		if b == "" {
			continue
		}
		if env.Sources.S3Buckets == nil {
			return Verdict{}, errNoSource("S3")
		}
		enc, err := env.Sources.S3Buckets.BucketEncryption(ctx, b)
		if err != nil {
			return Verdict{}, fmt.Errorf("bucket %s: %w", b, err)
		}
		if msg := bucketKeyProblem(enc); msg != "" {
			problems = append(problems, "bucket "+b+" "+msg)
		}
	}
	if cfg.LogGroup != "" {
		if env.Sources.LogGroups == nil {
			return Verdict{}, errNoSource("CloudWatch Logs")
		}
		g, err := env.Sources.LogGroups.LogGroup(ctx, cfg.LogGroup)
		if err != nil {
			return Verdict{}, fmt.Errorf("log group %s: %w", cfg.LogGroup, err)
		}
		switch {
		case g == nil:
			problems = append(problems, "log group "+cfg.LogGroup+" does not exist")
		case strings.TrimSpace(g.KMSKey) == "":
			problems = append(problems, "log group "+cfg.LogGroup+" has no KMS key")
		}
	}
	if len(problems) > 0 {
		return Fail("%s.", strings.Join(problems, "; ")), nil
	}
	return Verdict{Compliance: Compliant, Annotation: pass + ", encrypted with customer managed KMS keys."}, nil
}

// bucketKeyProblem says why a bucket's default encryption is not a
// customer managed KMS key, "" when it is.
func bucketKeyProblem(enc BucketEncryption) string {
	switch {
	case !enc.Exists:
		return "does not exist"
	case enc.Algorithm == "":
		return "has no default encryption"
	case enc.Algorithm != "aws:kms" && enc.Algorithm != "aws:kms:dsse":
		return "is default-encrypted with " + enc.Algorithm + ", not a KMS key"
	case !isCustomerManagedKey(enc.KMSKey):
		return "is default-encrypted with the AWS managed key"
	}
	return ""
}

func runCustomModels(ctx context.Context, env Env, p Params) ([]Evaluation, error) {
	src := env.Sources.Bedrock
	if src == nil {
		return nil, errNoSource("Bedrock")
	}
	models, err := src.CustomModels(ctx)
	inc, err := AsIncomplete(err)
	if err != nil {
		return nil, fmt.Errorf("custom models: %w", err)
	}
	since := windowStart(env, p)
	jobs, err := src.CustomizationJobs(ctx, since)
	jinc, err := AsIncomplete(err)
	if err != nil {
		return nil, fmt.Errorf("customization jobs: %w", err)
	}
	inc = inc.merge(jinc)
	var out []Evaluation
	for _, m := range dedupe(models, func(m CustomModel) string { return m.ARN }) {
		if m.ARN == "" {
			continue
		}
		v := Verdict{Compliance: Compliant, Annotation: "encrypted with a customer managed KMS key."}
		if !isCustomerManagedKey(m.KMSKey) {
			v = Fail("no modelKmsKeyArn; the model is encrypted with an AWS owned key.")
		}
		out = append(out, accountEvaluation("bedrock-custom-model-cmk", env, m.ARN, named("Custom model", m.Name, v)))
	}
	for _, j := range dedupe(jobs, func(j CustomizationJob) string { return j.ARN }) {
		if j.ARN == "" || j.Created.Before(since) {
			continue
		}
		var problems []string
		if !isCustomerManagedKey(j.OutputKMSKey) {
			problems = append(problems, "no outputModelKmsKeyArn")
		}
		if p.Bool("requireVpc") && len(j.VpcSubnets) == 0 {
			problems = append(problems, "no vpcConfig")
		}
		out = append(out, accountEvaluation("bedrock-custom-model-cmk", env, j.ARN,
			named("Customization job", j.Name, jobVerdict(problems, "output model KMS key set, in a VPC where required."))))
	}
	return out, inc.err()
}

func runAgents(ctx context.Context, env Env, p Params) ([]Evaluation, error) {
	src := env.Sources.BedrockAgents
	if src == nil {
		return nil, errNoSource("Bedrock agents")
	}
	agents, err := src.Agents(ctx)
	inc, err := AsIncomplete(err)
	if err != nil {
		return nil, fmt.Errorf("agents: %w", err)
	}
	maxTTL := int(p.Int("maxIdleSessionTtlSeconds"))
	var out []Evaluation
	for _, a := range dedupe(agents, func(a Agent) string { return a.ARN }) {
		if a.ARN == "" {
			continue
		}
		var problems []string
		if strings.TrimSpace(a.GuardrailID) == "" {
			problems = append(problems, "no guardrail")
		}
		if p.Bool("requireCmk") && !isCustomerManagedKey(a.KMSKey) {
			problems = append(problems, "no customerEncryptionKeyArn")
		}
		if a.IdleSessionTTL > maxTTL {
			problems = append(problems, "idleSessionTTLInSeconds "+strconv.Itoa(a.IdleSessionTTL)+" exceeds "+strconv.Itoa(maxTTL))
		}
		v := jobVerdict(problems, "guardrail "+a.GuardrailID+", idle session TTL "+strconv.Itoa(a.IdleSessionTTL)+"s.")
		out = append(out, accountEvaluation("bedrock-agent-guardrail", env, a.ARN, named("Agent", firstNonEmpty(a.Name, a.ID), v)))
	}
	return out, inc.err()
}
