package rules

import (
	"regexp"
	"sync"

	"github.com/aiguard/aiguard/awsid"
)

// The pieces of the patterns of ARN parameters, in the forms package awsid
// defines: arnStart + service + arnRegionAccount + resource matches
// arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE of any partition.
const (
	arnStart         = `arn:` + awsid.PartitionFormPattern + `:`
	arnRegionAccount = `:` + awsid.RegionPattern + `:` + awsid.AccountIDPattern + `:`
)

// accountIDPattern is a 12-digit AWS account ID, for parameters.
var accountIDPattern = &Regexp{Expr: `^` + awsid.AccountIDPattern + `$`}

// Matcher is what a parameter's Pattern does. *regexp.Regexp is one; so is
// a *Regexp, which compiles when first used.
type Matcher interface {
	MatchString(s string) bool
	// String returns the expression, in the syntax shared by Go's regexp
	// and ECMA-262 (the spec's JSON Schema carries it).
	String() string
}

// Regexp is a regular expression compiled when first used rather than when
// the package is initialised: the catalog's patterns would otherwise be
// compiled by every cold start of the Lambda, whichever rule it runs.
// Declare one as &Regexp{Expr: `...`}, which costs nothing at start-up;
// TestCatalogPatternsCompile compiles every pattern of the catalog. It is
// safe for concurrent use.
type Regexp struct {
	Expr string
	once sync.Once
	re   *regexp.Regexp
}

// MatchString reports whether s matches the expression.
func (r *Regexp) MatchString(s string) bool {
	r.once.Do(func() { r.re = regexp.MustCompile(r.Expr) })
	return r.re.MatchString(s)
}

// String returns the expression.
func (r *Regexp) String() string { return r.Expr }
