package localaws

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// GuardDuty speaks restJson1 (signing name guardduty): the operation is
// the method and path, ListDetectors takes maxResults and nextToken in the
// query string, and errors carry their code in X-Amzn-ErrorType.

// Limits of ListDetectors.
const maxGuardDutyResults = 50

var guardDutyOps = map[string]handler{
	"ListDetectors": (*Server).listDetectors,
	"GetDetector":   (*Server).getDetector,
}

// guardDutyRoute resolves GET /detector (ListDetectors) and GET
// /detector/{detectorId} (GetDetector).
func guardDutyRoute(r *http.Request) (string, map[string]string, *APIError) {
	path := strings.TrimSuffix(r.URL.EscapedPath(), "/")
	switch {
	case r.Method == http.MethodGet && path == "/detector":
		return "ListDetectors", nil, nil
	case r.Method == http.MethodGet && strings.HasPrefix(path, "/detector/") && !strings.Contains(path[len("/detector/"):], "/"):
		return "GetDetector", map[string]string{"DetectorId": path[len("/detector/"):]}, nil
	}
	return "", nil, &APIError{Status: http.StatusNotFound, Code: "UnknownOperationException",
		Message: "localaws serves only GET /detector and GET /detector/{detectorId} of GuardDuty."}
}

// AddDetector registers a detector by its ID and GetDetector response.
func (s *Server) AddDetector(id string, d Doc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.svc.detectors[id] = map[string]any(d)
}

// RemoveDetector deletes a detector.
func (s *Server) RemoveDetector(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.svc.detectors, id)
}

func badRequest(msg string) *APIError {
	return &APIError{Status: http.StatusBadRequest, Code: "BadRequestException", Message: msg}
}

func (s *Server) listDetectors(c *ServiceCall) (int, []byte, *APIError) {
	limit := maxGuardDutyResults
	if raw, ok := c.Query["maxResults"]; ok {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > maxGuardDutyResults {
			return 0, nil, badRequest("The request is rejected because an invalid or out-of-range value is specified as an input parameter.")
		}
		limit = n
	}
	s.mu.Lock()
	ids := make([]string, 0, len(s.svc.detectors))
	for id := range s.svc.detectors {
		ids = append(ids, id)
	}
	s.mu.Unlock()
	slices.Sort(ids)
	status, out, aerr := jsonPage(c, listing{"ListDetectors", "detectorIds", "nextToken", "nextToken", ""}, ids, limit,
		func(id string) any { return id })
	if aerr != nil {
		return 0, nil, badRequest("The request is rejected because the nextToken is invalid.")
	}
	return status, out, nil
}

func (s *Server) getDetector(c *ServiceCall) (int, []byte, *APIError) {
	id := c.Path["DetectorId"]
	s.mu.Lock()
	d, ok := s.svc.detectors[id]
	s.mu.Unlock()
	if !ok {
		return 0, nil, badRequest("The request is rejected because the input detectorId is not owned by the current account.")
	}
	return jsonAnswer(d)
}
