package rules

// Catalog-wide invariants. They bind every rule, including the ones added
// after these tests were written: a new rule that lacks metadata, reads a
// configuration path Config does not record, or panics on an odd
// configuration fails here.

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aiguard/aiguard/configitem"
	"github.com/aiguard/aiguard/internal/testenv/refdata"
)

var (
	catalogResourceType = regexp.MustCompile(`^AWS::([A-Za-z0-9]+::[A-Za-z0-9]+|::Account)$`)
	catalogSecurityHub  = regexp.MustCompile(`^[A-Za-z0-9]+\.[0-9]+$`)
	catalogManagedRule  = regexp.MustCompile(`^[A-Z0-9_]+$`)
	catalogParamName    = regexp.MustCompile(`^[a-z][A-Za-z0-9]*$`)
	catalogIAMAction    = regexp.MustCompile(`^[a-z0-9-]+:[A-Za-z0-9]+$`)
	catalogFieldIndex   = regexp.MustCompile(`\[[^\]]*\]`)
)

func TestCatalogRegistry(t *testing.T) {
	list := catalog()
	if len(list) == 0 {
		t.Fatal("catalog() is empty")
	}
	reg, err := NewRegistry(list...)
	if err != nil {
		t.Fatalf("NewRegistry(catalog()...): %v", err)
	}
	if got := len(reg.All()); got != len(list) {
		t.Errorf("registry holds %d rules, catalog() lists %d", got, len(list))
	}
	// Catalog must not panic, and builds a fresh registry each time (no
	// shared mutable state between callers).
	if first, second := Catalog(), Catalog(); first == second {
		t.Error("Catalog returns a shared registry")
	}
}

func TestCatalogMetadata(t *testing.T) {
	controls := baselineControls()
	for _, r := range Catalog().All() {
		t.Run(r.ID, func(t *testing.T) {
			if strings.TrimSpace(r.Title) == "" || strings.HasSuffix(r.Title, ".") {
				t.Errorf("Title %q: want a one-line summary without a final period (the docs add one)", r.Title)
			}
			if strings.TrimSpace(r.Description) == "" {
				t.Error("no Description")
			}
			if strings.TrimSpace(r.Remediation) == "" {
				t.Error("no Remediation")
			}
			for name, text := range map[string]string{"Title": r.Title, "Description": r.Description, "Remediation": r.Remediation} {
				if strings.Contains(text, "\n") {
					t.Errorf("%s contains a newline, which breaks the Markdown catalog", name)
				}
			}
			if !slices.Contains(controls, r.Control) {
				t.Errorf("Control %q is not one of the baseline controls in controls.go", r.Control)
			}
			switch r.Severity {
			case SeverityInformational, SeverityLow, SeverityMedium, SeverityHigh, SeverityCritical:
			default:
				t.Errorf("Severity %q", r.Severity)
			}
			if len(r.ResourceTypes) == 0 {
				t.Error("no ResourceTypes")
			}
			for _, rt := range r.ResourceTypes {
				if !catalogResourceType.MatchString(rt) {
					t.Errorf("resource type %q is not of the form AWS::Service::Type", rt)
				}
			}
			if dup := duplicates(r.ResourceTypes); len(dup) > 0 {
				t.Errorf("resource types listed twice: %v", dup)
			}
			for _, sh := range r.SecurityHub {
				if !catalogSecurityHub.MatchString(sh) {
					t.Errorf("Security Hub control %q is not of the form Service.N", sh)
				}
			}
			if r.ManagedRule != "" && !catalogManagedRule.MatchString(r.ManagedRule) {
				t.Errorf("ManagedRule %q is not an AWS managed rule identifier (UPPER_SNAKE_CASE)", r.ManagedRule)
			}
			for _, p := range r.Params {
				if !catalogParamName.MatchString(p.Name) {
					t.Errorf("parameter %q: want a camelCase name", p.Name)
				}
				if strings.TrimSpace(p.Description) == "" {
					t.Errorf("parameter %s has no Description", p.Name)
				}
				if p.Pattern != nil && p.PatternHelp == "" {
					t.Errorf("parameter %s has a Pattern but no PatternHelp for its error message", p.Name)
				}
			}
			if _, err := r.ParseParams(nil); err != nil {
				t.Errorf("defaults do not validate: %v", err)
			}
			switch r.Trigger {
			case ChangeTriggered:
				if r.Check == nil {
					t.Error("change-triggered rule without Check")
				}
				if len(r.Fields) == 0 {
					t.Error("change-triggered rule lists no Fields (the catalog documents what each rule reads)")
				}
			case Periodic:
				if r.Run == nil {
					t.Error("periodic rule without Run")
				}
				if len(r.Actions) == 0 {
					t.Error("periodic rule declares no IAM Actions")
				}
			default:
				t.Errorf("Trigger %q", r.Trigger)
			}
			for _, a := range r.Actions {
				if !catalogIAMAction.MatchString(a) {
					t.Errorf("IAM action %q: want service:Action with no wildcard", a)
				}
			}
			if dup := duplicates(r.Actions); len(dup) > 0 {
				t.Errorf("IAM actions listed twice: %v", dup)
			}
			if dup := duplicates(r.Fields); len(dup) > 0 {
				t.Errorf("Fields listed twice: %v", dup)
			}
		})
	}
}

