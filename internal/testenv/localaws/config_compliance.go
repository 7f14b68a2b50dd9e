package localaws

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// OpGetComplianceDetailsByConfigRule is the Config operation periodic rules
// call to find their earlier results.
const OpGetComplianceDetailsByConfigRule = "GetComplianceDetailsByConfigRule"

// Limits of GetComplianceDetailsByConfigRule in the Config API model.
const (
	maxComplianceLimit     = 100
	defaultComplianceLimit = 10
	maxConfigRuleName      = 128
)

// EvaluationResult is a stored result of a Config rule for one resource:
// the latest evaluation PutEvaluations delivered for it.
type EvaluationResult struct {
	Evaluation
	ResultToken  string
	RecordedTime time.Time
}

// GetComplianceDetailsByConfigRule is what one call asked for and how many
// results the server returned.
type GetComplianceDetailsByConfigRule struct {
	ConfigRuleName  string
	ComplianceTypes []string
	Limit           int
	NextToken       string
	Returned        int
}

// BindResultToken makes the evaluations that PutEvaluations delivers with
// token (outside TestMode) results of the Config rule ruleName, as Config
// does with the token it hands the rule's invocation. It also makes the
// rule known to GetComplianceDetailsByConfigRule.
func (s *Server) BindResultToken(token, ruleName string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[token] = ruleName
	if s.results[ruleName] == nil {
		s.results[ruleName] = map[resourceKey]EvaluationResult{}
	}
}

// AddEvaluationResult stores a result of ruleName directly, as if an
// earlier invocation had delivered it.
func (s *Server) AddEvaluationResult(ruleName string, e Evaluation) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.results[ruleName] == nil {
		s.results[ruleName] = map[resourceKey]EvaluationResult{}
	}
	s.results[ruleName][resourceKey{e.ComplianceResourceType, e.ComplianceResourceID}] = EvaluationResult{Evaluation: e, RecordedTime: time.Now().UTC()}
}

// EvaluationResults returns the stored results of ruleName, sorted by
// resource type and ID.
func (s *Server) EvaluationResults(ruleName string) []EvaluationResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sortedResults(s.results[ruleName])
}

func sortedResults(m map[resourceKey]EvaluationResult) []EvaluationResult {
	out := make([]EvaluationResult, 0, len(m))
	for _, r := range m {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b EvaluationResult) int {
		if c := strings.Compare(a.ComplianceResourceType, b.ComplianceResourceType); c != 0 {
			return c
		}
		return strings.Compare(a.ComplianceResourceID, b.ComplianceResourceID)
	})
	return out
}

// storeResults keeps the evaluations of a successful PutEvaluations call
// as results of the rule its token is bound to. A result is replaced only
// by an evaluation ordered at or after it, as Config keeps the latest.
func (s *Server) storeResults(token string, rec *PutEvaluations) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rule, ok := s.tokens[token]
	if !ok {
		return
	}
	now := time.Now().UTC()
	for _, e := range rec.Evaluations {
		if slices.ContainsFunc(rec.Failed, func(f Evaluation) bool { return sameEvaluation(e, f) }) {
			continue
		}
		k := resourceKey{e.ComplianceResourceType, e.ComplianceResourceID}
		if old, ok := s.results[rule][k]; ok && e.OrderingTimestamp.Before(old.OrderingTimestamp) {
			continue
		}
		s.results[rule][k] = EvaluationResult{Evaluation: e, ResultToken: token, RecordedTime: now}
	}
}

type wireComplianceDetailsRequest struct {
	ConfigRuleName  *string  `json:"ConfigRuleName"`
	ComplianceTypes []string `json:"ComplianceTypes"`
	Limit           *int     `json:"Limit"`
	NextToken       *string  `json:"NextToken"`
}

