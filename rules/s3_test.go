package rules

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/configitem"
	"github.com/aiguard/aiguard/internal/testenv/refdata"
)

// s3Case is one table entry of the S3 rule tests: a tagged ML bucket named
// bucket (unless tags or name say otherwise) with the given supplementary
// configuration.
type s3Case struct {
	name       string
	bucket     string // default "ml-training-data"
	tags       map[string]string
	untagged   bool
	supp       map[string]any // merged over a baseline that Config always records
	noSupp     bool           // no supplementaryConfiguration at all
	params     map[string]string
	want       Compliance
	annotation string // substring of the annotation
}

func runS3Cases(t *testing.T, id string, tests []s3Case) {
	t.Helper()
	r := dataRule(t, id)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bucket := tt.bucket
			if bucket == "" {
				bucket = "ml-training-data"
			}
			tags := tt.tags
			if tags == nil && !tt.untagged {
				tags = map[string]string{"ml-data": "training"}
			}
			var supp map[string]any
			if !tt.noSupp {
				supp = map[string]any{"IsRequesterPaysEnabled": false,
					"BucketVersioningConfiguration": map[string]any{"status": "Off", "isMfaDeleteEnabled": nil}}
				for k, v := range tt.supp {
					supp[k] = v
				}
			}
			item := dataCI(t, typeS3Bucket, bucket, tags, map[string]any{"name": bucket}, supp)
			ev := r.Evaluate(item, dataParams(t, r, tt.params))
			if ev.Compliance != tt.want || !strings.Contains(ev.Annotation, tt.annotation) {
				t.Errorf("got %s %q; want %s with %q", ev.Compliance, ev.Annotation, tt.want, tt.annotation)
			}
			if ev.Compliance != Compliant && ev.Annotation == "" {
				t.Error("a non-compliant or not-applicable verdict needs an annotation")
			}
		})
	}
}

func sse(alg, key any) map[string]any {
	return map[string]any{"ServerSideEncryptionConfiguration": map[string]any{"rules": []any{map[string]any{
		"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": alg, "kmsMasterKeyID": key},
		"bucketKeyEnabled":                   true,
	}}}}
}

const testKeyARN = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"

