// Package detections is aiguard's catalog of detections of suspicious ML
// activity in CloudTrail: each detection is a value (permanent ID, title,
// the baseline control it serves, severity, MITRE ATT&CK technique, what to
// do, the trail events it needs) plus what it matches: event sources and
// names with field conditions, an optional rate (so many events by one
// principal within a window) and, where a condition needs the organization
// spec (allowed networks, working hours, a team's data and roles), a pure
// check in code.
//
// The same definitions run everywhere: `aiguard hunt` over CloudTrail files
// (package hunt), the Lambda on the EventBridge events of single-event
// detections, and the generator, which turns the selectors into EventBridge
// patterns, CloudWatch Logs metric filters and Contributor Insights rules
// (deploy.go). Nothing here reads files or calls AWS.
package detections

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"time"

	"github.com/aiguard/aiguard/rules"
)

// Detection is one detection.
type Detection struct {
	// ID is permanent and kebab-case.
	ID    string
	Title string
	// Description says what the detection finds and why it matters.
	Description string
	// Control is the part of the security baseline the detection serves.
	Control   string
	Severity  rules.Severity
	Technique Technique
	// Types are the finding's types in Security Hub's taxonomy
	// (namespace/category: "TTPs/Defense Evasion").
	Types []string
	// Remediation says what to do when it fires.
	Remediation string
	// Trail says which CloudTrail events the detection needs recorded.
	Trail string

	// Selectors match the events the detection looks at; an event matches
	// when any selector does.
	Selectors []Selector
	// Rate, when set, makes the detection fire only when one principal (or
	// account) causes at least Threshold matching events within Window.
	Rate *Rate
	// Check decides what selectors cannot: conditions that need the
	// organization spec or code (a CIDR, working hours, a guardrail's
	// strength). Nil when the selectors decide alone. Rate detections have
	// none, so that metric filters and Contributor Insights count exactly
	// what hunt counts.
	Check func(ev *Event) Verdict
	// CheckText says what Check decides, for the catalog.
	CheckText string
	// Requires reports what the detection needs from the configuration and
	// lacks ("" when it can run).
	Requires func(cfg *Config) string
	// Uses lists the parts of the configuration Check reads (UsesNetwork,
	// UsesWorkingHours, UsesTeamData), which the Lambda receives with the
	// event.
	Uses []string
	// PerTeam deploys one EventBridge rule per team, narrowed to the
	// team's data (see TeamPattern), instead of one for the organization.
	PerTeam bool
}

// The parts of the configuration a check may use.
const (
	UsesNetwork      = "network"
	UsesWorkingHours = "workingHours"
	UsesTeamData     = "teamData"
)

// Technique is a MITRE ATT&CK technique.
type Technique struct {
	ID   string // T1562.008
	Name string
}

// Rate is a threshold of events within a time window.
type Rate struct {
	Threshold int
	Window    time.Duration
	// By is what events are counted per: KeyPrincipal or KeyAccount.
	By string
}

// The keys a rate counts per.
const (
	KeyPrincipal = "principal"
	KeyAccount   = "account"
)

// Verdict is what Check decides about one event.
type Verdict struct {
	Match bool
	// Reason says what is suspicious, for the finding.
	Reason string
	// Team is the team the event concerns when Check knows better than the
	// caller's account (the owner of the data read, the team of a job).
	Team string
}

// Selector matches CloudTrail events.
type Selector struct {
	// Sources are eventSource values (bedrock.amazonaws.com).
	Sources []string
	// Names are eventName values; empty matches every event of the sources.
	Names []string
	// Conditions must all hold.
	Conditions []Condition
}

// Op is how a condition compares a field.
type Op string

// The operators of conditions, each with the meaning of the EventBridge
// pattern operator of the same name.
const (
	// OpEquals holds when the field's value is one of Values.
	OpEquals Op = "equals"
	// OpPrefix holds when the value starts with one of Values.
	OpPrefix Op = "prefix"
	// OpWildcard holds when the value matches one of Values, where *
	// stands for any run of characters.
	OpWildcard Op = "wildcard"
	// OpAbsent holds when the field is absent or null.
	OpAbsent Op = "absent"
	// OpAnythingBut holds when the field is present and none of Values.
	OpAnythingBut Op = "anything-but"
)

// Condition tests one field of the record.
type Condition struct {
	// Field is a dotted path: a record field (errorCode, userIdentity.type)
	// or one inside requestParameters (requestParameters.roleName).
	Field  string
	Op     Op
	Values []string
	// Param names the Config list that supplies Values (see Config.List).
	Param string
	// Bool marks Values as JSON booleans ("false" is false, not a string).
	Bool bool
}

var kebab = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

