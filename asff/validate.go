package asff

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// timestamp is the form Security Hub accepts for its timestamps:
// YYYY-MM-DDTHH:MM:SS, up to nine fractional digits, then Z or an offset
// (+HH:MM or -HHMM). The patterns are compiled on first use: the rule
// Lambda links this package, and pays for its initialisation at every cold
// start.
var timestamp = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$`)
})

var accountID = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\d{12}$`) })

var labels = map[string]bool{
	SeverityInformational: true, SeverityLow: true, SeverityMedium: true, SeverityHigh: true, SeverityCritical: true,
}

var statuses = map[string]bool{StatusPassed: true, StatusWarning: true, StatusFailed: true, StatusNotAvailable: true}

// typeNamespaces are the namespaces of the finding type taxonomy
// (namespace/category/classifier).
var typeNamespaces = map[string]bool{
	"Software and Configuration Checks": true, "TTPs": true, "Effects": true, "Unusual Behaviors": true,
	"Sensitive Data Identifications": true,
}

// Validate checks a finding against what BatchImportFindings requires and
// limits: the required attributes (those of the API model, plus Severity
// and Types, which the ASFF documentation also requires), their lengths,
// enums and formats. It returns every problem, joined.
func Validate(f *Finding) error {
	var v validator
	v.required("SchemaVersion", f.SchemaVersion, 0)
	if f.SchemaVersion != "" && f.SchemaVersion != SchemaVersion {
		v.add("SchemaVersion %q: want %s", f.SchemaVersion, SchemaVersion)
	}
	v.required("Id", f.ID, MaxID)
	v.required("ProductArn", f.ProductArn, 0)
	v.required("GeneratorId", f.GeneratorID, MaxGeneratorID)
	if v.required("AwsAccountId", f.AwsAccountID, 0) && !accountID().MatchString(f.AwsAccountID) {
		v.add("AwsAccountId %q: want 12 digits", f.AwsAccountID)
	}
	for _, ts := range []struct{ name, value string }{
		{"CreatedAt", f.CreatedAt}, {"UpdatedAt", f.UpdatedAt},
	} {
		if v.required(ts.name, ts.value, 0) && !timestamp().MatchString(ts.value) {
			v.add("%s %q: not a timestamp Security Hub accepts", ts.name, ts.value)
		}
	}
	for _, ts := range []struct{ name, value string }{
		{"FirstObservedAt", f.FirstObservedAt}, {"LastObservedAt", f.LastObservedAt},
	} {
		if ts.value != "" && !timestamp().MatchString(ts.value) {
			v.add("%s %q: not a timestamp Security Hub accepts", ts.name, ts.value)
		}
	}
	v.required("Title", f.Title, MaxTitle)
	v.required("Description", f.Description, MaxDescription)
	v.types("Types", f.Types, true)
	if f.Severity == nil {
		v.add("Severity: required")
	} else {
		v.severity("Severity", f.Severity)
	}
	if f.Remediation != nil {
		v.optional("Remediation.Recommendation.Text", f.Remediation.Recommendation.Text, MaxRemediation)
		v.optional("Remediation.Recommendation.Url", f.Remediation.Recommendation.URL, 0)
	}
	v.fields("ProductFields", f.ProductFields, MaxProductFields, MaxFieldValue)
	switch n := len(f.Resources); {
	case n == 0:
		v.add("Resources: required, at least one resource")
	case n > MaxResources:
		v.add("Resources: %d resources, at most %d", n, MaxResources)
	}
	for i, r := range f.Resources {
		where := fmt.Sprintf("Resources[%d]", i)
		v.required(where+".Type", r.Type, 0)
		v.required(where+".Id", r.ID, 0)
		if r.Partition != "" && !partitions[r.Partition] {
			v.add("%s.Partition %q: want aws, aws-cn or aws-us-gov", where, r.Partition)
		}
		v.optional(where+".Region", r.Region, 0)
		if r.Details != nil {
			v.fields(where+".Details.Other", r.Details.Other, MaxOtherDetails, MaxOtherValue)
		}
		v.fields(where+".Tags", r.Tags, 0, 0)
	}
	if c := f.Compliance; c != nil {
		if c.Status != "" && !statuses[c.Status] {
			v.add("Compliance.Status %q: want PASSED, WARNING, FAILED or NOT_AVAILABLE", c.Status)
		}
		if len(c.RelatedRequirements) > MaxRequirements {
			v.add("Compliance.RelatedRequirements: %d entries, at most %d", len(c.RelatedRequirements), MaxRequirements)
		}
	}
	if f.RecordState != "" && f.RecordState != RecordActive && f.RecordState != RecordArchived {
		v.add("RecordState %q: want ACTIVE or ARCHIVED", f.RecordState)
	}
	if p := f.FindingProviderFields; p != nil {
		if p.Severity != nil {
			v.severity("FindingProviderFields.Severity", p.Severity)
		}
		v.types("FindingProviderFields.Types", p.Types, false)
	}
	if len(v.problems) == 0 {
		if b, err := json.Marshal(f); err != nil {
			v.add("encode: %v", err)
		} else if len(b) >= MaxFindingBytes {
			v.add("the finding is %d bytes; BatchImportFindings rejects findings of %d bytes or more", len(b), MaxFindingBytes)
		}
	}
	return v.err()
}

