package localaws

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Bedrock and Bedrock Agent speak restJson1: the operation is the method
// and path, timestamps are ISO 8601 strings, and an error's code is the
// X-Amzn-ErrorType header.

// Bedrock resource kinds the server holds.
const (
	BedrockCustomModel      = "bedrock/CustomModel"      // a GetCustomModel response
	BedrockCustomizationJob = "bedrock/CustomizationJob" // a GetModelCustomizationJob response
	BedrockAgent            = "bedrockagent/Agent"       // GetAgent's agent member
)

// Limits of the Bedrock listings (maxResults 1..1000).
const maxBedrockResults = 1000

// bedrockKinds says how each kind is keyed, named and summarized; member
// names are the API reference's (and the SDK deserializers').
var bedrockKinds = map[string]struct {
	key, name, created string
	summary            []string
}{
	BedrockCustomModel: {key: "modelArn", name: "modelName", created: "creationTime",
		summary: []string{"modelArn", "modelName", "creationTime", "baseModelArn", "baseModelName", "customizationType",
			"modelStatus", "ownerAccountId"}},
	BedrockCustomizationJob: {key: "jobArn", name: "jobName", created: "creationTime",
		summary: []string{"jobArn", "baseModelArn", "jobName", "status", "statusDetails", "lastModifiedTime",
			"creationTime", "endTime", "customizationType"}},
	BedrockAgent: {key: "agentId", name: "agentName", created: "createdAt",
		summary: []string{"agentId", "agentName", "agentStatus", "description", "updatedAt", "guardrailConfiguration"}},
}

// AddBedrock registers a Bedrock or Bedrock Agent resource of kind by the
// JSON of its Get response (for an agent, GetAgent's agent member).
func (s *Server) AddBedrock(kind string, d Doc) error {
	k, ok := bedrockKinds[kind]
	if !ok {
		return fmt.Errorf("localaws: unknown Bedrock kind %q", kind)
	}
	doc, err := decodeDoc(d.JSON())
	if err != nil {
		return fmt.Errorf("localaws: %s: %w", kind, err)
	}
	sd := resourceDoc{key: docString(doc, k.key), name: docString(doc, k.name), doc: doc}
	if sd.key == "" {
		return fmt.Errorf("localaws: %s: the document has no %s string", kind, k.key)
	}
	if v := docString(doc, k.created); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return fmt.Errorf("localaws: %s %s: %s: want an ISO 8601 date-time: %w", kind, sd.key, k.created, err)
		}
		sd.created = t
	}
	s.addDoc(kind, sd)
	return nil
}

// RemoveBedrock deletes a resource by its key (model or job ARN, agent ID).
func (s *Server) RemoveBedrock(kind, key string) { s.removeDoc(kind, key) }

// SetBedrockLogging sets the model invocation logging configuration (the
// loggingConfig member); nil deletes it.
func (s *Server) SetBedrockLogging(loggingConfig Doc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if loggingConfig == nil {
		s.svc.bedrockLogging = nil
		return
	}
	doc, err := decodeDoc(loggingConfig.JSON())
	if err != nil {
		doc = map[string]any{}
	}
	s.svc.bedrockLogging = doc
}

var bedrockOps = map[string]handler{
	"GetModelInvocationLoggingConfiguration": (*Server).bedrockLogging,
	"ListCustomModels":                       listBedrock(BedrockCustomModel, "ListCustomModels", "modelSummaries"),
	"GetCustomModel":                         getBedrock(BedrockCustomModel, "modelIdentifier", "Model"),
	"ListModelCustomizationJobs":             listBedrock(BedrockCustomizationJob, "ListModelCustomizationJobs", "modelCustomizationJobSummaries"),
	"GetModelCustomizationJob":               getBedrock(BedrockCustomizationJob, "jobIdentifier", "Job"),
	"ListAgents":                             listBedrock(BedrockAgent, "ListAgents", "agentSummaries"),
	"GetAgent":                               getAgent,
	"ListGuardrails":                         listGuardrails,
	"GetGuardrail":                           getGuardrail,
}

