package detections

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aiguard/aiguard/cloudtrail"
	"github.com/aiguard/aiguard/configitem"
	"github.com/aiguard/aiguard/rules"
)

// Event sources of the services the catalog watches.
const (
	srcBedrock     = "bedrock.amazonaws.com"
	srcSageMaker   = "sagemaker.amazonaws.com"
	srcS3          = "s3.amazonaws.com"
	srcCloudTrail  = "cloudtrail.amazonaws.com"
	srcConfig      = "config.amazonaws.com"
	srcGuardDuty   = "guardduty.amazonaws.com"
	srcIAM         = "iam.amazonaws.com"
	srcLambda      = "lambda.amazonaws.com"
	srcComprehend  = "comprehend.amazonaws.com"
	srcRekognition = "rekognition.amazonaws.com"
)

// succeeded holds for calls that did not fail: most detections judge what
// happened, and failed calls are ml-access-denied-burst's business.
var succeeded = Condition{Field: "errorCode", Op: OpAbsent}

// Trail requirements, shared by several detections.
const (
	trailManagementWrite = "Management events (write), which every trail records by default."
	trailManagementRead  = "Management events (read), which a trail records unless it is set to write-only."
)

func catalog() []*Detection {
	return []*Detection{
		{
			ID:    "bedrock-model-access-change",
			Title: "Bedrock model access granted",
			Description: "A principal granted the account access to a foundation model: submitted the model-access " +
				"use-case form (PutUseCaseForModelAccess), accepted a model's agreement (CreateFoundationModelAgreement) " +
				"or took an entitlement (PutFoundationModelEntitlement, recorded when access is enabled in the console). " +
				"Enabling expensive models is an early step of LLM-jacking, and makes abuse durable.",
			Control:   rules.ControlIAMBedrock,
			Severity:  rules.SeverityMedium,
			Technique: Technique{"T1098", "Account Manipulation"},
			Types:     []string{"TTPs/Persistence"},
			Remediation: "Confirm the change with the account's owners. If it was not planned, revoke the agreement " +
				"(DeleteFoundationModelAgreement), deny bedrock:PutUseCaseForModelAccess, bedrock:CreateFoundationModelAgreement " +
				"and bedrock:PutFoundationModelEntitlement outside the platform team with an SCP, and investigate the principal.",
			Trail: trailManagementWrite,
			Selectors: []Selector{{
				Sources:    []string{srcBedrock},
				Names:      []string{"PutUseCaseForModelAccess", "CreateFoundationModelAgreement", "PutFoundationModelEntitlement"},
				Conditions: []Condition{succeeded},
			}},
		},
		{
			ID:    "bedrock-model-enumeration",
			Title: "Burst of Bedrock model discovery calls",
			Description: "One principal listed or probed foundation models, their availability, agreements, use-case " +
				"form, inference profiles or the invocation-logging setting many times within the window, outside the " +
				"console. Scripts that check which models a stolen credential can reach are the first step of LLM-jacking.",
			Control:   rules.ControlAPICallLogging,
			Severity:  rules.SeverityMedium,
			Technique: Technique{"T1526", "Cloud Service Discovery"},
			Types:     []string{"TTPs/Discovery"},
			Remediation: "Identify the principal and where the calls came from (sourceIPAddress, userAgent). If it is " +
				"not a known inventory or platform tool, rotate its credentials, review what it invoked afterwards " +
				"(bedrock-invocation-spike) and restrict Bedrock to the models each team needs.",
			Trail: trailManagementRead + " Calls made from the console (sessionCredentialFromConsole) are not counted: the model catalog pages make many of them.",
			Selectors: []Selector{{
				Sources: []string{srcBedrock},
				Names: []string{
					"ListFoundationModels", "GetFoundationModel", "GetFoundationModelAvailability",
					"ListFoundationModelAgreementOffers", "GetUseCaseForModelAccess", "ListInferenceProfiles",
					"GetInferenceProfile", "GetModelInvocationLoggingConfiguration",
				},
				Conditions: []Condition{{Field: "sessionCredentialFromConsole", Op: OpAbsent}},
			}},
			Rate: &Rate{Threshold: 30, Window: 10 * time.Minute, By: KeyPrincipal},
		},
		{
			ID:    "bedrock-invocation-spike",
			Title: "Spike of Bedrock model invocations",
			Description: "One principal invoked models more often than the threshold within the window. Stolen " +
				"credentials resold for model access (LLM-jacking) run up large bills in hours. CloudTrail records " +
				"InvokeModel, InvokeModelWithResponseStream, Converse and ConverseStream as read management events " +
				"(eventSource bedrock.amazonaws.com); InvokeModelWithBidirectionalStream and StartAsyncInvoke are data " +
				"events, recorded only when the trail selects the AWS::Bedrock::Model and AWS::Bedrock::AsyncInvoke resource types.",
			Control:   rules.ControlAPICallLogging,
			Severity:  rules.SeverityHigh,
			Technique: Technique{"T1496.004", "Resource Hijacking: Cloud Service Hijacking"},
			Types:     []string{"Effects/Resource Consumption", "Unusual Behaviors/User"},
			Remediation: "Check the principal against the team's expected traffic. If unexpected, revoke its sessions " +
				"(an explicit deny with aws:TokenIssueTime) and rotate its keys, then review Bedrock spend and the " +
				"prompts in model invocation logs. Raise the threshold for applications with steady high traffic.",
			Trail: trailManagementRead + " For InvokeModelWithBidirectionalStream and StartAsyncInvoke, data events of the " +
				"AWS::Bedrock::Model and AWS::Bedrock::AsyncInvoke resource types (advanced event selectors).",
			Selectors: []Selector{{
				Sources: []string{srcBedrock},
				Names: []string{
					"InvokeModel", "InvokeModelWithResponseStream", "Converse", "ConverseStream",
					"InvokeModelWithBidirectionalStream", "StartAsyncInvoke",
				},
				Conditions: []Condition{succeeded},
			}},
			Rate: &Rate{Threshold: 1000, Window: 10 * time.Minute, By: KeyPrincipal},
		},
		{
			ID:    "bedrock-logging-disabled",
			Title: "Bedrock model invocation logging turned off",
			Description: "Model invocation logging was deleted (DeleteModelInvocationLoggingConfiguration), or " +
				"replaced by a configuration that delivers nothing: no CloudWatch Logs or S3 destination, or every " +
				"kind of data (text, image, embedding, video, audio) turned off. Attackers turn it off before " +
				"abusing models so that their prompts leave no trace.",
			Control:   rules.ControlAPICallLogging,
			Severity:  rules.SeverityHigh,
			Technique: Technique{"T1562.008", "Impair Defenses: Disable or Modify Cloud Logs"},
			Types:     []string{"TTPs/Defense Evasion"},
			Remediation: "Restore the logging configuration (aiguard's bedrock-model-invocation-logging rule reports " +
				"the account non-compliant until then), find who changed it and why, and deny " +
				"bedrock:DeleteModelInvocationLoggingConfiguration and bedrock:PutModelInvocationLoggingConfiguration " +
				"outside the platform team.",
			Trail: trailManagementWrite,
			Selectors: []Selector{{
				Sources:    []string{srcBedrock},
				Names:      []string{"DeleteModelInvocationLoggingConfiguration", "PutModelInvocationLoggingConfiguration"},
				Conditions: []Condition{succeeded},
			}},
			Check:     checkLoggingOff,
			CheckText: "PutModelInvocationLoggingConfiguration counts only when its loggingConfig delivers nothing.",
		},
		{
			ID:    "bedrock-guardrail-weakened",
			Title: "Bedrock guardrail deleted or weakened",
			Description: "A guardrail was deleted (DeleteGuardrail), the organization's enforced guardrail removed " +
				"(DeleteEnforcedGuardrailConfiguration), or a guardrail updated (UpdateGuardrail, which replaces the " +
				"whole configuration) to filters below aiguard's baseline: the baseline of the bedrock-guardrail-strength " +
				"rule with its defaults (PROMPT_ATTACK input HIGH, harm categories MEDIUM both ways, a blocking or " +
				"anonymizing PII filter).",
			Control:   rules.ControlBedrockGuardrails,
			Severity:  rules.SeverityHigh,
			Technique: Technique{"T1562.001", "Impair Defenses: Disable or Modify Tools"},
			Types:     []string{"TTPs/Defense Evasion"},
			Remediation: "Restore the guardrail's previous version (guardrail versions keep their configuration), " +
				"check which applications called models without it meanwhile, and limit bedrock:UpdateGuardrail and " +
				"bedrock:DeleteGuardrail to the team that owns the guardrail.",
			Trail: trailManagementWrite,
			Selectors: []Selector{{
				Sources:    []string{srcBedrock},
				Names:      []string{"DeleteGuardrail", "DeleteEnforcedGuardrailConfiguration", "UpdateGuardrail"},
				Conditions: []Condition{succeeded},
			}},
			Check:     checkGuardrail,
			CheckText: "UpdateGuardrail counts only when the new configuration falls below the bedrock-guardrail-strength baseline.",
		},
		{
			ID:    "sagemaker-bulk-endpoint-creation",
			Title: "Bulk SageMaker endpoint creation",
			Description: "One principal created many SageMaker endpoints or endpoint configurations within the window. " +
				"Stolen credentials are used to start GPU endpoints for cryptomining or to host models outside review.",
			Control:   rules.ControlAPICallLogging,
			Severity:  rules.SeverityHigh,
			Technique: Technique{"T1496.001", "Resource Hijacking: Compute Hijacking"},
			Types:     []string{"Effects/Resource Consumption"},
			Remediation: "List the endpoints the principal created (ListEndpoints, CreationTimeAfter), delete those " +
				"nobody owns, check their instance types and images, and rotate the principal's credentials if the " +
				"creation was not planned. Limit instance types with the team's SCP.",
			Trail: trailManagementWrite,
			Selectors: []Selector{{
				Sources:    []string{srcSageMaker},
				Names:      []string{"CreateEndpoint", "CreateEndpointConfig"},
				Conditions: []Condition{succeeded},
			}},
			Rate: &Rate{Threshold: 10, Window: time.Hour, By: KeyPrincipal},
		},
		{
			ID:    "sagemaker-presigned-url-unexpected-source",
			Title: "SageMaker presigned URL requested from an unexpected network",
			Description: "A presigned URL to a notebook instance, a SageMaker domain (Studio) or an MLflow tracking " +
				"server was created from an address outside the spec's allowed CIDRs and not through one of its " +
				"allowed VPC endpoints. A presigned URL is a bearer credential to the notebook and the data it can reach.",
			Control:   rules.ControlNotebookSecurity,
			Severity:  rules.SeverityHigh,
			Technique: Technique{"T1078.004", "Valid Accounts: Cloud Accounts"},
			Types:     []string{"TTPs/Initial Access", "Unusual Behaviors/Network Flow"},
			Remediation: "Check who requested the URL and from where. If unexpected, revoke the principal's sessions, " +
				"stop the notebook or delete the user's Studio apps, and require the aws:SourceIp or aws:SourceVpce " +
				"condition on sagemaker:CreatePresigned* in the team's policies.",
			Trail: trailManagementWrite + " The CIDRs and VPC endpoint IDs come from the spec (detections.network).",
			Selectors: []Selector{{
				Sources:    []string{srcSageMaker},
				Names:      []string{"CreatePresignedNotebookInstanceUrl", "CreatePresignedDomainUrl", "CreatePresignedMlflowTrackingServerUrl"},
				Conditions: []Condition{succeeded},
			}},
			Check:     checkPresignedSource,
			Uses:      []string{UsesNetwork},
			CheckText: "The source address is outside detections.network.allowedCidrs and the VPC endpoint is not in allowedVpcEndpointIds.",
			Requires: func(cfg *Config) string {
				if len(cfg.AllowedCIDRs) == 0 && len(cfg.AllowedVPCEndpoints) == 0 {
					return "needs the allowed networks (detections.network.allowedCidrs or allowedVpcEndpointIds in the spec)"
				}
				return ""
			},
		},
		{
			ID:    "ml-model-artifact-download",
			Title: "Model artifacts or training data read by an unexpected principal",
			Description: "An object under a team's model-artifact or training-data prefixes (the spec's " +
				"storage.modelArtifacts and storage.trainingData) was read (GetObject) by a principal that is not one " +
				"of the team's SageMaker execution roles. Models and training sets are the organization's most " +
				"valuable ML data; copying them out is how they are stolen.",
			Control:   rules.ControlDataAccessLogging,
			Severity:  rules.SeverityHigh,
			Technique: Technique{"T1530", "Data from Cloud Storage"},
			Types:     []string{"Effects/Data Exfiltration"},
			Remediation: "Confirm whether the principal should read the data. If not, restrict the bucket policy to the " +
				"team's execution roles, revoke the principal's sessions and review what else it read. If it should, " +
				"add it as an execution role of the team.",
			Trail: "S3 data events (GetObject) for the teams' buckets: an event selector on AWS::S3::Object, which trails do not record by default.",
			Selectors: []Selector{{
				Sources:    []string{srcS3},
				Names:      []string{"GetObject"},
				Conditions: []Condition{succeeded},
			}},
			Check:     checkArtifactRead,
			Uses:      []string{UsesTeamData},
			PerTeam:   true,
			CheckText: "The object is under one of a team's data locations and the caller is not one of that team's execution roles.",
			Requires: func(cfg *Config) string {
				for _, t := range cfg.Teams {
					if len(t.DataLocations) > 0 {
						return ""
					}
				}
				return "needs teams with data locations (storage.modelArtifacts or storage.trainingData in the spec)"
			},
		},
		{
			ID:    "sagemaker-off-hours-training",
			Title: "SageMaker job started outside working hours",
			Description: "A training, hyperparameter tuning or processing job was started outside the working hours " +
				"of the team it belongs to (the team that owns the account, or whose execution role or team tag the " +
				"job carries). Jobs started at night on GPU instances are a sign of compute hijacking or of a " +
				"credential used by someone other than its owner.",
			Control:   rules.ControlAPICallLogging,
			Severity:  rules.SeverityMedium,
			Technique: Technique{"T1496.001", "Resource Hijacking: Compute Hijacking"},
			Types:     []string{"Unusual Behaviors/User", "Effects/Resource Consumption"},
			Remediation: "Ask the team whether the job was scheduled. If not, stop it (StopTrainingJob, " +
				"StopProcessingJob, StopHyperParameterTuningJob), check its image, instance type and output location, " +
				"and rotate the credentials that started it.",
			Trail: trailManagementWrite + " Working hours come from the spec (detections.workingHours, per team or for the organization).",
			Selectors: []Selector{{
				Sources:    []string{srcSageMaker},
				Names:      []string{"CreateTrainingJob", "CreateHyperParameterTuningJob", "CreateProcessingJob"},
				Conditions: []Condition{succeeded},
			}},
			Check:     checkOffHours,
			Uses:      []string{UsesWorkingHours},
			CheckText: "The event time is outside the working hours of the job's team (or of the organization).",
			Requires: func(cfg *Config) string {
				if cfg.WorkingHours != nil {
					return ""
				}
				for _, t := range cfg.Teams {
					if t.WorkingHours != nil {
						return ""
					}
				}
				return "needs working hours (detections.workingHours in the spec)"
			},
		},
		{
			ID:    "ml-access-denied-burst",
			Title: "Burst of access-denied errors on ML services",
			Description: "One principal received many access-denied errors from SageMaker, Bedrock, Comprehend or " +
				"Rekognition within the window: someone probing what the SCPs and permission boundaries allow.",
			Control:   rules.ControlIAMSageMaker,
			Severity:  rules.SeverityMedium,
			Technique: Technique{"T1580", "Cloud Infrastructure Discovery"},
			Types:     []string{"TTPs/Discovery"},
			Remediation: "Look at which actions were denied and which policy denied them (errorMessage names an SCP or " +
				"boundary). A deployment missing a permission fails the same way: fix its role. Otherwise treat the " +
				"principal's credentials as compromised.",
			Trail: trailManagementRead + " Denied write calls are recorded with write events, denied reads with read events.",
			Selectors: []Selector{{
				Sources:    []string{srcSageMaker, srcBedrock, srcComprehend, srcRekognition},
				Conditions: []Condition{{Field: "errorCode", Op: OpEquals, Values: cloudtrail.AccessDeniedCodes}},
			}},
			Rate: &Rate{Threshold: 20, Window: 10 * time.Minute, By: KeyPrincipal},
		},
		{
			ID:    "ml-detection-tampering",
			Title: "Detection and logging of ML activity tampered with",
			Description: "A change that blinds the organization to ML activity: CloudTrail logging stopped or a trail " +
				"deleted, event selectors changed so that no S3 object or Bedrock data events are recorded, the Config " +
				"recorder or delivery channel stopped or deleted, a GuardDuty detector deleted, disabled or detached " +
				"from its administrator, or aiguard's own Config rules, conformance packs, member role or rule Lambda " +
				"changed or deleted.",
			Control:   rules.ControlGuardDuty,
			Severity:  rules.SeverityHigh,
			Technique: Technique{"T1562", "Impair Defenses"},
			Types:     []string{"TTPs/Defense Evasion"},
			Remediation: "Restore the service (StartLogging, StartConfigurationRecorder, a new detector joined to the " +
				"administrator) or redeploy aiguard's stacks, find who made the change, and keep such changes to the " +
				"break-glass roles with the SCP aiguard generates.",
			Trail: trailManagementWrite + " IAM events are delivered in us-east-1 only.",
			Selectors: []Selector{
				{Sources: []string{srcCloudTrail}, Names: []string{"StopLogging", "DeleteTrail"}, Conditions: []Condition{succeeded}},
				{Sources: []string{srcCloudTrail}, Names: []string{"PutEventSelectors"}, Conditions: []Condition{succeeded}},
				{
					Sources:    []string{srcConfig},
					Names:      []string{"StopConfigurationRecorder", "DeleteConfigurationRecorder", "DeleteDeliveryChannel", "DeleteServiceLinkedConfigurationRecorder"},
					Conditions: []Condition{succeeded},
				},
				{
					Sources:    []string{srcGuardDuty},
					Names:      []string{"DeleteDetector", "DisassociateFromAdministratorAccount", "DisassociateFromMasterAccount"},
					Conditions: []Condition{succeeded},
				},
				{
					Sources: []string{srcGuardDuty}, Names: []string{"UpdateDetector"},
					Conditions: []Condition{succeeded, {Field: "requestParameters.enable", Op: OpEquals, Values: []string{"false"}, Bool: true}},
				},
				{
					Sources: []string{srcConfig}, Names: []string{"DeleteConfigRule", "DeleteEvaluationResults"},
					Conditions: []Condition{succeeded, {Field: "requestParameters.configRuleName", Op: OpWildcard, Values: []string{"*aiguard-*"}}},
				},
				{
					Sources: []string{srcConfig}, Names: []string{"PutConfigRule"},
					Conditions: []Condition{succeeded, {Field: "requestParameters.configRule.configRuleName", Op: OpWildcard, Values: []string{"*aiguard-*"}}},
				},
				{
					Sources: []string{srcConfig}, Names: []string{"PutConformancePack", "DeleteConformancePack"},
					Conditions: []Condition{succeeded, {Field: "requestParameters.conformancePackName", Op: OpWildcard, Values: []string{"*aiguard-*"}}},
				},
				{
					Sources: []string{srcConfig}, Names: []string{"PutOrganizationConformancePack", "DeleteOrganizationConformancePack"},
					Conditions: []Condition{succeeded, {Field: "requestParameters.organizationConformancePackName", Op: OpWildcard, Values: []string{"*aiguard-*"}}},
				},
				{
					Sources: []string{srcConfig}, Names: []string{"PutOrganizationConfigRule", "DeleteOrganizationConfigRule"},
					Conditions: []Condition{succeeded, {Field: "requestParameters.organizationConfigRuleName", Op: OpWildcard, Values: []string{"*aiguard-*"}}},
				},
				{
					Sources: []string{srcIAM},
					Names: []string{
						"DeleteRole", "UpdateAssumeRolePolicy", "PutRolePolicy", "DeleteRolePolicy", "AttachRolePolicy",
						"DetachRolePolicy", "PutRolePermissionsBoundary", "DeleteRolePermissionsBoundary", "UpdateRole",
					},
					Conditions: []Condition{succeeded, {Field: "requestParameters.roleName", Op: OpWildcard, Param: "protectedRoles"}},
				},
				{
					Sources: []string{srcLambda},
					Names: []string{
						"DeleteFunction20150331", "UpdateFunctionCode20150331v2", "UpdateFunctionConfiguration20150331v2",
						"AddPermission20150331v2", "RemovePermission20150331v2",
					},
					Conditions: []Condition{succeeded, {Field: "requestParameters.functionName", Op: OpWildcard, Param: "protectedFunctions"}},
				},
			},
			Check:     checkTampering,
			CheckText: "PutEventSelectors counts only when the new selectors record neither S3 object nor Bedrock data events.",
		},
	}
}

