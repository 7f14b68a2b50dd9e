package rules

import (
	"strings"

	"github.com/aiguard/aiguard/configitem"
)

const typeModel = "AWS::SageMaker::Model"

func sagemakerModelRules() []*Rule {
	return []*Rule{
		{
			ID:    "sagemaker-model-network-isolation",
			Title: "SageMaker models run their containers with network isolation",
			Description: "A model must have EnableNetworkIsolation true (SageMaker's default is false), so that its " +
				"inference containers can make no outbound network calls. An endpoint is judged through the models " +
				"its endpoint config serves on instance-based variants, where the input holds them: " + relatedNote,
			ResourceTypes: []string{typeModel, typeEndpoint},
			Trigger:       ChangeTriggered,
			Control:       ControlNetworkIsolation,
			SecurityHub:   []string{"SageMaker.5"},
			ManagedRule:   "SAGEMAKER_MODEL_ISOLATION_ENABLED",
			Severity:      SeverityMedium,
			Remediation: "Models cannot be changed: create a new model with EnableNetworkIsolation=true, point a new " +
				"endpoint config at it, and update the endpoint.",
			Fields: []string{"configuration.EnableNetworkIsolation",
				"supplementaryConfiguration.Models.configuration.EnableNetworkIsolation",
				"supplementaryConfiguration.EndpointConfig.configuration.ProductionVariants.VariantName"},
			Check: onModels(checkModelNetworkIsolation, false),
		},
		{
			ID:    "sagemaker-model-in-vpc",
			Title: "SageMaker models run in your VPC with subnets and security groups",
			Description: "A model must have a VpcConfig with at least one subnet (Subnets) and one security group " +
				"(SecurityGroupIds), so that its containers reach your resources only through your VPC. AWS's " +
				"managed rule SAGEMAKER_MODEL_IN_VPC checks only that VpcConfig is present, so it does not stand in " +
				"for this rule. An endpoint is judged through the models its endpoint config serves on " +
				"instance-based variants, where the input holds them: " + relatedNote,
			ResourceTypes: []string{typeModel, typeEndpoint},
			Trigger:       ChangeTriggered,
			Control:       ControlVPCOnly,
			Severity:      SeverityMedium,
			Remediation: "Models cannot be changed: create a new model with VpcConfig naming private subnets and " +
				"security groups, point a new endpoint config at it, and update the endpoint.",
			Fields: []string{"configuration.VpcConfig.SecurityGroupIds", "configuration.VpcConfig.Subnets",
				"supplementaryConfiguration.Models.configuration.VpcConfig.Subnets",
				"supplementaryConfiguration.EndpointConfig.configuration.ProductionVariants.VariantName"},
			Check: onModels(checkModelInVPC, false),
		},
	}
}

const modelRedeploy = "Create a new model with %s, point a new endpoint config at it, and update the endpoint."

func checkModelNetworkIsolation(item *configitem.Item, _ Params) Verdict {
	v := item.Config().Field("EnableNetworkIsolation")
	on, ok := v.Bool()
	switch {
	case ok && on:
		return Pass()
	case ok:
		return Fail("EnableNetworkIsolation is false, so the model's containers can make outbound network calls. "+
			modelRedeploy, "EnableNetworkIsolation=true")
	case !v.Exists() || v.IsNull():
		return Fail("EnableNetworkIsolation is not set, and SageMaker's default is false: the model's containers "+
			"can make outbound network calls. "+modelRedeploy, "EnableNetworkIsolation=true")
	}
	return Fail("EnableNetworkIsolation is not true or false, so network isolation cannot be confirmed. "+
		modelRedeploy, "EnableNetworkIsolation=true")
}

func checkModelInVPC(item *configitem.Item, _ Params) Verdict {
	vpc := item.Config().Field("VpcConfig")
	if !vpc.Present() {
		return Fail("VpcConfig is not set, so the model's containers run outside your VPC. "+modelRedeploy,
			"a VpcConfig naming private subnets and security groups")
	}
	// List unwraps a JSON-encoded object and tolerates a one-element list.
	if list := vpc.List(); len(list) == 1 {
		vpc = list[0]
	}
	if !vpc.IsObject() {
		return Fail("VpcConfig is not an object, so the model's VPC placement cannot be confirmed. "+modelRedeploy,
			"a VpcConfig naming private subnets and security groups")
	}
	var problems []string
	if len(vpc.Field("Subnets").Strings()) == 0 {
		problems = append(problems, "VpcConfig.Subnets lists no subnet")
	}
	if len(vpc.Field("SecurityGroupIds").Strings()) == 0 {
		problems = append(problems, "VpcConfig.SecurityGroupIds lists no security group")
	}
	if len(problems) == 0 {
		return Pass()
	}
	return Fail("Model: %s. "+modelRedeploy, strings.Join(problems, "; "),
		"a VpcConfig naming private subnets and security groups")
}
