// Package ctgen generates synthetic CloudTrail records for tests and
// benchmarks: realistic records (the fields, identities, user agents,
// parameters and categories CloudTrail writes) for every event aiguard's
// detections read, benign background traffic, and planted attacks. It is
// deterministic: the same seed gives the same records, event IDs included.
package ctgen

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"strings"
	"time"
)

// Principal is who makes a call.
type Principal struct {
	// Kind is "role" (an assumed-role session), "user" (an IAM user),
	// "root" or "service" (an AWS service on its own behalf).
	Kind    string
	Account string
	// Name is the role or user name, or the service's host name.
	Name string
	// Session is the role session name (role only).
	Session string
	// Path is the role's path (role only), "/" when empty.
	Path string
}

// Role returns an assumed-role principal.
func Role(account, name, session string) Principal {
	return Principal{Kind: "role", Account: account, Name: name, Session: session}
}

// User returns an IAM user principal.
func User(account, name string) Principal {
	return Principal{Kind: "user", Account: account, Name: name}
}

// Service returns an AWS service acting on its own behalf.
func Service(account, host string) Principal {
	return Principal{Kind: "service", Account: account, Name: host}
}

// ARN is the principal's ARN as CloudTrail writes it in userIdentity.arn.
func (p Principal) ARN() string {
	switch p.Kind {
	case "role":
		return fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/%s", p.Account, p.Name, p.Session)
	case "user":
		return fmt.Sprintf("arn:aws:iam::%s:user/%s", p.Account, p.Name)
	case "root":
		return fmt.Sprintf("arn:aws:iam::%s:root", p.Account)
	}
	return ""
}

// RoleARN is the ARN of the role behind an assumed-role principal.
func (p Principal) RoleARN() string {
	path := p.Path
	if path == "" {
		path = "/"
	}
	return fmt.Sprintf("arn:aws:iam::%s:role%s%s", p.Account, path, p.Name)
}

// Call describes one API call to record.
type Call struct {
	Principal Principal
	Time      time.Time
	Source    string // eventSource
	Name      string // eventName
	Region    string
	// Params and Response become requestParameters and responseElements.
	Params   map[string]any
	Response map[string]any
	// Additional becomes additionalEventData.
	Additional map[string]any
	// ErrorCode, when set, makes the call fail (ErrorMessage is derived
	// when empty).
	ErrorCode    string
	ErrorMessage string
	SourceIP     string
	VPCEndpoint  string
	UserAgent    string
	// Console marks a call made from the AWS Management Console.
	Console bool
	// Resources become the record's resources list ({"ARN","type"...}).
	Resources []map[string]any
	// Recipient is recipientAccountId when it differs from the caller's
	// account (a cross-account read of a bucket).
	Recipient string
}

// Generator makes records; it is not safe for concurrent use.
type Generator struct {
	rng *rand.Rand
}

// New returns a generator seeded with seed.
func New(seed int64) *Generator { return &Generator{rng: rand.New(rand.NewSource(seed))} }

// uuid returns a random (version 4 shaped) UUID from the seeded source.
func (g *Generator) uuid() string {
	var b [16]byte
	g.rng.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func (g *Generator) hex(n int) string {
	const digits = "0123456789ABCDEF"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[g.rng.Intn(16)]
	}
	return string(b)
}

// dataEvents are the event names CloudTrail records as data events.
var dataEvents = map[string]bool{
	"GetObject": true, "PutObject": true, "HeadObject": true, "CopyObject": true, "DeleteObject": true,
	"InvokeModelWithBidirectionalStream": true, "StartAsyncInvoke": true, "GetAsyncInvoke": true,
	"InvokeAgent": true, "Retrieve": true, "RetrieveAndGenerate": true, "ApplyGuardrail": true,
}

