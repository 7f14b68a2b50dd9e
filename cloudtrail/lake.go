package cloudtrail

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aiguard/aiguard/internal/jsonfast"
)

// LakeQuery is a CloudTrail Lake query whose results hold every field the
// reader takes, each column named so that the reader recognises it. Nested
// values are selected as JSON (json_format), because Lake prints a struct
// or map column as {key=value, ...}, which cannot be read back reliably.
const LakeQuery = `SELECT eventID, eventTime, eventSource, eventName, awsRegion, recipientAccountId,
  eventType, eventCategory, readOnly, sessionCredentialFromConsole, sourceIPAddress, userAgent, vpcEndpointId, errorCode, errorMessage,
  json_format(CAST(userIdentity AS JSON)) AS userIdentity,
  json_format(CAST(requestParameters AS JSON)) AS requestParameters,
  json_format(CAST(responseElements AS JSON)) AS responseElements,
  json_format(CAST(additionalEventData AS JSON)) AS additionalEventData,
  json_format(CAST(resources AS JSON)) AS resources
FROM $EDS_ID WHERE eventTime > '2024-01-01 00:00:00'`

// decodeLakeRow reads one row of CloudTrail Lake query results: a list of
// one-column objects ({"eventName": "CreateEndpoint"}), every value a
// string. Columns are matched by name in any case; columns the reader does
// not know (aggregates, other fields) are ignored.
func decodeLakeRow(s string) (*Record, error) {
	r := new(Record)
	var eventTime string
	var errs []string
	d := jsonfast.NewDecoder(s)
	err := d.Array(func() error {
		if d.Peek() != '{' {
			return fmt.Errorf("want a {\"column\": \"value\"} object in the row, got %s", jsonfast.TypeName(d.Peek()))
		}
		return d.Object(func(col string) error {
			v, err := scalarText(d, col)
			if err != nil {
				return err
			}
			if v == "" {
				return nil
			}
			if name := lakeColumn(col); name == "eventtime" {
				eventTime = v
			} else if err := setLakeColumn(r, name, col, v); err != nil {
				errs = append(errs, err.Error())
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	if err := d.End(); err != nil {
		return nil, err
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	if err := check(r, eventTime); err != nil {
		return nil, fmt.Errorf("%w (select eventTime, eventSource and eventName; see aiguard hunt --help for a complete query)", err)
	}
	return r, nil
}

// lakeColumn normalises a column name: lower case, without the dots and
// underscores of aliases such as user_identity_arn.
func lakeColumn(col string) string {
	var b strings.Builder
	for i := 0; i < len(col); i++ {
		c := col[i]
		switch {
		case c >= 'A' && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
		case c == '_' || c == '.' || c == '-' || c == ' ':
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func setLakeColumn(r *Record, name, col, v string) error {
	u := &r.UserIdentity
	var err error
	switch name {
	case "eventversion":
		r.EventVersion = v
	case "eventid":
		r.EventID = v
	case "eventsource":
		r.EventSource = v
	case "eventname":
		r.EventName = v
	case "awsregion":
		r.AWSRegion = v
	case "recipientaccountid":
		r.RecipientAccountID = v
	case "eventtype":
		r.EventType = v
	case "eventcategory":
		r.EventCategory = v
	case "readonly":
		r.ReadOnly, err = parseBool(v, col)
	case "managementevent":
		r.ManagementEvent, err = parseBool(v, col)
	case "sessioncredentialfromconsole":
		r.SessionCredentialFromConsole, err = parseBool(v, col)
	case "sourceipaddress":
		r.SourceIPAddress = v
	case "useragent":
		r.UserAgent = v
	case "vpcendpointid":
		r.VPCEndpointID = v
	case "vpcendpointaccountid":
		r.VPCEndpointAccountID = v
	case "requestid":
		r.RequestID = v
	case "sharedeventid":
		r.SharedEventID = v
	case "errorcode":
		r.ErrorCode = v
	case "errormessage":
		r.ErrorMessage = v
	case "requestparameters":
		r.RequestParameters, err = lakeJSON(col, v, '{')
	case "responseelements":
		r.ResponseElements, err = lakeJSON(col, v, '{')
	case "additionaleventdata":
		r.AdditionalEventData, err = lakeJSON(col, v, '{')
	case "resources":
		var b json.RawMessage
		if b, err = lakeJSON(col, v, '['); err == nil {
			d := jsonfast.NewDecoder(string(b))
			r.Resources, err = decodeResources(d)
		}
	case "useridentity":
		var b json.RawMessage
		if b, err = lakeJSON(col, v, '{'); err == nil {
			d := jsonfast.NewDecoder(string(b))
			err = decodeIdentity(d, u)
		}
	// Fields of userIdentity selected one by one: Lake names the column
	// after the last part of the path (userIdentity.arn is "arn"), or the
	// query gives an alias.
	case "type", "useridentitytype":
		u.Type = v
	case "arn", "useridentityarn":
		u.ARN = v
	case "principalid", "useridentityprincipalid":
		u.PrincipalID = v
	case "accountid", "useridentityaccountid":
		u.AccountID = v
	case "username", "useridentityusername":
		u.UserName = v
	case "accesskeyid", "useridentityaccesskeyid":
		u.AccessKeyID = v
	case "invokedby", "useridentityinvokedby":
		u.InvokedBy = v
	case "sessionissuerarn":
		u.SessionContext.SessionIssuer.ARN = v
	case "sessionissuerusername":
		u.SessionContext.SessionIssuer.UserName = v
	case "sessionissuertype":
		u.SessionContext.SessionIssuer.Type = v
	case "sessionissueraccountid":
		u.SessionContext.SessionIssuer.AccountID = v
	}
	return err
}

// lakeJSON checks that a nested column was selected as JSON.
func lakeJSON(col, v string, open byte) (json.RawMessage, error) {
	t := strings.TrimSpace(v)
	if t == "" || t == "null" {
		return nil, nil
	}
	if t[0] == open && jsonfast.Valid(t) {
		return json.RawMessage(t), nil
	}
	return nil, fmt.Errorf("column %s is not JSON (Lake prints nested values as {key=value}); select it as json_format(CAST(%s AS JSON)) AS %s", col, col, col)
}
