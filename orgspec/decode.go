package orgspec

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/aiguard/aiguard/rules"
)

// Pos is a position in the spec file (1-based line and column).
type Pos struct{ Line, Column int }

func posOf(n *yaml.Node) Pos { return Pos{Line: n.Line, Column: n.Column} }

// positions remembers where each value (and each mapping key) of the spec
// came from, by path ("teams[1].bedrock.allowedModels[0]"), so that checks
// that run after decoding can still point at the file.
type positions struct {
	val map[string]Pos
	key map[string]Pos
	// inherited maps a team setting's path to the defaults path it was
	// copied from.
	inherited map[string]string
	// failed holds the paths whose value the decoder rejected, so that
	// later checks do not report the same mistake again in other words.
	failed map[string]bool
}

func newPositions() positions {
	return positions{val: map[string]Pos{}, key: map[string]Pos{}, inherited: map[string]string{}, failed: map[string]bool{}}
}

// at returns the position of the value at path, or of its nearest parent
// that has one.
func (p positions) at(path string) Pos {
	for {
		if pos, ok := p.val[path]; ok {
			return pos
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			return p.val[""]
		}
		path = path[:i]
	}
}

// keyAt returns the position of the key of the value at path (the value's
// position when there is no key, as for list items).
func (p positions) keyAt(path string) Pos {
	if pos, ok := p.key[path]; ok {
		return pos
	}
	return p.at(path)
}

// origin returns " (inherited from defaults)" when the value at path, or a
// parent, was copied from defaults.
func (p positions) origin(path string) string {
	for {
		if _, ok := p.inherited[path]; ok {
			return " (inherited from defaults)"
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			return ""
		}
		path = path[:i]
	}
}

// nodeDecoder is implemented by the spec types that have their own YAML
// form (a rule setting may be a boolean or a mapping).
type nodeDecoder interface {
	decodeNode(d *decoder, n *yaml.Node, path string)
}

// maxVisits bounds the nodes one decode visits. Aliases can make a small
// file expand to a huge tree ("billion laughs"); a real spec of MaxSize
// bytes has far fewer nodes.
const maxVisits = 2_000_000

// decoder turns a YAML node tree into the spec types, guided by their
// struct tags, and records every problem with its position.
type decoder struct {
	c         *collector
	reg       *rules.Registry
	ruleIDs   []string
	pos       positions
	visits    int
	exhausted bool
	// expanding holds the anchored nodes being decoded through an alias,
	// to stop an alias that refers to its own parent.
	expanding map[*yaml.Node]bool
	fields    map[reflect.Type][]fieldInfo
	// reported holds each problem reported at a position, so that a node
	// decoded again through an alias is reported once.
	reported map[string]bool
}

// errorf reports that the value at path is rejected.
func (d *decoder) errorf(path string, p Pos, format string, args ...any) {
	d.pos.failed[path] = true
	d.notef(path, p, format, args...)
}

// notef reports a problem inside the mapping at path (a key missing,
// unknown or repeated); the mapping itself is still used.
func (d *decoder) notef(path string, p Pos, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	key := fmt.Sprintf("%d:%d:%s", p.Line, p.Column, msg)
	if d.reported[key] {
		return
	}
	d.reported[key] = true
	d.c.errorf(p, "%s: %s", label(path), msg)
}

func newDecoder(c *collector, reg *rules.Registry) *decoder {
	all := reg.All()
	ids := make([]string, len(all))
	for i, r := range all {
		ids[i] = r.ID
	}
	return &decoder{
		c:         c,
		reg:       reg,
		ruleIDs:   ids,
		pos:       newPositions(),
		expanding: map[*yaml.Node]bool{},
		fields:    map[reflect.Type][]fieldInfo{},
		reported:  map[string]bool{},
	}
}

// visit counts a node against the budget; false means stop decoding.
func (d *decoder) visit(n *yaml.Node) bool {
	if d.exhausted {
		return false
	}
	d.visits++
	if d.visits > maxVisits || d.c.full() {
		d.exhausted = true
		if d.visits > maxVisits {
			d.c.errorf(posOf(n), "the spec expands to more than %d YAML nodes (through aliases?); it is not a plausible organization spec", maxVisits)
		}
		return false
	}
	return true
}

