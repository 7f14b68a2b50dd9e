package localaws

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// This file is the routing layer of every service: a table with one entry
// per service, saying how a request for it is recognized, which protocol it
// speaks, which operations it serves and how it throttles. Adding a service
// is one entry in services plus its handlers.

// Signing names of the services of the routing table.
const (
	ServiceBedrock      = "bedrock" // Bedrock and Bedrock Agent both sign as bedrock
	ServiceComprehend   = "comprehend"
	ServiceRekognition  = "rekognition"
	ServiceLogs         = "logs"
	ServiceS3           = "s3"
	ServiceCloudTrail   = "cloudtrail"
	ServiceGuardDuty    = "guardduty"
	ServiceSecurityHub  = "securityhub"
	ServiceCostExplorer = "ce"
	// The network services of the second wave of rules (network.go).
	ServiceACM        = "acm"
	ServiceEC2        = "ec2"
	ServiceELB        = "elasticloadbalancing"
	ServiceAPIGateway = "apigateway" // REST (v1) and HTTP (v2) APIs both sign as apigateway
	ServiceCloudFront = "cloudfront"
)

// wireProtocol is the protocol of a service of the table.
type wireProtocol int

const (
	// awsJSON11 is awsJson1_1: POST with the operation in X-Amz-Target and
	// a JSON object body; errors carry their code in the body's __type.
	awsJSON11 wireProtocol = iota
	// restJSON1: the operation is the method and path, members travel in
	// the path, the query string and a JSON body, and errors carry their
	// code in the X-Amzn-ErrorType header.
	restJSON1
	// restXML (S3): the operation is the method, path and query string;
	// answers and errors are XML.
	restXML
	// awsQuery (STS, IAM, Elastic Load Balancing): a form body naming
	// Action and Version; answers and errors are XML.
	awsQuery
	// ec2Query: awsQuery with EC2's answer and error shapes.
	ec2Query
)

// handler serves one operation: it reads what the request asked for from c,
// sets c.Returned for a listing, and answers with a status and body or an
// error.
type handler func(s *Server, c *ServiceCall) (int, []byte, *APIError)

// service is one entry of the routing table.
type service struct {
	signingName string
	protocol    wireProtocol
	// targetPrefix recognizes an awsJson1_1 request by its X-Amz-Target;
	// the others are recognized by the signing name of their SigV4
	// credential scope, and route resolves a rest protocol's method and
	// path to an operation and its path members.
	targetPrefix string
	// version is an awsQuery service's API version, which its forms name:
	// another is refused, and it recognizes a request signed for no
	// service. xmlns is the namespace of its error responses.
	version, xmlns string
	route          func(r *http.Request) (op string, path map[string]string, err *APIError)
	ops            map[string]handler
	// throttle is the error the service answers when a caller exceeds its
	// request rate (Throttle, ThrottleEvery).
	throttle APIError
}

// The throttling errors of most awsJson1_1 services and of the awsQuery
// services.
var (
	rateExceeded = APIError{Code: "ThrottlingException", Message: "Rate exceeded"}
	throttling   = APIError{Code: "Throttling", Message: "Rate exceeded"}
)

