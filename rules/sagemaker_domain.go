package rules

import (
	"strings"

	"github.com/aiguard/aiguard/configitem"
)

const typeDomain = "AWS::SageMaker::Domain"

func sagemakerDomainRules() []*Rule {
	return []*Rule{
		{
			ID:    "sagemaker-domain-vpc-only",
			Title: "SageMaker domains send app traffic only through your VPC",
			Description: "A domain must have AppNetworkAccessType VpcOnly (SageMaker's default, PublicInternetOnly, " +
				"gives apps direct internet access) and at least one subnet in SubnetIds. AWS's managed rule " +
				"SAGEMAKER_DOMAIN_IN_VPC checks only AppNetworkAccessType; this rule also requires subnets, so it " +
				"does not stand in for this one. A Studio user profile or space is judged through its domain (DomainId), " +
				"whose network its apps use, where the input holds both; a user profile in a VpcOnly domain also needs " +
				"security groups, its own (UserSettings.SecurityGroups) or the domain's " +
				"(DefaultUserSettings.SecurityGroups), which SageMaker requires: " + relatedNote,
			ResourceTypes: []string{typeDomain, typeUserProfile, typeSpace},
			Trigger:       ChangeTriggered,
			Control:       ControlVPCOnly,
			Severity:      SeverityHigh,
			Remediation: "Delete the domain's running apps, then update the domain (UpdateDomain) with " +
				"AppNetworkAccessType=VpcOnly and private SubnetIds that reach SageMaker and other services through " +
				"VPC endpoints or a NAT gateway.",
			Fields: []string{"configuration.AppNetworkAccessType", "configuration.SubnetIds",
				"configuration.UserSettings.SecurityGroups",
				"supplementaryConfiguration.Domain.configuration.AppNetworkAccessType",
				"supplementaryConfiguration.Domain.configuration.SubnetIds",
				"supplementaryConfiguration.Domain.configuration.DefaultUserSettings.SecurityGroups"},
			Check: checkStudioVPCOnly,
		},
		{
			ID:    "sagemaker-domain-cmk-encrypted",
			Title: "SageMaker domains encrypt their storage with a customer managed KMS key",
			Description: "A domain must name a KMS key (KmsKeyId) for the EFS and EBS volumes attached to it; " +
				"without one SageMaker uses an AWS managed key. When kmsKeyArns is given, the key must be one of " +
				"them: a key ID matches its key ARN, an alias only the same alias (aliases are not resolved to " +
				"keys, and whether a key given by ID or ARN is customer managed is not checked). A Studio user profile " +
				"or space, whose storage the domain's key encrypts, is judged through its domain (DomainId) where " +
				"the input holds both: " + relatedNote,
			ResourceTypes: []string{typeDomain, typeUserProfile, typeSpace},
			Trigger:       ChangeTriggered,
			Params:        []Param{kmsKeyArnsParam()},
			Control:       ControlEBSEncryption,
			Severity:      SeverityMedium,
			Remediation: "The key of an existing domain cannot be changed: create a new domain with KmsKeyId set to " +
				"a customer managed key (one of kmsKeyArns when given) and move its user profiles and spaces to it.",
			Fields: []string{"configuration.KmsKeyId", "supplementaryConfiguration.Domain.configuration.KmsKeyId"},
			Check:  onDomain(checkDomainCMK),
		},
	}
}

func checkDomainVPCOnly(item *configitem.Item, _ Params) Verdict {
	cfg := item.Config()
	var problems []string
	access := cfg.Field("AppNetworkAccessType")
	mode, isString := access.Text()
	mode = strings.TrimSpace(mode)
	switch {
	case isString && strings.EqualFold(mode, "VpcOnly"):
	case !access.Present():
		problems = append(problems, "AppNetworkAccessType is not set, and SageMaker's default is PublicInternetOnly")
	case !isString:
		problems = append(problems, "AppNetworkAccessType is not a string")
	default:
		problems = append(problems, "AppNetworkAccessType is "+mode)
	}
	if len(cfg.Field("SubnetIds").Strings()) == 0 {
		problems = append(problems, "SubnetIds lists no subnet")
	}
	if len(problems) == 0 {
		return Pass()
	}
	return Fail("Domain: %s. Update it with AppNetworkAccessType=VpcOnly and private SubnetIds so that apps reach "+
		"the internet only through your VPC.", strings.Join(problems, "; "))
}

func checkDomainCMK(item *configitem.Item, p Params) Verdict {
	key, problem := kmsKeyField(item.Config().Field("KmsKeyId"))
	if problem != "" {
		return Fail("KmsKeyId %s, so the domain's EFS and EBS volumes use an AWS managed key. Create a new domain "+
			"with KmsKeyId set to a customer managed KMS key and move its user profiles and spaces to it.", problem)
	}
	if !kmsKeyAllowed(key, p.List("kmsKeyArns")) {
		return Fail("%s. Create a new domain with KmsKeyId set to one of the keys in kmsKeyArns and move its user "+
			"profiles and spaces to it.", kmsKeyNotAllowed("KmsKeyId", key))
	}
	return Pass()
}
