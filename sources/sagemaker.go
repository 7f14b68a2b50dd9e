package sources

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sagemaker"
	"github.com/aws/aws-sdk-go-v2/service/sagemaker/types"

	"github.com/aiguard/aiguard/rules"
)

// SageMakerAPI is the part of the SageMaker API the periodic rules read;
// *sagemaker.Client satisfies it.
type SageMakerAPI interface {
	sagemaker.ListTrainingJobsAPIClient
	sagemaker.ListProcessingJobsAPIClient
	sagemaker.ListTransformJobsAPIClient
	sagemaker.ListEndpointsAPIClient
	sagemaker.ListModelsAPIClient
	sagemaker.ListNotebookInstancesAPIClient
	sagemaker.ListDomainsAPIClient
	sagemaker.ListUserProfilesAPIClient
	DescribeTrainingJob(ctx context.Context, in *sagemaker.DescribeTrainingJobInput, optFns ...func(*sagemaker.Options)) (*sagemaker.DescribeTrainingJobOutput, error)
	DescribeProcessingJob(ctx context.Context, in *sagemaker.DescribeProcessingJobInput, optFns ...func(*sagemaker.Options)) (*sagemaker.DescribeProcessingJobOutput, error)
	DescribeTransformJob(ctx context.Context, in *sagemaker.DescribeTransformJobInput, optFns ...func(*sagemaker.Options)) (*sagemaker.DescribeTransformJobOutput, error)
	DescribeEndpoint(ctx context.Context, in *sagemaker.DescribeEndpointInput, optFns ...func(*sagemaker.Options)) (*sagemaker.DescribeEndpointOutput, error)
	DescribeEndpointConfig(ctx context.Context, in *sagemaker.DescribeEndpointConfigInput, optFns ...func(*sagemaker.Options)) (*sagemaker.DescribeEndpointConfigOutput, error)
	DescribeModel(ctx context.Context, in *sagemaker.DescribeModelInput, optFns ...func(*sagemaker.Options)) (*sagemaker.DescribeModelOutput, error)
	DescribeNotebookInstance(ctx context.Context, in *sagemaker.DescribeNotebookInstanceInput, optFns ...func(*sagemaker.Options)) (*sagemaker.DescribeNotebookInstanceOutput, error)
	DescribeDomain(ctx context.Context, in *sagemaker.DescribeDomainInput, optFns ...func(*sagemaker.Options)) (*sagemaker.DescribeDomainOutput, error)
	DescribeUserProfile(ctx context.Context, in *sagemaker.DescribeUserProfileInput, optFns ...func(*sagemaker.Options)) (*sagemaker.DescribeUserProfileOutput, error)
	SageMakerGovernanceAPI
}

// pageSize is MaxResults of every SageMaker listing: the largest the API allows.
const pageSize = 100

// windowSlack widens the lookback window the API is asked for: it filters
// on CreationTimeAfter strictly, and the rules themselves drop what lies
// before their window.
const windowSlack = time.Second

// sageMakerSource implements the SageMaker sources of rules.Sources.
type sageMakerSource struct {
	api SageMakerAPI
	n   int // concurrent Describe calls
}

var (
	_ rules.SageMakerJobs      = (*sageMakerSource)(nil)
	_ rules.SageMakerInference = (*sageMakerSource)(nil)
	_ rules.SageMakerStudio    = (*sageMakerSource)(nil)
)

// TrainingJobs lists the training jobs created since, then describes each.
func (s *sageMakerSource) TrainingJobs(ctx context.Context, since time.Time) ([]rules.TrainingJob, error) {
	in := &sagemaker.ListTrainingJobsInput{CreationTimeAfter: aws.Time(since.Add(-windowSlack)), MaxResults: aws.Int32(pageSize),
		SortBy: types.SortByCreationTime, SortOrder: types.SortOrderDescending}
	return listDescribe(ctx, s.n, sagemaker.NewListTrainingJobsPaginator(s.api, in), "ListTrainingJobs",
		func(out *sagemaker.ListTrainingJobsOutput) []string {
			return keysOf(out.TrainingJobSummaries, func(j types.TrainingJobSummary) *string { return j.TrainingJobName })
		},
		"training job", func(ctx context.Context, name string) (rules.TrainingJob, error) {
			out, err := s.api.DescribeTrainingJob(ctx, &sagemaker.DescribeTrainingJobInput{TrainingJobName: aws.String(name)})
			if err != nil {
				return rules.TrainingJob{}, fmt.Errorf("DescribeTrainingJob %s: %w", name, err)
			}
			return trainingJob(out), nil
		})
}

