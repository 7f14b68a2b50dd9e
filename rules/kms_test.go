package rules

import (
	"strings"
	"testing"

	"github.com/aiguard/aiguard/iampolicy"
)

// keyPolicy builds a key policy document from statements, as a JSON string.
func keyPolicy(statements ...string) string {
	return `{"Version":"2012-10-17","Id":"key-policy","Statement":[` + strings.Join(statements, ",") + `]}`
}

const (
	rootAdmin = `{"Sid":"EnableIAMUserPermissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},
		"Action":"kms:*","Resource":"*"}`
	lambdaViaService = `{"Sid":"ViaLambda","Effect":"Allow","Principal":{"AWS":"*"},
		"Action":["kms:Encrypt","kms:Decrypt","kms:ReEncrypt*","kms:GenerateDataKey*","kms:CreateGrant","kms:DescribeKey"],
		"Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"111122223333","kms:ViaService":"lambda.us-east-1.amazonaws.com"}}}`
)

// wildcardAllow builds an Allow statement for Principal "*" with the given
// action element (JSON) and condition (JSON, or "" for none).
func wildcardAllow(action, condition string) string {
	s := `{"Sid":"Open","Effect":"Allow","Principal":"*","Action":` + action + `,"Resource":"*"`
	if condition != "" {
		s += `,"Condition":` + condition
	}
	return s + `}`
}

