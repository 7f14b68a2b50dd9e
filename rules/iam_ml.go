package rules

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/aiguard/aiguard/awsid"
	"github.com/aiguard/aiguard/configitem"
)

// Rules on the IAM principals around the ML services: the trust policies of
// the roles SageMaker and Bedrock assume, and who holds the services'
// full-access managed policies. AWS Config records IAM roles, users and
// groups in the describe API's camelCase (assumeRolePolicyDocument,
// attachedManagedPolicies[].policyArn), with policy documents as
// URL-encoded JSON.

const (
	typeIAMUser  = "AWS::IAM::User"
	typeIAMGroup = "AWS::IAM::Group"
)

// defaultMLServicePrincipals are the service principals whose roles
// ml-execution-role-trust-restricted judges.
const defaultMLServicePrincipals = "sagemaker.amazonaws.com,bedrock.amazonaws.com"

// defaultFullAccessPolicies are the AWS managed policies that give every
// action of an ML service.
const defaultFullAccessPolicies = "AmazonSageMakerFullAccess,AmazonBedrockFullAccess"

var (
	// servicePrincipalPattern is an AWS service principal.
	servicePrincipalPattern = &Regexp{Expr: `^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$`}
	// iamNamePattern is the character set of IAM user, group, role and
	// policy names (1 to 128 characters).
	iamNamePattern = &Regexp{Expr: `^[A-Za-z0-9+=,.@_-]{1,128}$`}
	// iamPrincipalRef is an IAM user, group or role name, or its ARN.
	iamPrincipalRef = &Regexp{Expr: `^([A-Za-z0-9+=,.@_-]{1,128}|` + arnStart + `iam::` + awsid.AccountIDPattern +
		`:(user|group|role)/[A-Za-z0-9+=,.@_/-]{1,512})$`}
)

func iamMLRules() []*Rule {
	return []*Rule{
		{
			ID:    "ml-execution-role-trust-restricted",
			Title: "Roles that SageMaker or Bedrock assume trust only that service, for your account's resources",
			Description: "A role whose trust policy allows one of servicePrincipals (default SageMaker and Bedrock) " +
				"must trust nothing else: no Principal \"*\" or NotPrincipal, no principal of another account, no " +
				"other service or identity provider, no Action \"*\" or sts:*; and, when requireSourceConditions, " +
				"each statement for the service must carry an aws:SourceAccount (this account) or aws:SourceArn " +
				"condition, which stops the service from being used as a confused deputy for another account's " +
				"resources. Roles no ML service may assume are NOT_APPLICABLE. AWS has no managed rule for this.",
			ResourceTypes: []string{TypeIAMRole},
			Trigger:       ChangeTriggered,
			Params: []Param{{
				Name:        "servicePrincipals",
				Type:        CSV,
				Description: "Service principals whose roles are ML execution roles.",
				Default:     defaultMLServicePrincipals,
				Pattern:     servicePrincipalPattern,
				PatternHelp: "a service principal (sagemaker.amazonaws.com)",
			}, {
				Name:        "requireSourceConditions",
				Type:        Bool,
				Description: "Whether each statement trusting an ML service must carry aws:SourceAccount or aws:SourceArn.",
				Default:     "true",
			}},
			Control:  ControlExecutionRoles,
			Severity: SeverityHigh,
			Remediation: "Update the role's trust policy (UpdateAssumeRolePolicy) to one statement allowing " +
				"sts:AssumeRole to the service principal alone, with a StringEquals aws:SourceAccount condition on " +
				"your account ID (or an ArnLike aws:SourceArn on your resources).",
			Fields: []string{"configuration.assumeRolePolicyDocument", "configuration.path"},
			Check:  checkMLRoleTrust,
		},
		{
			ID:    "ml-full-access-policy-unattached",
			Title: "No user, group or role outside the allow list holds the ML services' full-access policies",
			Description: "None of the AWS managed policies in policyNames (default AmazonSageMakerFullAccess and " +
				"AmazonBedrockFullAccess) may be attached to an IAM user, group or role, except those named in " +
				"allowedPrincipals. Service-linked roles are NOT_APPLICABLE. The AWS managed rule " +
				"IAM_POLICY_BLACKLISTED_CHECK checks the same with policy ARNs and a typed exception list; packs " +
				"keep this rule, whose parameters do not map onto those.",
			ResourceTypes: []string{TypeIAMRole, typeIAMUser, typeIAMGroup},
			Trigger:       ChangeTriggered,
			Params: []Param{{
				Name:        "policyNames",
				Type:        CSV,
				Description: "Names of the AWS managed policies no principal may hold.",
				Default:     defaultFullAccessPolicies,
				Pattern:     iamNamePattern,
				PatternHelp: "an IAM policy name (letters, digits and +=,.@_-)",
			}, {
				Name: "allowedPrincipals",
				Type: CSV,
				Description: "Users, groups and roles that may hold them, by name or ARN (break-glass and platform " +
					"administration roles).",
				Pattern:     iamPrincipalRef,
				PatternHelp: "an IAM user, group or role name or ARN",
			}},
			Control:  ControlIAMSageMaker,
			Severity: SeverityHigh,
			Remediation: "Detach the full-access policy (DetachRolePolicy, DetachUserPolicy, DetachGroupPolicy) and " +
				"grant the principal a policy scoped to the actions and resources it needs.",
			Fields: []string{"configuration.attachedManagedPolicies[].policyArn",
				"configuration.attachedManagedPolicies[].policyName", "configuration.path"},
			Check: checkFullAccessUnattached,
		},
	}
}

