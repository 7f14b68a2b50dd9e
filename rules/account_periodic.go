package rules

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/aiguard/aiguard/awsid"
)

// Account-level periodic rules: each reports one evaluation, on
// AWS::::Account with the account ID, the resource type AWS's own periodic
// rule samples and managed rules use for account-level results (the AWS
// Config Developer Guide's example rules for Lambda). Config records trails (AWS::CloudTrail::Trail) and detectors
// (AWS::GuardDuty::Detector), but what these rules judge is whether the
// account has at least one trail or detector that does the job, which no
// single resource carries; Cost Anomaly Detection is not recorded at all.

// bucketNamePattern is an S3 bucket name (3 to 63 characters, checked by
// MaxLen and the rule).
var bucketNamePattern = &Regexp{Expr: `^[a-z0-9][a-z0-9.\-]*[a-z0-9]$`}

// usdPattern is a non-negative decimal amount, as orgspec derives
// maxThresholdUsd from costAnomaly.monthlyThresholdUsd
// (strconv.FormatFloat(v, 'f', -1, 64)).
var usdPattern = &Regexp{Expr: `^[0-9]+(\.[0-9]+)?$`}

// The ML services' names in Cost Explorer's SERVICE dimension.
const (
	ceServiceSageMaker = "Amazon SageMaker"
	ceServiceBedrock   = "Amazon Bedrock"
)

// ML API sources whose management events must not be excluded.
var mlEventSources = []string{"sagemaker.amazonaws.com", "bedrock.amazonaws.com"}

