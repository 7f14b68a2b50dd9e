package policygen

import (
	"slices"
	"strings"
)

// comprehendPII are the Comprehend actions that detect PII.
var comprehendPII = []string{
	"comprehend:ContainsPiiEntities", "comprehend:DetectPiiEntities", "comprehend:StartPiiEntitiesDetectionJob",
}

// comprehendEntities are the Comprehend actions that detect named entities.
var comprehendEntities = []string{
	"comprehend:BatchDetectEntities", "comprehend:DetectEntities", "comprehend:StartEntitiesDetectionJob",
}

// rekognitionFaces are the Rekognition actions that detect, compare,
// search, index or store faces (celebrity recognition and face liveness
// included), and that manage face collections and their users.
var rekognitionFaces = []string{
	"rekognition:AssociateFaces", "rekognition:CompareFaces", "rekognition:CreateCollection",
	"rekognition:CreateFaceLivenessSession", "rekognition:CreateUser", "rekognition:DeleteCollection",
	"rekognition:DeleteFaces", "rekognition:DeleteUser", "rekognition:DescribeCollection",
	"rekognition:DetectFaces", "rekognition:DisassociateFaces", "rekognition:GetCelebrity*",
	"rekognition:GetFace*", "rekognition:IndexFaces", "rekognition:ListFaces", "rekognition:ListUsers",
	"rekognition:RecognizeCelebrities", "rekognition:SearchFaces*", "rekognition:SearchUsers*",
	"rekognition:StartCelebrityRecognition", "rekognition:StartFace*",
}

// comprehendStatements allow PII and entity detection only to principals
// whose data-classification tag is among the team's allowed
// classifications. StringNotEquals is true when the principal has no tag,
// so untagged principals are denied; an empty list denies everyone.
func (t *teamPolicy) comprehendStatements() []Statement {
	var pii, entities []string
	if c := t.team.Comprehend; c != nil {
		pii, entities = c.PIIDetection, c.EntityDetection
	}
	key := "aws:PrincipalTag/" + t.tags.DataClassification
	cond := func(allowed []string) Condition {
		if len(allowed) == 0 {
			return nil
		}
		return Condition{}.add("StringNotEquals", key, allowed...)
	}
	if slices.Equal(sorted(pii...), sorted(entities...)) {
		return []Statement{denyAll("ComprehendSensitive",
			slices.Concat(comprehendPII, comprehendEntities), cond(pii))}
	}
	return []Statement{
		denyAll("ComprehendPii", comprehendPII, cond(pii)),
		denyAll("ComprehendEntities", comprehendEntities, cond(entities)),
	}
}

// rekognitionStatements allow facial analysis only to principals tagged
// with an approved use case, and to no one when the team has none.
func (t *teamPolicy) rekognitionStatements() []Statement {
	var approved []string
	if r := t.team.Rekognition; r != nil {
		approved = r.ApprovedUseCases
	}
	var cond Condition
	if len(approved) > 0 {
		cond = Condition{}.add("StringNotEquals", "aws:PrincipalTag/"+t.tags.ApprovedUseCase, approved...)
	}
	return []Statement{denyAll("RekognitionFaces", rekognitionFaces, cond)}
}

// globalServices are left out of the Region restriction: global services
// whose requests name us-east-1 or no Region, and the organization's own
// management plane (AWS's published Region-deny example).
var globalServices = []string{
	"a4b:*", "acm:*", "aws-marketplace-management:*", "aws-marketplace:*", "aws-portal:*", "budgets:*", "ce:*",
	"chime:*", "cloudfront:*", "config:*", "cur:*", "directconnect:*", "ec2:DescribeRegions",
	"ec2:DescribeTransitGateways", "ec2:DescribeVpnGateways", "fms:*", "globalaccelerator:*", "health:*",
	"iam:*", "importexport:*", "kms:*", "mobileanalytics:*", "networkmanager:*", "organizations:*",
	"pricing:*", "route53-recovery-cluster:*", "route53-recovery-control-config:*",
	"route53-recovery-readiness:*", "route53:*", "route53domains:*", "s3:GetAccountPublic*",
	"s3:ListAllMyBuckets", "s3:ListMultiRegionAccessPoints", "s3:PutAccountPublic*", "shield:*", "sts:*",
	"support:*", "trustedadvisor:*", "waf-regional:*", "waf:*", "wafv2:*", "wellarchitected:*",
}

