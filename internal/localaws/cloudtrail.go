package localaws

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// This file routes the services of the account-level rules, each in its
// real protocol, and serves CloudTrail (awsJson1_1, X-Amz-Target
// CloudTrail_20131101.*, signing name cloudtrail). GuardDuty (restJson1)
// is in guardduty.go, Cost Explorer (awsJson1_1) in costexplorer.go.

// Signing names of the account-level services.
const (
	ServiceCloudTrail   = "cloudtrail"
	ServiceGuardDuty    = "guardduty"
	ServiceCostExplorer = "ce"
)

// X-Amz-Target prefixes of the awsJson1_1 account-level services.
const (
	cloudTrailTargetPrefix   = "CloudTrail_20131101."
	costExplorerTargetPrefix = "AWSInsightsIndexService."
)

// AccountCall is what one call to an account-level service asked for: its
// decoded JSON body (awsJson1_1) or query string (restJson1 GET), its path
// members, and for a listing how many items the page held.
type AccountCall struct {
	Body     map[string]any
	Query    map[string]string
	Path     map[string]string
	Returned int
}

// accountState holds the account-level resources; the Server's mu guards
// it.
type accountState struct {
	once sync.Once

	trails        []map[string]any          // DescribeTrails' Trail documents, in order
	trailStatus   map[string]map[string]any // by trail name: GetTrailStatus response
	trailSelector map[string]map[string]any // by trail name: GetEventSelectors response
	detectors     map[string]map[string]any // by detector ID: GetDetector response
	monitors      []map[string]any          // AnomalyMonitor documents
	subscriptions []map[string]any          // AnomalySubscription documents
}

func (a *accountState) init() {
	a.once.Do(func() {
		a.trailStatus = map[string]map[string]any{}
		a.trailSelector = map[string]map[string]any{}
		a.detectors = map[string]map[string]any{}
	})
}

// accountProtocol is the protocol of one account-level service.
type accountProtocol struct {
	signingName string
	rest        bool // restJson1; awsJson1_1 otherwise
}

func (p accountProtocol) service() string { return p.signingName }

func (p accountProtocol) writeError(w http.ResponseWriter, requestID string, err *APIError) {
	if !p.rest {
		jsonProtocol{}.writeError(w, requestID, err)
		return
	}
	// restJson1: the code travels in X-Amzn-ErrorType; GuardDuty repeats it
	// in the body's __type.
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-RequestId", requestID)
	w.Header().Set("X-Amzn-ErrorType", err.Code)
	w.WriteHeader(err.status())
	data, _ := json.Marshal(map[string]string{"message": err.Message, "__type": err.Code})
	_, _ = w.Write(data)
}

func (p accountProtocol) authError(kind authFailure, msg string) *APIError {
	e := jsonProtocol{}.authError(kind, msg)
	if p.rest {
		e.Status = http.StatusForbidden
	}
	return e
}

// accountProtocolOf recognizes an account-level service's request: by
// X-Amz-Target for CloudTrail and Cost Explorer, by the SigV4 credential
// scope's service for GuardDuty.
func accountProtocolOf(r *http.Request) (accountProtocol, bool) {
	target := r.Header.Get("X-Amz-Target")
	switch {
	case strings.HasPrefix(target, cloudTrailTargetPrefix):
		return accountProtocol{signingName: ServiceCloudTrail}, true
	case strings.HasPrefix(target, costExplorerTargetPrefix):
		return accountProtocol{signingName: ServiceCostExplorer}, true
	case target != "":
		return accountProtocol{}, false
	}
	a, msg := parseAuthorization(r.Header.Get("Authorization"))
	if msg == "" && a.service == ServiceGuardDuty {
		return accountProtocol{signingName: ServiceGuardDuty, rest: true}, true
	}
	return accountProtocol{}, false
}

// accountRoute is the operation a request resolved to.
type accountRoute struct {
	op    string
	path  map[string]string
	serve func(s *Server, c *AccountCall) (int, []byte, *APIError)
}

