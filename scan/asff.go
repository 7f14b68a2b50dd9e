package scan

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"sort"
	"time"
	"unicode/utf8"

	"github.com/aiguard/aiguard/rules"
)

// ASFF limits that BatchImportFindings enforces.
const (
	// ASFFBatchSize is the most findings BatchImportFindings takes per call.
	ASFFBatchSize = 100
	// ASFFSchemaVersion is the only schema version Security Hub accepts.
	ASFFSchemaVersion = "2018-10-08"

	asffMaxTitle       = 256
	asffMaxDescription = 1024
	asffMaxRemediation = 512
)

// ASFFType is the finding type of every aiguard finding: a configuration
// check against security best practices.
const ASFFType = "Software and Configuration Checks/AWS Security Best Practices"

// asffResourceTypes maps Config resource types to the ASFF resource types
// that exist for them; every other type is "Other".
var asffResourceTypes = map[string]string{
	"AWS::S3::Bucket":                  "AwsS3Bucket",
	"AWS::KMS::Key":                    "AwsKmsKey",
	"AWS::SageMaker::NotebookInstance": "AwsSageMakerNotebookInstance",
}

// ASFFResourceType returns the ASFF resource type for a Config type.
func ASFFResourceType(configType string) string {
	if t, ok := asffResourceTypes[configType]; ok {
		return t
	}
	return "Other"
}

// ASFFWriter writes the evaluations as AWS Security Finding Format findings
// ready for BatchImportFindings: one line per batch, each line a request
// body {"Findings": [...]} with at most 100 findings of a single account and
// Region (BatchImportFindings with the default product ARN must be called
// from the account the findings belong to), so each line can be sent with
//
//	aws securityhub batch-import-findings --region R --cli-input-json "$line"
//
// A finding's Id is derived from the rule and the resource, so the same
// finding keeps its Id across scans and Security Hub updates it in place.
type ASFFWriter struct {
	w   *bufio.Writer
	reg *rules.Registry
	now time.Time
	// pending batches, by account and Region
	batches map[string]*asffBatch
}

type asffBatch struct {
	ids      map[string]bool
	findings [][]byte
}

// NewASFFWriter returns a writer to w. now stands in for the capture time of
// a CI that has none. Call Close to write the last batches.
func NewASFFWriter(w io.Writer, reg *rules.Registry, now time.Time) *ASFFWriter {
	return &ASFFWriter{w: bufio.NewWriterSize(w, 256<<10), reg: reg, now: now, batches: map[string]*asffBatch{}}
}

// Finding is an ASFF finding, with the fields in the order the AWS
// documentation lists them.
type asffFinding struct {
	SchemaVersion         string            `json:"SchemaVersion"`
	ID                    string            `json:"Id"`
	ProductArn            string            `json:"ProductArn"`
	ProductName           string            `json:"ProductName"`
	CompanyName           string            `json:"CompanyName"`
	Region                string            `json:"Region"`
	GeneratorID           string            `json:"GeneratorId"`
	AwsAccountID          string            `json:"AwsAccountId"`
	Types                 []string          `json:"Types"`
	CreatedAt             string            `json:"CreatedAt"`
	UpdatedAt             string            `json:"UpdatedAt"`
	Severity              asffSeverity      `json:"Severity"`
	Title                 string            `json:"Title"`
	Description           string            `json:"Description"`
	Remediation           asffRemediation   `json:"Remediation"`
	ProductFields         map[string]string `json:"ProductFields"`
	Resources             []asffResource    `json:"Resources"`
	Compliance            asffCompliance    `json:"Compliance"`
	RecordState           string            `json:"RecordState"`
	FindingProviderFields asffProvider      `json:"FindingProviderFields"`
}

type asffSeverity struct {
	Label    string `json:"Label"`
	Original string `json:"Original"`
}

type asffRemediation struct {
	Recommendation struct {
		Text string `json:"Text"`
	} `json:"Recommendation"`
}

type asffResource struct {
	Type      string            `json:"Type"`
	ID        string            `json:"Id"`
	Partition string            `json:"Partition"`
	Region    string            `json:"Region"`
	Details   asffDetails       `json:"Details"`
	Tags      map[string]string `json:"Tags,omitempty"`
}

type asffDetails struct {
	Other map[string]string `json:"Other"`
}

type asffCompliance struct {
	Status              string   `json:"Status"`
	RelatedRequirements []string `json:"RelatedRequirements,omitempty"`
}

type asffProvider struct {
	Severity asffSeverity `json:"Severity"`
	Types    []string     `json:"Types"`
}

var accountIDPattern = regexp.MustCompile(`^\d{12}$`)

// Prepare builds and encodes the findings of a result, one line each:
// the finding's Id, a tab, its JSON.
func (a *ASFFWriter) Prepare(r *Result) {
	var b []byte
	for i := range r.Evaluations {
		f, err := a.finding(r, &r.Evaluations[i])
		if err != nil {
			// Result reports it, in order; Prepare has no way to fail.
			r.Encoded = nil
			return
		}
		enc, err := json.Marshal(f)
		if err != nil {
			r.Encoded = nil
			return
		}
		b = append(b, f.ID...)
		b = append(b, '\t')
		b = append(b, enc...)
		b = append(b, '\n')
	}
	r.Encoded = b
}

