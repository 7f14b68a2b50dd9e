package detections

import (
	"slices"
	"strings"

	"github.com/aiguard/aiguard/cloudtrail"
	"github.com/aiguard/aiguard/configitem"
	"github.com/aiguard/aiguard/internal/jsonfast"
)

// Event is one record being judged, with what judging it works out once.
type Event struct {
	Record *cloudtrail.Record
	Config *Config

	params, resp     configitem.Value
	paramsOK, respOK bool
}

// NewEvent prepares a record for judging under cfg (nil: the zero Config).
func NewEvent(r *cloudtrail.Record, cfg *Config) *Event {
	if cfg == nil {
		cfg = &Config{}
	}
	return &Event{Record: r, Config: cfg}
}

// Params returns the decoded requestParameters (a missing Value when the
// record has none or they are not JSON).
func (ev *Event) Params() configitem.Value {
	if !ev.paramsOK {
		ev.paramsOK = true
		ev.params = decodeRaw(ev.Record.RequestParameters)
	}
	return ev.params
}

// Response returns the decoded responseElements.
func (ev *Event) Response() configitem.Value {
	if !ev.respOK {
		ev.respOK = true
		ev.resp = decodeRaw(ev.Record.ResponseElements)
	}
	return ev.resp
}

func decodeRaw(b []byte) configitem.Value {
	if len(b) == 0 {
		return configitem.Value{}
	}
	v, err := jsonfast.Unmarshal(b)
	if err != nil {
		return configitem.Value{}
	}
	return configitem.ValueOf(v)
}

// field returns a field's value as text and whether it is present (not
// absent, not null).
func (ev *Event) field(path string) (string, bool) {
	r := ev.Record
	if rest, ok := strings.CutPrefix(path, "requestParameters."); ok {
		return valueText(ev.Params().Path(rest))
	}
	if rest, ok := strings.CutPrefix(path, "responseElements."); ok {
		return valueText(ev.Response().Path(rest))
	}
	u := &r.UserIdentity
	var s string
	switch path {
	case "eventSource":
		s = r.EventSource
	case "eventName":
		s = r.EventName
	case "eventType":
		s = r.EventType
	case "eventCategory":
		s = r.EventCategory
	case "errorCode":
		s = r.ErrorCode
	case "errorMessage":
		s = r.ErrorMessage
	case "awsRegion":
		s = r.AWSRegion
	case "recipientAccountId":
		s = r.RecipientAccountID
	case "sourceIPAddress":
		s = r.SourceIPAddress
	case "userAgent":
		s = r.UserAgent
	case "vpcEndpointId":
		s = r.VPCEndpointID
	case "readOnly":
		return boolText(r.ReadOnly)
	case "sessionCredentialFromConsole":
		return boolText(r.SessionCredentialFromConsole)
	case "userIdentity.type":
		s = u.Type
	case "userIdentity.arn":
		s = u.ARN
	case "userIdentity.accountId":
		s = u.AccountID
	case "userIdentity.invokedBy":
		s = u.InvokedBy
	case "userIdentity.sessionContext.sessionIssuer.arn":
		s = u.SessionContext.SessionIssuer.ARN
	case "userIdentity.sessionContext.sessionIssuer.userName":
		s = u.SessionContext.SessionIssuer.UserName
	}
	return s, s != ""
}

func valueText(v configitem.Value) (string, bool) {
	if !v.Exists() || v.IsNull() {
		return "", false
	}
	if s, ok := v.String(); ok {
		return s, true
	}
	return "", true // an object or a list: present, but no text to compare
}

func boolText(b cloudtrail.OptBool) (string, bool) {
	v, ok := b.Value()
	if !ok {
		return "", false
	}
	if v {
		return "true", true
	}
	return "false", true
}

// holds reports whether the condition holds for the event.
func (c Condition) holds(ev *Event) bool {
	v, present := ev.field(c.Field)
	values := c.Values
	if c.Param != "" {
		values = ev.Config.List(c.Param)
	}
	switch c.Op {
	case OpAbsent:
		return !present
	case OpEquals:
		return present && slices.Contains(values, v)
	case OpPrefix:
		return present && slices.ContainsFunc(values, func(p string) bool { return strings.HasPrefix(v, p) })
	case OpWildcard:
		return present && slices.ContainsFunc(values, func(p string) bool { return Wildcard(p, v) })
	case OpAnythingBut:
		return present && !slices.Contains(values, v)
	}
	return false
}

// Wildcard reports whether s matches pattern, where * stands for any run
// of characters (EventBridge's wildcard operator).
func Wildcard(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return s == pattern
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return strings.HasSuffix(s, last) && len(s) >= len(last)
}

// matches reports whether the selector matches the event.
func (s *Selector) matches(ev *Event) bool {
	r := ev.Record
	if !slices.Contains(s.Sources, r.EventSource) {
		return false
	}
	if len(s.Names) > 0 && !slices.Contains(s.Names, r.EventName) {
		return false
	}
	for _, c := range s.Conditions {
		if !c.holds(ev) {
			return false
		}
	}
	return true
}

