package sources

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"

	"github.com/aiguard/aiguard/rules"
)

// GuardDutyAPI is the part of the GuardDuty API the rules read;
// *guardduty.Client satisfies it.
type GuardDutyAPI interface {
	guardduty.ListDetectorsAPIClient
	GetDetector(ctx context.Context, in *guardduty.GetDetectorInput, optFns ...func(*guardduty.Options)) (*guardduty.GetDetectorOutput, error)
}

// guardDutyPageSize is ListDetectors' largest MaxResults.
const guardDutyPageSize = 50

type guardDutySource struct {
	api GuardDutyAPI
	n   int
}

var _ rules.GuardDutyDetectors = (*guardDutySource)(nil)

// Detectors lists the Region's detectors (one per account and Region in
// practice) and reads each.
func (s *guardDutySource) Detectors(ctx context.Context) ([]rules.Detector, error) {
	p := guardduty.NewListDetectorsPaginator(s.api, &guardduty.ListDetectorsInput{MaxResults: aws.Int32(guardDutyPageSize)})
	return listDescribe(ctx, s.n, p, "ListDetectors", func(out *guardduty.ListDetectorsOutput) []string { return out.DetectorIds },
		"detector", func(ctx context.Context, id string) (rules.Detector, error) {
			out, err := s.api.GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: aws.String(id)})
			if err != nil {
				return rules.Detector{}, fmt.Errorf("GetDetector %s: %w", id, err)
			}
			d := rules.Detector{ID: id, Status: string(out.Status)}
			//lint:ignore SA1019 detectors that predate Features report S3 protection only in DataSources
			if ds := out.DataSources; ds != nil && ds.S3Logs != nil {
				d.S3Logs = string(ds.S3Logs.Status)
			}
			for _, f := range out.Features {
				d.Features = append(d.Features, rules.DetectorFeature{Name: string(f.Name), Status: string(f.Status)})
			}
			return d, nil
		})
}
