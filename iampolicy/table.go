package iampolicy

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"sync"
)

// KeyType is the data type of a condition key, named as the Service
// Authorization Reference names it.
type KeyType string

// Condition key types.
const (
	KeyString           KeyType = "String"
	KeyArrayOfString    KeyType = "ArrayOfString"
	KeyARN              KeyType = "ARN"
	KeyArrayOfARN       KeyType = "ArrayOfARN"
	KeyBool             KeyType = "Bool"
	KeyArrayOfBool      KeyType = "ArrayOfBool"
	KeyNumeric          KeyType = "Numeric"
	KeyArrayOfNumeric   KeyType = "ArrayOfNumeric"
	KeyDate             KeyType = "Date"
	KeyArrayOfDate      KeyType = "ArrayOfDate"
	KeyIPAddress        KeyType = "IPAddress"
	KeyArrayOfIPAddress KeyType = "ArrayOfIPAddress"
	KeyBinary           KeyType = "Binary"
)

func (t KeyType) valid() bool {
	switch t.Scalar() {
	case KeyString, KeyARN, KeyBool, KeyNumeric, KeyDate, KeyIPAddress, KeyBinary:
		return true
	}
	return false
}

// Multivalued reports whether a request can carry several values for the
// key (an ArrayOf type): such keys take the ForAnyValue/ForAllValues set
// operators.
func (t KeyType) Multivalued() bool { return strings.HasPrefix(string(t), "ArrayOf") }

// Scalar returns the type of one value: String for ArrayOfString.
func (t KeyType) Scalar() KeyType { return KeyType(strings.TrimPrefix(string(t), "ArrayOf")) }

// Key is a condition key. Names may hold a placeholder, such as
// aws:RequestTag/${TagKey}, which stands for one or more characters of the
// key a policy writes (aws:RequestTag/team).
type Key struct {
	Name string
	Type KeyType
	pattern
}

// pattern matches condition key names case-insensitively, with a
// placeholder (${...}, <...>, or nothing after a trailing "/") matching one
// or more characters.
type pattern struct {
	lower          string // the whole name, lower case
	prefix, suffix string // lower case, around the placeholder
	template       bool
}

func newPattern(name string) pattern {
	p := pattern{lower: strings.ToLower(name)}
	for _, delim := range [][2]string{{"${", "}"}, {"<", ">"}} {
		if i := strings.Index(p.lower, delim[0]); i >= 0 {
			if j := strings.Index(p.lower[i:], delim[1]); j > 0 {
				p.prefix, p.suffix, p.template = p.lower[:i], p.lower[i+j+len(delim[1]):], true
				return p
			}
		}
	}
	if strings.HasSuffix(p.lower, "/") { // sagemaker:ResourceTag/
		p.prefix, p.template = p.lower, true
	}
	return p
}

// matches reports whether a key name written in a policy (any case) is
// this key.
func (p pattern) matches(name string) bool { return p.matchesLower(strings.ToLower(name)) }

// matchesLower is matches for a name already in lower case.
func (p pattern) matchesLower(name string) bool {
	if !p.template {
		return name == p.lower
	}
	return len(name) > len(p.prefix)+len(p.suffix) && strings.HasPrefix(name, p.prefix) && strings.HasSuffix(name, p.suffix)
}

// AccessLevel is an action's access level in the Service Authorization
// Reference.
type AccessLevel string

// Access levels.
const (
	AccessList        AccessLevel = "List"
	AccessRead        AccessLevel = "Read"
	AccessWrite       AccessLevel = "Write"
	AccessPermissions AccessLevel = "Permissions management"
	AccessTagging     AccessLevel = "Tagging"
)

// accessLetters are the letters the facts format writes access levels
// with (an array, which costs nothing when the package starts).
var accessLetters = [...]struct {
	letter string
	level  AccessLevel
}{{"L", AccessList}, {"R", AccessRead}, {"W", AccessWrite}, {"P", AccessPermissions}, {"T", AccessTagging}, {"-", ""}}

