package sources

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rekognition"

	"github.com/aiguard/aiguard/awsid"
	"github.com/aiguard/aiguard/rules"
)

// RekognitionAPI is the part of the Rekognition API the periodic rules
// read; *rekognition.Client satisfies it.
type RekognitionAPI interface {
	rekognition.ListCollectionsAPIClient
	ListTagsForResource(ctx context.Context, in *rekognition.ListTagsForResourceInput, optFns ...func(*rekognition.Options)) (*rekognition.ListTagsForResourceOutput, error)
}

// rekognitionPageSize is MaxResults of ListCollections (at most 4096).
const rekognitionPageSize = 100

type rekognitionSource struct {
	api RekognitionAPI
	n   int
}

var _ rules.Rekognition = (*rekognitionSource)(nil)

// Collections lists every face collection and reads its tags.
// ListCollections returns IDs only; ListTagsForResource needs the ARN,
// which the source builds as Rekognition names collections:
// arn:<partition>:rekognition:<region>:<account>:collection/<id>.
func (s *rekognitionSource) Collections(ctx context.Context, region, account string) ([]rules.FaceCollection, error) {
	prefix := collectionARNPrefix(region, account)
	if prefix == "" {
		return nil, fmt.Errorf("collections: the Region and account of their ARNs are unknown")
	}
	p := rekognition.NewListCollectionsPaginator(s.api, &rekognition.ListCollectionsInput{MaxResults: aws.Int32(rekognitionPageSize)})
	return listDescribe(ctx, s.n, p, "ListCollections", func(out *rekognition.ListCollectionsOutput) []string { return out.CollectionIds },
		"face collection", func(ctx context.Context, id string) (rules.FaceCollection, error) {
			arn := prefix + id
			out, err := s.api.ListTagsForResource(ctx, &rekognition.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
			if err != nil {
				return rules.FaceCollection{}, fmt.Errorf("ListTagsForResource %s: %w", arn, err)
			}
			return rules.FaceCollection{ID: id, ARN: arn, Tags: out.Tags}, nil
		})
}

// collectionARNPrefix is the ARN of a collection of account in region,
// less the collection ID; "" when either is unknown.
func collectionARNPrefix(region, account string) string {
	partition := awsid.PartitionOfRegion(region)
	if partition == "" || account == "" {
		return ""
	}
	return awsid.ARN{Partition: partition, Service: "rekognition", Region: region, AccountID: account, Resource: "collection/"}.String()
}
