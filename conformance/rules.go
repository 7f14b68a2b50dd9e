package conformance

import (
	"encoding/json"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/aiguard/aiguard/awsid"
)

func chars(s string) int { return utf8.RuneCountInString(s) }

// configRule checks one AWS::Config::ConfigRule against the limits of
// PutConfigRule and the conformance-pack restrictions. names collects the
// literal rule names seen so far, to find duplicates.
func (c *checker) configRule(r *Resource, names map[string]*Resource) {
	p := r.Properties
	if p == nil || p.Kind != Map {
		if p == nil {
			c.add(SeverityError, "pack-structure", r.LogicalID, r.Pos, "rule %s has no Properties; a Config rule needs at least Source", r.LogicalID)
		}
		return // a non-map Properties is the schema check's to report
	}
	c.ruleName(r, p, names)
	if d := p.Get("Description"); d != nil && d.Kind == String && chars(d.Text) > MaxDescription {
		c.add(SeverityError, "pack-rule-description-length", r.LogicalID, d.Pos,
			"Description has %d characters; Config allows at most %d: shorten it", chars(d.Text), MaxDescription)
	}
	c.inputParameters(r, p.Get("InputParameters"))
	if f := p.Get("MaximumExecutionFrequency"); f != nil {
		c.frequency(r, f)
	}
	if s := p.Get("Scope"); s != nil {
		c.scope(r, s)
	}
	if em := p.Get("EvaluationModes"); em != nil && em.Kind == List {
		for _, m := range em.Items {
			if mode, ok := m.Get("Mode").Scalar(); ok && mode != "DETECTIVE" && mode != "PROACTIVE" {
				c.add(SeverityError, "pack-evaluation-mode", r.LogicalID, m.Pos, "EvaluationModes Mode %q must be DETECTIVE or PROACTIVE", mode)
			}
		}
	}
	c.source(r, p)
}

func (c *checker) ruleName(r *Resource, p *Value, names map[string]*Resource) {
	f, ok := p.Field("ConfigRuleName")
	if !ok {
		c.add(SeverityWarning, "pack-rule-name-missing", r.LogicalID, r.Pos,
			"rule %s has no ConfigRuleName, so CloudFormation makes one up; set a literal name so the rule is stable and recognisable", r.LogicalID)
		return
	}
	v := f.Value
	if v.HasIntrinsic() {
		c.add(SeverityError, "pack-rule-name-intrinsic", r.LogicalID, f.Pos,
			"ConfigRuleName must be a literal string: AWS Config does not resolve intrinsic functions in conformance-pack rule names")
		return
	}
	name, ok := v.Scalar()
	if !ok {
		return // the schema check reports the type
	}
	switch n := chars(name); {
	case strings.TrimFunc(name, unicode.IsSpace) == "":
		c.add(SeverityError, "pack-rule-name-length", r.LogicalID, f.Pos, "ConfigRuleName is empty or blank; give the rule a name of 1 to %d characters", MaxRuleName)
		return
	case n > MaxRuleName:
		c.add(SeverityError, "pack-rule-name-length", r.LogicalID, f.Pos,
			"ConfigRuleName %q has %d characters; the limit is %d: shorten it", name, n, MaxRuleName)
	}
	if first, dup := names[name]; dup {
		c.add(SeverityError, "pack-rule-name-duplicate", r.LogicalID, f.Pos,
			"ConfigRuleName %q is also used by %s; rule names must be unique in the account and Region", name, first.LogicalID)
		return
	}
	names[name] = r
}

// inputParameters checks the size of InputParameters once serialised as
// the JSON string the Config API receives. Intrinsic values are estimated
// from the parameters' defaults (the longer Fn::If branch, AWS::NoValue
// removing its key), and an estimate above the limit is only a warning,
// since the deployed values may differ.
func (c *checker) inputParameters(r *Resource, v *Value) {
	if v == nil {
		return
	}
	var n int
	exact := true
	switch v.Kind {
	case String: // a JSON string is accepted as is
		n = chars(v.Text)
	case Map:
		est := c.estimate(v, &exact)
		b, err := json.Marshal(est)
		if err != nil {
			return
		}
		n = chars(string(b))
	default:
		if v.IsIntrinsic() {
			return
		}
		return // the schema check reports the type
	}
	if n <= MaxInputParameters {
		return
	}
	if exact {
		c.add(SeverityError, "pack-input-parameters-size", r.LogicalID, v.Pos,
			"InputParameters is %d characters as JSON; Config allows at most %d: shorten the values or move some to another rule", n, MaxInputParameters)
		return
	}
	c.add(SeverityWarning, "pack-input-parameters-size", r.LogicalID, v.Pos,
		"InputParameters is about %d characters as JSON with the parameters' default values; Config allows at most %d, "+
			"so deployment fails if the values given are as long", n, MaxInputParameters)
}

