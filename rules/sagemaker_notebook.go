package rules

import (
	"encoding/json"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/aiguard/aiguard/configitem"
)

const typeNotebookInstance = "AWS::SageMaker::NotebookInstance"

var subnetID = &Regexp{Expr: `^subnet-[0-9a-f]{8}([0-9a-f]{9})?$`}

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
				"with at least one security group. Stricter than the AWS managed rule " +
				"SAGEMAKER_NOTEBOOK_INSTANCE_INSIDE_VPC, which does not check security groups, so packs deploy this rule.",
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
			"DirectInternetAccess=Disabled in a private subnet.", describeNotebookValue(v))
	}
}

func checkNotebookInVPC(item *configitem.Item, p Params) Verdict {
	cfg := item.Config()
	subnetValue := cfg.Field("SubnetId")
	subnet := strings.TrimSpace(subnetValue.Str())
	groups := cfg.Field("SecurityGroupIds").Strings()
	var problems []string
	switch {
	case subnet == "" && subnetValue.Present():
		problems = append(problems, "its SubnetId is "+describeNotebookValue(subnetValue)+", not a subnet ID")
	case subnet == "":
		problems = append(problems, "it has no SubnetId (it runs outside your VPC)")
	default:
		allowed := p.List("allowedSubnetIds")
		if len(allowed) > 0 && !slices.ContainsFunc(allowed, func(a string) bool { return strings.EqualFold(a, subnet) }) {
			problems = append(problems, "its subnet "+subnet+" is not in allowedSubnetIds")
		}
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
		return Fail("RootAccess is %s. Stop the notebook instance and update it with RootAccess=Disabled.",
			describeNotebookValue(v))
	}
}

// describeNotebookValue renders a field's value for an annotation: a string
// as it is, anything else (a list or object where Config records a string)
// as compact JSON; long text is cut so the annotation keeps its advice.
func describeNotebookValue(v configitem.Value) string {
	text, isString := v.Text()
	if isString {
		text = strings.TrimSpace(text)
	} else {
		data, err := json.Marshal(v.Raw())
		if err != nil {
			return "an unreadable value"
		}
		text = string(data)
	}
	const limit = 40 // bytes
	if len(text) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut] + "…"
	}
	if isString {
		return text
	}
	return "the unexpected value " + text
}
