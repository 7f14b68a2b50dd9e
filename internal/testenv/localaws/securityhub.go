package localaws

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// Security Hub speaks restJson1 (signing name securityhub):
// BatchImportFindings is POST /findings/import with {"Findings": [...]}.
// The request is rejected whole (InvalidInputException) when it breaks the
// API model: 1 to 100 findings, each with the required members
// (SchemaVersion, Id, ProductArn, GeneratorId, AwsAccountId, CreatedAt,
// UpdatedAt, Title, Description, Resources) as non-blank strings (a list of
// resources), and the enums of the members it has. A finding that passes
// the model but not Security Hub's own checks is answered in
// FailedFindings and not stored: the default product ARN of the account
// and Region that call (arn:PARTITION:securityhub:REGION:ACCOUNT:product/ACCOUNT/default)
// with AwsAccountId that account, schema version 2018-10-08, ISO 8601
// timestamps, Title at most 256 and Description at most 1,024 characters,
// 1 to 32 resources each with Type and Id, a severity label, and at most
// 240 KB in all.

// Limits of BatchImportFindings.
const (
	maxImportFindings  = 100
	maxFindingBytes    = 240 * 1024
	maxFindingTitle    = 256
	maxFindingDesc     = 1024
	maxFindingResource = 32
)

var securityHubOps = map[string]handler{
	"BatchImportFindings": (*Server).batchImportFindings,
}

func securityHubRoute(r *http.Request) (string, map[string]string, *APIError) {
	if r.Method == http.MethodPost && strings.TrimSuffix(r.URL.EscapedPath(), "/") == "/findings/import" {
		return "BatchImportFindings", nil, nil
	}
	return "", nil, &APIError{Status: http.StatusNotFound, Code: "UnknownOperationException",
		Message: "localaws serves only POST /findings/import (BatchImportFindings) of Security Hub."}
}

func invalidInput(format string, args ...any) *APIError {
	return &APIError{Status: http.StatusBadRequest, Code: "InvalidInputException", Message: fmt.Sprintf(format, args...)}
}

var (
	findingRequired = []string{"SchemaVersion", "Id", "ProductArn", "GeneratorId", "AwsAccountId", "CreatedAt", "UpdatedAt", "Title", "Description"}
	findingEnums    = map[string][]string{
		"RecordState":       {"ACTIVE", "ARCHIVED"},
		"VerificationState": {"UNKNOWN", "TRUE_POSITIVE", "FALSE_POSITIVE", "BENIGN_POSITIVE"},
		"WorkflowState":     {"NEW", "ASSIGNED", "IN_PROGRESS", "DEFERRED", "RESOLVED"},
	}
	severityLabels = []string{"INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"}
	// isoTimestamp is the form Security Hub's timestamps take.
	isoTimestamp   = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$`)
	defaultProduct = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):securityhub:([a-z0-9-]+):(\d{12}):product/(\d{12})/default$`)
)

func (s *Server) batchImportFindings(c *ServiceCall) (int, []byte, *APIError) {
	raw, ok := c.Body["Findings"].([]any)
	if !ok {
		return 0, nil, invalidInput("Findings is required and must be a list")
	}
	if n := len(raw); n < 1 || n > maxImportFindings {
		return 0, nil, invalidInput("Findings must hold 1 to %d findings, got %d", maxImportFindings, n)
	}
	for i, f := range raw {
		if msg := modelProblem(f); msg != "" {
			return 0, nil, invalidInput("Findings[%d]: %s", i, msg)
		}
	}
	var failed []map[string]any
	stored := 0
	for _, f := range raw {
		m := f.(map[string]any)
		id := m["Id"].(string)
		if code, msg := findingProblem(m, c.Region); code != "" {
			failed = append(failed, map[string]any{"Id": id, "ErrorCode": code, "ErrorMessage": msg})
			continue
		}
		s.mu.Lock()
		s.svc.findings[m["ProductArn"].(string)+"\x00"+id] = m
		s.mu.Unlock()
		stored++
	}
	resp := map[string]any{"FailedCount": len(failed), "SuccessCount": stored}
	if len(failed) > 0 {
		resp["FailedFindings"] = failed
	}
	return jsonAnswer(resp)
}

