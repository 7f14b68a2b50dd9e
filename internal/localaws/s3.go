package localaws

import (
	"fmt"
	"net/http"
	"strings"
)

// S3 speaks restXml; the one operation served is GetBucketEncryption,
// GET /<bucket>?encryption (path-style, as the SDK addresses an IP
// endpoint).

type bucketEncryptionState struct {
	// configured is false for a bucket without a default encryption
	// configuration (ServerSideEncryptionConfigurationNotFoundError).
	configured bool
	algorithm  string
	key        string
	bucketKey  bool
}

// AddS3Bucket registers a bucket whose default encryption is algorithm
// (AES256, aws:kms, aws:kms:dsse) with KMS key kmsKey ("" for none). An
// empty algorithm makes a bucket without a default encryption
// configuration.
func (s *Server) AddS3Bucket(bucket, algorithm, kmsKey string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ai.init()
	s.ai.buckets[bucket] = &bucketEncryptionState{configured: algorithm != "", algorithm: algorithm, key: kmsKey,
		bucketKey: strings.HasPrefix(algorithm, "aws:kms")}
}

// RemoveS3Bucket deletes a bucket.
func (s *Server) RemoveS3Bucket(bucket string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ai.init()
	delete(s.ai.buckets, bucket)
}

func s3Route(r *http.Request) (aiRoute, *APIError) {
	bucket := strings.Trim(r.URL.Path, "/")
	if r.Method == http.MethodGet && bucket != "" && !strings.Contains(bucket, "/") && r.URL.Query().Has("encryption") {
		return aiRoute{op: "GetBucketEncryption", path: map[string]string{"Bucket": bucket}, serve: getBucketEncryption}, nil
	}
	return aiRoute{}, &APIError{Status: http.StatusNotImplemented, Code: "NotImplemented",
		Message: fmt.Sprintf("localaws: no S3 operation for %s %s", r.Method, r.URL.RequestURI())}
}

func getBucketEncryption(s *Server, c *ServiceCall) (int, []byte, *APIError) {
	bucket := c.Path["Bucket"]
	s.mu.Lock()
	b, ok := s.ai.buckets[bucket]
	s.mu.Unlock()
	switch {
	case !ok:
		return 0, nil, &APIError{Status: http.StatusNotFound, Code: "NoSuchBucket", Message: "The specified bucket does not exist"}
	case !b.configured:
		return 0, nil, &APIError{Status: http.StatusNotFound, Code: "ServerSideEncryptionConfigurationNotFoundError",
			Message: "The server side encryption configuration was not found"}
	}
	var rule strings.Builder
	rule.WriteString("<ApplyServerSideEncryptionByDefault><SSEAlgorithm>" + aiXMLEscape(b.algorithm) + "</SSEAlgorithm>")
	if b.key != "" {
		rule.WriteString("<KMSMasterKeyID>" + aiXMLEscape(b.key) + "</KMSMasterKeyID>")
	}
	rule.WriteString("</ApplyServerSideEncryptionByDefault>")
	fmt.Fprintf(&rule, "<BucketKeyEnabled>%t</BucketKeyEnabled>", b.bucketKey)
	body := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<ServerSideEncryptionConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Rule>` + rule.String() +
		`</Rule></ServerSideEncryptionConfiguration>`
	return http.StatusOK, []byte(body), nil
}