// catalogSchemaGaps are configuration paths that rules read although the
// Config schema files lack them. Those files (AWS Config's resource schemas,
// github.com/awslabs/aws-config-resource-schema) hold only the properties
// that advanced queries can select, so a
// property of the type's CloudFormation schema can be recorded yet missing.
// Each entry says where the path was confirmed.
var catalogSchemaGaps = map[string]string{
	// A user profile's field, which sagemaker-domain-vpc-only reads on profiles; the domain has no such field.
	"AWS::SageMaker::Domain configuration.UserSettings.SecurityGroups":                       "CloudFormation AWS::SageMaker::UserProfile UserSettings.SecurityGroups",
	"AWS::SageMaker::FeatureGroup configuration.OfflineStoreConfig.S3StorageConfig.KmsKeyId": "CloudFormation AWS::SageMaker::FeatureGroup S3StorageConfig.KmsKeyId",
	"AWS::SageMaker::FeatureGroup configuration.OnlineStoreConfig.SecurityConfig.KmsKeyId":   "CloudFormation AWS::SageMaker::FeatureGroup OnlineStoreSecurityConfig.KmsKeyId",
	"AWS::SageMaker::FeatureGroup configuration.OnlineStoreConfig.StorageType":               "CloudFormation AWS::SageMaker::FeatureGroup OnlineStoreConfig.StorageType (Standard|InMemory)",
	// The notebook's IMDS and platform settings are CloudFormation properties that the frozen schema
	// lacks; the rules do not judge a CI without them (sagemaker_breadth.go).
	"AWS::SageMaker::NotebookInstance configuration.InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion": "CloudFormation AWS::SageMaker::NotebookInstance InstanceMetadataServiceConfiguration",
	"AWS::SageMaker::NotebookInstance configuration.PlatformIdentifier":                                                         "CloudFormation AWS::SageMaker::NotebookInstance PlatformIdentifier",
	// Tags are recorded at the top level (tags.key in every schema); a template's Tags property is
	// read too, as configuration.Tags.
	"AWS::SageMaker::Model configuration.Tags": "CloudFormation Tags property of the SageMaker types",
	// The lifecycle hooks' scripts: CloudFormation properties that the Config schema (name and ID only)
	// lacks; sagemaker-lifecycle-script-no-secrets judges templates, and is not deployed in packs.
	"AWS::SageMaker::NotebookInstanceLifecycleConfig configuration.OnCreate.Content":             "CloudFormation AWS::SageMaker::NotebookInstanceLifecycleConfig OnCreate[].Content",
	"AWS::SageMaker::NotebookInstanceLifecycleConfig configuration.OnStart.Content":              "CloudFormation AWS::SageMaker::NotebookInstanceLifecycleConfig OnStart[].Content",
	"AWS::SageMaker::NotebookInstanceLifecycleConfig configuration.StudioLifecycleConfigContent": "CloudFormation AWS::SageMaker::StudioLifecycleConfig StudioLifecycleConfigContent (the rule's other type)",
	// GetRole's AssumeRolePolicyDocument, URL-encoded JSON; the schema lists only the advanced-query subset.
	"AWS::IAM::Role configuration.assumeRolePolicyDocument": "IAM GetRole Role.AssumeRolePolicyDocument, in the RDK sample CI AWS_IAM_Role.json",
}