func TestS3CMKEncrypted(t *testing.T) {
	runS3Cases(t, "s3-ml-bucket-cmk-encrypted", []s3Case{
		{name: "aws:kms with a key ARN", supp: sse("aws:kms", testKeyARN), want: Compliant},
		{name: "aws:kms:dsse with a key ID", supp: sse("aws:kms:dsse", "1234abcd-12ab-34cd-56ef-1234567890ab"), want: Compliant},
		{name: "customer alias", supp: sse("AWS:KMS", "alias/ml-data"), want: Compliant},
		{name: "customer alias ARN", supp: sse("aws:kms", "arn:aws:kms:us-east-1:111122223333:alias/ml-data"), want: Compliant},
		{name: "JSON-string configuration (API shape)", supp: map[string]any{
			"ServerSideEncryptionConfiguration": `{"rules":[{"applyServerSideEncryptionByDefault":{"sseAlgorithm":"aws:kms","kmsMasterKeyID":"` + testKeyARN + `"}}]}`,
		}, want: Compliant},
		{name: "rules as one object instead of a list", supp: map[string]any{"ServerSideEncryptionConfiguration": map[string]any{
			"rules": map[string]any{"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": "aws:kms", "kmsMasterKeyID": testKeyARN}},
		}}, want: Compliant},
		{name: "no encryption configuration", supp: nil, want: NonCompliant, annotation: "SSE-S3"},
		{name: "no supplementaryConfiguration at all", noSupp: true, want: NotApplicable, annotation: "no supplementaryConfiguration"},
		{name: "configuration null", supp: map[string]any{"ServerSideEncryptionConfiguration": nil}, want: NonCompliant, annotation: "records no default encryption"},
		{name: "rules empty", supp: map[string]any{"ServerSideEncryptionConfiguration": map[string]any{"rules": []any{}}}, want: NonCompliant, annotation: "records no default encryption"},
		{name: "AES256", supp: sse("AES256", nil), want: NonCompliant, annotation: "SSE-S3 (AES256)"},
		{name: "unknown algorithm", supp: sse("aws:fancy", nil), want: NonCompliant, annotation: "aws:fancy"},
		{name: "algorithm missing", supp: sse(nil, testKeyARN), want: NonCompliant, annotation: "no SSEAlgorithm"},
		{name: "algorithm of the wrong type", supp: sse([]any{"aws:kms"}, testKeyARN), want: NonCompliant, annotation: "no SSEAlgorithm"},
		{name: "aws:kms without a key", supp: sse("aws:kms", nil), want: NonCompliant, annotation: "AWS managed key aws/s3"},
		{name: "aws:kms with a blank key", supp: sse("aws:kms", "  "), want: NonCompliant, annotation: "without a KMSMasterKeyID"},
		{name: "AWS managed alias", supp: sse("aws:kms", "alias/aws/s3"), want: NonCompliant, annotation: "AWS managed key alias/aws/s3"},
		{name: "AWS managed alias ARN", supp: sse("aws:kms", "arn:aws:kms:us-east-1:111122223333:alias/aws/s3"), want: NonCompliant, annotation: "AWS managed key"},
		{name: "untagged bucket", untagged: true, supp: sse("AES256", nil), want: NotApplicable, annotation: "Not an ML bucket"},
		{name: "untagged bucket matching a pattern", untagged: true, bucket: "sagemaker-us-east-1-111122223333",
			params: map[string]string{"bucketNamePatterns": "sagemaker-*"}, supp: sse("AES256", nil), want: NonCompliant, annotation: "AES256"},
	})
}

func TestS3AccessLogging(t *testing.T) {
	logging := func(dest any) map[string]any {
		return map[string]any{"BucketLoggingConfiguration": map[string]any{"destinationBucketName": dest, "logFilePrefix": "ml/"}}
	}
	runS3Cases(t, "s3-ml-bucket-access-logging", []s3Case{
		{name: "logging on", supp: logging("access-logs-111122223333"), want: Compliant},
		{name: "logging on, JSON string", supp: map[string]any{"BucketLoggingConfiguration": `{"destinationBucketName":"logs","logFilePrefix":null}`}, want: Compliant},
		{name: "destination null", supp: logging(nil), want: NonCompliant, annotation: "logging is off"},
		{name: "destination blank", supp: logging(" "), want: NonCompliant, annotation: "logging is off"},
		{name: "block missing", supp: nil, want: NonCompliant, annotation: "logging is off"},
		{name: "no supplementaryConfiguration at all", noSupp: true, want: NotApplicable, annotation: "nothing to evaluate"},
		{name: "block is a list", supp: map[string]any{"BucketLoggingConfiguration": []any{"logs"}}, want: NonCompliant, annotation: "logging is off"},
		{name: "tag false", tags: map[string]string{"ml-data": "false"}, supp: logging(nil), want: NotApplicable, annotation: `tag is "false"`},
	})
}

