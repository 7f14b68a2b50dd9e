package cmdutil

import (
	"slices"

	"github.com/aiguard/aiguard/rules"
)

// SelectRules returns the rules named by --rule flags, in the order given
// and without repeats, or nil when none is named (every rule applies). An
// unknown ID is a usage error with a "did you mean".
func SelectRules(reg *rules.Registry, ids []string) ([]*rules.Rule, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var out []*rules.Rule
	for _, id := range ids {
		r, err := reg.Lookup(id)
		if err != nil {
			return nil, Usagef("%v; `aiguard rules list` shows the catalog", err)
		}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out, nil
}
