package rules

import (
	"context"
	"fmt"
	"strings"
)

func comprehendPeriodicRules() []*Rule {
	return []*Rule{{
		ID:    "comprehend-job-encrypted",
		Title: "Comprehend detection jobs encrypt their volumes and output and run in a VPC",
		Description: "Every entities detection job submitted in the last lookbackHours must have a VolumeKmsKeyId, an " +
			"OutputDataConfig.KmsKeyId and a VpcConfig; every PII-entities detection job an OutputDataConfig.KmsKeyId " +
			"(its API takes neither a volume key nor a VPC). AWS Config does not record Comprehend jobs, " +
			"so the rule reads the Comprehend API and reports each job on AWS::::Account with the job's ARN.",
		ResourceTypes: []string{TypeAccount},
		Trigger:       Periodic,
		Params:        []Param{lookbackHoursParam()},
		Control:       ControlIAMComprehend,
		Severity:      SeverityHigh,
		Remediation: "Jobs cannot be changed: start the next job with VolumeKmsKeyId, OutputDataConfig.KmsKeyId and " +
			"VpcConfig, and enforce them with the comprehend:VolumeKmsKey, comprehend:OutputKmsKey and " +
			"comprehend:VpcSubnets condition keys.",
		Actions: []string{"comprehend:ListPiiEntitiesDetectionJobs", "comprehend:ListEntitiesDetectionJobs", ReconcileAction},
		Run:     runComprehendJobs,
	}}
}

func runComprehendJobs(ctx context.Context, env Env, p Params) ([]Evaluation, error) {
	src := env.Sources.Comprehend
	if src == nil {
		return nil, errNoSource("Comprehend")
	}
	since := windowStart(env, p)
	var inc *Incomplete
	var out []Evaluation
	for _, kind := range []struct {
		label string
		list  func() ([]ComprehendJob, error)
	}{
		{"PII entities detection job", func() ([]ComprehendJob, error) { return src.PIIEntitiesJobs(ctx, since) }},
		{"Entities detection job", func() ([]ComprehendJob, error) { return src.EntitiesJobs(ctx, since) }},
	} {
		jobs, err := kind.list()
		part, err := AsIncomplete(err)
		if err != nil {
			return nil, fmt.Errorf("%ss: %w", strings.ToLower(kind.label[:1])+kind.label[1:], err)
		}
		inc = inc.merge(part)
		for _, j := range dedupe(jobs, func(j ComprehendJob) string { return j.ARN }) {
			if j.ARN == "" || j.Submitted.Before(since) {
				continue
			}
			out = append(out, accountEvaluation("comprehend-job-encrypted", env, j.ARN,
				named(kind.label, firstNonEmpty(j.Name, j.ID), judgeComprehendJob(j))))
		}
	}
	return out, inc.err()
}

func judgeComprehendJob(j ComprehendJob) Verdict {
	var problems []string
	if j.PII {
		// StartPiiEntitiesDetectionJob takes neither a volume key nor a VPC.
		if strings.TrimSpace(j.OutputKMSKey) == "" {
			problems = append(problems, "no OutputDataConfig.KmsKeyId")
		}
		return jobVerdict(problems, "output KMS key set (PII jobs take no volume key or VPC).")
	}
	if strings.TrimSpace(j.VolumeKMSKey) == "" {
		problems = append(problems, "no VolumeKmsKeyId")
	}
	if strings.TrimSpace(j.OutputKMSKey) == "" {
		problems = append(problems, "no OutputDataConfig.KmsKeyId")
	}
	if len(j.VpcSubnets) == 0 {
		problems = append(problems, "no VpcConfig")
	}
	return jobVerdict(problems, "KMS keys for volume and output, in a VPC.")
}
