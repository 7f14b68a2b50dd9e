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
	for _, svc := range services {
		if len(o.Services) == 0 || slices.Contains(o.Services, svc.prefix) {
			svc.set(c, roleARN, region, &a)
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

// services are the IAM service prefixes that have sources, each with how
// it sets its clients in APIs. A service's client is keyed by its prefix
// among the clients of a role and Region (by its own name where one prefix
// covers two APIs).
var services = [...]struct {
	prefix string
	set    func(c *awsclient.Clients, role, region string, a *APIs)
}{
	{"sagemaker", func(c *awsclient.Clients, role, region string, a *APIs) {
		a.SageMaker = awsclient.Get(c, role, region, "sagemaker", sagemaker.NewFromConfig)
	}},
	{"iam", func(c *awsclient.Clients, role, region string, a *APIs) {
		a.IAM = awsclient.Get(c, role, region, "iam", iam.NewFromConfig)
	}},
	{"bedrock", func(c *awsclient.Clients, role, region string, a *APIs) { // Bedrock and Bedrock Agents share the IAM prefix
		a.Bedrock = awsclient.Get(c, role, region, "bedrock", bedrock.NewFromConfig)
		a.BedrockAgent = awsclient.Get(c, role, region, "bedrock-agent", bedrockagent.NewFromConfig)
	}},
	{"comprehend", func(c *awsclient.Clients, role, region string, a *APIs) {
		a.Comprehend = awsclient.Get(c, role, region, "comprehend", comprehend.NewFromConfig)
	}},
	{"rekognition", func(c *awsclient.Clients, role, region string, a *APIs) {
		a.Rekognition = awsclient.Get(c, role, region, "rekognition", rekognition.NewFromConfig)
	}},
	{"s3", func(c *awsclient.Clients, role, region string, a *APIs) {
		a.S3 = awsclient.Get(c, role, region, "s3", s3.NewFromConfig)
	}},
	{"logs", func(c *awsclient.Clients, role, region string, a *APIs) {
		a.Logs = awsclient.Get(c, role, region, "logs", cloudwatchlogs.NewFromConfig)
	}},
	{"cloudtrail", func(c *awsclient.Clients, role, region string, a *APIs) {
		a.CloudTrail = awsclient.Get(c, role, region, "cloudtrail", cloudtrail.NewFromConfig)
	}},
	{"guardduty", func(c *awsclient.Clients, role, region string, a *APIs) {
		a.GuardDuty = awsclient.Get(c, role, region, "guardduty", guardduty.NewFromConfig)
	}},
	{"ce", func(c *awsclient.Clients, role, region string, a *APIs) {
		// Cost Explorer is global: its SDK endpoint rules send every
		// Region's requests to the partition's one endpoint (ce.us-east-1
		// in aws) and sign them for its Region, so the client needs no
		// Region of its own.
		a.CostExplorer = awsclient.Get(c, role, region, "ce", costexplorer.NewFromConfig)
	}},
	{"ec2", func(c *awsclient.Clients, role, region string, a *APIs) {
		a.EC2 = awsclient.Get(c, role, region, "ec2", ec2.NewFromConfig)
	}},
	{"elasticloadbalancing", func(c *awsclient.Clients, role, region string, a *APIs) {
		a.ELB = awsclient.Get(c, role, region, "elasticloadbalancing", elb.NewFromConfig)
	}},
	{"apigateway", func(c *awsclient.Clients, role, region string, a *APIs) { // one IAM prefix for API Gateway's v1 and v2 APIs
		a.APIGateway = awsclient.Get(c, role, region, "apigateway", apigateway.NewFromConfig)
		a.APIGatewayV2 = awsclient.Get(c, role, region, "apigatewayv2", apigatewayv2.NewFromConfig)
	}},
	{"cloudfront", func(c *awsclient.Clients, role, region string, a *APIs) {
		a.CloudFront = awsclient.Get(c, role, region, "cloudfront", newCloudFront)
	}},
	{"acm", func(c *awsclient.Clients, role, region string, a *APIs) {
		a.ACM = awsclient.Get(c, role, region, "acm", acm.NewFromConfig)
	}},
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
