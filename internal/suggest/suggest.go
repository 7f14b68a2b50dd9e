// Package suggest finds the name a user probably meant: "did you mean" for
// unknown keys, rule IDs, properties and references.
package suggest

import "strings"

// Closest returns the candidate closest to s, or "" when none is close
// enough to be a plausible typo. A candidate that differs only in case
// always wins.
func Closest(s string, candidates []string) string {
	for _, c := range candidates {
		if strings.EqualFold(s, c) {
			return c
		}
	}
	best, bestDist := "", len(s)/3+2
	lower := strings.ToLower(s)
	for _, c := range candidates {
		if d := Distance(lower, strings.ToLower(c)); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// DidYouMean formats the closest candidate as " (did you mean X?)", or "".
func DidYouMean(s string, candidates []string) string {
	if best := Closest(s, candidates); best != "" {
		return " (did you mean " + best + "?)"
	}
	return ""
}

// Distance is the Levenshtein distance between a and b, in bytes. Inputs
// are keys and identifiers, short enough for the quadratic algorithm;
// longer strings are not compared.
func Distance(a, b string) int {
	const limit = 256
	if len(a) > limit || len(b) > limit {
		return max(len(a), len(b))
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
