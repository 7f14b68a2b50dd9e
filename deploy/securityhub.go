package deploy

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/aiguard/aiguard/conformance"
	"github.com/aiguard/aiguard/packgen"
	"github.com/aiguard/aiguard/rules"
)

// KindSecurityHubRules is the template of Security Hub automation rules.
const KindSecurityHubRules = "securityhub-automation-rules"

// SecurityHubPath is the template of Security Hub automation rules.
const SecurityHubPath = "deploy/securityhub-automation-rules.yaml"

// Limits of Security Hub automation rules.
const (
	// MaxAutomationRules is how many automation rules Security Hub keeps per
	// account and Region.
	MaxAutomationRules = 100
	// maxTitleFilters is the most string filters one criteria field holds.
	maxTitleFilters = 20
	// maxNote is the longest note text.
	maxNote = 512
	// maxUserDefinedValue is the longest user-defined field value.
	maxUserDefinedValue = 1024
)

// CatalogURL is where the rule catalog documents each rule, by its ID as
// the anchor.
const CatalogURL = "https://github.com/aiguard/aiguard/blob/main/docs/rules.md#"

// packSuffix is what AWS Config appends to the name of a rule that a
// conformance pack creates: <name>-conformance-pack-<id>.
const packSuffix = "-conformance-pack-"

// baselineTeam is the team field of findings of the organization
// baseline's rules (team names are kebab-case, this is not a valid one).
const baselineTeam = "organization baseline"

// findingUpdate is what an automation rule sets on the findings it matches.
type findingUpdate struct {
	rule *rules.Rule
	team string // baselineTeam for the baseline; "" when the rule serves several teams
	// names are the Config rule names whose findings get the update.
	names []string
	// contains matches every pack-created rule of the catalog rule by the
	// name's tail, when one rule stands for all of the rule's names.
	contains bool
}

// produceSecurityHub writes the Security Hub automation rules for the
// delegated administrator: findings that AWS Config sends from aiguard's
// rules get the catalog's severity, and the rule ID, seed control, team and
// remediation link as user-defined fields and a note. One automation rule
// per Config rule while they fit the account's limit; otherwise one per
// catalog rule, matched on the rule ID at the end of every pack rule's name.
func produceSecurityHub(p *Plan) (Result, error) {
	var updates []findingUpdate
	byRule := map[string]*findingUpdate{}
	var ids []string
	for _, pk := range p.Packs {
		team := baselineTeam
		if pk.Team != nil {
			team = pk.Team.Name
		}
		for _, r := range pk.Rules {
			updates = append(updates, findingUpdate{rule: r.Rule, team: team, names: []string{r.Name}})
			u := byRule[r.Rule.ID]
			if u == nil {
				u = &findingUpdate{rule: r.Rule, contains: true}
				byRule[r.Rule.ID] = u
				ids = append(ids, r.Rule.ID)
			}
			u.names = append(u.names, r.Name)
			u.contains = u.contains && strings.HasSuffix(r.Name, "-"+r.Rule.ID)
		}
	}
	var res Result
	if len(updates) == 0 {
		return res, nil
	}
	if len(updates) > MaxAutomationRules {
		sort.Strings(ids)
		for _, id := range ids {
			for _, other := range ids {
				// aiguard-t-x-model-in-vpc-conformance-pack- contains
				// -model-in-vpc-conformance-pack- too.
				if other != id && strings.HasSuffix(other, "-"+id) {
					byRule[id].contains = false
				}
			}
		}
		updates = updates[:0]
		for _, id := range ids {
			u := byRule[id]
			if u.contains {
				updates = append(updates, *u)
				continue
			}
			// A shortened name hides the rule ID: list the names, as many
			// as one criteria field holds.
			for start := 0; start < len(u.names); start += maxTitleFilters / 2 {
				end := min(start+maxTitleFilters/2, len(u.names))
				updates = append(updates, findingUpdate{rule: u.rule, names: u.names[start:end]})
			}
		}
		res.Notes = append(res.Notes, Note{Level: packgen.Info, Subject: SecurityHubPath, Message: fmt.Sprintf(
			"the packs create more Config rules than the %d automation rules Security Hub keeps per account and Region, "+
				"so there is one automation rule per aiguard rule, for every team, matching the rules the conformance packs create "+
				"(<name>-conformance-pack-<id>): its findings carry no team field, the team is the part of the Config rule name "+
				"(the finding's title) after aiguard-; rules deployed outside a conformance pack keep Config's severity", MaxAutomationRules)})
	}
	if n := len(updates); n > MaxAutomationRules {
		// More catalog rules than automation rules: keep the most severe.
		rank := map[rules.Severity]int{rules.SeverityCritical: 0, rules.SeverityHigh: 1, rules.SeverityMedium: 2,
			rules.SeverityLow: 3, rules.SeverityInformational: 4}
		sort.SliceStable(updates, func(i, j int) bool { return rank[updates[i].rule.Severity] < rank[updates[j].rule.Severity] })
		var left []string
		for _, u := range updates[MaxAutomationRules:] {
			left = append(left, u.rule.ID)
		}
		updates = updates[:MaxAutomationRules]
		sort.SliceStable(updates, func(i, j int) bool { return updates[i].rule.ID < updates[j].rule.ID })
		res.Notes = append(res.Notes, Note{Level: packgen.Warning, Subject: SecurityHubPath, Message: fmt.Sprintf(
			"%d automation rules would be needed, more than the %d Security Hub keeps per account and Region: the findings "+
				"of the least severe rules keep Config's severity: %s", n, MaxAutomationRules, strings.Join(slices.Compact(left), ", "))})
	}
	resources := map[string]any{}
	for i, u := range updates {
		resources[fmt.Sprintf("AutomationRule%03d", i+1)] = automationRule(i+1, u)
	}
	o := p.Spec.Organization
	t := conformance.Template{
		"AWSTemplateFormatVersion": "2010-09-09",
		"Description": fmt.Sprintf("aiguard: Security Hub automation rules that give the findings of aiguard's Config rules "+
			"their catalog severity, rule ID, control, team and remediation; deploy in the delegated administrator "+
			"account %s in the aggregation (home) Region", o.SecurityToolingAccount),
		"Resources": resources,
	}
	data, err := t.MarshalChecked(p.Schema, SecurityHubPath)
	if err != nil {
		return Result{}, err
	}
	res.Artifacts = append(res.Artifacts, Artifact{Path: SecurityHubPath, Kind: KindSecurityHubRules, Data: data,
		Target: Target{Scope: ScopeAccount, Accounts: []string{o.SecurityToolingAccount}, Regions: []string{p.Deployment.PrimaryRegion()}}})
	res.Notes = append(res.Notes, Note{Level: packgen.Info, Subject: SecurityHubPath, Message: fmt.Sprintf(
		"deploy in the Security Hub delegated administrator account %s, in the home Region of cross-Region aggregation "+
			"(%s if it is that): automation rules there apply to the findings of every linked Region and member account; "+
			"without aggregation, deploy it in each Region", o.SecurityToolingAccount, p.Deployment.PrimaryRegion())})
	return res, nil
}