// TestCatalogFieldsInSchema checks every configuration path a rule reads
// against the AWS Config property schema of its resource types, which
// catches PascalCase/camelCase slips. Types without a schema file are not
// checked.
func TestCatalogFieldsInSchema(t *testing.T) {
	dir := refdata.Path(t, "config-resource-schema")
	schemas := map[string]map[string]string{}
	load := func(resourceType string) map[string]string {
		if s, ok := schemas[resourceType]; ok {
			return s
		}
		var s map[string]string
		data, err := os.ReadFile(filepath.Join(dir, resourceType+".properties.json"))
		if err == nil {
			if err := json.Unmarshal(data, &s); err != nil {
				t.Fatalf("schema of %s: %v", resourceType, err)
			}
		}
		schemas[resourceType] = s // nil when there is no file
		return s
	}
	checked := 0
	for _, r := range Catalog().All() {
		var withSchema []string
		for _, rt := range r.ResourceTypes {
			if load(rt) != nil {
				withSchema = append(withSchema, rt)
			}
		}
		if len(withSchema) == 0 {
			continue
		}
		for _, field := range r.Fields {
			if !strings.HasPrefix(field, "configuration.") {
				continue
			}
			path := catalogFieldIndex.ReplaceAllString(field, "") // the schema flattens arrays, with no index
			found := false
			var problems []string
			for _, rt := range withSchema {
				typ, ok := schemaType(load(rt), path)
				switch {
				case !ok && catalogSchemaGaps[rt+" "+path] != "":
					found = true
				case !ok:
					problems = append(problems, fmt.Sprintf("%s has no %s%s", rt, path, schemaHint(load(rt), path)))
				case !slices.Contains([]string{"boolean", "cidr_block", "date", "float", "integer", "ip", "string", "object"}, typ):
					problems = append(problems, fmt.Sprintf("%s records %s as %q", rt, path, typ))
				default:
					found = true
				}
			}
			checked++
			if !found {
				t.Errorf("rule %s reads %s, but %s. If the path is right (the schema files are a subset; check the "+
					"type's CloudFormation schema), add it to catalogSchemaGaps with where you confirmed it",
					r.ID, field, strings.Join(problems, "; "))
			}
		}
	}
	t.Logf("checked %d configuration paths against %d schema files", checked, countNonNil(schemas))
}

// schemaType returns the type the schema gives path: a leaf's type, or
// "object" when path is the parent of recorded leaves.
func schemaType(schema map[string]string, path string) (string, bool) {
	if typ, ok := schema[path]; ok {
		return typ, true
	}
	for k := range schema {
		if strings.HasPrefix(k, path+".") {
			return "object", true
		}
	}
	return "", false
}

// schemaHint suggests the schema path that differs from path only in case.
func schemaHint(schema map[string]string, path string) string {
	var near []string
	for k := range schema {
		if strings.EqualFold(k, path) {
			near = append(near, k)
		}
	}
	if len(near) == 0 {
		return ""
	}
	sort.Strings(near)
	return " (did you mean " + strings.Join(near, " or ") + "?)"
}

