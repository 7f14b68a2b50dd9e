package sources

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	agtypes "github.com/aws/aws-sdk-go-v2/service/apigateway/types"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/bedrock"
	btypes "github.com/aws/aws-sdk-go-v2/service/bedrock/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/comprehend"
	ctypes "github.com/aws/aws-sdk-go-v2/service/comprehend/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sagemaker"
	smtypes "github.com/aws/aws-sdk-go-v2/service/sagemaker/types"

	"github.com/aiguard/aiguard/awsid"
	"github.com/aiguard/aiguard/rules"
)

// SageMakerGovernanceAPI is the part of the SageMaker API the governance
// source reads; *sagemaker.Client satisfies it.
type SageMakerGovernanceAPI interface {
	sagemaker.ListFlowDefinitionsAPIClient
	sagemaker.ListNotebookInstanceLifecycleConfigsAPIClient
	sagemaker.ListMonitoringSchedulesAPIClient
	DescribeFlowDefinition(ctx context.Context, in *sagemaker.DescribeFlowDefinitionInput, optFns ...func(*sagemaker.Options)) (*sagemaker.DescribeFlowDefinitionOutput, error)
	DescribeNotebookInstanceLifecycleConfig(ctx context.Context, in *sagemaker.DescribeNotebookInstanceLifecycleConfigInput, optFns ...func(*sagemaker.Options)) (*sagemaker.DescribeNotebookInstanceLifecycleConfigOutput, error)
}

type governanceSource struct {
	api SageMakerGovernanceAPI
	n   int
}

var _ rules.SageMakerGovernance = (*governanceSource)(nil)

// FlowDefinitions lists every flow definition and describes each.
func (s *governanceSource) FlowDefinitions(ctx context.Context) ([]rules.FlowDefinition, error) {
	p := sagemaker.NewListFlowDefinitionsPaginator(s.api, &sagemaker.ListFlowDefinitionsInput{MaxResults: aws.Int32(pageSize)})
	return listDescribe(ctx, s.n, p, "ListFlowDefinitions", func(out *sagemaker.ListFlowDefinitionsOutput) []string {
		return keysOf(out.FlowDefinitionSummaries, func(f smtypes.FlowDefinitionSummary) *string { return f.FlowDefinitionName })
	}, "flow definition", func(ctx context.Context, name string) (rules.FlowDefinition, error) {
		out, err := s.api.DescribeFlowDefinition(ctx, &sagemaker.DescribeFlowDefinitionInput{FlowDefinitionName: aws.String(name)})
		if err != nil {
			return rules.FlowDefinition{}, fmt.Errorf("DescribeFlowDefinition %s: %w", name, err)
		}
		f := rules.FlowDefinition{Name: aws.ToString(out.FlowDefinitionName), ARN: aws.ToString(out.FlowDefinitionArn),
			Status: string(out.FlowDefinitionStatus)}
		if out.OutputConfig != nil {
			f.OutputKMSKey = aws.ToString(out.OutputConfig.KmsKeyId)
		}
		return f, nil
	})
}