// fieldInfo is one struct field as the spec sees it.
type fieldInfo struct {
	index      []int
	name       string
	doc        string
	checkName  string
	check      *check
	required   bool
	unique     bool
	minItems   int
	min, max   float64
	hasMin     bool
	hasMax     bool
	def        string
	hasDefault bool
	enumInts   []int64
}

// fieldsOf lists the spec fields of a struct type, inlined structs
// flattened, in declaration order.
func (d *decoder) fieldsOf(t reflect.Type) []fieldInfo {
	if fs, ok := d.fields[t]; ok {
		return fs
	}
	fs, _ := structFields(t)
	d.fields[t] = fs
	return fs
}

// structFields reads the tags of a struct type. The error reports a
// malformed tag; tags are code, so a test checks every spec type.
func structFields(t reflect.Type) ([]fieldInfo, error) {
	var out []fieldInfo
	var errs []string
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		name, opt, _ := strings.Cut(sf.Tag.Get("yaml"), ",")
		if sf.Anonymous && opt == "inline" {
			inner, err := structFields(sf.Type)
			if err != nil {
				errs = append(errs, err.Error())
			}
			for _, f := range inner {
				f.index = append([]int{i}, f.index...)
				out = append(out, f)
			}
			continue
		}
		if name == "" || name == "-" {
			continue
		}
		f := fieldInfo{index: []int{i}, name: name, doc: sf.Tag.Get("doc"), checkName: sf.Tag.Get("check")}
		if f.checkName != "" {
			if f.check = checks[f.checkName]; f.check == nil {
				errs = append(errs, fmt.Sprintf("%s.%s: unknown check %q", t.Name(), sf.Name, f.checkName))
			}
		}
		if err := f.parseOptions(sf.Tag.Get("spec")); err != nil {
			errs = append(errs, fmt.Sprintf("%s.%s: %v", t.Name(), sf.Name, err))
		}
		out = append(out, f)
	}
	if len(errs) > 0 {
		return out, fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return out, nil
}

func (f *fieldInfo) parseOptions(tag string) error {
	if tag == "" {
		return nil
	}
	for opt := range strings.SplitSeq(tag, ",") {
		key, val, hasVal := strings.Cut(opt, "=")
		var err error
		switch key {
		case "required":
			f.required = true
		case "unique":
			f.unique = true
		case "minItems":
			f.minItems, err = strconv.Atoi(val)
		case "min":
			f.min, err = strconv.ParseFloat(val, 64)
			f.hasMin = true
		case "max":
			f.max, err = strconv.ParseFloat(val, 64)
			f.hasMax = true
		case "default":
			f.def, f.hasDefault = val, true
		case "enum":
			for v := range strings.SplitSeq(val, "|") {
				n, perr := strconv.ParseInt(v, 10, 64)
				if perr != nil {
					err = perr
				}
				f.enumInts = append(f.enumInts, n)
			}
		default:
			return fmt.Errorf("unknown spec option %q", opt)
		}
		if err != nil || (key != "required" && key != "unique" && !hasVal) {
			return fmt.Errorf("bad spec option %q", opt)
		}
	}
	return nil
}

// join appends a key to a path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// label names a path in messages.
func label(path string) string {
	if path == "" {
		return "top level"
	}
	return path
}

