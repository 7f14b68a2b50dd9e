// Package localaws is a local stand-in for the parts of AWS that aiguard's
// Lambda function calls, each in its service's real protocol. Tests point
// the real aws-sdk-go-v2 clients at it, with BaseEndpoint or
// AWS_ENDPOINT_URL, and then assert on exactly what arrived.
//
// Every service is one entry of the routing table in services.go, which
// gives its signing name, its protocol (awsJson1_1, restJson1, restXml,
// awsQuery or ec2Query), how a request is routed (X-Amz-Target prefix,
// method and path, or a query form's Action) and its operations' handlers,
// one file per service: AWS Config (PutEvaluations,
// GetResourceConfigHistory, GetComplianceDetailsByConfigRule; awsJson1_1),
// STS (AssumeRole; awsQuery), SageMaker (awsJson1_1), IAM (awsQuery),
// Bedrock and Bedrock Agent (restJson1), Comprehend, Rekognition and
// CloudWatch Logs (awsJson1_1), S3 (restXml), CloudTrail and Cost Explorer
// (awsJson1_1), GuardDuty and Security Hub (restJson1), and the network
// services ACM (awsJson1_1), EC2 (ec2Query), Elastic Load Balancing
// (awsQuery), API Gateway (restJson1) and CloudFront (restXml) in
// network.go.
//
// The server enforces what the real services enforce and answers in their
// wire shapes: SigV4 signatures (verified when the secret is known), the
// constraints of the API models (required members, lengths, enums, at most
// 100 evaluations per call), and the error codes and messages AWS uses. It
// can inject faults into any operation (Throttle and ThrottleEvery with the
// service's own throttling error, FailNext with any error) and partially
// failed PutEvaluations calls (FailEvaluations). Every request is recorded,
// with the credentials that signed it, and is retrievable with accessor
// methods. A Server is safe for concurrent use.
package localaws

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Operation names, as the SDK sends them.
const (
	OpPutEvaluations           = "PutEvaluations"
	OpGetResourceConfigHistory = "GetResourceConfigHistory"
	OpAssumeRole               = "AssumeRole"
)

// Signing names of the services served.
const (
	ServiceConfig    = "config"
	ServiceSTS       = "sts"
	ServiceSageMaker = "sagemaker"
	ServiceIAM       = "iam"
)

// maxBody bounds a request body; the real services reject far smaller ones.
const maxBody = 8 << 20

// Options configures a Server.
type Options struct {
	// Credentials maps the access key IDs of long-term identities (the
	// function's own role, in tests) to their secret access keys. Requests
	// signed with a listed key, or with temporary credentials this server
	// issued, must carry a valid SigV4 signature. When Credentials is empty,
	// requests signed with an unknown key are accepted unverified; otherwise
	// they fail as AWS fails them (UnrecognizedClientException,
	// InvalidClientTokenId).
	Credentials map[string]string
	// AssumableRoles, when not nil, lists the role ARNs AssumeRole grants;
	// any other role gives AccessDenied. Nil grants every well-formed role.
	AssumableRoles []string
	// ResultTokens, when not nil, lists the result tokens PutEvaluations
	// accepts outside TestMode; others give InvalidResultTokenException.
	// Nil accepts any non-empty token.
	ResultTokens []string
	// Latency delays every answer by this long, as a remote service's round
	// trip does; benchmarks use it to measure what concurrency buys.
	Latency time.Duration
}

// Server is a running local endpoint. Its zero value is not usable; create
// one with Start.
type Server struct {
	// URL is the endpoint's base URL, http://127.0.0.1:PORT.
	URL string

	opts Options
	ln   net.Listener
	srv  *http.Server
	done chan struct{}

	mu     sync.Mutex
	calls  []Call
	items  map[resourceKey][]ConfigurationItem
	issued map[string]issuedCredentials // by access key ID
	faults map[string][]*fault          // by operation
	fails  []*evalFault
	serial int

	sagemaker map[string]map[string]sageMakerResource // by kind, then key
	iamRoles  map[string]IAMRole                      // by lower-case role name
	policies  map[string]IAMPolicy                    // by ARN
	results   map[string]map[resourceKey]EvaluationResult
	tokens    map[string]string // result token -> Config rule name
	every     map[string]*steadyThrottle
	svc       serviceState // the services of the routing table (services.go)
}

// Call is one recorded request.
type Call struct {
	// Service is the signing name of the service the request addressed
	// (ServiceConfig, ServiceSTS, ...) and Operation the operation it named.
	Service   string
	Operation string
	Time      time.Time
	// Signer describes the credentials that signed the request.
	Signer Signer
	// Status is the HTTP status of the response; ErrorCode and ErrorMessage
	// are set when the server answered with an error.
	Status       int
	ErrorCode    string
	ErrorMessage string

	// Request is what the call asked for, set once the request body was
	// decoded, after authentication and injected faults.
	Request *ServiceCall
	// The Config and STS operations' inputs, decoded as those services
	// read them (and, for PutEvaluations, the evaluations reported back as
	// failed): at most one is set, when the operation is one of these.
	PutEvaluations                   *PutEvaluations
	GetResourceConfigHistory         *GetResourceConfigHistory
	GetComplianceDetailsByConfigRule *GetComplianceDetailsByConfigRule
	AssumeRole                       *AssumeRole
}

