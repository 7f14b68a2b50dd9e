package sources

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"github.com/aiguard/aiguard/rules"
)

// CloudTrailAPI is the part of the CloudTrail API the rules read;
// *cloudtrail.Client satisfies it.
type CloudTrailAPI interface {
	DescribeTrails(ctx context.Context, in *cloudtrail.DescribeTrailsInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.DescribeTrailsOutput, error)
	GetTrailStatus(ctx context.Context, in *cloudtrail.GetTrailStatusInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.GetTrailStatusOutput, error)
	GetEventSelectors(ctx context.Context, in *cloudtrail.GetEventSelectorsInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.GetEventSelectorsOutput, error)
}

type cloudTrailSource struct {
	api CloudTrailAPI
	n   int
}

var _ rules.CloudTrailTrails = (*cloudTrailSource)(nil)

// Trails describes every trail that applies to the Region. DescribeTrails
// has no pagination: it answers with every trail, shadow trails (of other
// Regions and the organization) included. Each is then read by its ARN,
// which the status and selector calls require for shadow trails.
func (s *cloudTrailSource) Trails(ctx context.Context) ([]rules.Trail, error) {
	if ctx.Err() != nil {
		return nil, truncated(ctx)
	}
	out, err := s.api.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{IncludeShadowTrails: aws.Bool(true)})
	if err != nil {
		if ctx.Err() != nil {
			return nil, truncated(ctx)
		}
		return nil, fmt.Errorf("DescribeTrails: %w", err)
	}
	trails, inc, err := describeAll(ctx, s.n, out.TrailList, func(t cttypes.Trail) string {
		return "trail " + aws.ToString(t.Name)
	}, s.describe)
	if err != nil {
		return nil, err
	}
	return trails, asError(inc)
}

// describe reads a trail's status and event selectors; a trail deleted
// since the listing answers TrailNotFoundException (isGone).
func (s *cloudTrailSource) describe(ctx context.Context, t cttypes.Trail) (rules.Trail, error) {
	id := aws.ToString(t.TrailARN)
	if id == "" {
		id = aws.ToString(t.Name)
	}
	tr := rules.Trail{
		Name:              aws.ToString(t.Name),
		ARN:               aws.ToString(t.TrailARN),
		HomeRegion:        aws.ToString(t.HomeRegion),
		MultiRegion:       aws.ToBool(t.IsMultiRegionTrail),
		Organization:      aws.ToBool(t.IsOrganizationTrail),
		LogFileValidation: aws.ToBool(t.LogFileValidationEnabled),
		KMSKey:            aws.ToString(t.KmsKeyId),
	}
	st, err := s.api.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String(id)})
	if err != nil {
		return rules.Trail{}, fmt.Errorf("GetTrailStatus %s: %w", id, err)
	}
	tr.Logging = aws.ToBool(st.IsLogging)
	sel, err := s.api.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String(id)})
	if err != nil {
		return rules.Trail{}, fmt.Errorf("GetEventSelectors %s: %w", id, err)
	}
	for _, es := range sel.EventSelectors {
		out := rules.EventSelector{
			ReadWriteType:                 string(es.ReadWriteType),
			IncludeManagementEvents:       aws.ToBool(es.IncludeManagementEvents),
			ExcludeManagementEventSources: es.ExcludeManagementEventSources,
		}
		for _, dr := range es.DataResources {
			out.DataResources = append(out.DataResources, rules.DataResource{Type: aws.ToString(dr.Type), Values: dr.Values})
		}
		tr.EventSelectors = append(tr.EventSelectors, out)
	}
	for _, as := range sel.AdvancedEventSelectors {
		out := rules.AdvancedEventSelector{Name: aws.ToString(as.Name)}
		for _, fs := range as.FieldSelectors {
			out.FieldSelectors = append(out.FieldSelectors, rules.FieldSelector{
				Field:  aws.ToString(fs.Field),
				Equals: fs.Equals, StartsWith: fs.StartsWith, EndsWith: fs.EndsWith,
				NotEquals: fs.NotEquals, NotStartsWith: fs.NotStartsWith, NotEndsWith: fs.NotEndsWith,
			})
		}
		tr.AdvancedEventSelectors = append(tr.AdvancedEventSelectors, out)
	}
	return tr, nil
}