// serveAccountService serves a request for an account-level service and
// reports whether it was one.
func (s *Server) serveAccountService(w http.ResponseWriter, r *http.Request, requestID string) bool {
	p, ok := accountProtocolOf(r)
	if !ok {
		return false
	}
	s.account.init()
	call := Call{Time: time.Now().UTC(), Service: p.service()}
	fail := func(err *APIError) {
		call.Status, call.ErrorCode, call.ErrorMessage = err.status(), err.Code, err.Message
		s.record(call)
		p.writeError(w, requestID, err)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		fail(&APIError{Status: http.StatusRequestEntityTooLarge, Code: "SerializationException", Message: "Request body is too large or unreadable."})
		return true
	}
	if s.opts.Latency > 0 {
		select {
		case <-time.After(s.opts.Latency):
		case <-r.Context().Done():
			return true // the client gave up; nothing to answer
		}
	}
	var route accountRoute
	var rerr *APIError
	switch p.signingName {
	case ServiceCloudTrail:
		route, rerr = cloudTrailRoute(r)
	case ServiceCostExplorer:
		route, rerr = costExplorerRoute(r)
	default:
		route, rerr = guardDutyRoute(r)
	}
	call.Operation = route.op
	signer, aerr := s.authenticate(p, r, body)
	call.Signer = signer
	if aerr != nil {
		fail(aerr)
		return true
	}
	if rerr != nil {
		fail(rerr)
		return true
	}
	if err := s.takeSteadyThrottle(route.op); err != nil {
		if p.rest {
			err = &APIError{Status: http.StatusTooManyRequests, Code: "TooManyRequestsException", Message: err.Message}
		}
		fail(err)
		return true
	}
	if err := s.takeFault(route.op); err != nil {
		fail(err)
		return true
	}
	ac := &AccountCall{Path: route.path, Query: map[string]string{}}
	for k := range r.URL.Query() {
		ac.Query[k] = r.URL.Query().Get(k)
	}
	if !p.rest {
		if ct := r.Header.Get("Content-Type"); ct != jsonContentType {
			fail(&APIError{Code: "SerializationException", Message: fmt.Sprintf("Content-Type must be %s, got %q", jsonContentType, ct)})
			return true
		}
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&ac.Body); err != nil || ac.Body == nil {
			fail(&APIError{Code: "SerializationException", Message: "Start of structure or map found where not expected."})
			return true
		}
	}
	call.Account = ac
	status, out, serr := route.serve(s, ac)
	if serr != nil {
		fail(serr)
		return true
	}
	call.Status = status
	s.record(call)
	w.Header().Set("X-Amzn-RequestId", requestID)
	if p.rest {
		w.Header().Set("Content-Type", "application/json")
	} else {
		w.Header().Set("Content-Type", jsonContentType)
	}
	w.WriteHeader(status)
	_, _ = w.Write(out)
	return true
}

// unknownOperation is the answer for an operation localaws does not serve.
func unknownOperation(what string) *APIError {
	return &APIError{Code: "UnknownOperationException", Message: fmt.Sprintf("Operation %s is not supported by localaws.", what)}
}

// accountJSON encodes a response.
func accountJSON(v any) (int, []byte, *APIError) {
	out, err := json.Marshal(v)
	if err != nil {
		return 0, nil, &APIError{Status: http.StatusInternalServerError, Code: "InternalFailure", Message: err.Error()}
	}
	return http.StatusOK, out, nil
}

// --- CloudTrail