func TestKMSKeyPolicyRestricted(t *testing.T) {
	type keyCase struct {
		name       string
		cfg        map[string]any // merged over a customer managed symmetric key
		tags       map[string]string
		supp       map[string]any // replaces the default supplementary configuration
		params     map[string]string
		want       Compliance
		annotation string
	}
	withPolicy := func(policy any, rotation any) map[string]any {
		return map[string]any{"Policy": policy, "KeyRotationStatus": rotation}
	}
	tests := []keyCase{
		{name: "root admin only, rotation on", supp: withPolicy(keyPolicy(rootAdmin), true), want: Compliant},
		{name: "wildcard tied to caller account and service", supp: withPolicy(keyPolicy(rootAdmin, lambdaViaService), true), want: Compliant},
		{name: "rotation as a string", supp: withPolicy(keyPolicy(rootAdmin), "true"), want: Compliant},
		{name: "policy as an object", supp: withPolicy(map[string]any{"Statement": []any{map[string]any{
			"Effect": "Allow", "Principal": map[string]any{"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*"}}}, true), want: Compliant},
		{name: "org condition on a kms:* grant", supp: withPolicy(keyPolicy(wildcardAllow(`"kms:*"`,
			`{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}`)), true), want: Compliant},
		{name: "principal ARN pattern within the account", supp: withPolicy(keyPolicy(wildcardAllow(`"kms:Decrypt"`,
			`{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/ml-*"}}`)), true), want: Compliant},
		{name: "IfExists on an always-present key", supp: withPolicy(keyPolicy(wildcardAllow(`"kms:Decrypt"`,
			`{"StringEqualsIfExists":{"kms:CallerAccount":"111122223333"}}`)), true), want: Compliant},
		{name: "ForAnyValue on the org ID", supp: withPolicy(keyPolicy(wildcardAllow(`"kms:Decrypt"`,
			`{"ForAnyValue:StringEquals":{"aws:PrincipalOrgID":["o-a1b2c3d4e5"]}}`)), true), want: Compliant},
		{name: "condition key in another case", supp: withPolicy(keyPolicy(wildcardAllow(`"kms:Decrypt"`,
			`{"StringEquals":{"KMS:CallerAccount":"111122223333"}}`)), true), want: Compliant},
		{name: "source account for a service", supp: withPolicy(keyPolicy(wildcardAllow(`"kms:Decrypt"`,
			`{"StringEquals":{"aws:SourceAccount":"111122223333"}}`)), true), want: Compliant},
		{name: "principal account", supp: withPolicy(keyPolicy(wildcardAllow(`"kms:Decrypt"`,
			`{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}`)), true), want: Compliant},
		{name: "organization path", supp: withPolicy(keyPolicy(wildcardAllow(`"kms:Decrypt"`,
			`{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":["o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"]}}`)), true), want: Compliant},
		{name: "source organization", supp: withPolicy(keyPolicy(wildcardAllow(`"kms:Decrypt"`,
			`{"StringEquals":{"aws:SourceOrgID":"o-a1b2c3d4e5"}}`)), true), want: Compliant},
		{name: "wildcard grant of other actions only", supp: withPolicy(keyPolicy(wildcardAllow(`["kms:Encrypt","kms:GenerateDataKey*","kms:DescribeKey"]`, "")), true), want: Compliant},
		{name: "NotAction excluding every sensitive action", supp: withPolicy(keyPolicy(
			`{"Effect":"Allow","Principal":"*","NotAction":["kms:Decrypt*","kms:Create*","kms:Put*"],"Resource":"*"}`), true), want: Compliant},
		{name: "deny outside the organization guards the grant", supp: withPolicy(keyPolicy(wildcardAllow(`"kms:*"`, ""),
			`{"Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}`), true), want: Compliant},
		{name: "asymmetric key needs no rotation", cfg: map[string]any{"keySpec": "RSA_2048", "keyUsage": "SIGN_VERIFY"},
			supp: withPolicy(keyPolicy(rootAdmin), nil), want: Compliant},
		{name: "HMAC key needs no rotation", cfg: map[string]any{"keySpec": "HMAC_256", "keyUsage": "GENERATE_VERIFY_MAC"},
			supp: withPolicy(keyPolicy(rootAdmin), false), want: Compliant},
		{name: "old CI with only customerMasterKeySpec", cfg: map[string]any{"keySpec": nil, "customerMasterKeySpec": "ECC_NIST_P256"},
			supp: withPolicy(keyPolicy(rootAdmin), nil), want: Compliant},
		{name: "imported key material", cfg: map[string]any{"origin": "EXTERNAL"}, supp: withPolicy(keyPolicy(rootAdmin), false), want: Compliant},
		{name: "custom key store", cfg: map[string]any{"origin": "AWS_CLOUDHSM", "customKeyStoreId": "cks-1234567890abcdef0"},
			supp: withPolicy(keyPolicy(rootAdmin), false), want: Compliant},
		{name: "disabled key: policy only", cfg: map[string]any{"keyState": "Disabled", "enabled": false},
			supp: withPolicy(keyPolicy(rootAdmin), false), want: Compliant},
		{name: "rotation not required", params: map[string]string{"requireRotation": "false"},
			supp: withPolicy(keyPolicy(rootAdmin), false), want: Compliant},

		{name: "kms:* to everyone", supp: withPolicy(keyPolicy(rootAdmin, wildcardAllow(`"kms:*"`, "")), true),
			want: NonCompliant, annotation: `statement "Open" allows kms:Decrypt and kms:CreateGrant to Principal "*"`},
		{name: "star action to AWS star", supp: withPolicy(keyPolicy(
			`{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":"*","Resource":"*"}`), true),
			want: NonCompliant, annotation: "statement 1 allows kms:Decrypt and kms:CreateGrant"},
		{name: "Decrypt wildcard", supp: withPolicy(keyPolicy(wildcardAllow(`"kms:Decrypt*"`, "")), true),
			want: NonCompliant, annotation: "allows kms:Decrypt to"},
		{name: "action in another case", supp: withPolicy(keyPolicy(wildcardAllow(`"KMS:CREATEGRANT"`, "")), true),
			want: NonCompliant, annotation: "allows kms:CreateGrant to"},
		{name: "NotAction leaves Decrypt", supp: withPolicy(keyPolicy(
			`{"Effect":"Allow","Principal":"*","NotAction":"kms:Encrypt","Resource":"*"}`), true),
			want: NonCompliant, annotation: "allows kms:Decrypt and kms:CreateGrant"},
		{name: "NotPrincipal allow", supp: withPolicy(keyPolicy(
			`{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:role/x"},"Action":"kms:Decrypt","Resource":"*"}`), true),
			want: NonCompliant, annotation: "everyone outside NotPrincipal"},
		{name: "negated org condition in the allow", supp: withPolicy(keyPolicy(wildcardAllow(`"kms:Decrypt"`,
			`{"StringNotEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}`)), true), want: NonCompliant, annotation: "with no condition limiting the callers"},
		{name: "IfExists on the org ID", supp: withPolicy(keyPolicy(wildcardAllow(`"kms:Decrypt"`,
			`{"StringEqualsIfExists":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}`)), true), want: NonCompliant, annotation: "allows kms:Decrypt"},
		{name: "ForAllValues on the org ID", supp: withPolicy(keyPolicy(wildcardAllow(`"kms:Decrypt"`,
			`{"ForAllValues:StringEquals":{"aws:PrincipalOrgID":["o-a1b2c3d4e5"]}}`)), true), want: NonCompliant, annotation: "allows kms:Decrypt"},
		{name: "wildcard org ID", supp: withPolicy(keyPolicy(wildcardAllow(`"kms:Decrypt"`,
			`{"StringLike":{"aws:PrincipalOrgID":"o-*"}}`)), true), want: NonCompliant, annotation: "allows kms:Decrypt"},
		{name: "principal ARN in any account", supp: withPolicy(keyPolicy(wildcardAllow(`"kms:Decrypt"`,
			`{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/ml"}}`)), true), want: NonCompliant, annotation: "allows kms:Decrypt"},
		{name: "any organization path", supp: withPolicy(keyPolicy(wildcardAllow(`"kms:Decrypt"`,
			`{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":["o-*/*"]}}`)), true), want: NonCompliant, annotation: "allows kms:Decrypt"},
		{name: "unrelated condition", supp: withPolicy(keyPolicy(wildcardAllow(`"kms:Decrypt"`,
			`{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`)), true), want: NonCompliant, annotation: "allows kms:Decrypt"},
		{name: "empty condition values", supp: withPolicy(keyPolicy(wildcardAllow(`"kms:Decrypt"`,
			`{"StringEquals":{"kms:CallerAccount":[]}}`)), true), want: NonCompliant, annotation: "allows kms:Decrypt"},
		{name: "deny guard for other actions only", supp: withPolicy(keyPolicy(wildcardAllow(`"kms:*"`, ""),
			`{"Effect":"Deny","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}`), true),
			want: NonCompliant, annotation: "allows kms:CreateGrant to"},
		{name: "deny guard with a wildcard value", supp: withPolicy(keyPolicy(wildcardAllow(`"kms:*"`, ""),
			`{"Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"StringNotLike":{"aws:PrincipalOrgID":"o-*"}}}`), true),
			want: NonCompliant, annotation: "allows kms:Decrypt and kms:CreateGrant"},
		{name: "rotation off", supp: withPolicy(keyPolicy(rootAdmin), false), want: NonCompliant, annotation: "automatic key rotation is off"},
		{name: "rotation off as a string", supp: withPolicy(keyPolicy(rootAdmin), "false"), want: NonCompliant, annotation: "rotation is off"},
		{name: "rotation not recorded", supp: map[string]any{"Policy": keyPolicy(rootAdmin)}, want: NonCompliant, annotation: "no KeyRotationStatus"},
		{name: "rotation of the wrong type", supp: withPolicy(keyPolicy(rootAdmin), []any{true}), want: NonCompliant, annotation: "no KeyRotationStatus"},
		{name: "replica with rotation off", cfg: map[string]any{"multiRegion": true,
			"multiRegionConfiguration": map[string]any{"multiRegionKeyType": "REPLICA"}},
			supp: withPolicy(keyPolicy(rootAdmin), false), want: NonCompliant, annotation: "on the primary key"},
		{name: "wildcard grant and rotation off", supp: withPolicy(keyPolicy(wildcardAllow(`"kms:Decrypt"`, "")), false),
			want: NonCompliant, annotation: "allows kms:Decrypt to Principal \"*\" with no condition limiting the callers; automatic key rotation is off"},
		{name: "disabled key with a wildcard grant", cfg: map[string]any{"keyState": "Disabled"},
			supp: withPolicy(keyPolicy(wildcardAllow(`"kms:*"`, "")), false), want: NonCompliant, annotation: "allows kms:Decrypt"},
		{name: "no key policy", supp: map[string]any{"KeyRotationStatus": true}, want: NonCompliant, annotation: "carries no key policy"},
		{name: "key policy not JSON", supp: withPolicy("{not json", true), want: NonCompliant, annotation: "cannot be read"},
		{name: "key policy a list", supp: withPolicy([]any{"x"}, true), want: NonCompliant, annotation: "cannot be read"},
		{name: "key policy without statements", supp: withPolicy(`{"Version":"2012-10-17"}`, true), want: NonCompliant, annotation: "no Statement"},

		{name: "AWS managed key", cfg: map[string]any{"keyManager": "AWS"}, supp: withPolicy(keyPolicy(wildcardAllow(`"kms:*"`, "")), nil),
			want: NotApplicable, annotation: "AWS managed key"},
		{name: "untagged key", tags: map[string]string{"team": "ml"}, supp: withPolicy(keyPolicy(wildcardAllow(`"kms:*"`, "")), false),
			want: NotApplicable, annotation: "Not an ML key: it has no ml-data tag"},
		{name: "custom tag key", tags: map[string]string{"ai:data": "y"}, params: map[string]string{"mlTagKey": "ai:data"},
			supp: withPolicy(keyPolicy(rootAdmin), false), want: NonCompliant, annotation: "rotation is off"},
		{name: "pending deletion", cfg: map[string]any{"keyState": "PendingDeletion", "enabled": false, "deletionDate": 1778888999000},
			supp: withPolicy(keyPolicy(wildcardAllow(`"kms:*"`, "")), false), want: NotApplicable, annotation: "scheduled for deletion"},
		{name: "replica pending deletion", cfg: map[string]any{"keyState": "PendingReplicaDeletion"},
			supp: withPolicy(keyPolicy(rootAdmin), false), want: NotApplicable, annotation: "PendingReplicaDeletion"},
		{name: "no supplementaryConfiguration at all", supp: map[string]any{}, want: NotApplicable, annotation: "no supplementaryConfiguration"},
	}
	r := dataRule(t, "kms-ml-key-policy-restricted")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := map[string]any{
				"keyId":                 "1234abcd-12ab-34cd-56ef-1234567890ab",
				"arn":                   testKeyARN,
				"enabled":               true,
				"keyUsage":              "ENCRYPT_DECRYPT",
				"keyState":              "Enabled",
				"origin":                "AWS_KMS",
				"keyManager":            "CUSTOMER",
				"customerMasterKeySpec": "SYMMETRIC_DEFAULT",
				"keySpec":               "SYMMETRIC_DEFAULT",
				"multiRegion":           false,
			}
			for k, v := range tt.cfg {
				cfg[k] = v
			}
			tags := tt.tags
			if tags == nil {
				tags = map[string]string{"ml-data": "models"}
			}
			item := dataCI(t, typeKMSKey, "1234abcd-12ab-34cd-56ef-1234567890ab", tags, cfg, tt.supp)
			ev := r.Evaluate(item, dataParams(t, r, tt.params))
			if ev.Compliance != tt.want || !strings.Contains(ev.Annotation, tt.annotation) {
				t.Errorf("got %s %q; want %s with %q", ev.Compliance, ev.Annotation, tt.want, tt.annotation)
			}
		})
	}
}