// value decodes n into v. f describes the field (its check applies to a
// string or to each item of a list of strings); it may be empty.
func (d *decoder) value(n *yaml.Node, v reflect.Value, path string, f *fieldInfo) {
	if !d.visit(n) {
		return
	}
	if n.Kind == yaml.AliasNode {
		target := n.Alias
		if target == nil || d.expanding[target] {
			d.errorf(path, posOf(n), "alias *%s refers to a node that contains it", n.Value)
			return
		}
		d.expanding[target] = true
		defer delete(d.expanding, target)
		d.value(target, v, path, f)
		d.pos.val[path] = posOf(n)
		return
	}
	d.pos.val[path] = posOf(n)
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		d.errorf(path, posOf(n), "no value; give %s, or remove the key", describe(v.Type(), f))
		return
	}
	if v.CanAddr() {
		if nd, ok := v.Addr().Interface().(nodeDecoder); ok {
			nd.decodeNode(d, n, path)
			return
		}
	}
	switch v.Kind() {
	case reflect.Pointer:
		nv := reflect.New(v.Type().Elem())
		d.value(n, nv.Elem(), path, f)
		if !d.pos.failed[path] {
			v.Set(nv)
		}
	case reflect.Struct:
		d.structValue(n, v, path)
	case reflect.Slice:
		d.sliceValue(n, v, path, f)
	case reflect.Map:
		d.mapValue(n, v, path)
	case reflect.String:
		if s, ok := d.stringValue(n, path, f); ok {
			v.SetString(s)
		}
	case reflect.Int:
		d.intValue(n, v, path, f)
	case reflect.Float64:
		d.floatValue(n, v, path, f)
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
			d.typeError(n, path, "true or false")
			return
		}
		var b bool
		if err := n.Decode(&b); err != nil {
			d.typeError(n, path, "true or false")
			return
		}
		v.SetBool(b)
	default:
		d.errorf(path, posOf(n), "aiguard cannot read this field (type %s)", v.Type())
	}
}

// typeError reports a value of the wrong kind.
func (d *decoder) typeError(n *yaml.Node, path, want string) {
	d.errorf(path, posOf(n), "got %s, want %s", what(n), want)
}

// what describes a node for "got ..." in messages.
func what(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.DocumentNode:
		return "a document"
	}
	v := shorten(n.Value)
	switch n.ShortTag() {
	case "!!str":
		return fmt.Sprintf("the string %q", v)
	case "!!int", "!!float":
		return "the number " + v
	case "!!bool":
		return "the boolean " + v
	case "!!timestamp":
		return "the date " + v
	case "!!null":
		return "no value"
	case "!!binary":
		return "binary data"
	}
	return fmt.Sprintf("%q (%s)", v, n.ShortTag())
}

// shorten keeps messages readable when a value is long.
func shorten(s string) string {
	const limit = 80
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	r := []rune(s)
	return string(r[:limit]) + "..."
}

// describe says what a field wants, for "want ..." in messages.
func describe(t reflect.Type, f *fieldInfo) string {
	if f != nil && f.check != nil && t.Kind() == reflect.String {
		return f.check.want
	}
	switch t {
	case reflect.TypeFor[RuleSetting]():
		return "true, false or a mapping with enabled and parameters"
	case reflect.TypeFor[ParamValue]():
		return "a string, number, boolean or a list of them"
	case reflect.TypeFor[RuleSettings]():
		return "a mapping of rule IDs to settings"
	}
	switch t.Kind() {
	case reflect.Pointer:
		return describe(t.Elem(), f)
	case reflect.String:
		return "a string"
	case reflect.Int:
		return "a whole number" + f.rangeText()
	case reflect.Float64:
		return "a number" + f.rangeText()
	case reflect.Bool:
		return "true or false"
	case reflect.Slice:
		return "a list, each item " + describe(t.Elem(), f)
	case reflect.Map:
		return "a mapping"
	case reflect.Struct:
		fs, _ := structFields(t)
		names := make([]string, len(fs))
		for i, fi := range fs {
			names[i] = fi.name
		}
		return "a mapping with " + strings.Join(names, ", ")
	}
	return t.String()
}

func (f *fieldInfo) rangeText() string {
	switch {
	case f == nil:
		return ""
	case len(f.enumInts) > 0:
		s := make([]string, len(f.enumInts))
		for i, n := range f.enumInts {
			s[i] = strconv.FormatInt(n, 10)
		}
		return " among " + strings.Join(s, ", ")
	case f.hasMin && f.hasMax:
		return fmt.Sprintf(" from %s to %s", fmtNum(f.min), fmtNum(f.max))
	case f.hasMin:
		return " of at least " + fmtNum(f.min)
	case f.hasMax:
		return " of at most " + fmtNum(f.max)
	}
	return ""
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// pair is one key and value of a mapping.
type pair struct{ key, val *yaml.Node }

// pairs returns a mapping's entries with merge keys (<<) resolved: keys
// written in the mapping win over merged ones, and earlier merged mappings
// over later ones. Duplicate keys are reported.
func (d *decoder) pairs(n *yaml.Node, path string) []pair {
	var out []pair
	seen := map[string]*yaml.Node{}
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.AliasNode && k.Alias != nil && k.Alias.Kind == yaml.ScalarNode {
			k = k.Alias
		}
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			merges = append(merges, v)
			continue
		}
		if k.Kind != yaml.ScalarNode {
			d.notef(path, posOf(k), "got %s as a key, want a plain name", what(k))
			continue
		}
		if prev, dup := seen[k.Value]; dup {
			d.notef(path, posOf(k), "duplicate key %q (first at line %d)", shorten(k.Value), prev.Line)
			continue
		}
		seen[k.Value] = k
		out = append(out, pair{k, v})
	}
	for _, m := range merges {
		d.merge(m, path, seen, &out)
	}
	return out
}

