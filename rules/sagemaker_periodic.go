package rules

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aiguard/aiguard/awsid"
	"github.com/aiguard/aiguard/configitem"
)

// Resource types periodic rules report on; docs/periodic-resource-types.md
// says how each choice was made.
const (
	// TypeAccount is the type for resources AWS Config has no type for: the
	// evaluation carries the resource's ARN as its ID and names the resource
	// in its annotation.
	TypeAccount = "AWS::::Account"
	// TypeIAMRole is Config's type for IAM roles, whose resource ID is the
	// role's unique ID (AROA...).
	TypeIAMRole = "AWS::IAM::Role"
)

// ParamDescribeConcurrency is the parameter of periodic rules that bounds
// their concurrent Describe/Get calls; the runtime reads it when it builds
// the rule's sources.
const ParamDescribeConcurrency = "describeConcurrency"

// DefaultDescribeConcurrency is describeConcurrency's default.
const DefaultDescribeConcurrency = 4

// describeConcurrencyParam declares describeConcurrency; every periodic
// rule that describes resources one by one takes it.
func describeConcurrencyParam() Param {
	return Param{
		Name: ParamDescribeConcurrency,
		Type: Int,
		Description: "How many Describe/Get calls the rule makes at once. Higher finishes large accounts sooner " +
			"but draws more throttling, which the runtime retries with backoff.",
		Default: fmt.Sprint(DefaultDescribeConcurrency),
		Min:     1,
		Max:     32,
	}
}

func lookbackHoursParam() Param {
	return Param{
		Name: "lookbackHours",
		Type: Int,
		Description: "Jobs created in this many hours before the evaluation are judged. Jobs cannot change, so " +
			"a job is judged while it is in the window; make it longer than the rule's execution frequency.",
		Default: "48",
		Min:     1,
		Max:     720,
	}
}

func requireNetworkIsolationParam() Param {
	return Param{
		Name:        "requireNetworkIsolation",
		Type:        Bool,
		Description: "Whether the job must run with network isolation (no outbound network access from its containers).",
		Default:     "true",
	}
}

// ReconcileAction is what the runtime calls to mark resources that
// disappeared since the last run NOT_APPLICABLE. A periodic rule opts
// into that reconciliation by listing the action in its Actions.
const ReconcileAction = "config:GetComplianceDetailsByConfigRule"

