package deploy

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aiguard/aiguard/conformance"
	"github.com/aiguard/aiguard/detections"
	"github.com/aiguard/aiguard/orgspec"
	"github.com/aiguard/aiguard/packgen"
	"github.com/aiguard/aiguard/policygen"
)

// Artifact kinds and paths of the detections.
const (
	KindDetectionsStack      = "detections-stack"
	KindForwarderStackSet    = "detections-forwarder-stackset"
	DetectionsPath           = "deploy/detections.yaml"
	ForwarderPath            = "deploy/detections-forwarder.yaml"
	DetectionMetricNamespace = "aiguard/Detections"
	alertsTopicName          = "aiguard-detections-alerts"
	forwarderRolePrefix      = "aiguard-detections-forwarder-"
	forwardRuleName          = "aiguard-detections-forward"
	alarmRuleName            = "aiguard-detections-alarms"
)

// alarmEventPattern matches the state changes into ALARM of the rate
// detections' alarms (named aiguard-DETECTION), which CloudWatch sends to
// the default event bus.
func alarmEventPattern(rateIDs []string) map[string]any {
	names := make([]any, len(rateIDs))
	for i, id := range rateIDs {
		names[i] = "aiguard-" + id
	}
	return map[string]any{
		"source":      []any{"aws.cloudwatch"},
		"detail-type": []any{"CloudWatch Alarm State Change"},
		"detail": map[string]any{
			"alarmName": names,
			"state":     map[string]any{"value": []any{"ALARM"}},
		},
	}
}

// maxInputTemplate is EventBridge's limit on a target's input template.
const maxInputTemplate = 8192

// maxEventPattern is EventBridge's default quota on the size of an event
// pattern, in characters (adjustable to 4,096): a detection whose pattern
// is larger is deployed as several rules, one per selector.
const maxEventPattern = 2048

