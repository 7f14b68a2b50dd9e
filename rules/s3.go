package rules

import (
	"strconv"
	"strings"

	"github.com/aiguard/aiguard/awsid"
	"github.com/aiguard/aiguard/configitem"
	"github.com/aiguard/aiguard/iampolicy"
)

const typeS3Bucket = "AWS::S3::Bucket"

// bucketScopeFields are the CI paths every S3 rule reads to decide whether a
// bucket holds ML data.
var bucketScopeFields = []string{
	"resourceName",
	"resourceId",
	"configuration.name",
	"tags.key",
	"tags.value",
	"supplementaryConfiguration.BucketTaggingConfiguration.tagSets.tags",
}

// tlsVersionPattern accepts the TLS versions S3 reports in s3:TlsVersion.
var tlsVersionPattern = &Regexp{Expr: `^1\.[0-3]$`}

// knownTLSVersions are the protocol versions a client may negotiate.
var knownTLSVersions = []float64{1.0, 1.1, 1.2, 1.3}

const s3ScopeNote = " In scope: buckets tagged mlTagKey (default ml-data) or whose name matches bucketNamePatterns; " +
	"other buckets are NOT_APPLICABLE."

func s3Rules() []*Rule {
	scope := []Param{mlTagKeyParam(), bucketNamePatternsParam()}
	return []*Rule{
		{
			ID:    "s3-ml-bucket-cmk-encrypted",
			Title: "S3 buckets holding ML data encrypt by default with a customer managed KMS key",
			Description: "Default encryption must be SSE-KMS (aws:kms) or DSSE-KMS (aws:kms:dsse) with a customer " +
				"managed key: not absent (S3 then applies SSE-S3, its default since January 2023), not AES256, and " +
				"not the AWS managed key (no key ID, alias/aws/s3 or its ARN). A key ID, key ARN or customer alias " +
				"is taken as customer managed; the CI cannot show whether a bare key ID is the aws/s3 key." +
				s3ScopeNote + " AWS equivalent: S3_DEFAULT_ENCRYPTION_KMS, which applies to every bucket and accepts " +
				"the AWS managed key unless kmsKeyArns is set, so packs keep this rule.",
			ResourceTypes: []string{typeS3Bucket},
			Trigger:       ChangeTriggered,
			Params:        scope,
			Control:       ControlS3Encryption,
			SecurityHub:   []string{"S3.17"},
			Severity:      SeverityMedium,
			Remediation: "Set the bucket's default encryption (PutBucketEncryption) to SSEAlgorithm aws:kms with " +
				"KMSMasterKeyID set to the ARN of a customer managed key, and enable the S3 Bucket Key to limit KMS cost.",
			Fields: append(append([]string(nil), bucketScopeFields...),
				"supplementaryConfiguration.ServerSideEncryptionConfiguration.rules.applyServerSideEncryptionByDefault.sseAlgorithm",
				"supplementaryConfiguration.ServerSideEncryptionConfiguration.rules.applyServerSideEncryptionByDefault.kmsMasterKeyID",
			),
			Check: referenceScoped(checkS3CMKEncrypted),
		},
		{
			ID:    "s3-ml-bucket-access-logging",
			Title: "S3 buckets holding ML data have server access logging enabled",
			Description: "Server access logging must be on (BucketLoggingConfiguration names a destination bucket), " +
				"so every access to training data and model artifacts is recorded. CloudTrail data events are a " +
				"complementary record that the bucket's CI does not show." + s3ScopeNote +
				" AWS equivalent: S3_BUCKET_LOGGING_ENABLED, which applies to every bucket, so packs keep this rule.",
			ResourceTypes: []string{typeS3Bucket},
			Trigger:       ChangeTriggered,
			Params:        scope,
			Control:       ControlDataAccessLogging,
			SecurityHub:   []string{"S3.9"},
			Severity:      SeverityMedium,
			Remediation: "Enable server access logging (PutBucketLogging) with a separate log bucket as the target, " +
				"and keep that bucket's own access restricted.",
			Fields: append(append([]string(nil), bucketScopeFields...),
				"supplementaryConfiguration.BucketLoggingConfiguration.destinationBucketName",
			),
			Check: referenceScoped(checkS3AccessLogging),
		},
		{
			ID:    "s3-ml-bucket-tls-enforced",
			Title: "S3 buckets holding ML data refuse plain HTTP and old TLS",
			Description: "The bucket policy must have Deny statements for every principal (Principal \"*\" or " +
				"{\"AWS\": \"*\"}) that cover s3:GetObject and s3:PutObject on all objects and s3:ListBucket on the " +
				"bucket (Action s3:* does), one with the only condition Bool aws:SecureTransport false, one with the " +
				"only condition NumericLessThan s3:TlsVersion at or above minimumTlsVersion (default 1.2, the seed's " +
				"TLS minimum). A Deny for named principals, or with further conditions, does not count." + s3ScopeNote +
				" AWS equivalent: S3_BUCKET_SSL_REQUESTS_ONLY, which applies to every bucket and does not check the " +
				"TLS version, so packs keep this rule.",
			ResourceTypes: []string{typeS3Bucket},
			Trigger:       ChangeTriggered,
			Params: append(append([]Param(nil), scope...), Param{
				Name:        "minimumTlsVersion",
				Type:        String,
				Description: "Lowest TLS version the bucket accepts: 1.0, 1.1, 1.2 or 1.3.",
				Default:     "1.2",
				Pattern:     tlsVersionPattern,
				PatternHelp: "one of 1.0, 1.1, 1.2, 1.3",
			}),
			Control:     ControlS3Encryption,
			SecurityHub: []string{"S3.5"},
			Severity:    SeverityMedium,
			Remediation: "Add to the bucket policy a statement {\"Effect\": \"Deny\", \"Principal\": \"*\", \"Action\": " +
				"\"s3:*\", \"Resource\": [bucket ARN, bucket ARN/*], \"Condition\": {\"Bool\": {\"aws:SecureTransport\": " +
				"\"false\"}}} and the same with {\"NumericLessThan\": {\"s3:TlsVersion\": \"1.2\"}}.",
			Fields: append(append([]string(nil), bucketScopeFields...),
				"arn",
				"supplementaryConfiguration.BucketPolicy.policyText",
			),
			Check: referenceScoped(checkS3TLSEnforced),
		},
		{
			ID:    "s3-ml-bucket-public-access-blocked",
			Title: "S3 buckets holding ML data block public access at bucket level",
			Description: "The bucket's own public access block must have all four settings on: BlockPublicAcls, " +
				"IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets. The account-level block also protects " +
				"the bucket, but it is not part of the bucket's CI, so a bucket relying on it alone is NON_COMPLIANT " +
				"here." + s3ScopeNote + " AWS equivalent: S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED, the same check on " +
				"every bucket, so packs keep this rule.",
			ResourceTypes: []string{typeS3Bucket},
			Trigger:       ChangeTriggered,
			Params:        scope,
			Control:       ControlExecutionRoles,
			SecurityHub:   []string{"S3.8"},
			Severity:      SeverityHigh,
			Remediation: "Turn on all four settings of the bucket's public access block (PutPublicAccessBlock with " +
				"BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy and RestrictPublicBuckets true).",
			Fields: append(append([]string(nil), bucketScopeFields...),
				"supplementaryConfiguration.PublicAccessBlockConfiguration.blockPublicAcls",
				"supplementaryConfiguration.PublicAccessBlockConfiguration.ignorePublicAcls",
				"supplementaryConfiguration.PublicAccessBlockConfiguration.blockPublicPolicy",
				"supplementaryConfiguration.PublicAccessBlockConfiguration.restrictPublicBuckets",
			),
			Check: referenceScoped(checkS3PublicAccessBlocked),
		},
	}
}