func checkLoggingOff(ev *Event) Verdict {
	r := ev.Record
	if r.EventName == "DeleteModelInvocationLoggingConfiguration" {
		return Verdict{Match: true, Reason: "model invocation logging deleted by " + orUnknown(r.Principal())}
	}
	cfg := ev.Params().Field("loggingConfig")
	if !cfg.Exists() {
		// Parameters not recorded: nothing shows the logging was turned off.
		return Verdict{}
	}
	var why string
	switch {
	case !cfg.Field("cloudWatchConfig").Present() && !cfg.Field("s3Config").Present():
		why = "no CloudWatch Logs or S3 destination"
	default:
		on := false
		for _, k := range []string{"textDataDeliveryEnabled", "imageDataDeliveryEnabled", "embeddingDataDeliveryEnabled", "videoDataDeliveryEnabled", "audioDataDeliveryEnabled"} {
			if cfg.Field(k).IsTrue() {
				on = true
			}
		}
		if on {
			return Verdict{}
		}
		why = "every kind of data turned off"
	}
	return Verdict{Match: true, Reason: "model invocation logging set to deliver nothing (" + why + ") by " + orUnknown(r.Principal())}
}

func checkGuardrail(ev *Event) Verdict {
	r := ev.Record
	id := ev.Params().Field("guardrailIdentifier").Str()
	switch r.EventName {
	case "DeleteGuardrail":
		what := "guardrail " + orText(id, "(unknown)")
		if v := ev.Params().Field("guardrailVersion").Str(); v != "" {
			what += " version " + v
		}
		return Verdict{Match: true, Reason: what + " deleted by " + orUnknown(r.Principal())}
	case "DeleteEnforcedGuardrailConfiguration":
		return Verdict{Match: true, Reason: "the enforced guardrail configuration deleted by " + orUnknown(r.Principal())}
	}
	p := ev.Params()
	if !p.Exists() {
		return Verdict{}
	}
	short := rules.GuardrailShortfall(p)
	if len(short) == 0 {
		return Verdict{}
	}
	return Verdict{Match: true, Reason: fmt.Sprintf("guardrail %s updated by %s below the baseline: %s",
		orText(id, "(unknown)"), orUnknown(r.Principal()), strings.Join(short, "; "))}
}

