package lambda

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aiguard/aiguard/internal/testenv/localaws"
	"github.com/aiguard/aiguard/rules"
	"github.com/aiguard/aiguard/sources"
)

// slowDown is S3's throttling error.
var slowDown = localaws.APIError{Status: http.StatusServiceUnavailable, Code: "SlowDown", Message: "Please reduce your request rate."}

// bucketsPageSize is the max-buckets the S3 source asks ListBuckets for.
const bucketsPageSize = 1000

// s3BucketSource returns the harness's S3 source, which lists buckets with
// at most concurrency GetBucketTagging calls in flight (the default when 0).
func s3BucketSource(t *testing.T, hs *harness, concurrency int) rules.S3BucketLister {
	t.Helper()
	src, err := hs.clients.Sources(context.Background(), "", "", sources.Options{Concurrency: concurrency})
	if err != nil {
		t.Fatal(err)
	}
	s, ok := src.S3Buckets.(rules.S3BucketLister)
	if !ok {
		t.Fatalf("S3Buckets is %T, want a rules.S3BucketLister", src.S3Buckets)
	}
	return s
}

// addBucket registers a bucket in region with tags (nil for none).
func addBucket(t *testing.T, srv *localaws.Server, name, region string, tags map[string]string) {
	t.Helper()
	srv.AddS3Bucket(name, "", "")
	if err := srv.SetS3BucketRegion(name, region); err != nil {
		t.Fatal(err)
	}
	if err := srv.SetS3BucketTags(name, tags); err != nil {
		t.Fatal(err)
	}
}

// TestS3SourceBuckets: every page of the Region's buckets, each with its
// tags; throttling retried, NoSuchTagSet read as no tags, and a bucket
// deleted before its tags were read left out.
func TestS3SourceBuckets(t *testing.T) {
	hs := periodicHarness(t, harnessOptions{})
	const n = bucketsPageSize + 3 // two pages
	for i := range n {
		var tags map[string]string
		if i%2 == 0 {
			tags = map[string]string{"ml-data": fmt.Sprint(i)}
		}
		addBucket(t, hs.srv, fmt.Sprintf("b-%04d", i), "us-east-1", tags)
	}
	addBucket(t, hs.srv, "eu-data", "eu-west-1", map[string]string{"ml-data": "true"})
	hs.srv.FailNext("ListBuckets", 1, slowDown)
	hs.srv.FailNext("GetBucketTagging", 2, slowDown)
	hs.srv.FailNext("GetBucketTagging", 1, localaws.APIError{Status: http.StatusNotFound, Code: "NoSuchBucket", Message: "The specified bucket does not exist"})

	buckets, err := s3BucketSource(t, hs, 0).Buckets(context.Background(), "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(buckets) != n-1 {
		t.Errorf("%d buckets, want %d (one deleted meanwhile)", len(buckets), n-1)
	}
	tagged, untagged := 0, 0
	for _, b := range buckets {
		if b.Region != "us-east-1" || !strings.HasPrefix(b.Name, "b-") {
			t.Errorf("bucket %+v, want the us-east-1 buckets only", b)
		}
		var i int
		fmt.Sscanf(b.Name, "b-%d", &i)
		switch {
		case i%2 == 0 && b.Tags["ml-data"] == fmt.Sprint(i) && len(b.Tags) == 1:
			tagged++
		case i%2 == 1 && b.Tags == nil:
			untagged++
		default:
			t.Errorf("bucket %s has tags %v", b.Name, b.Tags)
		}
	}
	if tagged+untagged != len(buckets) || untagged < n/2-1 {
		t.Errorf("%d tagged and %d untagged buckets", tagged, untagged)
	}

	list := hs.srv.CallsTo("ListBuckets")
	if len(list) != 3 || list[0].ErrorCode != "SlowDown" {
		t.Fatalf("ListBuckets calls %+v, want a throttled call and two pages", list)
	}
	for _, c := range list[1:] {
		q := c.Request.Query
		if q["max-buckets"] != fmt.Sprint(bucketsPageSize) || q["bucket-region"] != "us-east-1" || c.Signer.Region != "us-east-1" {
			t.Errorf("ListBuckets query %v signed for %s, want max-buckets and bucket-region us-east-1", q, c.Signer.Region)
		}
	}
	if list[2].Request.Query["continuation-token"] == "" || list[2].Request.Returned != 3 {
		t.Errorf("second page %+v, want a continued page of 3", list[2].Request)
	}
	tagging := hs.srv.CallsTo("GetBucketTagging")
	noTags := 0
	for _, c := range tagging {
		if c.ErrorCode == "NoSuchTagSet" {
			noTags++
		}
	}
	if len(tagging) != n+2 || noTags != untagged {
		t.Errorf("%d GetBucketTagging calls (%d NoSuchTagSet), want %d (%d)", len(tagging), noTags, n+2, untagged)
	}
}