// noValue marks a key removed by {Ref: AWS::NoValue}.
type noValue struct{}

// estimate turns a value into JSON, replacing intrinsics by their likely
// value; exact is cleared when any intrinsic was met.
func (c *checker) estimate(v *Value, exact *bool) any {
	if v == nil {
		return nil
	}
	if name, arg, ok := v.Intrinsic(); ok {
		*exact = false
		switch name {
		case "Ref":
			s, _ := arg.Scalar()
			if s == "AWS::NoValue" {
				return noValue{}
			}
			if p := c.params[s]; p != nil && p.Default != nil {
				return c.estimate(p.Default, exact)
			}
			return "x" // unknown: count a short placeholder
		case "Fn::If":
			if arg.Kind == List && len(arg.Items) == 3 {
				a, b := c.estimate(arg.Items[1], exact), c.estimate(arg.Items[2], exact)
				if _, ok := a.(noValue); ok {
					return b
				}
				if _, ok := b.(noValue); ok {
					return a
				}
				ja, _ := json.Marshal(a)
				jb, _ := json.Marshal(b)
				if len(jb) > len(ja) {
					return b
				}
				return a
			}
		case "Fn::Sub":
			if s, ok := arg.Scalar(); ok {
				return s
			}
			if arg.Kind == List && len(arg.Items) > 0 {
				s, _ := arg.Items[0].Scalar()
				return s
			}
		}
		return v.JSON()
	}
	switch v.Kind {
	case Map:
		out := make(map[string]any, len(v.Fields))
		for _, f := range v.Fields {
			x := c.estimate(f.Value, exact)
			if _, drop := x.(noValue); !drop {
				out[f.Key] = x
			}
		}
		return out
	case List:
		out := make([]any, 0, len(v.Items))
		for _, it := range v.Items {
			if x := c.estimate(it, exact); x != (noValue{}) {
				out = append(out, x)
			}
		}
		return out
	}
	return v.JSON()
}

func (c *checker) frequency(r *Resource, f *Value) {
	s, ok := f.Scalar()
	if !ok || slices.Contains(Frequencies(), s) {
		return
	}
	c.add(SeverityError, "pack-execution-frequency", r.LogicalID, f.Pos,
		"MaximumExecutionFrequency %q must be one of %s", s, strings.Join(Frequencies(), ", "))
}

func (c *checker) scope(r *Resource, s *Value) {
	types := s.Get("ComplianceResourceTypes")
	if types != nil && types.Kind == List && len(types.Items) > MaxScopeResourceTypes {
		c.add(SeverityError, "pack-scope-types-count", r.LogicalID, types.Pos,
			"Scope.ComplianceResourceTypes lists %d types; the limit is %d: split the rule", len(types.Items), MaxScopeResourceTypes)
	}
	if id := s.Get("ComplianceResourceId"); id != nil && types != nil && types.Kind == List && len(types.Items) != 1 {
		c.add(SeverityError, "pack-scope-resource-id", r.LogicalID, id.Pos,
			"Scope.ComplianceResourceId needs exactly one type in ComplianceResourceTypes (there are %d)", len(types.Items))
	}
	for _, lim := range []struct {
		key string
		max int
	}{{"TagKey", MaxScopeTagKey}, {"TagValue", MaxScopeTagValue}, {"ComplianceResourceId", MaxScopeResourceID}} {
		v := s.Get(lim.key)
		if v == nil || v.Kind != String {
			continue
		}
		if n := chars(v.Text); n == 0 || n > lim.max {
			c.add(SeverityError, "pack-scope-field-length", r.LogicalID, v.Pos,
				"Scope.%s has %d characters; it must have 1 to %d", lim.key, n, lim.max)
		}
	}
}