// policyDocumentField parses a policy document as Config records it: a JSON
// object, a JSON string, or URL-encoded JSON (IAM returns documents
// URL-encoded, and Config keeps them so).
func policyDocumentField(v configitem.Value) (*ciPolicy, error) {
	if s, ok := v.Text(); ok {
		t := strings.TrimSpace(s)
		if strings.HasPrefix(t, "%") {
			decoded, err := url.QueryUnescape(t)
			if err != nil {
				return nil, fmt.Errorf("the URL-encoded policy does not decode: %w", err)
			}
			v = configitem.ValueOf(decoded)
		}
	}
	return parsePolicy(v)
}

// itemAccount is the account of a CI: its accountId, else its ARN's.
func itemAccount(item *configitem.Item) string {
	if a := strings.TrimSpace(item.AccountID); awsid.IsAccountID(a) {
		return a
	}
	return arnAccount(item.ARN)
}

func checkMLRoleTrust(item *configitem.Item, p Params) Verdict {
	cfg := item.Config()
	if !cfg.Present() {
		return mlEmptyConfig()
	}
	if isServiceLinked(cfg) {
		return Skip("A service-linked role: its trust policy belongs to the service.")
	}
	docValue := cfg.Field("assumeRolePolicyDocument")
	if !docValue.Present() {
		return Skip("The item records no assumeRolePolicyDocument, so the role's trust cannot be judged.")
	}
	doc, err := policyDocumentField(docValue)
	if err != nil {
		return Fail("The trust policy cannot be read (%s), so whom the role trusts cannot be confirmed.", mlClip(err.Error(), 80))
	}
	services := p.List("servicePrincipals")
	if len(services) == 0 {
		services = splitCSV(defaultMLServicePrincipals)
	}
	isML := func(principal string) bool {
		return slices.ContainsFunc(services, func(s string) bool { return strings.EqualFold(strings.TrimSpace(principal), s) })
	}
	var trusted []string
	for i := range doc.Statement {
		s := &doc.Statement[i]
		if !allows(s) {
			continue
		}
		byType, _ := principals(s)
		for _, svc := range byType["Service"] {
			if isML(svc) && !slices.Contains(trusted, svc) {
				trusted = append(trusted, strings.TrimSpace(svc))
			}
		}
	}
	if len(trusted) == 0 {
		return Skip("No ML service (%s) may assume the role.", strings.Join(services, ", "))
	}
	account := itemAccount(item)
	requireSource := !p.IsSet("requireSourceConditions") || p.Bool("requireSourceConditions")
	var problems []string
	for i := range doc.Statement {
		s := &doc.Statement[i]
		if !allows(s) {
			continue
		}
		byType, notPrincipal := principals(s)
		if notPrincipal {
			problems = append(problems, label(i, s)+" uses NotPrincipal")
			continue
		}
		if actions, not := s.ActionElement(); not || slices.ContainsFunc(actions, func(a string) bool {
			a = strings.ToLower(strings.TrimSpace(a))
			return a == "*" || a == "sts:*"
		}) {
			problems = append(problems, label(i, s)+" allows every STS action")
		}
		mlStatement := false
		for typ, values := range byType {
			for _, v := range values {
				v = strings.TrimSpace(v)
				switch {
				case v == "*":
					problems = append(problems, label(i, s)+" trusts every principal")
				case typ == "Service" && isML(v):
					mlStatement = true
				case typ == "AWS" && account != "" && principalAccount(v) != account:
					problems = append(problems, label(i, s)+" trusts "+mlClip(v, 60)+" of another account")
				default:
					problems = append(problems, label(i, s)+" also trusts "+mlClip(v, 60))
				}
			}
		}
		if mlStatement && requireSource {
			if msg := sourceConditionGap(doc.tests[i], account); msg != "" {
				problems = append(problems, label(i, s)+" "+msg)
			}
		}
	}
	problems = slices.Compact(problems)
	if len(problems) == 0 {
		return Pass()
	}
	return Fail("Trust policy of an ML execution role (%s): %s. Trust the service alone, with aws:SourceAccount "+
		"or aws:SourceArn.", strings.Join(trusted, ", "), mlClip(strings.Join(problems, "; "), 180))
}