func accessLetter(a AccessLevel) string {
	for _, l := range accessLetters {
		if l.level == a {
			return l.letter
		}
	}
	return "-"
}

// accessOfLetter reads an access level written as its letter.
func accessOfLetter(letter string) (AccessLevel, bool) {
	for _, l := range accessLetters {
		if l.letter == letter {
			return l.level, true
		}
	}
	return "", false
}

// Action is an IAM action of a service.
type Action struct {
	Service string // the service prefix, e.g. sagemaker
	Name    string // e.g. CreateTrainingJob
	Access  AccessLevel
	// ResourceTypes names the resource types the action can be
	// authorized on, in the reference's order; none means Resource "*".
	ResourceTypes []string
	// Keys are the action's own condition keys (request-level and
	// per-resource-row keys).
	Keys []string

	supported []pattern // Keys and the keys of ResourceTypes
}

// FullName returns service:Name.
func (a *Action) FullName() string { return a.Service + ":" + a.Name }

// Supports reports whether the action lists the condition key, among its
// own keys or those of its resource types. Global keys (aws:PrincipalArn,
// aws:RequestedRegion, ...) are not listed per action; the tag keys
// aws:RequestTag/..., aws:ResourceTag/... and aws:TagKeys are.
func (a *Action) Supports(key string) bool {
	key = strings.ToLower(key)
	for _, p := range a.supported {
		if p.matchesLower(key) {
			return true
		}
	}
	return false
}

// ResourceType is a resource type of a service.
type ResourceType struct {
	Name string
	ARN  string // the ARN format, e.g. arn:${Partition}:sagemaker:${Region}:${Account}:model/${ModelName}
	Keys []string
}

// Service is one service's part of the table.
type Service struct {
	Prefix string
	// Complete reports whether the table lists every action and condition
	// key of the service (services taken whole from the Service
	// Authorization Reference). For other services it lists only what
	// aiguard's policies use, and the linter says "not in aiguard's table"
	// instead of "unknown".
	Complete bool
	// AsOf is the date of the reference data, when known.
	AsOf string

	keys      []*Key
	resources map[string]*ResourceType
	actions   map[string]*Action // by lower-case name
	sorted    []*Action          // actions by name, built by link
}

// Action returns the named action (any case), or nil.
func (s *Service) Action(name string) *Action { return s.actions[strings.ToLower(name)] }

// Actions returns the service's actions sorted by name.
func (s *Service) Actions() []*Action { return append([]*Action(nil), s.sorted...) }

