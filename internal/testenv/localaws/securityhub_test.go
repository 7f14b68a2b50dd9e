package localaws_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"

	"github.com/aiguard/aiguard/internal/testenv/localaws"
)

func finding(id string) shtypes.AwsSecurityFinding {
	return shtypes.AwsSecurityFinding{
		SchemaVersion: aws.String("2018-10-08"),
		Id:            aws.String(id),
		ProductArn:    aws.String("arn:aws:securityhub:" + region + ":222222222222:product/222222222222/default"),
		GeneratorId:   aws.String("aiguard/detection/x"),
		AwsAccountId:  aws.String("222222222222"),
		CreatedAt:     aws.String("2026-12-01T10:00:00.000Z"),
		UpdatedAt:     aws.String("2026-12-01T10:00:00.000Z"),
		Title:         aws.String("t"),
		Description:   aws.String("d"),
		Types:         []string{"TTPs/Discovery"},
		Severity:      &shtypes.Severity{Label: shtypes.SeverityLabelHigh},
		Resources:     []shtypes.Resource{{Type: aws.String("AwsAccount"), Id: aws.String("AWS::::Account:333333333333")}},
	}
}

func TestSecurityHubImport(t *testing.T) {
	srv := start(t, localaws.Options{})
	sh := client(srv, fastRetry(), securityhub.NewFromConfig)
	ctx := context.Background()

	long := finding("long")
	long.Description = aws.String(strings.Repeat("d", 1025))
	other := finding("other-account")
	other.AwsAccountId = aws.String("333333333333")
	elsewhere := finding("elsewhere")
	elsewhere.ProductArn = aws.String("arn:aws:securityhub:eu-west-1:222222222222:product/222222222222/default")
	badTime := finding("bad-time")
	badTime.CreatedAt = aws.String("yesterday")
	noSeverity := finding("no-severity")
	noSeverity.Severity = nil
	out, err := sh.BatchImportFindings(ctx, &securityhub.BatchImportFindingsInput{Findings: []shtypes.AwsSecurityFinding{
		finding("ok-1"), long, other, elsewhere, badTime, noSeverity, finding("ok-2"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(out.SuccessCount) != 2 || aws.ToInt32(out.FailedCount) != 5 {
		t.Fatalf("success %d, failed %d: %+v", aws.ToInt32(out.SuccessCount), aws.ToInt32(out.FailedCount), out.FailedFindings)
	}
	want := map[string]string{
		"long": "Description has 1025", "other-account": "does not match", "elsewhere": "eu-west-1",
		"bad-time": "ISO 8601", "no-severity": "Severity.Label",
	}
	for _, ff := range out.FailedFindings {
		if frag := want[aws.ToString(ff.Id)]; frag == "" || !strings.Contains(aws.ToString(ff.ErrorMessage), frag) {
			t.Errorf("failed %s: %s %s", aws.ToString(ff.Id), aws.ToString(ff.ErrorCode), aws.ToString(ff.ErrorMessage))
		}
	}
	if got := srv.SecurityHubFindings(); len(got) != 2 || got[0]["Id"] != "ok-1" {
		t.Errorf("stored %v", got)
	}

	// Requests that break the API model are refused whole (the SDK checks
	// required members before sending; other callers may not).
	valid, _ := json.Marshal(map[string]any{"Findings": []any{findingDoc("x")}})
	noTitle := findingDoc("no-title")
	delete(noTitle, "Title")
	blankID := findingDoc("blank")
	blankID["Id"] = "  "
	badLabel := findingDoc("bad-label")
	badLabel["Severity"] = map[string]any{"Label": "SEVERE"}
	noResourceID := findingDoc("no-resource-id")
	noResourceID["Resources"] = []any{map[string]any{"Type": "Other"}}
	many := make([]any, 101)
	for i := range many {
		many[i] = findingDoc("f")
	}
	for name, tt := range map[string]struct {
		body any
		want string
	}{
		"missing title":       {map[string]any{"Findings": []any{noTitle}}, "Title"},
		"blank id":            {map[string]any{"Findings": []any{blankID}}, "Id must be a non-blank string"},
		"bad label":           {map[string]any{"Findings": []any{badLabel}}, "Severity.Label"},
		"resource without id": {map[string]any{"Findings": []any{noResourceID}}, "Resources[0] is missing required member Id"},
		"101 findings":        {map[string]any{"Findings": many}, "1 to 100"},
		"no findings":         {map[string]any{"Findings": []any{}}, "1 to 100"},
		"findings not a list": {map[string]any{"Findings": "all"}, "must be a list"},
	} {
		body, _ := json.Marshal(tt.body)
		status, code, msg := postFindings(t, srv, body)
		if status != http.StatusBadRequest || code != "InvalidInputException" || !strings.Contains(msg, tt.want) {
			t.Errorf("%s: %d %s %s, want 400 InvalidInputException about %s", name, status, code, msg, tt.want)
		}
	}
	if status, _, msg := postFindings(t, srv, valid); status != http.StatusOK {
		t.Errorf("a valid raw request: %d %s", status, msg)
	}
	if n := len(srv.SecurityHubFindings()); n != 3 {
		t.Errorf("%d findings stored after refused requests, want 3", n)
	}
}

// findingDoc is a valid finding as JSON.
func findingDoc(id string) map[string]any {
	return map[string]any{
		"SchemaVersion": "2018-10-08", "Id": id,
		"ProductArn":  "arn:aws:securityhub:" + region + ":222222222222:product/222222222222/default",
		"GeneratorId": "aiguard/detection/x", "AwsAccountId": "222222222222",
		"CreatedAt": "2026-12-01T10:00:00.000Z", "UpdatedAt": "2026-12-01T10:00:00.000Z",
		"Title": "t", "Description": "d", "Types": []any{"TTPs/Discovery"}, "Severity": map[string]any{"Label": "HIGH"},
		"Resources": []any{map[string]any{"Type": "AwsAccount", "Id": "AWS::::Account:333333333333"}},
	}
}

// postFindings sends a raw, signed BatchImportFindings request.
func postFindings(t *testing.T, srv *localaws.Server, body []byte) (status int, code, msg string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/findings/import", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: baseKey, SecretAccessKey: baseSecret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "securityhub", region, time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"), string(data)
}