func countNonNil(m map[string]map[string]string) int {
	n := 0
	for _, s := range m {
		if s != nil {
			n++
		}
	}
	return n
}

// TestCatalogActionsInIAMReference checks the IAM actions of periodic rules
// against the Service Authorization Reference, where the service is there.
func TestCatalogActionsInIAMReference(t *testing.T) {
	dir := refdata.Path(t, "iam")
	services := map[string]map[string]json.RawMessage{}
	for _, r := range Catalog().All() {
		for _, a := range r.Actions {
			prefix, name, ok := strings.Cut(a, ":")
			if !ok {
				continue // TestCatalogMetadata reports the malformed action
			}
			actions, seen := services[prefix]
			if !seen {
				data, err := os.ReadFile(filepath.Join(dir, prefix+".json"))
				if err == nil {
					var doc struct {
						Actions map[string]json.RawMessage `json:"actions"`
					}
					if err := json.Unmarshal(data, &doc); err != nil {
						t.Fatalf("IAM reference %s: %v", prefix, err)
					}
					actions = doc.Actions
				}
				services[prefix] = actions
			}
			if actions == nil {
				continue // the reference does not cover this service
			}
			if _, ok := actions[name]; !ok {
				t.Errorf("rule %s: IAM action %s is not in the Service Authorization Reference for %s", r.ID, a, prefix)
			}
		}
	}
}

// catalogOddValues are JSON values a CI field should hold but might not.
var catalogOddValues = []string{
	`null`, `""`, `" "`, `"true"`, `"false"`, `"TRUE"`, `true`, `false`, `0`, `-1`, `1.5`, `1e300`,
	`[]`, `[null]`, `["x"]`, `[{}]`, `[[]]`, `{}`, `{"x":null}`, `"[{\"broken\""`, `"{}"`, `"[]"`,
	`"{\"Enabled\":true}"`, `"` + strings.Repeat("é", 300) + `"`,
}

// TestCatalogOddConfigurations runs every change-triggered rule on
// configurations where each field it reads (and each object on the way to
// it) holds a value of the wrong type, is null or is missing. Rules must
// give a well-formed verdict and never panic.
func TestCatalogOddConfigurations(t *testing.T) {
	evaluations := 0
	for _, r := range Catalog().All() {
		if r.Check == nil {
			continue
		}
		p := r.DefaultParams()
		configs := catalogOddConfigs(r.Fields)
		for _, rt := range r.ResourceTypes {
			for _, c := range configs {
				item := &configitem.Item{
					Status:        configitem.StatusOK,
					ResourceType:  rt,
					ResourceID:    "odd-resource",
					Configuration: c.configuration,
					Supplementary: c.supplementary,
					Tags:          c.tags,
				}
				ev, panicked := safeEvaluate(r, item, p)
				evaluations++
				if panicked != nil {
					t.Errorf("rule %s on %s with %s: panic: %v", r.ID, rt, c.desc, panicked)
					continue
				}
				if msg := checkEvaluation(r, item, ev); msg != "" {
					t.Errorf("rule %s on %s with %s: %s", r.ID, rt, c.desc, msg)
				}
			}
		}
	}
	t.Logf("%d evaluations", evaluations)
}

type catalogOddConfig struct {
	desc          string
	configuration json.RawMessage
	supplementary map[string]json.RawMessage
	tags          map[string]string
}

