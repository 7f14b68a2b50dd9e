package deploy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aiguard/aiguard/conformance"
	"github.com/aiguard/aiguard/packgen"
)

// Limits of AWS Config on organization conformance packs and on what one
// account holds: ExcludedAccounts from the PutOrganizationConformancePack API
// model, the others from "Service Limits" in the AWS Config Developer Guide
// (https://docs.aws.amazon.com/config/latest/developerguide/configlimits.html;
// none of them is adjustable).
const (
	MaxExcludedAccounts   = 1000 // ExcludedAccounts of an organization conformance pack
	MaxOrganizationPacks  = 50   // conformance packs per organization (not adjustable)
	MaxPacksPerAccount    = 50   // conformance packs per account (not adjustable)
	MaxRulesPerAccount    = 1000 // Config rules per account and Region, pack rules included
	orgPackLogicalID      = "OrganizationConformancePack"
	packTemplateBucketRef = "PackTemplateBucket"
)

// Output paths.
const (
	packsDir       = "packs/"
	orgPacksDir    = "organization-packs/"
	LambdaPath     = "deploy/rule-lambda.yaml"
	MemberRolePath = "deploy/member-role.yaml"
)

// PackPath returns the path of a pack's template in the output.
func PackPath(name string) string { return packsDir + name + ".yaml" }

// OrganizationPackPath returns the path of the template that deploys a pack
// as an organization conformance pack.
func OrganizationPackPath(name string) string { return orgPacksDir + name + ".yaml" }

// packTarget returns what a pack governs.
func (p *Plan) packTarget(pk *packgen.Pack) Target {
	regions := slices.Clone(p.Spec.Organization.Regions)
	if pk.Team == nil {
		return Target{Scope: ScopeOrganization, Regions: regions}
	}
	return Target{Scope: ScopeTeam, Team: pk.Team.Name, Accounts: sorted(pk.Team.Accounts),
		OrganizationalUnits: sorted(pk.Team.OrganizationalUnits), Regions: regions}
}

func sorted(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	out := slices.Clone(s)
	slices.Sort(out)
	return slices.Compact(out)
}

// knownAccounts returns every account the spec names: the teams', the
// management account and the security tooling account.
func (p *Plan) knownAccounts() []string {
	o := p.Spec.Organization
	return sorted(append(p.Spec.Accounts(), o.ManagementAccount, o.SecurityToolingAccount))
}

// producePacks writes each pack's template and, where Config can target it,
// the template that deploys it as an organization conformance pack.
//
// An organization conformance pack deploys to every account of the
// organization except its ExcludedAccounts. The baseline is meant for
// every account. A team's pack excludes every other account the spec
// names; it cannot include an OU, so a team that owns an OU gets no
// organization pack but a note recommending a StackSet.
func producePacks(p *Plan) (Result, error) {
	var res Result
	note := func(level, subject, format string, args ...any) {
		res.Notes = append(res.Notes, Note{Level: level, Subject: subject, Message: fmt.Sprintf(format, args...)})
	}
	known := p.knownAccounts()
	orgPacks, teamOrgPacks := 0, 0
	for _, pk := range p.Packs {
		target := p.packTarget(pk)
		res.Artifacts = append(res.Artifacts, Artifact{Path: PackPath(pk.Name), Kind: KindConformancePack, Target: target, Data: pk.Body})

		var excluded []string
		if t := pk.Team; t != nil {
			subject := "pack " + pk.Name
			switch {
			case len(t.OrganizationalUnits) > 0:
				note(packgen.Warning, subject, "team %s owns organizational units (%s): an organization conformance pack can exclude "+
					"accounts but not target an OU, so none is generated. Deploy %s with a service-managed StackSet "+
					"targeting %s%s",
					t.Name, strings.Join(target.OrganizationalUnits, ", "), PackPath(pk.Name), describeTargets(target),
					p.lambdaParamHint(pk))
				continue
			case len(t.Accounts) == 0:
				note(packgen.Warning, subject, "team %s names no account or organizational unit; the pack is generated but targets nothing", t.Name)
				continue
			}
			for _, a := range known {
				if !slices.Contains(t.Accounts, a) {
					excluded = append(excluded, a)
				}
			}
			if len(excluded) > MaxExcludedAccounts {
				note(packgen.Warning, subject, "an organization pack for team %s would exclude %d accounts, more than the %d Config allows, "+
					"so none is generated. Deploy %s with a StackSet targeting %s%s",
					t.Name, len(excluded), MaxExcludedAccounts, PackPath(pk.Name), describeTargets(target), p.lambdaParamHint(pk))
				continue
			}
			teamOrgPacks++
		}
		data, viaS3, err := p.orgPackTemplate(pk, excluded)
		if err != nil {
			return Result{}, err
		}
		if viaS3 {
			note(packgen.Info, "pack "+pk.Name, "%s is too large to inline in %s with its wrapper (%d bytes of TemplateBody at most), "+
				"so it reads the pack from S3: upload %s to s3://<bucket>/aiguard/%s in each Region and pass the bucket as %s",
				PackPath(pk.Name), OrganizationPackPath(pk.Name), conformance.MaxTemplateBytes, PackPath(pk.Name), PackPath(pk.Name),
				packTemplateBucketRef)
		}
		orgPacks++
		res.Artifacts = append(res.Artifacts, Artifact{Path: OrganizationPackPath(pk.Name), Kind: KindOrganizationConformancePack,
			Target: target, Data: data})
	}
	o := p.Spec.Organization
	if orgPacks > 0 {
		note(packgen.Info, "organization", "deploy %s*.yaml in the delegated administrator account %s (register it for "+
			"config-multiaccountsetup.amazonaws.com) in each Region (%s), after the rule Lambda and the member role; "+
			"every member account needs a configuration recorder", orgPacksDir, o.SecurityToolingAccount, strings.Join(o.Regions, ", "))
	}
	if teamOrgPacks > 0 {
		msg := "an organization conformance pack reaches every account of the organization but its ExcludedAccounts, " +
			"so a team's organization pack also deploys to the accounts the spec does not name"
		if ous := p.Spec.OrganizationalUnits(); len(ous) > 0 {
			msg += ", such as the accounts under " + strings.Join(ous, ", ")
		}
		note(packgen.Warning, "organization", "%s; to keep each team's rules in its own accounts, name every account in the spec, "+
			"or deploy %s with StackSets targeting the team's accounts instead", msg, packsDir+"aiguard-<team>.yaml")
	}
	if orgPacks > MaxOrganizationPacks {
		note(packgen.Warning, "organization", "%d organization conformance packs exceed the %d an organization may have (not adjustable): "+
			"deploy the team packs with StackSets instead", orgPacks, MaxOrganizationPacks)
	}
	p.accountLimits(note)
	return res, nil
}

