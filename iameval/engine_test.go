package iameval

import (
	"strings"
	"testing"

	"github.com/aiguard/aiguard/iampolicy"
)

// compile reads a policy written in a test.
func compile(t testing.TB, name string, typ iampolicy.Type, text string) *Compiled {
	t.Helper()
	c, err := ParseAndCompile(name, typ, []byte(text))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return c
}

func evaluator(t testing.TB) *Evaluator {
	t.Helper()
	e, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// deny is a one-statement deny SCP.
func deny(action, resource, cond string) string {
	s := `{"Version":"2012-10-17","Statement":[{"Sid":"D","Effect":"Deny","Action":` + action + `,"Resource":` + resource
	if cond != "" {
		s += `,"Condition":` + cond
	}
	return s + `}]}`
}

const admin = "arn:aws:sts::111122223333:assumed-role/Admin/alice"

// TestSCPLevels follows the AWS Organizations user guide, "SCP evaluation":
// an action is allowed only when an SCP allows it at every level from the
// root to the account, and a Deny at any level denies it.
func TestSCPLevels(t *testing.T) {
	e := evaluator(t)
	allowS3 := compile(t, "allow-s3.json", iampolicy.TypeSCP,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)
	denyS3 := compile(t, "deny-s3.json", iampolicy.TypeSCP, deny(`"s3:*"`, `"*"`, ""))
	req := Request{Principal: admin, Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket/key"}
	tests := []struct {
		name   string
		levels [][]*Compiled
		want   string
	}{
		{"allowed at root, OU and account", [][]*Compiled{{allowS3}, {allowS3}, {allowS3}}, ""},
		{"FullAWSAccess everywhere", [][]*Compiled{{FullAWSAccess()}, {FullAWSAccess()}, {FullAWSAccess()}}, ""},
		{"not allowed at the account", [][]*Compiled{{allowS3}, {allowS3}, {}}, "implicit:scp"},
		{"another service only at the OU", [][]*Compiled{{FullAWSAccess()}, {compile(t, "ec2.json", iampolicy.TypeSCP,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}`)}, {FullAWSAccess()}}, "implicit:scp"},
		{"deny at the root wins", [][]*Compiled{{FullAWSAccess(), denyS3}, {FullAWSAccess()}, {FullAWSAccess()}}, "deny-s3.json#D"},
		{"no SCPs (management account)", nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := e.Decide(req, Set{SCPs: tc.levels, Identity: []*Compiled{AdministratorAccess()}})
			if err != nil {
				t.Fatal(err)
			}
			if got := d.DeniedBy(); got != tc.want {
				t.Errorf("deniedBy %q, want %q (%+v)", got, tc.want, d)
			}
		})
	}
}

// TestBoundary follows the IAM user guide, "Permissions boundaries for IAM
// entities": effective permissions are the intersection of the identity
// policy and the boundary; an explicit deny in either wins.
func TestBoundary(t *testing.T) {
	e := evaluator(t)
	boundary := compile(t, "boundary.json", iampolicy.TypeBoundary, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["s3:*","cloudwatch:*","ec2:*"],"Resource":"*"},
		{"Sid":"NoBoundaryEdit","Effect":"Deny","Action":"iam:DeleteUserPermissionsBoundary","Resource":"*"}]}`)
	identity := compile(t, "identity.json", iampolicy.TypeIdentity, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["iam:CreateUser","iam:DeleteUserPermissionsBoundary","ec2:RunInstances"],"Resource":"*"}]}`)
	set := Set{Boundary: boundary, Identity: []*Compiled{identity}}
	tests := []struct {
		action, want string
	}{
		{"ec2:RunInstances", ""},                                              // in both
		{"iam:CreateUser", "implicit:boundary"},                               // identity only
		{"s3:GetObject", "implicit:identity"},                                 // boundary only
		{"iam:DeleteUserPermissionsBoundary", "boundary.json#NoBoundaryEdit"}, // explicit deny in the boundary
	}
	for _, tc := range tests {
		d, err := e.Decide(Request{Principal: "arn:aws:iam::111122223333:user/ShirleyRodriguez", Action: tc.action, Resource: "*"}, set)
		if err != nil {
			t.Fatal(err)
		}
		if got := d.DeniedBy(); got != tc.want {
			t.Errorf("%s: deniedBy %q, want %q", tc.action, got, tc.want)
		}
	}
}

// TestConditions covers each operator family, its negation, IfExists, the
// set operators and AWS's rules for a key the request lacks (IAM user
// guide, "Condition operators" and "Single-valued vs. multivalued context
// keys"). Each case is a Deny with one test: denied means the test is true.
func TestConditions(t *testing.T) {
	e := evaluator(t)
	tests := []struct {
		name    string
		cond    string
		ctx     map[string][]string
		unknown []string
		want    string // "deny", "allow" or "maybe"
	}{
		// String
		{"StringEquals match", `{"StringEquals":{"aws:PrincipalTag/team":"red"}}`, ctx("aws:PrincipalTag/team", "red"), nil, "deny"},
		{"StringEquals is case-sensitive", `{"StringEquals":{"aws:PrincipalTag/team":"red"}}`, ctx("aws:PrincipalTag/team", "Red"), nil, "allow"},
		{"key names are case-insensitive", `{"StringEquals":{"AWS:principaltag/TEAM":"red"}}`, ctx("aws:PrincipalTag/team", "red"), nil, "deny"},
		{"StringEquals absent", `{"StringEquals":{"aws:PrincipalTag/team":"red"}}`, nil, nil, "allow"},
		{"StringNotEquals absent is true", `{"StringNotEquals":{"aws:PrincipalTag/team":"red"}}`, nil, nil, "deny"},
		{"StringNotEquals other", `{"StringNotEquals":{"aws:PrincipalTag/team":["red","blue"]}}`, ctx("aws:PrincipalTag/team", "green"), nil, "deny"},
		{"StringNotEquals listed", `{"StringNotEquals":{"aws:PrincipalTag/team":["red","blue"]}}`, ctx("aws:PrincipalTag/team", "blue"), nil, "allow"},
		{"StringEqualsIgnoreCase", `{"StringEqualsIgnoreCase":{"aws:PrincipalTag/team":"RED"}}`, ctx("aws:PrincipalTag/team", "red"), nil, "deny"},
		{"StringNotEqualsIgnoreCase", `{"StringNotEqualsIgnoreCase":{"aws:PrincipalTag/team":"RED"}}`, ctx("aws:PrincipalTag/team", "red"), nil, "allow"},
		{"StringLike wildcard", `{"StringLike":{"s3:prefix":"home/*"}}`, ctx("s3:prefix", "home/alice/x"), nil, "deny"},
		{"StringLike ?", `{"StringLike":{"s3:prefix":"a?c"}}`, ctx("s3:prefix", "abc"), nil, "deny"},
		{"StringLike no match", `{"StringLike":{"s3:prefix":"home/*"}}`, ctx("s3:prefix", "other"), nil, "allow"},
		{"StringNotLike", `{"StringNotLike":{"s3:prefix":"home/*"}}`, ctx("s3:prefix", "other"), nil, "deny"},
		{"StringEquals compares * literally", `{"StringEquals":{"s3:prefix":"home/*"}}`, ctx("s3:prefix", "home/x"), nil, "allow"},
		// IfExists
		{"StringNotEqualsIfExists absent", `{"StringNotEqualsIfExists":{"aws:PrincipalTag/team":"red"}}`, nil, nil, "deny"},
		{"StringEqualsIfExists absent is true", `{"StringEqualsIfExists":{"aws:PrincipalTag/team":"red"}}`, nil, nil, "deny"},
		{"StringEqualsIfExists present", `{"StringEqualsIfExists":{"aws:PrincipalTag/team":"red"}}`, ctx("aws:PrincipalTag/team", "blue"), nil, "allow"},
		// Numeric
		{"NumericLessThanEquals", `{"NumericLessThanEquals":{"s3:max-keys":"10"}}`, ctx("s3:max-keys", "10"), nil, "deny"},
		{"NumericLessThan", `{"NumericLessThan":{"s3:max-keys":"10"}}`, ctx("s3:max-keys", "10"), nil, "allow"},
		{"NumericGreaterThan", `{"NumericGreaterThan":{"aws:MultiFactorAuthAge":"3600"}}`, ctx("aws:MultiFactorAuthAge", "3601"), nil, "deny"},
		{"NumericEquals decimal", `{"NumericEquals":{"s3:max-keys":"10"}}`, ctx("s3:max-keys", "10.0"), nil, "deny"},
		{"NumericNotEquals", `{"NumericNotEquals":{"s3:max-keys":"10"}}`, ctx("s3:max-keys", "9"), nil, "deny"},
		{"Numeric not a number", `{"NumericEquals":{"s3:max-keys":"10"}}`, ctx("s3:max-keys", "ten"), nil, "allow"},
		{"NumericGreaterThanEqualsIfExists absent", `{"NumericGreaterThanEqualsIfExists":{"s3:max-keys":"10"}}`, nil, nil, "deny"},
		// Date
		{"DateGreaterThan", `{"DateGreaterThan":{"aws:CurrentTime":"2020-04-01T00:00:00Z"}}`, ctx("aws:CurrentTime", "2026-01-01T00:00:00Z"), nil, "deny"},
		{"DateLessThan", `{"DateLessThan":{"aws:CurrentTime":"2020-04-01T00:00:00Z"}}`, ctx("aws:CurrentTime", "2026-01-01T00:00:00Z"), nil, "allow"},
		{"Date epoch against ISO", `{"DateLessThanEquals":{"aws:EpochTime":"2020-04-01T00:00:00Z"}}`, ctx("aws:EpochTime", "1585699200"), nil, "deny"},
		{"DateNotEquals", `{"DateNotEquals":{"aws:CurrentTime":"2020-04-01"}}`, ctx("aws:CurrentTime", "2020-04-01T00:00:00Z"), nil, "allow"},
		// Bool
		{"Bool false", `{"Bool":{"aws:SecureTransport":"false"}}`, ctx("aws:SecureTransport", "false"), nil, "deny"},
		{"Bool case", `{"Bool":{"aws:SecureTransport":"false"}}`, ctx("aws:SecureTransport", "FALSE"), nil, "deny"},
		{"Bool absent is false", `{"Bool":{"sagemaker:NetworkIsolation":"false"}}`, nil, nil, "allow"},
		{"BoolIfExists absent is true", `{"BoolIfExists":{"sagemaker:NetworkIsolation":"false"}}`, nil, nil, "deny"},
		// Null
		{"Null true absent", `{"Null":{"aws:TokenIssueTime":"true"}}`, nil, nil, "deny"},
		{"Null true present", `{"Null":{"aws:TokenIssueTime":"true"}}`, ctx("aws:TokenIssueTime", "2026-01-01T00:00:00Z"), nil, "allow"},
		{"Null false present", `{"Null":{"aws:TokenIssueTime":"false"}}`, ctx("aws:TokenIssueTime", "2026-01-01T00:00:00Z"), nil, "deny"},
		{"Null false absent", `{"Null":{"aws:TokenIssueTime":"false"}}`, nil, nil, "allow"},
		// IP
		{"IpAddress v4", `{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:DB8:1234:5678::/64"]}}`, ctx("aws:SourceIp", "203.0.113.7"), nil, "deny"},
		{"IpAddress v6", `{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:DB8:1234:5678::/64"]}}`, ctx("aws:SourceIp", "2001:db8:1234:5678::1"), nil, "deny"},
		{"NotIpAddress outside", `{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, ctx("aws:SourceIp", "198.51.100.1"), nil, "deny"},
		{"NotIpAddress inside", `{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, ctx("aws:SourceIp", "203.0.113.9"), nil, "allow"},
		{"IpAddress single address", `{"IpAddress":{"aws:SourceIp":"203.0.113.9"}}`, ctx("aws:SourceIp", "203.0.113.9"), nil, "deny"},
		// Binary
		{"BinaryEquals", `{"BinaryEquals":{"aws:UserAgent":"QmluYXJ5VmFsdWU="}}`, ctx("aws:UserAgent", "QmluYXJ5VmFsdWU="), nil, "deny"},
		// ARN
		{"ArnLike fields", `{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:123456789012:topic-*"}}`, ctx("aws:SourceArn", "arn:aws:sns:us-east-1:123456789012:topic-1"), nil, "deny"},
		{"ArnLike is case-sensitive", `{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:123456789012:Topic"}}`, ctx("aws:SourceArn", "arn:aws:sns:us-east-1:123456789012:topic"), nil, "allow"},
		{"ArnLike * does not span fields", `{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:topic"}}`, ctx("aws:SourceArn", "arn:aws:sns:us-east-1:123456789012:topic"), nil, "allow"},
		{"ArnEquals with wildcard", `{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::*:role/bg"}}`, ctx("aws:PrincipalArn", "arn:aws:iam::123456789012:role/bg"), nil, "deny"},
		{"ArnNotLike: the caller is not break-glass", `{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/bg"}}`, nil, nil, "deny"}, // aws:PrincipalArn is role/Admin
		{"ArnNotLike not an ARN", `{"ArnNotLike":{"aws:SourceArn":"arn:aws:sns:*:*:*"}}`, ctx("aws:SourceArn", "not-an-arn"), nil, "deny"},
		// Set operators (aws:TagKeys is multivalued)
		{"ForAllValues subset", `{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}}`, ctx("aws:TagKeys", "a"), nil, "deny"},
		{"ForAllValues not subset", `{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}}`, ctx("aws:TagKeys", "a", "c"), nil, "allow"},
		{"ForAllValues absent is true", `{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}}`, nil, nil, "deny"},
		{"ForAnyValue one", `{"ForAnyValue:StringEquals":{"aws:TagKeys":["a","b"]}}`, ctx("aws:TagKeys", "c", "b"), nil, "deny"},
		{"ForAnyValue absent is false", `{"ForAnyValue:StringEquals":{"aws:TagKeys":["a","b"]}}`, nil, nil, "allow"},
		{"ForAnyValue:StringNotEquals absent is false", `{"ForAnyValue:StringNotEquals":{"sagemaker:VpcSubnets":["subnet-1"]}}`, nil, nil, "allow"},
		{"ForAnyValue:StringNotEquals outside", `{"ForAnyValue:StringNotEquals":{"sagemaker:VpcSubnets":["subnet-1"]}}`, ctx("sagemaker:VpcSubnets", "subnet-1", "subnet-9"), nil, "deny"},
		{"ForAnyValue:StringNotEquals inside", `{"ForAnyValue:StringNotEquals":{"sagemaker:VpcSubnets":["subnet-1","subnet-2"]}}`, ctx("sagemaker:VpcSubnets", "subnet-2", "subnet-1"), nil, "allow"},
		{"ForAllValues:StringNotEquals", `{"ForAllValues:StringNotEquals":{"aws:TagKeys":["secret"]}}`, ctx("aws:TagKeys", "a", "b"), nil, "deny"},
		{"ForAnyValue:StringLike", `{"ForAnyValue:StringLike":{"aws:TagKeys":["sec*"]}}`, ctx("aws:TagKeys", "x", "secret"), nil, "deny"},
		{"single-valued operator, several values: any", `{"StringEquals":{"aws:TagKeys":"b"}}`, ctx("aws:TagKeys", "a", "b"), nil, "deny"},
		{"negated, several values: none", `{"StringNotEquals":{"aws:TagKeys":"b"}}`, ctx("aws:TagKeys", "a", "b"), nil, "allow"},
		{"ForAllValuesIfExists", `{"ForAllValues:StringEqualsIfExists":{"aws:TagKeys":"a"}}`, ctx("aws:TagKeys", "b"), nil, "allow"},
		// Unknown keys
		{"unknown key: maybe", `{"StringNotEquals":{"aws:PrincipalTag/team":"red"}}`, nil, []string{"aws:PrincipalTag/team"}, "maybe"},
		{"unknown Null: maybe", `{"Null":{"sagemaker:VpcSubnets":"true"}}`, nil, []string{"sagemaker:VpcSubnets"}, "maybe"},
		{"unknown set: maybe", `{"ForAllValues:StringEquals":{"aws:TagKeys":"a"}}`, nil, []string{"aws:TagKeys"}, "maybe"},
		{"known false beats unknown", `{"StringEquals":{"aws:PrincipalTag/team":"red","aws:RequestedRegion":"us-east-1"}}`, ctx("aws:RequestedRegion", "eu-west-1"), []string{"aws:PrincipalTag/team"}, "allow"},
		// Policy variables
		{"variable in a condition", `{"StringEquals":{"s3:prefix":"home/${aws:username}/"}}`, ctx("s3:prefix", "home/bob/", "aws:username", "bob"), nil, "deny"},
		{"variable without a value: invalid", `{"StringNotEquals":{"s3:prefix":"home/${aws:PrincipalTag/dept}"}}`, ctx("s3:prefix", "x"), nil, "allow"},
		{"variable default", `{"StringEquals":{"s3:prefix":"${aws:PrincipalTag/dept, 'none'}"}}`, ctx("s3:prefix", "none"), nil, "deny"},
		{"variable value is literal, not a wildcard", `{"StringLike":{"s3:prefix":"${aws:PrincipalTag/dept}x"}}`, ctx("s3:prefix", "abcx", "aws:PrincipalTag/dept", "*"), nil, "allow"},
		{"escape ${*}", `{"StringLike":{"s3:prefix":"a${*}"}}`, ctx("s3:prefix", "a*"), nil, "deny"},
		{"escape ${*} is literal", `{"StringLike":{"s3:prefix":"a${*}"}}`, ctx("s3:prefix", "ab"), nil, "allow"},
		{"unknown variable: maybe", `{"StringEquals":{"s3:prefix":"${aws:PrincipalTag/dept}"}}`, ctx("s3:prefix", "x"), []string{"aws:PrincipalTag/dept"}, "maybe"},
		{"no variables in Numeric", `{"NumericEquals":{"s3:max-keys":"${aws:PrincipalTag/n}"}}`, ctx("s3:max-keys", "1", "aws:PrincipalTag/n", "1"), nil, "allow"},
		// Principal keys derived from the ARN
		{"aws:PrincipalAccount derived", `{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}`, nil, nil, "deny"},
		{"aws:PrincipalType derived", `{"StringEquals":{"aws:PrincipalType":"AssumedRole"}}`, nil, nil, "deny"},
		{"aws:PrincipalArn is the role, not the session", `{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/Admin"}}`, nil, nil, "deny"},
		// Several keys and operators are ANDed
		{"AND: one false", `{"StringEquals":{"aws:PrincipalTag/team":"red"},"Bool":{"aws:SecureTransport":"false"}}`, ctx("aws:PrincipalTag/team", "red", "aws:SecureTransport", "true"), nil, "allow"},
		{"AND: both true", `{"StringEquals":{"aws:PrincipalTag/team":"red"},"Bool":{"aws:SecureTransport":"false"}}`, ctx("aws:PrincipalTag/team", "red", "aws:SecureTransport", "false"), nil, "deny"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := compile(t, "p.json", iampolicy.TypeSCP, deny(`"s3:GetObject"`, `"*"`, tc.cond))
			d, err := e.Decide(Request{Principal: admin, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k",
				Context: tc.ctx, Unknown: tc.unknown}, scpSet(p))
			if err != nil {
				t.Fatal(err)
			}
			got := "allow"
			switch {
			case d.Effect == ExplicitDeny && d.Uncertain:
				got = "maybe"
			case d.Effect != Allow:
				got = "deny"
			}
			if got != tc.want {
				t.Errorf("got %s, want %s (%+v)", got, tc.want, d)
			}
		})
	}
}

// ctx builds a context from key, value pairs; a key followed by several
// values before the next key (a word with a colon) holds them all.
func ctx(kv ...string) map[string][]string {
	out := map[string][]string{}
	key := ""
	for _, s := range kv {
		if strings.Contains(s, ":") && !strings.HasPrefix(s, "arn:") && !strings.Contains(s, "::") && !isTime(s) {
			key = s
			out[key] = nil
			continue
		}
		out[key] = append(out[key], s)
	}
	return out
}

func isTime(s string) bool { _, ok := parseDate(s); return ok }

func scpSet(p ...*Compiled) Set {
	return Set{SCPs: [][]*Compiled{append([]*Compiled{FullAWSAccess()}, p...)}, Identity: []*Compiled{AdministratorAccess()}}
}

// TestStatements covers Action, NotAction, Resource, NotResource and their
// case rules.
func TestStatements(t *testing.T) {
	e := evaluator(t)
	tests := []struct {
		name, action, resource, stmtAction, stmtResource string
		want                                             bool // denied
	}{
		{"action case-insensitive", "SageMaker:createTrainingJob", "*", `"sagemaker:CreateTrainingJob"`, `"*"`, true},
		{"action wildcard", "sagemaker:CreateTrainingJob", "*", `"sagemaker:Create*"`, `"*"`, true},
		{"action ? wildcard", "sagemaker:CreateApp", "*", `"sagemaker:Create?pp"`, `"*"`, true},
		{"action other service", "bedrock:CreateTrainingJob", "*", `"sagemaker:*"`, `"*"`, false},
		{"action all", "kms:Decrypt", "*", `"*"`, `"*"`, true},
		{"resource exact", "s3:GetObject", "arn:aws:s3:::b/k", `"s3:*"`, `"arn:aws:s3:::b/k"`, true},
		{"resource case-sensitive", "s3:GetObject", "arn:aws:s3:::b/K", `"s3:*"`, `"arn:aws:s3:::b/k"`, false},
		{"resource wildcard in the resource field spans colons", "lambda:InvokeFunction",
			"arn:aws:lambda:us-east-1:123456789012:function:f:prod", `"lambda:*"`, `"arn:aws:lambda:*:*:function:f*"`, true},
		{"resource empty Region field", "bedrock:InvokeModel", "arn:aws:bedrock:::foundation-model/m",
			`"bedrock:*"`, `"arn:aws:bedrock:*::foundation-model/m"`, true},
		{"resource * does not match an ARN field it lacks", "bedrock:InvokeModel", "arn:aws:bedrock:us-east-1:111122223333:foundation-model/m",
			`"bedrock:*"`, `"arn:aws:bedrock:*::foundation-model/m"`, false},
		{"resource pattern against *", "sts:GetCallerIdentity", "*", `"sts:*"`, `"arn:aws:iam::*:role/x"`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := compile(t, "p.json", iampolicy.TypeSCP, deny(tc.stmtAction, tc.stmtResource, ""))
			d, err := e.Decide(Request{Principal: admin, Action: tc.action, Resource: tc.resource}, scpSet(p))
			if err != nil {
				t.Fatal(err)
			}
			if d.Denied() != tc.want {
				t.Errorf("denied %v, want %v", d.Denied(), tc.want)
			}
		})
	}
	// NotAction and NotResource: the statement applies to what they do not name.
	not := compile(t, "not.json", iampolicy.TypeSCP, `{"Version":"2012-10-17","Statement":[
		{"Sid":"OnlyS3","Effect":"Deny","NotAction":["s3:*","iam:*"],"Resource":"*"},
		{"Sid":"OnlyBucket","Effect":"Deny","Action":"s3:*","NotResource":["arn:aws:s3:::ok","arn:aws:s3:::ok/*"]}]}`)
	for _, tc := range []struct{ action, resource, want string }{
		{"ec2:RunInstances", "*", "not.json#OnlyS3"},
		{"s3:GetObject", "arn:aws:s3:::ok/k", ""},
		{"s3:GetObject", "arn:aws:s3:::other/k", "not.json#OnlyBucket"},
		{"iam:GetRole", "arn:aws:iam::111122223333:role/x", ""},
	} {
		d, err := e.Decide(Request{Principal: admin, Action: tc.action, Resource: tc.resource}, scpSet(not))
		if err != nil {
			t.Fatal(err)
		}
		if d.DeniedBy() != tc.want {
			t.Errorf("%s on %s: deniedBy %q, want %q", tc.action, tc.resource, d.DeniedBy(), tc.want)
		}
	}
}

// TestResourceVariables follows the IAM user guide, "Policy variables":
// ${aws:username} in a Resource, and a statement whose variable has no
// value does not apply.
func TestResourceVariables(t *testing.T) {
	e := evaluator(t)
	id := compile(t, "home.json", iampolicy.TypeIdentity, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::bucket/home/${aws:username}/*"}]}`)
	old := compile(t, "old.json", iampolicy.TypeIdentity, `{"Version":"2008-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::bucket/home/${aws:username}/*"}]}`)
	tests := []struct {
		name, principal, resource string
		policy                    *Compiled
		want                      string
	}{
		{"own home", "arn:aws:iam::111122223333:user/bob", "arn:aws:s3:::bucket/home/bob/f", id, ""},
		{"another home", "arn:aws:iam::111122223333:user/bob", "arn:aws:s3:::bucket/home/eve/f", id, "implicit:identity"},
		{"a role has no aws:username", admin, "arn:aws:s3:::bucket/home/alice/f", id, "implicit:identity"},
		{"2008-10-17 takes the text literally", "arn:aws:iam::111122223333:user/bob", "arn:aws:s3:::bucket/home/bob/f", old, "implicit:identity"},
	}
	for _, tc := range tests {
		d, err := e.Decide(Request{Principal: tc.principal, Action: "s3:GetObject", Resource: tc.resource},
			Set{Identity: []*Compiled{tc.policy}})
		if err != nil {
			t.Fatal(err)
		}
		if d.DeniedBy() != tc.want {
			t.Errorf("%s: deniedBy %q, want %q", tc.name, d.DeniedBy(), tc.want)
		}
	}
}

// TestPrecedence: an explicit deny anywhere wins over allows and over an
// implicit deny; a certain implicit deny wins over an uncertain explicit
// one; the first Deny in policy order is reported.
func TestPrecedence(t *testing.T) {
	e := evaluator(t)
	d1 := compile(t, "a.json", iampolicy.TypeSCP, deny(`"s3:*"`, `"*"`, `{"StringEquals":{"aws:PrincipalTag/x":"1"}}`))
	d2 := compile(t, "b.json", iampolicy.TypeSCP, deny(`"s3:*"`, `"*"`, ""))
	idDeny := compile(t, "id.json", iampolicy.TypeIdentity, deny(`"s3:*"`, `"*"`, ""))
	req := Request{Principal: admin, Action: "s3:GetObject", Resource: "*", Unknown: []string{"aws:PrincipalTag/x"}}
	tests := []struct {
		name string
		set  Set
		want string
		unc  bool
	}{
		{"maybe then certain deny", scpSet(d1, d2), "b.json#D", false},
		{"maybe deny only", scpSet(d1), "a.json#D", true},
		{"certain implicit beats maybe explicit", Set{SCPs: [][]*Compiled{{FullAWSAccess(), d1}}}, "implicit:identity", false},
		{"explicit deny in identity beats allows", Set{SCPs: [][]*Compiled{{FullAWSAccess()}}, Identity: []*Compiled{AdministratorAccess(), idDeny}}, "id.json#D", false},
	}
	for _, tc := range tests {
		d, err := e.Decide(req, tc.set)
		if err != nil {
			t.Fatal(err)
		}
		if d.DeniedBy() != tc.want || d.Uncertain != tc.unc {
			t.Errorf("%s: %q uncertain %v, want %q %v", tc.name, d.DeniedBy(), d.Uncertain, tc.want, tc.unc)
		}
	}
}

// TestFacts: the evaluator notes keys an action never presents, and with
// UnknownOthers knows such keys are absent.
func TestFacts(t *testing.T) {
	e := evaluator(t)
	p := compile(t, "vpc.json", iampolicy.TypeSCP, deny(`["sagemaker:CreateTrainingJob","sagemaker:CreateEndpoint"]`, `"*"`,
		`{"Null":{"sagemaker:VpcSubnets":"true"}}`))
	d, err := e.Decide(Request{Principal: admin, Action: "sagemaker:CreateEndpoint", Resource: "*",
		Context: ctx("sagemaker:VpcSubnets", "subnet-1")}, scpSet(p))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Notes) != 1 || !strings.Contains(d.Notes[0], "never presents sagemaker:VpcSubnets") {
		t.Errorf("notes %q", d.Notes)
	}
	// CreateEndpoint never presents the key: with every other key unknown,
	// the Null test is still certainly true.
	d, _ = e.Decide(Request{Principal: admin, Action: "sagemaker:CreateEndpoint", Resource: "*", UnknownOthers: true}, scpSet(p))
	if d.DeniedBy() != "vpc.json#D" || d.Uncertain {
		t.Errorf("CreateEndpoint with unknown keys: %+v", d)
	}
	d, _ = e.Decide(Request{Principal: admin, Action: "sagemaker:CreateTrainingJob", Resource: "*", UnknownOthers: true}, scpSet(p))
	if !d.Uncertain || len(d.Unknown) != 1 || d.Unknown[0] != "sagemaker:vpcsubnets" {
		t.Errorf("CreateTrainingJob with unknown keys: %+v", d)
	}
	d, _ = e.Decide(Request{Principal: admin, Action: "sagemaker:CreateTrainingJobs", Resource: "*"}, scpSet(p))
	if len(d.Notes) != 1 || !strings.Contains(d.Notes[0], "is not an action of sagemaker") {
		t.Errorf("unknown action notes %q", d.Notes)
	}
}

// TestBadInput: requests and policies the evaluator cannot read are
// errors, never panics.
func TestBadInput(t *testing.T) {
	e := evaluator(t)
	for _, r := range []Request{
		{Action: "", Resource: "*"},
		{Action: "s3GetObject", Resource: "*"},
		{Action: "s3:Get*", Resource: "*"},
		{Action: "s3:GetObject"},
	} {
		if _, err := e.Decide(r, Set{}); err == nil {
			t.Errorf("%+v: no error", r)
		}
	}
	for _, p := range []string{
		`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringSorta":{"a:b":"c"}}}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Resource":"*"}]}`,
		`[1]`,
	} {
		if _, err := ParseAndCompile("p", iampolicy.TypeSCP, []byte(p)); err == nil {
			t.Errorf("%s: no error", p)
		}
	}
}

// TestRCP: RCP statements have Principal "*", and only their denies count.
func TestRCP(t *testing.T) {
	e := evaluator(t)
	rcp := compile(t, "rcp.json", iampolicy.TypeRCP, `{"Version":"2012-10-17","Statement":[{"Sid":"Tls","Effect":"Deny",
		"Principal":"*","Action":"s3:*","Resource":"*","Condition":{"BoolIfExists":{"aws:SecureTransport":"false"}}}]}`)
	set := Set{RCPs: []*Compiled{rcp}, Identity: []*Compiled{AdministratorAccess()}}
	for _, tc := range []struct {
		tls, want string
	}{{"true", ""}, {"false", "rcp.json#Tls"}} {
		d, err := e.Decide(Request{Principal: admin, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k",
			Context: map[string][]string{"aws:SecureTransport": {tc.tls}}}, set)
		if err != nil {
			t.Fatal(err)
		}
		if d.DeniedBy() != tc.want {
			t.Errorf("TLS %s: %q, want %q", tc.tls, d.DeniedBy(), tc.want)
		}
	}
}

func TestGlob(t *testing.T) {
	tests := []struct {
		p, s string
		lit  []bool
		want bool
	}{
		{"*", "", nil, true},
		{"a*b*c", "aXbYc", nil, true},
		{"a*b*c", "aXbY", nil, false},
		{"a?c", "aéc", nil, true},
		{"*x", strings.Repeat("a", 5000), nil, false},
		{"a*", "a*", []bool{false, true}, true},
		{"a*", "ab", []bool{false, true}, false},
		{"", "", nil, true},
		{"", "a", nil, false},
	}
	for _, tc := range tests {
		if got := glob(tc.p, tc.lit, tc.s); got != tc.want {
			t.Errorf("glob(%q, %q) = %v", tc.p, tc.s, got)
		}
	}
}
