package lambda

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aiguard/aiguard/configevent"
	"github.com/aiguard/aiguard/rules"
	"github.com/aiguard/aiguard/sources"
)

// SourceClients hands out the service APIs periodic rules read, acting as
// roleARN ("" for the function's own role) in region ("" for the
// function's Region). *SDKClients satisfies it.
type SourceClients interface {
	Sources(ctx context.Context, roleARN, region string, o sources.Options) (rules.Sources, error)
}

// maxLoggedSkipped bounds the skipped resources a log line names; the
// count is always logged.
const maxLoggedSkipped = 20

// runPeriodic runs a periodic rule within the invocation's time. The run
// gets the time left less the reserve; what it could not reach by then is
// logged and its evaluations are still delivered. After a complete run,
// earlier results of resources the run no longer found are reconciled to
// NOT_APPLICABLE, for rules that declare the reconciliation's action.
func (h *Handler) runPeriodic(ctx context.Context, client ConfigAPI, ev *configevent.Event, rule *rules.Rule, params rules.Params, roleARN, region string) ([]rules.Evaluation, error) {
	env := rules.Env{AccountID: ev.AccountID, Region: region, Time: ev.OrderingTime()}
	if env.Region == "" {
		env.Region = ruleRegion(ev.ConfigRuleARN)
	}
	var err error
	if env.Sources, err = h.sourcesFor(ctx, roleARN, region, rule, params); err != nil {
		return nil, fmt.Errorf("sources for %s: %w", orOwn(roleARN), err)
	}
	start := time.Now()
	runCtx, cancel := h.cutoff(ctx, 1)
	evals, err := rule.Run(runCtx, env, params)
	cancel()
	inc, err := rules.AsIncomplete(err)
	if err != nil {
		return nil, fmt.Errorf("rule %s: %w", rule.ID, err)
	}
	if inc != nil {
		h.logIncomplete(ev, rule, evals, inc, time.Since(start))
		return evals, nil
	}
	if !reconciles(rule) || ev.ConfigRuleName == "" {
		return evals, nil
	}
	recCtx, cancel := h.cutoff(ctx, 2)
	defer cancel()
	stale, err := staleEvaluations(recCtx, client, ev.ConfigRuleName, rule, evals, env.Time)
	if err != nil {
		// The evaluations stand on their own; stale results stay until a
		// later run reconciles them.
		h.Log.Warn("reconciliation skipped",
			"rule", rule.ID, "configRule", ev.ConfigRuleName, "account", ev.AccountID, "error", err.Error())
		return evals, nil
	}
	h.Log.Info("reconciled",
		"rule", rule.ID, "configRule", ev.ConfigRuleName, "account", ev.AccountID,
		"evaluated", len(evals), "gone", len(stale), "durationMs", time.Since(start).Milliseconds())
	return append(evals, stale...), nil
}

// sourcesFor builds the sources of the services the rule calls (its
// Actions), with its describeConcurrency.
func (h *Handler) sourcesFor(ctx context.Context, roleARN, region string, rule *rules.Rule, params rules.Params) (rules.Sources, error) {
	sc := h.Sources
	if sc == nil {
		sc, _ = h.Clients.(SourceClients)
	}
	if sc == nil {
		return rules.Sources{}, nil
	}
	return sc.Sources(ctx, roleARN, region, sources.Options{
		Concurrency: int(params.Int(rules.ParamDescribeConcurrency)),
		Services:    servicesOf(rule.Actions),
	})
}

// servicesOf returns the IAM service prefixes of actions, once each.
func servicesOf(actions []string) []string {
	var out []string
	for _, a := range actions {
		if svc, _, ok := strings.Cut(a, ":"); ok && !slices.Contains(out, svc) {
			out = append(out, svc)
		}
	}
	return out
}

// cutoff derives a context that ends before ctx's deadline: a whole
// reserve before it for the run (stage 1), half a reserve before it for the
// reconciliation (stage 2), leaving the rest to PutEvaluations. The reserve
// is at most a quarter of the time left. Without a deadline, nothing is
// cut off.
func (h *Handler) cutoff(ctx context.Context, stage int) (context.Context, context.CancelFunc) {
	deadline, ok := ctx.Deadline()
	if !ok {
		return context.WithCancel(ctx)
	}
	reserve := h.Reserve
	if reserve <= 0 {
		reserve = DefaultReserve
	}
	reserve = min(reserve, time.Until(deadline)/4)
	if stage == 2 {
		reserve /= 2
	}
	return context.WithDeadline(ctx, deadline.Add(-reserve))
}

// logIncomplete says what a run cut short by the deadline left out.
func (h *Handler) logIncomplete(ev *configevent.Event, rule *rules.Rule, evals []rules.Evaluation, inc *rules.Incomplete, took time.Duration) {
	named := inc.Skipped
	if len(named) > maxLoggedSkipped {
		named = named[:maxLoggedSkipped]
	}
	cause := ""
	if inc.Cause != nil {
		cause = inc.Cause.Error()
	}
	h.Log.Warn("periodic run incomplete",
		"rule", rule.ID, "configRule", ev.ConfigRuleName, "account", ev.AccountID,
		"evaluated", len(evals),
		"skipped", len(inc.Skipped),
		"listingTruncated", inc.Truncated,
		"skippedNames", strings.Join(named, ", "),
		"cause", cause,
		"reconciled", false,
		"durationMs", took.Milliseconds(),
	)
}
