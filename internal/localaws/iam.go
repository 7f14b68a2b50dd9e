package localaws

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// IAM operations the server answers (awsQuery, API version 2010-05-08).
const (
	OpGetRole                  = "GetRole"
	OpListAttachedRolePolicies = "ListAttachedRolePolicies"
	OpListRolePolicies         = "ListRolePolicies"
	OpGetRolePolicy            = "GetRolePolicy"
	OpGetPolicy                = "GetPolicy"
	OpGetPolicyVersion         = "GetPolicyVersion"
)

const (
	iamVersion   = "2010-05-08"
	iamNamespace = "https://iam.amazonaws.com/doc/2010-05-08/"

	maxIAMItems     = 1000
	defaultIAMItems = 100
)

var iamOperations = []string{OpGetRole, OpListAttachedRolePolicies, OpListRolePolicies, OpGetRolePolicy, OpGetPolicy, OpGetPolicyVersion}

func isIAMOperation(op string) bool {
	_, breadth := iamBreadthOps[op]
	return slices.Contains(iamOperations, op) || breadth
}

// isIAMRequest reports whether an awsQuery body addresses IAM: its Version
// is IAM's API version.
func isIAMRequest(body []byte) bool {
	form, err := parseForm(body)
	return err == nil && form.Get("Version") == iamVersion
}

// IAMRole is a role the server answers for.
type IAMRole struct {
	RoleName string
	// RoleID is the role's unique ID (AROA...).
	RoleID string
	// Path is "/" when empty.
	Path string
	// ARN is built from AccountID, Path and RoleName when empty.
	ARN        string
	AccountID  string
	CreateDate time.Time
	// AssumeRolePolicyDocument is JSON; the server URL-encodes it, as IAM does.
	AssumeRolePolicyDocument string
	AttachedPolicies         []IAMAttachedPolicy
	// InlinePolicies maps policy names to their JSON documents.
	InlinePolicies map[string]string
}

// IAMAttachedPolicy is a managed policy attached to a role.
type IAMAttachedPolicy struct {
	PolicyName, PolicyARN string
}

// IAMPolicy is a managed policy with its default version's document.
type IAMPolicy struct {
	ARN, Name, PolicyID string
	// DefaultVersionID is "v1" when empty.
	DefaultVersionID string
	// Document is JSON; the server URL-encodes it.
	Document string
}

// IAMCall is what one IAM call asked for and, for a listing, how many items
// the page held.
type IAMCall struct {
	Params   map[string]string
	Returned int
}