// bedrockRoute resolves a restJson1 request by method and path.
func bedrockRoute(r *http.Request) (string, map[string]string, *APIError) {
	segs := strings.Split(strings.Trim(r.URL.EscapedPath(), "/"), "/")
	for i, seg := range segs {
		if v, err := url.PathUnescape(seg); err == nil {
			segs[i] = v
		}
	}
	get := r.Method == http.MethodGet
	switch {
	case get && len(segs) == 2 && segs[0] == "logging" && segs[1] == "modelinvocations":
		return "GetModelInvocationLoggingConfiguration", nil, nil
	case get && len(segs) == 1 && segs[0] == "custom-models":
		return "ListCustomModels", nil, nil
	case get && len(segs) == 2 && segs[0] == "custom-models":
		return "GetCustomModel", map[string]string{"modelIdentifier": segs[1]}, nil
	case get && len(segs) == 1 && segs[0] == "model-customization-jobs":
		return "ListModelCustomizationJobs", nil, nil
	case get && len(segs) == 2 && segs[0] == "model-customization-jobs":
		return "GetModelCustomizationJob", map[string]string{"jobIdentifier": segs[1]}, nil
	case get && len(segs) == 1 && segs[0] == "guardrails":
		return "ListGuardrails", nil, nil
	case get && len(segs) == 2 && segs[0] == "guardrails":
		return "GetGuardrail", map[string]string{"guardrailIdentifier": segs[1]}, nil
	// Bedrock Agent: ListAgents is POST /agents/, GetAgent GET /agents/{agentId}/.
	case r.Method == http.MethodPost && len(segs) == 1 && segs[0] == "agents":
		return "ListAgents", nil, nil
	case get && len(segs) == 2 && segs[0] == "agents":
		return "GetAgent", map[string]string{"agentId": segs[1]}, nil
	}
	return "", nil, &APIError{Status: http.StatusNotFound, Code: "UnknownOperationException",
		Message: fmt.Sprintf("localaws: no Bedrock operation for %s %s", r.Method, r.URL.Path)}
}

func (s *Server) bedrockLogging(*ServiceCall) (int, []byte, *APIError) {
	s.mu.Lock()
	lc := s.svc.bedrockLogging
	s.mu.Unlock()
	if lc == nil {
		return jsonAnswer(map[string]any{})
	}
	return jsonAnswer(map[string]any{"loggingConfig": lc})
}

func notFound(format string, args ...any) *APIError {
	return &APIError{Status: http.StatusNotFound, Code: "ResourceNotFoundException", Message: fmt.Sprintf(format, args...)}
}

func getBedrock(kind, member, what string) handler {
	return func(s *Server, c *ServiceCall) (int, []byte, *APIError) {
		id := c.Path[member]
		d, ok := s.findDoc(kind, id)
		if !ok {
			return 0, nil, notFound("%s %s not found.", what, id)
		}
		return jsonAnswer(d.doc)
	}
}

func getAgent(s *Server, c *ServiceCall) (int, []byte, *APIError) {
	id := c.Path["agentId"]
	d, ok := s.findDoc(BedrockAgent, id)
	if !ok || d.key != id {
		return 0, nil, notFound("Agent %s not found.", id)
	}
	return jsonAnswer(map[string]any{"agent": d.doc})
}

// listBedrock serves a Bedrock listing: maxResults and nextToken in the
// query string (in the body for ListAgents), creationTimeAfter and
// sortOrder for customization jobs.
func listBedrock(kind, op, member string) handler {
	return func(s *Server, c *ServiceCall) (int, []byte, *APIError) {
		k := bedrockKinds[kind]
		get := func(name string) string {
			if c.Body != nil {
				if v, ok := c.Body[name]; ok {
					return fmt.Sprint(v)
				}
				return ""
			}
			return c.Query[name]
		}
		limit := maxBedrockResults
		if raw := get("maxResults"); raw != "" {
			n, err := strconv.Atoi(raw)
			if err != nil || n < 1 || n > maxBedrockResults {
				return 0, nil, &APIError{Code: "ValidationException", Message: fmt.Sprintf(
					"1 validation error detected: Value '%s' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and %d", raw, maxBedrockResults)}
			}
			limit = n
		}
		var after *time.Time
		if raw := get("creationTimeAfter"); raw != "" {
			t, err := time.Parse(time.RFC3339Nano, raw)
			if err != nil {
				return 0, nil, &APIError{Code: "ValidationException", Message: "creationTimeAfter: want an ISO 8601 date-time, got " + raw}
			}
			after = &t
		}
		if so := get("sortOrder"); so != "" && !slices.Contains([]string{"Ascending", "Descending"}, so) {
			return 0, nil, &APIError{Code: "ValidationException", Message: "sortOrder: Member must satisfy enum value set: [Ascending, Descending]"}
		}
		match := s.listDocs(kind, func(d resourceDoc) bool { return after == nil || d.created.After(*after) })
		if get("sortOrder") == "Ascending" {
			slices.Reverse(match)
		}
		return jsonPage(c, listing{op, member, "nextToken", "nextToken", "ValidationException"}, match, limit,
			func(d resourceDoc) any { return pick(d.doc, k.summary...) })
	}
}
