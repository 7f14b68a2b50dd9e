package localaws

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// jsonContentType is the Content-Type of awsJson1_1 requests and answers.
const jsonContentType = "application/x-amz-json-1.1"

// Limits of the Config API model.
const (
	// MaxEvaluations is PutEvaluations' limit on evaluations per call.
	MaxEvaluations      = 100
	maxResourceType     = 256
	maxResourceID       = 768
	maxAnnotation       = 256
	maxHistoryLimit     = 100
	defaultHistoryLimit = 10
)

// complianceTypes is the ComplianceType enum of the API model.
// PutEvaluations accepts only the first three.
var complianceTypes = []string{"COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE", "INSUFFICIENT_DATA"}

// Evaluation is one evaluation as PutEvaluations received it (or reported it
// back as failed).
type Evaluation struct {
	ComplianceResourceType string
	ComplianceResourceID   string
	ComplianceType         string
	// Annotation is nil when the request carried none.
	Annotation        *string
	OrderingTimestamp time.Time
}

// PutEvaluations is what one PutEvaluations call sent and which of its
// evaluations the server reported back as failed.
type PutEvaluations struct {
	// ResultToken is nil when the request carried none.
	ResultToken *string
	TestMode    bool
	Evaluations []Evaluation
	// Failed lists the evaluations answered in FailedEvaluations.
	Failed []Evaluation
}

// GetResourceConfigHistory is what one GetResourceConfigHistory call asked
// for, and how many items the server returned.
type GetResourceConfigHistory struct {
	ResourceType       string
	ResourceID         string
	LaterTime          *time.Time
	EarlierTime        *time.Time
	ChronologicalOrder string
	Limit              int
	NextToken          string
	Returned           int
}

// ConfigurationItem is a CI the server returns from GetResourceConfigHistory,
// registered by a test with AddConfigurationItem.
type ConfigurationItem struct {
	Version              string
	AccountID            string
	CaptureTime          time.Time
	Status               string // "OK" when empty
	StateID              string
	MD5Hash              string
	ARN                  string
	ResourceType         string
	ResourceID           string
	ResourceName         string
	Region               string
	AvailabilityZone     string
	ResourceCreationTime time.Time
	Tags                 map[string]string
	Relationships        []Relationship
	// Configuration is the resource's configuration as JSON text; the API
	// sends it as a JSON-encoded string.
	Configuration string
	// SupplementaryConfiguration values are JSON text too, sent as strings.
	SupplementaryConfiguration map[string]string
}

// Relationship is a CI's link to another resource.
type Relationship struct {
	ResourceType     string
	ResourceID       string
	ResourceName     string
	RelationshipName string
}

type resourceKey struct{ resourceType, resourceID string }

// AddConfigurationItem registers a CI for GetResourceConfigHistory. Items of
// one resource are served newest first (or oldest first with
// chronologicalOrder Forward), by capture time.
func (s *Server) AddConfigurationItem(ci ConfigurationItem) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := resourceKey{ci.ResourceType, ci.ResourceID}
	list := append(s.items[k], ci)
	slices.SortStableFunc(list, func(a, b ConfigurationItem) int { return b.CaptureTime.Compare(a.CaptureTime) })
	s.items[k] = list
}

// Evaluations returns the evaluations Config would have stored: those of
// successful PutEvaluations calls outside TestMode, less the ones reported
// back as failed, in arrival order.
func (s *Server) Evaluations() []Evaluation {
	var out []Evaluation
	for _, c := range s.CallsTo(OpPutEvaluations) {
		if c.Failed() || c.PutEvaluations == nil || c.PutEvaluations.TestMode {
			continue
		}
		failed := c.PutEvaluations.Failed
		for _, e := range c.PutEvaluations.Evaluations {
			if !slices.ContainsFunc(failed, func(f Evaluation) bool { return sameEvaluation(e, f) }) {
				out = append(out, e)
			}
		}
	}
	return out
}

func sameEvaluation(a, b Evaluation) bool {
	return a.ComplianceResourceType == b.ComplianceResourceType && a.ComplianceResourceID == b.ComplianceResourceID &&
		a.ComplianceType == b.ComplianceType && a.OrderingTimestamp.Equal(b.OrderingTimestamp) &&
		(a.Annotation == nil) == (b.Annotation == nil) && (a.Annotation == nil || *a.Annotation == *b.Annotation)
}