func checkS3CMKEncrypted(item *configitem.Item, p Params) Verdict {
	if in, why := bucketScope(item, p); !in {
		return Skip("%s", why)
	}
	if v, ok := noSupplement(item); ok {
		return v
	}
	const fix = "Set default encryption to aws:kms with a customer managed key."
	var defaults []configitem.Value
	for _, r := range item.Supplement("ServerSideEncryptionConfiguration").Field("rules").List() {
		if d := r.Field("applyServerSideEncryptionByDefault"); d.Present() {
			defaults = append(defaults, d)
		}
	}
	if len(defaults) == 0 {
		return Fail("The CI records no default encryption, so S3 encrypts new objects with SSE-S3 (AES256, its " +
			"default since January 2023), not a customer managed KMS key. " + fix)
	}
	for _, d := range defaults {
		alg := strings.TrimSpace(d.Field("sseAlgorithm").Str())
		key := strings.TrimSpace(d.Field("kmsMasterKeyID").Str())
		switch {
		case alg == "":
			return Fail("Default encryption names no SSEAlgorithm. " + fix)
		case !strings.EqualFold(alg, "aws:kms") && !strings.EqualFold(alg, "aws:kms:dsse"):
			if strings.EqualFold(alg, "AES256") {
				return Fail("Default encryption is SSE-S3 (AES256), not a customer managed KMS key. " + fix)
			}
			return Fail("Default encryption is %s, not SSE-KMS with a customer managed key. %s", alg, fix)
		case key == "":
			return Fail("Default encryption is %s without a KMSMasterKeyID, so S3 uses the AWS managed key "+
				"aws/s3. %s", alg, fix)
		case keyRefIsAWSManagedAlias(key):
			return Fail("Default encryption uses the AWS managed key %s. %s", key, fix)
		}
	}
	return Pass()
}

