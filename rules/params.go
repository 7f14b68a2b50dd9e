package rules

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ParamType is the type of a rule parameter. Config passes every parameter
// as a string; the type says how aiguard reads it.
type ParamType string

const (
	String ParamType = "String"
	// CSV is a comma-separated list; blanks around items are ignored.
	CSV  ParamType = "CSV"
	Int  ParamType = "Int"
	Bool ParamType = "Bool"
	// Enum is a string from a fixed list (Param.Values).
	Enum ParamType = "Enum"
)

// Param declares a rule parameter.
type Param struct {
	Name        string
	Type        ParamType
	Description string
	// Default is used when the parameter is absent or empty ("" means no
	// default: the parameter is optional and unset).
	Default string
	// Values lists the allowed values of an Enum, or of each CSV item when set.
	Values []string
	// Min and Max bound an Int, both inclusive. The bounds are ignored when
	// Min > Max, and when both are zero (the zero Param is unbounded, not
	// "exactly 0").
	Min, Max int64
	// Pattern, when set, every String value or CSV item must match.
	Pattern Matcher
	// PatternHelp describes Pattern (and MaxLen) in words for error messages.
	PatternHelp string
	// MaxLen, when set, bounds every String value or CSV item, in characters.
	// It keeps patterns free of counted repetition, which makes regexps over
	// large Unicode classes costly to compile.
	MaxLen int
}

// ReservedParams are rule parameters that steer the runtime, not a rule:
// ruleId selects the rule, ExecutionRoleName the member-account role the
// Lambda assumes, ExecutionRoleRegion the Region for that role's calls,
// exemptResourceIds the resources exempted from the rule (ExemptParam).
var ReservedParams = []string{"ruleId", "ExecutionRoleName", "ExecutionRoleRegion", ExemptParam}

// IsReserved reports whether name is a runtime parameter.
func IsReserved(name string) bool { return slices.Contains(ReservedParams, name) }

// Params are a rule's validated parameter values.
type Params struct {
	values map[string]string
}

// String returns a String or Enum parameter ("" when unset).
func (p Params) String(name string) string { return p.values[name] }

// List returns a CSV parameter's items (nil when unset).
func (p Params) List(name string) []string { return splitCSV(p.values[name]) }

// Int returns an Int parameter (0 when unset).
func (p Params) Int(name string) int64 {
	n, _ := strconv.ParseInt(p.values[name], 10, 64)
	return n
}

// Bool returns a Bool parameter (false when unset).
func (p Params) Bool(name string) bool {
	b, _ := strconv.ParseBool(p.values[name])
	return b
}

// IsSet reports whether the parameter has a value, given or default.
func (p Params) IsSet(name string) bool { return p.values[name] != "" }

// ParamError reports an invalid parameter; it names the parameter and the
// form expected.
type ParamError struct {
	Rule  string
	Param string
	Value string
	Want  string
}

func (e *ParamError) Error() string {
	if e.Value == "" {
		return fmt.Sprintf("rule %s: parameter %s: %s", e.Rule, e.Param, e.Want)
	}
	return fmt.Sprintf("rule %s: parameter %s: got %q, want %s", e.Rule, e.Param, e.Value, e.Want)
}

// Param returns the declared parameter with the given name.
func (r *Rule) Param(name string) (Param, bool) {
	for _, d := range r.Params {
		if d.Name == name {
			return d, true
		}
	}
	return Param{}, false
}

// OwnParams returns the entries of raw that the rule declares, with the
// reserved runtime parameters (exemptResourceIds among them): what the rule
// takes of parameters given to many rules at once.
func (r *Rule) OwnParams(raw map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range raw {
		if _, ok := r.Param(k); ok || IsReserved(k) {
			out[k] = v
		}
	}
	return out
}

