package policygen

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/internal/testenv/refdata"
)

// This file cross-checks the generated policies against the full Service
// Authorization Reference data of the development checkout's reference
// directory (internal/refdata; skipped when absent). It is independent of the policy linter (package iampolicy) on
// purpose: it checks the generator with data it does not ship.

// flexStrings reads a policy value that is a string or a list of strings.
type flexStrings []string

func (f *flexStrings) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*f = flexStrings{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*f = many
	return nil
}

type refStatement struct {
	Sid         string
	Effect      string
	Principal   json.RawMessage
	Action      flexStrings
	NotAction   flexStrings
	Resource    flexStrings
	NotResource flexStrings
	Condition   map[string]map[string]flexStrings
}

type refPolicy struct {
	Version   string
	Statement []refStatement
}

// refService is one service file of the reference data.
type refService struct {
	Prefix        string `json:"service_prefix"`
	ConditionKeys map[string]struct {
		Type string `json:"type"`
	} `json:"condition_keys"`
	Actions map[string]struct {
		ActionConditionKeys   []string `json:"action_condition_keys"`
		ResourceConditionKeys []string `json:"resource_condition_keys"`
	} `json:"actions"`
}

// refKeyInfo is what the check needs to know about a condition key.
type refKeyInfo struct {
	dataType string
	multi    bool
	global   bool
}

type reference struct {
	services map[string]*refService
	globals  map[string]refKeyInfo // pattern -> info
}

func loadReference(t *testing.T) *reference {
	t.Helper()
	dir := refdata.Path(t, "iam")
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	ref := &reference{services: map[string]*refService{}, globals: map[string]refKeyInfo{}}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if filepath.Base(f) == "global-condition-keys.json" {
			var g struct {
				Keys map[string]struct {
					DataType  string `json:"data_type"`
					ValueType string `json:"value_type"`
				} `json:"keys"`
			}
			if err := json.Unmarshal(data, &g); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			for k, v := range g.Keys {
				ref.globals[k] = refKeyInfo{
					dataType: v.DataType,
					multi:    strings.HasPrefix(v.DataType, "ArrayOf") || strings.HasPrefix(v.ValueType, "multi"),
					global:   true,
				}
			}
			continue
		}
		var s refService
		if err := json.Unmarshal(data, &s); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		ref.services[s.Prefix] = &s
	}
	if len(ref.services) == 0 || len(ref.globals) == 0 {
		t.Skipf("reference data in %s incomplete; skipping", dir)
	}
	return ref
}

var placeholder = regexp.MustCompile(`\$\{[^}]*\}|<[^>]*>`)

// keyMatches reports whether a key of the data (with placeholders such as
// ${TagKey}, or a prefix-only key ending in /) names key. Key names are
// case-insensitive.
func keyMatches(pattern, key string) bool {
	pattern, key = strings.ToLower(pattern), strings.ToLower(key)
	if strings.HasSuffix(pattern, "/") {
		return strings.HasPrefix(key, pattern) && len(key) > len(pattern)
	}
	parts := placeholder.Split(pattern, -1)
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile("^" + strings.Join(parts, ".+") + "$").MatchString(key)
}

// lookupKey finds a condition key: a global key, or a key of its service.
// known is false when the key's service is not in the data.
func (r *reference) lookupKey(key string) (info refKeyInfo, found, known bool) {
	for p, g := range r.globals {
		if keyMatches(p, key) {
			return g, true, true
		}
	}
	prefix, _, _ := strings.Cut(key, ":")
	s := r.services[prefix]
	if s == nil {
		return refKeyInfo{}, false, false
	}
	for p, ck := range s.ConditionKeys {
		if keyMatches(p, key) {
			return refKeyInfo{dataType: ck.Type, multi: strings.HasPrefix(ck.Type, "ArrayOf")}, true, true
		}
	}
	return refKeyInfo{}, false, true
}

// expand returns the actions of the data an action pattern matches (as
// prefix:Name), and whether the service is in the data. Names are matched
// case-sensitively: policies must use the canonical case.
func (r *reference) expand(pattern string) (matches []string, known bool) {
	prefix, name, _ := strings.Cut(pattern, ":")
	s := r.services[prefix]
	if s == nil {
		return nil, false
	}
	re := regexp.MustCompile("^" + strings.ReplaceAll(strings.ReplaceAll(regexp.QuoteMeta(name), `\*`, ".*"), `\?`, ".") + "$")
	for a := range s.Actions {
		if re.MatchString(a) {
			matches = append(matches, prefix+":"+a)
		}
	}
	slices.Sort(matches)
	return matches, true
}