// NotebookLifecycleConfigs lists every notebook instance lifecycle
// configuration and describes each, scripts included.
func (s *governanceSource) NotebookLifecycleConfigs(ctx context.Context) ([]rules.LifecycleConfig, error) {
	p := sagemaker.NewListNotebookInstanceLifecycleConfigsPaginator(s.api, &sagemaker.ListNotebookInstanceLifecycleConfigsInput{MaxResults: aws.Int32(pageSize)})
	return listDescribe(ctx, s.n, p, "ListNotebookInstanceLifecycleConfigs", func(out *sagemaker.ListNotebookInstanceLifecycleConfigsOutput) []string {
		return keysOf(out.NotebookInstanceLifecycleConfigs, func(c smtypes.NotebookInstanceLifecycleConfigSummary) *string {
			return c.NotebookInstanceLifecycleConfigName
		})
	}, "lifecycle configuration", func(ctx context.Context, name string) (rules.LifecycleConfig, error) {
		out, err := s.api.DescribeNotebookInstanceLifecycleConfig(ctx, &sagemaker.DescribeNotebookInstanceLifecycleConfigInput{
			NotebookInstanceLifecycleConfigName: aws.String(name)})
		if err != nil {
			return rules.LifecycleConfig{}, fmt.Errorf("DescribeNotebookInstanceLifecycleConfig %s: %w", name, err)
		}
		c := rules.LifecycleConfig{Name: aws.ToString(out.NotebookInstanceLifecycleConfigName),
			ARN: aws.ToString(out.NotebookInstanceLifecycleConfigArn)}
		for _, h := range out.OnCreate {
			c.Scripts = append(c.Scripts, rules.LifecycleScript{Hook: "OnCreate", Content: aws.ToString(h.Content)})
		}
		for _, h := range out.OnStart {
			c.Scripts = append(c.Scripts, rules.LifecycleScript{Hook: "OnStart", Content: aws.ToString(h.Content)})
		}
		return c, nil
	})
}

// MonitoringSchedules lists every monitoring schedule; the summaries carry
// what the rules need.
func (s *governanceSource) MonitoringSchedules(ctx context.Context) ([]rules.MonitoringSchedule, error) {
	p := sagemaker.NewListMonitoringSchedulesPaginator(s.api, &sagemaker.ListMonitoringSchedulesInput{MaxResults: aws.Int32(pageSize)})
	return listEvery(ctx, p, "ListMonitoringSchedules", func(out *sagemaker.ListMonitoringSchedulesOutput) []rules.MonitoringSchedule {
		return each(out.MonitoringScheduleSummaries, func(m smtypes.MonitoringScheduleSummary) rules.MonitoringSchedule {
			return rules.MonitoringSchedule{Name: aws.ToString(m.MonitoringScheduleName),
				ARN: aws.ToString(m.MonitoringScheduleArn), Status: string(m.MonitoringScheduleStatus),
				EndpointName: aws.ToString(m.EndpointName), Type: string(m.MonitoringType)}
		})
	})
}

// ComprehendModelsAPI is the part of the Comprehend API the model source
// reads; *comprehend.Client satisfies it.
type ComprehendModelsAPI interface {
	comprehend.ListEntityRecognizersAPIClient
	comprehend.ListDocumentClassifiersAPIClient
}

type comprehendModelSource struct{ api ComprehendModelsAPI }

var _ rules.ComprehendModels = (*comprehendModelSource)(nil)

// EntityRecognizers lists every custom entity recognizer.
func (s *comprehendModelSource) EntityRecognizers(ctx context.Context) ([]rules.ComprehendModel, error) {
	p := comprehend.NewListEntityRecognizersPaginator(s.api, &comprehend.ListEntityRecognizersInput{MaxResults: aws.Int32(comprehendPageSize)})
	return listEvery(ctx, p, "ListEntityRecognizers", func(out *comprehend.ListEntityRecognizersOutput) []rules.ComprehendModel {
		return each(out.EntityRecognizerPropertiesList, func(m ctypes.EntityRecognizerProperties) rules.ComprehendModel {
			return rules.ComprehendModel{ARN: aws.ToString(m.EntityRecognizerArn), Status: string(m.Status),
				ModelKMSKey: aws.ToString(m.ModelKmsKeyId), VolumeKMSKey: aws.ToString(m.VolumeKmsKeyId)}
		})
	})
}

// DocumentClassifiers lists every custom document classifier.
func (s *comprehendModelSource) DocumentClassifiers(ctx context.Context) ([]rules.ComprehendModel, error) {
	p := comprehend.NewListDocumentClassifiersPaginator(s.api, &comprehend.ListDocumentClassifiersInput{MaxResults: aws.Int32(comprehendPageSize)})
	return listEvery(ctx, p, "ListDocumentClassifiers", func(out *comprehend.ListDocumentClassifiersOutput) []rules.ComprehendModel {
		return each(out.DocumentClassifierPropertiesList, func(m ctypes.DocumentClassifierProperties) rules.ComprehendModel {
			return rules.ComprehendModel{ARN: aws.ToString(m.DocumentClassifierArn), Status: string(m.Status),
				ModelKMSKey: aws.ToString(m.ModelKmsKeyId), VolumeKMSKey: aws.ToString(m.VolumeKmsKeyId), Classifier: true}
		})
	})
}

