package orgspec

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/rules"
)

// TestExample checks that the built-in example is valid against the real
// catalog, without warnings, and has the three postures it promises.
func TestExample(t *testing.T) {
	spec, err := Options{Now: testNow}.Parse(ExampleName, Example())
	if err != nil {
		t.Fatalf("example: %v", err)
	}
	if w := spec.Warnings(); len(w) > 0 {
		t.Errorf("example has warnings:\n%v", w)
	}
	if len(spec.Teams) != 3 {
		t.Fatalf("example has %d teams, want 3", len(spec.Teams))
	}
	classes := map[string]bool{}
	for _, team := range spec.Teams {
		classes[team.DataClassification] = true
		set, err := spec.EffectiveRules(team)
		if err != nil {
			t.Errorf("team %s: %v", team.Name, err)
		}
		if len(set) != len(rules.Catalog().All()) {
			t.Errorf("team %s: %d effective rules, want one per catalog rule", team.Name, len(set))
		}
	}
	if len(classes) != 3 {
		t.Errorf("example teams share data classifications %v; want three postures", classes)
	}
	payments, _ := spec.Team("payments-risk")
	research, _ := spec.Team("research")
	retail, _ := spec.Team("retail-vision")
	if payments == nil || research == nil || retail == nil {
		t.Fatal("example teams renamed; update this test")
	}
	if len(research.Bedrock.AllowedModels) <= len(payments.Bedrock.AllowedModels) {
		t.Error("the research team should be allowed more models than the regulated one")
	}
	if retail.Rekognition == nil || retail.Rekognition.ApprovedUseCases == nil || len(retail.Rekognition.ApprovedUseCases) != 0 {
		t.Error("retail-vision should have facial recognition explicitly off (approvedUseCases: [])")
	}
	// The example is also valid today, not only at the test clock.
	if _, err := Parse(ExampleName, Example()); err != nil {
		t.Errorf("example today: %v", err)
	}
}

// TestParseInput covers what arrives before any YAML is read: sizes,
// encodings, binary data, and documents that are not one mapping.
func TestParseInput(t *testing.T) {
	valid, err := os.ReadFile(filepath.Join("..", "testdata", "specs", "minimal.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
		want string // the single problem, or "" for a valid spec
	}{
		{"oversized", bytes.Repeat([]byte("# x\n"), MaxSize/4+1), "f:1:1: the file is larger than 8 MiB"},
		{"binary", []byte("apiVersion: aiguard.dev/v1\n\x00\x01\x02"), "f:1:1: this is not a text file"},
		{"utf16", []byte{0xFF, 0xFE, 'a', 0, ':', 0}, "f:1:1: the file is UTF-16"},
		{"latin1", []byte("apiVersion: aiguard.dev/v1\norganization:\n  name: caf\xe9\n"), "f:3:12: the file is not valid UTF-8"},
		{"blank", []byte("\n  \n"), "f:1:1: the file is empty"},
		{"comments only", []byte("# nothing here\n"), "f:1:1: the file holds no YAML document"},
		{"scalar", []byte("hello\n"), "f:1:1: top level: got the string \"hello\", want a mapping"},
		{"utf8 bom", append([]byte("\xEF\xBB\xBF"), valid...), ""},
		{"crlf", bytes.ReplaceAll(valid, []byte("\n"), []byte("\r\n")), ""},
		{"flow style", []byte(`{apiVersion: aiguard.dev/v1, organization: {name: x, id: o-exampleorg1, managementAccount: "111111111111",
			securityToolingAccount: "222222222222", regions: [us-east-1], breakGlassRoles: [b]},
			teams: [{name: t, accounts: ["333333333333"], dataClassification: public}]}`), ""},
		{"json", []byte(`{"apiVersion": "aiguard.dev/v1", "organization": {"name": "x", "id": "o-exampleorg1",
			"managementAccount": "111111111111", "securityToolingAccount": "222222222222", "regions": ["us-east-1"],
			"breakGlassRoles": ["b"]}, "teams": [{"name": "t", "accounts": ["333333333333"], "dataClassification": "public"}]}`), ""},
		{"alias bomb", aliasBomb(), "the spec expands to more than"},
		{"deep nesting", []byte("apiVersion: " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + "\n"), "f:1:13: apiVersion: got a list"},
		{"binary tag", []byte("apiVersion: !!binary YWlndWFyZC5kZXYvdjE=\n"), "apiVersion: got binary data"},
		{"non-string key", []byte("? [a, b]\n: c\n"), "f:1:3: top level: got a list as a key"},
	}
	reg := testRegistry(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Options{Registry: reg, Now: testNow}.Parse("f", tt.data)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				return
			}
			var errs Errors
			if !errors.As(err, &errs) {
				t.Fatalf("Parse error = %v, want Errors", err)
			}
			if !strings.Contains(errs.Error(), tt.want) {
				t.Errorf("Parse errors:\n%v\nwant one containing %q", errs, tt.want)
			}
		})
	}
}