func checkPresignedSource(ev *Event) Verdict {
	r := ev.Record
	if r.UserIdentity.Type == "AWSService" || ev.Config.allowedSource(r.SourceIPAddress, r.VPCEndpointID) {
		return Verdict{}
	}
	via := "not through a VPC endpoint"
	if r.VPCEndpointID != "" {
		via = "through " + r.VPCEndpointID + ", which is not allowed"
	}
	return Verdict{Match: true, Reason: fmt.Sprintf("%s by %s from %s, outside the allowed CIDRs, %s",
		r.EventName, orUnknown(r.Principal()), orText(r.SourceIPAddress, "an unknown address"), via)}
}

func checkArtifactRead(ev *Event) Verdict {
	r := ev.Record
	p := ev.Params()
	bucket, key := p.Field("bucketName").Str(), p.Field("key").Str()
	if bucket == "" {
		return Verdict{}
	}
	role := r.RoleName()
	for i := range ev.Config.Teams {
		t := &ev.Config.Teams[i]
		if !t.holds(bucket, key) {
			continue
		}
		if role != "" && slices.Contains(t.ExecutionRoles, role) {
			return Verdict{}
		}
		return Verdict{Match: true, Team: t.Name, Reason: fmt.Sprintf("s3://%s/%s (team %s's data) read by %s, not one of the team's execution roles",
			bucket, key, t.Name, orUnknown(r.Principal()))}
	}
	return Verdict{}
}

