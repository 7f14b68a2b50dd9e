// Package awsclient makes aiguard's AWS SDK clients and keeps them for the
// life of the process: one client per role, Region and service, each made
// when first asked for, since a Lambda cold start pays for every client
// made. The Lambda's own calls (Config, Security Hub, SNS) and the sources
// of the periodic rules (package sources) take their clients from the same
// Clients, so that clients of one role share its cached credentials.
package awsclient

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// SessionName is the role session name of assumed roles, visible in the
// member account's CloudTrail.
const SessionName = "aiguard-config-rule"

// MaxAttempts is how often every client makes a call that fails with a
// retryable error (throttling among them) before it gives up.
const MaxAttempts = 6

// Throttling errors back off exponentially with jitter, from up to 1s on
// the first retry to at most maxBackoff.
const (
	maxBackoff = 5 * time.Second
	// roleDuration is how long assumed-role credentials last; the minimum
	// STS allows, as a rule invocation takes seconds.
	roleDuration = 15 * time.Minute
	// refreshWindow renews assumed-role credentials this long before they
	// expire, so no request is signed with credentials about to lapse.
	refreshWindow = time.Minute
)

// StandardRetry configures the SDK's standard retryer as every client of
// Clients has it; tests add their own backoff after it.
func StandardRetry(o *retry.StandardOptions) {
	o.MaxAttempts = MaxAttempts
	o.MaxBackoff = maxBackoff
}

func newRetryer() aws.Retryer { return retry.NewStandard(StandardRetry) }

// Clients builds real AWS SDK clients and keeps them: the clients of a
// role in a Region when a caller first asks for one of them (Get), the STS
// client when a member-account role is first assumed. Clients of one role
// share its cached credentials, refreshed before they expire. It is safe
// for concurrent use.
type Clients struct {
	base aws.Config

	mu    sync.Mutex
	creds map[string]aws.CredentialsProvider // by role ARN
	roles map[key]*roleClients
}

type key struct{ roleARN, region string }

// roleClients are the clients of one role in one Region, by service.
type roleClients struct {
	cfg     aws.Config
	clients map[string]any
}

// stsService is the key of the STS client that assumes roles, among the
// function's own clients in its own Region.
const stsService = "sts"

// New loads the AWS configuration: the environment, including
// AWS_ENDPOINT_URL* overrides, and aiguard's retry settings (throttling
// errors are retried by the SDK with exponential backoff). optFns apply
// after those defaults; tests use them to reach a local endpoint with
// config.WithBaseEndpoint and fixed credentials. It makes no client.
func New(ctx context.Context, optFns ...func(*config.LoadOptions) error) (*Clients, error) {
	opts := append([]func(*config.LoadOptions) error{config.WithRetryer(newRetryer)}, optFns...)
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("load AWS configuration: %w", err)
	}
	return &Clients{
		base:  cfg,
		creds: map[string]aws.CredentialsProvider{},
		roles: map[key]*roleClients{},
	}, nil
}

// Get returns the client of a service acting as roleARN ("" for the
// process's own credentials) in region ("" for the configured Region),
// made on first use with newClient, the service package's NewFromConfig,
// and kept. service names the client among those of the role and Region:
// Get(c, "", "", "securityhub", securityhub.NewFromConfig).
func Get[T, O any](c *Clients, roleARN, region, service string, newClient func(aws.Config, ...func(*O)) T) T {
	c.mu.Lock()
	defer c.mu.Unlock()
	return get(c.clientsOf(roleARN, region), service, newClient)
}

// get is Get for the clients of one role and Region; c.mu is held.
func get[T, O any](rc *roleClients, service string, newClient func(aws.Config, ...func(*O)) T) T {
	if cl, ok := rc.clients[service].(T); ok {
		return cl
	}
	cl := newClient(rc.cfg)
	rc.clients[service] = cl
	return cl
}

// Region is the Region the clients of region call: region, or the
// configured one when it is "".
func (c *Clients) Region(region string) string {
	if region != "" {
		return region
	}
	return c.base.Region
}

// Made lists, sorted, the services whose clients exist for roleARN in
// region; "sts" among the process's own in its Region once a role was
// assumed. It tells tests and diagnostics what a cold start paid for.
func (c *Clients) Made(roleARN, region string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	rc := c.roles[key{roleARN, region}]
	if rc == nil {
		return nil
	}
	return slices.Sorted(maps.Keys(rc.clients))
}

// clientsOf returns the clients of roleARN in region; c.mu is held.
func (c *Clients) clientsOf(roleARN, region string) *roleClients {
	k := key{roleARN, region}
	rc, ok := c.roles[k]
	if !ok {
		rc = &roleClients{cfg: c.configFor(roleARN, region), clients: map[string]any{}}
		c.roles[k] = rc
	}
	return rc
}

// configFor is the AWS configuration of roleARN in region; c.mu is held.
func (c *Clients) configFor(roleARN, region string) aws.Config {
	cfg := c.base.Copy()
	if region != "" {
		cfg.Region = region
	}
	if roleARN != "" {
		cfg.Credentials = c.roleCredentials(roleARN)
	}
	return cfg
}

// roleCredentials returns the cached credentials of roleARN, assumed with
// the process's own credentials in its own Region; c.mu is held.
func (c *Clients) roleCredentials(roleARN string) aws.CredentialsProvider {
	if p, ok := c.creds[roleARN]; ok {
		return p
	}
	provider := stscreds.NewAssumeRoleProvider(get(c.clientsOf("", ""), stsService, sts.NewFromConfig), roleARN, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = SessionName
		o.Duration = roleDuration
	})
	p := aws.NewCredentialsCache(provider, func(o *aws.CredentialsCacheOptions) {
		o.ExpiryWindow = refreshWindow
	})
	c.creds[roleARN] = p
	return p
}
