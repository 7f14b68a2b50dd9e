package lambda

import (
	"context"

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
