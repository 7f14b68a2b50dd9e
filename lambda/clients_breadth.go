package lambda

import (
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sagemaker"
)

// breadthAPIsFor returns the APIs of the second wave of AI rules for key,
// over the SageMaker, IAM, Comprehend and Bedrock clients already made,
// with the network services' clients made on first use and kept for the
// container; c.mu is held.
func (c *SDKClients) breadthAPIsFor(key clientKey, sm *sagemaker.Client, ic *iam.Client, ai *aiClients) BreadthAPIs {
	if c.breadth == nil {
		c.breadth = map[clientKey]BreadthAPIs{}
	}
	if a, ok := c.breadth[key]; ok {
		return a
	}
	cfg := c.configFor(key.roleARN, key.region)
	// CloudFront is global: its API is in us-east-1 (cn-northwest-1 in China).
	cfRegion := "us-east-1"
	if partitionOf(cfg.Region) == "aws-cn" {
		cfRegion = "cn-northwest-1"
	}
	a := BreadthAPIs{
		SageMaker: sm, IAM: ic, Comprehend: ai.comprehend, Bedrock: ai.bedrock,
		EC2:          lazy(func() EC2API { return ec2.NewFromConfig(cfg) }),
		ELB:          lazy(func() ELBAPI { return elb.NewFromConfig(cfg) }),
		APIGateway:   lazy(func() APIGatewayAPI { return apigateway.NewFromConfig(cfg) }),
		APIGatewayV2: lazy(func() APIGatewayV2API { return apigatewayv2.NewFromConfig(cfg) }),
		CloudFront: lazy(func() CloudFrontAPI {
			return cloudfront.NewFromConfig(cfg, func(o *cloudfront.Options) { o.Region = cfRegion })
		}),
		ACM:       lazy(func() ACMAPI { return acm.NewFromConfig(cfg) }),
		Region:    cfg.Region,
		Partition: partitionOf(cfg.Region),
	}
	c.breadth[key] = a
	return a
}
