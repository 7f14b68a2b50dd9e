package scan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/aiguard/aiguard/asff"
	"github.com/aiguard/aiguard/awsid"
	"github.com/aiguard/aiguard/rules"
)

// ASFFWriter writes the evaluations as AWS Security Finding Format findings
// ready for BatchImportFindings: one request body per line, batched by
// [asff.BatchWriter]. A finding's Id is derived from the rule and the resource, so the same
// finding keeps its Id across scans and Security Hub updates it in place.
type ASFFWriter struct {
	batches *asff.BatchWriter
	reg     *rules.Registry
	now     time.Time
}

// NewASFFWriter returns a writer to w. now stands in for the capture time of
// a CI that has none. Call Close to write the last batches.
func NewASFFWriter(w io.Writer, reg *rules.Registry, now time.Time) *ASFFWriter {
	return &ASFFWriter{batches: asff.NewBatchWriter(w), reg: reg, now: now}
}

// Prepare builds and encodes the findings of a result, one line each:
// the finding's Id, a tab, its JSON.
func (a *ASFFWriter) Prepare(r *Result) {
	var b []byte
	for i := range r.Evaluations {
		id, enc, err := a.encode(r, &r.Evaluations[i])
		if err != nil {
			// Result reports it, in order; Prepare has no way to fail.
			r.Encoded = nil
			return
		}
		b = append(b, id...)
		b = append(b, '\t')
		b = append(b, enc...)
		b = append(b, '\n')
	}
	r.Encoded = b
}

// encode builds one finding, checks it against what BatchImportFindings
// accepts, and encodes it.
func (a *ASFFWriter) encode(r *Result, ev *rules.Evaluation) (id string, enc []byte, err error) {
	f, err := a.finding(r, ev)
	if err != nil {
		return "", nil, err
	}
	if err := asff.Validate(f); err != nil {
		return "", nil, fmt.Errorf("%s: %s on %s %s: the ASFF finding would be rejected: %w", r.Pos, ev.RuleID, r.Resource.Type, r.Resource.ID, err)
	}
	if enc, err = json.Marshal(f); err != nil {
		return "", nil, fmt.Errorf("%s: encode the ASFF finding: %w", r.Pos, err)
	}
	if len(enc) >= asff.MaxFindingBytes {
		return "", nil, fmt.Errorf("%s: %s on %s %s: the ASFF finding is %d bytes; BatchImportFindings takes less than %d",
			r.Pos, ev.RuleID, r.Resource.Type, r.Resource.ID, len(enc), asff.MaxFindingBytes)
	}
	return f.ID, enc, nil
}

// Result adds the result's findings to the batch of its account and Region,
// writing the batch when it is full.
func (a *ASFFWriter) Result(r *Result) error {
	if len(r.Evaluations) == 0 {
		return nil
	}
	if r.Encoded == nil {
		// Prepare could not build a finding: say why, in order.
		for i := range r.Evaluations {
			if _, _, err := a.encode(r, &r.Evaluations[i]); err != nil {
				return err
			}
		}
		return fmt.Errorf("%s: cannot encode the ASFF finding", r.Pos)
	}
	for line := range bytes.SplitSeq(bytes.TrimSuffix(r.Encoded, []byte("\n")), []byte("\n")) {
		id, enc, _ := bytes.Cut(line, []byte("\t"))
		// A history file can hold the same resource twice: the batch writer
		// sends the second in another call.
		if err := a.batches.Add(r.Resource.AccountID, r.Resource.Region, string(id), enc); err != nil {
			return err
		}
	}
	return nil
}

// Close writes the remaining batches, in account and Region order.
func (a *ASFFWriter) Close() error {
	return a.batches.Flush()
}

