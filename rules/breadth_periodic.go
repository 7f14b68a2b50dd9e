package rules

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aiguard/aiguard/configitem"
)

// Periodic rules of the second wave. Their resources are not recorded by
// AWS Config (flow definitions, Comprehend models, service-specific
// credentials, what fronts endpoints), or the check needs an API
// (lifecycle scripts' content, monitoring schedules per endpoint, a VPC's
// endpoints), so each reads the service APIs.

// TypeVPC is Config's type for VPCs, whose resource ID is the VPC ID.
const TypeVPC = "AWS::EC2::VPC"

// TypeIAMUser is Config's type for IAM users, whose resource ID is the
// user's unique ID (AIDA...).
const TypeIAMUser = "AWS::IAM::User"

// defaultRequiredEndpoints are the interface endpoints ml-vpc-endpoints-present
// requires in each VPC.
const defaultRequiredEndpoints = "sagemaker.api,sagemaker.runtime,bedrock-runtime"

var vpcIDPattern = &Regexp{Expr: `^vpc-[0-9a-f]{8}([0-9a-f]{9})?$`}

// privateCAArn is an AWS Private CA certificate authority ARN.
var privateCAArn = &Regexp{Expr: `^` + arnStart + `acm-pca` + arnRegionAccount + `certificate-authority/[0-9a-f-]{36}$`}