// configOps are the Config operations the server answers, each decoding
// the raw body into its own shape.
var configOps = map[string]handler{
	OpPutEvaluations: func(s *Server, c *ServiceCall) (int, []byte, *APIError) { return s.putEvaluations(c.raw, c.call) },
	OpGetResourceConfigHistory: func(s *Server, c *ServiceCall) (int, []byte, *APIError) {
		return s.getResourceConfigHistory(c.raw, c.call)
	},
	OpGetComplianceDetailsByConfigRule: func(s *Server, c *ServiceCall) (int, []byte, *APIError) {
		return s.getComplianceDetailsByConfigRule(c.raw, c.call)
	},
}

type wireEvaluation struct {
	ComplianceResourceType *string         `json:"ComplianceResourceType"`
	ComplianceResourceID   *string         `json:"ComplianceResourceId"`
	ComplianceType         *string         `json:"ComplianceType"`
	Annotation             *string         `json:"Annotation"`
	OrderingTimestamp      json.RawMessage `json:"OrderingTimestamp"`
}

type wirePutEvaluations struct {
	Evaluations []wireEvaluation `json:"Evaluations"`
	ResultToken *string          `json:"ResultToken"`
	TestMode    *bool            `json:"TestMode"`
}

// violations collects constraint violations in the words of AWS's
// ValidationException messages.
type violations []string

func (v *violations) add(value, path, constraint string) {
	*v = append(*v, fmt.Sprintf("Value %s at '%s' failed to satisfy constraint: %s", value, path, constraint))
}

func (v violations) err() *APIError {
	if len(v) == 0 {
		return nil
	}
	noun := "error"
	if len(v) > 1 {
		noun = "errors"
	}
	return &APIError{Code: "ValidationException", Message: fmt.Sprintf("%d validation %s detected: %s", len(v), noun, strings.Join(v, "; "))}
}

func quote(s string) string { return "'" + s + "'" }

func (v *violations) length(s *string, path string, lo, hi int) {
	if s == nil {
		v.add("null", path, "Member must not be null")
		return
	}
	switch n := utf8.RuneCountInString(*s); {
	case n < lo:
		v.add(quote(*s), path, fmt.Sprintf("Member must have length greater than or equal to %d", lo))
	case n > hi:
		v.add(quote(*s), path, fmt.Sprintf("Member must have length less than or equal to %d", hi))
	}
}

func (s *Server) putEvaluations(body []byte, call *Call) (int, []byte, *APIError) {
	var in wirePutEvaluations
	if err := json.Unmarshal(body, &in); err != nil {
		return 0, nil, &APIError{Code: "SerializationException", Message: serializationMessage(err)}
	}
	rec := &PutEvaluations{ResultToken: in.ResultToken, TestMode: in.TestMode != nil && *in.TestMode}
	call.PutEvaluations = rec

	var v violations
	if in.ResultToken == nil {
		v.add("null", "resultToken", "Member must not be null")
	}
	if len(in.Evaluations) > MaxEvaluations {
		v.add(fmt.Sprintf("'[%d evaluations]'", len(in.Evaluations)), "evaluations", fmt.Sprintf("Member must have length less than or equal to %d", MaxEvaluations))
	}
	for i, w := range in.Evaluations {
		path := fmt.Sprintf("evaluations.%d.member.", i+1)
		e := Evaluation{Annotation: w.Annotation}
		v.length(w.ComplianceResourceType, path+"complianceResourceType", 1, maxResourceType)
		v.length(w.ComplianceResourceID, path+"complianceResourceId", 1, maxResourceID)
		if w.ComplianceResourceType != nil {
			e.ComplianceResourceType = *w.ComplianceResourceType
		}
		if w.ComplianceResourceID != nil {
			e.ComplianceResourceID = *w.ComplianceResourceID
		}
		switch {
		case w.ComplianceType == nil:
			v.add("null", path+"complianceType", "Member must not be null")
		case !slices.Contains(complianceTypes, *w.ComplianceType):
			e.ComplianceType = *w.ComplianceType
			v.add(quote(*w.ComplianceType), path+"complianceType", "Member must satisfy enum value set: ["+strings.Join(complianceTypes, ", ")+"]")
		default:
			e.ComplianceType = *w.ComplianceType
		}
		if w.Annotation != nil {
			v.length(w.Annotation, path+"annotation", 1, maxAnnotation)
		}
		ts, err := decodeTimestamp(w.OrderingTimestamp)
		switch {
		case err != nil:
			return 0, nil, &APIError{Code: "SerializationException", Message: "OrderingTimestamp: " + err.Error()}
		case ts == nil:
			v.add("null", path+"orderingTimestamp", "Member must not be null")
		default:
			e.OrderingTimestamp = *ts
		}
		rec.Evaluations = append(rec.Evaluations, e)
	}
	if err := v.err(); err != nil {
		return 0, nil, err
	}
	// Past the model's constraints, Config's own checks.
	for _, e := range rec.Evaluations {
		if e.ComplianceType == "INSUFFICIENT_DATA" {
			return 0, nil, &APIError{Code: "InvalidParameterValueException", Message: "The ComplianceType INSUFFICIENT_DATA is not supported for " +
				"PutEvaluations. Use COMPLIANT, NON_COMPLIANT or NOT_APPLICABLE."}
		}
	}
	if !rec.TestMode {
		token := *in.ResultToken
		if token == "" || (s.opts.ResultTokens != nil && !slices.Contains(s.opts.ResultTokens, token)) {
			return 0, nil, &APIError{Code: "InvalidResultTokenException", Message: "The result token is invalid."}
		}
	}

	if f := s.takeEvalFault(); f != nil {
		for _, e := range rec.Evaluations {
			if len(f.resourceIDs) == 0 || slices.Contains(f.resourceIDs, e.ComplianceResourceID) {
				rec.Failed = append(rec.Failed, e)
			}
		}
	}
	if !rec.TestMode {
		s.storeResults(*in.ResultToken, rec)
	}
	failed := make([]map[string]any, 0, len(rec.Failed))
	for _, e := range rec.Failed {
		failed = append(failed, evaluationWire(e))
	}
	return jsonAnswer(map[string]any{"FailedEvaluations": failed})
}

