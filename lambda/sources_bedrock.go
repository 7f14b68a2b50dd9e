package lambda

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrock"
	btypes "github.com/aws/aws-sdk-go-v2/service/bedrock/types"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagent"

	"github.com/aiguard/aiguard/rules"
)

// AIServiceAPIs are the service APIs of the Bedrock, Comprehend and
// Rekognition periodic rules, and the S3 and CloudWatch Logs APIs that
// Bedrock's invocation logging is checked through. A nil API leaves its
// sources nil.
type AIServiceAPIs struct {
	Bedrock      BedrockAPI
	BedrockAgent BedrockAgentAPI
	Comprehend   ComprehendAPI
	Rekognition  RekognitionAPI
	S3           S3API
	Logs         LogsAPI
}

// AddTo sets the sources of s that these APIs provide.
func (a AIServiceAPIs) AddTo(s *rules.Sources, o SourceOptions) {
	n := o.concurrency()
	if a.Bedrock != nil {
		s.Bedrock = &bedrockSource{api: a.Bedrock, n: n}
	}
	if a.BedrockAgent != nil {
		s.BedrockAgents = &bedrockAgentSource{api: a.BedrockAgent, n: n}
	}
	if a.Comprehend != nil {
		s.Comprehend = &comprehendSource{api: a.Comprehend}
	}
	if a.Rekognition != nil {
		s.Rekognition = &rekognitionSource{api: a.Rekognition, n: n}
	}
	if a.S3 != nil {
		s.S3Buckets = &s3Source{api: a.S3, n: n}
	}
	if a.Logs != nil {
		s.LogGroups = &logsSource{api: a.Logs}
	}
}

// BedrockAPI is the part of the Bedrock API the periodic rules read;
// *bedrock.Client satisfies it.
type BedrockAPI interface {
	bedrock.ListCustomModelsAPIClient
	bedrock.ListModelCustomizationJobsAPIClient
	GetCustomModel(ctx context.Context, in *bedrock.GetCustomModelInput, optFns ...func(*bedrock.Options)) (*bedrock.GetCustomModelOutput, error)
	GetModelCustomizationJob(ctx context.Context, in *bedrock.GetModelCustomizationJobInput, optFns ...func(*bedrock.Options)) (*bedrock.GetModelCustomizationJobOutput, error)
	GetModelInvocationLoggingConfiguration(ctx context.Context, in *bedrock.GetModelInvocationLoggingConfigurationInput, optFns ...func(*bedrock.Options)) (*bedrock.GetModelInvocationLoggingConfigurationOutput, error)
}

// BedrockAgentAPI is the part of the Bedrock Agents API the periodic rules
// read; *bedrockagent.Client satisfies it.
type BedrockAgentAPI interface {
	bedrockagent.ListAgentsAPIClient
	GetAgent(ctx context.Context, in *bedrockagent.GetAgentInput, optFns ...func(*bedrockagent.Options)) (*bedrockagent.GetAgentOutput, error)
}

// bedrockPageSize is maxResults of the Bedrock listings (the API allows
// up to 1000).
const bedrockPageSize = 100

type bedrockSource struct {
	api BedrockAPI
	n   int
}

var _ rules.Bedrock = (*bedrockSource)(nil)

// InvocationLogging reads the Region's model invocation logging setting.
func (s *bedrockSource) InvocationLogging(ctx context.Context) (*rules.InvocationLogging, error) {
	out, err := s.api.GetModelInvocationLoggingConfiguration(ctx, &bedrock.GetModelInvocationLoggingConfigurationInput{})
	if err != nil {
		return nil, fmt.Errorf("GetModelInvocationLoggingConfiguration: %w", err)
	}
	lc := out.LoggingConfig
	if lc == nil {
		return nil, nil
	}
	var l rules.InvocationLogging
	if c := lc.S3Config; c != nil {
		l.S3Bucket = aws.ToString(c.BucketName)
	}
	if c := lc.CloudWatchConfig; c != nil {
		l.LogGroup = aws.ToString(c.LogGroupName)
		if c.LargeDataDeliveryS3Config != nil {
			l.LargeDataBucket = aws.ToString(c.LargeDataDeliveryS3Config.BucketName)
		}
	}
	return &l, nil
}

// CustomModels lists every custom model and gets each.
func (s *bedrockSource) CustomModels(ctx context.Context) ([]rules.CustomModel, error) {
	p := bedrock.NewListCustomModelsPaginator(s.api, &bedrock.ListCustomModelsInput{MaxResults: aws.Int32(bedrockPageSize)})
	arns, inc, err := listAll(ctx, p, func(ctx context.Context) ([]string, error) {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("ListCustomModels: %w", err)
		}
		arns := make([]string, 0, len(out.ModelSummaries))
		for _, m := range out.ModelSummaries {
			arns = append(arns, aws.ToString(m.ModelArn))
		}
		return arns, nil
	})
	if err != nil {
		return nil, err
	}
	models, dinc, err := describeAll(ctx, s.n, unique(arns), label("custom model"), func(ctx context.Context, arn string) (rules.CustomModel, error) {
		out, err := s.api.GetCustomModel(ctx, &bedrock.GetCustomModelInput{ModelIdentifier: aws.String(arn)})
		if err != nil {
			return rules.CustomModel{}, fmt.Errorf("GetCustomModel %s: %w", arn, err)
		}
		return rules.CustomModel{
			Name:    aws.ToString(out.ModelName),
			ARN:     aws.ToString(out.ModelArn),
			Created: aws.ToTime(out.CreationTime),
			KMSKey:  aws.ToString(out.ModelKmsKeyArn),
		}, nil
	})
	if err != nil {
		return nil, err
	}
	return models, asError(combine(inc, dinc))
}

