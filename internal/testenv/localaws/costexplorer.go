package localaws

import (
	"fmt"
	"slices"
	"strconv"
)

// Cost Explorer speaks awsJson1_1 (X-Amz-Target AWSInsightsIndexService.*,
// signing name ce). Its anomaly listings page with NextPageToken.

// defaultCostExplorerResults is the page size when MaxResults is absent.
// The API reference states no default; a small one makes tests page.
const defaultCostExplorerResults = 10

var costExplorerOps = map[string]handler{
	"GetAnomalyMonitors": func(s *Server, c *ServiceCall) (int, []byte, *APIError) {
		return s.anomalyListing(c, "GetAnomalyMonitors", "MonitorArnList", "MonitorArn", "AnomalyMonitors", (*serviceState).monitorsOf)
	},
	"GetAnomalySubscriptions": func(s *Server, c *ServiceCall) (int, []byte, *APIError) {
		return s.anomalyListing(c, "GetAnomalySubscriptions", "SubscriptionArnList", "SubscriptionArn", "AnomalySubscriptions", (*serviceState).subscriptionsOf)
	},
}

// AddAnomalyMonitor registers an AnomalyMonitor document (with MonitorArn).
func (s *Server) AddAnomalyMonitor(d Doc) error {
	return s.addAnomalyDoc(d, "MonitorArn", func(a *serviceState) *[]map[string]any { return &a.monitors })
}

// AddAnomalySubscription registers an AnomalySubscription document (with
// SubscriptionArn).
func (s *Server) AddAnomalySubscription(d Doc) error {
	return s.addAnomalyDoc(d, "SubscriptionArn", func(a *serviceState) *[]map[string]any { return &a.subscriptions })
}

func (s *Server) addAnomalyDoc(d Doc, key string, list func(*serviceState) *[]map[string]any) error {
	arn, _ := d[key].(string)
	if arn == "" {
		return fmt.Errorf("localaws: the document has no %s", key)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	l := list(&s.svc)
	*l = slices.DeleteFunc(*l, func(m map[string]any) bool { return m[key] == arn })
	*l = append(*l, map[string]any(d))
	return nil
}

func (a *serviceState) monitorsOf(c *ServiceCall) []map[string]any { return a.monitors }

func (a *serviceState) subscriptionsOf(c *ServiceCall) []map[string]any {
	monitor, _ := c.Body["MonitorArn"].(string)
	if monitor == "" {
		return a.subscriptions
	}
	var out []map[string]any
	for _, sub := range a.subscriptions {
		if list, ok := sub["MonitorArnList"].([]any); ok && slices.Contains(list, any(monitor)) {
			out = append(out, sub)
		}
	}
	return out
}

// anomalyListing serves one page of monitors or subscriptions, filtered
// by an ARN list when given.
func (s *Server) anomalyListing(c *ServiceCall, op, arnList, arnKey, listKey string, all func(*serviceState, *ServiceCall) []map[string]any) (int, []byte, *APIError) {
	limit := defaultCostExplorerResults
	if raw, ok := c.Body["MaxResults"]; ok {
		n, err := strconv.Atoi(fmt.Sprint(raw))
		if err != nil {
			return 0, nil, &APIError{Code: "SerializationException", Message: fmt.Sprintf("MaxResults: want an integer, got %v", raw)}
		}
		if n < 1 {
			var v violations
			v.add(quote(strconv.Itoa(n)), "maxResults", "Member must have value greater than or equal to 1")
			return 0, nil, v.err()
		}
		limit = n
	}
	var want []string
	if raw, ok := c.Body[arnList].([]any); ok {
		for _, v := range raw {
			want = append(want, fmt.Sprint(v))
		}
	}
	s.mu.Lock()
	var match []map[string]any
	for _, d := range all(&s.svc, c) {
		if len(want) == 0 || slices.Contains(want, fmt.Sprint(d[arnKey])) {
			match = append(match, d)
		}
	}
	s.mu.Unlock()
	return jsonPage(c, listing{op, listKey, "NextPageToken", "NextPageToken", "InvalidNextTokenException"}, match, limit,
		func(d map[string]any) any { return d })
}