func TestS3PublicAccessBlocked(t *testing.T) {
	block := func(v ...any) map[string]any {
		return map[string]any{"PublicAccessBlockConfiguration": map[string]any{
			"blockPublicAcls": v[0], "ignorePublicAcls": v[1], "blockPublicPolicy": v[2], "restrictPublicBuckets": v[3]}}
	}
	runS3Cases(t, "s3-ml-bucket-public-access-blocked", []s3Case{
		{name: "all on", supp: block(true, true, true, true), want: Compliant},
		{name: "all on as strings", supp: block("true", "TRUE", "true", "True"), want: Compliant},
		{name: "all on, JSON string", supp: map[string]any{"PublicAccessBlockConfiguration": `{"blockPublicAcls":true,"ignorePublicAcls":true,"blockPublicPolicy":true,"restrictPublicBuckets":true}`}, want: Compliant},
		{name: "one off", supp: block(true, true, false, true), want: NonCompliant, annotation: "has BlockPublicPolicy off"},
		{name: "two unset", supp: block(true, nil, true, nil), want: NonCompliant, annotation: "IgnorePublicAcls, RestrictPublicBuckets off"},
		{name: "wrong types", supp: block(1, []any{true}, "yes", true), want: NonCompliant, annotation: "BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy off"},
		{name: "missing", supp: nil, want: NonCompliant, annotation: "no bucket-level public access block"},
		{name: "empty object", supp: map[string]any{"PublicAccessBlockConfiguration": map[string]any{}}, want: NonCompliant, annotation: "no bucket-level"},
		{name: "a list instead of an object", supp: map[string]any{"PublicAccessBlockConfiguration": []any{map[string]any{"blockPublicAcls": true}}},
			want: NonCompliant, annotation: "BlockPublicAcls, IgnorePublicAcls"},
		{name: "out of scope", untagged: true, bucket: "logs", params: map[string]string{"bucketNamePatterns": "ml-*"},
			supp: nil, want: NotApplicable, annotation: "matches none of bucketNamePatterns (ml-*)"},
	})
}

// bucketPolicy builds the supplementary BucketPolicy with the policy as a
// JSON string in policyText, the way Config records it.
func bucketPolicy(statements ...string) map[string]any {
	return map[string]any{"BucketPolicy": map[string]any{
		"policyText": `{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`}}
}

const (
	denyHTTP = `{"Sid":"DenyHTTP","Effect":"Deny","Principal":"*","Action":"s3:*",
		"Resource":["arn:aws:s3:::ml-training-data","arn:aws:s3:::ml-training-data/*"],
		"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`
	denyOldTLS = `{"Sid":"DenyOldTLS","Effect":"Deny","Principal":"*","Action":"s3:*",
		"Resource":["arn:aws:s3:::ml-training-data","arn:aws:s3:::ml-training-data/*"],
		"Condition":{"NumericLessThan":{"s3:TlsVersion":"1.2"}}}`
	bothResources = `["arn:aws:s3:::ml-training-data","arn:aws:s3:::ml-training-data/*"]`
)

// deny builds a Deny statement with the given principal, action, resource
// and condition JSON.
func deny(principal, action, resource, condition string) string {
	return `{"Effect":"Deny","Principal":` + principal + `,"Action":` + action + `,"Resource":` + resource +
		`,"Condition":` + condition + `}`
}