// ParseParams validates raw parameter values against the rule's
// declarations and fills in defaults. Reserved runtime parameters are
// ignored; any other undeclared name is an error that lists the declared ones.
func (r *Rule) ParseParams(raw map[string]string) (Params, error) {
	names := make([]string, 0, len(raw))
	for name := range raw {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if IsReserved(name) {
			continue
		}
		if _, ok := r.Param(name); !ok {
			return Params{}, &ParamError{Rule: r.ID, Param: name, Want: r.declaredHelp()}
		}
	}
	values := make(map[string]string, len(r.Params))
	for _, d := range r.Params {
		v := strings.TrimSpace(raw[d.Name])
		if v == "" {
			v = d.Default
		}
		if v == "" {
			continue
		}
		norm, err := d.validate(v)
		if err != nil {
			return Params{}, &ParamError{Rule: r.ID, Param: d.Name, Value: v, Want: err.Error()}
		}
		values[d.Name] = norm
	}
	return Params{values: values}, nil
}

// DefaultParams returns the parameters with every default applied.
func (r *Rule) DefaultParams() Params {
	p, err := r.ParseParams(nil)
	if err != nil {
		// Defaults are part of the catalog and checked by its tests.
		return Params{values: map[string]string{}}
	}
	return p
}

func (r *Rule) declaredHelp() string {
	if len(r.Params) == 0 {
		return "not a parameter of this rule (it takes none)"
	}
	names := make([]string, len(r.Params))
	for i, d := range r.Params {
		names[i] = d.Name
	}
	return "not a parameter of this rule (it takes " + strings.Join(names, ", ") + ")"
}

// validate checks one value and returns it normalised.
func (d Param) validate(v string) (string, error) {
	switch d.Type {
	case String:
		return v, d.matchPattern(v)
	case Enum:
		for _, allowed := range d.Values {
			if strings.EqualFold(v, allowed) {
				return allowed, nil
			}
		}
		return "", fmt.Errorf("one of %s", strings.Join(d.Values, ", "))
	case CSV:
		items := splitCSV(v)
		if len(items) == 0 {
			return "", fmt.Errorf("a comma-separated list")
		}
		for i, item := range items {
			if len(d.Values) > 0 {
				j := slices.IndexFunc(d.Values, func(a string) bool { return strings.EqualFold(a, item) })
				if j < 0 {
					return "", fmt.Errorf("a comma-separated list of %s (item %q is not one)", strings.Join(d.Values, ", "), item)
				}
				items[i] = d.Values[j]
			}
			if err := d.matchPattern(item); err != nil {
				return "", fmt.Errorf("a comma-separated list of which each item is %v (item %q is not)", err, item)
			}
		}
		return strings.Join(items, ","), nil
	case Int:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return "", fmt.Errorf("an integer%s", d.rangeHelp())
		}
		if d.bounded() && (n < d.Min || n > d.Max) {
			return "", fmt.Errorf("an integer%s", d.rangeHelp())
		}
		return strconv.FormatInt(n, 10), nil
	case Bool:
		b, err := strconv.ParseBool(v)
		if err != nil {
			return "", fmt.Errorf("true or false")
		}
		return strconv.FormatBool(b), nil
	}
	return "", fmt.Errorf("a value of the undeclared type %q", d.Type)
}

func (d Param) matchPattern(v string) error {
	if (d.Pattern == nil || d.Pattern.MatchString(v)) && (d.MaxLen == 0 || utf8.RuneCountInString(v) <= d.MaxLen) {
		return nil
	}
	help := d.PatternHelp
	if help == "" {
		help = "a value matching " + d.Pattern.String()
	}
	return fmt.Errorf("%s", help)
}

// bounded reports whether Min and Max constrain an Int.
func (d Param) bounded() bool { return d.Min <= d.Max && (d.Min != 0 || d.Max != 0) }

func (d Param) rangeHelp() string {
	if !d.bounded() {
		return ""
	}
	return fmt.Sprintf(" from %d to %d", d.Min, d.Max)
}

func splitCSV(s string) []string {
	var out []string
	for item := range strings.SplitSeq(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}