func accountPeriodicRules() []*Rule {
	return []*Rule{
		{
			ID:    "cloudtrail-ml-api-logging",
			Title: "A CloudTrail trail records the ML API calls and data access",
			Description: "At least one trail that applies to the Region (DescribeTrails) must be logging (GetTrailStatus " +
				"IsLogging), multi-Region, record read and write management events (a basic selector with " +
				"IncludeManagementEvents and ReadWriteType All, or advanced selectors on eventCategory Management, " +
				"excluding neither sagemaker.amazonaws.com nor bedrock.amazonaws.com), validate log files and be " +
				"encrypted with a KMS key. The ML buckets are those named by mlBucketNames and, when mlTagKey is given, " +
				"every bucket in the Region carrying that tag (ListBuckets, then GetBucketTagging per bucket; any value " +
				"except false or no). A logging trail must record read and write S3 data events on every object of each " +
				"ML bucket (a selector restricted by other fields, or excluding some of the bucket's objects, does not " +
				"count). When requireBedrockDataEvents, a logging trail must select data events of an AWS::Bedrock:: " +
				"resource type (advanced selectors). Reported on AWS::::Account with the account ID.",
			ResourceTypes: []string{TypeAccount},
			Trigger:       Periodic,
			Params: []Param{{
				Name: "mlBucketNames",
				Type: CSV,
				Description: "Buckets holding ML data whose object-level reads and writes must be recorded as " +
					"CloudTrail data events. Empty checks no data events.",
				Pattern:     bucketNamePattern,
				PatternHelp: "an S3 bucket name (3 to 63 lower-case letters, digits, dots and hyphens)",
				MaxLen:      63,
			}, cloudTrailMLTagKeyParam(), {
				Name:        "requireBedrockDataEvents",
				Type:        Bool,
				Description: "Whether a trail must record Amazon Bedrock data events (agent, knowledge base, guardrail and similar invocations).",
				Default:     "false",
			}, describeConcurrencyParam()},
			Control:  ControlAPICallLogging,
			Severity: SeverityHigh,
			Remediation: "Create or update a multi-Region trail with log file validation, a KMS key and event selectors " +
				"recording all management events, add S3 data events for the ML buckets (and Bedrock data events with " +
				"advanced selectors), and start logging.",
			// The S3 actions are used only when mlTagKey is set; they are
			// declared anyway so that the member role allows them.
			Actions: []string{"cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors",
				"s3:ListAllMyBuckets", "s3:GetBucketTagging"},
			Run: runCloudTrailMLLogging,
		},
		{
			ID:    "guardduty-ml-protection",
			Title: "GuardDuty is enabled with S3 protection in the Region",
			Description: "An enabled GuardDuty detector in the Region (ListDetectors, GetDetector) must have S3 " +
				"protection on (feature S3_DATA_EVENTS, or DataSources.S3Logs where the detector lists no such " +
				"feature), and runtime monitoring on (feature RUNTIME_MONITORING or EKS_RUNTIME_MONITORING) when " +
				"requireRuntimeMonitoring. Reported on AWS::::Account with the account ID.",
			ResourceTypes: []string{TypeAccount},
			Trigger:       Periodic,
			Params: []Param{{
				Name:        "requireRuntimeMonitoring",
				Type:        Bool,
				Description: "Whether GuardDuty Runtime Monitoring must be on as well.",
				Default:     "false",
			}, describeConcurrencyParam()},
			Control:  ControlGuardDuty,
			Severity: SeverityHigh,
			Remediation: "Enable GuardDuty in the Region (or have the delegated administrator auto-enable it) with S3 " +
				"Protection, and Runtime Monitoring where required.",
			Actions: []string{"guardduty:ListDetectors", "guardduty:GetDetector"},
			Run:     runGuardDutyMLProtection,
		},
		{
			ID:    "cost-anomaly-ml-monitor",
			Title: "A Cost Anomaly Detection monitor with an alert covers SageMaker and Bedrock",
			Description: "A Cost Anomaly Detection monitor must cover Amazon SageMaker and Amazon Bedrock: a DIMENSIONAL " +
				"monitor on SERVICE, or a CUSTOM monitor whose specification names both services in a SERVICE " +
				"dimension (outside a Not). A subscription on that monitor must have a subscriber that has not " +
				"declined, and, when maxThresholdUsd is given, alert at an absolute total impact at or below it " +
				"(ThresholdExpression, else the legacy Threshold; an expression that can hold back an alert above " +
				"that amount, such as one that also requires a percentage, does not count). Reported on " +
				"AWS::::Account with the account ID.",
			ResourceTypes: []string{TypeAccount},
			Trigger:       Periodic,
			Params: []Param{{
				Name: "maxThresholdUsd",
				Type: String,
				Description: "The highest alert threshold, in USD of total anomaly impact, a subscription may have " +
					"(a decimal number). Empty accepts any threshold.",
				Pattern:     usdPattern,
				PatternHelp: "a non-negative decimal amount in USD, such as 500 or 1250.50",
				MaxLen:      20,
			}},
			Control:  ControlCostAnomaly,
			Severity: SeverityMedium,
			Remediation: "Create a Cost Anomaly Detection monitor on AWS services (or a custom one naming Amazon " +
				"SageMaker and Amazon Bedrock) and an alert subscription on it with a subscriber and an absolute " +
				"threshold no higher than maxThresholdUsd.",
			Actions: []string{"ce:GetAnomalyMonitors", "ce:GetAnomalySubscriptions"},
			Run:     runCostAnomalyMLMonitor,
		},
	}
}

// accountResult is the one evaluation of an account-level rule.
func accountResult(ruleID string, env Env, v Verdict) ([]Evaluation, error) {
	if env.AccountID == "" {
		return nil, fmt.Errorf("%s: the event names no account ID to report on", ruleID)
	}
	return []Evaluation{{
		RuleID:            ruleID,
		ResourceType:      TypeAccount,
		ResourceID:        env.AccountID,
		Compliance:        v.Compliance,
		Annotation:        Annotation(v.Annotation),
		OrderingTimestamp: env.Time,
	}}, nil
}

// finish reports v unless the source stopped early and v could change with
// what it did not read: an account-level verdict is reported only when it
// is certain. Only a compliant verdict is certain on partial data (what was
// read already satisfies the rule).
func finish(ruleID string, env Env, v Verdict, inc *Incomplete) ([]Evaluation, error) {
	if inc != nil && v.Compliance != Compliant {
		return nil, inc
	}
	evals, err := accountResult(ruleID, env, v)
	if err != nil {
		return nil, err
	}
	return evals, inc.err()
}

func regionName(env Env) string {
	if env.Region == "" {
		return "the Region"
	}
	return env.Region
}

// --- cloudtrail-ml-api-logging

