package deploy

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/aiguard/aiguard/conformance"
	"github.com/aiguard/aiguard/packgen"
	"github.com/aiguard/aiguard/policygen"
)

// Customizations for Control Tower (CfCT) output.
const (
	KindCfCTManifest = "cfct-manifest"
	KindCfCTFile     = "cfct-file"
	cfctDir          = "cfct/"
	CfCTManifestPath = cfctDir + "manifest.yaml"
	// cfctVersion is the manifest format CfCT reads today (manifest-v2).
	cfctVersion = "2021-03-15"
)

// cfctResource is one entry of a CfCT manifest's resources.
type cfctResource struct {
	Name              string          `yaml:"name"`
	Description       string          `yaml:"description,omitempty"`
	ResourceFile      string          `yaml:"resource_file"`
	DeployMethod      string          `yaml:"deploy_method"`
	Parameters        []cfctParameter `yaml:"parameters,omitempty"`
	DeploymentTargets cfctTargets     `yaml:"deployment_targets"`
	Regions           []string        `yaml:"regions,omitempty"`
}

type cfctParameter struct {
	Key   string `yaml:"parameter_key"`
	Value string `yaml:"parameter_value"`
}

type cfctTargets struct {
	Accounts            []string `yaml:"accounts,omitempty"`
	OrganizationalUnits []string `yaml:"organizational_units,omitempty"`
}

var (
	nonName = regexp.MustCompile(`[^A-Za-z0-9-]+`)
	// stackSetPattern is what CloudFormation accepts as a StackSet name.
	stackSetPattern = regexp.MustCompile(`^[a-zA-Z][-a-zA-Z0-9]*$`)
)

// stackSetName turns a file path into a StackSet name: letters, digits and
// hyphens, starting with a letter.
func stackSetName(p string) string {
	p = strings.TrimSuffix(strings.TrimSuffix(p, path.Ext(p)), ".cfn")
	return "aiguard-" + strings.Trim(nonName.ReplaceAllString(strings.ReplaceAll(p, "/", "-"), "-"), "-")
}

// scpName is the name of an SCP in AWS Organizations, as policygen's
// templates name it: aiguard-<team>-scp-<n>, aiguard-organization-scp-<n>.
func scpName(a Artifact) string {
	return stackSetName(strings.TrimPrefix(a.Path, "policies/"))
}

// CodeBucketName is the bucket name the landing-zone layouts assume for the
// Lambda code in each Region of the tooling account (S3 bucket names are
// global, and Lambda reads code from its own Region).
func CodeBucketName(account, region string) string {
	return "aiguard-lambda-code-" + account + "-" + region
}

// lzTargets turns a target into landing-zone terms: OU paths (with the given
// separator for nesting) and account IDs, with a note for every OU the
// spec gives no path for.
func (p *Plan) lzTargets(t Target, sep string) (ous, accounts, missing []string) {
	for _, id := range t.OrganizationalUnits {
		pth, ok := p.Spec.OUPath(id)
		if !ok {
			missing = append(missing, id)
			continue
		}
		ous = append(ous, strings.ReplaceAll(pth, "/", sep))
	}
	return ous, slices.Clone(t.Accounts), missing
}

// teamTarget is where a team's templates go: its OUs and accounts.
func (p *Plan) teamTarget(team string) Target {
	t, ok := p.Spec.Team(team)
	if !ok {
		return Target{}
	}
	return Target{Scope: ScopeTeam, Team: team, Accounts: sorted(t.Accounts), OrganizationalUnits: sorted(t.OrganizationalUnits)}
}

// allTeamsTarget is every OU and account a team owns.
func (p *Plan) allTeamsTarget() Target {
	return Target{Scope: ScopeOrganization, Accounts: p.Spec.Accounts(), OrganizationalUnits: p.Spec.OrganizationalUnits()}
}

// isTemplate reports whether a generated file is a CloudFormation template.
// The kinds aiguard's producers write say so without reading the data
// (parsing every artifact as YAML was most of generate's time); a kind of
// another producer is read.
func isTemplate(a Artifact) bool {
	switch a.Kind {
	case KindConformancePack, KindOrganizationConformancePack, KindLambdaStack, KindMemberRoleStackSet,
		KindHook, KindHookFunctions, KindDetectionsStack, KindForwarderStackSet, KindSecurityHubRules,
		string(policygen.KindCFNTemplate):
		return true
	case string(policygen.KindSCP), string(policygen.KindBoundary), string(policygen.KindExecutionRole),
		string(policygen.KindOptOut), string(policygen.KindTests), KindTerraform:
		return false
	}
	return parsesAsTemplate(a.Data)
}

// parsesAsTemplate reports whether data is a CloudFormation template.
func parsesAsTemplate(data []byte) bool {
	var top struct {
		Version   any `yaml:"AWSTemplateFormatVersion"`
		Resources any `yaml:"Resources"`
	}
	return yaml.Unmarshal(data, &top) == nil && top.Version != nil && top.Resources != nil
}