// ValidateBatch checks the findings of one BatchImportFindings call: one
// to BatchSize findings, each valid, no Id twice.
func ValidateBatch(findings []*Finding) error {
	var errs []error
	if n := len(findings); n == 0 || n > BatchSize {
		errs = append(errs, fmt.Errorf("a batch holds %d findings; BatchImportFindings takes 1 to %d", n, BatchSize))
	}
	seen := map[string]int{}
	for i, f := range findings {
		if err := Validate(f); err != nil {
			errs = append(errs, fmt.Errorf("finding %d (%s): %w", i, f.ID, err))
		}
		if j, dup := seen[f.ID]; dup {
			errs = append(errs, fmt.Errorf("finding %d repeats the Id of finding %d (%s)", i, j, f.ID))
		}
		seen[f.ID] = i
	}
	return errors.Join(errs...)
}

type validator struct{ problems []string }

func (v *validator) add(format string, args ...any) {
	v.problems = append(v.problems, fmt.Sprintf(format, args...))
}

func (v *validator) err() error {
	if len(v.problems) == 0 {
		return nil
	}
	return errors.New(strings.Join(v.problems, "; "))
}

// required checks a required string: present, not blank (the API's
// pattern .*\S.*), at most max characters (0: unbounded). It reports
// whether the value is there to check further.
func (v *validator) required(name, s string, max int) bool {
	if strings.TrimSpace(s) == "" {
		v.add("%s: required", name)
		return false
	}
	v.optional(name, s, max)
	return true
}

// optional checks an optional string: when present, not blank and at most
// max characters.
func (v *validator) optional(name, s string, max int) {
	if s == "" {
		return
	}
	if strings.TrimSpace(s) == "" {
		v.add("%s: blank", name)
	}
	if !utf8.ValidString(s) {
		v.add("%s: not valid UTF-8", name)
	}
	if n := utf8.RuneCountInString(s); max > 0 && n > max {
		v.add("%s: %d characters, at most %d", name, n, max)
	}
}

func (v *validator) severity(name string, s *Severity) {
	if !labels[s.Label] {
		v.add("%s.Label %q: want INFORMATIONAL, LOW, MEDIUM, HIGH or CRITICAL", name, s.Label)
	}
	v.optional(name+".Original", s.Original, 0)
}

func (v *validator) types(name string, types []string, required bool) {
	if len(types) == 0 {
		if required {
			v.add("%s: required", name)
		}
		return
	}
	if len(types) > MaxTypes {
		v.add("%s: %d entries, at most %d", name, len(types), MaxTypes)
	}
	for _, t := range types {
		parts := strings.Split(t, "/")
		if len(parts) < 2 || len(parts) > 3 || !typeNamespaces[parts[0]] {
			v.add("%s entry %q: want namespace/category[/classifier] with a namespace of the ASFF taxonomy", name, t)
		}
	}
}

// fields checks a string map: at most maxPairs pairs (0: unbounded), keys
// of at most MaxFieldKey characters, values non-blank and at most maxValue
// characters (0: unbounded).
func (v *validator) fields(name string, m map[string]string, maxPairs, maxValue int) {
	if maxPairs > 0 && len(m) > maxPairs {
		v.add("%s: %d pairs, at most %d", name, len(m), maxPairs)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v.required(name+" key", k, MaxFieldKey)
		v.required(name+"["+k+"]", m[k], maxValue)
	}
}
