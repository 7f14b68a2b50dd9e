package iampolicy

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Type is the kind of policy a document is checked as: the kind decides
// which elements are allowed, which effects, and how size is counted.
type Type string

// Policy types.
const (
	// TypeSCP is an AWS Organizations service control policy: the full IAM
	// language since 2025-09 except Principal and NotPrincipal.
	TypeSCP Type = "scp"
	// TypeRCP is an AWS Organizations resource control policy: Deny only,
	// Principal "*", no NotAction or NotPrincipal, and only the services
	// RCPs support.
	TypeRCP Type = "rcp"
	// TypeBoundary is a permissions boundary: a managed policy set on a
	// user or role.
	TypeBoundary Type = "boundary"
	// TypeIdentity is an identity policy: managed, or inline in a role.
	TypeIdentity Type = "identity"
)

// Types lists every policy type.
func Types() []Type { return []Type{TypeSCP, TypeRCP, TypeBoundary, TypeIdentity} }

// ParseType reads a policy type name (scp, rcp, boundary, identity,
// opt-out; any case).
func ParseType(s string) (Type, error) {
	if strings.EqualFold(s, string(TypeOptOut)) {
		return TypeOptOut, nil
	}
	for _, t := range Types() {
		if strings.EqualFold(s, string(t)) {
			return t, nil
		}
	}
	return "", fmt.Errorf("policy type %q: want scp, rcp, boundary, identity or opt-out", s)
}

// Size quotas, in characters. Sources: the AWS Organizations quota page and
// the CloudFormation AWS::Organizations::Policy reference for SCPs and RCPs
// (the newest English quota page says 10,240 for SCPs, every other version
// 5,120: the lower figure is the default, and Linter.MaxChars raises it);
// the IAM quotas page for managed and inline policies.
const (
	// MaxSCPChars is the SCP quota: every character of the document as
	// stored counts, whitespace included, so measure the minified form.
	MaxSCPChars = 5120
	// MaxRCPChars is the RCP quota, counted like MaxSCPChars.
	MaxRCPChars = 5120
	// MaxManagedPolicyChars is the quota of a customer managed policy,
	// and so of a permissions boundary; IAM does not count whitespace.
	MaxManagedPolicyChars = 6144
	// MaxRoleInlineChars is the quota of all inline policies of one role
	// together, whitespace not counted.
	MaxRoleInlineChars = 10240
)

// MaxSize returns the size quota of the policy type in characters, as
// counted by Document.Size. For identity policies it is the inline role
// quota, the largest an identity policy can be; Lint warns above the
// managed policy quota.
func (t Type) MaxSize() int {
	switch t {
	case TypeSCP:
		return MaxSCPChars
	case TypeRCP:
		return MaxRCPChars
	case TypeBoundary:
		return MaxManagedPolicyChars
	case TypeIdentity:
		return MaxRoleInlineChars
	}
	return 0
}

// countsWhitespace reports whether whitespace counts against the quota:
// Organizations counts every character, IAM none of the whitespace.
func (t Type) countsWhitespace() bool { return t == TypeSCP || t == TypeRCP }

// label names the policy type in messages.
func (t Type) label() string {
	switch t {
	case TypeSCP:
		return "SCP"
	case TypeRCP:
		return "RCP"
	case TypeBoundary:
		return "permissions boundary"
	case TypeIdentity:
		return "identity policy"
	}
	return string(t)
}

// withArticle names the policy type with its indefinite article.
func (t Type) withArticle() string {
	l := t.label()
	if strings.ContainsRune("aeiouAEIOUSR", rune(l[0])) { // "an SCP", "an RCP"
		return "an " + l
	}
	return "a " + l
}

// charCount counts the characters of text the way the quota of the policy
// type does: every character for SCPs and RCPs, the non-whitespace ones
// for IAM policies.
func charCount(text []byte, t Type) int {
	if t.countsWhitespace() {
		return utf8.RuneCount(text)
	}
	n := 0
	for len(text) > 0 {
		r, size := utf8.DecodeRune(text)
		text = text[size:]
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}