// cloudTrailMLTagKeyParam is mlTagKeyParam without its default: this rule
// reads bucket tags (a GetBucketTagging call per bucket) only when asked.
// The name stays mlTagKey, from which orgspec derives the value.
func cloudTrailMLTagKeyParam() Param {
	p := mlTagKeyParam()
	p.Default = ""
	p.Description = "Tag key that marks an S3 bucket as holding ML data (matched case-insensitively; any value counts " +
		"except false or no): every bucket in the Region carrying it must have its data events recorded, as for " +
		"mlBucketNames. Empty reads no bucket tags."
	return p
}

// dataScope is what data events the trails must record.
type dataScope struct {
	buckets []string // mlBucketNames and the tagged buckets, without repeats
	tagKey  string   // mlTagKey; "" when bucket tags were not read
	tagged  int      // how many buckets carry the tag
	bedrock bool     // requireBedrockDataEvents
}

func runCloudTrailMLLogging(ctx context.Context, env Env, p Params) ([]Evaluation, error) {
	const id = "cloudtrail-ml-api-logging"
	src := env.Sources.CloudTrail
	if src == nil {
		return nil, errNoSource("CloudTrail")
	}
	trails, err := src.Trails(ctx)
	tinc, err := AsIncomplete(err)
	if err != nil {
		return nil, fmt.Errorf("trails: %w", err)
	}
	trails = dedupe(trails, func(t Trail) string { return firstNonEmpty(t.ARN, t.Name) })
	scope := dataScope{buckets: p.List("mlBucketNames"), bedrock: p.Bool("requireBedrockDataEvents")}
	var binc *Incomplete
	if key := p.String("mlTagKey"); key != "" {
		tagged, inc, err := mlTaggedBuckets(ctx, env, key)
		if err != nil {
			return nil, err
		}
		binc = inc
		scope.tagKey, scope.tagged = key, len(tagged)
		scope.buckets = dedupe(slices.Concat(scope.buckets, tagged), func(b string) string { return b })
	}
	v := judgeTrails(trails, scope, regionName(env))
	if binc == nil {
		return finish(id, env, v, tinc)
	}
	// Buckets left unread could be uncovered: only a non-compliant verdict
	// on the complete trails is certain.
	if tinc != nil || v.Compliance == Compliant {
		return nil, tinc.merge(binc)
	}
	evals, err := accountResult(id, env, v)
	if err != nil {
		return nil, err
	}
	return evals, binc
}

// mlTaggedBuckets names the buckets of the Region whose key tag marks them
// as ML data, with what the listing left out.
func mlTaggedBuckets(ctx context.Context, env Env, key string) ([]string, *Incomplete, error) {
	lister, ok := env.Sources.S3Buckets.(S3BucketLister)
	if !ok {
		return nil, nil, errNoSource("S3 bucket listing")
	}
	buckets, err := lister.Buckets(ctx, env.Region)
	inc, err := AsIncomplete(err)
	if err != nil {
		return nil, nil, fmt.Errorf("buckets: %w", err)
	}
	var names []string
	for _, b := range buckets {
		if v, ok := lookupTag(b.Tags, key); ok && !optedOut(v) {
			names = append(names, b.Name)
		}
	}
	return names, inc, nil
}

// optedOut reports an ML tag value that takes the resource out of scope,
// as tagScope reads it.
func optedOut(value string) bool {
	v := strings.TrimSpace(value)
	return strings.EqualFold(v, "false") || strings.EqualFold(v, "no")
}

