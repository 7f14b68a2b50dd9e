package cfnjudge

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/aiguard/aiguard/conformance"
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
	reg := catalog()
	selected, err := resourceRules(reg, r.Type, opts.Rules)
	if err != nil || len(selected) == 0 {
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
	p, err := NewProfile("", selected, nil, func(rule *rules.Rule) (map[string]string, map[string]string, bool) {
		return opts.Params[rule.ID], nil, true
	})
	if err != nil {
		return nil, err
	}
	t := NewTemplate(r.LogicalID, &Options{Registry: reg, AccountID: opts.AccountID, Region: opts.Region, Now: now})
	res := &Unit{t: t, id: r.LogicalID, typ: r.Type, pos: Position{File: r.LogicalID, Resource: r.LogicalID, Index: -1}, props: props}
	var out Result
	res.Judge(p, &out)
	if out.Problem != nil {
		return nil, fmt.Errorf("resource %s: %w", r.LogicalID, out.Problem.Err)
	}
	return out.Evaluations, nil
}

// resourceRules returns the change-triggered rules to run on a type, in ID
// order: those named (each must exist), or every rule covering the type.
func resourceRules(reg *rules.Registry, typ string, ids []string) ([]*rules.Rule, error) {
	if len(ids) == 0 {
		return reg.ForType(typ), nil
	}
	var out []*rules.Rule
	for _, id := range ids {
		r, err := reg.Lookup(id)
		if err != nil {
			return nil, err
		}
		if r.Check != nil && r.Covers(typ) && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b *rules.Rule) int { return cmpString(a.ID, b.ID) })
	return out, nil
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// resourceProperties reads Properties given as JSON with the template
// reader, so that long-form intrinsics ({"Ref": ...}, {"Fn::If": [...]})
// are read as a template's are.
func resourceProperties(raw json.RawMessage) (*conformance.Value, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if !json.Valid(raw) {
		return nil, errors.New("properties are not valid JSON")
	}
	v, err := conformance.ParseValue(raw)
	if err != nil {
		return nil, fmt.Errorf("read properties: %w", err)
	}
	if v.Kind != conformance.Map {
		return nil, errors.New("properties are not a JSON object")
	}
	return v, nil
}