// CustomizationJobs lists the customization jobs created since and gets each.
func (s *bedrockSource) CustomizationJobs(ctx context.Context, since time.Time) ([]rules.CustomizationJob, error) {
	p := bedrock.NewListModelCustomizationJobsPaginator(s.api, &bedrock.ListModelCustomizationJobsInput{
		CreationTimeAfter: aws.Time(since.Add(-windowSlack)),
		MaxResults:        aws.Int32(bedrockPageSize),
		SortBy:            btypes.SortJobsByCreationTime,
		SortOrder:         btypes.SortOrderDescending,
	})
	arns, inc, err := listAll(ctx, p, func(ctx context.Context) ([]string, error) {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("ListModelCustomizationJobs: %w", err)
		}
		arns := make([]string, 0, len(out.ModelCustomizationJobSummaries))
		for _, j := range out.ModelCustomizationJobSummaries {
			arns = append(arns, aws.ToString(j.JobArn))
		}
		return arns, nil
	})
	if err != nil {
		return nil, err
	}
	jobs, dinc, err := describeAll(ctx, s.n, unique(arns), label("customization job"), func(ctx context.Context, arn string) (rules.CustomizationJob, error) {
		out, err := s.api.GetModelCustomizationJob(ctx, &bedrock.GetModelCustomizationJobInput{JobIdentifier: aws.String(arn)})
		if err != nil {
			return rules.CustomizationJob{}, fmt.Errorf("GetModelCustomizationJob %s: %w", arn, err)
		}
		j := rules.CustomizationJob{
			Name:         aws.ToString(out.JobName),
			ARN:          aws.ToString(out.JobArn),
			Created:      aws.ToTime(out.CreationTime),
			Status:       string(out.Status),
			OutputKMSKey: aws.ToString(out.OutputModelKmsKeyArn),
		}
		if v := out.VpcConfig; v != nil {
			j.VpcSubnets, j.VpcSecurityGroups = v.SubnetIds, v.SecurityGroupIds
		}
		return j, nil
	})
	if err != nil {
		return nil, err
	}
	return jobs, asError(combine(inc, dinc))
}

type bedrockAgentSource struct {
	api BedrockAgentAPI
	n   int
}

var _ rules.BedrockAgents = (*bedrockAgentSource)(nil)

// Agents lists every agent and gets each.
func (s *bedrockAgentSource) Agents(ctx context.Context) ([]rules.Agent, error) {
	p := bedrockagent.NewListAgentsPaginator(s.api, &bedrockagent.ListAgentsInput{MaxResults: aws.Int32(bedrockPageSize)})
	ids, inc, err := listAll(ctx, p, func(ctx context.Context) ([]string, error) {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("ListAgents: %w", err)
		}
		ids := make([]string, 0, len(out.AgentSummaries))
		for _, a := range out.AgentSummaries {
			ids = append(ids, aws.ToString(a.AgentId))
		}
		return ids, nil
	})
	if err != nil {
		return nil, err
	}
	agents, dinc, err := describeAll(ctx, s.n, unique(ids), label("agent"), func(ctx context.Context, id string) (rules.Agent, error) {
		out, err := s.api.GetAgent(ctx, &bedrockagent.GetAgentInput{AgentId: aws.String(id)})
		if err != nil {
			return rules.Agent{}, fmt.Errorf("GetAgent %s: %w", id, err)
		}
		a := out.Agent
		if a == nil {
			return rules.Agent{}, fmt.Errorf("GetAgent %s: the response has no agent", id)
		}
		agent := rules.Agent{
			ID:             aws.ToString(a.AgentId),
			Name:           aws.ToString(a.AgentName),
			ARN:            aws.ToString(a.AgentArn),
			Status:         string(a.AgentStatus),
			KMSKey:         aws.ToString(a.CustomerEncryptionKeyArn),
			IdleSessionTTL: int(aws.ToInt32(a.IdleSessionTTLInSeconds)),
		}
		if g := a.GuardrailConfiguration; g != nil {
			agent.GuardrailID, agent.GuardrailVersion = aws.ToString(g.GuardrailIdentifier), aws.ToString(g.GuardrailVersion)
		}
		return agent, nil
	})
	if err != nil {
		return nil, err
	}
	return agents, asError(combine(inc, dinc))
}
