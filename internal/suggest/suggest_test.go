package suggest

import "testing"

func TestClosest(t *testing.T) {
	for _, tc := range []struct{ s, want string }{
		{"KmsKeyID", "KmsKeyId"}, {"SubnetID", "SubnetId"}, {"DirectInternetAcess", "DirectInternetAccess"}, {"Zzz", ""},
	} {
		if got := Closest(tc.s, []string{"KmsKeyId", "SubnetId", "DirectInternetAccess"}); got != tc.want {
			t.Errorf("Closest(%q) = %q, want %q", tc.s, got, tc.want)
		}
	}
	if got := DidYouMean("Rolearn", []string{"RoleArn"}); got != " (did you mean RoleArn?)" {
		t.Errorf("DidYouMean = %q", got)
	}
	if Distance("kitten", "sitting") != 3 {
		t.Error("Distance")
	}
}