func judgeTrails(trails []Trail, scope dataScope, region string) Verdict {
	if len(trails) == 0 {
		return Fail("no CloudTrail trail applies to %s. Create a multi-Region trail.", region)
	}
	var problems []string
	baseline := ""
	var notes []string
	for _, t := range trails {
		tp := trailProblems(t)
		if len(tp) == 0 {
			baseline = t.Name
			break
		}
		notes = append(notes, "trail "+t.Name+": "+strings.Join(tp, ", "))
	}
	if baseline == "" {
		problems = append(problems, "no trail is logging, multi-Region, recording read and write management events, "+
			"validating log files and KMS-encrypted ("+strings.Join(notes, "; ")+")")
	}
	var logging []Trail
	for _, t := range trails {
		if t.Logging {
			logging = append(logging, t)
		}
	}
	var uncovered []string
	for _, b := range scope.buckets {
		var cov rw
		for _, t := range logging {
			cov = cov.or(trailS3Coverage(t, b))
		}
		if !cov.both() {
			uncovered = append(uncovered, b+" ("+cov.missing()+")")
		}
	}
	if len(uncovered) > 0 {
		problems = append(problems, "no logging trail records S3 data events on all objects of "+strings.Join(uncovered, ", "))
	}
	if scope.bedrock && !slices.ContainsFunc(logging, selectsBedrockData) {
		problems = append(problems, "no logging trail selects Bedrock data events")
	}
	if len(problems) > 0 {
		return Fail("%s.", strings.Join(problems, "; "))
	}
	return Verdict{Compliance: Compliant, Annotation: "trail " + baseline + " records the ML API calls" + dataNote(scope, region) + "."}
}

func dataNote(scope dataScope, region string) string {
	var what []string
	if len(scope.buckets) > 0 {
		what = append(what, "S3 data events of the ML buckets")
	}
	if scope.bedrock {
		what = append(what, "Bedrock data events")
	}
	note := ""
	if len(what) > 0 {
		note = ", and logging trails record " + strings.Join(what, " and ")
	}
	if scope.tagKey != "" && scope.tagged == 0 {
		// Say so: a compliant verdict should not suggest tagged buckets
		// were checked when none were found.
		note += " (no bucket in " + region + " is tagged " + scope.tagKey + " as ML data)"
	}
	return note
}

// trailProblems lists why a trail is not a baseline trail.
func trailProblems(t Trail) []string {
	var out []string
	if !t.Logging {
		out = append(out, "not logging")
	}
	if !t.MultiRegion {
		out = append(out, "single-Region")
	}
	if cov := managementCoverage(t); !cov.both() {
		out = append(out, "management events: "+cov.missing())
	}
	if !t.LogFileValidation {
		out = append(out, "no log file validation")
	}
	if strings.TrimSpace(t.KMSKey) == "" {
		out = append(out, "no KMS key")
	}
	return out
}

// rw says which of read and write events are recorded.
type rw struct{ read, write bool }

func (a rw) or(b rw) rw { return rw{a.read || b.read, a.write || b.write} }
func (a rw) both() bool { return a.read && a.write }
func (a rw) missing() string {
	switch {
	case !a.read && !a.write:
		return "none recorded"
	case !a.read:
		return "reads not recorded"
	case !a.write:
		return "writes not recorded"
	}
	return "all recorded"
}

// basicRW reads a basic selector's ReadWriteType; All is the default.
func basicRW(t string) rw {
	switch t {
	case "ReadOnly":
		return rw{read: true}
	case "WriteOnly":
		return rw{write: true}
	}
	return rw{true, true}
}

// advancedRW reads an advanced selector's readOnly condition; none selects
// both.
func advancedRW(fs *FieldSelector) rw {
	if fs == nil {
		return rw{true, true}
	}
	var out rw
	sel := func(v string, in bool) {
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "true":
			out.read = out.read || in
			out.write = out.write || !in
		case "false":
			out.write = out.write || in
			out.read = out.read || !in
		}
	}
	for _, v := range fs.Equals {
		sel(v, true)
	}
	for _, v := range fs.NotEquals {
		sel(v, false)
	}
	if len(fs.Equals) > 0 && len(fs.NotEquals) > 0 {
		return rw{} // contradictory or redundant; not interpreted
	}
	return out
}

// fields indexes an advanced selector's field selectors by field name.
func fields(s AdvancedEventSelector) map[string]*FieldSelector {
	m := make(map[string]*FieldSelector, len(s.FieldSelectors))
	for i := range s.FieldSelectors {
		fs := &s.FieldSelectors[i]
		m[fs.Field] = fs
	}
	return m
}

func equalsOnly(fs *FieldSelector, value string) bool {
	return fs != nil && slices.Contains(fs.Equals, value) && len(fs.StartsWith)+len(fs.EndsWith)+
		len(fs.NotEquals)+len(fs.NotStartsWith)+len(fs.NotEndsWith) == 0
}

