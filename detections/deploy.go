package detections

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// DetailType is the detail-type of the EventBridge events CloudTrail
// delivers for API calls.
const DetailType = "AWS API Call via CloudTrail"

// EventSourceName is the EventBridge source of a service's CloudTrail
// events: aws.bedrock for bedrock.amazonaws.com.
func EventSourceName(eventSource string) string {
	return "aws." + strings.TrimSuffix(eventSource, ".amazonaws.com")
}

// EventPattern returns the EventBridge event pattern that matches the
// events of the detection's selectors, with Param conditions filled from
// cfg. A selector whose Param list is empty is left out (it can match
// nothing); nil means none is left. extra, when set, is merged into every
// selector's detail (a team's narrowing).
func (d *Detection) EventPattern(cfg *Config, extra map[string]any) map[string]any {
	var branches []map[string]any
	for _, s := range d.Selectors {
		detail, ok := s.patternDetail(cfg)
		if !ok {
			continue
		}
		for k, v := range extra {
			detail[k] = v
		}
		var sources []any
		for _, src := range s.Sources {
			sources = append(sources, EventSourceName(src))
		}
		branches = append(branches, map[string]any{"source": sources, "detail": detail})
	}
	switch len(branches) {
	case 0:
		return nil
	case 1:
		b := branches[0]
		b["detail-type"] = []any{DetailType}
		return b
	}
	or := make([]any, len(branches))
	for i, b := range branches {
		or[i] = b
	}
	return map[string]any{"detail-type": []any{DetailType}, "$or": or}
}

// patternDetail is the detail part of a selector's pattern.
func (s *Selector) patternDetail(cfg *Config) (map[string]any, bool) {
	detail := map[string]any{"eventSource": strs(s.Sources)}
	if len(s.Names) > 0 {
		detail["eventName"] = strs(s.Names)
	}
	for _, c := range s.Conditions {
		values := c.Values
		if c.Param != "" {
			values = cfg.List(c.Param)
			if len(values) == 0 {
				return nil, false
			}
		}
		setPath(detail, strings.Split(c.Field, "."), c.matcher(values))
	}
	return detail, true
}

// matcher is the pattern value of a condition.
func (c Condition) matcher(values []string) []any {
	var out []any
	switch c.Op {
	case OpEquals:
		for _, v := range values {
			if c.Bool {
				out = append(out, v == "true")
			} else {
				out = append(out, v)
			}
		}
	case OpPrefix:
		for _, v := range values {
			out = append(out, map[string]any{"prefix": v})
		}
	case OpWildcard:
		for _, v := range values {
			if strings.Contains(v, "*") {
				out = append(out, map[string]any{"wildcard": v})
			} else {
				out = append(out, v)
			}
		}
	case OpAbsent:
		out = append(out, map[string]any{"exists": false})
	case OpAnythingBut:
		out = append(out, map[string]any{"anything-but": strs(values)})
	}
	return out
}