// Registry is a set of detections, looked up by ID.
type Registry struct {
	byID  map[string]*Detection
	order []*Detection
}

// NewRegistry checks each detection and indexes them by ID.
func NewRegistry(list ...*Detection) (*Registry, error) {
	reg := &Registry{byID: map[string]*Detection{}}
	for _, d := range list {
		if err := d.validate(); err != nil {
			return nil, err
		}
		if _, dup := reg.byID[d.ID]; dup {
			return nil, fmt.Errorf("detection %s: defined twice", d.ID)
		}
		reg.byID[d.ID] = d
		reg.order = append(reg.order, d)
	}
	sort.Slice(reg.order, func(i, j int) bool { return reg.order[i].ID < reg.order[j].ID })
	return reg, nil
}

// Catalog returns every detection aiguard ships.
func Catalog() *Registry {
	reg, err := NewRegistry(catalog()...)
	if err != nil {
		panic("detections: invalid catalog: " + err.Error()) // the catalog is code; its test fails first
	}
	return reg
}

// All returns the detections sorted by ID.
func (reg *Registry) All() []*Detection { return slices.Clone(reg.order) }

// Get returns the detection with the given ID.
func (reg *Registry) Get(id string) (*Detection, bool) {
	d, ok := reg.byID[id]
	return d, ok
}

// IDs returns the detection IDs, sorted.
func (reg *Registry) IDs() []string {
	out := make([]string, len(reg.order))
	for i, d := range reg.order {
		out[i] = d.ID
	}
	return out
}

// SingleEvent reports whether every matching event is a finding (no rate).
func (d *Detection) SingleEvent() bool { return d.Rate == nil }

func (d *Detection) validate() error {
	if !kebab.MatchString(d.ID) {
		return fmt.Errorf("detection %q: ID must be kebab-case", d.ID)
	}
	if d.Title == "" || d.Description == "" || d.Control == "" || d.Remediation == "" || d.Trail == "" {
		return fmt.Errorf("detection %s: title, description, control, remediation and trail are required", d.ID)
	}
	switch d.Severity {
	case rules.SeverityInformational, rules.SeverityLow, rules.SeverityMedium, rules.SeverityHigh, rules.SeverityCritical:
	default:
		return fmt.Errorf("detection %s: unknown severity %q", d.ID, d.Severity)
	}
	if !regexp.MustCompile(`^T[0-9]{4}(\.[0-9]{3})?$`).MatchString(d.Technique.ID) || d.Technique.Name == "" {
		return fmt.Errorf("detection %s: technique %q is not a MITRE ATT&CK technique ID with a name", d.ID, d.Technique.ID)
	}
	if len(d.Selectors) == 0 {
		return fmt.Errorf("detection %s: no selectors", d.ID)
	}
	if len(d.Types) == 0 {
		return fmt.Errorf("detection %s: no finding types", d.ID)
	}
	for _, s := range d.Selectors {
		if len(s.Sources) == 0 {
			return fmt.Errorf("detection %s: a selector without event sources", d.ID)
		}
		for _, c := range s.Conditions {
			if err := c.validate(); err != nil {
				return fmt.Errorf("detection %s: %w", d.ID, err)
			}
		}
	}
	if (d.Check == nil) != (d.CheckText == "") {
		return fmt.Errorf("detection %s: Check and CheckText go together", d.ID)
	}
	if d.Rate != nil {
		if d.Check != nil || len(d.Selectors) != 1 {
			return fmt.Errorf("detection %s: a rate detection has one selector and no Check (metric filters count what it counts)", d.ID)
		}
		if d.Rate.Threshold < 1 || d.Rate.Window < time.Minute || d.Rate.Window%time.Minute != 0 {
			return fmt.Errorf("detection %s: rate needs a threshold of at least 1 and a window of whole minutes", d.ID)
		}
		if d.Rate.By != KeyPrincipal && d.Rate.By != KeyAccount {
			return fmt.Errorf("detection %s: rate counts per %q, want principal or account", d.ID, d.Rate.By)
		}
	}
	return nil
}

func (c Condition) validate() error {
	if c.Field == "" {
		return fmt.Errorf("a condition without a field")
	}
	switch c.Op {
	case OpEquals, OpPrefix, OpWildcard, OpAnythingBut:
		if len(c.Values) == 0 && c.Param == "" {
			return fmt.Errorf("condition on %s: %s needs values", c.Field, c.Op)
		}
	case OpAbsent:
	default:
		return fmt.Errorf("condition on %s: unknown operator %q", c.Field, c.Op)
	}
	if c.Param != "" && !slices.Contains(listNames, c.Param) {
		return fmt.Errorf("condition on %s: unknown list %q", c.Field, c.Param)
	}
	return nil
}
