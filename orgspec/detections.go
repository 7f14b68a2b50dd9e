package orgspec

import (
	"fmt"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/aiguard/aiguard/awsid"
	"github.com/aiguard/aiguard/detections"
)

// Detections configures the detections of suspicious ML activity in
// CloudTrail (`aiguard detections list`), deployed by aiguard generate and
// run offline by aiguard hunt.
type Detections struct {
	Alerts       Alerts            `yaml:"alerts" doc:"Where alerts go: an SNS topic, and email addresses subscribed to it."`
	LogGroupName string            `yaml:"logGroupName" check:"logGroupName" doc:"The CloudWatch Logs log group the organization trail delivers to, in the security tooling account. The rate detections' metric filters, Contributor Insights rules and alarms watch it; unset, they are not generated."`
	EventBusName string            `yaml:"eventBusName" check:"eventBusName" spec:"default=aiguard-detections" doc:"The EventBridge event bus in the security tooling account that member accounts forward CloudTrail events to."`
	WorkingHours *WorkingHours     `yaml:"workingHours" doc:"Working hours of teams that set none, for sagemaker-off-hours-training."`
	Network      DetectionNetwork  `yaml:"network" doc:"Where presigned SageMaker URLs may be requested from, for sagemaker-presigned-url-unexpected-source."`
	Rules        DetectionSettings `yaml:"rules" doc:"Choices per detection, by detection ID. Every detection is on unless turned off."`
}

// Alerts says where alerts go.
type Alerts struct {
	SNSTopicArn string   `yaml:"snsTopicArn" check:"snsTopicArn" doc:"An existing SNS topic in the security tooling account to publish alerts to. Unset: aiguard creates one."`
	Emails      []string `yaml:"emails" check:"email" spec:"unique" doc:"Email addresses subscribed to the topic aiguard creates (each confirms the subscription)."`
}

// WorkingHours are the hours jobs are expected to start in.
type WorkingHours struct {
	Start    string   `yaml:"start" check:"clock" spec:"required" doc:"Start of the working day, HH:MM."`
	End      string   `yaml:"end" check:"clock" spec:"required" doc:"End of the working day, HH:MM (24:00 for midnight); after start."`
	Days     []string `yaml:"days" check:"weekday" spec:"unique" doc:"Working days (mon, tue, wed, thu, fri, sat, sun). Unset: mon to fri."`
	TimeZone string   `yaml:"timeZone" check:"timeZone" spec:"default=UTC" doc:"IANA time zone of the hours (Europe/Berlin)."`
}

// DetectionNetwork lists the networks presigned URLs may come from.
type DetectionNetwork struct {
	AllowedCIDRs          []string `yaml:"allowedCidrs" check:"cidr" spec:"unique" doc:"Address ranges (CIDR) presigned URLs may be requested from: offices, VPN egress, NAT gateways."`
	AllowedVPCEndpointIDs []string `yaml:"allowedVpcEndpointIds" check:"vpceID" spec:"unique" doc:"SageMaker API VPC endpoints presigned URLs may be requested through."`
}

// DetectionSettings are choices keyed by detection ID.
type DetectionSettings map[string]DetectionSetting

// DetectionSetting turns a detection on or off and tunes its rate. In YAML
// it is a boolean or a mapping.
type DetectionSetting struct {
	Enabled   *bool  `yaml:"enabled" doc:"Whether the detection runs."`
	Threshold int    `yaml:"threshold" spec:"min=1,max=1000000" doc:"Events within the window that make a rate detection fire."`
	Window    string `yaml:"window" check:"window" doc:"The rate's window: whole minutes, 1m to 24h (10m, 1h)."`
	By        string `yaml:"by" check:"rateKey" doc:"What the rate counts per: principal or account."`
}

// TeamDetections are a team's own detection settings.
type TeamDetections struct {
	WorkingHours *WorkingHours `yaml:"workingHours" doc:"The team's working hours (unset: detections.workingHours)."`
	// DataReaders may read the team's data besides its execution roles.
	DataReaders []string              `yaml:"dataReaders" check:"roleName" spec:"unique" doc:"Roles (names), besides the team's SageMaker execution roles, that may read its model artifacts and training data."`
	Rules       TeamDetectionSettings `yaml:"rules" doc:"Detections turned on (true) or off (false) for the team's accounts and data, by detection ID."`
}

// TeamDetectionSettings turn detections on or off for one team.
type TeamDetectionSettings map[string]bool