// readOnly tells read-only calls by their name, as CloudTrail classifies
// them; Bedrock's model invocations are recorded as read-only management
// events.
func readOnly(name string) bool {
	for _, p := range []string{"Get", "List", "Describe", "Head", "Lookup", "Search", "BatchGet"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	switch name {
	case "InvokeModel", "InvokeModelWithResponseStream", "Converse", "ConverseStream", "CountTokens",
		"CreatePresignedNotebookInstanceUrl", "CreatePresignedDomainUrl", "CreatePresignedMlflowTrackingServerUrl":
		return true
	}
	return false
}

var userAgents = []string{
	"Boto3/1.35.41 md/Botocore#1.35.41 ua/2.0 os/linux#5.10.226-214.880.amzn2.x86_64 md/arch#x86_64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.41",
	"aws-sdk-go-v2/1.32.2 ua/2.1 os/linux lang/go#1.23.2 md/GOOS#linux md/GOARCH#arm64 api/bedrockruntime#1.20.3",
	"aws-cli/2.18.10 md/awscrt#0.22.0 ua/2.0 os/macos#23.6.0 md/arch#arm64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#source md/prompt#off md/command#sagemaker.list-training-jobs",
	"aws-sdk-java/2.28.16 Linux/5.10.226-214.879.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.12+7-LTS Java/17.0.12 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/adaptive",
}

// Record builds the JSON object of one CloudTrail record.
func (g *Generator) Record(c Call) map[string]any {
	region := c.Region
	if region == "" {
		region = "us-east-1"
	}
	t := c.Time.UTC().Truncate(time.Second)
	ua := c.UserAgent
	if ua == "" {
		ua = userAgents[g.rng.Intn(len(userAgents))]
	}
	ip := c.SourceIP
	if ip == "" {
		ip = fmt.Sprintf("10.%d.%d.%d", 20+g.rng.Intn(10), g.rng.Intn(256), 1+g.rng.Intn(254))
	}
	p := c.Principal
	rec := map[string]any{
		"eventVersion": "1.10",
		"eventTime":    t.Format(time.RFC3339),
		"eventSource":  c.Source,
		"eventName":    c.Name,
		"awsRegion":    region,
		"requestID":    g.uuid(),
		"eventID":      g.uuid(),
		"readOnly":     readOnly(c.Name),
		"eventType":    "AwsApiCall",
	}
	switch p.Kind {
	case "role":
		roleID := "AROA" + g.hexFor(p.Account+p.Name, 17)
		rec["userIdentity"] = map[string]any{
			"type":        "AssumedRole",
			"principalId": roleID + ":" + p.Session,
			"arn":         p.ARN(),
			"accountId":   p.Account,
			"accessKeyId": "ASIA" + g.hex(16),
			"sessionContext": map[string]any{
				"sessionIssuer": map[string]any{
					"type": "Role", "principalId": roleID, "arn": p.RoleARN(), "accountId": p.Account, "userName": p.Name,
				},
				"attributes": map[string]any{
					"creationDate":     t.Add(-time.Duration(5+g.rng.Intn(50)) * time.Minute).Format(time.RFC3339),
					"mfaAuthenticated": "false",
				},
			},
		}
	case "user":
		rec["userIdentity"] = map[string]any{
			"type": "IAMUser", "principalId": "AIDA" + g.hexFor(p.Account+p.Name, 17), "arn": p.ARN(),
			"accountId": p.Account, "accessKeyId": "AKIA" + g.hex(16), "userName": p.Name,
		}
	case "root":
		rec["userIdentity"] = map[string]any{"type": "Root", "principalId": p.Account, "arn": p.ARN(), "accountId": p.Account}
	case "service":
		rec["userIdentity"] = map[string]any{"type": "AWSService", "invokedBy": p.Name}
		ip, ua = p.Name, p.Name
	}
	rec["sourceIPAddress"] = ip
	rec["userAgent"] = ua
	if c.Console {
		rec["sessionCredentialFromConsole"] = "true"
		rec["userAgent"] = "AWS Internal"
	}
	if c.Params != nil {
		rec["requestParameters"] = c.Params
	} else {
		rec["requestParameters"] = nil
	}
	if c.ErrorCode != "" {
		rec["errorCode"] = c.ErrorCode
		msg := c.ErrorMessage
		if msg == "" {
			msg = fmt.Sprintf("User: %s is not authorized to perform: %s:%s because no identity-based policy allows the %s:%s action",
				p.ARN(), strings.TrimSuffix(c.Source, ".amazonaws.com"), c.Name, strings.TrimSuffix(c.Source, ".amazonaws.com"), c.Name)
		}
		rec["errorMessage"] = msg
		rec["responseElements"] = nil
	} else if c.Response != nil {
		rec["responseElements"] = c.Response
	} else {
		rec["responseElements"] = nil
	}
	if c.Additional != nil {
		rec["additionalEventData"] = c.Additional
	}
	if c.Resources != nil {
		rec["resources"] = c.Resources
	}
	recipient := c.Recipient
	if recipient == "" {
		recipient = p.Account
	}
	rec["recipientAccountId"] = recipient
	if dataEvents[c.Name] {
		rec["managementEvent"] = false
		rec["eventCategory"] = "Data"
	} else {
		rec["managementEvent"] = true
		rec["eventCategory"] = "Management"
	}
	if c.VPCEndpoint != "" {
		rec["vpcEndpointId"] = c.VPCEndpoint
		rec["vpcEndpointAccountId"] = recipient
	}
	host := strings.TrimSuffix(c.Source, ".amazonaws.com") + "." + region + ".amazonaws.com"
	if c.Source == "bedrock.amazonaws.com" && (strings.HasPrefix(c.Name, "Invoke") || strings.HasPrefix(c.Name, "Converse")) {
		host = "bedrock-runtime." + region + ".amazonaws.com"
	}
	if p.Kind != "service" {
		rec["tlsDetails"] = map[string]any{"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256", "clientProvidedHostHeader": host}
	}
	return rec
}

// hexFor is a stable ID for a name (the same role has the same role ID in
// every record).
func (g *Generator) hexFor(s string, n int) string {
	var h uint64 = 14695981039346656037
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	r := rand.New(rand.NewSource(int64(h)))
	const digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[r.Intn(len(digits))]
	}
	return string(b)
}