func (c *checker) source(r *Resource, p *Value) {
	src := p.Get("Source")
	if src == nil {
		c.add(SeverityError, "pack-source-owner", r.LogicalID, r.Pos, "rule %s has no Source; set Source.Owner and Source.SourceIdentifier", r.LogicalID)
		return
	}
	if src.Kind != Map {
		return // intrinsic or wrong type: nothing more to check here
	}
	ov := src.Get("Owner")
	owner, literal := ov.Scalar()
	if ov != nil && literal && owner != OwnerAWS && owner != OwnerCustomLambda && owner != OwnerCustomPolicy {
		c.add(SeverityError, "pack-source-owner", r.LogicalID, ov.Pos,
			"Source.Owner %q must be AWS (managed rule), CUSTOM_LAMBDA or CUSTOM_POLICY (Guard)", owner)
		return
	}
	c.sourceIdentifier(r, src, owner)
	details := src.Get("SourceDetails")
	c.sourceDetails(r, details)
	cp := src.Get("CustomPolicyDetails")
	switch owner {
	case OwnerCustomLambda:
		c.lambdaTriggers(r, src, details)
		if f := p.Get("MaximumExecutionFrequency"); f != nil && !hasMessage(details, MessageSnapshotDelivered) {
			c.add(SeverityWarning, "pack-execution-frequency", r.LogicalID, f.Pos,
				"a CUSTOM_LAMBDA rule's MaximumExecutionFrequency applies only with ConfigurationSnapshotDeliveryCompleted; "+
					"for a periodic rule set it on the ScheduledNotification source detail instead")
		}
	case OwnerCustomPolicy:
		c.customPolicy(r, src, cp, details)
	}
	if cp != nil && literal && owner != OwnerCustomPolicy {
		c.add(SeverityError, "pack-custom-policy", r.LogicalID, cp.Pos,
			"Source.CustomPolicyDetails is only for CUSTOM_POLICY rules; remove it or set Owner: CUSTOM_POLICY")
	}
}

func (c *checker) sourceIdentifier(r *Resource, src *Value, owner string) {
	id, ok := src.Field("SourceIdentifier")
	if !ok {
		if owner == OwnerAWS || owner == OwnerCustomLambda {
			c.add(SeverityError, "pack-source-identifier", r.LogicalID, src.Pos,
				"Source.SourceIdentifier is required for %s rules: the managed rule identifier, or the Lambda function ARN", owner)
		}
		return
	}
	s, literal := id.Value.Scalar()
	if !literal {
		return
	}
	if n := chars(s); n == 0 || n > MaxSourceIdentifier {
		c.add(SeverityError, "pack-source-identifier", r.LogicalID, id.Pos,
			"Source.SourceIdentifier has %d characters; it must have 1 to %d", n, MaxSourceIdentifier)
	}
	if a, err := awsid.ParseARN(s); owner == OwnerCustomLambda && (err != nil || a.Service != "lambda") {
		c.add(SeverityError, "pack-source-identifier", r.LogicalID, id.Pos,
			"Source.SourceIdentifier of a CUSTOM_LAMBDA rule must be the Lambda function ARN, got %q", s)
	}
}

func hasMessage(details *Value, mt string) bool {
	if details == nil || details.Kind != List {
		return false
	}
	for _, d := range details.Items {
		if s, _ := d.Get("MessageType").Scalar(); s == mt {
			return true
		}
	}
	return false
}

func (c *checker) sourceDetails(r *Resource, details *Value) {
	if details == nil || details.Kind != List {
		return
	}
	if n := len(details.Items); n > MaxSourceDetails {
		c.add(SeverityError, "pack-source-details-count", r.LogicalID, details.Pos,
			"Source.SourceDetails has %d entries; the limit is %d", n, MaxSourceDetails)
	}
	for _, d := range details.Items {
		if d.Kind != Map {
			continue
		}
		if es, ok := d.Get("EventSource").Scalar(); ok && es != EventSourceConfig {
			c.add(SeverityError, "pack-source-detail", r.LogicalID, d.Pos, "SourceDetails EventSource %q must be %s", es, EventSourceConfig)
		}
		mt, mtOK := d.Get("MessageType").Scalar()
		if mtOK && !slices.Contains(MessageTypes(), mt) {
			c.add(SeverityError, "pack-source-detail", r.LogicalID, d.Pos,
				"SourceDetails MessageType %q must be one of %s", mt, strings.Join(MessageTypes(), ", "))
		}
		if f := d.Get("MaximumExecutionFrequency"); f != nil {
			if mtOK && mt != MessageScheduled {
				c.add(SeverityError, "pack-source-detail-frequency", r.LogicalID, f.Pos,
					"MaximumExecutionFrequency is valid in a source detail only with MessageType %s, not %s; "+
						"remove it or make this the ScheduledNotification entry", MessageScheduled, mt)
			}
			c.frequency(r, f)
		}
	}
}

// lambdaTriggers requires a custom Lambda rule to have triggers, and a
// change-triggered one to listen to oversized changes too: without them,
// changes to resources whose configuration item exceeds 256 KB never reach
// the rule.
func (c *checker) lambdaTriggers(r *Resource, src, details *Value) {
	if details == nil {
		c.add(SeverityError, "pack-lambda-triggers", r.LogicalID, src.Pos,
			"a CUSTOM_LAMBDA rule needs Source.SourceDetails: ConfigurationItemChangeNotification and "+
				"OversizedConfigurationItemChangeNotification for a change-triggered rule, or ScheduledNotification for a periodic one")
		return
	}
	if details.Kind != List {
		return
	}
	change, oversized := hasMessage(details, MessageChange), hasMessage(details, MessageOversizedChange)
	switch {
	case change && !oversized:
		c.add(SeverityError, "pack-lambda-triggers", r.LogicalID, details.Pos,
			"the rule is triggered by ConfigurationItemChangeNotification but not by OversizedConfigurationItemChangeNotification; "+
				"add {EventSource: aws.config, MessageType: OversizedConfigurationItemChangeNotification}, or changes to large resources are missed")
	case oversized && !change:
		c.add(SeverityError, "pack-lambda-triggers", r.LogicalID, details.Pos,
			"the rule is triggered by OversizedConfigurationItemChangeNotification but not by ConfigurationItemChangeNotification; "+
				"add {EventSource: aws.config, MessageType: ConfigurationItemChangeNotification}")
	}
}

