package cfnjudge

import (
	"fmt"
	"strconv"

	"github.com/aiguard/aiguard/rules"
)

// Result is what the scan found for one item: a CI, a template resource or
// a planned resource.
type Result struct {
	Pos Position
	// Input is the index of the input in the scan's list.
	Input    int
	Resource Identity
	// Evaluations holds one evaluation per rule that judges the resource,
	// in rule ID order; none when no rule covers its type.
	Evaluations []rules.Evaluation
	// Details go with Evaluations, index for index.
	Details []Detail
	// Problem is set when the item was skipped; nothing else is then.
	Problem *Problem
	// Encoded is for a Preparer's use.
	Encoded []byte
}

// Detail is what a scan knows about one evaluation beyond the evaluation
// itself.
type Detail struct {
	// Where is the resource's position, or the position of the property
	// that decided when there is one (a template resource's property).
	Where Position
	// Suppressed says the evaluation is suppressed, and why; nil when it
	// is not. A suppressed NON_COMPLIANT evaluation is reported, but does
	// not fail the scan.
	Suppressed *Suppression
}

// Suppression kinds.
const (
	// SuppressedExemption: the exemptResourceIds rule parameter (from
	// --params or the organization spec's exceptions) exempts the
	// resource; the evaluation is NOT_APPLICABLE, as the Lambda makes it.
	SuppressedExemption = "exemption"
	// SuppressedMetadata: the template resource's Metadata.aiguard.skip.
	SuppressedMetadata = "metadata"
	// SuppressedSkipRule: --skip-rule.
	SuppressedSkipRule = "skip-rule"
)

// Suppression says why an evaluation is suppressed.
type Suppression struct {
	Kind   string
	Reason string
	// Expires is the last day (YYYY-MM-DD) the suppression applies; "" for
	// none.
	Expires string
}

// InSource reports whether the suppression is written in the scanned
// artifact itself (SARIF's inSource), rather than outside it.
func (s *Suppression) InSource() bool { return s.Kind == SuppressedMetadata }

// Identity identifies the resource an item describes.
type Identity struct {
	AccountID string
	Region    string
	Partition string
	// ARN is the resource's ARN when it is known: always for a CI, and for
	// a template or planned resource only when its physical name is fixed.
	ARN  string
	Type string
	// ID is the resourceId of a CI, the logical ID of a template resource,
	// or the address of a planned resource.
	ID   string
	Name string
	// Template is true for a resource read from a CloudFormation template
	// or a Terraform plan: it is not deployed yet.
	Template bool
	// Source is the file a template or planned resource comes from.
	Source string
}

// Position says where an item, or a part of it, is.
type Position struct {
	// File is the input's name.
	File string
	// Line and Column are 1-based: the line of an NDJSON input, or the
	// line and column of a template resource or property; 0 when unknown.
	Line, Column int
	// Array is the key of the container array (configurationItems,
	// baseConfigurationItems, Results), or "" when the input has none.
	Array string
	// Index is the 0-based index of the item in its array or stream, or -1.
	Index int
	// Resource is the logical ID of a template resource or the address of
	// a planned resource, else "".
	Resource string
	// Property is the path of the property that decided, within the
	// resource (Properties.KmsKeyId), else "".
	Property string
}

// String formats the position for messages: "file:12:5: resource Bucket",
// "file:12", "file: configurationItems[4]" or "file: value 2".
func (p Position) String() string {
	where := p.File
	if p.Line > 0 {
		where += ":" + strconv.Itoa(p.Line)
		if p.Column > 0 {
			where += ":" + strconv.Itoa(p.Column)
		}
	}
	switch {
	case p.Resource != "" && p.Property != "":
		return where + ": resource " + p.Resource + " " + p.Property
	case p.Resource != "":
		return where + ": resource " + p.Resource
	case p.Line > 0:
		return where
	case p.Array != "" && p.Index >= 0:
		return fmt.Sprintf("%s: %s[%d]", where, p.Array, p.Index)
	case p.Index >= 0:
		return fmt.Sprintf("%s: value %d", where, p.Index)
	}
	return where
}

// Problem is an item or a part of an input that the scan skipped.
type Problem struct {
	Pos Position
	Err error
	// Rest is true when the input broke at Pos and everything after it was
	// skipped (a truncated file, a corrupt gzip stream).
	Rest bool
}

func (p *Problem) Error() string {
	if p.Rest {
		return fmt.Sprintf("%s: %v; the rest of the input is skipped", p.Pos, p.Err)
	}
	return fmt.Sprintf("%s: %v; skipped", p.Pos, p.Err)
}

func (p *Problem) Unwrap() error { return p.Err }
