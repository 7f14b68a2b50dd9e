package orgspec

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/aiguard/aiguard/rules"
)

// EffectiveRule is one catalog rule as it applies to one team.
type EffectiveRule struct {
	Rule *rules.Rule
	// Enabled says whether the team runs the rule.
	Enabled bool
	// Params are the parameter values the spec sets for the rule, as the
	// rule's InputParameters carry them: normalised by Rule.ParseParams,
	// without catalog defaults (the rule applies those itself) and without
	// the reserved runtime parameters (ruleId, ExecutionRoleName), which the
	// generator adds.
	Params map[string]string
	// Origins says where each of Params came from: "defaults.rules",
	// "team.rules", or the setting it was derived from
	// ("network.subnetIds").
	Origins map[string]string
	// Parsed are Params validated, catalog defaults filled in.
	Parsed rules.Params
	// Exceptions are the team's exceptions to the rule that are still
	// active at the time the spec was parsed, in file order.
	Exceptions []Exception
}

// InHook reports whether the team's CloudFormation hook runs the rule: an
// enabled change-triggered rule judges resources before CloudFormation
// creates or updates them. A team with no such rule gets no hook.
func (er EffectiveRule) InHook() bool {
	return er.Enabled && er.Rule != nil && er.Rule.Trigger == rules.ChangeTriggered && er.Rule.Check != nil
}

// Where a parameter value came from (EffectiveRule.Origins).
const (
	OriginDefaults = "defaults.rules"
	OriginTeam     = "team.rules"
)

// derivation computes a rule parameter from a team's settings.
type derivation struct {
	param string
	// source is the setting, as written in a team (or defaults), or under
	// organization.
	source string
	// value returns the parameter and whether the team sets the source;
	// a set but empty source ("" value) leaves the parameter unset.
	value func(s *Spec, t *Team) (string, bool)
}