// managementCoverage says whether a trail records read and write
// management events.
func managementCoverage(t Trail) rw {
	var cov rw
	for _, s := range t.EventSelectors {
		if s.IncludeManagementEvents {
			cov = cov.or(basicRW(s.ReadWriteType))
		}
	}
	for _, s := range t.AdvancedEventSelectors {
		f := fields(s)
		if !equalsOnly(f["eventCategory"], "Management") {
			continue
		}
		narrowed := false
		for name, fs := range f {
			switch name {
			case "eventCategory", "readOnly":
			case "eventSource":
				// Leaving out sources such as KMS is common; leaving out the
				// ML services, or keeping only some sources, is not enough.
				if len(fs.Equals)+len(fs.StartsWith)+len(fs.EndsWith)+len(fs.NotStartsWith)+len(fs.NotEndsWith) > 0 ||
					slices.ContainsFunc(fs.NotEquals, func(v string) bool { return slices.Contains(mlEventSources, v) }) {
					narrowed = true
				}
			default:
				narrowed = true
			}
		}
		if !narrowed {
			cov = cov.or(advancedRW(f["readOnly"]))
		}
	}
	return cov
}

// arnRest strips "arn:<partition>:" so that ARNs of any partition compare.
func arnRest(v string) string {
	rest, _ := awsid.CutPartition(strings.TrimSpace(v))
	return rest
}

// trailS3Coverage says whether a trail records reads and writes of every
// object of bucket.
func trailS3Coverage(t Trail, bucket string) rw {
	objects := "s3:::" + bucket + "/"
	var cov rw
	for _, s := range t.EventSelectors {
		for _, dr := range s.DataResources {
			if dr.Type != "AWS::S3::Object" {
				continue
			}
			for _, v := range dr.Values {
				r := arnRest(v)
				if r == "s3" || r == "s3:::" || r == objects || r+"/" == objects {
					cov = cov.or(basicRW(s.ReadWriteType))
				}
			}
		}
	}
	for _, s := range t.AdvancedEventSelectors {
		f := fields(s)
		if !equalsOnly(f["eventCategory"], "Data") || !equalsOnly(f["resources.type"], "AWS::S3::Object") {
			continue
		}
		if !coversPrefix(f["resources.ARN"], objects) {
			continue
		}
		narrowed := false
		for name := range f {
			switch name {
			case "eventCategory", "resources.type", "resources.ARN", "readOnly":
			default:
				narrowed = true
			}
		}
		if !narrowed {
			cov = cov.or(advancedRW(f["readOnly"]))
		}
	}
	return cov
}

// coversPrefix reports whether a resources.ARN condition selects every
// ARN starting with prefix (partition stripped).
func coversPrefix(fs *FieldSelector, prefix string) bool {
	if fs == nil {
		return true
	}
	if len(fs.EndsWith) > 0 || len(fs.NotEndsWith) > 0 {
		return false // selects or leaves out objects by suffix, in every bucket
	}
	for _, v := range fs.NotStartsWith {
		r := arnRest(v)
		if strings.HasPrefix(prefix, r) || strings.HasPrefix(r, prefix) {
			return false
		}
	}
	for _, v := range fs.NotEquals {
		if strings.HasPrefix(arnRest(v), prefix) {
			return false
		}
	}
	if len(fs.Equals)+len(fs.StartsWith) == 0 {
		return true // only exclusions, none touching the bucket
	}
	return slices.ContainsFunc(fs.StartsWith, func(v string) bool { return strings.HasPrefix(prefix, arnRest(v)) })
}

// selectsBedrockData reports an advanced selector for data events of a
// Bedrock resource type.
func selectsBedrockData(t Trail) bool {
	for _, s := range t.AdvancedEventSelectors {
		f := fields(s)
		if !equalsOnly(f["eventCategory"], "Data") {
			continue
		}
		rt := f["resources.type"]
		if rt == nil {
			continue
		}
		if slices.ContainsFunc(rt.Equals, func(v string) bool { return strings.HasPrefix(v, "AWS::Bedrock::") }) ||
			slices.ContainsFunc(rt.StartsWith, func(v string) bool {
				return strings.HasPrefix("AWS::Bedrock::", v) || strings.HasPrefix(v, "AWS::Bedrock::")
			}) {
			return true
		}
	}
	return false
}

