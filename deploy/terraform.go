package deploy

import (
	"encoding/json"
	"fmt"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/aiguard/aiguard/conformance"
	"github.com/aiguard/aiguard/packgen"
	"github.com/aiguard/aiguard/policygen"
)

// Terraform output.
const (
	KindTerraform = "terraform"
	terraformDir  = "terraform/"
)

// tfBlock is a block of a Terraform file as the generator builds it:
// attributes as HCL expressions, in order, and nested blocks.
type tfBlock struct {
	typ    string
	labels []string
	attrs  [][2]string // name, expression
	blocks []*tfBlock
}

func (b *tfBlock) set(name, expr string) *tfBlock {
	b.attrs = append(b.attrs, [2]string{name, expr})
	return b
}

func (b *tfBlock) block(typ string, labels ...string) *tfBlock {
	c := &tfBlock{typ: typ, labels: labels}
	b.blocks = append(b.blocks, c)
	return c
}

// exprTokens parses an HCL expression into tokens for hclwrite.
func exprTokens(expr string) (hclwrite.Tokens, error) {
	f, diags := hclwrite.ParseConfig([]byte("x = "+expr+"\n"), "expr", hcl.InitialPos)
	if diags.HasErrors() {
		return nil, fmt.Errorf("terraform: expression %q: %s", expr, diags.Error())
	}
	return f.Body().GetAttribute("x").Expr().BuildTokens(nil), nil
}

// write renders blocks with hclwrite, formatted as terraform fmt does.
func writeHCL(header string, blocks []*tfBlock) ([]byte, error) {
	f := hclwrite.NewEmptyFile()
	body := f.Body()
	var add func(body *hclwrite.Body, b *tfBlock) error
	add = func(body *hclwrite.Body, b *tfBlock) error {
		nb := body.AppendNewBlock(b.typ, b.labels)
		for _, a := range b.attrs {
			toks, err := exprTokens(a[1])
			if err != nil {
				return err
			}
			nb.Body().SetAttributeRaw(a[0], toks)
		}
		for _, c := range b.blocks {
			if err := add(nb.Body(), c); err != nil {
				return err
			}
		}
		return nil
	}
	for i, b := range blocks {
		if i > 0 {
			body.AppendNewline()
		}
		if err := add(body, b); err != nil {
			return nil, err
		}
	}
	return append([]byte(header), hclwrite.Format(f.Bytes())...), nil
}

// hclString quotes s as an HCL string literal, template sequences escaped.
func hclString(s string) string {
	q := strconv.Quote(s)
	q = strings.ReplaceAll(q, "${", "$${")
	return strings.ReplaceAll(q, "%{", "%%{")
}

// hclValue writes a template value (as deploy.go builds templates) as an
// HCL expression: Fn::Sub strings become templates over the module's
// variables (AWS::Partition, AWS::AccountId, AWS::Region).
func hclValue(v any, pseudo map[string]string) (string, error) {
	switch x := v.(type) {
	case *conformance.Value: // an intrinsic function
		return hclValue(x.JSON(), pseudo)
	case string:
		return hclString(x), nil
	case int:
		return strconv.Itoa(x), nil
	case json.Number:
		return x.String(), nil
	case bool:
		return strconv.FormatBool(x), nil
	case []string:
		items := make([]any, len(x))
		for i, s := range x {
			items[i] = s
		}
		return hclValue(items, pseudo)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			s, err := hclValue(e, pseudo)
			if err != nil {
				return "", err
			}
			parts[i] = s
		}
		return "[" + strings.Join(parts, ", ") + "]", nil
	case map[string]any:
		if s, ok := x["Fn::Sub"].(string); ok && len(x) == 1 {
			q := hclString(s)
			for from, to := range pseudo {
				q = strings.ReplaceAll(q, "$${"+from+"}", "${"+to+"}")
			}
			if strings.Contains(q, "$${") {
				return "", fmt.Errorf("terraform: %s has a reference the module cannot resolve", s)
			}
			return q, nil
		}
		var b strings.Builder
		b.WriteString("{\n")
		for _, k := range slices.Sorted(maps.Keys(x)) {
			s, err := hclValue(x[k], pseudo)
			if err != nil {
				return "", err
			}
			fmt.Fprintf(&b, "%s = %s\n", hclString(k), s)
		}
		b.WriteString("}")
		return b.String(), nil
	case conformance.Template:
		return hclValue(map[string]any(x), pseudo)
	}
	return "", fmt.Errorf("terraform: cannot write %T", v)
}

