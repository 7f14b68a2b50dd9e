package deploy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aiguard/aiguard/packgen"
	"github.com/aiguard/aiguard/policygen"
)

// ManifestPolicies is the manifest's account of the preventive policies:
// how many requests of the attacker's matrix they were checked on (each
// team's are in policies/<team>/tests.json), and each SCP target's budget.
type ManifestPolicies struct {
	MatrixCases int                `json:"matrixCases"`
	SCPBudgets  []policygen.Budget `json:"scpBudgets"`
	// AtRoot are the preventive counterparts of detective rules that the
	// teams' SCPs had no room for, placed in the root's SCPs scoped to the
	// teams' principals.
	AtRoot []policygen.Placement `json:"atRoot,omitempty"`
	// LeftOut are the preventive counterparts of detective rules that
	// neither the teams' SCP room nor the root's could hold; the rules
	// still detect what they would have prevented.
	LeftOut []policygen.Omission `json:"leftOut,omitempty"`
}

// producePolicies adds the preventive policies of package policygen: per
// team the SCPs, the permission boundary, the SageMaker execution roles
// and the attacker's matrix; for the organization the AI services opt-out
// policy and the SCPs attached at the root. The manifest gives them
// policygen's kinds. A failing matrix fails generation
// (*policygen.MatrixError).
func producePolicies(p *Plan) (Result, error) {
	out, err := policygen.Build(p.Spec)
	if err != nil {
		return Result{}, err
	}
	res := Result{Policies: &ManifestPolicies{MatrixCases: out.Cases, SCPBudgets: out.Budgets, AtRoot: out.AtRoot,
		LeftOut: out.Omitted}}
	for _, o := range out.Omitted {
		res.Notes = append(res.Notes, Note{Level: packgen.Warning, Subject: "team " + o.Team, Message: fmt.Sprintf(
			"neither the team's SCPs nor the root's have room for the preventive counterpart of %s (%s, %d characters): "+
				"the rule detects what it would have prevented; shorten the team's lists or turn off rules it does not need to make room",
			o.Counterpart, strings.Join(o.Statements, ", "), o.Characters)})
	}
	if len(out.AtRoot) > 0 {
		var teams []string
		for _, pl := range out.AtRoot {
			if !slices.Contains(teams, pl.Team) {
				teams = append(teams, pl.Team)
			}
		}
		res.Notes = append(res.Notes, Note{Level: packgen.Info, Subject: "policies/organization/organization.cfn.json", Message: fmt.Sprintf(
			"the root's SCPs hold preventive counterparts of %s, scoped to the teams' accounts and organizational units "+
				"(policies.atRoot): redeploy this template whenever those teams' accounts or OUs change", strings.Join(teams, ", "))})
	}
	for _, a := range out.Artifacts {
		res.Artifacts = append(res.Artifacts, Artifact{
			Path:   a.Path,
			Kind:   string(a.Kind),
			Target: p.policyTarget(a),
			Data:   a.Body,
		})
	}
	return res, nil
}

func (p *Plan) policyTarget(a policygen.Artifact) Target {
	if a.Team != "" {
		for _, t := range p.Spec.Teams {
			if t.Name == a.Team {
				return Target{Scope: ScopeTeam, Team: t.Name, Accounts: sorted(t.Accounts),
					OrganizationalUnits: sorted(t.OrganizationalUnits)}
			}
		}
		return Target{Scope: ScopeTeam, Team: a.Team}
	}
	return Target{Scope: ScopeOrganization}
}
