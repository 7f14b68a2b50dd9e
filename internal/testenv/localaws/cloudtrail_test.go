package localaws_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"

	"github.com/aiguard/aiguard/internal/testenv/localaws"
)

// addBaselineTrail registers the baseline trail fixture with the given
// event selectors fixture.
func addBaselineTrail(t *testing.T, srv *localaws.Server, selectors string) {
	t.Helper()
	if err := srv.AddTrail(fixture(t, "cloudtrail/Trail.baseline"), fixture(t, "cloudtrail/GetTrailStatus.logging"),
		fixture(t, "cloudtrail/GetEventSelectors."+selectors)); err != nil {
		t.Fatal(err)
	}
}

func TestCloudTrailReads(t *testing.T) {
	srv := start(t, localaws.Options{})
	addBaselineTrail(t, srv, "advanced")
	ct := client(srv, fastRetry(), cloudtrail.NewFromConfig)
	ctx := context.Background()
	srv.Throttle("DescribeTrails", 2)

	out, err := ct.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{IncludeShadowTrails: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.TrailList) != 1 {
		t.Fatalf("trails = %+v", out.TrailList)
	}
	tr := out.TrailList[0]
	if !aws.ToBool(tr.IsMultiRegionTrail) || !aws.ToBool(tr.LogFileValidationEnabled) || aws.ToString(tr.KmsKeyId) == "" {
		t.Errorf("trail = %+v", tr)
	}
	if calls := srv.CallsTo("DescribeTrails"); len(calls) != 3 || calls[0].ErrorCode != "ThrottlingException" {
		t.Errorf("DescribeTrails calls = %+v, want 2 throttled then 1", calls)
	}
	for _, id := range []string{"org-audit", aws.ToString(tr.TrailARN)} {
		st, err := ct.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String(id)})
		if err != nil || !aws.ToBool(st.IsLogging) {
			t.Errorf("GetTrailStatus(%s) = %+v, %v", id, st, err)
		}
	}
	sel, err := ct.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: tr.TrailARN})
	if err != nil {
		t.Fatal(err)
	}
	if len(sel.AdvancedEventSelectors) != 3 || aws.ToString(sel.AdvancedEventSelectors[1].FieldSelectors[2].Field) != "resources.ARN" ||
		len(sel.AdvancedEventSelectors[1].FieldSelectors[2].StartsWith) != 2 {
		t.Errorf("advanced selectors = %+v", sel.AdvancedEventSelectors)
	}
	if c := srv.CallsTo("GetEventSelectors"); len(c) != 1 || c[0].Request.Body["TrailName"] != aws.ToString(tr.TrailARN) {
		t.Errorf("recorded %+v", c)
	}

	srv.RemoveTrail("org-audit")
	for _, err := range []error{
		func() error {
			_, err := ct.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String("org-audit")})
			return err
		}(),
		func() error {
			_, err := ct.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String("org-audit")})
			return err
		}(),
	} {
		if errorCode(err) != "TrailNotFoundException" {
			t.Errorf("err = %v, want TrailNotFoundException", err)
		}
	}
}

// memberNames collects the object member names of a JSON document,
// leaving out the members of maps named in maps.
func memberNames(v any, maps []string, out map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			out[k] = true
			if !contains(maps, k) {
				memberNames(c, maps, out)
			}
		}
	case []any:
		for _, c := range x {
			memberNames(c, maps, out)
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// checkFixturesAgainstDeserializers fails for every member name of the
// fixtures under dir that the SDK module's JSON deserializers never read
// (`case "Name":`): a misspelt member would be silently dropped.
func checkFixturesAgainstDeserializers(t *testing.T, module, dir string, maps ...string) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(moduleDir(t, module), "deserializers.go"))
	if err != nil {
		t.Skipf("no deserializers: %v", err)
	}
	names, err := localaws.FixtureNames(dir)
	if err != nil || len(names) == 0 {
		t.Fatalf("fixtures %s: %v %v", dir, names, err)
	}
	for _, name := range names {
		d := fixture(t, name)
		var doc any
		if err := json.Unmarshal(d.JSON(), &doc); err != nil {
			t.Fatal(err)
		}
		members := map[string]bool{}
		memberNames(doc, maps, members)
		var missing []string
		for m := range members {
			if !strings.Contains(string(src), `case "`+m+`":`) {
				missing = append(missing, m)
			}
		}
		sort.Strings(missing)
		if len(missing) > 0 {
			t.Errorf("%s: members the SDK does not read: %v", name, missing)
		}
	}
}

func TestCloudTrailFixturesMatchSDK(t *testing.T) {
	checkFixturesAgainstDeserializers(t, "github.com/aws/aws-sdk-go-v2/service/cloudtrail", "cloudtrail")
}
