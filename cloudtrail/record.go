package cloudtrail

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/aiguard/aiguard/awsid"
)

// Record is one CloudTrail event record: the fields detections and policy
// replays read, typed, and the service-specific parts (requestParameters,
// responseElements, additionalEventData) as raw JSON.
//
// Strings share memory with the record's text (one allocation per record),
// so keeping a small field keeps that text alive; copy (strings.Clone) what
// outlives the record in bulk.
type Record struct {
	EventVersion string
	EventID      string
	// EventTime is when the request was made, in UTC.
	EventTime          time.Time
	EventSource        string // iam.amazonaws.com
	EventName          string // the API action, CreateEndpoint
	AWSRegion          string
	RecipientAccountID string
	// EventType is AwsApiCall, AwsServiceEvent, AwsConsoleAction,
	// AwsConsoleSignIn, AwsVpceEvent or AwsCloudTrailInsight.
	EventType string
	// EventCategory is Management, Data, NetworkActivity or Insight.
	EventCategory string
	ReadOnly      OptBool
	// ManagementEvent is set on management events since eventVersion 1.06.
	ManagementEvent OptBool

	UserIdentity UserIdentity

	SourceIPAddress      string
	UserAgent            string
	VPCEndpointID        string
	VPCEndpointAccountID string
	RequestID            string
	SharedEventID        string
	APIVersion           string
	// SessionCredentialFromConsole is set on requests made from the AWS
	// Management Console.
	SessionCredentialFromConsole OptBool

	// ErrorCode and ErrorMessage are set when the request failed
	// (AccessDenied, Client.UnauthorizedOperation, ...).
	ErrorCode    string
	ErrorMessage string

	// RequestParameters, ResponseElements and AdditionalEventData are the
	// raw JSON values as recorded; nil when absent or null.
	RequestParameters   json.RawMessage
	ResponseElements    json.RawMessage
	AdditionalEventData json.RawMessage

	Resources []Resource
}

// UserIdentity says who made the request.
type UserIdentity struct {
	// Type is Root, IAMUser, AssumedRole, Role, FederatedUser, Directory,
	// AWSAccount, AWSService, IdentityCenterUser or Unknown.
	Type        string
	PrincipalID string
	ARN         string
	AccountID   string
	AccessKeyID string
	UserName    string
	// InvokedBy names the AWS service that made the request on the
	// principal's behalf (sagemaker.amazonaws.com), when one did.
	InvokedBy        string
	IdentityProvider string
	SessionContext   SessionContext
}

// SessionContext describes temporary credentials.
type SessionContext struct {
	SessionIssuer    SessionIssuer
	CreationDate     string
	MFAAuthenticated string
	SourceIdentity   string
}

// SessionIssuer is the role (or user) the session's credentials came from.
type SessionIssuer struct {
	Type        string
	PrincipalID string
	ARN         string
	AccountID   string
	UserName    string
}

// Resource is one entry of the record's resources list.
type Resource struct {
	ARN       string
	AccountID string
	Type      string
}

// OptBool is a JSON boolean that may be absent.
type OptBool uint8

// The values of an OptBool.
const (
	Unset OptBool = iota
	False
	True
)

// Value reports the boolean, and whether it was present.
func (b OptBool) Value() (value, ok bool) { return b == True, b != Unset }

func optBool(v bool) OptBool {
	if v {
		return True
	}
	return False
}

// Principal is the identity to attribute the request to: for an assumed
// role, the role (the session issuer's ARN) rather than the session, so
// that calls from many sessions of one role count together; otherwise the
// identity's ARN; for an AWS service, the service (invokedBy); failing all
// those, the account ("AWSAccount:111122223333") or the principal ID.
func (r *Record) Principal() string {
	u := &r.UserIdentity
	if u.Type == "AssumedRole" {
		if arn := u.SessionContext.SessionIssuer.ARN; arn != "" {
			return arn
		}
		if role := RoleFromSessionARN(u.ARN); role != "" {
			return role
		}
	}
	if u.ARN != "" {
		return u.ARN
	}
	if u.InvokedBy != "" {
		return u.InvokedBy
	}
	if u.AccountID != "" && u.Type != "" {
		return u.Type + ":" + u.AccountID
	}
	if u.PrincipalID != "" {
		return u.PrincipalID
	}
	return u.Type
}

// RoleName returns the name of the IAM role that made the request (for an
// assumed role, the session issuer's name), or "".
func (r *Record) RoleName() string {
	u := &r.UserIdentity
	switch u.Type {
	case "AssumedRole":
		if n := u.SessionContext.SessionIssuer.UserName; n != "" {
			return n
		}
		if role := RoleFromSessionARN(u.ARN); role != "" {
			return role[strings.LastIndexByte(role, '/')+1:]
		}
	case "Role":
		if i := strings.LastIndexByte(u.ARN, '/'); i >= 0 {
			return u.ARN[i+1:]
		}
	}
	return ""
}

// RoleFromSessionARN turns an assumed-role session ARN
// (arn:aws:sts::111122223333:assumed-role/NAME/SESSION) into the role's ARN
// (arn:aws:iam::111122223333:role/NAME). A role's path is not part of the
// session ARN, so the result names the role without it. It returns "" for
// anything else.
func RoleFromSessionARN(arn string) string {
	a, err := awsid.ParseARN(arn)
	if err != nil || a.Service != "sts" || !awsid.IsAccountID(a.AccountID) {
		return ""
	}
	rest, ok := strings.CutPrefix(a.Resource, "assumed-role/")
	if !ok {
		return ""
	}
	name, _, ok := strings.Cut(rest, "/")
	if !ok || !awsid.IsRoleName(name) {
		return ""
	}
	return awsid.RoleARN(a.Partition, a.AccountID, name)
}

// Failed reports whether the request failed.
func (r *Record) Failed() bool { return r.ErrorCode != "" }

// AccessDeniedCodes are the errorCode values of requests refused for lack
// of permission (an identity or resource policy, an SCP, a permission
// boundary, a VPC endpoint policy), in the spellings services use.
var AccessDeniedCodes = []string{
	"AccessDenied", "AccessDeniedException", "Client.UnauthorizedOperation", "UnauthorizedOperation",
	"UnauthorizedException", "VpceAccessDenied",
}

// AccessDenied reports whether the request was refused for lack of
// permission: its errorCode is one of AccessDeniedCodes.
func (r *Record) AccessDenied() bool {
	if r.ErrorCode == "" {
		return false
	}
	for _, c := range AccessDeniedCodes {
		if r.ErrorCode == c {
			return true
		}
	}
	return false
}

// Account is the account the event belongs to: recipientAccountId, or the
// caller's account when the record lacks it.
func (r *Record) Account() string {
	if r.RecipientAccountID != "" {
		return r.RecipientAccountID
	}
	return r.UserIdentity.AccountID
}
