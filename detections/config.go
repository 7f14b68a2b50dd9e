package detections

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Config is what the detections learn from the organization spec: which
// run, their thresholds, the teams with their accounts, data, roles and
// working hours, and the networks presigned URLs may come from. It is
// plain data (JSON), so that the Lambda can receive the part a rule needs.
// The zero Config runs every detection that needs nothing from the spec,
// with the catalog's defaults.
type Config struct {
	// Settings holds per-detection choices, by detection ID.
	Settings map[string]Settings `json:"settings,omitempty"`
	Teams    []Team              `json:"teams,omitempty"`
	// WorkingHours applies to teams that set none.
	WorkingHours *Hours `json:"workingHours,omitempty"`
	// AllowedCIDRs and AllowedVPCEndpoints are where presigned SageMaker
	// URLs may be requested from.
	AllowedCIDRs        []string `json:"allowedCidrs,omitempty"`
	AllowedVPCEndpoints []string `json:"allowedVpcEndpoints,omitempty"`
	// ProtectedRoles and ProtectedFunctions are aiguard's own IAM roles
	// and Lambda functions, as wildcard patterns (a function may be named
	// by its ARN: *:function:NAME): changing them is tampering.
	ProtectedRoles     []string `json:"protectedRoles,omitempty"`
	ProtectedFunctions []string `json:"protectedFunctions,omitempty"`
	// TeamTagKey is the tag naming a resource's team.
	TeamTagKey string `json:"teamTagKey,omitempty"`
	// RolePrefix starts the name of every role aiguard generates; a
	// team's SageMaker execution roles are RolePrefix+TEAM+"-sagemaker-*".
	RolePrefix string `json:"rolePrefix,omitempty"`

	prepared bool
	cidrs    []netip.Prefix
	hours    *hours
}

// Settings are the choices for one detection.
type Settings struct {
	// Disabled turns the detection off.
	Disabled  bool     `json:"disabled,omitempty"`
	Threshold int      `json:"threshold,omitempty"`
	Window    Duration `json:"window,omitempty"`
	// By overrides what a rate counts per (principal or account).
	By string `json:"by,omitempty"`
}

// Team is one team of the organization spec.
type Team struct {
	Name     string   `json:"name"`
	Accounts []string `json:"accounts,omitempty"`
	// Disabled lists the detections turned off for the team; Enabled those
	// turned on for the team although the organization turns them off.
	Disabled     []string `json:"disabled,omitempty"`
	Enabled      []string `json:"enabled,omitempty"`
	WorkingHours *Hours   `json:"workingHours,omitempty"`
	// ExecutionRoles are the role names allowed to read the team's data.
	ExecutionRoles []string `json:"executionRoles,omitempty"`
	// DataLocations are the team's model-artifact and training-data
	// prefixes (s3://bucket/prefix).
	DataLocations []string `json:"dataLocations,omitempty"`

	hours *hours
}

// Hours are working hours: from Start to End (HH:MM, End may be 24:00) on
// Days (mon ... sun) in TimeZone (an IANA name such as Europe/Berlin).
type Hours struct {
	Start    string   `json:"start"`
	End      string   `json:"end"`
	Days     []string `json:"days"`
	TimeZone string   `json:"timeZone"`
}

// Duration is a time.Duration written as Go writes it ("10m0s") in JSON.
type Duration time.Duration

// MarshalText writes the duration as 10m or 1h30m.
func (d Duration) MarshalText() ([]byte, error) { return []byte(FormatDuration(time.Duration(d))), nil }

// UnmarshalText reads a Go duration.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// FormatDuration writes a whole-minute duration without zero units (10m,
// 1h, 1h30m).
func FormatDuration(d time.Duration) string {
	s := d.String()
	s = strings.TrimSuffix(s, "0s")
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	if s == "" {
		return "0s"
	}
	return s
}

// listNames are the Config lists a condition may draw its values from.
var listNames = []string{"protectedRoles", "protectedFunctions"}

// List returns a named list of the Config (see Condition.Param).
func (c *Config) List(name string) []string {
	switch name {
	case "protectedRoles":
		return c.ProtectedRoles
	case "protectedFunctions":
		return c.ProtectedFunctions
	}
	return nil
}

// Setting returns the effective settings of a detection: the catalog's
// defaults with the Config's choices applied.
func (c *Config) Setting(d *Detection) Settings {
	var s Settings
	if c != nil {
		s = c.Settings[d.ID]
	}
	if d.Rate != nil {
		if s.Threshold == 0 {
			s.Threshold = d.Rate.Threshold
		}
		if s.Window == 0 {
			s.Window = Duration(d.Rate.Window)
		}
		if s.By == "" {
			s.By = d.Rate.By
		}
	}
	return s
}

// Enabled reports whether the detection runs: for the organization, or
// for at least one team that turns it on.
func (c *Config) Enabled(d *Detection) bool {
	if !c.Setting(d).Disabled {
		return true
	}
	for _, t := range c.Teams {
		if slices.Contains(t.Enabled, d.ID) {
			return true
		}
	}
	return false
}

// EnabledFor reports whether the detection runs for a team (nil: for
// events no team owns).
func (c *Config) EnabledFor(d *Detection, t *Team) bool {
	if t != nil && slices.Contains(t.Disabled, d.ID) {
		return false
	}
	if !c.Setting(d).Disabled {
		return true
	}
	return t != nil && slices.Contains(t.Enabled, d.ID)
}

// Team returns the named team.
func (c *Config) Team(name string) *Team {
	for i := range c.Teams {
		if c.Teams[i].Name == name {
			return &c.Teams[i]
		}
	}
	return nil
}

