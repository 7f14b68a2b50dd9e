package cfnjudge

// Folding a template's values: intrinsic functions whose result is known
// before deployment are computed (pseudo parameters, parameters with a
// default or a --parameter value, Fn::FindInMap on a literal mapping,
// Fn::Select on a literal list, Fn::If on a condition that is constant or
// chosen, Fn::Sub, Fn::Join, Fn::Split); every other one stays an
// *intrinsic, which the converter turns into a placeholder and the judge
// probes.

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/aiguard/aiguard/conformance"
)

// intrinsic is an intrinsic function left unresolved.
type intrinsic struct {
	fn   string // Ref, Fn::GetAtt, ...
	arg  any    // the argument, folded
	path string // where it is: Properties.KmsKeyId, Properties.Subnets[0]
	// cands are the values it can take when the template says (the
	// branches of an Fn::If, the AllowedValues of a parameter, the values
	// of a mapping); nil when anything is possible.
	cands []any
	// param is the parameter it refers to (Ref to a parameter without a
	// value), for its type.
	param *tparam
}

// noValueT marks a value that Ref AWS::NoValue removes.
type noValueT struct{}

var noValue = noValueT{}

// assumption records that a value was folded with a parameter's default
// (or a condition that depends on one).
type assumption struct {
	path  string // where the value is
	param string
	value string
}

// foldCtx is what folding one resource's values needs.
type foldCtx struct {
	t *Template
	// choice fixes the conditions that the judge enumerates.
	choice map[string]bool
	// subst replaces the unresolved value at a path (a probe).
	subst map[string]any
	// extra are Ref and GetAtt names with known values (a bucket policy's
	// references to its bucket).
	extra map[string]string
	// assumed collects the parameter defaults used.
	assumed *[]assumption
	// props records the position of every property folded, by path.
	props map[string]conformance.Pos
}

// deploymentFacts are pseudo parameters whose value is fixed by where the
// stack is deployed; no rule compares them with anything, so when their
// value is not given they stay as the literal "${AWS::AccountId}" rather
// than making the whole value unresolved.
var deploymentFacts = map[string]bool{
	"AWS::AccountId": true, "AWS::Region": true, "AWS::StackName": true, "AWS::StackId": true,
	"AWS::NotificationARNs": true,
}

var subVar = regexp.MustCompile(`\$\{([^}]*)\}`)

// fold computes v at path.
func (c *foldCtx) fold(v *conformance.Value, path string) any {
	if v == nil {
		return nil
	}
	if c.props != nil && path != "" {
		if _, seen := c.props[path]; !seen {
			c.props[path] = v.Pos
		}
	}
	if fn, arg, ok := v.Intrinsic(); ok && fn != "Condition" {
		if s, ok := c.subst[path]; ok {
			return s
		}
		return c.intrinsic(fn, arg, path)
	}
	switch v.Kind {
	case conformance.Map:
		out := make(map[string]any, len(v.Fields))
		for _, f := range v.Fields {
			p := path + "." + f.Key
			if c.props != nil {
				c.props[p] = f.Pos
			}
			if x := c.fold(f.Value, p); x != noValue {
				out[f.Key] = x
			}
		}
		return out
	case conformance.List:
		out := make([]any, 0, len(v.Items))
		for i, it := range v.Items {
			if x := c.fold(it, fmt.Sprintf("%s[%d]", path, i)); x != noValue {
				out = append(out, x)
			}
		}
		return out
	}
	return v.JSON()
}

// unresolved keeps a function as an *intrinsic.
func (c *foldCtx) unresolved(fn string, arg *conformance.Value, path string) *intrinsic {
	quiet := &foldCtx{t: c.t, choice: c.choice, extra: c.extra, assumed: new([]assumption)}
	return &intrinsic{fn: fn, arg: quiet.fold(arg, ""), path: path}
}

