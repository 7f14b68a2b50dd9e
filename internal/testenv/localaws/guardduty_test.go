package localaws_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	gdtypes "github.com/aws/aws-sdk-go-v2/service/guardduty/types"

	"github.com/aiguard/aiguard/internal/testenv/localaws"
)

func TestGuardDutyReads(t *testing.T) {
	srv := start(t, localaws.Options{})
	for i := range 5 {
		srv.AddDetector(fmt.Sprintf("det%02d", i), fixture(t, "guardduty/GetDetector.protected"))
	}
	gd := client(srv, fastRetry(), guardduty.NewFromConfig)
	ctx := context.Background()
	srv.FailNext("ListDetectors", 1, localaws.APIError{Status: http.StatusTooManyRequests, Code: "TooManyRequestsException", Message: "Rate exceeded"})

	var ids []string
	p := guardduty.NewListDetectorsPaginator(gd, &guardduty.ListDetectorsInput{MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, page.DetectorIds...)
	}
	if fmt.Sprint(ids) != "[det00 det01 det02 det03 det04]" {
		t.Errorf("ids = %v", ids)
	}
	calls := srv.CallsTo("ListDetectors")
	if len(calls) != 4 || calls[0].ErrorCode != "TooManyRequestsException" || calls[2].Request.Query["nextToken"] == "" {
		t.Errorf("ListDetectors calls = %+v, want one throttled, then 3 pages", calls)
	}
	d, err := gd.GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: aws.String("det03")})
	if err != nil {
		t.Fatal(err)
	}
	//lint:ignore SA1019 the fixture carries DataSources as the service still sends it
	if d.Status != gdtypes.DetectorStatusEnabled || d.DataSources == nil || d.DataSources.S3Logs.Status != gdtypes.DataSourceStatusEnabled {
		t.Errorf("detector = %+v", d)
	}
	var features []string
	for _, f := range d.Features {
		features = append(features, string(f.Name)+"="+string(f.Status))
	}
	if len(features) != 6 || features[3] != "S3_DATA_EVENTS=ENABLED" || features[5] != "RUNTIME_MONITORING=ENABLED" {
		t.Errorf("features = %v", features)
	}

	for _, tt := range []struct {
		call func() error
		code string
	}{
		{func() error {
			_, err := gd.GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: aws.String("nope")})
			return err
		}, "BadRequestException"},
		{func() error {
			_, err := gd.ListDetectors(ctx, &guardduty.ListDetectorsInput{NextToken: aws.String("forged")})
			return err
		}, "BadRequestException"},
	} {
		if err := tt.call(); errorCode(err) != tt.code {
			t.Errorf("err = %v, want %s", err, tt.code)
		}
	}
}

func TestGuardDutyFixtureMatchesSDKSnapshot(t *testing.T) {
	dir := moduleDir(t, "github.com/aws/aws-sdk-go-v2/service/guardduty")
	d := fixture(t, "guardduty/GetDetector.protected")
	checkJSONAgainstSnapshot(t, "guardduty/GetDetector.protected", d.JSON(), snapshotBody(t, dir, "GetDetector"))
}
