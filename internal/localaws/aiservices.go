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

// This file routes the services of the Bedrock, Comprehend and Rekognition
// periodic rules, and the S3 and CloudWatch Logs reads behind Bedrock's
// invocation logging, each in its real protocol:
//
//   - restJson1 (Bedrock, Bedrock Agent; signing name bedrock): the
//     operation is the HTTP method and path, members travel in the path,
//     the query string and a JSON body, and errors carry their code in the
//     X-Amzn-ErrorType header.
//   - awsJson1_1 (Comprehend, Rekognition, CloudWatch Logs): POST with the
//     operation in X-Amz-Target, as for Config and SageMaker.
//   - restXml (S3): GET /<bucket>?encryption, GET /<bucket>?tagging and
//     GET /?x-id=ListBuckets, XML answers and errors.

// Signing names of the services in this file.
const (
	ServiceBedrock     = "bedrock" // Bedrock and Bedrock Agent both sign as bedrock
	ServiceComprehend  = "comprehend"
	ServiceRekognition = "rekognition"
	ServiceLogs        = "logs"
	ServiceS3          = "s3"
)

// X-Amz-Target prefixes of the awsJson1_1 services here.
const (
	comprehendTargetPrefix  = "Comprehend_20171127."
	rekognitionTargetPrefix = "RekognitionService."
	logsTargetPrefix        = "Logs_20140328."
)

// ServiceCall is what one call to a service of this file asked for: its
// decoded JSON body (awsJson1_1, restJson1 POST), its query string and its
// path members, and for a listing how many items the page held.
type ServiceCall struct {
	Path     map[string]string
	Query    map[string]string
	Body     map[string]any
	Returned int
}

// aiState holds the resources of the services in this file; the Server's
// mu guards it.
type aiState struct {
	once sync.Once

	bedrockLogging map[string]any                    // loggingConfig; nil when not set
	docs           map[string]map[string]aiDoc       // by kind, then key
	collections    map[string]map[string]string      // Rekognition collection ID -> tags
	buckets        map[string]*bucketEncryptionState // S3 bucket name -> default encryption
}

func (a *aiState) init() {
	a.once.Do(func() {
		a.docs = map[string]map[string]aiDoc{}
		a.collections = map[string]map[string]string{}
		a.buckets = map[string]*bucketEncryptionState{}
	})
}

// aiDoc is one registered resource: the document its Get/Describe
// operation answers, and what listings filter and sort on.
type aiDoc struct {
	key     string
	name    string
	doc     map[string]any
	created time.Time
}

// aiProtocol is one of the protocols of this file.
type aiProtocol struct {
	signingName string
	kind        string // "restJson1", "awsJson1_1", "restXml"
}

func (p aiProtocol) service() string { return p.signingName }

func (p aiProtocol) writeError(w http.ResponseWriter, requestID string, err *APIError) {
	switch p.kind {
	case "restJson1":
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Amzn-RequestId", requestID)
		w.Header().Set("X-Amzn-ErrorType", err.Code)
		w.WriteHeader(err.status())
		data, _ := json.Marshal(map[string]string{"message": err.Message})
		_, _ = w.Write(data)
	case "restXml":
		w.Header().Set("Content-Type", "application/xml")
		w.Header().Set("X-Amz-Request-Id", requestID)
		w.WriteHeader(err.status())
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n<Error><Code>%s</Code><Message>%s</Message><RequestId>%s</RequestId></Error>",
			aiXMLEscape(err.Code), aiXMLEscape(err.Message), requestID)
	default:
		jsonProtocol{}.writeError(w, requestID, err)
	}
}

func (p aiProtocol) authError(kind authFailure, msg string) *APIError {
	switch p.kind {
	case "restXml":
		code := map[authFailure]string{authMissing: "AccessDenied", authIncomplete: "AuthorizationHeaderMalformed",
			authUnknownKey: "InvalidAccessKeyId", authExpiredToken: "ExpiredToken"}[kind]
		if code == "" {
			code = "SignatureDoesNotMatch"
		}
		return &APIError{Status: http.StatusForbidden, Code: code, Message: msg}
	case "restJson1":
		e := jsonProtocol{}.authError(kind, msg)
		e.Status = http.StatusForbidden
		return e
	}
	return jsonProtocol{}.authError(kind, msg)
}

// aiProtocolOf recognizes a request for a service of this file: by its
// X-Amz-Target for the awsJson1_1 services, otherwise by the service its
// SigV4 credential scope names (bedrock, s3).
func aiProtocolOf(r *http.Request) (aiProtocol, bool) {
	target := r.Header.Get("X-Amz-Target")
	switch {
	case strings.HasPrefix(target, comprehendTargetPrefix):
		return aiProtocol{ServiceComprehend, "awsJson1_1"}, true
	case strings.HasPrefix(target, rekognitionTargetPrefix):
		return aiProtocol{ServiceRekognition, "awsJson1_1"}, true
	case strings.HasPrefix(target, logsTargetPrefix):
		return aiProtocol{ServiceLogs, "awsJson1_1"}, true
	case target != "":
		return aiProtocol{}, false
	}
	a, msg := parseAuthorization(r.Header.Get("Authorization"))
	if msg != "" {
		return aiProtocol{}, false
	}
	switch a.service {
	case ServiceBedrock:
		return aiProtocol{ServiceBedrock, "restJson1"}, true
	case ServiceS3:
		return aiProtocol{ServiceS3, "restXml"}, true
	}
	return aiProtocol{}, false
}

