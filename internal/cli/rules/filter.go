package rules

import (
	"path"
	"slices"
	"strings"

	"github.com/aiguard/aiguard/internal/cli/cmdutil"
	"github.com/aiguard/aiguard/internal/suggest"
	"github.com/aiguard/aiguard/rules"
)

// Filter narrows the catalog; the zero Filter keeps every rule.
type Filter struct {
	Service      string
	ResourceType string
	Trigger      string
	Severity     string
}

// Apply returns the rules that pass every filter given, in catalog order.
func (f Filter) Apply(list []*rules.Rule) ([]*rules.Rule, error) {
	trigger := strings.ToLower(strings.TrimSpace(f.Trigger))
	if trigger != "" && trigger != string(rules.ChangeTriggered) && trigger != string(rules.Periodic) {
		return nil, cmdutil.Usagef("--trigger: got %q, want %s or %s", f.Trigger, rules.ChangeTriggered, rules.Periodic)
	}
	minRank := 0
	if f.Severity != "" {
		if minRank = cmdutil.RuleSeverities.Rank(f.Severity); minRank == 0 {
			return nil, cmdutil.Usagef("--severity: got %q, want informational, low, medium, high or critical", f.Severity)
		}
	}
	typePattern := strings.ToLower(strings.TrimSpace(f.ResourceType))
	if _, err := path.Match(typePattern, ""); err != nil {
		return nil, cmdutil.Usagef("--resource-type: %q: %v", f.ResourceType, err)
	}
	service := strings.ToLower(strings.TrimSpace(f.Service))
	var out []*rules.Rule
	for _, r := range list {
		switch {
		case trigger != "" && string(r.Trigger) != trigger,
			minRank > 0 && cmdutil.RuleSeverities.Rank(string(r.Severity)) < minRank,
			typePattern != "" && !slices.ContainsFunc(r.ResourceTypes, func(t string) bool { return typeMatches(typePattern, t) }),
			service != "" && !slices.Contains(services(r), service):
			continue
		}
		out = append(out, r)
	}
	return out, nil
}

// typeMatches matches a lower-case pattern, where * stands for any run of
// characters within a part of the type name, against a resource type.
func typeMatches(pattern, typ string) bool {
	ok, _ := path.Match(pattern, strings.ToLower(typ))
	return ok
}

// services are the services a rule concerns, in lower case: the middle
// part of its resource types (AWS::SageMaker::Model -> sagemaker) and the
// prefixes of the IAM actions it calls (periodic rules judge the account
// through these).
func services(r *rules.Rule) []string {
	var out []string
	for _, t := range r.ResourceTypes {
		if parts := strings.Split(t, "::"); len(parts) == 3 && parts[1] != "" {
			out = append(out, strings.ToLower(parts[1]))
		}
	}
	for _, a := range r.Actions {
		if prefix, _, ok := strings.Cut(a, ":"); ok {
			out = append(out, strings.ToLower(prefix))
		}
	}
	return out
}

// hint suggests the service meant when --service matched nothing.
func (f Filter) hint(list []*rules.Rule) string {
	if f.Service == "" {
		return ""
	}
	var known []string
	for _, r := range list {
		for _, s := range services(r) {
			if !slices.Contains(known, s) {
				known = append(known, s)
			}
		}
	}
	if slices.Contains(known, strings.ToLower(f.Service)) {
		return ""
	}
	return suggest.DidYouMean(strings.ToLower(f.Service), known)
}
