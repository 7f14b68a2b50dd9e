# aiguard: what the module created.
output "rule_lambda_arn" {
  value       = var.deploy_tooling ? aws_lambda_function.rule_lambda[0].arn : local.rule_lambda_arn
  description = "The rule Lambda of this Region, the RuleLambdaArn of the conformance packs."
}

output "scp_ids" {
  value       = { for k, p in aws_organizations_policy.scp : k => p.id }
  description = "The SCPs by file."
}

output "boundary_arn" {
  value       = local.team ? aws_iam_policy.boundary[0].arn : null
  description = "The team's permission boundary."
}

output "execution_role_arns" {
  value       = { for k, r in aws_iam_role.execution : k => r.arn }
  description = "The team's SageMaker execution roles by kind."
}