// DetectionConfig returns what the detections learn from a spec: their
// settings, the teams (accounts, data locations, the SageMaker execution
// roles policygen writes and the other readers the spec allows, working
// hours, detections turned on or off), the allowed networks, and aiguard's
// own roles and function, which tampering watches.
func DetectionConfig(spec *orgspec.Spec) (*detections.Config, error) {
	det := &spec.Detections
	settings, err := det.DetectionSettingsFor()
	if err != nil {
		return nil, err
	}
	d := packgen.DeploymentFor(spec)
	cfg := &detections.Config{
		Settings:            settings,
		WorkingHours:        det.WorkingHours.DetectionHours(),
		AllowedCIDRs:        slices.Clone(det.Network.AllowedCIDRs),
		AllowedVPCEndpoints: slices.Clone(det.Network.AllowedVPCEndpointIDs),
		ProtectedRoles:      []string{d.MemberRoleName, d.RoleName(), forwarderRolePrefix + "*"},
		ProtectedFunctions:  []string{d.FunctionName, "*:function:" + d.FunctionName},
		TeamTagKey:          cmp.Or(spec.Organization.TagKeys.Team, "aiguard-team"),
		RolePrefix:          policygen.NamePrefix,
	}
	teams := slices.Clone(spec.Teams)
	sort.SliceStable(teams, func(i, j int) bool { return teams[i].Name < teams[j].Name })
	for _, t := range teams {
		ct := detections.Team{Name: t.Name, Accounts: slices.Clone(t.Accounts), ExecutionRoles: policygen.ExecutionRoleNames(spec, t)}
		if st := t.Storage; st != nil {
			ct.DataLocations = append(slices.Clone(st.ModelArtifacts), st.TrainingData...)
		}
		if td := t.Detections; td != nil {
			ct.WorkingHours = td.WorkingHours.DetectionHours()
			ct.ExecutionRoles = append(ct.ExecutionRoles, td.DataReaders...)
			for _, id := range sortedKeys(td.Rules) {
				if td.Rules[id] {
					ct.Enabled = append(ct.Enabled, id)
				} else {
					ct.Disabled = append(ct.Disabled, id)
				}
			}
		}
		cfg.Teams = append(cfg.Teams, ct)
	}
	if err := cfg.Prepare(); err != nil {
		return nil, fmt.Errorf("detections: %w", err)
	}
	return cfg, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// produceDetections writes the detections' stack for the security tooling
// account and the forwarder StackSet for member accounts.
func produceDetections(p *Plan) (Result, error) {
	cfg, err := DetectionConfig(p.Spec)
	if err != nil {
		return Result{}, err
	}
	reg := detections.Catalog()
	var active []*detections.Detection
	var res Result
	for _, d := range reg.All() {
		if !cfg.Enabled(d) {
			continue
		}
		if d.Requires != nil {
			if why := d.Requires(cfg); why != "" {
				res.Notes = append(res.Notes, Note{Level: packgen.Warning, Subject: "detection " + d.ID, Message: "not deployed: it " + why})
				continue
			}
		}
		active = append(active, d)
	}
	if len(active) == 0 {
		return res, nil
	}
	dep := p.Deployment
	det := &p.Spec.Detections
	stack, notes, err := DetectionsTemplate(dep, det, cfg, active)
	if err != nil {
		return Result{}, err
	}
	res.Notes = append(res.Notes, notes...)
	if err := checkStackSize(DetectionsPath, stack, &res); err != nil {
		return Result{}, err
	}
	stackData, err := stack.MarshalChecked(p.Schema, DetectionsPath)
	if err != nil {
		return Result{}, err
	}
	fwd := ForwarderTemplate(dep, det.EventBusName, active, cfg)
	if err := checkStackSize(ForwarderPath, fwd, &res); err != nil {
		return Result{}, err
	}
	fwdData, err := fwd.MarshalChecked(p.Schema, ForwarderPath)
	if err != nil {
		return Result{}, err
	}
	regions := slices.Clone(dep.Regions)
	res.Artifacts = append(res.Artifacts,
		Artifact{Path: DetectionsPath, Kind: KindDetectionsStack, Data: stackData,
			Target: Target{Scope: ScopeAccount, Accounts: []string{dep.ToolingAccount}, Regions: regions}},
		Artifact{Path: ForwarderPath, Kind: KindForwarderStackSet, Data: fwdData,
			Target: Target{Scope: ScopeOrganization, Regions: regions}},
	)
	res.Notes = append(res.Notes,
		Note{Level: packgen.Info, Subject: DetectionsPath, Message: fmt.Sprintf("deploy in the security tooling account %s in each Region, after "+
			"%s (the detections invoke its function, and the stack of %s grants the function's role what the detections need); the "+
			"rate detections' metric filters, Contributor Insights rules and alarms are created in %s, the Region of the organization "+
			"trail's log group", dep.ToolingAccount, LambdaPath, dep.PrimaryRegion(), dep.PrimaryRegion())},
		Note{Level: packgen.Info, Subject: ForwarderPath, Message: fmt.Sprintf("deploy as a service-managed StackSet to the organization root in "+
			"every Region (%s), and with a stack in the security tooling account %s: it forwards the CloudTrail events the detections "+
			"read to the event bus %s", strings.Join(regions, ", "), dep.ToolingAccount, det.EventBusName)},
	)
	return res, nil
}

// DetectionsTemplate is the stack of the security tooling account, one
// per Region: the event bus member accounts forward to, with a policy that
// admits the organization; one EventBridge rule per single-event detection
// (per team for a PerTeam detection), whose target is the rule Lambda with
// the event and the detection's configuration; the SNS topic alerts go to;
// and, in the primary Region, where the organization trail's log group is,
// a metric filter, Contributor Insights rules and an alarm per rate
// detection, plus the permissions the Lambda needs (Security Hub import,
// SNS publish).
func DetectionsTemplate(dep packgen.Deployment, det *orgspec.Detections, cfg *detections.Config, active []*detections.Detection) (conformance.Template, []Note, error) {
	var notes []Note
	busName := det.EventBusName
	resources := map[string]any{
		"EventBus": map[string]any{"Type": "AWS::Events::EventBus", "Properties": map[string]any{"Name": busName}},
		"EventBusPolicy": map[string]any{
			"Type": "AWS::Events::EventBusPolicy",
			"Properties": map[string]any{
				"EventBusName": conformance.Ref("EventBus"),
				"StatementId":  "OrganizationPutEvents",
				"Statement": map[string]any{
					"Sid": "OrganizationPutEvents", "Effect": "Allow", "Principal": "*", "Action": "events:PutEvents",
					"Resource":  conformance.GetAtt("EventBus", "Arn"),
					"Condition": map[string]any{"StringEquals": map[string]any{"aws:PrincipalOrgID": dep.OrganizationID}},
				},
			},
		},
	}
	topic := any(det.Alerts.SNSTopicArn)
	topicArnSub := det.Alerts.SNSTopicArn
	if det.Alerts.SNSTopicArn == "" {
		resources["AlertsTopic"] = map[string]any{"Type": "AWS::SNS::Topic", "Properties": map[string]any{
			"TopicName": alertsTopicName, "DisplayName": "aiguard detections",
		}}
		topic = conformance.Ref("AlertsTopic")
		topicArnSub = "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:" + alertsTopicName
		for i, email := range det.Alerts.Emails {
			resources[fmt.Sprintf("AlertsEmail%d", i+1)] = map[string]any{"Type": "AWS::SNS::Subscription", "Properties": map[string]any{
				"TopicArn": conformance.Ref("AlertsTopic"), "Protocol": "email", "Endpoint": email,
			}}
		}
		if len(det.Alerts.Emails) == 0 {
			notes = append(notes, Note{Level: packgen.Warning, Subject: DetectionsPath, Message: "the alerts topic has no subscriber " +
				"(detections.alerts.emails): subscribe your on-call tooling to " + alertsTopicName})
		}
	}
	functionArn := dep.FunctionArn()
	var rateIDs []string
	for _, d := range active {
		if !d.SingleEvent() {
			rateIDs = append(rateIDs, d.ID)
			continue
		}
		units := []unit{{name: "aiguard-" + d.ID}}
		if d.PerTeam {
			units = teamUnits(d, cfg)
		}
		for _, u := range units {
			patterns, err := rulePatterns(d, cfg, u.extra)
			if err != nil {
				return nil, nil, err
			}
			for i, pattern := range patterns {
				name := u.name
				if len(patterns) > 1 {
					name = packgen.Shorten(fmt.Sprintf("%s-%d", u.name, i+1), 64)
				}
				if err := addDetectionRule(resources, d, cfg, name, pattern, u.teams, topic, topicArnSub, functionArn); err != nil {
					return nil, nil, err
				}
			}
		}
	}
	resources["InvokeFromDetections"] = map[string]any{
		"Type": "AWS::Lambda::Permission",
		"Properties": map[string]any{
			"FunctionName": conformance.Sub(functionArn),
			"Action":       "lambda:InvokeFunction",
			"Principal":    "events.amazonaws.com",
			"SourceArn":    conformance.Sub("arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/" + busName + "/aiguard-*"),
		},
	}
	if len(rateIDs) > 0 && det.LogGroupName != "" {
		// The alarms of the rate detections reach Security Hub too: their
		// state changes go to the Lambda from the default bus.
		resources["AlarmFindingsRule"] = map[string]any{
			"Type":      "AWS::Events::Rule",
			"Condition": "PrimaryRegion",
			"Properties": map[string]any{
				"Name":         alarmRuleName,
				"Description":  "aiguard: the rate detections' alarms, to the rule Lambda for Security Hub findings",
				"State":        "ENABLED",
				"EventPattern": alarmEventPattern(rateIDs),
				"Targets": []any{map[string]any{"Id": "judge", "Arn": conformance.Sub(functionArn),
					"RetryPolicy": map[string]any{"MaximumRetryAttempts": 8, "MaximumEventAgeInSeconds": 3600}}},
			},
		}
		resources["InvokeFromAlarms"] = map[string]any{
			"Type":      "AWS::Lambda::Permission",
			"Condition": "PrimaryRegion",
			"Properties": map[string]any{
				"FunctionName": conformance.Sub(functionArn),
				"Action":       "lambda:InvokeFunction",
				"Principal":    "events.amazonaws.com",
				"SourceArn":    conformance.GetAtt("AlarmFindingsRule", "Arn"),
			},
		}
	}
	resources["FunctionDetectionsPolicy"] = map[string]any{
		"Type":      "AWS::IAM::Policy",
		"Condition": "PrimaryRegion",
		"Properties": map[string]any{
			"PolicyName": "aiguard-detections",
			"Roles":      []any{dep.RoleName()},
			"PolicyDocument": map[string]any{"Version": "2012-10-17", "Statement": []any{
				map[string]any{
					"Sid": "ImportFindings", "Effect": "Allow", "Action": "securityhub:BatchImportFindings",
					"Resource": conformance.Sub("arn:${AWS::Partition}:securityhub:*:${AWS::AccountId}:product/${AWS::AccountId}/default"),
				},
				map[string]any{
					"Sid": "PublishAlerts", "Effect": "Allow", "Action": "sns:Publish",
					"Resource": alertsTopicPattern(det.Alerts.SNSTopicArn),
				},
			}},
		},
	}
	if len(rateIDs) > 0 {
		if det.LogGroupName == "" {
			notes = append(notes, Note{Level: packgen.Warning, Subject: DetectionsPath, Message: "no metric filters or alarms for the rate detections (" +
				strings.Join(rateIDs, ", ") + "): set detections.logGroupName to the organization trail's log group; aiguard hunt runs them offline"})
		} else {
			for _, id := range rateIDs {
				d, _ := detections.Catalog().Get(id)
				if err := rateResources(resources, d, cfg, det.LogGroupName, topic); err != nil {
					return nil, nil, err
				}
			}
		}
	}
	return conformance.Template{
		"AWSTemplateFormatVersion": "2010-09-09",
		"Description": fmt.Sprintf("aiguard: detections of suspicious ML activity for the security tooling account %s; deploy in "+
			"each Region after the rule Lambda's stack (%s first)", dep.ToolingAccount, dep.PrimaryRegion()),
		"Conditions": map[string]any{
			"PrimaryRegion": map[string]any{"Fn::Equals": []any{conformance.Ref("AWS::Region"), dep.PrimaryRegion()}},
		},
		"Resources": resources,
		"Outputs": map[string]any{
			"EventBusArn": map[string]any{"Value": conformance.GetAtt("EventBus", "Arn"),
				"Description": "The bus member accounts forward CloudTrail events to (the forwarder StackSet's target)"},
		},
	}, notes, nil
}

// Quotas the detections' stacks are checked against.
const (
	// maxStackResources is CloudFormation's limit of resources in a template.
	maxStackResources = 500
	// rulesPerBus is EventBridge's default quota of rules per event bus.
	rulesPerBus = 300
)

// checkStackSize fails a template with more resources than CloudFormation
// takes, and notes more EventBridge rules than a bus holds by default.
func checkStackSize(path string, t conformance.Template, res *Result) error {
	resources := t["Resources"].(map[string]any)
	if n := len(resources); n > maxStackResources {
		return fmt.Errorf("%s: %d resources, more than the %d of a CloudFormation template (too many teams with data "+
			"locations for one stack of detections)", path, n, maxStackResources)
	}
	rules := 0
	for _, r := range resources {
		if r.(map[string]any)["Type"] == "AWS::Events::Rule" {
			rules++
		}
	}
	if rules > rulesPerBus {
		res.Notes = append(res.Notes, Note{Level: packgen.Warning, Subject: path, Message: fmt.Sprintf("%d EventBridge rules on one bus, "+
			"more than EventBridge's default quota of %d: raise the quota (Service Quotas, Amazon EventBridge) before deploying", rules, rulesPerBus)})
	}
	return nil
}

// unit is one EventBridge rule of a detection before its pattern is
// split: for a PerTeam detection, the teams it judges and the pattern
// branches that narrow it to them.
type unit struct {
	name  string
	extra map[string]any
	teams []string
}

// teamUnits packs the teams of a PerTeam detection into as few rules as
// keep each pattern within EventBridge's quota, in the order of the teams.
func teamUnits(d *detections.Detection, cfg *detections.Config) []unit {
	var out []unit
	var cur unit
	flush := func() {
		if len(cur.teams) > 0 {
			out = append(out, cur)
		}
		cur = unit{}
	}
	for _, t := range cfg.Teams {
		if !cfg.EnabledFor(d, &t) {
			continue
		}
		branches := d.TeamBranches(&t)
		if branches == nil {
			continue
		}
		var prev []any
		if cur.extra != nil {
			prev = cur.extra["$or"].([]any)
		}
		next := map[string]any{"$or": append(slices.Clone(prev), branches...)}
		if len(cur.teams) > 0 && patternSize(d.EventPattern(cfg, next)) > maxEventPattern {
			flush()
			next = map[string]any{"$or": branches}
		}
		cur.extra, cur.teams = next, append(cur.teams, t.Name)
	}
	flush()
	for i := range out {
		out[i].name = "aiguard-" + d.ID
		if len(out) > 1 {
			out[i].name = packgen.Shorten(fmt.Sprintf("aiguard-%s-%d", d.ID, i+1), 64)
		}
	}
	return out
}

// rulePatterns returns the event patterns of a detection's rules: one, or,
// when one pattern would exceed EventBridge's quota, as few as hold the
// selectors in order, each within the quota.
func rulePatterns(d *detections.Detection, cfg *detections.Config, extra map[string]any) ([]map[string]any, error) {
	pattern := func(sels []detections.Selector) map[string]any {
		one := *d
		one.Selectors = sels
		return one.EventPattern(cfg, extra)
	}
	var out []map[string]any
	var group []detections.Selector
	for i := range d.Selectors {
		next := append(slices.Clone(group), d.Selectors[i])
		p := pattern(next)
		if p != nil && patternSize(p) > maxEventPattern && len(group) > 0 {
			out = append(out, pattern(group))
			next = d.Selectors[i : i+1]
			p = pattern(next)
		}
		if p != nil && patternSize(p) > maxEventPattern {
			return nil, fmt.Errorf("detection %s: an event pattern of %d characters, more than EventBridge's %d", d.ID, patternSize(p), maxEventPattern)
		}
		group = next
	}
	if p := pattern(group); p != nil {
		out = append(out, p)
	}
	return out, nil
}

func patternSize(p map[string]any) int {
	b, _ := json.Marshal(p)
	return len(b)
}

// addDetectionRule adds one EventBridge rule of a single-event detection,
// whose target is the rule Lambda with the event and the part of the
// configuration the detection reads.
func addDetectionRule(resources map[string]any, d *detections.Detection, cfg *detections.Config, name string, pattern map[string]any,
	teams []string, topic any, topicArn, functionArn string) error {
	payload, err := json.Marshal(detections.Payload{Detection: d.ID, Config: d.ConfigFor(cfg, teams), TopicArn: "__TOPIC__"})
	if err != nil {
		return err
	}
	// The whole event goes along as the payload's detail, so that the
	// Lambda sees an EventBridge event and the record in it.
	tmpl := fmt.Sprintf(`{"detail-type":"aiguard detection","source":"aiguard","detail":<aws.events.event.json>,%q:%s}`,
		detections.PayloadKey, strings.Replace(string(payload), `"__TOPIC__"`, `"${TopicArn}"`, 1))
	if n := len(tmpl) - len("${TopicArn}") + len(topicArn); n > maxInputTemplate {
		return fmt.Errorf("detection %s: the Lambda's input for rule %s is %d characters, more than EventBridge's %d "+
			"(too many teams, networks or working hours for one rule)", d.ID, name, n, maxInputTemplate)
	}
	resources[packgen.LogicalID(name)] = map[string]any{
		"Type": "AWS::Events::Rule",
		"Properties": map[string]any{
			"Name":         name,
			"Description":  clip("aiguard "+d.ID+": "+d.Title, 512),
			"EventBusName": conformance.Ref("EventBus"),
			"State":        "ENABLED",
			"EventPattern": pattern,
			"Targets": []any{map[string]any{
				"Id":  "judge",
				"Arn": conformance.Sub(functionArn),
				"InputTransformer": map[string]any{
					"InputTemplate": map[string]any{"Fn::Sub": []any{tmpl, map[string]any{"TopicArn": topic}}},
				},
				"RetryPolicy": map[string]any{"MaximumRetryAttempts": 8, "MaximumEventAgeInSeconds": 3600},
			}},
		},
	}
	return nil
}

// alertsTopicPattern is the ARN of the alerts topic in every Region.
func alertsTopicPattern(existing string) any {
	if existing != "" {
		return existing
	}
	return conformance.Sub("arn:${AWS::Partition}:sns:*:${AWS::AccountId}:" + alertsTopicName)
}

// rateResources adds a rate detection's metric filter, Contributor
// Insights rules and alarm (primary Region only).
func rateResources(resources map[string]any, d *detections.Detection, cfg *detections.Config, logGroup string, topic any) error {
	pattern, err := d.FilterPattern()
	if err != nil {
		return err
	}
	rules, err := d.InsightRules(cfg, logGroup)
	if err != nil {
		return err
	}
	set := cfg.Setting(d)
	window := time.Duration(set.Window)
	id := packgen.LogicalID("aiguard-" + d.ID)
	resources[id+"MetricFilter"] = map[string]any{
		"Type":      "AWS::Logs::MetricFilter",
		"Condition": "PrimaryRegion",
		"Properties": map[string]any{
			"FilterName":    "aiguard-" + d.ID,
			"LogGroupName":  logGroup,
			"FilterPattern": pattern,
			"MetricTransformations": []any{map[string]any{
				"MetricNamespace": DetectionMetricNamespace, "MetricName": d.ID, "MetricValue": "1", "DefaultValue": 0, "Unit": "Count",
			}},
		},
	}
	var metrics []any
	var ids, depends []any
	for i, r := range rules {
		name := "aiguard-" + d.ID
		if r.Suffix != "" {
			name += "-" + r.Suffix
		}
		logical := packgen.LogicalID(name) + "Insights"
		resources[logical] = map[string]any{
			"Type":       "AWS::CloudWatch::InsightRule",
			"Condition":  "PrimaryRegion",
			"Properties": map[string]any{"RuleName": name, "RuleState": "ENABLED", "RuleBody": r.Body},
		}
		depends = append(depends, logical)
		mid := fmt.Sprintf("r%d", i)
		ids = append(ids, mid)
		metrics = append(metrics, map[string]any{
			"Id": mid, "Expression": fmt.Sprintf("INSIGHT_RULE_METRIC('%s', 'MaxContributorValue')", name),
			"Period": int(window.Seconds()), "ReturnData": false,
		})
	}
	top := metrics[0].(map[string]any)
	if len(metrics) > 1 {
		parts := make([]string, len(ids))
		for i, x := range ids {
			parts[i] = x.(string)
		}
		top = map[string]any{"Id": "top", "Expression": "MAX([" + strings.Join(parts, ", ") + "])", "Period": int(window.Seconds())}
		metrics = append(metrics, top)
	}
	top["ReturnData"] = true
	top["Label"] = "events of the busiest " + set.By + " in " + detections.FormatDuration(window)
	resources[id+"Alarm"] = map[string]any{
		"Type":      "AWS::CloudWatch::Alarm",
		"Condition": "PrimaryRegion",
		"DependsOn": depends,
		"Properties": map[string]any{
			"AlarmName": "aiguard-" + d.ID,
			"AlarmDescription": clip(fmt.Sprintf("aiguard %s: %s. Fires when one %s causes %d matching events within %s "+
				"(Contributor Insights rule aiguard-%s* shows which). %s", d.ID, d.Title, set.By, set.Threshold,
				detections.FormatDuration(window), d.ID, d.Remediation), 1024),
			"ActionsEnabled":     true,
			"AlarmActions":       []any{topic},
			"Metrics":            metrics,
			"ComparisonOperator": "GreaterThanOrEqualToThreshold",
			"Threshold":          set.Threshold,
			"EvaluationPeriods":  1,
			"DatapointsToAlarm":  1,
			"TreatMissingData":   "notBreaching",
		},
	}
	return nil
}

// ForwarderTemplate is the StackSet for every member account and Region:
// rules on the default event bus, one per service, that send the
// CloudTrail events of the single-event detections to the security tooling
// account's bus (S3 object reads only of the teams' buckets), and the role
// EventBridge sends them with. The rules also receive read-only management
// events (CloudTrail records presigned URLs as reads).
func ForwarderTemplate(dep packgen.Deployment, busName string, active []*detections.Detection, cfg *detections.Config) conformance.Template {
	names := map[string][]string{}
	var buckets []string
	for _, d := range active {
		if !d.SingleEvent() {
			continue
		}
		for _, s := range d.Selectors {
			for _, src := range s.Sources {
				names[src] = append(names[src], s.Names...)
			}
		}
		if d.PerTeam {
			for _, t := range cfg.Teams {
				for _, loc := range t.DataLocations {
					if b, _, ok := detections.SplitS3URI(loc); ok && cfg.EnabledFor(d, &t) {
						buckets = append(buckets, b)
					}
				}
			}
		}
	}
	slices.Sort(buckets)
	buckets = slices.Compact(buckets)
	bus := fmt.Sprintf("arn:${AWS::Partition}:events:${AWS::Region}:%s:event-bus/%s", dep.ToolingAccount, busName)
	resources := map[string]any{
		"ForwarderRole": map[string]any{
			"Type": "AWS::IAM::Role",
			"Properties": map[string]any{
				"RoleName":                 conformance.Sub(forwarderRolePrefix + "${AWS::Region}"),
				"Description":              "Lets EventBridge forward CloudTrail events to aiguard's detections bus",
				"AssumeRolePolicyDocument": trustService("events.amazonaws.com"),
				"Policies": []any{map[string]any{
					"PolicyName": "aiguard-detections-forward",
					"PolicyDocument": map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
						"Sid": "PutEvents", "Effect": "Allow", "Action": "events:PutEvents", "Resource": conformance.Sub(bus),
					}}},
				}},
			},
		},
	}
	for _, src := range sortedKeys(names) {
		list := slices.Clone(names[src])
		slices.Sort(list)
		service := strings.TrimSuffix(src, ".amazonaws.com")
		pattern := func(bucketNames []string) map[string]any {
			detail := map[string]any{"eventSource": []any{src}}
			if len(list) > 0 {
				detail["eventName"] = anys(slices.Compact(slices.Clone(list)))
			}
			if bucketNames != nil {
				detail["requestParameters"] = map[string]any{"bucketName": anys(bucketNames)}
			}
			return map[string]any{
				"detail-type": []any{detections.DetailType},
				"source":      []any{detections.EventSourceName(src)},
				"detail":      detail,
			}
		}
		var patterns []map[string]any
		if src != "s3.amazonaws.com" {
			patterns = append(patterns, pattern(nil))
		} else {
			// Object reads of the teams' buckets only, as many rules as
			// keep each pattern within the quota.
			var chunk []string
			for _, b := range buckets {
				if len(chunk) > 0 && patternSize(pattern(append(slices.Clone(chunk), b))) > maxEventPattern {
					patterns = append(patterns, pattern(chunk))
					chunk = nil
				}
				chunk = append(chunk, b)
			}
			if len(chunk) > 0 {
				patterns = append(patterns, pattern(chunk))
			}
		}
		for i, p := range patterns {
			name := forwardRuleName + "-" + service
			if len(patterns) > 1 {
				name = fmt.Sprintf("%s-%d", name, i+1)
			}
			resources[packgen.LogicalID(strings.TrimPrefix(name, "aiguard-"))] = map[string]any{
				"Type": "AWS::Events::Rule",
				"Properties": map[string]any{
					"Name":         name,
					"Description":  "aiguard: the " + service + " CloudTrail events the detections read, to the security tooling account",
					"State":        "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS",
					"EventPattern": p,
					"Targets": []any{map[string]any{
						"Id": "detections-bus", "Arn": conformance.Sub(bus), "RoleArn": conformance.GetAtt("ForwarderRole", "Arn"),
					}},
				},
			}
		}
	}
	return conformance.Template{
		"AWSTemplateFormatVersion": "2010-09-09",
		"Description": fmt.Sprintf("aiguard: forwards the CloudTrail events of aiguard's detections to the event bus %s of the "+
			"security tooling account %s; deploy to every account and Region", busName, dep.ToolingAccount),
		"Resources": resources,
	}
}

func anys(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// clip shortens s to n bytes at a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
