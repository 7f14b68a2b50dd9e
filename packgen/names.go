package packgen

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"

	"github.com/aiguard/aiguard/conformance"
)

// Name prefixes. Team names and rule IDs are lower-case kebab-case, and
// orgspec reserves the team names aiguard uses for itself (baseline, org,
// aiguard, ...), so these prefixes keep aiguard's rules and packs apart from
// anything else in an account.
const (
	namePrefix   = "aiguard-"
	BaselineName = "aiguard-baseline"
)

// hashLen is the number of hex digits of the stable hash that shortens or
// disambiguates a name: 32 bits, enough to keep the few names that need it
// apart.
const hashLen = 8

// stableHash returns the first hashLen hex digits of the SHA-256 of s.
func stableHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:hashLen]
}

// RuleName returns the ConfigRuleName of a rule in a team's pack
// (aiguard-<team>-<rule-id>) or, for team "", in the organization baseline
// (aiguard-<rule-id>), shortened to conformance.MaxRuleName characters with
// a stable hash when longer. Generate also makes names unique across the
// organization (see uniqueNames); the Lambda finds the rule from the ruleId
// input parameter, which every generated custom rule carries, so the name
// need not start with the rule ID.
func RuleName(team, ruleID string) string {
	name := namePrefix + ruleID
	if team != "" {
		name = namePrefix + team + "-" + ruleID
	}
	return Shorten(name, conformance.MaxRuleName)
}

// packName returns the conformance pack name of a team's pack (aiguard-<team>)
// or the baseline's (team ""), with -partN when the pack is split.
func packName(team string, part, parts int) string {
	name := BaselineName
	if team != "" {
		name = namePrefix + team
	}
	if parts > 1 {
		name += fmt.Sprintf("-part%d", part)
	}
	return Shorten(name, conformance.MaxOrgPackName)
}

// shorten returns name when it has at most limit characters, else a prefix
// of it followed by - and a stable hash of the whole name, limit characters
// in all. Names here are ASCII, so bytes are characters.
func Shorten(name string, limit int) string {
	if len(name) <= limit {
		return name
	}
	prefix := strings.TrimRight(name[:limit-hashLen-1], "-")
	return prefix + "-" + stableHash(name)
}

// named is something that needs a unique name: identity says what it is
// (stable across runs), name is the name it would like.
type named struct {
	identity string
	name     *string
}

// uniqueNames makes the names unique. Two kebab-case parts joined by a
// hyphen can spell the same name twice (team a-b with rule c-d, team a with
// rule b-c-d), as can two rule IDs turned into logical IDs (a-1b, a1b);
// every holder of a contested name then gets a stable hash of
// its identity appended after sep, so the result does not depend on the order of
// teams or rules. It fails only if names still collide afterwards, which
// takes a 32-bit hash collision.
func uniqueNames(items []named, limit int, sep string) error {
	holders := map[string][]named{}
	for _, it := range items {
		holders[*it.name] = append(holders[*it.name], it)
	}
	contested := make([]string, 0)
	for name, hs := range holders {
		if len(hs) > 1 {
			contested = append(contested, name)
		}
	}
	sort.Strings(contested)
	for _, name := range contested {
		for _, h := range holders[name] {
			suffix := sep + stableHash(h.identity)
			base := name
			if len(base)+len(suffix) > limit {
				base = strings.TrimRight(base[:limit-len(suffix)], "-")
			}
			*h.name = base + suffix
		}
	}
	if len(contested) == 0 {
		return nil
	}
	seen := make(map[string]string, len(items))
	for _, it := range items {
		if other, dup := seen[*it.name]; dup {
			return fmt.Errorf("%s and %s both get the name %s; rename a team", other, it.identity, *it.name)
		}
		seen[*it.name] = it.identity
	}
	return nil
}

// logicalID turns a rule ID into a CloudFormation logical ID:
// sagemaker-notebook-in-vpc becomes SagemakerNotebookInVpc.
func LogicalID(ruleID string) string {
	var b strings.Builder
	for _, part := range strings.Split(ruleID, "-") {
		if part == "" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]))
		b.WriteString(part[1:])
	}
	id := b.String()
	if id == "" || !isAlnum(id) {
		// Not a catalog ID (those are kebab-case); keep the template valid.
		return "Rule" + stableHash(ruleID)
	}
	return id
}

func isAlnum(s string) bool {
	for _, c := range s {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}