func trainingJob(out *sagemaker.DescribeTrainingJobOutput) rules.TrainingJob {
	j := rules.TrainingJob{
		Name:                     aws.ToString(out.TrainingJobName),
		ARN:                      aws.ToString(out.TrainingJobArn),
		Created:                  aws.ToTime(out.CreationTime),
		Status:                   string(out.TrainingJobStatus),
		NetworkIsolation:         aws.ToBool(out.EnableNetworkIsolation),
		InterContainerEncryption: aws.ToBool(out.EnableInterContainerTrafficEncryption),
		RoleARN:                  aws.ToString(out.RoleArn),
	}
	if v := out.VpcConfig; v != nil {
		j.VpcSubnets, j.VpcSecurityGroups = v.Subnets, v.SecurityGroupIds
	}
	if rc := out.ResourceConfig; rc != nil {
		j.VolumeKMSKey = aws.ToString(rc.VolumeKmsKeyId)
		if rc.InstanceType != "" {
			j.InstanceTypes = append(j.InstanceTypes, string(rc.InstanceType))
		}
		for _, g := range rc.InstanceGroups {
			j.InstanceTypes = append(j.InstanceTypes, string(g.InstanceType))
		}
	}
	if o := out.OutputDataConfig; o != nil {
		j.OutputKMSKey = aws.ToString(o.KmsKeyId)
	}
	return j
}

// ProcessingJobs lists the processing jobs created since, then describes each.
func (s *sageMakerSource) ProcessingJobs(ctx context.Context, since time.Time) ([]rules.ProcessingJob, error) {
	in := &sagemaker.ListProcessingJobsInput{CreationTimeAfter: aws.Time(since.Add(-windowSlack)), MaxResults: aws.Int32(pageSize),
		SortBy: types.SortByCreationTime, SortOrder: types.SortOrderDescending}
	return listDescribe(ctx, s.n, sagemaker.NewListProcessingJobsPaginator(s.api, in), "ListProcessingJobs",
		func(out *sagemaker.ListProcessingJobsOutput) []string {
			return keysOf(out.ProcessingJobSummaries, func(j types.ProcessingJobSummary) *string { return j.ProcessingJobName })
		},
		"processing job", func(ctx context.Context, name string) (rules.ProcessingJob, error) {
			out, err := s.api.DescribeProcessingJob(ctx, &sagemaker.DescribeProcessingJobInput{ProcessingJobName: aws.String(name)})
			if err != nil {
				return rules.ProcessingJob{}, fmt.Errorf("DescribeProcessingJob %s: %w", name, err)
			}
			return processingJob(out), nil
		})
}

func processingJob(out *sagemaker.DescribeProcessingJobOutput) rules.ProcessingJob {
	j := rules.ProcessingJob{
		Name:    aws.ToString(out.ProcessingJobName),
		ARN:     aws.ToString(out.ProcessingJobArn),
		Created: aws.ToTime(out.CreationTime),
		Status:  string(out.ProcessingJobStatus),
		RoleARN: aws.ToString(out.RoleArn),
	}
	if nc := out.NetworkConfig; nc != nil {
		j.NetworkIsolation = aws.ToBool(nc.EnableNetworkIsolation)
		j.InterContainerEncryption = aws.ToBool(nc.EnableInterContainerTrafficEncryption)
		if v := nc.VpcConfig; v != nil {
			j.VpcSubnets, j.VpcSecurityGroups = v.Subnets, v.SecurityGroupIds
		}
	}
	if pr := out.ProcessingResources; pr != nil && pr.ClusterConfig != nil {
		j.VolumeKMSKey = aws.ToString(pr.ClusterConfig.VolumeKmsKeyId)
		if t := pr.ClusterConfig.InstanceType; t != "" {
			j.InstanceTypes = append(j.InstanceTypes, string(t))
		}
	}
	if oc := out.ProcessingOutputConfig; oc != nil {
		j.HasOutputConfig = true
		j.OutputKMSKey = aws.ToString(oc.KmsKeyId)
	}
	return j
}

