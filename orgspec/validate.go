package orgspec

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/aiguard/aiguard/rules"
)

// validate runs the checks that look at more than one value, after the
// decoder has checked each value on its own. It reports through c and
// leaves the teams with their effective settings.
func (s *Spec) validate(c *collector) {
	s.checkOrganization(c)
	s.checkTeams(c)
	s.checkLandingZone(c)
	s.checkPlacement(c, "defaults", &s.Defaults.Settings)
	s.checkRuleSettings(c, "defaults.rules", s.Defaults.Rules)
	for i, t := range s.Teams {
		s.checkPlacement(c, teamPath(i), &t.Settings)
		s.checkRuleSettings(c, teamPath(i)+".rules", t.Rules)
	}
	s.checkDetections(c)
	s.inherit()
	for i, t := range s.Teams {
		if s.pos.failed[teamPath(i)] {
			continue // not a team mapping; reported
		}
		s.checkPosture(c, i, t)
		s.checkExceptions(c, i, t)
		s.checkEffectiveRules(c, i, t)
	}
}

func (s *Spec) checkOrganization(c *collector) {
	o := &s.Organization
	part := ""
	for i, r := range o.Regions {
		p := fmt.Sprintf("organization.regions[%d]", i)
		switch rp := partitionOf(r); {
		case rp == "":
		case part == "":
			part = rp
		case rp != part:
			c.errorf(s.pos.at(p), "%s: %s is in the %s partition, but %s is in %s; an organization lives in one partition",
				p, r, rp, o.Regions[0], part)
		}
	}
	for i, r := range o.BreakGlassRoles {
		s.checkPartition(c, fmt.Sprintf("organization.breakGlassRoles[%d]", i), r)
	}
	if o.ManagementAccount != "" && o.ManagementAccount == o.SecurityToolingAccount {
		c.warnf(s.pos.at("organization.securityToolingAccount"),
			"organization.securityToolingAccount: the rule Lambda would run in the management account, where SCPs do not apply; "+
				"AWS recommends a separate security tooling account")
	}
}

// checkPartition reports an ARN outside the organization's partition.
func (s *Spec) checkPartition(c *collector, path, arn string) {
	if !isARN(arn) || len(s.Organization.Regions) == 0 {
		return
	}
	// An ARN too short to have a partition has its own error, from its
	// pattern.
	if got, want := arnPartitionOf(arn), s.Partition(); got != "" && got != want {
		c.errorf(s.pos.at(path), "%s: %s is in the %s partition, but the organization's Regions are in %s", path, shorten(arn), got, want)
	}
}

func (s *Spec) checkTeams(c *collector) {
	names := map[string]string{}    // name → path
	accounts := map[string]string{} // account → team name
	ous := map[string]string{}
	for i, t := range s.Teams {
		tp := teamPath(i)
		if s.pos.failed[tp] {
			continue // not a team mapping; reported
		}
		if t.Name != "" {
			if first, dup := names[t.Name]; dup {
				c.errorf(s.pos.at(tp+".name"), "%s.name: duplicate team name %q (first at line %d)", tp, t.Name, s.pos.at(first).Line)
			} else {
				names[t.Name] = tp + ".name"
			}
		}
		if len(t.Accounts) == 0 && len(t.OrganizationalUnits) == 0 && !s.pos.failed[tp+".accounts"] && !s.pos.failed[tp+".organizationalUnits"] {
			c.errorf(s.pos.at(tp), "%s: %s owns no accounts or organizational units; give accounts, organizationalUnits or both",
				tp, t.label())
		}
		claim := func(owners map[string]string, list []string, key, noun string) {
			for j, id := range list {
				p := fmt.Sprintf("%s.%s[%d]", tp, key, j)
				if id == "" {
					continue // invalid, reported
				}
				if owner, dup := owners[id]; dup {
					c.errorf(s.pos.at(p), "%s: %s %s is already claimed by team %s; each %s belongs to one team", p, noun, id, owner, noun)
					continue
				}
				owners[id] = t.Name
			}
		}
		claim(accounts, t.Accounts, "accounts", "account")
		claim(ous, t.OrganizationalUnits, "organizationalUnits", "organizational unit")
		if j := slices.Index(t.Accounts, s.Organization.ManagementAccount); j >= 0 && t.Accounts[j] != "" {
			p := fmt.Sprintf("%s.accounts[%d]", tp, j)
			c.warnf(s.pos.at(p), "%s: %s is the management account; SCPs do not apply to it, so only the detective rules protect it", p, t.Accounts[j])
		}
		for j, ou := range t.OrganizationalUnits {
			if strings.HasPrefix(ou, "r-") && len(s.Teams) > 1 {
				p := fmt.Sprintf("%s.organizationalUnits[%d]", tp, j)
				c.warnf(s.pos.at(p), "%s: %s owns the organization root %s, which contains every other team's accounts", p, t.label(), ou)
			}
		}
	}
}