func (c *foldCtx) intrinsic(fn string, arg *conformance.Value, path string) any {
	switch fn {
	case "Ref":
		name, ok := arg.Scalar()
		if !ok {
			return c.unresolved(fn, arg, path)
		}
		if v, ok := c.ref(name, path); ok {
			return v
		}
		in := c.unresolved(fn, arg, path)
		if p := c.t.params[name]; p != nil {
			in.param = p
			for _, a := range p.allowed {
				in.cands = append(in.cands, p.typed(a))
			}
		}
		return in
	case "Fn::GetAtt":
		var res, attr string
		switch {
		case arg.Kind == conformance.List && len(arg.Items) == 2:
			res, _ = arg.Items[0].Scalar()
			attr, _ = c.fold(arg.Items[1], "").(string)
		case arg.Kind == conformance.String:
			res, attr, _ = strings.Cut(arg.Text, ".")
		}
		if v, ok := c.extra[res+"."+attr]; ok {
			return v
		}
	case "Fn::Sub":
		if s, ok := c.sub(arg); ok {
			return s
		}
	case "Fn::Join":
		if arg.Kind == conformance.List && len(arg.Items) == 2 {
			delim, ok1 := c.fold(arg.Items[0], "").(string)
			parts, ok2 := c.fold(arg.Items[1], "").([]any)
			if ok1 && ok2 {
				strs := make([]string, len(parts))
				ok := true
				for i, p := range parts {
					if strs[i], ok = scalarString(p); !ok {
						break
					}
				}
				if ok {
					return strings.Join(strs, delim)
				}
			}
		}
	case "Fn::Split":
		if arg.Kind == conformance.List && len(arg.Items) == 2 {
			delim, ok1 := c.fold(arg.Items[0], "").(string)
			s, ok2 := c.fold(arg.Items[1], "").(string)
			if ok1 && ok2 && delim != "" {
				parts := strings.Split(s, delim)
				out := make([]any, len(parts))
				for i, p := range parts {
					out[i] = p
				}
				return out
			}
		}
	case "Fn::Select":
		if arg.Kind == conformance.List && len(arg.Items) == 2 {
			idx, okIdx := scalarString(c.fold(arg.Items[0], ""))
			n, err := strconv.Atoi(idx)
			if okIdx && err == nil && n >= 0 {
				if arg.Items[1].Kind == conformance.List && n < len(arg.Items[1].Items) {
					return c.fold(arg.Items[1].Items[n], path)
				}
				if list, ok := c.fold(arg.Items[1], "").([]any); ok && n < len(list) && !hasUnresolved(list[n]) {
					return list[n]
				}
			}
		}
	case "Fn::FindInMap":
		return c.findInMap(arg, path)
	case "Fn::If":
		if arg.Kind != conformance.List || len(arg.Items) != 3 {
			break
		}
		name, ok := arg.Items[0].Scalar()
		if !ok {
			break
		}
		if b, chosen := c.choice[name]; chosen {
			return c.fold(arg.Items[map[bool]int{true: 1, false: 2}[b]], path)
		}
		var used []assumption
		switch c.t.condition(name, &used) {
		case condTrue:
			c.assume(used, path)
			return c.fold(arg.Items[1], path)
		case condFalse:
			c.assume(used, path)
			return c.fold(arg.Items[2], path)
		}
		in := c.unresolved(fn, arg, path)
		quiet := &foldCtx{t: c.t, choice: c.choice, extra: c.extra, assumed: new([]assumption)}
		in.cands = []any{quiet.fold(arg.Items[1], ""), quiet.fold(arg.Items[2], "")}
		return in
	case "Fn::Base64":
		if s, ok := c.fold(arg, "").(string); ok {
			return base64.StdEncoding.EncodeToString([]byte(s))
		}
	case "Fn::ToJsonString":
		if x := c.fold(arg, ""); !hasUnresolved(x) {
			if b, err := json.Marshal(x); err == nil {
				return string(b)
			}
		}
	}
	return c.unresolved(fn, arg, path)
}

func (c *foldCtx) assume(used []assumption, path string) {
	for _, a := range used {
		a.path = path
		*c.assumed = append(*c.assumed, a)
	}
}

// Ref resolves a Ref name: a pseudo parameter, a known name, or a template
// parameter with a value.
func (c *foldCtx) ref(name, path string) (any, bool) {
	if v, ok := c.extra[name]; ok {
		return v, true
	}
	if v, ok := c.t.pseudo[name]; ok {
		return v, true
	}
	if name == "AWS::NoValue" {
		return noValue, true
	}
	if deploymentFacts[name] {
		return "${" + name + "}", true
	}
	p := c.t.params[name]
	if p == nil {
		return nil, false
	}
	v, src, ok := p.value()
	if !ok {
		return nil, false
	}
	if src == fromDefault {
		*c.assumed = append(*c.assumed, assumption{path: path, param: name, value: v})
	}
	return p.typed(v), true
}

