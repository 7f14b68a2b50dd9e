package localaws

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/aiguard/aiguard/awsid"
)

// Rekognition speaks awsJson1_1 (X-Amz-Target RekognitionService.<Op>).
// ListCollections returns collection IDs only; tags are read by ARN.

// maxRekognitionResults bounds ListCollections' MaxResults.
const maxRekognitionResults = 4096

// AddRekognitionCollection registers a face collection with its tags.
func (s *Server) AddRekognitionCollection(id string, tags map[string]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.svc.collections[id] = maps.Clone(tags)
}

// RemoveRekognitionCollection deletes a collection.
func (s *Server) RemoveRekognitionCollection(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.svc.collections, id)
}

var rekognitionOps = map[string]handler{
	"ListCollections":     listCollections,
	"ListTagsForResource": listRekognitionTags,
}

func listCollections(s *Server, c *ServiceCall) (int, []byte, *APIError) {
	limit := maxRekognitionResults
	if raw, ok := c.Body["MaxResults"]; ok {
		n, err := strconv.Atoi(fmt.Sprint(raw))
		if err != nil || n < 0 || n > maxRekognitionResults {
			return 0, nil, &APIError{Code: "InvalidParameterException", Message: "Request has invalid parameters"}
		}
		if n > 0 {
			limit = n
		}
	}
	s.mu.Lock()
	ids := slices.Sorted(maps.Keys(s.svc.collections))
	s.mu.Unlock()
	token, _ := c.Body["NextToken"].(string)
	pg, next, aerr := page(ids, "ListCollections", token, limit, "InvalidPaginationTokenException")
	if aerr != nil {
		return 0, nil, aerr
	}
	versions := make([]string, len(pg))
	for i := range versions {
		versions[i] = "7.0"
	}
	c.Returned = len(pg)
	resp := map[string]any{"CollectionIds": pg, "FaceModelVersions": versions}
	if next != "" {
		resp["NextToken"] = next
	}
	return jsonAnswer(resp)
}

func listRekognitionTags(s *Server, c *ServiceCall) (int, []byte, *APIError) {
	arn, _ := c.Body["ResourceArn"].(string)
	// The collection's ARN must be of this Region and its partition, as
	// Rekognition names it: arn:PARTITION:rekognition:REGION:ACCOUNT:collection/ID.
	a, err := awsid.ParseARN(arn)
	id, ok := strings.CutPrefix(a.Resource, "collection/")
	if err != nil || !ok || a.Service != "rekognition" || a.Region != c.Region ||
		a.Partition != awsid.EndpointPartition(c.Region) || !awsid.IsAccountID(a.AccountID) {
		return 0, nil, &APIError{Code: "InvalidParameterException", Message: "Request has invalid parameters"}
	}
	s.mu.Lock()
	tags, found := s.svc.collections[id]
	s.mu.Unlock()
	if !found {
		return 0, nil, &APIError{Code: "ResourceNotFoundException", Message: fmt.Sprintf("The resource %s does not exist.", arn)}
	}
	if tags == nil {
		tags = map[string]string{}
	}
	return jsonAnswer(map[string]any{"Tags": tags})
}
