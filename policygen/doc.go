// Package policygen writes aiguard's preventive controls from an
// organization spec and proves them: per team the service control policies
// (SCPs), the permission boundary and the SageMaker execution roles; for
// the organization the SCPs attached at the root and the AI services
// opt-out policy. Each policy is built as an iampolicy.Document, written as
// JSON and deployed by a CloudFormation template (a conformance.Template:
// AWS::Organizations::Policy, AWS::IAM::ManagedPolicy, AWS::IAM::Role). docs/policies.md describes the
// design for users.
//
// Build returns the files, the size of the attacker's matrix and the SCP
// budget of every target; the output is byte-identical for the same spec
// (sorted keys and lists, policies in a fixed order).
//
// # Rules the generator follows
//
//   - Action lists are derived from the IAM facts table of package
//     iampolicy (lists.go): a Deny that tests a service condition key with
//     Null or a negated operator names exactly the actions that present the
//     key, less the documented exceptions, since on an action without the
//     key the test is always true and the action always denied.
//   - Every Deny in an SCP exempts the break-glass roles with ArnNotLike on
//     aws:PrincipalArn, and the organization's SCPs protect those roles from
//     everyone else, so the exemption cannot be minted.
//   - Update actions whose requests may leave a key out (UpdateDomain,
//     UpdateNotebookInstance) are tested only on values that are present.
//   - SCPs are measured minified, every character counted, and packed
//     first-fit decreasing into as few policies as fit scpMaxChars; with
//     FullAWSAccess they must fit scpMaxPerTarget on each target, the
//     organization's SCPs counting at the root. A team whose posture does
//     not fit is an error naming the team and sizes; counterparts that do
//     not fit go to the root, scoped to the team's principals
//     (rootscope.go, layout.go).
//   - IAM policies (boundaries, execution roles) are measured without white
//     space against the IAM quotas.
//
// # Proof
//
// Build decides the attacker's matrix (matrix.go) with package iameval
// against the policies it made, and runs the semantic lint
// (iameval.Probe) on them; either failing is a *MatrixError and nothing
// is returned. The matrix is data-driven: a control is a row of
// teamControls or orgControls with a function that adds its requests
// (denied insecure requests, allowed compliant ones, allowed break-glass
// ones), each naming the statement that must decide it; the team
// statements placed at the root are also asked from outside their scope
// (matrix_root.go). The matrix is written to policies/<team>/tests.json
// for aiguard simulate.
//
// # What each policy holds
//
// The root's SCPs: the break-glass roles protected from creation,
// re-trust, policies and tags; aiguard's roles, boundary policies,
// conformance packs, rule Lambda and stacks protected; aiguard boundaries
// kept on their principals; Config, CloudTrail and GuardDuty tampering
// denied outside the security tooling account; and the team statements
// placed there, each scoped to its team's principals.
//
// A team's SCPs (at its OUs and accounts): SageMaker VPC, subnets,
// security groups, network isolation, inter-container encryption, volume
// and output KMS keys (also for monitoring schedules with inline job
// definitions), notebook internet and root access, approved lifecycle
// configurations, domain VPC-only mode, instance types, and the jobs no
// condition key constrains; Bedrock models (inference, batch inference,
// evaluation, customization, provisioned throughput, the OpenAI-compatible
// API) and the required guardrail; Comprehend PII and entity detection by
// the principal's data-classification tag; Rekognition facial analysis by
// the principal's approved-use-case tag; the organization's Regions; the
// team's boundary on every principal it creates or empowers; passing only
// the team's aiguard roles to SageMaker and Bedrock; and the governed tag
// keys off the team's roles, users and sessions. Then, as room allows, the
// protection of the team's CloudFormation hook registration and the
// preventive counterparts of detective rules (counterparts.go): each
// follows the team's effective rule, never denies what the rule passes,
// and is added whole in the order of the table, the gap each closes most
// harmful first; one that does not fit goes whole to the root's SCPs,
// scoped to the team's accounts (aws:PrincipalAccount) and OUs
// (aws:PrincipalOrgPaths), and is left out (Output.Omitted) only when the
// root has no room either (Output.AtRoot lists those placed).
//
// The permission boundary allows the AI services, what SageMaker
// workloads need (images, logs, metrics, VPC network interfaces), the
// team's buckets and keys, passing the team's aiguard roles, and creating
// or changing roles and users only with the boundary attached; it denies
// editing or removing the boundary and touching resources tagged for
// another team, and repeats the SCP conditions that fit an IAM managed
// policy (see boundaryStatements).
//
// The execution roles (training, inference, notebook) read and write only
// the team's storage prefixes and use only its keys; each carries the
// boundary.
//
// # Deployment notes
//
// The protection statements deny changes to aiguard's resources to
// everyone but the break-glass roles, so the role that deploys or updates
// these stacks (a self-managed StackSet execution role, a pipeline role)
// must be one of them. Service-linked roles (service-managed StackSets,
// organization conformance packs) are never affected by SCPs.
//
// Bedrock model allow-lists name the foundation models in any Region,
// including the Region-less ARN that global cross-Region inference
// authorises, and the approved inference profiles; the Region restriction
// spares Bedrock inference that goes through a profile called in one of
// the organization's Regions, so cross-Region inference keeps working.
package policygen
