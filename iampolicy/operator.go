package iampolicy

// Operator is a parsed condition operator, such as
// ForAnyValue:StringNotLikeIfExists: the linter's reading, exported for the
// evaluator (package iameval) so that both know the same operators.
type Operator struct {
	// Canonical is the whole operator as the IAM documentation spells it.
	Canonical string
	// Base is the operator without set prefix and IfExists (StringNotLike).
	Base string
	// Family is String, ARN, Bool, Numeric, Date, IP address, Binary or
	// Null.
	Family string
	// Set is "", "ForAnyValue" or "ForAllValues".
	Set string
	// IfExists is true for the ...IfExists form.
	IfExists bool
	// Negated is true for the operators that are true when the request
	// lacks the key (StringNotEquals, ArnNotLike, NotIpAddress, ...).
	Negated bool
}

// ParseOperator reads a condition operator (any case); false when it is
// not one.
func ParseOperator(s string) (Operator, bool) {
	op, ok := parseOperator(s)
	if !ok {
		return Operator{}, false
	}
	return Operator{Canonical: op.canon, Base: op.base.name, Family: op.base.fam.String(), Set: op.set,
		IfExists: op.ifExists, Negated: op.base.negated}, true
}

// CurrentVersion is the current policy language version, the only one in
// which policy variables such as ${aws:username} are expanded.
const CurrentVersion = "2012-10-17"

// ResourceType returns the service's resource type of that name, or nil.
func (s *Service) ResourceType(name string) *ResourceType { return s.resources[name] }
