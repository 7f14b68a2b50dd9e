package rules

import (
	"fmt"
	"strings"

	"github.com/aiguard/aiguard/awsid"
	"github.com/aiguard/aiguard/configitem"
)

const typeKMSKey = "AWS::KMS::Key"

// kmsSensitiveActions are the key-policy grants that hand the key's data to
// whoever holds them: decrypting, and creating grants (which delegate any
// operation). kms:* and * cover both.
var kmsSensitiveActions = []string{"kms:Decrypt", "kms:CreateGrant"}

// callerConditionKeys are the condition keys that tie a wildcard grant to
// known callers: the five the baseline names (aws:PrincipalOrgID,
// aws:PrincipalArn, kms:CallerAccount, kms:ViaService, aws:SourceAccount)
// and three that restrict the same way (aws:PrincipalAccount,
// aws:PrincipalOrgPaths, aws:SourceOrgID), so a policy using them is not
// reported. always says whether the key is in every request to KMS (so an
// ...IfExists or ForAllValues test on it still restricts). Keys are in lower
// case.
var callerConditionKeys = [...]struct {
	key    string
	always bool
}{
	{"aws:principalorgid", false},
	{"aws:principalarn", true},
	{"kms:calleraccount", true},
	{"kms:viaservice", false},
	{"aws:sourceaccount", false},
	{"aws:principalaccount", true},
	{"aws:principalorgpaths", false},
	{"aws:sourceorgid", false},
}

// callerKey reports whether a condition key (in lower case) is one of
// callerConditionKeys, and whether it is in every request.
func callerKey(key string) (always, ok bool) {
	for _, k := range callerConditionKeys {
		if k.key == key {
			return k.always, true
		}
	}
	return false, false
}

func kmsRules() []*Rule {
	return []*Rule{
		{
			ID:    "kms-ml-key-policy-restricted",
			Title: "KMS keys protecting ML data grant no wildcard access and rotate",
			Description: "No Allow statement of the key policy may grant kms:Decrypt or kms:CreateGrant (directly, " +
				"through kms:*, *, kms:Decrypt* and the like, or through NotAction) to every principal (\"*\", " +
				"{\"AWS\": \"*\"}, or NotPrincipal) unless a condition ties it to known callers (StringEquals/Like " +
				"or ArnEquals/Like on aws:PrincipalOrgID, aws:PrincipalArn, kms:CallerAccount, kms:ViaService or " +
				"aws:SourceAccount, or on aws:PrincipalAccount, aws:PrincipalOrgPaths or aws:SourceOrgID, without " +
				"wildcards) or a Deny for everyone refuses callers outside them. When " +
				"requireRotation is true, automatic rotation (supplementaryConfiguration.KeyRotationStatus) must be " +
				"on for symmetric keys with KMS key material; a key whose CI lacks that field is NON_COMPLIANT. " +
				"AWS managed keys, keys pending deletion, and keys without the mlTagKey tag (default ml-data) are " +
				"NOT_APPLICABLE; disabled keys are judged on their policy only, since rotation cannot be enabled " +
				"on them. AWS equivalent for the rotation part only: CMK_BACKING_KEY_ROTATION_ENABLED (periodic, " +
				"every key), so packs keep this rule.",
			ResourceTypes: []string{typeKMSKey},
			Trigger:       ChangeTriggered,
			Params: []Param{
				mlTagKeyParam(),
				{
					Name:        "requireRotation",
					Type:        Bool,
					Description: "Require automatic key rotation on symmetric keys with KMS key material.",
					Default:     "true",
				},
			},
			Control:     ControlEBSEncryption,
			SecurityHub: []string{"KMS.4"},
			Severity:    SeverityHigh,
			Remediation: "Remove wildcard-principal grants of kms:Decrypt, kms:CreateGrant or kms:* from the key " +
				"policy, or add a condition on aws:PrincipalOrgID, aws:PrincipalArn or kms:CallerAccount " +
				"(PutKeyPolicy); enable automatic rotation (EnableKeyRotation).",
			Fields: []string{
				"tags.key",
				"tags.value",
				"configuration.keyManager",
				"configuration.keyState",
				"configuration.enabled",
				"configuration.keySpec",
				"configuration.customerMasterKeySpec",
				"configuration.origin",
				"configuration.customKeyStoreId",
				"configuration.multiRegionConfiguration.multiRegionKeyType",
				"supplementaryConfiguration.Policy",
				"supplementaryConfiguration.KeyRotationStatus",
			},
			Check: referenceScoped(checkKMSKeyPolicyRestricted),
		},
	}
}

