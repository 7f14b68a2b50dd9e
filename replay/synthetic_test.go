package replay

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// The synthetic CloudTrail log the replay is tested and measured on: calls
// of the built-in example's three teams, compliant and not, cycling
// through kinds whose outcome under the generated policies is known.

// kind is one kind of call and what the policies make of it: "allow",
// "deny:Sid", "may deny:Sid", or "skip:reason".
type kind struct {
	name   string
	expect func(team string) string
	record func(c callCtx) map[string]any
}

// callCtx is what a record is made of.
type callCtx struct {
	team, account, region, principalArn, sessionArn string
	time                                            time.Time
	n                                               int
}

// exampleTeams are the example spec's teams and an account of each (the
// research team's through --account: it owns only an OU).
var exampleTeams = []struct{ name, account string }{
	{"payments-risk", "333333333333"}, {"research", "555555555555"}, {"retail-vision", "666666666666"},
}

func exampleSubnet(team string) string {
	return map[string]string{"payments-risk": "subnet-0a1b2c3d4e5f60011", "research": "subnet-0b1b2c3d4e5f60011",
		"retail-vision": "subnet-0c1b2c3d4e5f60011"}[team]
}

func exampleSG(team string) string {
	return map[string]string{"payments-risk": "sg-0a1b2c3d4e5f60021", "research": "sg-0b1b2c3d4e5f60021",
		"retail-vision": "sg-0c1b2c3d4e5f60021"}[team]
}

func exampleKey(team string) string {
	return map[string]string{
		"payments-risk": "arn:aws:kms:us-east-1:333333333333:key/1a2b3c4d-1111-4a2b-8c3d-111111111111",
		"research":      "arn:aws:kms:us-west-2:555555555555:key/2b3c4d5e-2222-4b3c-9d4e-222222222222",
		"retail-vision": "arn:aws:kms:us-east-1:666666666666:key/3c4d5e6f-3333-4c4d-8e5f-333333333333"}[team]
}

func base(c callCtx, source, name string, params map[string]any) map[string]any {
	rec := map[string]any{
		"eventVersion": "1.09", "eventID": fmt.Sprintf("00000000-0000-4000-8000-%012d", c.n),
		"eventTime": c.time.Format(time.RFC3339), "eventSource": source, "eventName": name,
		"awsRegion": c.region, "sourceIPAddress": "198.51.100.7", "userAgent": "aws-cli/2",
		"eventType": "AwsApiCall", "recipientAccountId": c.account, "requestID": fmt.Sprintf("req-%d", c.n),
		"userIdentity": map[string]any{
			"type": "AssumedRole", "principalId": "AROAEXAMPLE:dev", "arn": c.sessionArn, "accountId": c.account,
			"sessionContext": map[string]any{"sessionIssuer": map[string]any{
				"type": "Role", "arn": c.principalArn, "accountId": c.account, "userName": c.principalArn[strings.LastIndex(c.principalArn, "/")+1:]}},
		},
	}
	if params != nil {
		rec["requestParameters"] = params
	}
	return rec
}

func trainingParams(c callCtx, vpc bool) map[string]any {
	p := map[string]any{
		"trainingJobName": fmt.Sprintf("job-%d", c.n), "enableNetworkIsolation": true,
		"enableInterContainerTrafficEncryption": true,
		"resourceConfig":                        map[string]any{"instanceType": "ml.m5.xlarge", "instanceCount": 1, "volumeKmsKeyId": exampleKey(c.team)},
		"outputDataConfig":                      map[string]any{"kmsKeyId": exampleKey(c.team), "s3OutputPath": "s3://out/"},
	}
	if vpc {
		p["vpcConfig"] = map[string]any{"subnets": []any{exampleSubnet(c.team)}, "securityGroupIds": []any{exampleSG(c.team)}}
	}
	return p
}