// --- guardduty-ml-protection

func runGuardDutyMLProtection(ctx context.Context, env Env, p Params) ([]Evaluation, error) {
	src := env.Sources.GuardDuty
	if src == nil {
		return nil, errNoSource("GuardDuty")
	}
	detectors, err := src.Detectors(ctx)
	inc, err := AsIncomplete(err)
	if err != nil {
		return nil, fmt.Errorf("detectors: %w", err)
	}
	v := judgeDetectors(dedupe(detectors, func(d Detector) string { return d.ID }), p.Bool("requireRuntimeMonitoring"), regionName(env))
	return finish("guardduty-ml-protection", env, v, inc)
}

func featureStatus(d Detector, names ...string) (string, bool) {
	for _, f := range d.Features {
		if slices.Contains(names, f.Name) {
			if f.Status == "ENABLED" {
				return "ENABLED", true
			}
		}
	}
	for _, f := range d.Features {
		if slices.Contains(names, f.Name) {
			return f.Status, true
		}
	}
	return "", false
}

func judgeDetectors(detectors []Detector, runtime bool, region string) Verdict {
	if len(detectors) == 0 {
		return Fail("GuardDuty has no detector in %s. Enable GuardDuty with S3 Protection.", region)
	}
	var notes, disabled []string
	for _, d := range detectors {
		if d.Status != "ENABLED" {
			disabled = append(disabled, d.ID+" ("+firstNonEmpty(d.Status, "no status")+")")
			continue
		}
		var problems []string
		s3, listed := featureStatus(d, "S3_DATA_EVENTS")
		if !listed {
			s3 = d.S3Logs
		}
		if s3 != "ENABLED" {
			problems = append(problems, "S3 Protection off")
		}
		if runtime {
			if st, _ := featureStatus(d, "RUNTIME_MONITORING", "EKS_RUNTIME_MONITORING"); st != "ENABLED" {
				problems = append(problems, "Runtime Monitoring off")
			}
		}
		if len(problems) == 0 {
			what := "with S3 Protection"
			if runtime {
				what += " and Runtime Monitoring"
			}
			return Verdict{Compliance: Compliant, Annotation: "GuardDuty detector " + d.ID + " is enabled " + what + "."}
		}
		notes = append(notes, "detector "+d.ID+": "+strings.Join(problems, ", "))
	}
	if len(disabled) > 0 {
		// Enabled detectors' problems come first: they are what to fix.
		notes = append(notes, "not enabled: detector "+summarizeUsers(disabled))
	}
	return Fail("no enabled GuardDuty detector with the required protection in %s (%s).", region, strings.Join(notes, "; "))
}

// --- cost-anomaly-ml-monitor

func runCostAnomalyMLMonitor(ctx context.Context, env Env, p Params) ([]Evaluation, error) {
	src := env.Sources.CostAnomaly
	if src == nil {
		return nil, errNoSource("Cost Anomaly Detection")
	}
	monitors, err := src.AnomalyMonitors(ctx)
	minc, err := AsIncomplete(err)
	if err != nil {
		return nil, fmt.Errorf("anomaly monitors: %w", err)
	}
	subs, err := src.AnomalySubscriptions(ctx)
	sinc, err := AsIncomplete(err)
	if err != nil {
		return nil, fmt.Errorf("anomaly subscriptions: %w", err)
	}
	maxUSD := math.Inf(1)
	if s := p.String("maxThresholdUsd"); s != "" {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, fmt.Errorf("maxThresholdUsd %q: %w", s, err)
		}
		maxUSD = v
	}
	v := judgeCostAnomaly(monitors, subs, maxUSD)
	return finish("cost-anomaly-ml-monitor", env, v, minc.merge(sinc))
}

