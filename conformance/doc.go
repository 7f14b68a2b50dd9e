// Package conformance models AWS Config conformance packs: the
// CloudFormation templates that hold AWS::Config::ConfigRule and
// AWS::Config::RemediationConfiguration resources. It reads them from YAML
// (with CloudFormation's short-form tags) or JSON keeping line numbers,
// writes them as deterministic YAML for the generator, and checks them
// against AWS Config's limits and restrictions (Lint) and against the
// CloudFormation resource specification (package internal/cfnschema).
//
// The limits are exported as constants (MaxRules, MaxParameters,
// MaxTemplateBytes, MaxInputParameters, ...) so that the generator can split
// packs before it writes them, and CheckPackName validates pack names.
package conformance
