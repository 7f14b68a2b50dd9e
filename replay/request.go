// Package replay turns CloudTrail records into IAM requests and decides
// them against a team's policies, so that the impact of new SCPs can be
// seen before they are attached: the past calls they would deny, grouped
// by principal and action, with the statement that decides.
//
// What CloudTrail records is known: the caller, the action, the Region,
// the time, the source address and the request parameters that carry the
// control keys aiguard's policies test (SageMaker VPC, isolation,
// encryption, KMS keys, root and internet access, instance types and
// lifecycle configurations; the Bedrock model, guardrail and inference
// profile; the permission boundary and tags of IAM principals). Every
// other condition key, such as the caller's principal tags, is unknown: a
// call whose decision depends on one is "may deny", never allowed.
//
// Org is a spec's generated policies: it decides requests files' requests
// (aiguard simulate --requests) and makes the Replayer of CloudTrail
// records (--cloudtrail).
package replay

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"strings"
	"time"

	"github.com/aiguard/aiguard/cloudtrail"
	"github.com/aiguard/aiguard/iameval"
)

// Skip reasons: calls that are not replayed.
const (
	SkipFailed         = "the call failed"
	SkipService        = "made by an AWS service or a service-linked role, which SCPs do not affect"
	SkipNotTeam        = "in an account no team owns"
	SkipManagement     = "in the management account, which SCPs do not affect"
	SkipNotAPICall     = "not an API call (a console sign-in, a service event)"
	SkipNoPrincipalARN = "without a principal ARN"
)

// Request turns a record into a request: the IAM action, the principal,
// the resource when the record or its parameters name it, and the
// condition keys the record shows; every other key is unknown. The second
// result is why the record is not a request to replay, or "".
func Request(r *cloudtrail.Record) (iameval.Request, string) {
	if r.Failed() {
		return iameval.Request{}, SkipFailed
	}
	switch r.EventType {
	case "", "AwsApiCall":
	default:
		return iameval.Request{}, SkipNotAPICall
	}
	u := &r.UserIdentity
	if u.Type == "AWSService" || strings.Contains(u.SessionContext.SessionIssuer.ARN, ":role/aws-service-role/") {
		return iameval.Request{}, SkipService
	}
	principal := u.ARN
	if principal == "" {
		if u.Type == "Root" && u.AccountID != "" {
			principal = "arn:aws:iam::" + u.AccountID + ":root"
		} else {
			return iameval.Request{}, SkipNoPrincipalARN
		}
	}
	action := Action(r.EventSource, r.EventName)
	req := iameval.Request{Principal: principal, Action: action, UnknownOthers: true, Context: map[string][]string{}}
	ctx := req.Context
	set := func(k string, v ...string) {
		if len(v) > 0 && v[0] != "" {
			ctx[k] = v
		}
	}
	// The role's ARN with its path; the session ARN has no path.
	if issuer := u.SessionContext.SessionIssuer.ARN; u.Type == "AssumedRole" && issuer != "" {
		set("aws:PrincipalArn", issuer)
	}
	set("aws:RequestedRegion", r.AWSRegion)
	set("aws:PrincipalAccount", u.AccountID)
	if !r.EventTime.IsZero() {
		set("aws:CurrentTime", r.EventTime.UTC().Format(time.RFC3339))
		set("aws:EpochTime", fmt.Sprint(r.EventTime.Unix()))
	}
	if _, err := netip.ParseAddr(r.SourceIPAddress); err == nil {
		set("aws:SourceIp", r.SourceIPAddress)
	}
	if u.InvokedBy != "" {
		set("aws:ViaAWSService", "true")
		set("aws:CalledVia", u.InvokedBy)
	} else {
		set("aws:ViaAWSService", "false")
	}
	set("aws:SourceVpce", r.VPCEndpointID)
	if u.Type == "IAMUser" {
		set("aws:username", u.UserName)
	}
	if u.PrincipalID != "" {
		set("aws:userid", u.PrincipalID)
	}
	params := parseParams(r.RequestParameters)
	resource, known := resourceOf(r, action, params)
	req.Resource, req.ResourceUnknown = resource, !known
	if params != nil {
		extract(&req, r, action, params)
	}
	return req, ""
}

// Action returns the IAM action of a CloudTrail event: the event source's
// service prefix and the event name, with the few names that differ (the
// Bedrock Converse APIs are authorized as InvokeModel; Lambda events carry
// the API version).
func Action(source, name string) string {
	prefix := strings.TrimSuffix(source, ".amazonaws.com")
	if p, ok := sourcePrefixes[prefix]; ok {
		prefix = p
	}
	if n, ok := renamed[prefix+":"+name]; ok {
		return n
	}
	if prefix == "lambda" {
		name = lambdaVersion.ReplaceAllString(name, "")
	}
	return prefix + ":" + name
}

// sourcePrefixes are event sources whose service prefix differs.
var sourcePrefixes = map[string]string{
	"monitoring":            "cloudwatch",
	"runtime.sagemaker":     "sagemaker",
	"api.sagemaker":         "sagemaker",
	"bedrock-runtime":       "bedrock",
	"bedrock-agent":         "bedrock",
	"bedrock-agent-runtime": "bedrock",
}

// renamed are events authorized under another action.
var renamed = map[string]string{
	"bedrock:Converse":       "bedrock:InvokeModel",
	"bedrock:ConverseStream": "bedrock:InvokeModelWithResponseStream",
}

var lambdaVersion = regexp.MustCompile(`20[0-9]{6}(v[0-9]+)?$`)

// params are request parameters as JSON values.
type params map[string]any

func parseParams(raw json.RawMessage) params {
	if len(raw) == 0 {
		return nil
	}
	var p map[string]any
	if err := json.Unmarshal(raw, &p); err != nil {
		// Lake gives a nested parameter as a JSON string; a record with
		// unreadable parameters is treated as one without.
		return nil
	}
	return p
}

// get follows a path of keys; ok is false when a step is missing.
func (p params) get(path ...string) (any, bool) {
	var cur any = map[string]any(p)
	for _, k := range path {
		m, isMap := cur.(map[string]any)
		if !isMap {
			// Lake: a nested parameter as a JSON string.
			s, isStr := cur.(string)
			if !isStr || json.Unmarshal([]byte(s), &m) != nil {
				return nil, false
			}
		}
		v, ok := m[k]
		if !ok || v == nil {
			return nil, false
		}
		cur = v
	}
	return cur, true
}

// strings returns a value as strings: a string, a boolean or number as
// its text, a list of those.
func texts(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case bool:
		return []string{fmt.Sprint(x)}
	case float64:
		return []string{fmt.Sprint(x)}
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, texts(e)...)
		}
		return out
	}
	return nil
}
