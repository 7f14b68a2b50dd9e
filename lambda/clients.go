package lambda

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/aiguard/aiguard/awsclient"
	"github.com/aiguard/aiguard/rules"
	"github.com/aiguard/aiguard/sources"
)

// SDKClients are the function's real AWS SDK clients, kept for the life of
// the container by package awsclient: each is made when first needed, the
// Config client of a role and Region on its first invocation, a service's
// clients only when a rule that reads the service runs (the services of
// its IAM Actions), the Security Hub and SNS clients when a detection first
// delivers a finding. It serves Clients, SourceClients and AlertClients.
type SDKClients struct {
	clients *awsclient.Clients
}

// NewSDKClients loads the function's AWS configuration (awsclient.New: the
// environment, AWS_ENDPOINT_URL* overrides included, and aiguard's retry
// settings). optFns apply after those defaults; tests use them to reach a
// local endpoint with config.WithBaseEndpoint and fixed credentials. It
// makes no client.
func NewSDKClients(ctx context.Context, optFns ...func(*config.LoadOptions) error) (*SDKClients, error) {
	c, err := awsclient.New(ctx, optFns...)
	if err != nil {
		return nil, err
	}
	return &SDKClients{clients: c}, nil
}

// SessionName is the role session name of assumed roles, visible in the
// member account's CloudTrail.
const SessionName = awsclient.SessionName

// Config returns the Config client for roleARN ("" for the function's own
// role) in region ("" for the function's Region). Clients of one role share
// its cached credentials, so the role is assumed once per container and
// again only shortly before the credentials expire.
func (c *SDKClients) Config(_ context.Context, roleARN, region string) (ConfigAPI, error) {
	return awsclient.Get(c.clients, roleARN, region, "config", configservice.NewFromConfig), nil
}

// Sources returns the sources periodic rules read, over the clients of
// roleARN in region (sources.For): those of the services o.Services names,
// each client made on first use and kept, like the Config client.
func (c *SDKClients) Sources(_ context.Context, roleARN, region string, o sources.Options) (rules.Sources, error) {
	return sources.For(c.clients, roleARN, region, o), nil
}

// SecurityHub returns the Security Hub client of the function's own role:
// a function that only evaluates Config rules never makes it.
func (c *SDKClients) SecurityHub(_ context.Context, region string) (SecurityHubAPI, error) {
	return awsclient.Get(c.clients, "", region, "securityhub", securityhub.NewFromConfig), nil
}

// SNS returns the SNS client of the function's own role.
func (c *SDKClients) SNS(_ context.Context, region string) (SNSAPI, error) {
	return awsclient.Get(c.clients, "", region, "sns", sns.NewFromConfig), nil
}
