package sources

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrock"
	btypes "github.com/aws/aws-sdk-go-v2/service/bedrock/types"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagent"
	batypes "github.com/aws/aws-sdk-go-v2/service/bedrockagent/types"

	"github.com/aiguard/aiguard/rules"
)

// BedrockAPI is the part of the Bedrock API the periodic rules read;
// *bedrock.Client satisfies it.
type BedrockAPI interface {
	bedrock.ListCustomModelsAPIClient
	bedrock.ListModelCustomizationJobsAPIClient
	GetCustomModel(ctx context.Context, in *bedrock.GetCustomModelInput, optFns ...func(*bedrock.Options)) (*bedrock.GetCustomModelOutput, error)
	GetModelCustomizationJob(ctx context.Context, in *bedrock.GetModelCustomizationJobInput, optFns ...func(*bedrock.Options)) (*bedrock.GetModelCustomizationJobOutput, error)
	GetModelInvocationLoggingConfiguration(ctx context.Context, in *bedrock.GetModelInvocationLoggingConfigurationInput, optFns ...func(*bedrock.Options)) (*bedrock.GetModelInvocationLoggingConfigurationOutput, error)
	BedrockGuardrailsAPI
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
	return listDescribe(ctx, s.n, p, "ListCustomModels", func(out *bedrock.ListCustomModelsOutput) []string {
		return keysOf(out.ModelSummaries, func(m btypes.CustomModelSummary) *string { return m.ModelArn })
	}, "custom model", func(ctx context.Context, arn string) (rules.CustomModel, error) {
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
}

// CustomizationJobs lists the customization jobs created since and gets each.
func (s *bedrockSource) CustomizationJobs(ctx context.Context, since time.Time) ([]rules.CustomizationJob, error) {
	p := bedrock.NewListModelCustomizationJobsPaginator(s.api, &bedrock.ListModelCustomizationJobsInput{
		CreationTimeAfter: aws.Time(since.Add(-windowSlack)),
		MaxResults:        aws.Int32(bedrockPageSize),
		SortBy:            btypes.SortJobsByCreationTime,
		SortOrder:         btypes.SortOrderDescending,
	})
	return listDescribe(ctx, s.n, p, "ListModelCustomizationJobs", func(out *bedrock.ListModelCustomizationJobsOutput) []string {
		return keysOf(out.ModelCustomizationJobSummaries, func(j btypes.ModelCustomizationJobSummary) *string { return j.JobArn })
	}, "customization job", func(ctx context.Context, arn string) (rules.CustomizationJob, error) {
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
}

type bedrockAgentSource struct {
	api BedrockAgentAPI
	n   int
}

var _ rules.BedrockAgents = (*bedrockAgentSource)(nil)

// Agents lists every agent and gets each.
func (s *bedrockAgentSource) Agents(ctx context.Context) ([]rules.Agent, error) {
	p := bedrockagent.NewListAgentsPaginator(s.api, &bedrockagent.ListAgentsInput{MaxResults: aws.Int32(bedrockPageSize)})
	return listDescribe(ctx, s.n, p, "ListAgents", func(out *bedrockagent.ListAgentsOutput) []string {
		return keysOf(out.AgentSummaries, func(a batypes.AgentSummary) *string { return a.AgentId })
	}, "agent", func(ctx context.Context, id string) (rules.Agent, error) {
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
}
