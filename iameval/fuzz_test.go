package iameval

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/aiguard/aiguard/iampolicy"
)

// FuzzDecide feeds arbitrary policies and requests to the evaluator: it
// must never panic, decide the same way twice, and call a decision
// uncertain only when it tested an unknown key.
func FuzzDecide(f *testing.F) {
	f.Add(deny(`"s3:*"`, `"arn:aws:s3:::b/${aws:username}/*"`, `{"StringNotEquals":{"aws:PrincipalTag/team":"red"}}`),
		"s3:GetObject", "arn:aws:s3:::b/bob/k", `{"aws:username":["bob"]}`, "aws:PrincipalTag/team", false)
	f.Add(deny(`["sagemaker:Create*"]`, `"*"`, `{"ForAnyValue:StringNotLike":{"sagemaker:InstanceTypes":["ml.m5.*","system"]},"Null":{"sagemaker:VpcSubnets":"true"}}`),
		"sagemaker:CreateTrainingJob", "*", `{"sagemaker:InstanceTypes":["ml.p4d.24xlarge"]}`, "", true)
	f.Add(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","NotAction":"iam:*","NotResource":"arn:aws:iam::*:role/${*}"}}`,
		"iam:PassRole", "arn:aws:iam::1:role/*", `{}`, "", false)
	f.Add(deny(`"*"`, `"*"`, `{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"},"DateLessThan":{"aws:CurrentTime":"2030-01-01"},"NumericLessThan":{"a:b":"1e3"}}`),
		"ec2:RunInstances", "*", `{"aws:SourceIp":["10.1.2.3"],"aws:CurrentTime":["1700000000"],"a:b":["5"]}`, "", false)
	e, err := New(nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, policy, action, resource, context, unknownKey string, others bool) {
		p, err := ParseAndCompile("p", iampolicy.TypeSCP, []byte(policy))
		if err != nil {
			return
		}
		var c map[string][]string
		if json.Unmarshal([]byte(context), &c) != nil {
			c = nil
		}
		r := Request{Principal: admin, Action: action, Resource: resource, Context: c, UnknownOthers: others}
		if unknownKey != "" {
			r.Unknown = []string{unknownKey}
		}
		set := Set{SCPs: [][]*Compiled{{FullAWSAccess(), p}}, Identity: []*Compiled{AdministratorAccess(), p}}
		d1, err1 := e.Decide(r, set)
		d2, err2 := e.Decide(r, set)
		if (err1 == nil) != (err2 == nil) || !reflect.DeepEqual(d1, d2) {
			t.Fatalf("two decisions differ: %+v %v / %+v %v", d1, err1, d2, err2)
		}
		if err1 == nil && d1.Uncertain && len(d1.Unknown) == 0 {
			t.Fatalf("uncertain without an unknown key: %+v", d1)
		}
	})
}