// accountLimits notes teams whose accounts would hold more packs or rules
// than Config allows.
func (p *Plan) accountLimits(note func(level, subject, format string, args ...any)) {
	basePacks, baseRules := 0, 0
	for _, pk := range p.Packs {
		if pk.Team == nil {
			basePacks++
			baseRules += len(pk.Rules)
		}
	}
	for _, tp := range p.Teams {
		packs, rules := basePacks+len(tp.Packs), baseRules
		for _, pk := range tp.Packs {
			rules += len(pk.Rules)
		}
		if packs > MaxPacksPerAccount {
			note(packgen.Warning, "team "+tp.Team.Name, "each account of the team gets %d conformance packs, more than the %d Config allows", packs, MaxPacksPerAccount)
		}
		if rules > MaxRulesPerAccount {
			note(packgen.Warning, "team "+tp.Team.Name, "each account of the team gets %d Config rules per Region, more than the %d Config allows", rules, MaxRulesPerAccount)
		}
	}
}

// describeTargets lists a target's OUs and accounts, and its Regions.
func describeTargets(t Target) string {
	var parts []string
	if len(t.OrganizationalUnits) > 0 {
		parts = append(parts, "the OUs "+strings.Join(t.OrganizationalUnits, ", "))
	}
	if len(t.Accounts) > 0 {
		parts = append(parts, "the accounts "+strings.Join(t.Accounts, ", "))
	}
	return strings.Join(parts, " and ") + " in each Region (" + strings.Join(t.Regions, ", ") + ")"
}

// lambdaParamHint tells how to set RuleLambdaArn when the pack has custom
// rules.
func (p *Plan) lambdaParamHint(pk *packgen.Pack) string {
	if pk.Custom() == 0 {
		return "."
	}
	d := p.Deployment
	return fmt.Sprintf(", with the parameter %s set per Region to arn:%s:lambda:<region>:%s:function:%s.",
		packgen.LambdaArnParam, p.Spec.Partition(), d.ToolingAccount, d.FunctionName)
}

