// Package deploy is what `aiguard generate` makes of an organization spec:
// Generate plans the packs (package packgen) and runs the producers, which
// turn the plan into the files an organization deploys (the conformance
// packs as plain and organization packs, the rule Lambda's stack, the member
// role's StackSet, the preventive policies of package policygen, Security
// Hub automation rules, the CloudFormation hook, the detections, and the
// same files laid out for Customizations for Control Tower, the Landing Zone
// Accelerator and Terraform), every template checked before anything is
// written. WriteDir writes the output with DIR/manifest.json, refusing to
// overwrite or remove files it did not write.
//
// # Output
//
//	manifest.json                          every file: kind, target, bytes, SHA-256; packs; notes
//	packs/<pack>.yaml                      conformance-pack
//	organization-packs/<pack>.yaml         organization-conformance-pack (delegated administrator)
//	deploy/rule-lambda.yaml                lambda-stack (tooling account, each Region)
//	deploy/member-role.yaml                member-role-stackset (every member account)
//
// # Extending
//
// Each family of artifacts is a Producer in DefaultProducers (packs,
// deployment templates, and the policies of package policygen), and
// callers may pass their own through Options.Producers: each reads the Plan
// (Plan.Spec) and returns its artifacts with their kind and
// target, which the manifest lists with the rest.
package deploy
