// Package iameval decides IAM requests offline: a principal's action on a
// resource, with its request context, against service control policies
// (SCPs), resource control policies (RCPs), a permissions boundary and
// identity policies, following AWS's documented policy evaluation logic.
//
// The order of the decision is AWS's: an explicit Deny in any policy wins;
// then every SCP level (root, OUs, account) must allow the request (an SCP
// set without FullAWSAccess is an allow list), as must the boundary, when
// the principal has one, and the identity policies. RCPs customers write
// only deny: AWS's RCPFullAWSAccess allows at every level.
//
// Statements match by Action or NotAction (case-insensitive, * and ?
// wildcards), Resource or NotResource (ARNs case-sensitive, matched field
// by field as ArnLike does), and Condition: every operator family (String,
// ARN, Numeric, Date, Bool, Null, IpAddress, BinaryEquals) with IfExists,
// ForAnyValue and ForAllValues, and AWS's rules for a key the request lacks
// (IfExists and ForAllValues are true, ForAnyValue false, negated operators
// true, others false). Condition key names are case-insensitive. Policy
// variables (${aws:username}, ${aws:PrincipalTag/team, 'default'}, ${*})
// are expanded in Resource and in String and ARN condition values of
// policies of Version 2012-10-17; a variable without a value makes its
// statement invalid, as AWS documents.
//
// A request's context may leave keys unknown (a CloudTrail record does not
// say which tags the caller had): a test on an unknown key is neither true
// nor false, and a decision that depends on one is uncertain ("may deny"),
// never a silent allow.
//
// The evaluator reads the IAM facts table of package iampolicy to know
// which condition keys an action can present: it notes a request that sets
// a key its action never presents, and, for requests whose unknown keys are
// "everything not given", knows that such keys are absent rather than
// unknown.
package iameval
