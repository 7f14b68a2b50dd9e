package localaws

import (
	"encoding/base64"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// S3 speaks restXml, path-style, as the SDK addresses an IP endpoint. The
// operations served are ListBuckets (GET /?x-id=ListBuckets, paginated by
// max-buckets and continuation-token, filtered by bucket-region and
// prefix), GetBucketEncryption (GET /<bucket>?encryption) and
// GetBucketTagging (GET /<bucket>?tagging).

// defaultBucketRegion is the Region of a bucket registered without one.
const defaultBucketRegion = "us-east-1"

// maxBucketsPage is ListBuckets' largest page, and its page size when a
// paginated request gives no max-buckets.
const maxBucketsPage = 10000

type bucketEncryptionState struct {
	// configured is false for a bucket without a default encryption
	// configuration (ServerSideEncryptionConfigurationNotFoundError).
	configured bool
	algorithm  string
	key        string
	bucketKey  bool
	// region is the bucket's Region (BucketRegion); tags is its tag set,
	// nil when it has none (GetBucketTagging answers NoSuchTagSet).
	region string
	tags   map[string]string
}

// AddS3Bucket registers a bucket whose default encryption is algorithm
// (AES256, aws:kms, aws:kms:dsse) with KMS key kmsKey ("" for none). An
// empty algorithm makes a bucket without a default encryption
// configuration.
func (s *Server) AddS3Bucket(bucket, algorithm, kmsKey string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.svc.buckets[bucket] = &bucketEncryptionState{configured: algorithm != "", algorithm: algorithm, key: kmsKey,
		bucketKey: strings.HasPrefix(algorithm, "aws:kms"), region: defaultBucketRegion}
}

// SetS3BucketTags sets the tag set of a registered bucket; nil or empty
// tags remove it, as DeleteBucketTagging does.
func (s *Server) SetS3BucketTags(bucket string, tags map[string]string) error {
	return s.changeBucket(bucket, func(b *bucketEncryptionState) {
		b.tags = nil
		if len(tags) > 0 {
			b.tags = maps.Clone(tags)
		}
	})
}

// SetS3BucketRegion sets the Region of a registered bucket (us-east-1
// until set).
func (s *Server) SetS3BucketRegion(bucket, region string) error {
	return s.changeBucket(bucket, func(b *bucketEncryptionState) { b.region = region })
}

// changeBucket changes a registered bucket under the server's lock.
func (s *Server) changeBucket(bucket string, change func(*bucketEncryptionState)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.svc.buckets[bucket]
	if !ok {
		return fmt.Errorf("localaws: no bucket %s", bucket)
	}
	change(b)
	return nil
}

// RemoveS3Bucket deletes a bucket.
func (s *Server) RemoveS3Bucket(bucket string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.svc.buckets, bucket)
}

var s3Ops = map[string]handler{
	"ListBuckets":         listBuckets,
	"GetBucketEncryption": getBucketEncryption,
	"GetBucketTagging":    getBucketTagging,
}

func s3Route(r *http.Request) (string, map[string]string, *APIError) {
	bucket := strings.Trim(r.URL.Path, "/")
	q := r.URL.Query()
	if r.Method == http.MethodGet && bucket == "" && q.Get("x-id") == "ListBuckets" {
		return "ListBuckets", nil, nil
	}
	if r.Method == http.MethodGet && bucket != "" && !strings.Contains(bucket, "/") {
		path := map[string]string{"Bucket": bucket}
		switch {
		case q.Has("encryption"):
			return "GetBucketEncryption", path, nil
		case q.Has("tagging"):
			return "GetBucketTagging", path, nil
		}
	}
	return "", nil, &APIError{Status: http.StatusNotImplemented, Code: "NotImplemented",
		Message: fmt.Sprintf("localaws: no S3 operation for %s %s", r.Method, r.URL.RequestURI())}
}