// services is the routing table.
var services = []service{
	{signingName: ServiceConfig, protocol: awsJSON11, targetPrefix: "StarlingDoveService.", ops: configOps, throttle: rateExceeded},
	{signingName: ServiceSTS, protocol: awsQuery, version: stsVersion, xmlns: stsNamespace, ops: stsOps, throttle: throttling},
	{signingName: ServiceSageMaker, protocol: awsJSON11, targetPrefix: "SageMaker.", ops: sageMakerOps, throttle: rateExceeded},
	{signingName: ServiceIAM, protocol: awsQuery, version: iamVersion, xmlns: iamNamespace, ops: iamOps, throttle: throttling},
	{signingName: ServiceBedrock, protocol: restJSON1, route: bedrockRoute, ops: bedrockOps,
		throttle: APIError{Status: http.StatusTooManyRequests, Code: "ThrottlingException", Message: "Rate exceeded"}},
	{signingName: ServiceComprehend, protocol: awsJSON11, targetPrefix: "Comprehend_20171127.", ops: comprehendOps,
		throttle: APIError{Code: "TooManyRequestsException", Message: "Rate exceeded"}},
	{signingName: ServiceRekognition, protocol: awsJSON11, targetPrefix: "RekognitionService.", ops: rekognitionOps,
		throttle: rateExceeded},
	{signingName: ServiceLogs, protocol: awsJSON11, targetPrefix: "Logs_20140328.", ops: logsOps, throttle: rateExceeded},
	{signingName: ServiceS3, protocol: restXML, route: s3Route, ops: s3Ops,
		throttle: APIError{Status: http.StatusServiceUnavailable, Code: "SlowDown", Message: "Please reduce your request rate."}},
	{signingName: ServiceCloudTrail, protocol: awsJSON11, targetPrefix: "CloudTrail_20131101.", ops: cloudTrailOps,
		throttle: rateExceeded},
	{signingName: ServiceCostExplorer, protocol: awsJSON11, targetPrefix: "AWSInsightsIndexService.", ops: costExplorerOps,
		throttle: rateExceeded},
	{signingName: ServiceGuardDuty, protocol: restJSON1, route: guardDutyRoute, ops: guardDutyOps,
		throttle: APIError{Status: http.StatusTooManyRequests, Code: "TooManyRequestsException", Message: "Rate exceeded"}},
	{signingName: ServiceACM, protocol: awsJSON11, targetPrefix: "CertificateManager.", ops: acmOps, throttle: rateExceeded},
	{signingName: ServiceEC2, protocol: ec2Query, ops: ec2Ops,
		throttle: APIError{Status: http.StatusServiceUnavailable, Code: "RequestLimitExceeded", Message: "Request limit exceeded."}},
	{signingName: ServiceELB, protocol: awsQuery, version: elbVersion, ops: elbOps, throttle: throttling},
	{signingName: ServiceAPIGateway, protocol: restJSON1, route: apiGatewayRoute, ops: apiGatewayOps,
		throttle: APIError{Status: http.StatusTooManyRequests, Code: "TooManyRequestsException", Message: "Too Many Requests"}},
	{signingName: ServiceCloudFront, protocol: restXML, route: cloudFrontRoute, ops: cloudFrontOps,
		throttle: APIError{Status: http.StatusBadRequest, Code: "Throttling", Message: "Rate exceeded"}},
	{signingName: ServiceSecurityHub, protocol: restJSON1, route: securityHubRoute, ops: securityHubOps,
		throttle: APIError{Status: http.StatusTooManyRequests, Code: "TooManyRequestsException", Message: "Rate exceeded"}},
}

// serviceFor returns the table entry a request addresses: by its
// X-Amz-Target for awsJson1_1, otherwise by its credential scope, or for
// an awsQuery form signed for no service (unsigned, say), by the API
// version it names.
func serviceFor(r *http.Request, body []byte) (*service, bool) {
	target := r.Header.Get("X-Amz-Target")
	scope, version := "", ""
	if target == "" {
		if a, msg := parseAuthorization(r.Header.Get("Authorization")); msg == "" {
			scope = a.service
		} else if strings.HasPrefix(r.Header.Get("Content-Type"), formContentType) {
			form, _ := parseForm(body)
			version = form.Get("Version")
		}
	}
	for i := range services {
		sv := &services[i]
		switch {
		case target != "" && sv.targetPrefix != "" && strings.HasPrefix(target, sv.targetPrefix),
			target == "" && sv.targetPrefix == "" && scope != "" && scope == sv.signingName,
			target == "" && scope == "" && version != "" && version == sv.version:
			return sv, true
		}
	}
	return nil, false
}

// formContentType is the Content-Type of an awsQuery request.
const formContentType = "application/x-www-form-urlencoded"

// serviceOf returns the table entry that serves operation.
func serviceOf(operation string) (*service, bool) {
	for i := range services {
		if _, ok := services[i].ops[operation]; ok {
			return &services[i], true
		}
	}
	return nil, false
}

