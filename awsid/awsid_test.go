package awsid

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestPartitionOfRegion(t *testing.T) {
	tests := []struct{ region, want string }{
		{"us-east-1", AWS},
		{"eu-central-2", AWS},
		{"mx-central-1", AWS},
		{"cn-north-1", AWSCN},
		{"cn-northwest-1", AWSCN},
		{"us-gov-west-1", AWSUSGov},
		{"us-iso-east-1", AWSISO},
		{"us-isob-east-1", AWSISOB},
		{"eu-isoe-west-1", AWSISOE},
		{"us-isof-south-1", AWSISOF},
		{"eusc-de-east-1", AWSEUSC},
		// Not yet launched, but of a partition's form: the SDK resolves them.
		{"us-east-3", AWS},
		{"ap-southeast-9", AWS},
		{"cn-south-1", AWSCN},
		{"us-gov-central-1", AWSUSGov},
		{"us-isob-south-1", AWSISOB},
		{"eusc-de-west-1", AWSEUSC},
		// Of no partition's form.
		{"xx-east-1", ""},
		{"eusc-fr-east-1", ""},
		{"us-foo-east-1", ""},
		{"us-east", ""},
		{"US-EAST-1", ""},
		{"", ""},
		{"us-east-1 ", ""},
		{"evil.example.com/", ""},
	}
	for _, tt := range tests {
		if got := PartitionOfRegion(tt.region); got != tt.want {
			t.Errorf("PartitionOfRegion(%q) = %q, want %q", tt.region, got, tt.want)
		}
	}
}

func TestIsRegionMatchesPattern(t *testing.T) {
	re := regexp.MustCompile(`^` + RegionPattern + `$`)
	for _, s := range append(KnownRegions(),
		"", "us", "us-east", "us-east-", "us-east-123", "u-east-1", "usabc-east-1", "us--east-1", "us-east1-1",
		"eusc-de-east-1", "us-1", "us-east-1a", "us-East-1", "us-east-01", "a-b-c-d-1", "abcd-x-y-z-99", "us_east-1") {
		if got, want := IsRegion(s), re.MatchString(s); got != want {
			t.Errorf("IsRegion(%q) = %v, RegionPattern says %v", s, got, want)
		}
	}
	for _, r := range KnownRegions() {
		if !IsRegion(r) || PartitionOfRegion(r) == "" {
			t.Errorf("known Region %s: IsRegion %v, partition %q", r, IsRegion(r), PartitionOfRegion(r))
		}
	}
}

func TestIsAccountIDMatchesPattern(t *testing.T) {
	re := regexp.MustCompile(`^` + AccountIDPattern + `$`)
	for _, s := range []string{"111122223333", "", "11112222333", "1111222233334", "11112222333a", "١١١١٢٢٢٢٣٣٣٣", " 11112222333"} {
		if got, want := IsAccountID(s), re.MatchString(s); got != want {
			t.Errorf("IsAccountID(%q) = %v, AccountIDPattern says %v", s, got, want)
		}
	}
}

func TestPartitionPattern(t *testing.T) {
	re := regexp.MustCompile(`^(` + PartitionPattern + `)$`)
	for _, p := range Partitions() {
		if !re.MatchString(p) || !IsPartition(p) || DNSSuffix(p) == "" {
			t.Errorf("partition %s: pattern %v, IsPartition %v, DNS suffix %q", p, re.MatchString(p), IsPartition(p), DNSSuffix(p))
		}
	}
	if got := len(strings.Split(PartitionPattern, "|")); got != len(Partitions()) {
		t.Errorf("PartitionPattern has %d partitions, Partitions() %d", got, len(Partitions()))
	}
	for _, s := range []string{"", "aws-xyz", "AWS", "aws-"} {
		if re.MatchString(s) || IsPartition(s) {
			t.Errorf("%q taken for a partition", s)
		}
	}
}

func TestKnownRegionsSorted(t *testing.T) {
	if r := KnownRegions(); !slices.IsSorted(r) || len(slices.Compact(slices.Clone(r))) != len(r) {
		t.Errorf("knownRegions must be sorted and unique: %v", r)
	}
	for _, r := range []string{"us-east-1", "eusc-de-east-1", "us-isof-east-1"} {
		if !IsKnownRegion(r) {
			t.Errorf("IsKnownRegion(%s) = false", r)
		}
	}
	for _, r := range []string{"us-east-3", "", "zz"} {
		if IsKnownRegion(r) {
			t.Errorf("IsKnownRegion(%s) = true", r)
		}
	}
}