func sagemakerPeriodicRules() []*Rule {
	return []*Rule{
		{
			ID:    "sagemaker-training-job-hardened",
			Title: "SageMaker training jobs run in a VPC, isolated and encrypted",
			Description: "Every training job created in the last lookbackHours must have a VpcConfig, network " +
				"isolation (when requireNetworkIsolation), inter-container traffic encryption, a KMS key for its " +
				"storage volumes (ResourceConfig.VolumeKmsKeyId) and one for its output (OutputDataConfig.KmsKeyId). " +
				"The volume key is not required when an instance type has local NVMe storage, which SageMaker " +
				"encrypts in hardware and for which it refuses a key. AWS Config does not record training jobs, so " +
				"the rule reads the SageMaker API and reports each job on AWS::::Account with the job's ARN.",
			ResourceTypes: []string{TypeAccount},
			Trigger:       Periodic,
			Params:        []Param{lookbackHoursParam(), requireNetworkIsolationParam(), describeConcurrencyParam()},
			Control:       ControlNetworkIsolation,
			Severity:      SeverityHigh,
			Remediation: "Training jobs cannot be changed: fix the job definition (VpcConfig, EnableNetworkIsolation, " +
				"EnableInterContainerTrafficEncryption, ResourceConfig.VolumeKmsKeyId, OutputDataConfig.KmsKeyId) " +
				"for its next run, and enforce it with the sagemaker:VpcSubnets, sagemaker:NetworkIsolation, " +
				"sagemaker:InterContainerTrafficEncryption, sagemaker:VolumeKmsKey and sagemaker:OutputKmsKey condition keys.",
			Actions: []string{"sagemaker:ListTrainingJobs", "sagemaker:DescribeTrainingJob", ReconcileAction},
			Run:     runTrainingJobs,
		},
		{
			ID:    "sagemaker-processing-job-hardened",
			Title: "SageMaker processing jobs run in a VPC, isolated and encrypted",
			Description: "Every processing job created in the last lookbackHours must have NetworkConfig.VpcConfig, " +
				"network isolation (when requireNetworkIsolation), inter-container traffic encryption, a KMS key " +
				"for its cluster's volumes (ProcessingResources.ClusterConfig.VolumeKmsKeyId, not required on " +
				"instance types with local NVMe storage) and, when it has outputs, one for them " +
				"(ProcessingOutputConfig.KmsKeyId). Reported on AWS::::Account with the job's ARN.",
			ResourceTypes: []string{TypeAccount},
			Trigger:       Periodic,
			Params:        []Param{lookbackHoursParam(), requireNetworkIsolationParam(), describeConcurrencyParam()},
			Control:       ControlNetworkIsolation,
			Severity:      SeverityHigh,
			Remediation: "Processing jobs cannot be changed: fix the job definition (NetworkConfig with VpcConfig, " +
				"EnableNetworkIsolation and EnableInterContainerTrafficEncryption; ClusterConfig.VolumeKmsKeyId; " +
				"ProcessingOutputConfig.KmsKeyId) for its next run.",
			Actions: []string{"sagemaker:ListProcessingJobs", "sagemaker:DescribeProcessingJob", ReconcileAction},
			Run:     runProcessingJobs,
		},
		{
			ID:    "sagemaker-transform-job-encrypted",
			Title: "SageMaker batch transform jobs encrypt their output and volumes with KMS keys",
			Description: "Every transform job created in the last lookbackHours must name a KMS key for its output " +
				"(TransformOutput.KmsKeyId) and for its instances' volumes (TransformResources.VolumeKmsKeyId, not " +
				"required on instance types with local NVMe storage). Reported on AWS::::Account with the job's ARN.",
			ResourceTypes: []string{TypeAccount},
			Trigger:       Periodic,
			Params:        []Param{lookbackHoursParam(), describeConcurrencyParam()},
			Control:       ControlEBSEncryption,
			Severity:      SeverityMedium,
			Remediation: "Transform jobs cannot be changed: set TransformOutput.KmsKeyId and " +
				"TransformResources.VolumeKmsKeyId for the next run, and enforce them with the sagemaker:OutputKmsKey " +
				"and sagemaker:VolumeKmsKey condition keys.",
			Actions: []string{"sagemaker:ListTransformJobs", "sagemaker:DescribeTransformJob", ReconcileAction},
			Run:     runTransformJobs,
		},
		{
			ID:    "sagemaker-endpoint-hardened",
			Title: "SageMaker endpoints in service are encrypted and serve isolated models in a VPC",
			Description: "Every InService endpoint's endpoint configuration must pass " +
				"sagemaker-endpoint-config-cmk-encrypted (with the same kmsKeyArns), and every model its " +
				"instance-based variants serve must have network isolation and a VpcConfig. Endpoints whose every " +
				"variant is serverless are NOT_APPLICABLE (serverless inference supports neither). Models behind " +
				"inference components are not inspected. Reported on AWS::::Account with the endpoint's ARN, as " +
				"whether Config records AWS::SageMaker::Endpoint, and under which resource ID, is unconfirmed.",
			ResourceTypes: []string{TypeAccount},
			Trigger:       Periodic,
			Params:        []Param{kmsKeyArnsParam(), describeConcurrencyParam()},
			Control:       ControlEndpointEncryption,
			Severity:      SeverityHigh,
			Remediation: "Create a new endpoint configuration with KmsKeyId (and DataCaptureConfig.KmsKeyId when " +
				"capturing) and models created with EnableNetworkIsolation and a VpcConfig, then update the endpoint to it.",
			Actions: []string{"sagemaker:ListEndpoints", "sagemaker:DescribeEndpoint", "sagemaker:DescribeEndpointConfig",
				"sagemaker:DescribeModel", ReconcileAction},
			Run: runEndpoints,
		},
		{
			ID:    "sagemaker-execution-role-scoping",
			Title: "SageMaker execution roles serve one kind of component and carry no broad policy",
			Description: "Gathers the execution roles of notebook instances, Studio domains and user profiles " +
				"(notebook), models (inference), and the training and processing jobs created in the last " +
				"lookbackHours. A role used by more than one of these kinds is NON_COMPLIANT; so, when " +
				"checkRolePolicies, is a role with AmazonSageMakerFullAccess or AdministratorAccess attached or a " +
				"policy statement (inline or customer managed) allowing * on *. Reported on AWS::IAM::Role with the " +
				"role's ID, Config's resource ID for roles.",
			ResourceTypes: []string{TypeIAMRole},
			Trigger:       Periodic,
			Params: []Param{lookbackHoursParam(), {
				Name:        "checkRolePolicies",
				Type:        Bool,
				Description: "Whether a role's policies are checked for AmazonSageMakerFullAccess, AdministratorAccess and statements allowing * on *.",
				Default:     "true",
			}, describeConcurrencyParam()},
			Control:  ControlExecutionRoles,
			Severity: SeverityHigh,
			Remediation: "Give notebooks, training, processing and inference each their own execution role, scoped " +
				"to the buckets, keys and repositories that component needs; replace AmazonSageMakerFullAccess, " +
				"AdministratorAccess and * on * statements with such scoped policies.",
			Actions: []string{
				"sagemaker:ListNotebookInstances", "sagemaker:DescribeNotebookInstance",
				"sagemaker:ListDomains", "sagemaker:DescribeDomain",
				"sagemaker:ListUserProfiles", "sagemaker:DescribeUserProfile",
				"sagemaker:ListModels", "sagemaker:DescribeModel",
				"sagemaker:ListTrainingJobs", "sagemaker:DescribeTrainingJob",
				"sagemaker:ListProcessingJobs", "sagemaker:DescribeProcessingJob",
				"iam:GetRole", "iam:ListAttachedRolePolicies", "iam:ListRolePolicies", "iam:GetRolePolicy",
				"iam:GetPolicy", "iam:GetPolicyVersion",
				ReconcileAction,
			},
			Run: runExecutionRoles,
		},
	}
}