// automationRule builds one AWS::SecurityHub::AutomationRule.
func automationRule(order int, u findingUpdate) map[string]any {
	r := u.rule
	var titles []any
	if u.contains {
		// Anchored on Config's suffix, so that a longer rule name (AWS's
		// securityhub-<managed rule>-<id>) cannot match.
		titles = append(titles, map[string]any{"Comparison": "CONTAINS", "Value": "-" + r.ID + packSuffix})
	} else {
		for _, n := range u.names {
			titles = append(titles,
				map[string]any{"Comparison": "EQUALS", "Value": n},
				map[string]any{"Comparison": "PREFIX", "Value": n + packSuffix})
		}
	}
	fields := map[string]any{
		"aiguardRuleId":      r.ID,
		"aiguardControl":     clipText(r.Control, maxUserDefinedValue),
		"aiguardRemediation": CatalogURL + r.ID,
	}
	who := "every team that runs it"
	switch u.team {
	case "":
	case baselineTeam:
		fields["aiguardTeam"] = u.team
		who = "every team (the organization baseline)"
	default:
		fields["aiguardTeam"] = u.team
		who = "team " + u.team
	}
	if len(r.SecurityHub) > 0 {
		fields["aiguardSecurityHubControls"] = strings.Join(r.SecurityHub, ",")
	}
	name := "aiguard " + r.ID
	if u.team != "" {
		name += " (" + u.team + ")"
	}
	return map[string]any{
		"Type": "AWS::SecurityHub::AutomationRule",
		"Properties": map[string]any{
			"RuleName":    clipText(name, 256),
			"RuleOrder":   order,
			"RuleStatus":  "ENABLED",
			"IsTerminal":  false,
			"Description": clipText(fmt.Sprintf("aiguard rule %s for %s: %s", r.ID, who, r.Title), 1024),
			"Criteria": map[string]any{
				"ProductName": []any{map[string]any{"Comparison": "EQUALS", "Value": "Config"}},
				"Title":       titles,
			},
			"Actions": []any{map[string]any{
				"Type": "FINDING_FIELDS_UPDATE",
				"FindingFieldsUpdate": map[string]any{
					"Severity":          map[string]any{"Label": string(r.Severity)},
					"UserDefinedFields": fields,
					"Note": map[string]any{
						"Text":      clipText(fmt.Sprintf("aiguard %s (%s, %s): %s", r.ID, r.Severity, r.Control, r.Remediation), maxNote),
						"UpdatedBy": "aiguard",
					},
				},
			}},
		},
	}
}

// clipText cuts s to at most n characters, at a character boundary, with
// an ellipsis when cut.
func clipText(s string, n int) string {
	runes := []rune(s)
	if len(runes) <= n {
		return s
	}
	return strings.TrimSpace(string(runes[:n-1])) + "…"
}
