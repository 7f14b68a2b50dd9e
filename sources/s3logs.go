package sources

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/aiguard/aiguard/rules"
)

// S3API is the part of the S3 API the periodic rules read; *s3.Client
// satisfies it.
type S3API interface {
	GetBucketEncryption(ctx context.Context, in *s3.GetBucketEncryptionInput, optFns ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error)
	s3.ListBucketsAPIClient
	GetBucketTagging(ctx context.Context, in *s3.GetBucketTaggingInput, optFns ...func(*s3.Options)) (*s3.GetBucketTaggingOutput, error)
}

// LogsAPI is the part of the CloudWatch Logs API the periodic rules read;
// *cloudwatchlogs.Client satisfies it.
type LogsAPI interface {
	cloudwatchlogs.DescribeLogGroupsAPIClient
}

// s3Source reads buckets through S3API. n bounds the GetBucketTagging
// calls in flight.
type s3Source struct {
	api S3API
	n   int
}

var (
	_ rules.S3Buckets      = (*s3Source)(nil)
	_ rules.S3BucketLister = (*s3Source)(nil)
)

// bucketsPageSize is the max-buckets of ListBuckets. Giving one makes S3
// paginate, which it requires of accounts allowed more than 10,000 buckets.
const bucketsPageSize = 1000

// Buckets lists the buckets of region (every Region when ""), each with
// its tags. The listing asks S3 for the buckets of region through that
// Region's endpoint, as S3 requires; each bucket's tags are read in the
// bucket's own Region, which also serves a listing of every Region.
func (s *s3Source) Buckets(ctx context.Context, region string) ([]rules.Bucket, error) {
	in := &s3.ListBucketsInput{}
	if region != "" {
		in.BucketRegion = aws.String(region)
	}
	p := s3.NewListBucketsPaginator(s.api, in, func(o *s3.ListBucketsPaginatorOptions) { o.Limit = bucketsPageSize })
	listed, linc, err := pages(ctx, p, "ListBuckets", func(out *s3.ListBucketsOutput) []s3types.Bucket { return out.Buckets }, inRegion(region))
	if err != nil {
		return nil, err
	}
	buckets, dinc, err := describeAll(ctx, s.n, listed, func(b s3types.Bucket) string {
		return "bucket " + aws.ToString(b.Name)
	}, s.bucketTags)
	if err != nil {
		return nil, err
	}
	return buckets, asError(combine(linc, dinc))
}

// bucketTags reads a bucket's tags: S3 answers NoSuchTagSet for a bucket
// without any, which is no tags rather than a failure.
func (s *s3Source) bucketTags(ctx context.Context, b s3types.Bucket) (rules.Bucket, error) {
	out := rules.Bucket{Name: aws.ToString(b.Name), Region: aws.ToString(b.BucketRegion)}
	res, err := s.api.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: b.Name}, inRegion(out.Region))
	switch {
	case errorCode(err) == "NoSuchTagSet":
		return out, nil
	case err != nil:
		return rules.Bucket{}, fmt.Errorf("GetBucketTagging %s: %w", out.Name, err)
	}
	if len(res.TagSet) > 0 {
		out.Tags = make(map[string]string, len(res.TagSet))
		for _, t := range res.TagSet {
			out.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
	}
	return out, nil
}

// inRegion sends a call to region's endpoint; "" keeps the client's.
func inRegion(region string) func(*s3.Options) {
	return func(o *s3.Options) {
		if region != "" {
			o.Region = region
		}
	}
}

// BucketEncryption reads a bucket's default encryption: the first rule of
// its ServerSideEncryptionConfiguration, which is the one S3 applies.
func (s *s3Source) BucketEncryption(ctx context.Context, bucket string) (rules.BucketEncryption, error) {
	enc := rules.BucketEncryption{Bucket: bucket, Exists: true}
	out, err := s.api.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(bucket)})
	if err != nil {
		switch errorCode(err) {
		case "NoSuchBucket":
			enc.Exists = false
			return enc, nil
		case "ServerSideEncryptionConfigurationNotFoundError":
			return enc, nil
		}
		return enc, fmt.Errorf("GetBucketEncryption %s: %w", bucket, err)
	}
	if c := out.ServerSideEncryptionConfiguration; c != nil && len(c.Rules) > 0 {
		if d := c.Rules[0].ApplyServerSideEncryptionByDefault; d != nil {
			enc.Algorithm = string(d.SSEAlgorithm)
			enc.KMSKey = aws.ToString(d.KMSMasterKeyID)
		}
	}
	return enc, nil
}

// logsPageSize is the limit of DescribeLogGroups (at most 50).
const logsPageSize = 50

type logsSource struct{ api LogsAPI }

var _ rules.LogGroups = (*logsSource)(nil)

// LogGroup finds the log group of that exact name: DescribeLogGroups
// filters by prefix, so the listing pages until the name turns up.
func (s *logsSource) LogGroup(ctx context.Context, name string) (*rules.LogGroup, error) {
	p := cloudwatchlogs.NewDescribeLogGroupsPaginator(s.api, &cloudwatchlogs.DescribeLogGroupsInput{
		LogGroupNamePrefix: aws.String(name),
		Limit:              aws.Int32(logsPageSize),
	})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("DescribeLogGroups %s: %w", name, err)
		}
		for _, g := range out.LogGroups {
			if aws.ToString(g.LogGroupName) == name {
				return &rules.LogGroup{Name: name, ARN: aws.ToString(g.LogGroupArn), KMSKey: aws.ToString(g.KmsKeyId)}, nil
			}
		}
	}
	return nil, nil
}