// derivations are the rule parameters a team's settings imply. A rule gets
// a derived parameter only when it declares a parameter of that exact name,
// so rules added to the catalog later pick them up by naming their
// parameters accordingly. See the table in the package documentation.
var derivations = []derivation{
	{"allowedSubnetIds", "network.subnetIds", func(_ *Spec, t *Team) (string, bool) {
		if t.Network == nil {
			return "", false
		}
		return csv(t.Network.SubnetIDs)
	}},
	{"allowedSecurityGroupIds", "network.securityGroupIds", func(_ *Spec, t *Team) (string, bool) {
		if t.Network == nil {
			return "", false
		}
		return csv(t.Network.SecurityGroupIDs)
	}},
	{"allowedVpcIds", "network.vpcIds", func(_ *Spec, t *Team) (string, bool) {
		if t.Network == nil {
			return "", false
		}
		return csv(t.Network.VPCIDs)
	}},
	{"vpcIds", "network.vpcIds", func(_ *Spec, t *Team) (string, bool) {
		if t.Network == nil {
			return "", false
		}
		return csv(t.Network.VPCIDs)
	}},
	{"kmsKeyArns", "kmsKeyArns", func(_ *Spec, t *Team) (string, bool) { return csv(t.KMSKeyArns) }},
	{"allowedModelIds", "bedrock.allowedModels", func(_ *Spec, t *Team) (string, bool) {
		if t.Bedrock == nil {
			return "", false
		}
		return csv(t.Bedrock.AllowedModels)
	}},
	{"allowedInferenceProfiles", "bedrock.inferenceProfiles", func(_ *Spec, t *Team) (string, bool) {
		if t.Bedrock == nil {
			return "", false
		}
		return csv(t.Bedrock.InferenceProfiles)
	}},
	{"guardrailId", "bedrock.guardrail.id", func(_ *Spec, t *Team) (string, bool) {
		if t.Bedrock == nil || t.Bedrock.Guardrail == nil {
			return "", false
		}
		return t.Bedrock.Guardrail.ID, true
	}},
	{"guardrailVersion", "bedrock.guardrail.version", func(_ *Spec, t *Team) (string, bool) {
		if t.Bedrock == nil || t.Bedrock.Guardrail == nil {
			return "", false
		}
		return t.Bedrock.Guardrail.Version, true
	}},
	{"allowedInstanceTypes", "sagemaker.instanceTypes", func(_ *Spec, t *Team) (string, bool) {
		if t.SageMaker == nil {
			return "", false
		}
		return csv(t.SageMaker.InstanceTypes)
	}},
	{"allowedLifecycleConfigs", "sagemaker.lifecycleConfigs", func(_ *Spec, t *Team) (string, bool) {
		if t.SageMaker == nil {
			return "", false
		}
		return csv(t.SageMaker.LifecycleConfigs)
	}},
	{"requiredAuthMode", "sagemaker.studioAuthMode", func(_ *Spec, t *Team) (string, bool) {
		if t.SageMaker == nil || t.SageMaker.StudioAuthMode == "" {
			return "", false
		}
		return t.SageMaker.StudioAuthMode, true
	}},
	{"allowedImageAccounts", "sagemaker.imageRegistryAccounts", func(_ *Spec, t *Team) (string, bool) {
		if t.SageMaker == nil {
			return "", false
		}
		return csv(t.SageMaker.ImageRegistries)
	}},
	{"maxApiKeyAgeDays", "bedrock.apiKeyMaxAgeDays", func(_ *Spec, t *Team) (string, bool) {
		if t.Bedrock == nil || t.Bedrock.APIKeyMaxAgeDays == 0 {
			return "", false
		}
		return strconv.Itoa(t.Bedrock.APIKeyMaxAgeDays), true
	}},
	{"allowedCertificateAuthorities", "tls.allowedCertificateAuthorities", func(_ *Spec, t *Team) (string, bool) {
		if t.TLS == nil {
			return "", false
		}
		return csv(t.TLS.AllowedCertificateAuthorities)
	}},
	{"minDaysToExpiry", "tls.minDaysToExpiry", func(_ *Spec, t *Team) (string, bool) {
		if t.TLS == nil || t.TLS.MinDaysToExpiry == 0 {
			return "", false
		}
		return strconv.Itoa(t.TLS.MinDaysToExpiry), true
	}},
	{"approvedUseCases", "rekognition.approvedUseCases", func(_ *Spec, t *Team) (string, bool) {
		if t.Rekognition == nil {
			return "", false
		}
		return csv(t.Rekognition.ApprovedUseCases)
	}},
	{"piiDetectionClassifications", "comprehend.piiDetection", func(_ *Spec, t *Team) (string, bool) {
		if t.Comprehend == nil {
			return "", false
		}
		return csv(t.Comprehend.PIIDetection)
	}},
	{"entityDetectionClassifications", "comprehend.entityDetection", func(_ *Spec, t *Team) (string, bool) {
		if t.Comprehend == nil {
			return "", false
		}
		return csv(t.Comprehend.EntityDetection)
	}},
	{"dataClassification", "dataClassification", func(_ *Spec, t *Team) (string, bool) {
		return t.DataClassification, t.DataClassification != ""
	}},
	{"mlBucketNames", "storage", func(_ *Spec, t *Team) (string, bool) { return csv(t.buckets()) }},
	{"bucketNamePatterns", "storage", func(_ *Spec, t *Team) (string, bool) { return csv(t.buckets()) }},
	{"maxThresholdUsd", "costAnomaly.monthlyThresholdUsd", func(_ *Spec, t *Team) (string, bool) {
		if t.CostAnomaly == nil || t.CostAnomaly.MonthlyThresholdUSD == 0 {
			return "", false
		}
		return strconv.FormatFloat(t.CostAnomaly.MonthlyThresholdUSD, 'f', -1, 64), true
	}},
	{"approvedUseCaseTagKey", "organization.tagKeys.approvedUseCase", func(s *Spec, _ *Team) (string, bool) {
		return s.Organization.TagKeys.ApprovedUseCase, s.Organization.TagKeys.ApprovedUseCase != ""
	}},
	{"mlTagKey", "organization.tagKeys.mlData", func(s *Spec, _ *Team) (string, bool) {
		return s.Organization.TagKeys.MLData, s.Organization.TagKeys.MLData != ""
	}},
	{"dataClassificationTagKey", "organization.tagKeys.dataClassification", func(s *Spec, _ *Team) (string, bool) {
		return s.Organization.TagKeys.DataClassification, s.Organization.TagKeys.DataClassification != ""
	}},
	{"teamTagKey", "organization.tagKeys.team", func(s *Spec, _ *Team) (string, bool) {
		return s.Organization.TagKeys.Team, s.Organization.TagKeys.Team != ""
	}},
}

