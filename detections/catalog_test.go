package detections

import (
	"encoding/json"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aiguard/aiguard/asff"
	"github.com/aiguard/aiguard/cloudtrail"
	"github.com/aiguard/aiguard/internal/testenv/ctgen"
	"github.com/aiguard/aiguard/internal/testenv/refdata"
)

// The detection IDs are permanent: the issue that introduced them fixed them.
var wantIDs = []string{
	"bedrock-guardrail-weakened", "bedrock-invocation-spike", "bedrock-logging-disabled", "bedrock-model-access-change",
	"bedrock-model-enumeration", "ml-access-denied-burst", "ml-detection-tampering", "ml-model-artifact-download",
	"sagemaker-bulk-endpoint-creation", "sagemaker-off-hours-training", "sagemaker-presigned-url-unexpected-source",
}

func TestCatalog(t *testing.T) {
	reg := Catalog()
	if got := reg.IDs(); !slices.Equal(got, wantIDs) {
		t.Fatalf("IDs %v, want %v", got, wantIDs)
	}
	namespaces := regexp.MustCompile(`^(Software and Configuration Checks|TTPs|Effects|Unusual Behaviors|Sensitive Data Identifications)/[A-Za-z ]+$`)
	for _, d := range reg.All() {
		for _, typ := range d.Types {
			if !namespaces.MatchString(typ) {
				t.Errorf("%s: finding type %q is not namespace/category", d.ID, typ)
			}
		}
		if d.SingleEvent() {
			if d.EventPattern(&Config{ProtectedRoles: []string{"r"}, ProtectedFunctions: []string{"f"}}, nil) == nil {
				t.Errorf("%s: no event pattern", d.ID)
			}
			continue
		}
		if _, err := d.FilterPattern(); err != nil {
			t.Errorf("%s: %v", d.ID, err)
		}
		if rules, err := d.InsightRules(&Config{}, "org-trail"); err != nil || len(rules) != 2 {
			t.Errorf("%s: %d Contributor Insights rules, %v", d.ID, len(rules), err)
		}
	}
}