// windowStart is the start of the lookback window.
func windowStart(env Env, p Params) time.Time {
	return env.Time.Add(-time.Duration(p.Int("lookbackHours")) * time.Hour)
}

// accountEvaluation reports a resource Config has no type for.
func accountEvaluation(ruleID string, env Env, arn string, v Verdict) Evaluation {
	return Evaluation{
		RuleID:            ruleID,
		ResourceType:      TypeAccount,
		ResourceID:        arn,
		Compliance:        v.Compliance,
		Annotation:        Annotation(v.Annotation),
		OrderingTimestamp: env.Time,
	}
}

// named prefixes a verdict's annotation with the resource's kind and name,
// which an AWS::::Account evaluation shows nowhere else.
func named(kind, name string, v Verdict) Verdict {
	v.Annotation = kind + " " + name + ": " + v.Annotation
	return v
}

// jobVerdict turns a job's problems into a verdict.
func jobVerdict(problems []string, pass string) Verdict {
	if len(problems) == 0 {
		return Verdict{Compliance: Compliant, Annotation: pass}
	}
	return Fail("%s.", strings.Join(problems, "; "))
}

// anyLocalStorage reports whether one of the instance types has local NVMe
// storage, for which SageMaker refuses a volume KMS key.
func anyLocalStorage(types []string) bool {
	return slices.ContainsFunc(types, mlInstanceHasLocalStorage)
}

func volumeKeyProblem(key string, instanceTypes []string) string {
	if strings.TrimSpace(key) != "" || anyLocalStorage(instanceTypes) {
		return ""
	}
	return "no VolumeKmsKeyId"
}

func runTrainingJobs(ctx context.Context, env Env, p Params) ([]Evaluation, error) {
	src := env.Sources.SageMakerJobs
	if src == nil {
		return nil, errNoSource("SageMaker jobs")
	}
	since := windowStart(env, p)
	jobs, err := src.TrainingJobs(ctx, since)
	inc, err := AsIncomplete(err)
	if err != nil {
		return nil, fmt.Errorf("training jobs: %w", err)
	}
	var out []Evaluation
	for _, j := range dedupe(jobs, func(j TrainingJob) string { return j.ARN }) {
		if j.ARN == "" || j.Created.Before(since) {
			continue
		}
		out = append(out, accountEvaluation("sagemaker-training-job-hardened", env, j.ARN,
			named("Training job", j.Name, judgeTrainingJob(j, p))))
	}
	return out, inc.err()
}