func checkKMSKeyPolicyRestricted(item *configitem.Item, p Params) Verdict {
	cfg := item.Config()
	if strings.EqualFold(strings.TrimSpace(cfg.Field("keyManager").Str()), "AWS") {
		return Skip("The key is an AWS managed key: AWS sets its key policy and rotation, which you cannot change.")
	}
	if in, why := keyScope(item, p); !in {
		return Skip("%s", why)
	}
	if v, ok := noSupplement(item); ok {
		return v
	}
	state := strings.TrimSpace(cfg.Field("keyState").Str())
	switch {
	case strings.EqualFold(state, "PendingDeletion"), strings.EqualFold(state, "PendingReplicaDeletion"):
		return Skip("The key is scheduled for deletion (keyState %s) and cannot be used; if the deletion is "+
			"cancelled, the key is judged again.", state)
	case state == "" && cfg.Field("enabled").Exists() && !cfg.Field("enabled").IsTrue():
		state = "Disabled"
	}

	var problems, fixes []string
	policy := item.Supplement("Policy")
	switch doc, err := parsePolicy(policy); {
	case !policy.Present():
		problems = append(problems, "the CI carries no key policy (supplementaryConfiguration.Policy)")
		fixes = append(fixes, "check that Config records the key fully")
	case err != nil:
		problems = append(problems, fmt.Sprintf("the key policy cannot be read (%v)", err))
		fixes = append(fixes, "check the key policy and the source of the CI")
	default:
		if grants := wildcardKeyGrants(doc); len(grants) > 0 {
			problems = append(problems, strings.Join(grants, "; "))
			fixes = append(fixes, "remove the wildcard grant or add a condition on aws:PrincipalOrgID, "+
				"aws:PrincipalArn or kms:CallerAccount")
		}
	}

	if p.Bool("requireRotation") && rotationApplies(cfg, state) {
		switch on, ok := item.Supplement("KeyRotationStatus").Bool(); {
		case !ok:
			problems = append(problems, "the CI records no KeyRotationStatus, so rotation cannot be confirmed")
			fixes = append(fixes, "enable automatic rotation (or set requireRotation=false)")
		case !on:
			problems = append(problems, "automatic key rotation is off")
			fix := "enable automatic rotation"
			if strings.EqualFold(cfg.Path("multiRegionConfiguration.multiRegionKeyType").Str(), "REPLICA") {
				fix += " on the primary key"
			}
			fixes = append(fixes, fix)
		}
	}
	if len(problems) == 0 {
		return Pass()
	}
	return Fail("KMS key: %s. To fix: %s.", strings.Join(problems, "; "), strings.Join(fixes, "; "))
}

// rotationApplies reports whether KMS can rotate the key automatically:
// symmetric encryption keys with key material generated by KMS (not
// imported, not in a custom key store), and not disabled (EnableKeyRotation
// fails on a disabled key; the rule judges rotation again once it is
// enabled). A CI without keySpec is read as SYMMETRIC_DEFAULT, the default.
func rotationApplies(cfg configitem.Value, state string) bool {
	spec := strings.TrimSpace(cfg.Field("keySpec").Str())
	if spec == "" {
		spec = strings.TrimSpace(cfg.Field("customerMasterKeySpec").Str())
	}
	if spec != "" && !strings.EqualFold(spec, "SYMMETRIC_DEFAULT") {
		return false
	}
	if origin := strings.TrimSpace(cfg.Field("origin").Str()); origin != "" && !strings.EqualFold(origin, "AWS_KMS") {
		return false
	}
	if cfg.Field("customKeyStoreId").Present() {
		return false
	}
	return !strings.EqualFold(state, "Disabled")
}

