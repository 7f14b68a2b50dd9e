package localaws

import (
	"fmt"
	"slices"
)

// CloudTrail speaks awsJson1_1 (X-Amz-Target CloudTrail_20131101.<Op>).
// DescribeTrails is not paginated; the trail reads take a name or an ARN.

var cloudTrailOps = map[string]handler{
	"DescribeTrails": (*Server).describeTrails,
	"GetTrailStatus": func(s *Server, c *ServiceCall) (int, []byte, *APIError) {
		return s.trailDetail(c, "Name", s.svc.trailStatus)
	},
	"GetEventSelectors": func(s *Server, c *ServiceCall) (int, []byte, *APIError) {
		return s.trailDetail(c, "TrailName", s.svc.trailSelector)
	},
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
	s.svc.trails = slices.DeleteFunc(s.svc.trails, func(t map[string]any) bool { return t["Name"] == name })
	s.svc.trails = append(s.svc.trails, map[string]any(trail))
	s.svc.trailStatus[name] = map[string]any(status)
	s.svc.trailSelector[name] = map[string]any(selectors)
	return nil
}

// RemoveTrail deletes a trail; its reads then answer TrailNotFoundException.
func (s *Server) RemoveTrail(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.svc.trails = slices.DeleteFunc(s.svc.trails, func(t map[string]any) bool { return t["Name"] == name })
	delete(s.svc.trailStatus, name)
	delete(s.svc.trailSelector, name)
}

// trailName resolves a trail name or ARN to the registered name; the API
// takes either (and requires the ARN for shadow trails).
func (s *Server) trailName(id string) (string, bool) {
	for _, t := range s.svc.trails {
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

func (s *Server) describeTrails(c *ServiceCall) (int, []byte, *APIError) {
	var names []string
	if raw, ok := c.Body["trailNameList"].([]any); ok {
		for _, v := range raw {
			if str, ok := v.(string); ok {
				names = append(names, str)
			}
		}
	}
	s.mu.Lock()
	list := make([]map[string]any, 0, len(s.svc.trails))
	for _, t := range s.svc.trails {
		if len(names) == 0 || slices.Contains(names, fmt.Sprint(t["Name"])) || slices.Contains(names, fmt.Sprint(t["TrailARN"])) {
			list = append(list, t)
		}
	}
	s.mu.Unlock()
	// DescribeTrails is not paginated: every trail in one answer.
	return jsonAnswer(map[string]any{"trailList": list})
}

func (s *Server) trailDetail(c *ServiceCall, member string, docs map[string]map[string]any) (int, []byte, *APIError) {
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
	return jsonAnswer(doc)
}
