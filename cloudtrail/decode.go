package cloudtrail

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aiguard/aiguard/internal/jsonfast"
)

// MaxRecordSize bounds one record's JSON text. CloudTrail caps an event at
// 256 KB; the bound leaves room for the escaping of a record nested as a
// JSON string (lookup-events' CloudTrailEvent) and for hand-made files.
const MaxRecordSize = 1 << 20

// ParseRecord decodes one record: a CloudTrail event record, an Amazon
// EventBridge event carrying one in its detail ("AWS API Call via
// CloudTrail"), an entry of `aws cloudtrail lookup-events` output (its
// CloudTrailEvent), or any of those as a JSON string.
func ParseRecord(data []byte) (*Record, error) {
	if len(data) > MaxRecordSize {
		return nil, fmt.Errorf("record of %d bytes is larger than the %d-byte limit", len(data), MaxRecordSize)
	}
	r := new(Record)
	if err := decodeText(string(data), r, 0); err != nil {
		return nil, err
	}
	return r, nil
}

// maxNesting bounds records wrapped in records (an EventBridge event whose
// detail is a lookup-events entry holding a JSON string...).
const maxNesting = 3

// decodeText decodes the value in s (an object, or a string holding one)
// into r and checks the fields every record has.
func decodeText(s string, r *Record, nesting int) error {
	d := jsonfast.NewDecoder(s)
	switch d.Peek() {
	case '"':
		inner, err := d.StringValue()
		if err != nil {
			return err
		}
		if err := d.End(); err != nil {
			return err
		}
		if nesting >= maxNesting {
			return errors.New("records nested too deep in JSON strings")
		}
		return decodeText(inner, r, nesting+1)
	case '{':
	case 0:
		return errors.New("empty record")
	default:
		c := d.Peek()
		if err := d.Skip(); err != nil {
			return fmt.Errorf("not JSON: %w", err)
		}
		return fmt.Errorf("want a JSON object, got %s", jsonfast.TypeName(c))
	}
	w, err := decodeObject(d, s, r)
	if err != nil {
		return fmt.Errorf("not a valid record: %w", err)
	}
	if err := d.End(); err != nil {
		return err
	}
	return finish(r, w, nesting)
}

// wrapped is what an object carries besides record fields: the record a
// lookup-events entry or an EventBridge event holds.
type wrapped struct {
	cloudTrailEvent string // lookup-events: the record as a JSON string
	detail          string // EventBridge: the record as a JSON object
	detailType      bool
	eventTime       string
}

// finish unwraps a wrapper and checks the record.
func finish(r *Record, w wrapped, nesting int) error {
	if r.EventName == "" && r.EventSource == "" {
		inner := w.cloudTrailEvent
		if inner == "" && w.detailType {
			inner = w.detail
		}
		if inner != "" {
			if nesting >= maxNesting {
				return errors.New("records nested too deep")
			}
			*r = Record{}
			return decodeText(inner, r, nesting+1)
		}
	}
	return check(r, w.eventTime)
}

// check parses the event time and reports a record without the fields
// every CloudTrail record has.
func check(r *Record, eventTime string) error {
	var missing []string
	if eventTime == "" {
		missing = append(missing, "eventTime")
	}
	if r.EventSource == "" {
		missing = append(missing, "eventSource")
	}
	if r.EventName == "" {
		missing = append(missing, "eventName")
	}
	if len(missing) > 0 {
		return fmt.Errorf("not a CloudTrail record: no %s", strings.Join(missing, ", "))
	}
	t, err := ParseTime(eventTime)
	if err != nil {
		return fmt.Errorf("eventTime: %w", err)
	}
	r.EventTime = t
	return nil
}

