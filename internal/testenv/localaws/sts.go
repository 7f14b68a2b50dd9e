package localaws

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aiguard/aiguard/awsid"
)

const (
	stsVersion   = "2011-06-15"
	stsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/"

	minDuration        = 900
	maxDuration        = 43200
	defaultDuration    = 3600
	maxSessionDuration = 3600 // a role's MaxSessionDuration unless raised
)

// AssumeRole is what one AssumeRole call asked for and, when it succeeded,
// the access key ID of the credentials it issued.
type AssumeRole struct {
	RoleARN         string
	RoleSessionName string
	// DurationSeconds is 0 when the request carried none.
	DurationSeconds int
	ExternalID      string
	AccessKeyID     string
}

type issuedCredentials struct {
	secret, sessionToken, roleARN string
	expiration                    time.Time
}

var sessionName = regexp.MustCompile(`^[\w+=,.@-]*$`)

// parseRoleARN returns the partition, account and role name (less its
// path) of an IAM role ARN.
func parseRoleARN(s string) (partition, account, name string, ok bool) {
	a, err := awsid.ParseARN(s)
	if err != nil || a.Service != "iam" || a.Region != "" || !awsid.IsAccountID(a.AccountID) {
		return "", "", "", false
	}
	path, found := strings.CutPrefix(a.Resource, "role/")
	if !found || !awsid.IsRoleName(path) {
		return "", "", "", false
	}
	return a.Partition, a.AccountID, awsid.RoleName(path), true
}

func parseForm(body []byte) (url.Values, error) { return url.ParseQuery(string(body)) }

// stsOps are the STS operations the server answers.
var stsOps = map[string]handler{
	OpAssumeRole: func(s *Server, c *ServiceCall) (int, []byte, *APIError) { return s.assumeRole(c.form, c.call) },
}

func (s *Server) assumeRole(form url.Values, call *Call) (int, []byte, *APIError) {
	rec := &AssumeRole{
		RoleARN:         form.Get("RoleArn"),
		RoleSessionName: form.Get("RoleSessionName"),
		ExternalID:      form.Get("ExternalId"),
	}
	call.AssumeRole = rec
	var v violations
	optional := func(name string) *string {
		if !form.Has(name) {
			return nil
		}
		val := form.Get(name)
		return &val
	}
	v.length(optional("RoleArn"), "roleArn", 20, 2048)
	v.length(optional("RoleSessionName"), "roleSessionName", 2, 64)
	if form.Has("RoleSessionName") && !sessionName.MatchString(rec.RoleSessionName) {
		v.add(quote(rec.RoleSessionName), "roleSessionName", `Member must satisfy regular expression pattern: [\w+=,.@-]*`)
	}
	duration := defaultDuration
	if form.Has("DurationSeconds") {
		raw := form.Get("DurationSeconds")
		n, err := strconv.Atoi(raw)
		switch {
		case err != nil:
			return 0, nil, &APIError{Code: "MalformedInput", Message: fmt.Sprintf("DurationSeconds: %q is not an integer", raw)}
		case n < minDuration:
			v.add(quote(raw), "durationSeconds", fmt.Sprintf("Member must have value greater than or equal to %d", minDuration))
		case n > maxDuration:
			v.add(quote(raw), "durationSeconds", fmt.Sprintf("Member must have value less than or equal to %d", maxDuration))
		}
		duration, rec.DurationSeconds = n, n
	}
	if err := v.err(); err != nil {
		err.Code = "ValidationError" // STS's name for it
		return 0, nil, err
	}
	partition, account, roleName, ok := parseRoleARN(rec.RoleARN)
	if !ok {
		return 0, nil, &APIError{Code: "ValidationError", Message: fmt.Sprintf("%s is not a valid role ARN: want arn:<partition>:iam::<12-digit account>:role/<name>", rec.RoleARN)}
	}
	if duration > maxSessionDuration {
		return 0, nil, &APIError{Code: "ValidationError", Message: "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."}
	}
	caller := call.Signer.AccessKeyID
	if call.Signer.Role != "" {
		caller = call.Signer.Role
	}
	denied := &APIError{Status: http.StatusForbidden, Code: "AccessDenied",
		Message: fmt.Sprintf("User: %s is not authorized to perform: sts:AssumeRole on resource: %s", caller, rec.RoleARN)}
	// A role in another partition is out of reach. A Region of no
	// partition signs for aws, as the SDK falls back to it.
	if awsid.EndpointPartition(call.Signer.Region) != partition {
		return 0, nil, denied
	}
	if s.opts.AssumableRoles != nil && !slices.Contains(s.opts.AssumableRoles, rec.RoleARN) {
		return 0, nil, denied
	}

	s.mu.Lock()
	s.serial++
	serial := s.serial
	s.mu.Unlock()
	accessKeyID := "ASIA" + keyID(rec.RoleARN, serial)
	issued := issuedCredentials{
		secret:       randomString(30),
		sessionToken: "FwoGZXIvYXdzE" + randomString(96),
		roleARN:      rec.RoleARN,
		expiration:   time.Now().UTC().Add(time.Duration(duration) * time.Second).Truncate(time.Second),
	}
	s.mu.Lock()
	s.issued[accessKeyID] = issued
	s.mu.Unlock()
	rec.AccessKeyID = accessKeyID

	var b strings.Builder
	b.WriteString(`<AssumeRoleResponse xmlns="` + stsNamespace + `"><AssumeRoleResult>`)
	b.WriteString(`<SourceIdentity></SourceIdentity><AssumedRoleUser><AssumedRoleId>AROA` + keyID(rec.RoleARN, 0) + ":")
	_ = xml.EscapeText(&b, []byte(rec.RoleSessionName))
	b.WriteString(`</AssumedRoleId><Arn>`)
	_ = xml.EscapeText(&b, []byte(awsid.ARN{Partition: partition, Service: "sts", AccountID: account,
		Resource: "assumed-role/" + roleName + "/" + rec.RoleSessionName}.String()))
	b.WriteString(`</Arn></AssumedRoleUser><Credentials>`)
	b.WriteString(`<AccessKeyId>` + accessKeyID + `</AccessKeyId>`)
	b.WriteString(`<SecretAccessKey>` + issued.secret + `</SecretAccessKey>`)
	b.WriteString(`<SessionToken>` + issued.sessionToken + `</SessionToken>`)
	b.WriteString(`<Expiration>` + issued.expiration.Format("2006-01-02T15:04:05Z") + `</Expiration>`)
	b.WriteString(`</Credentials></AssumeRoleResult><ResponseMetadata><RequestId>` + newRequestID() + `</RequestId></ResponseMetadata></AssumeRoleResponse>`)
	return http.StatusOK, []byte(b.String()), nil
}

// keyID derives 16 characters of an access key ID from the role and a
// serial number, so that credentials are distinct per role and per call.
func keyID(role string, serial int) string {
	sum := sha256.Sum256([]byte(role + "#" + strconv.Itoa(serial)))
	return base32.StdEncoding.EncodeToString(sum[:])[:16]
}

func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