// templatePath returns the value at a path of nested template maps.
func templatePath(v any, keys ...any) any {
	for _, k := range keys {
		switch c := v.(type) {
		case conformance.Template:
			v = c[k.(string)]
		case map[string]any:
			v = c[k.(string)]
		case []any:
			v = c[k.(int)]
		default:
			return nil
		}
	}
	return v
}

// deriveTerraform writes out/terraform/, a Terraform module that deploys
// what generate writes, from the same files (file() of the policies and
// pack templates beside it) and the same templates (the IAM documents of
// the rule Lambda's and the member role's stacks). One module, applied
// once per place with its own provider: deploy_organization_policies in
// the management account (SCPs attached per target, the AI services
// opt-out policy); deploy_tooling in the security tooling account, in each
// Region (the rule Lambda with its role, log group and Config's invoke
// permission, the organization conformance packs, the hook functions and
// the Security Hub automation rules as stacks); team in each account of a
// team (its boundary, execution roles, the member role, the packs no
// organization pack reaches, the hook).
func deriveTerraform(p *Plan, arts []Artifact) (Result, error) {
	d := p.Deployment
	spec := p.Spec
	pseudo := map[string]string{"AWS::Partition": "var.partition", "AWS::AccountId": "var.tooling_account", "AWS::Region": "var.region"}
	have := map[string]Artifact{}
	for _, a := range arts {
		have[a.Path] = a
	}
	q := hclString

	// versions.tf
	tf := &tfBlock{typ: "terraform"}
	tf.set("required_version", q(">= 1.5.0"))
	tf.block("required_providers").set("aws", `{ source = "hashicorp/aws", version = ">= 6.0" }`)
	versions, err := writeHCL("# aiguard: generated by aiguard generate; edit the organization spec, not this file.\n", []*tfBlock{tf})
	if err != nil {
		return Result{}, err
	}

	// variables.tf
	scpTargets := map[string]any{}
	for _, t := range spec.Teams {
		ids := sorted(append(slices.Clone(t.OrganizationalUnits), t.Accounts...))
		list := make([]any, len(ids))
		for i, id := range ids {
			list[i] = id
		}
		scpTargets[t.Name] = list
	}
	scpDefault, err := hclValue(scpTargets, nil)
	if err != nil {
		return Result{}, err
	}
	variable := func(name, typ, def, desc string) *tfBlock {
		b := &tfBlock{typ: "variable", labels: []string{name}}
		b.set("type", typ)
		if def != "" {
			b.set("default", def)
		}
		return b.set("description", q(desc))
	}
	vars := []*tfBlock{
		variable("deploy_organization_policies", "bool", "false", "In the management account: create the SCPs and attach them to their targets, and the AI services opt-out policy to the root."),
		variable("deploy_tooling", "bool", "false", "In the security tooling account, once per Region: the rule Lambda, the organization conformance packs, the hook functions and the Security Hub automation rules."),
		variable("team", "string", q(""), "In an account of this team: its permission boundary, execution roles, the member role, its conformance packs where no organization pack reaches it, and its CloudFormation hook."),
		variable("create_global_resources", "bool", "true", "Create the IAM resources (global); false in every Region but one."),
		variable("region", "string", "", "The Region of the provider this module is applied with."),
		variable("partition", "string", q(spec.Partition()), "The partition of the organization."),
		variable("tooling_account", "string", q(d.ToolingAccount), "The security tooling account, where the rule Lambda runs."),
		variable("root_id", "string", q(""), "The organization root (r-...) the AI services opt-out policy and the organization's SCPs are attached to."),
		variable("scp_targets", "map(list(string))", scpDefault, "Per team, the OUs and accounts its SCPs are attached to."),
		variable("code_s3_bucket", "string", q(""), "Bucket in this Region holding the Lambda zip (dist/aiguard-lambda-linux-arm64.zip from make build)."),
		variable("code_s3_key", "string", q("aiguard-lambda-linux-arm64.zip"), "Key of the Lambda zip in code_s3_bucket."),
		variable("rule_lambda_arn", "string", q(""), "The rule Lambda of this Region; empty: the function the tooling account's instance creates."),
	}
	variables, err := writeHCL("# aiguard: what you supply; the defaults come from the organization spec.\n", vars)
	if err != nil {
		return Result{}, err
	}

	// main.tf: locals.
	var scpEntries, packEntries, orgPackEntries, rolesEntries []string
	for _, a := range arts {
		if a.Kind != string(policygen.KindSCP) {
			continue
		}
		key := strings.TrimSuffix(strings.TrimPrefix(a.Path, "policies/"), ".json")
		team, targets := a.Target.Team, "var.scp_targets["+q(a.Target.Team)+"]"
		if a.Target.Scope != ScopeTeam {
			targets = "[var.root_id]" // the organization's SCPs: at the root
		}
		scpEntries = append(scpEntries, fmt.Sprintf("%s = { file = %s, name = %s, team = %s, targets = %s }",
			q(key), q(a.Path), q(scpName(a)), q(team), targets))
	}
	roles := map[string][]string{}
	for _, a := range arts {
		if a.Kind == string(policygen.KindExecutionRole) {
			kind := strings.TrimSuffix(strings.TrimPrefix(path.Base(a.Path), "execution-role-"), ".json")
			roles[a.Target.Team] = append(roles[a.Target.Team], kind)
		}
	}
	for _, tp := range p.Teams {
		var packs []string
		for _, pk := range tp.Packs {
			if _, org := have[OrganizationPackPath(pk.Name)]; !org {
				packs = append(packs, q(pk.Name))
			}
		}
		packEntries = append(packEntries, fmt.Sprintf("%s = [%s]", q(tp.Team.Name), strings.Join(packs, ", ")))
		var kinds []string
		for _, k := range roles[tp.Team.Name] {
			kinds = append(kinds, q(k)+" = "+q(policygen.ExecutionRoleName(tp.Team.Name, k)))
		}
		rolesEntries = append(rolesEntries, fmt.Sprintf("%s = { %s }", q(tp.Team.Name), strings.Join(kinds, ", ")))
	}
	known := p.knownAccounts()
	for _, pk := range p.Packs {
		if _, org := have[OrganizationPackPath(pk.Name)]; !org {
			continue
		}
		var excluded []string
		if pk.Team != nil {
			for _, a := range known {
				if !slices.Contains(pk.Team.Accounts, a) {
					excluded = append(excluded, q(a))
				}
			}
		}
		orgPackEntries = append(orgPackEntries, fmt.Sprintf("%s = { custom = %t, excluded = [%s] }", q(pk.Name), pk.Custom() > 0, strings.Join(excluded, ", ")))
	}
	customPacks := []string{}
	for _, pk := range p.Packs {
		customPacks = append(customPacks, fmt.Sprintf("%s = %t", q(pk.Name), pk.Custom() > 0))
	}
	locals := &tfBlock{typ: "locals"}
	locals.set("scps", "{\n"+strings.Join(scpEntries, "\n")+"\n}")
	locals.set("scp_attachments", "merge([for k, s in local.scps : { for t in s.targets : \"${k}:${t}\" => { policy = k, target = t } }]...)")
	locals.set("team_packs", "{\n"+strings.Join(packEntries, "\n")+"\n}")
	locals.set("organization_packs", "{\n"+strings.Join(orgPackEntries, "\n")+"\n}")
	locals.set("custom_packs", "{\n"+strings.Join(customPacks, "\n")+"\n}")
	locals.set("execution_roles", "{\n"+strings.Join(rolesEntries, "\n")+"\n}")
	locals.set("rule_lambda_arn", fmt.Sprintf("var.rule_lambda_arn != \"\" ? var.rule_lambda_arn : \"arn:${var.partition}:lambda:${var.region}:${var.tooling_account}:function:%s\"", d.FunctionName))
	locals.set("team", "var.team != \"\" && var.create_global_resources")
	locals.set("tooling_global", "var.deploy_tooling && var.create_global_resources")
	blocks := []*tfBlock{locals}
	res := func(typ, name string) *tfBlock {
		b := &tfBlock{typ: "resource", labels: []string{typ, name}}
		blocks = append(blocks, b)
		return b
	}
	file := func(rel string) string { return "file(\"${path.module}/../" + rel + "\")" }

	// Organization policies.
	res("aws_organizations_policy", "scp").
		set("for_each", "var.deploy_organization_policies ? local.scps : {}").
		set("name", "each.value.name").
		set("description", `"aiguard: ${each.value.file}"`).
		set("type", q("SERVICE_CONTROL_POLICY")).
		set("content", "file(\"${path.module}/../${each.value.file}\")")
	res("aws_organizations_policy_attachment", "scp").
		set("for_each", "var.deploy_organization_policies ? local.scp_attachments : {}").
		set("policy_id", "aws_organizations_policy.scp[each.value.policy].id").
		set("target_id", "each.value.target")
	if _, ok := have["policies/organization/ai-services-opt-out.json"]; ok {
		res("aws_organizations_policy", "ai_services_opt_out").
			set("count", "var.deploy_organization_policies ? 1 : 0").
			set("name", q(policygen.NamePrefix+"ai-services-opt-out")).
			set("description", q("aiguard: every AI service opts out of using the organization's content; child policies cannot override")).
			set("type", q("AISERVICES_OPT_OUT_POLICY")).
			set("content", file("policies/organization/ai-services-opt-out.json"))
		res("aws_organizations_policy_attachment", "ai_services_opt_out").
			set("count", "var.deploy_organization_policies ? 1 : 0").
			set("policy_id", "aws_organizations_policy.ai_services_opt_out[0].id").
			set("target_id", "var.root_id")
	}

	// The rule Lambda, from the same template as its stack.
	lt, err := LambdaTemplate(d)
	if err != nil {
		return Result{}, err
	}
	fnRole := templatePath(lt, "Resources", "FunctionRole", "Properties")
	trust, err := hclValue(templatePath(fnRole, "AssumeRolePolicyDocument"), pseudo)
	if err != nil {
		return Result{}, err
	}
	policy, err := hclValue(templatePath(fnRole, "Policies", 0, "PolicyDocument"), pseudo)
	if err != nil {
		return Result{}, err
	}
	res("aws_iam_role", "rule_lambda").
		set("count", "local.tooling_global ? 1 : 0").
		set("name", q(d.RoleName())).
		set("description", q("Runs the aiguard Config rule Lambda in every Region")).
		set("assume_role_policy", "jsonencode("+trust+")")
	res("aws_iam_role_policy", "rule_lambda").
		set("count", "local.tooling_global ? 1 : 0").
		set("name", q("aiguard-config-rules")).
		set("role", "aws_iam_role.rule_lambda[0].id").
		set("policy", "jsonencode("+policy+")")
	res("aws_cloudwatch_log_group", "rule_lambda").
		set("count", "var.deploy_tooling ? 1 : 0").
		set("name", q("/aws/lambda/"+d.FunctionName)).
		set("retention_in_days", strconv.Itoa(d.LogRetentionDays))
	fn := res("aws_lambda_function", "rule_lambda").
		set("count", "var.deploy_tooling ? 1 : 0").
		set("function_name", q(d.FunctionName)).
		set("description", q("aiguard AWS Config custom rules (one function serves every rule)")).
		set("role", `"arn:${var.partition}:iam::${var.tooling_account}:role/`+d.RoleName()+`"`).
		set("runtime", q("provided.al2023")).
		set("architectures", `["arm64"]`).
		set("handler", q("bootstrap")).
		set("s3_bucket", "var.code_s3_bucket").
		set("s3_key", "var.code_s3_key").
		set("memory_size", strconv.Itoa(d.MemorySize)).
		set("timeout", strconv.Itoa(d.TimeoutSeconds))
	if d.ReservedConcurrency > 0 {
		fn.set("reserved_concurrent_executions", strconv.Itoa(d.ReservedConcurrency))
	}
	fn.block("tracing_config").set("mode", q(d.Tracing))
	fn.block("logging_config").set("log_format", q("JSON")).set("log_group", "aws_cloudwatch_log_group.rule_lambda[0].name")
	fn.set("depends_on", "[aws_iam_role_policy.rule_lambda]")
	invokers := "toset([\"any\"])"
	if d.InvokingAccounts != nil {
		var list []string
		for _, a := range d.InvokingAccounts {
			list = append(list, q(a))
		}
		invokers = "toset([" + strings.Join(list, ", ") + "])"
	}
	res("aws_lambda_permission", "config").
		set("for_each", "var.deploy_tooling ? "+invokers+" : toset([])").
		set("statement_id", `"InvokeFromConfig${each.key == "any" ? "" : each.key}"`).
		set("action", q("lambda:InvokeFunction")).
		set("function_name", "aws_lambda_function.rule_lambda[0].function_name").
		set("principal", q("config.amazonaws.com")).
		set("source_account", `each.key == "any" ? null : each.key`)
	orgPack := res("aws_config_organization_conformance_pack", "pack").
		set("for_each", "var.deploy_tooling ? local.organization_packs : {}").
		set("name", "each.key").
		set("template_body", "file(\"${path.module}/../packs/${each.key}.yaml\")").
		set("excluded_accounts", "each.value.excluded")
	if b := spec.Organization.ConformancePackBucket; b != "" {
		orgPack.set("delivery_s3_bucket", q(b))
	}
	dyn := orgPack.block("dynamic", "input_parameter").set("for_each", "each.value.custom ? [local.rule_lambda_arn] : []")
	dyn.block("content").set("parameter_name", q(packgen.LambdaArnParam)).set("parameter_value", "input_parameter.value")
	orgPack.set("depends_on", "[aws_lambda_permission.config]")
	for _, st := range []struct{ name, path, cond string }{
		{"hook_functions", HookFunctionsPath, "var.deploy_tooling"},
		{"securityhub_automation_rules", SecurityHubPath, "var.deploy_tooling && var.create_global_resources"},
	} {
		if _, ok := have[st.path]; !ok {
			continue
		}
		b := res("aws_cloudformation_stack", st.name).
			set("count", st.cond+" ? 1 : 0").
			set("name", q(stackSetName(st.path))).
			set("template_body", file(st.path)).
			set("capabilities", `["CAPABILITY_NAMED_IAM"]`)
		if st.path == HookFunctionsPath {
			b.set("parameters", "{ CodeS3Bucket = var.code_s3_bucket, CodeS3Key = var.code_s3_key }")
		}
	}

	// A team's account.
	res("aws_iam_policy", "boundary").
		set("count", "local.team ? 1 : 0").
		set("name", `"`+policygen.BoundaryName("${var.team}")+`"`).
		set("description", `"aiguard permission boundary of team ${var.team}"`).
		set("policy", "file(\"${path.module}/../policies/${var.team}/boundary.json\")")
	res("aws_iam_role", "execution").
		set("for_each", "local.team ? local.execution_roles[var.team] : {}").
		set("name", "each.value").
		set("description", `"aiguard SageMaker ${each.key} execution role of team ${var.team}"`).
		set("assume_role_policy", `jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "sagemaker.amazonaws.com" }, Action = "sts:AssumeRole" }] })`).
		set("permissions_boundary", "aws_iam_policy.boundary[0].arn").
		set("tags", fmt.Sprintf(`{ %s = var.team }`, q(policygenTeamTag(spec.Organization.TagKeys.Team))))
	res("aws_iam_role_policy", "execution").
		set("for_each", "aws_iam_role.execution").
		set("name", "each.value.name").
		set("role", "each.value.id").
		set("policy", "file(\"${path.module}/../policies/${var.team}/execution-role-${each.key}.json\")")
	mt, err := MemberRoleTemplate(d, p.RuleActions())
	if err != nil {
		return Result{}, err
	}
	mrole := templatePath(mt, "Resources", "MemberRole", "Properties")
	mtrust, err := hclValue(templatePath(mrole, "AssumeRolePolicyDocument"), pseudo)
	if err != nil {
		return Result{}, err
	}
	mpolicy, err := hclValue(templatePath(mrole, "Policies", 0, "PolicyDocument"), pseudo)
	if err != nil {
		return Result{}, err
	}
	res("aws_iam_role", "member").
		set("count", "local.team ? 1 : 0").
		set("name", q(d.MemberRoleName)).
		set("description", q("Assumed by the aiguard Config rule Lambda to read AI resources and report evaluations")).
		set("assume_role_policy", "jsonencode("+mtrust+")")
	res("aws_iam_role_policy", "member").
		set("count", "local.team ? 1 : 0").
		set("name", q("aiguard-config-rules-read")).
		set("role", "aws_iam_role.member[0].id").
		set("policy", "jsonencode("+mpolicy+")")
	pack := res("aws_config_conformance_pack", "pack").
		set("for_each", "var.team != \"\" ? toset(local.team_packs[var.team]) : toset([])").
		set("name", "each.key").
		set("template_body", "file(\"${path.module}/../packs/${each.key}.yaml\")")
	if b := spec.Organization.ConformancePackBucket; b != "" {
		pack.set("delivery_s3_bucket", q(b))
	}
	dyn = pack.block("dynamic", "input_parameter").set("for_each", "local.custom_packs[each.key] ? [local.rule_lambda_arn] : []")
	dyn.block("content").set("parameter_name", q(packgen.LambdaArnParam)).set("parameter_value", "input_parameter.value")
	res("aws_cloudformation_stack", "hook").
		set("count", "var.team != \"\" && fileexists(\"${path.module}/../"+hookDir+"${var.team}.yaml\") ? 1 : 0").
		set("name", `"aiguard-cfn-hook-${var.team}"`).
		set("template_body", "file(\"${path.module}/../"+hookDir+"${var.team}.yaml\")").
		set("capabilities", `["CAPABILITY_IAM"]`)
	main, err := writeHCL("# aiguard: generated by aiguard generate; edit the organization spec, not this file.\n"+
		"# Apply once per place, each with its own aws provider; see variables.tf.\n", blocks)
	if err != nil {
		return Result{}, err
	}

	// outputs.tf
	out := func(name, value, desc string) *tfBlock {
		return (&tfBlock{typ: "output", labels: []string{name}}).set("value", value).set("description", q(desc))
	}
	outputs, err := writeHCL("# aiguard: what the module created.\n", []*tfBlock{
		out("rule_lambda_arn", "var.deploy_tooling ? aws_lambda_function.rule_lambda[0].arn : local.rule_lambda_arn", "The rule Lambda of this Region, the RuleLambdaArn of the conformance packs."),
		out("scp_ids", "{ for k, p in aws_organizations_policy.scp : k => p.id }", "The SCPs by file."),
		out("boundary_arn", "local.team ? aws_iam_policy.boundary[0].arn : null", "The team's permission boundary."),
		out("execution_role_arns", "{ for k, r in aws_iam_role.execution : k => r.arn }", "The team's SageMaker execution roles by kind."),
	})
	if err != nil {
		return Result{}, err
	}
	target := Target{Scope: ScopeOrganization, Regions: slices.Clone(d.Regions)}
	note := Note{Level: packgen.Info, Subject: terraformDir, Message: fmt.Sprintf("terraform/ is a module over the files beside it "+
		"(keep the output directory together): apply it with deploy_organization_policies in the management account %s "+
		"(root_id set), with deploy_tooling in the security tooling account %s in each Region (create_global_resources in %s "+
		"only, code_s3_bucket set), and with team in each team account; its variables default to the spec's values",
		spec.Organization.ManagementAccount, d.ToolingAccount, d.PrimaryRegion())}
	return Result{Notes: []Note{note}, Artifacts: []Artifact{
		{Path: terraformDir + "main.tf", Kind: KindTerraform, Target: target, Data: main},
		{Path: terraformDir + "outputs.tf", Kind: KindTerraform, Target: target, Data: outputs},
		{Path: terraformDir + "variables.tf", Kind: KindTerraform, Target: target, Data: variables},
		{Path: terraformDir + "versions.tf", Kind: KindTerraform, Target: target, Data: versions},
	}}, nil
}

// policygenTeamTag is the tag key naming a resource's team, its default
// when the spec leaves it unset.
func policygenTeamTag(k string) string {
	if k == "" {
		return "aiguard-team"
	}
	return k
}
