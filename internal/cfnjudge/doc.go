// Package cfnjudge judges CloudFormation resources with the rule catalog
// before they are deployed: the resources of a template
// ([ReadTemplate]), a Terraform plan's resources once package scan has
// mapped them onto CloudFormation types ([NewTemplate]), and the one
// resource a CloudFormation hook asks about ([EvaluateResource]).
//
// A resource becomes the configuration item its type records in AWS
// Config (convert.go; legacy.go for the older types whose shape differs,
// iam.go for IAM principals), with its intrinsic functions folded where
// their value is known (fold.go), judged under each combination of the
// conditions it depends on, with the values it could take probed where it
// depends on unknown ones (tjudge.go), and through the resources it
// references (relations.go). The judging itself is the rules' one entry
// point (rules.Configured), exemptions included.
//
// It reads no estate, writes no report and validates no template against
// the JSON Schemas: the rule Lambda links it, and every package it imports
// is initialised at each cold start (lambda's TestBootstrapDeps keeps it
// that way).
package cfnjudge
