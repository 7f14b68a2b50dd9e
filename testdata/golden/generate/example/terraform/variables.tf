# aiguard: what you supply; the defaults come from the organization spec.
variable "deploy_organization_policies" {
  type        = bool
  default     = false
  description = "In the management account: create the SCPs and attach them to their targets, and the AI services opt-out policy to the root."
}

variable "deploy_tooling" {
  type        = bool
  default     = false
  description = "In the security tooling account, once per Region: the rule Lambda, the organization conformance packs, the hook functions and the Security Hub automation rules."
}

variable "team" {
  type        = string
  default     = ""
  description = "In an account of this team: its permission boundary, execution roles, the member role, its conformance packs where no organization pack reaches it, and its CloudFormation hook."
}

variable "create_global_resources" {
  type        = bool
  default     = true
  description = "Create the IAM resources (global); false in every Region but one."
}

variable "region" {
  type        = string
  description = "The Region of the provider this module is applied with."
}

variable "partition" {
  type        = string
  default     = "aws"
  description = "The partition of the organization."
}

variable "tooling_account" {
  type        = string
  default     = "222222222222"
  description = "The security tooling account, where the rule Lambda runs."
}

variable "root_id" {
  type        = string
  default     = ""
  description = "The organization root (r-...) the AI services opt-out policy and the organization's SCPs are attached to."
}

variable "scp_targets" {
  type = map(list(string))
  default = {
    "payments-risk" = ["333333333333", "444444444444"]
    "research"      = ["ou-ex12-research"]
    "retail-vision" = ["666666666666", "ou-ex12-retailvis"]
  }
  description = "Per team, the OUs and accounts its SCPs are attached to."
}

variable "code_s3_bucket" {
  type        = string
  default     = ""
  description = "Bucket in this Region holding the Lambda zip (dist/aiguard-lambda-linux-arm64.zip from make build)."
}

variable "code_s3_key" {
  type        = string
  default     = "aiguard-lambda-linux-arm64.zip"
  description = "Key of the Lambda zip in code_s3_bucket."
}

variable "rule_lambda_arn" {
  type        = string
  default     = ""
  description = "The rule Lambda of this Region; empty: the function the tooling account's instance creates."
}
