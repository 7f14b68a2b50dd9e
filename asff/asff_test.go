package asff

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// valid returns a finding that BatchImportFindings accepts.
func valid() *Finding {
	sev := &Severity{Label: SeverityHigh, Original: "HIGH"}
	return &Finding{
		SchemaVersion: SchemaVersion,
		ID:            FindingID("sagemaker-notebook-in-vpc", "aws", "111122223333", "eu-west-1", "AWS::SageMaker::NotebookInstance", "nb"),
		ProductArn:    DefaultProductARN("aws", "eu-west-1", "111122223333"),
		ProductName:   "aiguard",
		CompanyName:   "aiguard",
		Region:        "eu-west-1",
		GeneratorID:   "sagemaker-notebook-in-vpc",
		AwsAccountID:  "111122223333",
		Types:         []string{TypeConfigCheck},
		CreatedAt:     Timestamp(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)),
		UpdatedAt:     "2026-11-25T12:00:00Z",
		Severity:      sev,
		Title:         "Notebook instances run in a VPC",
		Description:   "The notebook has direct internet access.",
		Remediation:   &Remediation{Recommendation: Recommendation{Text: "Recreate it in a VPC."}},
		ProductFields: map[string]string{"aiguard/RuleId": "sagemaker-notebook-in-vpc"},
		Resources: []Resource{{
			Type: ResourceType("AWS::SageMaker::NotebookInstance"), ID: "arn:aws:sagemaker:eu-west-1:111122223333:notebook-instance/nb",
			Partition: "aws", Region: "eu-west-1", Details: &Details{Other: map[string]string{"ResourceId": "nb"}},
		}},
		Compliance:            &Compliance{Status: StatusFailed, RelatedRequirements: []string{"SageMaker.2"}},
		RecordState:           RecordActive,
		FindingProviderFields: &FindingProviderFields{Severity: sev, Types: []string{TypeConfigCheck}},
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(f *Finding)
		want   string // "" for valid
	}{
		{"valid", func(*Finding) {}, ""},
		{"no Id", func(f *Finding) { f.ID = "" }, "Id: required"},
		{"blank title", func(f *Finding) { f.Title = "  " }, "Title: required"},
		{"long title", func(f *Finding) { f.Title = strings.Repeat("é", MaxTitle+1) }, "Title: 257 characters, at most 256"},
		{"long description", func(f *Finding) { f.Description = strings.Repeat("x", 1025) }, "Description: 1025 characters"},
		{"account", func(f *Finding) { f.AwsAccountID = "1111" }, "want 12 digits"},
		{"timestamp", func(f *Finding) { f.CreatedAt = "2026-11-25 12:00" }, "CreatedAt"},
		{"offset timestamp", func(f *Finding) { f.UpdatedAt = "2024-01-04T15:25:10-1759" }, ""},
		{"no severity", func(f *Finding) { f.Severity = nil }, "Severity: required"},
		{"label", func(f *Finding) { f.Severity = &Severity{Label: "SEVERE"} }, "Severity.Label"},
		{"no types", func(f *Finding) { f.Types = nil }, "Types: required"},
		{"type taxonomy", func(f *Finding) { f.Types = []string{"Misconfiguration"} }, "namespace/category"},
		{"no resources", func(f *Finding) { f.Resources = nil }, "Resources: required"},
		{"too many resources", func(f *Finding) { f.Resources = make([]Resource, 33) }, "at most 32"},
		{"resource id", func(f *Finding) { f.Resources[0].ID = "" }, "Resources[0].Id: required"},
		{"iso partition", func(f *Finding) { f.Resources[0].Partition = "aws-iso" }, "Partition"},
		{"status", func(f *Finding) { f.Compliance.Status = "OK" }, "Compliance.Status"},
		{"record state", func(f *Finding) { f.RecordState = "DELETED" }, "RecordState"},
		{"remediation", func(f *Finding) { f.Remediation.Recommendation.Text = strings.Repeat("x", 513) }, "Text: 513"},
		{"blank product field", func(f *Finding) { f.ProductFields["aiguard/Control"] = "" }, "ProductFields[aiguard/Control]: required"},
		{"other value", func(f *Finding) { f.Resources[0].Details.Other["x"] = strings.Repeat("x", 1025) }, "Other[x]: 1025"},
		{"huge", func(f *Finding) {
			f.Resources = make([]Resource, 32)
			for i := range f.Resources {
				f.Resources[i] = Resource{Type: TypeOther, ID: "x", Details: &Details{Other: map[string]string{}}}
				for j := range 50 {
					f.Resources[i].Details.Other[strings.Repeat("k", j+1)] = strings.Repeat("v", 1024)
				}
			}
		}, "bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := valid()
			tc.change(f)
			err := Validate(f)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("Validate: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("Validate = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestValidateBatch(t *testing.T) {
	if err := ValidateBatch(nil); err == nil {
		t.Error("an empty batch passed")
	}
	a, b := valid(), valid()
	if err := ValidateBatch([]*Finding{a, b}); err == nil || !strings.Contains(err.Error(), "repeats the Id") {
		t.Errorf("a repeated Id: %v", err)
	}
	b.ID += "x"
	if err := ValidateBatch([]*Finding{a, b}); err != nil {
		t.Error(err)
	}
	many := make([]*Finding, BatchSize+1)
	for i := range many {
		many[i] = valid()
		many[i].ID = FindingID("r", string(rune('a'+i%26)), strings.Repeat("x", i))
	}
	if err := ValidateBatch(many); err == nil || !strings.Contains(err.Error(), "1 to 100") {
		t.Errorf("101 findings: %v", err)
	}
}

func TestFindingJSON(t *testing.T) {
	f := valid()
	f.Resources[0].Partition = ResourcePartition("aws-iso")
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{`"SchemaVersion":"2018-10-08"`, `"Id":"aiguard/sagemaker-notebook-in-vpc/`, `"GeneratorId"`, `"AwsAccountId":"111122223333"`} {
		if !strings.Contains(s, want) {
			t.Errorf("%s lacks %s", s, want)
		}
	}
	if strings.Contains(s, `"Partition"`) || strings.Contains(s, `"SourceUrl"`) {
		t.Errorf("empty optional attributes written: %s", s)
	}
	if err := Validate(f); err != nil {
		t.Error(err)
	}
}

func TestMapping(t *testing.T) {
	for in, want := range map[string]string{
		"AWS::SageMaker::NotebookInstance": "AwsSageMakerNotebookInstance",
		"AWS::S3::Bucket":                  "AwsS3Bucket",
		"AWS::KMS::Key":                    "AwsKmsKey",
		"AWS::IAM::Role":                   "AwsIamRole",
		"AWS::Bedrock::Guardrail":          "Other",
	} {
		if got := ResourceType(in); got != want {
			t.Errorf("ResourceType(%s) = %s, want %s", in, got, want)
		}
	}
	for _, tc := range []struct{ in, status, record, label string }{
		{"NON_COMPLIANT", StatusFailed, RecordActive, SeverityHigh},
		{"COMPLIANT", StatusPassed, RecordActive, SeverityInformational},
		{"NOT_APPLICABLE", StatusNotAvailable, RecordArchived, SeverityInformational},
	} {
		s, r, l := Status(tc.in, SeverityHigh)
		if s != tc.status || r != tc.record || l != tc.label {
			t.Errorf("Status(%s) = %s %s %s", tc.in, s, r, l)
		}
	}
	if got := Clip("abcdef", 4); got != "abc…" {
		t.Errorf("Clip = %q", got)
	}
	if FindingID("r", "a", "b") == FindingID("r", "ab") {
		t.Error("FindingID does not separate its parts")
	}
	if got := Timestamp(time.Date(2026, 1, 2, 3, 4, 5, 6e6, time.FixedZone("x", 3600))); got != "2026-01-02T02:04:05.006Z" {
		t.Errorf("Timestamp = %s", got)
	}
}
