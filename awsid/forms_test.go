package awsid

import (
	"regexp"
	"testing"
)

func TestPartitionForm(t *testing.T) {
	re := regexp.MustCompile(`^(` + PartitionFormPattern + `)$`)
	for _, tt := range []struct {
		s    string
		want bool
	}{
		{"aws", true}, {"aws-cn", true}, {"aws-eusc", true}, {"aws-iso-b", true}, {"aws-new-2", true},
		{"", false}, {"aws-", false}, {"awsx", false}, {"AWS", false}, {"aws_cn", false}, {"aw", false},
	} {
		if got := IsPartitionForm(tt.s); got != tt.want {
			t.Errorf("IsPartitionForm(%q) = %v, want %v", tt.s, got, tt.want)
		}
		if got := re.MatchString(tt.s); got != tt.want {
			t.Errorf("PartitionFormPattern on %q = %v, want %v", tt.s, got, tt.want)
		}
	}
	for _, p := range Partitions() {
		if !IsPartitionForm(p) {
			t.Errorf("partition %s does not have the partition form", p)
		}
	}
}

func TestCutPartition(t *testing.T) {
	for _, tt := range []struct {
		s, rest string
		ok      bool
	}{
		{"arn:aws:s3:::b/", "s3:::b/", true},
		{"arn:aws-cn:kms:cn-north-1:111122223333:key/x", "kms:cn-north-1:111122223333:key/x", true},
		{"arn:aws", "", true},
		{"arn:", "", true},
		{"arn", "arn", false},
		{"s3:::b", "s3:::b", false},
	} {
		if rest, ok := CutPartition(tt.s); rest != tt.rest || ok != tt.ok {
			t.Errorf("CutPartition(%q) = %q, %v; want %q, %v", tt.s, rest, ok, tt.rest, tt.ok)
		}
	}
}

func TestIsDNSSuffix(t *testing.T) {
	for _, p := range Partitions() {
		if !IsDNSSuffix(DNSSuffix(p)) {
			t.Errorf("the DNS suffix of %s is not one", p)
		}
	}
	for _, s := range []string{"", "amazonaws", "example.com", "amazonaws.com."} {
		if IsDNSSuffix(s) {
			t.Errorf("IsDNSSuffix(%q) = true", s)
		}
	}
}
