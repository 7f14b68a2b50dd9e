package localaws_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/costexplorer"

	"github.com/aiguard/aiguard/internal/testenv/localaws"
)

func TestCostExplorerAnomalyReads(t *testing.T) {
	srv := start(t, localaws.Options{})
	for i := range 23 {
		m := fixture(t, "costexplorer/AnomalyMonitor.custom").Set("MonitorArn", fmt.Sprintf("arn:aws:ce::111122223333:anomalymonitor/m%02d", i))
		if err := srv.AddAnomalyMonitor(m); err != nil {
			t.Fatal(err)
		}
	}
	if err := srv.AddAnomalyMonitor(fixture(t, "costexplorer/AnomalyMonitor.service")); err != nil {
		t.Fatal(err)
	}
	sub := fixture(t, "costexplorer/AnomalySubscription")
	if err := srv.AddAnomalySubscription(sub); err != nil {
		t.Fatal(err)
	}
	if err := srv.AddAnomalySubscription(fixture(t, "costexplorer/AnomalySubscription").
		Set("SubscriptionArn", "arn:aws:ce::111122223333:anomalysubscription/other").Set("MonitorArnList", []any{"arn:x"})); err != nil {
		t.Fatal(err)
	}
	ce := client(srv, fastRetry(), costexplorer.NewFromConfig)
	ctx := context.Background()
	srv.FailNext("GetAnomalyMonitors", 1, localaws.APIError{Code: "LimitExceededException", Message: "You made too many calls in a short period of time."})

	n := 0
	p := costexplorer.NewGetAnomalyMonitorsPaginator(ce, &costexplorer.GetAnomalyMonitorsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range page.AnomalyMonitors {
			n++
			if m.MonitorType == "CUSTOM" && (m.MonitorSpecification == nil || len(m.MonitorSpecification.Dimensions.Values) != 2) {
				t.Errorf("monitor = %+v", m)
			}
		}
	}
	if n != 24 {
		t.Errorf("%d monitors, want 24", n)
	}
	if calls := srv.CallsTo("GetAnomalyMonitors"); len(calls) != 4 || calls[0].ErrorCode != "LimitExceededException" {
		t.Errorf("GetAnomalyMonitors calls = %d (%+v), want one throttled then 3 pages", len(calls), calls[0])
	}
	subs, err := ce.GetAnomalySubscriptions(ctx, &costexplorer.GetAnomalySubscriptionsInput{MonitorArn: aws.String(sub["MonitorArnList"].([]any)[0].(string))})
	if err != nil {
		t.Fatal(err)
	}
	if len(subs.AnomalySubscriptions) != 1 {
		t.Fatalf("subscriptions = %+v", subs.AnomalySubscriptions)
	}
	s := subs.AnomalySubscriptions[0]
	if s.ThresholdExpression == nil || s.ThresholdExpression.Dimensions.Values[0] != "500" || len(s.Subscribers) != 1 || s.Subscribers[0].Status != "CONFIRMED" {
		t.Errorf("subscription = %+v", s)
	}
	if _, err := ce.GetAnomalyMonitors(ctx, &costexplorer.GetAnomalyMonitorsInput{NextPageToken: aws.String("forged")}); errorCode(err) != "InvalidNextTokenException" {
		t.Errorf("forged token: %v", err)
	}
	if c := srv.CallsTo("GetAnomalySubscriptions"); len(c) != 1 || c[0].Signer.Service != "ce" || !c[0].Signer.Verified {
		t.Errorf("recorded %+v", c)
	}
}

func TestCostExplorerFixturesMatchSDK(t *testing.T) {
	checkFixturesAgainstDeserializers(t, "github.com/aws/aws-sdk-go-v2/service/costexplorer", "costexplorer")
}
