package ebpattern

import (
	"encoding/json"
	"testing"
)

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestMatch: the parts of the pattern language that aiguard emits.
func TestMatch(t *testing.T) {
	event := decode(t, `{"source":"aws.bedrock","detail":{"eventName":"DeleteGuardrail","errorCode":null,
		"userIdentity":{"arn":"arn:aws:sts::1:assumed-role/r/s"},"tags":["a","b"],"n":5}}`)
	for pattern, want := range map[string]bool{
		`{"source":["aws.bedrock"]}`:                                                   true,
		`{"source":["aws.s3"]}`:                                                        false,
		`{"detail":{"eventName":[{"prefix":"Delete"}]}}`:                               true,
		`{"detail":{"eventName":[{"suffix":"Policy"}]}}`:                               false,
		`{"detail":{"userIdentity":{"arn":[{"wildcard":"*:assumed-role/*"}]}}}`:        true,
		`{"detail":{"errorCode":[null]}}`:                                              true,
		`{"detail":{"vpcEndpointId":[{"exists":false}]}}`:                              true,
		`{"detail":{"eventName":[{"anything-but":["DeleteGuardrail"]}]}}`:              false,
		`{"detail":{"eventName":[{"anything-but":{"prefix":"Get"}}]}}`:                 true,
		`{"detail":{"tags":["b"]}}`:                                                    true,
		`{"detail":{"n":[5]}}`:                                                         true,
		`{"$or":[{"source":["aws.s3"]},{"detail":{"eventName":["DeleteGuardrail"]}}]}`: true,
	} {
		got, err := Match(decode(t, pattern), event)
		if err != nil || got != want {
			t.Errorf("%s: %v (%v), want %v", pattern, got, err, want)
		}
	}
	if _, err := Match(decode(t, `{"$or":[{"source":["x"]}]}`), event); err == nil {
		t.Error("a one-pattern $or is not an error")
	}
}

// TestTemplateRules reads a template's rules and what their targets get.
func TestTemplateRules(t *testing.T) {
	tmpl := decode(t, `{"Resources":{
		"B":{"Type":"AWS::Events::Rule","Properties":{"Name":"b","EventPattern":{"source":["aws.cloudwatch"]},"Targets":[{"Id":"x","Arn":"a"}]}},
		"A":{"Type":"AWS::Events::Rule","Properties":{"Name":"a","EventPattern":{"source":["aws.bedrock"]},
			"Targets":[{"Id":"x","Arn":"a","InputTransformer":{"InputTemplate":{"Fn::Sub":["{\"e\":<aws.events.event.json>,\"t\":\"${TopicArn}\"}",{}]}}}]}},
		"T":{"Type":"AWS::SNS::Topic","Properties":{}}}}`)
	rules, err := TemplateRules(tmpl)
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 2 || rules[0].Name != "a" || rules[1].Name != "b" || rules[1].Input != "" {
		t.Fatalf("rules %+v", rules)
	}
	if got := rules[0].Deliver([]byte(`{"k":1}`), map[string]string{"TopicArn": "arn:t"}); got != `{"e":{"k":1},"t":"arn:t"}` {
		t.Errorf("delivered %s", got)
	}
	if got := rules[1].Deliver([]byte(`{"k":1}`), nil); got != `{"k":1}` {
		t.Errorf("delivered %s", got)
	}
}