func TestS3TLSEnforced(t *testing.T) {
	const (
		httpCond = `{"Bool":{"aws:SecureTransport":"false"}}`
		tlsCond  = `{"NumericLessThan":{"s3:TlsVersion":"1.2"}}`
	)
	runS3Cases(t, "s3-ml-bucket-tls-enforced", []s3Case{
		{name: "canonical statements", supp: bucketPolicy(denyHTTP, denyOldTLS), want: Compliant},
		{name: "AWS star, JSON false, TLS number", supp: bucketPolicy(
			deny(`{"AWS":"*"}`, `"s3:*"`, bothResources, `{"Bool":{"aws:SecureTransport":false}}`),
			deny(`{"AWS":["*"]}`, `["s3:*"]`, bothResources, `{"NumericLessThan":{"s3:TlsVersion":1.2}}`)), want: Compliant},
		{name: "IfExists operators and capitalised false", supp: bucketPolicy(
			deny(`"*"`, `"s3:*"`, bothResources, `{"BoolIfExists":{"aws:SecureTransport":["False"]}}`),
			deny(`"*"`, `"s3:*"`, bothResources, `{"NumericLessThanIfExists":{"s3:TlsVersion":["1.2"]}}`)), want: Compliant},
		{name: "lower-case element names and a single statement object", supp: map[string]any{"BucketPolicy": map[string]any{
			"policyText": `{"statement":[{"effect":"Deny","principal":"*","action":"s3:*","resource":` + bothResources +
				`,"condition":{"bool":{"AWS:SecureTransport":"false"}}},` + denyOldTLS + `]}`}}, want: Compliant},
		{name: "Get, Put and List wildcards", supp: bucketPolicy(
			deny(`"*"`, `["s3:Get*","s3:Put*","s3:List*"]`, bothResources, httpCond),
			deny(`"*"`, `["s3:Get*","s3:Put*","s3:List*"]`, bothResources, tlsCond)), want: Compliant},
		{name: "NotAction deny", supp: bucketPolicy(
			`{"Effect":"Deny","Principal":"*","NotAction":"s3:GetBucketLocation","Resource":`+bothResources+`,"Condition":`+httpCond+`}`,
			denyOldTLS), want: Compliant},
		{name: "resource star and bucket-name wildcard", supp: bucketPolicy(
			deny(`"*"`, `"s3:*"`, `"*"`, httpCond), deny(`"*"`, `"*"`, `"arn:aws:s3:::ml-training-data*"`, tlsCond)), want: Compliant},
		{name: "split over statements", supp: bucketPolicy(
			deny(`"*"`, `["s3:GetObject","s3:PutObject"]`, `"arn:aws:s3:::ml-training-data/*"`, httpCond),
			deny(`"*"`, `"s3:ListBucket"`, `"arn:aws:s3:::ml-training-data"`, httpCond), denyOldTLS), want: Compliant},
		{name: "NumericLessThanEquals 1.1 covers below 1.2", supp: bucketPolicy(denyHTTP,
			deny(`"*"`, `"s3:*"`, bothResources, `{"NumericLessThanEquals":{"s3:TlsVersion":"1.1"}}`)), want: Compliant},
		{name: "TLS 1.3 minimum met", params: map[string]string{"minimumTlsVersion": "1.3"}, supp: bucketPolicy(denyHTTP,
			deny(`"*"`, `"s3:*"`, bothResources, `{"NumericLessThan":{"s3:TlsVersion":"1.3"}}`)), want: Compliant},
		{name: "TLS 1.0 minimum needs no version deny", params: map[string]string{"minimumTlsVersion": "1.0"},
			supp: bucketPolicy(denyHTTP), want: Compliant},
		{name: "TLS 1.1 minimum met by 1.1", params: map[string]string{"minimumTlsVersion": "1.1"}, supp: bucketPolicy(denyHTTP,
			deny(`"*"`, `"s3:*"`, bothResources, `{"NumericLessThan":{"s3:TlsVersion":"1.1"}}`)), want: Compliant},

		{name: "no policy", supp: nil, want: NonCompliant, annotation: "has no bucket policy"},
		{name: "policy null", supp: map[string]any{"BucketPolicy": map[string]any{"policyText": nil}}, want: NonCompliant, annotation: "has no bucket policy"},
		{name: "BucketPolicy as a JSON string", supp: map[string]any{"BucketPolicy": `{"policyText":null}`}, want: NonCompliant, annotation: "has no bucket policy"},
		{name: "policy not JSON", supp: map[string]any{"BucketPolicy": map[string]any{"policyText": "{"}}, want: NonCompliant, annotation: "cannot be read"},
		{name: "policy a number", supp: map[string]any{"BucketPolicy": map[string]any{"policyText": 7}}, want: NonCompliant, annotation: "cannot be read"},
		{name: "only the HTTP deny", supp: bucketPolicy(denyHTTP), want: NonCompliant, annotation: "no Deny for TLS below 1.2"},
		{name: "only the TLS deny", supp: bucketPolicy(denyOldTLS), want: NonCompliant, annotation: "no Deny for plain HTTP"},
		{name: "TLS 1.1 deny below a 1.2 minimum", supp: bucketPolicy(denyHTTP,
			deny(`"*"`, `"s3:*"`, bothResources, `{"NumericLessThan":{"s3:TlsVersion":"1.1"}}`)), want: NonCompliant, annotation: "no Deny for TLS below 1.2"},
		{name: "1.2 deny below a 1.3 minimum", params: map[string]string{"minimumTlsVersion": "1.3"},
			supp: bucketPolicy(denyHTTP, denyOldTLS), want: NonCompliant, annotation: "TLS below 1.3"},
		{name: "both conditions in one statement", supp: bucketPolicy(
			deny(`"*"`, `"s3:*"`, bothResources, `{"Bool":{"aws:SecureTransport":"false"},"NumericLessThan":{"s3:TlsVersion":"1.2"}}`)),
			want: NonCompliant, annotation: "no Deny for plain HTTP"},
		{name: "extra condition narrows the deny", supp: bucketPolicy(
			deny(`"*"`, `"s3:*"`, bothResources, `{"Bool":{"aws:SecureTransport":"false"},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`),
			denyOldTLS), want: NonCompliant, annotation: "no Deny for plain HTTP"},
		{name: "deny for one principal", supp: bucketPolicy(
			deny(`{"AWS":"arn:aws:iam::111122223333:role/ml"}`, `"s3:*"`, bothResources, httpCond), denyOldTLS),
			want: NonCompliant, annotation: "names principals"},
		{name: "deny with NotPrincipal", supp: bucketPolicy(
			`{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:*","Resource":`+bothResources+`,"Condition":`+httpCond+`}`,
			denyOldTLS), want: NonCompliant, annotation: "names principals"},
		{name: "deny on the bucket only", supp: bucketPolicy(
			deny(`"*"`, `"s3:*"`, `"arn:aws:s3:::ml-training-data"`, httpCond), denyOldTLS),
			want: NonCompliant, annotation: "misses s3:GetObject, s3:PutObject on bucket/*"},
		{name: "deny on the objects only", supp: bucketPolicy(
			deny(`"*"`, `"s3:*"`, `"arn:aws:s3:::ml-training-data/*"`, httpCond), denyOldTLS),
			want: NonCompliant, annotation: "misses s3:ListBucket on the bucket"},
		{name: "deny on a prefix only", supp: bucketPolicy(
			deny(`"*"`, `"s3:*"`, `["arn:aws:s3:::ml-training-data","arn:aws:s3:::ml-training-data/raw/*"]`, httpCond), denyOldTLS),
			want: NonCompliant, annotation: "s3:GetObject, s3:PutObject on bucket/*"},
		{name: "deny on another bucket", supp: bucketPolicy(
			deny(`"*"`, `"s3:*"`, `["arn:aws:s3:::other","arn:aws:s3:::other/*"]`, httpCond), denyOldTLS),
			want: NonCompliant, annotation: "misses s3:GetObject, s3:PutObject on bucket/* and s3:ListBucket on the bucket"},
		{name: "Get and Put only", supp: bucketPolicy(
			deny(`"*"`, `["s3:Get*","s3:Put*"]`, bothResources, httpCond), denyOldTLS),
			want: NonCompliant, annotation: "misses s3:ListBucket"},
		{name: "allow with SecureTransport true is not a deny", supp: bucketPolicy(
			`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::ml-training-data/*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}`,
			denyOldTLS), want: NonCompliant, annotation: "no Deny for plain HTTP"},
		{name: "SecureTransport true in a deny", supp: bucketPolicy(
			deny(`"*"`, `"s3:*"`, bothResources, `{"Bool":{"aws:SecureTransport":"true"}}`), denyOldTLS),
			want: NonCompliant, annotation: "no Deny for plain HTTP"},
		{name: "ForAllValues qualifier does not count", supp: bucketPolicy(
			deny(`"*"`, `"s3:*"`, bothResources, `{"ForAllValues:Bool":{"aws:SecureTransport":"false"}}`), denyOldTLS),
			want: NonCompliant, annotation: "no Deny for plain HTTP"},
		{name: "a statement that is not an object", supp: bucketPolicy(denyHTTP, `"oops"`), want: NonCompliant, annotation: "cannot be read"},
		{name: "out of scope", untagged: true, supp: nil, want: NotApplicable, annotation: "Not an ML bucket"},
	})
}