// aliasBomb is a few hundred bytes of YAML whose merge keys expand to
// 10^9 mapping entries.
func aliasBomb() []byte {
	var b strings.Builder
	b.WriteString("x0: &a0 {k: v}\n")
	for i := 1; i < 10; i++ {
		fmt.Fprintf(&b, "x%d: &a%d {<<: [", i, i)
		for j := range 10 {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*a%d", i-1)
		}
		b.WriteString("]}\n")
	}
	b.WriteString("apiVersion: aiguard.dev/v1\norganization: {<<: *a9}\n")
	return []byte(b.String())
}

func TestLoad(t *testing.T) {
	spec, err := Options{Registry: testRegistry(t), Now: testNow}.Load(filepath.Join("..", "testdata", "specs", "minimal.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if got := spec.Organization.MemberRoleName; got != DefaultMemberRoleName {
		t.Errorf("memberRoleName default = %q, want %q", got, DefaultMemberRoleName)
	}
	l := spec.Organization.Lambda
	if l.MemorySize != 256 || l.Timeout != 300 || l.Tracing != "PassThrough" || l.LogRetentionDays != 90 || l.ReservedConcurrency != 0 {
		t.Errorf("lambda defaults = %+v", l)
	}
	if k := spec.Organization.TagKeys; k.ApprovedUseCase != "ai-approved-use-case" || k.MLData != "ml-data" {
		t.Errorf("tag key defaults = %+v", k)
	}
	if lim := spec.Organization.Limits; lim.SCPMaxChars != 5120 || lim.SCPMaxPerTarget != 5 {
		t.Errorf("limits defaults = %+v", lim)
	}
	if _, err := Load(filepath.Join("..", "testdata", "specs", "no-such-file.yaml")); err == nil || !strings.Contains(err.Error(), "read spec") {
		t.Errorf("Load of a missing file: %v", err)
	}
}

const inheritSpec = `apiVersion: aiguard.dev/v1
organization:
  name: example-corp
  id: o-exampleorg1
  managementAccount: "111111111111"
  securityToolingAccount: "222222222222"
  regions: [us-east-1]
  breakGlassRoles: [BreakGlass, "arn:aws:iam::*:role/Ops"]
defaults:
  dataClassification: internal
  network: {subnetIds: [subnet-0000000a], securityGroupIds: [sg-0000000a]}
  bedrock:
    allowedModels: [anthropic.claude-*]
    guardrail: {id: abcd1234efgh, version: "2"}
  rekognition: {approvedUseCases: [identity-verification]}
  costAnomaly: {monthlyThresholdUsd: 500}
  rules:
    sagemaker-endpoint-config-multi-instance: {parameters: {minInstanceCount: 3}}
    sagemaker-notebook-in-vpc: {parameters: {allowedSubnetIds: subnet-0000000f}}
    sagemaker-notebook-no-direct-internet: false
teams:
  - name: inherits
    accounts: ["333333333333"]
  - name: overrides
    accounts: ["444444444444"]
    dataClassification: restricted
    network: {subnetIds: [subnet-0000000b]}
    bedrock: {allowedModels: []}
    rekognition: {approvedUseCases: []}
    costAnomaly: {monthlyThresholdUsd: 50}
    rules:
      sagemaker-endpoint-config-multi-instance: {parameters: {minInstanceCount: 4}}
      sagemaker-notebook-no-direct-internet: {enabled: true}
      sagemaker-notebook-root-access-disabled: false
      bedrock-guardrail-strength: {parameters: {promptAttackStrength: medium}}
    exceptions:
      - {rule: sagemaker-notebook-in-vpc, resources: [nb-old], reason: Retired next sprint already., expires: 2026-01-01}
      - {rule: sagemaker-notebook-in-vpc, resources: [nb-new], reason: Migration to the new VPC pending., expires: 2026-12-01}
`

func parseInherit(t *testing.T) *Spec {
	t.Helper()
	spec, err := Options{Registry: testRegistry(t), Now: testNow}.Parse("inherit.yaml", []byte(inheritSpec))
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

// TestInheritance checks that teams get unset settings from defaults, key
// by key, that an empty list is a value, and that teams never share lists.
func TestInheritance(t *testing.T) {
	spec := parseInherit(t)
	in, _ := spec.Team("inherits")
	over, _ := spec.Team("overrides")
	if in.DataClassification != "internal" || over.DataClassification != "restricted" {
		t.Errorf("dataClassification = %q, %q", in.DataClassification, over.DataClassification)
	}
	if !slices.Equal(over.Network.SubnetIDs, []string{"subnet-0000000b"}) || !slices.Equal(over.Network.SecurityGroupIDs, []string{"sg-0000000a"}) {
		t.Errorf("network merged key by key: %+v", over.Network)
	}
	if over.Bedrock.AllowedModels == nil || len(over.Bedrock.AllowedModels) != 0 {
		t.Errorf("an empty allowedModels must stay empty, got %v", over.Bedrock.AllowedModels)
	}
	if over.Bedrock.Guardrail == nil || over.Bedrock.Guardrail.Version != "2" {
		t.Errorf("guardrail not inherited into a team that sets bedrock: %+v", over.Bedrock)
	}
	in.Network.SubnetIDs[0] = "changed"
	if spec.Defaults.Network.SubnetIDs[0] != "subnet-0000000a" {
		t.Error("a team shares its inherited list with defaults")
	}
	if got := spec.pos.at("teams[0].network.securityGroupIds[0]"); got.Line != 11 {
		t.Errorf("inherited value position = %+v, want the defaults line 11", got)
	}
	if got := spec.BreakGlassPrincipalArns(); !slices.Equal(got, []string{"arn:aws:iam::*:role/BreakGlass", "arn:aws:iam::*:role/Ops"}) {
		t.Errorf("BreakGlassPrincipalArns = %v", got)
	}
	if got := spec.Accounts(); !slices.Equal(got, []string{"333333333333", "444444444444"}) {
		t.Errorf("Accounts = %v", got)
	}
}

// TestEffectiveRules checks the precedence of parameter sources and the
// derivation table.
func TestEffectiveRules(t *testing.T) {
	spec := parseInherit(t)
	type want struct {
		enabled bool
		params  map[string]string
		origins map[string]string
		parsed  map[string]string // a few values with catalog defaults applied
		except  int
	}
	tests := []struct {
		team, rule string
		want       want
	}{
		{"inherits", "sagemaker-endpoint-config-multi-instance", want{true,
			map[string]string{"minInstanceCount": "3"}, map[string]string{"minInstanceCount": OriginDefaults}, nil, 0}},
		{"overrides", "sagemaker-endpoint-config-multi-instance", want{true,
			map[string]string{"minInstanceCount": "4"}, map[string]string{"minInstanceCount": OriginTeam}, nil, 0}},
		// Derived from the team's (inherited) subnets, over defaults.rules.
		{"inherits", "sagemaker-notebook-in-vpc", want{true,
			map[string]string{"allowedSubnetIds": "subnet-0000000a"}, map[string]string{"allowedSubnetIds": "network.subnetIds"}, nil, 0}},
		{"overrides", "sagemaker-notebook-in-vpc", want{true,
			map[string]string{"allowedSubnetIds": "subnet-0000000b"}, map[string]string{"allowedSubnetIds": "network.subnetIds"}, nil, 1}},
		{"inherits", "sagemaker-notebook-no-direct-internet", want{false, map[string]string{}, map[string]string{}, nil, 0}},
		{"overrides", "sagemaker-notebook-no-direct-internet", want{true, map[string]string{}, map[string]string{}, nil, 0}},
		{"overrides", "sagemaker-notebook-root-access-disabled", want{false, map[string]string{}, map[string]string{}, nil, 0}},
		// Enum values are normalised; defaults fill Parsed only.
		{"overrides", "bedrock-guardrail-strength", want{true,
			map[string]string{"promptAttackStrength": "MEDIUM"}, map[string]string{"promptAttackStrength": OriginTeam},
			map[string]string{"contentFilterStrength": "MEDIUM", "requirePiiFilter": "true"}, 0}},
		// The tag key equals the rule default, so it is left out; the use
		// cases come from rekognition, and [] unsets them.
		{"inherits", "rekognition-collection-approved-use-case", want{true,
			map[string]string{"approvedUseCases": "identity-verification"}, map[string]string{"approvedUseCases": "rekognition.approvedUseCases"},
			map[string]string{"approvedUseCaseTagKey": "ai-approved-use-case"}, 0}},
		{"overrides", "rekognition-collection-approved-use-case", want{true, map[string]string{}, map[string]string{}, nil, 0}},
		{"overrides", "cost-anomaly-ml-monitor", want{true,
			map[string]string{"maxThresholdUsd": "50"}, map[string]string{"maxThresholdUsd": "costAnomaly.monthlyThresholdUsd"}, nil, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.team+"/"+tt.rule, func(t *testing.T) {
			team, _ := spec.Team(tt.team)
			set, err := spec.EffectiveRules(team)
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(set, func(er EffectiveRule) bool { return er.Rule.ID == tt.rule })
			if i < 0 {
				t.Fatalf("no rule %s", tt.rule)
			}
			er := set[i]
			if er.Enabled != tt.want.enabled {
				t.Errorf("Enabled = %v, want %v", er.Enabled, tt.want.enabled)
			}
			if !reflect.DeepEqual(er.Params, tt.want.params) {
				t.Errorf("Params = %v, want %v", er.Params, tt.want.params)
			}
			if !reflect.DeepEqual(er.Origins, tt.want.origins) {
				t.Errorf("Origins = %v, want %v", er.Origins, tt.want.origins)
			}
			for k, v := range tt.want.parsed {
				if got := er.Parsed.String(k); got != v {
					t.Errorf("Parsed %s = %q, want %q", k, got, v)
				}
			}
			if len(er.Exceptions) != tt.want.except {
				t.Errorf("%d active exceptions, want %d", len(er.Exceptions), tt.want.except)
			}
		})
	}
}

// TestDocExample parses the format example of the package documentation.
func TestDocExample(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	in := false
	for _, l := range strings.Split(string(doc), "\n") {
		switch {
		case strings.HasPrefix(l, "//\tapiVersion:"):
			in = true
		case in && !strings.HasPrefix(l, "//\t"):
			in = false
		}
		if in {
			lines = append(lines, strings.TrimPrefix(l, "//\t"))
		}
	}
	if len(lines) < 10 {
		t.Fatalf("format example not found in doc.go (%d lines)", len(lines))
	}
	if _, err := (Options{Now: testNow}).Parse("doc.go", []byte(strings.Join(lines, "\n"))); err != nil {
		t.Errorf("the documented example is invalid:\n%v", err)
	}
}

// TestDerivationsDocumented keeps the package documentation's table in
// step with the derivations.
func TestDerivationsDocumented(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range DerivedParams() {
		if !bytes.Contains(doc, []byte("//\t"+d[0]+" ")) {
			t.Errorf("derived parameter %s is not in the table in doc.go", d[0])
		}
	}
}

// TestSpecTags checks that every spec type's tags parse and name known
// checks, and that declared defaults are valid values.
func TestSpecTags(t *testing.T) {
	for _, typ := range []reflect.Type{
		reflect.TypeFor[Spec](), reflect.TypeFor[Organization](), reflect.TypeFor[Lambda](), reflect.TypeFor[TagKeys](),
		reflect.TypeFor[Limits](), reflect.TypeFor[Settings](), reflect.TypeFor[Network](), reflect.TypeFor[Storage](),
		reflect.TypeFor[Bedrock](), reflect.TypeFor[Guardrail](), reflect.TypeFor[SageMaker](), reflect.TypeFor[Rekognition](),
		reflect.TypeFor[Comprehend](), reflect.TypeFor[CostAnomaly](), reflect.TypeFor[Defaults](), reflect.TypeFor[Team](),
		reflect.TypeFor[RuleSetting](), reflect.TypeFor[Exception](),
	} {
		fields, err := structFields(typ)
		if err != nil {
			t.Errorf("%s: %v", typ.Name(), err)
		}
		for _, f := range fields {
			if f.doc == "" && typ != reflect.TypeFor[Spec]() {
				t.Errorf("%s.%s has no doc tag", typ.Name(), f.name)
			}
			if f.hasDefault && f.check != nil {
				if msg := f.check.validate(f.def); msg != "" {
					t.Errorf("%s.%s: default %q is not %s", typ.Name(), f.name, f.def, msg)
				}
			}
		}
	}
}

func TestErrorsSort(t *testing.T) {
	errs := Errors{
		{File: "b", Line: 1, Column: 1, Message: "x"},
		{File: "a", Line: 2, Column: 1, Message: "y"},
		{File: "a", Line: 1, Column: 5, Message: "z"},
		{File: "a", Line: 1, Column: 5, Message: "z"},
		{File: "a", Line: 1, Column: 2, Message: "w"},
	}
	errs.Sort()
	want := "a:1:2: w\na:1:5: z\na:2:1: y\nb:1:1: x"
	if got := errs.Error(); got != want {
		t.Errorf("sorted:\n%s\nwant:\n%s", got, want)
	}
}

// TestTooManyProblems checks that a file with thousands of mistakes gets a
// bounded report.
func TestTooManyProblems(t *testing.T) {
	var b strings.Builder
	b.WriteString("apiVersion: aiguard.dev/v1\nteams:\n")
	for range 2000 {
		b.WriteString("  - {name: X, accounts: [\"1\"]}\n")
	}
	_, err := Options{Registry: testRegistry(t), Now: testNow}.Parse("f", []byte(b.String()))
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("err = %v", err)
	}
	if len(errs) != maxProblems+1 || !strings.Contains(errs[len(errs)-1].Message, "more not shown") {
		t.Errorf("got %d problems, last %q; want %d and a note", len(errs), errs[len(errs)-1].Message, maxProblems+1)
	}
}
