package rules

import (
	"slices"
	"strings"

	"github.com/aiguard/aiguard/configitem"
)

// Bedrock agents' own configuration, and Amazon Bedrock AgentCore's
// runtimes, gateways, tools and memory. Config records the AgentCore types
// with their CloudFormation property names; it does not record Bedrock
// agents (AWS::Bedrock::Agent), so the two agent rules judge CloudFormation
// resources (aiguard scan, the CloudFormation hook) while the periodic
// bedrock-agent-guardrail reads live agents through the Bedrock API.

const (
	typeBedrockAgent         = "AWS::Bedrock::Agent"
	typeAgentCoreRuntime     = "AWS::BedrockAgentCore::Runtime"
	typeAgentCoreGateway     = "AWS::BedrockAgentCore::Gateway"
	typeAgentCoreCodeInterp  = "AWS::BedrockAgentCore::CodeInterpreterCustom"
	typeAgentCoreBrowser     = "AWS::BedrockAgentCore::BrowserCustom"
	typeAgentCoreMemory      = "AWS::BedrockAgentCore::Memory"
	agentCoreVPCRemediation  = "It must be recreated: delete it and create it again with NetworkConfiguration.NetworkMode=VPC and private subnets and security groups."
	defaultEventExpiryMaxDay = "30"
)

// guardrailRef is a guardrail ID or ARN (bedrock guardrail identifiers).
var guardrailRef = &Regexp{Expr: `^(` + arnStart + `bedrock` + arnRegionAccount + `guardrail/)?[a-z0-9]{1,64}$`}

