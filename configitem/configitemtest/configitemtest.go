// Package configitemtest holds what tests of configuration items share.
package configitemtest

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/configitem"
)

// Diff describes the first difference between two items, comparing their
// configuration and supplementary configuration by value (not as text);
// "" when they are the same. An empty map and a missing one are the same.
func Diff(a, b *configitem.Item) string {
	for _, c := range []struct{ field, a, b string }{
		{"Version", a.Version, b.Version},
		{"AccountID", a.AccountID, b.AccountID},
		{"Status", a.Status, b.Status},
		{"StateID", a.StateID, b.StateID},
		{"MD5Hash", a.MD5Hash, b.MD5Hash},
		{"ARN", a.ARN, b.ARN},
		{"ResourceType", a.ResourceType, b.ResourceType},
		{"ResourceID", a.ResourceID, b.ResourceID},
		{"ResourceName", a.ResourceName, b.ResourceName},
		{"Region", a.Region, b.Region},
		{"AvailabilityZone", a.AvailabilityZone, b.AvailabilityZone},
	} {
		if c.a != c.b {
			return fmt.Sprintf("%s: %q then %q", c.field, c.a, c.b)
		}
	}
	if !a.CaptureTime.Equal(b.CaptureTime) {
		return fmt.Sprintf("CaptureTime: %v then %v", a.CaptureTime, b.CaptureTime)
	}
	if !a.ResourceCreationTime.Equal(b.ResourceCreationTime) {
		return fmt.Sprintf("ResourceCreationTime: %v then %v", a.ResourceCreationTime, b.ResourceCreationTime)
	}
	if len(a.Tags)+len(b.Tags) > 0 && !reflect.DeepEqual(a.Tags, b.Tags) {
		return fmt.Sprintf("Tags: %q then %q", a.Tags, b.Tags)
	}
	if len(a.Relationships)+len(b.Relationships) > 0 && !reflect.DeepEqual(a.Relationships, b.Relationships) {
		return fmt.Sprintf("Relationships: %+v then %+v", a.Relationships, b.Relationships)
	}
	if a.Config().Exists() != b.Config().Exists() || !reflect.DeepEqual(a.Config().Raw(), b.Config().Raw()) {
		return fmt.Sprintf("configuration: %s then %s", a.Configuration, b.Configuration)
	}
	if len(a.Supplementary) != len(b.Supplementary) {
		return fmt.Sprintf("supplementaryConfiguration: %d keys then %d", len(a.Supplementary), len(b.Supplementary))
	}
	for k := range a.Supplementary {
		if !reflect.DeepEqual(a.Supplement(k).Raw(), b.Supplement(k).Raw()) {
			return fmt.Sprintf("supplementaryConfiguration.%s: %s then %s", k, a.Supplementary[k], b.Supplementary[k])
		}
	}
	return ""
}

// CheckErr fails the test unless err is nil when wantErr is empty, or
// holds wantErr.
func CheckErr(t testing.TB, err error, wantErr string) {
	t.Helper()
	switch {
	case wantErr == "" && err != nil:
		t.Fatalf("unexpected error: %v", err)
	case wantErr != "" && err == nil:
		t.Fatalf("no error, want one containing %q", wantErr)
	case wantErr != "" && !strings.Contains(err.Error(), wantErr):
		t.Fatalf("error %q does not contain %q", err, wantErr)
	}
}