// regionStatements deny requests outside the organization's Regions. Bedrock
// inference is handled apart: cross-Region inference authorises the model
// in each destination Region (aws:RequestedRegion is that Region, or
// "unspecified" for global profiles), so it is allowed outside the Regions
// when it goes through an inference profile called in one of them. Batch
// inference (CreateModelInvocationJob) stays under the general deny: it
// is created in the caller's Region, and its invocations carry the
// profile too.
func (t *teamPolicy) regionStatements() []Statement {
	regions := t.spec.Organization.Regions
	var profiles []string
	for _, r := range regions {
		profiles = append(profiles,
			t.arn("bedrock", r, "*", "inference-profile/*"),
			t.arn("bedrock", r, "*", "application-inference-profile/*"))
	}
	return []Statement{
		{
			Sid: "Regions", Effect: deny,
			NotAction: sorted(slices.Concat(globalServices, bedrockInvoke)...), Resource: Strings{"*"},
			Condition: Condition{}.add("StringNotEquals", keyRequestedRegion, regions...),
		},
		denyAll("RegionsBedrockCris", bedrockInvoke, Condition{}.
			add("StringNotEquals", keyRequestedRegion, regions...).
			add("ArnNotLike", keyInferenceProfile, profiles...)),
	}
}

// iamRoleChanges are the IAM actions that change or delete a role (the
// wildcards match only write actions).
var iamRoleChanges = []string{
	"iam:Attach*", "iam:Delete*", "iam:Detach*", "iam:Put*", "iam:Tag*", "iam:Untag*", "iam:Update*",
}

// iamPolicyChanges are the IAM actions that change or delete a managed policy.
var iamPolicyChanges = []string{
	"iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion",
}

// iamBoundaryRemoval are the IAM actions that take a boundary off a principal.
var iamBoundaryRemoval = []string{"iam:DeleteRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary"}

// iamBoundaryChange are the IAM actions that set a principal's boundary.
var iamBoundaryChange = []string{"iam:PutRolePermissionsBoundary", "iam:PutUserPermissionsBoundary"}

// configPackChanges change or delete a conformance pack.
var configPackChanges = []string{"config:DeleteConformancePack", "config:PutConformancePack"}

// NamePrefix starts the name of every resource aiguard deploys: packs,
// the rule Lambda and its role, boundaries and execution roles. The
// protection SCPs match it.
const NamePrefix = "aiguard-"

// protectionStatements keep aiguard's own controls in the team's accounts
// out of reach: its conformance packs (the rules in a pack can be changed
// only through the pack), the member role the rule Lambda assumes, the
// team's boundary policy and its attachment to principals.
func (t *teamPolicy) protectionStatements() []Statement {
	boundary := t.boundaryArn()
	return []Statement{
		// One statement: each action applies to one of the resources only
		// (packs, the role, the policy), so the union means the same as
		// three statements.
		{
			Sid: "ProtectAiguard", Effect: deny,
			Action: withoutCovered(slices.Concat(configPackChanges, iamRoleChanges, iamPolicyChanges)),
			Resource: sorted(
				// Organization packs appear in member accounts under a prefixed name.
				t.arn("config", "*", "*", "conformance-pack/*"+NamePrefix+"*"),
				t.arn("iam", "", "*", "role/"+t.memberRole()),
				boundary),
		},
		// iam:PermissionsBoundary is the boundary the principal has.
		denyAll("KeepBoundary", iamBoundaryRemoval,
			Condition{}.add("ArnLike", "iam:PermissionsBoundary", boundary)),
		// Replacing the boundary with another policy removes it too.
		denyAll("OnlyTeamBoundary", iamBoundaryChange,
			Condition{}.add("ArnNotLike", "iam:PermissionsBoundary", boundary)),
	}
}

// withoutCovered returns the actions sorted, less those a wildcard of the
// list already matches (iam:DeletePolicy next to iam:Delete*).
func withoutCovered(actions []string) Strings {
	var out Strings
	for _, a := range sorted(actions...) {
		covered := false
		for _, w := range actions {
			if w != a && strings.HasSuffix(w, "*") && strings.HasPrefix(a, strings.TrimSuffix(w, "*")) {
				covered = true
				break
			}
		}
		if !covered {
			out = append(out, a)
		}
	}
	return out
}