// TransformJobs lists the transform jobs created since, then describes each.
func (s *sageMakerSource) TransformJobs(ctx context.Context, since time.Time) ([]rules.TransformJob, error) {
	in := &sagemaker.ListTransformJobsInput{CreationTimeAfter: aws.Time(since.Add(-windowSlack)), MaxResults: aws.Int32(pageSize),
		SortBy: types.SortByCreationTime, SortOrder: types.SortOrderDescending}
	return listDescribe(ctx, s.n, sagemaker.NewListTransformJobsPaginator(s.api, in), "ListTransformJobs",
		func(out *sagemaker.ListTransformJobsOutput) []string {
			return keysOf(out.TransformJobSummaries, func(j types.TransformJobSummary) *string { return j.TransformJobName })
		},
		"transform job", func(ctx context.Context, name string) (rules.TransformJob, error) {
			out, err := s.api.DescribeTransformJob(ctx, &sagemaker.DescribeTransformJobInput{TransformJobName: aws.String(name)})
			if err != nil {
				return rules.TransformJob{}, fmt.Errorf("DescribeTransformJob %s: %w", name, err)
			}
			return transformJob(out), nil
		})
}

func transformJob(out *sagemaker.DescribeTransformJobOutput) rules.TransformJob {
	j := rules.TransformJob{
		Name:      aws.ToString(out.TransformJobName),
		ARN:       aws.ToString(out.TransformJobArn),
		Created:   aws.ToTime(out.CreationTime),
		Status:    string(out.TransformJobStatus),
		ModelName: aws.ToString(out.ModelName),
	}
	if r := out.TransformResources; r != nil {
		j.VolumeKMSKey = aws.ToString(r.VolumeKmsKeyId)
		if r.InstanceType != "" {
			j.InstanceTypes = []string{string(r.InstanceType)}
		}
	}
	if o := out.TransformOutput; o != nil {
		j.OutputKMSKey = aws.ToString(o.KmsKeyId)
	}
	return j
}

// InServiceEndpoints lists the InService endpoints and describes each,
// its endpoint configuration and its models; a configuration or model
// shared by several endpoints is described once.
func (s *sageMakerSource) InServiceEndpoints(ctx context.Context) ([]rules.Endpoint, error) {
	p := sagemaker.NewListEndpointsPaginator(s.api, &sagemaker.ListEndpointsInput{
		StatusEquals: types.EndpointStatusInService,
		MaxResults:   aws.Int32(pageSize),
	})
	names, inc, err := pages(ctx, p, "ListEndpoints", func(out *sagemaker.ListEndpointsOutput) []string {
		return keysOf(out.Endpoints, func(e types.EndpointSummary) *string { return e.EndpointName })
	})
	if err != nil {
		return nil, err
	}
	endpoints, part, err := describeAll(ctx, s.n, unique(names), label("endpoint"), func(ctx context.Context, name string) (rules.Endpoint, error) {
		out, err := s.api.DescribeEndpoint(ctx, &sagemaker.DescribeEndpointInput{EndpointName: aws.String(name)})
		if err != nil {
			return rules.Endpoint{}, fmt.Errorf("DescribeEndpoint %s: %w", name, err)
		}
		return rules.Endpoint{
			Name:       aws.ToString(out.EndpointName),
			ARN:        aws.ToString(out.EndpointArn),
			Created:    aws.ToTime(out.CreationTime),
			Status:     string(out.EndpointStatus),
			ConfigName: aws.ToString(out.EndpointConfigName),
		}, nil
	})
	if err != nil {
		return nil, err
	}
	inc = combine(inc, part)

	var configNames []string
	for _, e := range endpoints {
		configNames = append(configNames, e.ConfigName)
	}
	configs, part, err := describeAll(ctx, s.n, unique(configNames), label("endpoint config"), func(ctx context.Context, name string) (*rules.EndpointConfig, error) {
		out, err := s.api.DescribeEndpointConfig(ctx, &sagemaker.DescribeEndpointConfigInput{EndpointConfigName: aws.String(name)})
		if err != nil {
			return nil, fmt.Errorf("DescribeEndpointConfig %s: %w", name, err)
		}
		return endpointConfig(out), nil
	})
	if err != nil {
		return nil, err
	}
	inc = combine(inc, part)
	configByName := map[string]*rules.EndpointConfig{}
	for _, c := range configs {
		configByName[c.Name] = c
	}
	skippedConfigs := skippedSet(part, "endpoint config ")

	var modelNames []string
	for _, c := range configs {
		modelNames = append(modelNames, variantModels(c)...)
	}
	models, part, err := describeAll(ctx, s.n, unique(modelNames), label("model"), s.describeModel)
	if err != nil {
		return nil, err
	}
	inc = combine(inc, part)
	modelByName := map[string]rules.Model{}
	for _, m := range models {
		modelByName[m.Name] = m
	}
	skippedModels := skippedSet(part, "model ")

	// Assemble; an endpoint whose configuration or models were cut off by
	// the deadline is skipped, not judged on partial facts.
	out := make([]rules.Endpoint, 0, len(endpoints))
	skip := func(e rules.Endpoint) {
		inc = combine(inc, &rules.Incomplete{Skipped: []string{"endpoint " + e.Name}, Cause: context.Cause(ctx)})
	}
	for _, e := range endpoints {
		if skippedConfigs[e.ConfigName] {
			skip(e)
			continue
		}
		e.Config = configByName[e.ConfigName]
		complete := true
		if e.Config != nil {
			for _, name := range variantModels(e.Config) {
				m, ok := modelByName[name]
				switch {
				case ok:
					e.Models = append(e.Models, m)
				case skippedModels[name]:
					complete = false
				default:
					e.MissingModels = append(e.MissingModels, name)
				}
			}
		}
		if !complete {
			skip(e)
			continue
		}
		out = append(out, e)
	}
	return out, asError(inc)
}