// holds reports whether the object is under one of the team's locations.
func (t *Team) holds(bucket, key string) bool {
	for _, loc := range t.DataLocations {
		b, prefix, ok := SplitS3URI(loc)
		if ok && b == bucket && strings.HasPrefix(key, prefix) {
			return true
		}
	}
	return false
}

func checkOffHours(ev *Event) Verdict {
	r := ev.Record
	t := jobTeam(ev)
	h, spec := ev.Config.hoursFor(t)
	if h == nil || h.within(r.EventTime) {
		return Verdict{}
	}
	whose := "the organization's"
	name := ""
	if t != nil {
		name = t.Name
		if t.hours != nil {
			whose = "team " + t.Name + "'s"
		}
	}
	lt := r.EventTime.In(h.loc)
	return Verdict{Match: true, Team: name, Reason: fmt.Sprintf("%s by %s at %s (%s), outside %s working hours %s-%s %s",
		r.EventName, orUnknown(r.Principal()), lt.Format("Mon 15:04"), spec.zone(), whose, spec.Start, spec.End, strings.Join(spec.Days, ","))}
}

func (h *Hours) zone() string {
	if h.TimeZone == "" {
		return "UTC"
	}
	return h.TimeZone
}

// jobTeam finds the team of a SageMaker job: the team owning the account,
// else the team whose generated execution role the job runs as, else the
// team named by the job's team tag.
func jobTeam(ev *Event) *Team {
	cfg := ev.Config
	if t := cfg.TeamOfAccount(ev.Record.Account()); t != nil {
		return t
	}
	p := ev.Params()
	for _, path := range []string{"roleArn", "trainingJobDefinition.roleArn", "hyperParameterTuningJobConfig.roleArn"} {
		if arn := p.Path(path).Str(); arn != "" {
			if t := cfg.TeamOfRole(arn[strings.LastIndexByte(arn, '/')+1:]); t != nil {
				return t
			}
		}
	}
	if cfg.TeamTagKey != "" {
		for _, tag := range p.Field("tags").List() {
			if tag.Field("key").Str() == cfg.TeamTagKey {
				if t := cfg.Team(tag.Field("value").Str()); t != nil {
					return t
				}
			}
		}
	}
	return nil
}

