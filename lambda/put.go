package lambda

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/configservice/types"

	"github.com/aiguard/aiguard/configevent"
	"github.com/aiguard/aiguard/configitem"
	"github.com/aiguard/aiguard/rules"
)

// put delivers the evaluations in batches of at most MaxBatch, resending
// the ones PutEvaluations reports as failed, and logs one line per batch.
// An empty list is still sent once, as Config expects a reply to every
// invocation. A batch that fails does not hold back the batches after it:
// each is sent, and the failures are returned together. Only the end of
// the invocation's time stops the delivery.
func (h *Handler) put(ctx context.Context, client ConfigAPI, ev *configevent.Event, ruleID string, evals []rules.Evaluation, start time.Time) error {
	batches := (len(evals) + MaxBatch - 1) / MaxBatch
	if batches == 0 {
		batches = 1
	}
	var errs []error
	for b := range batches {
		if ctx.Err() != nil {
			errs = append(errs, fmt.Errorf("put evaluations for rule %s: batches %d to %d of %d not sent: %w",
				ruleID, b+1, batches, batches, context.Cause(ctx)))
			break
		}
		batch := evals[min(b*MaxBatch, len(evals)):min((b+1)*MaxBatch, len(evals))]
		failed, attempts, err := h.putBatch(ctx, client, ev, batch)
		counts := countCompliance(batch)
		h.Log.Info("put evaluations",
			"rule", ruleID,
			"configRule", ev.ConfigRuleName,
			"account", ev.AccountID,
			"messageType", ev.Invoking.MessageType,
			"batch", b+1, "batches", batches,
			"evaluations", len(batch),
			"compliant", counts[rules.Compliant],
			"nonCompliant", counts[rules.NonCompliant],
			"notApplicable", counts[rules.NotApplicable],
			"failed", failed,
			"attempts", attempts,
			"testMode", ev.TestMode(),
			"durationMs", time.Since(start).Milliseconds(),
		)
		if err != nil {
			errs = append(errs, fmt.Errorf("put evaluations for rule %s (batch %d of %d): %w", ruleID, b+1, batches, err))
		}
	}
	return errors.Join(errs...)
}

// putBatch sends one batch, resending failed evaluations with doubling
// waits. It returns how many still failed and how many calls it made.
func (h *Handler) putBatch(ctx context.Context, client ConfigAPI, ev *configevent.Event, batch []rules.Evaluation) (int, int, error) {
	pending := make([]types.Evaluation, len(batch))
	for i, e := range batch {
		pending[i] = toSDK(e)
	}
	attempts := max(h.Attempts, 1)
	wait := h.Backoff
	for n := 1; ; n++ {
		out, err := client.PutEvaluations(ctx, &configservice.PutEvaluationsInput{
			ResultToken: aws.String(ev.ResultToken),
			Evaluations: pending,
			TestMode:    ev.TestMode(),
		})
		if err != nil {
			return len(pending), n, err
		}
		if len(out.FailedEvaluations) == 0 {
			return 0, n, nil
		}
		pending = out.FailedEvaluations
		if n == attempts {
			return len(pending), n, fmt.Errorf("%d evaluations still failed after %d attempts (first: %s %s)",
				len(pending), n, aws.ToString(pending[0].ComplianceResourceType), aws.ToString(pending[0].ComplianceResourceId))
		}
		select {
		case <-ctx.Done():
			return len(pending), n, ctx.Err()
		case <-time.After(wait):
		}
		wait *= 2
	}
}

func toSDK(e rules.Evaluation) types.Evaluation {
	out := types.Evaluation{
		ComplianceResourceType: aws.String(e.ResourceType),
		ComplianceResourceId:   aws.String(e.ResourceID),
		ComplianceType:         types.ComplianceType(e.Compliance),
		OrderingTimestamp:      aws.Time(e.OrderingTimestamp),
	}
	// The API rejects an empty annotation: send none instead.
	if a := rules.Annotation(e.Annotation); a != "" {
		out.Annotation = aws.String(a)
	}
	return out
}

func countCompliance(evals []rules.Evaluation) map[rules.Compliance]int {
	counts := make(map[rules.Compliance]int, 3)
	for _, e := range evals {
		counts[e.Compliance]++
	}
	return counts
}

// itemFromAPI converts a CI returned by the Config API into the project's
// item type, through the API-shape JSON the decoder already understands.
func itemFromAPI(ci types.ConfigurationItem) (*configitem.Item, error) {
	wire := map[string]any{
		"version":                      ci.Version,
		"accountId":                    ci.AccountId,
		"configurationItemCaptureTime": ci.ConfigurationItemCaptureTime,
		"configurationItemStatus":      string(ci.ConfigurationItemStatus),
		"configurationStateId":         ci.ConfigurationStateId,
		"configurationItemMD5Hash":     ci.ConfigurationItemMD5Hash,
		"arn":                          ci.Arn,
		"resourceType":                 string(ci.ResourceType),
		"resourceId":                   ci.ResourceId,
		"resourceName":                 ci.ResourceName,
		"awsRegion":                    ci.AwsRegion,
		"availabilityZone":             ci.AvailabilityZone,
		"resourceCreationTime":         ci.ResourceCreationTime,
		"tags":                         ci.Tags,
		"configuration":                ci.Configuration,
		"supplementaryConfiguration":   ci.SupplementaryConfiguration,
	}
	rels := make([]map[string]any, len(ci.Relationships))
	for i, r := range ci.Relationships {
		rels[i] = map[string]any{
			"resourceType":     string(r.ResourceType),
			"resourceId":       r.ResourceId,
			"resourceName":     r.ResourceName,
			"relationshipName": r.RelationshipName,
		}
	}
	wire["relationships"] = rels
	data, err := json.Marshal(wire)
	if err != nil {
		return nil, err
	}
	return configitem.Decode(data)
}
