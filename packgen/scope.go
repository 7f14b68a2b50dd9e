package packgen

import (
	"slices"
	"strings"

	"github.com/aiguard/aiguard/orgspec"
	"github.com/aiguard/aiguard/rules"
)

// inPacks reports whether a rule can run in a conformance pack: a periodic
// rule always can; a change-triggered rule needs a resource type Config
// records, the only ones its Scope lists (rules.Rule.RecordedTypes).
func inPacks(r *rules.Rule) bool {
	return r.Trigger == rules.Periodic || len(r.RecordedTypes()) > 0
}

// packRules returns the teams' effective rules with those no pack can run
// turned off, and notes each such rule a team enables: it still judges
// templates (aiguard scan, the CloudFormation hook) and aiguard evaluate's
// items, but Config cannot trigger it.
func (p *Plan) packRules(effective [][]orgspec.EffectiveRule) [][]orgspec.EffectiveRule {
	out := make([][]orgspec.EffectiveRule, len(effective))
	var noted []string
	for i, set := range effective {
		out[i] = slices.Clone(set)
		for j := range out[i] {
			er := &out[i][j]
			if !er.Enabled || inPacks(er.Rule) {
				continue
			}
			er.Enabled = false
			if !slices.Contains(noted, er.Rule.ID) {
				noted = append(noted, er.Rule.ID)
				p.note(Info, "rule "+er.Rule.ID, "AWS Config does not record what it judges on its resource types ("+
					strings.Join(er.Rule.ResourceTypes, ", ")+"), so no pack runs it; it judges CloudFormation "+
					"templates (aiguard scan, the CloudFormation hook) and aiguard evaluate's items")
			}
		}
	}
	return out
}
