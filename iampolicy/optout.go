package iampolicy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/aiguard/aiguard/internal/jsonpos"
	"github.com/aiguard/aiguard/internal/suggest"
)

// TypeOptOut is an AWS Organizations AI services opt-out policy: not IAM's
// grammar, but Organizations' management policy syntax
// (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_ai-opt-out_syntax.html).
const TypeOptOut Type = "opt-out"

// MaxOptOutChars is the size quota of an AI services opt-out policy.
const MaxOptOutChars = 2500

// optOutServices are the service keys AI services opt-out policies take,
// besides "default" (which covers every one of them).
var optOutServices = []string{
	"awssupplychain", "bedrock", "chimesdkvoiceanalytics", "chimesdkvoicefocus", "cloudtrailinsights",
	"codeguruprofiler", "codewhisperer", "comprehend", "comprehendmedical", "connectamd", "connectoptimization",
	"contactlens", "frauddetector", "guardduty", "kendra", "lex", "polly", "q", "quicksightq", "rekognition",
	"securitylake", "supportapp", "textract", "transcribe", "translate",
}

// childOperators are the values of @@operators_allowed_for_child_policies.
var childOperators = []string{"@@all", "@@none", "@@assign", "@@append", "@@remove"}

const childKey = "@@operators_allowed_for_child_policies"