func endpointConfig(out *sagemaker.DescribeEndpointConfigOutput) *rules.EndpointConfig {
	c := &rules.EndpointConfig{
		Name:   aws.ToString(out.EndpointConfigName),
		ARN:    aws.ToString(out.EndpointConfigArn),
		KMSKey: aws.ToString(out.KmsKeyId),
	}
	add := func(list []types.ProductionVariant, shadow bool) {
		for _, v := range list {
			c.Variants = append(c.Variants, rules.EndpointVariant{
				Name:                 aws.ToString(v.VariantName),
				ModelName:            aws.ToString(v.ModelName),
				InstanceType:         string(v.InstanceType),
				Serverless:           v.ServerlessConfig != nil,
				InitialInstanceCount: int(aws.ToInt32(v.InitialInstanceCount)),
				Shadow:               shadow,
			})
		}
	}
	add(out.ProductionVariants, false)
	add(out.ShadowProductionVariants, true)
	if dc := out.DataCaptureConfig; dc != nil {
		c.DataCapture = &rules.DataCapture{
			EnableCapture:             dc.EnableCapture,
			KMSKey:                    aws.ToString(dc.KmsKeyId),
			InitialSamplingPercentage: int(aws.ToInt32(dc.InitialSamplingPercentage)),
		}
	}
	return c
}

func variantModels(c *rules.EndpointConfig) []string {
	var names []string
	for _, v := range c.Variants {
		if v.ModelName != "" {
			names = append(names, v.ModelName)
		}
	}
	return unique(names)
}

func (s *sageMakerSource) describeModel(ctx context.Context, name string) (rules.Model, error) {
	out, err := s.api.DescribeModel(ctx, &sagemaker.DescribeModelInput{ModelName: aws.String(name)})
	if err != nil {
		return rules.Model{}, fmt.Errorf("DescribeModel %s: %w", name, err)
	}
	m := rules.Model{
		Name:             aws.ToString(out.ModelName),
		ARN:              aws.ToString(out.ModelArn),
		Created:          aws.ToTime(out.CreationTime),
		NetworkIsolation: aws.ToBool(out.EnableNetworkIsolation),
		RoleARN:          aws.ToString(out.ExecutionRoleArn),
	}
	if v := out.VpcConfig; v != nil {
		m.VpcSubnets, m.VpcSecurityGroups = v.Subnets, v.SecurityGroupIds
	}
	return m, nil
}

// Models lists every model and describes each.
func (s *sageMakerSource) Models(ctx context.Context) ([]rules.Model, error) {
	p := sagemaker.NewListModelsPaginator(s.api, &sagemaker.ListModelsInput{MaxResults: aws.Int32(pageSize)})
	return listDescribe(ctx, s.n, p, "ListModels", func(out *sagemaker.ListModelsOutput) []string {
		return keysOf(out.Models, func(m types.ModelSummary) *string { return m.ModelName })
	}, "model", s.describeModel)
}