// DerivedParams returns the names of the rule parameters aiguard derives
// from team settings, with the setting each comes from, in table order.
func DerivedParams() [][2]string {
	out := make([][2]string, len(derivations))
	for i, d := range derivations {
		out[i] = [2]string{d.param, d.source}
	}
	return out
}

// csv joins a list setting; a nil list is unset, an empty one set to "".
func csv(list []string) (string, bool) {
	if list == nil {
		return "", false
	}
	return strings.Join(list, ","), true
}

// buckets returns the bucket names of the team's S3 locations, sorted; nil
// when the team has no storage block.
func (t *Team) buckets() []string {
	if t.Storage == nil {
		return nil
	}
	var uris []string
	uris = append(uris, t.Storage.TrainingData...)
	uris = append(uris, t.Storage.ModelArtifacts...)
	uris = append(uris, t.Storage.Workspace...)
	if t.Storage.Output != "" {
		uris = append(uris, t.Storage.Output)
	}
	out := []string{}
	for _, u := range uris {
		bucket, _, _ := strings.Cut(strings.TrimPrefix(u, "s3://"), "/")
		out = append(out, bucket)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// paramProblem is a parameter value the rule rejects, with its source.
type paramProblem struct {
	param  string
	origin string // OriginDefaults, OriginTeam or the derived setting
	err    error
}

// EffectiveRules returns, for every catalog rule in ID order, whether the
// team runs it and with which parameters. Values are merged from, lowest
// precedence first:
//
//  1. the catalog defaults (in Parsed only);
//  2. defaults.rules.<id>.parameters;
//  3. parameters derived from the team's effective settings (the table in
//     the package documentation), for the parameter names the rule
//     declares; a derived value equal to the catalog default is left out,
//     and a setting set to an empty list unsets the parameter;
//  4. the team's rules.<id>.parameters.
//
// Every rule is enabled unless defaults.rules or the team's rules turn it
// off (the team's choice wins). The error, which Parse has already
// reported with positions for a parsed spec, lists the values a rule
// rejects.
func (s *Spec) EffectiveRules(t *Team) ([]EffectiveRule, error) {
	all := s.Registry().All()
	out := make([]EffectiveRule, 0, len(all))
	var errs []error
	for _, r := range all {
		er, problems := s.effectiveRule(r, t)
		for _, p := range problems {
			errs = append(errs, fmt.Errorf("team %s: %s (from %s): %w", t.Name, p.param, p.origin, p.err))
		}
		out = append(out, er)
	}
	return out, errors.Join(errs...)
}

func (s *Spec) effectiveRule(r *rules.Rule, t *Team) (EffectiveRule, []paramProblem) {
	er := EffectiveRule{Rule: r, Enabled: true, Params: map[string]string{}, Origins: map[string]string{}}
	values := map[string]string{}
	layer := func(rs RuleSettings, origin string) {
		setting, ok := rs[r.ID]
		if !ok {
			return
		}
		if setting.Enabled != nil {
			er.Enabled = *setting.Enabled
		}
		for name, v := range setting.Parameters {
			if _, declared := r.Param(name); !declared || v == "" {
				continue
			}
			// A value the rule rejects was reported where it is written;
			// leaving it out keeps the merged check from repeating it.
			if _, err := r.ParseParams(map[string]string{name: string(v)}); err == nil {
				values[name], er.Origins[name] = string(v), origin
			}
		}
	}
	layer(s.Defaults.Rules, OriginDefaults)
	var problems []paramProblem
	for _, dv := range derivations {
		decl, declared := r.Param(dv.param)
		if !declared {
			continue
		}
		v, set := dv.value(s, t)
		switch {
		case !set:
			continue
		case v == "":
			delete(values, dv.param)
			delete(er.Origins, dv.param)
			continue
		}
		if _, err := r.ParseParams(map[string]string{dv.param: v}); err != nil {
			problems = append(problems, paramProblem{dv.param, dv.source, err})
			continue
		}
		if v == decl.Default {
			delete(values, dv.param)
			delete(er.Origins, dv.param)
			continue
		}
		values[dv.param], er.Origins[dv.param] = v, dv.source
	}
	layer(t.Rules, OriginTeam)

	parsed, err := r.ParseParams(values)
	if err != nil {
		// Each value was checked on its own when parsed; this catches a
		// rule whose parameters constrain each other.
		problems = append(problems, paramProblem{paramOf(err), "the merged parameters", err})
		parsed = r.DefaultParams()
	}
	er.Parsed = parsed
	for name := range values {
		if v := parsed.String(name); v != "" {
			er.Params[name] = v
		} else {
			delete(er.Origins, name)
		}
	}
	for _, e := range t.Exceptions {
		if e.Rule == r.ID && e.Active(s.now) {
			er.Exceptions = append(er.Exceptions, e)
		}
	}
	return er, problems
}

func paramOf(err error) string {
	var pe *rules.ParamError
	if errors.As(err, &pe) {
		return pe.Param
	}
	return "parameters"
}

// maxInputParameters is the longest InputParameters Config accepts, in
// characters.
const maxInputParameters = 1024

// CustomInputParameters returns the InputParameters of a rule deployed as
// aiguard's custom Lambda rule: the rule's parameters, ruleId,
// ExecutionRoleName (the member role) and, for active exceptions,
// exemptResourceIds. The generator writes exactly these; validate measures
// them.
func CustomInputParameters(ruleID, memberRole string, params map[string]string, exceptions []Exception) map[string]string {
	m := ruleParameters(params, exceptions, 2)
	m["ruleId"] = ruleID
	m["ExecutionRoleName"] = memberRole
	return m
}

// ExemptResourceIDs writes exceptions as the exemptResourceIds parameter
// the rule Lambda reads: each resource with the last day of its exception,
// sorted, without duplicates.
func ExemptResourceIDs(list []Exception) string {
	var entries []string
	for _, e := range list {
		for _, id := range e.Resources {
			entries = append(entries, rules.FormatExemption(id, e.Expires))
		}
	}
	slices.Sort(entries)
	return strings.Join(slices.Compact(entries), ",")
}

// InputParametersLen is the length, in characters, of InputParameters as
// the Config API receives them: a JSON object of strings.
func InputParametersLen(m map[string]string) int {
	b, _ := json.Marshal(m) // a map of strings always marshals
	return utf8.RuneCount(b)
}

// inputParametersLen is the length of the rule's InputParameters as the
// generator writes them for a custom rule.
func (s *Spec) inputParametersLen(er EffectiveRule) int {
	role := s.Organization.MemberRoleName
	if role == "" {
		role = DefaultMemberRoleName
	}
	return InputParametersLen(CustomInputParameters(er.Rule.ID, role, er.Params, er.Exceptions))
}

// RuleParameters are the parameters the rule runs with for the team, as its
// Config rule's InputParameters carry them: Params, and exemptResourceIds
// from the active exceptions.
func (er EffectiveRule) RuleParameters() map[string]string {
	return ruleParameters(er.Params, er.Exceptions, 0)
}

// ruleParameters is params with exemptResourceIds from the active
// exceptions, in a new map with room for extra more keys.
func ruleParameters(params map[string]string, exceptions []Exception, extra int) map[string]string {
	out := make(map[string]string, len(params)+1+extra)
	for k, v := range params {
		out[k] = v
	}
	if ex := ExemptResourceIDs(exceptions); ex != "" {
		out[rules.ExemptParam] = ex
	}
	return out
}