func breadthPeriodicRules() []*Rule {
	return []*Rule{
		{
			ID:    "sagemaker-flow-definition-cmk",
			Title: "SageMaker human review flows encrypt their output with a customer managed KMS key",
			Description: "Every flow definition (Amazon Augmented AI human review workflow) must name a customer " +
				"managed KMS key in OutputConfig.KmsKeyId for the review results it writes to S3. AWS Config does not " +
				"record flow definitions, so the rule reads the SageMaker API and reports each on AWS::::Account " +
				"with its ARN. checkov CKV_AWS_372 checks the same; AWS has no managed rule.",
			ResourceTypes: []string{TypeAccount},
			Trigger:       Periodic,
			Params:        []Param{describeConcurrencyParam()},
			Control:       ControlS3Encryption,
			Severity:      SeverityMedium,
			Remediation: "Flow definitions cannot be changed: create a new one with OutputConfig.KmsKeyId set to a " +
				"customer managed key, point the human loops at it, and delete the old one.",
			Actions: []string{"sagemaker:ListFlowDefinitions", "sagemaker:DescribeFlowDefinition", ReconcileAction},
			Run:     runFlowDefinitions,
		},
		{
			ID:    "comprehend-model-cmk",
			Title: "Comprehend custom models encrypt the model and its training volumes with customer managed keys",
			Description: "Every custom entity recognizer and document classifier must name a model KMS key " +
				"(ModelKmsKeyId) and a volume KMS key (VolumeKmsKeyId), neither an aws/ alias. AWS Config does not " +
				"record Comprehend models, so the rule reads the Comprehend API and reports each on AWS::::Account " +
				"with its ARN. checkov CKV_AWS_267 and CKV_AWS_268 check the same; AWS has no managed rule.",
			ResourceTypes: []string{TypeAccount},
			Trigger:       Periodic,
			Control:       ControlIAMComprehend,
			Severity:      SeverityMedium,
			Remediation: "Models cannot be changed: train a new version with ModelKmsKeyId and VolumeKmsKeyId set to " +
				"customer managed keys, and enforce them with the comprehend:ModelKmsKey and comprehend:VolumeKmsKey " +
				"condition keys.",
			Actions: []string{"comprehend:ListEntityRecognizers", "comprehend:ListDocumentClassifiers", ReconcileAction},
			Run:     runComprehendModels,
		},
		{
			ID:    "bedrock-api-key-restricted",
			Title: "No long-lived Bedrock API key outlives the allowed age",
			Description: "Every active Bedrock API key (an IAM service-specific credential for bedrock.amazonaws.com) " +
				"must expire, and within maxApiKeyAgeDays of its creation; with maxApiKeyAgeDays 0 (the default) no " +
				"active long-term key is allowed at all (short-term keys are not IAM credentials and are not seen). " +
				"Reported on AWS::IAM::User with the user's ID. Prowler's bedrock_api_key_no_long_term_credentials " +
				"checks the same; AWS has no managed rule.",
			ResourceTypes: []string{TypeIAMUser},
			Trigger:       Periodic,
			Params: []Param{{
				Name: "maxApiKeyAgeDays",
				Type: Int,
				Description: "How many days after its creation an active Bedrock API key may last at most; 0 allows " +
					"no active long-term key.",
				Default: "0",
				Min:     0,
				Max:     36600,
			}},
			Control:  ControlIAMBedrock,
			Severity: SeverityHigh,
			Remediation: "Delete the key (DeleteServiceSpecificCredential) and use short-term Bedrock API keys or IAM " +
				"role credentials; deny iam:CreateServiceSpecificCredential for bedrock.amazonaws.com in an SCP.",
			Actions: []string{"iam:ListServiceSpecificCredentials", "iam:GetUser", ReconcileAction},
			Run:     runBedrockAPIKeys,
		},
		{
			ID:    "bedrock-guardrail-configured",
			Title: "The account has a Bedrock guardrail strong enough to apply",
			Description: "Account level: at least one guardrail of the Region (its working draft) must meet the " +
				"thresholds of bedrock-guardrail-strength, with the same parameters. Reported on AWS::::Account with " +
				"the account ID; the annotation names the guardrails that fall short. Prowler's " +
				"bedrock_guardrails_configured checks that one exists; AWS has no managed rule.",
			ResourceTypes: []string{TypeAccount},
			Trigger:       Periodic,
			Params:        guardrailStrengthParams(),
			Control:       ControlBedrockGuardrails,
			Severity:      SeverityMedium,
			Remediation: "Create a guardrail (CreateGuardrail) with a HIGH prompt attack filter, the harm filters, " +
				"PII entities that block or anonymize and, if required, contextual grounding; then apply it to " +
				"every invocation (the bedrock:GuardrailIdentifier condition key).",
			Actions: []string{"bedrock:ListGuardrails", "bedrock:GetGuardrail"},
			Run:     runGuardrailConfigured,
		},
		{
			ID:    "sagemaker-notebook-lifecycle-no-secrets",
			Title: "SageMaker notebook lifecycle scripts contain no credentials",
			Description: "No notebook instance lifecycle configuration's OnCreate or OnStart script (decoded from " +
				"base64) may contain an AWS access key ID with a secret, an AWS secret access key assignment, a " +
				"private key, or a token of a well-known provider (GitHub, GitLab, Slack, Hugging Face, OpenAI, " +
				"Anthropic); the annotation names what was found and where, never the value. Reported on " +
				"AWS::::Account with the configuration's ARN. Prowler's sagemaker_notebook_instance_no_secrets checks " +
				"the same; AWS has no managed rule.",
			ResourceTypes: []string{TypeAccount},
			Trigger:       Periodic,
			Params:        []Param{describeConcurrencyParam()},
			Control:       ControlNotebookSecurity,
			Severity:      SeverityHigh,
			Remediation: "Remove the credential from the script (UpdateNotebookInstanceLifecycleConfig), rotate it, " +
				"and read secrets at run time from Secrets Manager with the notebook's execution role.",
			Actions: []string{"sagemaker:ListNotebookInstanceLifecycleConfigs",
				"sagemaker:DescribeNotebookInstanceLifecycleConfig", ReconcileAction},
			Run: runLifecycleSecrets,
		},
		{
			ID:    "sagemaker-endpoint-monitored",
			Title: "SageMaker production endpoints have a model monitoring schedule",
			Description: "Every InService endpoint whose name matches productionEndpointPatterns (every one when " +
				"unset) must have a monitoring schedule (data quality, model quality, bias or explainability) in " +
				"status Scheduled. Endpoints whose every variant is serverless are NOT_APPLICABLE, as data capture " +
				"does not support them. Reported on AWS::::Account with the endpoint's ARN. Prowler's " +
				"sagemaker_models_monitor_enabled checks that one schedule exists; AWS has no managed rule.",
			ResourceTypes: []string{TypeAccount},
			Trigger:       Periodic,
			Params: []Param{{
				Name:        "productionEndpointPatterns",
				Type:        CSV,
				Description: "Endpoint-name globs (path.Match: *, ?, [a-z]) that mark production endpoints; every InService endpoint when unset.",
				Pattern:     &Regexp{Expr: `^[A-Za-z0-9*?\[\]^-]{1,63}$`},
				PatternHelp: "an endpoint-name glob (letters, digits, - with *, ? and [a-z])",
			}, describeConcurrencyParam()},
			Control:  ControlAPICallLogging,
			Severity: SeverityLow,
			Remediation: "Enable data capture on the endpoint and create a monitoring schedule " +
				"(CreateMonitoringSchedule) for its data or model quality.",
			Actions: []string{"sagemaker:ListEndpoints", "sagemaker:DescribeEndpoint", "sagemaker:DescribeEndpointConfig",
				"sagemaker:DescribeModel", "sagemaker:ListMonitoringSchedules", ReconcileAction},
			Run: runEndpointMonitored,
		},
		{
			ID:    "ml-vpc-endpoints-present",
			Title: "The teams' VPCs reach SageMaker and Bedrock through interface endpoints",
			Description: "Every VPC in vpcIds (the team's network.vpcIds) that exists in the Region must have an " +
				"available interface endpoint, with private DNS, for each service in requiredServices (default the " +
				"SageMaker API and runtime and Bedrock runtime), so that ML traffic stays off the internet. VPCs of " +
				"other Regions are left out. Reported on AWS::EC2::VPC with the VPC ID. Prowler's " +
				"bedrock_vpc_endpoints_configured checks the Bedrock ones; AWS has no managed rule.",
			ResourceTypes: []string{TypeVPC},
			Trigger:       Periodic,
			Params: []Param{{
				Name:        "vpcIds",
				Type:        CSV,
				Description: "The VPCs to check; the rule judges nothing when unset.",
				Pattern:     vpcIDPattern,
				PatternHelp: "a VPC ID (vpc-0123abcd)",
			}, {
				Name:        "requiredServices",
				Type:        CSV,
				Description: "Service name suffixes (after com.amazonaws.<region>.) each VPC needs an interface endpoint for.",
				Default:     defaultRequiredEndpoints,
				Pattern:     &Regexp{Expr: `^[a-z0-9.-]{1,100}$`},
				PatternHelp: "a service name suffix (sagemaker.api)",
			}},
			Control:  ControlVPCOnly,
			Severity: SeverityMedium,
			Remediation: "Create the missing interface endpoints (CreateVpcEndpoint, --vpc-endpoint-type Interface " +
				"--private-dns-enabled) in the VPC's private subnets, with a policy that allows only your organization.",
			Actions: []string{"ec2:DescribeVpcs", "ec2:DescribeVpcEndpoints", ReconcileAction},
			Run:     runVPCEndpointsPresent,
		},
		{
			ID:    "ml-endpoint-certificate",
			Title: "What fronts ML endpoints uses ACM certificates that are not about to expire",
			Description: "Load balancer listeners, API Gateway custom domains and CloudFront distributions that front " +
				"ML endpoints must use ACM certificates, not IAM server certificates or CloudFront's default one; a " +
				"private certificate must come from allowedCertificateAuthorities when given; and no certificate may " +
				"expire within minDaysToExpiry days." + mlEndpointsNote + " Listeners take their load balancer's tags. " +
				"Reported on AWS::::Account with the listener's, domain's or distribution's ARN. AWS's " +
				"ACM_CERTIFICATE_EXPIRATION_CHECK judges certificates, not what uses them, and is not scoped to ML.",
			ResourceTypes: []string{TypeAccount},
			Trigger:       Periodic,
			Params: []Param{mlTagKeyParam(), requireMLTagParam(), {
				Name:        "minDaysToExpiry",
				Type:        Int,
				Description: "Days a certificate must still be valid for.",
				Default:     "30",
				Min:         1,
				Max:         365,
			}, {
				Name:        "allowedCertificateAuthorities",
				Type:        CSV,
				Description: "AWS Private CA certificate authorities private certificates must come from; any when unset.",
				Pattern:     privateCAArn,
				PatternHelp: "an AWS Private CA ARN (arn:aws:acm-pca:REGION:ACCOUNT:certificate-authority/ID)",
			}, describeConcurrencyParam()},
			Control:  ControlEndpointEncryption,
			Severity: SeverityHigh,
			Remediation: "Issue or import the certificate in ACM (from your private CA for internal endpoints), attach " +
				"it in place of the IAM or default certificate, and renew it before it expires.",
			Actions: []string{"elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeListeners",
				"elasticloadbalancing:DescribeListenerCertificates", "elasticloadbalancing:DescribeTags",
				"apigateway:GET", "cloudfront:ListDistributions", "cloudfront:ListTagsForResource",
				"acm:DescribeCertificate", ReconcileAction},
			Run: runEndpointCertificates,
		},
	}
}

