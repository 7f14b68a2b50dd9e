// Package conformance models AWS Config conformance packs: the
// CloudFormation templates that hold AWS::Config::ConfigRule and
// AWS::Config::RemediationConfiguration resources. It reads them from YAML
// (with CloudFormation's short-form tags) or JSON keeping line numbers
// (Parse, into a File), and checks them against AWS Config's limits and
// restrictions (Lint) and against the CloudFormation resource specification
// (package internal/cfnschema).
//
// It is also where aiguard builds CloudFormation templates, packs and
// every other stack alike: a Template holds a template as nested Go values
// and writes it as deterministic YAML, checked against the resource schema
// (MarshalChecked), or as a JSON template body (MarshalJSONBody: keys
// sorted, IAM policy documents in their own key order, compact when too
// large to pass inline); ConfigRule gives a Config rule's resource.
//
// The limits are exported as constants (MaxRules, MaxParameters,
// MaxTemplateBytes, MaxInputParameters, ...) so that the generator can split
// packs before it writes them, and CheckPackName validates pack names.
package conformance
