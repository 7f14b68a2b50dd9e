package scan

// Stage 5, evaluate: judge an item with the rules of its profile, on a
// worker, through the rules' one entry point (exemptions included), and
// mark what --skip-rule and a template's metadata suppress.

import (
	"errors"

	"github.com/aiguard/aiguard/awsid"
	"github.com/aiguard/aiguard/configitem"
	"github.com/aiguard/aiguard/rules"
)

// process turns one record into its result; it runs on a worker.
func (rs *ruleSet) process(opts *Options, c *chunk, rec *record, out *Result) {
	out.Pos, out.Input = rec.pos, rec.input
	switch {
	case rec.problem != nil:
		out.Problem = rec.problem
		return
	case rec.unit != nil:
		rec.unit.judge(rs, opts, out)
		return
	case rec.uncovered != "":
		out.Resource = Identity{Type: rec.uncovered}
		return
	}
	item, err := decodeItem(c.buf[rec.off:rec.off+rec.n], rec.quoted)
	if err != nil {
		out.Problem = &Problem{Pos: rec.pos, Err: err}
		return
	}
	if item.ResourceType == "" || item.ResourceID == "" {
		out.Problem = &Problem{Pos: rec.pos, Err: errors.New("configuration item has no resourceType or resourceId")}
		return
	}
	if item.AccountID == "" {
		item.AccountID = opts.AccountID
	}
	if item.Region == "" {
		item.Region = opts.Region
	}
	out.Resource = identityOf(item)
	list := rs.forAccount(item.AccountID).byType[item.ResourceType]
	if len(list) == 0 {
		return
	}
	if len(item.MLReferences) == 0 {
		item.MLReferences = rs.refs.lookup(item)
	}
	out.Evaluations, out.Details = c.slots(len(list))
	for i, b := range list {
		ev, ex := b.judge.EvaluateChange(item, false, opts.Now)
		out.Evaluations[i] = ev
		out.Details[i] = Detail{Where: rec.pos, Suppressed: b.suppression(ev, ex, item.ResourceID)}
	}
}

// partitionOf returns the partition from an ARN (one awsid knows), else
// from the Region name, else aws. It runs for every item, so it splits the
// ARN rather than parse it whole.
func partitionOf(arn, region string) string {
	if a, ok := awsid.SplitARN(arn); ok && awsid.IsPartition(a.Partition) {
		return a.Partition
	}
	if p := awsid.PartitionOfRegion(region); p != "" {
		return p
	}
	return awsid.AWS
}

// identityOf names the resource a CI describes.
func identityOf(item *configitem.Item) Identity {
	return Identity{
		AccountID: item.AccountID,
		Region:    item.Region,
		Partition: partitionOf(item.ARN, item.Region),
		ARN:       item.ARN,
		Type:      item.ResourceType,
		ID:        item.ResourceID,
		Name:      item.ResourceName,
	}
}

// suppression says whether an evaluation is suppressed: exempted by the
// rule's exemptResourceIds (already NOT_APPLICABLE), or a failure that
// --skip-rule suppresses.
func (b *bound) suppression(ev rules.Evaluation, ex *rules.Exemption, ids ...string) *Suppression {
	if ex != nil {
		s := &Suppression{Kind: SuppressedExemption, Reason: "exemptResourceIds"}
		for _, id := range ids {
			if r := b.reasons[id]; r != "" {
				s.Reason = r
				break
			}
		}
		if !ex.Until.IsZero() {
			s.Expires = ex.Until.AddDate(0, 0, -1).Format("2006-01-02")
		}
		return s
	}
	if b.skip && ev.Compliance == rules.NonCompliant {
		return &Suppression{Kind: SuppressedSkipRule, Reason: "--skip-rule " + b.rule.ID}
	}
	return nil
}
