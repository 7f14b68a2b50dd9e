// Package sources reads AWS for aiguard's periodic rules: it implements the
// interfaces of rules.Sources over AWS SDK clients. Each source lists with
// the SDK's paginators and describes what it listed with a bounded number
// of calls in flight; it stops at its context's end and returns what it
// read with an *rules.Incomplete naming the rest, and it leaves out
// resources deleted between their listing and their description.
//
// There is one way to wire them: New builds the sources over APIs, one
// client (or anything with its methods) per service, and For fills APIs
// from the lazily made clients of package awsclient, making the clients of
// only the services a rule calls.
package sources

import (
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/bedrock"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagent"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/comprehend"
	"github.com/aws/aws-sdk-go-v2/service/costexplorer"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/rekognition"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sagemaker"

	"github.com/aiguard/aiguard/awsclient"
	"github.com/aiguard/aiguard/awsid"
	"github.com/aiguard/aiguard/rules"
)

// Options tune the sources of one invocation.
type Options struct {
	// Concurrency bounds the Describe/Get calls in flight at once
	// (rules.DefaultDescribeConcurrency when zero or less).
	Concurrency int
	// Services are the IAM service prefixes (sagemaker, s3, ...) whose
	// sources to provide, those of the rule's Actions; empty provides every
	// source.
	Services []string
}

func (o Options) concurrency() int {
	if o.Concurrency <= 0 {
		return rules.DefaultDescribeConcurrency
	}
	return o.Concurrency
}

// APIs are the service APIs the sources read, one per service: the SDK
// clients, or anything with the same methods. A nil API leaves its sources
// nil.
type APIs struct {
	SageMaker    SageMakerAPI
	IAM          IAMAPI
	Bedrock      BedrockAPI
	BedrockAgent BedrockAgentAPI
	Comprehend   ComprehendAPI
	Rekognition  RekognitionAPI
	S3           S3API
	Logs         LogsAPI
	CloudTrail   CloudTrailAPI
	GuardDuty    GuardDutyAPI
	CostExplorer CostExplorerAPI
	EC2          EC2API
	ELB          ELBAPI
	APIGateway   APIGatewayAPI
	APIGatewayV2 APIGatewayV2API
	CloudFront   CloudFrontAPI
	ACM          ACMAPI
	// Region is the Region the APIs call; it names the ARNs of API Gateway
	// custom domains whose listings do not carry them.
	Region string
}

