package lambda

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/smithy-go"

	"github.com/aiguard/aiguard/rules"
)

// AccountAPIs are the service APIs of the account-level rules; a nil API
// leaves its source nil.
type AccountAPIs struct {
	CloudTrail   CloudTrailAPI
	GuardDuty    GuardDutyAPI
	CostExplorer CostExplorerAPI
}

// AddTo sets the sources of s that these APIs provide.
func (apis AccountAPIs) AddTo(s *rules.Sources, o SourceOptions) {
	if apis.CloudTrail != nil {
		s.CloudTrail = &cloudTrailSource{api: apis.CloudTrail, n: o.concurrency()}
	}
	if apis.GuardDuty != nil {
		s.GuardDuty = &guardDutySource{api: apis.GuardDuty, n: o.concurrency()}
	}
	if apis.CostExplorer != nil {
		s.CostAnomaly = &costAnomalySource{api: apis.CostExplorer}
	}
}

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

// trailResult is a described trail, or a trail deleted meanwhile.
type trailResult struct {
	trail rules.Trail
	gone  bool
}

// Trails describes every trail that applies to the Region. DescribeTrails
// has no pagination: it answers with every trail, shadow trails (of other
// Regions and the organization) included. Each is then read by its ARN,
// which the status and selector calls require for shadow trails.
func (s *cloudTrailSource) Trails(ctx context.Context) ([]rules.Trail, error) {
	if ctx.Err() != nil {
		return nil, &rules.Incomplete{Truncated: true, Cause: context.Cause(ctx)}
	}
	out, err := s.api.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{IncludeShadowTrails: aws.Bool(true)})
	if err != nil {
		if ctx.Err() != nil {
			return nil, &rules.Incomplete{Truncated: true, Cause: context.Cause(ctx)}
		}
		return nil, fmt.Errorf("DescribeTrails: %w", err)
	}
	results, inc, err := describeAll(ctx, s.n, out.TrailList, func(t cttypes.Trail) string {
		return "trail " + aws.ToString(t.Name)
	}, s.describe)
	if err != nil {
		return nil, err
	}
	trails := make([]rules.Trail, 0, len(results))
	for _, r := range results {
		if !r.gone {
			trails = append(trails, r.trail)
		}
	}
	return trails, asError(inc)
}

func (s *cloudTrailSource) describe(ctx context.Context, t cttypes.Trail) (trailResult, error) {
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
	if isTrailGone(err) {
		return trailResult{gone: true}, nil
	}
	if err != nil {
		return trailResult{}, fmt.Errorf("GetTrailStatus %s: %w", id, err)
	}
	tr.Logging = aws.ToBool(st.IsLogging)
	sel, err := s.api.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String(id)})
	if isTrailGone(err) {
		return trailResult{gone: true}, nil
	}
	if err != nil {
		return trailResult{}, fmt.Errorf("GetEventSelectors %s: %w", id, err)
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
	return trailResult{trail: tr}, nil
}

// isTrailGone reports CloudTrail's answer for a trail deleted between
// DescribeTrails and a later call.
func isTrailGone(err error) bool {
	ae, ok := errors.AsType[smithy.APIError](err)
	return ok && ae.ErrorCode() == "TrailNotFoundException"
}
