package conformance

// ConfigRule describes an AWS::Config::ConfigRule for the generator; its
// Resource method turns it into a template resource. Empty fields are left
// out of the template.
type ConfigRule struct {
	Name        string // ConfigRuleName: a literal, 1–128 characters
	Description string
	// InputParameters are the rule parameters by name: strings, or
	// intrinsic functions (Ref to a template parameter).
	InputParameters           map[string]any
	MaximumExecutionFrequency string // periodic managed rules only
	Scope                     *Scope
	Source                    Source

	Condition string   // resource Condition attribute
	DependsOn []string // resource DependsOn attribute
}

// Scope limits the resources a rule evaluates.
type Scope struct {
	ComplianceResourceTypes []string
	ComplianceResourceID    string
	TagKey, TagValue        string
}

// Source is the rule's owner and what triggers it.
type Source struct {
	Owner string // OwnerAWS, OwnerCustomLambda or OwnerCustomPolicy
	// Identifier is the managed-rule identifier (a string) or the Lambda
	// ARN, usually a Ref to a template parameter; nil to leave it out.
	Identifier          any
	Details             []SourceDetail
	CustomPolicyDetails *CustomPolicyDetails
}

// SourceDetail is one trigger of a custom rule.
type SourceDetail struct {
	EventSource               string // EventSourceConfig
	MessageType               string
	MaximumExecutionFrequency string // only with MessageScheduled
}

// CustomPolicyDetails is the Guard policy of a CUSTOM_POLICY rule.
type CustomPolicyDetails struct {
	PolicyRuntime          string // GuardRuntime
	PolicyText             string
	EnableDebugLogDelivery bool
}

// ChangeTriggers returns the two source details a change-triggered custom
// Lambda rule needs: configuration changes and oversized configuration
// changes (without the second, changes to large resources are missed).
func ChangeTriggers() []SourceDetail {
	return []SourceDetail{
		{EventSource: EventSourceConfig, MessageType: MessageChange},
		{EventSource: EventSourceConfig, MessageType: MessageOversizedChange},
	}
}

// PeriodicTrigger returns the source detail of a periodic custom rule.
func PeriodicTrigger(frequency string) SourceDetail {
	return SourceDetail{EventSource: EventSourceConfig, MessageType: MessageScheduled, MaximumExecutionFrequency: frequency}
}

// Resource returns the rule as a template resource, to put under the
// template's Resources by its logical ID.
func (r ConfigRule) Resource() map[string]any {
	props := map[string]any{}
	if r.Name != "" {
		props["ConfigRuleName"] = r.Name
	}
	if r.Description != "" {
		props["Description"] = r.Description
	}
	if len(r.InputParameters) > 0 {
		props["InputParameters"] = r.InputParameters
	}
	if r.MaximumExecutionFrequency != "" {
		props["MaximumExecutionFrequency"] = r.MaximumExecutionFrequency
	}
	if s := r.Scope; s != nil {
		scope := map[string]any{}
		if len(s.ComplianceResourceTypes) > 0 {
			scope["ComplianceResourceTypes"] = s.ComplianceResourceTypes
		}
		for _, kv := range [][2]string{{"ComplianceResourceId", s.ComplianceResourceID}, {"TagKey", s.TagKey}, {"TagValue", s.TagValue}} {
			if kv[1] != "" {
				scope[kv[0]] = kv[1]
			}
		}
		props["Scope"] = scope
	}
	src := map[string]any{"Owner": r.Source.Owner}
	if r.Source.Identifier != nil {
		src["SourceIdentifier"] = r.Source.Identifier
	}
	if len(r.Source.Details) > 0 {
		list := make([]any, 0, len(r.Source.Details))
		for _, d := range r.Source.Details {
			sd := map[string]any{"EventSource": d.EventSource, "MessageType": d.MessageType}
			if d.MaximumExecutionFrequency != "" {
				sd["MaximumExecutionFrequency"] = d.MaximumExecutionFrequency
			}
			list = append(list, sd)
		}
		src["SourceDetails"] = list
	}
	if c := r.Source.CustomPolicyDetails; c != nil {
		cp := map[string]any{"PolicyRuntime": c.PolicyRuntime, "PolicyText": c.PolicyText}
		if c.EnableDebugLogDelivery {
			cp["EnableDebugLogDelivery"] = true
		}
		src["CustomPolicyDetails"] = cp
	}
	props["Source"] = src
	res := map[string]any{"Type": TypeConfigRule, "Properties": props}
	if r.Condition != "" {
		res["Condition"] = r.Condition
	}
	switch len(r.DependsOn) {
	case 0:
	case 1:
		res["DependsOn"] = r.DependsOn[0]
	default:
		res["DependsOn"] = r.DependsOn
	}
	return res
}