// Hit is an event a detection matched (before any rate is counted).
type Hit struct {
	Detection *Detection
	// Team is the team the event concerns, when known.
	Team   string
	Reason string
}

// Match judges one event: whether the detection matches it. A rate
// detection's hit counts towards its threshold; the caller counts.
func (d *Detection) Match(ev *Event) (Hit, bool) {
	r := ev.Record
	// Insights events carry the eventName of the API they summarise; only
	// the calls themselves count.
	if r.EventType == "AwsCloudTrailInsight" || r.EventCategory == "Insight" {
		return Hit{}, false
	}
	if !slices.ContainsFunc(d.Selectors, func(s Selector) bool { return s.matches(ev) }) {
		return Hit{}, false
	}
	if err := ev.Config.Prepare(); err != nil {
		return Hit{}, false
	}
	h := Hit{Detection: d}
	if d.Check != nil {
		v := d.Check(ev)
		if !v.Match {
			return Hit{}, false
		}
		h.Reason, h.Team = v.Reason, v.Team
	}
	if h.Team == "" {
		if t := ev.Config.TeamOfAccount(r.Account()); t != nil {
			h.Team = t.Name
		}
	}
	if !ev.Config.EnabledFor(d, ev.Config.Team(h.Team)) {
		return Hit{}, false
	}
	if h.Reason == "" {
		h.Reason = defaultReason(r)
	}
	return h, true
}

// defaultReason describes the call.
func defaultReason(r *cloudtrail.Record) string {
	s := r.EventName + " by " + orUnknown(r.Principal())
	if r.ErrorCode != "" {
		s += " (" + r.ErrorCode + ")"
	}
	return s
}

func orUnknown(s string) string {
	if s == "" {
		return "an unknown principal"
	}
	return s
}

// Matcher judges records against the detections a Config enables.
type Matcher struct {
	cfg    *Config
	active []*Detection
	// bySource indexes the active detections by event source, with the
	// event names each selector wants (nil: any).
	bySource map[string][]sourceEntry
	// Skipped lists the enabled detections that cannot run with the
	// Config, with why.
	Skipped []SkippedDetection
}

type sourceEntry struct {
	d     *Detection
	names []string
	conds []Condition
}

// SkippedDetection is a detection that cannot run, and why.
type SkippedDetection struct {
	ID     string
	Reason string
}

// NewMatcher prepares the detections of reg that cfg enables. ids, when
// not empty, restricts them further. The Config must be valid (Prepare).
func NewMatcher(reg *Registry, cfg *Config, ids ...string) (*Matcher, error) {
	if cfg == nil {
		cfg = &Config{}
	}
	if err := cfg.Prepare(); err != nil {
		return nil, err
	}
	m := &Matcher{cfg: cfg, bySource: map[string][]sourceEntry{}}
	for _, d := range reg.All() {
		if len(ids) > 0 && !slices.Contains(ids, d.ID) {
			continue
		}
		if !cfg.Enabled(d) {
			continue
		}
		if d.Requires != nil {
			if why := d.Requires(cfg); why != "" {
				m.Skipped = append(m.Skipped, SkippedDetection{d.ID, why})
				continue
			}
		}
		m.active = append(m.active, d)
		for _, s := range d.Selectors {
			for _, src := range s.Sources {
				m.bySource[src] = append(m.bySource[src], sourceEntry{d, s.Names, s.Conditions})
			}
		}
	}
	return m, nil
}

// Active returns the detections the matcher runs.
func (m *Matcher) Active() []*Detection { return slices.Clone(m.active) }

// Config returns the matcher's configuration.
func (m *Matcher) Config() *Config { return m.cfg }

// Wants reports whether any active detection may match an event of this
// source, name and error code ("" for a successful call): the cheap test a
// reader applies before decoding the rest of a record.
func (m *Matcher) Wants(source, name, errorCode string) bool {
	for _, e := range m.bySource[source] {
		if (e.names == nil || slices.Contains(e.names, name)) && e.errorCodeMay(errorCode) {
			return true
		}
	}
	return false
}

// errorCodeMay reports whether the selector's conditions on errorCode
// allow the code.
func (e sourceEntry) errorCodeMay(code string) bool {
	for _, c := range e.conds {
		if c.Field != "errorCode" || c.Param != "" {
			continue
		}
		switch c.Op {
		case OpAbsent:
			if code != "" {
				return false
			}
		case OpEquals:
			if !slices.Contains(c.Values, code) {
				return false
			}
		}
	}
	return true
}

// Match returns the hits of every active detection on the record.
func (m *Matcher) Match(r *cloudtrail.Record) []Hit {
	entries := m.bySource[r.EventSource]
	if len(entries) == 0 {
		return nil
	}
	ev := NewEvent(r, m.cfg)
	var hits []Hit
	var seen []*Detection
	for _, e := range entries {
		if slices.Contains(seen, e.d) || (e.names != nil && !slices.Contains(e.names, r.EventName)) {
			continue
		}
		seen = append(seen, e.d)
		if h, ok := e.d.Match(ev); ok {
			hits = append(hits, h)
		}
	}
	return hits
}