func TestS3TLSOtherPartition(t *testing.T) {
	r := dataRule(t, "s3-ml-bucket-tls-enforced")
	ci := `{"configurationItemStatus":"OK","resourceType":"AWS::S3::Bucket","resourceId":"ml-cn","resourceName":"ml-cn",
		"ARN":"arn:aws-cn:s3:::ml-cn","configuration":{"name":"ml-cn"},"tags":{"ml-data":"x"},"supplementaryConfiguration":{"BucketPolicy":{"policyText":
		"{\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":[\"arn:aws-cn:s3:::ml-cn\",\"arn:aws-cn:s3:::ml-cn/*\"],\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}},{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":[\"arn:aws-cn:s3:::ml-cn\",\"arn:aws-cn:s3:::ml-cn/*\"],\"Condition\":{\"NumericLessThan\":{\"s3:TlsVersion\":\"1.2\"}}}]}"}}}`
	item, err := configitem.Decode([]byte(ci))
	if err != nil {
		t.Fatal(err)
	}
	if ev := r.Evaluate(item, r.DefaultParams()); ev.Compliance != Compliant {
		t.Errorf("aws-cn bucket: got %s %q", ev.Compliance, ev.Annotation)
	}
	item.ARN = "" // without an ARN, the aws partition is assumed
	if ev := r.Evaluate(item, r.DefaultParams()); ev.Compliance != NonCompliant {
		t.Errorf("aws-cn policy against an aws ARN: got %s", ev.Compliance)
	}
}