var kinds = []kind{
	{"training-compliant", func(string) string { return "allow" },
		func(c callCtx) map[string]any {
			return base(c, "sagemaker.amazonaws.com", "CreateTrainingJob", trainingParams(c, true))
		}},
	{"training-no-vpc", func(string) string { return "deny:SmRequireVpc" },
		func(c callCtx) map[string]any {
			return base(c, "sagemaker.amazonaws.com", "CreateTrainingJob", trainingParams(c, false))
		}},
	{"notebook-root", func(string) string { return "deny:SmNotebookNoRoot" }, func(c callCtx) map[string]any {
		return base(c, "sagemaker.amazonaws.com", "CreateNotebookInstance", map[string]any{
			"notebookInstanceName": fmt.Sprintf("nb-%d", c.n), "instanceType": "ml.m5.xlarge", "rootAccess": "Enabled",
			"directInternetAccess": "Disabled", "subnetId": exampleSubnet(c.team), "securityGroupIds": []any{exampleSG(c.team)},
			"kmsKeyId": exampleKey(c.team), "lifecycleConfigName": "payments-risk-hardening"})
	}},
	{"describe", func(string) string { return "allow" }, func(c callCtx) map[string]any {
		return base(c, "sagemaker.amazonaws.com", "DescribeTrainingJob", map[string]any{"trainingJobName": "job-1"})
	}},
	{"invoke-other-model", func(string) string { return "deny:BedrockModels" }, func(c callCtx) map[string]any {
		p := map[string]any{"modelId": "cohere.command-r-plus-v1:0"}
		if c.team == "payments-risk" {
			p["guardrailIdentifier"], p["guardrailVersion"] = "pay0risk0gr1", "3"
		}
		return base(c, "bedrock.amazonaws.com", "InvokeModel", p)
	}},
	{"converse-approved", func(string) string { return "allow" }, func(c callCtx) map[string]any {
		p := map[string]any{"modelId": "anthropic.claude-3-5-haiku-20241022-v1:0"}
		if c.team == "payments-risk" {
			p["guardrailConfig"] = map[string]any{"guardrailIdentifier": "pay0risk0gr1", "guardrailVersion": "3"}
		}
		return base(c, "bedrock.amazonaws.com", "Converse", p)
	}},
	{"invoke-no-guardrail", func(team string) string {
		if team == "payments-risk" {
			return "deny:BedrockGuardrail"
		}
		return "allow"
	}, func(c callCtx) map[string]any {
		return base(c, "bedrock.amazonaws.com", "InvokeModel", map[string]any{"modelId": "anthropic.claude-3-5-haiku-20241022-v1:0"})
	}},
	{"pii", func(team string) string {
		if team == "retail-vision" {
			return "deny:ComprehendPii" // no classification may: certain
		}
		return "may deny:" + map[string]string{"payments-risk": "ComprehendSensitive", "research": "ComprehendPii"}[team]
	}, func(c callCtx) map[string]any {
		return base(c, "comprehend.amazonaws.com", "DetectPiiEntities", map[string]any{"languageCode": "en"})
	}},
	{"stop-recorder", func(string) string { return "deny:ProtectDetection" }, func(c callCtx) map[string]any {
		return base(c, "config.amazonaws.com", "StopConfigurationRecorder", map[string]any{"configurationRecorderName": "default"})
	}},
	{"create-role-unbounded", func(string) string { return "deny:RequireBoundary" }, func(c callCtx) map[string]any {
		return base(c, "iam.amazonaws.com", "CreateRole", map[string]any{"roleName": fmt.Sprintf("app-%d", c.n),
			"assumeRolePolicyDocument": "{}"})
	}},
	{"create-role-bounded", func(string) string { return "allow" }, func(c callCtx) map[string]any {
		return base(c, "iam.amazonaws.com", "CreateRole", map[string]any{"roleName": fmt.Sprintf("app-%d", c.n),
			"permissionsBoundary": "arn:aws:iam::" + c.account + ":policy/aiguard-" + c.team + "-boundary"})
	}},
	{"retrust-execution-role", func(string) string { return "deny:ProtectAiguard" }, func(c callCtx) map[string]any {
		return base(c, "iam.amazonaws.com", "UpdateAssumeRolePolicy", map[string]any{
			"roleName": "aiguard-" + c.team + "-sagemaker-training", "policyDocument": "{}"})
	}},
	{"outside-region", func(string) string { return "deny:Regions" }, func(c callCtx) map[string]any {
		c.region = "ap-southeast-2"
		return base(c, "sagemaker.amazonaws.com", "CreateTrainingJob", trainingParams(c, true))
	}},
	{"assume-role", func(string) string { return "allow" }, func(c callCtx) map[string]any {
		return base(c, "sts.amazonaws.com", "AssumeRole", map[string]any{"roleArn": c.principalArn, "roleSessionName": "x"})
	}},
	{"failed", func(string) string { return "skip:" + SkipFailed }, func(c callCtx) map[string]any {
		r := base(c, "sagemaker.amazonaws.com", "CreateTrainingJob", trainingParams(c, false))
		r["errorCode"], r["errorMessage"] = "AccessDenied", "not authorized"
		return r
	}},
	{"service", func(string) string { return "skip:" + SkipService }, func(c callCtx) map[string]any {
		r := base(c, "sagemaker.amazonaws.com", "CreateTrainingJob", trainingParams(c, false))
		r["userIdentity"] = map[string]any{"type": "AWSService", "invokedBy": "sagemaker.amazonaws.com"}
		return r
	}},
	{"other-account", func(string) string { return "skip:" + SkipNotTeam }, func(c callCtx) map[string]any {
		c.account = "777777777777"
		return base(c, "sagemaker.amazonaws.com", "CreateTrainingJob", trainingParams(c, false))
	}},
}

// synthetic returns a CloudTrail log file ({"Records": [...]}) of n
// records cycling through the kinds and the teams, and the outcome each
// record should have.
func synthetic(n int) ([]byte, []string, error) {
	start := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	var recs []map[string]any
	var want []string
	for i := range n {
		k := kinds[i%len(kinds)]
		t := exampleTeams[(i/len(kinds))%len(exampleTeams)]
		role := fmt.Sprintf("arn:aws:iam::%s:role/dev/Engineer%d", t.account, i%2)
		c := callCtx{team: t.name, account: t.account, region: "us-east-1", principalArn: role,
			sessionArn: fmt.Sprintf("arn:aws:sts::%s:assumed-role/Engineer%d/s%d", t.account, i%2, i),
			time:       start.Add(time.Duration(i) * time.Minute), n: i}
		recs = append(recs, k.record(c))
		want = append(want, k.expect(t.name))
	}
	b, err := json.Marshal(map[string]any{"Records": recs})
	return b, want, err
}

func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}