// BedrockGuardrailsAPI is the part of the Bedrock API the guardrail source
// reads; *bedrock.Client satisfies it.
type BedrockGuardrailsAPI interface {
	bedrock.ListGuardrailsAPIClient
	GetGuardrail(ctx context.Context, in *bedrock.GetGuardrailInput, optFns ...func(*bedrock.Options)) (*bedrock.GetGuardrailOutput, error)
}

type guardrailSource struct {
	api BedrockGuardrailsAPI
	n   int
}

var _ rules.BedrockGuardrails = (*guardrailSource)(nil)

// Guardrails lists the guardrails (ListGuardrails without an identifier
// gives each one's draft) and gets each draft's policies.
func (s *guardrailSource) Guardrails(ctx context.Context) ([]rules.Guardrail, error) {
	p := bedrock.NewListGuardrailsPaginator(s.api, &bedrock.ListGuardrailsInput{MaxResults: aws.Int32(bedrockPageSize)})
	return listDescribe(ctx, s.n, p, "ListGuardrails", func(out *bedrock.ListGuardrailsOutput) []string {
		return keysOf(out.Guardrails, func(g btypes.GuardrailSummary) *string { return g.Id })
	}, "guardrail", func(ctx context.Context, id string) (rules.Guardrail, error) {
		out, err := s.api.GetGuardrail(ctx, &bedrock.GetGuardrailInput{GuardrailIdentifier: aws.String(id)})
		if err != nil {
			return rules.Guardrail{}, fmt.Errorf("GetGuardrail %s: %w", id, err)
		}
		return guardrailOf(out), nil
	})
}

func guardrailOf(out *bedrock.GetGuardrailOutput) rules.Guardrail {
	g := rules.Guardrail{ID: aws.ToString(out.GuardrailId), ARN: aws.ToString(out.GuardrailArn), Name: aws.ToString(out.Name),
		Version: aws.ToString(out.Version), Status: string(out.Status)}
	if cp := out.ContentPolicy; cp != nil {
		for _, f := range cp.Filters {
			g.ContentFilters = append(g.ContentFilters, rules.GuardrailContentFilter{Type: string(f.Type),
				InputStrength: string(f.InputStrength), OutputStrength: string(f.OutputStrength),
				InputAction: string(f.InputAction), OutputAction: string(f.OutputAction),
				InputEnabled: f.InputEnabled, OutputEnabled: f.OutputEnabled})
		}
	}
	if sp := out.SensitiveInformationPolicy; sp != nil {
		for _, e := range sp.PiiEntities {
			g.PIIEntities = append(g.PIIEntities, piiEntity(e))
		}
	}
	if gp := out.ContextualGroundingPolicy; gp != nil {
		for _, f := range gp.Filters {
			g.GroundingFilters = append(g.GroundingFilters, rules.GuardrailGroundingFilter{Type: string(f.Type),
				Action: string(f.Action), Threshold: aws.ToFloat64(f.Threshold), Enabled: f.Enabled})
		}
	}
	return g
}

func piiEntity(e btypes.GuardrailPiiEntity) rules.GuardrailPIIEntity {
	return rules.GuardrailPIIEntity{Type: string(e.Type), Action: string(e.Action), InputAction: string(e.InputAction),
		OutputAction: string(e.OutputAction), InputEnabled: e.InputEnabled, OutputEnabled: e.OutputEnabled}
}