func getBucketEncryption(s *Server, c *ServiceCall) (int, []byte, *APIError) {
	bucket := c.Path["Bucket"]
	s.mu.Lock()
	b, ok := s.svc.buckets[bucket]
	s.mu.Unlock()
	switch {
	case !ok:
		return 0, nil, &APIError{Status: http.StatusNotFound, Code: "NoSuchBucket", Message: "The specified bucket does not exist"}
	case !b.configured:
		return 0, nil, &APIError{Status: http.StatusNotFound, Code: "ServerSideEncryptionConfigurationNotFoundError",
			Message: "The server side encryption configuration was not found"}
	}
	var rule strings.Builder
	rule.WriteString("<ApplyServerSideEncryptionByDefault><SSEAlgorithm>" + xmlEscape(b.algorithm) + "</SSEAlgorithm>")
	if b.key != "" {
		rule.WriteString("<KMSMasterKeyID>" + xmlEscape(b.key) + "</KMSMasterKeyID>")
	}
	rule.WriteString("</ApplyServerSideEncryptionByDefault>")
	fmt.Fprintf(&rule, "<BucketKeyEnabled>%t</BucketKeyEnabled>", b.bucketKey)
	body := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<ServerSideEncryptionConfiguration ` + s3Namespace + `><Rule>` + rule.String() +
		`</Rule></ServerSideEncryptionConfiguration>`
	return http.StatusOK, []byte(body), nil
}

const s3Namespace = `xmlns="http://s3.amazonaws.com/doc/2006-03-01/"`

// bucketCreated is the CreationDate every registered bucket reports.
var bucketCreated = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

// listBuckets answers ListBuckets: buckets in name order, as S3 lists them.
// A request with bucket-region, prefix or continuation-token but no
// max-buckets gets pages of 10,000; one with none of them gets every
// bucket. The continuation token is the next bucket's name, obfuscated.
func listBuckets(s *Server, c *ServiceCall) (int, []byte, *APIError) {
	region, prefix, token := c.Query["bucket-region"], c.Query["prefix"], c.Query["continuation-token"]
	size := 0 // no paging
	if v, ok := c.Query["max-buckets"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxBucketsPage {
			return 0, nil, &APIError{Code: "InvalidArgument", Message: "Argument max-buckets must be an integer between 1 and 10000."}
		}
		size = n
	} else if region != "" || prefix != "" || token != "" {
		size = maxBucketsPage
	}
	after := ""
	if token != "" {
		raw, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil || len(raw) == 0 {
			return 0, nil, &APIError{Code: "InvalidArgument", Message: "The continuation token provided is incorrect"}
		}
		after = string(raw)
	}
	type entry struct{ name, region string }
	var all []entry
	s.mu.Lock()
	for name, b := range s.svc.buckets {
		if (region == "" || b.region == region) && strings.HasPrefix(name, prefix) && name >= after {
			all = append(all, entry{name, b.region})
		}
	}
	s.mu.Unlock()
	slices.SortFunc(all, func(a, b entry) int { return strings.Compare(a.name, b.name) })
	next := ""
	if size > 0 && len(all) > size {
		next = base64.RawURLEncoding.EncodeToString([]byte(all[size].name))
		all = all[:size]
	}
	c.Returned = len(all)
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<ListAllMyBucketsResult " + s3Namespace + "><Buckets>")
	for _, e := range all {
		fmt.Fprintf(&b, "<Bucket><BucketArn>arn:aws:s3:::%s</BucketArn><BucketRegion>%s</BucketRegion><CreationDate>%s</CreationDate><Name>%s</Name></Bucket>",
			xmlEscape(e.name), xmlEscape(e.region), bucketCreated.Format(time.RFC3339), xmlEscape(e.name))
	}
	b.WriteString("</Buckets><Owner><DisplayName>localaws</DisplayName><ID>" + strings.Repeat("0", 64) + "</ID></Owner>")
	if next != "" {
		b.WriteString("<ContinuationToken>" + next + "</ContinuationToken>")
	}
	if prefix != "" {
		b.WriteString("<Prefix>" + xmlEscape(prefix) + "</Prefix>")
	}
	b.WriteString("</ListAllMyBucketsResult>")
	return http.StatusOK, []byte(b.String()), nil
}

// getBucketTagging answers GetBucketTagging: the bucket's TagSet, or
// NoSuchTagSet (404) for a bucket without tags.
func getBucketTagging(s *Server, c *ServiceCall) (int, []byte, *APIError) {
	bucket := c.Path["Bucket"]
	s.mu.Lock()
	var tags map[string]string
	b, ok := s.svc.buckets[bucket]
	if ok {
		tags = maps.Clone(b.tags)
	}
	s.mu.Unlock()
	switch {
	case !ok:
		return 0, nil, &APIError{Status: http.StatusNotFound, Code: "NoSuchBucket", Message: "The specified bucket does not exist"}
	case len(tags) == 0:
		return 0, nil, &APIError{Status: http.StatusNotFound, Code: "NoSuchTagSet", Message: "The TagSet does not exist"}
	}
	var body strings.Builder
	body.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<Tagging " + s3Namespace + "><TagSet>")
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		body.WriteString("<Tag><Key>" + xmlEscape(k) + "</Key><Value>" + xmlEscape(tags[k]) + "</Value></Tag>")
	}
	body.WriteString("</TagSet></Tagging>")
	return http.StatusOK, []byte(body.String()), nil
}