// serveAIService serves a request for a service of this file and reports
// whether it was one.
func (s *Server) serveAIService(w http.ResponseWriter, r *http.Request, requestID string) bool {
	p, ok := aiProtocolOf(r)
	if !ok {
		return false
	}
	s.ai.init()
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
			return true
		}
	}
	var route aiRoute
	var aerr *APIError
	switch p.kind {
	case "awsJson1_1":
		route, aerr = aiJSONRoute(p, r)
	case "restJson1":
		route, aerr = bedrockRoute(r)
	case "restXml":
		route, aerr = s3Route(r)
	}
	call.Operation = route.op
	signer, authErr := s.authenticate(p, r, body)
	call.Signer = signer
	if authErr != nil {
		fail(authErr)
		return true
	}
	if aerr != nil {
		fail(aerr)
		return true
	}
	if err := s.takeSteadyThrottle(route.op); err != nil {
		fail(err)
		return true
	}
	if err := s.takeFault(route.op); err != nil {
		fail(err)
		return true
	}
	sc := &ServiceCall{Path: route.path, Query: map[string]string{}}
	for k := range r.URL.Query() {
		sc.Query[k] = r.URL.Query().Get(k)
	}
	if p.kind != "restXml" && len(bytes.TrimSpace(body)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&sc.Body); err != nil {
			fail(&APIError{Code: "SerializationException", Message: "Start of structure or map found where not expected."})
			return true
		}
	}
	if p.kind == "awsJson1_1" && sc.Body == nil {
		fail(&APIError{Code: "SerializationException", Message: "Start of structure or map found where not expected."})
		return true
	}
	call.Service = p.service()
	call.AIService = sc
	status, out, aerr := route.serve(s, sc)
	if aerr != nil {
		fail(aerr)
		return true
	}
	call.Status = status
	s.record(call)
	switch p.kind {
	case "restXml":
		w.Header().Set("X-Amz-Request-Id", requestID)
		w.Header().Set("Content-Type", "application/xml")
	case "restJson1":
		w.Header().Set("X-Amzn-RequestId", requestID)
		w.Header().Set("Content-Type", "application/json")
	default:
		w.Header().Set("X-Amzn-RequestId", requestID)
		w.Header().Set("Content-Type", jsonContentType)
	}
	w.WriteHeader(status)
	_, _ = w.Write(out)
	return true
}

// aiRoute is one operation a request resolved to.
type aiRoute struct {
	op    string
	path  map[string]string
	serve func(s *Server, c *ServiceCall) (int, []byte, *APIError)
}

func aiJSONRoute(p aiProtocol, r *http.Request) (aiRoute, *APIError) {
	target := r.Header.Get("X-Amz-Target")
	op := target[strings.IndexByte(target, '.')+1:]
	route := aiRoute{op: op}
	if r.Method != http.MethodPost {
		return route, &APIError{Status: http.StatusMethodNotAllowed, Code: "UnsupportedOperation", Message: "Only POST is supported."}
	}
	if ct := r.Header.Get("Content-Type"); ct != jsonContentType {
		return route, &APIError{Code: "SerializationException", Message: fmt.Sprintf("Content-Type must be %s, got %q", jsonContentType, ct)}
	}
	var ops map[string]func(*Server, *ServiceCall) (int, []byte, *APIError)
	switch p.signingName {
	case ServiceComprehend:
		ops = comprehendOps
	case ServiceRekognition:
		ops = rekognitionOps
	case ServiceLogs:
		ops = logsOps
	}
	serve, ok := ops[op]
	if !ok {
		return route, &APIError{Code: "UnknownOperationException", Message: fmt.Sprintf("Operation %s is not supported by localaws.", target)}
	}
	route.serve = serve
	return route, nil
}

// addDoc registers a document of kind under key.
func (s *Server) aiAddDoc(kind string, d aiDoc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ai.init()
	if s.ai.docs[kind] == nil {
		s.ai.docs[kind] = map[string]aiDoc{}
	}
	s.ai.docs[kind][d.key] = d
}

func (s *Server) aiRemoveDoc(kind, key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ai.init()
	delete(s.ai.docs[kind], key)
}

// findDoc returns the document of kind whose key or name is id.
func (s *Server) aiFindDoc(kind, id string) (aiDoc, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d, ok := s.ai.docs[kind][id]; ok {
		return d, true
	}
	for _, d := range s.ai.docs[kind] {
		if d.name == id {
			return d, true
		}
	}
	return aiDoc{}, false
}

// listDocs returns the documents of kind that keep accepts, newest first
// (then by key, for a stable paging).
func (s *Server) aiListDocs(kind string, keep func(aiDoc) bool) []aiDoc {
	s.mu.Lock()
	var out []aiDoc
	for _, d := range s.ai.docs[kind] {
		if keep == nil || keep(d) {
			out = append(out, d)
		}
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b aiDoc) int {
		if c := b.created.Compare(a.created); c != 0 {
			return c
		}
		return strings.Compare(a.key, b.key)
	})
	return out
}

// pick copies the named members of doc.
func aiPick(doc map[string]any, names ...string) map[string]any {
	out := map[string]any{}
	for _, n := range names {
		if v, ok := doc[n]; ok {
			out[n] = v
		}
	}
	return out
}

// decodeDoc decodes a JSON object keeping numbers as json.Number.
func aiDecodeDoc(data []byte) (map[string]any, error) {
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

func aiDocString(doc map[string]any, name string) string {
	v, _ := doc[name].(string)
	return v
}

func aiMarshal(v any) (int, []byte, *APIError) {
	out, err := json.Marshal(v)
	if err != nil {
		return 0, nil, &APIError{Status: http.StatusInternalServerError, Code: "InternalFailure", Message: err.Error()}
	}
	return http.StatusOK, out, nil
}

func aiXMLEscape(s string) string {
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