// supports reports whether an action lists a condition key.
func (r *reference) supports(action, key string) bool {
	prefix, name, _ := strings.Cut(action, ":")
	a := r.services[prefix].Actions[name]
	for _, k := range slices.Concat(a.ActionConditionKeys, a.ResourceConditionKeys) {
		if keyMatches(k, key) {
			return true
		}
	}
	return false
}

// listedPerAction reports whether a key is one whose support the data
// lists per action: service keys and the global tag keys.
func listedPerAction(key string) bool {
	k := strings.ToLower(key)
	if !strings.HasPrefix(k, "aws:") {
		return true
	}
	return strings.HasPrefix(k, "aws:requesttag/") || strings.HasPrefix(k, "aws:resourcetag/") || k == "aws:tagkeys"
}

// operatorFamily returns the base operator's family and whether it has a
// set prefix or IfExists.
func operatorFamily(op string) (family string, set, ifExists bool) {
	base := op
	for _, p := range []string{"ForAnyValue:", "ForAllValues:"} {
		if b, ok := strings.CutPrefix(base, p); ok {
			base, set = b, true
		}
	}
	base, ifExists = strings.CutSuffix(base, "IfExists")
	switch {
	case strings.HasPrefix(base, "String"):
		return "String", set, ifExists
	case strings.HasPrefix(base, "Arn"):
		return "ARN", set, ifExists
	case strings.HasPrefix(base, "Numeric"):
		return "Numeric", set, ifExists
	case base == "Bool":
		return "Bool", set, ifExists
	case base == "Null":
		return "Null", set, ifExists
	}
	return base, set, ifExists
}

// checkStatement returns every problem of one statement against the data.
func (r *reference) checkStatement(where string, st refStatement, skipped map[string]bool) []string {
	var problems []string
	errorf := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	var actions []string
	for _, list := range []flexStrings{st.Action, st.NotAction} {
		for _, a := range list {
			if a == "*" {
				continue
			}
			matches, known := r.expand(a)
			if !known {
				skipped[strings.SplitN(a, ":", 2)[0]] = true
				continue
			}
			if len(matches) == 0 {
				errorf("%s: action %s matches no action of the reference", where, a)
			}
			if len(st.Action) > 0 {
				actions = append(actions, matches...)
			}
		}
	}
	for op, keys := range st.Condition {
		family, set, ifExists := operatorFamily(op)
		for key := range keys {
			info, found, known := r.lookupKey(key)
			if !known {
				skipped[strings.SplitN(key, ":", 2)[0]+" (condition key "+key+")"] = true
				continue
			}
			if !found {
				errorf("%s: condition key %s is not in the reference", where, key)
				continue
			}
			problems = append(problems, checkOperator(where, op, key, info, family, set, ifExists)...)
			if !listedPerAction(key) || len(actions) == 0 {
				continue
			}
			var without []string
			for _, a := range actions {
				if !r.supports(a, key) {
					without = append(without, a)
				}
			}
			switch {
			case len(without) == len(actions):
				errorf("%s: no action of the statement supports %s", where, key)
			case len(without) > 0 && !info.global:
				// A service key tested on an action without it is always
				// absent: a Null or negated test then always matches.
				errorf("%s: %s is not supported by %v", where, key, without)
			}
		}
	}
	slices.Sort(problems)
	return problems
}

// checkOperator returns the problems of an operator that does not fit its
// key's type.
func checkOperator(where, op, key string, info refKeyInfo, family string, set, ifExists bool) []string {
	var problems []string
	if family == "Null" {
		if set || ifExists {
			problems = append(problems, fmt.Sprintf("%s: %s on %s: Null takes no set prefix or IfExists", where, op, key))
		}
		return problems
	}
	if set != info.multi {
		problems = append(problems, fmt.Sprintf("%s: %s on %s (%s, multivalued %v): set operators belong on multivalued keys only", where, op, key, info.dataType, info.multi))
	}
	if want := strings.TrimPrefix(info.dataType, "ArrayOf"); want != family {
		problems = append(problems, fmt.Sprintf("%s: %s on %s: a %s operator on a %s key", where, op, key, family, info.dataType))
	}
	return problems
}

