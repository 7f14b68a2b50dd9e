package lambda

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/configservice/types"

	"github.com/aiguard/aiguard/rules"
)

// complianceDetailsLimit is GetComplianceDetailsByConfigRule's largest page.
const complianceDetailsLimit = 100

// reconciles reports whether the runtime reconciles the rule's results:
// the rule declares the reconciliation's action.
func reconciles(r *rules.Rule) bool { return slices.Contains(r.Actions, rules.ReconcileAction) }

// staleEvaluations finds the Config rule's COMPLIANT and NON_COMPLIANT
// results whose resources the run did not report, and returns a
// NOT_APPLICABLE evaluation for each, ordered at at. Without them a
// resource that was deleted (or, for jobs, left the lookback window) would
// keep its last verdict forever. Only resource types the rule reports on
// are considered, and the caller must pass the evaluations of a complete
// run: a resource a cut-short run did not reach is not gone.
func staleEvaluations(ctx context.Context, client ConfigAPI, configRule string, rule *rules.Rule, current []rules.Evaluation, at time.Time) ([]rules.Evaluation, error) {
	type key struct{ resourceType, resourceID string }
	reported := make(map[key]bool, len(current))
	for _, e := range current {
		reported[key{e.ResourceType, e.ResourceID}] = true
	}
	p := configservice.NewGetComplianceDetailsByConfigRulePaginator(client, &configservice.GetComplianceDetailsByConfigRuleInput{
		ConfigRuleName:  aws.String(configRule),
		ComplianceTypes: []types.ComplianceType{types.ComplianceTypeCompliant, types.ComplianceTypeNonCompliant},
		Limit:           complianceDetailsLimit,
	})
	var stale []rules.Evaluation
	seen := map[key]bool{}
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("GetComplianceDetailsByConfigRule %s: %w", configRule, err)
		}
		for _, r := range page.EvaluationResults {
			if r.EvaluationResultIdentifier == nil || r.EvaluationResultIdentifier.EvaluationResultQualifier == nil {
				continue
			}
			q := r.EvaluationResultIdentifier.EvaluationResultQualifier
			k := key{aws.ToString(q.ResourceType), aws.ToString(q.ResourceId)}
			if k.resourceID == "" || reported[k] || seen[k] || !rule.Covers(k.resourceType) {
				continue
			}
			seen[k] = true
			stale = append(stale, rules.Evaluation{
				RuleID:       rule.ID,
				ResourceType: k.resourceType,
				ResourceID:   k.resourceID,
				Compliance:   rules.NotApplicable,
				Annotation: "Not found in this evaluation: the resource was deleted or no longer falls in the rule's " +
					"scope (for jobs, the lookback window).",
				OrderingTimestamp: at,
			})
		}
	}
	return stale, nil
}