// guardrailStrengthParams are bedrock-guardrail-strength's parameters,
// which bedrock-guardrail-configured applies to every guardrail.
func guardrailStrengthParams() []Param {
	for _, r := range bedrockRules() {
		if r.ID == "bedrock-guardrail-strength" {
			return slices.Clone(r.Params)
		}
	}
	return nil
}

func runFlowDefinitions(ctx context.Context, env Env, _ Params) ([]Evaluation, error) {
	src := env.Sources.SageMakerGovernance
	if src == nil {
		return nil, errNoSource("SageMaker governance")
	}
	flows, err := src.FlowDefinitions(ctx)
	inc, err := AsIncomplete(err)
	if err != nil {
		return nil, fmt.Errorf("flow definitions: %w", err)
	}
	var out []Evaluation
	for _, f := range dedupe(flows, func(f FlowDefinition) string { return f.ARN }) {
		if f.ARN == "" {
			continue
		}
		v := Verdict{Compliance: Compliant, Annotation: "output encrypted with a customer managed KMS key."}
		if !isCustomerManagedKey(f.OutputKMSKey) {
			v = Fail("no customer managed OutputConfig.KmsKeyId; review results are encrypted with an AWS managed key.")
		}
		out = append(out, accountEvaluation("sagemaker-flow-definition-cmk", env, f.ARN, named("Flow definition", f.Name, v)))
	}
	return out, inc.err()
}