// Failed reports whether the server answered the call with an error.
func (c Call) Failed() bool { return c.ErrorCode != "" }

// Signer is what the SigV4 Authorization header of a request says about who
// signed it.
type Signer struct {
	AccessKeyID string
	// Date, Region and Service are the rest of the credential scope.
	Date    string
	Region  string
	Service string
	// SessionToken is the X-Amz-Security-Token header, sent with temporary
	// credentials.
	SessionToken string
	// Role is the ARN of the role whose temporary credentials, issued by this
	// server's AssumeRole, signed the request; "" for any other credentials.
	Role string
	// Verified reports whether the signature was checked against a known
	// secret key.
	Verified bool
}

// APIError is an error the server answers with.
type APIError struct {
	// Status is the HTTP status (400 when zero).
	Status  int
	Code    string
	Message string
}

func (e *APIError) Error() string { return e.Code + ": " + e.Message }

func (e *APIError) status() int {
	if e.Status == 0 {
		return http.StatusBadRequest
	}
	return e.Status
}

type fault struct {
	remaining int
	err       APIError
}

type evalFault struct {
	remaining   int
	resourceIDs []string
}

// Start starts a server on 127.0.0.1 on a free port. Call Close when done.
func Start(opts Options) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("localaws: listen: %w", err)
	}
	s := &Server{
		URL:    "http://" + ln.Addr().String(),
		opts:   opts,
		ln:     ln,
		done:   make(chan struct{}),
		items:  map[resourceKey][]ConfigurationItem{},
		issued: map[string]issuedCredentials{},
		faults: map[string][]*fault{},

		sagemaker: map[string]map[string]sageMakerResource{},
		iamRoles:  map[string]IAMRole{},
		policies:  map[string]IAMPolicy{},
		results:   map[string]map[resourceKey]EvaluationResult{},
		tokens:    map[string]string{},
		svc:       newServiceState(),
	}
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(s.done)
		// Serve returns http.ErrServerClosed on Close; nothing to report.
		_ = s.srv.Serve(ln)
	}()
	return s, nil
}

// Close stops the server and waits for it to finish.
func (s *Server) Close() error {
	err := s.srv.Close()
	<-s.done
	return err
}

// Calls returns every recorded request, in arrival order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// CallsTo returns the recorded requests for one operation, in arrival order.
func (s *Server) CallsTo(operation string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if c.Operation == operation {
			out = append(out, c)
		}
	}
	return out
}

// Reset forgets the recorded calls and any pending faults. Registered
// configuration items, SageMaker and IAM resources, stored evaluation
// results and issued credentials stay.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = nil
	s.faults = map[string][]*fault{}
	s.fails = nil
}

// Throttle makes the next n calls of operation fail with its service's
// throttling error, as AWS does when a caller exceeds its request rate:
// Throttling for STS and IAM, the table's error for the services of the
// routing table (TooManyRequestsException for Comprehend and GuardDuty,
// SlowDown for S3, ...), ThrottlingException otherwise.
func (s *Server) Throttle(operation string, n int) {
	s.FailNext(operation, n, throttleError(operation))
}

// FailNext makes the next n calls of operation fail with err. Faults
// queue up: a later FailNext for the same operation applies after the
// earlier one is used up.
func (s *Server) FailNext(operation string, n int, err APIError) {
	if n <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[operation] = append(s.faults[operation], &fault{remaining: n, err: err})
}

// FailEvaluations makes the next n valid PutEvaluations calls report the
// evaluations of the given resource IDs (every evaluation when none are
// given) as FailedEvaluations, as Config does when it could not store them.
func (s *Server) FailEvaluations(n int, resourceIDs ...string) {
	if n <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fails = append(s.fails, &evalFault{remaining: n, resourceIDs: slices.Clone(resourceIDs)})
}

// takeFault consumes one injected fault for operation, if any.
func (s *Server) takeFault(operation string) *APIError {
	s.mu.Lock()
	defer s.mu.Unlock()
	queue := s.faults[operation]
	for len(queue) > 0 && queue[0].remaining <= 0 {
		queue = queue[1:]
	}
	s.faults[operation] = queue
	if len(queue) == 0 {
		return nil
	}
	queue[0].remaining--
	err := queue[0].err
	return &err
}

// takeEvalFault consumes one injected partial failure, if any.
func (s *Server) takeEvalFault() *evalFault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.fails) > 0 && s.fails[0].remaining <= 0 {
		s.fails = s.fails[1:]
	}
	if len(s.fails) == 0 {
		return nil
	}
	s.fails[0].remaining--
	return s.fails[0]
}

func (s *Server) record(c Call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, c)
}

// ServeHTTP serves a request with the entry of the routing table
// (services.go) that addresses it; a request no entry serves gets 404.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	requestID := newRequestID()
	body, readErr := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	sv, ok := serviceFor(r, body)
	if !ok {
		http.Error(w, "localaws: no service serves this request: want an X-Amz-Target, a SigV4 credential scope or an awsQuery form's Version that names one",
			http.StatusNotFound)
		return
	}
	s.serveService(w, r, sv, body, readErr, requestID)
}

func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
