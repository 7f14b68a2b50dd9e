package policygen

// ExecutionRoleName is the name of a team's SageMaker execution role of a
// kind (training, inference, notebook).
func ExecutionRoleName(team, kind string) string { return NamePrefix + team + "-sagemaker-" + kind }

// ToolingSCPName is the name of the SCP that protects the security tooling
// account.
const ToolingSCPName = NamePrefix + "protect-tooling"