func bedrockAgentCoreRules() []*Rule {
	return []*Rule{
		{
			ID:    "bedrock-agent-cmk",
			Title: "Bedrock agents are encrypted with a customer managed KMS key",
			Description: "An agent must name a customer managed KMS key in CustomerEncryptionKeyArn; without one " +
				"Bedrock encrypts its configuration and session data with an AWS owned key. AWS Config does not " +
				"record agents, so the rule judges CloudFormation resources; the periodic bedrock-agent-guardrail " +
				"checks live agents. checkov CKV_AWS_373 checks the same; AWS has no managed rule.",
			ResourceTypes: []string{typeBedrockAgent},
			Trigger:       ChangeTriggered,
			Control:       ControlBedrockEncryption,
			Severity:      SeverityMedium,
			Remediation:   "Update the agent with CustomerEncryptionKeyArn set to a customer managed KMS key, then prepare it again.",
			Fields:        []string{"configuration.CustomerEncryptionKeyArn"},
			Check: func(item *configitem.Item, _ Params) Verdict {
				return checkBedrockKey(item, "Agent", "CustomerEncryptionKeyArn", "agent")
			},
		},
		{
			ID:    "bedrock-agent-guardrail-configured",
			Title: "Bedrock agents name a guardrail in their own configuration",
			Description: "An agent must have a GuardrailConfiguration with a GuardrailIdentifier (the team's " +
				"guardrailId when given, by ID or ARN), so that what it is asked and answers is filtered. AWS " +
				"Config does not record agents: the rule judges CloudFormation resources, and the periodic " +
				"bedrock-agent-guardrail checks live agents. Prowler's bedrock_agent_guardrail_enabled and checkov " +
				"CKV_AWS_383 check the same; AWS has no managed rule.",
			ResourceTypes: []string{typeBedrockAgent},
			Trigger:       ChangeTriggered,
			Params: []Param{{
				Name:        "guardrailId",
				Type:        String,
				Description: "The guardrail agents must use (ID or ARN); any guardrail when unset.",
				Pattern:     guardrailRef,
				PatternHelp: "a guardrail ID or ARN",
			}},
			Control:  ControlBedrockGuardrails,
			Severity: SeverityHigh,
			Remediation: "Update the agent with GuardrailConfiguration naming the guardrail and its version, then " +
				"prepare it again.",
			Fields: []string{"configuration.GuardrailConfiguration.GuardrailIdentifier",
				"configuration.GuardrailConfiguration.GuardrailVersion"},
			Check: checkAgentGuardrailConfigured,
		},
		{
			ID:    "bedrock-agentcore-runtime-private-network",
			Title: "Bedrock AgentCore runtimes run in VPC network mode",
			Description: "An AgentCore runtime must have NetworkConfiguration.NetworkMode VPC, so that its agent " +
				"reaches only what the VPC allows; PUBLIC gives it the internet. The same check as the AWS managed " +
				"rule BEDROCKAGENTCORE_RUNTIME_PRIVATE_NETWORK_REQUIRED.",
			ResourceTypes: []string{typeAgentCoreRuntime},
			Trigger:       ChangeTriggered,
			Control:       ControlVPCOnly,
			SecurityHub:   []string{"BedrockAgentCore.1"},
			ManagedRule:   "BEDROCKAGENTCORE_RUNTIME_PRIVATE_NETWORK_REQUIRED",
			Severity:      SeverityHigh,
			Remediation: "Update the runtime (UpdateAgentRuntime) with a networkConfiguration in VPC mode naming " +
				"private subnets and security groups.",
			Fields: []string{"configuration.NetworkConfiguration.NetworkMode"},
			Check: func(item *configitem.Item, _ Params) Verdict {
				return checkAgentCoreNetworkMode(item, "Runtime", []string{"VPC"},
					"Update it with NetworkConfiguration.NetworkMode=VPC and private subnets and security groups.")
			},
		},
		{
			ID:    "bedrock-agentcore-gateway-authorizer",
			Title: "Bedrock AgentCore gateways require an authorizer for inbound requests",
			Description: "An AgentCore gateway's AuthorizerType must be CUSTOM_JWT or AWS_IAM, not NONE: without " +
				"an authorizer anyone who reaches the gateway can call its tools. The same check as the AWS managed " +
				"rule BEDROCKAGENTCORE_GATEWAY_AUTHORIZER_ENABLED. A gateway target, reached through its gateway, " +
				"is judged through it (GatewayIdentifier) where the input holds both: " + relatedNote,
			ResourceTypes: []string{typeAgentCoreGateway, typeAgentCoreTarget},
			Trigger:       ChangeTriggered,
			Control:       ControlIAMBedrock,
			SecurityHub:   []string{"BedrockAgentCore.2"},
			ManagedRule:   "BEDROCKAGENTCORE_GATEWAY_AUTHORIZER_ENABLED",
			Severity:      SeverityHigh,
			Remediation:   "Update the gateway (UpdateGateway) with authorizerType CUSTOM_JWT (and its JWT configuration) or AWS_IAM.",
			Fields:        []string{"configuration.AuthorizerType", "supplementaryConfiguration.Gateway.configuration.AuthorizerType"},
			Check:         onGateway(checkGatewayAuthorizer),
		},
		{
			ID:    "bedrock-agentcore-gateway-cmk",
			Title: "Bedrock AgentCore gateways are encrypted with a customer managed KMS key",
			Description: "An AgentCore gateway must name a customer managed KMS key in KmsKeyArn; without one " +
				"AgentCore encrypts its data with an AWS managed key. The same check as the AWS managed rule " +
				"BEDROCKAGENTCORE_GATEWAY_ENCRYPTION_ENABLED. A gateway target is judged through its gateway " +
				"(GatewayIdentifier) where the input holds both: " + relatedNote,
			ResourceTypes: []string{typeAgentCoreGateway, typeAgentCoreTarget},
			Trigger:       ChangeTriggered,
			Control:       ControlBedrockEncryption,
			SecurityHub:   []string{"BedrockAgentCore.4"},
			ManagedRule:   "BEDROCKAGENTCORE_GATEWAY_ENCRYPTION_ENABLED",
			Severity:      SeverityMedium,
			Remediation:   "Create the gateway again with KmsKeyArn set to a customer managed KMS key.",
			Fields:        []string{"configuration.KmsKeyArn", "supplementaryConfiguration.Gateway.configuration.KmsKeyArn"},
			Check: onGateway(func(item *configitem.Item, _ Params) Verdict {
				return checkBedrockKey(item, "Gateway", "KmsKeyArn", "gateway")
			}),
		},
		{
			ID:    "bedrock-agentcore-code-interpreter-sandboxed",
			Title: "Bedrock AgentCore custom code interpreters do not run in public network mode",
			Description: "A custom code interpreter's NetworkConfiguration.NetworkMode must be one of " +
				"allowedNetworkModes (default SANDBOX and VPC): PUBLIC lets the code it runs reach the internet. " +
				"With allowedNetworkModes VPC it is the check of the AWS managed rule " +
				"BEDROCKAGENTCORE_CODEINTERPRETER_NETWORKMODE_CHECK and Security Hub's BedrockAgentCore.7, which also " +
				"fail SANDBOX; packs then deploy the managed rule.",
			ResourceTypes: []string{typeAgentCoreCodeInterp},
			Trigger:       ChangeTriggered,
			Params: []Param{{
				Name:        "allowedNetworkModes",
				Type:        CSV,
				Description: "Network modes code interpreters may use.",
				Default:     "SANDBOX,VPC",
				Values:      []string{"SANDBOX", "VPC"},
			}},
			Control:     ControlNetworkIsolation,
			ManagedRule: "BEDROCKAGENTCORE_CODEINTERPRETER_NETWORKMODE_CHECK",
			Severity:    SeverityHigh,
			Remediation: "Delete the code interpreter and create it again with NetworkConfiguration.NetworkMode " +
				"SANDBOX (no network access) or VPC.",
			Fields: []string{"configuration.NetworkConfiguration.NetworkMode"},
			Check: func(item *configitem.Item, p Params) Verdict {
				allowed := p.List("allowedNetworkModes")
				if len(allowed) == 0 {
					allowed = []string{"SANDBOX", "VPC"}
				}
				return checkAgentCoreNetworkMode(item, "Code interpreter", allowed,
					"Delete it and create it again in "+strings.Join(allowed, " or ")+" network mode.")
			},
		},
		{
			ID:    "bedrock-agentcore-browser-private-network",
			Title: "Bedrock AgentCore custom browsers do not use public network mode",
			Description: "A custom browser's NetworkConfiguration.NetworkMode must be VPC: in PUBLIC mode its " +
				"sessions browse from the internet, outside your network controls. The same check as the AWS " +
				"managed rule BEDROCKAGENTCORE_BROWSERCUSTOM_NETWORK_MODE_NOT_PUBLIC.",
			ResourceTypes: []string{typeAgentCoreBrowser},
			Trigger:       ChangeTriggered,
			Control:       ControlVPCOnly,
			SecurityHub:   []string{"BedrockAgentCore.5"},
			ManagedRule:   "BEDROCKAGENTCORE_BROWSERCUSTOM_NETWORK_MODE_NOT_PUBLIC",
			Severity:      SeverityHigh,
			Remediation:   "Delete the browser and create it again with NetworkConfiguration.NetworkMode=VPC.",
			Fields:        []string{"configuration.NetworkConfiguration.NetworkMode"},
			Check: func(item *configitem.Item, _ Params) Verdict {
				return checkAgentCoreNetworkMode(item, "Browser", []string{"VPC"}, agentCoreVPCRemediation)
			},
		},
		{
			ID:    "bedrock-agentcore-browser-recording",
			Title: "Bedrock AgentCore custom browsers record their sessions to S3",
			Description: "A custom browser must have RecordingConfig.Enabled true with an S3Location bucket, so " +
				"that what agents did in its sessions can be audited. The same check as the AWS managed rule " +
				"BEDROCKAGENTCORE_BROWSERCUSTOM_RECORDING_ENABLED.",
			ResourceTypes: []string{typeAgentCoreBrowser},
			Trigger:       ChangeTriggered,
			Control:       ControlAPICallLogging,
			SecurityHub:   []string{"BedrockAgentCore.6"},
			ManagedRule:   "BEDROCKAGENTCORE_BROWSERCUSTOM_RECORDING_ENABLED",
			Severity:      SeverityMedium,
			Remediation:   "Delete the browser and create it again with RecordingConfig.Enabled=true and an S3Location bucket.",
			Fields:        []string{"configuration.RecordingConfig.Enabled", "configuration.RecordingConfig.S3Location.Bucket"},
			Check:         checkBrowserRecording,
		},
		{
			ID:    "bedrock-agentcore-memory-cmk",
			Title: "Bedrock AgentCore memory is encrypted with a customer managed KMS key",
			Description: "An AgentCore memory must name a customer managed KMS key in EncryptionKeyArn; without one " +
				"its events and long-term records are encrypted with a service managed key. The same check as the " +
				"AWS managed rule BEDROCK_AGENTCORE_MEMORY_ENCRYPTION_ENABLED.",
			ResourceTypes: []string{typeAgentCoreMemory},
			Trigger:       ChangeTriggered,
			Control:       ControlBedrockEncryption,
			SecurityHub:   []string{"BedrockAgentCore.3"},
			ManagedRule:   "BEDROCK_AGENTCORE_MEMORY_ENCRYPTION_ENABLED",
			Severity:      SeverityMedium,
			Remediation:   "The key of a memory cannot be changed: create a new memory with EncryptionKeyArn set to a customer managed KMS key.",
			Fields:        []string{"configuration.EncryptionKeyArn"},
			Check: func(item *configitem.Item, _ Params) Verdict {
				return checkBedrockKey(item, "Memory", "EncryptionKeyArn", "memory")
			},
		},
		{
			ID:    "bedrock-agentcore-memory-event-expiry",
			Title: "Bedrock AgentCore memory keeps raw events no longer than allowed",
			Description: "An AgentCore memory's EventExpiryDuration (days its short-term events, the raw " +
				"conversation, are kept) must be at most maxEventExpiryDays. AWS has the managed rule " +
				"BEDROCK_AGENTCORE_MEMORY_EVENT_EXPIRY_DURATION for the same setting; its parameters are not " +
				"documented, so packs keep this rule.",
			ResourceTypes: []string{typeAgentCoreMemory},
			Trigger:       ChangeTriggered,
			Params: []Param{{
				Name:        "maxEventExpiryDays",
				Type:        Int,
				Description: "The longest event expiry allowed, in days (AgentCore accepts 3 to 365).",
				Default:     defaultEventExpiryMaxDay,
				Min:         3,
				Max:         365,
			}},
			Control:     ControlBedrockEncryption,
			Severity:    SeverityLow,
			Remediation: "Update the memory (UpdateMemory) with a shorter eventExpiryDuration.",
			Fields:      []string{"configuration.EventExpiryDuration"},
			Check:       checkMemoryEventExpiry,
		},
	}
}

