package cfnjudge

// Reading a CloudFormation template: parameters (defaults, AllowedValues,
// --parameter values), mappings, conditions, and a unit for each resource
// that a rule of the scan covers, with its suppressions and the AI
// resources that reference it. The reader is conformance's, which keeps
// the line and column of every value and refuses invalid JSON and
// duplicate keys.

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/aiguard/aiguard/awsid"
	"github.com/aiguard/aiguard/conformance"
	"github.com/aiguard/aiguard/internal/english"
	"github.com/aiguard/aiguard/rules"
)

// Template is a template (or a Terraform plan mapped onto CloudFormation
// types) as the judge needs it.
type Template struct {
	name       string
	params     map[string]*tparam
	mappings   *conformance.Value
	conditions map[string]*conformance.Value
	// pseudo are the pseudo parameters with known values.
	pseudo map[string]any
	// resources by logical ID.
	resources map[string]*conformance.Value
	// policies are the bucket policies, by their target ("ref:ID" for a
	// Ref to a bucket, "name:NAME" for a literal bucket name).
	policies map[string][]*bucketPolicy
	opts     *Options
	// condMemo caches condition values.
	condMemo map[string]condResult
	// planRefs lists, for a Terraform plan (nil for a template), the
	// resources a value known only after apply refers to, from the plan's
	// configuration.
	planRefs func(at string) []string
}

// SetPlanReferences gives a plan's template what lists the resources that
// the configuration expression of a planned value refers to; at is where
// the value is, as a value known only after apply names it
// (aws_sagemaker_endpoint.e.endpoint_config_name).
func (t *Template) SetPlanReferences(refs func(at string) []string) { t.planRefs = refs }

type bucketPolicy struct {
	id  string
	doc *conformance.Value
}

// tparam is a template parameter.
type tparam struct {
	name, typ string
	def       *string
	override  *string
	allowed   []string
}

type valueSource int

const (
	fromOverride valueSource = iota
	fromDefault
)

// value returns the parameter's value: --parameter, else its Default.
func (p *tparam) value() (string, valueSource, bool) {
	if p.override != nil {
		return *p.override, fromOverride, true
	}
	if p.def != nil {
		return *p.def, fromDefault, true
	}
	return "", 0, false
}