func judgeTrainingJob(j TrainingJob, p Params) Verdict {
	var problems []string
	if len(j.VpcSubnets) == 0 {
		problems = append(problems, "no VpcConfig")
	}
	if p.Bool("requireNetworkIsolation") && !j.NetworkIsolation {
		problems = append(problems, "EnableNetworkIsolation false")
	}
	if !j.InterContainerEncryption {
		problems = append(problems, "EnableInterContainerTrafficEncryption false")
	}
	if msg := volumeKeyProblem(j.VolumeKMSKey, j.InstanceTypes); msg != "" {
		problems = append(problems, msg)
	}
	if strings.TrimSpace(j.OutputKMSKey) == "" {
		problems = append(problems, "no OutputDataConfig.KmsKeyId")
	}
	return jobVerdict(problems, "in a VPC, isolated, with inter-container encryption and KMS keys for volumes and output.")
}

func runProcessingJobs(ctx context.Context, env Env, p Params) ([]Evaluation, error) {
	src := env.Sources.SageMakerJobs
	if src == nil {
		return nil, errNoSource("SageMaker jobs")
	}
	since := windowStart(env, p)
	jobs, err := src.ProcessingJobs(ctx, since)
	inc, err := AsIncomplete(err)
	if err != nil {
		return nil, fmt.Errorf("processing jobs: %w", err)
	}
	var out []Evaluation
	for _, j := range dedupe(jobs, func(j ProcessingJob) string { return j.ARN }) {
		if j.ARN == "" || j.Created.Before(since) {
			continue
		}
		out = append(out, accountEvaluation("sagemaker-processing-job-hardened", env, j.ARN,
			named("Processing job", j.Name, judgeProcessingJob(j, p))))
	}
	return out, inc.err()
}

func judgeProcessingJob(j ProcessingJob, p Params) Verdict {
	var problems []string
	if len(j.VpcSubnets) == 0 {
		problems = append(problems, "no NetworkConfig.VpcConfig")
	}
	if p.Bool("requireNetworkIsolation") && !j.NetworkIsolation {
		problems = append(problems, "EnableNetworkIsolation false")
	}
	if !j.InterContainerEncryption {
		problems = append(problems, "EnableInterContainerTrafficEncryption false")
	}
	if msg := volumeKeyProblem(j.VolumeKMSKey, j.InstanceTypes); msg != "" {
		problems = append(problems, "no ClusterConfig.VolumeKmsKeyId")
	}
	if j.HasOutputConfig && strings.TrimSpace(j.OutputKMSKey) == "" {
		problems = append(problems, "no ProcessingOutputConfig.KmsKeyId")
	}
	return jobVerdict(problems, "in a VPC, isolated, with inter-container encryption and KMS keys for volumes and output.")
}

func runTransformJobs(ctx context.Context, env Env, p Params) ([]Evaluation, error) {
	src := env.Sources.SageMakerJobs
	if src == nil {
		return nil, errNoSource("SageMaker jobs")
	}
	since := windowStart(env, p)
	jobs, err := src.TransformJobs(ctx, since)
	inc, err := AsIncomplete(err)
	if err != nil {
		return nil, fmt.Errorf("transform jobs: %w", err)
	}
	var out []Evaluation
	for _, j := range dedupe(jobs, func(j TransformJob) string { return j.ARN }) {
		if j.ARN == "" || j.Created.Before(since) {
			continue
		}
		out = append(out, accountEvaluation("sagemaker-transform-job-encrypted", env, j.ARN,
			named("Transform job", j.Name, judgeTransformJob(j))))
	}
	return out, inc.err()
}

func judgeTransformJob(j TransformJob) Verdict {
	var problems []string
	if strings.TrimSpace(j.OutputKMSKey) == "" {
		problems = append(problems, "no TransformOutput.KmsKeyId")
	}
	if msg := volumeKeyProblem(j.VolumeKMSKey, j.InstanceTypes); msg != "" {
		problems = append(problems, "no TransformResources.VolumeKmsKeyId")
	}
	return jobVerdict(problems, "KMS keys for output and volumes.")
}

func runEndpoints(ctx context.Context, env Env, p Params) ([]Evaluation, error) {
	src := env.Sources.SageMakerInference
	if src == nil {
		return nil, errNoSource("SageMaker inference")
	}
	endpoints, err := src.InServiceEndpoints(ctx)
	inc, err := AsIncomplete(err)
	if err != nil {
		return nil, fmt.Errorf("endpoints: %w", err)
	}
	var out []Evaluation
	for _, e := range dedupe(endpoints, func(e Endpoint) string { return e.ARN }) {
		if e.ARN == "" {
			continue
		}
		out = append(out, accountEvaluation("sagemaker-endpoint-hardened", env, e.ARN,
			named("Endpoint", e.Name, judgeEndpoint(e, p))))
	}
	return out, inc.err()
}