// NotebookInstances lists every notebook instance and describes each.
func (s *sageMakerSource) NotebookInstances(ctx context.Context) ([]rules.NotebookInstance, error) {
	p := sagemaker.NewListNotebookInstancesPaginator(s.api, &sagemaker.ListNotebookInstancesInput{MaxResults: aws.Int32(pageSize)})
	return listDescribe(ctx, s.n, p, "ListNotebookInstances", func(out *sagemaker.ListNotebookInstancesOutput) []string {
		return keysOf(out.NotebookInstances, func(n types.NotebookInstanceSummary) *string { return n.NotebookInstanceName })
	}, "notebook instance", func(ctx context.Context, name string) (rules.NotebookInstance, error) {
		out, err := s.api.DescribeNotebookInstance(ctx, &sagemaker.DescribeNotebookInstanceInput{NotebookInstanceName: aws.String(name)})
		if err != nil {
			return rules.NotebookInstance{}, fmt.Errorf("DescribeNotebookInstance %s: %w", name, err)
		}
		return rules.NotebookInstance{
			Name:    aws.ToString(out.NotebookInstanceName),
			ARN:     aws.ToString(out.NotebookInstanceArn),
			RoleARN: aws.ToString(out.RoleArn),
		}, nil
	})
}

// Domains lists every Studio domain and describes each.
func (s *sageMakerSource) Domains(ctx context.Context) ([]rules.Domain, error) {
	p := sagemaker.NewListDomainsPaginator(s.api, &sagemaker.ListDomainsInput{MaxResults: aws.Int32(pageSize)})
	return listDescribe(ctx, s.n, p, "ListDomains", func(out *sagemaker.ListDomainsOutput) []string {
		return keysOf(out.Domains, func(d types.DomainDetails) *string { return d.DomainId })
	}, "domain", func(ctx context.Context, id string) (rules.Domain, error) {
		out, err := s.api.DescribeDomain(ctx, &sagemaker.DescribeDomainInput{DomainId: aws.String(id)})
		if err != nil {
			return rules.Domain{}, fmt.Errorf("DescribeDomain %s: %w", id, err)
		}
		d := rules.Domain{ID: aws.ToString(out.DomainId), Name: aws.ToString(out.DomainName), ARN: aws.ToString(out.DomainArn)}
		if u := out.DefaultUserSettings; u != nil && aws.ToString(u.ExecutionRole) != "" {
			d.ExecutionRoles = append(d.ExecutionRoles, aws.ToString(u.ExecutionRole))
		}
		if sp := out.DefaultSpaceSettings; sp != nil && aws.ToString(sp.ExecutionRole) != "" {
			d.ExecutionRoles = append(d.ExecutionRoles, aws.ToString(sp.ExecutionRole))
		}
		return d, nil
	})
}

// UserProfiles lists the user profiles of every domain and describes each.
func (s *sageMakerSource) UserProfiles(ctx context.Context) ([]rules.UserProfile, error) {
	type ref struct{ domain, name string }
	p := sagemaker.NewListUserProfilesPaginator(s.api, &sagemaker.ListUserProfilesInput{MaxResults: aws.Int32(pageSize)})
	refs, inc, err := pages(ctx, p, "ListUserProfiles", func(out *sagemaker.ListUserProfilesOutput) []ref {
		refs := make([]ref, 0, len(out.UserProfiles))
		for _, u := range out.UserProfiles {
			refs = append(refs, ref{aws.ToString(u.DomainId), aws.ToString(u.UserProfileName)})
		}
		return refs
	})
	if err != nil {
		return nil, err
	}
	list, dinc, err := describeAll(ctx, s.n, refs, func(r ref) string { return "user profile " + r.domain + "/" + r.name },
		func(ctx context.Context, r ref) (rules.UserProfile, error) {
			out, err := s.api.DescribeUserProfile(ctx, &sagemaker.DescribeUserProfileInput{DomainId: aws.String(r.domain), UserProfileName: aws.String(r.name)})
			if err != nil {
				return rules.UserProfile{}, fmt.Errorf("DescribeUserProfile %s/%s: %w", r.domain, r.name, err)
			}
			u := rules.UserProfile{DomainID: aws.ToString(out.DomainId), Name: aws.ToString(out.UserProfileName), ARN: aws.ToString(out.UserProfileArn)}
			if us := out.UserSettings; us != nil {
				u.RoleARN = aws.ToString(us.ExecutionRole)
			}
			return u, nil
		})
	if err != nil {
		return nil, err
	}
	return list, asError(combine(inc, dinc))
}