// modelProblem checks a finding against the API model.
func modelProblem(f any) string {
	m, ok := f.(map[string]any)
	if !ok {
		return "a finding must be a structure"
	}
	for _, k := range findingRequired {
		v, present := m[k]
		if !present {
			return "missing required member " + k
		}
		if s, ok := v.(string); !ok || strings.TrimSpace(s) == "" {
			return k + " must be a non-blank string"
		}
	}
	res, ok := m["Resources"].([]any)
	if !ok {
		return "missing required member Resources (a list)"
	}
	for i, r := range res {
		rm, ok := r.(map[string]any)
		if !ok {
			return fmt.Sprintf("Resources[%d] must be a structure", i)
		}
		for _, k := range []string{"Type", "Id"} {
			if s, ok := rm[k].(string); !ok || strings.TrimSpace(s) == "" {
				return fmt.Sprintf("Resources[%d] is missing required member %s", i, k)
			}
		}
	}
	for k, values := range findingEnums {
		if v, present := m[k]; present && !oneOf(v, values) {
			return fmt.Sprintf("%s must be one of %s", k, strings.Join(values, ", "))
		}
	}
	for _, k := range []string{"Severity"} {
		if sev, present := m[k]; present {
			sm, ok := sev.(map[string]any)
			if !ok {
				return k + " must be a structure"
			}
			if l, present := sm["Label"]; present && !oneOf(l, severityLabels) {
				return k + ".Label must be one of " + strings.Join(severityLabels, ", ")
			}
		}
	}
	if t, present := m["Types"]; present {
		list, ok := t.([]any)
		if !ok {
			return "Types must be a list of strings"
		}
		for _, x := range list {
			if s, ok := x.(string); !ok || strings.TrimSpace(s) == "" {
				return "Types must be a list of non-blank strings"
			}
		}
	}
	if pf, present := m["ProductFields"]; present {
		pm, ok := pf.(map[string]any)
		if !ok {
			return "ProductFields must be a map of strings"
		}
		for k, v := range pm {
			if _, ok := v.(string); !ok {
				return "ProductFields." + k + " must be a string"
			}
		}
	}
	return ""
}

func oneOf(v any, values []string) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	for _, x := range values {
		if s == x {
			return true
		}
	}
	return false
}

// findingProblem applies Security Hub's checks beyond the model; it returns
// the error code and message of FailedFindings, or "" when the finding is
// accepted.
func findingProblem(m map[string]any, region string) (string, string) {
	product := m["ProductArn"].(string)
	pm := defaultProduct.FindStringSubmatch(product)
	switch {
	case pm == nil || pm[3] != pm[4]:
		return "InvalidInput", "ProductArn " + product + " is not an account's default product ARN"
	case region != "" && pm[2] != region:
		return "InvalidInput", fmt.Sprintf("ProductArn is in %s, but the request was made in %s", pm[2], region)
	case m["AwsAccountId"] != pm[3]:
		return "AccessDeniedException", fmt.Sprintf("AwsAccountId %v does not match the account %s of the default product ARN", m["AwsAccountId"], pm[3])
	case m["SchemaVersion"] != "2018-10-08":
		return "InvalidInput", "SchemaVersion must be 2018-10-08"
	}
	for _, k := range []string{"CreatedAt", "UpdatedAt", "FirstObservedAt", "LastObservedAt"} {
		if v, present := m[k]; present {
			if s, ok := v.(string); !ok || !isoTimestamp.MatchString(s) {
				return "InvalidInput", k + " must be an ISO 8601 timestamp"
			}
		}
	}
	if n := utf8.RuneCountInString(m["Title"].(string)); n > maxFindingTitle {
		return "InvalidInput", fmt.Sprintf("Title has %d characters, at most %d", n, maxFindingTitle)
	}
	if n := utf8.RuneCountInString(m["Description"].(string)); n > maxFindingDesc {
		return "InvalidInput", fmt.Sprintf("Description has %d characters, at most %d", n, maxFindingDesc)
	}
	if n := len(m["Resources"].([]any)); n < 1 || n > maxFindingResource {
		return "InvalidInput", fmt.Sprintf("Resources holds %d resources, want 1 to %d", n, maxFindingResource)
	}
	if sev, ok := m["Severity"].(map[string]any); !ok || sev["Label"] == nil {
		return "InvalidInput", "Severity.Label is required"
	}
	if b, _ := json.Marshal(m); len(b) >= maxFindingBytes {
		return "InvalidInput", fmt.Sprintf("the finding is %d bytes, at most %d", len(b), maxFindingBytes-1)
	}
	return "", ""
}

// SecurityHubFindings returns the findings imported so far, by Id (a
// finding imported twice is stored once, as the last import gave it).
func (s *Server) SecurityHubFindings() []Doc {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := make([]string, 0, len(s.svc.findings))
	for k := range s.svc.findings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]Doc, len(keys))
	for i, k := range keys {
		out[i] = Doc(s.svc.findings[k])
	}
	return out
}