func TestRegistryRejects(t *testing.T) {
	ok := func() *Detection {
		return &Detection{
			ID: "x-y", Title: "t", Description: "d", Control: "c", Remediation: "r", Trail: "tr", Severity: "LOW",
			Technique: Technique{"T1078", "Valid Accounts"}, Types: []string{"TTPs/Discovery"},
			Selectors: []Selector{{Sources: []string{"s3.amazonaws.com"}}},
		}
	}
	for name, mutate := range map[string]func(d *Detection){
		"bad ID":         func(d *Detection) { d.ID = "X_Y" },
		"no title":       func(d *Detection) { d.Title = "" },
		"bad severity":   func(d *Detection) { d.Severity = "SEVERE" },
		"bad technique":  func(d *Detection) { d.Technique.ID = "1078" },
		"no selectors":   func(d *Detection) { d.Selectors = nil },
		"no sources":     func(d *Detection) { d.Selectors = []Selector{{}} },
		"no types":       func(d *Detection) { d.Types = nil },
		"bad op":         func(d *Detection) { d.Selectors[0].Conditions = []Condition{{Field: "a", Op: "like"}} },
		"no values":      func(d *Detection) { d.Selectors[0].Conditions = []Condition{{Field: "a", Op: OpEquals}} },
		"unknown list":   func(d *Detection) { d.Selectors[0].Conditions = []Condition{{Field: "a", Op: OpEquals, Param: "nope"}} },
		"check, no text": func(d *Detection) { d.Check = func(*Event) Verdict { return Verdict{} } },
		"rate with check": func(d *Detection) {
			d.Rate = &Rate{1, time.Minute, KeyPrincipal}
			d.Check, d.CheckText = func(*Event) Verdict { return Verdict{} }, "x"
		},
		"rate in seconds": func(d *Detection) { d.Rate = &Rate{1, 30 * time.Second, KeyPrincipal} },
		"rate per what":   func(d *Detection) { d.Rate = &Rate{1, time.Minute, "team"} },
	} {
		d := ok()
		mutate(d)
		if _, err := NewRegistry(d); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := NewRegistry(ok(), ok()); err == nil {
		t.Error("a duplicate ID was accepted")
	}
	if _, err := NewRegistry(ok()); err != nil {
		t.Errorf("a valid detection: %v", err)
	}
}

// TestEventNamesExist checks every event name the catalog matches against
// the operations of the AWS API models botocore ships (the development
// tool aws-api-model prints them); a few names are not API operations.
func TestEventNamesExist(t *testing.T) {
	tool := refdata.Tool(t, "aws-api-model")
	notOperations := map[string]string{
		"PutFoundationModelEntitlement": "recorded when model access is enabled in the Bedrock console; no public API",
	}
	models := map[string][]string{
		"bedrock.amazonaws.com": {"bedrock", "bedrock-runtime"},
		"lambda.amazonaws.com":  {"lambda"},
	}
	ops := map[string]map[string]bool{}
	load := func(service string) map[string]bool {
		if m, ok := ops[service]; ok {
			return m
		}
		out, err := exec.Command(tool, service).Output()
		if err != nil {
			t.Skipf("aws-api-model %s: %v (botocore missing?); skipping", service, err)
		}
		m := map[string]bool{}
		for _, line := range strings.Fields(string(out)) {
			m[line] = true
		}
		ops[service] = m
		return m
	}
	lambdaVersion := regexp.MustCompile(`20150331(v2)?$`)
	for _, d := range Catalog().All() {
		for _, s := range d.Selectors {
			for _, src := range s.Sources {
				services := models[src]
				if services == nil {
					services = []string{strings.TrimSuffix(src, ".amazonaws.com")}
				}
				for _, name := range s.Names {
					if notOperations[name] != "" {
						continue
					}
					op := lambdaVersion.ReplaceAllString(name, "")
					found := false
					for _, svc := range services {
						found = found || load(svc)[op]
					}
					if !found {
						t.Errorf("%s: %s %s is not an operation of %v", d.ID, src, name, services)
					}
				}
			}
		}
	}
}

// record builds a record from a ctgen call, through the real decoder.
func record(t *testing.T, g *ctgen.Generator, c ctgen.Call) *cloudtrail.Record {
	t.Helper()
	r, err := cloudtrail.ParseRecord(ctgen.JSON(g.Record(c)))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func testConfig() *Config {
	return &Config{
		AllowedCIDRs: []string{"10.0.0.0/8", "2001:db8::/32"}, AllowedVPCEndpoints: []string{"vpce-0a1b2c3d4e5f60099"},
		WorkingHours:   &Hours{Start: "08:00", End: "18:00", Days: []string{"mon", "tue", "wed", "thu", "fri"}, TimeZone: "UTC"},
		ProtectedRoles: []string{"aiguard-config-rules-member"}, ProtectedFunctions: []string{"aiguard-config-rules", "*:function:aiguard-config-rules"},
		TeamTagKey: "aiguard-team", RolePrefix: "aiguard-",
		Teams: []Team{
			{Name: "payments-risk", Accounts: []string{ctgen.AcctPayments}, ExecutionRoles: []string{"aiguard-payments-risk-sagemaker-inference", "reporting"},
				DataLocations: []string{"s3://" + ctgen.BucketPaymentsModels + "/fraud/"},
				WorkingHours:  &Hours{Start: "07:00", End: "22:00", Days: []string{"mon", "tue", "wed", "thu", "fri", "sat"}, TimeZone: "Europe/London"}},
			{Name: "research", Disabled: []string{"bedrock-guardrail-weakened"}},
		},
	}
}

// TestChecks judges single events of every detection with a check.
func TestChecks(t *testing.T) {
	g := ctgen.New(1)
	cfg := testConfig()
	if err := cfg.Prepare(); err != nil {
		t.Fatal(err)
	}
	reg := Catalog()
	base := ctgen.Base // a Tuesday, 14:00 UTC
	tests := []struct {
		name, det string
		call      ctgen.Call
		want      bool
		reason    string
	}{
		{"weak guardrail", "bedrock-guardrail-weakened", ctgen.Call{Principal: ctgen.Attacker, Source: "bedrock.amazonaws.com", Name: "UpdateGuardrail",
			Params: map[string]any{"guardrailIdentifier": "g1", "contentPolicyConfig": map[string]any{"filtersConfig": []any{}}}}, true, "no PROMPT_ATTACK filter"},
		{"guardrail without parameters", "bedrock-guardrail-weakened", ctgen.Call{Principal: ctgen.Attacker, Source: "bedrock.amazonaws.com", Name: "UpdateGuardrail"}, false, ""},
		{"guardrail in a team that turns it off", "bedrock-guardrail-weakened", ctgen.Call{Principal: ctgen.Attacker, Source: "bedrock.amazonaws.com", Name: "DeleteGuardrail",
			Recipient: ctgen.AcctResearch}, true, "deleted"},
		{"logging to nowhere", "bedrock-logging-disabled", ctgen.Call{Principal: ctgen.Attacker, Source: "bedrock.amazonaws.com", Name: "PutModelInvocationLoggingConfiguration",
			Params: map[string]any{"loggingConfig": map[string]any{"textDataDeliveryEnabled": true}}}, true, "no CloudWatch Logs or S3 destination"},
		{"presign from an AWS service", "sagemaker-presigned-url-unexpected-source", ctgen.Call{Principal: ctgen.Service(ctgen.AcctPayments, "sagemaker.amazonaws.com"),
			Source: "sagemaker.amazonaws.com", Name: "CreatePresignedDomainUrl"}, false, ""},
		{"presign from IPv6 inside", "sagemaker-presigned-url-unexpected-source", ctgen.Call{Principal: ctgen.PaymentsAnalyst, Source: "sagemaker.amazonaws.com",
			Name: "CreatePresignedNotebookInstanceUrl", SourceIP: "2001:db8::7"}, false, ""},
		{"presign through another endpoint", "sagemaker-presigned-url-unexpected-source", ctgen.Call{Principal: ctgen.PaymentsAnalyst, Source: "sagemaker.amazonaws.com",
			Name: "CreatePresignedNotebookInstanceUrl", SourceIP: "198.51.100.1", VPCEndpoint: "vpce-0123456789abcdef0"}, true, "vpce-0123456789abcdef0, which is not allowed"},
		{"artifact read by an extra reader", "ml-model-artifact-download", ctgen.Call{Principal: ctgen.Role(ctgen.AcctPayments, "reporting", "s"), Source: "s3.amazonaws.com",
			Name: "GetObject", Params: map[string]any{"bucketName": ctgen.BucketPaymentsModels, "key": "fraud/v7/model.tar.gz"}}, false, ""},
		{"artifact read by a user", "ml-model-artifact-download", ctgen.Call{Principal: ctgen.User(ctgen.AcctOutside, "mallory"), Source: "s3.amazonaws.com",
			Name: "GetObject", Params: map[string]any{"bucketName": ctgen.BucketPaymentsModels, "key": "fraud/v7/model.tar.gz"}, Recipient: ctgen.AcctPayments}, true, "team payments-risk's data"},
		{"job on a Saturday in London hours", "sagemaker-off-hours-training", ctgen.Call{Principal: ctgen.PaymentsAnalyst, Time: base.Add(4 * 24 * time.Hour),
			Source: "sagemaker.amazonaws.com", Name: "CreateProcessingJob"}, false, ""},
		{"job of a tagged team at night", "sagemaker-off-hours-training", ctgen.Call{Principal: ctgen.ResearchScientist, Time: base.Add(9 * time.Hour),
			Source: "sagemaker.amazonaws.com", Name: "CreateHyperParameterTuningJob",
			Params: map[string]any{"tags": []any{map[string]any{"key": "aiguard-team", "value": "payments-risk"}}}}, true, "team payments-risk's working hours"},
		{"job of no team at night", "sagemaker-off-hours-training", ctgen.Call{Principal: ctgen.ResearchScientist, Time: base.Add(9 * time.Hour),
			Source: "sagemaker.amazonaws.com", Name: "CreateTrainingJob"}, true, "the organization's working hours 08:00-18:00"},
		{"event selectors without data events", "ml-detection-tampering", ctgen.Call{Principal: ctgen.Attacker, Source: "cloudtrail.amazonaws.com", Name: "PutEventSelectors",
			Params: map[string]any{"trailName": "org", "eventSelectors": []any{map[string]any{"readWriteType": "All", "includeManagementEvents": true}}}}, true, "no S3 object or Bedrock data events"},
		{"event selectors keeping S3 objects", "ml-detection-tampering", ctgen.Call{Principal: ctgen.Attacker, Source: "cloudtrail.amazonaws.com", Name: "PutEventSelectors",
			Params: map[string]any{"trailName": "org", "eventSelectors": []any{map[string]any{"dataResources": []any{map[string]any{"type": "AWS::S3::Object", "values": []any{"arn:aws:s3"}}}}}}}, false, ""},
		{"the rule Lambda's code by ARN", "ml-detection-tampering", ctgen.Call{Principal: ctgen.Attacker, Source: "lambda.amazonaws.com", Name: "UpdateFunctionCode20150331v2",
			Params: map[string]any{"functionName": "arn:aws:lambda:us-east-1:222222222222:function:aiguard-config-rules"}}, true, "UpdateFunctionCode20150331v2 on"},
		{"a conformance pack of aiguard's", "ml-detection-tampering", ctgen.Call{Principal: ctgen.Attacker, Source: "config.amazonaws.com", Name: "PutConformancePack",
			Params: map[string]any{"conformancePackName": "OrgConformsPack-aiguard-payments-risk-x1y2"}}, true, "OrgConformsPack-aiguard"},
		{"a failed tampering attempt", "ml-detection-tampering", ctgen.Call{Principal: ctgen.Attacker, Source: "cloudtrail.amazonaws.com", Name: "StopLogging",
			ErrorCode: "AccessDenied"}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.call.Time.IsZero() {
				tt.call.Time = base
			}
			d, _ := reg.Get(tt.det)
			h, ok := d.Match(NewEvent(record(t, g, tt.call), cfg))
			if ok != tt.want || !strings.Contains(h.Reason, tt.reason) {
				t.Errorf("match %v (%q), want %v (%q)", ok, h.Reason, tt.want, tt.reason)
			}
		})
	}
	// Turned off for research's account.
	d, _ := reg.Get("bedrock-guardrail-weakened")
	r := record(t, g, ctgen.Call{Principal: ctgen.Role(ctgen.AcctResearch, "x", "s"), Time: base, Source: "bedrock.amazonaws.com", Name: "DeleteGuardrail"})
	cfg.Teams[1].Accounts = []string{ctgen.AcctResearch}
	if _, ok := d.Match(NewEvent(r, cfg)); ok {
		t.Error("a detection the team turns off fired in its account")
	}
	// Insights events carry an API name but are not calls.
	r.EventType = "AwsCloudTrailInsight"
	cfg.Teams[1].Accounts = nil
	if _, ok := d.Match(NewEvent(r, cfg)); ok {
		t.Error("an Insights event matched")
	}
}

func TestEnabledForTeams(t *testing.T) {
	d, _ := Catalog().Get("bedrock-model-access-change")
	cfg := &Config{
		Settings: map[string]Settings{d.ID: {Disabled: true}},
		Teams:    []Team{{Name: "a", Accounts: []string{"111111111111"}, Enabled: []string{d.ID}}, {Name: "b", Accounts: []string{"222222222222"}}},
	}
	if !cfg.Enabled(d) || !cfg.EnabledFor(d, &cfg.Teams[0]) || cfg.EnabledFor(d, &cfg.Teams[1]) || cfg.EnabledFor(d, nil) {
		t.Error("a detection off for the organization runs only for the teams that turn it on")
	}
	g := ctgen.New(2)
	for acct, want := range map[string]bool{"111111111111": true, "222222222222": false, "333333333333": false} {
		r := record(t, g, ctgen.Call{Principal: ctgen.User(acct, "u"), Time: ctgen.Base, Source: "bedrock.amazonaws.com", Name: "PutUseCaseForModelAccess"})
		if _, ok := d.Match(NewEvent(r, cfg)); ok != want {
			t.Errorf("account %s: match %v, want %v", acct, ok, want)
		}
	}
}

func TestConfigPrepare(t *testing.T) {
	for name, cfg := range map[string]*Config{
		"bad CIDR":         {AllowedCIDRs: []string{"10.0.0.0/33"}},
		"bad time zone":    {WorkingHours: &Hours{Start: "08:00", End: "18:00", Days: []string{"mon"}, TimeZone: "Mars/Olympus"}},
		"end before start": {WorkingHours: &Hours{Start: "18:00", End: "08:00", Days: []string{"mon"}}},
		"bad day":          {Teams: []Team{{Name: "t", WorkingHours: &Hours{Start: "08:00", End: "18:00", Days: []string{"funday"}}}}},
		"bad clock":        {WorkingHours: &Hours{Start: "8:00", End: "18:00", Days: []string{"mon"}}},
		"no days":          {WorkingHours: &Hours{Start: "08:00", End: "18:00"}},
		"bad location":     {Teams: []Team{{Name: "t", DataLocations: []string{"bucket/prefix"}}}},
		"bad rate key":     {Settings: map[string]Settings{"x": {By: "team"}}},
	} {
		if err := cfg.Prepare(); err == nil {
			t.Errorf("%s: prepared", name)
		}
	}
	ok := testConfig()
	if err := ok.Prepare(); err != nil {
		t.Errorf("a valid configuration: %v", err)
	}
	b, err := json.Marshal(Config{Settings: map[string]Settings{"x": {Window: Duration(90 * time.Minute)}}})
	if err != nil || !strings.Contains(string(b), `"window":"1h30m"`) {
		t.Errorf("settings JSON %s %v", b, err)
	}
	var back Config
	if err := json.Unmarshal(b, &back); err != nil || back.Settings["x"].Window != Duration(90*time.Minute) {
		t.Errorf("round trip %+v %v", back, err)
	}
}

func TestWildcard(t *testing.T) {
	for _, tt := range []struct {
		pattern, s string
		want       bool
	}{
		{"*aiguard-*", "OrgConformsPack-aiguard-team-x", true},
		{"*aiguard-*", "aiguard-", true},
		{"*aiguard-*", "team-pack", false},
		{"a*b*c", "abc", true},
		{"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxbyy", false},
		{"exact", "exact", true},
		{"exact", "exactly", false},
		{"*:function:f", "arn:aws:lambda:us-east-1:1:function:f", true},
		{"*ab*ab", "ab", false},
	} {
		if got := Wildcard(tt.pattern, tt.s); got != tt.want {
			t.Errorf("Wildcard(%q, %q) = %v", tt.pattern, tt.s, got)
		}
	}
}

func TestDeployedForms(t *testing.T) {
	reg := Catalog()
	d, _ := reg.Get("ml-access-denied-burst")
	p, err := d.FilterPattern()
	if err != nil || !strings.Contains(p, `($.errorCode = "AccessDenied")`) || !strings.Contains(p, `($.eventSource = "rekognition.amazonaws.com")`) {
		t.Errorf("filter pattern %s %v", p, err)
	}
	rules, err := d.InsightRules(&Config{Settings: map[string]Settings{d.ID: {By: KeyAccount}}}, "lg")
	if err != nil || len(rules) != 1 || !strings.Contains(rules[0].Body, `"Keys":["$.recipientAccountId"]`) {
		t.Errorf("per-account rules %+v %v", rules, err)
	}
	tamper, _ := reg.Get("ml-detection-tampering")
	pat := tamper.EventPattern(&Config{}, nil)
	b, _ := json.Marshal(pat)
	if strings.Contains(string(b), "roleName") || strings.Contains(string(b), "functionName") {
		t.Errorf("selectors whose lists are empty stay out of the pattern: %s", b)
	}
	pat = tamper.EventPattern(&Config{ProtectedRoles: []string{"member"}}, nil)
	b, _ = json.Marshal(pat)
	if !strings.Contains(string(b), `"roleName":["member"]`) || !strings.Contains(string(b), `"enable":[false]`) || !strings.Contains(string(b), `"$or"`) {
		t.Errorf("tampering pattern %s", b)
	}
}

func TestFindingASFF(t *testing.T) {
	g := ctgen.New(4)
	d, _ := Catalog().Get("bedrock-model-access-change")
	r := record(t, g, ctgen.Call{Principal: ctgen.Attacker, Time: ctgen.Base, Source: "bedrock.amazonaws.com", Name: "PutUseCaseForModelAccess"})
	h, ok := d.Match(NewEvent(r, nil))
	if !ok {
		t.Fatal("no match")
	}
	f := NewFinding(h, r)
	for range 150 {
		f.AddEvent("e", "PutUseCaseForModelAccess", ctgen.Base.Add(time.Minute))
	}
	a := f.ASFF(d, ASFFOptions{Importer: "222222222222", ImportRegion: "eu-west-1", Now: ctgen.Base})
	if err := asff.Validate(a); err != nil {
		t.Fatal(err)
	}
	if a.AwsAccountID != "222222222222" || !strings.HasPrefix(a.ProductArn, "arn:aws:securityhub:eu-west-1:222222222222:") ||
		a.ProductFields["aiguard/accountId"] != ctgen.AcctRetail || a.ProductFields["aiguard/eventCount"] != "151" ||
		len(f.EventIDs) != MaxEventIDs || a.Resources[0].Type != "AwsIamUser" {
		t.Errorf("finding %+v", a)
	}
	if again := f.ASFF(d, ASFFOptions{Importer: "222222222222", ImportRegion: "eu-west-1", Now: ctgen.Base.Add(time.Hour)}); again.ID != a.ID {
		t.Error("the same finding got another Id")
	}
}
