package localaws_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/aiguard/aiguard/internal/testenv/localaws"
)

// slowDown is S3's throttling error.
var slowDown = localaws.APIError{Status: http.StatusServiceUnavailable, Code: "SlowDown", Message: "Please reduce your request rate."}

// TestS3ListBuckets: the real S3 client's ListBuckets paginator reads every
// page, filtered by Region, with each bucket's name and Region.
func TestS3ListBuckets(t *testing.T) {
	srv := start(t, localaws.Options{})
	c := newAIClients(srv, fastRetry())
	ctx := context.Background()
	for i := range 5 {
		srv.AddS3Bucket(fmt.Sprintf("ml-%d", i), "", "")
	}
	srv.AddS3Bucket("eu-data", "", "")
	if err := srv.SetS3BucketRegion("eu-data", "eu-west-1"); err != nil {
		t.Fatal(err)
	}
	if err := srv.SetS3BucketRegion("no-such", "eu-west-1"); err == nil {
		t.Error("SetS3BucketRegion of an unknown bucket: no error")
	}

	tests := []struct {
		name   string
		in     s3.ListBucketsInput
		limit  int32
		want   []string
		region string
		pages  int
	}{
		{"every bucket in one answer", s3.ListBucketsInput{}, 0, []string{"eu-data", "ml-0", "ml-1", "ml-2", "ml-3", "ml-4"}, "", 1},
		{"pages of two", s3.ListBucketsInput{}, 2, []string{"eu-data", "ml-0", "ml-1", "ml-2", "ml-3", "ml-4"}, "", 3},
		{"one Region", s3.ListBucketsInput{BucketRegion: aws.String("us-east-1")}, 4, []string{"ml-0", "ml-1", "ml-2", "ml-3", "ml-4"}, "us-east-1", 2},
		{"prefix", s3.ListBucketsInput{Prefix: aws.String("eu")}, 0, []string{"eu-data"}, "eu-west-1", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.Reset()
			srv.FailNext("ListBuckets", 1, slowDown)
			p := s3.NewListBucketsPaginator(c.s3, &tt.in, func(o *s3.ListBucketsPaginatorOptions) { o.Limit = tt.limit })
			var got []string
			for p.HasMorePages() {
				out, err := p.NextPage(ctx)
				if err != nil {
					t.Fatal(err)
				}
				for _, b := range out.Buckets {
					got = append(got, aws.ToString(b.Name))
					if tt.region != "" && aws.ToString(b.BucketRegion) != tt.region {
						t.Errorf("bucket %s in %q, want %s", aws.ToString(b.Name), aws.ToString(b.BucketRegion), tt.region)
					}
					if aws.ToString(b.BucketArn) != "arn:aws:s3:::"+aws.ToString(b.Name) || b.CreationDate == nil {
						t.Errorf("bucket %+v lacks its ARN or creation date", b)
					}
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("buckets %v, want %v", got, tt.want)
			}
			calls := srv.CallsTo("ListBuckets")
			if len(calls) != tt.pages+1 || calls[0].ErrorCode != "SlowDown" || !calls[1].Signer.Verified {
				t.Errorf("ListBuckets calls %+v, want a throttled call and %d pages", calls, tt.pages)
			}
		})
	}

	srv.Reset()
	if _, err := c.s3.ListBuckets(ctx, &s3.ListBucketsInput{ContinuationToken: aws.String("!")}); errorCode(err) != "InvalidArgument" {
		t.Errorf("bad token: %v", err)
	}
	if _, err := c.s3.ListBuckets(ctx, &s3.ListBucketsInput{MaxBuckets: aws.Int32(10001)}); errorCode(err) != "InvalidArgument" {
		t.Errorf("max-buckets 10001: %v", err)
	}
}

// TestS3GetBucketTagging: the tag set through the real client, and the
// errors of a bucket without tags and of a missing bucket.
func TestS3GetBucketTagging(t *testing.T) {
	srv := start(t, localaws.Options{})
	c := newAIClients(srv, fastRetry())
	ctx := context.Background()
	srv.AddS3Bucket("tagged", "", "")
	srv.AddS3Bucket("untagged", "", "")
	if err := srv.SetS3BucketTags("tagged", map[string]string{"ml-data": "true", "team": "a&b <c>"}); err != nil {
		t.Fatal(err)
	}
	if err := srv.SetS3BucketTags("no-such", map[string]string{"k": "v"}); err == nil {
		t.Error("SetS3BucketTags of an unknown bucket: no error")
	}
	srv.FailNext("GetBucketTagging", 1, slowDown)
	out, err := c.s3.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String("tagged")})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, tag := range out.TagSet {
		got[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
	}
	if len(got) != 2 || got["ml-data"] != "true" || got["team"] != "a&b <c>" {
		t.Errorf("tags %v", got)
	}
	calls := srv.CallsTo("GetBucketTagging")
	if len(calls) != 2 || calls[0].ErrorCode != "SlowDown" || calls[1].Request.Path["Bucket"] != "tagged" {
		t.Errorf("GetBucketTagging calls %+v", calls)
	}
	for bucket, code := range map[string]string{"untagged": "NoSuchTagSet", "no-such": "NoSuchBucket"} {
		if _, err := c.s3.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String(bucket)}); errorCode(err) != code {
			t.Errorf("%s: err = %v, want %s", bucket, err, code)
		}
	}
	if err := srv.SetS3BucketTags("tagged", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.s3.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String("tagged")}); errorCode(err) != "NoSuchTagSet" {
		t.Errorf("tags removed: %v", err)
	}
}