func TestIsRoleName(t *testing.T) {
	for s, want := range map[string]bool{
		"aiguard-member":               true,
		"team/aiguard-member":          true,
		"a/b/c+=,.@_-":                 true,
		strings.Repeat("r", 64):        true,
		strings.Repeat("r", 65):        false,
		"":                             false,
		"/aiguard-member":              false,
		"team//aiguard-member":         false,
		"aiguard-member/":              false,
		"aiguard member":               false,
		"aiguard-member\n":             false,
		"rôle":                         false,
		"x:role/aiguard":               false,
		strings.Repeat("p", 70) + "/r": true, // path elements are not bound by the name's length
	} {
		if got := IsRoleName(s); got != want {
			t.Errorf("IsRoleName(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestParseARN(t *testing.T) {
	tests := []struct {
		in      string
		want    ARN
		wantErr string
	}{
		{in: "arn:aws:config:us-east-1:111122223333:config-rule/config-rule-a1b2c3",
			want: ARN{AWS, "config", "us-east-1", "111122223333", "config-rule/config-rule-a1b2c3"}},
		{in: "arn:aws-cn:iam::444455556666:role/team/aiguard-member",
			want: ARN{AWSCN, "iam", "", "444455556666", "role/team/aiguard-member"}},
		{in: "arn:aws:iam::aws:policy/AdministratorAccess", want: ARN{AWS, "iam", "", "aws", "policy/AdministratorAccess"}},
		{in: "arn:aws:s3:::my-bucket", want: ARN{AWS, "s3", "", "", "my-bucket"}},
		{in: "arn:aws-eusc:sagemaker:eusc-de-east-1:111122223333:model/m", want: ARN{AWSEUSC, "sagemaker", "eusc-de-east-1", "111122223333", "model/m"}},
		{in: "arn:aws:logs:us-east-1:111122223333:log-group:/aws/bedrock:*", want: ARN{AWS, "logs", "us-east-1", "111122223333", "log-group:/aws/bedrock:*"}},
		{in: "arn:aws-future:kms:xx-east-1:111122223333:key/k", want: ARN{"aws-future", "kms", "xx-east-1", "111122223333", "key/k"}},
		{in: "", wantErr: "not an ARN"},
		{in: "role/aiguard", wantErr: "not an ARN"},
		{in: "arn:aws:iam", wantErr: "has 3 of the 6 fields"},
		{in: "arn:aws:iam::111122223333", wantErr: "has 5 of the 6 fields"},
		{in: "arn:AWS:iam::111122223333:role/x", wantErr: `partition "AWS"`},
		{in: "arn:a\"ws:iam::111122223333:role/x", wantErr: "partition"},
		{in: "arn:aws-:iam::111122223333:role/x", wantErr: "partition"},
		{in: "arn:evil:iam::111122223333:role/x", wantErr: "partition"},
		{in: "arn:aws::us-east-1:111122223333:x", wantErr: "service"},
		{in: "arn:aws:iam:mars:111122223333:role/x", wantErr: `"mars" is not a Region`},
		{in: "arn:aws:iam::4444:role/x", wantErr: "account \"4444\" is not 12 digits"},
		{in: "arn:aws:iam::111122223333:", wantErr: "the resource is empty"},
	}
	for _, tt := range tests {
		got, err := ParseARN(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseARN(%q) = %+v, %v; want an error containing %q", tt.in, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseARN(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
		if got.String() != tt.in {
			t.Errorf("ParseARN(%q).String() = %q", tt.in, got.String())
		}
	}
}

func TestARNHelpers(t *testing.T) {
	if got := RoleARN(AWSCN, "444455556666", "team/aiguard-member"); got != "arn:aws-cn:iam::444455556666:role/team/aiguard-member" {
		t.Errorf("RoleARN = %s", got)
	}
	for s, want := range map[string]bool{
		"arn:aws:iam::aws:policy/AdministratorAccess":               true,
		"arn:aws-us-gov:iam::aws:policy/service-role/AmazonSageMak": true,
		"arn:aws:iam::111122223333:policy/mine":                     false,
		"arn:aws:iam::aws:role/x":                                   false,
		"arn:aws:s3::aws:policy/x":                                  false,
		"AdministratorAccess":                                       false,
	} {
		if got := IsAWSManagedPolicy(s); got != want {
			t.Errorf("IsAWSManagedPolicy(%q) = %v", s, got)
		}
	}
	if p, ok := PartitionOfARN("arn:aws-iso-b:ec2:us-isob-east-1:111122223333:vpc/v"); !ok || p != AWSISOB {
		t.Errorf("PartitionOfARN = %q, %v", p, ok)
	}
	if _, ok := PartitionOfARN("arn:aws:iam"); ok {
		t.Error("PartitionOfARN of a broken ARN: ok")
	}
}

func TestSplitARN(t *testing.T) {
	if a, ok := SplitARN("arn:aws:iam::*:role/x:y"); !ok || a != (ARN{AWS, "iam", "", "*", "role/x:y"}) {
		t.Errorf("SplitARN = %+v, %v", a, ok)
	}
	for _, s := range []string{"", "arn:aws:iam::*", "ARN:aws:iam::1:x", "x:arn:aws:iam::1:x"} {
		if a, ok := SplitARN(s); ok {
			t.Errorf("SplitARN(%q) = %+v, true", s, a)
		}
	}
}

func FuzzParseARN(f *testing.F) {
	f.Add("arn:aws:iam::aws:policy/x")
	f.Add("arn:aws-cn:s3:::b")
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseARN(s)
		if err != nil {
			return
		}
		if a.String() != s {
			t.Fatalf("ParseARN(%q).String() = %q", s, a.String())
		}
		if b, err := ParseARN(a.String()); err != nil || b != a {
			t.Fatalf("round trip of %q: %+v, %v", s, b, err)
		}
	})
}

// TestPartitionsMatchSDK compares the partitions, their DNS suffixes and
// Region patterns, and the known Regions with the partitions file of the
// AWS SDK in the module cache.
func TestPartitionsMatchSDK(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/aws/aws-sdk-go-v2").Output()
	dir := strings.TrimSpace(string(out))
	if err != nil || dir == "" {
		t.Skipf("aws-sdk-go-v2 not in the module cache (%v); skipping", err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "internal", "endpoints", "awsrulesfn", "partitions.json"))
	if err != nil {
		t.Skipf("SDK partitions file: %v; skipping", err)
	}
	var file struct {
		Partitions []struct {
			ID          string                     `json:"id"`
			RegionRegex string                     `json:"regionRegex"`
			Regions     map[string]json.RawMessage `json:"regions"`
			Outputs     struct {
				DNSSuffix string `json:"dnsSuffix"`
			} `json:"outputs"`
		} `json:"partitions"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatal(err)
	}
	var ids, regions []string
	for _, p := range file.Partitions {
		ids = append(ids, p.ID)
		if got := DNSSuffix(p.ID); got != p.Outputs.DNSSuffix {
			t.Errorf("partition %s: DNS suffix %q, the SDK says %q", p.ID, got, p.Outputs.DNSSuffix)
		}
		re, err := regexp.Compile(p.RegionRegex)
		if err != nil {
			t.Fatal(err)
		}
		for r := range p.Regions {
			if strings.HasSuffix(r, "-global") {
				continue
			}
			regions = append(regions, r)
			if got := PartitionOfRegion(r); got != p.ID {
				t.Errorf("the SDK has Region %s in %s; add it to knownRegions (PartitionOfRegion says %q)", r, p.ID, got)
			}
		}
		// The pattern: sample names made from every partition's geography
		// and sub-partition must land where the SDK's regionRegex puts them.
		for _, q := range partitions {
			for _, geo := range q.geos {
				name := geo + "-" + q.sub + "-north-7"
				if q.sub == "" {
					name = geo + "-north-7"
				}
				if re.MatchString(name) != (PartitionOfRegion(name) == p.ID) {
					t.Errorf("%s: the SDK's pattern %s says %v, PartitionOfRegion says %q", name, p.RegionRegex, re.MatchString(name), PartitionOfRegion(name))
				}
			}
		}
	}
	if got := Partitions(); !slices.Equal(got, ids) {
		t.Errorf("Partitions() = %v, the SDK lists %v", got, ids)
	}
	slices.Sort(regions)
	if got := KnownRegions(); !slices.Equal(got, regions) {
		t.Errorf("KnownRegions() = %v\nthe SDK lists %v", got, regions)
	}
}

func TestEndpointPartitionAndRoleName(t *testing.T) {
	for region, want := range map[string]string{"us-east-1": AWS, "cn-north-1": AWSCN, "eusc-de-east-1": AWSEUSC, "": AWS, "moon-1": AWS} {
		if got := EndpointPartition(region); got != want {
			t.Errorf("EndpointPartition(%q) = %q, want %q", region, got, want)
		}
	}
	for arn, want := range map[string]string{
		"arn:aws:iam::111122223333:role/reader":                   "reader",
		"arn:aws:iam::111122223333:role/service-role/team/reader": "reader",
		"reader": "reader",
		"arn:aws-cn:iam::111122223333:role/aiguard/aiguard-member-x": "aiguard-member-x",
	} {
		if got := RoleName(arn); got != want {
			t.Errorf("RoleName(%q) = %q, want %q", arn, got, want)
		}
	}
}