// TestS3SourceEveryRegion: without a Region every bucket is listed, and
// each bucket's tags are read in its own Region.
func TestS3SourceEveryRegion(t *testing.T) {
	hs := periodicHarness(t, harnessOptions{})
	addBucket(t, hs.srv, "us-data", "us-east-1", map[string]string{"ml-data": "true"})
	addBucket(t, hs.srv, "eu-data", "eu-west-1", nil)
	buckets, err := s3BucketSource(t, hs, 0).Buckets(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(buckets) != 2 || buckets[0].Name != "eu-data" || buckets[0].Region != "eu-west-1" || buckets[1].Tags["ml-data"] != "true" {
		t.Errorf("buckets %+v", buckets)
	}
	if q := hs.srv.CallsTo("ListBuckets")[0].Request.Query; q["bucket-region"] != "" {
		t.Errorf("ListBuckets query %v names a Region", q)
	}
	for _, c := range hs.srv.CallsTo("GetBucketTagging") {
		want := map[string]string{"us-data": "us-east-1", "eu-data": "eu-west-1"}[c.Request.Path["Bucket"]]
		if c.Signer.Region != want {
			t.Errorf("GetBucketTagging %s signed for %s, want %s", c.Request.Path["Bucket"], c.Signer.Region, want)
		}
	}
}

// TestS3SourceFailure: a failure other than throttling or a missing tag set
// is an error naming the bucket.
func TestS3SourceFailure(t *testing.T) {
	hs := periodicHarness(t, harnessOptions{})
	addBucket(t, hs.srv, "locked", "us-east-1", nil)
	hs.srv.FailNext("GetBucketTagging", 1, localaws.APIError{Status: http.StatusForbidden, Code: "AccessDenied", Message: "Access Denied"})
	buckets, err := s3BucketSource(t, hs, 0).Buckets(context.Background(), "us-east-1")
	if inc, _ := rules.AsIncomplete(err); err == nil || inc != nil || !strings.Contains(err.Error(), "GetBucketTagging locked") || buckets != nil {
		t.Errorf("Buckets = %+v, %v; want an error naming the bucket", buckets, err)
	}
}

// TestS3SourceDeadline: a deadline mid-run returns the buckets read and
// names the others.
func TestS3SourceDeadline(t *testing.T) {
	hs := periodicHarness(t, harnessOptions{local: localaws.Options{Latency: 20 * time.Millisecond}})
	const n = 40
	for i := range n {
		addBucket(t, hs.srv, fmt.Sprintf("b-%02d", i), "us-east-1", map[string]string{"ml-data": "true"})
	}
	s := s3BucketSource(t, hs, 2)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	buckets, err := s.Buckets(ctx, "us-east-1")
	inc, err := rules.AsIncomplete(err)
	if err != nil || inc == nil {
		t.Fatalf("err = %v, want *rules.Incomplete", err)
	}
	if len(buckets) == 0 || len(buckets)+len(inc.Skipped) != n || inc.Truncated {
		t.Errorf("%d buckets read and %d skipped (truncated %t), want %d in all", len(buckets), len(inc.Skipped), inc.Truncated, n)
	}
}

// TestPeriodicCloudTrailTaggedBuckets: cloudtrail-ml-api-logging through
// the handler, with the ML buckets named by their tag.
func TestPeriodicCloudTrailTaggedBuckets(t *testing.T) {
	tests := []struct {
		name     string
		tags     map[string]map[string]string // bucket -> tags
		params   map[string]string
		want     string
		contains string
	}{
		{"tagged buckets covered", map[string]map[string]string{
			"ml-training-data": {"ml-data": "true"}, "ml-model-artifacts": {"ML-Data": "models"}, "web": nil,
		}, map[string]string{"mlTagKey": "ml-data"}, "COMPLIANT", "S3 data events of the ML buckets"},
		{"a tagged bucket not covered", map[string]map[string]string{
			"ml-training-data": {"ml-data": "true"}, "ml-feature-store": {"ml-data": "true"}, "web": {"team": "web"},
		}, map[string]string{"mlTagKey": "ml-data"}, "NON_COMPLIANT", "ml-feature-store (none recorded)"},
		{"tag value false", map[string]map[string]string{
			"ml-training-data": {"ml-data": "true"}, "ml-feature-store": {"ml-data": "false"},
		}, map[string]string{"mlTagKey": "ml-data"}, "COMPLIANT", "trail org-audit"},
		{"names and tag together", map[string]map[string]string{"ml-training-data": {"ml-data": "true"}},
			map[string]string{"mlTagKey": "ml-data", "mlBucketNames": "ml-model-artifacts,ml-scratch"}, "NON_COMPLIANT", "ml-scratch (none recorded)"},
		{"no mlTagKey reads no tags", map[string]map[string]string{"ml-feature-store": {"ml-data": "true"}},
			nil, "COMPLIANT", "trail org-audit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs := periodicHarness(t, harnessOptions{})
			addTrail(t, hs.srv, "org-audit", "basic", nil)
			for b, tags := range tt.tags {
				addBucket(t, hs.srv, b, "us-east-1", tags)
			}
			addBucket(t, hs.srv, "eu-ml", "eu-west-1", map[string]string{"ml-data": "true"}) // another Region's
			hs.srv.FailNext("ListBuckets", 1, slowDown)
			hs.srv.FailNext("GetBucketTagging", 1, slowDown)
			if err := hs.h.Invoke(context.Background(), scheduled(t, "cloudtrail-ml-api-logging", tt.params)); err != nil {
				t.Fatalf("%v\n%s", err, hs.logs)
			}
			r := accountResult(t, hs)
			if r.ComplianceType != tt.want || !strings.Contains(deref(r.Annotation), tt.contains) || strings.Contains(deref(r.Annotation), "eu-ml") {
				t.Errorf("result %s %q, want %s containing %q", r.ComplianceType, deref(r.Annotation), tt.want, tt.contains)
			}
			if listed := len(hs.srv.CallsTo("ListBuckets")) > 0; listed != (tt.params["mlTagKey"] != "") {
				t.Errorf("ListBuckets called: %t, want only with mlTagKey", listed)
			}
		})
	}
}