// TestReferenceCrossCheck checks every action and condition key of every
// generated policy of the example against the reference data: actions
// exist in their canonical case (a wildcard matches at least one), keys
// exist, operators fit the key's type, and each key is supported by at
// least one action of its statement (a service key by every action).
func TestReferenceCrossCheck(t *testing.T) {
	ref := loadReference(t)
	skipped := map[string]bool{}
	checked := 0
	for _, a := range exampleArtifacts(t) {
		for _, p := range policiesOf(t, a) {
			for i, st := range p.doc.Statement {
				where := p.where + " statement " + st.Sid
				if st.Sid == "" {
					where = p.where + " statement " + string(rune('0'+i))
				}
				for _, p := range ref.checkStatement(where, st, skipped) {
					t.Error(p)
				}
				checked++
			}
		}
	}
	if checked < 100 {
		t.Errorf("checked only %d statements", checked)
	}
	var names []string
	for s := range skipped {
		names = append(names, s)
	}
	slices.Sort(names)
	t.Logf("checked %d statements; not in the reference data (not checked): %s", checked, strings.Join(names, ", "))
}

// namedPolicy is a policy document found in an artifact.
type namedPolicy struct {
	where string
	doc   refPolicy
}

// policiesOf returns the IAM policy documents in an artifact: the file
// itself, or each policy a CloudFormation template holds.
func policiesOf(t *testing.T, a Artifact) []namedPolicy {
	t.Helper()
	switch a.Kind {
	case KindSCP, KindBoundary, KindExecutionRole:
		var p refPolicy
		if err := json.Unmarshal(a.Body, &p); err != nil {
			t.Fatalf("%s: %v", a.Path, err)
		}
		return []namedPolicy{{a.Path, p}}
	case KindCFNTemplate:
		var tmpl struct {
			Resources map[string]struct {
				Type       string
				Properties struct {
					Type                     string
					Content                  json.RawMessage
					PolicyDocument           json.RawMessage
					AssumeRolePolicyDocument json.RawMessage
					Policies                 []struct{ PolicyDocument json.RawMessage }
				}
			}
		}
		if err := json.Unmarshal(a.Body, &tmpl); err != nil {
			t.Fatalf("%s: %v", a.Path, err)
		}
		var out []namedPolicy
		add := func(where string, raw json.RawMessage) {
			var p refPolicy
			if err := json.Unmarshal(raw, &p); err != nil {
				t.Fatalf("%s: %v", where, err)
			}
			out = append(out, namedPolicy{where, p})
		}
		for id, r := range tmpl.Resources {
			where := a.Path + " " + id
			switch {
			case r.Type == "AWS::Organizations::Policy" && r.Properties.Type == "SERVICE_CONTROL_POLICY":
				add(where, r.Properties.Content)
			case r.Type == "AWS::IAM::ManagedPolicy":
				add(where, r.Properties.PolicyDocument)
			case r.Type == "AWS::IAM::Role":
				add(where+" trust", r.Properties.AssumeRolePolicyDocument)
				for _, p := range r.Properties.Policies {
					add(where, p.PolicyDocument)
				}
			}
		}
		return out
	}
	return nil
}