func (sv *service) writeError(w http.ResponseWriter, requestID string, err *APIError) {
	switch sv.protocol {
	case restJSON1:
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Amzn-RequestId", requestID)
		w.Header().Set("X-Amzn-ErrorType", err.Code)
		w.WriteHeader(err.status())
		data, _ := json.Marshal(map[string]string{"message": err.Message, "__type": err.Code})
		_, _ = w.Write(data)
	case restXML:
		w.Header().Set("Content-Type", "application/xml")
		w.Header().Set("X-Amz-Request-Id", requestID)
		w.WriteHeader(err.status())
		if sv.signingName == ServiceCloudFront {
			fmt.Fprintf(w, `<?xml version="1.0"?>`+"\n<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>%s</RequestId></ErrorResponse>",
				xmlEscape(err.Code), xmlEscape(err.Message), requestID)
			return
		}
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n<Error><Code>%s</Code><Message>%s</Message><RequestId>%s</RequestId></Error>",
			xmlEscape(err.Code), xmlEscape(err.Message), requestID)
	case awsQuery:
		w.Header().Set("Content-Type", "text/xml")
		w.Header().Set("X-Amzn-RequestId", requestID)
		w.WriteHeader(err.status())
		kind, ns := "Sender", ""
		if err.status() >= 500 {
			kind = "Receiver"
		}
		if sv.xmlns != "" {
			ns = ` xmlns="` + sv.xmlns + `"`
		}
		fmt.Fprintf(w, "<ErrorResponse%s><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>%s</RequestId></ErrorResponse>",
			ns, kind, xmlEscape(err.Code), xmlEscape(err.Message), requestID)
	case ec2Query:
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(err.status())
		fmt.Fprintf(w, "<Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors><RequestID>%s</RequestID></Response>",
			xmlEscape(err.Code), xmlEscape(err.Message), requestID)
	default: // awsJson1_1
		w.Header().Set("Content-Type", jsonContentType)
		w.Header().Set("X-Amzn-RequestId", requestID)
		w.WriteHeader(err.status())
		data, _ := json.Marshal(map[string]string{"__type": err.Code, "message": err.Message})
		_, _ = w.Write(data)
	}
}

// authError is the service's answer to a request that failed
// authentication: the query protocols' codes (with AWS's common errors'
// statuses), S3's, or the JSON protocols' codes ending in Exception.
func (sv *service) authError(kind authFailure, msg string) *APIError {
	switch sv.protocol {
	case awsQuery, ec2Query:
		switch kind {
		case authMissing:
			return &APIError{Status: http.StatusForbidden, Code: "MissingAuthenticationToken", Message: "Request is missing Authentication Token"}
		case authIncomplete:
			return &APIError{Status: http.StatusBadRequest, Code: "IncompleteSignature", Message: msg}
		case authUnknownKey:
			return &APIError{Status: http.StatusForbidden, Code: "InvalidClientTokenId", Message: msg}
		case authExpiredToken:
			return &APIError{Status: http.StatusBadRequest, Code: "ExpiredToken", Message: msg}
		default:
			return &APIError{Status: http.StatusForbidden, Code: "SignatureDoesNotMatch", Message: msg}
		}
	case restXML:
		code := map[authFailure]string{authMissing: "AccessDenied", authIncomplete: "AuthorizationHeaderMalformed",
			authUnknownKey: "InvalidAccessKeyId", authExpiredToken: "ExpiredToken"}[kind]
		if code == "" {
			code = "SignatureDoesNotMatch"
		}
		return &APIError{Status: http.StatusForbidden, Code: code, Message: msg}
	}
	code := map[authFailure]string{authMissing: "MissingAuthenticationTokenException", authIncomplete: "IncompleteSignatureException",
		authUnknownKey: "UnrecognizedClientException", authExpiredToken: "ExpiredTokenException"}[kind]
	if code == "" {
		code = "InvalidSignatureException"
	}
	status := http.StatusBadRequest
	if sv.protocol == restJSON1 {
		status = http.StatusForbidden
	}
	return &APIError{Status: status, Code: code, Message: msg}
}

// resolve finds the operation a request names and its handler; a query
// protocol names it in the form body.
func (sv *service) resolve(r *http.Request, body []byte) (string, map[string]string, handler, *APIError) {
	if sv.protocol == awsQuery || sv.protocol == ec2Query {
		form, err := parseForm(body)
		if err != nil {
			return "", nil, nil, &APIError{Code: "MalformedQueryString", Message: err.Error()}
		}
		op := form.Get("Action")
		if r.Method != http.MethodPost {
			return op, nil, nil, &APIError{Status: http.StatusMethodNotAllowed, Code: "UnsupportedOperation", Message: "Only POST is supported."}
		}
		h, ok := sv.ops[op]
		switch {
		case sv.protocol == ec2Query && !ok:
			return op, nil, nil, &APIError{Code: "InvalidAction", Message: fmt.Sprintf("The action %s is not valid for this web service.", op)}
		case !ok || sv.version != "" && form.Get("Version") != sv.version:
			return op, nil, nil, &APIError{Code: "InvalidAction", Message: fmt.Sprintf("Could not find operation %s for version %s", op, form.Get("Version"))}
		}
		return op, nil, h, nil
	}
	if sv.protocol != awsJSON11 {
		op, path, err := sv.route(r)
		if err != nil {
			return r.Method + " " + r.URL.Path, nil, nil, err
		}
		return op, path, sv.ops[op], nil
	}
	target := r.Header.Get("X-Amz-Target")
	op := strings.TrimPrefix(target, sv.targetPrefix)
	if r.Method != http.MethodPost {
		return op, nil, nil, &APIError{Status: http.StatusMethodNotAllowed, Code: "UnsupportedOperation", Message: "Only POST is supported."}
	}
	if ct := r.Header.Get("Content-Type"); ct != jsonContentType {
		return op, nil, nil, &APIError{Code: "SerializationException", Message: fmt.Sprintf("Content-Type must be %s, got %q", jsonContentType, ct)}
	}
	h, ok := sv.ops[op]
	if !ok {
		return op, nil, nil, unknownOperation(target)
	}
	return op, nil, h, nil
}

