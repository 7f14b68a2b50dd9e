// Package scan evaluates the rule catalog over a whole estate offline: AWS
// Config snapshot and history files, the output of
// `aws configservice batch-get-resource-config` and `select-resource-config`,
// NDJSON with one configuration item (CI) per line, and CloudFormation
// templates, which are checked before they are deployed.
//
// # Inputs
//
// [Open] recognises an input by its content, not its name: gzip is detected
// by its magic bytes (so `.gz` works everywhere), then the first megabyte is
// sniffed:
//
//   - a JSON object with a configurationItems array: a Config snapshot or
//     history file as Config delivers it to S3, or the output of
//     get-resource-config-history ([KindConfigItems]);
//   - a JSON object with baseConfigurationItems: batch-get-resource-config
//     or batch-get-aggregate-resource-config ([KindBatchGet]);
//   - a JSON object with Results, an array of JSON strings:
//     select-resource-config or select-aggregate-resource-config
//     ([KindSelect]);
//   - a JSON array of CIs ([KindArray]);
//   - CIs one per line ([KindNDJSON]) or as a stream of (pretty-printed) JSON
//     objects ([KindStream]);
//   - a CloudFormation template in JSON or YAML ([KindTemplate]).
//
// Inputs are streamed and never loaded whole (templates excepted, which
// CloudFormation itself bounds to 1 MB): a hand-written scanner finds the
// boundaries of each CI inside the container array and hands the CI's bytes to
// a pool of workers, which decode it with [configitem.Decode] and evaluate it.
// Memory is bounded by the chunks in flight, whatever the size of the input.
//
// A CI that cannot be decoded is reported as a [Problem] with its position
// (file and line, or file and array index) and skipped; the scan goes on. A
// file whose structure breaks (a truncated download, a corrupt gzip stream)
// is reported at the point where it broke and the rest of it is skipped.
//
// # CloudFormation templates
//
// Each resource of a type that a change-triggered rule covers becomes a CI
// (resourceId is the logical ID) and is judged by the same rules. Newer
// Config types record CloudFormation property names, so Properties becomes
// the configuration unchanged. AWS::S3::Bucket and AWS::KMS::Key are legacy
// types whose CIs use the describe APIs' camelCase and keep most settings in
// supplementaryConfiguration, so the properties the rules read are mapped
// onto that shape, with the settings AWS applies when a property is absent
// (legacy.go lists what is mapped and what is not).
//
// Intrinsic functions are left unresolved, with two exceptions that cannot
// change a verdict: pseudo parameters (AWS::Partition, AWS::Region and
// AWS::AccountId when --region and --account-id give them, AWS::URLSuffix,
// AWS::NoValue; without a value AWS::AccountId, AWS::Region, AWS::StackName
// and AWS::StackId stay as the literal "${AWS::AccountId}") and, inside an S3
// bucket policy, references to the bucket the policy is attached to. Every other intrinsic becomes a placeholder
// string such as "!Ref TrainingKey". When a rule reads a field holding one,
// a COMPLIANT verdict says what it assumed, and a NON_COMPLIANT verdict
// becomes NOT_APPLICABLE with the reason: the rule cannot judge the value
// before deployment, and aiguard does not report what it cannot confirm.
//
// Periodic rules, which call service APIs, cannot run offline; they are
// listed in [Summary.Notes].
//
// # Outputs
//
// [Run] delivers [Result]s to a [Sink] in input order, whatever the number of
// workers, so every output is deterministic. The writers in this package
// produce JSON (the keys of `aiguard evaluate --format json`), ASFF for
// Security Hub's BatchImportFindings, and table, Markdown and HTML reports.
package scan
