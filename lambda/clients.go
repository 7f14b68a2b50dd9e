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
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// SDKClients builds real AWS SDK clients once per container and reuses
// them: one Config client for the function's own role, and one per assumed
// member-account role (and Region), whose credentials are cached and
// refreshed before they expire.
type SDKClients struct {
	base aws.Config
	sts  *sts.Client

	mu     sync.Mutex
	config map[clientKey]*configservice.Client
}

type clientKey struct{ roleARN, region string }

// SessionName is the role session name of assumed roles, visible in the
// member account's CloudTrail.
const SessionName = "aiguard-config-rule"

// NewSDKClients loads the function's AWS configuration (environment, and
// AWS_ENDPOINT_URL* overrides, which tests use to reach local endpoints).
// Throttling errors are retried by the SDK with exponential backoff.
func NewSDKClients(ctx context.Context) (*SDKClients, error) {
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRetryer(func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = 6
			o.MaxBackoff = 5 * time.Second
		})
	}))
	if err != nil {
		return nil, fmt.Errorf("load AWS configuration: %w", err)
	}
	return &SDKClients{base: cfg, sts: sts.NewFromConfig(cfg), config: map[clientKey]*configservice.Client{}}, nil
}

// Config returns the Config client for roleARN ("" for the function's own
// role) in region ("" for the function's Region).
func (c *SDKClients) Config(_ context.Context, roleARN, region string) (ConfigAPI, error) {
	key := clientKey{roleARN, region}
	c.mu.Lock()
	defer c.mu.Unlock()
	if client, ok := c.config[key]; ok {
		return client, nil
	}
	cfg := c.base.Copy()
	if region != "" {
		cfg.Region = region
	}
	if roleARN != "" {
		provider := stscreds.NewAssumeRoleProvider(c.sts, roleARN, func(o *stscreds.AssumeRoleOptions) {
			o.RoleSessionName = SessionName
			o.Duration = 15 * time.Minute
		})
		cfg.Credentials = aws.NewCredentialsCache(provider)
	}
	client := configservice.NewFromConfig(cfg)
	c.config[key] = client
	return client, nil
}
