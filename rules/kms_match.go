package rules

import (
	"strings"

	"github.com/aiguard/aiguard/awsid"
	"github.com/aiguard/aiguard/configitem"
)

// Matching a configured KMS key against a kmsKeyArns allow-list.
//
// AWS APIs that take a KMS key accept four forms, and a configuration item
// records whichever one the resource's creator gave:
//
//	key ID      1234abcd-12ab-34cd-56ef-1234567890ab (mrk-<32 hex> for a multi-Region key)
//	key ARN     arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
//	alias name  alias/ExampleAlias
//	alias ARN   arn:aws:kms:us-east-1:111122223333:alias/ExampleAlias
//
// Rules are pure, so the matching uses only the text:
//
//   - A key ID matches a key ARN with the same key ID, and the reverse: key
//     IDs are unique, so the ID alone names the key. Two key ARNs must also
//     agree on partition, account and Region.
//   - An alias name matches an alias ARN with the same name, and the reverse.
//     Alias names are case-sensitive in KMS and so compared exactly; key IDs
//     are hexadecimal and compared without regard to case.
//   - An alias never matches a key, nor a key an alias. Which key an alias
//     points to is known only to kms:ListAliases or kms:DescribeKey, and it
//     can change at any time; a resource configured with an alias complies
//     only when kmsKeyArns lists that alias. The same API call would be
//     needed to tell an AWS managed key from a customer managed key when the
//     key is given by ID or ARN, or to learn whether a key is enabled or
//     still exists, so none of that is checked here.
//   - A reference in none of the four forms matches only an identical entry.

// kmsKeyRefPattern accepts the four forms, for parameter validation. It
// agrees with parseKMSRef; kms_match_test.go checks that.
var kmsKeyRefPattern = &Regexp{Expr: `^(` + arnStart + `kms` + arnRegionAccount + `key/)?` +
	`([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|mrk-[0-9a-fA-F]{32})$` +
	`|^(` + arnStart + `kms` + arnRegionAccount + `)?alias/[a-zA-Z0-9/_-]{1,250}$`}

// kmsKeyArnsParam declares the optional kmsKeyArns allow-list that the
// CMK rules share (the name AWS's managed rules use for the same list).
func kmsKeyArnsParam() Param {
	return Param{
		Name: "kmsKeyArns",
		Type: CSV,
		Description: "KMS keys the resource may use, as key ARNs, key IDs, alias ARNs or alias names; any key when unset. " +
			"A key ID matches its ARN; an alias matches only the same alias, as aliases are not resolved to keys.",
		Pattern:     kmsKeyRefPattern,
		PatternHelp: "a KMS key ARN, key ID, alias ARN or alias name (alias/...)",
	}
}

// kmsRef is a parsed KMS key reference.
type kmsRef struct {
	alias bool
	// id is the key ID, lower-cased, or the alias name with its alias/ prefix.
	id string
	// partition, region and account are set only for ARNs.
	partition, region, account string
}

// parseKMSRef parses a key reference in one of the four forms.
func parseKMSRef(s string) (kmsRef, bool) {
	var ref kmsRef
	resource := s
	if strings.HasPrefix(s, "arn:") {
		a, ok := awsid.SplitARN(s) // without allocating
		if !ok || !awsid.IsPartitionForm(a.Partition) || a.Service != "kms" || !awsid.IsRegion(a.Region) ||
			!awsid.IsAccountID(a.AccountID) {
			return kmsRef{}, false
		}
		ref.partition, ref.region, ref.account = a.Partition, a.Region, a.AccountID
		id, isKey := strings.CutPrefix(a.Resource, "key/")
		if isKey {
			if !kmsIsKeyID(id) {
				return kmsRef{}, false
			}
			ref.id = strings.ToLower(id)
			return ref, true
		}
		resource = a.Resource
		if !strings.HasPrefix(resource, "alias/") {
			return kmsRef{}, false
		}
	}
	if name, ok := strings.CutPrefix(resource, "alias/"); ok {
		if name == "" || len(name) > 250 || !kmsAliasChars(name) {
			return kmsRef{}, false
		}
		ref.alias, ref.id = true, resource
		return ref, true
	}
	if !kmsIsKeyID(resource) {
		return kmsRef{}, false
	}
	ref.id = strings.ToLower(resource)
	return ref, true
}

