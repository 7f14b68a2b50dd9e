package policygen

import "fmt"

// ExecutionRoleName is the name of a team's SageMaker execution role of a
// kind (training, inference, notebook).
func ExecutionRoleName(team, kind string) string { return NamePrefix + team + "-sagemaker-" + kind }

// OrganizationSCPName is the name of the organization's nth SCP (from 1),
// attached at the root.
func OrganizationSCPName(n int) string { return fmt.Sprintf("%sorganization-scp-%d", NamePrefix, n) }
