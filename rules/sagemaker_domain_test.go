package rules

import "testing"

func TestDomainVPCOnly(t *testing.T) {
	runHardeningCases(t, sagemakerDomainRules(), typeDomain, "sagemaker-domain-vpc-only", []hardeningCase{
		{name: "vpc only with subnets", config: `{"AppNetworkAccessType":"VpcOnly","SubnetIds":["subnet-0a1b2c3d4e5f60718"]}`, want: Compliant},
		{name: "camelCase", config: `{"appNetworkAccessType":"VpcOnly","subnetIds":["subnet-0a1b2c3d4e5f60718"]}`, want: Compliant},
		{name: "value case", config: `{"AppNetworkAccessType":"VPCONLY","SubnetIds":["subnet-0a1b2c3d4e5f60718"]}`, want: Compliant},
		{name: "subnet as string", config: `{"AppNetworkAccessType":"VpcOnly","SubnetIds":"subnet-0a1b2c3d4e5f60718"}`, want: Compliant},
		{name: "public", config: `{"AppNetworkAccessType":"PublicInternetOnly","SubnetIds":["subnet-0a1b2c3d4e5f60718"]}`,
			want: NonCompliant, contains: []string{"AppNetworkAccessType is PublicInternetOnly", "VpcOnly"}, absent: []string{"SubnetIds lists"}},
		{name: "default is public", config: `{"SubnetIds":["subnet-0a1b2c3d4e5f60718"]}`, want: NonCompliant,
			contains: []string{"not set", "default is PublicInternetOnly"}},
		{name: "no subnets", config: `{"AppNetworkAccessType":"VpcOnly","SubnetIds":[]}`, want: NonCompliant,
			contains: []string{"SubnetIds lists no subnet"}, absent: []string{"AppNetworkAccessType is"}},
		{name: "both", config: `{"AppNetworkAccessType":"PublicInternetOnly"}`, want: NonCompliant,
			contains: []string{"AppNetworkAccessType is PublicInternetOnly", "SubnetIds lists no subnet"}},
		{name: "no configuration", want: NotApplicable, contains: []string{"carries no configuration"}},
		{name: "access as list", config: `{"AppNetworkAccessType":["VpcOnly"],"SubnetIds":["subnet-0a1b2c3d4e5f60718"]}`,
			want: NonCompliant, contains: []string{"AppNetworkAccessType is not a string"}},
		{name: "subnets null", config: `{"AppNetworkAccessType":"VpcOnly","SubnetIds":null}`, want: NonCompliant,
			contains: []string{"SubnetIds lists no subnet"}},
	})
}

func TestDomainCMKEncrypted(t *testing.T) {
	allow := map[string]string{"kmsKeyArns": "alias/studio, " + hardeningKeyARN}
	runHardeningCases(t, sagemakerDomainRules(), typeDomain, "sagemaker-domain-cmk-encrypted", []hardeningCase{
		{name: "key ARN", config: `{"KmsKeyId":"` + hardeningKeyARN + `"}`, want: Compliant},
		{name: "camelCase", config: `{"kmsKeyId":"` + hardeningKeyARN + `"}`, want: Compliant},
		{name: "key ID allowed by ARN", config: `{"KmsKeyId":"1234abcd-12ab-34cd-56ef-1234567890ab"}`, params: allow, want: Compliant},
		{name: "alias allowed", config: `{"KmsKeyId":"arn:aws:kms:us-east-1:111122223333:alias/studio"}`, params: allow, want: Compliant},
		{name: "absent", config: `{"DomainName":"fraud-studio"}`, want: NonCompliant,
			contains: []string{"KmsKeyId is not set", "AWS managed key"}},
		{name: "number", config: `{"KmsKeyId":7}`, want: NonCompliant, contains: []string{"KmsKeyId is not a string"}},
		{name: "not allowed", config: `{"KmsKeyId":"alias/other"}`, params: allow, want: NonCompliant,
			contains: []string{"KmsKeyId alias/other is not in kmsKeyArns", "does not resolve aliases"}},
	})
}
