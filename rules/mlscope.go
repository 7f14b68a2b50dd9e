package rules

import (
	"fmt"
	"path"
	"strings"

	"github.com/aiguard/aiguard/configitem"
)

// The rules on data and keys around the models (S3 buckets, KMS keys) judge
// only the resources that hold ML data: those tagged with mlTagKey and, for
// buckets, those whose name matches bucketNamePatterns. Everything else is
// NOT_APPLICABLE, so a team is never told about buckets it did not ask about.

// defaultMLTagKey is the tag that marks a resource as ML data.
const defaultMLTagKey = "ml-data"

// tagKeyPattern is the character set and length AWS allows for tag keys.
// The length (1 to 128) is checked by Param.MaxLen: a counted repetition of
// these Unicode classes would cost megabytes and milliseconds at start-up.
var tagKeyPattern = &Regexp{Expr: `^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$`}

// bucketGlobPattern accepts exactly the path.Match patterns built from the
// characters of bucket names (lower-case letters, digits, dots, hyphens,
// and the upper case and underscores of legacy us-east-1 names) and the
// glob syntax: * and ?, backslash escapes, and [classes] of characters and
// ranges, negated with a leading ^. Anything path.Match would reject with
// ErrBadPattern ("[a-", "[]", "[^]", "x\\") fails here, so a bad pattern is
// reported when the parameters are parsed instead of silently matching
// nothing; so do characters no bucket name has, such as / or a space.
var bucketGlobPattern = &Regexp{Expr: `^(?:` + globLit + `|` + globEsc + `|` + globClass + `)+$`}

// The parts of bucketGlobPattern.
const (
	globLit     = `[A-Za-z0-9._*?\]^-]`
	globEsc     = `\\.`
	globElem    = `(?:[A-Za-z0-9._*?\[^]|\\.)`
	globFirst   = `(?:[A-Za-z0-9._*?\[]|\\.)` // a leading ^ negates instead
	globRange   = globElem + `(?:-` + globElem + `)?`
	globFirstRg = globFirst + `(?:-` + globElem + `)?`
	globClass   = `\[(?:\^` + globRange + `|` + globFirstRg + `)(?:` + globRange + `)*\]`
)

// mlTagKeyParam declares the tag that marks ML resources.
func mlTagKeyParam() Param {
	return Param{
		Name: "mlTagKey",
		Type: String,
		Description: "Tag key that marks a resource as holding ML data (matched case-insensitively; any value " +
			"counts except false or no). Resources without it are NOT_APPLICABLE unless another scope matches.",
		Default:     defaultMLTagKey,
		Pattern:     tagKeyPattern,
		MaxLen:      128,
		PatternHelp: "a tag key (1 to 128 letters, digits, spaces and _ . : / = + - @)",
	}
}

// bucketNamePatternsParam declares the bucket-name globs that mark ML buckets.
func bucketNamePatternsParam() Param {
	return Param{
		Name: "bucketNamePatterns",
		Type: CSV,
		Description: "Bucket-name globs (Go path.Match syntax: *, ?, [a-z]) that mark a bucket as ML data even " +
			"without the tag, e.g. sagemaker-*,*-training-data. Unset: buckets are scoped by tag only.",
		Pattern:     bucketGlobPattern,
		PatternHelp: "a bucket-name glob (letters, digits, . and -, with *, ?, [a-z] classes and \\ escapes)",
	}
}

// bucketScope reports whether the bucket holds ML data. When it does not, the
// reason is the NOT_APPLICABLE annotation.
func bucketScope(item *configitem.Item, p Params) (bool, string) {
	key := mlTagKey(p)
	name := bucketName(item)
	if in, decided, why := tagScope(item, key, "bucket"); decided {
		return in, why
	}
	if len(item.MLReferences) > 0 {
		return true, ""
	}
	patterns := p.List("bucketNamePatterns")
	for _, pat := range patterns {
		// The patterns were validated, so Match cannot fail; a failure
		// would only mean "no match".
		if ok, err := path.Match(pat, name); err == nil && ok {
			return true, ""
		}
	}
	if len(patterns) == 0 {
		return false, fmt.Sprintf("Not an ML bucket: it has no %s tag, and no bucketNamePatterns are set.", key)
	}
	return false, fmt.Sprintf("Not an ML bucket: it has no %s tag and its name matches none of bucketNamePatterns (%s).",
		key, strings.Join(patterns, ", "))
}