func (c *checker) customPolicy(r *Resource, src, cp, details *Value) {
	if cp == nil {
		c.add(SeverityError, "pack-custom-policy", r.LogicalID, src.Pos,
			"a CUSTOM_POLICY rule needs Source.CustomPolicyDetails with PolicyRuntime: %s and PolicyText", GuardRuntime)
		return
	}
	if cp.Kind != Map {
		return
	}
	rt := cp.Get("PolicyRuntime")
	if s, ok := rt.Scalar(); rt == nil || (ok && s != GuardRuntime) {
		c.add(SeverityError, "pack-custom-policy", r.LogicalID, cp.Pos,
			"CustomPolicyDetails.PolicyRuntime must be %s", GuardRuntime)
	}
	pt := cp.Get("PolicyText")
	switch {
	case pt == nil:
		c.add(SeverityError, "pack-custom-policy", r.LogicalID, cp.Pos, "CustomPolicyDetails.PolicyText is missing: give the Guard policy")
	case pt.Kind == String && strings.TrimSpace(pt.Text) == "":
		c.add(SeverityError, "pack-custom-policy", r.LogicalID, pt.Pos, "CustomPolicyDetails.PolicyText is empty: give the Guard policy")
	case pt.Kind == String && chars(pt.Text) > MaxPolicyText:
		c.add(SeverityError, "pack-custom-policy", r.LogicalID, pt.Pos,
			"CustomPolicyDetails.PolicyText has %d characters; Guard policies are limited to %d: split the rule", chars(pt.Text), MaxPolicyText)
	}
	if details != nil && details.Kind == List {
		for _, d := range details.Items {
			if mt, ok := d.Get("MessageType").Scalar(); ok && mt != MessageChange && mt != MessageOversizedChange {
				c.add(SeverityError, "pack-custom-policy", r.LogicalID, d.Pos,
					"a CUSTOM_POLICY (Guard) rule can only be triggered by %s or %s, not %s", MessageChange, MessageOversizedChange, mt)
			}
		}
	}
}

// remediation checks an AWS::Config::RemediationConfiguration.
func (c *checker) remediation(r *Resource) {
	p := r.Properties
	if p == nil || p.Kind != Map {
		return // the schema check reports missing or malformed Properties
	}
	if f, ok := p.Field("ConfigRuleName"); ok && f.Value.HasIntrinsic() {
		c.add(SeverityError, "pack-remediation-rule-intrinsic", r.LogicalID, f.Pos,
			"the remediation's ConfigRuleName must be the rule's literal name: AWS Config does not resolve intrinsic functions there")
	}
	role := p.Path("Parameters", "AutomationAssumeRole")
	if role != nil && role.HasIntrinsic() {
		c.add(SeverityError, "pack-remediation-role-intrinsic", r.LogicalID, role.Pos,
			"Parameters.AutomationAssumeRole must be the role's literal ARN (StaticValue.Values: [arn:aws:iam::123456789012:role/Name]): "+
				"AWS Config does not resolve intrinsic functions for the automation role")
	}
}

// remediationTargets checks that each remediation names a rule of the pack,
// once.
func (c *checker) remediationTargets(names map[string]*Resource) {
	seen := map[string]*Resource{}
	for _, r := range c.t.Resources {
		if r.Type != TypeRemediation {
			continue
		}
		f, ok := r.Properties.Field("ConfigRuleName")
		name, literal := f.Value.Scalar()
		if !ok || !literal {
			continue
		}
		if names[name] == nil {
			c.add(SeverityWarning, "pack-remediation-rule", r.LogicalID, f.Pos,
				"the remediation targets rule %q, which is not in this pack; check the name (it must exist when the pack deploys)", name)
		}
		if first := seen[name]; first != nil {
			c.add(SeverityError, "pack-remediation-duplicate", r.LogicalID, f.Pos,
				"rule %q already has a remediation (%s); a rule has at most one remediation configuration", name, first.LogicalID)
			continue
		}
		seen[name] = r
	}
}
