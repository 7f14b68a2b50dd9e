package localaws

import (
	"encoding/xml"
	"fmt"
	"github.com/aiguard/aiguard/awsid"
	"maps"
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

// AddIAMRole registers a role, replacing one of the same name (IAM role
// names are unique regardless of case).
func (s *Server) AddIAMRole(r IAMRole) {
	if r.Path == "" {
		r.Path = "/"
	}
	if r.ARN == "" {
		r.ARN = awsid.RoleARN(awsid.AWS, r.AccountID, strings.TrimPrefix(r.Path, "/")+r.RoleName)
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

// iamOps are the IAM operations the server answers.
var iamOps = map[string]handler{
	OpGetRole:                        iamOp(iamGetRole),
	OpListAttachedRolePolicies:       iamOp(iamListRolePolicies),
	OpListRolePolicies:               iamOp(iamListRolePolicies),
	OpGetRolePolicy:                  iamOp(iamGetRolePolicy),
	OpGetPolicy:                      iamOp(iamGetPolicy),
	OpGetPolicyVersion:               iamOp(iamGetPolicy),
	"GetUser":                        iamOp(iamGetUser),
	"ListServiceSpecificCredentials": iamOp(iamListServiceCredentials),
}

// iamOperation answers one IAM action from its form: the content of the
// response's result element, and for a listing how many items it holds.
type iamOperation func(s *Server, action string, form url.Values) (result string, n int, err *APIError)

// iamOp wraps an IAM operation's result in IAM's response envelope.
func iamOp(op iamOperation) handler {
	return func(s *Server, c *ServiceCall) (int, []byte, *APIError) {
		action := c.form.Get("Action")
		result, n, err := op(s, action, c.form)
		if err != nil {
			return 0, nil, err
		}
		c.Returned = n
		out := "<" + action + `Response xmlns="` + iamNamespace + `"><` + action + "Result>" + result + "</" + action + "Result>" +
			"<ResponseMetadata><RequestId>" + newRequestID() + "</RequestId></ResponseMetadata></" + action + "Response>"
		return http.StatusOK, []byte(out), nil
	}
}

// required reads a required member of an IAM form, of lo to hi characters.
func (v *violations) required(form url.Values, name string, lo, hi int) string {
	if !form.Has(name) {
		v.add("null", lowerFirst(name), "Member must not be null")
		return ""
	}
	val := form.Get(name)
	v.length(&val, lowerFirst(name), lo, hi)
	return val
}

func iamGetRole(s *Server, _ string, form url.Values) (string, int, *APIError) {
	var v violations
	name := v.required(form, "RoleName", 1, 64)
	r, aerr := s.iamRole(name, v)
	if aerr != nil {
		return "", 0, aerr
	}
	return "<Role>" + xmlField("Path", r.Path) + xmlField("RoleName", r.RoleName) + xmlField("RoleId", r.RoleID) +
		xmlField("Arn", r.ARN) + xmlField("CreateDate", r.CreateDate.UTC().Format(time.RFC3339)) +
		xmlField("AssumeRolePolicyDocument", rfc3986Escape(r.AssumeRolePolicyDocument)) +
		xmlField("MaxSessionDuration", strconv.Itoa(maxSessionDuration)) + "</Role>", 0, nil
}

// iamListRolePolicies answers ListAttachedRolePolicies and ListRolePolicies.
func iamListRolePolicies(s *Server, action string, form url.Values) (string, int, *APIError) {
	var v violations
	name := v.required(form, "RoleName", 1, 64)
	limit, marker := iamPaging(form, &v)
	r, aerr := s.iamRole(name, v)
	if aerr != nil {
		return "", 0, aerr
	}
	var items []string
	list := "PolicyNames"
	if action == OpListAttachedRolePolicies {
		list = "AttachedPolicies"
		prefix := form.Get("PathPrefix")
		for _, p := range r.AttachedPolicies {
			if prefix == "" || strings.Contains(p.PolicyARN, ":policy"+prefix) {
				items = append(items, "<member>"+xmlField("PolicyName", p.PolicyName)+xmlField("PolicyArn", p.PolicyARN)+"</member>")
			}
		}
	} else {
		for _, n := range slices.Sorted(maps.Keys(r.InlinePolicies)) {
			items = append(items, xmlField("member", n))
		}
	}
	page, n, aerr := iamPage(action, list, items, limit, marker)
	return page, n, aerr
}

// iamPage is one page of a listing's items, from the Marker on, with
// IsTruncated and the next Marker.
func iamPage(action, list string, items []string, limit int, marker string) (string, int, *APIError) {
	pg, next, aerr := page(items, action, marker, limit, "ValidationError")
	if aerr != nil {
		aerr.Message = "Invalid Marker."
		return "", 0, aerr
	}
	result := "<" + list + ">" + strings.Join(pg, "") + "</" + list + ">" + xmlField("IsTruncated", strconv.FormatBool(next != ""))
	if next != "" {
		result += xmlField("Marker", next)
	}
	return result, len(pg), nil
}

func iamGetRolePolicy(s *Server, _ string, form url.Values) (string, int, *APIError) {
	var v violations
	name := v.required(form, "RoleName", 1, 64)
	policy := v.required(form, "PolicyName", 1, 128)
	r, aerr := s.iamRole(name, v)
	if aerr != nil {
		return "", 0, aerr
	}
	doc, ok := r.InlinePolicies[policy]
	if !ok {
		return "", 0, noSuchEntity(fmt.Sprintf("The role policy with name %s cannot be found.", policy))
	}
	return xmlField("RoleName", r.RoleName) + xmlField("PolicyName", policy) + xmlField("PolicyDocument", rfc3986Escape(doc)), 0, nil
}

// iamGetPolicy answers GetPolicy and GetPolicyVersion.
func iamGetPolicy(s *Server, action string, form url.Values) (string, int, *APIError) {
	var v violations
	arn := v.required(form, "PolicyArn", 20, 2048)
	version := ""
	if action == OpGetPolicyVersion {
		version = v.required(form, "VersionId", 1, 128)
	}
	if err := v.iamErr(); err != nil {
		return "", 0, err
	}
	s.mu.Lock()
	p, ok := s.policies[arn]
	s.mu.Unlock()
	if !ok {
		return "", 0, noSuchEntity(fmt.Sprintf("Policy %s does not exist or is not attachable.", arn))
	}
	if action == OpGetPolicy {
		return "<Policy>" + xmlField("PolicyName", p.Name) + xmlField("PolicyId", p.PolicyID) + xmlField("Arn", p.ARN) +
			xmlField("Path", "/") + xmlField("DefaultVersionId", p.DefaultVersionID) + xmlField("AttachmentCount", "1") +
			xmlField("IsAttachable", "true") + "</Policy>", 0, nil
	}
	if version != p.DefaultVersionID {
		return "", 0, noSuchEntity(fmt.Sprintf("Policy %s version %s does not exist or is not attachable.", arn, version))
	}
	return "<PolicyVersion>" + xmlField("Document", rfc3986Escape(p.Document)) + xmlField("VersionId", p.DefaultVersionID) +
		xmlField("IsDefaultVersion", "true") + "</PolicyVersion>", 0, nil
}

// iamErr is err with IAM's code for constraint violations.
func (v violations) iamErr() *APIError {
	err := v.err()
	if err != nil {
		err.Code = "ValidationError"
	}
	return err
}

// iamRole returns the role named name, once the request's members passed
// their checks (v).
func (s *Server) iamRole(name string, v violations) (IAMRole, *APIError) {
	if err := v.iamErr(); err != nil {
		return IAMRole{}, err
	}
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
