// Package policygen writes aiguard's preventive controls from an
// organization spec: per team the service control policies (SCPs), the
// permission boundary and the SageMaker execution roles, and for the
// organization the AI services opt-out policy and the SCP that protects
// the rule Lambda in the security tooling account. Each policy is written
// as JSON and deployed by a CloudFormation template (AWS::Organizations::Policy,
// AWS::IAM::ManagedPolicy, AWS::IAM::Role).
//
// Generate returns the files; the output is byte-identical for the same
// spec (sorted keys and lists, policies in a fixed order).
//
// # Rules the generator follows
//
// The statements follow ../shared/notes/iam-policies.md:
//
//   - A Deny that tests a service condition key with Null or a negated
//     operator lists exactly the actions that support the key (from the
//     Service Authorization Reference): on an action without the key the
//     test is always true and the action always denied.
//   - Every Deny in an SCP exempts the break-glass roles with ArnNotLike on
//     aws:PrincipalArn.
//   - Update actions whose requests may leave a key out (UpdateDomain,
//     UpdateNotebookInstance) are tested only on values that are present.
//   - SCPs are measured minified, every character counted, and packed
//     first-fit decreasing into as few policies as fit scpMaxChars; with
//     FullAWSAccess they must fit scpMaxPerTarget on each target. A spec
//     whose statements do not fit is an error naming the team and sizes.
//   - IAM policies (boundaries, execution roles) are measured without white
//     space against the IAM quotas.
//
// # What each policy holds
//
// SCPs (per team, attached to its OUs and accounts): SageMaker VPC,
// subnets, security groups, network isolation, inter-container
// encryption, volume and output KMS keys, notebook internet and root
// access, domain VPC-only mode and instance types; Bedrock models (for
// inference, customization and provisioned throughput) and the required
// guardrail; Comprehend PII and entity detection by the principal's
// data-classification tag; Rekognition face APIs by the principal's
// approved-use-case tag; the organization's Regions; and the protection
// of aiguard's packs, member role and the team's boundary.
//
// The permission boundary allows the AI services, what SageMaker
// workloads need (images, logs, metrics, VPC network interfaces), the
// team's buckets and keys, passing the team's execution roles, and
// creating or changing roles and users only with the boundary attached;
// it denies editing or removing the boundary and touching resources
// tagged for another team, and repeats the SCP conditions that fit an
// IAM managed policy (see boundaryStatements).
//
// The execution roles (training, inference, notebook) read and write only
// the team's storage prefixes and use only its keys; each carries the
// boundary.
//
// # Deployment notes
//
// The protection statements deny changes to aiguard's packs, member role
// and boundary to everyone but the break-glass roles, so the role that
// deploys or updates these stacks (a self-managed StackSet execution role,
// a pipeline role) must be one of them. Service-linked roles (organization
// conformance packs) are never affected by SCPs.
//
// Bedrock model allow-lists name the foundation models in any Region,
// including the Region-less ARN that global cross-Region inference
// authorises, and the approved inference profiles; the Region restriction
// spares Bedrock inference that goes through a profile called in one of
// the organization's Regions, so cross-Region inference keeps working.
package policygen
