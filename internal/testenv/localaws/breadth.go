package localaws

import (
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The second wave of rules' operations on services served elsewhere:
// Comprehend's model listings (awsJson1_1), Bedrock's guardrails
// (restJson1) and IAM's service-specific credentials and users (awsQuery).

// Comprehend model kinds, each a properties document as the listing
// returns it.
const (
	ComprehendEntityRecognizer   = "comprehend/EntityRecognizer"
	ComprehendDocumentClassifier = "comprehend/DocumentClassifier"
)

// BedrockGuardrail is a GetGuardrail response (of a guardrail's draft).
const BedrockGuardrail = "bedrock/Guardrail"

var comprehendModelKeys = map[string]string{
	ComprehendEntityRecognizer: "EntityRecognizerArn", ComprehendDocumentClassifier: "DocumentClassifierArn",
}

// AddComprehendModel registers a custom entity recognizer or document
// classifier by its properties document.
func (s *Server) AddComprehendModel(kind string, d Doc) error {
	key, ok := comprehendModelKeys[kind]
	if !ok {
		return fmt.Errorf("localaws: unknown Comprehend model kind %q", kind)
	}
	return s.addKeyed(kind, key, "", d)
}

// listComprehendModels serves ListEntityRecognizers and
// ListDocumentClassifiers (MaxResults 1-100, NextToken).
func listComprehendModels(kind, op, member string) handler {
	return func(s *Server, c *ServiceCall) (int, []byte, *APIError) {
		limit := 10
		if raw, ok := c.Body["MaxResults"]; ok {
			n, err := strconv.Atoi(fmt.Sprint(raw))
			if err != nil || n < 1 || n > 100 {
				return 0, nil, &APIError{Code: "InvalidRequestException", Message: fmt.Sprintf("MaxResults %v must be between 1 and 100", raw)}
			}
			limit = n
		}
		return jsonPage(c, listing{op, member, "NextToken", "NextToken", "InvalidRequestException"}, s.byKey(kind, nil), limit, docOf)
	}
}

// AddGuardrail registers a guardrail by its GetGuardrail response.
func (s *Server) AddGuardrail(d Doc) error {
	return s.addKeyed(BedrockGuardrail, "guardrailId", "name", d)
}

func listGuardrails(s *Server, c *ServiceCall) (int, []byte, *APIError) {
	limit := 20
	if raw := c.Query["maxResults"]; raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > maxBedrockResults {
			return 0, nil, &APIError{Code: "ValidationException", Message: "maxResults must be between 1 and 1000"}
		}
		limit = n
	}
	return jsonPage(c, listing{"ListGuardrails", "guardrails", "nextToken", "nextToken", "ValidationException"}, s.byKey(BedrockGuardrail, nil), limit,
		func(d resourceDoc) any {
			return map[string]any{"id": d.key, "arn": d.doc["guardrailArn"], "name": d.doc["name"], "status": d.doc["status"],
				"version": d.doc["version"], "createdAt": d.doc["createdAt"], "updatedAt": d.doc["updatedAt"]}
		})
}

func getGuardrail(s *Server, c *ServiceCall) (int, []byte, *APIError) {
	id := c.Path["guardrailIdentifier"]
	if i := strings.LastIndexByte(id, '/'); i >= 0 {
		id = id[i+1:] // an ARN
	}
	d, ok := s.findDoc(BedrockGuardrail, id)
	if !ok {
		return 0, nil, notFound("Guardrail %s not found.", id)
	}
	return jsonAnswer(d.doc)
}

// IAMUser is a user the server answers GetUser and
// ListServiceSpecificCredentials for.
type IAMUser struct {
	UserName, UserID, ARN string
	Credentials           []IAMServiceCredential
}

// IAMServiceCredential is a service-specific credential of a user.
type IAMServiceCredential struct {
	ID, ServiceName, Status string
	Created                 time.Time
	// Expires is nil for a credential that never expires.
	Expires *time.Time
}

// AddIAMUser registers a user, replacing one of the same name.
func (s *Server) AddIAMUser(u IAMUser) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.svc.iamUsers == nil {
		s.svc.iamUsers = map[string]IAMUser{}
	}
	s.svc.iamUsers[strings.ToLower(u.UserName)] = u
}

// The IAM operations of the second wave of rules (iamOps).

func iamGetUser(s *Server, _ string, form url.Values) (string, int, *APIError) {
	name := form.Get("UserName")
	s.mu.Lock()
	u, ok := s.svc.iamUsers[strings.ToLower(name)]
	s.mu.Unlock()
	if !ok {
		return "", 0, noSuchEntity(fmt.Sprintf("The user with name %s cannot be found.", name))
	}
	return "<User>" + xmlField("Path", "/") + xmlField("UserName", u.UserName) + xmlField("UserId", u.UserID) +
		xmlField("Arn", u.ARN) + xmlField("CreateDate", "2026-01-01T00:00:00Z") + "</User>", 0, nil
}

func iamListServiceCredentials(s *Server, action string, form url.Values) (string, int, *APIError) {
	var v violations
	limit, marker := iamPaging(form, &v)
	if err := v.iamErr(); err != nil {
		return "", 0, err
	}
	all := strings.EqualFold(form.Get("AllUsers"), "true")
	name, service := form.Get("UserName"), form.Get("ServiceName")
	if all && name != "" {
		return "", 0, &APIError{Code: "InvalidInput", Message: "UserName and AllUsers cannot both be specified."}
	}
	s.mu.Lock()
	var users []IAMUser
	for _, u := range s.svc.iamUsers {
		if all || strings.EqualFold(u.UserName, name) {
			users = append(users, u)
		}
	}
	s.mu.Unlock()
	if !all && name != "" && len(users) == 0 {
		return "", 0, noSuchEntity(fmt.Sprintf("The user with name %s cannot be found.", name))
	}
	sort.Slice(users, func(i, j int) bool { return users[i].UserName < users[j].UserName })
	var items []string
	for _, u := range users {
		for _, c := range u.Credentials {
			if service != "" && c.ServiceName != service {
				continue
			}
			item := "<member>" + xmlField("UserName", u.UserName) + xmlField("Status", c.Status) +
				xmlField("ServiceUserName", u.UserName+"-at-"+u.UserID[:4]) +
				xmlField("CreateDate", c.Created.UTC().Format(time.RFC3339)) +
				xmlField("ServiceSpecificCredentialId", c.ID) + xmlField("ServiceName", c.ServiceName)
			if c.Expires != nil {
				item += xmlField("ExpirationDate", c.Expires.UTC().Format(time.RFC3339))
			}
			items = append(items, item+"</member>")
		}
	}
	return iamPage(action, "ServiceSpecificCredentials", items, limit, marker)
}
