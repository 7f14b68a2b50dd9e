// Package scan evaluates the rule catalog over a whole estate offline: AWS
// Config snapshot and history files, the output of
// `aws configservice batch-get-resource-config` and `select-resource-config`,
// NDJSON with one configuration item (CI) per line, and, before they are
// deployed, CloudFormation templates and Terraform plans.
//
// # Stages
//
// Data flows one way through stages, each in its own file:
//
//   - open (open.go): name the inputs ([Expand]), open each (a regular
//     file or standard input; gzip detected by its magic bytes and read
//     anywhere), count the bytes read; the opener (internal/inputfile) is
//     the one aiguard hunt's CloudTrail reader uses;
//   - detect (detect.go): recognise the input by its content, never by its
//     name, and never decide "empty" from a sniff window ([Kind]);
//   - split (split.go): find the boundaries of the items in a stream without
//     decoding them, and note each item's resourceType on the way (with
//     internal/jsonsplit, the CloudTrail reader's splitter too);
//   - decode (decode.go): turn an item's bytes into a [configitem.Item];
//   - evaluate (evaluate.go): judge it with the rules through their one entry
//     point ([rules.Configured]), exemptions included, and mark what is
//     suppressed;
//   - sink: the writers ([JSONWriter], [SARIFWriter], [JUnitWriter],
//     [ASFFWriter], and the reports built from the [Summary]).
//
// A reader goroutine does nothing but decompress and split (templates and
// plans it reads whole, as CloudFormation and Terraform bound them); a pool
// of workers decodes and evaluates; a collector hands the [Result]s to the
// [Sink] in input order, so every output is deterministic. An item of a type
// no rule of the scan covers is counted from the type the splitter saw,
// without being copied or decoded. Memory is bounded by the chunks in
// flight, whatever the size of the input.
//
// A CI that cannot be decoded (a key given twice among them: AWS never sends
// one) is reported as a [Problem] with its position (file and line, or file
// and array index) and skipped; the scan goes on. A file whose structure
// breaks (a truncated download, a corrupt gzip stream) is reported where it
// broke and the rest of it is skipped. A bug that an input finds is reported
// as a problem of that item, never a crash.
//
// # Templates and plans
//
// Templates and planned resources are judged by package internal/cfnjudge,
// which the rule Lambda's CloudFormation hook shares; scan reads the plans
// (terraform.go) and hands both to it. Each resource of a type that a
// change-triggered rule covers becomes a CI
// (resourceId is the logical ID, or the plan's resource address) and is
// judged by the same rules; [EvaluateResource] judges one resource the same
// way, for a CloudFormation hook. Newer Config types record CloudFormation
// property names, so Properties becomes the configuration unchanged;
// AWS::S3::Bucket and AWS::KMS::Key are legacy types whose properties are
// mapped onto their CIs' shape (cfnjudge's legacy.go). A Terraform plan's AWS provider
// resources are mapped onto CloudFormation types first (terraform.go), the
// split S3 bucket resources folded into their bucket.
//
// Intrinsic functions whose value is known are computed (cfnjudge's fold.go): pseudo
// parameters, parameter defaults (the annotation says so) and
// --parameter overrides, Fn::FindInMap, Fn::Select, Fn::Split, Fn::Sub,
// Fn::Join, Fn::If on a known condition. A resource whose properties depend
// on unknown conditions is judged under each combination and the verdicts
// combined, naming the condition that decides when they differ
// (cfnjudge's tjudge.go). What stays unknown (a Ref to a resource, a plan's
// after_unknown) is probed with the values it could take: a failure is
// reported whenever the failing facts are literal; a verdict that depends
// on the unknown value says so, or is NOT_APPLICABLE with the reason.
//
// S3 buckets and KMS keys that AI resources use (training and processing
// URIs, model data, data capture, Bedrock data sources, KmsKeyIds) are in ML
// scope, in a template and, with an organization spec, in a snapshot
// (mlrefs.go); the annotation says which resource uses them.
//
// Resources are judged through the resources they reference in the same
// template or plan (cfnjudge's relations.go): an endpoint through its endpoint config
// and models, a Studio user profile or space through its domain, a
// knowledge base through its data sources and vector store, a gateway
// target through its gateway, a listener through its load balancer. The
// referenced resources go to the rules in the CI's supplementaryConfiguration
// (the contract is in the rules package), folded under the same conditions
// and probed like the resource's own values.
//
// Suppressions: a template resource's Metadata.aiguard.skip entries,
// [Options.SkipRules], and the exemptResourceIds rule parameter. Suppressed
// failures are reported with their [Suppression], and do not fail a scan.
//
// With [Options.Spec], each CI is judged with the rules, parameters and
// exceptions of the team that owns its account, and template and planned
// resources with those of [Options.Team].
//
// Periodic rules, which call service APIs, cannot run offline; when they
// were asked for, [Summary.Notes] says so.
package scan