func checkAgentGuardrailConfigured(item *configitem.Item, p Params) Verdict {
	cfg := item.Config()
	if !cfg.Present() {
		return mlEmptyConfig()
	}
	v := mlPath(cfg, "GuardrailConfiguration.GuardrailIdentifier")
	id, ok := v.Text()
	id = strings.TrimSpace(id)
	switch {
	case !v.Present():
		return Fail("Agent has no GuardrailConfiguration, so nothing filters what it is asked and answers. Update " +
			"it with a guardrail and prepare it again.")
	case !ok:
		return Fail("GuardrailConfiguration.GuardrailIdentifier is %s, not a guardrail. Update the agent with a "+
			"guardrail and prepare it again.", mlDescribe(v))
	}
	if want := p.String("guardrailId"); want != "" && !sameGuardrail(id, want) {
		return Fail("Agent uses guardrail %s, not %s. Update it with the team's guardrail and prepare it again.",
			mlClip(id, 80), mlClip(want, 80))
	}
	return Pass()
}

// sameGuardrail compares guardrail references by their IDs: an ARN ends
// in guardrail/<id>.
func sameGuardrail(a, b string) bool {
	id := func(s string) string { return strings.ToLower(s[strings.LastIndexByte(s, '/')+1:]) }
	return id(strings.TrimSpace(a)) == id(strings.TrimSpace(b))
}