func checkS3AccessLogging(item *configitem.Item, p Params) Verdict {
	if in, why := bucketScope(item, p); !in {
		return Skip("%s", why)
	}
	if v, ok := noSupplement(item); ok {
		return v
	}
	dest := strings.TrimSpace(item.Supplement("BucketLoggingConfiguration").Field("destinationBucketName").Str())
	if dest == "" {
		return Fail("Server access logging is off: BucketLoggingConfiguration names no destination bucket. " +
			"Enable server access logging to a separate log bucket.")
	}
	return Pass()
}

func checkS3PublicAccessBlocked(item *configitem.Item, p Params) Verdict {
	if in, why := bucketScope(item, p); !in {
		return Skip("%s", why)
	}
	if v, ok := noSupplement(item); ok {
		return v
	}
	block := item.Supplement("PublicAccessBlockConfiguration")
	if !block.Present() {
		return Fail("The bucket has no bucket-level public access block (the account-level block is not in the " +
			"CI). Turn on BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy and RestrictPublicBuckets.")
	}
	var off []string
	for _, name := range []string{"blockPublicAcls", "ignorePublicAcls", "blockPublicPolicy", "restrictPublicBuckets"} {
		if !block.Field(name).IsTrue() {
			off = append(off, strings.ToUpper(name[:1])+name[1:])
		}
	}
	if len(off) == 0 {
		return Pass()
	}
	return Fail("The bucket's public access block has %s off (or unset). Turn on all four settings.",
		strings.Join(off, ", "))
}

// s3Access is one request the TLS denies must cover: an action on the
// bucket itself or on every object in it.
type s3Access struct {
	action  string
	objects bool
}

// s3TLSAccesses are the accesses that must be denied over plain HTTP and old
// TLS: reading and writing objects, and listing their names.
var s3TLSAccesses = []s3Access{
	{"s3:GetObject", true},
	{"s3:PutObject", true},
	{"s3:ListBucket", false},
}

func checkS3TLSEnforced(item *configitem.Item, p Params) Verdict {
	if in, why := bucketScope(item, p); !in {
		return Skip("%s", why)
	}
	if v, ok := noSupplement(item); ok {
		return v
	}
	minimum := p.String("minimumTlsVersion")
	if minimum == "" {
		minimum = "1.2"
	}
	minVersion, err := strconv.ParseFloat(minimum, 64)
	if err != nil {
		minVersion = 1.2 // unreachable: the parameter is validated
	}
	const fix = " Fix: Deny for Principal \"*\", Action s3:*, on the bucket and bucket/*."
	text := item.Supplement("BucketPolicy").Field("policyText")
	if !text.Present() {
		return Fail("The bucket has no bucket policy, so nothing denies plain HTTP (aws:SecureTransport false) "+
			"or TLS below %s (s3:TlsVersion).%s", minimum, fix)
	}
	doc, err := parsePolicy(text)
	if err != nil {
		return Fail("The bucket policy cannot be read (%v), so the rule cannot confirm it denies plain HTTP "+
			"and TLS below %s.", err, minimum)
	}
	bucketARN := s3BucketARN(item)
	var problems []string
	if gap := tlsDenyGap(doc, bucketARN, "plain HTTP (aws:SecureTransport false)", isInsecureTransportTest); gap != "" {
		problems = append(problems, gap)
	}
	if minVersion > knownTLSVersions[0] {
		what := "TLS below " + minimum + " (s3:TlsVersion)"
		oldTLS := func(c keyTest) bool { return deniesTLSBelow(c, minVersion) }
		if gap := tlsDenyGap(doc, bucketARN, what, oldTLS); gap != "" {
			problems = append(problems, gap)
		}
	}
	if len(problems) == 0 {
		return Pass()
	}
	return Fail("Bucket policy: %s.%s", strings.Join(problems, "; "), fix)
}