// The value checks of the detections section.
var detectionChecks = map[string]*check{
	"logGroupName": {want: "a CloudWatch Logs log group name (letters, digits and _-./#, at most 512 characters)", pattern: `^[.\-_/#A-Za-z0-9]{1,512}$`},
	"eventBusName": {want: "an EventBridge event bus name (letters, digits and ._-, at most 256 characters), not default", pattern: `^[.\-_A-Za-z0-9]{1,256}$`,
		more: func(s string) string {
			if s == "default" {
				return "a custom event bus name: member accounts cannot forward to the default bus of another account through a stack"
			}
			return ""
		}},
	"snsTopicArn": {want: "an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)", pattern: `^arn:` + arnPartition + `:sns:` + regionField + `:` + awsid.AccountIDPattern + `:[A-Za-z0-9_-]{1,256}(\.fifo)?$`},
	"email":       {want: "an email address", pattern: `^[^@\s]+@[^@\s]+\.[^@\s]+$`, maxLen: 254},
	"clock":       {want: "a time of day HH:MM (08:30; 24:00 for midnight at the end)", pattern: `^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$`},
	"weekday":     {want: "a day: mon, tue, wed, thu, fri, sat or sun", enum: detections.DayNames()},
	"timeZone": {want: "an IANA time zone name (Europe/Berlin, America/New_York, UTC)", pattern: `^[A-Za-z][A-Za-z0-9_+/-]{0,63}$`,
		more: func(s string) string {
			if _, err := time.LoadLocation(s); err != nil {
				return "an IANA time zone name (Europe/Berlin, America/New_York, UTC): " + s + " is unknown"
			}
			return ""
		}},
	"cidr": {want: "an IPv4 or IPv6 CIDR (203.0.113.0/24)", pattern: `^[0-9a-fA-F.:]+/[0-9]{1,3}$`,
		more: func(s string) string {
			p, err := netip.ParsePrefix(s)
			if err != nil {
				return "an IPv4 or IPv6 CIDR (203.0.113.0/24)"
			}
			if p.Masked() != p {
				return "a CIDR without host bits (" + p.Masked().String() + ")"
			}
			return ""
		}},
	"vpceID":  {want: "a VPC endpoint ID (vpce-0123abcd)", pattern: `^vpce-([0-9a-f]{8}|[0-9a-f]{17})$`},
	"rateKey": {want: "principal or account", enum: []string{detections.KeyPrincipal, detections.KeyAccount}},
	"window": {want: "a window of whole minutes from 1m to 24h (10m, 1h, 1h30m)", pattern: `^([0-9]+h)?([0-9]+m)?$`,
		more: func(s string) string {
			d, err := time.ParseDuration(s)
			if err != nil || d < time.Minute || d > 24*time.Hour || d%time.Minute != 0 {
				return "a window of whole minutes from 1m to 24h (10m, 1h, 1h30m)"
			}
			return ""
		}},
}

// decodeNode reads the detections mapping, checking each key against the
// catalog.
func (s *DetectionSettings) decodeNode(d *decoder, n *yaml.Node, path string) {
	m, ok := decodeByDetection(d, n, path, "a mapping of detection IDs to settings", func(n *yaml.Node, path string) DetectionSetting {
		var v DetectionSetting
		v.decode(d, n, path)
		return v
	})
	if ok {
		*s = m
	}
}

// decodeByDetection reads a mapping of detection IDs, each checked against
// the catalog (unknown ones are reported and left out), to the values value
// reads; false when n is not a mapping (reported as not want).
func decodeByDetection[V any](d *decoder, n *yaml.Node, path, want string, value func(n *yaml.Node, path string) V) (map[string]V, bool) {
	if n.Kind != yaml.MappingNode {
		d.typeError(n, path, want)
		return nil, false
	}
	m := map[string]V{}
	for _, p := range d.pairs(n, path) {
		kp := join(path, p.key.Value)
		d.pos.key[kp] = posOf(p.key)
		if !knownDetection(d, p.key, path) {
			continue
		}
		m[p.key.Value] = value(p.val, kp)
	}
	return m, true
}

func (v *DetectionSetting) decode(d *decoder, n *yaml.Node, path string) {
	d.pos.val[path] = posOf(n)
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!bool" {
		var b bool
		if err := n.Decode(&b); err == nil {
			v.Enabled = &b
			return
		}
	}
	if n.Kind != yaml.MappingNode {
		d.typeError(n, path, "true, false or a mapping with enabled, threshold, window and by")
		return
	}
	d.structValue(n, reflect.ValueOf(v).Elem(), path)
}

// decodeNode reads a team's detections mapping of IDs to booleans.
func (s *TeamDetectionSettings) decodeNode(d *decoder, n *yaml.Node, path string) {
	m, ok := decodeByDetection(d, n, path, "a mapping of detection IDs to true or false", func(n *yaml.Node, path string) bool {
		var b bool
		d.value(n, reflect.ValueOf(&b).Elem(), path, nil)
		return b
	})
	if ok {
		*s = m
	}
}

func knownDetection(d *decoder, k *yaml.Node, path string) bool {
	reg := detections.Catalog()
	if _, ok := reg.Get(k.Value); ok {
		return true
	}
	d.errorf(path, posOf(k), "unknown detection %q%s; `aiguard detections list` shows the catalog", shorten(k.Value), didYouMean(k.Value, reg.IDs()))
	return false
}