// decodeObject reads the object at d (a record or a wrapper of one) into r.
func decodeObject(d *jsonfast.Decoder, s string, r *Record) (wrapped, error) {
	var w wrapped
	err := d.Object(func(key string) error {
		var err error
		switch key {
		case "eventVersion":
			r.EventVersion, err = str(d, key)
		case "userIdentity":
			err = decodeIdentity(d, &r.UserIdentity)
		case "eventTime":
			w.eventTime, err = str(d, key)
		case "eventSource":
			r.EventSource, err = str(d, key)
		case "eventName":
			r.EventName, err = str(d, key)
		case "awsRegion":
			r.AWSRegion, err = str(d, key)
		case "sourceIPAddress":
			r.SourceIPAddress, err = str(d, key)
		case "userAgent":
			r.UserAgent, err = str(d, key)
		case "requestParameters":
			r.RequestParameters, err = raw(d, s)
		case "responseElements":
			r.ResponseElements, err = raw(d, s)
		case "additionalEventData":
			r.AdditionalEventData, err = raw(d, s)
		case "requestID":
			r.RequestID, err = str(d, key)
		case "eventID":
			r.EventID, err = str(d, key)
		case "readOnly":
			r.ReadOnly, err = boolean(d, key)
		case "resources":
			r.Resources, err = decodeResources(d)
		case "eventType":
			r.EventType, err = str(d, key)
		case "managementEvent":
			r.ManagementEvent, err = boolean(d, key)
		case "recipientAccountId":
			r.RecipientAccountID, err = str(d, key)
		case "eventCategory":
			r.EventCategory, err = str(d, key)
		case "errorCode":
			r.ErrorCode, err = str(d, key)
		case "errorMessage":
			r.ErrorMessage, err = str(d, key)
		case "vpcEndpointId":
			r.VPCEndpointID, err = str(d, key)
		case "vpcEndpointAccountId":
			r.VPCEndpointAccountID, err = str(d, key)
		case "sharedEventID":
			r.SharedEventID, err = str(d, key)
		case "apiVersion":
			r.APIVersion, err = str(d, key)
		case "sessionCredentialFromConsole":
			r.SessionCredentialFromConsole, err = boolean(d, key)
		case "CloudTrailEvent":
			w.cloudTrailEvent, err = str(d, key)
		case "detail":
			if d.Peek() == '{' {
				var b json.RawMessage
				b, err = raw(d, s)
				w.detail = string(b)
			} else {
				err = d.Skip()
			}
		case "detail-type":
			w.detailType = true
			err = d.Skip()
		default:
			err = d.Skip()
		}
		return err
	})
	return w, err
}

func decodeIdentity(d *jsonfast.Decoder, u *UserIdentity) error {
	if d.Null() {
		return nil
	}
	return d.Object(func(key string) error { return identityField(d, u, key) })
}

// identityField reads one field of userIdentity. Keys match as CloudTrail
// spells them or in lower case (CloudTrail Lake); any other spelling is
// folded and tried again.
func identityField(d *jsonfast.Decoder, u *UserIdentity, key string) error {
	var err error
	switch key {
	case "type":
		u.Type, err = str(d, "userIdentity.type")
	case "principalId", "principalid":
		u.PrincipalID, err = str(d, "userIdentity.principalId")
	case "arn":
		u.ARN, err = str(d, "userIdentity.arn")
	case "accountId", "accountid":
		u.AccountID, err = str(d, "userIdentity.accountId")
	case "accessKeyId", "accesskeyid":
		u.AccessKeyID, err = str(d, "userIdentity.accessKeyId")
	case "userName", "username":
		u.UserName, err = str(d, "userIdentity.userName")
	case "invokedBy", "invokedby":
		u.InvokedBy, err = str(d, "userIdentity.invokedBy")
	case "identityProvider", "identityprovider":
		u.IdentityProvider, err = str(d, "userIdentity.identityProvider")
	case "sessionContext", "sessioncontext":
		err = decodeSession(d, &u.SessionContext)
	default:
		if k := fold(key); k != key {
			return identityField(d, u, k)
		}
		err = d.Skip()
	}
	return err
}

func decodeSession(d *jsonfast.Decoder, c *SessionContext) error {
	if d.Null() {
		return nil
	}
	return d.Object(func(key string) error { return sessionField(d, c, key) })
}

func sessionField(d *jsonfast.Decoder, c *SessionContext, key string) error {
	var err error
	switch key {
	case "sessionIssuer", "sessionissuer":
		if d.Null() {
			return nil
		}
		si := &c.SessionIssuer
		err = d.Object(func(key string) error { return issuerField(d, si, key) })
	case "attributes":
		if d.Null() {
			return nil
		}
		err = d.Object(func(key string) error { return attributeField(d, c, key) })
	case "sourceIdentity", "sourceidentity":
		c.SourceIdentity, err = str(d, "sessionContext.sourceIdentity")
	default:
		if k := fold(key); k != key {
			return sessionField(d, c, k)
		}
		err = d.Skip()
	}
	return err
}

func attributeField(d *jsonfast.Decoder, c *SessionContext, key string) error {
	var err error
	switch key {
	case "creationDate", "creationdate":
		c.CreationDate, err = str(d, "sessionContext.attributes.creationDate")
	case "mfaAuthenticated", "mfaauthenticated":
		c.MFAAuthenticated, err = scalarText(d, "sessionContext.attributes.mfaAuthenticated")
	default:
		if k := fold(key); k != key {
			return attributeField(d, c, k)
		}
		err = d.Skip()
	}
	return err
}

func issuerField(d *jsonfast.Decoder, si *SessionIssuer, key string) error {
	var err error
	switch key {
	case "type":
		si.Type, err = str(d, "sessionIssuer.type")
	case "principalId", "principalid":
		si.PrincipalID, err = str(d, "sessionIssuer.principalId")
	case "arn":
		si.ARN, err = str(d, "sessionIssuer.arn")
	case "accountId", "accountid":
		si.AccountID, err = str(d, "sessionIssuer.accountId")
	case "userName", "username":
		si.UserName, err = str(d, "sessionIssuer.userName")
	default:
		if k := fold(key); k != key {
			return issuerField(d, si, k)
		}
		err = d.Skip()
	}
	return err
}

