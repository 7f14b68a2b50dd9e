package conformance

import (
	"sort"

	"github.com/aiguard/aiguard/internal/suggest"
	"strings"

	"github.com/aiguard/aiguard/internal/cfnspec"
)

// references checks every Ref, Fn::GetAtt, Fn::Sub variable, condition name
// and intrinsic function name, and records which parameters and conditions
// are used.
func (c *checker) references() {
	for _, cd := range c.t.Conditions {
		c.walkRefs(cd.Expr, cd.Name, true)
	}
	for _, r := range c.t.Resources {
		if r.Condition != "" {
			c.useCondition(r.Condition, r.LogicalID, r.Pos)
		}
		for _, d := range r.DependsOn {
			if c.resources[d] == nil {
				c.add(SeverityError, "pack-ref-undefined", r.LogicalID, r.Pos,
					"DependsOn names %s, which is not a resource of this template", d)
			}
		}
		c.walkRefs(r.Properties, r.LogicalID, false)
	}
	for _, f := range c.t.Other {
		if f.Key != "Outputs" {
			continue
		}
		for _, o := range mapFields(f.Value) {
			if cond, ok := o.Value.Get("Condition").Scalar(); ok {
				c.useCondition(cond, o.Key, o.Pos)
			}
			c.walkRefs(o.Value.Get("Value"), o.Key, false)
		}
	}
}

func (c *checker) useCondition(name, loc string, at Pos) {
	if c.conditions[name] == nil {
		c.add(SeverityError, "pack-condition-undefined", loc, at,
			"condition %s is not defined in the Conditions section", name)
		return
	}
	c.usedCond[name] = true
}

func (c *checker) useName(name, loc string, at Pos, what string) {
	switch {
	case c.params[name] != nil:
		c.usedParam[name] = true
	case c.resources[name] != nil, pseudoParameters[name]:
	default:
		c.add(SeverityError, "pack-ref-undefined", loc, at,
			"%s %s is not a parameter, a resource or a pseudo parameter of this template%s; define it or fix the name",
			what, name, suggest.DidYouMean(name, c.refNames()))
	}
}