// keyOrder is the order of a record's keys in CloudTrail's log files.
var keyOrder = []string{
	"eventVersion", "userIdentity", "eventTime", "eventSource", "eventName", "awsRegion", "sourceIPAddress",
	"userAgent", "errorCode", "errorMessage", "requestParameters", "responseElements", "additionalEventData",
	"requestID", "eventID", "readOnly", "resources", "eventType", "apiVersion", "managementEvent",
	"recipientAccountId", "vpcEndpointId", "vpcEndpointAccountId", "eventCategory", "tlsDetails",
	"sessionCredentialFromConsole",
}

// JSON encodes a record compactly, its keys in CloudTrail's order (nested
// objects' keys sorted).
func JSON(rec map[string]any) []byte {
	buf := []byte{'{'}
	n := 0
	for _, k := range keyOrder {
		v, ok := rec[k]
		if !ok {
			continue
		}
		if n > 0 {
			buf = append(buf, ',')
		}
		n++
		kb, _ := json.Marshal(k)
		vb, err := json.Marshal(v)
		if err != nil {
			panic(err) // records are built from JSON-safe values
		}
		buf = append(append(append(buf, kb...), ':'), vb...)
	}
	if n != len(rec) {
		panic("ctgen: a record key outside keyOrder")
	}
	return append(buf, '}')
}

// LogFile encodes records as a CloudTrail log file ({"Records": [...]}).
func LogFile(recs []map[string]any) []byte {
	var sb strings.Builder
	sb.WriteString(`{"Records":[`)
	for i, r := range recs {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.Write(JSON(r))
	}
	sb.WriteString(`]}`)
	return []byte(sb.String())
}

// EventBridgeEvent wraps a record as EventBridge delivers it to rules:
// the "AWS API Call via CloudTrail" event whose detail is the record.
func (g *Generator) EventBridgeEvent(rec map[string]any) map[string]any {
	src, _ := rec["eventSource"].(string)
	return map[string]any{
		"version":     "0",
		"id":          g.uuid(),
		"detail-type": "AWS API Call via CloudTrail",
		"source":      "aws." + strings.TrimSuffix(src, ".amazonaws.com"),
		"account":     rec["recipientAccountId"],
		"time":        rec["eventTime"],
		"region":      rec["awsRegion"],
		"resources":   []any{},
		"detail":      rec,
	}
}
