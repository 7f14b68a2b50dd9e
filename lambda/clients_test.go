package lambda

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/aiguard/aiguard/internal/testenv/localaws"
	"github.com/aiguard/aiguard/rules"
)

const memberRole = "arn:aws:iam::444455556666:role/aiguard-member"

// checkAssumed checks that exactly one AssumeRole call, signed with the
// function's own credentials, asked for role, and that every Config call
// was signed with the credentials it issued.
func checkAssumed(t *testing.T, hs *harness, role, region string) {
	t.Helper()
	assumed := hs.srv.CallsTo(localaws.OpAssumeRole)
	if len(assumed) != 1 {
		t.Fatalf("%d AssumeRole calls, want 1", len(assumed))
	}
	a := assumed[0]
	if a.Failed() || a.AssumeRole.RoleARN != role || a.AssumeRole.RoleSessionName != SessionName || a.AssumeRole.DurationSeconds != 900 {
		t.Errorf("AssumeRole = %+v (error %s), want %s as %s for 900s", a.AssumeRole, a.ErrorCode, role, SessionName)
	}
	if s := a.Signer; s.AccessKeyID != baseKey || s.Service != "sts" || s.Region != region || !s.Verified {
		t.Errorf("AssumeRole signed by %+v, want the function's credentials in %s", s, region)
	}
	for _, c := range hs.srv.Calls() {
		if c.Service != localaws.ServiceConfig {
			continue
		}
		if s := c.Signer; s.Role != role || s.AccessKeyID != a.AssumeRole.AccessKeyID || !strings.HasPrefix(s.AccessKeyID, "ASIA") || !s.Verified {
			t.Errorf("%s signed by %+v, want the credentials issued for %s", c.Operation, s, role)
		}
	}
}

func TestCrossAccountChange(t *testing.T) {
	hs := newHarness(t, harnessOptions{local: allowRoles(memberRole)})
	if err := hs.h.Invoke(context.Background(), event(t, "lambda:change-cross-account.json")); err != nil {
		t.Fatal(err)
	}
	checkAssumed(t, hs, memberRole, "us-east-1")
	puts := hs.srv.CallsTo(localaws.OpPutEvaluations)
	if len(puts) != 1 || aws.ToString(puts[0].PutEvaluations.ResultToken) != "member-result-token" {
		t.Fatalf("PutEvaluations = %+v", puts)
	}
	checkEval(t, puts[0].PutEvaluations.Evaluations[0], "AWS::SageMaker::NotebookInstance",
		wantEval{"scratch-notebook", "NON_COMPLIANT", "DirectInternetAccess is Enabled"}, mustTime(t, captureTime))
}

func TestCrossAccountOversized(t *testing.T) {
	hs := newHarness(t, harnessOptions{local: allowRoles(memberRole)})
	ci := hugeNotebook(mustTime(t, captureTime), "Enabled")
	ci.AccountID = "444455556666"
	hs.srv.AddConfigurationItem(ci)
	if err := hs.h.Invoke(context.Background(), event(t, "lambda:oversized-cross-account.json")); err != nil {
		t.Fatal(err)
	}
	// Both the fetch and the delivery act as the member role.
	checkAssumed(t, hs, memberRole, "us-east-1")
	if h, p := len(hs.srv.CallsTo(localaws.OpGetResourceConfigHistory)), len(hs.srv.CallsTo(localaws.OpPutEvaluations)); h != 1 || p != 1 {
		t.Errorf("%d history and %d PutEvaluations calls, want 1 and 1", h, p)
	}
}

func TestCrossAccountChinaPartition(t *testing.T) {
	role := "arn:aws-cn:iam::444455556666:role/aiguard-member"
	hs := newHarness(t, harnessOptions{region: "cn-north-1", local: allowRoles(role)})
	if err := hs.h.Invoke(context.Background(), event(t, "lambda:change-aws-cn.json")); err != nil {
		t.Fatal(err)
	}
	checkAssumed(t, hs, role, "cn-north-1")
	if s := hs.srv.CallsTo(localaws.OpPutEvaluations)[0].Signer; s.Region != "cn-north-1" {
		t.Errorf("PutEvaluations signed for %s, want cn-north-1", s.Region)
	}
}

