package rules

import (
	"time"

	"github.com/aiguard/aiguard/configitem"
)

// Configured is a rule made ready to judge: its parameters parsed and
// validated, and its exemptions (the exemptResourceIds parameter) read. It
// is the one evaluation entry point: the Lambda, `aiguard evaluate`,
// `aiguard scan` and the CloudFormation hook all judge through it, so an
// exemption or a parameter means the same everywhere. A Configured is
// read-only and safe for concurrent use.
type Configured struct {
	Rule   *Rule
	Params Params
	exempt exemptions
}

// Configure parses raw rule parameters as Config passes them (reserved
// runtime parameters such as ruleId and exemptResourceIds included;
// anything else the rule does not declare is an error).
func (r *Rule) Configure(raw map[string]string) (*Configured, error) {
	p, err := r.ParseParams(raw)
	if err != nil {
		return nil, err
	}
	x, err := parseExemptions(raw[ExemptParam])
	if err != nil {
		return nil, &ParamError{Rule: r.ID, Param: ExemptParam, Want: err.Error()}
	}
	return &Configured{Rule: r, Params: p, exempt: x}, nil
}

// Exemption says that an evaluation was exempted, and until when (zero: no
// end).
type Exemption struct {
	Until time.Time
}

// EvaluateChange judges the item of a change notification (leftScope as
// Config sends it; false for an item read from anywhere else) and applies
// the exemptions at now. The Exemption is nil when none applied.
func (c *Configured) EvaluateChange(item *configitem.Item, leftScope bool, now time.Time) (Evaluation, *Exemption) {
	return c.Exempt(c.Rule.EvaluateChange(item, leftScope, c.Params), now)
}

// Exempt applies the exemptions to an evaluation of this rule: a
// NON_COMPLIANT resource named in exemptResourceIds, whose exemption has
// not ended at now, becomes NOT_APPLICABLE, saying so and keeping what the
// check found. aliases are other identifiers of the same resource (the
// physical name of a template resource, whose ID is its logical ID).
func (c *Configured) Exempt(ev Evaluation, now time.Time, aliases ...string) (Evaluation, *Exemption) {
	if ev.Compliance != NonCompliant || len(c.exempt) == 0 {
		return ev, nil
	}
	for _, id := range append([]string{ev.ResourceID}, aliases...) {
		if id == "" {
			continue
		}
		if until, ok := c.exempt[id]; ok && (until.IsZero() || now.Before(until)) {
			return exemptApply(ev, until), &Exemption{Until: until}
		}
	}
	return ev, nil
}

// ExemptAll applies the exemptions to every evaluation (a periodic rule's
// run).
func (c *Configured) ExemptAll(evals []Evaluation, now time.Time) {
	for i := range evals {
		evals[i], _ = c.Exempt(evals[i], now)
	}
}
