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
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sagemaker"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/aiguard/aiguard/rules"
)

// SDKClients builds real AWS SDK clients once per container and reuses
// them: Config, SageMaker and IAM clients for the function's own role, and
// for each assumed member-account role (and Region), whose credentials are
// cached and refreshed before they expire.
type SDKClients struct {
	base aws.Config
	sts  *sts.Client

	mu        sync.Mutex
	creds     map[string]aws.CredentialsProvider // by role ARN
	config    map[clientKey]*configservice.Client
	sagemaker map[clientKey]*sagemaker.Client
	iam       map[clientKey]*iam.Client
	ai        map[clientKey]*aiClients // Bedrock, Comprehend, Rekognition, S3, Logs (sources_bedrock.go)
	// CloudTrail, GuardDuty, Cost Explorer (sources_cloudtrail.go)
	account map[clientKey]AccountAPIs
	// Security Hub and SNS, for the detections (clients_alerts.go)
	alerts alertClients
}

type clientKey struct{ roleARN, region string }

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
// endpoint with config.WithBaseEndpoint and fixed credentials.
func NewSDKClients(ctx context.Context, optFns ...func(*config.LoadOptions) error) (*SDKClients, error) {
	opts := append([]func(*config.LoadOptions) error{config.WithRetryer(newRetryer)}, optFns...)
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("load AWS configuration: %w", err)
	}
	return &SDKClients{
		base:      cfg,
		sts:       sts.NewFromConfig(cfg),
		creds:     map[string]aws.CredentialsProvider{},
		config:    map[clientKey]*configservice.Client{},
		sagemaker: map[clientKey]*sagemaker.Client{},
		iam:       map[clientKey]*iam.Client{},
	}, nil
}

// Config returns the Config client for roleARN ("" for the function's own
// role) in region ("" for the function's Region). Clients of one role share
// its cached credentials, so the role is assumed once per container and
// again only shortly before the credentials expire.
func (c *SDKClients) Config(_ context.Context, roleARN, region string) (ConfigAPI, error) {
	key := clientKey{roleARN, region}
	c.mu.Lock()
	defer c.mu.Unlock()
	if client, ok := c.config[key]; ok {
		return client, nil
	}
	client := configservice.NewFromConfig(c.configFor(roleARN, region))
	c.config[key] = client
	return client, nil
}

// Sources returns the sources periodic rules read, over the SageMaker and
// IAM clients of roleARN in region, made once per container like the
// Config client. Each call gets its own sources (their per-run caches and
// concurrency); the clients and credentials are shared.
func (c *SDKClients) Sources(_ context.Context, roleARN, region string, o SourceOptions) (rules.Sources, error) {
	key := clientKey{roleARN, region}
	c.mu.Lock()
	defer c.mu.Unlock()
	sm, ok := c.sagemaker[key]
	if !ok {
		sm = sagemaker.NewFromConfig(c.configFor(roleARN, region))
		c.sagemaker[key] = sm
	}
	ic, ok := c.iam[key]
	if !ok {
		ic = iam.NewFromConfig(c.configFor(roleARN, region))
		c.iam[key] = ic
	}
	s := NewSources(sm, ic, o)
	c.aiClientsFor(key).apis().AddTo(&s, o)
	c.accountAPIsFor(key).AddTo(&s, o)
	return s, nil
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
