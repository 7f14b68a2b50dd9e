package rules

import "testing"

func TestModelNetworkIsolation(t *testing.T) {
	runHardeningCases(t, sagemakerModelRules(), typeModel, "sagemaker-model-network-isolation", []hardeningCase{
		{name: "true", config: `{"EnableNetworkIsolation":true}`, want: Compliant},
		{name: "camelCase", config: `{"enableNetworkIsolation":true}`, want: Compliant},
		{name: "string true", config: `{"EnableNetworkIsolation":"true"}`, want: Compliant},
		{name: "false", config: `{"EnableNetworkIsolation":false}`, want: NonCompliant,
			contains: []string{"EnableNetworkIsolation is false", "EnableNetworkIsolation=true"}},
		{name: "string false", config: `{"EnableNetworkIsolation":"False"}`, want: NonCompliant, contains: []string{"is false"}},
		{name: "absent", config: `{"ModelName":"fraud-xgb"}`, want: NonCompliant, contains: []string{"not set", "default is false"}},
		{name: "null", config: `{"EnableNetworkIsolation":null}`, want: NonCompliant, contains: []string{"not set"}},
		{name: "no configuration", want: NotApplicable, contains: []string{"carries no configuration"}},
		{name: "number", config: `{"EnableNetworkIsolation":1}`, want: NonCompliant, contains: []string{"not true or false"}},
		{name: "list", config: `{"EnableNetworkIsolation":[true]}`, want: NonCompliant, contains: []string{"not true or false"}},
	})
}

func TestModelInVPC(t *testing.T) {
	runHardeningCases(t, sagemakerModelRules(), typeModel, "sagemaker-model-in-vpc", []hardeningCase{
		{name: "subnets and groups", config: `{"VpcConfig":{"Subnets":["subnet-0a1b2c3d4e5f60718"],"SecurityGroupIds":["sg-0123456789abcdef0"]}}`,
			want: Compliant},
		{name: "camelCase", config: `{"vpcConfig":{"subnets":["subnet-0a1b2c3d4e5f60718"],"securityGroupIds":["sg-0123456789abcdef0"]}}`,
			want: Compliant},
		{name: "single strings", config: `{"VpcConfig":{"Subnets":"subnet-0a1b2c3d4e5f60718","SecurityGroupIds":"sg-0123456789abcdef0"}}`,
			want: Compliant},
		{name: "one-element list", config: `{"VpcConfig":[{"Subnets":["subnet-0a1b2c3d4e5f60718"],"SecurityGroupIds":["sg-0123456789abcdef0"]}]}`,
			want: Compliant},
		{name: "embedded JSON", config: `{"VpcConfig":"{\"Subnets\":[\"subnet-0a1b2c3d4e5f60718\"],\"SecurityGroupIds\":[\"sg-0123456789abcdef0\"]}"}`,
			want: Compliant},
		{name: "absent", config: `{"ModelName":"fraud-xgb"}`, want: NonCompliant, contains: []string{"VpcConfig is not set"}},
		{name: "null", config: `{"VpcConfig":null}`, want: NonCompliant, contains: []string{"VpcConfig is not set"}},
		{name: "empty object", config: `{"VpcConfig":{}}`, want: NonCompliant, contains: []string{"VpcConfig is not set"}},
		{name: "no configuration", want: NotApplicable, contains: []string{"carries no configuration"}},
		{name: "no subnets", config: `{"VpcConfig":{"Subnets":[],"SecurityGroupIds":["sg-0123456789abcdef0"]}}`, want: NonCompliant,
			contains: []string{"VpcConfig.Subnets lists no subnet"}, absent: []string{"security group;"}},
		{name: "no groups", config: `{"VpcConfig":{"Subnets":["subnet-0a1b2c3d4e5f60718"]}}`, want: NonCompliant,
			contains: []string{"VpcConfig.SecurityGroupIds lists no security group"}, absent: []string{"Subnets lists"}},
		{name: "neither", config: `{"VpcConfig":{"Subnets":null,"SecurityGroupIds":[""]}}`, want: NonCompliant,
			contains: []string{"Subnets lists no subnet", "SecurityGroupIds lists no security group"}},
		{name: "string", config: `{"VpcConfig":"vpc-0abc"}`, want: NonCompliant, contains: []string{"VpcConfig is not an object"}},
		{name: "two-element list", config: `{"VpcConfig":[{},{}]}`, want: NonCompliant, contains: []string{"VpcConfig is not an object"}},
	})
}