// IAMCredentialsAPI is the part of the IAM API the credential source
// reads; *iam.Client satisfies it.
type IAMCredentialsAPI interface {
	ListServiceSpecificCredentials(ctx context.Context, in *iam.ListServiceSpecificCredentialsInput, optFns ...func(*iam.Options)) (*iam.ListServiceSpecificCredentialsOutput, error)
	GetUser(ctx context.Context, in *iam.GetUserInput, optFns ...func(*iam.Options)) (*iam.GetUserOutput, error)
}

type credentialSource struct {
	api IAMCredentialsAPI
	n   int
}

var _ rules.IAMCredentials = (*credentialSource)(nil)

// markerPager pages an IAM listing by its Marker.
type markerPager struct {
	marker *string
	done   bool
}

func (p *markerPager) HasMorePages() bool { return !p.done }

// ServiceCredentials lists every user's credentials for the service
// (AllUsers), then gets each user for its ID and ARN.
func (s *credentialSource) ServiceCredentials(ctx context.Context, service string) ([]rules.ServiceCredential, error) {
	p := &markerPager{}
	creds, inc, err := listAll(ctx, p, func(ctx context.Context) ([]rules.ServiceCredential, error) {
		out, err := s.api.ListServiceSpecificCredentials(ctx, &iam.ListServiceSpecificCredentialsInput{
			AllUsers: aws.Bool(true), ServiceName: aws.String(service), Marker: p.marker})
		if err != nil {
			return nil, fmt.Errorf("ListServiceSpecificCredentials: %w", err)
		}
		p.marker, p.done = out.Marker, !out.IsTruncated || out.Marker == nil
		var page []rules.ServiceCredential
		for _, c := range out.ServiceSpecificCredentials {
			page = append(page, rules.ServiceCredential{ID: aws.ToString(c.ServiceSpecificCredentialId),
				UserName: aws.ToString(c.UserName), Status: string(c.Status), Created: aws.ToTime(c.CreateDate),
				Expires: c.ExpirationDate, ServiceName: aws.ToString(c.ServiceName), Name: aws.ToString(c.ServiceCredentialAlias)})
		}
		return page, nil
	})
	if err != nil {
		return nil, err
	}
	var names []string
	for _, c := range creds {
		names = append(names, c.UserName)
	}
	type user struct{ name, id, arn string }
	users, dinc, err := describeAll(ctx, s.n, unique(names), label("user"), func(ctx context.Context, name string) (user, error) {
		out, err := s.api.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(name)})
		if err != nil {
			return user{}, fmt.Errorf("GetUser %s: %w", name, err)
		}
		if out.User == nil {
			return user{}, fmt.Errorf("GetUser %s: the response has no user", name)
		}
		return user{name: name, id: aws.ToString(out.User.UserId), arn: aws.ToString(out.User.Arn)}, nil
	})
	if err != nil {
		return nil, err
	}
	byName := map[string]user{}
	for _, u := range users {
		byName[u.name] = u
	}
	out := creds[:0]
	for _, c := range creds {
		u, ok := byName[c.UserName]
		if !ok {
			continue // gone, or not reached before the deadline
		}
		c.UserID, c.UserARN = u.id, u.arn
		out = append(out, c)
	}
	return out, asError(combine(inc, dinc))
}

// EC2API is the part of the EC2 API the VPC source reads; *ec2.Client
// satisfies it.
type EC2API interface {
	ec2.DescribeVpcsAPIClient
	ec2.DescribeVpcEndpointsAPIClient
}

type vpcSource struct{ api EC2API }

var _ rules.VPCEndpoints = (*vpcSource)(nil)

// VPCs returns those of ids that exist in the Region: DescribeVpcs with a
// vpc-id filter answers with the existing ones instead of failing.
func (s *vpcSource) VPCs(ctx context.Context, ids []string) ([]string, error) {
	p := ec2.NewDescribeVpcsPaginator(s.api, &ec2.DescribeVpcsInput{
		Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: ids}}})
	var out []string
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("DescribeVpcs: %w", err)
		}
		for _, v := range page.Vpcs {
			out = append(out, aws.ToString(v.VpcId))
		}
	}
	return out, nil
}