// sub computes Fn::Sub when every variable has a value.
func (c *foldCtx) sub(arg *conformance.Value) (string, bool) {
	text := arg
	var vars map[string]any
	if arg.Kind == conformance.List {
		if len(arg.Items) != 2 {
			return "", false
		}
		text = arg.Items[0]
		m, ok := c.fold(arg.Items[1], "").(map[string]any)
		if !ok {
			return "", false
		}
		vars = m
	}
	s, ok := text.Scalar()
	if !ok || text.Kind != conformance.String {
		return "", false
	}
	good := true
	out := subVar.ReplaceAllStringFunc(s, func(m string) string {
		name := m[2 : len(m)-1]
		if strings.HasPrefix(name, "!") {
			return "${" + name[1:] + "}"
		}
		if v, has := vars[name]; has {
			if s, ok := scalarString(v); ok {
				return s
			}
			good = false
			return m
		}
		if v, ok := c.extra[name]; ok {
			return v
		}
		if strings.Contains(name, ".") {
			good = false
			return m
		}
		v, ok := c.ref(name, "")
		if s, isStr := scalarString(v); ok && isStr {
			return s
		}
		good = false
		return m
	})
	return out, good
}

// findInMap looks a value up in the template's Mappings; with a key that
// is not known, the candidates are every value the lookup can reach.
func (c *foldCtx) findInMap(arg *conformance.Value, path string) any {
	if arg.Kind != conformance.List || len(arg.Items) < 3 {
		return c.unresolved("Fn::FindInMap", arg, path)
	}
	keys := make([]string, 3)
	known := make([]bool, 3)
	for i := range 3 {
		keys[i], known[i] = scalarString(c.fold(arg.Items[i], ""))
	}
	level := []*conformance.Value{c.t.mappings}
	for i := range 3 {
		var next []*conformance.Value
		for _, m := range level {
			if known[i] {
				if v := m.Get(keys[i]); v != nil {
					next = append(next, v)
				}
				continue
			}
			for _, f := range fieldsOf(m) {
				next = append(next, f.Value)
			}
		}
		level = next
	}
	if known[0] && known[1] && known[2] && len(level) == 1 {
		return c.fold(level[0], path)
	}
	in := c.unresolved("Fn::FindInMap", arg, path)
	for _, v := range level {
		in.cands = append(in.cands, v.JSON())
	}
	if len(in.cands) == 0 {
		in.cands = nil
	}
	return in
}

// scalarString reads a folded scalar as the string CloudFormation would
// substitute.
func scalarString(v any) (string, bool) {
	switch t := v.(type) {
	case string:
		return t, true
	case json.Number:
		return t.String(), true
	case bool:
		return strconv.FormatBool(t), true
	}
	return "", false
}

// hasUnresolved reports whether a folded value holds an *intrinsic.
func hasUnresolved(v any) bool {
	switch t := v.(type) {
	case *intrinsic:
		return true
	case map[string]any:
		for _, x := range t {
			if hasUnresolved(x) {
				return true
			}
		}
	case []any:
		for _, x := range t {
			if hasUnresolved(x) {
				return true
			}
		}
	}
	return false
}

// render writes an intrinsic in YAML short form, shortened for messages.
func render(t *intrinsic) string {
	if t.fn == "Fn::KnownAfterApply" {
		return fmt.Sprintf("(known after apply: %v)", t.arg)
	}
	name := "!" + strings.TrimPrefix(t.fn, "Fn::")
	var arg string
	switch a := t.arg.(type) {
	case string:
		arg = a
	case []any:
		if t.fn == "Fn::GetAtt" && len(a) == 2 {
			if r, ok := a[0].(string); ok {
				if at, ok := a[1].(string); ok {
					arg = r + "." + at
					break
				}
			}
		}
		arg = renderValue(a)
	default:
		arg = renderValue(a)
	}
	out := name + " " + arg
	if len(out) > 120 {
		cut := 119
		for cut > 0 && out[cut]&0xC0 == 0x80 {
			cut--
		}
		out = out[:cut] + "…"
	}
	return out
}

func renderValue(v any) string {
	switch t := v.(type) {
	case *intrinsic:
		return render(t)
	case string:
		return t
	case []any:
		parts := make([]string, len(t))
		for i, x := range t {
			parts[i] = renderValue(x)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := sortedKeys(t)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + ": " + renderValue(t[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case nil:
		return "null"
	}
	return fmt.Sprint(v)
}
