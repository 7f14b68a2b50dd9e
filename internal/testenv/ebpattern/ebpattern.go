// Package ebpattern matches events against Amazon EventBridge event
// patterns, for tests: it answers whether the rules aiguard generates send
// an event to their target, so that tests can check the generated patterns
// against the detection catalog's own matching. It implements the parts of
// the pattern language aiguard emits, with EventBridge's semantics
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html):
// nested objects; arrays of alternatives (an event array matches when any
// of its elements does); exact strings, numbers, booleans and null; prefix,
// suffix, wildcard, exists and anything-but (a list, a value or a prefix);
// and $or.
package ebpattern

import (
	"fmt"
	"strings"

	"github.com/aiguard/aiguard/detections"
)

// Match reports whether the event (decoded JSON) matches the pattern. A
// malformed pattern is an error.
func Match(pattern, event map[string]any) (bool, error) {
	return matchObject(pattern, event)
}

func matchObject(pattern, event map[string]any) (bool, error) {
	for key, p := range pattern {
		if key == "$or" {
			alts, ok := p.([]any)
			if !ok || len(alts) < 2 {
				return false, fmt.Errorf("$or wants a list of at least two patterns")
			}
			matched := false
			for _, a := range alts {
				am, ok := a.(map[string]any)
				if !ok {
					return false, fmt.Errorf("$or wants patterns (objects)")
				}
				m, err := matchObject(am, event)
				if err != nil {
					return false, err
				}
				matched = matched || m
			}
			if !matched {
				return false, nil
			}
			continue
		}
		v, present := event[key]
		switch pv := p.(type) {
		case map[string]any:
			sub, ok := v.(map[string]any)
			if !present || !ok {
				// A nested pattern whose fields all test for absence matches
				// a missing object.
				if allAbsent(pv) {
					continue
				}
				return false, nil
			}
			m, err := matchObject(pv, sub)
			if err != nil || !m {
				return m, err
			}
		case []any:
			m, err := matchValues(pv, v, present)
			if err != nil || !m {
				return m, err
			}
		default:
			return false, fmt.Errorf("pattern field %s: want an object or an array, got %T", key, p)
		}
	}
	return true, nil
}

func allAbsent(p map[string]any) bool {
	for _, v := range p {
		arr, ok := v.([]any)
		if !ok || len(arr) != 1 {
			return false
		}
		m, ok := arr[0].(map[string]any)
		if !ok || m["exists"] != false {
			return false
		}
	}
	return true
}

// matchValues matches the alternatives of a pattern array against an event
// value (an array matches when any element does).
func matchValues(alts []any, v any, present bool) (bool, error) {
	if len(alts) == 0 {
		return false, fmt.Errorf("empty array in a pattern")
	}
	values := []any{v}
	if arr, ok := v.([]any); ok {
		values = arr
	}
	for _, a := range alts {
		if m, ok := a.(map[string]any); ok {
			if e, has := m["exists"]; has {
				want, ok := e.(bool)
				if !ok {
					return false, fmt.Errorf("exists wants true or false")
				}
				if present == want {
					return true, nil
				}
				continue
			}
		}
		if !present {
			continue
		}
		for _, ev := range values {
			ok, err := matchOne(a, ev)
			if err != nil {
				return false, err
			}
			if ok {
				return true, nil
			}
		}
	}
	return false, nil
}

// matchOne matches one alternative against one event value.
func matchOne(a, v any) (bool, error) {
	m, ok := a.(map[string]any)
	if !ok {
		return equal(a, v), nil
	}
	if len(m) != 1 {
		return false, fmt.Errorf("a matcher has one key, got %v", m)
	}
	s, isString := v.(string)
	for op, arg := range m {
		switch op {
		case "prefix":
			p, ok := arg.(string)
			return ok && isString && strings.HasPrefix(s, p), nil
		case "suffix":
			p, ok := arg.(string)
			return ok && isString && strings.HasSuffix(s, p), nil
		case "wildcard":
			p, ok := arg.(string)
			return ok && isString && detections.Wildcard(p, s), nil
		case "anything-but":
			switch x := arg.(type) {
			case []any:
				for _, y := range x {
					if equal(y, v) {
						return false, nil
					}
				}
				return true, nil
			case map[string]any:
				if p, ok := x["prefix"].(string); ok {
					return !(isString && strings.HasPrefix(s, p)), nil
				}
				return false, fmt.Errorf("anything-but %v is not supported", x)
			default:
				return !equal(x, v), nil
			}
		}
		return false, fmt.Errorf("matcher %q is not supported", op)
	}
	return false, nil
}

func equal(a, b any) bool {
	switch x := a.(type) {
	case float64:
		y, ok := b.(float64)
		return ok && x == y
	case nil:
		return b == nil
	}
	return a == b
}
