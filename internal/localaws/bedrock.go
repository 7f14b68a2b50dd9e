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
	doc, err := aiDecodeDoc(d.JSON())
	if err != nil {
		return fmt.Errorf("localaws: %s: %w", kind, err)
	}
	sd := aiDoc{key: aiDocString(doc, k.key), name: aiDocString(doc, k.name), doc: doc}
	if sd.key == "" {
		return fmt.Errorf("localaws: %s: the document has no %s string", kind, k.key)
	}
	if v := aiDocString(doc, k.created); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return fmt.Errorf("localaws: %s %s: %s: want an ISO 8601 date-time: %w", kind, sd.key, k.created, err)
		}
		sd.created = t
	}
	s.aiAddDoc(kind, sd)
	return nil
}

// RemoveBedrock deletes a resource by its key (model or job ARN, agent ID).
func (s *Server) RemoveBedrock(kind, key string) { s.aiRemoveDoc(kind, key) }

// SetBedrockLogging sets the model invocation logging configuration (the
// loggingConfig member); nil deletes it.
func (s *Server) SetBedrockLogging(loggingConfig Doc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ai.init()
	if loggingConfig == nil {
		s.ai.bedrockLogging = nil
		return
	}
	doc, err := aiDecodeDoc(loggingConfig.JSON())
	if err != nil {
		doc = map[string]any{}
	}
	s.ai.bedrockLogging = doc
}

// bedrockRoute resolves a restJson1 request by method and path.
func bedrockRoute(r *http.Request) (aiRoute, *APIError) {
	segs := strings.Split(strings.Trim(r.URL.EscapedPath(), "/"), "/")
	for i, seg := range segs {
		if v, err := url.PathUnescape(seg); err == nil {
			segs[i] = v
		}
	}
	get := r.Method == http.MethodGet
	switch {
	case get && len(segs) == 2 && segs[0] == "logging" && segs[1] == "modelinvocations":
		return aiRoute{op: "GetModelInvocationLoggingConfiguration", serve: (*Server).bedrockLogging}, nil
	case get && len(segs) == 1 && segs[0] == "custom-models":
		return aiRoute{op: "ListCustomModels", serve: listBedrock(BedrockCustomModel, "ListCustomModels", "modelSummaries")}, nil
	case get && len(segs) == 2 && segs[0] == "custom-models":
		return aiRoute{op: "GetCustomModel", path: map[string]string{"modelIdentifier": segs[1]},
			serve: getBedrock(BedrockCustomModel, "modelIdentifier", "Model")}, nil
	case get && len(segs) == 1 && segs[0] == "model-customization-jobs":
		return aiRoute{op: "ListModelCustomizationJobs", serve: listBedrock(BedrockCustomizationJob, "ListModelCustomizationJobs", "modelCustomizationJobSummaries")}, nil
	case get && len(segs) == 2 && segs[0] == "model-customization-jobs":
		return aiRoute{op: "GetModelCustomizationJob", path: map[string]string{"jobIdentifier": segs[1]},
			serve: getBedrock(BedrockCustomizationJob, "jobIdentifier", "Job")}, nil
	// Bedrock Agent: ListAgents is POST /agents/, GetAgent GET /agents/{agentId}/.
	case r.Method == http.MethodPost && len(segs) == 1 && segs[0] == "agents":
		return aiRoute{op: "ListAgents", serve: listBedrock(BedrockAgent, "ListAgents", "agentSummaries")}, nil
	case get && len(segs) == 2 && segs[0] == "agents":
		return aiRoute{op: "GetAgent", path: map[string]string{"agentId": segs[1]}, serve: getAgent}, nil
	}
	return aiRoute{}, &APIError{Status: http.StatusNotFound, Code: "UnknownOperationException",
		Message: fmt.Sprintf("localaws: no Bedrock operation for %s %s", r.Method, r.URL.Path)}
}

func (s *Server) bedrockLogging(*ServiceCall) (int, []byte, *APIError) {
	s.mu.Lock()
	lc := s.ai.bedrockLogging
	s.mu.Unlock()
	if lc == nil {
		return aiMarshal(map[string]any{})
	}
	return aiMarshal(map[string]any{"loggingConfig": lc})
}

func aiNotFound(format string, args ...any) *APIError {
	return &APIError{Status: http.StatusNotFound, Code: "ResourceNotFoundException", Message: fmt.Sprintf(format, args...)}
}

func getBedrock(kind, member, what string) func(*Server, *ServiceCall) (int, []byte, *APIError) {
	return func(s *Server, c *ServiceCall) (int, []byte, *APIError) {
		id := c.Path[member]
		d, ok := s.aiFindDoc(kind, id)
		if !ok {
			return 0, nil, aiNotFound("%s %s not found.", what, id)
		}
		return aiMarshal(d.doc)
	}
}

func getAgent(s *Server, c *ServiceCall) (int, []byte, *APIError) {
	id := c.Path["agentId"]
	d, ok := s.aiFindDoc(BedrockAgent, id)
	if !ok || d.key != id {
		return 0, nil, aiNotFound("Agent %s not found.", id)
	}
	return aiMarshal(map[string]any{"agent": d.doc})
}

// listBedrock serves a Bedrock listing: maxResults and nextToken in the
// query string (in the body for ListAgents), creationTimeAfter and
// sortOrder for customization jobs.
func listBedrock(kind, op, member string) func(*Server, *ServiceCall) (int, []byte, *APIError) {
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
		match := s.aiListDocs(kind, func(d aiDoc) bool { return after == nil || d.created.After(*after) })
		if get("sortOrder") == "Ascending" {
			slices.Reverse(match)
		}
		start, aerr := pageStart(get("nextToken"), op, len(match))
		if aerr != nil {
			aerr.Code = "ValidationException"
			return 0, nil, aerr
		}
		end := min(start+limit, len(match))
		items := make([]map[string]any, 0, end-start)
		for _, d := range match[start:end] {
			items = append(items, aiPick(d.doc, k.summary...))
		}
		c.Returned = len(items)
		resp := map[string]any{member: items}
		if end < len(match) {
			resp["nextToken"] = pageToken(op, end)
		}
		return aiMarshal(resp)
	}
}