func judgeEndpoint(e Endpoint, p Params) Verdict {
	if e.Config == nil {
		return Fail("endpoint config %s no longer exists, so its encryption and models cannot be verified. Update "+
			"the endpoint to a config that exists.", e.ConfigName)
	}
	cfgVerdict := checkEndpointConfigCMK(endpointConfigItem(e.Config), p)
	var serving []EndpointVariant
	for _, v := range e.Config.Variants {
		if !v.Serverless || v.InstanceType != "" {
			serving = append(serving, v)
		}
	}
	if len(serving) == 0 && len(e.Config.Variants) > 0 {
		return Skip("every variant is serverless; serverless inference supports neither KMS keys for instance " +
			"storage nor network isolation or a VPC for its models.")
	}

	models := map[string]Model{}
	for _, m := range e.Models {
		models[m.Name] = m
	}
	var problems []string
	seen := map[string]bool{}
	for _, v := range serving {
		if v.ModelName == "" || seen[v.ModelName] {
			continue
		}
		seen[v.ModelName] = true
		m, ok := models[v.ModelName]
		switch {
		case slices.Contains(e.MissingModels, v.ModelName) || !ok:
			problems = append(problems, "model "+v.ModelName+" no longer exists")
		default:
			var what []string
			if !m.NetworkIsolation {
				what = append(what, "without network isolation")
			}
			if len(m.VpcSubnets) == 0 {
				what = append(what, "without VpcConfig")
			}
			if len(what) > 0 {
				problems = append(problems, "model "+m.Name+" "+strings.Join(what, " and "))
			}
		}
	}
	if cfgVerdict.Compliance == NonCompliant {
		problems = append(problems, "endpoint config "+e.Config.Name+": "+cfgVerdict.Annotation)
	}
	if len(problems) > 0 {
		return Fail("%s", strings.Join(problems, "; "))
	}
	return Verdict{Compliance: Compliant, Annotation: "endpoint config " + e.Config.Name +
		" is encrypted and its models are isolated in a VPC."}
}

// endpointConfigItem renders an endpoint configuration as the CI the
// change-triggered sagemaker-endpoint-config-cmk-encrypted judges: the
// DescribeEndpointConfig field names are the ones Config records.
func endpointConfigItem(c *EndpointConfig) *configitem.Item {
	variants := make([]map[string]any, 0, len(c.Variants))
	for _, v := range c.Variants {
		if v.Shadow {
			continue // the Config rule judges ProductionVariants only
		}
		m := map[string]any{"VariantName": v.Name, "InitialInstanceCount": v.InitialInstanceCount}
		if v.ModelName != "" {
			m["ModelName"] = v.ModelName
		}
		if v.InstanceType != "" {
			m["InstanceType"] = v.InstanceType
		}
		if v.Serverless {
			// Only the presence of a ServerlessConfig matters to the check.
			m["ServerlessConfig"] = map[string]any{"MaxConcurrency": 1}
		}
		variants = append(variants, m)
	}
	cfg := map[string]any{"EndpointConfigName": c.Name, "ProductionVariants": variants}
	if c.KMSKey != "" {
		cfg["KmsKeyId"] = c.KMSKey
	}
	if dc := c.DataCapture; dc != nil {
		m := map[string]any{"InitialSamplingPercentage": dc.InitialSamplingPercentage}
		if dc.EnableCapture != nil {
			m["EnableCapture"] = *dc.EnableCapture
		}
		if dc.KMSKey != "" {
			m["KmsKeyId"] = dc.KMSKey
		}
		cfg["DataCaptureConfig"] = m
	}
	raw, _ := json.Marshal(cfg) // maps of strings, numbers and bools always encode
	return &configitem.Item{
		Status:        configitem.StatusOK,
		ResourceType:  typeEndpointConfig,
		ResourceID:    c.Name,
		ARN:           c.ARN,
		Configuration: raw,
	}
}

// Component kinds of the execution-role rule.
const (
	kindNotebook   = "notebook"
	kindTraining   = "training"
	kindProcessing = "processing"
	kindInference  = "inference"
)

var componentKinds = []string{kindNotebook, kindTraining, kindProcessing, kindInference}

