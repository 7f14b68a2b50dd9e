package cfnjudge

import (
	"fmt"
	"slices"

	"github.com/aiguard/aiguard/awsid"
	"github.com/aiguard/aiguard/rules"
)

// Bound is a rule configured for one profile: its parameters, exemptions,
// and whether --skip-rule suppresses its results.
type Bound struct {
	Rule  *rules.Rule
	Judge *rules.Configured
	Skip  bool
	// Reasons are the organization spec's reasons for its exemptions, by
	// resource ID.
	Reasons map[string]string
}

// Profile is the rules a resource is judged by: those of a scan's flags,
// of a hook's team, or with an organization spec, those of one team.
type Profile struct {
	// Team is the team's name, or "" without a spec.
	Team   string
	ByType map[string][]*Bound
}

// NewProfile configures the rules with the parameters params gives each; a
// rule params leaves out does not run. The failures of the rules named in
// skip are reported suppressed.
func NewProfile(team string, all []*rules.Rule, skip []string,
	params func(*rules.Rule) (raw, reasons map[string]string, run bool)) (*Profile, error) {
	p := &Profile{Team: team, ByType: map[string][]*Bound{}}
	for _, r := range all {
		raw, reasons, run := params(r)
		if !run {
			continue
		}
		judge, err := r.Configure(raw)
		if err != nil {
			if team != "" {
				return nil, fmt.Errorf("team %s: %w", team, err)
			}
			return nil, err
		}
		b := &Bound{Rule: r, Judge: judge, Skip: slices.Contains(skip, r.ID), Reasons: reasons}
		for _, t := range r.ResourceTypes {
			p.ByType[t] = append(p.ByType[t], b)
		}
	}
	return p, nil
}

// PartitionOf returns the partition from an ARN (one awsid knows), else
// from the Region name, else aws. It runs for every item, so it splits the
// ARN rather than parse it whole.
func PartitionOf(arn, region string) string {
	if a, ok := awsid.SplitARN(arn); ok && awsid.IsPartition(a.Partition) {
		return a.Partition
	}
	if p := awsid.PartitionOfRegion(region); p != "" {
		return p
	}
	return awsid.AWS
}

// Suppression says whether an evaluation is suppressed: exempted by the
// rule's exemptResourceIds (already NOT_APPLICABLE), or a failure that
// --skip-rule suppresses.
func (b *Bound) Suppression(ev rules.Evaluation, ex *rules.Exemption, ids ...string) *Suppression {
	if ex != nil {
		s := &Suppression{Kind: SuppressedExemption, Reason: "exemptResourceIds"}
		for _, id := range ids {
			if r := b.Reasons[id]; r != "" {
				s.Reason = r
				break
			}
		}
		if !ex.Until.IsZero() {
			s.Expires = ex.Until.AddDate(0, 0, -1).Format("2006-01-02")
		}
		return s
	}
	if b.Skip && ev.Compliance == rules.NonCompliant {
		return &Suppression{Kind: SuppressedSkipRule, Reason: "--skip-rule " + b.Rule.ID}
	}
	return nil
}
