package cfnjudge

import (
	"encoding/json"
	"fmt"

	"github.com/aiguard/aiguard/configitem"
)

// AWS::S3::Bucket and AWS::KMS::Key are legacy Config types: their CIs use
// the describe APIs' camelCase and keep most settings in
// supplementaryConfiguration, so a template resource needs mapping. The
// mapping covers what the rules read, and fills in what AWS applies when
// the template says nothing, as Config would then record it:
//
// AWS::S3::Bucket
//   - BucketName → resourceName, configuration.name, arn (the logical ID
//     stands in when the name is absent or not a literal);
//   - Tags → tags and BucketTaggingConfiguration;
//   - BucketEncryption.ServerSideEncryptionConfiguration[] →
//     ServerSideEncryptionConfiguration.rules[] (SSEAlgorithm → sseAlgorithm,
//     KMSMasterKeyID → kmsMasterKeyID, BucketKeyEnabled → bucketKeyEnabled);
//     absent: SSE-S3 (AES256), S3's default since January 2023;
//   - LoggingConfiguration → BucketLoggingConfiguration (DestinationBucketName
//     → destinationBucketName, the bucket itself when absent, as
//     CloudFormation documents; LogFilePrefix → logFilePrefix); absent: off;
//   - PublicAccessBlockConfiguration → PublicAccessBlockConfiguration (the four
//     settings in camelCase, false when left out); absent: all four on, S3's
//     default for new buckets since April 2023;
//   - an AWS::S3::BucketPolicy in the same template whose Bucket is a Ref to
//     the bucket or its literal name → BucketPolicy.policyText; none: no
//     policy.
//
// Not mapped (no rule reads them): AccessControl, AccelerateConfiguration,
// AnalyticsConfigurations, CorsConfiguration, IntelligentTieringConfigurations,
// InventoryConfigurations, LifecycleConfiguration, MetricsConfigurations,
// NotificationConfiguration, ObjectLockConfiguration, OwnershipControls,
// ReplicationConfiguration, VersioningConfiguration, WebsiteConfiguration.
//
// AWS::KMS::Key
//   - keyManager CUSTOMER (a template cannot create an AWS managed key);
//   - Enabled → enabled and keyState (Enabled or Disabled; default true);
//   - KeySpec → keySpec (default SYMMETRIC_DEFAULT), KeyUsage → keyUsage
//     (default ENCRYPT_DECRYPT), Origin → origin (default AWS_KMS),
//     MultiRegion → multiRegion and multiRegionConfiguration
//     (multiRegionKeyType PRIMARY), Description → description;
//   - KeyPolicy → supplementaryConfiguration.Policy (absent: KMS's default
//     policy, which gives the account's root full access);
//   - EnableKeyRotation → supplementaryConfiguration.KeyRotationStatus
//     (default false);
//   - Tags → tags.
//
// Not mapped: BypassPolicyLockoutSafetyCheck, PendingWindowInDays,
// RotationPeriodInDays.

// The legacy types, whose properties are mapped onto their CIs' shape.
const (
	TypeS3Bucket = "AWS::S3::Bucket"
	TypeKMSKey   = "AWS::KMS::Key"
)

// asMap returns v as a mapping; an intrinsic in its place is recorded as
// unresolved under ciPath.
func (c *converter) asMap(v any, ciPath, prop string) (map[string]any, bool) {
	switch t := v.(type) {
	case map[string]any:
		return t, true
	case *intrinsic:
		c.resolve(t, ciPath, prop)
	}
	return nil, false
}

