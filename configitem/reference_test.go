package configitem_test

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aiguard/aiguard/configevent"
	"github.com/aiguard/aiguard/configitem"
	"github.com/aiguard/aiguard/internal/testenv/refdata"
)

// TestReferenceSamplesDecode decodes every JSON file under
// ../shared/reference/sample-ci: Lambda events with configevent.Parse, CIs
// with configitem.Decode. A file added there later is covered too.
func TestReferenceSamplesDecode(t *testing.T) {
	dir := refdata.Path(t, "sample-ci")
	var n int
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		n++
		rel, _ := filepath.Rel(dir, path)
		t.Run(filepath.ToSlash(rel), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(data, []byte(`"invokingEvent"`)) {
				if _, err := configevent.Parse(data); err != nil {
					t.Errorf("configevent.Parse: %v", err)
				}
				return
			}
			it, err := configitem.Decode(data)
			if err != nil {
				t.Fatalf("configitem.Decode: %v", err)
			}
			if it.ResourceType == "" || it.ResourceID == "" || it.AccountID == "" || it.ARN == "" || !it.Config().Present() {
				t.Errorf("incomplete item: %+v", it)
			}
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 9 {
		t.Errorf("found %d JSON files under %s, want at least 9", n, dir)
	}
}

// TestReferenceRDKCIs checks the fields of the RDK's example CIs, which come
// in both shapes.
func TestReferenceRDKCIs(t *testing.T) {
	dir := refdata.Path(t, "sample-ci", "rdk-example-ci")
	tests := []struct {
		file                                           string
		account, arn, typ, id, status, stateID, region string
		capture                                        time.Time
		check                                          func(t *testing.T, it *configitem.Item)
	}{
		{
			file:    "AWS_S3_Bucket.json", // invoking-event shape
			account: "934654633380", arn: "arn:aws:s3:::mborch-test-bucket-config-item", typ: "AWS::S3::Bucket",
			id: "mborch-test-bucket-config-item", status: "OK", stateID: "1549956556288", region: "us-east-1",
			capture: time.Date(2019, 2, 12, 7, 29, 16, 288e6, time.UTC),
			check: func(t *testing.T, it *configitem.Item) {
				if it.Version != "1.3" || it.ResourceName != "mborch-test-bucket-config-item" {
					t.Errorf("Version %q ResourceName %q", it.Version, it.ResourceName)
				}
				if got := it.Config().Field("name").Str(); got != "mborch-test-bucket-config-item" {
					t.Errorf("configuration.name = %q", got)
				}
				if !it.Config().Path("owner.displayName").IsNull() {
					t.Error("configuration.owner.displayName is not null")
				}
				if got := it.Supplement("BucketVersioningConfiguration").Field("status").Str(); got != "Enabled" {
					t.Errorf("BucketVersioningConfiguration.status = %q", got)
				}
				if !it.Supplement("BucketVersioningConfiguration").Field("isMfaDeleteEnabled").IsNull() {
					t.Error("isMfaDeleteEnabled is not null")
				}
				// A JSON-encoded string value.
				grants := it.Supplement("AccessControlList").Field("grantList").List()
				if len(grants) != 1 || grants[0].Field("permission").Str() != "FullControl" {
					t.Errorf("AccessControlList.grantList = %v", it.Supplement("AccessControlList").Raw())
				}
				// An object holding a JSON-encoded string.
				deny := it.Supplement("BucketPolicy").Path("policyText.Statement").List()
				if len(deny) != 1 || deny[0].Path("Condition.Bool.aws:SecureTransport").Str() != "false" {
					t.Errorf("BucketPolicy.policyText = %v", it.Supplement("BucketPolicy").Raw())
				}
				if b, ok := it.Supplement("IsRequesterPaysEnabled").Bool(); !ok || b {
					t.Errorf("IsRequesterPaysEnabled = %v, %v", b, ok)
				}
			},
		},
		{
			file:    "AWS_KMS_Key.json", // API shape, string configurationStateId
			account: "123456789012", arn: "arn:aws:kms:us-east-1:123456789012:key/test", typ: "AWS::KMS::Key",
			id: "test", status: "OK", stateID: "1632958418881", region: "us-east-1",
			capture: time.Date(2021, 9, 29, 23, 33, 38, 881e6, time.UTC),
			check: func(t *testing.T, it *configitem.Item) {
				if got := it.Config().Field("KeyState").Str(); got != "Enabled" {
					t.Errorf("configuration.keyState = %q", got)
				}
				if n, ok := it.Config().Field("creationDate").Int(); !ok || n != 1621024924302 {
					t.Errorf("configuration.creationDate = %v", it.Config().Field("creationDate").Raw())
				}
				if got := it.Config().Field("encryptionAlgorithms").Strings(); len(got) != 1 || got[0] != "SYMMETRIC_DEFAULT" {
					t.Errorf("encryptionAlgorithms = %q", got)
				}
				// supplementaryConfiguration.Policy is a JSON-encoded string.
				policy := it.Supplement("Policy")
				if policy.Field("Version").Str() != "2012-10-17" || policy.Field("Id").Str() != "auto-awslambda" {
					t.Errorf("Policy = %v", policy.Raw())
				}
				stmts := policy.Field("Statement").List()
				if len(stmts) != 2 || stmts[0].Path("Principal.AWS").Str() != "*" ||
					stmts[0].Path("Condition.StringEquals.kms:ViaService").Str() != "lambda.us-east-1.amazonaws.com" {
					t.Errorf("Policy.Statement = %v", policy.Field("Statement").Raw())
				}
				if got := stmts[1].Field("Action").Strings(); len(got) != 4 || got[0] != "kms:Describe*" {
					t.Errorf("Statement[1].Action = %q", got)
				}
			},
		},
		{
			file:    "AWS_Cloudtrail_Trail.json",
			account: "212591712841", arn: "arn:aws:cloudtrail:ap-southeast-1:123456789012:trail/APJCCloudTrail",
			typ: "AWS::CloudTrail::Trail", id: "APJCCloudTrail", status: "OK", stateID: "1519183538560", region: "ap-southeast-1",
			capture: time.Date(2018, 9, 18, 17, 42, 35, 43e6, time.UTC),
			check: func(t *testing.T, it *configitem.Item) {
				if !it.Config().Field("IsMultiRegionTrail").IsTrue() || !it.Config().Field("logFileValidationEnabled").IsTrue() {
					t.Errorf("configuration = %s", it.Configuration)
				}
				if v := it.Supplement("Tags"); !v.Exists() || v.Present() {
					t.Errorf("supplementaryConfiguration.Tags = %v, want an empty list", v.Raw())
				}
			},
		},
		{
			file:    "AWS_IAM_Role.json",
			account: "264683526309", arn: "arn:aws:iam::264683526309:role/service-role/config-role-ezcrc2",
			typ: "AWS::IAM::Role", id: "AROAIY7FPU7KRV7IZBNPC", status: "OK", stateID: "1478403712719", region: "global",
			capture: time.Date(2016, 11, 6, 3, 41, 52, 719e6, time.UTC),
			check: func(t *testing.T, it *configitem.Item) {
				if len(it.Relationships) != 2 || it.Relationships[0].Name != "Is attached to CustomerManagedPolicy" ||
					it.Relationships[0].ResourceName != "ELB-policy" {
					t.Errorf("Relationships = %+v", it.Relationships)
				}
				if got := it.Config().Path("assumeRolePolicyDocument.Statement").List(); len(got) != 1 ||
					got[0].Path("Principal.Service").Str() != "config.amazonaws.com" {
					t.Errorf("assumeRolePolicyDocument = %v", it.Config().Field("assumeRolePolicyDocument").Raw())
				}
				if got := it.Config().Field("attachedManagedPolicies").List(); len(got) != 3 {
					t.Errorf("attachedManagedPolicies has %d entries", len(got))
				}
			},
		},
		{
			file:    "AWS_EC2_Volume.json",
			account: "264683526309", arn: "arn:aws:ec2:us-east-1:264683526309:volume/vol-a416b170",
			typ: "AWS::EC2::Volume", id: "vol-a416b170", status: "ResourceDiscovered", stateID: "1477615294826", region: "us-east-1",
			capture: time.Date(2016, 10, 28, 0, 41, 34, 826e6, time.UTC),
			check: func(t *testing.T, it *configitem.Item) {
				if !it.Evaluable() {
					t.Error("ResourceDiscovered is not evaluable")
				}
				if n, ok := it.Config().Field("Size").Int(); !ok || n != 8 {
					t.Errorf("configuration.size = %v", it.Config().Field("size").Raw())
				}
				if !it.Config().Field("encrypted").IsTrue() {
					t.Error("configuration.encrypted is not true")
				}
				if len(it.Relationships) != 1 || it.Relationships[0].Name != "Is attached to Instance" {
					t.Errorf("Relationships = %+v", it.Relationships)
				}
				att := it.Config().Field("attachments").List()
				if len(att) != 1 || !att[0].Field("DeleteOnTermination").IsTrue() {
					t.Errorf("attachments = %v", it.Config().Field("attachments").Raw())
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			it, err := configitem.Decode(data)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct{ field, got, want string }{
				{"AccountID", it.AccountID, tt.account},
				{"ARN", it.ARN, tt.arn},
				{"ResourceType", it.ResourceType, tt.typ},
				{"ResourceID", it.ResourceID, tt.id},
				{"Status", it.Status, tt.status},
				{"StateID", it.StateID, tt.stateID},
				{"Region", it.Region, tt.region},
			} {
				if c.got != c.want {
					t.Errorf("%s = %q, want %q", c.field, c.got, c.want)
				}
			}
			if !it.CaptureTime.Equal(tt.capture) {
				t.Errorf("CaptureTime = %v, want %v", it.CaptureTime, tt.capture)
			}
			tt.check(t, it)
		})
	}
}
