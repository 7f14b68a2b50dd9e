package lambda

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/comprehend"
	ctypes "github.com/aws/aws-sdk-go-v2/service/comprehend/types"

	"github.com/aiguard/aiguard/rules"
)

// ComprehendAPI is the part of the Comprehend API the periodic rules read;
// *comprehend.Client satisfies it. The listings carry every job's
// properties, so no Describe call is needed.
type ComprehendAPI interface {
	comprehend.ListPiiEntitiesDetectionJobsAPIClient
	comprehend.ListEntitiesDetectionJobsAPIClient
}

// comprehendPageSize is MaxResults of the Comprehend listings (at most 500).
const comprehendPageSize = 100

type comprehendSource struct{ api ComprehendAPI }

var _ rules.Comprehend = (*comprehendSource)(nil)

// PIIEntitiesJobs lists the PII entities detection jobs submitted since.
func (s *comprehendSource) PIIEntitiesJobs(ctx context.Context, since time.Time) ([]rules.ComprehendJob, error) {
	p := comprehend.NewListPiiEntitiesDetectionJobsPaginator(s.api, &comprehend.ListPiiEntitiesDetectionJobsInput{
		Filter:     &ctypes.PiiEntitiesDetectionJobFilter{SubmitTimeAfter: aws.Time(since.Add(-windowSlack))},
		MaxResults: aws.Int32(comprehendPageSize),
	})
	jobs, inc, err := listAll(ctx, p, func(ctx context.Context) ([]rules.ComprehendJob, error) {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("ListPiiEntitiesDetectionJobs: %w", err)
		}
		jobs := make([]rules.ComprehendJob, 0, len(out.PiiEntitiesDetectionJobPropertiesList))
		for _, j := range out.PiiEntitiesDetectionJobPropertiesList {
			job := rules.ComprehendJob{
				ID:        aws.ToString(j.JobId),
				Name:      aws.ToString(j.JobName),
				ARN:       aws.ToString(j.JobArn),
				Submitted: aws.ToTime(j.SubmitTime),
				Status:    string(j.JobStatus),
				PII:       true,
			}
			if o := j.OutputDataConfig; o != nil {
				job.OutputKMSKey = aws.ToString(o.KmsKeyId)
			}
			jobs = append(jobs, job)
		}
		return jobs, nil
	})
	if err != nil {
		return nil, err
	}
	return jobs, asError(inc)
}

// EntitiesJobs lists the entities detection jobs submitted since.
func (s *comprehendSource) EntitiesJobs(ctx context.Context, since time.Time) ([]rules.ComprehendJob, error) {
	p := comprehend.NewListEntitiesDetectionJobsPaginator(s.api, &comprehend.ListEntitiesDetectionJobsInput{
		Filter:     &ctypes.EntitiesDetectionJobFilter{SubmitTimeAfter: aws.Time(since.Add(-windowSlack))},
		MaxResults: aws.Int32(comprehendPageSize),
	})
	jobs, inc, err := listAll(ctx, p, func(ctx context.Context) ([]rules.ComprehendJob, error) {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("ListEntitiesDetectionJobs: %w", err)
		}
		jobs := make([]rules.ComprehendJob, 0, len(out.EntitiesDetectionJobPropertiesList))
		for _, j := range out.EntitiesDetectionJobPropertiesList {
			job := rules.ComprehendJob{
				ID:           aws.ToString(j.JobId),
				Name:         aws.ToString(j.JobName),
				ARN:          aws.ToString(j.JobArn),
				Submitted:    aws.ToTime(j.SubmitTime),
				Status:       string(j.JobStatus),
				VolumeKMSKey: aws.ToString(j.VolumeKmsKeyId),
			}
			if o := j.OutputDataConfig; o != nil {
				job.OutputKMSKey = aws.ToString(o.KmsKeyId)
			}
			if v := j.VpcConfig; v != nil {
				job.VpcSubnets, job.VpcSecurityGroups = v.Subnets, v.SecurityGroupIds
			}
			jobs = append(jobs, job)
		}
		return jobs, nil
	})
	if err != nil {
		return nil, err
	}
	return jobs, asError(inc)
}