func runComprehendModels(ctx context.Context, env Env, _ Params) ([]Evaluation, error) {
	src := env.Sources.ComprehendModels
	if src == nil {
		return nil, errNoSource("Comprehend models")
	}
	var inc *Incomplete
	var out []Evaluation
	for _, kind := range []struct {
		label string
		list  func(context.Context) ([]ComprehendModel, error)
	}{{"Entity recognizer", src.EntityRecognizers}, {"Document classifier", src.DocumentClassifiers}} {
		models, err := kind.list(ctx)
		part, err := AsIncomplete(err)
		if err != nil {
			return nil, fmt.Errorf("%ss: %w", strings.ToLower(kind.label), err)
		}
		inc = inc.merge(part)
		for _, m := range dedupe(models, func(m ComprehendModel) string { return m.ARN }) {
			if m.ARN == "" {
				continue
			}
			var problems []string
			if !isCustomerManagedKey(m.ModelKMSKey) {
				problems = append(problems, "no customer managed ModelKmsKeyId")
			}
			if !isCustomerManagedKey(m.VolumeKMSKey) {
				problems = append(problems, "no customer managed VolumeKmsKeyId")
			}
			name := m.ARN[strings.LastIndexByte(m.ARN, '/')+1:]
			out = append(out, accountEvaluation("comprehend-model-cmk", env, m.ARN,
				named(kind.label, name, jobVerdict(problems, "model and volume encrypted with customer managed keys."))))
		}
	}
	return out, inc.err()
}