// merge adds the entries of a merged mapping (or list of mappings) that
// the mapping does not set itself.
func (d *decoder) merge(m *yaml.Node, path string, seen map[string]*yaml.Node, out *[]pair) {
	if !d.visit(m) {
		return
	}
	switch m.Kind {
	case yaml.AliasNode:
		if m.Alias == nil || d.expanding[m.Alias] {
			d.notef(path, posOf(m), "merge of *%s refers to a node that contains it", m.Value)
			return
		}
		d.expanding[m.Alias] = true
		defer delete(d.expanding, m.Alias)
		d.merge(m.Alias, path, seen, out)
	case yaml.MappingNode:
		for _, p := range d.pairs(m, path) {
			if _, ok := seen[p.key.Value]; !ok {
				seen[p.key.Value] = p.key
				*out = append(*out, p)
			}
		}
	case yaml.SequenceNode:
		for _, item := range m.Content {
			d.merge(item, path, seen, out)
		}
	default:
		d.notef(path, posOf(m), "got %s after <<, want a mapping or a list of mappings to merge", what(m))
	}
}

func (d *decoder) structValue(n *yaml.Node, v reflect.Value, path string) {
	fields := d.fieldsOf(v.Type())
	if n.Kind != yaml.MappingNode {
		d.typeError(n, path, describe(v.Type(), nil))
		return
	}
	present := map[string]bool{}
	for _, p := range d.pairs(n, path) {
		name := p.key.Value
		i := slices.IndexFunc(fields, func(f fieldInfo) bool { return f.name == name })
		if i < 0 {
			d.unknownKey(p.key, path, fields)
			continue
		}
		present[name] = true
		fp := join(path, name)
		d.pos.key[fp] = posOf(p.key)
		d.value(p.val, v.FieldByIndex(fields[i].index), fp, &fields[i])
	}
	for i := range fields {
		f := &fields[i]
		if present[f.name] {
			continue
		}
		if f.required {
			d.notef(path, posOf(n), "missing required key %q (%s)", f.name, describe(v.FieldByIndex(f.index).Type(), f))
			continue
		}
		setDefaults(v.FieldByIndex(f.index), f)
	}
}

// unknownKey reports a key the struct does not have, with the nearest one.
func (d *decoder) unknownKey(k *yaml.Node, path string, fields []fieldInfo) {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	msg := fmt.Sprintf("%s: unknown key %q", label(path), shorten(k.Value))
	if best := suggest(k.Value, names); best != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", best)
	} else {
		msg += "; valid keys: " + strings.Join(names, ", ")
	}
	d.c.errorf(posOf(k), "%s", msg)
}

// setDefaults fills an absent field with its declared default; an absent
// block (a struct held by value) gets the defaults of its own fields.
func setDefaults(v reflect.Value, f *fieldInfo) {
	switch v.Kind() {
	case reflect.Struct:
		fs, _ := structFields(v.Type())
		for i := range fs {
			setDefaults(v.FieldByIndex(fs[i].index), &fs[i])
		}
	case reflect.String:
		if f.hasDefault && v.String() == "" {
			v.SetString(f.def)
		}
	case reflect.Int:
		if f.hasDefault && v.Int() == 0 {
			n, _ := strconv.ParseInt(f.def, 10, 64) // checked by TestSpecTags
			v.SetInt(n)
		}
	}
}

