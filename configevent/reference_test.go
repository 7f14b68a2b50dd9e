package configevent_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/aiguard/aiguard/configevent"
	"github.com/aiguard/aiguard/internal/testenv/refdata"
)

// TestReferenceEvents parses the sample Lambda events from the AWS Config
// developer guide and aws-lambda-go (../shared/reference/sample-ci).
func TestReferenceEvents(t *testing.T) {
	dir := refdata.Path(t, "sample-ci")
	tests := []struct {
		file        string
		messageType string
		check       func(t *testing.T, ev *configevent.Event)
	}{
		{
			file:        "aws-docs-lambda-events/change-triggered-event.json",
			messageType: configevent.ItemChange,
			check: func(t *testing.T, ev *configevent.Event) {
				it := ev.Invoking.Item
				if it == nil {
					t.Fatal("no item")
				}
				if it.ResourceType != "AWS::EC2::Instance" || it.ResourceID != "i-00000000" || it.AccountID != "123456789012" ||
					it.ARN != "arn:aws:ec2:us-east-2:123456789012:instance/i-00000000" || it.Status != "OK" {
					t.Errorf("item = %+v", it)
				}
				if it.Tags["Foo"] != "Bar" || len(it.Relationships) != 1 || it.Relationships[0].Name != "Is attached to ElasticIp" {
					t.Errorf("tags %v relationships %+v", it.Tags, it.Relationships)
				}
				if it.Config().Field("foo").Str() != "bar" {
					t.Errorf("configuration = %s", it.Configuration)
				}
				if want := time.Date(2016, 2, 17, 1, 36, 34, 43e6, time.UTC); !ev.OrderingTime().Equal(want) {
					t.Errorf("OrderingTime() = %v, want %v", ev.OrderingTime(), want)
				}
				if ev.Params["myParameterKey"] != "myParameterValue" || ev.ResultToken != "myResultToken" || ev.EventLeftScope {
					t.Errorf("envelope = %+v", ev)
				}
				if ev.ExecutionRoleARN != "arn:aws:iam::123456789012:role/config-role" || ev.Partition() != "aws" {
					t.Errorf("ExecutionRoleARN %q Partition %q", ev.ExecutionRoleARN, ev.Partition())
				}
			},
		},
		{
			file:        "aws-docs-lambda-events/oversized-change-triggered-event.json",
			messageType: configevent.OversizedItemChange,
			check: func(t *testing.T, ev *configevent.Event) {
				it := ev.Invoking.Item
				if it == nil {
					t.Fatal("no summary")
				}
				if it.ResourceID != "i-00000000" || it.Version != "1.2" || it.StateID != "0" || it.ResourceName != "" ||
					it.MD5Hash != "8f1ee69b287895a0f8bc5753eca68e96" || it.Region != "us-west-2" {
					t.Errorf("summary = %+v", it)
				}
				if it.Configuration != nil || it.Config().Exists() {
					t.Errorf("summary has configuration %s", it.Configuration)
				}
				if want := time.Date(2016, 10, 6, 16, 46, 10, 489e6, time.UTC); !it.ResourceCreationTime.Equal(want) {
					t.Errorf("ResourceCreationTime = %v", it.ResourceCreationTime)
				}
			},
		},
		{
			file:        "aws-docs-lambda-events/periodic-event.json",
			messageType: configevent.Scheduled,
			check: func(t *testing.T, ev *configevent.Event) {
				if ev.Invoking.Item != nil || ev.Invoking.AccountID != "123456789012" || ev.Invoking.RecordVersion != "1.0" {
					t.Errorf("invoking = %+v", ev.Invoking)
				}
				if want := time.Date(2016, 7, 13, 21, 50, 0, 373e6, time.UTC); !ev.OrderingTime().Equal(want) {
					t.Errorf("OrderingTime() = %v, want %v", ev.OrderingTime(), want)
				}
			},
		},
		{
			file:        "aws-lambda-go/config-event.json",
			messageType: configevent.SnapshotDelivered,
			check: func(t *testing.T, ev *configevent.Event) {
				inv := ev.Invoking
				if inv.S3Bucket != "config-bucket" ||
					inv.S3ObjectKey != "AWSLogs/000000000000/Config/us-east-1/2016/2/24/ConfigSnapshot/000000000000_Config_us-east-1_ConfigSnapshot_20160224T182319Z_00000000-0000-0000-0000-000000000000.json.gz" {
					t.Errorf("S3 = %q %q", inv.S3Bucket, inv.S3ObjectKey)
				}
				if inv.Item != nil || inv.RecordVersion != "1.1" || ev.AccountID != "012345678912" {
					t.Errorf("event = %+v", ev)
				}
				if want := time.Date(2016, 2, 24, 18, 23, 20, 328e6, time.UTC); !ev.OrderingTime().Equal(want) {
					t.Errorf("OrderingTime() = %v, want %v", ev.OrderingTime(), want)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			ev := mustParse(t, readFile(t, filepath.Join(dir, filepath.FromSlash(tt.file))))
			if ev.Invoking.MessageType != tt.messageType {
				t.Errorf("MessageType = %q, want %q", ev.Invoking.MessageType, tt.messageType)
			}
			tt.check(t, ev)
		})
	}
}
