package policygen

import (
	"cmp"
	"slices"

	"github.com/aiguard/aiguard/orgspec"
)

// Budget is the SCP room of one target (the root, an OU or an account):
// how many SCPs are attached there, FullAWSAccess included, and how many
// characters aiguard's take of what those attachments could hold.
type Budget struct {
	// Target is "root", or an OU or account ID.
	Target string `json:"target"`
	// Teams are the teams whose SCPs attach there; empty for the root's
	// organization-wide SCPs only.
	Teams []string `json:"teams,omitempty"`
	// Policies are aiguard's SCPs attached there, with their sizes.
	Policies []BudgetPolicy `json:"policies"`
	// Attached counts the SCPs attached to the target, FullAWSAccess
	// included; MaxAttached is scpMaxPerTarget.
	Attached    int `json:"attached"`
	MaxAttached int `json:"maxAttached"`
	// Characters is the sum of aiguard's SCPs' sizes; MaxCharacters what
	// every attachment left next to FullAWSAccess could hold
	// ((MaxAttached-1) x scpMaxChars).
	Characters    int `json:"characters"`
	MaxCharacters int `json:"maxCharacters"`
}

// BudgetPolicy is one SCP of a budget.
type BudgetPolicy struct {
	Path          string `json:"path"`
	Characters    int    `json:"characters"`
	MaxCharacters int    `json:"maxCharacters"`
}

// Budgets returns the SCP budget of every target the generated SCPs
// attach to, sorted by target (the root first).
func Budgets(spec *orgspec.Spec, arts []Artifact) []Budget {
	maxPer := cmp.Or(spec.Organization.Limits.SCPMaxPerTarget, DefaultSCPMaxPerTarget)
	maxChars := cmp.Or(spec.Organization.Limits.SCPMaxChars, DefaultSCPMaxChars)
	by := map[string]*Budget{}
	for _, a := range arts {
		if a.Kind != KindSCP {
			continue
		}
		for _, id := range a.TargetIDs {
			if len(id) > 2 && id[:2] == "r-" {
				id = RootTarget // a team that owns the root shares its room
			}
			b := by[id]
			if b == nil {
				b = &Budget{Target: id, Attached: 1, MaxAttached: maxPer, MaxCharacters: (maxPer - 1) * maxChars}
				by[id] = b
			}
			b.Policies = append(b.Policies, BudgetPolicy{Path: a.Path, Characters: a.Size, MaxCharacters: a.Limit})
			b.Attached++
			b.Characters += a.Size
			if a.Team != "" && !slices.Contains(b.Teams, a.Team) {
				b.Teams = append(b.Teams, a.Team)
			}
		}
	}
	out := make([]Budget, 0, len(by))
	for _, b := range by {
		slices.Sort(b.Teams)
		out = append(out, *b)
	}
	slices.SortFunc(out, func(a, b Budget) int {
		switch {
		case a.Target == b.Target:
			return 0
		case a.Target == RootTarget:
			return -1
		case b.Target == RootTarget:
			return 1
		}
		return cmp.Compare(a.Target, b.Target)
	})
	return out
}