// deriveCfCT lays the generated files out for Customizations for Control
// Tower: cfct/manifest.yaml in CfCT's current manifest format, with the
// files it references under cfct/. CfCT attaches SCPs to OUs only (by name;
// nested OUs as Parent:Child), and deploys templates as StackSets from the
// management account to accounts and OUs. Teams' SCPs become scp resources;
// the rule Lambda, the hook functions and the organization packs
// StackSets to the security tooling account; the member role, the teams'
// boundaries and roles, hooks and the packs of teams that own OUs (wrapped
// in AWS::Config::ConformancePack) StackSets to the teams' accounts and
// OUs. What CfCT cannot express is a note.
func deriveCfCT(p *Plan, arts []Artifact) (Result, error) {
	var res Result
	note := func(level, format string, args ...any) {
		res.Notes = append(res.Notes, Note{Level: level, Subject: CfCTManifestPath, Message: fmt.Sprintf(format, args...)})
	}
	d := p.Deployment
	regions := slices.Clone(d.Regions)
	primary := []string{d.PrimaryRegion()}
	files := map[string][]byte{}
	copyFile := func(a Artifact, dir string) string {
		rel := dir + a.Path
		files[rel] = a.Data
		return rel
	}
	missingOUs := map[string]bool{}
	targets := func(t Target) (cfctTargets, bool) {
		ous, accts, missing := p.lzTargets(t, ":")
		for _, m := range missing {
			missingOUs[m] = true
		}
		return cfctTargets{Accounts: accts, OrganizationalUnits: ous}, len(ous)+len(accts) > 0
	}
	codeParams := func(region string) []cfctParameter {
		return []cfctParameter{
			{Key: "CodeS3Bucket", Value: CodeBucketName(d.ToolingAccount, region)},
			{Key: "CodeS3Key", Value: "aiguard-lambda-linux-arm64.zip"},
		}
	}
	tooling := cfctTargets{Accounts: []string{d.ToolingAccount}}
	var scps, stacks []cfctResource
	var accountOnlySCPs []string
	for _, a := range arts {
		switch {
		case a.Kind == string(policygen.KindSCP) && a.Target.Scope == ScopeTeam:
			t := p.teamTarget(a.Target.Team)
			ous, _, missing := p.lzTargets(t, ":")
			for _, m := range missing {
				missingOUs[m] = true
			}
			if len(t.Accounts) > 0 {
				accountOnlySCPs = append(accountOnlySCPs, a.Path)
			}
			if len(ous) == 0 {
				continue
			}
			scps = append(scps, cfctResource{Name: scpName(a), ResourceFile: copyFile(a, ""), DeployMethod: "scp",
				Description:       "aiguard service control policy of team " + a.Target.Team,
				DeploymentTargets: cfctTargets{OrganizationalUnits: ous}})
		case !isTemplate(a):
			continue
		case a.Kind == KindConformancePack:
			// Deployed through its organization pack, or wrapped below.
		case a.Kind == string(policygen.KindCFNTemplate) && (strings.HasSuffix(a.Path, "/scps.cfn.json") || a.Target.Scope == ScopeOrganization):
			// Organizations policies: the SCPs above; the organization's
			// template is for the management account (note below).
		case a.Kind == KindLambdaStack || a.Kind == KindHookFunctions:
			file := copyFile(a, "templates/")
			for _, r := range regions {
				stacks = append(stacks, cfctResource{Name: stackSetName(a.Path) + "-" + r, ResourceFile: file, DeployMethod: "stack_set",
					Parameters: codeParams(r), DeploymentTargets: tooling, Regions: []string{r}})
			}
		case a.Kind == KindOrganizationConformancePack:
			if bytes.Contains(a.Data, []byte(packTemplateBucketRef)) && p.Spec.Organization.ConformancePackBucket == "" {
				note(packgen.Warning, "%s reads its pack from S3 and needs the %s parameter, which the spec does not give "+
					"(organization.conformancePackBucket); it is left out of the manifest", a.Path, packTemplateBucketRef)
				continue
			}
			stacks = append(stacks, cfctResource{Name: stackSetName(a.Path), ResourceFile: copyFile(a, "templates/"),
				DeployMethod: "stack_set", DeploymentTargets: tooling, Regions: regions})
		default:
			t := a.Target
			rs := t.Regions
			switch {
			case a.Kind == KindMemberRoleStackSet:
				t = p.allTeamsTarget()
			case t.Scope == ScopeTeam:
				t = p.teamTarget(t.Team)
			}
			if len(rs) == 0 {
				rs = primary
			}
			tg, ok := targets(t)
			if !ok {
				note(packgen.Warning, "%s targets no account or OU the spec names; it is left out of the manifest", a.Path)
				continue
			}
			stacks = append(stacks, cfctResource{Name: stackSetName(a.Path), ResourceFile: copyFile(a, "templates/"),
				DeployMethod: "stack_set", DeploymentTargets: tg, Regions: slices.Clone(rs)})
		}
	}
	// The packs of teams that own OUs: no organization pack can target an
	// OU, so each is a StackSet of a ConformancePack to the team.
	for _, pk := range p.Packs {
		if pk.Team == nil || len(pk.Team.OrganizationalUnits) == 0 {
			continue
		}
		wrapper, err := p.packStackTemplate(pk)
		if err != nil {
			return Result{}, err
		}
		rel := "templates/conformance-packs/" + pk.Name + ".yaml"
		files[rel] = wrapper
		tg, ok := targets(p.teamTarget(pk.Team.Name))
		if !ok {
			continue
		}
		stacks = append(stacks, cfctResource{Name: "aiguard-conformance-pack-" + pk.Name, ResourceFile: rel,
			DeployMethod: "stack_set", DeploymentTargets: tg, Regions: regions})
	}
	// StackSets in the order they can be deployed: what others use first.
	rank := func(r cfctResource) int {
		for i, prefix := range []string{"templates/deploy/rule-lambda", "templates/deploy/cfn-hook-functions",
			"templates/deploy/member-role", "templates/policies/", "templates/organization-packs/",
			"templates/conformance-packs/", "templates/deploy/cfn-hook/"} {
			if strings.HasPrefix(r.ResourceFile, prefix) {
				return i
			}
		}
		return 99
	}
	slices.SortStableFunc(stacks, func(a, b cfctResource) int { return rank(a) - rank(b) })
	if len(accountOnlySCPs) > 0 {
		note(packgen.Warning, "CfCT attaches SCPs to organizational units only, so these SCPs do not reach the accounts their teams "+
			"name: %s. Move the accounts into the team's OU, or attach the SCPs with policies/<team>/scps.cfn.json from the "+
			"management account instead of CfCT", strings.Join(accountOnlySCPs, ", "))
	}
	if len(missingOUs) > 0 {
		var ids []string
		for id := range missingOUs {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		note(packgen.Warning, "CfCT names OUs by their path, which organization.landingZone.organizationalUnits does not give for %s: "+
			"the manifest leaves them out of every target", strings.Join(ids, ", "))
	}
	note(packgen.Info, "copy cfct/ into your CfCT configuration (the manifest and the files it references); deploy "+
		"policies/organization/organization.cfn.json (the AI services opt-out policy and the organization's SCPs, "+
		"attached at the root) as a stack in the management account. Before the pipeline runs, create the "+
		"bucket %s in each Region with dist/aiguard-lambda-linux-arm64.zip, and list the rule Lambda's Regions first, "+
		"home Region (%s) first, as the manifest does: its stack there creates the function's role",
		CodeBucketName(d.ToolingAccount, "<region>"), d.PrimaryRegion())

	var buf bytes.Buffer
	fmt.Fprintf(&buf, "---\n# aiguard: Customizations for Control Tower manifest (generated by aiguard generate; edit the\n"+
		"# organization spec, not this file). Home Region of Control Tower:\nregion: %s\nversion: %s\n\n", d.PrimaryRegion(), cfctVersion)
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(map[string]any{"resources": append(scps, stacks...)}); err != nil {
		return Result{}, fmt.Errorf("encode the CfCT manifest: %w", err)
	}
	res.Artifacts = append(res.Artifacts, Artifact{Path: CfCTManifestPath, Kind: KindCfCTManifest, Data: buf.Bytes(),
		Target: Target{Scope: ScopeAccount, Accounts: []string{p.Spec.Organization.ManagementAccount}, Regions: primary}})
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		res.Artifacts = append(res.Artifacts, Artifact{Path: cfctDir + n, Kind: KindCfCTFile, Data: files[n],
			Target: Target{Scope: ScopeAccount, Accounts: []string{p.Spec.Organization.ManagementAccount}, Regions: primary}})
	}
	return res, nil
}