// TestReferenceCheckCatches proves the cross-check finds the mistakes it
// exists for, so that its silence on the generated policies means
// something.
func TestReferenceCheckCatches(t *testing.T) {
	ref := loadReference(t)
	tests := []struct {
		name string
		st   string
		want string // a substring of the problems; "" for none
	}{
		{"null on an action without the key",
			`{"Effect":"Deny","Action":["sagemaker:CreateTrainingJob","sagemaker:CreateTransformJob"],"Resource":"*","Condition":{"Null":{"sagemaker:VpcSubnets":"true"}}}`,
			"sagemaker:VpcSubnets is not supported by [sagemaker:CreateTransformJob]"},
		{"key no action supports",
			`{"Effect":"Deny","Action":"sagemaker:CreateEndpoint","Resource":"*","Condition":{"Null":{"sagemaker:VpcSubnets":"true"}}}`,
			"no action of the statement supports"},
		{"unknown action", `{"Effect":"Deny","Action":"bedrock:Converse","Resource":"*"}`, "matches no action"},
		{"action in the wrong case", `{"Effect":"Deny","Action":"bedrock:invokemodel","Resource":"*"}`, "matches no action"},
		{"unknown key",
			`{"Effect":"Deny","Action":"sagemaker:CreateModel","Resource":"*","Condition":{"StringEquals":{"sagemaker:ModelMonitorJobDefinitionName":"x"}}}`,
			"not in the reference"},
		{"string operator on a Bool key",
			`{"Effect":"Deny","Action":"sagemaker:CreateModel","Resource":"*","Condition":{"StringEquals":{"sagemaker:NetworkIsolation":"false"}}}`,
			"a String operator on a Bool key"},
		{"multivalued key without a set operator",
			`{"Effect":"Deny","Action":"sagemaker:CreateModel","Resource":"*","Condition":{"StringNotEquals":{"sagemaker:VpcSubnets":"subnet-1"}}}`,
			"set operators belong on multivalued keys only"},
		{"set operator on a single-valued key",
			`{"Effect":"Deny","Action":"sagemaker:CreateNotebookInstance","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"sagemaker:RootAccess":"Enabled"}}}`,
			"set operators belong on multivalued keys only"},
		{"NullIfExists",
			`{"Effect":"Deny","Action":"sagemaker:CreateModel","Resource":"*","Condition":{"NullIfExists":{"sagemaker:VpcSubnets":"true"}}}`,
			"Null takes no set prefix or IfExists"},
		{"valid", `{"Effect":"Deny","Action":"bedrock:InvokeModel","Resource":"*","Condition":{"ArnNotLike":{"bedrock:GuardrailIdentifier":"arn:aws:bedrock:*:*:guardrail/x:1","aws:PrincipalArn":"arn:aws:iam::*:role/bg"}}}`, ""},
		{"case-insensitive key", `{"Effect":"Deny","Action":"bedrock:CallWithBearerToken","Resource":"*","Condition":{"StringEquals":{"bedrock:bearerTokenType":"LONG_TERM"}}}`, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var st refStatement
			if err := json.Unmarshal([]byte(tc.st), &st); err != nil {
				t.Fatal(err)
			}
			got := strings.Join(ref.checkStatement("test", st, map[string]bool{}), "\n")
			switch {
			case tc.want == "" && got != "":
				t.Errorf("unexpected problems: %s", got)
			case tc.want != "" && !strings.Contains(got, tc.want):
				t.Errorf("problems %q do not mention %q", got, tc.want)
			}
		})
	}
}

// TestActionTablesMatchReference checks each SageMaker action table
// against the actions that support its key: every listed action supports
// it, and the tables meant to be complete miss none (a refresh of the
// reference data that adds an action fails here until the table is
// reviewed).
func TestActionTablesMatchReference(t *testing.T) {
	ref := loadReference(t)
	supporting := func(key string) []string {
		var out []string
		for name := range ref.services["sagemaker"].Actions {
			if ref.supports("sagemaker:"+name, key) {
				out = append(out, "sagemaker:"+name)
			}
		}
		slices.Sort(out)
		return out
	}
	l := mustLists(t)
	tests := []struct {
		key      string
		tables   [][]string
		excluded []string // supporting actions left out on purpose
	}{
		{keyVpcSubnets, [][]string{l.vpcSubnets}, nil},
		{keyVpcSubnets, [][]string{l.vpcRequired}, append([]string{"sagemaker:CreateEndpointConfig", "sagemaker:UpdateCluster", "sagemaker:UpdateDomain"}, l.schedules...)},
		{keySecurityGroups, [][]string{l.securityGroups}, nil},
		{keyIsolation, [][]string{l.isolation}, append([]string{"sagemaker:CreateEndpointConfig"}, l.schedules...)},
		{keyICT, [][]string{l.trafficEncryption}, l.schedules},
		{keyVolumeKms, [][]string{l.volumeKmsCompute, l.volumeKmsOther, l.volumeKmsOptional}, nil},
		{keyOutputKms, [][]string{l.outputKms, l.schedules}, nil},
		{keyInstanceTypes, [][]string{l.instanceTypes}, nil},
		{keyInstanceTypes, [][]string{l.volumeKmsCompute}, without(supporting(keyInstanceTypes), l.volumeKmsCompute...)},
		{keyVolumeKms, [][]string{l.schedules}, without(supporting(keyVolumeKms), l.schedules...)},
		{keyRootAccess, [][]string{{"sagemaker:CreateNotebookInstance", "sagemaker:UpdateNotebookInstance"}}, nil},
		{keyDirectInternet, [][]string{{"sagemaker:CreateNotebookInstance"}}, nil},
		{keyAppNetworkType, [][]string{{"sagemaker:CreateDomain", "sagemaker:UpdateDomain"}}, nil},
		{keyLifecycleConfigs, [][]string{l.lifecycleCfg}, nil},
	}
	for _, tc := range tests {
		got := sorted(slices.Concat(tc.tables...)...)
		want := sorted(without(supporting(tc.key), tc.excluded...)...)
		if !slices.Equal(got, want) {
			t.Errorf("%s: table %v\nwant (supporting actions less the exclusions) %v", tc.key, got, want)
		}
	}
}
