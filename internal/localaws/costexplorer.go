package localaws

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Cost Explorer speaks awsJson1_1 (X-Amz-Target AWSInsightsIndexService.*,
// signing name ce). Its anomaly listings page with NextPageToken.

// defaultCostExplorerResults is the page size when MaxResults is absent.
// The API reference states no default; a small one makes tests page.
const defaultCostExplorerResults = 10

func costExplorerRoute(r *http.Request) (accountRoute, *APIError) {
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), costExplorerTargetPrefix)
	route := accountRoute{op: op}
	if r.Method != http.MethodPost {
		return route, &APIError{Status: http.StatusMethodNotAllowed, Code: "UnsupportedOperation", Message: "Only POST is supported."}
	}
	switch op {
	case "GetAnomalyMonitors":
		route.serve = func(s *Server, c *AccountCall) (int, []byte, *APIError) {
			return s.anomalyListing(c, op, "MonitorArnList", "MonitorArn", "AnomalyMonitors", (*accountState).monitorsOf)
		}
	case "GetAnomalySubscriptions":
		route.serve = func(s *Server, c *AccountCall) (int, []byte, *APIError) {
			return s.anomalyListing(c, op, "SubscriptionArnList", "SubscriptionArn", "AnomalySubscriptions", (*accountState).subscriptionsOf)
		}
	default:
		return route, unknownOperation(r.Header.Get("X-Amz-Target"))
	}
	return route, nil
}

// AddAnomalyMonitor registers an AnomalyMonitor document (with MonitorArn).
func (s *Server) AddAnomalyMonitor(d Doc) error {
	return s.addAnomalyDoc(d, "MonitorArn", func(a *accountState) *[]map[string]any { return &a.monitors })
}

// AddAnomalySubscription registers an AnomalySubscription document (with
// SubscriptionArn).
func (s *Server) AddAnomalySubscription(d Doc) error {
	return s.addAnomalyDoc(d, "SubscriptionArn", func(a *accountState) *[]map[string]any { return &a.subscriptions })
}

func (s *Server) addAnomalyDoc(d Doc, key string, list func(*accountState) *[]map[string]any) error {
	arn, _ := d[key].(string)
	if arn == "" {
		return fmt.Errorf("localaws: the document has no %s", key)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.account.init()
	l := list(&s.account)
	*l = slices.DeleteFunc(*l, func(m map[string]any) bool { return m[key] == arn })
	*l = append(*l, map[string]any(d))
	return nil
}

func (a *accountState) monitorsOf(c *AccountCall) []map[string]any { return a.monitors }

func (a *accountState) subscriptionsOf(c *AccountCall) []map[string]any {
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
func (s *Server) anomalyListing(c *AccountCall, op, arnList, arnKey, listKey string, all func(*accountState, *AccountCall) []map[string]any) (int, []byte, *APIError) {
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
	for _, d := range all(&s.account, c) {
		if len(want) == 0 || slices.Contains(want, fmt.Sprint(d[arnKey])) {
			match = append(match, d)
		}
	}
	s.mu.Unlock()
	token, _ := c.Body["NextPageToken"].(string)
	start, aerr := pageStart(token, op, len(match))
	if aerr != nil {
		aerr.Code = "InvalidNextTokenException"
		return 0, nil, aerr
	}
	end := min(start+limit, len(match))
	c.Returned = end - start
	resp := map[string]any{listKey: append([]map[string]any{}, match[start:end]...)}
	if end < len(match) {
		resp["NextPageToken"] = pageToken(op, end)
	}
	return accountJSON(resp)
}
