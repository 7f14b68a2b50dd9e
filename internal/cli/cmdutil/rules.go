package cmdutil

import (
	"fmt"
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
		r, ok := reg.Get(id)
		if !ok {
			msg := fmt.Sprintf("unknown rule %q", id)
			if s := reg.Suggest(id); s != "" {
				msg += fmt.Sprintf(" (did you mean %s?)", s)
			}
			return nil, Usagef("%s; `aiguard rules list` shows the catalog", msg)
		}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out, nil
}
