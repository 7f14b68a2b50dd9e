package lambda

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/bedrock"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagent"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/comprehend"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/costexplorer"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/rekognition"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sagemaker"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/aiguard/aiguard/awsid"
	"github.com/aiguard/aiguard/rules"
)

// SDKClients builds real AWS SDK clients and keeps them for the life of
// the container. Each is made when first needed, since a cold start pays
// for every one: the Config client of a role and Region on its first
// invocation, a service's clients only when a rule that reads the service
// runs (the services of its IAM Actions), the STS client when a
// member-account role is first assumed. Clients of one role share its
// cached credentials, refreshed before they expire.
type SDKClients struct {
	base aws.Config

	mu    sync.Mutex
	sts   *sts.Client
	creds map[string]aws.CredentialsProvider // by role ARN
	roles map[clientKey]*roleClients
}

type clientKey struct{ roleARN, region string }

// roleClients are the clients of one role in one Region, by service.
type roleClients struct {
	cfg     aws.Config
	clients map[string]any
}

// sdkClient returns rc's client of a service, made on first use with
// newClient, the service package's NewFromConfig. SDKClients.mu is held.
// A new service's client is one call: sdkClient(rc, "securityhub",
// securityhub.NewFromConfig).
func sdkClient[T, O any](rc *roleClients, service string, newClient func(aws.Config, ...func(*O)) T) T {
	if c, ok := rc.clients[service].(T); ok {
		return c
	}
	c := newClient(rc.cfg)
	rc.clients[service] = c
	return c
}

// SessionName is the role session name of assumed roles, visible in the
// member account's CloudTrail.
const SessionName = "aiguard-config-rule"

// Retry settings of every client. Throttling errors back off exponentially
// with jitter, from up to 1s on the first retry to at most maxBackoff.
const (
	maxAttempts = 6
	maxBackoff  = 5 * time.Second
	// roleDuration is how long assumed-role credentials last; the minimum
	// STS allows, as a rule invocation takes seconds.
	roleDuration = 15 * time.Minute
	// refreshWindow renews assumed-role credentials this long before they
	// expire, so no request is signed with credentials about to lapse.
	refreshWindow = time.Minute
)

// standardRetry configures the SDK's standard retryer for aiguard.
func standardRetry(o *retry.StandardOptions) {
	o.MaxAttempts = maxAttempts
	o.MaxBackoff = maxBackoff
}

func newRetryer() aws.Retryer { return retry.NewStandard(standardRetry) }

// NewSDKClients loads the function's AWS configuration: the environment,
// including AWS_ENDPOINT_URL* overrides, and aiguard's retry settings
// (throttling errors are retried by the SDK with exponential backoff).
// optFns apply after those defaults; tests use them to reach a local
// endpoint with config.WithBaseEndpoint and fixed credentials. It makes no
// client.
func NewSDKClients(ctx context.Context, optFns ...func(*config.LoadOptions) error) (*SDKClients, error) {
	opts := append([]func(*config.LoadOptions) error{config.WithRetryer(newRetryer)}, optFns...)
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("load AWS configuration: %w", err)
	}
	return &SDKClients{
		base:  cfg,
		creds: map[string]aws.CredentialsProvider{},
		roles: map[clientKey]*roleClients{},
	}, nil
}

// Config returns the Config client for roleARN ("" for the function's own
// role) in region ("" for the function's Region). Clients of one role share
// its cached credentials, so the role is assumed once per container and
// again only shortly before the credentials expire.
func (c *SDKClients) Config(_ context.Context, roleARN, region string) (ConfigAPI, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return sdkClient(c.clientsOf(roleARN, region), "config", configservice.NewFromConfig), nil
}

// sourceServices are the IAM service prefixes that have sources, each
// provided by a case of Sources.
var sourceServices = []string{"sagemaker", "iam", "bedrock", "comprehend", "rekognition", "s3", "logs", "cloudtrail", "guardduty", "ce",
	"ec2", "elasticloadbalancing", "apigateway", "cloudfront", "acm"}

// cloudFrontRegion is where CloudFront's API is for a Region's partition.
func cloudFrontRegion(region string) string {
	if awsid.PartitionOfRegion(region) == "aws-cn" {
		return "cn-northwest-1"
	}
	return "us-east-1"
}