// principalAccount returns the account of an AWS principal: a bare account
// ID, or the account field of an ARN.
func principalAccount(p string) string {
	if awsid.IsAccountID(p) {
		return p
	}
	return arnAccount(p)
}

// sourceConditionGap says why a statement trusting a service does not pin
// the request's source to this account, "" when it does: it needs an
// aws:SourceAccount test naming only this account, or an aws:SourceArn test
// whose ARNs all name it (or, when the account is unknown, any concrete
// values).
func sourceConditionGap(tests []keyTest, account string) string {
	for _, c := range tests {
		if c.op.IfExists || c.op.Set == "ForAllValues" || len(c.values) == 0 {
			continue
		}
		switch c.key {
		case "aws:sourceaccount":
			if c.op.Base != "StringEquals" && c.op.Base != "StringLike" {
				continue
			}
			if allValues(c.values, func(v string) bool { return v == account || account == "" && awsid.IsAccountID(v) }) {
				return ""
			}
			return "limits aws:SourceAccount to another account"
		case "aws:sourcearn":
			switch c.op.Base {
			case "ArnEquals", "ArnLike", "StringEquals", "StringLike":
			default:
				continue
			}
			if allValues(c.values, func(v string) bool {
				a := arnAccount(v)
				return a != "" && !strings.ContainsAny(a, "*?") && (account == "" || a == account)
			}) {
				return ""
			}
			return "limits aws:SourceArn to resources outside this account, or to any account"
		}
	}
	return "has no aws:SourceAccount or aws:SourceArn condition"
}

func allValues(values []string, ok func(string) bool) bool {
	for _, v := range values {
		if !ok(strings.TrimSpace(v)) {
			return false
		}
	}
	return len(values) > 0
}

// isServiceLinked reports a service-linked role (path /aws-service-role/),
// whose policies only the service can change.
func isServiceLinked(cfg configitem.Value) bool {
	return strings.HasPrefix(strings.TrimSpace(cfg.Field("path").Str()), "/aws-service-role/")
}

func checkFullAccessUnattached(item *configitem.Item, p Params) Verdict {
	cfg := item.Config()
	if !cfg.Present() {
		return mlEmptyConfig()
	}
	if item.ResourceType == TypeIAMRole && isServiceLinked(cfg) {
		return Skip("A service-linked role: its policies belong to the service.")
	}
	kind, name := iamPrincipalName(item)
	for _, a := range p.List("allowedPrincipals") {
		if strings.EqualFold(a, name) || (item.ARN != "" && strings.EqualFold(a, item.ARN)) {
			return Skip("%s %s is in allowedPrincipals.", kind, name)
		}
	}
	banned := p.List("policyNames")
	if len(banned) == 0 {
		banned = splitCSV(defaultFullAccessPolicies)
	}
	var held []string
	for _, ap := range cfg.Field("attachedManagedPolicies").List() {
		arn := strings.TrimSpace(ap.Field("policyArn").Str())
		pname := strings.TrimSpace(ap.Field("policyName").Str())
		if arn != "" {
			if !awsid.IsAWSManagedPolicy(arn) {
				continue
			}
			pname = arn[strings.LastIndexByte(arn, '/')+1:]
		}
		if slices.ContainsFunc(banned, func(b string) bool { return strings.EqualFold(b, pname) }) && !slices.Contains(held, pname) {
			held = append(held, pname)
		}
	}
	if len(held) == 0 {
		return Pass()
	}
	return Fail("%s %s holds %s, which allow every action of the service on every resource. Detach it and grant "+
		"a scoped policy, or add the principal to allowedPrincipals.", kind, mlClip(name, 64), strings.Join(held, " and "))
}

// iamPrincipalName returns the kind and name of an IAM user, group or role CI.
func iamPrincipalName(item *configitem.Item) (kind, name string) {
	cfg := item.Config()
	switch item.ResourceType {
	case typeIAMUser:
		kind, name = "User", cfg.Field("userName").Str()
	case typeIAMGroup:
		kind, name = "Group", cfg.Field("groupName").Str()
	default:
		kind, name = "Role", cfg.Field("roleName").Str()
	}
	return kind, firstNonEmpty(strings.TrimSpace(name), item.ResourceName, item.ResourceID)
}