// tlsDenyGap says what the policy's qualifying Deny statements for what
// leave uncovered, or "" when they cover every access in s3TLSAccesses. A
// Deny qualifies when it applies to every principal and every one of its
// conditions passes test (further conditions would narrow the Deny).
func tlsDenyGap(doc *ciPolicy, bucketARN, what string, test func(keyTest) bool) string {
	var qualifying []*iampolicy.Statement
	narrow := ""
	for i := range doc.Statement {
		s := &doc.Statement[i]
		if allows(s) || len(doc.tests[i]) == 0 || !everyTest(doc.tests[i], test) {
			continue
		}
		if !appliesToEveryone(s) {
			if narrow == "" {
				narrow = label(i, s)
			}
			continue
		}
		qualifying = append(qualifying, s)
	}
	if len(qualifying) == 0 {
		if narrow != "" {
			return "the Deny for " + what + " (" + narrow + ") names principals, not \"*\""
		}
		return "no Deny for " + what
	}
	var onObjects, onBucket []string
	for _, a := range s3TLSAccesses {
		covered := false
		for _, s := range qualifying {
			if coversAction(s, a.action) && (a.objects && coversEveryResourceUnder(s, bucketARN+"/") ||
				!a.objects && coversResource(s, bucketARN)) {
				covered = true
				break
			}
		}
		switch {
		case covered:
		case a.objects:
			onObjects = append(onObjects, a.action)
		default:
			onBucket = append(onBucket, a.action)
		}
	}
	var missing []string
	if len(onObjects) > 0 {
		missing = append(missing, strings.Join(onObjects, ", ")+" on bucket/*")
	}
	if len(onBucket) > 0 {
		missing = append(missing, strings.Join(onBucket, ", ")+" on the bucket")
	}
	if len(missing) == 0 {
		return ""
	}
	return "the Deny for " + what + " misses " + strings.Join(missing, " and ")
}

// isInsecureTransportTest reports whether the condition holds for plain-HTTP
// requests: Bool (or BoolIfExists) aws:SecureTransport false, written as a
// JSON boolean or a string.
func isInsecureTransportTest(c keyTest) bool {
	if c.op.Base != "Bool" || c.key != "aws:securetransport" || c.op.Set == "ForAllValues" {
		return false
	}
	for _, v := range c.values {
		if strings.EqualFold(strings.TrimSpace(v), "false") {
			return true
		}
	}
	return false
}

// deniesTLSBelow reports whether the condition is an s3:TlsVersion test that
// holds for every TLS version below minimum, so a Deny with it refuses them
// all (NumericLessThan 1.2, NumericLessThanEquals 1.1, ...).
func deniesTLSBelow(c keyTest, minimum float64) bool {
	if c.key != "s3:tlsversion" || c.op.Set == "ForAllValues" {
		return false
	}
	below := false
	for _, v := range knownTLSVersions {
		if v >= minimum {
			continue
		}
		below = true
		if !numericConditionHolds(c, v) {
			return false
		}
	}
	return below
}

// numericConditionHolds evaluates a Numeric* condition for the request value
// x; it holds when any of its values satisfies the operator.
func numericConditionHolds(c keyTest, x float64) bool {
	for _, s := range c.values {
		v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			continue
		}
		var ok bool
		switch c.op.Base {
		case "NumericLessThan":
			ok = x < v
		case "NumericLessThanEquals":
			ok = x <= v
		case "NumericEquals":
			ok = x == v
		case "NumericNotEquals":
			ok = x != v
		case "NumericGreaterThan":
			ok = x > v
		case "NumericGreaterThanEquals":
			ok = x >= v
		}
		if ok {
			return true
		}
	}
	return false
}

// noSupplement returns a NOT_APPLICABLE verdict for an item without
// supplementaryConfiguration. Config records the bucket's settings and the
// key's policy there, always with several entries, so an item without any
// is a summary or a cut-down export: judging its absent settings would
// report a well-configured resource as NON_COMPLIANT.
func noSupplement(item *configitem.Item) (Verdict, bool) {
	if len(item.Supplementary) > 0 {
		return Verdict{}, false
	}
	return Skip("The configuration item carries no supplementaryConfiguration, where Config records these " +
		"settings; there is nothing to evaluate."), true
}

// s3BucketARN is the bucket's ARN from the CI, or built from its name in
// the partition of the CI's Region (aws when that is unknown) when the CI
// has none.
func s3BucketARN(item *configitem.Item) string {
	arn := strings.TrimSpace(item.ARN)
	if a, ok := awsid.SplitARN(arn); ok && a.Service == "s3" && a.Region == "" && a.AccountID == "" {
		return arn
	}
	partition := awsid.PartitionOfRegion(strings.TrimSpace(item.Region))
	if partition == "" {
		partition = awsid.AWS
	}
	return awsid.ARN{Partition: partition, Service: "s3", Resource: bucketName(item)}.String()
}
