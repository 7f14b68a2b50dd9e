package localaws

import (
	"fmt"
	"strconv"
	"time"
)

// Comprehend speaks awsJson1_1 (X-Amz-Target Comprehend_20171127.<Op>);
// its listings carry each job's full properties.

// Comprehend job kinds the server holds, each a job-properties document as
// the listing returns it (timestamps in epoch seconds).
const (
	ComprehendPiiEntitiesJob = "comprehend/PiiEntitiesDetectionJob"
	ComprehendEntitiesJob    = "comprehend/EntitiesDetectionJob"
)

// maxComprehendResults bounds MaxResults of the Comprehend listings.
const maxComprehendResults = 500

// AddComprehendJob registers a job of kind by its properties document
// (PiiEntitiesDetectionJobProperties or EntitiesDetectionJobProperties).
func (s *Server) AddComprehendJob(kind string, d Doc) error {
	if kind != ComprehendPiiEntitiesJob && kind != ComprehendEntitiesJob {
		return fmt.Errorf("localaws: unknown Comprehend kind %q", kind)
	}
	doc, err := decodeDoc(d.JSON())
	if err != nil {
		return fmt.Errorf("localaws: %s: %w", kind, err)
	}
	sd := resourceDoc{key: docString(doc, "JobId"), name: docString(doc, "JobName"), doc: doc}
	if sd.key == "" {
		return fmt.Errorf("localaws: %s: the document has no JobId string", kind)
	}
	if v, ok := doc["SubmitTime"]; ok {
		t, err := docTime(v)
		if err != nil {
			return fmt.Errorf("localaws: %s %s: SubmitTime: %w", kind, sd.key, err)
		}
		sd.created = t
	}
	s.addDoc(kind, sd)
	return nil
}

var comprehendOps = map[string]handler{
	"ListPiiEntitiesDetectionJobs": listComprehend(ComprehendPiiEntitiesJob, "ListPiiEntitiesDetectionJobs", "PiiEntitiesDetectionJobPropertiesList"),
	"ListEntitiesDetectionJobs":    listComprehend(ComprehendEntitiesJob, "ListEntitiesDetectionJobs", "EntitiesDetectionJobPropertiesList"),
	"ListEntityRecognizers":        listComprehendModels(ComprehendEntityRecognizer, "ListEntityRecognizers", "EntityRecognizerPropertiesList"),
	"ListDocumentClassifiers":      listComprehendModels(ComprehendDocumentClassifier, "ListDocumentClassifiers", "DocumentClassifierPropertiesList"),
}

func listComprehend(kind, op, member string) handler {
	return func(s *Server, c *ServiceCall) (int, []byte, *APIError) {
		limit := 10
		if raw, ok := c.Body["MaxResults"]; ok {
			n, err := strconv.Atoi(fmt.Sprint(raw))
			if err != nil || n < 1 || n > maxComprehendResults {
				return 0, nil, &APIError{Code: "ValidationException", Message: fmt.Sprintf(
					"1 validation error detected: Value '%v' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and %d", raw, maxComprehendResults)}
			}
			limit = n
		}
		var after, before *time.Time
		status, name := "", ""
		if f, ok := c.Body["Filter"].(map[string]any); ok {
			for member, dst := range map[string]**time.Time{"SubmitTimeAfter": &after, "SubmitTimeBefore": &before} {
				if raw, ok := f[member]; ok {
					t, err := docTime(raw)
					if err != nil {
						return 0, nil, &APIError{Code: "SerializationException", Message: member + ": " + err.Error()}
					}
					*dst = &t
				}
			}
			status, _ = f["JobStatus"].(string)
			name, _ = f["JobName"].(string)
			// The API allows one filter at a time.
			n := 0
			for _, set := range []bool{after != nil, before != nil, status != "", name != ""} {
				if set {
					n++
				}
			}
			if n > 1 {
				return 0, nil, &APIError{Code: "InvalidFilterException", Message: "Only one filter can be specified at a time."}
			}
		}
		match := s.listDocs(kind, func(d resourceDoc) bool {
			switch {
			case after != nil && !d.created.After(*after):
			case before != nil && !d.created.Before(*before):
			case status != "" && d.doc["JobStatus"] != status:
			case name != "" && d.name != name:
			default:
				return true
			}
			return false
		})
		return jsonPage(c, listing{op, member, "NextToken", "NextToken", "InvalidRequestException"}, match, limit, docOf)
	}
}
