package cloudtrail

import "testing"

func TestRoleFromSessionARN(t *testing.T) {
	for in, want := range map[string]string{
		"arn:aws:sts::111122223333:assumed-role/ml-team/alice":      "arn:aws:iam::111122223333:role/ml-team",
		"arn:aws-cn:sts::111122223333:assumed-role/ml-team/alice":   "arn:aws-cn:iam::111122223333:role/ml-team",
		"arn:aws-eusc:sts::111122223333:assumed-role/ml-team/alice": "arn:aws-eusc:iam::111122223333:role/ml-team",
		"arn:aws:iam::111122223333:role/ml-team":                    "",
		"arn:aws:sts::111122223333:federated-user/bob":              "",
		"arn:aws:sts::1111:assumed-role/ml-team/alice":              "",
		"arn:x:y:sts::111122223333:assumed-role/ml-team/alice":      "",
		"arn:aws:sts::111122223333:assumed-role/ml team/alice":      "",
		"arn:aws:sts::111122223333:assumed-role/ml-team":            "",
		"not an ARN": "",
		"arn:aws:sts::111122223333:assumed-role/ml-team/alice:extra": "arn:aws:iam::111122223333:role/ml-team",
	} {
		if got := RoleFromSessionARN(in); got != want {
			t.Errorf("RoleFromSessionARN(%q) = %q, want %q", in, got, want)
		}
	}
}