func setPath(m map[string]any, path []string, v any) {
	for _, p := range path[:len(path)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	m[path[len(path)-1]] = v
}

func strs(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// MaxFilterPattern is CloudWatch Logs' limit on a metric filter pattern.
const MaxFilterPattern = 1024

// FilterPattern returns the CloudWatch Logs filter pattern that matches the
// events of a rate detection's selector in CloudTrail's JSON log events.
func (d *Detection) FilterPattern() (string, error) {
	if d.Rate == nil {
		return "", fmt.Errorf("detection %s: metric filters count rate detections only", d.ID)
	}
	s := d.Selectors[0]
	terms := []string{anyOf("$.eventSource", s.Sources)}
	if len(s.Names) > 0 {
		terms = append(terms, anyOf("$.eventName", s.Names))
	}
	for _, c := range s.Conditions {
		f := "$." + c.Field
		switch c.Op {
		case OpEquals:
			if c.Bool {
				var parts []string
				for _, v := range c.Values {
					parts = append(parts, fmt.Sprintf("(%s IS %s)", f, strings.ToUpper(v)))
				}
				terms = append(terms, "("+strings.Join(parts, " || ")+")")
			} else {
				terms = append(terms, anyOf(f, c.Values))
			}
		case OpPrefix:
			var parts []string
			for _, v := range c.Values {
				parts = append(parts, fmt.Sprintf("(%s = %s)", f, quote(v+"*")))
			}
			terms = append(terms, "("+strings.Join(parts, " || ")+")")
		case OpAbsent:
			terms = append(terms, fmt.Sprintf("(%s NOT EXISTS)", f))
		case OpAnythingBut:
			var parts []string
			for _, v := range c.Values {
				parts = append(parts, fmt.Sprintf("(%s != %s)", f, quote(v)))
			}
			terms = append(terms, "("+strings.Join(parts, " && ")+")")
		default:
			return "", fmt.Errorf("detection %s: condition %s on %s has no filter pattern", d.ID, c.Op, c.Field)
		}
	}
	p := "{ " + strings.Join(terms, " && ") + " }"
	if len(p) > MaxFilterPattern {
		return "", fmt.Errorf("detection %s: filter pattern of %d characters, more than CloudWatch Logs' %d", d.ID, len(p), MaxFilterPattern)
	}
	return p, nil
}

func anyOf(field string, values []string) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = fmt.Sprintf("(%s = %s)", field, quote(v))
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return "(" + strings.Join(parts, " || ") + ")"
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// Limits of Contributor Insights rules that the generator checks.
const (
	MaxInsightFilters     = 4
	MaxInsightFilterValue = 10
	MaxInsightRuleBody    = 8192
)

// InsightRule is one Contributor Insights rule of a rate detection.
type InsightRule struct {
	// Suffix tells the rules of one detection apart (roles, other).
	Suffix string
	Body   string
}

// InsightRules returns the Contributor Insights rules that count a rate
// detection's events per principal (or account) in the log group, with the
// effective settings of cfg. A principal is counted as hunt counts it: an
// assumed role by the role (the session issuer's ARN), so that its
// sessions count together; any other identity by its ARN. That takes two
// rules, one per kind of identity, whose largest contributor the alarm
// watches.
func (d *Detection) InsightRules(cfg *Config, logGroup string) ([]InsightRule, error) {
	if d.Rate == nil {
		return nil, fmt.Errorf("detection %s: Contributor Insights counts rate detections only", d.ID)
	}
	s := d.Selectors[0]
	base := []map[string]any{{"Match": "$.eventSource", "In": strs(s.Sources)}}
	if len(s.Names) > 0 {
		base = append(base, map[string]any{"Match": "$.eventName", "In": strs(s.Names)})
	}
	for _, c := range s.Conditions {
		f := map[string]any{"Match": "$." + c.Field}
		switch c.Op {
		case OpEquals:
			f["In"] = strs(c.Values)
		case OpPrefix:
			if len(c.Values) != 1 {
				return nil, fmt.Errorf("detection %s: a Contributor Insights filter takes one prefix", d.ID)
			}
			f["StartsWith"] = strs(c.Values)
		case OpAbsent:
			f["IsPresent"] = false
		case OpAnythingBut:
			f["NotIn"] = strs(c.Values)
		default:
			return nil, fmt.Errorf("detection %s: condition %s on %s has no Contributor Insights filter", d.ID, c.Op, c.Field)
		}
		base = append(base, f)
	}
	type variant struct {
		suffix string
		key    string
		filter map[string]any
	}
	var variants []variant
	if cfg.Setting(d).By == KeyAccount {
		variants = []variant{{"", "$.recipientAccountId", nil}}
	} else {
		variants = []variant{
			{"roles", "$.userIdentity.sessionContext.sessionIssuer.arn", map[string]any{"Match": "$.userIdentity.type", "In": []any{"AssumedRole"}}},
			{"other", "$.userIdentity.arn", map[string]any{"Match": "$.userIdentity.type", "NotIn": []any{"AssumedRole"}}},
		}
	}
	var out []InsightRule
	for _, v := range variants {
		filters := slices.Clone(base)
		if v.filter != nil {
			filters = append(filters, v.filter)
		}
		if len(filters) > MaxInsightFilters {
			return nil, fmt.Errorf("detection %s: %d Contributor Insights filters, at most %d", d.ID, len(filters), MaxInsightFilters)
		}
		for _, f := range filters {
			for _, op := range []string{"In", "NotIn"} {
				if l, ok := f[op].([]any); ok && len(l) > MaxInsightFilterValue {
					return nil, fmt.Errorf("detection %s: a Contributor Insights filter on %s with %d values, at most %d", d.ID, f["Match"], len(l), MaxInsightFilterValue)
				}
			}
		}
		body := map[string]any{
			"Schema":        map[string]any{"Name": "CloudWatchLogRule", "Version": 1},
			"LogGroupNames": []any{logGroup},
			"LogFormat":     "JSON",
			"Contribution":  map[string]any{"Keys": []any{v.key}, "Filters": filters},
			"AggregateOn":   "Count",
		}
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		if len(b) > MaxInsightRuleBody {
			return nil, fmt.Errorf("detection %s: Contributor Insights rule of %d characters, at most %d", d.ID, len(b), MaxInsightRuleBody)
		}
		out = append(out, InsightRule{Suffix: v.suffix, Body: string(b)})
	}
	return out, nil
}

// Payload is what the generated EventBridge rules send the Lambda: the
// original event, and which detection to judge it with and how.
type Payload struct {
	// Detection is the detection ID of the rule that matched.
	Detection string `json:"detection"`
	// Config is the part of the configuration the detection reads.
	Config *Config `json:"config,omitempty"`
	// TopicArn is the SNS topic alerts are published to ("": none).
	TopicArn string `json:"topicArn,omitempty"`
}

// PayloadKey is the key of the Payload in the event the Lambda receives.
const PayloadKey = "aiguard"

// ConfigFor returns the part of cfg a detection reads: its own settings,
// the lists its conditions name, and the teams and networks its check
// uses (teams, when not nil, restricts the teams).
func (d *Detection) ConfigFor(cfg *Config, teams []string) *Config {
	out := &Config{RolePrefix: cfg.RolePrefix, TeamTagKey: cfg.TeamTagKey}
	if s, ok := cfg.Settings[d.ID]; ok {
		out.Settings = map[string]Settings{d.ID: s}
	}
	for _, s := range d.Selectors {
		for _, c := range s.Conditions {
			switch c.Param {
			case "protectedRoles":
				out.ProtectedRoles = cfg.ProtectedRoles
			case "protectedFunctions":
				out.ProtectedFunctions = cfg.ProtectedFunctions
			}
		}
	}
	uses := func(part string) bool { return slices.Contains(d.Uses, part) }
	if uses(UsesNetwork) {
		out.AllowedCIDRs, out.AllowedVPCEndpoints = cfg.AllowedCIDRs, cfg.AllowedVPCEndpoints
	}
	if uses(UsesWorkingHours) {
		out.WorkingHours = cfg.WorkingHours
	}
	for _, t := range cfg.Teams {
		if teams != nil && !slices.Contains(teams, t.Name) {
			continue
		}
		// A team goes along only when it changes the judgement: it turns
		// the detection on or off, or has what the check reads.
		onOff := slices.Contains(t.Disabled, d.ID) || slices.Contains(t.Enabled, d.ID)
		if !onOff && !(uses(UsesTeamData) && len(t.DataLocations) > 0) && !(uses(UsesWorkingHours) && t.WorkingHours != nil) {
			continue
		}
		u := Team{Name: t.Name, Accounts: t.Accounts}
		if slices.Contains(t.Disabled, d.ID) {
			u.Disabled = []string{d.ID}
		}
		if slices.Contains(t.Enabled, d.ID) {
			u.Enabled = []string{d.ID}
		}
		if uses(UsesTeamData) {
			u.ExecutionRoles, u.DataLocations = t.ExecutionRoles, t.DataLocations
		}
		if uses(UsesWorkingHours) {
			u.WorkingHours = t.WorkingHours
		}
		out.Teams = append(out.Teams, u)
	}
	return out
}

// TeamBranches returns the alternatives ($or branches of the event
// pattern's detail) that narrow a PerTeam detection to one team: reads of
// the team's buckets by any identity but an assumed role, or by an assumed
// role other than the team's execution roles (EventBridge matches
// anything-but only on a field that is present, and only assumed roles have
// a session issuer). It returns nil for a team without data locations.
func (d *Detection) TeamBranches(t *Team) []any {
	var buckets []string
	for _, loc := range t.DataLocations {
		if b, _, ok := SplitS3URI(loc); ok && !slices.Contains(buckets, b) {
			buckets = append(buckets, b)
		}
	}
	if len(buckets) == 0 {
		return nil
	}
	slices.Sort(buckets)
	reads := func() map[string]any {
		return map[string]any{"requestParameters": map[string]any{"bucketName": strs(buckets)}}
	}
	if len(t.ExecutionRoles) == 0 {
		return []any{reads()}
	}
	other := reads()
	other["userIdentity"] = map[string]any{"type": []any{map[string]any{"anything-but": []any{"AssumedRole"}}}}
	role := reads()
	role["userIdentity"] = map[string]any{"sessionContext": map[string]any{"sessionIssuer": map[string]any{
		"userName": []any{map[string]any{"anything-but": strs(t.ExecutionRoles)}},
	}}}
	return []any{other, role}
}