func TestCrossAccountRoleWithPathAndRegion(t *testing.T) {
	role := "arn:aws:iam::444455556666:role/security/aiguard-member"
	hs := newHarness(t, harnessOptions{local: allowRoles(role)})
	ev := mutate(t, event(t, "lambda:change-cross-account.json"), func(_, _ map[string]any, p map[string]string) {
		p["ExecutionRoleName"] = "security/aiguard-member"
		p["ExecutionRoleRegion"] = "eu-west-1"
	})
	if err := hs.h.Invoke(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	// STS is called in the function's Region; Config in the given one.
	checkAssumed(t, hs, role, "us-east-1")
	if s := hs.srv.CallsTo(localaws.OpPutEvaluations)[0].Signer; s.Region != "eu-west-1" {
		t.Errorf("PutEvaluations signed for %s, want eu-west-1", s.Region)
	}
}

func TestClientsAndCredentialsAreReused(t *testing.T) {
	other := "arn:aws:iam::777788889999:role/aiguard-member"
	hs := newHarness(t, harnessOptions{local: allowRoles(memberRole, other)})
	ctx := context.Background()
	for range 3 {
		for _, name := range []string{"lambda:change-cross-account.json", "change-noncompliant.json"} {
			if err := hs.h.Invoke(ctx, event(t, name)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if n := len(hs.srv.CallsTo(localaws.OpAssumeRole)); n != 1 {
		t.Errorf("%d AssumeRole calls over three invocations, want 1", n)
	}
	keys := map[string]int{}
	for _, c := range hs.srv.CallsTo(localaws.OpPutEvaluations) {
		keys[c.Signer.AccessKeyID]++
	}
	if len(keys) != 2 || keys[baseKey] != 3 {
		t.Errorf("PutEvaluations signing keys = %v, want the function's key and one assumed key, 3 calls each", keys)
	}

	// Same role and Region: the same client. Another Region of the same role
	// shares its credentials; another role assumes its own.
	a, _ := hs.clients.Config(ctx, memberRole, "")
	b, _ := hs.clients.Config(ctx, memberRole, "")
	own, _ := hs.clients.Config(ctx, "", "")
	if a != b || a == own {
		t.Error("Config does not reuse clients per role and Region")
	}
	eu := mutate(t, event(t, "lambda:change-cross-account.json"), func(_, _ map[string]any, p map[string]string) { p["ExecutionRoleRegion"] = "eu-west-1" })
	if err := hs.h.Invoke(ctx, eu); err != nil {
		t.Fatal(err)
	}
	if n := len(hs.srv.CallsTo(localaws.OpAssumeRole)); n != 1 {
		t.Errorf("another Region assumed the role again (%d calls)", n)
	}
	third := mutate(t, event(t, "lambda:change-cross-account.json"), func(env, inv map[string]any, _ map[string]string) {
		env["accountId"] = "777788889999"
		inv["configurationItem"].(map[string]any)["awsAccountId"] = "777788889999"
	})
	if err := hs.h.Invoke(ctx, third); err != nil {
		t.Fatal(err)
	}
	assumed := hs.srv.CallsTo(localaws.OpAssumeRole)
	if len(assumed) != 2 || assumed[1].AssumeRole.RoleARN != other {
		t.Errorf("AssumeRole calls = %d, want a second one for %s", len(assumed), other)
	}
	last := hs.srv.CallsTo(localaws.OpPutEvaluations)
	if s := last[len(last)-1].Signer; s.Role != other {
		t.Errorf("last PutEvaluations signed as %q, want %s", s.Role, other)
	}
}

func TestAssumeRoleRefused(t *testing.T) {
	hs := newHarness(t, harnessOptions{local: allowRoles("arn:aws:iam::444455556666:role/some-other-role")})
	err := hs.h.Invoke(context.Background(), event(t, "lambda:change-cross-account.json"))
	if err == nil || !strings.Contains(err.Error(), "AccessDenied") || !strings.Contains(err.Error(), memberRole) {
		t.Fatalf("err = %v, want AccessDenied for %s", err, memberRole)
	}
	if c := hs.srv.CallsTo(localaws.OpPutEvaluations); len(c) != 0 {
		t.Errorf("PutEvaluations calls = %+v, want none: nothing may go out under the wrong identity", c)
	}
}

func TestAssumeRoleThrottlingIsRetried(t *testing.T) {
	hs := newHarness(t, harnessOptions{local: allowRoles(memberRole)})
	hs.srv.Throttle(localaws.OpAssumeRole, 1)
	if err := hs.h.Invoke(context.Background(), event(t, "lambda:change-cross-account.json")); err != nil {
		t.Fatal(err)
	}
	assumed := hs.srv.CallsTo(localaws.OpAssumeRole)
	if len(assumed) != 2 || assumed[0].ErrorCode != "Throttling" || assumed[1].Failed() {
		t.Errorf("AssumeRole calls = %+v, want one throttled and one retried", assumed)
	}
}

// TestCrossAccountEUSCPartition: a rule in the AWS European Sovereign
// Cloud, with its Region named in ExecutionRoleRegion, acts as the member
// role of that partition.
func TestCrossAccountEUSCPartition(t *testing.T) {
	role := "arn:aws-eusc:iam::444455556666:role/aiguard-member"
	hs := newHarness(t, harnessOptions{region: "eusc-de-east-1", local: allowRoles(role)})
	ev := strings.NewReplacer("aws-cn", "aws-eusc", "cn-north-1", "eusc-de-east-1").Replace(string(event(t, "lambda:change-aws-cn.json")))
	ev = string(mutate(t, []byte(ev), func(_, _ map[string]any, p map[string]string) { p["ExecutionRoleRegion"] = "eusc-de-east-1" }))
	if err := hs.h.Invoke(context.Background(), []byte(ev)); err != nil {
		t.Fatal(err)
	}
	checkAssumed(t, hs, role, "eusc-de-east-1")
	if s := hs.srv.CallsTo(localaws.OpPutEvaluations)[0].Signer; s.Region != "eusc-de-east-1" {
		t.Errorf("PutEvaluations signed for %s, want eusc-de-east-1", s.Region)
	}
}

func TestRuleRegion(t *testing.T) {
	for arn, want := range map[string]string{
		"arn:aws:config:us-east-1:111122223333:config-rule/config-rule-a1b2c3":       "us-east-1",
		"arn:aws-cn:config:cn-north-1:111122223333:config-rule/config-rule-a1b2c3":   "cn-north-1",
		"arn:aws-us-gov:config:us-gov-west-1:111122223333:config-rule/config-rule-x": "us-gov-west-1",
		"":                    "",
		"arn:aws:config":      "",
		"arn:aws:config:::x":  "",
		"not:an:arn:at:all":   "",
		"arn:aws:config:../:": "",
		"arn:aws-eusc:config:eusc-de-east-1:111122223333:config-rule/config-rule-x":   "eusc-de-east-1",
		"arn:aws-iso-f:config:us-isof-south-1:111122223333:config-rule/config-rule-x": "us-isof-south-1",
	} {
		if got := ruleRegion(arn); got != want {
			t.Errorf("ruleRegion(%q) = %q, want %q", arn, got, want)
		}
	}
}

// allowRoles lets AssumeRole grant exactly the given roles.
func allowRoles(roles ...string) localaws.Options {
	return localaws.Options{AssumableRoles: roles}
}

// made lists the services whose clients exist for the function's own role
// in its Region.
func made(c *SDKClients) []string { return c.clients.Made("", "") }

// TestClientsMadeWhenFirstNeeded: a cold start makes no client; a change
// rule makes only the Config client, a periodic rule only those of the
// services its Actions name, and a second invocation reuses them.
func TestClientsMadeWhenFirstNeeded(t *testing.T) {
	hs := periodicHarness(t, harnessOptions{})
	if got := made(hs.clients); len(got) != 0 {
		t.Fatalf("clients before the first invocation: %v", got)
	}
	if err := hs.h.Invoke(context.Background(), event(t, "change-noncompliant.json")); err != nil {
		t.Fatal(err)
	}
	if got := made(hs.clients); !slices.Equal(got, []string{"config"}) {
		t.Errorf("after a change rule: clients %v, want [config]", got)
	}
	before, _ := hs.clients.Config(context.Background(), "", "")
	for range 2 {
		if err := hs.h.Invoke(context.Background(), scheduled(t, "guardduty-ml-protection", nil)); err != nil {
			t.Fatal(err)
		}
	}
	if got := made(hs.clients); !slices.Equal(got, []string{"config", "guardduty"}) {
		t.Errorf("after guardduty-ml-protection: clients %v, want [config guardduty]", got)
	}
	if after, _ := hs.clients.Config(context.Background(), "", ""); after != before {
		t.Error("the Config client was made again")
	}
	if err := hs.h.Invoke(context.Background(), scheduled(t, "bedrock-invocation-logging", nil)); err != nil {
		t.Fatal(err)
	}
	if got := made(hs.clients); !slices.Equal(got, []string{"bedrock", "bedrock-agent", "config", "guardduty", "logs", "s3"}) {
		t.Errorf("after bedrock-invocation-logging: clients %v", got)
	}
}

func TestServicesOf(t *testing.T) {
	got := servicesOf([]string{"cloudtrail:DescribeTrails", "s3:ListAllMyBuckets", "cloudtrail:GetTrailStatus", rules.ReconcileAction, "odd"})
	if want := []string{"cloudtrail", "s3", "config"}; !slices.Equal(got, want) {
		t.Errorf("servicesOf = %v, want %v", got, want)
	}
}