// catalogOddConfigs builds, for each field path, configurations in which
// the path or one of its ancestors holds each odd value.
func catalogOddConfigs(fields []string) []catalogOddConfig {
	out := []catalogOddConfig{
		{desc: "an empty configuration", configuration: json.RawMessage(`{}`)},
		{desc: "empty tags", configuration: json.RawMessage(`{}`), tags: map[string]string{}},
		{desc: "odd tags", configuration: json.RawMessage(`{}`), tags: map[string]string{"": "", "ml-data": ""}},
	}
	for _, field := range fields {
		root, rest, ok := strings.Cut(catalogFieldIndex.ReplaceAllString(field, ""), ".")
		if !ok || (root != "configuration" && root != "supplementaryConfiguration") {
			continue
		}
		parts := strings.Split(rest, ".")
		for depth := 1; depth <= len(parts); depth++ {
			for _, odd := range catalogOddValues {
				nested := json.RawMessage(odd)
				for i := depth - 1; i >= 0; i-- {
					key, _ := json.Marshal(parts[i])
					nested = json.RawMessage(`{` + string(key) + `:` + string(nested) + `}`)
				}
				desc := fmt.Sprintf("%s.%s = %s", root, strings.Join(parts[:depth], "."), truncateOdd(odd))
				c := catalogOddConfig{desc: desc}
				if root == "configuration" {
					c.configuration = nested
				} else {
					// supplementaryConfiguration values are stored per key.
					var m map[string]json.RawMessage
					_ = json.Unmarshal(nested, &m) // built above from valid JSON
					c.configuration = json.RawMessage(`{}`)
					c.supplementary = m
				}
				out = append(out, c)
			}
		}
	}
	return out
}

func truncateOdd(s string) string {
	if len(s) > 30 {
		return s[:30] + "…"
	}
	return s
}

// safeEvaluate runs Evaluate and turns a panic into a value.
func safeEvaluate(r *Rule, item *configitem.Item, p Params) (ev Evaluation, panicked any) {
	defer func() { panicked = recover() }()
	return r.Evaluate(item, p), nil
}

// checkEvaluation returns what is wrong with an evaluation ("" when nothing).
func checkEvaluation(r *Rule, item *configitem.Item, ev Evaluation) string {
	switch ev.Compliance {
	case Compliant, NonCompliant, NotApplicable:
	default:
		return fmt.Sprintf("compliance %q", ev.Compliance)
	}
	if ev.Compliance == NonCompliant && ev.Annotation == "" {
		return "NON_COMPLIANT without an annotation"
	}
	if n := utf8.RuneCountInString(ev.Annotation); n > MaxAnnotation || !utf8.ValidString(ev.Annotation) {
		return fmt.Sprintf("annotation of %d runes or invalid UTF-8", n)
	}
	if ev.RuleID != r.ID || ev.ResourceType != item.ResourceType || ev.ResourceID != item.ResourceID {
		return fmt.Sprintf("evaluation names %s %s %s", ev.RuleID, ev.ResourceType, ev.ResourceID)
	}
	return ""
}

func duplicates(list []string) []string {
	seen := map[string]bool{}
	var dup []string
	for _, s := range list {
		if seen[s] {
			dup = append(dup, s)
		}
		seen[s] = true
	}
	return dup
}

// TestCatalogPatternsCompile compiles every parameter pattern of the
// catalog, which the catalog declares uncompiled (Regexp) so that the
// Lambda's start-up does not pay for them: a pattern that does not compile
// fails here rather than on the first event that uses it.
func TestCatalogPatternsCompile(t *testing.T) {
	for _, r := range Catalog().All() {
		for _, p := range r.Params {
			if p.Pattern == nil {
				continue
			}
			if _, err := regexp.Compile(p.Pattern.String()); err != nil {
				t.Errorf("%s: parameter %s: %v", r.ID, p.Name, err)
				continue
			}
			_ = p.Pattern.MatchString("") // compiles a Regexp
		}
	}
	// The rules' own patterns, declared the same way.
	own := []*Regexp{vpcIDPattern, servicePrincipalPattern, iamNamePattern, elbTLS12Policy, platformIdentifier}
	for _, sp := range secretPatterns {
		own = append(own, sp.re)
	}
	for _, re := range own {
		if _, err := regexp.Compile(re.Expr); err != nil {
			t.Errorf("%s: %v", re.Expr, err)
		}
	}
}
