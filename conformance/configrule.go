package conformance

// ConfigRule describes an AWS::Config::ConfigRule for the generator; its
// Resource method turns it into a template resource. Empty fields are left
// out of the template.
type ConfigRule struct {
	Name        string // ConfigRuleName: a literal, 1–128 characters
	Description string
	// InputParameters are the rule parameters; Marshal sorts them by key.
	InputParameters           []Field
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
	// Identifier is the managed-rule identifier (Str) or the Lambda ARN,
	// usually a Ref to a template parameter.
	Identifier          *Value
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

// Resource returns the rule as a template resource.
func (r ConfigRule) Resource(logicalID string) *Resource {
	props := &Value{Kind: Map}
	add := func(k string, v *Value) { props.Fields = append(props.Fields, F(k, v)) }
	if r.Name != "" {
		add("ConfigRuleName", Str(r.Name))
	}
	if r.Description != "" {
		add("Description", Str(r.Description))
	}
	if len(r.InputParameters) > 0 {
		add("InputParameters", MapOf(r.InputParameters...))
	}
	if r.MaximumExecutionFrequency != "" {
		add("MaximumExecutionFrequency", Str(r.MaximumExecutionFrequency))
	}
	if s := r.Scope; s != nil {
		scope := &Value{Kind: Map}
		if len(s.ComplianceResourceTypes) > 0 {
			scope.Fields = append(scope.Fields, F("ComplianceResourceTypes", Strs(s.ComplianceResourceTypes...)))
		}
		for _, kv := range [][2]string{{"ComplianceResourceId", s.ComplianceResourceID}, {"TagKey", s.TagKey}, {"TagValue", s.TagValue}} {
			if kv[1] != "" {
				scope.Fields = append(scope.Fields, F(kv[0], Str(kv[1])))
			}
		}
		add("Scope", scope)
	}
	src := MapOf(F("Owner", Str(r.Source.Owner)))
	if r.Source.Identifier != nil {
		src.Fields = append(src.Fields, F("SourceIdentifier", r.Source.Identifier))
	}
	if len(r.Source.Details) > 0 {
		list := &Value{Kind: List}
		for _, d := range r.Source.Details {
			sd := MapOf(F("EventSource", Str(d.EventSource)), F("MessageType", Str(d.MessageType)))
			if d.MaximumExecutionFrequency != "" {
				sd.Fields = append(sd.Fields, F("MaximumExecutionFrequency", Str(d.MaximumExecutionFrequency)))
			}
			list.Items = append(list.Items, sd)
		}
		src.Fields = append(src.Fields, F("SourceDetails", list))
	}
	if c := r.Source.CustomPolicyDetails; c != nil {
		cp := MapOf(F("PolicyRuntime", Str(c.PolicyRuntime)), F("PolicyText", Str(c.PolicyText)))
		if c.EnableDebugLogDelivery {
			cp.Fields = append(cp.Fields, F("EnableDebugLogDelivery", Boolean(true)))
		}
		src.Fields = append(src.Fields, F("CustomPolicyDetails", cp))
	}
	add("Source", src)
	return &Resource{
		LogicalID:  logicalID,
		Type:       TypeConfigRule,
		Condition:  r.Condition,
		DependsOn:  r.DependsOn,
		Properties: props,
	}
}