// lintOptOut checks an AI services opt-out policy.
func (l *Linter) lintOptOut(data []byte) []Finding {
	res, err := jsonpos.Parse(data, jsonpos.Options{Tolerant: true, MaxDepth: maxDepth})
	if err != nil {
		var se *SyntaxError
		if errors.As(err, &se) {
			return []Finding{{Severity: SeverityError, Code: "optout-json", Line: se.Line, Column: se.Column,
				Message: "the policy is not valid JSON: " + se.Msg}}
		}
		return []Finding{{Severity: SeverityError, Code: "optout-json", Message: err.Error()}}
	}
	c := &optOutChecker{lines: jsonpos.NewLines(data)}
	for _, p := range res.Problems {
		c.add(SeverityError, "optout-json", "", p.Off, "%s", p.Msg)
	}
	root := res.Root
	if root.Kind != jsonpos.Object {
		c.add(SeverityError, "optout-structure", "", root.Off, "the policy is %s; an opt-out policy is an object with services", root.Kind)
		return c.done()
	}
	c.keys(root, []string{"services"}, "")
	services := root.Get("services")
	if services == nil {
		c.add(SeverityError, "optout-structure", "", root.Off, `the policy has no "services"; write {"services": {"default": {"opt_out_policy": {"@@assign": "optOut"}}}}`)
		return c.done()
	}
	if services.Val.Kind != jsonpos.Object {
		c.add(SeverityError, "optout-structure", "services", services.Val.Off, "services is %s; write an object of services", services.Val.Kind)
		return c.done()
	}
	names := append([]string{"default", childKey}, optOutServices...)
	c.duplicates(services.Val, "services")
	for _, m := range services.Val.Members {
		switch {
		case m.Name == childKey:
			c.operators(m, "services")
			continue
		case m.Name == "default", contains(optOutServices, m.Name):
		case strings.ToLower(m.Name) != m.Name || suggest.Closest(m.Name, names) != "":
			c.add(SeverityError, "optout-service", m.Name, m.Off, "%q is not a service key%s", m.Name, suggest.DidYouMean(m.Name, names))
			continue
		default:
			c.add(SeverityInfo, "optout-service", m.Name, m.Off, "%q is not in aiguard's list of services AI services opt-out policies support; check it against AWS's list", m.Name)
		}
		if m.Val.Kind != jsonpos.Object {
			c.add(SeverityError, "optout-structure", m.Name, m.Val.Off, "%s is %s; write an object with opt_out_policy", m.Name, m.Val.Kind)
			continue
		}
		c.level(m.Val, m.Name, "opt_out_policy")
		pol := m.Val.Get("opt_out_policy")
		if pol == nil {
			c.add(SeverityError, "optout-structure", m.Name, m.Val.Off, "%s has no opt_out_policy", m.Name)
			continue
		}
		if pol.Val.Kind != jsonpos.Object {
			c.add(SeverityError, "optout-structure", m.Name, pol.Val.Off, "opt_out_policy is %s; write {\"@@assign\": \"optOut\"}", pol.Val.Kind)
			continue
		}
		c.level(pol.Val, m.Name, "@@assign")
		assign := pol.Val.Get("@@assign")
		if assign == nil {
			c.add(SeverityError, "optout-value", m.Name, pol.Val.Off, "opt_out_policy of %s has no @@assign; write \"@@assign\": \"optOut\"", m.Name)
			continue
		}
		switch v, _ := assign.Val.ScalarText(); {
		case assign.Val.Kind != jsonpos.String:
			c.add(SeverityError, "optout-value", m.Name, assign.Val.Off, "@@assign is %s; write \"optOut\" or \"optIn\"", assign.Val.Kind)
		case v == "optIn":
			c.add(SeverityWarning, "optout-opted-in", m.Name, assign.Val.Off,
				"%s opts in: AWS may store and use content of that service to improve it", m.Name)
		case v != "optOut":
			c.add(SeverityError, "optout-value", m.Name, assign.Val.Off, "@@assign is %q; the values are \"optOut\" and \"optIn\", case-sensitive%s",
				v, suggest.DidYouMean(v, []string{"optOut", "optIn"}))
		}
	}
	if services.Val.Get("default") == nil && len(services.Val.Members) > 0 {
		c.add(SeverityInfo, "optout-default", "services", services.Val.Off,
			"no default: only the services named opt out; \"default\" covers every AI service, present and future")
	}
	var compact bytes.Buffer
	if json.Compact(&compact, jsonpos.Without(data, res.Skip)) == nil {
		if n := utf8.RuneCount(compact.Bytes()); n > MaxOptOutChars {
			c.add(SeverityError, "optout-size", "", 0, "the policy is %d characters without whitespace; an AI services opt-out policy takes at most %d",
				n, MaxOptOutChars)
		}
	}
	return c.done()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

type optOutChecker struct {
	lines *jsonpos.Lines
	out   []Finding
}

func (c *optOutChecker) add(sev Severity, code, loc string, off int, format string, args ...any) {
	line, col := c.lines.Pos(off)
	c.out = append(c.out, Finding{Severity: sev, Code: code, Location: loc, Line: line, Column: col,
		Message: fmt.Sprintf(format, args...)})
}

func (c *optOutChecker) done() []Finding {
	sort.SliceStable(c.out, func(i, j int) bool {
		if c.out[i].Line != c.out[j].Line {
			return c.out[i].Line < c.out[j].Line
		}
		return c.out[i].Column < c.out[j].Column
	})
	return c.out
}

// keys reports keys an object may not have.
// level checks one object of a service's policy: no key twice, only key
// and the child-policy operators, and those operators valid.
func (c *optOutChecker) level(n *jsonpos.Node, loc, key string) {
	c.duplicates(n, loc)
	c.keys(n, []string{key, childKey}, loc)
	if op := n.Get(childKey); op != nil {
		c.operators(*op, loc)
	}
}

func (c *optOutChecker) keys(n *jsonpos.Node, allowed []string, loc string) {
	for _, m := range n.Members {
		if !contains(allowed, m.Name) {
			c.add(SeverityError, "optout-structure", loc, m.Off, "%q is not allowed here (allowed: %s)%s", m.Name,
				strings.Join(allowed, ", "), suggest.DidYouMean(m.Name, allowed))
		}
	}
}

// duplicates reports a key written twice: a parser keeps one of them.
func (c *optOutChecker) duplicates(n *jsonpos.Node, loc string) {
	seen := map[string]bool{}
	for _, m := range n.Members {
		if seen[m.Name] {
			c.add(SeverityError, "optout-duplicate-key", loc, m.Off, "%q appears twice; one of them is silently lost", m.Name)
		}
		seen[m.Name] = true
	}
}

// operators checks @@operators_allowed_for_child_policies.
func (c *optOutChecker) operators(m jsonpos.Member, loc string) {
	if m.Val.Kind != jsonpos.Array || len(m.Val.Elems) == 0 {
		c.add(SeverityError, "optout-operators", loc, m.Val.Off, "%s takes a list such as [\"@@none\"]", childKey)
		return
	}
	for _, e := range m.Val.Elems {
		v, _ := e.ScalarText()
		if e.Kind != jsonpos.String || !contains(childOperators, v) {
			c.add(SeverityError, "optout-operators", loc, e.Off, "%q is not an operator (%s)%s", v,
				strings.Join(childOperators, ", "), suggest.DidYouMean(v, childOperators))
			continue
		}
		if (v == "@@all" || v == "@@none") && len(m.Val.Elems) > 1 {
			c.add(SeverityError, "optout-operators", loc, e.Off, "%s must be alone in %s", v, childKey)
		}
	}
}
