package lambda

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/aiguard/aiguard/rules"
)

// S3API is the part of the S3 API the periodic rules read; *s3.Client
// satisfies it.
type S3API interface {
	GetBucketEncryption(ctx context.Context, in *s3.GetBucketEncryptionInput, optFns ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error)
}

// LogsAPI is the part of the CloudWatch Logs API the periodic rules read;
// *cloudwatchlogs.Client satisfies it.
type LogsAPI interface {
	cloudwatchlogs.DescribeLogGroupsAPIClient
}

type s3Source struct{ api S3API }

var _ rules.S3Buckets = (*s3Source)(nil)

// BucketEncryption reads a bucket's default encryption: the first rule of
// its ServerSideEncryptionConfiguration, which is the one S3 applies.
func (s *s3Source) BucketEncryption(ctx context.Context, bucket string) (rules.BucketEncryption, error) {
	enc := rules.BucketEncryption{Bucket: bucket, Exists: true}
	out, err := s.api.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(bucket)})
	if err != nil {
		if ae, ok := errors.AsType[smithy.APIError](err); ok {
			switch ae.ErrorCode() {
			case "NoSuchBucket":
				enc.Exists = false
				return enc, nil
			case "ServerSideEncryptionConfigurationNotFoundError":
				return enc, nil
			}
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