// checkAgentCoreNetworkMode requires NetworkConfiguration.NetworkMode to be
// one of allowed. A configuration that records no network mode says
// nothing (CloudFormation requires it, so only a partial record lacks it).
func checkAgentCoreNetworkMode(item *configitem.Item, what string, allowed []string, fix string) Verdict {
	cfg := item.Config()
	if !cfg.Present() {
		return mlEmptyConfig()
	}
	v := mlPath(cfg, "NetworkConfiguration.NetworkMode")
	mode, ok := v.Text()
	mode = strings.ToUpper(strings.TrimSpace(mode))
	switch {
	case !v.Present():
		return Skip("The item records no NetworkConfiguration.NetworkMode, so the network mode cannot be judged.")
	case !ok:
		return Fail("%s NetworkConfiguration.NetworkMode is %s. %s", what, mlDescribe(v), fix)
	case slices.Contains(allowed, mode):
		return Pass()
	}
	return Fail("%s runs in %s network mode (allowed: %s). %s", what, mlClip(mode, 16), strings.Join(allowed, ", "), fix)
}

func checkGatewayAuthorizer(item *configitem.Item, _ Params) Verdict {
	cfg := item.Config()
	if !cfg.Present() {
		return mlEmptyConfig()
	}
	v := cfg.Field("AuthorizerType")
	s, ok := v.Text()
	s = strings.ToUpper(strings.TrimSpace(s))
	switch {
	case !v.Present():
		return Skip("The item records no AuthorizerType, so the gateway's inbound authorization cannot be judged.")
	case !ok:
		return Fail("Gateway AuthorizerType is %s. Update it with CUSTOM_JWT or AWS_IAM.", mlDescribe(v))
	case s == "NONE":
		return Fail("Gateway AuthorizerType is NONE, so anyone who reaches it can call its tools. Update it with " +
			"CUSTOM_JWT or AWS_IAM.")
	}
	return Pass()
}

