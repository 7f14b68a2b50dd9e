// Command periodic is aiguard's bootstrap with one test-only periodic rule
// added to the catalog, test-periodic-fleet, which reports as many training
// jobs as its count parameter asks. The emulator test uses it to drive
// PutEvaluations batching through the real runtime; everything else is
// lambda.Start, as in cmd/bootstrap.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aiguard/aiguard/internal/coldstart"
	"github.com/aiguard/aiguard/lambda"
	"github.com/aiguard/aiguard/rules"
)

func main() {
	coldstart.Release() // initialisation is over: see package coldstart
	reg, err := rules.NewRegistry(append(rules.Catalog().All(), fleet())...)
	if err == nil {
		err = lambda.Start(reg)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "periodic bootstrap:", err)
		os.Exit(1)
	}
}

func fleet() *rules.Rule {
	return &rules.Rule{
		ID:            "test-periodic-fleet",
		Title:         "Training jobs of the test fleet",
		ResourceTypes: []string{"AWS::SageMaker::TrainingJob"},
		Trigger:       rules.Periodic,
		Params:        []rules.Param{{Name: "count", Type: rules.Int, Default: "3", Min: 0, Max: 100000}},
		Control:       rules.ControlNetworkIsolation,
		Severity:      rules.SeverityLow,
		Remediation:   "None; this rule exists for tests.",
		Run: func(_ context.Context, env rules.Env, p rules.Params) ([]rules.Evaluation, error) {
			out := make([]rules.Evaluation, p.Int("count"))
			for i := range out {
				out[i] = rules.Evaluation{
					RuleID:            "test-periodic-fleet",
					ResourceType:      "AWS::SageMaker::TrainingJob",
					ResourceID:        fmt.Sprintf("job-%05d", i),
					Compliance:        rules.Compliant,
					OrderingTimestamp: env.Time,
				}
			}
			return out, nil
		},
	}
}
