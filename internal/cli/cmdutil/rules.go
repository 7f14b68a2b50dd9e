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

// CheckParamsDeclared rejects --params names that no rule of list
// declares (nor the runtime reserves), which are almost always typos; scope
// says where the rules run ("here", "in this scan").
func CheckParamsDeclared(raw map[string]string, list []*rules.Rule, scope string) error {
	names := make([]string, 0, len(raw))
	for k := range raw {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		if rules.IsReserved(k) {
			continue
		}
		declared := slices.ContainsFunc(list, func(r *rules.Rule) bool { _, ok := r.Param(k); return ok })
		if !declared {
			return Usagef("--params: %s is not a parameter of any rule %s", k, scope)
		}
	}
	return nil
}