func TestTLSVersionParam(t *testing.T) {
	r := dataRule(t, "s3-ml-bucket-tls-enforced")
	for _, v := range []string{"1.0", "1.1", "1.2", "1.3"} {
		if _, err := r.ParseParams(map[string]string{"minimumTlsVersion": v}); err != nil {
			t.Errorf("%s: %v", v, err)
		}
	}
	for _, v := range []string{"1.4", "1", "TLSv1.2", "2.0", "1.2.0"} {
		_, err := r.ParseParams(map[string]string{"minimumTlsVersion": v})
		if err == nil || !strings.Contains(err.Error(), "one of 1.0, 1.1, 1.2, 1.3") {
			t.Errorf("%s: error = %v", v, err)
		}
	}
}

// TestDataRulesOnRDKSamples runs the rules on the real sample CIs from the
// AWS Config RDK (an S3 bucket in the invoking-event shape, a KMS key in the
// API shape).
func TestDataRulesOnRDKSamples(t *testing.T) {
	dir := refdata.Path(t, "sample-ci", "rdk-example-ci")
	load := func(name string) *configitem.Item {
		data, err := os.ReadFile(dir + "/" + name)
		if err != nil {
			t.Fatal(err)
		}
		item, err := configitem.Decode(data)
		if err != nil {
			t.Fatalf("decode %s: %v", name, err)
		}
		return item
	}

	bucket := load("AWS_S3_Bucket.json")
	byName := map[string]string{"bucketNamePatterns": "mborch-*"}
	for _, tt := range []struct {
		id         string
		params     map[string]string
		want       Compliance
		annotation string
	}{
		// The bucket is untagged: out of scope unless a pattern names it.
		{"s3-ml-bucket-cmk-encrypted", nil, NotApplicable, "Not an ML bucket"},
		{"s3-ml-bucket-cmk-encrypted", byName, NonCompliant, "records no default encryption"},
		{"s3-ml-bucket-access-logging", byName, NonCompliant, "logging is off"},
		// Its policy denies plain HTTP on the bucket ARN only, not on its objects.
		{"s3-ml-bucket-tls-enforced", byName, NonCompliant, "misses s3:GetObject, s3:PutObject on bucket/*"},
		{"s3-ml-bucket-public-access-blocked", byName, NonCompliant, "no bucket-level public access block"},
	} {
		r := dataRule(t, tt.id)
		ev := r.Evaluate(bucket, dataParams(t, r, tt.params))
		if ev.Compliance != tt.want || !strings.Contains(ev.Annotation, tt.annotation) {
			t.Errorf("%s %v on the RDK bucket: got %s %q, want %s with %q", tt.id, tt.params, ev.Compliance, ev.Annotation, tt.want, tt.annotation)
		}
	}

	kms := dataRule(t, "kms-ml-key-policy-restricted")
	key := load("AWS_KMS_Key.json")
	if ev := kms.Evaluate(key, kms.DefaultParams()); ev.Compliance != NotApplicable || !strings.Contains(ev.Annotation, "AWS managed key") {
		t.Errorf("RDK key (AWS managed): got %s %q", ev.Compliance, ev.Annotation)
	}
	// As a customer managed ML key, its policy (a wildcard grant tied to
	// kms:CallerAccount and kms:ViaService) passes; the sample records no
	// KeyRotationStatus, so rotation cannot be confirmed.
	var cfg map[string]any
	if err := json.Unmarshal(key.Configuration, &cfg); err != nil {
		t.Fatal(err)
	}
	cfg["keyManager"] = "CUSTOMER"
	key.Configuration, _ = json.Marshal(cfg)
	key = reDecode(t, key)
	key.Tags = map[string]string{"ml-data": "yes"}
	ev := kms.Evaluate(key, kms.DefaultParams())
	if ev.Compliance != NonCompliant || !strings.Contains(ev.Annotation, "no KeyRotationStatus") || strings.Contains(ev.Annotation, "allows") {
		t.Errorf("RDK key as customer key: got %s %q", ev.Compliance, ev.Annotation)
	}
	noRotation := dataParams(t, kms, map[string]string{"requireRotation": "false"})
	if ev := kms.Evaluate(key, noRotation); ev.Compliance != Compliant {
		t.Errorf("RDK key as customer key, rotation not required: got %s %q", ev.Compliance, ev.Annotation)
	}
}