// checkPlacement checks the ARNs of a settings block (defaults or a team's
// own) against the organization's partition and Regions. It runs before
// inheritance so that a problem in defaults is reported once.
func (s *Spec) checkPlacement(c *collector, path string, set *Settings) {
	for i, k := range set.KMSKeyArns {
		p := fmt.Sprintf("%s.kmsKeyArns[%d]", path, i)
		s.checkPartition(c, p, k)
		if r := arnRegionOf(k); r != "" && len(s.Organization.Regions) > 0 && !slices.Contains(s.Organization.Regions, r) {
			c.warnf(s.pos.at(p), "%s: the key is in %s, which is not among organization.regions; KMS keys are regional, "+
				"so resources in %s cannot use it", p, r, strings.Join(s.Organization.Regions, ", "))
		}
	}
	if b := set.Bedrock; b != nil {
		for i, m := range b.AllowedModels {
			s.checkPartition(c, fmt.Sprintf("%s.bedrock.allowedModels[%d]", path, i), m)
		}
		for i, m := range b.InferenceProfiles {
			s.checkPartition(c, fmt.Sprintf("%s.bedrock.inferenceProfiles[%d]", path, i), m)
		}
		if g := b.Guardrail; g != nil {
			s.checkPartition(c, path+".bedrock.guardrail.id", g.ID)
			if g.Version == "DRAFT" {
				c.warnf(s.pos.at(path+".bedrock.guardrail.version"), "%s.bedrock.guardrail.version: DRAFT changes whenever "+
					"someone edits the guardrail; require a numbered version", path)
			}
		}
	}
}

// checkRuleSettings checks parameter names and values against each rule's
// declarations. Unknown rule IDs were reported (and dropped) by the decoder.
func (s *Spec) checkRuleSettings(c *collector, path string, rs RuleSettings) {
	reg := s.Registry()
	for _, id := range sortedKeys(rs) {
		r, ok := reg.Get(id)
		if !ok {
			continue
		}
		for _, name := range sortedKeys(rs[id].Parameters) {
			p := join(join(join(path, id), "parameters"), name)
			if rules.IsReserved(name) {
				c.errorf(s.pos.keyAt(p), "%s: %s is set by aiguard when it deploys the rule; remove it", p, name)
				continue
			}
			if _, declared := r.Param(name); !declared {
				c.errorf(s.pos.keyAt(p), "%s: rule %s has no parameter %q%s", p, id, name, paramHelp(r, name))
				continue
			}
			v := string(rs[id].Parameters[name])
			if v == "" {
				continue // reported by the decoder
			}
			if _, err := r.ParseParams(map[string]string{name: v}); err != nil {
				c.errorf(s.pos.at(p), "%s: %s", p, paramMessage(err))
			}
		}
	}
}

// paramHelp suggests a parameter name and lists the declared ones.
func paramHelp(r *rules.Rule, name string) string {
	if len(r.Params) == 0 {
		return "; it takes none"
	}
	names := make([]string, len(r.Params))
	for i, d := range r.Params {
		names[i] = d.Name
	}
	return didYouMean(name, names) + "; it takes " + strings.Join(names, ", ")
}

// paramMessage phrases a rule's parameter error for a spec message.
func paramMessage(err error) string {
	var pe *rules.ParamError
	if !errors.As(err, &pe) {
		return err.Error()
	}
	if pe.Value == "" {
		return pe.Want
	}
	return fmt.Sprintf("got %q, want %s", shorten(pe.Value), pe.Want)
}

// checkPosture checks a team's effective settings as a whole.
func (s *Spec) checkPosture(c *collector, i int, t *Team) {
	tp := teamPath(i)
	if t.DataClassification == "" && !s.pos.failed[tp+".dataClassification"] && !s.pos.failed["defaults.dataClassification"] {
		c.errorf(s.pos.at(tp), "%s: %s has no dataClassification; set it on the team or in defaults", tp, t.label())
	}
	// An invalid model (kept as "") might have allowed the profile's model.
	if b := t.Bedrock; b != nil && !slices.Contains(b.AllowedModels, "") {
		for j, prof := range b.InferenceProfiles {
			model, ok := profileModel(prof)
			if !ok || modelAllowed(model, b.AllowedModels) {
				continue
			}
			p := fmt.Sprintf("%s.bedrock.inferenceProfiles[%d]", tp, j)
			c.errorf(s.pos.at(p), "%s: profile %s routes to model %s, which bedrock.allowedModels%s does not allow; "+
				"invocations through it would be denied: add the model or remove the profile",
				p+s.pos.origin(p), prof, model, s.pos.origin(tp+".bedrock.allowedModels"))
		}
	}
}

// profileModel returns the model behind a cross-Region inference profile
// ID (us.anthropic.x → anthropic.x). Profile ARNs do not name their model.
func profileModel(profile string) (string, bool) {
	if isARN(profile) {
		return "", false
	}
	_, model, ok := strings.Cut(profile, ".")
	return model, ok
}