// matches reports whether two references name the same key or alias, as far
// as their text tells.
func (r kmsRef) matches(o kmsRef) bool {
	if r.alias != o.alias || r.id != o.id {
		return false
	}
	for _, pair := range [][2]string{{r.partition, o.partition}, {r.region, o.region}, {r.account, o.account}} {
		if pair[0] != "" && pair[1] != "" && pair[0] != pair[1] {
			return false
		}
	}
	return true
}

// kmsKeyAllowed reports whether the key reference key matches one of the
// allowed references (see the matching rules at the top of this file). An
// empty allow-list allows every key; an empty key matches nothing.
func kmsKeyAllowed(key string, allowed []string) bool {
	key = strings.TrimSpace(key)
	if len(allowed) == 0 {
		return true
	}
	if key == "" {
		return false
	}
	ref, ok := parseKMSRef(key)
	for _, a := range allowed {
		a = strings.TrimSpace(a)
		if a == key {
			return true
		}
		if !ok {
			continue
		}
		if aref, aok := parseKMSRef(a); aok && ref.matches(aref) {
			return true
		}
	}
	return false
}

// kmsKeyIsAlias reports whether the key reference is an alias name or alias
// ARN, for annotations that explain why it did not match.
func kmsKeyIsAlias(key string) bool {
	ref, ok := parseKMSRef(strings.TrimSpace(key))
	return ok && ref.alias
}

// kmsKeyNotAllowed describes a key that kmsKeyAllowed rejected, for an
// annotation: field names the configuration field ("KmsKeyId").
func kmsKeyNotAllowed(field, key string) string {
	msg := field + " " + strings.TrimSpace(key) + " is not in kmsKeyArns"
	if kmsKeyIsAlias(key) {
		msg += " (an alias matches only the same alias there; aiguard does not resolve aliases to keys)"
	}
	return msg
}

// kmsKeyField reads a KMS key reference from a configuration field. It
// returns the trimmed string and "" when the field holds one; otherwise ""
// and why not, ready for an annotation: "is not set" for a missing, null or
// blank field, "is not a string" for any other JSON type.
func kmsKeyField(v configitem.Value) (key, problem string) {
	if !v.Present() {
		return "", "is not set"
	}
	s, ok := v.Text()
	if !ok {
		return "", "is not a string"
	}
	return strings.TrimSpace(s), ""
}

func kmsIsKeyID(s string) bool {
	if hex, ok := strings.CutPrefix(s, "mrk-"); ok {
		return len(hex) == 32 && kmsIsHex(hex)
	}
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch i {
		case 8, 13, 18, 23:
			if s[i] != '-' {
				return false
			}
		default:
			if !kmsIsHex(s[i : i+1]) {
				return false
			}
		}
	}
	return true
}

func kmsIsHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

func kmsAliasChars(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '/' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// keyRefIsAWSManagedAlias reports whether a key reference is an alias of an AWS
// managed key ("alias/aws/s3", or its alias ARN). AWS reserves the alias/aws/
// prefix for the keys it manages.
func keyRefIsAWSManagedAlias(key string) bool {
	return strings.HasPrefix(strings.ToLower(keyRefAliasName(key)), "alias/aws/")
}

// keyRefAliasName strips the ARN prefix from an alias ARN.
func keyRefAliasName(key string) string {
	if i := strings.LastIndex(key, ":alias/"); i >= 0 {
		return key[i+1:]
	}
	return key
}