// roleUse is what the execution-role rule knows of one role.
type roleUse struct {
	arn   string
	users map[string][]string // kind -> component names
}

type roleUses struct {
	byKey map[string]*roleUse // by roleKey
}

// roleKey identifies a role by account and name, in lower case: IAM role
// names are unique in an account regardless of case and of the path.
func roleKey(arn string) string {
	name := arn
	if i := strings.LastIndexByte(arn, '/'); i >= 0 {
		name = arn[i+1:]
	}
	return strings.ToLower(arnAccount(arn) + "/" + name)
}

func (u *roleUses) add(arn, kind, component string) {
	arn = strings.TrimSpace(arn)
	if arn == "" {
		return
	}
	k := roleKey(arn)
	r, ok := u.byKey[k]
	if !ok {
		r = &roleUse{arn: arn, users: map[string][]string{}}
		u.byKey[k] = r
	}
	r.users[kind] = append(r.users[kind], component)
}

func runExecutionRoles(ctx context.Context, env Env, p Params) ([]Evaluation, error) {
	s := env.Sources
	switch {
	case s.SageMakerStudio == nil:
		return nil, errNoSource("SageMaker Studio")
	case s.SageMakerInference == nil:
		return nil, errNoSource("SageMaker inference")
	case s.SageMakerJobs == nil:
		return nil, errNoSource("SageMaker jobs")
	case s.IAM == nil:
		return nil, errNoSource("IAM")
	}
	uses := &roleUses{byKey: map[string]*roleUse{}}
	var inc *Incomplete
	// gather runs one listing and records its roles; a cut-short listing
	// leaves the uses incomplete, which limits what can be concluded below.
	gather := func(what string, list func() error) error {
		part, err := AsIncomplete(list())
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		inc = inc.merge(part)
		return nil
	}
	since := windowStart(env, p)
	steps := []struct {
		what string
		list func() error
	}{
		{"notebook instances", func() error {
			list, err := s.SageMakerStudio.NotebookInstances(ctx)
			for _, n := range list {
				uses.add(n.RoleARN, kindNotebook, "notebook instance "+n.Name)
			}
			return err
		}},
		{"domains", func() error {
			list, err := s.SageMakerStudio.Domains(ctx)
			for _, d := range list {
				for _, r := range d.ExecutionRoles {
					uses.add(r, kindNotebook, "domain "+firstNonEmpty(d.Name, d.ID))
				}
			}
			return err
		}},
		{"user profiles", func() error {
			list, err := s.SageMakerStudio.UserProfiles(ctx)
			for _, u := range list {
				uses.add(u.RoleARN, kindNotebook, "user profile "+u.Name)
			}
			return err
		}},
		{"models", func() error {
			list, err := s.SageMakerInference.Models(ctx)
			for _, m := range list {
				uses.add(m.RoleARN, kindInference, "model "+m.Name)
			}
			return err
		}},
		{"training jobs", func() error {
			list, err := s.SageMakerJobs.TrainingJobs(ctx, since)
			for _, j := range list {
				if !j.Created.Before(since) {
					uses.add(j.RoleARN, kindTraining, "training job "+j.Name)
				}
			}
			return err
		}},
		{"processing jobs", func() error {
			list, err := s.SageMakerJobs.ProcessingJobs(ctx, since)
			for _, j := range list {
				if !j.Created.Before(since) {
					uses.add(j.RoleARN, kindProcessing, "processing job "+j.Name)
				}
			}
			return err
		}},
	}
	for _, step := range steps {
		if err := gather(step.what, step.list); err != nil {
			return nil, err
		}
	}
	gatheredAll := inc == nil

	// Only roles of this account can be read; SageMaker passes no other.
	keys := make([]string, 0, len(uses.byKey))
	for k, u := range uses.byKey {
		if arnAccount(u.arn) == env.AccountID || env.AccountID == "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	arns := make([]string, len(keys))
	for i, k := range keys {
		arns[i] = uses.byKey[k].arn
	}
	checkPolicies := p.Bool("checkRolePolicies")
	var roles []Role
	if len(arns) > 0 {
		var err error
		roles, err = s.IAM.Roles(ctx, arns, checkPolicies)
		part, err := AsIncomplete(err)
		if err != nil {
			return nil, fmt.Errorf("IAM roles: %w", err)
		}
		inc = inc.merge(part)
	}

	var out []Evaluation
	for _, r := range dedupe(roles, func(r Role) string { return roleKey(r.ARN) }) {
		u := uses.byKey[roleKey(r.ARN)]
		if u == nil || r.ID == "" {
			continue
		}
		v := judgeRole(r, u, checkPolicies)
		if v.Compliance != NonCompliant && !gatheredAll {
			// A use in what was not listed could make the role non-compliant;
			// only a certain finding is reported.
			inc.Skipped = append(inc.Skipped, "IAM role "+r.Name)
			continue
		}
		out = append(out, Evaluation{
			RuleID:            "sagemaker-execution-role-scoping",
			ResourceType:      TypeIAMRole,
			ResourceID:        r.ID,
			Compliance:        v.Compliance,
			Annotation:        Annotation(v.Annotation),
			OrderingTimestamp: env.Time,
		})
	}
	return out, inc.err()
}

// Managed policies that make an execution role broad, by name; AWS manages
// both (arn:<partition>:iam::aws:policy/<name>).
var broadManagedPolicies = []string{"AdministratorAccess", "AmazonSageMakerFullAccess"}

func judgeRole(r Role, u *roleUse, checkPolicies bool) Verdict {
	var problems []string
	var kinds []string
	for _, k := range componentKinds {
		if len(u.users[k]) > 0 {
			kinds = append(kinds, k)
		}
	}
	if len(kinds) > 1 {
		parts := make([]string, len(kinds))
		for i, k := range kinds {
			parts[i] = k + " (" + summarizeUsers(u.users[k]) + ")"
		}
		problems = append(problems, "shared by "+strings.Join(parts, ", "))
	}
	if checkPolicies {
		for _, ap := range r.AttachedPolicies {
			if awsid.IsAWSManagedPolicy(ap.ARN) && slices.Contains(broadManagedPolicies, ap.Name) {
				problems = append(problems, ap.Name+" attached")
			} else if ap.Document != "" && allowsEverything(ap.Document) {
				problems = append(problems, "policy "+ap.Name+" allows * on *")
			}
		}
		for _, ip := range r.InlinePolicies {
			if allowsEverything(ip.Document) {
				problems = append(problems, "inline policy "+ip.Name+" allows * on *")
			}
		}
	}
	if len(problems) > 0 {
		return Fail("Role %s: %s. Give each kind of component its own narrowly scoped role.", r.Name, strings.Join(problems, "; "))
	}
	what := "used by " + kinds[0] + " only"
	if checkPolicies {
		what += ", with no broad policy"
	}
	return Verdict{Compliance: Compliant, Annotation: "Role " + r.Name + ": " + what + "."}
}

// summarizeUsers names the first component of a kind and counts the rest.
func summarizeUsers(users []string) string {
	sorted := slices.Clone(users)
	sort.Strings(sorted)
	sorted = slices.Compact(sorted)
	if len(sorted) == 1 {
		return sorted[0]
	}
	return fmt.Sprintf("%s and %d more", sorted[0], len(sorted)-1)
}

// allowsEverything reports whether a policy document has a statement that
// allows every action on every resource. A document that does not parse
// is not judged.
func allowsEverything(doc string) bool {
	pd, err := parsePolicy(configitem.ValueOf(doc))
	if err != nil {
		return false
	}
	for i := range pd.Statement {
		s := &pd.Statement[i]
		actions, notAction := s.ActionElement()
		resources, notResource := s.ResourceElement()
		if !allows(s) || notAction || notResource {
			continue
		}
		anyAction := slices.ContainsFunc(actions, func(a string) bool {
			a = strings.TrimSpace(a)
			return a == "*" || a == "*:*"
		})
		anyResource := slices.ContainsFunc(resources, func(r string) bool { return strings.TrimSpace(r) == "*" })
		if anyAction && anyResource {
			return true
		}
	}
	return false
}

// arnAccount returns the account ID of an ARN, or "".
func arnAccount(arn string) string {
	a, _ := awsid.SplitARN(arn)
	return a.AccountID
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// dedupe keeps the first item of each key: a listing that pages while
// resources are created can return one twice, and PutEvaluations must not
// see a resource twice in one run.
func dedupe[T any](list []T, key func(T) string) []T {
	seen := make(map[string]bool, len(list))
	out := make([]T, 0, len(list))
	for _, item := range list {
		k := key(item)
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, item)
	}
	return out
}