// refNames are the names a Ref may name: parameters, resources, pseudo
// parameters.
func (c *checker) refNames() []string {
	var out []string
	for n := range c.params {
		out = append(out, n)
	}
	for n := range c.resources {
		out = append(out, n)
	}
	for n := range pseudoParameters {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// walkRefs visits v. inConditions is set inside the Conditions section,
// where {Condition: name} refers to another condition.
func (c *checker) walkRefs(v *Value, loc string, inConditions bool) {
	if v == nil {
		return
	}
	if name, arg, ok := v.Intrinsic(); ok && (name != "Condition" || inConditions) {
		c.intrinsic(name, arg, v.Pos, loc, inConditions)
		return
	}
	for _, it := range v.Items {
		c.walkRefs(it, loc, inConditions)
	}
	for _, f := range v.Fields {
		c.walkRefs(f.Value, loc, inConditions)
	}
}

func (c *checker) intrinsic(name string, arg *Value, at Pos, loc string, inConditions bool) {
	switch name {
	case "Ref":
		s, ok := arg.Scalar()
		if !ok || arg.Kind != String {
			c.add(SeverityError, "pack-intrinsic-invalid", loc, at, "Ref takes the name of a parameter or resource as a string")
			return
		}
		c.useName(s, loc, at, "Ref target")
		return
	case "Condition":
		s, ok := arg.Scalar()
		if !ok {
			c.add(SeverityError, "pack-intrinsic-invalid", loc, at, "Condition takes the name of a condition as a string")
			return
		}
		c.useCondition(s, loc, at)
		return
	case "Fn::If":
		if arg.Kind != List || len(arg.Items) != 3 {
			c.add(SeverityError, "pack-intrinsic-invalid", loc, at, "Fn::If takes three arguments: [condition name, value if true, value if false]")
			if arg.Kind == List && len(arg.Items) > 0 {
				if s, ok := arg.Items[0].Scalar(); ok && c.conditions[s] != nil {
					c.usedCond[s] = true // say it once: the condition is not unused
				}
			}
			break
		}
		if s, ok := arg.Items[0].Scalar(); ok {
			c.useCondition(s, loc, at)
		} else {
			c.add(SeverityError, "pack-intrinsic-invalid", loc, at, "the first argument of Fn::If must be a condition name")
		}
		c.walkRefs(arg.Items[1], loc, inConditions)
		c.walkRefs(arg.Items[2], loc, inConditions)
		return
	case "Fn::GetAtt":
		var res string
		switch {
		case arg.Kind == List && len(arg.Items) == 2:
			res, _ = arg.Items[0].Scalar()
		case arg.Kind == String:
			res, _, _ = strings.Cut(arg.Text, ".")
		}
		if res == "" {
			c.add(SeverityError, "pack-intrinsic-invalid", loc, at, "Fn::GetAtt takes [logical ID, attribute name]")
			return
		}
		if c.resources[res] == nil {
			c.add(SeverityError, "pack-ref-undefined", loc, at, "Fn::GetAtt names %s, which is not a resource of this template", res)
		}
		if arg.Kind == List {
			c.walkRefs(arg.Items[1], loc, inConditions)
		}
		return
	case "Fn::Sub":
		c.sub(arg, at, loc, inConditions)
		return
	default:
		if !cfnspec.IsIntrinsicFunction(name) {
			c.add(SeverityError, "pack-intrinsic-unknown", loc, at,
				"%s is not a CloudFormation intrinsic function; check its spelling (Fn::If, Fn::Sub, Fn::Equals, ...)", name)
			return
		}
	}
	c.walkRefs(arg, loc, inConditions)
}

// sub checks the ${Name} and ${Resource.Attribute} variables of Fn::Sub.
func (c *checker) sub(arg *Value, at Pos, loc string, inConditions bool) {
	text := arg
	local := map[string]bool{}
	if arg.Kind == List {
		if len(arg.Items) != 2 || arg.Items[1].Kind != Map {
			c.add(SeverityError, "pack-intrinsic-invalid", loc, at, "Fn::Sub takes a string, or [string, map of variables]")
			return
		}
		text = arg.Items[0]
		for _, f := range arg.Items[1].Fields {
			local[f.Key] = true
			c.walkRefs(f.Value, loc, inConditions)
		}
	}
	s, ok := text.Scalar()
	if !ok || text.Kind != String {
		c.add(SeverityError, "pack-intrinsic-invalid", loc, at, "the template of Fn::Sub must be a string")
		return
	}
	for _, name := range subVariables(s) {
		if local[name] {
			continue
		}
		if res, _, dotted := strings.Cut(name, "."); dotted && !strings.HasPrefix(name, "AWS::") {
			if c.resources[res] == nil {
				c.add(SeverityError, "pack-ref-undefined", loc, at, "Fn::Sub variable ${%s} names %s, which is not a resource of this template", name, res)
			}
			continue
		}
		c.useName(name, loc, at, "Fn::Sub variable")
	}
}

// subVariables returns the variable names of a Fn::Sub template, skipping
// the ${!Literal} escapes.
func subVariables(s string) []string {
	var out []string
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			return out
		}
		s = s[i+2:]
		j := strings.IndexByte(s, '}')
		if j < 0 {
			return out
		}
		name := strings.TrimSpace(s[:j])
		s = s[j+1:]
		if name != "" && !strings.HasPrefix(name, "!") {
			out = append(out, name)
		}
	}
}

// unused reports parameters and conditions nothing refers to.
func (c *checker) unused() {
	for _, p := range c.t.Parameters {
		if !c.usedParam[p.Name] {
			c.add(SeverityWarning, "pack-parameter-unused", p.Name, p.Pos,
				"parameter %s is not used by any resource; remove it (it still counts toward the %d input parameters of a pack)", p.Name, MaxParameters)
		}
	}
	for _, cd := range c.t.Conditions {
		if !c.usedCond[cd.Name] {
			c.add(SeverityWarning, "pack-condition-unused", cd.Name, cd.Pos,
				"condition %s is not used by any resource, Fn::If or other condition; remove it", cd.Name)
		}
	}
}