func runBedrockAPIKeys(ctx context.Context, env Env, p Params) ([]Evaluation, error) {
	src := env.Sources.IAMCredentials
	if src == nil {
		return nil, errNoSource("IAM credentials")
	}
	creds, err := src.ServiceCredentials(ctx, "bedrock.amazonaws.com")
	inc, err := AsIncomplete(err)
	if err != nil {
		return nil, fmt.Errorf("Bedrock API keys: %w", err)
	}
	maxDays := int(p.Int("maxApiKeyAgeDays"))
	type user struct {
		name, id string
		problems []string
		active   int
	}
	users := map[string]*user{}
	for _, c := range creds {
		if c.UserID == "" {
			continue
		}
		u := users[c.UserID]
		if u == nil {
			u = &user{name: c.UserName, id: c.UserID}
			users[c.UserID] = u
		}
		if !strings.EqualFold(c.Status, "Active") {
			continue
		}
		if c.Expires != nil && !c.Expires.After(env.Time) {
			continue // expired, whatever the status says
		}
		u.active++
		switch {
		case maxDays == 0:
			u.problems = append(u.problems, "key "+c.ID+" is an active long-term key")
		case c.Expires == nil:
			u.problems = append(u.problems, "key "+c.ID+" never expires")
		case c.Expires.Sub(c.Created) > time.Duration(maxDays)*24*time.Hour:
			u.problems = append(u.problems, fmt.Sprintf("key %s lasts %d days (more than %d)", c.ID,
				int(c.Expires.Sub(c.Created).Hours()/24), maxDays))
		}
	}
	ids := make([]string, 0, len(users))
	for id := range users {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var out []Evaluation
	for _, id := range ids {
		u := users[id]
		v := Verdict{Compliance: Compliant, Annotation: fmt.Sprintf("User %s: %d active Bedrock API keys, each "+
			"expiring within the allowed age.", u.name, u.active)}
		if len(u.problems) > 0 {
			v = Fail("User %s: %s. Delete long-term Bedrock API keys and use short-term ones.", u.name,
				strings.Join(u.problems, "; "))
		}
		out = append(out, Evaluation{RuleID: "bedrock-api-key-restricted", ResourceType: TypeIAMUser, ResourceID: u.id,
			Compliance: v.Compliance, Annotation: Annotation(v.Annotation), OrderingTimestamp: env.Time})
	}
	return out, inc.err()
}

// guardrailItem renders a guardrail as the CI bedrock-guardrail-strength
// judges (CloudFormation's property names, which Config records).
func guardrailItem(g Guardrail) *configitem.Item {
	var filters []map[string]any
	for _, f := range g.ContentFilters {
		m := map[string]any{"Type": f.Type, "InputStrength": f.InputStrength, "OutputStrength": f.OutputStrength}
		if f.InputAction != "" {
			m["InputAction"] = f.InputAction
		}
		if f.OutputAction != "" {
			m["OutputAction"] = f.OutputAction
		}
		if f.InputEnabled != nil {
			m["InputEnabled"] = *f.InputEnabled
		}
		if f.OutputEnabled != nil {
			m["OutputEnabled"] = *f.OutputEnabled
		}
		filters = append(filters, m)
	}
	var pii []map[string]any
	for _, e := range g.PIIEntities {
		m := map[string]any{"Type": e.Type, "Action": e.Action}
		if e.InputAction != "" {
			m["InputAction"] = e.InputAction
		}
		if e.OutputAction != "" {
			m["OutputAction"] = e.OutputAction
		}
		if e.InputEnabled != nil {
			m["InputEnabled"] = *e.InputEnabled
		}
		if e.OutputEnabled != nil {
			m["OutputEnabled"] = *e.OutputEnabled
		}
		pii = append(pii, m)
	}
	var grounding []map[string]any
	for _, f := range g.GroundingFilters {
		m := map[string]any{"Type": f.Type, "Threshold": f.Threshold}
		if f.Action != "" {
			m["Action"] = f.Action
		}
		if f.Enabled != nil {
			m["Enabled"] = *f.Enabled
		}
		grounding = append(grounding, m)
	}
	cfg := map[string]any{"Name": g.Name, "GuardrailId": g.ID}
	if filters != nil {
		cfg["ContentPolicyConfig"] = map[string]any{"FiltersConfig": filters}
	}
	if pii != nil {
		cfg["SensitiveInformationPolicyConfig"] = map[string]any{"PiiEntitiesConfig": pii}
	}
	if grounding != nil {
		cfg["ContextualGroundingPolicyConfig"] = map[string]any{"FiltersConfig": grounding}
	}
	raw, _ := json.Marshal(cfg) // maps of strings, numbers and bools always encode
	return &configitem.Item{Status: configitem.StatusOK, ResourceType: typeBedrockGuardrail, ResourceID: g.ID,
		ARN: g.ARN, Configuration: raw}
}

func runGuardrailConfigured(ctx context.Context, env Env, p Params) ([]Evaluation, error) {
	src := env.Sources.BedrockGuardrails
	if src == nil {
		return nil, errNoSource("Bedrock guardrails")
	}
	guardrails, err := src.Guardrails(ctx)
	inc, err := AsIncomplete(err)
	if err != nil {
		return nil, fmt.Errorf("guardrails: %w", err)
	}
	var weak []string
	for _, g := range dedupe(guardrails, func(g Guardrail) string { return g.ARN }) {
		v := checkGuardrailStrength(guardrailItem(g), p)
		if v.Compliance == Compliant {
			return []Evaluation{accountEvaluation("bedrock-guardrail-configured", env, env.AccountID,
				named("Bedrock guardrails in", env.Region, Verdict{Compliance: Compliant,
					Annotation: "guardrail " + firstNonEmpty(g.Name, g.ID) + " meets the thresholds."}))}, nil
		}
		weak = append(weak, firstNonEmpty(g.Name, g.ID))
	}
	if inc != nil {
		// A guardrail not reached might meet the thresholds; say nothing.
		return nil, inc.err()
	}
	v := Fail("no guardrail exists. Create one that filters prompt attacks, harmful content and PII.")
	if len(weak) > 0 {
		v = Fail("none of the %d guardrails meets the thresholds of bedrock-guardrail-strength (%s).", len(weak),
			mlClip(strings.Join(weak, ", "), 120))
	}
	return []Evaluation{accountEvaluation("bedrock-guardrail-configured", env, env.AccountID,
		named("Bedrock guardrails in", env.Region, v))}, nil
}

// secretPatterns are what sagemaker-notebook-lifecycle-no-secrets looks
// for, each with the name the annotation gives it.
var secretPatterns = []struct {
	name string
	re   *Regexp
}{
	{"an AWS secret access key", &Regexp{Expr: `(?i)aws_?secret_?access_?key["'\s]*[:=]\s*["']?[A-Za-z0-9/+=]{40}\b`}},
	{"an AWS access key ID", &Regexp{Expr: `\b(AKIA|ASIA)[A-Z0-9]{16}\b`}},
	{"a private key", &Regexp{Expr: `-----BEGIN ([A-Z]+ )?PRIVATE KEY( BLOCK)?-----`}},
	{"a GitHub token", &Regexp{Expr: `\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b|\bgithub_pat_[A-Za-z0-9_]{22,}`}},
	{"a GitLab token", &Regexp{Expr: `\bglpat-[A-Za-z0-9_-]{20}\b`}},
	{"a Slack token", &Regexp{Expr: `\bxox[abposr]-[A-Za-z0-9-]{10,}`}},
	{"a Hugging Face token", &Regexp{Expr: `\bhf_[A-Za-z0-9]{34,}\b`}},
	{"an OpenAI key", &Regexp{Expr: `\bsk-(proj-)?[A-Za-z0-9_-]{32,}`}},
	{"an Anthropic key", &Regexp{Expr: `\bsk-ant-[A-Za-z0-9_-]{32,}`}},
}

// scriptSecrets says what credentials a lifecycle hook's script holds ("":
// none). SageMaker stores scripts base64-encoded; anything else is read as
// it is rather than miss what it holds.
func scriptSecrets(hook, content string) string {
	script, err := base64.StdEncoding.DecodeString(strings.TrimSpace(content))
	if err != nil {
		script = []byte(content)
	}
	if found := findSecrets(string(script)); len(found) > 0 {
		return hook + " holds " + strings.Join(found, " and ")
	}
	return ""
}

// findSecrets names the kinds of credentials in a script.
func findSecrets(script string) []string {
	var found []string
	for _, sp := range secretPatterns {
		if sp.re.MatchString(script) && !slices.Contains(found, sp.name) {
			found = append(found, sp.name)
		}
	}
	return found
}

func runLifecycleSecrets(ctx context.Context, env Env, _ Params) ([]Evaluation, error) {
	src := env.Sources.SageMakerGovernance
	if src == nil {
		return nil, errNoSource("SageMaker governance")
	}
	configs, err := src.NotebookLifecycleConfigs(ctx)
	inc, err := AsIncomplete(err)
	if err != nil {
		return nil, fmt.Errorf("lifecycle configurations: %w", err)
	}
	var out []Evaluation
	for _, c := range dedupe(configs, func(c LifecycleConfig) string { return c.ARN }) {
		if c.ARN == "" {
			continue
		}
		var problems []string
		for _, s := range c.Scripts {
			if p := scriptSecrets(s.Hook, s.Content); p != "" {
				problems = append(problems, p)
			}
		}
		v := Verdict{Compliance: Compliant, Annotation: "no credentials in its scripts."}
		if len(problems) > 0 {
			v = Fail("%s. Remove and rotate the credentials; read secrets at run time from Secrets Manager.",
				strings.Join(problems, "; "))
		}
		out = append(out, accountEvaluation("sagemaker-notebook-lifecycle-no-secrets", env, c.ARN,
			named("Lifecycle configuration", c.Name, v)))
	}
	return out, inc.err()
}

func runEndpointMonitored(ctx context.Context, env Env, p Params) ([]Evaluation, error) {
	switch {
	case env.Sources.SageMakerInference == nil:
		return nil, errNoSource("SageMaker inference")
	case env.Sources.SageMakerGovernance == nil:
		return nil, errNoSource("SageMaker governance")
	}
	endpoints, err := env.Sources.SageMakerInference.InServiceEndpoints(ctx)
	inc, err := AsIncomplete(err)
	if err != nil {
		return nil, fmt.Errorf("endpoints: %w", err)
	}
	schedules, err := env.Sources.SageMakerGovernance.MonitoringSchedules(ctx)
	sinc, err := AsIncomplete(err)
	if err != nil {
		return nil, fmt.Errorf("monitoring schedules: %w", err)
	}
	if sinc != nil {
		// A schedule not listed could be the one an endpoint has.
		return nil, inc.merge(sinc).err()
	}
	active := map[string][]string{}
	for _, s := range schedules {
		if strings.EqualFold(s.Status, "Scheduled") && s.EndpointName != "" {
			active[s.EndpointName] = append(active[s.EndpointName], s.Name)
		}
	}
	patterns := p.List("productionEndpointPatterns")
	var out []Evaluation
	for _, e := range dedupe(endpoints, func(e Endpoint) string { return e.ARN }) {
		if e.ARN == "" || !matchesAny(patterns, e.Name) {
			continue
		}
		var v Verdict
		switch names := active[e.Name]; {
		case e.Config != nil && allServerless(e.Config):
			v = Skip("every variant is serverless, which data capture and model monitoring do not support.")
		case len(names) > 0:
			sort.Strings(names)
			v = Verdict{Compliance: Compliant, Annotation: "monitored by " + strings.Join(names, ", ") + "."}
		default:
			v = Fail("no monitoring schedule is Scheduled for it, so drift in its data or predictions goes unnoticed.")
		}
		out = append(out, accountEvaluation("sagemaker-endpoint-monitored", env, e.ARN, named("Endpoint", e.Name, v)))
	}
	return out, inc.err()
}

func matchesAny(patterns []string, name string) bool {
	if len(patterns) == 0 {
		return true
	}
	for _, pat := range patterns {
		if ok, err := path.Match(pat, name); err == nil && ok {
			return true
		}
	}
	return false
}

func allServerless(c *EndpointConfig) bool {
	n := 0
	for _, v := range c.Variants {
		if v.Shadow {
			continue
		}
		n++
		if !v.Serverless || v.InstanceType != "" {
			return false
		}
	}
	return n > 0
}

func runVPCEndpointsPresent(ctx context.Context, env Env, p Params) ([]Evaluation, error) {
	wanted := p.List("vpcIds")
	if len(wanted) == 0 {
		return nil, nil
	}
	src := env.Sources.VPCEndpoints
	if src == nil {
		return nil, errNoSource("VPC endpoints")
	}
	vpcs, err := src.VPCs(ctx, wanted)
	if err != nil {
		return nil, fmt.Errorf("VPCs: %w", err)
	}
	if len(vpcs) == 0 {
		return nil, nil
	}
	endpoints, err := src.Endpoints(ctx, vpcs)
	if err != nil {
		return nil, fmt.Errorf("VPC endpoints: %w", err)
	}
	required := p.List("requiredServices")
	if len(required) == 0 {
		required = splitCSV(defaultRequiredEndpoints)
	}
	slices.Sort(vpcs)
	var out []Evaluation
	for _, vpc := range slices.Compact(vpcs) {
		var missing []string
		for _, svc := range required {
			ok := slices.ContainsFunc(endpoints, func(e VPCEndpointInfo) bool {
				return e.VPCID == vpc && endpointServiceSuffix(e.ServiceName) == svc &&
					strings.EqualFold(e.Type, "Interface") && strings.EqualFold(e.State, "available") && e.PrivateDNS
			})
			if !ok {
				missing = append(missing, svc)
			}
		}
		v := Verdict{Compliance: Compliant, Annotation: "VPC " + vpc + " has interface endpoints with private DNS for " +
			strings.Join(required, ", ") + "."}
		if len(missing) > 0 {
			v = Fail("VPC %s has no available interface endpoint with private DNS for %s, so that traffic leaves the "+
				"VPC. Create the endpoints.", vpc, strings.Join(missing, ", "))
		}
		out = append(out, Evaluation{RuleID: "ml-vpc-endpoints-present", ResourceType: TypeVPC, ResourceID: vpc,
			Compliance: v.Compliance, Annotation: Annotation(v.Annotation), OrderingTimestamp: env.Time})
	}
	return out, nil
}

// front is one listener, domain or distribution with its certificates.
type front struct {
	kind, name, arn string
	tags            map[string]string
	certs           []string
	problems        []string // found without a certificate lookup
}

func runEndpointCertificates(ctx context.Context, env Env, p Params) ([]Evaluation, error) {
	src := env.Sources.MLFronts
	if src == nil {
		return nil, errNoSource("ML fronts")
	}
	if env.Sources.Certificates == nil {
		return nil, errNoSource("ACM certificates")
	}
	var fronts []front
	var inc *Incomplete
	listeners, err := src.Listeners(ctx)
	part, err := AsIncomplete(err)
	if err != nil {
		return nil, fmt.Errorf("listeners: %w", err)
	}
	inc = inc.merge(part)
	for _, l := range listeners {
		fronts = append(fronts, front{kind: "Listener", name: l.LoadBalancerName + " " + l.Protocol, arn: l.ARN, tags: l.Tags, certs: l.Certificates})
	}
	domains, err := src.APIDomains(ctx)
	part, err = AsIncomplete(err)
	if err != nil {
		return nil, fmt.Errorf("API Gateway domains: %w", err)
	}
	inc = inc.merge(part)
	for _, d := range domains {
		fronts = append(fronts, front{kind: "API domain", name: d.Name, arn: d.ARN, tags: d.Tags, certs: d.Certificates})
	}
	dists, err := src.Distributions(ctx)
	part, err = AsIncomplete(err)
	if err != nil {
		return nil, fmt.Errorf("CloudFront distributions: %w", err)
	}
	inc = inc.merge(part)
	for _, d := range dists {
		f := front{kind: "Distribution", name: firstNonEmpty(d.DomainName, d.ID), arn: d.ARN, tags: d.Tags}
		switch {
		case d.ACMCertificate != "":
			f.certs = []string{d.ACMCertificate}
		case d.IAMCertificateID != "":
			f.problems = append(f.problems, "uses the IAM server certificate "+d.IAMCertificateID+", not ACM")
		default:
			f.problems = append(f.problems, "uses CloudFront's default certificate, not your own")
		}
		fronts = append(fronts, f)
	}

	requireTag := !p.IsSet("requireMlTag") || p.Bool("requireMlTag")
	key := mlTagKey(p)
	minDays := int(p.Int("minDaysToExpiry"))
	cas := p.List("allowedCertificateAuthorities")
	cache := map[string]*Certificate{}
	var out []Evaluation
	for _, f := range dedupe(fronts, func(f front) string { return f.arn }) {
		if f.arn == "" {
			continue
		}
		if requireTag {
			v, ok := lookupTag(f.tags, key)
			if t := strings.TrimSpace(v); !ok || strings.EqualFold(t, "false") || strings.EqualFold(t, "no") {
				continue
			}
		}
		if ctx.Err() != nil {
			if inc == nil {
				inc = &Incomplete{Cause: context.Cause(ctx)}
			}
			inc.Skipped = append(inc.Skipped, f.kind+" "+f.name)
			continue
		}
		problems := slices.Clone(f.problems)
		for _, arn := range f.certs {
			if strings.Contains(arn, ":iam::") {
				problems = append(problems, "uses the IAM server certificate "+arn[strings.LastIndexByte(arn, '/')+1:]+", not ACM")
				continue
			}
			c, seen := cache[arn]
			if !seen {
				var err error
				if c, err = env.Sources.Certificates.Certificate(ctx, arn); err != nil {
					return nil, fmt.Errorf("certificate %s: %w", arn, err)
				}
				cache[arn] = c
			}
			if msg := certificateProblem(c, arn, env.Time, minDays, cas); msg != "" {
				problems = append(problems, msg)
			}
		}
		v := Verdict{Compliance: Compliant, Annotation: "ACM certificates valid for more than " + strconv.Itoa(minDays) + " days."}
		if len(problems) > 0 {
			v = Fail("%s.", strings.Join(problems, "; "))
		}
		out = append(out, accountEvaluation("ml-endpoint-certificate", env, f.arn, named(f.kind, f.name, v)))
	}
	return out, inc.err()
}

// certificateProblem says what is wrong with an ACM certificate, "" when
// nothing is.
func certificateProblem(c *Certificate, arn string, now time.Time, minDays int, cas []string) string {
	id := arn[strings.LastIndexByte(arn, '/')+1:]
	switch {
	case c == nil:
		return "certificate " + id + " does not exist"
	case !c.NotAfter.IsZero() && !c.NotAfter.After(now):
		return "certificate " + id + " expired on " + c.NotAfter.UTC().Format("2006-01-02")
	case !c.NotAfter.IsZero() && c.NotAfter.Sub(now) < time.Duration(minDays)*24*time.Hour:
		return fmt.Sprintf("certificate %s expires on %s, within %d days", id, c.NotAfter.UTC().Format("2006-01-02"), minDays)
	case strings.EqualFold(c.Type, "PRIVATE") && len(cas) > 0 && !slices.Contains(cas, c.CAARN):
		return "certificate " + id + " is issued by a private CA outside allowedCertificateAuthorities"
	}
	return ""
}
