package policygen

import (
	"fmt"
	"slices"

	"github.com/aiguard/aiguard/iampolicy"
)

// sorted returns the values sorted and without duplicates: generated
// policies list values in one order so runs are byte-identical.
func sorted(values ...string) []string {
	out := slices.Clone(values)
	slices.Sort(out)
	return slices.Compact(out)
}

// Effects.
const (
	allow = "Allow"
	deny  = "Deny"
)

// denyAll returns a Deny statement on every resource.
func denyAll(sid string, actions []string, cond iampolicy.Condition) iampolicy.Statement {
	return iampolicy.Statement{Sid: sid, Effect: deny, Action: sorted(actions...), Resource: []string{"*"}, Condition: nonEmpty(cond)}
}

// nonEmpty returns nil for an empty condition so that it is left out.
func nonEmpty(c iampolicy.Condition) iampolicy.Condition {
	if len(c) == 0 {
		return nil
	}
	return c
}

// statementSize is the length of one statement in minified JSON.
func statementSize(s iampolicy.Statement) (int, error) {
	b, err := s.MarshalJSON()
	if err != nil {
		return 0, fmt.Errorf("encode statement %s: %w", s.Sid, err)
	}
	return len(b), nil
}