// Endpoints returns the VPC endpoints of the VPCs.
func (s *vpcSource) Endpoints(ctx context.Context, vpcIDs []string) ([]rules.VPCEndpointInfo, error) {
	p := ec2.NewDescribeVpcEndpointsPaginator(s.api, &ec2.DescribeVpcEndpointsInput{
		Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: vpcIDs}}})
	var out []rules.VPCEndpointInfo
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("DescribeVpcEndpoints: %w", err)
		}
		for _, e := range page.VpcEndpoints {
			out = append(out, rules.VPCEndpointInfo{ID: aws.ToString(e.VpcEndpointId), VPCID: aws.ToString(e.VpcId),
				ServiceName: aws.ToString(e.ServiceName), Type: string(e.VpcEndpointType), State: string(e.State),
				PrivateDNS: aws.ToBool(e.PrivateDnsEnabled)})
		}
	}
	return out, nil
}

// ELBAPI is the part of the Elastic Load Balancing v2 API the front source
// reads; *elasticloadbalancingv2.Client satisfies it.
type ELBAPI interface {
	elb.DescribeLoadBalancersAPIClient
	elb.DescribeListenersAPIClient
	elb.DescribeListenerCertificatesAPIClient
	DescribeTags(ctx context.Context, in *elb.DescribeTagsInput, optFns ...func(*elb.Options)) (*elb.DescribeTagsOutput, error)
}

// APIGatewayAPI and APIGatewayV2API list custom domain names.
type APIGatewayAPI interface {
	apigateway.GetDomainNamesAPIClient
}

// APIGatewayV2API is the part of API Gateway v2 the front source reads.
type APIGatewayV2API interface {
	GetDomainNames(ctx context.Context, in *apigatewayv2.GetDomainNamesInput, optFns ...func(*apigatewayv2.Options)) (*apigatewayv2.GetDomainNamesOutput, error)
}

// CloudFrontAPI is the part of the CloudFront API the front source reads.
type CloudFrontAPI interface {
	cloudfront.ListDistributionsAPIClient
	ListTagsForResource(ctx context.Context, in *cloudfront.ListTagsForResourceInput, optFns ...func(*cloudfront.Options)) (*cloudfront.ListTagsForResourceOutput, error)
}

// ACMAPI is the part of the ACM API the certificate source reads.
type ACMAPI interface {
	DescribeCertificate(ctx context.Context, in *acm.DescribeCertificateInput, optFns ...func(*acm.Options)) (*acm.DescribeCertificateOutput, error)
}

type frontSource struct {
	elb        ELBAPI
	v1         APIGatewayAPI
	v2         APIGatewayV2API
	cloudFront CloudFrontAPI
	region     string // of the domain ARNs
	n          int
}

var _ rules.MLFronts = (*frontSource)(nil)

// elbTagBatch is DescribeTags' limit on resource ARNs per call.
const elbTagBatch = 20