func checkTampering(ev *Event) Verdict {
	r := ev.Record
	if r.EventName != "PutEventSelectors" {
		return Verdict{Match: true, Reason: tamperingReason(ev)}
	}
	if recordsMLData(ev.Params()) {
		return Verdict{}
	}
	return Verdict{Match: true, Reason: fmt.Sprintf("event selectors of trail %s changed by %s: no S3 object or Bedrock data events recorded",
		orText(ev.Params().Field("trailName").Str(), "(unknown)"), orUnknown(r.Principal()))}
}

func tamperingReason(ev *Event) string {
	r := ev.Record
	p := ev.Params()
	var target string
	for _, path := range []string{
		"name", "trailName", "configurationRecorderName", "deliveryChannelName", "detectorId", "configRuleName",
		"configRule.configRuleName", "conformancePackName", "organizationConformancePackName",
		"organizationConfigRuleName", "roleName", "functionName",
	} {
		if s := p.Path(path).Str(); s != "" {
			target = s
			break
		}
	}
	s := r.EventName
	if target != "" {
		s += " on " + target
	}
	return s + " by " + orUnknown(r.Principal())
}

// recordsMLData reports whether PutEventSelectors parameters keep data
// events of S3 objects or Bedrock recorded. Parameters that were not
// recorded are given the benefit of the doubt.
func recordsMLData(p configitem.Value) bool {
	if !p.Exists() {
		return true
	}
	for _, sel := range p.Field("eventSelectors").List() {
		for _, dr := range sel.Field("dataResources").List() {
			if t := dr.Field("type").Str(); t == "AWS::S3::Object" || strings.HasPrefix(t, "AWS::Bedrock::") {
				return true
			}
		}
	}
	for _, sel := range p.Field("advancedEventSelectors").List() {
		data, ml := false, false
		for _, f := range sel.Field("fieldSelectors").List() {
			switch f.Field("field").Str() {
			case "eventCategory":
				data = slices.Contains(f.Field("equals").Strings(), "Data")
			case "resources.type":
				for _, t := range f.Field("equals").Strings() {
					if t == "AWS::S3::Object" || strings.HasPrefix(t, "AWS::Bedrock::") {
						ml = true
					}
				}
			}
		}
		if data && ml {
			return true
		}
	}
	return false
}

func orText(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
