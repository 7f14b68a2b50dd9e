// Package lambda is the runtime of aiguard's Config rule Lambda: one function
// serves every rule. It decodes the event Config sends, finds the rule,
// fetches what the event leaves out (an oversized CI), runs the rule, and
// reports the evaluations with PutEvaluations, in batches, with retries,
// optionally as a member-account role.
package lambda

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/configservice/types"

	"github.com/aiguard/aiguard/awsid"
	"github.com/aiguard/aiguard/configevent"
	"github.com/aiguard/aiguard/configitem"
	"github.com/aiguard/aiguard/rules"
)

// ConfigAPI is the part of the AWS Config API the handler calls;
// *configservice.Client satisfies it.
type ConfigAPI interface {
	PutEvaluations(ctx context.Context, in *configservice.PutEvaluationsInput, optFns ...func(*configservice.Options)) (*configservice.PutEvaluationsOutput, error)
	GetResourceConfigHistory(ctx context.Context, in *configservice.GetResourceConfigHistoryInput, optFns ...func(*configservice.Options)) (*configservice.GetResourceConfigHistoryOutput, error)
	GetComplianceDetailsByConfigRule(ctx context.Context, in *configservice.GetComplianceDetailsByConfigRuleInput, optFns ...func(*configservice.Options)) (*configservice.GetComplianceDetailsByConfigRuleOutput, error)
}

// Clients hands out Config clients. An empty roleARN asks for the
// function's own credentials; otherwise the client acts as that role.
type Clients interface {
	Config(ctx context.Context, roleARN, region string) (ConfigAPI, error)
}

// MaxBatch is PutEvaluations' limit on evaluations per call.
const MaxBatch = 100

// Handler serves Config rule invocations.
type Handler struct {
	Rules   *rules.Registry
	Clients Clients
	Log     *slog.Logger
	// Attempts bounds how often evaluations that PutEvaluations reports as
	// failed are sent (throttling is retried inside the SDK client).
	Attempts int
	// Backoff is the wait before the first resend of failed evaluations; it
	// doubles on each further one.
	Backoff time.Duration
	// Sources hands out what periodic rules read; when nil, Clients serves
	// if it implements SourceClients (as *SDKClients does).
	Sources SourceClients
	// Reserve is the part of the invocation's remaining time kept back from
	// a periodic rule's run for reconciliation and PutEvaluations
	// (DefaultReserve when zero); it is at most a quarter of the time left.
	Reserve time.Duration
	// Hook configures the answers to CloudFormation hook invocations.
	Hook *HookSettings
}

// DefaultReserve is the time kept back from a periodic run by default.
const DefaultReserve = time.Minute

// Invoke handles one event. It returns an error when the event is malformed,
// names no known rule, carries invalid parameters, or when the evaluations
// could not be delivered; Config then records the rule as failed.
func (h *Handler) Invoke(ctx context.Context, payload []byte) error {
	start := time.Now()
	ev, err := configevent.Parse(payload)
	if err != nil {
		return fmt.Errorf("decode event: %w", err)
	}
	if ev.Invoking.MessageType == configevent.SnapshotDelivered {
		h.Log.Info("snapshot delivery ignored", "configRule", ev.ConfigRuleName, "account", ev.AccountID)
		return nil
	}
	rule, err := h.ruleFor(ev)
	if err != nil {
		return err
	}
	judge, err := rule.Configure(ev.Params)
	if err != nil {
		return err
	}
	params := judge.Params
	roleARN, err := executionRole(ev)
	if err != nil {
		return err
	}
	region := ev.Params["ExecutionRoleRegion"]
	if err := checkRegion(ev, region); err != nil {
		return err
	}
	client, err := h.Clients.Config(ctx, roleARN, region)
	if err != nil {
		return fmt.Errorf("config client for %s: %w", orOwn(roleARN), err)
	}

	var evals []rules.Evaluation
	switch ev.Invoking.MessageType {
	case configevent.ItemChange, configevent.OversizedItemChange:
		if rule.Check == nil {
			return fmt.Errorf("rule %s is periodic, but Config rule %s sends it %s; give it a ScheduledNotification trigger",
				rule.ID, ev.ConfigRuleName, ev.Invoking.MessageType)
		}
		item := ev.Invoking.Item
		if ev.Invoking.MessageType == configevent.OversizedItemChange && item.Evaluable() && !ev.EventLeftScope {
			if item, err = fetchItem(ctx, client, item); err != nil {
				return err
			}
		}
		e, _ := judge.EvaluateChange(item, ev.EventLeftScope, start)
		evals = []rules.Evaluation{e}
	case configevent.Scheduled:
		if rule.Run == nil {
			return fmt.Errorf("rule %s is change-triggered, but Config rule %s sends it %s; give it change triggers",
				rule.ID, ev.ConfigRuleName, configevent.Scheduled)
		}
		if evals, err = h.runPeriodic(ctx, client, ev, rule, params, roleARN, region); err != nil {
			return err
		}
		judge.ExemptAll(evals, start)
	}
	return h.put(ctx, client, ev, rule.ID, evals, start)
}