// New builds the sources over a's APIs. Each call gets its own sources
// (their per-run caches and concurrency).
func New(a APIs, o Options) rules.Sources {
	n := o.concurrency()
	var s rules.Sources
	if a.SageMaker != nil {
		src := &sageMakerSource{api: a.SageMaker, n: n}
		s.SageMakerJobs, s.SageMakerInference, s.SageMakerStudio = src, src, src
		s.SageMakerGovernance = &governanceSource{api: a.SageMaker, n: n}
	}
	if a.IAM != nil {
		s.IAM = &iamSource{api: a.IAM, n: n}
		s.IAMCredentials = &credentialSource{api: a.IAM, n: n}
	}
	if a.Bedrock != nil {
		s.Bedrock = &bedrockSource{api: a.Bedrock, n: n}
		s.BedrockGuardrails = &guardrailSource{api: a.Bedrock, n: n}
	}
	if a.BedrockAgent != nil {
		s.BedrockAgents = &bedrockAgentSource{api: a.BedrockAgent, n: n}
	}
	if a.Comprehend != nil {
		s.Comprehend = &comprehendSource{api: a.Comprehend}
		s.ComprehendModels = &comprehendModelSource{api: a.Comprehend}
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
	if a.CloudTrail != nil {
		s.CloudTrail = &cloudTrailSource{api: a.CloudTrail, n: n}
	}
	if a.GuardDuty != nil {
		s.GuardDuty = &guardDutySource{api: a.GuardDuty, n: n}
	}
	if a.CostExplorer != nil {
		s.CostAnomaly = &costAnomalySource{api: a.CostExplorer}
	}
	if a.EC2 != nil {
		s.VPCEndpoints = &vpcSource{api: a.EC2}
	}
	// The ML fronts source reads its three services together.
	if a.ELB != nil && a.APIGateway != nil && a.APIGatewayV2 != nil && a.CloudFront != nil {
		s.MLFronts = &frontSource{elb: a.ELB, v1: a.APIGateway, v2: a.APIGatewayV2, cloudFront: a.CloudFront, region: a.Region, n: n}
	}
	if a.ACM != nil {
		s.Certificates = &certificateSource{api: a.ACM}
	}
	return s
}

// For returns the sources over the clients of roleARN ("" for the
// process's own credentials) in region ("" for the configured one): those
// of the services o.Services names (every source when it names none), each
// client made on first use and kept by c.
func For(c *awsclient.Clients, roleARN, region string, o Options) rules.Sources {
	a := APIs{Region: c.Region(region)}
	k := clientsOf{c, roleARN, region}
	for _, svc := range services {
		if len(o.Services) == 0 || slices.Contains(o.Services, svc.prefix) {
			svc.set(k, &a)
		}
	}
	return New(a, o)
}

// Services returns the IAM service prefixes that have sources, in the
// order For makes their clients.
func Services() []string {
	out := make([]string, len(services))
	for i, svc := range services {
		out[i] = svc.prefix
	}
	return out
}

// clientsOf are the clients of one role in one Region.
type clientsOf struct {
	c            *awsclient.Clients
	role, region string
}

// get returns k's client of a service (awsclient.Get).
func get[T, O any](k clientsOf, service string, newClient func(aws.Config, ...func(*O)) T) T {
	return awsclient.Get(k.c, k.role, k.region, service, newClient)
}

// services are the IAM service prefixes that have sources, each with how
// it sets its clients in APIs. A client is named by its service's prefix
// among the clients of a role and Region, or by its own name where one
// prefix covers two APIs (Bedrock and Bedrock Agents; API Gateway's v1 and
// v2). Cost Explorer is global: its SDK endpoint rules send every Region's
// requests to the partition's one endpoint and sign them for its Region,
// so its client needs no Region of its own.
var services = [...]struct {
	prefix string
	set    func(k clientsOf, a *APIs)
}{
	{"sagemaker", func(k clientsOf, a *APIs) { a.SageMaker = get(k, "sagemaker", sagemaker.NewFromConfig) }},
	{"iam", func(k clientsOf, a *APIs) { a.IAM = get(k, "iam", iam.NewFromConfig) }},
	{"bedrock", func(k clientsOf, a *APIs) {
		a.Bedrock, a.BedrockAgent = get(k, "bedrock", bedrock.NewFromConfig), get(k, "bedrock-agent", bedrockagent.NewFromConfig)
	}},
	{"comprehend", func(k clientsOf, a *APIs) { a.Comprehend = get(k, "comprehend", comprehend.NewFromConfig) }},
	{"rekognition", func(k clientsOf, a *APIs) { a.Rekognition = get(k, "rekognition", rekognition.NewFromConfig) }},
	{"s3", func(k clientsOf, a *APIs) { a.S3 = get(k, "s3", s3.NewFromConfig) }},
	{"logs", func(k clientsOf, a *APIs) { a.Logs = get(k, "logs", cloudwatchlogs.NewFromConfig) }},
	{"cloudtrail", func(k clientsOf, a *APIs) { a.CloudTrail = get(k, "cloudtrail", cloudtrail.NewFromConfig) }},
	{"guardduty", func(k clientsOf, a *APIs) { a.GuardDuty = get(k, "guardduty", guardduty.NewFromConfig) }},
	{"ce", func(k clientsOf, a *APIs) { a.CostExplorer = get(k, "ce", costexplorer.NewFromConfig) }},
	{"ec2", func(k clientsOf, a *APIs) { a.EC2 = get(k, "ec2", ec2.NewFromConfig) }},
	{"elasticloadbalancing", func(k clientsOf, a *APIs) { a.ELB = get(k, "elasticloadbalancing", elb.NewFromConfig) }},
	{"apigateway", func(k clientsOf, a *APIs) {
		a.APIGateway, a.APIGatewayV2 = get(k, "apigateway", apigateway.NewFromConfig), get(k, "apigatewayv2", apigatewayv2.NewFromConfig)
	}},
	{"cloudfront", func(k clientsOf, a *APIs) { a.CloudFront = get(k, "cloudfront", newCloudFront) }},
	{"acm", func(k clientsOf, a *APIs) { a.ACM = get(k, "acm", acm.NewFromConfig) }},
}

// newCloudFront makes a CloudFront client: CloudFront is global, its API
// is in us-east-1 (cn-northwest-1 in China).
func newCloudFront(cfg aws.Config, optFns ...func(*cloudfront.Options)) *cloudfront.Client {
	return cloudfront.NewFromConfig(cfg, append(optFns, func(o *cloudfront.Options) { o.Region = cloudFrontRegion(cfg.Region) })...)
}

// cloudFrontRegion is where CloudFront's API is for a Region's partition.
func cloudFrontRegion(region string) string {
	if awsid.PartitionOfRegion(region) == awsid.AWSCN {
		return "cn-northwest-1"
	}
	return "us-east-1"
}
