package rules

import (
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/aiguard/aiguard/internal/suggest"
)

var kebab = &Regexp{Expr: `^[a-z][a-z0-9]*(-[a-z0-9]+)*$`}

// Registry is a set of rules, looked up by ID.
type Registry struct {
	byID  map[string]*Rule
	order []*Rule // sorted by ID
}

// NewRegistry checks each rule's definition and indexes them. It rejects
// duplicate or malformed IDs and rules that cannot run.
func NewRegistry(list ...*Rule) (*Registry, error) {
	reg := &Registry{byID: make(map[string]*Rule, len(list))}
	for _, r := range list {
		if err := r.validate(); err != nil {
			return nil, err
		}
		if _, dup := reg.byID[r.ID]; dup {
			return nil, fmt.Errorf("rule %s: defined twice", r.ID)
		}
		reg.byID[r.ID] = r
		reg.order = append(reg.order, r)
	}
	sort.Slice(reg.order, func(i, j int) bool { return reg.order[i].ID < reg.order[j].ID })
	return reg, nil
}

// Catalog returns a registry of every rule aiguard ships.
func Catalog() *Registry {
	reg, err := NewRegistry(catalog()...)
	if err != nil {
		// The catalog is code; its test fails first.
		panic("rules: invalid catalog: " + err.Error())
	}
	return reg
}

// catalog lists every rule; each service's rules live in their own file.
func catalog() []*Rule {
	var all []*Rule
	for _, group := range [][]*Rule{
		sagemakerNotebookRules(),
		sagemakerNotebookHardeningRules(),
		sagemakerDomainRules(),
		sagemakerEndpointConfigRules(),
		sagemakerModelRules(),
		sagemakerMonitoringRules(),
		sagemakerFeatureGroupRules(),
		bedrockRules(),
		s3Rules(),
		kmsRules(),
		sagemakerPeriodicRules(),
		bedrockPeriodicRules(),
		comprehendPeriodicRules(),
		rekognitionPeriodicRules(),
		accountPeriodicRules(),
		sagemakerBreadthRules(),
		iamMLRules(),
		bedrockAgentCoreRules(),
		mlNetworkRules(),
		breadthPeriodicRules(),
		templateCounterpartRules(),
	} {
		all = append(all, group...)
	}
	return all
}

// All returns the rules sorted by ID.
func (reg *Registry) All() []*Rule { return append([]*Rule(nil), reg.order...) }

// Get returns the rule with the given ID.
func (reg *Registry) Get(id string) (*Rule, bool) {
	r, ok := reg.byID[id]
	return r, ok
}

// ForType returns the change-triggered rules that judge the resource type.
func (reg *Registry) ForType(resourceType string) []*Rule {
	var out []*Rule
	for _, r := range reg.order {
		if r.Check != nil && r.Covers(resourceType) {
			out = append(out, r)
		}
	}
	return out
}

// ForConfigRuleName finds the rule a deployed Config rule runs, when its
// parameters carry no ruleId: the longest rule ID that prefixes the name
// whole words at a time ("sagemaker-notebook-in-vpc-team-a" runs
// sagemaker-notebook-in-vpc).
func (reg *Registry) ForConfigRuleName(name string) (*Rule, bool) {
	var best *Rule
	for _, r := range reg.order {
		rest, ok := strings.CutPrefix(name, r.ID)
		if !ok || (rest != "" && rest[0] != '-') {
			continue
		}
		if best == nil || len(r.ID) > len(best.ID) {
			best = r
		}
	}
	return best, best != nil
}

// Lookup returns the rule with the ID, or an error that says the ID is
// unknown, with the closest one (Suggest) when there is one.
func (reg *Registry) Lookup(id string) (*Rule, error) {
	if r, ok := reg.Get(id); ok {
		return r, nil
	}
	if s := reg.Suggest(id); s != "" {
		return nil, fmt.Errorf("unknown rule %q (did you mean %s?)", id, s)
	}
	return nil, fmt.Errorf("unknown rule %q", id)
}

// Suggest returns the known rule ID closest to id, for "did you mean", or ""
// when nothing is close. In order it tries: the ID in another case; the rule
// a deployed Config rule name runs (its ID followed by a suffix); the shortest
// ID that id begins (a truncated ID); the ID at the smallest edit distance.
func (reg *Registry) Suggest(id string) string {
	q := strings.ToLower(strings.TrimSpace(id))
	if q == "" {
		return ""
	}
	if r, ok := reg.byID[q]; ok {
		return r.ID
	}
	if r, ok := reg.ForConfigRuleName(q); ok {
		return r.ID
	}
	best := ""
	if len(q) >= 3 {
		for _, r := range reg.order {
			if strings.HasPrefix(r.ID, q) && (best == "" || len(r.ID) < len(best)) {
				best = r.ID
			}
		}
		if best != "" {
			return best
		}
	}
	// A typo is a few edits; farther than that, a guess misleads more than it helps.
	bestDist := max(2, len(q)/4) + 1
	for _, r := range reg.order {
		if d := suggest.Distance(q, r.ID); d < bestDist {
			best, bestDist = r.ID, d
		}
	}
	return best
}

func (r *Rule) validate() error {
	if !kebab.MatchString(r.ID) {
		return fmt.Errorf("rule %q: ID must be kebab-case", r.ID)
	}
	if len(r.ResourceTypes) == 0 {
		return fmt.Errorf("rule %s: no resource types", r.ID)
	}
	switch r.Trigger {
	case ChangeTriggered:
		if r.Check == nil {
			return fmt.Errorf("rule %s: change-triggered rule without Check", r.ID)
		}
	case Periodic:
		if r.Run == nil {
			return fmt.Errorf("rule %s: periodic rule without Run", r.ID)
		}
	default:
		return fmt.Errorf("rule %s: unknown trigger %q", r.ID, r.Trigger)
	}
	switch r.Severity {
	case SeverityInformational, SeverityLow, SeverityMedium, SeverityHigh, SeverityCritical:
	default:
		return fmt.Errorf("rule %s: unknown severity %q", r.ID, r.Severity)
	}
	if r.Title == "" || r.Remediation == "" || r.Control == "" {
		return fmt.Errorf("rule %s: title, control and remediation are required", r.ID)
	}
	seen := make(map[string]bool, len(r.Params))
	for _, d := range r.Params {
		if d.Name == "" || strings.ContainsFunc(d.Name, unicode.IsSpace) {
			return fmt.Errorf("rule %s: parameter name %q is empty or contains spaces", r.ID, d.Name)
		}
		if IsReserved(d.Name) {
			return fmt.Errorf("rule %s: parameter %s is reserved", r.ID, d.Name)
		}
		if seen[d.Name] {
			return fmt.Errorf("rule %s: parameter %s is declared twice", r.ID, d.Name)
		}
		seen[d.Name] = true
		switch d.Type {
		case String, CSV, Int, Bool:
		case Enum:
			if len(d.Values) == 0 {
				return fmt.Errorf("rule %s: parameter %s: an Enum needs Values", r.ID, d.Name)
			}
		default:
			return fmt.Errorf("rule %s: parameter %s: unknown type %q", r.ID, d.Name, d.Type)
		}
		if d.Default != "" {
			if _, err := d.validate(d.Default); err != nil {
				return fmt.Errorf("rule %s: parameter %s: default %q is not %v", r.ID, d.Name, d.Default, err)
			}
		}
	}
	return nil
}
