package lambda

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// SecurityHubAPI is the part of the Security Hub API the detections call.
type SecurityHubAPI interface {
	BatchImportFindings(ctx context.Context, in *securityhub.BatchImportFindingsInput, optFns ...func(*securityhub.Options)) (*securityhub.BatchImportFindingsOutput, error)
}

// SNSAPI is the part of the SNS API the detections call.
type SNSAPI interface {
	Publish(ctx context.Context, in *sns.PublishInput, optFns ...func(*sns.Options)) (*sns.PublishOutput, error)
}

// AlertClients hands out the clients that deliver a detection's finding:
// Security Hub and SNS, with the function's own role in region ("" for
// the function's Region).
type AlertClients interface {
	SecurityHub(ctx context.Context, region string) (SecurityHubAPI, error)
	SNS(ctx context.Context, region string) (SNSAPI, error)
}

// alertClients are the Security Hub and SNS clients of SDKClients, made on
// first use: a function that only evaluates Config rules never builds them.
type alertClients struct {
	mu          sync.Mutex
	securityHub map[string]*securityhub.Client
	sns         map[string]*sns.Client
}

// SecurityHub returns the Security Hub client of the function's own role.
func (c *SDKClients) SecurityHub(_ context.Context, region string) (SecurityHubAPI, error) {
	a := &c.alerts
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.securityHub == nil {
		a.securityHub = map[string]*securityhub.Client{}
	}
	if client, ok := a.securityHub[region]; ok {
		return client, nil
	}
	c.mu.Lock()
	cfg := c.configFor("", region)
	c.mu.Unlock()
	client := securityhub.NewFromConfig(cfg)
	a.securityHub[region] = client
	return client, nil
}

// SNS returns the SNS client of the function's own role.
func (c *SDKClients) SNS(_ context.Context, region string) (SNSAPI, error) {
	a := &c.alerts
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.sns == nil {
		a.sns = map[string]*sns.Client{}
	}
	if client, ok := a.sns[region]; ok {
		return client, nil
	}
	c.mu.Lock()
	cfg := c.configFor("", region)
	c.mu.Unlock()
	client := sns.NewFromConfig(cfg)
	a.sns[region] = client
	return client, nil
}