// ServiceCall is what one call to a service of the routing table asked for:
// its path members, its query string and its decoded JSON body (nil for
// restXml and for a request without one), and for a listing how many items
// the answer held.
type ServiceCall struct {
	// Region is the Region of the request's credential scope.
	Region   string
	Path     map[string]string
	Query    map[string]string
	Body     map[string]any
	Returned int

	// What some handlers read beyond the decoded members, dropped when the
	// handler returns: the raw body (Config decodes its own shapes), an
	// awsQuery form, and the call being recorded (its Signer, and the
	// Config and STS operations' inputs).
	raw  []byte
	form url.Values
	call *Call
}

// serviceState holds the resources of the services of the routing table;
// the Server's mu guards it.
type serviceState struct {
	bedrockLogging map[string]any                    // loggingConfig; nil when not set
	docs           map[string]map[string]resourceDoc // by kind, then key
	collections    map[string]map[string]string      // Rekognition collection ID -> tags
	buckets        map[string]*bucketEncryptionState // S3 bucket name -> default encryption

	trails        []map[string]any          // DescribeTrails' Trail documents, in order
	trailStatus   map[string]map[string]any // by trail name: GetTrailStatus response
	trailSelector map[string]map[string]any // by trail name: GetEventSelectors response
	detectors     map[string]map[string]any // by detector ID: GetDetector response
	monitors      []map[string]any          // AnomalyMonitor documents
	subscriptions []map[string]any          // AnomalySubscription documents
	iamUsers      map[string]IAMUser        // by lower-case user name (breadth.go)
	findings      map[string]map[string]any // Security Hub findings by ProductArn and Id (securityhub.go)
}

func newServiceState() serviceState {
	return serviceState{
		docs:          map[string]map[string]resourceDoc{},
		collections:   map[string]map[string]string{},
		buckets:       map[string]*bucketEncryptionState{},
		trailStatus:   map[string]map[string]any{},
		trailSelector: map[string]map[string]any{},
		detectors:     map[string]map[string]any{},
		findings:      map[string]map[string]any{},
	}
}