func evaluationWire(e Evaluation) map[string]any {
	m := map[string]any{
		"ComplianceResourceType": e.ComplianceResourceType,
		"ComplianceResourceId":   e.ComplianceResourceID,
		"ComplianceType":         e.ComplianceType,
		"OrderingTimestamp":      epochSeconds(e.OrderingTimestamp),
	}
	if e.Annotation != nil {
		m["Annotation"] = *e.Annotation
	}
	return m
}

type wireHistoryRequest struct {
	ResourceType       *string         `json:"resourceType"`
	ResourceID         *string         `json:"resourceId"`
	LaterTime          json.RawMessage `json:"laterTime"`
	EarlierTime        json.RawMessage `json:"earlierTime"`
	ChronologicalOrder *string         `json:"chronologicalOrder"`
	Limit              *int            `json:"limit"`
	NextToken          *string         `json:"nextToken"`
}

func (s *Server) getResourceConfigHistory(body []byte, call *Call) (int, []byte, *APIError) {
	var in wireHistoryRequest
	if err := json.Unmarshal(body, &in); err != nil {
		return 0, nil, &APIError{Code: "SerializationException", Message: serializationMessage(err)}
	}
	rec := &GetResourceConfigHistory{ChronologicalOrder: "Reverse", Limit: defaultHistoryLimit}
	call.GetResourceConfigHistory = rec
	var v violations
	if in.ResourceType == nil {
		v.add("null", "resourceType", "Member must not be null")
	} else {
		rec.ResourceType = *in.ResourceType
	}
	v.length(in.ResourceID, "resourceId", 1, maxResourceID)
	if in.ResourceID != nil {
		rec.ResourceID = *in.ResourceID
	}
	if in.Limit != nil {
		switch {
		case *in.Limit < 0:
			v.add(quote(strconv.Itoa(*in.Limit)), "limit", "Member must have value greater than or equal to 0")
		case *in.Limit > maxHistoryLimit:
			v.add(quote(strconv.Itoa(*in.Limit)), "limit", fmt.Sprintf("Member must have value less than or equal to %d", maxHistoryLimit))
		case *in.Limit > 0:
			rec.Limit = *in.Limit
		}
	}
	if in.ChronologicalOrder != nil {
		switch *in.ChronologicalOrder {
		case "Reverse", "Forward":
			rec.ChronologicalOrder = *in.ChronologicalOrder
		default:
			v.add(quote(*in.ChronologicalOrder), "chronologicalOrder", "Member must satisfy enum value set: [Reverse, Forward]")
		}
	}
	var err error
	if rec.LaterTime, err = decodeTimestamp(in.LaterTime); err != nil {
		return 0, nil, &APIError{Code: "SerializationException", Message: "laterTime: " + err.Error()}
	}
	if rec.EarlierTime, err = decodeTimestamp(in.EarlierTime); err != nil {
		return 0, nil, &APIError{Code: "SerializationException", Message: "earlierTime: " + err.Error()}
	}
	if in.NextToken != nil {
		rec.NextToken = *in.NextToken
	}
	if err := v.err(); err != nil {
		return 0, nil, err
	}
	if rec.LaterTime != nil && rec.EarlierTime != nil && rec.EarlierTime.After(*rec.LaterTime) {
		return 0, nil, &APIError{Code: "InvalidTimeRangeException", Message: "The earlierTime must be before the laterTime."}
	}
	start := 0
	if rec.NextToken != "" {
		n, err := strconv.Atoi(rec.NextToken)
		if err != nil || n < 0 {
			return 0, nil, &APIError{Code: "InvalidNextTokenException", Message: "The nextToken provided is invalid."}
		}
		start = n
	}

	s.mu.Lock()
	all, known := s.items[resourceKey{rec.ResourceType, rec.ResourceID}]
	all = slices.Clone(all)
	s.mu.Unlock()
	if !known {
		return 0, nil, &APIError{Code: "ResourceNotDiscoveredException",
			Message: fmt.Sprintf("Resource %s of resourceType:%s is unknown or has not been discovered", rec.ResourceID, rec.ResourceType)}
	}
	var match []ConfigurationItem
	for _, ci := range all { // newest first
		if rec.LaterTime != nil && ci.CaptureTime.After(*rec.LaterTime) {
			continue
		}
		if rec.EarlierTime != nil && ci.CaptureTime.Before(*rec.EarlierTime) {
			continue
		}
		match = append(match, ci)
	}
	if rec.ChronologicalOrder == "Forward" {
		slices.Reverse(match)
	}
	if start > len(match) {
		return 0, nil, &APIError{Code: "InvalidNextTokenException", Message: "The nextToken provided is invalid."}
	}
	end := min(start+rec.Limit, len(match))
	page := match[start:end]
	rec.Returned = len(page)
	items := make([]map[string]any, len(page))
	for i, ci := range page {
		items[i] = itemWire(ci)
	}
	resp := map[string]any{"configurationItems": items}
	if end < len(match) {
		resp["nextToken"] = strconv.Itoa(end)
	}
	return jsonAnswer(resp)
}

