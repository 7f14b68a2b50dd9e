package sources

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/costexplorer"
	cetypes "github.com/aws/aws-sdk-go-v2/service/costexplorer/types"

	"github.com/aiguard/aiguard/rules"
)

// CostExplorerAPI is the part of the Cost Explorer API the rules read;
// *costexplorer.Client satisfies it.
type CostExplorerAPI interface {
	costexplorer.GetAnomalyMonitorsAPIClient
	costexplorer.GetAnomalySubscriptionsAPIClient
}

type costAnomalySource struct {
	api CostExplorerAPI
}

var _ rules.CostAnomalyDetection = (*costAnomalySource)(nil)

// AnomalyMonitors lists every anomaly monitor; the listing carries each
// monitor in full, so nothing is described one by one. MaxResults is left
// to the service, whose bound the API reference does not state.
func (s *costAnomalySource) AnomalyMonitors(ctx context.Context) ([]rules.AnomalyMonitor, error) {
	p := costexplorer.NewGetAnomalyMonitorsPaginator(s.api, &costexplorer.GetAnomalyMonitorsInput{})
	return listEvery(ctx, p, "GetAnomalyMonitors", func(page *costexplorer.GetAnomalyMonitorsOutput) []rules.AnomalyMonitor {
		return each(page.AnomalyMonitors, func(m cetypes.AnomalyMonitor) rules.AnomalyMonitor {
			return rules.AnomalyMonitor{
				ARN:           aws.ToString(m.MonitorArn),
				Name:          aws.ToString(m.MonitorName),
				Type:          string(m.MonitorType),
				Dimension:     string(m.MonitorDimension),
				Specification: costExpression(m.MonitorSpecification, 0),
			}
		})
	})
}

// AnomalySubscriptions lists every alert subscription.
func (s *costAnomalySource) AnomalySubscriptions(ctx context.Context) ([]rules.AnomalySubscription, error) {
	p := costexplorer.NewGetAnomalySubscriptionsPaginator(s.api, &costexplorer.GetAnomalySubscriptionsInput{})
	return listEvery(ctx, p, "GetAnomalySubscriptions", func(page *costexplorer.GetAnomalySubscriptionsOutput) []rules.AnomalySubscription {
		return each(page.AnomalySubscriptions, func(sub cetypes.AnomalySubscription) rules.AnomalySubscription {
			as := rules.AnomalySubscription{
				ARN:                 aws.ToString(sub.SubscriptionArn),
				Name:                aws.ToString(sub.SubscriptionName),
				MonitorARNs:         sub.MonitorArnList,
				ThresholdExpression: costExpression(sub.ThresholdExpression, 0),
			}
			//lint:ignore SA1019 subscriptions made before ThresholdExpression still carry only Threshold
			as.Threshold = sub.Threshold
			for _, sb := range sub.Subscribers {
				as.Subscribers = append(as.Subscribers, rules.AnomalySubscriber{
					Type: string(sb.Type), Address: aws.ToString(sb.Address), Status: string(sb.Status),
				})
			}
			return as
		})
	})
}

// maxExpressionDepth bounds the recursion over an Expression; the service
// allows far less nesting.
const maxExpressionDepth = 32

// costExpression converts an Expression; nil stays nil. Nesting beyond
// maxExpressionDepth is marked Other, which the rules do not interpret.
func costExpression(e *cetypes.Expression, depth int) *rules.CostExpression {
	if e == nil {
		return nil
	}
	out := &rules.CostExpression{Other: e.Tags != nil || e.CostCategories != nil}
	if depth >= maxExpressionDepth {
		out.Other = true
		return out
	}
	if d := e.Dimensions; d != nil {
		cd := &rules.CostDimension{Key: string(d.Key), Values: d.Values}
		for _, m := range d.MatchOptions {
			cd.MatchOptions = append(cd.MatchOptions, string(m))
		}
		out.Dimensions = cd
	}
	for i := range e.And {
		out.And = append(out.And, *costExpression(&e.And[i], depth+1))
	}
	for i := range e.Or {
		out.Or = append(out.Or, *costExpression(&e.Or[i], depth+1))
	}
	out.Not = costExpression(e.Not, depth+1)
	return out
}