// orgPackTemplate returns the template that deploys a pack as an
// organization conformance pack: TemplateBody inline when the whole fits a
// TemplateBody itself, else TemplateS3Uri (viaS3).
func (p *Plan) orgPackTemplate(pk *packgen.Pack, excluded []string) (data []byte, viaS3 bool, err error) {
	o := p.Spec.Organization
	props := map[string]any{
		"OrganizationConformancePackName": pk.Name,
		"TemplateBody":                    string(pk.Body),
	}
	if o.ConformancePackBucket != "" {
		props["DeliveryS3Bucket"] = o.ConformancePackBucket
	}
	if len(excluded) > 0 {
		props["ExcludedAccounts"] = excluded
	}
	if pk.Custom() > 0 {
		props["ConformancePackInputParameters"] = []any{map[string]any{
			"ParameterName":  packgen.LambdaArnParam,
			"ParameterValue": conformance.Sub(p.Deployment.FunctionArn()),
		}}
	}
	whom := "the organization baseline"
	if pk.Team != nil {
		whom = "team " + pk.Team.Name
	}
	t := conformance.Template{
		"AWSTemplateFormatVersion": "2010-09-09",
		"Description": fmt.Sprintf("aiguard: %s as an organization conformance pack (%s); deploy in the delegated "+
			"administrator account %s in each Region", pk.Name, whom, o.SecurityToolingAccount),
		"Resources": map[string]any{
			orgPackLogicalID: map[string]any{"Type": "AWS::Config::OrganizationConformancePack", "Properties": props},
		},
	}
	name := OrganizationPackPath(pk.Name)
	data, err = t.MarshalChecked(p.Schema, name)
	if err != nil || len(data) <= conformance.MaxTemplateBytes {
		return data, false, err
	}
	delete(props, "TemplateBody")
	props["TemplateS3Uri"] = conformance.Sub("s3://${" + packTemplateBucketRef + "}/aiguard/" + PackPath(pk.Name))
	param := map[string]any{"Type": "String",
		"Description": "Bucket in this Region holding aiguard/" + PackPath(pk.Name)}
	if o.ConformancePackBucket != "" {
		param["Default"] = o.ConformancePackBucket
	}
	t["Parameters"] = map[string]any{packTemplateBucketRef: param}
	data, err = t.MarshalChecked(p.Schema, name)
	return data, true, err
}

// produceDeployment writes the rule Lambda's stack and the member role's
// StackSet template.
func produceDeployment(p *Plan) (Result, error) {
	d := p.Deployment
	lambda, err := LambdaTemplate(d)
	if err != nil {
		return Result{}, err
	}
	lambdaData, err := lambda.MarshalChecked(p.Schema, LambdaPath)
	if err != nil {
		return Result{}, err
	}
	role, err := MemberRoleTemplate(d, p.RuleActions())
	if err != nil {
		return Result{}, err
	}
	roleData, err := role.MarshalChecked(p.Schema, MemberRolePath)
	if err != nil {
		return Result{}, err
	}
	regions := slices.Clone(d.Regions)
	custom := 0
	for _, pk := range p.Packs {
		custom += pk.Custom()
	}
	res := Result{Artifacts: []Artifact{
		{Path: LambdaPath, Kind: KindLambdaStack, Data: lambdaData,
			Target: Target{Scope: ScopeAccount, Accounts: []string{d.ToolingAccount}, Regions: regions}},
		{Path: MemberRolePath, Kind: KindMemberRoleStackSet, Data: roleData,
			Target: Target{Scope: ScopeOrganization, Regions: []string{d.PrimaryRegion()}}},
	}}
	res.Notes = append(res.Notes,
		Note{Level: packgen.Info, Subject: LambdaPath, Message: fmt.Sprintf("deploy in the security tooling account %s, in %s first "+
			"(its stack creates the function's role %s), then in each other Region; CodeS3Bucket is a bucket in that Region "+
			"holding dist/aiguard-lambda-linux-arm64.zip from make build", d.ToolingAccount, d.PrimaryRegion(), d.RoleName())},
		Note{Level: packgen.Info, Subject: MemberRolePath, Message: fmt.Sprintf("deploy, after the rule Lambda's role exists, as a "+
			"service-managed StackSet to the organization root (or the OUs of the accounts the packs reach) in one Region, %s "+
			"(IAM is global). StackSets do not deploy to the management account %s: create the role %s there with a stack "+
			"if the baseline's custom rules are to evaluate it", d.PrimaryRegion(), p.Spec.Organization.ManagementAccount, d.MemberRoleName)},
	)
	if custom == 0 {
		res.Notes = append(res.Notes, Note{Level: packgen.Info, Subject: "deploy/",
			Message: "no pack has a custom rule: the rule Lambda and the member role are not needed"})
	}
	return res, nil
}

// RuleActions returns the IAM actions the custom rules of the plan call,
// sorted: what the member role needs beyond reporting. Managed rules run
// with Config's own role and need none.
func (p *Plan) RuleActions() []string {
	var out []string
	for _, pk := range p.Packs {
		for _, r := range pk.Rules {
			if r.Managed == "" {
				out = append(out, r.Rule.Actions...)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