// Sources returns the sources periodic rules read, over the clients of
// roleARN in region: those of the services o.Services names (every source
// when it names none), each client made on first use and kept, like the
// Config client. Each call gets its own sources (their per-run caches and
// concurrency); the clients and credentials are shared.
func (c *SDKClients) Sources(_ context.Context, roleARN, region string, o SourceOptions) (rules.Sources, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	rc := c.clientsOf(roleARN, region)
	services := o.Services
	if len(services) == 0 {
		services = sourceServices
	}
	var (
		sm      SageMakerAPI
		ic      IAMAPI
		ai      AIServiceAPIs
		account AccountAPIs
		breadth = BreadthAPIs{Region: rc.cfg.Region, Partition: awsid.PartitionOfRegion(rc.cfg.Region)}
	)
	for _, svc := range services {
		switch svc {
		case "sagemaker":
			c := sdkClient(rc, svc, sagemaker.NewFromConfig)
			sm, breadth.SageMaker = c, c
		case "iam":
			c := sdkClient(rc, svc, iam.NewFromConfig)
			ic, breadth.IAM = c, c
		case "bedrock": // Bedrock and Bedrock Agents share the IAM prefix
			c := sdkClient(rc, svc, bedrock.NewFromConfig)
			ai.Bedrock, breadth.Bedrock = c, c
			ai.BedrockAgent = sdkClient(rc, "bedrock-agent", bedrockagent.NewFromConfig)
		case "comprehend":
			c := sdkClient(rc, svc, comprehend.NewFromConfig)
			ai.Comprehend, breadth.Comprehend = c, c
		case "rekognition":
			ai.Rekognition = sdkClient(rc, svc, rekognition.NewFromConfig)
		case "s3":
			ai.S3 = sdkClient(rc, svc, s3.NewFromConfig)
		case "logs":
			ai.Logs = sdkClient(rc, svc, cloudwatchlogs.NewFromConfig)
		case "cloudtrail":
			account.CloudTrail = sdkClient(rc, svc, cloudtrail.NewFromConfig)
		case "guardduty":
			account.GuardDuty = sdkClient(rc, svc, guardduty.NewFromConfig)
		case "ce":
			// Cost Explorer is global: its SDK endpoint rules send every
			// Region's requests to the partition's one endpoint
			// (ce.us-east-1 in aws) and sign them for its Region, so the
			// client needs no Region of its own.
			account.CostExplorer = sdkClient(rc, svc, costexplorer.NewFromConfig)
		case "ec2":
			breadth.EC2 = sdkClient(rc, svc, ec2.NewFromConfig)
		case "elasticloadbalancing":
			breadth.ELB = sdkClient(rc, svc, elb.NewFromConfig)
		case "apigateway": // one IAM prefix for API Gateway's v1 and v2 APIs
			breadth.APIGateway = sdkClient(rc, svc, apigateway.NewFromConfig)
			breadth.APIGatewayV2 = sdkClient(rc, "apigatewayv2", apigatewayv2.NewFromConfig)
		case "cloudfront":
			// CloudFront is global: its API is in us-east-1 (cn-northwest-1 in China).
			breadth.CloudFront = sdkClient(rc, svc, func(cfg aws.Config, optFns ...func(*cloudfront.Options)) *cloudfront.Client {
				return cloudfront.NewFromConfig(cfg, append(optFns, func(o *cloudfront.Options) { o.Region = cloudFrontRegion(cfg.Region) })...)
			})
		case "acm":
			breadth.ACM = sdkClient(rc, svc, acm.NewFromConfig)
		}
	}
	s := NewSources(sm, ic, o)
	ai.AddTo(&s, o)
	account.AddTo(&s, o)
	breadth.AddTo(&s, o)
	return s, nil
}

// clientsOf returns the clients of roleARN in region; c.mu is held.
func (c *SDKClients) clientsOf(roleARN, region string) *roleClients {
	key := clientKey{roleARN, region}
	rc, ok := c.roles[key]
	if !ok {
		rc = &roleClients{cfg: c.configFor(roleARN, region), clients: map[string]any{}}
		c.roles[key] = rc
	}
	return rc
}

// configFor is the AWS configuration of roleARN in region; c.mu is held.
func (c *SDKClients) configFor(roleARN, region string) aws.Config {
	cfg := c.base.Copy()
	if region != "" {
		cfg.Region = region
	}
	if roleARN != "" {
		cfg.Credentials = c.roleCredentials(roleARN)
	}
	return cfg
}

// roleCredentials returns the cached credentials of roleARN; c.mu is held.
func (c *SDKClients) roleCredentials(roleARN string) aws.CredentialsProvider {
	if p, ok := c.creds[roleARN]; ok {
		return p
	}
	if c.sts == nil {
		c.sts = sts.NewFromConfig(c.base)
	}
	provider := stscreds.NewAssumeRoleProvider(c.sts, roleARN, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = SessionName
		o.Duration = roleDuration
	})
	p := aws.NewCredentialsCache(provider, func(o *aws.CredentialsCacheOptions) {
		o.ExpiryWindow = refreshWindow
	})
	c.creds[roleARN] = p
	return p
}