func TestConcreteCallerValues(t *testing.T) {
	tests := []struct {
		op, key string
		values  []string
		want    bool
	}{
		{"stringequals", "aws:principalorgid", []string{"o-*"}, true}, // literal comparison
		{"stringlike", "aws:principalorgid", []string{"o-*"}, false},
		{"stringlike", "aws:principalorgid", []string{"o-a1b2c3d4e5"}, true},
		{"arnlike", "aws:principalarn", []string{"arn:aws:iam::111122223333:role/*"}, true},
		{"arnlike", "aws:principalarn", []string{"arn:aws:iam::11112222333?:role/x"}, false},
		{"arnlike", "aws:principalarn", []string{"arn:aws:iam:::role/x"}, false},
		{"arnlike", "aws:principalarn", []string{"*"}, false},
		{"arnequals", "aws:principalarn", []string{"arn:aws:iam::111122223333:role/a", "arn:aws:iam::*:role/b"}, false},
		{"stringlike", "kms:viaservice", []string{"s3.*.amazonaws.com"}, false},
		{"stringequals", "kms:calleraccount", []string{" "}, false},
		{"stringlike", "aws:principalorgpaths", []string{"o-a1b2c3d4e5/*"}, true},
		{"stringlike", "aws:principalorgpaths", []string{"*/r-ab12/*"}, false},
	}
	for _, tt := range tests {
		op, _ := iampolicy.ParseOperator(tt.op)
		c := keyTest{op: op, key: tt.key, values: tt.values}
		if got := concreteCallerValues(c); got != tt.want {
			t.Errorf("concreteCallerValues(%s %s %v) = %v, want %v", tt.op, tt.key, tt.values, got, tt.want)
		}
	}
}