// modelAllowed reports whether a model ID matches an allowed model: an ID
// (a trailing * matches any suffix) or a foundation-model ARN.
func modelAllowed(model string, allowed []string) bool {
	for _, a := range allowed {
		if isARN(a) {
			_, after, ok := strings.Cut(a, ":foundation-model/")
			if !ok {
				continue
			}
			a = after
		}
		if prefix, wild := strings.CutSuffix(a, "*"); wild && strings.HasPrefix(model, prefix) || a == model {
			return true
		}
	}
	return false
}

func (s *Spec) checkExceptions(c *collector, i int, t *Team) {
	tp := teamPath(i)
	enabled := map[string]bool{}
	for _, r := range s.Registry().All() {
		enabled[r.ID] = true
		for _, rs := range []RuleSettings{s.Defaults.Rules, t.Rules} {
			if set, ok := rs[r.ID]; ok && set.Enabled != nil {
				enabled[r.ID] = *set.Enabled
			}
		}
	}
	seen := map[string]string{}
	for j, e := range t.Exceptions {
		p := fmt.Sprintf("%s.exceptions[%d]", tp, j)
		if e.Rule == "" || e.Expires == "" {
			continue // reported by the decoder
		}
		if !e.Active(s.now) {
			c.warnf(s.pos.at(p+".expires"), "%s.expires: the exception to %s expired on %s and no longer applies; renew it with a new date or remove it",
				p, e.Rule, e.Expires)
		}
		if !enabled[e.Rule] {
			c.warnf(s.pos.at(p+".rule"), "%s.rule: rule %s is off for %s, so the exception has no effect", p, e.Rule, t.label())
		}
		if !e.Active(s.now) {
			continue // renewing an exception may keep the expired one
		}
		for k, res := range e.Resources {
			key := e.Rule + "\x00" + res
			rp := fmt.Sprintf("%s.resources[%d]", p, k)
			if res == "" {
				continue
			}
			if first, dup := seen[key]; dup {
				c.errorf(s.pos.at(rp), "%s: %s is already exempted from %s by %s", rp, res, e.Rule, first)
				continue
			}
			seen[key] = p
		}
	}
}

// checkEffectiveRules validates the parameters derived from the team's
// settings, which only the merged view shows.
func (s *Spec) checkEffectiveRules(c *collector, i int, t *Team) {
	tp := teamPath(i)
	for _, r := range s.Registry().All() {
		er, problems := s.effectiveRule(r, t)
		for _, pr := range problems {
			switch {
			case pr.origin == "the merged parameters":
				c.errorf(s.pos.at(tp), "%s: rule %s rejects the team's merged parameters: %s", tp, r.ID, paramMessage(pr.err))
			case strings.HasPrefix(pr.origin, "organization."):
				c.errorf(s.pos.at(pr.origin), "%s: rule %s takes it as its parameter %s and rejects it: %s",
					pr.origin, r.ID, pr.param, paramMessage(pr.err))
			default:
				p := join(tp, pr.origin)
				c.errorf(s.pos.at(p), "%s: rule %s takes it as its parameter %s and rejects it: %s",
					p+s.pos.origin(p), r.ID, pr.param, paramMessage(pr.err))
			}
		}
		if !er.Enabled {
			continue
		}
		if n := s.inputParametersLen(er); n > maxInputParameters {
			// An AWS managed rule takes other parameters, which may fit;
			// with exceptions, or without a managed rule, the rule can only
			// run as aiguard's, and the generator would refuse the spec.
			report, may := c.errorf, ""
			if r.ManagedRule != "" && len(er.Exceptions) == 0 {
				report, may = c.warnf, " unless it runs as the AWS managed rule "+r.ManagedRule
			}
			report(s.pos.at(tp), "%s: rule %s would get InputParameters of %d characters for %s%s; Config accepts %d, "+
				"so aiguard generate refuses it%s: give the settings it derives from fewer items%s",
				tp, r.ID, n, t.label(), exemptNote(er), maxInputParameters, may, exemptHint(er))
		}
	}
}

// exemptNote and exemptHint name the exceptions when they are part of a
// rule's InputParameters.
func exemptNote(er EffectiveRule) string {
	if len(er.Exceptions) == 0 {
		return ""
	}
	n := 0
	for _, e := range er.Exceptions {
		n += len(e.Resources)
	}
	noun := "resources"
	if n == 1 {
		noun = "resource"
	}
	return fmt.Sprintf(" (the %d exempted %s included, as %s)", n, noun, rules.ExemptParam)
}

func exemptHint(er EffectiveRule) string {
	if len(er.Exceptions) == 0 {
		return ""
	}
	return ", or exempt fewer resources, with shorter IDs"
}

// label names the team in messages.
func (t *Team) label() string {
	if t.Name == "" {
		return "the team"
	}
	return "team " + t.Name
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