// packStackTemplate deploys a pack as an AWS::Config::ConformancePack in
// the account and Region of the stack, with the rule Lambda of that Region.
func (p *Plan) packStackTemplate(pk *packgen.Pack) ([]byte, error) {
	props := map[string]any{
		"ConformancePackName": pk.Name,
		"TemplateBody":        string(pk.Body),
	}
	if b := p.Spec.Organization.ConformancePackBucket; b != "" {
		props["DeliveryS3Bucket"] = b
	}
	if pk.Custom() > 0 {
		props["ConformancePackInputParameters"] = []any{map[string]any{
			"ParameterName": packgen.LambdaArnParam, "ParameterValue": conformance.Sub(p.Deployment.FunctionArn()),
		}}
	}
	t := conformance.Template{
		"AWSTemplateFormatVersion": "2010-09-09",
		"Description": fmt.Sprintf("aiguard: %s (%s) as a conformance pack in this account and Region; deploy with a StackSet "+
			"to the team's accounts and OUs", pk.Name, packgen.Owner(pk.Team)),
		"Resources": map[string]any{
			"ConformancePack": map[string]any{"Type": "AWS::Config::ConformancePack", "Properties": props},
		},
	}
	return t.MarshalChecked(p.Schema, "conformance pack stack "+pk.Name)
}
