package rules

import (
	"strings"

	"github.com/aiguard/aiguard/configitem"
)

const typeFeatureGroup = "AWS::SageMaker::FeatureGroup"

func sagemakerFeatureGroupRules() []*Rule {
	return []*Rule{
		{
			ID:    "sagemaker-feature-group-cmk-encrypted",
			Title: "SageMaker feature groups encrypt their stores with customer managed KMS keys",
			Description: "For each store a feature group has, a customer managed KMS key must be named: " +
				"OfflineStoreConfig.S3StorageConfig.KmsKeyId for the offline store, " +
				"OnlineStoreConfig.SecurityConfig.KmsKeyId for an online store (EnableOnlineStore true, any " +
				"StorageType). An AWS managed key (alias/aws/...) does not count. A feature group with neither store " +
				"is NOT_APPLICABLE. AWS splits this into SAGEMAKER_FEATUREGROUP_ENCRYPTION_AT_REST (offline) and " +
				"SAGEMAKER_FEATUREGROUP_ONLINE_STORE_ENCRYPTION (Standard online stores only), so this rule names " +
				"no single managed rule.",
			ResourceTypes: []string{typeFeatureGroup},
			Trigger:       ChangeTriggered,
			Control:       ControlS3Encryption,
			SecurityHub:   []string{"SageMaker.17", "SageMaker.18"},
			Severity:      SeverityMedium,
			Remediation: "Recreate the feature group (its store configuration cannot be updated) with a customer " +
				"managed KMS key in OfflineStoreConfig.S3StorageConfig.KmsKeyId and, when the online store is " +
				"enabled, in OnlineStoreConfig.SecurityConfig.KmsKeyId.",
			Fields: []string{
				"configuration.OfflineStoreConfig",
				"configuration.OfflineStoreConfig.S3StorageConfig.KmsKeyId",
				"configuration.OnlineStoreConfig.EnableOnlineStore",
				"configuration.OnlineStoreConfig.SecurityConfig.KmsKeyId",
				"configuration.OnlineStoreConfig.StorageType",
			},
			Check: checkFeatureGroupCMK,
		},
	}
}

func checkFeatureGroupCMK(item *configitem.Item, _ Params) Verdict {
	cfg := item.Config()
	if !cfg.Present() {
		return mlEmptyConfig()
	}
	offline := mlPath(cfg, "OfflineStoreConfig")
	online := mlPath(cfg, "OnlineStoreConfig")
	// The offline store exists when its configuration does (S3StorageConfig
	// is required in it); the online store only when enabled, which
	// SageMaker defaults to false.
	hasOffline := offline.Present()
	hasOnline := mlPath(online, "EnableOnlineStore").IsTrue()
	if !hasOffline && !hasOnline {
		return Skip("The feature group has neither an offline store (OfflineStoreConfig) nor an enabled " +
			"online store (OnlineStoreConfig.EnableOnlineStore); there is no store to evaluate.")
	}
	var problems []string
	if hasOffline {
		if p := cmkKeyShortfall(mlPath(offline, "S3StorageConfig.KmsKeyId")); p != "" {
			problems = append(problems, "offline store: OfflineStoreConfig.S3StorageConfig.KmsKeyId "+p)
		}
	}
	if hasOnline {
		if p := cmkKeyShortfall(mlPath(online, "SecurityConfig.KmsKeyId")); p != "" {
			store := "online store"
			if t := strings.TrimSpace(mlPath(online, "StorageType").Str()); t != "" {
				store = "online store (" + mlClip(t, 24) + ")"
			}
			problems = append(problems, store+": OnlineStoreConfig.SecurityConfig.KmsKeyId "+p)
		}
	}
	if len(problems) == 0 {
		return Pass()
	}
	return Fail("Feature group %s. Recreate it with a customer managed KMS key for each store.",
		strings.Join(problems, "; "))
}