func cloudTrailRoute(r *http.Request) (accountRoute, *APIError) {
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), cloudTrailTargetPrefix)
	route := accountRoute{op: op}
	if r.Method != http.MethodPost {
		return route, &APIError{Status: http.StatusMethodNotAllowed, Code: "UnsupportedOperation", Message: "Only POST is supported."}
	}
	switch op {
	case "DescribeTrails":
		route.serve = (*Server).describeTrails
	case "GetTrailStatus":
		route.serve = func(s *Server, c *AccountCall) (int, []byte, *APIError) {
			return s.trailDetail(c, "Name", s.account.trailStatus)
		}
	case "GetEventSelectors":
		route.serve = func(s *Server, c *AccountCall) (int, []byte, *APIError) {
			return s.trailDetail(c, "TrailName", s.account.trailSelector)
		}
	default:
		return route, unknownOperation(r.Header.Get("X-Amz-Target"))
	}
	return route, nil
}

// AddTrail registers a trail: trail is its DescribeTrails entry (a Trail
// with Name and TrailARN), status its GetTrailStatus response and
// selectors its GetEventSelectors response (TrailARN is filled in when
// absent). A trail of the same name replaces the earlier one.
func (s *Server) AddTrail(trail, status, selectors Doc) error {
	name, _ := trail["Name"].(string)
	arn, _ := trail["TrailARN"].(string)
	if name == "" || arn == "" {
		return fmt.Errorf("localaws: a trail needs Name and TrailARN")
	}
	if selectors == nil {
		selectors = Doc{}
	}
	if _, ok := selectors["TrailARN"]; !ok {
		selectors["TrailARN"] = arn
	}
	if status == nil {
		status = Doc{}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.account.init()
	s.account.trails = slices.DeleteFunc(s.account.trails, func(t map[string]any) bool { return t["Name"] == name })
	s.account.trails = append(s.account.trails, map[string]any(trail))
	s.account.trailStatus[name] = map[string]any(status)
	s.account.trailSelector[name] = map[string]any(selectors)
	return nil
}

// RemoveTrail deletes a trail; its reads then answer TrailNotFoundException.
func (s *Server) RemoveTrail(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.account.init()
	s.account.trails = slices.DeleteFunc(s.account.trails, func(t map[string]any) bool { return t["Name"] == name })
	delete(s.account.trailStatus, name)
	delete(s.account.trailSelector, name)
}

// trailName resolves a trail name or ARN to the registered name; the API
// takes either (and requires the ARN for shadow trails).
func (s *Server) trailName(id string) (string, bool) {
	for _, t := range s.account.trails {
		if t["Name"] == id || t["TrailARN"] == id {
			name, _ := t["Name"].(string)
			return name, true
		}
	}
	return "", false
}

func trailNotFound(id string) *APIError {
	return &APIError{Code: "TrailNotFoundException", Message: "Unknown trail: " + id + " for the user: 111122223333"}
}

func (s *Server) describeTrails(c *AccountCall) (int, []byte, *APIError) {
	var names []string
	if raw, ok := c.Body["trailNameList"].([]any); ok {
		for _, v := range raw {
			if str, ok := v.(string); ok {
				names = append(names, str)
			}
		}
	}
	s.mu.Lock()
	list := make([]map[string]any, 0, len(s.account.trails))
	for _, t := range s.account.trails {
		if len(names) == 0 || slices.Contains(names, fmt.Sprint(t["Name"])) || slices.Contains(names, fmt.Sprint(t["TrailARN"])) {
			list = append(list, t)
		}
	}
	s.mu.Unlock()
	// DescribeTrails is not paginated: every trail in one answer.
	return accountJSON(map[string]any{"trailList": list})
}

func (s *Server) trailDetail(c *AccountCall, member string, docs map[string]map[string]any) (int, []byte, *APIError) {
	id, _ := c.Body[member].(string)
	if id == "" {
		var v violations
		v.add("null", lowerFirst(member), "Member must not be null")
		return 0, nil, v.err()
	}
	s.mu.Lock()
	name, ok := s.trailName(id)
	doc, found := docs[name]
	s.mu.Unlock()
	if !ok || !found {
		return 0, nil, trailNotFound(id)
	}
	return accountJSON(doc)
}
