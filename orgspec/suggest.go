package orgspec

import suggestpkg "github.com/aiguard/aiguard/internal/suggest"

// suggest returns the candidate closest to s, for "did you mean", or "" when
// none is close enough to be a plausible typo.
func suggest(s string, candidates []string) string { return suggestpkg.Closest(s, candidates) }

// didYouMean formats a suggestion as " (did you mean X?)", or "".
func didYouMean(s string, candidates []string) string { return suggestpkg.DidYouMean(s, candidates) }
