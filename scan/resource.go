package scan

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/aiguard/aiguard/rules"
)

// Resource is one CloudFormation resource as a template or a CloudFormation hook presents it.
type Resource struct {
	LogicalID  string
	Type       string          // e.g. AWS::SageMaker::NotebookInstance
	Properties json.RawMessage // the resource's Properties, a JSON object; intrinsics in JSON form
}

// ResourceOptions says how to judge it.
type ResourceOptions struct {
	AccountID, Region string
	Params            map[string]map[string]string // rule ID → rule parameters (reserved keys such as exemptResourceIds included); others use defaults
	Rules             []string                     // rule IDs to run; empty runs every rule whose scope covers the type
	Now               time.Time
}

// catalog is the rule catalog, built on first use and never changed.
var catalog = sync.OnceValue(rules.Catalog)

// EvaluateResource judges one resource exactly as scan judges it inside a template (same conversion, same
// rules, same handling of unresolved values). A type no rule covers gives no evaluations and no error.
func EvaluateResource(ctx context.Context, r Resource, opts ResourceOptions) ([]rules.Evaluation, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if r.Type == "" {
		return nil, errors.New("resource has no Type")
	}
	if r.LogicalID == "" {
		return nil, errors.New("resource has no logical ID")
	}
	list, err := resourceRules(catalog(), r.Type, opts.Rules)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	props, err := resourceProperties(r.Properties)
	if err != nil {
		return nil, fmt.Errorf("resource %s: %w", r.LogicalID, err)
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	sopts := &Options{AccountID: opts.AccountID, Region: opts.Region, Now: now}
	res := convertResource(sopts, r.LogicalID, r.Type, props, nil)
	if res.err != nil {
		return nil, fmt.Errorf("resource %s: %w", r.LogicalID, res.err)
	}
	out := make([]rules.Evaluation, 0, len(list))
	for _, rule := range list {
		judge, err := rule.Configure(opts.Params[rule.ID])
		if err != nil {
			return nil, err
		}
		ev := rule.Evaluate(res.item, judge.Params)
		if len(res.unresolved) > 0 {
			ev = qualify(ev, rule, res.unresolved)
		}
		ev, _ = judge.Exempt(ev, now, res.item.ResourceName)
		out = append(out, ev)
	}
	return out, nil
}

// resourceRules returns the change-triggered rules to run on a type, in ID
// order: those named (each must exist), or every rule covering the type.
func resourceRules(reg *rules.Registry, typ string, ids []string) ([]*rules.Rule, error) {
	if len(ids) == 0 {
		return reg.ForType(typ), nil
	}
	var out []*rules.Rule
	for _, id := range ids {
		r, ok := reg.Get(id)
		if !ok {
			msg := fmt.Sprintf("unknown rule %q", id)
			if s := reg.Suggest(id); s != "" {
				msg += fmt.Sprintf(" (did you mean %s?)", s)
			}
			return nil, errors.New(msg)
		}
		if r.Check != nil && r.Covers(typ) && !containsRule(out, r) {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

func containsRule(list []*rules.Rule, r *rules.Rule) bool {
	for _, x := range list {
		if x == r {
			return true
		}
	}
	return false
}

// resourceProperties reads Properties given as JSON into the values a
// template's properties become, through the same reader: JSON is YAML, and
// its long-form intrinsics ({"Ref": ...}, {"Fn::GetAtt": [...]}) are read as
// a template's are.
func resourceProperties(raw json.RawMessage) (map[string]any, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if !json.Valid(raw) {
		return nil, errors.New("properties are not valid JSON")
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("read properties: %w", err)
	}
	v, err := (&treeBuilder{}).value(&doc)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("properties are not a JSON object")
	}
	return m, nil
}
