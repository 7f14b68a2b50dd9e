package policygen

import "github.com/aiguard/aiguard/orgspec"

// ExecutionRoleNames returns the names of the SageMaker execution roles
// Generate writes for the team (those its storage locations allow), in
// the order of their kinds.
func ExecutionRoleNames(spec *orgspec.Spec, team *orgspec.Team) []string {
	t := newTeamPolicy(spec, team, nil) // role names need no action lists
	var out []string
	for _, r := range t.executionRoles() {
		out = append(out, t.roleName(r.kind))
	}
	return out
}