// typed turns a parameter value into the JSON value CloudFormation passes:
// a list for List<...> and CommaDelimitedList types, else a string.
func (p *tparam) typed(v string) any {
	if strings.HasPrefix(p.typ, "List<") || p.typ == "CommaDelimitedList" {
		parts := strings.Split(v, ",")
		out := make([]any, 0, len(parts))
		for _, s := range parts {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	return v
}

// isList reports whether the parameter holds a list.
func (p *tparam) isList() bool {
	return strings.HasPrefix(p.typ, "List<") || p.typ == "CommaDelimitedList"
}

// UnitRecord is a resource a template or plan reader prepared, or the
// reason it could not.
type UnitRecord struct {
	Pos  Position
	Unit *Unit
	Err  error
}

// Coverage is what the rules of a scan cover.
type Coverage struct {
	// Covered are the types some change-triggered rule judges.
	Covered map[string]bool
	// Periodic are the periodic rules asked for, which cannot run on a
	// template.
	Periodic []*rules.Rule
}

// NewTemplate returns an empty template, to which a Terraform plan's
// reader adds its resources.
func NewTemplate(name string, opts *Options) *Template {
	return &Template{name: name, params: map[string]*tparam{}, conditions: map[string]*conformance.Value{},
		resources: map[string]*conformance.Value{}, policies: map[string][]*bucketPolicy{}, opts: opts,
		condMemo: map[string]condResult{}, mappings: &conformance.Value{Kind: conformance.Map}, pseudo: pseudoParams(opts)}
}

// AddResource adds a resource, as a template would hold it, that judged
// resources may reference.
func (t *Template) AddResource(id string, body *conformance.Value) { t.resources[id] = body }

// AddBucketPolicy adds a bucket policy (its ID and PolicyDocument) for the
// bucket target names: "ref:ID" for a Ref to a bucket, "name:NAME" for a
// literal bucket name.
func (t *Template) AddBucketPolicy(target, id string, doc *conformance.Value) {
	t.policies[target] = append(t.policies[target], &bucketPolicy{id: id, doc: doc})
}

// NewUnit makes a unit of a resource of the template with its properties.
func (t *Template) NewUnit(id, typ string, pos Position, props *conformance.Value) *Unit {
	return &Unit{t: t, id: id, typ: typ, pos: pos, props: props}
}

// ReadTemplate reads a template and makes a unit of each resource the
// rules cover.
func ReadTemplate(name string, data []byte, rs Coverage, opts *Options) ([]UnitRecord, []string, error) {
	doc, err := conformance.ParseValue(data)
	if err != nil {
		return nil, nil, err
	}
	if doc.Kind != conformance.Map {
		return nil, nil, errors.New("parse template: want a mapping at the top level")
	}
	resNode := doc.Get("Resources")
	if resNode == nil || resNode.Kind != conformance.Map {
		return nil, nil, errors.New("template has no Resources mapping")
	}
	t := NewTemplate(name, opts)
	if m := doc.Get("Mappings"); m != nil {
		t.mappings = m
	}
	var notes []string
	for _, f := range fieldsOf(doc.Get("Parameters")) {
		p := &tparam{name: f.Key}
		p.typ, _ = f.Value.Get("Type").Scalar()
		if d := f.Value.Get("Default"); d != nil {
			s := scalarOrList(d)
			p.def = &s
		}
		for _, a := range itemsOf(f.Value.Get("AllowedValues")) {
			if s, ok := a.Scalar(); ok {
				p.allowed = append(p.allowed, s)
			}
		}
		if v, ok := opts.TemplateParams[f.Key]; ok {
			p.override = &v
		}
		t.params[f.Key] = p
	}
	var unknownParams []string
	for k := range opts.TemplateParams {
		if t.params[k] == nil {
			unknownParams = append(unknownParams, k)
		}
	}
	if len(unknownParams) > 0 {
		sort.Strings(unknownParams)
		notes = append(notes, fmt.Sprintf("%s: --parameter %s: no such parameter in the template", name,
			strings.Join(unknownParams, ", ")))
	}
	for _, f := range fieldsOf(doc.Get("Conditions")) {
		t.conditions[f.Key] = f.Value
	}

	var out []UnitRecord
	uncovered := map[string]int{}
	periodicOnly := map[string]bool{}
	var units []*Unit
	for _, f := range resNode.Fields {
		id, body := f.Key, f.Value
		pos := Position{File: name, Line: f.Line, Column: f.Column, Resource: id, Index: -1}
		t.resources[id] = body
		if body.Kind != conformance.Map {
			out = append(out, UnitRecord{Pos: pos, Err: errors.New("resource is not a mapping")})
			continue
		}
		typ, _ := body.Get("Type").Scalar()
		if typ == "" {
			out = append(out, UnitRecord{Pos: pos, Err: errors.New("resource has no Type")})
			continue
		}
		props := body.Get("Properties")
		if typ == "AWS::S3::BucketPolicy" {
			if key := bucketPolicyTarget(props.Get("Bucket")); key != "" {
				t.policies[key] = append(t.policies[key], &bucketPolicy{id: id, doc: props.Get("PolicyDocument")})
			}
			continue
		}
		if !rs.Covered[typ] {
			covered := false
			for _, r := range rs.Periodic {
				if r.Covers(typ) {
					covered = true
				}
			}
			if covered {
				periodicOnly[typ] = true
			} else {
				uncovered[typ]++
			}
			continue
		}
		cond, _ := body.Get("Condition").Scalar()
		r := &Unit{t: t, id: id, typ: typ, pos: pos, body: body, props: props, cond: cond}
		var skipNotes []string
		r.skips, skipNotes = readSkips(name, id, body.Get("Metadata"), opts.Now, opts.Registry)
		notes = append(notes, skipNotes...)
		units = append(units, r)
		out = append(out, UnitRecord{Pos: pos, Unit: r})
	}
	t.linkReferences(units)
	if len(periodicOnly) > 0 && len(rs.Periodic) > 0 {
		notes = append(notes, fmt.Sprintf("%s: %s resources are judged only by periodic rules, which call "+
			"service APIs and cannot run on a template", name, strings.Join(sortedKeys(periodicOnly), ", ")))
	}
	if len(uncovered) > 0 {
		notes = append(notes, UncoveredNote(name, "", uncovered))
	}
	return out, notes, nil
}

// UncoveredNote says how many resources of a template or plan (kind:
// "planned " or "") are of types no rule of the scan covers, counted by
// type.
func UncoveredNote(file, kind string, uncovered map[string]int) string {
	n := 0
	for _, c := range uncovered {
		n += c
	}
	return fmt.Sprintf("%s: %d %s%s of types no rule of the scan covers (%s)", file, n, kind,
		english.Plural(n, "resource", "resources"), strings.Join(sortedKeys(uncovered), ", "))
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// pseudoParams are the pseudo parameters known before deployment.
func pseudoParams(opts *Options) map[string]any {
	part := PartitionOf("", opts.Region)
	m := map[string]any{"AWS::Partition": part, "AWS::URLSuffix": awsid.DNSSuffix(part)}
	if opts.Region != "" {
		m["AWS::Region"] = opts.Region
	}
	if opts.AccountID != "" {
		m["AWS::AccountId"] = opts.AccountID
	}
	return m
}

// scalarOrList reads a parameter Default: a scalar, or a list (joined with
// commas, as CloudFormation passes a list parameter).
func scalarOrList(v *conformance.Value) string {
	if s, ok := v.Scalar(); ok {
		return s
	}
	var parts []string
	for _, it := range itemsOf(v) {
		if s, ok := it.Scalar(); ok {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ",")
}

// bucketPolicyTarget returns the bucket a BucketPolicy's Bucket property
// names: "ref:LogicalID" for !Ref, the literal name otherwise.
func bucketPolicyTarget(v *conformance.Value) string {
	if v == nil {
		return ""
	}
	if s, ok := v.Scalar(); ok && v.Kind == conformance.String {
		return "name:" + s
	}
	if fn, arg, ok := v.Intrinsic(); ok && fn == "Ref" {
		if s, ok := arg.Scalar(); ok {
			return "ref:" + s
		}
	}
	return ""
}

// condResult is a condition's value before deployment.
type condResult int

const (
	condUnknown condResult = iota
	condTrue
	condFalse
	condBusy // being evaluated: a cycle
)

// condition evaluates a named condition with the parameters' values;
// used collects the parameter defaults it relied on.
func (t *Template) condition(name string, used *[]assumption) condResult {
	if r, ok := t.condMemo[name]; ok {
		if r == condBusy {
			return condUnknown
		}
		// The memo keeps the value, not the defaults behind it: evaluate
		// again when they are wanted.
		if used == nil {
			return r
		}
	}
	expr := t.conditions[name]
	if expr == nil {
		return condUnknown
	}
	t.condMemo[name] = condBusy
	var mine []assumption
	r := t.condExpr(expr, &mine)
	t.condMemo[name] = r
	if used != nil {
		*used = append(*used, mine...)
	}
	return r
}

func (t *Template) condExpr(v *conformance.Value, used *[]assumption) condResult {
	fn, arg, ok := v.Intrinsic()
	if !ok {
		if s, ok := v.Scalar(); ok {
			switch strings.ToLower(s) {
			case "true":
				return condTrue
			case "false":
				return condFalse
			}
		}
		return condUnknown
	}
	switch fn {
	case "Condition":
		if s, ok := arg.Scalar(); ok {
			return t.condition(s, used)
		}
	case "Fn::Not":
		if arg.Kind == conformance.List && len(arg.Items) == 1 {
			switch t.condExpr(arg.Items[0], used) {
			case condTrue:
				return condFalse
			case condFalse:
				return condTrue
			}
		}
	case "Fn::And", "Fn::Or":
		if arg.Kind != conformance.List {
			return condUnknown
		}
		decisive, other := condFalse, condTrue
		if fn == "Fn::Or" {
			decisive, other = condTrue, condFalse
		}
		result := other
		for _, it := range arg.Items {
			switch t.condExpr(it, used) {
			case decisive:
				return decisive
			case condUnknown:
				result = condUnknown
			}
		}
		return result
	case "Fn::Equals":
		if arg.Kind == conformance.List && len(arg.Items) == 2 {
			c := &foldCtx{t: t, assumed: used}
			a, okA := scalarString(c.fold(arg.Items[0], ""))
			b, okB := scalarString(c.fold(arg.Items[1], ""))
			if okA && okB {
				if a == b {
					return condTrue
				}
				return condFalse
			}
		}
	}
	return condUnknown
}

// skip is one entry of a resource's Metadata.aiguard.skip.
type skip struct {
	rule, reason, expires string
}

var dayPattern = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// readSkips reads Metadata.aiguard.skip: [{rule, reason, expires}]. An
// entry without a reason, with an unknown rule or a malformed date is
// ignored with a note, and so is one that expired before now.
func readSkips(file, id string, meta *conformance.Value, now time.Time, reg *rules.Registry) ([]skip, []string) {
	list := meta.Get("aiguard").Get("skip")
	if list == nil {
		return nil, nil
	}
	where := fmt.Sprintf("%s:%d:%d: resource %s: Metadata.aiguard.skip", file, list.Line, list.Column, id)
	if list.Kind != conformance.List {
		return nil, []string{where + ": want a list of {rule, reason, expires}; ignored"}
	}
	var out []skip
	var notes []string
	for i, e := range itemsOf(list) {
		at := fmt.Sprintf("%s:%d:%d: resource %s: Metadata.aiguard.skip[%d]", file, e.Line, e.Column, id, i)
		rule, _ := e.Get("rule").Scalar()
		reason, _ := e.Get("reason").Scalar()
		expires, _ := e.Get("expires").Scalar()
		switch {
		case rule == "":
			notes = append(notes, at+": no rule; ignored")
			continue
		case strings.TrimSpace(reason) == "":
			notes = append(notes, at+": "+rule+" has no reason, which a suppression needs; ignored")
			continue
		}
		if _, ok := reg.Get(rule); !ok {
			msg := at + ": unknown rule " + rule
			if s := reg.Suggest(rule); s != "" {
				msg += " (did you mean " + s + "?)"
			}
			notes = append(notes, msg+"; ignored")
			continue
		}
		if expires != "" {
			day, err := time.Parse(time.DateOnly, expires)
			if err != nil || !dayPattern.MatchString(expires) {
				notes = append(notes, at+": expires "+expires+" is not a date (YYYY-MM-DD); ignored")
				continue
			}
			if !now.Before(day.AddDate(0, 0, 1)) {
				notes = append(notes, at+": the suppression of "+rule+" expired on "+expires+"; ignored")
				continue
			}
		}
		out = append(out, skip{rule: rule, reason: reason, expires: expires})
	}
	return out, notes
}

// fieldsOf and itemsOf read a map's fields and a list's items, nil-safe.
func fieldsOf(v *conformance.Value) []conformance.Field {
	if v == nil || v.Kind != conformance.Map {
		return nil
	}
	return v.Fields
}

func itemsOf(v *conformance.Value) []*conformance.Value {
	if v == nil || v.Kind != conformance.List {
		return nil
	}
	return v.Items
}
