package rules

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/internal/testenv/refdata"
)

func TestFeatureGroupCMK(t *testing.T) {
	fg := typeFeatureGroup
	offline := func(key string) string {
		s := `"OfflineStoreConfig":{"S3StorageConfig":{"S3Uri":"s3://features-111122223333/churn"`
		if key != "" {
			s += `,"KmsKeyId":"` + key + `"`
		}
		return s + `},"DisableGlueTableCreation":false}`
	}
	online := func(enabled, key, storageType string) string {
		s := `"OnlineStoreConfig":{"EnableOnlineStore":` + enabled
		if key != "" {
			s += `,"SecurityConfig":{"KmsKeyId":"` + key + `"}`
		}
		if storageType != "" {
			s += `,"StorageType":"` + storageType + `"`
		}
		return s + `}`
	}
	group := func(parts ...string) string {
		return `{"FeatureGroupName":"churn","RecordIdentifierFeatureName":"customer_id","EventTimeFeatureName":"ts"` +
			func() string {
				if len(parts) == 0 {
					return ""
				}
				return "," + strings.Join(parts, ",")
			}() + `}`
	}
	runMLRuleCases(t, sagemakerFeatureGroupRules(), "sagemaker-feature-group-cmk-encrypted", []mlRuleCase{
		{name: "both stores with keys", resourceType: fg,
			config: group(offline(testKeyArn), online("true", testKeyArn2, "Standard")), want: Compliant},
		{name: "offline only with key", resourceType: fg, config: group(offline(testKeyArn)), want: Compliant},
		{name: "online only with key", resourceType: fg, config: group(online("true", testKeyArn, "")), want: Compliant},
		{name: "offline without key", resourceType: fg, config: group(offline("")), want: NonCompliant,
			contains: []string{"offline store: OfflineStoreConfig.S3StorageConfig.KmsKeyId is not set"}},
		{name: "online without key", resourceType: fg, config: group(offline(testKeyArn), online("true", "", "Standard")),
			want: NonCompliant, contains: []string{"online store (Standard): OnlineStoreConfig.SecurityConfig.KmsKeyId is not set"}},
		{name: "in-memory online store without key", resourceType: fg, config: group(online("true", "", "InMemory")),
			want: NonCompliant, contains: []string{"online store (InMemory)"}},
		{name: "neither key", resourceType: fg, config: group(offline(""), online("true", "", "")), want: NonCompliant,
			contains: []string{"offline store:", "; online store:", "Recreate it"}},
		{name: "online disabled needs no key", resourceType: fg, config: group(offline(testKeyArn), online("false", "", "")),
			want: Compliant},
		{name: "online enabled as string", resourceType: fg, config: group(offline(testKeyArn), online(`"true"`, "", "")),
			want: NonCompliant, contains: []string{"online store"}},
		{name: "AWS managed key", resourceType: fg, config: group(offline("alias/aws/s3")), want: NonCompliant,
			contains: []string{"is AWS managed (alias/aws/s3)"}},
		{name: "camelCase", resourceType: fg,
			config: `{"offlineStoreConfig":{"s3StorageConfig":{"s3Uri":"s3://b/p","kmsKeyId":"` + testKeyArn + `"}},` +
				`"onlineStoreConfig":{"enableOnlineStore":true,"securityConfig":{"kmsKeyId":"` + testKeyArn + `"}}}`,
			want: Compliant},
		{name: "offline store as a list of one", resourceType: fg,
			config: `{"FeatureGroupName":"churn","OfflineStoreConfig":[{"S3StorageConfig":{"S3Uri":"s3://b/p","KmsKeyId":"` + testKeyArn + `"}}]}`,
			want:   Compliant},
		{name: "offline store without S3StorageConfig", resourceType: fg,
			config: `{"FeatureGroupName":"churn","OfflineStoreConfig":{"DisableGlueTableCreation":true}}`,
			want:   NonCompliant, contains: []string{"offline store"}},
		{name: "no store", resourceType: fg, config: group(), want: NotApplicable, contains: []string{"neither"}},
		{name: "online config without EnableOnlineStore", resourceType: fg,
			config: `{"FeatureGroupName":"churn","OnlineStoreConfig":{"StorageType":"Standard"}}`, want: NotApplicable},
		{name: "null stores", resourceType: fg,
			config: `{"FeatureGroupName":"churn","OfflineStoreConfig":null,"OnlineStoreConfig":null}`, want: NotApplicable},
		{name: "empty configuration", resourceType: fg, config: `{}`, want: NotApplicable},
		{name: "deleted", resourceType: fg, status: "ResourceDeleted", want: NotApplicable},
		{name: "other type", resourceType: typeDataQualityJobDefinition, config: group(offline("")), want: NotApplicable},
	})
}

// TestFeatureGroupFieldsInSchema anchors the rule's paths in AWS Config's
// property schema for the type. The schema is the advanced-query subset: it
// lists the blocks the rule reads but not the KMS key fields inside them,
// which follow the CloudFormation resource schema.
func TestFeatureGroupFieldsInSchema(t *testing.T) {
	path := refdata.Path(t, "config-resource-schema", typeFeatureGroup+".properties.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var schema map[string]string
	if err := json.Unmarshal(data, &schema); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	for p, typ := range map[string]string{
		"configuration.OnlineStoreConfig.EnableOnlineStore":      "boolean",
		"configuration.OfflineStoreConfig.S3StorageConfig.S3Uri": "string",
	} {
		if got := schema[p]; got != typ {
			t.Errorf("schema %s = %q, want %q", p, got, typ)
		}
	}
	r := sagemakerFeatureGroupRules()[0]
	for _, f := range r.Fields {
		if _, ok := schema[f]; ok {
			continue
		}
		// A field outside the subset must at least sit in a block the schema has.
		found := false
		for p := range schema {
			if strings.HasPrefix(p, f+".") || strings.HasPrefix(f, featureGroupParentPath(p)+".") {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("field %s is in no block of the Config schema", f)
		}
	}
}

// featureGroupParentPath drops the last element of a dotted path.
func featureGroupParentPath(p string) string {
	if i := strings.LastIndex(p, "."); i >= 0 {
		return p[:i]
	}
	return p
}