func (c *converter) s3Bucket(id string, props map[string]any, policies map[string][]*bucketPolicy) (*configitem.Item, error) {
	if props == nil {
		props = map[string]any{}
	}
	name, literal := id, false
	if s, ok := c.quiet(props["BucketName"]).(string); ok && s != "" && s[0] != '!' {
		name, literal = s, true
	}
	arn := "arn:" + c.partition + ":s3:::" + name
	tags := tagMap(c.quiet(props["Tags"]))
	supp := map[string]any{}

	// Default encryption.
	const sse = "supplementaryConfiguration.ServerSideEncryptionConfiguration"
	sseRules := []any{}
	if enc, present := props["BucketEncryption"]; present {
		if m, ok := c.asMap(enc, sse, "Properties.BucketEncryption"); ok {
			list := m["ServerSideEncryptionConfiguration"]
			if in, ok := list.(*intrinsic); ok {
				c.resolve(in, sse+".rules", "Properties.BucketEncryption.ServerSideEncryptionConfiguration")
			}
			items, _ := list.([]any)
			for i, r := range items {
				prop := fmt.Sprintf("Properties.BucketEncryption.ServerSideEncryptionConfiguration[%d]", i)
				rm, ok := c.asMap(r, sse+".rules", prop)
				if !ok {
					continue
				}
				rule := map[string]any{}
				if d, ok := c.asMap(rm["ServerSideEncryptionByDefault"], sse+".rules.applyServerSideEncryptionByDefault",
					prop+".ServerSideEncryptionByDefault"); ok {
					rule["applyServerSideEncryptionByDefault"] = map[string]any{
						"sseAlgorithm": c.resolve(d["SSEAlgorithm"], sse+".rules.applyServerSideEncryptionByDefault.sseAlgorithm",
							prop+".ServerSideEncryptionByDefault.SSEAlgorithm"),
						"kmsMasterKeyID": c.resolve(d["KMSMasterKeyID"], sse+".rules.applyServerSideEncryptionByDefault.kmsMasterKeyID",
							prop+".ServerSideEncryptionByDefault.KMSMasterKeyID"),
					}
				}
				if b, ok := boolish(c.resolve(rm["BucketKeyEnabled"], sse+".rules.bucketKeyEnabled", prop+".BucketKeyEnabled")); ok {
					rule["bucketKeyEnabled"] = b
				}
				sseRules = append(sseRules, rule)
			}
		}
	} else {
		sseRules = append(sseRules, map[string]any{
			"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": "AES256", "kmsMasterKeyID": nil},
			"bucketKeyEnabled":                   false,
		})
	}
	supp["ServerSideEncryptionConfiguration"] = map[string]any{"rules": sseRules}

	// Server access logging.
	const logging = "supplementaryConfiguration.BucketLoggingConfiguration"
	logCfg := map[string]any{"destinationBucketName": nil, "logFilePrefix": nil}
	if lc, present := props["LoggingConfiguration"]; present {
		if m, ok := c.asMap(lc, logging, "Properties.LoggingConfiguration"); ok {
			dest := c.resolve(m["DestinationBucketName"], logging+".destinationBucketName",
				"Properties.LoggingConfiguration.DestinationBucketName")
			if dest == nil || dest == noValue {
				dest = name // CloudFormation: logs go to the bucket itself
			}
			logCfg["destinationBucketName"] = dest
			if p := c.resolve(m["LogFilePrefix"], logging+".logFilePrefix", "Properties.LoggingConfiguration.LogFilePrefix"); p != noValue {
				logCfg["logFilePrefix"] = p
			}
		}
	}
	supp["BucketLoggingConfiguration"] = logCfg

	// Bucket-level public access block.
	const pab = "supplementaryConfiguration.PublicAccessBlockConfiguration"
	settings := [][2]string{
		{"BlockPublicAcls", "blockPublicAcls"}, {"IgnorePublicAcls", "ignorePublicAcls"},
		{"BlockPublicPolicy", "blockPublicPolicy"}, {"RestrictPublicBuckets", "restrictPublicBuckets"},
	}
	block := map[string]any{}
	if raw, present := props["PublicAccessBlockConfiguration"]; present {
		if m, ok := c.asMap(raw, pab, "Properties.PublicAccessBlockConfiguration"); ok {
			for _, s := range settings {
				v := c.resolve(m[s[0]], pab+"."+s[1], "Properties.PublicAccessBlockConfiguration."+s[0])
				if b, ok := boolish(v); ok {
					block[s[1]] = b
				} else if v == nil || v == noValue {
					block[s[1]] = false
				} else {
					block[s[1]] = v
				}
			}
		}
	} else {
		for _, s := range settings {
			block[s[1]] = true
		}
	}
	supp["PublicAccessBlockConfiguration"] = block

	// Bucket policy, from a BucketPolicy resource attached to this bucket.
	const policyPath = "supplementaryConfiguration.BucketPolicy.policyText"
	docs := policies["ref:"+id]
	if literal {
		docs = append(docs, policies["name:"+name]...)
	}
	var policyText any
	if len(docs) > 0 {
		// References to the bucket itself resolve: they cannot change a
		// verdict, and the TLS rule compares the policy's resources with
		// the bucket's ARN.
		last := docs[len(docs)-1]
		folded := c.fold(last.doc, "AWS::S3::BucketPolicy "+last.id+".PolicyDocument", map[string]string{id: name, id + ".Arn": arn})
		doc := c.resolve(folded, policyPath, "AWS::S3::BucketPolicy "+last.id+".PolicyDocument")
		if s, ok := doc.(string); ok {
			policyText = s
		} else {
			b, err := json.Marshal(doc)
			if err != nil {
				return nil, fmt.Errorf("encode bucket policy: %w", err)
			}
			policyText = string(b)
		}
	}
	supp["BucketPolicy"] = map[string]any{"policyText": policyText}

	if len(tags) > 0 {
		tagSet := map[string]any{}
		for k, v := range tags {
			tagSet[k] = v
		}
		supp["BucketTaggingConfiguration"] = map[string]any{"tagSets": []any{map[string]any{"tags": tagSet}}}
	}
	sup, err := supplementary(supp)
	if err != nil {
		return nil, err
	}
	conf, _ := json.Marshal(map[string]any{"name": name})
	item := &configitem.Item{
		ResourceType:  TypeS3Bucket,
		ResourceID:    id,
		ARN:           arn,
		Tags:          tags,
		Configuration: conf,
		Supplementary: sup,
	}
	if literal {
		item.ResourceName = name
	}
	return item, nil
}