func checkBrowserRecording(item *configitem.Item, _ Params) Verdict {
	cfg := item.Config()
	if !cfg.Present() {
		return mlEmptyConfig()
	}
	var problems []string
	enabled := mlPath(cfg, "RecordingConfig.Enabled")
	if on, ok := enabled.Bool(); !ok || !on {
		if !enabled.Present() {
			problems = append(problems, "session recording is off (RecordingConfig.Enabled not set, default false)")
		} else {
			problems = append(problems, "RecordingConfig.Enabled is "+mlDescribe(enabled))
		}
	}
	if !mlPath(cfg, "RecordingConfig.S3Location.Bucket").Present() {
		problems = append(problems, "no RecordingConfig.S3Location bucket")
	}
	if len(problems) == 0 {
		return Pass()
	}
	return Fail("Browser: %s. Create it again with recording to an S3 bucket.", strings.Join(problems, "; "))
}

func checkMemoryEventExpiry(item *configitem.Item, p Params) Verdict {
	cfg := item.Config()
	if !cfg.Present() {
		return mlEmptyConfig()
	}
	limit := p.Int("maxEventExpiryDays")
	if limit <= 0 {
		limit = 30
	}
	v := cfg.Field("EventExpiryDuration")
	days, ok := v.Int()
	switch {
	case !v.Present():
		return Skip("The item records no EventExpiryDuration, so the retention of the memory's events cannot be judged.")
	case !ok:
		return Fail("EventExpiryDuration is %s, not a number of days. Update the memory with at most %d days.",
			mlDescribe(v), limit)
	case days > limit:
		return Fail("Memory keeps its events for %d days, more than maxEventExpiryDays (%d). Update it with a "+
			"shorter eventExpiryDuration.", days, limit)
	}
	return Pass()
}