// serveService serves a request for sv, whose body (read with readErr)
// is body: it authenticates it, applies the injected faults, records it
// and answers with the operation's handler.
func (s *Server) serveService(w http.ResponseWriter, r *http.Request, sv *service, body []byte, readErr error, requestID string) {
	call := Call{Time: time.Now().UTC(), Service: sv.signingName}
	fail := func(err *APIError) {
		call.Status, call.ErrorCode, call.ErrorMessage = err.status(), err.Code, err.Message
		s.record(call)
		sv.writeError(w, requestID, err)
	}
	if readErr != nil {
		fail(&APIError{Status: http.StatusRequestEntityTooLarge, Code: "SerializationException", Message: "Request body is too large or unreadable."})
		return
	}
	if s.opts.Latency > 0 {
		select {
		case <-time.After(s.opts.Latency):
		case <-r.Context().Done():
			return // the client gave up; nothing to answer
		}
	}
	op, path, serve, rerr := sv.resolve(r, body)
	call.Operation = op
	signer, aerr := s.authenticate(sv, r, body)
	call.Signer = signer
	if aerr == nil {
		aerr = rerr
	}
	if aerr == nil {
		aerr = s.takeSteadyThrottle(op)
	}
	if aerr == nil {
		aerr = s.takeFault(op) // after routing, so that only served calls use up a fault
	}
	if aerr != nil {
		fail(aerr)
		return
	}
	sc := &ServiceCall{Path: path, Query: map[string]string{}, Region: signer.Region, raw: body, call: &call}
	for k := range r.URL.Query() {
		sc.Query[k] = r.URL.Query().Get(k)
	}
	if sv.protocol == awsQuery || sv.protocol == ec2Query {
		sc.form, _ = parseForm(body) // resolve parsed it
		for k := range sc.form {
			sc.Query[k] = sc.form.Get(k)
		}
	}
	// awsJson1_1 requires a JSON object; restJson1 takes one when the
	// operation has body members.
	if sv.protocol == awsJSON11 || sv.protocol == restJSON1 && len(bytes.TrimSpace(body)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&sc.Body); err != nil || sv.protocol == awsJSON11 && sc.Body == nil {
			fail(&APIError{Code: "SerializationException", Message: "Start of structure or map found where not expected."})
			return
		}
	}
	call.Request = sc
	status, out, herr := serve(s, sc)
	sc.raw, sc.form, sc.call = nil, nil, nil // read by the handler only
	if herr != nil {
		fail(herr)
		return
	}
	call.Status = status
	s.record(call)
	switch sv.protocol {
	case restXML:
		w.Header().Set("X-Amz-Request-Id", requestID)
		w.Header().Set("Content-Type", "application/xml")
	case awsQuery, ec2Query:
		w.Header().Set("X-Amzn-RequestId", requestID)
		w.Header().Set("Content-Type", "text/xml")
	case restJSON1:
		w.Header().Set("X-Amzn-RequestId", requestID)
		w.Header().Set("Content-Type", "application/json")
	default:
		w.Header().Set("X-Amzn-RequestId", requestID)
		w.Header().Set("Content-Type", jsonContentType)
	}
	w.WriteHeader(status)
	_, _ = w.Write(out)
}

// unknownOperation is the answer for an operation localaws does not serve.
func unknownOperation(what string) *APIError {
	return &APIError{Code: "UnknownOperationException", Message: fmt.Sprintf("Operation %s is not supported by localaws.", what)}
}

// resourceDoc is one registered resource: the document its Get/Describe
// operation answers, and what listings filter and sort on.
type resourceDoc struct {
	key     string
	name    string
	doc     map[string]any
	created time.Time
}

// addDoc registers a document of kind under its key.
func (s *Server) addDoc(kind string, d resourceDoc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.svc.docs[kind] == nil {
		s.svc.docs[kind] = map[string]resourceDoc{}
	}
	s.svc.docs[kind][d.key] = d
}

func (s *Server) removeDoc(kind, key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.svc.docs[kind], key)
}

// findDoc returns the document of kind whose key or name is id.
func (s *Server) findDoc(kind, id string) (resourceDoc, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d, ok := s.svc.docs[kind][id]; ok {
		return d, true
	}
	for _, d := range s.svc.docs[kind] {
		if d.name == id {
			return d, true
		}
	}
	return resourceDoc{}, false
}

// listDocs returns the documents of kind that keep accepts, newest first
// (then by key, for a stable paging).
func (s *Server) listDocs(kind string, keep func(resourceDoc) bool) []resourceDoc {
	s.mu.Lock()
	var out []resourceDoc
	for _, d := range s.svc.docs[kind] {
		if keep == nil || keep(d) {
			out = append(out, d)
		}
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b resourceDoc) int {
		if c := b.created.Compare(a.created); c != 0 {
			return c
		}
		return strings.Compare(a.key, b.key)
	})
	return out
}

// pick copies the named members of doc.
func pick(doc map[string]any, names ...string) map[string]any {
	out := map[string]any{}
	for _, n := range names {
		if v, ok := doc[n]; ok {
			out[n] = v
		}
	}
	return out
}

// decodeDoc decodes a JSON object keeping numbers as json.Number.
func decodeDoc(data []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	if doc == nil {
		return nil, fmt.Errorf("want a JSON object")
	}
	return doc, nil
}

func docString(doc map[string]any, name string) string {
	v, _ := doc[name].(string)
	return v
}

// jsonAnswer encodes a JSON response.
func jsonAnswer(v any) (int, []byte, *APIError) {
	out, err := json.Marshal(v)
	if err != nil {
		return 0, nil, &APIError{Status: http.StatusInternalServerError, Code: "InternalFailure", Message: err.Error()}
	}
	return http.StatusOK, out, nil
}

func xmlEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '"':
			b.WriteString("&quot;")
		case '\'':
			b.WriteString("&apos;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
