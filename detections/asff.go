package detections

import (
	"strconv"
	"strings"
	"time"

	"github.com/aiguard/aiguard/asff"
)

// GeneratorID is the ASFF GeneratorId of a detection's findings.
func GeneratorID(id string) string { return "aiguard/detection/" + id }

// ASFFOptions say where an ASFF finding is imported.
type ASFFOptions struct {
	// Partition of the accounts (aws when empty).
	Partition string
	// Importer is the account that calls BatchImportFindings with its
	// default product ARN; Security Hub then requires AwsAccountId to be
	// that account. Empty: the finding's own account imports it.
	Importer string
	// ImportRegion is the Region BatchImportFindings is called in (the
	// finding's own Region when empty).
	ImportRegion string
	// Now is the import time (CreatedAt and UpdatedAt).
	Now time.Time
}

// ASFF turns a finding into a Security Hub finding. The Id depends only on
// the detection, where and by whom it fired, and its first event, so that
// importing the same finding again updates it in place. When another
// account imports it (see ASFFOptions.Importer), the account where the
// activity happened is the finding's AwsAccount resource and product field.
func (f *Finding) ASFF(d *Detection, o ASFFOptions) *asff.Finding {
	partition := o.Partition
	if partition == "" {
		partition = "aws"
	}
	account := f.AccountID
	if o.Importer != "" {
		account = o.Importer
	}
	region := f.AWSRegion
	if o.ImportRegion != "" {
		region = o.ImportRegion
	}
	firstEvent := ""
	if len(f.EventIDs) > 0 {
		firstEvent = f.EventIDs[0]
	}
	sev := &asff.Severity{Label: f.Severity, Original: f.Severity}
	fields := map[string]string{
		"aiguard/detectionId": f.DetectionID,
		"aiguard/eventCount":  strconv.Itoa(f.EventCount),
		"aiguard/technique":   d.Technique.ID + " " + d.Technique.Name,
	}
	if len(f.EventIDs) > 0 {
		fields["aiguard/eventIds"] = asff.Clip(strings.Join(f.EventIDs, ","), asff.MaxFieldValue)
	}
	if len(f.EventNames) > 0 {
		fields["aiguard/eventNames"] = asff.Clip(strings.Join(f.EventNames, ","), asff.MaxFieldValue)
	}
	if f.AccountID != "" {
		fields["aiguard/accountId"] = f.AccountID
	}
	if f.Subject != "" {
		fields["aiguard/subject"] = asff.Clip(f.Subject, asff.MaxFieldValue)
	}
	if f.Principal != "" {
		fields["aiguard/principal"] = asff.Clip(f.Principal, asff.MaxFieldValue)
	}
	if f.Team != "" {
		fields["aiguard/team"] = f.Team
	}
	out := &asff.Finding{
		SchemaVersion:   asff.SchemaVersion,
		ID:              asff.FindingID("detection/"+d.ID, f.AccountID, f.AWSRegion, f.Principal+f.Subject, firstEvent, f.FirstSeen.UTC().Format(time.RFC3339)),
		ProductArn:      asff.DefaultProductARN(partition, region, account),
		ProductName:     "aiguard",
		CompanyName:     "aiguard",
		Region:          f.AWSRegion,
		GeneratorID:     GeneratorID(d.ID),
		AwsAccountID:    account,
		Types:           d.Types,
		FirstObservedAt: asff.Timestamp(f.FirstSeen),
		LastObservedAt:  asff.Timestamp(f.LastSeen),
		CreatedAt:       asff.Timestamp(o.Now),
		UpdatedAt:       asff.Timestamp(o.Now),
		Severity:        sev,
		Title:           asff.Clip(d.Title, asff.MaxTitle),
		Description:     asff.Clip(f.Reason, asff.MaxDescription),
		Remediation:     &asff.Remediation{Recommendation: asff.Recommendation{Text: asff.Clip(d.Remediation, asff.MaxRemediation)}},
		ProductFields:   fields,
		Resources:       f.resources(partition),
		RecordState:     asff.RecordActive,
		FindingProviderFields: &asff.FindingProviderFields{
			Severity: sev, Types: d.Types,
		},
	}
	if out.Description == "" {
		out.Description = asff.Clip(d.Description, asff.MaxDescription)
	}
	return out
}

// resources are the principal (an IAM role or user when the ARN says so)
// and the account where the activity happened.
func (f *Finding) resources(partition string) []asff.Resource {
	var out []asff.Resource
	if p := f.Principal; p != "" {
		typ := asff.TypeOther
		switch {
		case strings.Contains(p, ":iam::") && strings.Contains(p, ":role/"):
			typ = "AwsIamRole"
		case strings.Contains(p, ":iam::") && strings.Contains(p, ":user/"):
			typ = "AwsIamUser"
		}
		out = append(out, asff.Resource{Type: typ, ID: p, Partition: asff.ResourcePartition(partition), Region: f.AWSRegion})
	}
	if f.AccountID != "" {
		out = append(out, asff.Resource{
			Type: "AwsAccount", ID: "AWS::::Account:" + f.AccountID, Partition: asff.ResourcePartition(partition), Region: f.AWSRegion,
		})
	}
	if f.Subject != "" {
		out = append(out, asff.Resource{Type: asff.TypeOther, ID: f.Subject, Partition: asff.ResourcePartition(partition), Region: f.AWSRegion})
	}
	if len(out) == 0 {
		out = append(out, asff.Resource{Type: asff.TypeOther, ID: "unknown", Region: f.AWSRegion})
	}
	return out
}
