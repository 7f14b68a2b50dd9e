package policygen

import (
	"slices"
	"strings"

	"github.com/aiguard/aiguard/iampolicy"
)

// comprehendStatements allow PII and entity detection only to principals
// whose data-classification tag is among the team's allowed
// classifications. StringNotEquals is true when the principal has no tag,
// so untagged principals are denied; an empty list denies everyone.
func (t *teamPolicy) comprehendStatements() []iampolicy.Statement {
	var pii, entities []string
	if c := t.team.Comprehend; c != nil {
		pii, entities = c.PIIDetection, c.EntityDetection
	}
	key := "aws:PrincipalTag/" + t.tags.DataClassification
	cond := func(allowed []string) iampolicy.Condition {
		if len(allowed) == 0 {
			return nil
		}
		return iampolicy.Condition{}.With("StringNotEquals", key, allowed...)
	}
	if slices.Equal(sorted(pii...), sorted(entities...)) {
		return []iampolicy.Statement{denyAll("ComprehendSensitive",
			slices.Concat(t.l.comprehendPII, t.l.comprehendEntities), cond(pii))}
	}
	return []iampolicy.Statement{
		denyAll("ComprehendPii", t.l.comprehendPII, cond(pii)),
		denyAll("ComprehendEntities", t.l.comprehendEntities, cond(entities)),
	}
}

// rekognitionStatements allow facial analysis only to principals tagged
// with an approved use case, and to no one when the team has none.
func (t *teamPolicy) rekognitionStatements() []iampolicy.Statement {
	var approved []string
	if r := t.team.Rekognition; r != nil {
		approved = r.ApprovedUseCases
	}
	var cond iampolicy.Condition
	if len(approved) > 0 {
		cond = iampolicy.Condition{}.With("StringNotEquals", "aws:PrincipalTag/"+t.tags.ApprovedUseCase, approved...)
	}
	return []iampolicy.Statement{denyAll("RekognitionFaces", t.l.rekognitionFaces, cond)}
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
func (t *teamPolicy) regionStatements() []iampolicy.Statement {
	regions := t.spec.Organization.Regions
	var profiles []string
	for _, r := range regions {
		profiles = append(profiles,
			t.arn("bedrock", r, "*", "inference-profile/*"),
			t.arn("bedrock", r, "*", "application-inference-profile/*"))
	}
	return []iampolicy.Statement{
		{
			Sid: "Regions", Effect: deny,
			NotAction: sorted(slices.Concat(globalServices, bedrockInvoke)...), Resource: []string{"*"},
			Condition: iampolicy.Condition{}.With("StringNotEquals", keyRequestedRegion, regions...),
		},
		denyAll("RegionsBedrockCris", bedrockInvoke, iampolicy.Condition{}.
			With("StringNotEquals", keyRequestedRegion, regions...).
			With("ArnNotLike", keyInferenceProfile, profiles...)),
	}
}

// configPackChanges change or delete a conformance pack.
var configPackChanges = []string{"config:DeleteConformancePack", "config:PutConformancePack"}

// NamePrefix starts the name of every resource aiguard deploys: packs,
// the rule Lambda and its role, boundaries and execution roles. The
// protection SCPs match it, so names with it are reserved to aiguard's
// deployment.
const NamePrefix = "aiguard-"

// Services that may be passed a team's roles: SageMaker runs jobs,
// endpoints and notebooks with them, Bedrock customization, batch
// inference, model import and knowledge-base ingestion.
var passRoleServices = []string{"bedrock.amazonaws.com", "sagemaker.amazonaws.com"}

// iamStatements keep the team's principals inside the boundary and off
// the tags that decide access: every role or user the team creates or
// gives permissions must carry the team's boundary; only the team's own
// aiguard roles may be passed to SageMaker and Bedrock; and the spec's
// governed tag keys cannot be set or removed on roles, users or sessions.
func (t *teamPolicy) iamStatements() []iampolicy.Statement {
	boundary := t.boundaryArn()
	return []iampolicy.Statement{
		// iam:PermissionsBoundary is the boundary the principal created or
		// changed has, or will have; absent when it has none.
		denyAll("RequireBoundary", t.l.boundaryRequired,
			iampolicy.Condition{}.With("ArnNotLike", keyPermissionsBoundary, boundary)),
		{
			Sid: "PassTeamRolesOnly", Effect: deny, Action: []string{"iam:PassRole"},
			NotResource: []string{t.teamRoles()},
			Condition:   iampolicy.Condition{}.With("StringEquals", keyPassedToService, passRoleServices...),
		},
		// Tag keys are case-insensitive in IAM: Data-Classification is the
		// same tag as data-classification.
		denyAll("GovernedTags", t.l.principalTagging,
			iampolicy.Condition{}.With("ForAnyValue:StringEqualsIgnoreCase", keyTagKeys, t.governedTags()...)),
	}
}

// teamRoles matches the team's aiguard roles in any of its accounts: the
// SageMaker execution roles, and the service roles the platform makes
// under the same prefix (Bedrock jobs). Only aiguard's deployment can
// create roles with the prefix.
func (t *teamPolicy) teamRoles() string {
	return t.arn("iam", "", "*", "role/"+NamePrefix+t.team.Name+"-*")
}

// governedTags are the tag keys whose values on principals decide access:
// the team, the data classification (Comprehend) and the approved use
// case (Rekognition).
func (t *teamPolicy) governedTags() []string {
	return []string{t.tags.Team, t.tags.DataClassification, t.tags.ApprovedUseCase}
}

// withoutCovered returns the actions sorted, less those a wildcard of the
// list already matches (iam:DeletePolicy next to iam:Delete*).
func withoutCovered(actions []string) []string {
	var out []string
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