func (c *converter) kmsKey(id string, props map[string]any) (*configitem.Item, error) {
	if props == nil {
		props = map[string]any{}
	}
	str := func(key, ciPath, def string) any {
		v := c.resolve(props[key], ciPath, "Properties."+key)
		if v == nil || v == noValue {
			return def
		}
		return v
	}
	cfg := map[string]any{
		"keyId":      id,
		"keyManager": "CUSTOMER",
		"keySpec":    str("KeySpec", "configuration.keySpec", "SYMMETRIC_DEFAULT"),
		"keyUsage":   str("KeyUsage", "configuration.keyUsage", "ENCRYPT_DECRYPT"),
		"origin":     str("Origin", "configuration.origin", "AWS_KMS"),
	}
	if d := c.quiet(props["Description"]); d != nil && d != noValue {
		cfg["description"] = d
	}
	enabled := c.resolve(props["Enabled"], "configuration.enabled", "Properties.Enabled")
	switch b, ok := boolish(enabled); {
	case enabled == nil || enabled == noValue:
		cfg["enabled"], cfg["keyState"] = true, "Enabled"
	case ok && b:
		cfg["enabled"], cfg["keyState"] = true, "Enabled"
	case ok:
		cfg["enabled"], cfg["keyState"] = false, "Disabled"
	default:
		cfg["enabled"], cfg["keyState"] = enabled, enabled
		c.unresolved = append(c.unresolved, unresolvedField{path: "configuration.keyState", prop: "Properties.Enabled",
			expr: fmt.Sprint(enabled)})
	}
	if mr := c.resolve(props["MultiRegion"], "configuration.multiRegionConfiguration", "Properties.MultiRegion"); mr != nil && mr != noValue {
		if b, ok := boolish(mr); ok {
			cfg["multiRegion"] = b
			if b {
				cfg["multiRegionConfiguration"] = map[string]any{"multiRegionKeyType": "PRIMARY"}
			}
		}
	}

	var policy any
	if kp, present := props["KeyPolicy"]; present {
		policy = c.resolve(kp, "supplementaryConfiguration.Policy", "Properties.KeyPolicy")
	}
	if policy == nil || policy == noValue {
		account := c.accountID
		if account == "" {
			account = "${AWS::AccountId}"
		}
		policy = map[string]any{
			"Version": "2012-10-17",
			"Id":      "key-default-1",
			"Statement": []any{map[string]any{
				"Sid":       "Enable IAM User Permissions",
				"Effect":    "Allow",
				"Principal": map[string]any{"AWS": "arn:" + c.partition + ":iam::" + account + ":root"},
				"Action":    "kms:*",
				"Resource":  "*",
			}},
		}
	}
	policyText, ok := policy.(string)
	if !ok {
		b, err := json.Marshal(policy)
		if err != nil {
			return nil, fmt.Errorf("encode key policy: %w", err)
		}
		policyText = string(b)
	}
	rotation := c.resolve(props["EnableKeyRotation"], "supplementaryConfiguration.KeyRotationStatus", "Properties.EnableKeyRotation")
	if b, ok := boolish(rotation); ok {
		rotation = b
	} else if rotation == nil || rotation == noValue {
		rotation = false
	}
	sup, err := supplementary(map[string]any{"Policy": policyText, "KeyRotationStatus": rotation})
	if err != nil {
		return nil, err
	}
	conf, err := json.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("encode configuration: %w", err)
	}
	return &configitem.Item{
		ResourceType:  TypeKMSKey,
		ResourceID:    id,
		Tags:          tagMap(c.quiet(props["Tags"])),
		Configuration: conf,
		Supplementary: sup,
	}, nil
}