func judgeCostAnomaly(monitors []AnomalyMonitor, subs []AnomalySubscription, maxUSD float64) Verdict {
	var covering []AnomalyMonitor
	for _, m := range monitors {
		if monitorCoversML(m) {
			covering = append(covering, m)
		}
	}
	if len(covering) == 0 {
		return Fail("no Cost Anomaly Detection monitor covers %s and %s (%d monitors: none a SERVICE monitor or a custom "+
			"monitor naming both). Create a monitor on AWS services.", ceServiceSageMaker, ceServiceBedrock, len(monitors))
	}
	var notes []string
	for _, m := range covering {
		found := false
		for _, s := range subs {
			if !slices.Contains(s.MonitorARNs, m.ARN) {
				continue
			}
			found = true
			problems := subscriptionProblems(s, maxUSD)
			if len(problems) == 0 {
				return Verdict{Compliance: Compliant, Annotation: "monitor " + m.Name + " alerts through subscription " + s.Name + "."}
			}
			notes = append(notes, "subscription "+s.Name+": "+strings.Join(problems, ", "))
		}
		if !found {
			notes = append(notes, "monitor "+m.Name+" has no subscription")
		}
	}
	return Fail("no subscription on a monitor covering SageMaker and Bedrock alerts a subscriber at the required threshold (%s).",
		strings.Join(notes, "; "))
}

func subscriptionProblems(s AnomalySubscription, maxUSD float64) []string {
	var out []string
	if !slices.ContainsFunc(s.Subscribers, func(sub AnomalySubscriber) bool {
		return sub.Status != "DECLINED" && strings.TrimSpace(sub.Address) != ""
	}) {
		out = append(out, "no subscriber")
	}
	if !math.IsInf(maxUSD, 1) {
		t := subscriptionThreshold(s)
		switch {
		case math.IsInf(t, 1):
			out = append(out, "threshold does not guarantee an alert on an absolute impact")
		case t > maxUSD:
			out = append(out, fmt.Sprintf("threshold %s USD above %s", formatUSD(t), formatUSD(maxUSD)))
		}
	}
	return out
}

func formatUSD(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// subscriptionThreshold is the absolute total impact, in USD, at or above
// which the subscription is certain to alert; +Inf when no amount is.
func subscriptionThreshold(s AnomalySubscription) float64 {
	switch {
	case s.ThresholdExpression != nil:
		return expressionThreshold(*s.ThresholdExpression)
	case s.Threshold != nil:
		return *s.Threshold
	}
	return math.Inf(1)
}

// expressionThreshold evaluates a ThresholdExpression: an Or alerts at
// its lowest branch, an And needs every branch, and a percentage never
// guarantees an alert on an amount.
func expressionThreshold(e CostExpression) float64 {
	switch {
	case len(e.Or) > 0:
		t := math.Inf(1)
		for _, c := range e.Or {
			t = math.Min(t, expressionThreshold(c))
		}
		return t
	case len(e.And) > 0:
		t := math.Inf(-1)
		for _, c := range e.And {
			t = math.Max(t, expressionThreshold(c))
		}
		return t
	case e.Dimensions != nil && e.Not == nil && !e.Other:
		d := e.Dimensions
		if d.Key != "ANOMALY_TOTAL_IMPACT_ABSOLUTE" || len(d.Values) != 1 ||
			(len(d.MatchOptions) > 0 && !slices.Equal(d.MatchOptions, []string{"GREATER_THAN_OR_EQUAL"})) {
			return math.Inf(1)
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(d.Values[0]), 64)
		if err != nil || v < 0 || math.IsNaN(v) {
			return math.Inf(1)
		}
		return v
	}
	return math.Inf(1)
}

// monitorCoversML reports a monitor over every service, or a custom one
// naming both ML services.
func monitorCoversML(m AnomalyMonitor) bool {
	switch m.Type {
	case "DIMENSIONAL":
		return m.Dimension == "SERVICE"
	case "CUSTOM":
		if m.Specification == nil {
			return false
		}
		names := map[string]bool{}
		serviceNames(*m.Specification, names)
		return names[ceServiceSageMaker] && names[ceServiceBedrock]
	}
	return false
}

// serviceNames collects the SERVICE values an expression selects, leaving
// out what a Not excludes.
func serviceNames(e CostExpression, into map[string]bool) {
	if d := e.Dimensions; d != nil && d.Key == "SERVICE" &&
		(len(d.MatchOptions) == 0 || slices.Contains(d.MatchOptions, "EQUALS")) {
		for _, v := range d.Values {
			into[v] = true
		}
	}
	for _, c := range e.Or {
		serviceNames(c, into)
	}
	for _, c := range e.And {
		serviceNames(c, into)
	}
}