// itemWire renders a CI in the API shape: camelCase names, configuration as
// a JSON string, timestamps as epoch seconds.
func itemWire(ci ConfigurationItem) map[string]any {
	status := ci.Status
	if status == "" {
		status = "OK"
	}
	m := map[string]any{
		"configurationItemStatus": status,
		"resourceType":            ci.ResourceType,
		"resourceId":              ci.ResourceID,
		"relatedEvents":           []string{},
	}
	set := func(k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	set("version", ci.Version)
	set("accountId", ci.AccountID)
	set("configurationStateId", ci.StateID)
	set("configurationItemMD5Hash", ci.MD5Hash)
	set("arn", ci.ARN)
	set("resourceName", ci.ResourceName)
	set("awsRegion", ci.Region)
	set("availabilityZone", ci.AvailabilityZone)
	set("configuration", ci.Configuration)
	if !ci.CaptureTime.IsZero() {
		m["configurationItemCaptureTime"] = epochSeconds(ci.CaptureTime)
		m["configurationItemDeliveryTime"] = epochSeconds(ci.CaptureTime)
	}
	if !ci.ResourceCreationTime.IsZero() {
		m["resourceCreationTime"] = epochSeconds(ci.ResourceCreationTime)
	}
	m["tags"] = orEmpty(ci.Tags)
	m["supplementaryConfiguration"] = orEmpty(ci.SupplementaryConfiguration)
	rels := make([]map[string]string, 0, len(ci.Relationships))
	for _, r := range ci.Relationships {
		rel := map[string]string{"resourceType": r.ResourceType, "relationshipName": r.RelationshipName}
		if r.ResourceID != "" {
			rel["resourceId"] = r.ResourceID
		}
		if r.ResourceName != "" {
			rel["resourceName"] = r.ResourceName
		}
		rels = append(rels, rel)
	}
	m["relationships"] = rels
	return m
}

func orEmpty(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// epochSeconds renders t as the awsJson protocols do: seconds since the
// epoch, with milliseconds as a fraction.
func epochSeconds(t time.Time) json.Number {
	ms := t.UnixMilli()
	return json.Number(strconv.FormatFloat(float64(ms)/1e3, 'f', -1, 64))
}

// decodeTimestamp reads an epoch-seconds timestamp (nil when absent or
// null), to the millisecond.
func decodeTimestamp(raw json.RawMessage) (*time.Time, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, fmt.Errorf("want epoch seconds, got %.40s", raw)
	}
	t := time.UnixMilli(int64(math.Round(f * 1000))).UTC()
	return &t, nil
}

func serializationMessage(err error) string {
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		return fmt.Sprintf("Unexpected value type for %s: got JSON %s", te.Field, te.Value)
	}
	return err.Error()
}