func decodeResources(d *jsonfast.Decoder) ([]Resource, error) {
	if d.Null() {
		return nil, nil
	}
	var out []Resource
	err := d.Array(func() error {
		if d.Null() {
			return nil
		}
		var res Resource
		err := d.Object(func(key string) error {
			var err error
			switch key {
			case "ARN", "arn":
				res.ARN, err = str(d, "resources.ARN")
			case "accountId", "accountid":
				res.AccountID, err = str(d, "resources.accountId")
			case "type":
				res.Type, err = str(d, "resources.type")
			default:
				err = d.Skip()
			}
			return err
		})
		out = append(out, res)
		return err
	})
	return out, err
}

// fold lower-cases a key for case-insensitive matching (CloudTrail Lake
// spells nested fields in lower case), without allocating for keys that
// are lower case already.
func fold(key string) string {
	for i := 0; i < len(key); i++ {
		if c := key[i]; c >= 'A' && c <= 'Z' {
			return strings.ToLower(key)
		}
	}
	return key
}

// str reads a string or null.
func str(d *jsonfast.Decoder, field string) (string, error) {
	switch d.Peek() {
	case '"':
		return d.StringValue()
	case 'n':
		if d.Null() {
			return "", nil
		}
	}
	return "", fmt.Errorf("%s: want a string, got %s", field, jsonfast.TypeName(d.Peek()))
}

// scalarText reads a string, a boolean or a number as its text.
func scalarText(d *jsonfast.Decoder, field string) (string, error) {
	switch c := d.Peek(); c {
	case '"', 'n':
		return str(d, field)
	case 't', 'f':
		b, err := boolean(d, field)
		if v, _ := b.Value(); v {
			return "true", err
		}
		return "false", err
	default:
		if c == '-' || (c >= '0' && c <= '9') {
			return d.Number()
		}
	}
	return "", fmt.Errorf("%s: want a string, got %s", field, jsonfast.TypeName(d.Peek()))
}

// boolean reads true, false, null, or "true"/"false" as a string.
func boolean(d *jsonfast.Decoder, field string) (OptBool, error) {
	rest := d.Peek()
	switch rest {
	case 'n':
		if d.Null() {
			return Unset, nil
		}
	case 't', 'f':
		v, err := d.Value()
		if b, ok := v.(bool); ok && err == nil {
			return optBool(b), nil
		}
		return Unset, fmt.Errorf("%s: %v", field, err)
	case '"':
		s, err := d.StringValue()
		if err != nil {
			return Unset, err
		}
		return parseBool(s, field)
	}
	return Unset, fmt.Errorf("%s: want a boolean, got %s", field, jsonfast.TypeName(rest))
}

func parseBool(s, field string) (OptBool, error) {
	switch strings.ToLower(s) {
	case "true":
		return True, nil
	case "false":
		return False, nil
	case "":
		return Unset, nil
	}
	return Unset, fmt.Errorf("%s: want true or false, got %q", field, s)
}

// raw returns the next value's JSON text, or nil for null.
func raw(d *jsonfast.Decoder, s string) (json.RawMessage, error) {
	if d.Null() {
		return nil, nil
	}
	d.Peek() // past white space
	start := d.Offset()
	if err := d.Skip(); err != nil {
		return nil, err
	}
	return json.RawMessage(s[start:d.Offset()]), nil
}

// ParseTime reads an event time as CloudTrail writes it
// (2024-05-01T12:34:56Z), with fractional seconds or an offset, or as
// CloudTrail Lake query results print it (2024-05-01 12:34:56.000, UTC).
func ParseTime(s string) (time.Time, error) {
	if t, ok := parseZulu(s); ok {
		return t, nil
	}
	for _, layout := range [...]string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time such as 2024-05-01T12:34:56Z", s)
}

// parseZulu parses the form of nearly every record, YYYY-MM-DDTHH:MM:SSZ,
// without time.Parse's generality.
func parseZulu(s string) (time.Time, bool) {
	if len(s) != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z' {
		return time.Time{}, false
	}
	num := func(i, n int) (int, bool) {
		v := 0
		for _, c := range []byte(s[i : i+n]) {
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		return v, true
	}
	y, ok1 := num(0, 4)
	mo, ok2 := num(5, 2)
	dd, ok3 := num(8, 2)
	h, ok4 := num(11, 2)
	mi, ok5 := num(14, 2)
	sec, ok6 := num(17, 2)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || mo < 1 || mo > 12 || dd < 1 || dd > 31 || h > 23 || mi > 59 || sec > 60 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(mo), dd, h, mi, sec, 0, time.UTC)
	if t.Day() != dd { // February 30th and the like normalise into the next month
		return time.Time{}, false
	}
	return t, true
}