func (s *Server) getComplianceDetailsByConfigRule(body []byte, call *Call) (int, []byte, *APIError) {
	var in wireComplianceDetailsRequest
	if err := json.Unmarshal(body, &in); err != nil {
		return 0, nil, &APIError{Code: "SerializationException", Message: serializationMessage(err)}
	}
	rec := &GetComplianceDetailsByConfigRule{ComplianceTypes: in.ComplianceTypes, Limit: defaultComplianceLimit}
	call.GetComplianceDetailsByConfigRule = rec
	var v violations
	v.length(in.ConfigRuleName, "configRuleName", 1, maxConfigRuleName)
	if in.ConfigRuleName != nil {
		rec.ConfigRuleName = *in.ConfigRuleName
	}
	if len(in.ComplianceTypes) > 3 {
		v.add(fmt.Sprintf("'%v'", in.ComplianceTypes), "complianceTypes", "Member must have length less than or equal to 3")
	}
	for i, ct := range in.ComplianceTypes {
		if !slices.Contains(complianceTypes, ct) {
			v.add(quote(ct), fmt.Sprintf("complianceTypes.%d.member", i+1), "Member must satisfy enum value set: ["+strings.Join(complianceTypes, ", ")+"]")
		}
	}
	if in.Limit != nil {
		switch {
		case *in.Limit < 0:
			v.add(quote(strconv.Itoa(*in.Limit)), "limit", "Member must have value greater than or equal to 0")
		case *in.Limit > maxComplianceLimit:
			v.add(quote(strconv.Itoa(*in.Limit)), "limit", fmt.Sprintf("Member must have value less than or equal to %d", maxComplianceLimit))
		case *in.Limit > 0:
			rec.Limit = *in.Limit
		}
	}
	if in.NextToken != nil {
		rec.NextToken = *in.NextToken
	}
	if err := v.err(); err != nil {
		return 0, nil, err
	}
	for _, ct := range in.ComplianceTypes {
		if ct == "INSUFFICIENT_DATA" {
			return 0, nil, &APIError{Code: "InvalidParameterValueException",
				Message: "The ComplianceTypes INSUFFICIENT_DATA is not supported. Use COMPLIANT, NON_COMPLIANT or NOT_APPLICABLE."}
		}
	}

	s.mu.Lock()
	stored, known := s.results[rec.ConfigRuleName]
	all := sortedResults(stored)
	s.mu.Unlock()
	if !known {
		return 0, nil, &APIError{Code: "NoSuchConfigRuleException",
			Message: fmt.Sprintf("The ConfigRule '%s' provided in the request is invalid. Please check the configRule name", rec.ConfigRuleName)}
	}
	var match []EvaluationResult
	for _, r := range all {
		if len(in.ComplianceTypes) == 0 || slices.Contains(in.ComplianceTypes, r.ComplianceType) {
			match = append(match, r)
		}
	}
	pg, next, aerr := page(match, OpGetComplianceDetailsByConfigRule, rec.NextToken, rec.Limit, "InvalidNextTokenException")
	if aerr != nil {
		return 0, nil, aerr
	}
	rec.Returned = len(pg)
	results := make([]map[string]any, len(pg))
	for i, r := range pg {
		m := map[string]any{
			"EvaluationResultIdentifier": map[string]any{
				"EvaluationResultQualifier": map[string]any{
					"ConfigRuleName": rec.ConfigRuleName,
					"ResourceType":   r.ComplianceResourceType,
					"ResourceId":     r.ComplianceResourceID,
					"EvaluationMode": "DETECTIVE",
				},
				"OrderingTimestamp": epochSeconds(r.OrderingTimestamp),
			},
			"ComplianceType":        r.ComplianceType,
			"ResultRecordedTime":    epochSeconds(r.RecordedTime),
			"ConfigRuleInvokedTime": epochSeconds(r.OrderingTimestamp),
		}
		if r.Annotation != nil {
			m["Annotation"] = *r.Annotation
		}
		if r.ResultToken != "" {
			m["ResultToken"] = r.ResultToken
		}
		results[i] = m
	}
	resp := map[string]any{"EvaluationResults": results}
	if next != "" {
		resp["NextToken"] = next
	}
	return jsonAnswer(resp)
}