// Listeners lists the HTTPS and TLS listeners of every load balancer, each
// with its certificates and its load balancer's and its own tags.
func (s *frontSource) Listeners(ctx context.Context) ([]rules.Listener, error) {
	api := s.elb
	p := elb.NewDescribeLoadBalancersPaginator(api, &elb.DescribeLoadBalancersInput{})
	type lb struct{ arn, name string }
	lbs, inc, err := pages(ctx, p, "DescribeLoadBalancers", func(out *elb.DescribeLoadBalancersOutput) []lb {
		return each(out.LoadBalancers, func(l elbtypes.LoadBalancer) lb {
			return lb{aws.ToString(l.LoadBalancerArn), aws.ToString(l.LoadBalancerName)}
		})
	})
	if err != nil {
		return nil, err
	}
	perLB, dinc, err := describeAll(ctx, s.n, lbs, func(l lb) string { return "load balancer " + l.name },
		func(ctx context.Context, l lb) ([]rules.Listener, error) {
			lp := elb.NewDescribeListenersPaginator(api, &elb.DescribeListenersInput{LoadBalancerArn: aws.String(l.arn)})
			var out []rules.Listener
			for lp.HasMorePages() {
				page, err := lp.NextPage(ctx)
				if err != nil {
					return nil, fmt.Errorf("DescribeListeners %s: %w", l.name, err)
				}
				for _, x := range page.Listeners {
					switch x.Protocol {
					case "HTTPS", "TLS":
					default:
						continue
					}
					li := rules.Listener{ARN: aws.ToString(x.ListenerArn), LoadBalancerARN: l.arn, LoadBalancerName: l.name,
						Protocol: string(x.Protocol)}
					cp := elb.NewDescribeListenerCertificatesPaginator(api, &elb.DescribeListenerCertificatesInput{ListenerArn: x.ListenerArn})
					for cp.HasMorePages() {
						certs, err := cp.NextPage(ctx)
						if err != nil {
							return nil, fmt.Errorf("DescribeListenerCertificates %s: %w", li.ARN, err)
						}
						for _, c := range certs.Certificates {
							if arn := aws.ToString(c.CertificateArn); arn != "" && !slices.Contains(li.Certificates, arn) {
								li.Certificates = append(li.Certificates, arn)
							}
						}
					}
					out = append(out, li)
				}
			}
			return out, nil
		})
	if err != nil {
		return nil, err
	}
	var listeners []rules.Listener
	var arns []string
	for _, set := range perLB {
		for _, l := range set {
			listeners = append(listeners, l)
			arns = append(arns, l.LoadBalancerARN, l.ARN)
		}
	}
	tags := map[string]map[string]string{}
	arns = unique(arns)
	for i := 0; i < len(arns); i += elbTagBatch {
		out, err := api.DescribeTags(ctx, &elb.DescribeTagsInput{ResourceArns: arns[i:min(i+elbTagBatch, len(arns))]})
		if err != nil {
			if isGone(err) {
				continue // a load balancer deleted meanwhile
			}
			return nil, fmt.Errorf("DescribeTags: %w", err)
		}
		for _, d := range out.TagDescriptions {
			m := map[string]string{}
			for _, t := range d.Tags {
				m[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
			tags[aws.ToString(d.ResourceArn)] = m
		}
	}
	for i := range listeners {
		l := &listeners[i]
		l.Tags = map[string]string{}
		for _, src := range []string{l.LoadBalancerARN, l.ARN} {
			for k, v := range tags[src] {
				l.Tags[k] = v
			}
		}
	}
	return listeners, asError(combine(inc, dinc))
}

// APIDomains lists the REST (v1) and HTTP/WebSocket (v2) custom domain
// names, whose listings carry their tags and certificates.
func (s *frontSource) APIDomains(ctx context.Context) ([]rules.APIDomain, error) {
	p := apigateway.NewGetDomainNamesPaginator(s.v1, &apigateway.GetDomainNamesInput{Limit: aws.Int32(500)})
	domains, inc, err := pages(ctx, p, "GetDomainNames", func(out *apigateway.GetDomainNamesOutput) []rules.APIDomain {
		return each(out.Items, func(d agtypes.DomainName) rules.APIDomain {
			dom := s.domain(d.DomainName, d.DomainNameArn, d.Tags)
			for _, c := range []string{aws.ToString(d.CertificateArn), aws.ToString(d.RegionalCertificateArn)} {
				if c != "" {
					dom.Certificates = append(dom.Certificates, c)
				}
			}
			return dom
		})
	})
	if err != nil {
		return nil, err
	}
	var token *string
	for {
		if ctx.Err() != nil {
			return domains, combine(inc, &rules.Incomplete{Truncated: true, Cause: context.Cause(ctx)})
		}
		out, err := s.v2.GetDomainNames(ctx, &apigatewayv2.GetDomainNamesInput{NextToken: token, MaxResults: aws.String("100")})
		if err != nil {
			return nil, fmt.Errorf("GetDomainNames (v2): %w", err)
		}
		for _, d := range out.Items {
			dom := s.domain(d.DomainName, d.DomainNameArn, d.Tags)
			for _, c := range d.DomainNameConfigurations {
				if arn := aws.ToString(c.CertificateArn); arn != "" {
					dom.Certificates = append(dom.Certificates, arn)
				}
			}
			domains = append(domains, dom)
		}
		if out.NextToken == nil || *out.NextToken == "" {
			break
		}
		token = out.NextToken
	}
	return domains, asError(inc)
}

// domain is an API Gateway custom domain as its listings give it; the ARN
// is built for listings that do not carry it.
func (s *frontSource) domain(name, arn *string, tags map[string]string) rules.APIDomain {
	d := rules.APIDomain{Name: aws.ToString(name), ARN: aws.ToString(arn), Tags: tags}
	if d.ARN == "" {
		d.ARN = awsid.ARN{Partition: awsid.EndpointPartition(s.region), Service: "apigateway", Region: s.region, Resource: "/domainnames/" + d.Name}.String()
	}
	return d
}

// Distributions lists every CloudFront distribution with its tags.
func (s *frontSource) Distributions(ctx context.Context) ([]rules.Distribution, error) {
	api := s.cloudFront
	p := cloudfront.NewListDistributionsPaginator(api, &cloudfront.ListDistributionsInput{MaxItems: aws.Int32(100)})
	dists, inc, err := pages(ctx, p, "ListDistributions", func(out *cloudfront.ListDistributionsOutput) []rules.Distribution {
		if out.DistributionList == nil {
			return nil
		}
		return each(out.DistributionList.Items, func(d cftypes.DistributionSummary) rules.Distribution {
			dist := rules.Distribution{ID: aws.ToString(d.Id), ARN: aws.ToString(d.ARN), DomainName: aws.ToString(d.DomainName)}
			if vc := d.ViewerCertificate; vc != nil {
				dist.ACMCertificate = aws.ToString(vc.ACMCertificateArn)
				dist.IAMCertificateID = aws.ToString(vc.IAMCertificateId)
				dist.DefaultCertificate = aws.ToBool(vc.CloudFrontDefaultCertificate)
			} else {
				dist.DefaultCertificate = true
			}
			return dist
		})
	})
	if err != nil {
		return nil, err
	}
	tagged, dinc, err := describeAll(ctx, s.n, dists, func(d rules.Distribution) string { return "distribution " + d.ID },
		func(ctx context.Context, d rules.Distribution) (rules.Distribution, error) {
			out, err := api.ListTagsForResource(ctx, &cloudfront.ListTagsForResourceInput{Resource: aws.String(d.ARN)})
			if err != nil {
				return d, fmt.Errorf("ListTagsForResource %s: %w", d.ID, err)
			}
			d.Tags = map[string]string{}
			if out.Tags != nil {
				for _, t := range out.Tags.Items {
					d.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
				}
			}
			return d, nil
		})
	if err != nil {
		return nil, err
	}
	sort.Slice(tagged, func(i, j int) bool { return tagged[i].ID < tagged[j].ID })
	return tagged, asError(combine(inc, dinc))
}

type certificateSource struct{ api ACMAPI }

var _ rules.Certificates = (*certificateSource)(nil)

// Certificate describes one ACM certificate; nil when it does not exist.
func (s *certificateSource) Certificate(ctx context.Context, arn string) (*rules.Certificate, error) {
	out, err := s.api.DescribeCertificate(ctx, &acm.DescribeCertificateInput{CertificateArn: aws.String(arn)})
	if err != nil {
		if isGone(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("DescribeCertificate: %w", err)
	}
	c := out.Certificate
	if c == nil {
		return nil, nil
	}
	return &rules.Certificate{ARN: aws.ToString(c.CertificateArn), Type: string(c.Type), Status: string(c.Status),
		CAARN: aws.ToString(c.CertificateAuthorityArn), NotAfter: aws.ToTime(c.NotAfter)}, nil
}