func (h *Handler) ruleFor(ev *configevent.Event) (*rules.Rule, error) {
	if id := ev.Params["ruleId"]; id != "" {
		if r, ok := h.Rules.Get(id); ok {
			return r, nil
		}
		msg := fmt.Sprintf("unknown ruleId %q in the parameters of Config rule %s", id, ev.ConfigRuleName)
		if s := h.Rules.Suggest(id); s != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", s)
		}
		return nil, errors.New(msg)
	}
	if r, ok := h.Rules.ForConfigRuleName(ev.ConfigRuleName); ok {
		return r, nil
	}
	return nil, fmt.Errorf("config rule %s names no aiguard rule: set the ruleId input parameter", ev.ConfigRuleName)
}

// executionRole returns the member-account role to act as, from the
// ExecutionRoleName parameter, or "" to use the function's own role.
func executionRole(ev *configevent.Event) (string, error) {
	name := ev.Params["ExecutionRoleName"]
	if name == "" {
		return "", nil
	}
	if !awsid.IsRoleName(name) {
		return "", fmt.Errorf("parameter ExecutionRoleName: got %q, want an IAM role name (optionally with a path)", name)
	}
	if !awsid.IsAccountID(ev.AccountID) {
		return "", fmt.Errorf("event accountId %q is not a 12-digit account ID; cannot build the role ARN for %s", ev.AccountID, name)
	}
	return awsid.RoleARN(ev.Partition(), ev.AccountID, name), nil
}

// checkRegion checks the ExecutionRoleRegion parameter: empty, or a Region
// of the rule's partition (one launched after this release included).
func checkRegion(ev *configevent.Event, region string) error {
	if region == "" {
		return nil
	}
	switch p := awsid.PartitionOfRegion(region); p {
	case "":
		return fmt.Errorf("parameter ExecutionRoleRegion: got %q, want an AWS Region name such as us-east-1", region)
	case ev.Partition():
		return nil
	default:
		return fmt.Errorf("parameter ExecutionRoleRegion: %s is in the %s partition, but the rule runs in %s; credentials do not cross partitions",
			region, p, ev.Partition())
	}
}

// ruleRegion returns the Region in a Config rule ARN
// (arn:aws:config:us-east-1:111122223333:config-rule/...), or "".
func ruleRegion(arn string) string {
	a, err := awsid.ParseARN(arn)
	if err != nil {
		return ""
	}
	return a.Region
}

func orOwn(roleARN string) string {
	if roleARN == "" {
		return "the function's role"
	}
	return roleARN
}

// fetchItem retrieves the full CI that an oversized notification summarises:
// the latest recorded at or before the summary's capture time.
func fetchItem(ctx context.Context, client ConfigAPI, summary *configitem.Item) (*configitem.Item, error) {
	in := &configservice.GetResourceConfigHistoryInput{
		ResourceType: types.ResourceType(summary.ResourceType),
		ResourceId:   aws.String(summary.ResourceID),
		Limit:        1,
	}
	if !summary.CaptureTime.IsZero() {
		in.LaterTime = aws.Time(summary.CaptureTime)
	}
	out, err := client.GetResourceConfigHistory(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("fetch oversized CI %s %s: %w", summary.ResourceType, summary.ResourceID, err)
	}
	if len(out.ConfigurationItems) == 0 {
		return nil, fmt.Errorf("fetch oversized CI %s %s: Config returned no configuration item", summary.ResourceType, summary.ResourceID)
	}
	item, err := itemFromAPI(out.ConfigurationItems[0])
	if err != nil {
		return nil, fmt.Errorf("fetch oversized CI %s %s: %w", summary.ResourceType, summary.ResourceID, err)
	}
	return item, nil
}
