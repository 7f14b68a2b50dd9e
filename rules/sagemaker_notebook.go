package rules

import (
	"regexp"
	"slices"
	"strings"

	"github.com/aiguard/aiguard/configitem"
)

const typeNotebookInstance = "AWS::SageMaker::NotebookInstance"

var subnetID = regexp.MustCompile(`^subnet-[0-9a-f]{8}([0-9a-f]{9})?$`)

func sagemakerNotebookRules() []*Rule {
	return []*Rule{
		{
			ID:    "sagemaker-notebook-no-direct-internet",
			Title: "SageMaker notebook instances have direct internet access disabled",
			Description: "A notebook instance must not have SageMaker-provided internet access; " +
				"its traffic goes through the VPC (endpoints or a NAT gateway) instead.",
			ResourceTypes: []string{typeNotebookInstance},
			Trigger:       ChangeTriggered,
			Control:       ControlVPCOnly,
			SecurityHub:   []string{"SageMaker.1"},
			ManagedRule:   "SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET_ACCESS",
			Severity:      SeverityHigh,
			Remediation: "Recreate the notebook instance with DirectInternetAccess set to Disabled and a subnet " +
				"whose route table reaches the internet, if needed, through a NAT gateway or VPC endpoints.",
			Fields: []string{"configuration.DirectInternetAccess"},
			Check:  checkNotebookNoDirectInternet,
		},
		{
			ID:    "sagemaker-notebook-in-vpc",
			Title: "SageMaker notebook instances run in a VPC subnet with security groups",
			Description: "A notebook instance must be launched in a subnet (one of allowedSubnetIds when given) " +
				"with at least one security group.",
			ResourceTypes: []string{typeNotebookInstance},
			Trigger:       ChangeTriggered,
			Params: []Param{{
				Name:        "allowedSubnetIds",
				Type:        CSV,
				Description: "Subnets notebook instances may use; any subnet when unset.",
				Pattern:     subnetID,
				PatternHelp: "a subnet ID (subnet-0123abcd)",
			}},
			Control:     ControlVPCOnly,
			SecurityHub: []string{"SageMaker.2"},
			ManagedRule: "SAGEMAKER_NOTEBOOK_INSTANCE_INSIDE_VPC",
			Severity:    SeverityHigh,
			Remediation: "Recreate the notebook instance with SubnetId set to an approved private subnet and " +
				"SecurityGroupIds set to security groups that allow only the traffic it needs.",
			Fields: []string{"configuration.SubnetId", "configuration.SecurityGroupIds"},
			Check:  checkNotebookInVPC,
		},
		{
			ID:            "sagemaker-notebook-root-access-disabled",
			Title:         "SageMaker notebook instances have root access disabled",
			Description:   "Users of a notebook instance must not get root access on it.",
			ResourceTypes: []string{typeNotebookInstance},
			Trigger:       ChangeTriggered,
			Control:       ControlNotebookSecurity,
			SecurityHub:   []string{"SageMaker.3"},
			ManagedRule:   "SAGEMAKER_NOTEBOOK_INSTANCE_ROOT_ACCESS_CHECK",
			Severity:      SeverityHigh,
			Remediation: "Stop the notebook instance, update it with RootAccess set to Disabled " +
				"(UpdateNotebookInstance), and start it again.",
			Fields: []string{"configuration.RootAccess"},
			Check:  checkNotebookRootAccess,
		},
	}
}

func checkNotebookNoDirectInternet(item *configitem.Item, _ Params) Verdict {
	v := item.Config().Field("DirectInternetAccess")
	switch s := strings.TrimSpace(v.Str()); {
	case strings.EqualFold(s, "Disabled"):
		return Pass()
	case !v.Present():
		return Fail("DirectInternetAccess is not set, and SageMaker's default is Enabled. " +
			"Recreate the notebook instance with DirectInternetAccess=Disabled in a private subnet.")
	default:
		return Fail("DirectInternetAccess is %s. Recreate the notebook instance with "+
			"DirectInternetAccess=Disabled in a private subnet.", s)
	}
}

func checkNotebookInVPC(item *configitem.Item, p Params) Verdict {
	cfg := item.Config()
	subnet := strings.TrimSpace(cfg.Field("SubnetId").Str())
	groups := cfg.Field("SecurityGroupIds").Strings()
	var problems []string
	if subnet == "" {
		problems = append(problems, "it has no SubnetId (it runs outside your VPC)")
	} else if allowed := p.List("allowedSubnetIds"); len(allowed) > 0 && !slices.Contains(allowed, subnet) {
		problems = append(problems, "its subnet "+subnet+" is not in allowedSubnetIds")
	}
	if len(groups) == 0 {
		problems = append(problems, "it has no security group")
	}
	if len(problems) == 0 {
		return Pass()
	}
	return Fail("Notebook instance: %s. Recreate it in an approved private subnet with at least one security group.",
		strings.Join(problems, "; "))
}

func checkNotebookRootAccess(item *configitem.Item, _ Params) Verdict {
	v := item.Config().Field("RootAccess")
	switch s := strings.TrimSpace(v.Str()); {
	case strings.EqualFold(s, "Disabled"):
		return Pass()
	case !v.Present():
		return Fail("RootAccess is not set, and SageMaker's default is Enabled. " +
			"Stop the notebook instance and update it with RootAccess=Disabled.")
	default:
		return Fail("RootAccess is %s. Stop the notebook instance and update it with RootAccess=Disabled.", s)
	}
}