// checkDetections runs the checks of the detections section that look at
// more than one value.
func (s *Spec) checkDetections(c *collector) {
	reg := detections.Catalog()
	det := &s.Detections
	s.checkHours(c, "detections.workingHours", det.WorkingHours)
	for _, id := range sortedKeys(det.Rules) {
		set := det.Rules[id]
		d, _ := reg.Get(id)
		path := "detections.rules." + id
		if d.SingleEvent() && (set.Threshold != 0 || set.Window != "" || set.By != "") {
			c.errorf(s.pos.at(path), "%s: %s fires on every matching event; threshold, window and by apply to the rate detections only", path, id)
		}
	}
	if det.Alerts.SNSTopicArn != "" {
		s.checkPartition(c, "detections.alerts.snsTopicArn", det.Alerts.SNSTopicArn)
		if acct := strings.Split(det.Alerts.SNSTopicArn, ":")[4]; acct != s.Organization.SecurityToolingAccount && s.Organization.SecurityToolingAccount != "" {
			c.errorf(s.pos.at("detections.alerts.snsTopicArn"), "detections.alerts.snsTopicArn: the topic is in account %s, but alarms and the rule Lambda "+
				"publish from the security tooling account %s; give a topic there", acct, s.Organization.SecurityToolingAccount)
		}
		if len(det.Alerts.Emails) > 0 {
			c.errorf(s.pos.at("detections.alerts.emails"), "detections.alerts.emails: subscribe the addresses to your own topic "+
				"(snsTopicArn); aiguard subscribes addresses only to the topic it creates")
		}
	}
	for i, t := range s.Teams {
		if t == nil || t.Detections == nil {
			continue
		}
		s.checkHours(c, teamPath(i)+".detections.workingHours", t.Detections.WorkingHours)
	}
}

// checkHours checks that the working day ends after it starts.
func (s *Spec) checkHours(c *collector, path string, h *WorkingHours) {
	if h == nil || h.Start == "" || h.End == "" || s.pos.failed[path+".start"] || s.pos.failed[path+".end"] {
		return
	}
	if h.End <= h.Start {
		c.errorf(s.pos.at(path+".end"), "%s.end: %s is not after start %s (hours across midnight are not supported; use 24:00)", path, h.End, h.Start)
	}
}

// DetectionHours returns the working hours in the detections' terms.
func (h *WorkingHours) DetectionHours() *detections.Hours {
	if h == nil {
		return nil
	}
	days := h.Days
	if len(days) == 0 {
		days = []string{"mon", "tue", "wed", "thu", "fri"}
	}
	return &detections.Hours{Start: h.Start, End: h.End, Days: slices.Clone(days), TimeZone: h.TimeZone}
}

// DetectionSettingsFor returns the organization's choices for the
// detections, in the detections' terms.
func (det *Detections) DetectionSettingsFor() (map[string]detections.Settings, error) {
	out := map[string]detections.Settings{}
	for id, s := range det.Rules {
		var ds detections.Settings
		if s.Enabled != nil && !*s.Enabled {
			ds.Disabled = true
		}
		ds.Threshold = s.Threshold
		if s.Window != "" {
			w, err := time.ParseDuration(s.Window)
			if err != nil {
				return nil, fmt.Errorf("detections.rules.%s.window: %w", id, err)
			}
			ds.Window = detections.Duration(w)
		}
		ds.By = s.By
		out[id] = ds
	}
	return out, nil
}

// detectionSettings returns the schema of a detections mapping: one
// property per catalog detection, a boolean or (organization-wide) a
// mapping of its settings.
func (g *schemaGen) detectionSettings(t reflect.Type) map[string]any {
	team := t == reflect.TypeFor[TeamDetectionSettings]()
	name := "detectionSettings"
	if team {
		name = "teamDetectionSettings"
	}
	if _, ok := g.defs[name]; !ok {
		reg := detections.Catalog()
		props := map[string]any{}
		for _, d := range reg.All() {
			onOff := map[string]any{"type": "boolean", "description": "true runs the detection, false turns it off"}
			if team {
				props[d.ID] = map[string]any{"description": d.Title, "type": "boolean"}
				continue
			}
			props[d.ID] = map[string]any{
				"description": d.Title,
				"anyOf":       []any{onOff, g.ref(reflect.TypeFor[DetectionSetting]())},
			}
		}
		desc := "Choices per detection, by detection ID (`aiguard detections list`). Every detection is on unless turned off."
		if team {
			desc = "Detections turned on or off for the team, by detection ID."
		}
		g.defs[name] = map[string]any{
			"type":                 "object",
			"description":          desc,
			"propertyNames":        map[string]any{"enum": reg.IDs()},
			"additionalProperties": false,
			"properties":           props,
		}
	}
	return map[string]any{"$ref": "#/$defs/" + name}
}
