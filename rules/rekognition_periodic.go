package rules

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

func rekognitionPeriodicRules() []*Rule {
	return []*Rule{{
		ID:    "rekognition-collection-approved-use-case",
		Title: "Rekognition face collections are tagged with an approved use case",
		Description: "Every Rekognition face collection must carry the tag approvedUseCaseTagKey with a value among " +
			"approvedUseCases (compared without regard to case). With no approved use cases, facial recognition is " +
			"not approved and every collection is NON_COMPLIANT. AWS Config does not record collections, so the rule " +
			"reads the Rekognition API and reports each on AWS::::Account with the collection's ARN.",
		ResourceTypes: []string{TypeAccount},
		Trigger:       Periodic,
		Params:        append(useCaseParams(), describeConcurrencyParam()),
		Control:       ControlIAMRekognition,
		Severity:      SeverityHigh,
		Remediation: "Tag the collection with its approved use case, or delete it (DeleteCollection) when facial " +
			"recognition is not approved for it.",
		Actions: []string{"rekognition:ListCollections", "rekognition:ListTagsForResource", ReconcileAction},
		Run:     runCollections,
	}}
}

func runCollections(ctx context.Context, env Env, p Params) ([]Evaluation, error) {
	src := env.Sources.Rekognition
	if src == nil {
		return nil, errNoSource("Rekognition")
	}
	collections, err := src.Collections(ctx, env.Region, env.AccountID)
	inc, err := AsIncomplete(err)
	if err != nil {
		return nil, fmt.Errorf("collections: %w", err)
	}
	key := strings.TrimSpace(p.String("approvedUseCaseTagKey"))
	approved := p.List("approvedUseCases")
	var out []Evaluation
	for _, c := range dedupe(collections, func(c FaceCollection) string { return c.ARN }) {
		if c.ARN == "" {
			continue
		}
		out = append(out, accountEvaluation("rekognition-collection-approved-use-case", env, c.ARN,
			named("Face collection", c.ID, judgeCollection(c, key, approved))))
	}
	return out, inc.err()
}

func judgeCollection(c FaceCollection, key string, approved []string) Verdict {
	if len(approved) == 0 {
		return Fail("no use case of facial recognition is approved (approvedUseCases is empty).")
	}
	value, ok := c.Tags[key]
	if !ok {
		return Fail("no %s tag; approved use cases: %s.", key, strings.Join(approved, ", "))
	}
	if !slices.ContainsFunc(approved, func(a string) bool { return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(value)) }) {
		return Fail("%s is %q, not an approved use case (%s).", key, value, strings.Join(approved, ", "))
	}
	return Verdict{Compliance: Compliant, Annotation: key + " is " + value + ", an approved use case."}
}

// useCaseParams are the parameters of the rules that judge a face
// collection's use case, live and in templates.
func useCaseParams() []Param {
	return []Param{{
		Name:        "approvedUseCaseTagKey",
		Type:        String,
		Description: "The tag that names a collection's approved use case.",
		Default:     "ai-approved-use-case",
		MaxLen:      128,
	}, {
		Name:        "approvedUseCases",
		Type:        CSV,
		Description: "The approved use cases; empty means no face collection is approved.",
	}}
}