// wildcardKeyGrants describes each Allow statement that grants a sensitive
// action to every principal without tying it to known callers.
func wildcardKeyGrants(doc *ciPolicy) []string {
	var out []string
	for i := range doc.Statement {
		s := &doc.Statement[i]
		if !allows(s) || !appliesToEveryone(s) || restrictsCallers(doc.tests[i]) {
			continue
		}
		var open []string
		for _, a := range kmsSensitiveActions {
			if coversAction(s, a) && !guardedByDeny(doc, a) {
				open = append(open, a)
			}
		}
		if len(open) == 0 {
			continue
		}
		who := `Principal "*"`
		if _, not := s.PrincipalElement(); not {
			who = "everyone outside NotPrincipal"
		}
		out = append(out, fmt.Sprintf("%s allows %s to %s with no condition limiting the callers",
			label(i, s), strings.Join(open, " and "), who))
	}
	return out
}

// restrictsCallers reports whether one of a statement's conditions (its key
// tests) limits it to known callers. Conditions are ANDed, so one suffices.
func restrictsCallers(tests []keyTest) bool {
	for _, c := range tests {
		always, ok := callerKey(c.key)
		if !ok || len(c.values) == 0 {
			continue
		}
		switch c.op.Base {
		case "StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike":
		default:
			continue
		}
		// A key that may be missing from the request lets IfExists and
		// ForAllValues tests pass without it, so they do not restrict.
		if (c.op.IfExists || c.op.Set == "ForAllValues") && !always {
			continue
		}
		if concreteCallerValues(c) {
			return true
		}
	}
	return false
}

// guardedByDeny reports whether a Deny for every principal refuses the
// action to callers outside known ones: each of its conditions is a negated
// test (StringNotEquals, ArnNotLike, ...) on a caller key with concrete
// values, the usual "deny unless in my organization" statement.
func guardedByDeny(doc *ciPolicy, action string) bool {
	for i := range doc.Statement {
		s := &doc.Statement[i]
		if allows(s) || !appliesToEveryone(s) || len(doc.tests[i]) == 0 || !coversAction(s, action) {
			continue
		}
		guard := everyTest(doc.tests[i], func(c keyTest) bool {
			_, known := callerKey(c.key)
			switch c.op.Base {
			case "StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "ArnNotEquals", "ArnNotLike":
			default:
				known = false
			}
			return known && c.op.Set == "" && len(c.values) > 0 && concreteCallerValues(c)
		})
		if guard {
			return true
		}
	}
	return false
}

// concreteCallerValues reports whether every value of the condition names
// specific callers. Equals operators compare literally, so any value does;
// Like and Arn operators treat * and ? as wildcards, so a value must not
// use them (for aws:PrincipalArn, not in its account field; for
// aws:PrincipalOrgPaths, not in the organization ID that starts the path).
func concreteCallerValues(c keyTest) bool {
	literal := false
	switch c.op.Base {
	case "StringEquals", "StringEqualsIgnoreCase", "StringNotEquals", "StringNotEqualsIgnoreCase":
		literal = true
	}
	for _, v := range c.values {
		v = strings.TrimSpace(v)
		if v == "" {
			return false
		}
		if literal {
			continue
		}
		switch c.key {
		case "aws:principalarn": // arn:partition:iam::ACCOUNT:...
			if a, ok := awsid.SplitARN(v); !ok || a.AccountID == "" || strings.ContainsAny(a.AccountID, "*?") {
				return false
			}
			continue
		case "aws:principalorgpaths": // o-ORGID/r-ROOT/ou-.../
			org, _, _ := strings.Cut(v, "/")
			if org == "" || strings.ContainsAny(org, "*?") {
				return false
			}
			continue
		}
		if strings.ContainsAny(v, "*?") {
			return false
		}
	}
	return true
}
