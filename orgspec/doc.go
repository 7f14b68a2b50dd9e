// Package orgspec reads and validates the organization spec: the one YAML
// file from which aiguard generates conformance packs, SCPs, permission
// boundaries and the deployment of its rule Lambda.
//
// # Format
//
// A spec has four top-level keys (`aiguard schema` prints the full JSON
// Schema; Example returns a complete spec):
//
//	apiVersion: aiguard.dev/v1
//	organization:
//	  name: example-corp
//	  id: o-exampleorg1
//	  managementAccount: "111111111111"      # account IDs are quoted strings
//	  securityToolingAccount: "222222222222" # where the rule Lambda runs
//	  regions: [us-east-1, us-west-2]
//	  conformancePackBucket: awsconfigconforms-example-corp
//	  breakGlassRoles: [arn:aws:iam::*:role/aiguard-break-glass]
//	defaults:                                # every team inherits these
//	  dataClassification: internal
//	  bedrock:
//	    allowedModels: [anthropic.claude-3-5-haiku-20241022-v1:0]
//	  rules:
//	    sagemaker-notebook-root-access-disabled: true
//	teams:
//	  - name: payments-risk
//	    accounts: ["333333333333"]
//	    organizationalUnits: [ou-ex12-payments]
//	    dataClassification: restricted
//	    network: {subnetIds: [subnet-0a1b2c3d], securityGroupIds: [sg-0a1b2c3d]}
//	    kmsKeyArns: [arn:aws:kms:us-east-1:333333333333:key/1a2b3c4d-1111-4a2b-8c3d-111111111111]
//	    rules:
//	      sagemaker-notebook-in-vpc: {parameters: {allowedSubnetIds: [subnet-0a1b2c3d]}}
//	    exceptions:
//	      - rule: sagemaker-notebook-root-access-disabled
//	        resources: [legacy-notebook]
//	        reason: Vendor driver install; rebuilt without root in Q3.
//	        expires: 2027-06-30
//
// The struct tags of Spec and the types it holds are the single definition
// of the format: the decoder validates a file with them and Schema writes
// the JSON Schema from them, so the two cannot drift apart.
//
// # Validation
//
// Parse reports every problem at once, each as file:line:column: message,
// in an Errors sorted by position: YAML syntax errors, unknown keys (with
// the nearest valid key), values of the wrong kind, malformed or unknown
// values (account IDs, which must be quoted, ARNs and their partition,
// Regions, OU IDs, rule IDs and rule parameters, checked with the rule's
// own Rule.ParseParams), duplicate team names, an account or OU claimed by
// two teams, and an inference profile whose model the team may not use.
// Anchors, aliases and merge keys (<<) are supported; an alias loop, an
// alias expansion beyond a node budget, a second YAML document, a binary,
// non-UTF-8 or oversized (MaxSize) file are rejected with a message.
//
// Exceptions carry an expiry date (the last day they apply, UTC). An
// expired exception is a warning, not an error, and no longer applies: a
// spec that was valid yesterday does not stop deploying today, but the
// resource is judged again and `aiguard validate` says why. Other warnings
// (the management account in a team, a DRAFT guardrail version, a KMS key
// outside the organization's Regions) are in Spec.Warnings.
//
// # Inheritance
//
// Each team's settings (dataClassification, network, kmsKeyArns, storage,
// bedrock, sagemaker, rekognition, comprehend, costAnomaly) default to
// those in defaults, block by block and key by key. A list the team sets
// replaces the default list, and an empty list ([]) is a value: "none".
// After Parse, Spec.Teams hold the effective settings.
//
// # Rules and derived parameters
//
// Every catalog rule is on for every team unless defaults.rules or the
// team's rules turn it off. Spec.EffectiveRules gives each team's rule set
// with merged parameters: catalog defaults, then defaults.rules, then the
// parameters derived from the team's settings, then the team's own rules.
// A rule gets a derived parameter only when it declares a parameter of
// exactly that name, so rules added to the catalog pick these up by
// naming their parameters accordingly:
//
//	Parameter                        Derived from
//	allowedSubnetIds                 network.subnetIds
//	allowedSecurityGroupIds          network.securityGroupIds
//	allowedVpcIds                    network.vpcIds
//	vpcIds                           network.vpcIds
//	kmsKeyArns                       kmsKeyArns
//	allowedModelIds                  bedrock.allowedModels
//	allowedInferenceProfiles         bedrock.inferenceProfiles
//	guardrailId                      bedrock.guardrail.id
//	guardrailVersion                 bedrock.guardrail.version
//	allowedInstanceTypes             sagemaker.instanceTypes
//	allowedLifecycleConfigs          sagemaker.lifecycleConfigs
//	requiredAuthMode                 sagemaker.studioAuthMode
//	allowedImageAccounts             sagemaker.imageRegistryAccounts
//	maxApiKeyAgeDays                 bedrock.apiKeyMaxAgeDays
//	allowedCertificateAuthorities    tls.allowedCertificateAuthorities
//	minDaysToExpiry                  tls.minDaysToExpiry
//	approvedUseCases                 rekognition.approvedUseCases
//	piiDetectionClassifications      comprehend.piiDetection
//	entityDetectionClassifications   comprehend.entityDetection
//	dataClassification               dataClassification
//	mlBucketNames                    bucket names in storage (all locations)
//	bucketNamePatterns               bucket names in storage (all locations)
//	maxThresholdUsd                  costAnomaly.monthlyThresholdUsd
//	approvedUseCaseTagKey            organization.tagKeys.approvedUseCase
//	mlTagKey                         organization.tagKeys.mlData
//	dataClassificationTagKey         organization.tagKeys.dataClassification
//	teamTagKey                       organization.tagKeys.team
//
// Lists are joined with commas. A derived value is validated with the
// rule's ParseParams and reported at the setting it came from; a value
// equal to the rule's default is left out of the InputParameters, and a
// setting set to an empty list leaves the parameter unset (so, for
// approvedUseCases, no use case is approved).
package orgspec
