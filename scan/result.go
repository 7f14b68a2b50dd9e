package scan

import (
	"context"

	"github.com/aiguard/aiguard/internal/cfnjudge"
	"github.com/aiguard/aiguard/rules"
)

// The results of a scan are those of the judge of template and planned
// resources (package cfnjudge), which the rule Lambda's CloudFormation hook
// shares without linking the readers of whole estates.
type (
	// Result is what the scan found for one item: a CI, a template
	// resource or a planned resource.
	Result = cfnjudge.Result
	// Detail is what a scan knows about one evaluation beyond the
	// evaluation itself.
	Detail = cfnjudge.Detail
	// Suppression says why an evaluation is suppressed.
	Suppression = cfnjudge.Suppression
	// Identity identifies the resource an item describes.
	Identity = cfnjudge.Identity
	// Position says where an item, or a part of it, is.
	Position = cfnjudge.Position
	// Problem is an item or a part of an input that the scan skipped.
	Problem = cfnjudge.Problem
	// Resource is one CloudFormation resource as a template or a
	// CloudFormation hook presents it.
	Resource = cfnjudge.Resource
	// ResourceOptions says how to judge it.
	ResourceOptions = cfnjudge.ResourceOptions
)

// Suppression kinds.
const (
	SuppressedExemption = cfnjudge.SuppressedExemption
	SuppressedMetadata  = cfnjudge.SuppressedMetadata
	SuppressedSkipRule  = cfnjudge.SuppressedSkipRule
)

// EvaluateResource judges one resource exactly as scan judges it inside a
// template (same conversion, same rules, same handling of unresolved
// values). A type no rule covers gives no evaluations and no error.
func EvaluateResource(ctx context.Context, r Resource, opts ResourceOptions) ([]rules.Evaluation, error) {
	return cfnjudge.EvaluateResource(ctx, r, opts)
}