// Keys returns the service's condition keys sorted by name.
func (s *Service) Keys() []*Key {
	out := append([]*Key(nil), s.keys...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Key returns the service condition key a policy's key name refers to, or
// nil.
func (s *Service) Key(name string) *Key { return findKey(s.keys, name) }

// ResourceTypes returns the service's resource types sorted by name.
func (s *Service) ResourceTypes() []*ResourceType {
	out := make([]*ResourceType, 0, len(s.resources))
	for _, r := range s.resources {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// findKey prefers an exact name to a placeholder match.
func findKey(keys []*Key, name string) *Key {
	lower := strings.ToLower(name)
	for _, k := range keys {
		if !k.template && k.lower == lower {
			return k
		}
	}
	// Among placeholder matches, the most specific (then the longest name)
	// wins, so that the choice does not depend on the order of keys.
	var best *Key
	for _, k := range keys {
		if !k.template || !k.matches(name) {
			continue
		}
		if best == nil || len(k.prefix)+len(k.suffix) > len(best.prefix)+len(best.suffix) ||
			len(k.prefix)+len(k.suffix) == len(best.prefix)+len(best.suffix) && len(k.Name) > len(best.Name) {
			best = k
		}
	}
	return best
}

// Table holds the IAM facts the linter and the generator use: services
// with their actions, resource types and condition keys; the global
// condition keys; the names of AWS service prefixes; and the services RCPs
// support. It is read-only once built.
type Table struct {
	services map[string]*Service
	global   []*Key
	prefixes map[string]bool
	rcp      map[string]bool
	// allPrefixes lists prefixes and services sorted, built by link.
	allPrefixes []string
}

// Service returns the service with the prefix (any case), or nil when the
// table does not cover it.
func (t *Table) Service(prefix string) *Service { return t.services[strings.ToLower(prefix)] }

// Services returns the covered services sorted by prefix.
func (t *Table) Services() []*Service {
	out := make([]*Service, 0, len(t.services))
	for _, s := range t.services {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Prefix < out[j].Prefix })
	return out
}

// GlobalKey returns the global condition key a policy's key name refers
// to (aws:PrincipalArn, aws:PrincipalTag/team, or one of the few
// cross-service session keys such as ec2:SourceInstanceArn), or nil.
func (t *Table) GlobalKey(name string) *Key { return findKey(t.global, name) }

// GlobalKeys returns the global condition keys sorted by name.
func (t *Table) GlobalKeys() []*Key {
	out := append([]*Key(nil), t.global...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// LookupKey returns the condition key a policy's key name refers to: a
// global key, or a key of the service its prefix names; nil when neither
// knows it.
func (t *Table) LookupKey(name string) *Key {
	if k := t.GlobalKey(name); k != nil {
		return k
	}
	prefix, _, ok := strings.Cut(name, ":")
	if !ok {
		return nil
	}
	if s := t.Service(prefix); s != nil {
		return s.Key(name)
	}
	return nil
}

// KnownPrefix reports whether prefix (any case) names an AWS service,
// covered by the table or not.
func (t *Table) KnownPrefix(prefix string) bool {
	p := strings.ToLower(prefix)
	return t.prefixes[p] || t.services[p] != nil
}

// knownPrefixes returns every prefix KnownPrefix accepts, sorted.
func (t *Table) knownPrefixes() []string { return t.allPrefixes }

// RCPSupports reports whether resource control policies apply to the
// service.
func (t *Table) RCPSupports(prefix string) bool { return t.rcp[strings.ToLower(prefix)] }

// MatchActions returns the actions of the table that an action pattern
// such as "sagemaker:Create*" matches (case-insensitive, * and ?
// wildcards in the action name), sorted by name, and the service of the
// pattern's prefix (nil when the table does not cover it). A pattern whose
// prefix holds a wildcard matches nothing here.
func (t *Table) MatchActions(p string) ([]*Action, *Service) {
	prefix, name, ok := strings.Cut(p, ":")
	if !ok {
		return nil, nil
	}
	s := t.Service(prefix)
	if s == nil {
		return nil, nil
	}
	if !strings.ContainsAny(name, "*?") {
		if a := s.Action(name); a != nil {
			return []*Action{a}, s
		}
		return nil, s
	}
	var out []*Action
	for _, a := range s.sorted {
		if MatchWildcard(name, a.Name, true) {
			out = append(out, a)
		}
	}
	return out, s
}

// ActionsWithKey returns the full names (service:Action) of the actions of
// the complete services that list the condition key, sorted: the actions a
// statement testing the key should name, so that a Deny with Null "true"
// does not deny the others outright.
func (t *Table) ActionsWithKey(key string) []string {
	var out []string
	for _, s := range t.Services() {
		if !s.Complete {
			continue
		}
		for _, a := range s.Actions() {
			if a.Supports(key) {
				out = append(out, a.FullName())
			}
		}
	}
	return out
}

//go:generate go run ./internal/gen -out facts/generated.txt

// facts holds the project's compact IAM facts: generated.txt, written by
// internal/gen from the Service Authorization Reference for the services it
// covers whole, and manual.txt, kept by hand for the services aiguard's
// policies touch only in part.
//
//go:embed facts/*.txt
var facts embed.FS

// DefaultTable returns the table built into aiguard. It is read once, on
// first use; the error can only come from a broken build (the tests read
// it). A function rather than an initialised variable, so that a program
// that never asks for the table (the rule Lambda, which uses only the
// policy model) neither links the facts nor reads them at start.
func DefaultTable() (*Table, error) {
	builtinTable.once.Do(func() {
		t := newTable()
		for _, name := range []string{"generated.txt", "manual.txt"} {
			data, err := facts.ReadFile(path.Join("facts", name))
			if err != nil {
				builtinTable.err = fmt.Errorf("IAM facts table: %w", err)
				return
			}
			if err := t.read(bytes.NewReader(data), name); err != nil {
				builtinTable.err = err
				return
			}
		}
		builtinTable.t = t
	})
	return builtinTable.t, builtinTable.err
}

var builtinTable struct {
	once sync.Once
	t    *Table
	err  error
}

func newTable() *Table {
	t := &Table{services: map[string]*Service{}, prefixes: map[string]bool{}, rcp: map[string]bool{}}
	for _, p := range strings.Fields(servicePrefixes) {
		t.prefixes[p] = true
	}
	for _, p := range strings.Fields(rcpServices) {
		t.rcp[p] = true
		t.prefixes[p] = true
	}
	return t
}

// ReadTable reads a table in the compact facts format (see WriteFacts) on
// top of the built-in lists of service prefixes and RCP services.
func ReadTable(r io.Reader) (*Table, error) {
	t := newTable()
	if err := t.read(r, "facts"); err != nil {
		return nil, err
	}
	return t, nil
}

// The compact facts format, one fact a line, fields separated by spaces,
// # starting a comment line:
//
//	service PREFIX complete|partial [AS-OF]
//	key NAME TYPE                     a condition key of the service
//	res NAME ARN [KEY...]             a resource type and its condition keys
//	act NAME ACCESS RES,RES|- [KEY...] an action: access L|R|W|P|T|-, resource types, own keys
//	global NAME TYPE                  a global condition key (outside any service)
//
// Within a service, a key name without a colon is short for PREFIX:NAME.
func (t *Table) read(r io.Reader, source string) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var cur *Service
	lineNo := 0
	fail := func(format string, args ...any) error {
		return fmt.Errorf("IAM facts %s line %d: %s", source, lineNo, fmt.Sprintf(format, args...))
	}
	full := func(name string) string {
		if cur != nil && !strings.Contains(name, ":") {
			return cur.Prefix + ":" + name
		}
		return name
	}
	for sc.Scan() {
		lineNo++
		f := strings.Fields(sc.Text())
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		switch {
		case f[0] == "service" && (len(f) == 3 || len(f) == 4):
			p := strings.ToLower(f[1])
			if t.services[p] != nil {
				return fail("service %s defined twice", p)
			}
			if f[2] != "complete" && f[2] != "partial" {
				return fail("service %s: want complete or partial, got %q", p, f[2])
			}
			cur = &Service{Prefix: p, Complete: f[2] == "complete", resources: map[string]*ResourceType{},
				actions: map[string]*Action{}}
			if len(f) == 4 {
				cur.AsOf = f[3]
			}
			t.services[p] = cur
		case f[0] == "global" && len(f) == 3:
			k := &Key{Name: f[1], Type: KeyType(f[2]), pattern: newPattern(f[1])}
			if !k.Type.valid() {
				return fail("global key %s: unknown type %q", f[1], f[2])
			}
			t.global = append(t.global, k)
		case cur == nil:
			return fail("%q outside a service", f[0])
		case f[0] == "key" && len(f) == 3:
			k := &Key{Name: full(f[1]), Type: KeyType(f[2]), pattern: newPattern(full(f[1]))}
			if !k.Type.valid() {
				return fail("key %s: unknown type %q", k.Name, f[2])
			}
			cur.keys = append(cur.keys, k)
		case f[0] == "res" && len(f) >= 3:
			rt := &ResourceType{Name: f[1], ARN: f[2]}
			for _, k := range f[3:] {
				rt.Keys = append(rt.Keys, full(k))
			}
			cur.resources[rt.Name] = rt
		case f[0] == "act" && len(f) >= 4:
			access, ok := accessOfLetter(f[2])
			if !ok {
				return fail("action %s: unknown access level %q", f[1], f[2])
			}
			a := &Action{Service: cur.Prefix, Name: f[1], Access: access}
			if f[3] != "-" {
				a.ResourceTypes = strings.Split(f[3], ",")
			}
			for _, k := range f[4:] {
				a.Keys = append(a.Keys, full(k))
			}
			if cur.actions[strings.ToLower(a.Name)] != nil {
				return fail("action %s defined twice", a.Name)
			}
			cur.actions[strings.ToLower(a.Name)] = a
		default:
			return fail("cannot read %q", sc.Text())
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("IAM facts %s: %w", source, err)
	}
	return t.link()
}

// link resolves each action's resource types into its supported keys.
func (t *Table) link() error {
	t.allPrefixes = t.allPrefixes[:0]
	for p := range t.prefixes {
		t.allPrefixes = append(t.allPrefixes, p)
	}
	for p := range t.services {
		if !t.prefixes[p] {
			t.allPrefixes = append(t.allPrefixes, p)
		}
	}
	sort.Strings(t.allPrefixes)
	for _, s := range t.services {
		s.sorted = s.sorted[:0]
		for _, a := range s.actions {
			s.sorted = append(s.sorted, a)
		}
		sort.Slice(s.sorted, func(i, j int) bool { return s.sorted[i].Name < s.sorted[j].Name })
		for _, a := range s.actions {
			a.supported = a.supported[:0]
			for _, k := range a.Keys {
				a.supported = append(a.supported, newPattern(k))
			}
			for _, rn := range a.ResourceTypes {
				rt := s.resources[rn]
				if rt == nil {
					return fmt.Errorf("IAM facts: action %s names the unknown resource type %q", a.FullName(), rn)
				}
				for _, k := range rt.Keys {
					a.supported = append(a.supported, newPattern(k))
				}
			}
		}
	}
	return nil
}

// WriteFacts writes the services (all when none are named) and the global
// keys in the compact facts format that ReadTable reads, sorted so that
// the output is stable.
func (t *Table) WriteFacts(w io.Writer, prefixes ...string) error {
	bw := bufio.NewWriter(w)
	short := func(prefix, name string) string {
		if rest, ok := strings.CutPrefix(name, prefix+":"); ok && !strings.Contains(rest, ":") {
			return rest
		}
		return name
	}
	shortAll := func(prefix string, names []string) string {
		var out []string
		for _, n := range names {
			out = append(out, short(prefix, n))
		}
		return strings.Join(out, " ")
	}
	line := func(fields ...string) {
		s := strings.TrimRight(strings.Join(fields, " "), " ")
		bw.WriteString(s + "\n")
	}
	for _, k := range t.GlobalKeys() {
		line("global", k.Name, string(k.Type))
	}
	for _, s := range t.Services() {
		if len(prefixes) > 0 && !containsFold(prefixes, s.Prefix) {
			continue
		}
		state := "partial"
		if s.Complete {
			state = "complete"
		}
		line("service", s.Prefix, state, s.AsOf)
		for _, k := range s.Keys() {
			line("key", short(s.Prefix, k.Name), string(k.Type))
		}
		for _, r := range s.ResourceTypes() {
			line("res", r.Name, r.ARN, shortAll(s.Prefix, sortedCopy(r.Keys)))
		}
		for _, a := range s.Actions() {
			res := "-"
			if len(a.ResourceTypes) > 0 {
				res = strings.Join(a.ResourceTypes, ",")
			}
			line("act", a.Name, accessLetter(a.Access), res, shortAll(s.Prefix, sortedCopy(a.Keys)))
		}
	}
	return bw.Flush()
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}
