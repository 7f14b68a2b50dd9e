package sources

import (
	"context"
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
	ComprehendModelsAPI
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
	return listEvery(ctx, p, "ListPiiEntitiesDetectionJobs", func(out *comprehend.ListPiiEntitiesDetectionJobsOutput) []rules.ComprehendJob {
		return each(out.PiiEntitiesDetectionJobPropertiesList, func(j ctypes.PiiEntitiesDetectionJobProperties) rules.ComprehendJob {
			job := comprehendJob(j.JobId, j.JobName, j.JobArn, j.SubmitTime, j.JobStatus)
			job.PII = true
			if o := j.OutputDataConfig; o != nil {
				job.OutputKMSKey = aws.ToString(o.KmsKeyId)
			}
			return job
		})
	})
}

// EntitiesJobs lists the entities detection jobs submitted since.
func (s *comprehendSource) EntitiesJobs(ctx context.Context, since time.Time) ([]rules.ComprehendJob, error) {
	p := comprehend.NewListEntitiesDetectionJobsPaginator(s.api, &comprehend.ListEntitiesDetectionJobsInput{
		Filter:     &ctypes.EntitiesDetectionJobFilter{SubmitTimeAfter: aws.Time(since.Add(-windowSlack))},
		MaxResults: aws.Int32(comprehendPageSize),
	})
	return listEvery(ctx, p, "ListEntitiesDetectionJobs", func(out *comprehend.ListEntitiesDetectionJobsOutput) []rules.ComprehendJob {
		return each(out.EntitiesDetectionJobPropertiesList, func(j ctypes.EntitiesDetectionJobProperties) rules.ComprehendJob {
			job := comprehendJob(j.JobId, j.JobName, j.JobArn, j.SubmitTime, j.JobStatus)
			job.VolumeKMSKey = aws.ToString(j.VolumeKmsKeyId)
			if o := j.OutputDataConfig; o != nil {
				job.OutputKMSKey = aws.ToString(o.KmsKeyId)
			}
			if v := j.VpcConfig; v != nil {
				job.VpcSubnets, job.VpcSecurityGroups = v.Subnets, v.SecurityGroupIds
			}
			return job
		})
	})
}

// comprehendJob is what the two job listings have in common.
func comprehendJob(id, name, arn *string, submitted *time.Time, status ctypes.JobStatus) rules.ComprehendJob {
	return rules.ComprehendJob{ID: aws.ToString(id), Name: aws.ToString(name), ARN: aws.ToString(arn),
		Submitted: aws.ToTime(submitted), Status: string(status)}
}