func (d *decoder) sliceValue(n *yaml.Node, v reflect.Value, path string, f *fieldInfo) {
	if n.Kind != yaml.SequenceNode {
		d.typeError(n, path, describe(v.Type(), f))
		return
	}
	elem := &fieldInfo{}
	if f != nil {
		elem = &fieldInfo{name: f.name, checkName: f.checkName, check: f.check}
	}
	out := reflect.MakeSlice(v.Type(), 0, len(n.Content))
	seen := map[string]Pos{}
	for i, item := range n.Content {
		ip := fmt.Sprintf("%s[%d]", path, i)
		ev := reflect.New(v.Type().Elem()).Elem()
		d.value(item, ev, ip, elem)
		failed := d.pos.failed[ip]
		if ev.Kind() == reflect.Pointer && ev.IsNil() {
			// A rejected item (null, or not a mapping) stays a zero value;
			// later checks skip the paths that failed.
			ev.Set(reflect.New(ev.Type().Elem()))
		}
		// An invalid item stays in the list as a zero value, so that the
		// items keep their indexes (and paths); later checks skip zeros.
		if s := ev.String(); ev.Kind() == reflect.String && !failed && s != "" && f != nil && f.unique {
			if first, dup := seen[s]; dup {
				d.errorf(ip, d.pos.at(ip), "duplicate %q (first at line %d)", shorten(s), first.Line)
				ev.SetString("")
			} else {
				seen[s] = d.pos.at(ip)
			}
		}
		out = reflect.Append(out, ev)
	}
	if f != nil && len(n.Content) < f.minItems {
		d.errorf(path, posOf(n), "the list is empty; give at least %d item", f.minItems)
	}
	v.Set(out)
}

func (d *decoder) mapValue(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.typeError(n, path, describe(v.Type(), nil))
		return
	}
	isRules := v.Type() == reflect.TypeFor[RuleSettings]()
	m := reflect.MakeMap(v.Type())
	for _, p := range d.pairs(n, path) {
		key := p.key.Value
		kp := join(path, key)
		d.pos.key[kp] = posOf(p.key)
		if isRules && !d.knownRule(p.key, path) {
			continue
		}
		ev := reflect.New(v.Type().Elem()).Elem()
		d.value(p.val, ev, kp, nil)
		m.SetMapIndex(reflect.ValueOf(key).Convert(v.Type().Key()), ev)
	}
	v.Set(m)
}

// knownRule reports whether the node names a catalog rule, and reports it
// with the nearest rule ID when it does not.
func (d *decoder) knownRule(n *yaml.Node, path string) bool {
	if _, ok := d.reg.Get(n.Value); ok {
		return true
	}
	d.errorf(path, posOf(n), "unknown rule %q%s; `aiguard rules list` shows the catalog", shorten(n.Value), didYouMean(n.Value, d.ruleIDs))
	return false
}

// stringValue reads a scalar string and runs the field's check.
func (d *decoder) stringValue(n *yaml.Node, path string, f *fieldInfo) (string, bool) {
	var c *check
	if f != nil {
		c = f.check
	}
	want := "a string"
	if c != nil {
		want = c.want
	}
	if n.Kind != yaml.ScalarNode {
		d.typeError(n, path, want)
		return "", false
	}
	switch tag := n.ShortTag(); {
	case tag == "!!str":
	case (tag == "!!int" || tag == "!!float") && c != nil && c.numbers:
	case tag == "!!timestamp" && c != nil && c.dates:
	case (tag == "!!int" || tag == "!!float") && c == checks["account"]:
		d.errorf(path, posOf(n), "got the number %s; quote account IDs (%q): unquoted, YAML reads them as numbers and drops leading zeros", shorten(n.Value), n.Value)
		return "", false
	default:
		d.errorf(path, posOf(n), "got %s, want %s; quote the value to make it a string", what(n), want)
		return "", false
	}
	s := n.Value
	if c == nil {
		return s, true
	}
	if c == checks["ruleID"] {
		return s, d.knownRule(n, path)
	}
	if msg := c.validate(s); msg != "" {
		d.errorf(path, posOf(n), "got %q, want %s", shorten(s), msg)
		return "", false
	}
	return s, true
}

