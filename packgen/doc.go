// Package packgen turns an organization spec's rules into conformance packs:
// NewPlan decides which rule runs in which pack (the organization baseline
// and each team's), as aiguard's Lambda rule or the equivalent AWS managed
// rule, names every rule and pack, splits packs at AWS Config's limits, and
// builds and checks each pack's template (conformance.Linter with the
// CloudFormation resource schema of internal/cfnschema). It also holds the
// Deployment the packs point at (the rule Lambda and the member role).
// Package deploy turns the plan into files, as package policygen turns the
// spec into policies.
//
// # Packs
//
// The organization baseline (aiguard-baseline) holds the rules that every
// team runs with the same parameters; it needs at least two teams, and it
// runs in every account of the organization, accounts no team names
// included. Each team's pack (aiguard-<team>) holds the team's other
// enabled rules. A team whose rules are all in the baseline, or all off,
// has no pack.
//
// A rule runs as the AWS managed rule the catalog names for the same check
// (Rule.ManagedRule, Owner AWS), instead of aiguard's rule, never both,
// when every parameter the team sets can be given to the managed rule with
// the same meaning; the table in managed.go (ManagedRuleParams) maps the
// parameters. Otherwise it is a CUSTOM_LAMBDA rule: the Lambda's ARN is the
// pack parameter RuleLambdaArn, change-triggered rules listen to both
// change notifications and are scoped to the rule's resource types,
// periodic rules get a ScheduledNotification every 24 hours (no Scope), and
// InputParameters carry ruleId, ExecutionRoleName (the spec's member role)
// and the team's parameters as literals. A rule's Description is its
// title.
//
// # Names
//
// Config rules are named aiguard-<team>-<rule-id> in a team's pack and
// aiguard-<rule-id> in the baseline; packs aiguard-<team> and
// aiguard-baseline, with -partN when split. A name longer than Config
// allows (128 characters for rules and organization packs) keeps its start
// and ends in - and a stable 8-hex-digit hash of the whole name, and names
// that two teams or rules would share get a hash of their owner appended,
// so every name is unique in the organization and stable from run to run.
// The Lambda finds its rule from ruleId, which every custom rule carries.
//
// # Limits
//
// A pack with more than 130 rules or a template above 51,200 bytes is split
// into parts that fill up in rule-ID order (the manifest says why). A rule
// whose InputParameters would exceed 1,024 characters is an error naming
// the team and the rule.
//
// # Organization packs
//
// An organization conformance pack deploys to every account but its
// ExcludedAccounts (at most 1,000). The baseline excludes none; a team's
// pack excludes every other account the spec names (the other teams',
// the management and tooling accounts). It still reaches accounts the spec
// does not name, which the manifest says. A team that owns an OU gets no
// organization pack, as an OU cannot be targeted, but a note recommending a
// StackSet of its plain pack; so does a team whose pack would exclude more
// than 1,000 accounts. An organization pack's template inlines the pack as
// TemplateBody, or reads it from S3 when the whole would exceed 51,200
// bytes.
package packgen