// Result adds the result's findings to the batch of its account and Region,
// writing the batch when it is full.
func (a *ASFFWriter) Result(r *Result) error {
	if len(r.Evaluations) == 0 {
		return nil
	}
	if r.Encoded == nil {
		// Prepare could not build a finding: say why, in order.
		_, err := a.finding(r, &r.Evaluations[0])
		if err == nil {
			err = fmt.Errorf("%s: cannot encode the ASFF finding", r.Pos)
		}
		return err
	}
	key := r.Resource.AccountID + "/" + r.Resource.Region
	batch := a.batches[key]
	if batch == nil {
		batch = &asffBatch{ids: map[string]bool{}}
		a.batches[key] = batch
	}
	for line := range bytes.SplitSeq(bytes.TrimSuffix(r.Encoded, []byte("\n")), []byte("\n")) {
		id, enc, _ := bytes.Cut(line, []byte("\t"))
		// A history file can hold the same resource twice; one call must not
		// carry the same Id twice, so the batch goes out first.
		if batch.ids[string(id)] || len(batch.findings) == ASFFBatchSize {
			if err := a.flush(batch); err != nil {
				return err
			}
		}
		batch.ids[string(id)] = true
		batch.findings = append(batch.findings, enc)
	}
	return nil
}

func (a *ASFFWriter) flush(b *asffBatch) error {
	if len(b.findings) == 0 {
		return nil
	}
	a.w.WriteString(`{"Findings":[`)
	for i, f := range b.findings {
		if i > 0 {
			a.w.WriteByte(',')
		}
		a.w.Write(f)
	}
	_, err := a.w.WriteString("]}\n")
	b.findings = b.findings[:0]
	clear(b.ids)
	return err
}

// Close writes the remaining batches, in account and Region order.
func (a *ASFFWriter) Close() error {
	keys := make([]string, 0, len(a.batches))
	for k := range a.batches {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := a.flush(a.batches[k]); err != nil {
			return err
		}
	}
	return a.w.Flush()
}

// FindingID is the stable Id of the finding of a rule on a resource.
func FindingID(ruleID string, res Identity) string {
	h := sha256.New()
	for _, s := range []string{res.Partition, res.AccountID, res.Region, res.Type, res.ID} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return "aiguard/" + ruleID + "/" + hex.EncodeToString(h.Sum(nil))
}

func (a *ASFFWriter) finding(r *Result, ev *rules.Evaluation) (*asffFinding, error) {
	res := r.Resource
	if !accountIDPattern.MatchString(res.AccountID) {
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
	stamp := ts.UTC().Format("2006-01-02T15:04:05.000Z")
	sev := asffSeverity{Label: string(rule.Severity), Original: string(rule.Severity)}
	status, state := "PASSED", "ACTIVE"
	switch ev.Compliance {
	case rules.NonCompliant:
		status = "FAILED"
	case rules.NotApplicable:
		// Security Hub archives control findings whose Config evaluation is
		// NOT_APPLICABLE, and so does aiguard.
		status, state = "NOT_AVAILABLE", "ARCHIVED"
	}
	if status != "FAILED" {
		// Security Hub gives passed and unavailable control findings the
		// label INFORMATIONAL; Original keeps the rule's severity.
		sev.Label = string(rules.SeverityInformational)
	}
	desc := rule.Description
	if ev.Annotation != "" {
		desc = ev.Annotation + " — " + desc
	}
	if desc == "" {
		desc = rule.Title
	}
	resID := res.ARN
	if resID == "" {
		resID = res.ID
	}
	other := map[string]string{"ConfigResourceType": res.Type, "ResourceId": clip(res.ID, 1024)}
	if res.Name != "" {
		other["ResourceName"] = clip(res.Name, 1024)
	}
	if res.Template {
		other["Source"] = "CloudFormation template (not deployed)"
	}
	f := &asffFinding{
		SchemaVersion: ASFFSchemaVersion,
		ID:            FindingID(rule.ID, res),
		ProductArn:    fmt.Sprintf("arn:%s:securityhub:%s:%s:product/%s/default", res.Partition, res.Region, res.AccountID, res.AccountID),
		ProductName:   "aiguard",
		CompanyName:   "aiguard",
		Region:        res.Region,
		GeneratorID:   rule.ID,
		AwsAccountID:  res.AccountID,
		Types:         []string{ASFFType},
		CreatedAt:     stamp,
		UpdatedAt:     stamp,
		Severity:      sev,
		Title:         clip(rule.Title, asffMaxTitle),
		Description:   clip(desc, asffMaxDescription),
		ProductFields: map[string]string{
			"aiguard/RuleId":         rule.ID,
			"aiguard/Control":        rule.Control,
			"aiguard/ComplianceType": string(ev.Compliance),
		},
		Resources: []asffResource{{
			Type:      ASFFResourceType(res.Type),
			ID:        resID,
			Partition: res.Partition,
			Region:    res.Region,
			Details:   asffDetails{Other: other},
		}},
		Compliance:            asffCompliance{Status: status, RelatedRequirements: rule.SecurityHub},
		RecordState:           state,
		FindingProviderFields: asffProvider{Severity: sev, Types: []string{ASFFType}},
	}
	f.Remediation.Recommendation.Text = clip(rule.Remediation, asffMaxRemediation)
	return f, nil
}

// clip shortens s to at most n characters, ending with an ellipsis when cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i, count := 0, 0
	for j := range s {
		if count == n-1 {
			i = j
			break
		}
		count++
	}
	return s[:i] + "…"
}