func (d *decoder) intValue(n *yaml.Node, v reflect.Value, path string, f *fieldInfo) {
	want := describe(v.Type(), f)
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" {
		msg := ""
		if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str" {
			if _, err := strconv.Atoi(strings.TrimSpace(n.Value)); err == nil {
				msg = "; write the number without quotes"
			}
		}
		d.errorf(path, posOf(n), "got %s, want %s%s", what(n), want, msg)
		return
	}
	var i int64
	if err := n.Decode(&i); err != nil {
		d.errorf(path, posOf(n), "got %s, want %s", what(n), want)
		return
	}
	if !f.inRange(float64(i)) || (len(f.enumInts) > 0 && !slices.Contains(f.enumInts, i)) {
		d.errorf(path, posOf(n), "got %d, want %s", i, want)
		return
	}
	v.SetInt(i)
}

func (d *decoder) floatValue(n *yaml.Node, v reflect.Value, path string, f *fieldInfo) {
	want := describe(v.Type(), f)
	tag := n.ShortTag()
	if n.Kind != yaml.ScalarNode || (tag != "!!int" && tag != "!!float") {
		d.typeError(n, path, want)
		return
	}
	var x float64
	if err := n.Decode(&x); err != nil || math.IsNaN(x) || math.IsInf(x, 0) || !f.inRange(x) {
		d.errorf(path, posOf(n), "got %s, want %s", shorten(n.Value), want)
		return
	}
	v.SetFloat(x)
}

func (f *fieldInfo) inRange(x float64) bool {
	if f == nil {
		return true
	}
	return (!f.hasMin || x >= f.min) && (!f.hasMax || x <= f.max)
}

// deref follows an alias to the node it names (nil for a dangling or
// looping alias chain).
func deref(n *yaml.Node) *yaml.Node {
	for range 16 {
		if n == nil || n.Kind != yaml.AliasNode {
			return n
		}
		n = n.Alias
	}
	return nil
}

// decodeNode reads a rule setting: true or false turns the rule on or off;
// a mapping has enabled and parameters.
func (r *RuleSetting) decodeNode(d *decoder, n *yaml.Node, path string) {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!bool" {
		var b bool
		if err := n.Decode(&b); err == nil {
			r.Enabled = &b
			return
		}
	}
	if n.Kind != yaml.MappingNode {
		d.typeError(n, path, describe(reflect.TypeFor[RuleSetting](), nil))
		return
	}
	d.structValue(n, reflect.ValueOf(r).Elem(), path)
}

// decodeNode reads a rule parameter: a scalar keeps its text; a list of
// scalars becomes its items joined by commas, as Config passes lists.
func (p *ParamValue) decodeNode(d *decoder, n *yaml.Node, path string) {
	switch n.Kind {
	case yaml.ScalarNode:
		s, ok := d.paramScalar(n, path)
		if ok {
			*p = ParamValue(s)
		}
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			d.errorf(path, posOf(n), "the list is empty; give at least one item, or remove the parameter to use its default")
			return
		}
		items := make([]string, 0, len(n.Content))
		ok := true
		for i, item := range n.Content {
			ip := fmt.Sprintf("%s[%d]", path, i)
			item = deref(item)
			if item == nil || item.Kind != yaml.ScalarNode {
				got := "an alias"
				if item != nil {
					got = what(item)
				}
				d.errorf(ip, posOf(n.Content[i]), "got %s, want a string, number or boolean", got)
				ok = false
				continue
			}
			d.pos.val[ip] = posOf(item)
			s, good := d.paramScalar(item, ip)
			if good && strings.Contains(s, ",") {
				d.errorf(ip, posOf(item), "got %q; a list item cannot contain a comma, as Config receives the list comma-separated", shorten(s))
				good = false
			}
			ok = ok && good
			items = append(items, s)
		}
		if ok {
			*p = ParamValue(strings.Join(items, ","))
		}
	default:
		d.typeError(n, path, describe(reflect.TypeFor[ParamValue](), nil))
	}
}

func (d *decoder) paramScalar(n *yaml.Node, path string) (string, bool) {
	switch n.ShortTag() {
	case "!!str", "!!int", "!!float", "!!timestamp":
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err == nil {
			return strconv.FormatBool(b), true
		}
	default:
		d.typeError(n, path, describe(reflect.TypeFor[ParamValue](), nil))
		return "", false
	}
	if strings.TrimSpace(n.Value) == "" {
		d.errorf(path, posOf(n), "the value is empty; give a value, or remove the parameter to use its default")
		return "", false
	}
	return n.Value, true
}