// TeamOfAccount returns the team that owns the account, or nil.
func (c *Config) TeamOfAccount(account string) *Team {
	if account == "" {
		return nil
	}
	for i := range c.Teams {
		if slices.Contains(c.Teams[i].Accounts, account) {
			return &c.Teams[i]
		}
	}
	return nil
}

// TeamOfRole returns the team whose generated execution role has the
// given name (RolePrefix+TEAM+"-sagemaker-KIND"), or nil.
func (c *Config) TeamOfRole(roleName string) *Team {
	if c.RolePrefix == "" {
		return nil
	}
	rest, ok := strings.CutPrefix(roleName, c.RolePrefix)
	if !ok {
		return nil
	}
	name, _, ok := strings.Cut(rest, "-sagemaker-")
	if !ok {
		return nil
	}
	return c.Team(name)
}

// Prepare checks the Config and parses what matching reads often (CIDRs,
// time zones). Matching prepares a Config on first use; call Prepare first
// to get the errors.
func (c *Config) Prepare() error {
	if c.prepared {
		return nil
	}
	var errs []error
	c.cidrs = c.cidrs[:0]
	for _, s := range c.AllowedCIDRs {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			errs = append(errs, fmt.Errorf("allowed CIDR %q: %w", s, err))
			continue
		}
		c.cidrs = append(c.cidrs, p.Masked())
	}
	if c.WorkingHours != nil {
		h, err := c.WorkingHours.parse()
		if err != nil {
			errs = append(errs, fmt.Errorf("working hours: %w", err))
		}
		c.hours = h
	}
	for i := range c.Teams {
		t := &c.Teams[i]
		if t.WorkingHours != nil {
			h, err := t.WorkingHours.parse()
			if err != nil {
				errs = append(errs, fmt.Errorf("team %s: working hours: %w", t.Name, err))
			}
			t.hours = h
		}
		for _, loc := range t.DataLocations {
			if _, _, ok := SplitS3URI(loc); !ok {
				errs = append(errs, fmt.Errorf("team %s: data location %q is not s3://bucket/prefix", t.Name, loc))
			}
		}
	}
	for id, s := range c.Settings {
		if s.By != "" && s.By != KeyPrincipal && s.By != KeyAccount {
			errs = append(errs, fmt.Errorf("detection %s: rate per %q, want principal or account", id, s.By))
		}
		if s.Threshold < 0 || s.Window < 0 {
			errs = append(errs, fmt.Errorf("detection %s: negative threshold or window", id))
		}
	}
	c.prepared = len(errs) == 0
	return errors.Join(errs...)
}

// SplitS3URI splits s3://bucket/prefix.
func SplitS3URI(uri string) (bucket, prefix string, ok bool) {
	rest, ok := strings.CutPrefix(uri, "s3://")
	if !ok {
		return "", "", false
	}
	bucket, prefix, _ = strings.Cut(rest, "/")
	return bucket, prefix, bucket != ""
}

// hours are parsed working hours.
type hours struct {
	start, end int // minutes since midnight
	days       [7]bool
	loc        *time.Location
}

var dayNames = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// DayNames are the names of the days in Hours.Days, Monday first.
func DayNames() []string { return []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"} }

func (h *Hours) parse() (*hours, error) {
	var out hours
	var err error
	if out.start, err = clock(h.Start, false); err != nil {
		return nil, fmt.Errorf("start: %w", err)
	}
	if out.end, err = clock(h.End, true); err != nil {
		return nil, fmt.Errorf("end: %w", err)
	}
	if out.end <= out.start {
		return nil, fmt.Errorf("end %s is not after start %s (hours across midnight are not supported)", h.End, h.Start)
	}
	if len(h.Days) == 0 {
		return nil, errors.New("no days")
	}
	for _, d := range h.Days {
		wd, ok := dayNames[strings.ToLower(d)]
		if !ok {
			return nil, fmt.Errorf("day %q: want mon, tue, wed, thu, fri, sat or sun", d)
		}
		out.days[wd] = true
	}
	zone := h.TimeZone
	if zone == "" {
		zone = "UTC"
	}
	if out.loc, err = time.LoadLocation(zone); err != nil {
		return nil, fmt.Errorf("time zone %q: %w", zone, err)
	}
	return &out, nil
}

// clock reads HH:MM as minutes since midnight; 24:00 is allowed as an end.
func clock(s string, end bool) (int, error) {
	hh, mm, ok := strings.Cut(s, ":")
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if !ok || len(hh) != 2 || len(mm) != 2 || err1 != nil || err2 != nil || m > 59 || h > 24 || (h == 24 && (m != 0 || !end)) {
		return 0, fmt.Errorf("%q is not a time of day HH:MM", s)
	}
	return h*60 + m, nil
}

// Within reports whether t falls within the working hours.
func (h *hours) within(t time.Time) bool {
	lt := t.In(h.loc)
	if !h.days[lt.Weekday()] {
		return false
	}
	m := lt.Hour()*60 + lt.Minute()
	return m >= h.start && m < h.end
}

// hoursFor returns the working hours that apply to a team (its own, else
// the organization's), or nil when none are set.
func (c *Config) hoursFor(t *Team) (*hours, *Hours) {
	if t != nil && t.hours != nil {
		return t.hours, t.WorkingHours
	}
	if c.hours != nil {
		return c.hours, c.WorkingHours
	}
	return nil, nil
}

// allowedSource reports whether a request came from an allowed network:
// through one of the allowed VPC endpoints, or from an address inside one
// of the allowed CIDRs. A source that is not an IP address (an AWS
// service's name) is not judged and counts as allowed.
func (c *Config) allowedSource(ip, vpce string) bool {
	if vpce != "" && slices.Contains(c.AllowedVPCEndpoints, vpce) {
		return true
	}
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return true
	}
	addr = addr.Unmap()
	for _, p := range c.cidrs {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}