// AddIAMRole registers a role, replacing one of the same name (IAM role
// names are unique regardless of case).
func (s *Server) AddIAMRole(r IAMRole) {
	if r.Path == "" {
		r.Path = "/"
	}
	if r.ARN == "" {
		r.ARN = "arn:aws:iam::" + r.AccountID + ":role" + r.Path + r.RoleName
	}
	if r.CreateDate.IsZero() {
		r.CreateDate = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.iamRoles[strings.ToLower(r.RoleName)] = r
}

// AddIAMPolicy registers a managed policy.
func (s *Server) AddIAMPolicy(p IAMPolicy) {
	if p.DefaultVersionID == "" {
		p.DefaultVersionID = "v1"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.policies[p.ARN] = p
}

type iamProtocol struct{ queryProtocol }

func (iamProtocol) service() string { return ServiceIAM }

func (iamProtocol) writeError(w http.ResponseWriter, requestID string, err *APIError) {
	kind := "Sender"
	if err.status() >= 500 {
		kind = "Receiver"
	}
	var b strings.Builder
	b.WriteString(`<ErrorResponse xmlns="` + iamNamespace + `"><Error><Type>` + kind + `</Type><Code>`)
	_ = xml.EscapeText(&b, []byte(err.Code))
	b.WriteString(`</Code><Message>`)
	_ = xml.EscapeText(&b, []byte(err.Message))
	b.WriteString(`</Message></Error><RequestId>` + requestID + `</RequestId></ErrorResponse>`)
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("X-Amzn-RequestId", requestID)
	w.WriteHeader(err.status())
	_, _ = w.Write([]byte(b.String()))
}

// serveIAM runs one IAM operation.
func (s *Server) serveIAM(body []byte, call *Call) (int, []byte, *APIError) {
	form, err := parseForm(body)
	if err != nil {
		return 0, nil, &APIError{Code: "MalformedQueryString", Message: err.Error()}
	}
	action := form.Get("Action")
	if !isIAMOperation(action) {
		return 0, nil, &APIError{Code: "InvalidAction", Message: fmt.Sprintf("Could not find operation %s for version %s", action, iamVersion)}
	}
	rec := &IAMCall{Params: map[string]string{}}
	for k := range form {
		if k != "Action" && k != "Version" {
			rec.Params[k] = form.Get(k)
		}
	}
	call.IAM = rec
	if err := s.takeSteadyThrottle(action); err != nil {
		return 0, nil, err
	}
	if err := s.takeFault(action); err != nil {
		return 0, nil, err
	}
	var v violations
	required := func(name string, lo, hi int) string {
		if !form.Has(name) {
			v.add("null", lowerFirst(name), "Member must not be null")
			return ""
		}
		val := form.Get(name)
		v.length(&val, lowerFirst(name), lo, hi)
		return val
	}
	var result string
	if op, ok := iamBreadthOps[action]; ok {
		var n int
		var aerr *APIError
		if result, n, aerr = op(s, form, &v); aerr != nil {
			return 0, nil, aerr
		}
		rec.Returned = n
	}
	switch action {
	case OpGetRole:
		name := required("RoleName", 1, 64)
		if err := v.iamErr(); err != nil {
			return 0, nil, err
		}
		r, aerr := s.iamRole(name)
		if aerr != nil {
			return 0, nil, aerr
		}
		result = "<Role>" + xmlField("Path", r.Path) + xmlField("RoleName", r.RoleName) + xmlField("RoleId", r.RoleID) +
			xmlField("Arn", r.ARN) + xmlField("CreateDate", r.CreateDate.UTC().Format(time.RFC3339)) +
			xmlField("AssumeRolePolicyDocument", rfc3986Escape(r.AssumeRolePolicyDocument)) +
			xmlField("MaxSessionDuration", strconv.Itoa(maxSessionDuration)) + "</Role>"
	case OpListAttachedRolePolicies, OpListRolePolicies:
		name := required("RoleName", 1, 64)
		limit, marker := iamPaging(form, &v)
		if err := v.iamErr(); err != nil {
			return 0, nil, err
		}
		r, aerr := s.iamRole(name)
		if aerr != nil {
			return 0, nil, aerr
		}
		var items []string
		if action == OpListAttachedRolePolicies {
			prefix := form.Get("PathPrefix")
			for _, p := range r.AttachedPolicies {
				if prefix == "" || strings.Contains(p.PolicyARN, ":policy"+prefix) {
					items = append(items, "<member>"+xmlField("PolicyName", p.PolicyName)+xmlField("PolicyArn", p.PolicyARN)+"</member>")
				}
			}
		} else {
			names := make([]string, 0, len(r.InlinePolicies))
			for n := range r.InlinePolicies {
				names = append(names, n)
			}
			slices.Sort(names)
			for _, n := range names {
				items = append(items, xmlField("member", n))
			}
		}
		start, aerr := pageStart(marker, action, len(items))
		if aerr != nil {
			aerr.Code = "ValidationError"
			aerr.Message = "Invalid Marker."
			return 0, nil, aerr
		}
		end := min(start+limit, len(items))
		rec.Returned = end - start
		list := "AttachedPolicies"
		if action == OpListRolePolicies {
			list = "PolicyNames"
		}
		result = "<" + list + ">" + strings.Join(items[start:end], "") + "</" + list + ">" +
			xmlField("IsTruncated", strconv.FormatBool(end < len(items)))
		if end < len(items) {
			result += xmlField("Marker", pageToken(action, end))
		}
	case OpGetRolePolicy:
		name := required("RoleName", 1, 64)
		policy := required("PolicyName", 1, 128)
		if err := v.iamErr(); err != nil {
			return 0, nil, err
		}
		r, aerr := s.iamRole(name)
		if aerr != nil {
			return 0, nil, aerr
		}
		doc, ok := r.InlinePolicies[policy]
		if !ok {
			return 0, nil, noSuchEntity(fmt.Sprintf("The role policy with name %s cannot be found.", policy))
		}
		result = xmlField("RoleName", r.RoleName) + xmlField("PolicyName", policy) + xmlField("PolicyDocument", rfc3986Escape(doc))
	case OpGetPolicy, OpGetPolicyVersion:
		arn := required("PolicyArn", 20, 2048)
		version := ""
		if action == OpGetPolicyVersion {
			version = required("VersionId", 1, 128)
		}
		if err := v.iamErr(); err != nil {
			return 0, nil, err
		}
		s.mu.Lock()
		p, ok := s.policies[arn]
		s.mu.Unlock()
		if !ok {
			return 0, nil, noSuchEntity(fmt.Sprintf("Policy %s does not exist or is not attachable.", arn))
		}
		if action == OpGetPolicy {
			result = "<Policy>" + xmlField("PolicyName", p.Name) + xmlField("PolicyId", p.PolicyID) + xmlField("Arn", p.ARN) +
				xmlField("Path", "/") + xmlField("DefaultVersionId", p.DefaultVersionID) + xmlField("AttachmentCount", "1") +
				xmlField("IsAttachable", "true") + "</Policy>"
		} else {
			if version != p.DefaultVersionID {
				return 0, nil, noSuchEntity(fmt.Sprintf("Policy %s version %s does not exist or is not attachable.", arn, version))
			}
			result = "<PolicyVersion>" + xmlField("Document", rfc3986Escape(p.Document)) + xmlField("VersionId", p.DefaultVersionID) +
				xmlField("IsDefaultVersion", "true") + "</PolicyVersion>"
		}
	}
	out := "<" + action + `Response xmlns="` + iamNamespace + `"><` + action + "Result>" + result + "</" + action + "Result>" +
		"<ResponseMetadata><RequestId>" + newRequestID() + "</RequestId></ResponseMetadata></" + action + "Response>"
	return http.StatusOK, []byte(out), nil
}

// iamErr is err with IAM's code for constraint violations.
func (v violations) iamErr() *APIError {
	err := v.err()
	if err != nil {
		err.Code = "ValidationError"
	}
	return err
}

func (s *Server) iamRole(name string) (IAMRole, *APIError) {
	s.mu.Lock()
	r, ok := s.iamRoles[strings.ToLower(name)]
	s.mu.Unlock()
	if !ok {
		return r, noSuchEntity(fmt.Sprintf("The role with name %s cannot be found.", name))
	}
	return r, nil
}

func noSuchEntity(msg string) *APIError {
	return &APIError{Status: http.StatusNotFound, Code: "NoSuchEntity", Message: msg}
}

// iamPaging reads MaxItems (1-1000, default 100) and Marker.
func iamPaging(form url.Values, v *violations) (int, string) {
	limit := defaultIAMItems
	if form.Has("MaxItems") {
		raw := form.Get("MaxItems")
		n, err := strconv.Atoi(raw)
		switch {
		case err != nil || n < 1:
			v.add(quote(raw), "maxItems", "Member must have value greater than or equal to 1")
		case n > maxIAMItems:
			v.add(quote(raw), "maxItems", fmt.Sprintf("Member must have value less than or equal to %d", maxIAMItems))
		default:
			limit = n
		}
	}
	return limit, form.Get("Marker")
}

func xmlField(name, value string) string {
	var b strings.Builder
	b.WriteString("<" + name + ">")
	_ = xml.EscapeText(&b, []byte(value))
	b.WriteString("</" + name + ">")
	return b.String()
}

// rfc3986Escape percent-encodes every byte but the unreserved characters,
// as IAM encodes the policy documents it returns.
func rfc3986Escape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}
