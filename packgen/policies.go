package packgen

import (
	"slices"

	"github.com/aiguard/aiguard/policygen"
)

// producePolicies adds the preventive policies of package policygen: per
// team the SCPs, the permission boundary and the SageMaker execution roles;
// for the organization the AI services opt-out policy and the SCP that
// protects the tooling account. The manifest gives them policygen's kinds.
func producePolicies(p *Plan) (Result, error) {
	arts, err := policygen.Generate(p.Spec)
	if err != nil {
		return Result{}, err
	}
	var res Result
	for _, a := range arts {
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
	tooling := p.Spec.Organization.SecurityToolingAccount
	if slices.Equal(a.TargetIDs, []string{tooling}) {
		return Target{Scope: ScopeAccount, Accounts: []string{tooling}}
	}
	return Target{Scope: ScopeOrganization}
}