// FindingID is the stable Id of the finding of a rule on a resource (a
// template or planned resource is known by its file and logical ID).
func FindingID(ruleID string, res Identity) string {
	if res.Template {
		return asff.FindingID(ruleID, res.Partition, res.AccountID, res.Region, res.Type, res.Source+"#"+res.ID)
	}
	return asff.FindingID(ruleID, res.Partition, res.AccountID, res.Region, res.Type, res.ID)
}

func (a *ASFFWriter) finding(r *Result, ev *rules.Evaluation) (*asff.Finding, error) {
	res := r.Resource
	if !awsid.IsAccountID(res.AccountID) {
		return nil, fmt.Errorf("%s: resource %s %s has no 12-digit account ID (got %q), which ASFF requires; "+
			"pass --account-id", r.Pos, res.Type, res.ID, res.AccountID)
	}
	if res.Region == "" {
		return nil, fmt.Errorf("%s: resource %s %s has no Region, which ASFF requires; pass --region", r.Pos, res.Type, res.ID)
	}
	rule, ok := a.reg.Get(ev.RuleID)
	if !ok {
		return nil, fmt.Errorf("rule %s is not in the catalog", ev.RuleID)
	}
	ts := ev.OrderingTimestamp
	if ts.IsZero() {
		ts = a.now
	}
	stamp := asff.Timestamp(ts)
	status, state, label := asff.Status(string(ev.Compliance), string(rule.Severity))
	sev := &asff.Severity{Label: label, Original: string(rule.Severity)}
	desc := rule.Description
	if ev.Annotation != "" {
		desc = ev.Annotation + " — " + desc
	}
	if desc == "" {
		desc = rule.Title
	}
	// A resource is named by its ARN; a template or planned resource
	// whose physical name the template does not fix has none yet, and is
	// named by where it is written, as a resource of type Other: an ARN
	// made from its logical ID would name a resource that does not exist.
	resID, resType := res.ARN, asff.ResourceType(res.Type)
	switch {
	case resID != "":
	case res.Template:
		resID, resType = res.Source+"#"+res.ID, asff.TypeOther
	default:
		resID = res.ID
	}
	other := map[string]string{"ConfigResourceType": res.Type, "ResourceId": asff.Clip(res.ID, asff.MaxOtherValue)}
	if res.Name != "" {
		other["ResourceName"] = asff.Clip(res.Name, asff.MaxOtherValue)
	}
	if res.Template {
		other["Source"] = "CloudFormation template (not deployed)"
	}
	f := &asff.Finding{
		SchemaVersion: asff.SchemaVersion,
		ID:            FindingID(rule.ID, res),
		ProductArn:    asff.DefaultProductARN(res.Partition, res.Region, res.AccountID),
		ProductName:   "aiguard",
		CompanyName:   "aiguard",
		Region:        res.Region,
		GeneratorID:   rule.ID,
		AwsAccountID:  res.AccountID,
		Types:         []string{asff.TypeConfigCheck},
		CreatedAt:     stamp,
		UpdatedAt:     stamp,
		Severity:      sev,
		Title:         asff.Clip(rule.Title, asff.MaxTitle),
		Description:   asff.Clip(desc, asff.MaxDescription),
		Remediation:   &asff.Remediation{Recommendation: asff.Recommendation{Text: asff.Clip(rule.Remediation, asff.MaxRemediation)}},
		ProductFields: map[string]string{
			"aiguard/RuleId":         rule.ID,
			"aiguard/Control":        rule.Control,
			"aiguard/ComplianceType": string(ev.Compliance),
		},
		Resources: []asff.Resource{{
			Type:      resType,
			ID:        resID,
			Partition: asff.ResourcePartition(res.Partition),
			Region:    res.Region,
			Details:   &asff.Details{Other: other},
		}},
		Compliance:            &asff.Compliance{Status: status, RelatedRequirements: rule.SecurityHub},
		RecordState:           state,
		FindingProviderFields: &asff.FindingProviderFields{Severity: sev, Types: []string{asff.TypeConfigCheck}},
	}
	return f, nil
}
