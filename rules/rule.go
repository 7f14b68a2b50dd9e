// Package rules is aiguard's rule catalog: each rule is a value describing a
// check (what it covers, its parameters, the control it implements and where
// AWS has the same check) plus a pure function that judges a configuration
// item. Nothing here knows about Lambda, credentials or the AWS SDK; the
// lambda package and the CLI feed rules and deliver their evaluations.
package rules

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aiguard/aiguard/configitem"
)

// Trigger says what makes Config run a rule.
type Trigger string

const (
	// ChangeTriggered rules run when a CI of one of their resource types changes.
	ChangeTriggered Trigger = "change"
	// Periodic rules run on a schedule and read the service APIs.
	Periodic Trigger = "periodic"
)

// Severity follows Security Hub's labels.
type Severity string

const (
	SeverityInformational Severity = "INFORMATIONAL"
	SeverityLow           Severity = "LOW"
	SeverityMedium        Severity = "MEDIUM"
	SeverityHigh          Severity = "HIGH"
	SeverityCritical      Severity = "CRITICAL"
)

// Compliance is the verdict PutEvaluations accepts.
type Compliance string

const (
	Compliant     Compliance = "COMPLIANT"
	NonCompliant  Compliance = "NON_COMPLIANT"
	NotApplicable Compliance = "NOT_APPLICABLE"
)

// Rule is one check.
type Rule struct {
	// ID is permanent and kebab-case; the Lambda finds the rule by it.
	ID string
	// Title is a one-line summary; Description says what the rule checks.
	Title       string
	Description string
	// ResourceTypes are the Config (or, for periodic rules, CloudFormation)
	// types the rule judges.
	ResourceTypes []string
	Trigger       Trigger
	Params        []Param
	// Control is the part of the security baseline the rule implements.
	Control string
	// SecurityHub lists the Security Hub controls with the same check.
	SecurityHub []string
	// ManagedRule is the identifier of the AWS managed rule with the same
	// check, if any; a conformance pack then uses the managed rule instead.
	ManagedRule string
	Severity    Severity
	Remediation string
	// Fields lists the configuration paths the rule reads, for the catalog.
	Fields []string
	// Actions are the IAM actions a periodic rule calls.
	Actions []string

	// Check judges one evaluable CI of a covered type (change-triggered rules).
	Check func(item *configitem.Item, p Params) Verdict
	// Run evaluates the account (periodic rules).
	Run func(ctx context.Context, env Env, p Params) ([]Evaluation, error)
}

// Verdict is what Check decides about one item.
type Verdict struct {
	Compliance Compliance
	// Annotation says what is wrong and what to change; empty when compliant.
	Annotation string
}

// Pass, Fail and Skip build verdicts.
func Pass() Verdict { return Verdict{Compliance: Compliant} }

// Fail returns a NON_COMPLIANT verdict with a formatted annotation.
func Fail(format string, args ...any) Verdict {
	return Verdict{Compliance: NonCompliant, Annotation: sprintf(format, args...)}
}

// Skip returns a NOT_APPLICABLE verdict with a reason.
func Skip(format string, args ...any) Verdict {
	return Verdict{Compliance: NotApplicable, Annotation: sprintf(format, args...)}
}

// sprintf is fmt.Sprintf, without its work for a constant sentence (the
// most common annotation), which it returns as it is.
func sprintf(format string, args ...any) string {
	if len(args) == 0 && !strings.Contains(format, "%") {
		return format
	}
	return fmt.Sprintf(format, args...)
}

// Env is what a periodic rule learns about where it runs.
type Env struct {
	AccountID string
	Region    string
	// Time is when Config triggered the evaluation; it is the ordering
	// timestamp of the evaluations.
	Time time.Time
	// Sources are the service APIs the rule reads (see sources.go).
	Sources Sources
}

// Evaluation is one result, in the shape PutEvaluations takes and
// `aiguard evaluate --format json` prints.
type Evaluation struct {
	RuleID            string     `json:"ruleId"`
	ResourceType      string     `json:"complianceResourceType"`
	ResourceID        string     `json:"complianceResourceId"`
	Compliance        Compliance `json:"complianceType"`
	Annotation        string     `json:"annotation"`
	OrderingTimestamp time.Time  `json:"orderingTimestamp"`
}

// Covers reports whether the rule judges resources of the given type.
func (r *Rule) Covers(resourceType string) bool {
	return slices.Contains(r.ResourceTypes, resourceType)
}

// Evaluate judges one CI. Items that Config does not expect a verdict on
// (deleted, not recorded, out of the rule's scope) are NOT_APPLICABLE, as are
// items without a configuration and every item for a rule without a Check.
func (r *Rule) Evaluate(item *configitem.Item, p Params) Evaluation {
	ev := Evaluation{
		RuleID:            r.ID,
		ResourceType:      item.ResourceType,
		ResourceID:        item.ResourceID,
		OrderingTimestamp: item.CaptureTime,
	}
	var v Verdict
	switch {
	case !item.Evaluable():
		v = Skip("The resource is %s; there is nothing to evaluate.", describeStatus(item.Status))
	case !r.Covers(item.ResourceType):
		v = Skip("Rule %s does not evaluate %s resources.", r.ID, item.ResourceType)
	case r.Check == nil:
		v = Skip("Rule %s is periodic; it does not evaluate configuration items.", r.ID)
	case len(item.Configuration) == 0:
		// An item without configuration (a summary, a truncated export) says
		// nothing about the resource; judging its absent fields would report
		// a compliant resource as NON_COMPLIANT.
		v = Skip("The configuration item carries no configuration; there is nothing to evaluate.")
	default:
		v = r.Check(item, p)
	}
	ev.Compliance = v.Compliance
	ev.Annotation = Annotation(v.Annotation)
	return ev
}

// EvaluateChange judges the item of a change notification. When the event
// left the rule's scope (eventLeftScope), Config asks for NOT_APPLICABLE.
func (r *Rule) EvaluateChange(item *configitem.Item, leftScope bool, p Params) Evaluation {
	if !leftScope {
		return r.Evaluate(item, p)
	}
	return Evaluation{
		RuleID:            r.ID,
		ResourceType:      item.ResourceType,
		ResourceID:        item.ResourceID,
		Compliance:        NotApplicable,
		Annotation:        "The resource left the rule's scope.",
		OrderingTimestamp: item.CaptureTime,
	}
}

func describeStatus(status string) string {
	switch status {
	case configitem.StatusResourceDeleted:
		return "deleted"
	case configitem.StatusResourceDeletedNotRecorded:
		return "deleted and not recorded"
	case configitem.StatusResourceNotRecorded:
		return "not recorded"
	case "":
		return "without a configurationItemStatus"
	}
	return "in status " + status
}