// keyScope reports whether the KMS key protects ML data (it carries the tag).
func keyScope(item *configitem.Item, p Params) (bool, string) {
	key := mlTagKey(p)
	if in, decided, why := tagScope(item, key, "key"); decided {
		return in, why
	}
	if len(item.MLReferences) > 0 {
		return true, ""
	}
	return false, fmt.Sprintf("Not an ML key: it has no %s tag.", key)
}

// referenceScoped wraps the check of a rule on ML data so that a verdict
// on a resource in scope only because AI resources use it (it has no ML
// tag) says so: a team told about a bucket it never tagged learns why.
func referenceScoped(check func(*configitem.Item, Params) Verdict) func(*configitem.Item, Params) Verdict {
	return func(item *configitem.Item, p Params) Verdict {
		v := check(item, p)
		if len(item.MLReferences) == 0 || v.Compliance == NotApplicable {
			return v
		}
		if _, decided, _ := tagScope(item, mlTagKey(p), ""); decided {
			return v
		}
		note := "In ML scope: used by " + strings.Join(item.MLReferences, "; ") + "."
		if v.Annotation == "" {
			v.Annotation = note
		} else {
			v.Annotation = note + " " + v.Annotation
		}
		return v
	}
}

// tagScope decides scope from the ML tag: a tag whose value is false or no
// takes the resource out of scope explicitly (it wins over name patterns,
// since the owner said so); any other value puts it in. decided is false
// when the tag is absent.
func tagScope(item *configitem.Item, key, noun string) (in, decided bool, why string) {
	value, ok := resourceTag(item, key)
	if !ok {
		return false, false, ""
	}
	if v := strings.TrimSpace(value); strings.EqualFold(v, "false") || strings.EqualFold(v, "no") {
		return false, true, fmt.Sprintf("Not an ML %s: its %s tag is %q.", noun, key, v)
	}
	return true, true, ""
}

func mlTagKey(p Params) string {
	if k := p.String("mlTagKey"); k != "" {
		return k
	}
	return defaultMLTagKey
}

// resourceTag returns the value of the tag named key. Tag keys match exactly
// first, then case-insensitively (a bucket tagged ML-Data is still ML data).
// It reads the CI's tags map and, only when that map is empty, the bucket
// tag set in supplementaryConfiguration.BucketTaggingConfiguration, which
// holds the same tags and is where BatchGetAggregateResourceConfig results
// keep them (their top-level map is empty). Skipping the fallback when the
// map has tags saves decoding it for every bucket.
func resourceTag(item *configitem.Item, key string) (string, bool) {
	if len(item.Tags) > 0 {
		return lookupTag(item.Tags, key)
	}
	tags := map[string]string{}
	for _, set := range item.Supplement("BucketTaggingConfiguration").Field("tagSets").List() {
		if t := set.Field("tags"); t.IsObject() {
			for k, v := range t.Members() {
				if s, ok := v.String(); ok {
					tags[k] = s
				}
			}
		}
	}
	return lookupTag(tags, key)
}

func lookupTag(tags map[string]string, key string) (string, bool) {
	if v, ok := tags[key]; ok {
		return v, true
	}
	for k, v := range tags {
		if strings.EqualFold(strings.TrimSpace(k), key) {
			return v, true
		}
	}
	return "", false
}

// bucketName is the bucket's name: resourceName, else configuration.name,
// else resourceId (all three are the name for AWS::S3::Bucket).
func bucketName(item *configitem.Item) string {
	if n := strings.TrimSpace(item.ResourceName); n != "" {
		return n
	}
	if n := strings.TrimSpace(item.Config().Field("name").Str()); n != "" {
		return n
	}
	return strings.TrimSpace(item.ResourceID)
}