// reDecode round-trips an item through its JSON form, dropping the cached
// decoded configuration.
func reDecode(t *testing.T, item *configitem.Item) *configitem.Item {
	t.Helper()
	data, err := json.Marshal(item)
	if err != nil {
		t.Fatal(err)
	}
	out, err := configitem.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDataRuleFields checks every field the S3 and KMS rules declare against
// the Config resource schemas. Config records the bucket policy, the key
// policy and the bucket tag set as JSON strings, which the advanced-query
// schema leaves out; those paths are listed here, confirmed by the RDK
// sample CIs and real S3 CIs.
func TestDataRuleFields(t *testing.T) {
	notInSchema := map[string]bool{
		"supplementaryConfiguration.BucketPolicy.policyText":                 true,
		"supplementaryConfiguration.Policy":                                  true,
		"supplementaryConfiguration.BucketTaggingConfiguration.tagSets.tags": true,
	}
	dir := refdata.Path(t, "config-resource-schema")
	for _, r := range append(s3Rules(), kmsRules()...) {
		for _, typ := range r.ResourceTypes {
			data, err := os.ReadFile(dir + "/" + typ + ".properties.json")
			if err != nil {
				t.Fatal(err)
			}
			var schema map[string]string
			if err := json.Unmarshal(data, &schema); err != nil {
				t.Fatal(err)
			}
			if len(r.Fields) == 0 {
				t.Errorf("%s declares no fields", r.ID)
			}
			for _, f := range r.Fields {
				if _, ok := schema[f]; !ok && !notInSchema[f] {
					t.Errorf("%s: field %s is not in the %s schema", r.ID, f, typ)
				}
			}
		}
	}
}

// BenchmarkDataRules measures the S3 and KMS rules on decoded CIs: a
// compliant ML bucket (all four S3 rules, bucket policy parsed) and a
// compliant ML key, against a baseline rule (sagemaker-notebook-in-vpc)
// measured in the same run.
func BenchmarkDataRules(b *testing.B) {
	policy := `{"Version":"2012-10-17","Statement":[` + denyHTTP + `,` + denyOldTLS + `]}`
	bucket := dataCI(b, typeS3Bucket, "ml-training-data", map[string]string{"ml-data": "training"},
		map[string]any{"name": "ml-training-data"}, map[string]any{
			"BucketPolicy":                      map[string]any{"policyText": policy},
			"BucketLoggingConfiguration":        map[string]any{"destinationBucketName": "logs", "logFilePrefix": nil},
			"PublicAccessBlockConfiguration":    map[string]any{"blockPublicAcls": true, "ignorePublicAcls": true, "blockPublicPolicy": true, "restrictPublicBuckets": true},
			"ServerSideEncryptionConfiguration": sse("aws:kms", testKeyARN)["ServerSideEncryptionConfiguration"],
		})
	key := dataCI(b, typeKMSKey, "1234abcd-12ab-34cd-56ef-1234567890ab", map[string]string{"ml-data": "models"},
		map[string]any{"keyManager": "CUSTOMER", "keyState": "Enabled", "keySpec": "SYMMETRIC_DEFAULT", "origin": "AWS_KMS"},
		map[string]any{"Policy": keyPolicy(rootAdmin, lambdaViaService), "KeyRotationStatus": true})
	s3 := s3Rules()
	kms := kmsRules()[0]
	params := make([]Params, len(s3))
	for i, r := range s3 {
		params[i] = r.DefaultParams()
	}
	kmsParams := kms.DefaultParams()
	notebook := sagemakerNotebookRules()[1]
	notebookItem, err := configitem.Decode([]byte(`{"configurationItemStatus":"OK","resourceType":"AWS::SageMaker::NotebookInstance",
		"resourceId":"nb","configuration":{"SubnetId":"subnet-0123abcd","SecurityGroupIds":["sg-0123abcd"]}}`))
	if err != nil {
		b.Fatal(err)
	}
	notebookParams := notebook.DefaultParams()
	b.Run("baseline/notebook-in-vpc", func(b *testing.B) {
		for b.Loop() {
			notebook.Evaluate(notebookItem, notebookParams)
		}
	})
	b.Run("bucket/4-rules", func(b *testing.B) {
		for b.Loop() {
			for i, r := range s3 {
				if ev := r.Evaluate(bucket, params[i]); ev.Compliance != Compliant {
					b.Fatalf("%s: %s %s", r.ID, ev.Compliance, ev.Annotation)
				}
			}
		}
	})
	other := dataCI(b, typeS3Bucket, "team-logs", map[string]string{"team": "platform"},
		map[string]any{"name": "team-logs"}, map[string]any{
			"BucketTaggingConfiguration": `{"tagSets":[{"tags":{"team":"platform"}}]}`,
			"BucketPolicy":               map[string]any{"policyText": policy},
		})
	b.Run("bucket-out-of-scope/4-rules", func(b *testing.B) {
		for b.Loop() {
			for i, r := range s3 {
				if ev := r.Evaluate(other, params[i]); ev.Compliance != NotApplicable {
					b.Fatalf("%s: %s %s", r.ID, ev.Compliance, ev.Annotation)
				}
			}
		}
	})
	b.Run("key", func(b *testing.B) {
		for b.Loop() {
			if ev := kms.Evaluate(key, kmsParams); ev.Compliance != Compliant {
				b.Fatalf("%s %s", ev.Compliance, ev.Annotation)
			}
		}
	})
}
